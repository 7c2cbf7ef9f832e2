/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Engine-independent simulator core: virtual-time discrete-event
 * scheduler, network model, trace recorder and safety/liveness
 * checkers.  Time is virtual, in microseconds.
 */
#ifndef SIM_CORE_H
#define SIM_CORE_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "rng.h"

typedef uint64_t sim_time_t;

#define SIM_MS			((sim_time_t)1000)
#define SIM_SEC			((sim_time_t)1000000)
#define SIM_MAX_NODES		160
#define SIM_NEVER		UINT64_MAX

/* ------------------------------------------------------------------ */
/* Scheduler                                                          */

enum sim_ev_kind {
	SEV_DELIVER,	/* message from -> to */
	SEV_TIMER,	/* engine timer of node `to` */
	SEV_CLIENT,	/* client `to` may submit / tick */
	SEV_CRASH,	/* replica `to` crashes */
	SEV_RESTART,	/* replica `to` restarts empty */
	SEV_BYZ,	/* Byzantine node `to` acts on its own */
	SEV_MARK,	/* trace marker (partition start/end, stabilise) */
	SEV_REPLACE,	/* replica `to` gets a new host (reconf.c) */
};

struct sim_event {
	sim_time_t at;
	uint64_t seq;		/* FIFO tie-break for equal times */
	uint16_t kind;
	int16_t from, to;
	uint32_t len;
	uint8_t *buf;		/* owned by the event */
	uint64_t arg;
};

struct sim_sched {
	struct sim_event *heap;
	size_t n, cap;
	uint64_t seq;
	sim_time_t now;
	uint64_t popped;
};

void sched_init(struct sim_sched *s);
void sched_free(struct sim_sched *s);
/* Takes ownership of ev->buf. */
void sched_push(struct sim_sched *s, const struct sim_event *ev);
int sched_pop(struct sim_sched *s, struct sim_event *ev);

/* ------------------------------------------------------------------ */
/* Trace recorder                                                     */

enum sim_tr_kind {
	TR_SEND, TR_DELIVER, TR_DROP, TR_DUP, TR_TIMER, TR_EXEC, TR_ACCEPT,
	TR_SUBMIT, TR_CRASH, TR_RESTART, TR_PART, TR_STABLE, TR_BYZ,
	TR_VIEW, TR_CKPT, TR_NOTE, TR_KINDS
};

struct sim_trace_ev {
	sim_time_t at;
	uint8_t kind;
	int16_t from, to;
	int16_t mtype;
	uint32_t len;
	uint64_t a, b;
	const char *why;
};

struct sim_trace {
	struct sim_trace_ev *ring;
	size_t cap, head, count;
	int live;		/* print every event as it happens */
	FILE *out;
	const char *(*mtype_name)(int mtype);
	int (*node_name)(int node, char *buf, size_t len);
};

void trace_init(struct sim_trace *t, size_t cap);
void trace_free(struct sim_trace *t);
void trace_add(struct sim_trace *t, sim_time_t at, int kind, int from,
	       int to, int mtype, uint32_t len, uint64_t a, uint64_t b,
	       const char *why);
void trace_print_ev(struct sim_trace *t, FILE *f,
		    const struct sim_trace_ev *e);
void trace_dump(struct sim_trace *t, FILE *f, size_t last);

/* ------------------------------------------------------------------ */
/* Network model                                                      */

struct sim_partition {
	sim_time_t from, until;
	uint64_t side;		/* bit i set: node i on side A (nodes >= 64: B) */
};

#define SIM_MAX_PARTS	4

struct sim_net_cfg {
	uint32_t drop_ppm;	/* per message, before stabilisation */
	uint32_t dup_ppm;
	uint32_t reorder_ppm;	/* extra delay up to reorder_max */
	sim_time_t dmin, dmax;	/* base one-way delay, uniform */
	sim_time_t reorder_max;
	sim_time_t stable_at;	/* afterwards: reliable, bounded delay */
	sim_time_t stable_dmax;
	uint32_t link_drop_ppm[SIM_MAX_NODES][SIM_MAX_NODES];
	int nparts;
	struct sim_partition parts[SIM_MAX_PARTS];
	/* always: extra delay from nodes in slow_from to nodes in slow_to */
	uint64_t slow_from, slow_to;
	sim_time_t slow_extra;
};

