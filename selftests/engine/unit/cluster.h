/* SPDX-License-Identifier: GPL-2.0 */
/* In-process test cluster: n engines, clients, a FIFO network. */
#ifndef _BFT_UNIT_CLUSTER_H
#define _BFT_UNIT_CLUSTER_H

#include "engine.h"

#define TC_MAX_N	16
#define TC_MAX_C	128
#define TC_MAX_SNAP	16

struct tc;

struct tc_replica {
	struct tc *tc;
	u32 id;
	struct bft_engine *e;
	u64 counter;		/* the service: a counter */
	u64 snap_seq[TC_MAX_SNAP];
	u64 snap_val[TC_MAX_SNAP];
	bool snap_used[TC_MAX_SNAP];
	u8 inst[8];
	u64 inst_len;
	u64 executed_seqs;
	u64 last_seq;
	u64 exec_log[4096];	/* counter value after each seq */
	u32 events[16];
	/* Imported checkpoint handed to bft_engine_seed(). */
	u8 seed[16384];
	u64 seed_len;
	u32 seed_releases;
	/* ops->client_fresh reports, per client (the learned endpoint). */
	u32 fresh[TC_MAX_C];
	bool refuse_fresh;	/* answer false, as for a relayed copy */
	/* Membership: host generation (replace), peers' as we know them. */
	u8 gen;
	u8 peer_gen[TC_MAX_N];
	u64 tx_epoch;		/* epoch tc_inject() stamps for this sender */
	u64 switched_epoch;	/* ops->reconfig reports */
	u64 switched_at;
	u32 switched_n;
	u64 staged_epoch;	/* ops->staged reports (0: nothing staged) */
	u8 staged_config[32];
};

struct tc_client {
	u64 ts;
	bool busy;
	bool readonly;
	u8 req[2048];
	u32 req_len;
	u64 sent_at;
	u64 results[TC_MAX_N];
	bool got[TC_MAX_N];
	bool tent[TC_MAX_N];	/* that reply was tentative, of view[] */
	u64 view[TC_MAX_N];
	u64 accepted;
	u64 last_result;
	/* STAGED answers of the last request, per replica, and how many. */
	u8 staged[TC_MAX_N][56];
	u32 n_staged[TC_MAX_N];
};

struct tc {
	u32 n;
	u32 nc;
	u64 now;
	struct bft_config cfg;
	struct tc_replica r[TC_MAX_N];
	struct tc_client c[TC_MAX_C];
	bool down[TC_MAX_N];	/* drops all traffic to and from */
	bool corrupt_mac_from[TC_MAX_N];
	/*
	 * ops->key_id: replica i sends to replica j with key_id_of[i] + j if
	 * key_id_of[i] is not 0 (the MAC covers it, the key ignores it).
	 */
	u8 key_id_of[TC_MAX_N];
	/* Its VIEW-CHANGEs to odd ids claim another checkpoint digest. */
	bool vc_split_from[TC_MAX_N];
	u32 n_auth;		/* authenticator entries clients send, 0: n */
	u32 delivered;
	u32 drop_pct;		/* random loss, deterministic PRNG */
	u64 rng;
	/*
	 * Scripted insider. A muted replica's engine still receives, but
	 * what it emits is dropped: the test speaks for it with tc_inject().
	 * cut[a][b] drops a->b; hold[a][b] parks a->b until tc_release().
	 * Replica links only; client traffic is never cut or held.
	 */
	bool mute[TC_MAX_N];
	bool cut[TC_MAX_N][TC_MAX_N];
	bool hold[TC_MAX_N][TC_MAX_N];
	/* Sees each replica-to-replica datagram an engine emits; false drops it. */
	bool (*tap)(struct tc *tc, u32 from, u32 to, u8 *buf, u32 len);
	void *tap_ctx;
};

int tc_init(struct tc *tc, u32 n, u32 nc, const struct bft_config *over);
void tc_free(struct tc *tc);
/* Client c sends one request (to the primary, or all if to_all). */
void tc_submit(struct tc *tc, u32 c, bool readonly, bool to_all);
/*
 * A faulty client c sends its next request to every replica, its
 * authenticator entry good only for the replicas in the bit mask @valid.
 */
void tc_submit_forged(struct tc *tc, u32 c, u64 valid);
/* Deliver until the network is quiet; returns datagrams delivered. */
u32 tc_run(struct tc *tc);
/* Advance time by ms in steps, ticking engines and client timers. */
void tc_advance(struct tc *tc, u64 ms, u64 step);
u32 tc_primary(struct tc *tc);
/* Replica i loses all state and starts again (rmmod/insmod). */
int tc_restart(struct tc *tc, u32 i);
/* Replica i gets a new host (new keys), empty, starting in @epoch. */
int tc_replace(struct tc *tc, u32 i, u64 epoch);
/* Ids [n, n2) get hosts, empty, in @epoch; the cluster has n2 replicas. */
int tc_grow(struct tc *tc, u32 n2, u64 epoch);
/* Client c sends an operation with request flags to every replica. */
void tc_submit_op(struct tc *tc, u32 c, u8 flags, const void *op, u32 len);

/*
 * Scripted insider: @from sends the encoded datagram buf (its MAC trailer
 * is filled here with the from-to pairwise key) to replica @to. The
 * message goes through the network like any other (cut and hold apply).
 */
void tc_inject(struct tc *tc, u32 from, u32 to, u8 *buf, u32 len);
/* The same to every replica but @from. */
void tc_inject_all(struct tc *tc, u32 from, u8 *buf, u32 len);
/* Queue what hold[from][to] parked, in order, and clear the hold. */
void tc_release(struct tc *tc, u32 from, u32 to);
/* Cut (or restore) every link between replica i and the others. */
void tc_isolate(struct tc *tc, u32 i, bool cut);

#endif
