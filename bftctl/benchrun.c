// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl bench's event loop: one worker thread drives its share of the
 * logical clients through one struct bft_async. Closed loop: each logical
 * client sends its next request when the last one completes. Open loop
 * (--rate R): the k-th request of the run is due at t0 + k/R, whatever
 * the replies do; worker j sends k = j, j+T, ... on an idle logical
 * client, or queues the due time (the backlog) until one is free. Its
 * latency counts from the due time, so a stall is not hidden
 * (no coordinated omission).
 */
#define _GNU_SOURCE		/* ppoll */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../kmod/kv_codec.h"
#include "bench.h"

#define BENCH_KEY_MAX	32
#define BENCH_VAL_HDR	64	/* "id:key:seq:" fits */

uint64_t bench_now_ns(void)
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

static uint32_t count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	uint32_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void record(struct bench_worker *w, uint64_t ns)
{
	uint32_t *n;

	if (w->n_lat == w->cap_lat) {
		w->cap_lat = w->cap_lat ? 2 * w->cap_lat : 4096;
		n = realloc(w->lat_us, w->cap_lat * sizeof(*n));
		if (!n) {
			w->oom = true;
			return;
		}
		w->lat_us = n;
	}
	w->lat_us[w->n_lat++] = (uint32_t)(ns / 1000 > UINT32_MAX ?
					    UINT32_MAX : ns / 1000);
}

static void done(struct bft_async *a, const struct bft_async_done *d,
		 void *cookie);

/* Encode the client's next op into w->op; returns its length. */
static uint32_t next_op(struct bench_client *cl)
{
	const struct bench_cfg *b = cl->w->cfg;
	char key[BENCH_KEY_MAX], *val = (char *)cl->val;
	uint32_t klen, vlen, k;

	if (!b->put_w && !b->get_w)
		return b->op_size;	/* the NOP, encoded once */
	k = (uint32_t)(xorshift(&cl->rng) % b->keys);
	cl->key = k;
	cl->put = xorshift(&cl->rng) % (b->put_w + b->get_w) < b->put_w;
	klen = (uint32_t)snprintf(key, sizeof(key), "b%u-%u", cl->id, k);
	if (!cl->put)
		return bft_kv_enc_get(cl->w->op, BFT_KV_OP_LEN_MAX, key, klen);
	/* A unique value: a header, then filler up to op_size. */
	vlen = (uint32_t)snprintf(val, BENCH_VAL_HDR, "%u:%u:%" PRIu64 ":",
				  cl->id, k, ++cl->seq);
	for (; vlen < b->op_size; vlen++)
		val[vlen] = (char)('a' + vlen % 26);
	cl->val_len = vlen;
	return bft_kv_enc_put(cl->w->op, BFT_KV_OP_LEN_MAX, key, klen, val,
			      vlen);
}

/* Send the client's next request, due at t0 (ns). */
static void start(struct bench_client *cl, uint64_t t0)
{
	struct bench_worker *w = cl->w;
	const struct bench_cfg *b = w->cfg;
	uint32_t len = next_op(cl);
	bool ro = b->readonly && !cl->put;
	int r;

	cl->t0 = t0;
	cl->t_sub = bench_now_ns();
	r = bft_async_submit(w->a, cl->slot, w->op, len, ro,
			     (int)b->timeout_ms, done, cl);
	if (r) {
		w->c.other++;
		w->err = r;
		return;
	}
	w->c.submitted++;
}

static void hist_op(struct bench_client *cl, uint64_t vh, int res)
{
	struct hist_rec r = {
		.t0 = cl->t_sub, .t1 = bench_now_ns(), .vh = vh,
		.key = cl->key, .put = cl->put, .res = (uint8_t)res,
	};

	if (cl->w->cfg->history)
		hist_add(&cl->hist, &r);
}

/* A mix op's outcome as a library code; checks GETs against our PUTs. */
static int mix_result(struct bench_client *cl, const struct bft_async_done *d)
{
	struct bft_kv_res_view v;
	uint32_t k = cl->key;
	int ret;

	if (d->status < 0)
		ret = (int)d->status;
	else if (bft_kv_dec_result(d->result, (u32)d->status, &v))
		ret = BFT_E_PROTO;
	else
		ret = bft_client_kv_error(v.status);
	if (cl->put) {
		hist_op(cl, hist_hash(cl->val, cl->val_len),
			ret ? HIST_PENDING : HIST_OK);
		if (!ret) {
			memcpy(cl->last[k], cl->val, cl->val_len);
			cl->last_len[k] = cl->val_len;
		}
		return ret;
	}
	hist_op(cl, ret ? 0 : hist_hash(v.val, v.val_len),
		!cl->last_len[k] ? HIST_UNKNOWN : !ret ? HIST_FOUND :
		ret == BFT_E_NOT_FOUND ? HIST_NOT_FOUND : HIST_PENDING);
	/* Before our first PUT the key may hold anything (earlier runs). */
	if (ret == BFT_E_NOT_FOUND && !cl->last_len[k])
		return BFT_OK;
	if (ret)
		return ret;
	if (cl->last_len[k] && (v.val_len != cl->last_len[k] ||
				memcmp(v.val, cl->last[k], v.val_len)))
		cl->w->c.mismatches++;
	return BFT_OK;
}