struct sim_net_stats {
	uint64_t sent, delivered, dropped, duplicated, partitioned, bytes;
};

struct sim_net {
	struct sim_net_cfg cfg;
	struct sim_net_stats st;
	struct sim_rng rng;
	struct sim_sched *sched;
	struct sim_trace *trace;
	int (*mtype)(const uint8_t *buf, size_t len);	/* for traces */
	/* for traces: (view, seq) or similar of a message */
	void (*detail)(const uint8_t *buf, size_t len, uint64_t *a,
		       uint64_t *b);
	/*
	 * Twins: the nodes (at most 4) a datagram from -> to reaches; when
	 * set it replaces the fault model (partitions, loss, duplicates).
	 */
	int (*route)(void *ctx, int from, int to, int *dst);
	void *route_ctx;
	sim_time_t extra;	/* added to the next sends (slow primary) */
};

void net_init(struct sim_net *net, struct sim_sched *s, struct sim_trace *t,
	      uint64_t seed);
int net_partitioned(const struct sim_net *net, sim_time_t now, int a, int b);
/* Copies buf.  Applies drop/dup/delay/partition before stabilisation. */
void net_send(struct sim_net *net, int from, int to, const void *buf,
	      size_t len);
/* Random fault schedule for a seed. */
void net_random_cfg(struct sim_net_cfg *c, struct sim_rng *r, int nodes,
		    int nrep, int f, sim_time_t stable_at);
void net_cfg_print(const struct sim_net_cfg *c, FILE *f, int nodes);

/* ------------------------------------------------------------------ */
/* Checkers                                                           */

struct sim_kv;		/* opaque u64-keyed hash map */

struct sim_check {
	int nrep;
	uint64_t correct;	/* bitmask of correct replicas */
	char failed[512];	/* first violation, empty if none */
	int violations;
	/* seq -> state digest after executing that seq */
	struct sim_kv *seq_state;
	/* (client, t) -> seq executed at, result */
	struct sim_kv *req_exec;
	/* (client, t) -> accepted result */
	struct sim_kv *req_accept;
	/* seq -> D(batch) executed there */
	struct sim_kv *seq_batch;
	/* (replica, incarnation, client) -> last executed t */
	struct sim_kv *rep_last;
	uint64_t incarnation[64];	/* restarts and state installs */
	uint64_t restarts[64];
	/* (replica, kind, view, seq) -> digest it sent */
	struct sim_kv *votes;
	uint64_t execs, accepts, batches;
};

void check_init(struct sim_check *c, int nrep, uint64_t correct);
void check_free(struct sim_check *c);
void check_fail(struct sim_check *c, sim_time_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A correct replica executed request (client, t) at seq. */
void check_exec(struct sim_check *c, sim_time_t at, int rep, uint64_t seq,
		uint32_t client, uint64_t t, uint64_t result);
/* A correct replica executed the batch with digest D at seq. */
void check_batch(struct sim_check *c, sim_time_t at, int rep, uint64_t seq,
		 const uint8_t digest[32]);
/* A correct replica checkpointed seq with this service state digest. */
void check_state(struct sim_check *c, sim_time_t at, int rep, uint64_t seq,
		 const uint8_t digest[32]);
/* A correct replica sent PRE-PREPARE/PREPARE/COMMIT (kind) for (v, n). */
void check_vote(struct sim_check *c, sim_time_t at, int rep, int kind,
		uint64_t view, uint64_t seq, const uint8_t digest[32]);
/* The replica restarted empty, or installed a snapshot at seq. */
/* (its per-client execution history starts over) */
void check_reset(struct sim_check *c, int rep, uint64_t seq);
/* The replica restarted empty: it may re-send what it forgot it sent. */
void check_restart(struct sim_check *c, int rep);
/* A correct client accepted result for its request t. */
void check_accept(struct sim_check *c, sim_time_t at, uint32_t client,
		  uint64_t t, uint64_t result, int readonly);

/* hash map helpers (also used by the engine glue) */
struct sim_kv *kv_new(size_t vsize);
void kv_free(struct sim_kv *m);
/*
 * Value slot for key, or NULL if absent and !create.  A created slot is
 * zeroed and *created is set.  Pointers stay valid until the next create.
 */
void *kv_get(struct sim_kv *m, uint64_t key, int create, int *created);

#endif
