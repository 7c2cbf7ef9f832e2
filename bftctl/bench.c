// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl bench: closed-loop clients, one thread and one client id each,
 * through libbftclient. Each client keeps one request outstanding, as
 * PBFT clients do. Reports throughput and latency percentiles. In --mix
 * mode each client owns its keys and checks that every GET returns the
 * value it last PUT, so a bench run is also a correctness check.
 */
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "../kmod/kv_codec.h"
#include "args.h"
#include "bftctl.h"
#include "history.h"
#include "lib/bftclient.h"

#define BENCH_KEY_MAX	32

struct bench_cfg {
	const char *conf, *key_file, *history;
	uint32_t clients, first_id, op_size, keys, timeout_ms, retransmit_ms;
	double duration;
	bool readonly, json;
	uint32_t put_w, get_w;		/* --mix weights; 0/0: NOP */
};

struct bench_thread {
	const struct bench_cfg *cfg;
	struct bft_client *cli;
	uint32_t id;
	pthread_t tid;
	uint64_t end_ns;
	uint64_t rng;
	uint32_t *lat_us;
	size_t n_lat, cap_lat;
	uint64_t ops, timeouts, conflicts, refused, other, mismatches;
	uint8_t *op;
	uint8_t **last;			/* per key: value last PUT, or NULL */
	uint32_t *last_len;
	uint64_t seq;
	bool oom;
	struct hist hist;		/* --history */
};

static pthread_barrier_t start_barrier;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

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
			if (bft_arg_u32("--clients", optarg, 1, 1024, &b->clients))
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
	if (!b->put_w && !b->get_w && b->op_size &&
	    b->op_size < BFT_KV_OP_HDR_LEN) {
		fprintf(stderr, "bftctl bench: --op-size is 0 or at least %d (a NOP header)\n",
			BFT_KV_OP_HDR_LEN);
		return -1;
	}
	return 0;
}

static void record(struct bench_thread *t, uint64_t ns)
{
	uint32_t *n;

	if (t->n_lat == t->cap_lat) {
		t->cap_lat = t->cap_lat ? 2 * t->cap_lat : 4096;
		n = realloc(t->lat_us, t->cap_lat * sizeof(*n));
		if (!n) {
			t->oom = true;
			return;
		}
		t->lat_us = n;
	}
	t->lat_us[t->n_lat++] = (uint32_t)(ns / 1000 > UINT32_MAX ?
					    UINT32_MAX : ns / 1000);
}

static void hist_op(struct bench_thread *t, uint64_t t0, uint32_t k,
		    bool put, uint64_t vh, int res)
{
	struct hist_rec r = {
		.t0 = t0, .t1 = now_ns(), .vh = vh, .key = k, .put = put,
		.res = (uint8_t)res,
	};

	if (t->cfg->history)
		hist_add(&t->hist, &r);
}

/* One KV op of the mix; returns a library code. */
static int mix_op(struct bench_thread *t)
{
	uint64_t t0 = now_ns();
	const struct bench_cfg *b = t->cfg;
	char key[BENCH_KEY_MAX], *val = (char *)t->op;
	uint32_t k = (uint32_t)(xorshift(&t->rng) % b->keys), klen, vlen;
	bool put = xorshift(&t->rng) % (b->put_w + b->get_w) < b->put_w;
	long n;
	int ret;

	klen = (uint32_t)snprintf(key, sizeof(key), "b%u-%u", t->id, k);
	if (put) {
		/* A unique value: a header, then filler up to op_size. */
		vlen = (uint32_t)snprintf(val, BFT_MAX_OP, "%u:%u:%" PRIu64 ":",
					  t->id, k, ++t->seq);
		for (; vlen < b->op_size; vlen++)
			val[vlen] = (char)('a' + vlen % 26);
		ret = bft_client_put(t->cli, key, klen, val, vlen,
				     (int)b->timeout_ms);
		hist_op(t, t0, k, true, hist_hash(val, vlen),
			ret ? HIST_PENDING : HIST_OK);
		if (!ret) {
			memcpy(t->last[k], val, vlen);
			t->last_len[k] = vlen;
		}
		return ret;
	}
	n = bft_client_get(t->cli, key, klen, val, BFT_MAX_OP, b->readonly,
			   (int)b->timeout_ms);
	hist_op(t, t0, k, false, n >= 0 ? hist_hash(val, (size_t)n) : 0,
		!t->last_len[k] ? HIST_UNKNOWN : n >= 0 ? HIST_FOUND :
		n == BFT_E_NOT_FOUND ? HIST_NOT_FOUND : HIST_PENDING);
	/* Before our first PUT the key may hold anything (earlier runs). */
	if (n == BFT_E_NOT_FOUND && !t->last_len[k])
		return BFT_OK;
	if (n < 0)
		return (int)n;
	if (t->last_len[k] && ((uint32_t)n != t->last_len[k] ||
			       memcmp(val, t->last[k], n)))
		t->mismatches++;
	return BFT_OK;
}