static void count(struct bench_worker *w, int ret)
{
	switch (ret) {
	case BFT_OK:
		w->c.ops++;
		break;
	case BFT_E_TIMEOUT:
		w->c.timeouts++;
		break;
	case BFT_E_CONFLICT:
		w->c.conflicts++;
		break;
	case BFT_E_LIMIT:
	case BFT_E_REJECTED:
	case BFT_E_NOT_FOUND:
	case BFT_E_CAS_MISMATCH:
		w->c.refused++;
		break;
	default:
		w->c.other++;
		break;
	}
}

static void done(struct bft_async *a, const struct bft_async_done *d,
		 void *cookie)
{
	struct bench_client *cl = cookie;
	struct bench_worker *w = cl->w;
	const struct bench_cfg *b = w->cfg;
	uint64_t now = bench_now_ns();
	int ret;

	(void)a;
	if (b->put_w || b->get_w)
		ret = mix_result(cl, d);
	else
		ret = d->status < 0 ? (int)d->status : BFT_OK;
	w->c.completed++;
	count(w, ret);
	if (ret == BFT_OK)
		record(w, b->rate ? now - cl->t0 : d->latency_ns);
	if (now >= w->end_ns) {
		if (b->rate)
			w->idle[w->n_idle++] = (uint32_t)(cl - w->cli);
		return;
	}
	if (!b->rate) {
		start(cl, now);
	} else if (w->bl_len) {
		uint64_t due = w->backlog[w->bl_head];

		w->bl_head = (w->bl_head + 1) % w->bl_cap;
		w->bl_len--;
		start(cl, due);
	} else {
		w->idle[w->n_idle++] = (uint32_t)(cl - w->cli);
	}
}

/* Due time of the run's k-th open-loop request. */
static uint64_t due_ns(const struct bench_worker *w, uint64_t k)
{
	return w->t0_ns + (uint64_t)((unsigned __int128)k * 1000000000u /
				     w->cfg->rate);
}

static int backlog_push(struct bench_worker *w, uint64_t due)
{
	uint64_t *n;
	size_t i, cap;

	if (w->bl_len == w->bl_cap) {
		cap = w->bl_cap ? 2 * w->bl_cap : 1024;
		n = malloc(cap * sizeof(*n));
		if (!n)
			return -1;
		for (i = 0; i < w->bl_len; i++)
			n[i] = w->backlog[(w->bl_head + i) % w->bl_cap];
		free(w->backlog);
		w->backlog = n;
		w->bl_head = 0;
		w->bl_cap = cap;
	}
	w->backlog[(w->bl_head + w->bl_len) % w->bl_cap] = due;
	w->bl_len++;
	if (w->bl_len > w->c.backlog_max)
		w->c.backlog_max = w->bl_len;
	return 0;
}

/* Open loop: send or queue every request due by now. */
static void generate(struct bench_worker *w, uint64_t now)
{
	uint64_t due;

	for (;;) {
		due = due_ns(w, w->next_k);
		if (due > now || due >= w->end_ns)
			return;
		w->next_k += w->cfg->threads;
		w->c.offered++;
		if (w->n_idle)
			start(&w->cli[w->idle[--w->n_idle]], due);
		else if (backlog_push(w, due))
			w->oom = true;
	}
}

/* ns until the library or the open-loop schedule needs us; -1: none. */
static int64_t wait_ns(struct bench_worker *w, uint64_t now)
{
	int ms = bft_async_timeout(w->a);
	int64_t t = ms < 0 ? -1 : (int64_t)ms * 1000000;
	uint64_t due;

	if (w->cfg->rate && now < w->end_ns) {
		/* The next due request, or the end of the window. */
		due = due_ns(w, w->next_k);
		due = (due < w->end_ns ? due : w->end_ns) - now;
		if (t < 0 || (int64_t)due < t)
			t = (int64_t)due;
	}
	return t;
}

