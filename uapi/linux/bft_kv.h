/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * bft built-in service: a bounded replicated key-value store.
 *
 * These are the bytes a client puts in the op field of a REQUEST and finds
 * in the result field of a REPLY, and the canonical snapshot format whose
 * SHA-256 is the service part of a checkpoint digest. All integers are
 * little-endian; structures document layouts only and every field is
 * accessed by offset (see kmod/kv_codec.h). See Documentation/service.rst.
 */
#ifndef _UAPI_LINUX_BFT_KV_H
#define _UAPI_LINUX_BFT_KV_H

#include <linux/types.h>

/* Default limits; each can be changed when the store is created. */
#define BFT_KV_DEFAULT_MAX_KEY		64
#define BFT_KV_DEFAULT_MAX_VALUE	1024
#define BFT_KV_DEFAULT_MAX_KEYS		4096
#define BFT_KV_DEFAULT_MAX_SNAPS	8

/* Hard ceilings for the configurable limits. */
#define BFT_KV_KEY_MAX			1024
#define BFT_KV_KEYS_MAX			0x100000U
#define BFT_KV_SNAPS_MAX		512

/*
 * The one value limit: a store's max_value is at most this, and the
 * replicas' engine carries any op and result of a store up to it, so a
 * key or value above a store's own limits is always answered by the store
 * (BFT_KV_E_KEY_TOO_LONG, BFT_KV_E_VALUE_TOO_LONG), never dropped.
 */
#define BFT_KV_VALUE_MAX		1024
#define BFT_KV_OP_LEN_MAX	(BFT_KV_OP_HDR_LEN + BFT_KV_KEY_MAX + 2 * BFT_KV_VALUE_MAX)
#define BFT_KV_RESULT_LEN_MAX		(BFT_KV_RES_HDR_LEN + BFT_KV_VALUE_MAX)

enum bft_kv_opcode {
	BFT_KV_OP_NOP,		/* no effect; val is ignored padding */
	BFT_KV_OP_PUT,		/* key, val: insert or replace */
	BFT_KV_OP_GET,		/* key: read (the only read-only op besides NOP) */
	BFT_KV_OP_DEL,		/* key: remove */
	BFT_KV_OP_CAS,		/* key, val = expected, val2 = new value */

	__BFT_KV_OP_MAX
};

#define BFT_KV_OP_MAX (__BFT_KV_OP_MAX - 1)

/* Operation flags. */
#define BFT_KV_F_ABSENT		0x01	/* CAS: key must not exist, val empty */
#define BFT_KV_F_ALL		(BFT_KV_F_ABSENT)

/*
 * 12-byte operation header, followed by key[key_len], val[val_len] and
 * val2[val2_len] back to back; the op length must equal the sum exactly.
 * A zero-length op is a NOP. Fields an opcode does not use must be 0.
 */
struct bft_kv_op {
	__u8 code;		/* enum bft_kv_opcode */
	__u8 flags;		/* BFT_KV_F_* */
	__le16 key_len;
	__le32 val_len;
	__le32 val2_len;
};

#define BFT_KV_OP_HDR_LEN	12

/* Result status; errors never change the state. */
enum bft_kv_status {
	BFT_KV_OK,
	BFT_KV_E_NOT_FOUND,	/* GET/DEL/CAS: no such key */
	BFT_KV_E_CAS_MISMATCH,	/* CAS: current value differs (returned) */
	BFT_KV_E_KEY_EMPTY,	/* keyed op with key_len 0 */
	BFT_KV_E_KEY_TOO_LONG,	/* key_len above the store's max_key */
	BFT_KV_E_VALUE_TOO_LONG,	/* val or val2 above max_value */
	BFT_KV_E_FULL,		/* new key while max_keys keys exist */
	BFT_KV_E_BAD_OP,	/* malformed: short, lengths, opcode, flags */
	BFT_KV_E_READONLY,	/* write op sent as a read-only request */
	BFT_KV_E_RESULT_TOO_BIG,	/* value does not fit the result space */

	__BFT_KV_STATUS_MAX
};

#define BFT_KV_STATUS_MAX (__BFT_KV_STATUS_MAX - 1)

/* Result flags. */
#define BFT_KV_R_CREATED	0x01	/* PUT/CAS created the key */

/*
 * 8-byte result header, followed by val[val_len]: the value for a GET that
 * returns BFT_KV_OK, the current value for BFT_KV_E_CAS_MISMATCH on an
 * existing key, otherwise nothing.
 */
struct bft_kv_result {
	__u8 status;		/* enum bft_kv_status */
	__u8 flags;		/* BFT_KV_R_* */
	__le16 reserved;	/* 0 */
	__le32 val_len;
};

#define BFT_KV_RES_HDR_LEN	8

/*
 * Canonical snapshot: a header, then count entries sorted by key in
 * strictly increasing order (bytewise, a proper prefix sorts first). The
 * same logical state gives the same bytes on every replica.
 */
#define BFT_KV_SNAP_MAGIC	0x31564b42U	/* "BKV1" */

struct bft_kv_snap_hdr {
	__le32 magic;
	__le32 count;		/* entries */
	__le64 len;		/* total bytes, this header included */
};

#define BFT_KV_SNAP_HDR_LEN	16

struct bft_kv_snap_entry {
	__le16 key_len;		/* >= 1 */
	__le16 reserved;	/* 0 */
	__le32 val_len;
	/* __u8 key[key_len]; __u8 val[val_len]; */
};

#define BFT_KV_SNAP_ENT_LEN	8

#endif /* _UAPI_LINUX_BFT_KV_H */
