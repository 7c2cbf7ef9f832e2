// SPDX-License-Identifier: GPL-2.0
/*
 * Safety checkers, evaluated on every step:
 *  - all correct replicas reach the same state digest after each seq
 *    (the service state is a hash chain over (seq, client, t, op), so
 *    equal digests mean equal executed histories);
 *  - a request (client, t) executes at one seq only, with one result,
 *    and a correct replica's executed seqs strictly increase;
 *  - a correct client never accepts a result that differs from the
 *    result correct replicas computed, and accepts each t once.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include "simcore.h"
#include "names.h"

/* ---- open-addressing u64 -> blob hash map ---- */

struct sim_kv {
	size_t vsize, cap, n;
	uint64_t *keys;
	uint8_t *used;
	uint8_t *vals;
};

struct sim_kv *kv_new(size_t vsize)
{
	struct sim_kv *m = calloc(1, sizeof(*m));

	if (!m)
		abort();
	m->vsize = vsize;
	return m;
}

void kv_free(struct sim_kv *m)
{
	if (!m)
		return;
	free(m->keys);
	free(m->used);
	free(m->vals);
	free(m);
}

static size_t kv_hash(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k & (cap - 1);
}

static void kv_grow(struct sim_kv *m)
{
	struct sim_kv o = *m;
	size_t i;

	m->cap = o.cap ? o.cap * 2 : 256;
	m->n = 0;
	m->keys = calloc(m->cap, sizeof(*m->keys));
	m->used = calloc(m->cap, 1);
	m->vals = calloc(m->cap, m->vsize);
	if (!m->keys || !m->used || !m->vals)
		abort();
	for (i = 0; i < o.cap; i++) {
		int c;

		if (o.used[i])
			memcpy(kv_get(m, o.keys[i], 1, &c),
			       o.vals + i * o.vsize, o.vsize);
	}
	free(o.keys);
	free(o.used);
	free(o.vals);
}

void *kv_get(struct sim_kv *m, uint64_t key, int create, int *created)
{
	size_t i;

	if (created)
		*created = 0;
	if (m->cap) {
		for (i = kv_hash(key, m->cap); m->used[i];
		     i = (i + 1) & (m->cap - 1))
			if (m->keys[i] == key)
				return m->vals + i * m->vsize;
	}
	if (!create)
		return NULL;
	if ((m->n + 1) * 2 > m->cap)
		kv_grow(m);
	for (i = kv_hash(key, m->cap); m->used[i]; i = (i + 1) & (m->cap - 1))
		;
	m->used[i] = 1;
	m->keys[i] = key;
	m->n++;
	memset(m->vals + i * m->vsize, 0, m->vsize);
	if (created)
		*created = 1;
	return m->vals + i * m->vsize;
}

/* ---- checkers ---- */

struct req_rec {
	uint64_t seq, result;
	int32_t rep;
};

struct seq_rec {
	uint8_t digest[32];
	int32_t rep;
};

void check_init(struct sim_check *c, int nrep, uint64_t correct)
{
	memset(c, 0, sizeof(*c));
	c->nrep = nrep;
	c->correct = correct;
	c->seq_state = kv_new(sizeof(struct seq_rec));
	c->req_exec = kv_new(sizeof(struct req_rec));
	c->req_accept = kv_new(sizeof(uint64_t));
	c->seq_batch = kv_new(sizeof(struct seq_rec));
	c->rep_last = kv_new(sizeof(uint64_t));
	c->votes = kv_new(sizeof(struct seq_rec));
}

void check_free(struct sim_check *c)
{
	kv_free(c->seq_state);
	kv_free(c->req_exec);
	kv_free(c->req_accept);
	kv_free(c->seq_batch);
	kv_free(c->rep_last);
	kv_free(c->votes);
}

void check_fail(struct sim_check *c, sim_time_t at, const char *fmt, ...)
{
	va_list ap;
	int off;

	c->violations++;
	if (c->failed[0])
		return;
	off = snprintf(c->failed, sizeof(c->failed), "t=%" PRIu64 "us: ", at);
	va_start(ap, fmt);
	vsnprintf(c->failed + off, sizeof(c->failed) - off, fmt, ap);
	va_end(ap);
}

static uint64_t req_key(uint32_t client, uint64_t t)
{
	return ((uint64_t)client << 40) ^ t;
}

static int is_correct(const struct sim_check *c, int rep)
{
	return rep >= 0 && rep < 64 && (c->correct >> rep & 1);
}