static int nop_op(struct bench_thread *t)
{
	const struct bench_cfg *b = t->cfg;
	uint8_t res[64];
	long n;

	n = b->readonly ?
	    bft_client_invoke_ro(t->cli, t->op, b->op_size, res, sizeof(res),
				 (int)b->timeout_ms) :
	    bft_client_invoke(t->cli, t->op, b->op_size, res, sizeof(res),
			      (int)b->timeout_ms);
	return n < 0 ? (int)n : BFT_OK;
}

static void *bench_thread(void *arg)
{
	struct bench_thread *t = arg;
	bool mix = t->cfg->put_w || t->cfg->get_w;
	uint64_t start, end;
	int ret;

	pthread_barrier_wait(&start_barrier);
	for (;;) {
		start = now_ns();
		if (start >= t->end_ns)
			break;
		ret = mix ? mix_op(t) : nop_op(t);
		end = now_ns();
		switch (ret) {
		case BFT_OK:
			t->ops++;
			record(t, end - start);
			break;
		case BFT_E_TIMEOUT:
			t->timeouts++;
			break;
		case BFT_E_CONFLICT:
			t->conflicts++;
			break;
		case BFT_E_LIMIT:
		case BFT_E_REJECTED:
		case BFT_E_NOT_FOUND:
		case BFT_E_CAS_MISMATCH:
			t->refused++;
			break;
		default:
			t->other++;
			break;
		}
	}
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct bench_result {
	uint64_t ops, timeouts, conflicts, refused, other, mismatches;
	uint64_t retransmits, ro_fallbacks;
	double secs, ops_s;
	uint32_t p50, p90, p99, max;
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

static int summarize(struct bench_thread *th, uint32_t n, double secs,
		     struct bench_result *r)
{
	struct bft_client_stats st;
	uint32_t *all;
	size_t total = 0, k = 0;
	double sum = 0;
	uint32_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++)
		total += th[i].n_lat;
	all = malloc((total ? total : 1) * sizeof(*all));
	if (!all)
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(all + k, th[i].lat_us, th[i].n_lat * sizeof(*all));
		k += th[i].n_lat;
		r->ops += th[i].ops;
		r->timeouts += th[i].timeouts;
		r->conflicts += th[i].conflicts;
		r->refused += th[i].refused;
		r->other += th[i].other;
		r->mismatches += th[i].mismatches;
		bft_client_get_stats(th[i].cli, &st);
		r->retransmits += st.retransmits;
		r->ro_fallbacks += st.ro_fallbacks;
	}
	qsort(all, total, sizeof(*all), cmp_u32);
	for (k = 0; k < total; k++)
		sum += all[k];
	r->secs = secs;
	r->ops_s = secs > 0 ? (double)r->ops / secs : 0;
	r->mean = total ? sum / (double)total : 0;
	r->p50 = pct(all, total, 0.50);
	r->p90 = pct(all, total, 0.90);
	r->p99 = pct(all, total, 0.99);
	r->max = total ? all[total - 1] : 0;
	free(all);
	return 0;
}

static void print_result(const struct bench_cfg *b, const struct bench_result *r)
{
	struct json_object *o, *l;
	const char *mode = b->put_w || b->get_w ? "mix" : "nop";

	if (!b->json) {
		printf("clients %u  mode %s%s  op-size %u  duration %.2fs\n",
		       b->clients, mode, b->readonly ? " readonly" : "",
		       b->op_size, r->secs);
		printf("ops %" PRIu64 "  ops/s %.1f  latency us: mean %.0f p50 %u p90 %u p99 %u max %u\n",
		       r->ops, r->ops_s, r->mean, r->p50, r->p90, r->p99, r->max);
		printf("errors: timeouts %" PRIu64 " conflicts %" PRIu64
		       " refused %" PRIu64 " other %" PRIu64 " mismatches %" PRIu64
		       "  retransmits %" PRIu64 " ro-fallbacks %" PRIu64 "\n",
		       r->timeouts, r->conflicts, r->refused, r->other,
		       r->mismatches, r->retransmits, r->ro_fallbacks);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "clients", json_object_new_int64(b->clients));
	json_object_object_add(o, "mode", json_object_new_string(mode));
	json_object_object_add(o, "readonly", json_object_new_boolean(b->readonly));
	json_object_object_add(o, "op_size", json_object_new_int64(b->op_size));
	json_object_object_add(o, "duration_s", json_object_new_double(r->secs));
	json_object_object_add(o, "ops", json_object_new_int64((int64_t)r->ops));
	json_object_object_add(o, "ops_per_sec", json_object_new_double(r->ops_s));
	l = json_object_new_object();
	json_object_object_add(l, "mean", json_object_new_double(r->mean));
	json_object_object_add(l, "p50", json_object_new_int64(r->p50));
	json_object_object_add(l, "p90", json_object_new_int64(r->p90));
	json_object_object_add(l, "p99", json_object_new_int64(r->p99));
	json_object_object_add(l, "max", json_object_new_int64(r->max));
	json_object_object_add(o, "latency_us", l);
	json_object_object_add(o, "timeouts", json_object_new_int64((int64_t)r->timeouts));
	json_object_object_add(o, "conflicts", json_object_new_int64((int64_t)r->conflicts));
	json_object_object_add(o, "refused", json_object_new_int64((int64_t)r->refused));
	json_object_object_add(o, "other_errors", json_object_new_int64((int64_t)r->other));
	json_object_object_add(o, "mismatches", json_object_new_int64((int64_t)r->mismatches));
	json_object_object_add(o, "retransmits", json_object_new_int64((int64_t)r->retransmits));
	json_object_object_add(o, "ro_fallbacks", json_object_new_int64((int64_t)r->ro_fallbacks));
	print_json(o);
}

