/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PBFT protocol engine: public API used by the kernel glue, the simulator
 * and the tests. The engine is a pure state machine: it does no I/O, reads
 * no clock and takes no locks; the caller serialises all calls for one
 * engine (one worker per replica) and provides time and effects through
 * struct bft_ops, and the replicated service through struct
 * bft_service_ops.
 */
#ifndef _BFT_ENGINE_H
#define _BFT_ENGINE_H

#include "port.h"
#include "wire.h"
#include "counters.h"

struct bft_engine;

/* Test-only: quorums one vote short, to prove the simulator catches it. */
#define BFT_CFG_F_QUORUM_SHORT	0x1

struct bft_config {
	/* Fixed at create. */
	u32 n;			/* replicas, >= 4 */
	u32 id;			/* this replica */
	u32 n_clients;
	u32 ckpt_interval;	/* K */
	u32 log_size;		/* L, multiple of K, default 2K */
	u32 batch_max;		/* requests per batch (cap) */
	u32 batch_bytes;	/* bytes of requests per batch (cap) */
	u32 max_op;
	u32 max_result;
	/* Changeable at run time. */
	u32 batch_delay_ms;	/* flush a partial batch after this */
	u32 window;		/* W: batches in flight at the primary */
	u32 vc_timeout_ms;	/* base view-change timeout */
	u32 vc_timeout_max_ms;
	u32 vc_backoff;		/* multiplier per consecutive view change */
	u32 xfer_retry_ms;	/* state transfer / fetch retry */
	u32 expect_hb_ms;	/* backup: a request waits no longer */
	u32 expect_window_ms;	/* backup: throughput sampling window */
	u32 expect_pct;		/* of the best earlier window, percent */
	u32 xfer_chunk;		/* fixed: state part bytes, in the digest */
	u32 no_tentative;	/* 1: execute only committed batches */
	/* Fixed at create: membership (Documentation/engine.rst). */
	u32 admin;		/* administrator client id + 1, 0: none */
	u64 epoch;		/* configuration epoch this replica starts in */
	u32 max_n;		/* largest n of any epoch, 0: n (sizes arrays) */
	u32 key_rotation_sec;	/* the host's: rotate keys this often, 0 off */
	u32 flags;		/* BFT_CFG_F_*, honoured only with BFT_TESTING */
};

enum bft_event_type {
	BFT_EV_VIEW_CHANGE,	/* started a view change to ev->view */
	BFT_EV_NEW_VIEW,	/* entered view ev->view */
	BFT_EV_CHECKPOINT,	/* own checkpoint taken at ev->seq */
	BFT_EV_STABLE,		/* checkpoint ev->seq became stable */
	BFT_EV_EVIDENCE,	/* ev->replica equivocated at (view, seq) */
	BFT_EV_XFER_START,	/* state transfer to ev->seq started */
	BFT_EV_XFER_DONE,	/* state installed at ev->seq */
	BFT_EV_VIEW_JUMP,	/* followed f+1 replicas into ev->view */
	BFT_EV_SEED_REJECTED,	/* imported seed ev->seq contradicts Q */
	BFT_EV_EPOCH,		/* switched epoch after checkpoint ev->seq */
	BFT_EV_LEFT,		/* replaced at checkpoint ev->seq: stopped */
	__BFT_EV_MAX
};

struct bft_event {
	u32 type;		/* enum bft_event_type */
	u32 replica;
	u32 kind;		/* message kind for evidence */
	u64 view;
	u64 seq;
	u8 digest[BFT_DIGEST_LEN];
};

/*
 * The replicated service: deterministic execution and its state, with no
 * knowledge of the network. One const table per service (the KV store
 * supplies bft_kv_service in kmod/kv.c); svc is the service instance
 * passed to bft_engine_create().
 */
