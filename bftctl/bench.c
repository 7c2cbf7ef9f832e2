// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl bench: N logical clients, each with its own client id and one
 * request outstanding (as PBFT clients have), multiplexed on libbftclient's
 * asynchronous API by one thread (or --threads T). Closed loop by default;
 * --rate R offers R ops/s in aggregate (open loop). Reports throughput and
 * latency percentiles. In --mix mode each client owns its keys and checks
 * that every GET returns the value it last PUT, so a bench run is also a
 * correctness check.
 */
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <json-c/json.h>

#include "../kmod/kv_codec.h"
#include "args.h"
#include "bench.h"
#include "bftctl.h"

static int parse_mix(const char *s, struct bench_cfg *b)
{
	unsigned int p, g;
	char tail;

	if (sscanf(s, "%u/%u%c", &p, &g, &tail) != 2 || p + g == 0 ||
	    p > 1000000 || g > 1000000) {
		fprintf(stderr, "bftctl bench: --mix: expected PUT/GET weights like 50/50, got '%s'\n",
			s);
		return -1;
	}
	b->put_w = p;
	b->get_w = g;
	return 0;
}

static int parse(int argc, char **argv, struct bench_cfg *b)
{
	static const struct option lo[] = {
		BFT_OPT_CONFIG, BFT_OPT_KEY, BFT_OPT_TIMEOUT,
		{ "clients", required_argument, NULL, 'n' },
		{ "ids", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "op-size", required_argument, NULL, 's' },
		{ "readonly", no_argument, NULL, 'r' },
		{ "mix", required_argument, NULL, 'm' },
		{ "keys", required_argument, NULL, 'K' },
		{ "retransmit", required_argument, NULL, 'R' },
		{ "history", required_argument, NULL, 'H' },
		{ "threads", required_argument, NULL, 'T' },
		{ "rate", required_argument, NULL, 'L' },
		BFT_OPT_END,
	};
	struct bft_common_opts o = { 0 };
	char *end;
	int c, used;

	optind = 0;	/* glibc: full re-init, permuting */
	while ((c = getopt_long(argc, argv, ":c:k:t:n:i:d:s:", lo, NULL)) != -1) {
		used = bft_common_opt(c, optarg, &o, "ckit");
		if (used < 0)
			return -1;
		if (used)
			continue;
		switch (c) {
		case 'n':
			if (bft_arg_u32("--clients", optarg, 1, BFT_NL_MAX_CLIENTS,
					&b->clients))
				return -1;
			break;
		case 'd':
			b->duration = strtod(optarg, &end);
			if (*end || end == optarg || !(b->duration > 0) ||
			    b->duration > 86400) {
				fprintf(stderr, "bftctl bench: --duration: expected seconds in (0, 86400], got '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 's':
			if (bft_arg_u32("--op-size", optarg, 0, BFT_MAX_OP, &b->op_size))
				return -1;
			break;
		case 'r':
			b->readonly = true;
			break;
		case 'm':
			if (parse_mix(optarg, b))
				return -1;
			break;
		case 'K':
			if (bft_arg_u32("--keys", optarg, 1, 4096, &b->keys))
				return -1;
			break;
		case 'R':
			if (bft_arg_u32("--retransmit", optarg, 1, BFT_TIMEOUT_MS_MAX,
				    &b->retransmit_ms))
				return -1;
			break;
		case 'H':
			b->history = optarg;
			break;
		case 'T':
			if (bft_arg_u32("--threads", optarg, 1, 256, &b->threads))
				return -1;
			break;
		case 'L':
			if (bft_arg_u32("--rate", optarg, 1, 10000000, &b->rate))
				return -1;
			break;
		default:
			return opt_error("bench", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("bench", "unexpected argument '%s'",
				   argv[optind]);
	if (bft_common_require("bftctl bench", &o, "ck"))
		return usage_error("bench", NULL);
	b->conf = o.conf;
	b->key_file = o.key;
	b->first_id = o.client;		/* -i, --ids: 0 if not given */
	if (o.have_timeout)
		b->timeout_ms = o.timeout_ms;
	if (b->first_id + b->clients > 65536) {
		fprintf(stderr, "bftctl bench: client ids %u..%u exceed 65535\n",
			b->first_id, b->first_id + b->clients - 1);
		return -1;
	}
	if (b->threads > b->clients)
		return usage_error("bench", "--threads %u is more than --clients %u",
				   b->threads, b->clients);
	if (!b->put_w && !b->get_w && b->op_size &&
	    b->op_size < BFT_KV_OP_HDR_LEN) {
		fprintf(stderr, "bftctl bench: --op-size is 0 or at least %d (a NOP header)\n",
			BFT_KV_OP_HDR_LEN);
		return -1;
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct bench_result {
	struct bench_counts c;
	uint64_t retransmits, ro_fallbacks;
	uint64_t syscalls;		/* sendmmsg, recvmmsg and ppoll */
	double secs, ops_s, user_s, sys_s;
	uint32_t p50, p90, p99, max, tasks;
	double mean;
};

static uint32_t pct(const uint32_t *v, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static void add_counts(struct bench_counts *s, const struct bench_counts *c)
{
	s->ops += c->ops;
	s->timeouts += c->timeouts;
	s->conflicts += c->conflicts;
	s->refused += c->refused;
	s->other += c->other;
	s->mismatches += c->mismatches;
	s->offered += c->offered;
	s->submitted += c->submitted;
	s->completed += c->completed;
	s->backlog_max += c->backlog_max;
	s->backlog_end += c->backlog_end;
}

static int summarize(struct bench_worker *w, uint32_t nw, double secs,
		     struct bench_result *r)
{
	struct bft_client_stats st;
	struct bft_async_stats ast;
	struct rusage ru;
	uint32_t *all;
	size_t total = 0, k = 0;
	double sum = 0;
	uint32_t i, j;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < nw; i++)
		total += w[i].n_lat;
	all = malloc((total ? total : 1) * sizeof(*all));
	if (!all)
		return -1;
	for (i = 0; i < nw; i++) {
		memcpy(all + k, w[i].lat_us, w[i].n_lat * sizeof(*all));
		k += w[i].n_lat;
		add_counts(&r->c, &w[i].c);
		bft_async_get_stats(w[i].a, &ast);
		r->syscalls += ast.tx_calls + ast.rx_calls + w[i].polls;
		for (j = 0; j < w[i].n_cli; j++) {
			bft_async_client_stats(w[i].a, w[i].cli[j].slot, &st);
			r->retransmits += st.retransmits;
			r->ro_fallbacks += st.ro_fallbacks;
		}
	}
	qsort(all, total, sizeof(*all), cmp_u32);
	for (k = 0; k < total; k++)
		sum += all[k];
	r->secs = secs;
	r->ops_s = secs > 0 ? (double)r->c.ops / secs : 0;
	r->mean = total ? sum / (double)total : 0;
	r->p50 = pct(all, total, 0.50);
	r->p90 = pct(all, total, 0.90);
	r->p99 = pct(all, total, 0.99);
	r->max = total ? all[total - 1] : 0;
	r->tasks = w[0].tasks;
	if (!getrusage(RUSAGE_SELF, &ru)) {
		r->user_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
		r->sys_s = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	}
	free(all);
	return 0;
}

static void print_text(const struct bench_cfg *b, const struct bench_result *r,
		       const char *mode)
{
	printf("clients %u  threads %u  mode %s%s  op-size %u  duration %.2fs\n",
	       b->clients, b->threads, mode, b->readonly ? " readonly" : "",
	       b->op_size, r->secs);
	if (b->rate)
		printf("open loop: rate %u ops/s  offered %" PRIu64 " submitted %"
		       PRIu64 " completed %" PRIu64 "  backlog max %" PRIu64
		       " end %" PRIu64 "\n", b->rate, r->c.offered,
		       r->c.submitted, r->c.completed, r->c.backlog_max,
		       r->c.backlog_end);
	printf("ops %" PRIu64 "  ops/s %.1f  latency us: mean %.0f p50 %u p90 %u p99 %u max %u\n",
	       r->c.ops, r->ops_s, r->mean, r->p50, r->p90, r->p99, r->max);
	printf("errors: timeouts %" PRIu64 " conflicts %" PRIu64
	       " refused %" PRIu64 " other %" PRIu64 " mismatches %" PRIu64
	       "  retransmits %" PRIu64 " ro-fallbacks %" PRIu64 "\n",
	       r->c.timeouts, r->c.conflicts, r->c.refused, r->c.other,
	       r->c.mismatches, r->retransmits, r->ro_fallbacks);
	printf("cpu: user %.2fs sys %.2fs  tasks %u  I/O syscalls per op %.2f\n",
	       r->user_s, r->sys_s, r->tasks,
	       r->c.ops ? (double)r->syscalls / (double)r->c.ops : 0);
}

static void jint(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static void print_result(const struct bench_cfg *b, const struct bench_result *r)
{
	struct json_object *o, *l;
	const char *mode = b->put_w || b->get_w ? "mix" : "nop";

	if (!b->json) {
		print_text(b, r, mode);
		return;
	}
	o = json_object_new_object();
	jint(o, "clients", b->clients);
	jint(o, "threads", b->threads);
	/* Threads the process had while running: T, no thread per client. */
	jint(o, "tasks", r->tasks);
	json_object_object_add(o, "mode", json_object_new_string(mode));
	json_object_object_add(o, "readonly", json_object_new_boolean(b->readonly));
	jint(o, "op_size", b->op_size);
	jint(o, "rate", b->rate);
	json_object_object_add(o, "duration_s", json_object_new_double(r->secs));
	jint(o, "ops", r->c.ops);
	json_object_object_add(o, "ops_per_sec", json_object_new_double(r->ops_s));
	l = json_object_new_object();
	json_object_object_add(l, "mean", json_object_new_double(r->mean));
	jint(l, "p50", r->p50);
	jint(l, "p90", r->p90);
	jint(l, "p99", r->p99);
	jint(l, "max", r->max);
	json_object_object_add(o, "latency_us", l);
	jint(o, "submitted", r->c.submitted);
	jint(o, "completed", r->c.completed);
	jint(o, "offered", r->c.offered);
	jint(o, "backlog_max", r->c.backlog_max);
	jint(o, "backlog_end", r->c.backlog_end);
	jint(o, "timeouts", r->c.timeouts);
	jint(o, "conflicts", r->c.conflicts);
	jint(o, "refused", r->c.refused);
	jint(o, "other_errors", r->c.other);
	jint(o, "mismatches", r->c.mismatches);
	jint(o, "retransmits", r->retransmits);
	jint(o, "ro_fallbacks", r->ro_fallbacks);
	json_object_object_add(o, "cpu_user_s", json_object_new_double(r->user_s));
	json_object_object_add(o, "cpu_sys_s", json_object_new_double(r->sys_s));
	/* sendmmsg + recvmmsg + ppoll calls, per completed op. */
	json_object_object_add(o, "syscalls_per_op",
			       json_object_new_double(r->c.ops ? (double)r->syscalls /
						      (double)r->c.ops : 0));
	print_json(o);
}

static int write_history(const struct bench_cfg *b,
			 const struct bench_worker *w)
{
	FILE *f = fopen(b->history, "w");
	uint32_t i, j;
	int bad = !f;

	if (f) {
		fprintf(f, "# bft history v1: client invoke_ns complete_ns|- op key arg result\n");
		for (i = 0; i < b->threads; i++)
			for (j = 0; j < w[i].n_cli; j++) {
				bad |= w[i].cli[j].hist.oom;
				hist_write(f, &w[i].cli[j].hist, w[i].cli[j].id);
			}
		bad |= ferror(f);
		bad |= fclose(f) != 0;
	}
	if (bad)
		fprintf(stderr, "bftctl bench: cannot write history %s\n",
			b->history);
	return bad;
}

static void *worker_main(void *arg)
{
	bench_worker_run(arg);
	return NULL;
}

/* Worker 0 runs in this thread; the others in threads of their own. */
static int run_workers(struct bench_worker *w, uint32_t nw)
{
	pthread_t *tid = calloc(nw, sizeof(*tid));
	uint32_t i, started = 0;

	if (!tid)
		return -1;
	for (i = 1; i < nw; i++) {
		if (pthread_create(&tid[i], NULL, worker_main, &w[i]))
			break;
		started++;
	}
	if (started == nw - 1)
		bench_worker_run(&w[0]);
	else
		for (i = 0; i < nw; i++)
			w[i].end_ns = 0;	/* the started ones stop */
	for (i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	return started == nw - 1 ? 0 : -1;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_cfg b = {
		.clients = 1, .threads = 1, .duration = 5, .keys = 16,
		.timeout_ms = 2000, .json = opts.json,
	};
	struct bench_worker *w;
	struct bench_result res;
	uint64_t t0, t1;
	uint32_t i;
	int ret = 0;

	if (parse(argc, argv, &b))
		return 2;
	w = calloc(b.threads, sizeof(*w));
	if (!w)
		return 5;
	for (i = 0; i < b.threads && !ret; i++)
		ret = bench_worker_init(&w[i], &b, i);
	if (ret)
		goto out;
	/* Every worker reads its window before it starts: no barrier. */
	t0 = bench_now_ns();
	for (i = 0; i < b.threads; i++) {
		w[i].t0_ns = t0;
		w[i].end_ns = t0 + (uint64_t)(b.duration * 1e9);
	}
	if (run_workers(w, b.threads)) {
		fprintf(stderr, "bftctl bench: cannot start %u threads\n",
			b.threads);
		ret = BFT_E_SYSTEM;
		goto out;
	}
	t1 = bench_now_ns();
	for (i = 0; i < b.threads; i++)
		if (w[i].oom || w[i].err)
			ret = BFT_E_SYSTEM;
	if (ret || summarize(w, b.threads, (double)(t1 - t0) / 1e9, &res)) {
		fprintf(stderr, "bftctl bench: out of memory or socket error\n");
		ret = BFT_E_SYSTEM;
		goto out;
	}
	print_result(&b, &res);
	if (b.history && write_history(&b, w)) {
		ret = BFT_E_SYSTEM;
		goto out;
	}
	/* Lost requests or wrong answers make the run fail. */
	if (res.c.mismatches || res.c.conflicts || !res.c.ops)
		ret = 1;
out:
	for (i = 0; i < b.threads; i++)
		bench_worker_free(&w[i]);
	free(w);
	return ret == BFT_OK ? 0 : ret == 1 ? 1 : 2;
}