void check_exec(struct sim_check *c, sim_time_t at, int rep, uint64_t seq,
		uint32_t client, uint64_t t, uint64_t result)
{
	struct req_rec *r;
	uint64_t *acc, *last;
	int created;

	if (!is_correct(c, rep))
		return;
	c->execs++;
	last = kv_get(c->rep_last, (uint64_t)rep << 56 |
		      (c->incarnation[rep] & 0xffff) << 40 | client, 1, NULL);
	if (t <= *last)
		check_fail(c, at,
			   "SAFETY: r%d executed c%u t=%" PRIu64
			   " after t=%" PRIu64 " (double execution)",
			   rep, client, t, *last);
	*last = t;
	r = kv_get(c->req_exec, req_key(client, t), 1, &created);
	if (created) {
		r->seq = seq;
		r->result = result;
		r->rep = rep;
	} else if (r->result != result) {
		check_fail(c, at,
			   "SAFETY: request c%u t=%" PRIu64 ": result %016"
			   PRIx64 " at r%d (seq~%" PRIu64 ") vs %016" PRIx64
			   " at r%d (seq~%" PRIu64 "): different histories",
			   client, t, r->result, r->rep, r->seq, result, rep,
			   seq);
	}
	acc = kv_get(c->req_accept, req_key(client, t), 0, NULL);
	if (acc && *acc != result)
		check_fail(c, at,
			   "SAFETY: client c%u accepted %016" PRIx64
			   " for t=%" PRIu64 " but correct r%d computed %016"
			   PRIx64, client, *acc, t, rep, result);
}

static void check_digest(struct sim_check *c, struct sim_kv *m,
			 const char *what, sim_time_t at, int rep,
			 uint64_t seq, const uint8_t digest[32])
{
	struct seq_rec *s;
	int created;

	if (!is_correct(c, rep))
		return;
	s = kv_get(m, seq, 1, &created);
	if (created) {
		memcpy(s->digest, digest, 32);
		s->rep = rep;
	} else if (memcmp(s->digest, digest, 32)) {
		check_fail(c, at,
			   "SAFETY: %s at seq %" PRIu64
			   " differs: r%d %02x%02x%02x%02x.. vs r%d %02x%02x%02x%02x..",
			   what, seq, s->rep, s->digest[0], s->digest[1],
			   s->digest[2], s->digest[3], rep, digest[0],
			   digest[1], digest[2], digest[3]);
	}
}

void check_batch(struct sim_check *c, sim_time_t at, int rep, uint64_t seq,
		 const uint8_t digest[32])
{
	c->batches++;
	check_digest(c, c->seq_batch, "executed batch", at, rep, seq, digest);
}

void check_state(struct sim_check *c, sim_time_t at, int rep, uint64_t seq,
		 const uint8_t digest[32])
{
	check_digest(c, c->seq_state, "state after", at, rep, seq, digest);
}

void check_vote(struct sim_check *c, sim_time_t at, int rep, int kind,
		uint64_t view, uint64_t seq, const uint8_t digest[32])
{
	struct seq_rec *s;
	uint64_t key;
	int created;

	if (!is_correct(c, rep))
		return;
	/* a replica restarted empty has forgotten what it sent */
	key = ((uint64_t)rep << 58) ^ ((uint64_t)kind << 54) ^
		(c->restarts[rep] << 48) ^ (view << 32) ^ seq;
	s = kv_get(c->votes, key, 1, &created);
	if (created) {
		memcpy(s->digest, digest, 32);
		s->rep = rep;
	} else if (memcmp(s->digest, digest, 32)) {
		check_fail(c, at,
			   "SAFETY: correct r%d sent two different %s digests for (view %"
			   PRIu64 ", seq %" PRIu64 ")", rep,
			   bft_msg_name(kind), view, seq);
	}
}

void check_reset(struct sim_check *c, int rep, uint64_t seq)
{
	(void)seq;
	if (rep >= 0 && rep < 64)
		c->incarnation[rep]++;
}

void check_restart(struct sim_check *c, int rep)
{
	if (rep >= 0 && rep < 64) {
		c->incarnation[rep]++;
		c->restarts[rep]++;
	}
}

void check_accept(struct sim_check *c, sim_time_t at, uint32_t client,
		  uint64_t t, uint64_t result, int readonly)
{
	struct req_rec *r;
	uint64_t *acc;
	int created;

	c->accepts++;
	acc = kv_get(c->req_accept, req_key(client, t), 1, &created);
	if (!created) {
		check_fail(c, at,
			   "SAFETY: client c%u accepted t=%" PRIu64 " twice",
			   client, t);
		return;
	}
	*acc = result;
	if (readonly)
		return;
	r = kv_get(c->req_exec, req_key(client, t), 0, NULL);
	if (r && r->result != result)
		check_fail(c, at,
			   "SAFETY: client c%u accepted %016" PRIx64
			   " for t=%" PRIu64 " but correct r%d computed %016"
			   PRIx64 " at seq %" PRIu64, client, result, t, r->rep,
			   r->result, r->seq);
}