struct bft_service_ops {
	/* Run op; return result length (<= cap). readonly must not modify. */
	u32 (*execute)(void *svc, u32 client, u64 ts, const void *op,
		       u32 op_len, bool readonly, void *result, u32 cap);
	/* Retain a snapshot of the service state as of now (after seq). */
	int (*checkpoint)(void *svc, u64 seq);
	/* Read snapshot bytes; returns bytes (0 = end) or -err. */
	long (*snapshot_read)(void *svc, u64 seq, u64 off, void *buf, u32 cap);
	/* Snapshot seq is no longer needed. */
	void (*snapshot_release)(void *svc, u64 seq);
	/*
	 * Largest snapshot the service's configured limits allow: a state
	 * transfer announcing more is refused. NULL: no bound (tests).
	 */
	u64 (*snapshot_max)(void *svc);
	/* State transfer: chunks of the service snapshot in order (off 0
	 * starts a new install), then install_done(ok) commits or aborts.
	 */
	int (*install)(void *svc, u64 seq, u64 off, const void *buf, u32 len);
	void (*install_done)(void *svc, u64 seq, bool ok);
};

/* The host: keys, datagrams, notifications; ctx is the host's replica. */
struct bft_ops {
	/*
	 * HMAC-SHA256 with the key shared with (principal, id). iov[0]
	 * starts with the datagram's header, whose key_id names the key
	 * (key rotation). 0, -EKEYREJECTED for a key id the host does not
	 * accept (dropped as BFT_DROP_KEY_ID), or another -err.
	 */
	int (*mac)(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
		   u32 niov, u8 tag[BFT_MAC_LEN]);
	/* Optional: the key id to send to (principal, id) with; NULL: 0. */
	u8 (*key_id)(void *ctx, u8 principal, u32 id);
	/* Transmit a complete datagram; buf is only valid during the call. */
	void (*send)(void *ctx, u8 principal, u32 id, const void *buf,
		     u32 len);
	void (*event)(void *ctx, const struct bft_event *ev);
	/* Ordered-log delivery, called when batch seq executes. */
	void (*committed)(void *ctx, u64 seq, u64 view, const void *batch,
			  u32 len, u32 count);
	/*
	 * Optional: the imported checkpoint stream of bft_engine_seed().
	 * seed_read returns bytes copied (0 at the end) or -err;
	 * seed_release says the engine is done with it.
	 */
	long (*seed_read)(void *ctx, u64 off, void *buf, u32 cap);
	void (*seed_release)(void *ctx);
	/*
	 * Optional, called during bft_engine_receive(): the datagram is an
	 * authentic REQUEST whose timestamp is not below the client's last
	 * executed one and above any taken before, so it is no replay and
	 * its source may become the client's endpoint. Never for FETCH or a
	 * second copy. Return true if the source was taken; false (e.g. a
	 * backup relayed the request) leaves the timestamp unclaimed.
	 */
	bool (*client_fresh)(void *ctx, u32 client);
	/*
	 * Optional: the configuration switches to epoch (n, replace mask,
	 * config digest of the RECONFIG) right after checkpoint seq; called
	 * before any message of the new epoch is sent, so the host can put
	 * the staged keys of the replaced ids in place.
	 */
	void (*reconfig)(void *ctx, u64 epoch, u64 seq, u32 n, u64 replace,
			 const u8 *config);
	/*
	 * Optional, for the admin's STAGED query: the configuration the
	 * host has staged (epoch, digest of BFT_DIGEST_LEN bytes); false if
	 * none. A host created in epoch E reports E and its own digest.
	 */
	bool (*staged)(void *ctx, u64 *epoch, u8 *config);
};

enum bft_status {
	BFT_ST_NORMAL,
	BFT_ST_VIEW_CHANGE,
	BFT_ST_XFER,		/* normal view, waiting for state */
	BFT_ST_JOINING,		/* created empty, view not yet confirmed */
	__BFT_ST_MAX
};

