/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deterministic Byzantine simulator: n replicas running the real engine
 * sources, correct clients running the real client core, Byzantine
 * replicas (a wrapped engine whose outputs are mutated) and Byzantine
 * clients, on the simulated network of simcore.h.
 */
#ifndef SIM_H
#define SIM_H

#include "simcore.h"
#include "crypto.h"
#include "engine.h"
#include "names.h"
#include "client.h"
#include "lin.h"

#define SIM_MAX_REP	16
#define SIM_MAX_CLI	140
#define SIM_NODES	(SIM_MAX_REP + SIM_MAX_CLI)
#define SIM_SNAPS	16
#define SIM_CAPTURE	64
#define SIM_GEN		256	/* key identity of host generation g: id + g*256 */
#define TWIN_MAX_ROUNDS	12

enum sim_byz {
	BYZ_NONE,
	BYZ_SILENT,	/* sends nothing */
	BYZ_EQUIVOCATE,	/* as primary: different batches per backup */
	BYZ_MACFORGE,	/* garbage MACs, spoofed senders, flipped bits */
	BYZ_REPLAY,	/* re-sends captured old messages */
	BYZ_VCLIAR,	/* bogus VIEW-CHANGE / NEW-VIEW certificates */
	BYZ_FLOOD,	/* junk and valid-looking messages */
	BYZ_STALERO,	/* correct, but read-only answers from stale state */
	BYZ_SLOW,	/* PRE-PREPAREs leave at 90% of the VC timeout */
	BYZ_SELECTIVE,	/* takes requests of client 0 only */
	BYZ_NSTRAT
};

enum sim_byzc {
	BYZC_NONE,
	BYZC_SPLIT,	/* different ops, same timestamp, per replica */
	BYZC_BADAUTH,	/* one valid authenticator entry, rest garbage */
	BYZC_NSTRAT
};

struct sim_cfg {
	uint64_t seed;
	int n, f;
	int nclients;		/* correct clients */
	int nbyzc;		/* Byzantine clients */
	int byz;		/* enum sim_byz for the Byzantine replicas */
	int nbyz;		/* how many (highest ids first after 0) */
	int byz_primary;	/* include replica 0 (primary of view 0) */
	int byzc;		/* enum sim_byzc */
	int reqs;		/* requests per correct client */
	int ro_pct;		/* read-only share, percent */
	int batch, window, ckpt;
	int crash;		/* crash + restart one correct replica */
	int faults;		/* network faults before stabilisation */
	int broken_quorum;	/* engine BFT_CFG_F_QUORUM_SHORT */
	int no_tentative;	/* engine no_tentative: reply after commit */
	sim_time_t stable_at;
	sim_time_t live_bound;	/* per request, after stabilisation */
	sim_time_t crash_at, restart_at;
	int crash_rep;
	uint32_t vc_ms, vc_max_ms, cli_ms;
	uint32_t batch_delay_ms;
	uint32_t think_ms;	/* max client think time */
	uint64_t max_events;
	int trace;		/* print every event */
	int trace_last;		/* events printed on failure */
	int quiet;
	int silent;		/* print nothing, even on failure */
	/* Twins (twins.c): replica `twin` runs as two correct engines */
	int twin;		/* twinned replica id, -1: no twins */
	int twin_keep;		/* keep both instances after the heal */
	int twin_rounds;
	sim_time_t twin_round;	/* length of a round (virtual time) */
	uint8_t twin_part[TWIN_MAX_ROUNDS];	/* partition per round */
	uint64_t twin_id;
	/* stale-read scenario: replica->backup delay, PUT/GET on one key */
	uint32_t slow_ms;
	int script;
	/* faulty-primary scenario: client 0 streams, replaced in time */
	int robust;
	int robust_reqs;	/* client 0's requests */
	uint32_t expect_hb_ms;	/* 0: the engine's default */
	int no_history;		/* --macs: 64-128 clients on 3 keys */
	/*
	 * membership (reconf.c): 1 epoch only, 2 replace reconf_rep, 3 n
	 * changes from n_first to n_next (n: the larger, replica nodes)
	 */
	int reconf;
	int n_first, n_next;
	int reconf_rep;
	int reconf_dup;		/* faulty admin: a second RECONFIG, epoch 1 */
	sim_time_t reconf_at;
};

#define SIM_PEND	512

struct sim_snap {
	uint64_t seq;
	int used;
	uint8_t data[SIM_SNAP_LEN];
};

struct sim;

struct sim_replica {
	struct sim *sim;
	int id;			/* identity (keys, engine id) */
	int node;		/* network node: id, or the second twin's */
	int up;
	int byz;		/* enum sim_byz, BYZ_NONE if correct */
	struct bft_engine *e;
	struct sim_service svc;
	struct sim_service stale;	/* BYZ_STALERO: before the last write */
	uint64_t timer_gen;
	sim_time_t timer_at;
	struct sim_snap snap[SIM_SNAPS];
	uint8_t staging[SIM_SNAP_LEN];
	uint32_t staged;
	uint64_t cur_seq;	/* seq of the batch being executed */
	/*
	 * Executions not yet checked: a tentative one is checked when its
	 * batch commits, forgotten when a rollback installs older state.
	 */
	struct sim_exec {
		uint64_t seq, t, res;
		uint32_t client;
	} pend[SIM_PEND];
	int npend;
	uint64_t restarts;
	/* host key generation (a replaced id's new host has the next) */
	uint8_t gen;
	uint8_t peer_gen[SIM_MAX_REP];
	uint64_t start_epoch;	/* epoch its engine was created in */
	/* Byzantine state */
	struct sim_rng brng;
	int capn, capi;
	struct {
		int to;
		uint32_t len;
		uint8_t *buf;
	} cap[SIM_CAPTURE];
	uint64_t byz_sent;
};

