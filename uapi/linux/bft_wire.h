/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * bft wire format: the UDP datagrams exchanged by replicas and clients.
 *
 * All integers are little-endian. Every datagram starts with struct bft_hdr;
 * hdr.len is the total datagram length. Point-to-point messages end with a
 * 32-byte HMAC-SHA256 trailer over all preceding bytes, keyed with the
 * pairwise key of sender and receiver. A REQUEST instead ends with an
 * authenticator: n_auth tags, tag i keyed with the key of the client and
 * replica i, each over the bytes before the authenticator.
 *
 * The structures below are the layout: the codec takes every offset and
 * size from them (offsetof/sizeof) and pins each fixed size at build
 * time. It reads and writes fields byte-wise, so datagrams never need
 * aligned storage. See Documentation/wire-format.rst.
 */
#ifndef _UAPI_LINUX_BFT_WIRE_H
#define _UAPI_LINUX_BFT_WIRE_H

#include <linux/types.h>

#define BFT_WIRE_MAGIC		0x31544642U	/* "BFT1" */
#define BFT_WIRE_VERSION	2		/* 2: epoch in the header */
#define BFT_MAC_LEN		32
#define BFT_DIGEST_LEN		32
#define BFT_WIRE_MAX_DGRAM	65507		/* IPv4 UDP payload limit */
#define BFT_MAX_REPLICAS	64
#define BFT_MAX_CLIENTS		65536
#define BFT_MAX_OP		8192
#define BFT_MAX_RESULT		8192
#define BFT_MAX_CKPTS_VC	8		/* checkpoints in a VIEW-CHANGE */
#define BFT_MAX_LOG		256		/* max L (log window) */
/*
 * Part size of the checkpoint state digest (SHA-256 of the part table,
 * see BFT_FETCH_TABLE) that bft.ko and bftd use, and bftctl checks with.
 */
#define BFT_STATE_PART		16384
/*
 * Highest view number: a message naming a higher view is dropped, so
 * view + 1 never wraps (2^48 view changes take millennia at 1 per ms).
 */
#define BFT_VIEW_MAX		0x1000000000000ULL	/* 2^48 */

enum bft_msg_kind {
	BFT_MSG_UNSPEC,
	BFT_MSG_REQUEST,
	BFT_MSG_PRE_PREPARE,
	BFT_MSG_PREPARE,
	BFT_MSG_COMMIT,
	BFT_MSG_REPLY,
	BFT_MSG_CHECKPOINT,
	BFT_MSG_VIEW_CHANGE,
	BFT_MSG_NEW_VIEW,
	BFT_MSG_FETCH,
	BFT_MSG_DATA,
	BFT_MSG_VC_ACK,
	BFT_MSG_SUSPECT,

	__BFT_MSG_MAX
};

#define BFT_MSG_MAX (__BFT_MSG_MAX - 1)

enum bft_principal {
	BFT_PRINCIPAL_REPLICA,
	BFT_PRINCIPAL_CLIENT,
};

/* Why a datagram was dropped; counters are kept per reason. */
enum bft_drop_reason {
	BFT_DROP_NONE,
	BFT_DROP_SHORT,		/* shorter than its fixed layout */
	BFT_DROP_MAGIC,
	BFT_DROP_VERSION,
	BFT_DROP_KIND,		/* unknown or unexpected message kind */
	BFT_DROP_LEN,		/* hdr.len disagrees with datagram/fields */
	BFT_DROP_TOO_LONG,	/* above a size cap */
	BFT_DROP_PRINCIPAL,	/* wrong principal type for this kind */
	BFT_DROP_SENDER,	/* unknown sender id, or ourselves */
	BFT_DROP_RESERVED,	/* reserved field or flag bit set */
	BFT_DROP_NO_KEY,	/* no key for the sender */
	BFT_DROP_MAC,		/* bad MAC trailer */
	BFT_DROP_AUTH,		/* bad authenticator entry in a request */
	BFT_DROP_NAUTH,		/* authenticator size != n */
	BFT_DROP_OP_LEN,	/* operation too long */
	BFT_DROP_BATCH_COUNT,	/* batch count 0/over cap/mismatch */
	BFT_DROP_BATCH_BYTES,	/* batch bytes over cap */
	BFT_DROP_DIGEST,	/* digest does not match contents */
	BFT_DROP_INNER,		/* malformed request inside a batch */
	BFT_DROP_VC_FORMAT,	/* malformed VIEW-CHANGE/NEW-VIEW lists */
	BFT_DROP_VIEW,		/* message for another view */
	BFT_DROP_WINDOW,	/* sequence number outside (h, H] */
	BFT_DROP_NOT_PRIMARY,	/* ordering message from a non-primary */
	BFT_DROP_DUPLICATE,	/* already have it */
	BFT_DROP_STALE,		/* old timestamp, checkpoint or view */
	BFT_DROP_CONFLICT,	/* equivocation, recorded as evidence */
	BFT_DROP_BUSY,		/* no room: client already has one in flight */
	BFT_DROP_NV_INVALID,	/* NEW-VIEW whose O does not recompute */
	BFT_DROP_XFER,		/* unexpected or bad state-transfer data */
	BFT_DROP_STATE,		/* not acceptable in the current state */
	BFT_DROP_QUEUE_FULL,	/* receive queue overflow (glue) */
	BFT_DROP_NO_MEM,	/* allocation failed on receive (glue) */
	BFT_DROP_THROTTLED,	/* client in backoff after the MAC attack */
	BFT_DROP_EPOCH,		/* replica message of another epoch */
	BFT_DROP_ADMIN,		/* admin-only request from another client */
	BFT_DROP_KEY_ID,	/* key id neither current nor next (old key) */