struct bft_info {
	u64 view;
	u32 status;		/* enum bft_status */
	u32 primary;
	u64 last_exec;		/* last committed batch executed */
	u64 tent_seq;		/* last_exec + 1 if run tentatively, else 0 */
	u64 stable_seq;		/* h */
	u64 next_seq;		/* primary only */
	u32 f;
	u32 quorum;
	u8 stable_digest[BFT_DIGEST_LEN];
	u64 vc_timeout_ms;	/* current, after backoff */
	u64 epoch;		/* configuration epoch */
	u64 epoch_base;		/* checkpoint at which it began */
	u64 reconf_at;		/* pending switch seq, 0: none */
	bool left;		/* replaced: stopped for good */
};

/* Receive flags. */
#define BFT_RX_VERIFIED		0x1	/* MAC/authenticator already checked */

#define BFT_NO_DEADLINE		((u64)-1)

/* Fill defaults for fields left 0 (except n, id, n_clients). */
void bft_config_defaults(struct bft_config *cfg);
/* 0 if cfg is acceptable, else -EINVAL. */
int bft_config_check(const struct bft_config *cfg);

/*
 * Create an engine; takes checkpoint 0 of the (identical) initial service
 * state. now_ms is the caller's monotonic clock. ops get ctx, svc_ops get
 * svc.
 */
struct bft_engine *bft_engine_create(const struct bft_config *cfg,
				     const struct bft_ops *ops, void *ctx,
				     const struct bft_service_ops *svc_ops,
				     void *svc, u64 now_ms, int *err);
void bft_engine_destroy(struct bft_engine *e);

/* Runtime-changeable fields only; -EINVAL if a fixed field differs. */
int bft_engine_set_config(struct bft_engine *e, const struct bft_config *cfg);
void bft_engine_get_config(const struct bft_engine *e, struct bft_config *cfg);

/* Size caps of what this replica accepts; fixed at create. */
const struct bft_wire_limits *bft_engine_limits(const struct bft_engine *e);

/* Returns 0 if processed, else the enum bft_drop_reason (also counted). */
int bft_engine_receive(struct bft_engine *e, const void *buf, u32 len,
		       u32 flags);
void bft_engine_tick(struct bft_engine *e, u64 now_ms);
u64 bft_engine_next_deadline(const struct bft_engine *e);
void bft_engine_request_view_change(struct bft_engine *e);

void bft_engine_info(const struct bft_engine *e, struct bft_info *info);
const struct bft_counters *bft_engine_counters(const struct bft_engine *e);
/* Called by glue for drops it makes itself (e.g. queue full). */
void bft_engine_count_drop(struct bft_engine *e, const void *buf, u32 len,
			   int reason);

/* The latest stable checkpoint, as bft_engine_stable() reports it. */
struct bft_stable_info {
	u64 seq;
	u64 view;		/* when it became stable */
	u64 attest;		/* bit i: replica i's CHECKPOINT certified it */
	u64 size;		/* stream bytes: engine section + snapshot */
	u32 esz;		/* engine section bytes */
	u8 digest[BFT_DIGEST_LEN];
};

/*
 * The latest stable checkpoint if this replica holds its state: 0,
 * -ENOENT if none is stable yet (seq 0), -EAGAIN while it is still
 * being fetched.
 */
int bft_engine_stable(struct bft_engine *e, struct bft_stable_info *si);
/* Bytes of its stream from off: bytes copied, 0 at the end, or -err. */
long bft_engine_stable_read(struct bft_engine *e, u64 seq, u64 off, void *buf,
			    u32 cap);
/*
 * Seed an empty replica with an imported checkpoint whose stream the
 * caller holds (ops->seed_read) until ops->seed_release. Nothing of it is
 * used until Q replicas certify (seq, digest). -EBUSY if this replica has
 * executed something or already has a seed, -EOPNOTSUPP without the ops,
 * -EINVAL for a bad seq or size.
 */
int bft_engine_seed(struct bft_engine *e, u64 seq, const u8 *digest,
		    u64 total);

/* Quorum math (also in quorum.h for the engine itself). */
u32 bft_f(u32 n);
u32 bft_quorum(u32 n);

#endif /* _BFT_ENGINE_H */