void bench_worker_run(struct bench_worker *w)
{
	struct pollfd pfd = { .fd = bft_async_fd(w->a), .events = POLLIN };
	struct timespec ts;
	uint64_t now;
	int64_t t;
	uint32_t i;

	w->next_k = w->index;
	for (i = 0; i < w->n_cli; i++) {
		if (w->cfg->rate)
			w->idle[w->n_idle++] = w->n_cli - 1 - i;
		else
			start(&w->cli[i], bench_now_ns());
	}
	w->tasks = count_tasks();
	for (;;) {
		now = bench_now_ns();
		/* Also after the window: what fell due in it still goes. */
		if (w->cfg->rate)
			generate(w, now);
		if (!bft_async_busy(w->a) &&
		    (!w->cfg->rate || now >= w->end_ns))
			break;
		bft_async_flush(w->a);
		t = wait_ns(w, now);
		ts.tv_sec = t / 1000000000;
		ts.tv_nsec = t % 1000000000;
		/* Nothing to wait for when a deadline is already due. */
		if (t) {
			w->polls++;
			if (ppoll(&pfd, 1, t < 0 ? NULL : &ts, NULL) < 0 &&
			    errno != EINTR) {
				w->err = BFT_E_SYSTEM;
				break;
			}
		}
		if (bft_async_process(w->a) < 0) {
			w->err = BFT_E_SYSTEM;
			break;
		}
	}
	w->c.backlog_end = w->bl_len;
}

static int client_init(struct bench_worker *w, struct bench_client *cl,
		       uint32_t id, char *err, size_t errlen)
{
	const struct bench_cfg *b = w->cfg;
	uint32_t cap = b->op_size > BENCH_VAL_HDR ? b->op_size : BENCH_VAL_HDR;
	bool mix = b->put_w || b->get_w;
	uint32_t k;

	cl->w = w;
	cl->id = id;
	cl->rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)id << 17) ^ bench_now_ns();
	cl->slot = bft_async_add(w->a, id, b->key_file, err, errlen);
	if (cl->slot < 0)
		return cl->slot;
	if (!mix)
		return BFT_OK;
	cl->val = malloc(cap);
	cl->last = calloc(b->keys, sizeof(*cl->last));
	cl->last_len = calloc(b->keys, sizeof(*cl->last_len));
	if (!cl->val || !cl->last || !cl->last_len)
		return BFT_E_SYSTEM;
	for (k = 0; k < b->keys; k++) {
		cl->last[k] = malloc(cap);
		if (!cl->last[k])
			return BFT_E_SYSTEM;
	}
	return BFT_OK;
}

int bench_worker_init(struct bench_worker *w, const struct bench_cfg *b,
		      uint32_t index)
{
	struct bft_client_opts o = {
		.retransmit_ms = b->retransmit_ms,
		.retransmit_max_ms = b->retransmit_ms * 8,
	};
	char err[512];
	uint32_t i;
	int ret;

	w->cfg = b;
	w->index = index;
	/* Logical clients are dealt round-robin over the threads. */
	w->n_cli = b->clients / b->threads +
		   (index < b->clients % b->threads);
	w->cli = calloc(w->n_cli, sizeof(*w->cli));
	w->idle = calloc(w->n_cli, sizeof(*w->idle));
	w->op = calloc(1, BFT_KV_OP_LEN_MAX);
	if (!w->cli || !w->idle || !w->op)
		return BFT_E_SYSTEM;
	if (b->op_size && !b->put_w && !b->get_w)
		bft_kv_enc_nop(w->op, BFT_KV_OP_LEN_MAX,
			       b->op_size - BFT_KV_OP_HDR_LEN);
	ret = bft_async_open(&w->a, b->conf, &o, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "bftctl bench: %s\n", err);
		return ret;
	}
	for (i = 0; i < w->n_cli; i++) {
		uint32_t id = b->first_id + index + i * b->threads;

		ret = client_init(w, &w->cli[i], id, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "bftctl bench: client %u: %s\n", id,
				ret == BFT_E_SYSTEM ? "out of memory" : err);
			return ret;
		}
	}
	return BFT_OK;
}

void bench_worker_free(struct bench_worker *w)
{
	uint32_t i, k;

	for (i = 0; w->cli && i < w->n_cli; i++) {
		struct bench_client *cl = &w->cli[i];

		for (k = 0; cl->last && k < w->cfg->keys; k++)
			free(cl->last[k]);
		free(cl->last);
		free(cl->last_len);
		free(cl->val);
		hist_free(&cl->hist);
	}
	bft_async_close(w->a);
	free(w->cli);
	free(w->idle);
	free(w->op);
	free(w->lat_us);
	free(w->backlog);
}
