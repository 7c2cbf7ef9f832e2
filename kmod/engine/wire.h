/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wire codec: decoders validate every length, count and reserved field
 * and return an enum bft_drop_reason (0 on success); encoders return the
 * datagram length (MAC space included) or 0 if it does not fit.
 */
#ifndef _BFT_WIRE_H
#define _BFT_WIRE_H

#include "port.h"
#include "../../uapi/linux/bft_wire.h"

/*
 * The layout is the uapi structs': every size and offset the codec uses
 * comes from sizeof()/offsetof() on them. The asserts pin each fixed size
 * to the wire format, so a struct edit cannot silently change it.
 */
enum {
	BFT_HDR_LEN = sizeof(struct bft_hdr),
	BFT_REQ_FIXED = sizeof(struct bft_request),
	BFT_PP_FIXED = sizeof(struct bft_preprepare),
	BFT_AGREE_FIXED = sizeof(struct bft_agree),
	BFT_REPLY_FIXED = sizeof(struct bft_reply),
	BFT_CKPT_FIXED = sizeof(struct bft_checkpoint),
	BFT_VC_FIXED = sizeof(struct bft_view_change),
	BFT_VC_CKPT_LEN = sizeof(struct bft_vc_ckpt),
	BFT_VC_ENTRY_LEN = sizeof(struct bft_vc_entry),
	BFT_NV_FIXED = sizeof(struct bft_new_view),
	BFT_NV_VC_LEN = sizeof(struct bft_nv_vc),
	BFT_NV_O_LEN = sizeof(struct bft_nv_entry),
	BFT_FETCH_FIXED = sizeof(struct bft_fetch),
	BFT_DATA_FIXED = sizeof(struct bft_data),
	BFT_VC_ACK_FIXED = sizeof(struct bft_vc_ack),
	BFT_SUSPECT_FIXED = sizeof(struct bft_suspect),
	BFT_RECONF_OP_LEN = sizeof(struct bft_reconfig_op),
	BFT_RECONF_RES_LEN = sizeof(struct bft_reconfig_result),
	BFT_STAGED_RES_LEN = sizeof(struct bft_staged_result),
};

static_assert(BFT_HDR_LEN == 24);
static_assert(BFT_REQ_FIXED == 40);
static_assert(BFT_PP_FIXED == 80);
static_assert(BFT_AGREE_FIXED == 72);
static_assert(BFT_REPLY_FIXED == 56);
static_assert(BFT_CKPT_FIXED == 64);
static_assert(BFT_VC_FIXED == 48);
static_assert(BFT_VC_CKPT_LEN == 40);
static_assert(BFT_VC_ENTRY_LEN == 96);
static_assert(BFT_NV_FIXED == 80);
static_assert(BFT_NV_VC_LEN == 40);
static_assert(BFT_NV_O_LEN == 40);
static_assert(BFT_FETCH_FIXED == 88);
static_assert(BFT_DATA_FIXED == 96);
static_assert(BFT_VC_ACK_FIXED == 72);
static_assert(BFT_SUSPECT_FIXED == 32);
static_assert(BFT_RECONF_OP_LEN == 56);
static_assert(BFT_RECONF_RES_LEN == 24);
static_assert(BFT_STAGED_RES_LEN == 56);
/* The receive screen reads these kinds' view right after the header. */
static_assert(offsetof(struct bft_preprepare, view) == BFT_HDR_LEN);
static_assert(offsetof(struct bft_agree, view) == BFT_HDR_LEN);
static_assert(offsetof(struct bft_view_change, new_view) == BFT_HDR_LEN);
static_assert(offsetof(struct bft_new_view, view) == BFT_HDR_LEN);
static_assert(offsetof(struct bft_vc_ack, view) == BFT_HDR_LEN);
static_assert(offsetof(struct bft_suspect, view) == BFT_HDR_LEN);

/*
 * Byte-wise access to field @f of uapi struct @t in @buf (no alignment
 * needed). BFT_WOFF(w, struct t, f) is the field's offset; its width
 * must be @w, the accessor's, checked at build.
 */
#define BFT_WOFF(w, ...) \
	(offsetof(__VA_ARGS__) + \
	 BUILD_BUG_ON_ZERO(sizeof_field(__VA_ARGS__) != (w)))
