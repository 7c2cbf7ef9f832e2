/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Encoders and decoders for the key-value service format in
 * uapi/linux/bft_kv.h. Pure C on top of engine/port.h: built into bft.ko,
 * libbftclient, the simulator and the host tests.
 */
#ifndef _BFT_KV_CODEC_H
#define _BFT_KV_CODEC_H

#include "engine/port.h"
#include <linux/bft_kv.h>

/* A decoded operation; pointers alias the op buffer. */
struct bft_kv_op_view {
	u8 code;
	u8 flags;
	u32 key_len;
	u32 val_len;
	u32 val2_len;
	const u8 *key;
	const u8 *val;
	const u8 *val2;
};

/* A decoded result; val aliases the result buffer. */
struct bft_kv_res_view {
	u8 status;
	u8 flags;
	u32 val_len;
	const u8 *val;
};

/* One snapshot entry; pointers alias the snapshot buffer. */
struct bft_kv_snap_view {
	u32 key_len;
	u32 val_len;
	const u8 *key;
	const u8 *val;
};

/*
 * Encoders write into buf and return the op length, or 0 if it does not
 * fit cap or a length does not fit its field. Pointers may be NULL when
 * their length is 0.
 */
u32 bft_kv_enc_nop(u8 *buf, u32 cap, u32 pad);
u32 bft_kv_enc_put(u8 *buf, u32 cap, const void *key, u32 key_len,
		   const void *val, u32 val_len);
u32 bft_kv_enc_get(u8 *buf, u32 cap, const void *key, u32 key_len);
u32 bft_kv_enc_del(u8 *buf, u32 cap, const void *key, u32 key_len);
/* flags BFT_KV_F_ABSENT: the key must not exist (exp_len must be 0). */
u32 bft_kv_enc_cas(u8 *buf, u32 cap, const void *key, u32 key_len,
		   const void *exp, u32 exp_len, const void *val, u32 val_len,
		   u8 flags);

/*
 * Structural decode: exact lengths, known opcode, valid flags, unused
 * fields zero. Returns BFT_KV_OK or BFT_KV_E_BAD_OP; limits are the
 * store's business.
 */
u8 bft_kv_dec_op(const void *op, u32 len, struct bft_kv_op_view *v);
/* True if the opcode changes state. */
bool bft_kv_op_is_write(u8 code);

/* Result encoding; returns length or 0 if it does not fit cap. */
u32 bft_kv_enc_result(u8 *buf, u32 cap, u8 status, u8 flags,
		      const void *val, u32 val_len);
/* 0, or -EINVAL if malformed (bad length, unknown status, reserved set). */
int bft_kv_dec_result(const void *res, u32 len, struct bft_kv_res_view *v);

/* Short stable names ("ok", "not-found", "put"...); "?" if unknown. */
const char *bft_kv_status_name(u32 status);
const char *bft_kv_op_name(u32 code);

/*
 * Snapshot walking for export and verification. bft_kv_snap_first checks
 * the header against len and sets *off to the first entry;
 * bft_kv_snap_next returns 1 with an entry, 0 at a clean end, -EINVAL on
 * malformed bytes. Ordering and limits are checked by bft_kv_snap_check.
 */
int bft_kv_snap_first(const void *snap, u64 len, u32 *count, u64 *off);
int bft_kv_snap_next(const void *snap, u64 len, u64 *off,
		     struct bft_kv_snap_view *e);
/* 0 if snap is a canonical snapshot within the limits (0 = no limit). */
int bft_kv_snap_check(const void *snap, u64 len, u32 max_key, u32 max_value,
		      u32 max_keys);
/* Canonical key order: bytewise, a proper prefix first. */
int bft_kv_key_cmp(const u8 *a, u32 alen, const u8 *b, u32 blen);

#endif /* _BFT_KV_CODEC_H */