	__BFT_DROP_MAX
};

#define BFT_DROP_MAX (__BFT_DROP_MAX - 1)

/* 24 bytes, starts every datagram. */
struct bft_hdr {
	__le32 magic;
	__u8 version;
	__u8 kind;		/* enum bft_msg_kind */
	__u8 principal;		/* enum bft_principal of the sender */
	__u8 key_id;		/* id of the pairwise key of the MAC */
	__le32 sender;		/* replica or client id */
	__le32 len;		/* total datagram length */
	/*
	 * Configuration epoch of a replica sender; a replica drops replica
	 * messages of another epoch. Clients send 0; replies carry the
	 * replica's epoch (informational).
	 */
	__le64 epoch;
};

#define BFT_REQ_F_READONLY	0x01
#define BFT_REQ_F_RECONFIG	0x02	/* op is a struct bft_reconfig_op */
#define BFT_REQ_F_STAGED	0x04	/* query: struct bft_staged_result */
#define BFT_REQ_F_ALL		(BFT_REQ_F_READONLY | BFT_REQ_F_RECONFIG | \
				 BFT_REQ_F_STAGED)

/*
 * RECONFIG: an ordered request the engine executes itself (never read-
 * only). Valid only from the administrator client, for epoch current + 1,
 * with 4 <= n; the new configuration takes effect at the first
 * checkpoint boundary at or after its sequence number. replace: replica
 * ids that get a new host (new key and endpoint); config: the host's
 * digest of the new configuration (peers, keys, endpoints).
 */
struct bft_reconfig_op {
	__le64 epoch;
	__le32 n;
	__le32 reserved;
	__le64 replace;
	__u8 config[BFT_DIGEST_LEN];
};

enum bft_reconfig_status {
	BFT_RECONF_OK,		/* switches at `at` */
	BFT_RECONF_E_ADMIN,	/* not the administrator client */
	BFT_RECONF_E_EPOCH,	/* epoch is not current + 1 */
	BFT_RECONF_E_SIZE,	/* n < 4, n unsupported, or bad replace set */
	BFT_RECONF_E_FORMAT,	/* malformed operation */
	BFT_RECONF_E_BUSY,	/* another reconfiguration is pending */
};

/* The result of a RECONFIG (the REPLY's result bytes). */
struct bft_reconfig_result {
	__le32 status;		/* enum bft_reconfig_status */
	__le32 n;		/* n of the epoch in force or pending */
	__le64 epoch;		/* epoch in force, or pending if OK */
	__le64 at;		/* switch seq if OK, else 0 */
};

/*
 * STAGED: an unordered query with an empty operation, from the
 * administrator client only (others: dropped as BFT_DROP_ADMIN). Each
 * replica answers alone, from its own host's staging, with a REPLY
 * (flags BFT_REPLY_F_READONLY) whose result is this struct: the client
 * reads every replica's answer, it does not vote on them.
 */
struct bft_staged_result {
	__le64 epoch;		/* epoch in force at this replica */
	__le64 staged;		/* staged epoch, 0: none */
	__u8 config[BFT_DIGEST_LEN];	/* staged config digest, or zeros */
	__le32 left;		/* 1: this replica was replaced and stopped */
	__le32 n;		/* n of the epoch in force at this replica */
};