#define bft_wptr(buf, t, f)	((buf) + offsetof(struct t, f))
#define bft_wget8(buf, t, f)	((buf)[BFT_WOFF(1, struct t, f)])
#define bft_wget16(buf, t, f)	bft_get16((buf) + BFT_WOFF(2, struct t, f))
#define bft_wget32(buf, t, f)	bft_get32((buf) + BFT_WOFF(4, struct t, f))
#define bft_wget64(buf, t, f)	bft_get64((buf) + BFT_WOFF(8, struct t, f))
#define bft_wput8(buf, t, f, v)	((buf)[BFT_WOFF(1, struct t, f)] = (v))
#define bft_wput16(buf, t, f, v) \
	bft_put16((buf) + BFT_WOFF(2, struct t, f), (v))
#define bft_wput32(buf, t, f, v) \
	bft_put32((buf) + BFT_WOFF(4, struct t, f), (v))
#define bft_wput64(buf, t, f, v) \
	bft_put64((buf) + BFT_WOFF(8, struct t, f), (v))

/* Size caps the decoders enforce; all come from the replica config. */
struct bft_wire_limits {
	u32 n;			/* replicas */
	u32 max_n;		/* largest n of any epoch, 0: n */
	u32 n_clients;
	u32 max_op;
	u32 max_result;
	u32 batch_max;		/* requests per batch */
	u32 batch_bytes;	/* bytes of requests per batch */
	u32 log_size;		/* L */
};

/* Most authenticator entries a REQUEST may carry (engine.rst, membership). */
static inline u32 bft_lim_max_n(const struct bft_wire_limits *lim)
{
	return lim->max_n > lim->n ? lim->max_n : lim->n;
}

struct bft_msg_hdr {
	u8 kind;
	u8 principal;
	u8 key_id;
	u32 sender;
	u32 len;
	u64 epoch;
};

struct bft_req_view {
	const u8 *raw;		/* whole REQUEST datagram */
	u32 len;
	u32 signed_len;		/* bytes covered by the authenticator */
	u32 client;
	u64 ts;
	const u8 *op;
	u32 op_len;
	u8 flags;
	u8 n_auth;
	const u8 *auth;
};

struct bft_pp_view {
	u64 view;
	u64 seq;
	const u8 *digest;
	u32 count;
	const u8 *batch;
	u32 batch_len;
};

struct bft_agree_view {
	u64 view;
	u64 seq;
	const u8 *digest;
};

struct bft_reply_view {
	u32 replica;
	u64 view;
	u64 ts;
	u32 client;
	u8 flags;
	const u8 *result;
	u32 result_len;
};

struct bft_ckpt_view {
	u64 seq;
	const u8 *digest;
};

struct bft_vc_ack_view {
	u64 view;
	u32 replica;
	const u8 *digest;
};

/* Host-order forms used to build and examine VIEW-CHANGE / NEW-VIEW. */
struct bft_ckpt_h {
	u64 seq;
	u8 digest[BFT_DIGEST_LEN];
};

struct bft_vc_entry_h {
	u64 seq;
	u64 pp_view;
	u64 p_view;
	u8 pp_digest[BFT_DIGEST_LEN];
	u8 p_digest[BFT_DIGEST_LEN];
	u32 flags;
};

struct bft_vc_view {
	u32 replica;
	u64 new_view;
	u64 stable_seq;
	u16 n_ckpt;
	u16 n_entries;
	const u8 *ckpt;		/* n_ckpt * BFT_VC_CKPT_LEN */
	const u8 *entries;	/* n_entries * BFT_VC_ENTRY_LEN */
};

struct bft_nv_vc_h {
	u32 replica;
	u8 digest[BFT_DIGEST_LEN];
};

struct bft_nv_view {
	u64 view;
	u64 ckpt_seq;
	const u8 *ckpt_digest;
	u16 n_vc;
	u16 n_o;
	const u8 *vc;		/* n_vc * BFT_NV_VC_LEN */
	const u8 *o;		/* n_o * BFT_NV_O_LEN */
};

struct bft_fetch_view {
	u8 what;
	u8 principal;		/* clients may only ask for BFT_FETCH_STABLE */
	u64 seq;
	u64 offset;
	const u8 *digest;
	u64 view;		/* the asker's view; 0 from a client */
};

