/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The built-in replicated service: a bounded key-value store. Pure C on
 * top of engine/port.h, built into bft.ko, the simulator, the host tests
 * and bftd. Not thread-safe: the replica worker serialises all calls, as
 * it does for the engine. bft_kv_service is the engine's service table
 * (struct bft_service_ops, engine.h) over these functions; its svc
 * argument is the struct bft_kv.
 */
#ifndef _BFT_KV_H
#define _BFT_KV_H

#include "kv_codec.h"

struct bft_kv;
struct bft_service_ops;

extern const struct bft_service_ops bft_kv_service;

/* Fixed at create; 0 fields take the BFT_KV_DEFAULT_* values. */
struct bft_kv_limits {
	u32 max_key;		/* key bytes, 1..BFT_KV_KEY_MAX */
	u32 max_value;		/* value bytes; ops and results fit BFT_MAX_* */
	u32 max_keys;		/* entries, 1..BFT_KV_KEYS_MAX */
	u32 max_snaps;		/* retained at once; engine needs L/K + 2 */
};

struct bft_kv_stats {
	u64 keys;
	u64 bytes;		/* key + value bytes stored */
	u64 ops[BFT_KV_OP_MAX + 1];	/* well-formed ops by opcode */
	u64 status[BFT_KV_STATUS_MAX + 1];	/* results by status */
	u64 readonly;		/* ops executed as read-only */
	u64 snaps_taken;
	u64 snaps_failed;	/* no slot or no memory */
	u64 snaps_retained;	/* currently held */
	u64 installs;		/* committed state transfers */
	u64 installs_aborted;
	u64 digests;		/* bft_kv_digest() that hashed the state */
};

void bft_kv_limits_default(struct bft_kv_limits *lim);
/* 0, or -EINVAL if a limit is out of range (after defaults). */
int bft_kv_limits_check(const struct bft_kv_limits *lim);

/* An empty store; everything it needs for live data is allocated here. */
struct bft_kv *bft_kv_create(const struct bft_kv_limits *lim, int *err);
void bft_kv_destroy(struct bft_kv *kv);
void bft_kv_get_limits(const struct bft_kv *kv, struct bft_kv_limits *lim);

/*
 * Run one op; writes a result (uapi bft_kv_result) and returns its length
 * (<= cap; 0 only if cap cannot hold a result header). readonly ops never
 * modify the store.
 */
u32 bft_kv_execute(struct bft_kv *kv, const void *op, u32 op_len,
		   bool readonly, void *result, u32 cap);

/*
 * Retain the canonical snapshot of the current state under seq (taking a
 * seq again replaces it). 0, -ENOSPC if max_snaps are held, -ENOMEM.
 */
int bft_kv_checkpoint(struct bft_kv *kv, u64 seq);
/*
 * Copy snapshot bytes from off: bytes copied, 0 at the end, -ENOENT if seq
 * is not held, -EINVAL if off is past the end.
 */
long bft_kv_snapshot_read(struct bft_kv *kv, u64 seq, u64 off, void *buf,
			  u32 cap);
/* Total bytes of a retained snapshot, or 0 if not held. */
u64 bft_kv_snapshot_len(const struct bft_kv *kv, u64 seq);
/* SHA-256 of a retained snapshot; 0 or -ENOENT. */
int bft_kv_snapshot_digest(const struct bft_kv *kv, u64 seq, u8 *digest);
void bft_kv_snapshot_release(struct bft_kv *kv, u64 seq);

/*
 * State transfer: chunks of a snapshot in order, off 0 starts over. Each
 * chunk is parsed and checked (format, order, limits) into a staging
 * store; -EINVAL or -ENOMEM fails the install, which then waits for a new
 * off 0. install_done(ok) swaps the staging store in if ok and complete,
 * else drops it; returns 0 if committed.
 */
int bft_kv_install(struct bft_kv *kv, u64 seq, u64 off, const void *buf,
		   u32 len);
int bft_kv_install_done(struct bft_kv *kv, u64 seq, bool ok);

/*
 * SHA-256 of the canonical snapshot of the current state. Cached: computed
 * again only after an operation or an install changed the state.
 */
void bft_kv_digest(struct bft_kv *kv, u8 *digest);
/* Bytes the canonical snapshot of the current state takes. */
u64 bft_kv_state_len(const struct bft_kv *kv);
/* Largest snapshot the current limits allow, bytes. */
u64 bft_kv_snapshot_max(const struct bft_kv *kv);
/* Also from the worker only: an install commit frees the old table. */
void bft_kv_get_stats(const struct bft_kv *kv, struct bft_kv_stats *st);

#endif /* _BFT_KV_H */