static void thread_free(struct bench_thread *t)
{
	uint32_t k;

	bft_client_close(t->cli);
	free(t->lat_us);
	free(t->op);
	for (k = 0; t->last && k < t->cfg->keys; k++)
		free(t->last[k]);
	free(t->last);
	free(t->last_len);
	hist_free(&t->hist);
}

static int thread_init(struct bench_thread *t, const struct bench_cfg *b,
		       uint32_t id)
{
	struct bft_client_opts o = {
		.retransmit_ms = b->retransmit_ms,
		.retransmit_max_ms = b->retransmit_ms * 8,
	};
	char err[512];
	uint32_t k;
	int ret;

	t->cfg = b;
	t->id = id;
	t->rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)id << 17) ^ now_ns();
	ret = bft_client_open(&t->cli, b->conf, id, b->key_file, &o, err,
			      sizeof(err));
	if (ret) {
		fprintf(stderr, "bftctl bench: client %u: %s\n", id, err);
		return ret;
	}
	t->op = calloc(1, BFT_MAX_OP);
	t->last = calloc(b->keys, sizeof(*t->last));
	t->last_len = calloc(b->keys, sizeof(*t->last_len));
	if (!t->op || !t->last || !t->last_len)
		return BFT_E_SYSTEM;
	for (k = 0; k < b->keys; k++) {
		t->last[k] = malloc(BFT_MAX_OP);
		if (!t->last[k])
			return BFT_E_SYSTEM;
	}
	if (b->op_size && !b->put_w && !b->get_w)
		bft_kv_enc_nop(t->op, BFT_MAX_OP, b->op_size - BFT_KV_OP_HDR_LEN);
	return BFT_OK;
}

static int write_history(const struct bench_cfg *b,
			 const struct bench_thread *th)
{
	FILE *f = fopen(b->history, "w");
	uint32_t i;
	int bad = !f;

	if (f) {
		fprintf(f, "# bft history v1: client invoke_ns complete_ns|- op key arg result\n");
		for (i = 0; i < b->clients; i++) {
			bad |= th[i].hist.oom;
			hist_write(f, &th[i].hist, th[i].id);
		}
		bad |= ferror(f);
		bad |= fclose(f) != 0;
	}
	if (bad)
		fprintf(stderr, "bftctl bench: cannot write history %s\n",
			b->history);
	return bad;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_cfg b = {
		.clients = 1, .duration = 5, .keys = 16, .timeout_ms = 2000,
		.json = opts.json,
	};
	struct bench_thread *th;
	struct bench_result res;
	uint64_t t0, t1, end;
	uint32_t i, started = 0;
	int ret = 0;

	if (parse(argc, argv, &b))
		return 2;
	th = calloc(b.clients, sizeof(*th));
	if (!th)
		return 5;
	for (i = 0; i < b.clients && !ret; i++)
		ret = thread_init(&th[i], &b, b.first_id + i);
	if (ret)
		goto out;
	pthread_barrier_init(&start_barrier, NULL, b.clients + 1);
	for (i = 0; i < b.clients; i++) {
		if (pthread_create(&th[i].tid, NULL, bench_thread, &th[i]))
			break;
		started++;
	}
	if (started < b.clients) {
		/* Cannot meet the barrier: the process exits instead. */
		fprintf(stderr, "bftctl bench: cannot start %u threads\n",
			b.clients);
		exit(5);
	}
	/* The barrier publishes end_ns to every thread. */
	t0 = now_ns();
	end = t0 + (uint64_t)(b.duration * 1e9);
	for (i = 0; i < b.clients; i++)
		th[i].end_ns = end;
	pthread_barrier_wait(&start_barrier);
	for (i = 0; i < started; i++)
		pthread_join(th[i].tid, NULL);
	t1 = now_ns();
	pthread_barrier_destroy(&start_barrier);
	for (i = 0; i < b.clients; i++)
		if (th[i].oom)
			ret = BFT_E_SYSTEM;
	if (ret || summarize(th, b.clients, (double)(t1 - t0) / 1e9, &res)) {
		fprintf(stderr, "bftctl bench: out of memory\n");
		ret = BFT_E_SYSTEM;
		goto out;
	}
	print_result(&b, &res);
	if (b.history && write_history(&b, th)) {
		ret = BFT_E_SYSTEM;
		goto out;
	}
	/* Lost requests or wrong answers make the run fail. */
	if (res.mismatches || res.conflicts || !res.ops)
		ret = 1;
out:
	for (i = 0; i < b.clients; i++)
		thread_free(&th[i]);
	free(th);
	return ret == BFT_OK ? 0 : ret == 1 ? 1 : 2;
}