struct bft_data_view {
	u8 what;
	u64 seq;
	u64 offset;
	u64 total;
	u32 chunk_len;
	u32 count;
	const u8 *digest;
	const u8 *chunk;
};

/* Decoders. */
int bft_wire_parse_hdr(const u8 *buf, u32 len, struct bft_msg_hdr *h);
int bft_wire_parse_request(const u8 *buf, u32 len,
			   const struct bft_wire_limits *lim,
			   struct bft_req_view *r);
int bft_wire_parse_preprepare(const u8 *buf, u32 len,
			      const struct bft_wire_limits *lim,
			      struct bft_pp_view *pp);
int bft_wire_parse_agree(const u8 *buf, u32 len, struct bft_agree_view *a);
int bft_wire_parse_reply(const u8 *buf, u32 len,
			 const struct bft_wire_limits *lim,
			 struct bft_reply_view *r);
int bft_wire_parse_checkpoint(const u8 *buf, u32 len, struct bft_ckpt_view *c);
int bft_wire_parse_vc_ack(const u8 *buf, u32 len, struct bft_vc_ack_view *a);
int bft_wire_parse_suspect(const u8 *buf, u32 len, u64 *view);
int bft_wire_parse_vc(const u8 *buf, u32 len,
		      const struct bft_wire_limits *lim, struct bft_vc_view *vc);
int bft_wire_parse_nv(const u8 *buf, u32 len,
		      const struct bft_wire_limits *lim, struct bft_nv_view *nv);
int bft_wire_parse_fetch(const u8 *buf, u32 len, struct bft_fetch_view *f);
int bft_wire_parse_data(const u8 *buf, u32 len,
			const struct bft_wire_limits *lim,
			struct bft_data_view *d);
/* Full structural check of any datagram, by kind. */
int bft_wire_parse_any(const u8 *buf, u32 len,
		       const struct bft_wire_limits *lim);

void bft_vc_get_ckpt(const struct bft_vc_view *vc, u32 i,
		     struct bft_ckpt_h *c);
void bft_vc_get_entry(const struct bft_vc_view *vc, u32 i,
		      struct bft_vc_entry_h *e);
void bft_nv_get_vc(const struct bft_nv_view *nv, u32 i, struct bft_nv_vc_h *v);
void bft_nv_get_o(const struct bft_nv_view *nv, u32 i, struct bft_ckpt_h *o);

/*
 * Walk a batch: *off starts at 0; returns 0 and fills r for each request,
 * 1 at the end, or a drop reason (BFT_DROP_INNER etc).
 */
int bft_batch_next(const u8 *batch, u32 len, u32 *off,
		   const struct bft_wire_limits *lim, struct bft_req_view *r);
/* Validates a whole batch (count, each request) and computes D(batch). */
int bft_batch_digest(const u8 *batch, u32 len, u32 count,
		     const struct bft_wire_limits *lim, u8 out[BFT_DIGEST_LEN]);
void bft_req_digest(const struct bft_req_view *r, u8 out[BFT_DIGEST_LEN]);
/*
 * SHA-256 of the first @len bytes of a message (>= BFT_HDR_LEN; without
 * its MAC trailer) with the header's key_id read as 0: a multicast
 * reaches each replica under that pair's key id, and the digest must
 * name the same message for all of them (VIEW-CHANGE in VC-ACK and
 * NEW-VIEW).
 */
void bft_msg_digest(const u8 *buf, u32 len, u8 out[BFT_DIGEST_LEN]);
void bft_null_digest(u8 out[BFT_DIGEST_LEN]);

/*
 * A DATA datagram to a client answers the client FETCH(STABLE) being
 * received: the glue sends it back to that FETCH's source, and neither
 * uses nor moves the client's learned endpoint, so a replayed FETCH
 * redirects nothing and a verifier on a new port is still answered.
 */
static inline bool bft_wire_answers_src(u8 principal, const void *buf)
{
	return principal == BFT_PRINCIPAL_CLIENT &&
	       bft_wget8((const u8 *)buf, bft_hdr, kind) == BFT_MSG_DATA;
}