/* REQUEST <o, t, c>: sender is the client. */
struct bft_request {
	struct bft_hdr hdr;
	__le64 timestamp;
	__le32 op_len;
	__u8 flags;		/* BFT_REQ_F_* */
	__u8 n_auth;		/* authenticator entries, must equal n */
	__le16 reserved;
	/* __u8 op[op_len]; __u8 auth[n_auth][BFT_MAC_LEN]; */
};

/*
 * PRE-PREPARE <v, n, D(batch)> followed by the batch: count complete
 * REQUEST datagrams (with authenticators) back to back, batch_len bytes.
 * D(batch) = SHA256(le32 count || SHA256(req_1 without auth) || ...).
 */
struct bft_preprepare {
	struct bft_hdr hdr;
	__le64 view;
	__le64 seq;
	__u8 digest[BFT_DIGEST_LEN];
	__le32 count;
	__le32 batch_len;
	/* requests, then __u8 mac[BFT_MAC_LEN]; */
};

/* PREPARE and COMMIT carry only the digest. */
struct bft_agree {
	struct bft_hdr hdr;
	__le64 view;
	__le64 seq;
	__u8 digest[BFT_DIGEST_LEN];
	/* __u8 mac[BFT_MAC_LEN]; */
};

#define BFT_REPLY_F_READONLY	0x01	/* tentative read-only execution */
#define BFT_REPLY_F_TENTATIVE	0x02	/* executed prepared, not committed */
#define BFT_REPLY_F_ALL		(BFT_REPLY_F_READONLY | BFT_REPLY_F_TENTATIVE)

/* REPLY <v, t, c, i, r>: sender is replica i. */
struct bft_reply {
	struct bft_hdr hdr;
	__le64 view;
	__le64 timestamp;
	__le32 client;
	__le32 result_len;
	__u8 flags;		/* BFT_REPLY_F_* */
	__u8 reserved[7];
	/* __u8 result[result_len]; __u8 mac[BFT_MAC_LEN]; */
};

/* CHECKPOINT <n, D(state)>. */
struct bft_checkpoint {
	struct bft_hdr hdr;
	__le64 seq;
	__u8 digest[BFT_DIGEST_LEN];
	/* __u8 mac[BFT_MAC_LEN]; */
};

struct bft_vc_ckpt {
	__le64 seq;
	__u8 digest[BFT_DIGEST_LEN];
};

#define BFT_VC_E_PREPARED	0x01	/* p_view/p_digest valid */
#define BFT_VC_E_ALL		(BFT_VC_E_PREPARED)

/* Per sequence number: last pre-prepared and last prepared (view, D). */
struct bft_vc_entry {
	__le64 seq;
	__le64 pp_view;
	__le64 p_view;
	__u8 pp_digest[BFT_DIGEST_LEN];
	__u8 p_digest[BFT_DIGEST_LEN];
	__le32 flags;		/* BFT_VC_E_* */
	__le32 reserved;
};

/*
 * VIEW-CHANGE <v+1, h, C, P, Q, i>: h is the sender's stable checkpoint,
 * C the checkpoints it holds (seq ascending, first is h), then one entry
 * per sequence number above h that it pre-prepared (seq ascending).
 */
struct bft_view_change {
	struct bft_hdr hdr;
	__le64 new_view;
	__le64 stable_seq;
	__le16 n_ckpt;
	__le16 n_entries;
	__le32 reserved;
	/* struct bft_vc_ckpt ckpt[n_ckpt]; */
	/* struct bft_vc_entry entry[n_entries]; */
	/* __u8 mac[BFT_MAC_LEN]; */
};

struct bft_nv_vc {
	__le32 replica;
	__le32 reserved;
	__u8 digest[BFT_DIGEST_LEN];	/* SHA256 of the VIEW-CHANGE sans MAC */
};

struct bft_nv_entry {
	__le64 seq;
	__u8 digest[BFT_DIGEST_LEN];	/* D(empty batch) for a null request */
};

/*
 * NEW-VIEW <v, V, O>: V names the VIEW-CHANGE messages used (ascending
 * replica id), O assigns every sequence number in (ckpt_seq, max] a
 * digest, ascending and without gaps.
 */
