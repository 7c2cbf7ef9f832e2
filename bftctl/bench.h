/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bftctl bench: logical closed-loop (or open-loop) clients multiplexed by
 * a few threads on libbftclient's asynchronous API. bench.c parses and
 * reports; benchrun.c drives the requests.
 */
#ifndef BFTCTL_BENCH_H
#define BFTCTL_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "history.h"
#include "lib/bftclient.h"

struct bench_cfg {
	const char *conf, *key_file, *history;
	uint32_t clients, first_id, op_size, keys, timeout_ms, retransmit_ms;
	uint32_t threads;
	uint32_t rate;			/* open loop: ops/s offered; 0: closed */
	double duration;
	bool readonly, json;
	uint32_t put_w, get_w;		/* --mix weights; 0/0: NOP */
};

/* One logical client: its own id, keys and one request outstanding. */
struct bench_client {
	struct bench_worker *w;
	uint32_t id;
	int slot;
	uint64_t rng;
	uint64_t seq;
	/* The request in flight. */
	uint64_t t0;			/* due (open loop) or submit ns */
	uint64_t t_sub;			/* submit ns, for --history */
	uint32_t key;
	bool put;
	uint8_t *val;			/* the value being PUT */
	uint32_t val_len;
	uint8_t **last;			/* per key: value last PUT */
	uint32_t *last_len;		/* 0: none yet */
	struct hist hist;		/* --history */
};

/* Counters of one worker thread, summed by bench.c. */
struct bench_counts {
	uint64_t ops, timeouts, conflicts, refused, other, mismatches;
	uint64_t offered, submitted, completed, backlog_max, backlog_end;
};

struct bench_worker {
	const struct bench_cfg *cfg;
	uint32_t index;			/* thread number */
	struct bft_async *a;
	struct bench_client *cli;
	uint32_t n_cli;
	uint32_t *idle;			/* open loop: free logical clients */
	uint32_t n_idle;
	uint64_t *backlog;		/* open loop: intended times waiting */
	size_t bl_head, bl_len, bl_cap;
	uint64_t t0_ns, end_ns;		/* the run's window */
	uint64_t next_k;		/* open loop: next send of this thread */
	uint8_t *op;			/* encode scratch */
	uint32_t *lat_us;
	size_t n_lat, cap_lat;
	struct bench_counts c;
	uint32_t tasks;			/* /proc/self/task entries seen */
	uint64_t polls;			/* ppoll calls */
	bool oom;
	int err;			/* BFT_E_SYSTEM from the event loop */
};

int bench_worker_init(struct bench_worker *w, const struct bench_cfg *b,
		      uint32_t index);
void bench_worker_free(struct bench_worker *w);
/* Runs the worker's clients from t0_ns to end_ns, then drains. */
void bench_worker_run(struct bench_worker *w);
uint64_t bench_now_ns(void);

#endif