/* Encoders. */
void bft_wire_put_hdr(u8 *buf, u8 kind, u8 principal, u8 key_id, u32 sender,
		      u32 len);
/* The authenticator (n_auth tags) is left zeroed for the caller. */
u32 bft_enc_request(u8 *buf, u32 cap, u32 client, u64 ts, const void *op,
		    u32 op_len, u8 flags, u8 n_auth);
u32 bft_enc_preprepare(u8 *buf, u32 cap, u32 sender, u64 view, u64 seq,
		       const u8 *digest, u32 count, const void *batch,
		       u32 batch_len);
u32 bft_enc_agree(u8 *buf, u32 cap, u8 kind, u32 sender, u64 view, u64 seq,
		  const u8 *digest);
u32 bft_enc_reply(u8 *buf, u32 cap, u32 replica, u64 view, u64 ts,
		  u32 client, u8 flags, const void *result, u32 result_len);
u32 bft_enc_vc_ack(u8 *buf, u32 cap, u32 sender, u64 view, u32 replica,
		   const u8 *digest);
u32 bft_enc_suspect(u8 *buf, u32 cap, u32 sender, u64 view);
u32 bft_enc_checkpoint(u8 *buf, u32 cap, u32 sender, u64 seq,
		       const u8 *digest);
u32 bft_enc_vc(u8 *buf, u32 cap, u32 sender, u64 new_view, u64 stable_seq,
	       const struct bft_ckpt_h *ckpt, u32 n_ckpt,
	       const struct bft_vc_entry_h *ent, u32 n_ent);
u32 bft_enc_nv(u8 *buf, u32 cap, u32 sender, u64 view, u64 ckpt_seq,
	       const u8 *ckpt_digest, const struct bft_nv_vc_h *vc, u32 n_vc,
	       const struct bft_ckpt_h *o, u32 n_o);
u32 bft_enc_fetch(u8 *buf, u32 cap, u32 sender, u64 view, u8 what, u64 seq,
		  u64 off,
		  const u8 *digest);
/* FETCH(STABLE) from a replica or a client (principal). */
u32 bft_enc_fetch_stable(u8 *buf, u32 cap, u8 principal, u32 sender,
			 u64 view, u64 seq);
u32 bft_enc_data(u8 *buf, u32 cap, u32 sender, u8 what, u64 seq, u64 off,
		 u64 total, u32 count, const u8 *digest, const void *chunk,
		 u32 chunk_len);

/* Key callback for the stateless verifier: HMAC-SHA256 over iov. */
struct bft_iov {
	const void *base;
	u32 len;
};

typedef int (*bft_mac_fn)(void *ctx, u8 principal, u32 id,
			  const struct bft_iov *iov, u32 niov,
			  u8 tag[BFT_MAC_LEN]);

/* The drop reason of a failed mac callback (see struct bft_ops). */
static inline int bft_mac_err_reason(int err)
{
	return err == -EKEYREJECTED ? BFT_DROP_KEY_ID : BFT_DROP_NO_KEY;
}

/*
 * Size bounds of a datagram of @kind that a replica under @lim accepts,
 * MAC trailer or authenticator included; false for a kind no replica
 * accepts (REPLY). DATA is bounded by the datagram only: its chunk size
 * is the sender's setting.
 */
bool bft_wire_size_bounds(const struct bft_wire_limits *lim, u8 kind,
			  u32 *min, u32 *max);
/*
 * Screens a datagram by its fixed header alone (the first BFT_HDR_LEN
 * bytes; @len is the whole datagram's), before any copy or MAC: the
 * checks of bft_wire_parse_hdr(), then the kind's size bounds. Returns
 * 0 or a drop reason (SHORT, LEN for fixed-size kinds, TOO_LONG).
 */
int bft_wire_screen(const u8 *hdr, u32 len, const struct bft_wire_limits *lim);
/*
 * Stateless check a receive path may run before queueing (e.g. softirq):
 * header sanity, then the MAC trailer, or for a REQUEST (n or more
 * entries) the authenticator entry of replica self. Returns 0 or an enum
 * bft_drop_reason.
 */
int bft_wire_verify(const u8 *buf, u32 len, u32 self, u32 n,
		    bft_mac_fn mac, void *ctx);

#endif /* _BFT_WIRE_H */