struct bft_new_view {
	struct bft_hdr hdr;
	__le64 view;
	__le64 ckpt_seq;
	__u8 ckpt_digest[BFT_DIGEST_LEN];
	__le16 n_vc;
	__le16 n_o;
	__le32 reserved;
	/* struct bft_nv_vc vc[n_vc]; struct bft_nv_entry o[n_o]; mac */
};

enum bft_fetch_what {
	BFT_FETCH_STATE = 1,	/* checkpoint snapshot at seq, from offset */
	BFT_FETCH_BATCH = 2,	/* batch with digest at seq */
	/*
	 * Stable checkpoint at seq. From a client: answered by one DATA with
	 * chunk_len 0 carrying the digest (of seq if still known, else of the
	 * replica's latest stable checkpoint). From a replica: answered by a
	 * CHECKPOINT for the peer's latest stable checkpoint.
	 */
	BFT_FETCH_STABLE = 3,
	/*
	 * Retransmission, from a replica only: seq is its last executed
	 * sequence number. Answered with the sender's own PRE-PREPAREs (if
	 * primary), PREPAREs and COMMITs for later slots of its current view,
	 * and its CHECKPOINT if seq is below its stable checkpoint.
	 */
	BFT_FETCH_LOG = 4,
	/*
	 * A VIEW-CHANGE named in a NEW-VIEW, from a replica only: seq is the
	 * view, offset the author's replica id, digest the named digest.
	 * A replica holding that copy answers with DATA(VC): seq the view,
	 * count the author, digest the named digest, chunk the VIEW-CHANGE
	 * without its MAC trailer (offset 0, total = chunk_len). The asker
	 * takes the copy once f+1 replicas relayed it (identical bytes).
	 */
	BFT_FETCH_VC = 5,
	/*
	 * The part table of checkpoint (seq, digest), from a replica only,
	 * from offset: "BFTPARTS" || le32 part || le32 0 || the SHA-256 of
	 * each part || le64 stream total, whose SHA-256 is the checkpoint
	 * digest. Answered with DATA(TABLE) chunks (total: table bytes).
	 * With the table checked, each DATA(STATE) part (offset part-aligned,
	 * chunk_len the whole part) is checked as it arrives.
	 */
	BFT_FETCH_TABLE = 6,
};

struct bft_fetch {
	struct bft_hdr hdr;
	__u8 what;		/* enum bft_fetch_what */
	__u8 reserved[7];
	__le64 seq;
	__le64 offset;
	__u8 digest[BFT_DIGEST_LEN];
	/*
	 * The asking replica's view (0 from a client): a replica learns from
	 * its peers' FETCHes that they are in its view, or past it.
	 */
	__le64 view;
	/* __u8 mac[BFT_MAC_LEN]; */
};

/*
 * VIEW-CHANGE-ACK, to the primary of @view only: the sender holds
 * @replica's VIEW-CHANGE for @view, and its SHA-256 (without the trailer)
 * is @digest. The new primary names another replica's VIEW-CHANGE in a
 * NEW-VIEW only once 2f-1 replicas besides it and the author acked the
 * very copy it holds, so an author that sent different VIEW-CHANGEs to
 * different replicas cannot leave the backups unable to check the
 * NEW-VIEW (Castro & Liskov, TOCS 2002, the MAC-based view change).
 */
struct bft_vc_ack {
	struct bft_hdr hdr;
	__le64 view;
	__le32 replica;
	__le32 reserved;
	__u8 digest[BFT_DIGEST_LEN];
	/* __u8 mac[BFT_MAC_LEN]; */
};

/*
 * SUSPECT, to every replica: the sender expects the primary of @view to be
 * replaced (kmod/engine/expect.c) but stays in the view. A replica starts
 * the view change to @view + 1 once f+1 replicas suspect, so f faulty
 * ones cannot force it and one correct backup's lone suspicion costs
 * nothing.
 */
struct bft_suspect {
	struct bft_hdr hdr;
	__le64 view;
	/* __u8 mac[BFT_MAC_LEN]; */
};

struct bft_data {
	struct bft_hdr hdr;
	__u8 what;		/* enum bft_fetch_what */
	__u8 reserved[7];
	__le64 seq;
	__le64 offset;
	__le64 total;		/* total stream length */
	__le32 chunk_len;
	__le32 count;		/* BFT_FETCH_BATCH: requests in the batch */
	__u8 digest[BFT_DIGEST_LEN];
	/* __u8 chunk[chunk_len]; __u8 mac[BFT_MAC_LEN]; */
};

#endif /* _UAPI_LINUX_BFT_WIRE_H */