struct sim_client {
	struct sim *sim;
	int id;			/* engine client id */
	int node;
	int byz;		/* enum sim_byzc */
	struct bft_cli cli;
	int submitted, done;
	int pending;
	int pending_ro;
	sim_time_t submit_at;
	uint64_t timer_gen;
	sim_time_t timer_at;
	size_t hop;		/* history index of the pending op */
	uint64_t bts;		/* Byzantine client timestamp */
	sim_time_t lat_sum, lat_max;
};

struct sim_stats {
	uint64_t events, accepted, view_changes, new_views, xfers;
	uint64_t evidence, conflicts, byz_msgs, stable_ckpts;
	sim_time_t end;
};

struct sim {
	struct sim_cfg cfg;
	struct sim_sched sched;
	struct sim_net net;
	struct sim_trace trace;
	struct sim_check check;
	struct sim_rng rng;	/* behaviour (clients, Byzantine) */
	int nnodes;
	int ncli;		/* nclients + nbyzc */
	struct sim_kv *keys;	/* (node, node) -> HMAC pads */
	uint8_t *scratch;	/* BFT_WIRE_MAX_DGRAM */
	struct sim_replica rep[SIM_MAX_REP];
	struct sim_replica twin;	/* second instance of cfg.twin */
	int twin_node;		/* its network node, 0 if none */
	struct sim_client cl[SIM_MAX_CLI];
	struct sim_stats st;
	int clients_done;
	sim_time_t all_done_at;
	struct lin_hist hist;	/* correct clients' operations */
	uint64_t hseq;
	int admin;		/* client index of the administrator, -1 */
	uint64_t epoch;		/* newest epoch a correct replica is in */
	int replaced;		/* the new host of reconf_rep runs */
	uint64_t ep_base;	/* epoch 1 orders seqs above this; 0: unknown */
	uint64_t switched;	/* replicas whose engine switched */
};

/* node.c */
void sim_keys_init(struct sim *s);
int sim_mac(struct sim *s, int self, int peer, const struct bft_iov *iov,
	    uint32_t niov, uint8_t tag[BFT_MAC_LEN]);
void sim_mac_trailer(struct sim *s, int self, int peer, uint8_t *buf,
		     uint32_t len);
int sim_rep_start(struct sim *s, int i);
int sim_rep_start_as(struct sim *s, struct sim_replica *r, int id, int node);
struct sim_replica *sim_rep_of_node(struct sim *s, int node);
void sim_rep_stop(struct sim_replica *r);
void sim_rep_deliver(struct sim_replica *r, int from, const uint8_t *buf,
		     uint32_t len);
void sim_rep_timer(struct sim_replica *r, uint64_t gen);
void sim_rep_resched(struct sim_replica *r);
void sim_rep_transmit(struct sim_replica *r, int to, const uint8_t *buf,
		      uint32_t len);
int sim_mtype(const uint8_t *buf, size_t len);
const char *sim_mtype_name(int mt);
void sim_msg_detail(const uint8_t *buf, size_t len, uint64_t *a,
		    uint64_t *b);
void sim_engine_config(struct sim *s, struct bft_config *c, int id);

/* byz.c */
void byz_output(struct sim_replica *r, int to, const uint8_t *buf,
		uint32_t len);
int byz_input(struct sim_replica *r, int from, const uint8_t *buf,
	       uint32_t len);
void byz_act(struct sim_replica *r);
const char *byz_name(int strat);
int byz_parse(const char *name);

/* clients.c */
int sim_client_start(struct sim *s, int c);
void sim_client_stop(struct sim_client *c);
void sim_client_deliver(struct sim_client *c, int from, const uint8_t *buf,
			uint32_t len);
void sim_client_event(struct sim_client *c, uint64_t arg);
const char *byzc_name(int strat);
int byzc_parse(const char *name);

/* reconf.c */
#define SIM_ADMIN_RES	0x10	/* admin's result, tag of CEV events */
void sim_admin_start(struct sim_client *c);
void sim_admin_event(struct sim_client *c, uint64_t kind, uint64_t v);
void sim_admin_deliver(struct sim_client *c, int from, const uint8_t *buf,
		       uint32_t len);
void sim_reconf_switched(struct sim_replica *r, u64 epoch, u64 seq, u32 n,
			 u64 replace);
void sim_reconf_committed(struct sim_replica *r, u64 seq);
void sim_reconf_cfg(struct sim_cfg *c, struct sim_rng *r, int nbyz_forced,
		    int forced);
void sim_reconf_final(struct sim *s);
void sim_reconf_replace(struct sim *s, int b);
int sim_reconf_n(const struct sim *s, uint64_t epoch);
uint64_t sim_reconf_start_epoch(const struct sim *s, int id);
int sim_reconf_byz_from(const struct sim_cfg *c);
uint8_t sim_reconf_gen(const struct sim *s, int j);

/* twins.c */
int twins_route(void *ctx, int from, int to, int *dst);
void twins_print(const struct sim *s, FILE *f);
/* history.c: client-observed history, checked for linearizability */
#define SIM_HIST_NONE	((size_t)-1)
void sim_hist_init(struct sim *s);
void sim_hist_free(struct sim *s);
/* An op a correct client submitted; SIM_HIST_NONE if not a PUT/GET. */
size_t sim_hist_invoke(struct sim *s, int client, const uint8_t *op,
		       uint32_t len);
void sim_hist_complete(struct sim *s, size_t i, const uint8_t *res,
		       uint32_t len);
/* Check the history; on a violation check_fail() and print it: 1. */
int sim_hist_check(struct sim *s);

#define SIM_NOW_MS(s)	((s)->sched.now / SIM_MS)

#endif
