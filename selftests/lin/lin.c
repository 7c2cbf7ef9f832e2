// SPDX-License-Identifier: GPL-2.0
/*
 * Linearizability checker (see lin.h).  Per key: the invoke and complete
 * events, sorted by time, form a doubly linked list; the search walks it
 * from the head, linearizing any invoked operation whose model step
 * matches its result ("lifting" its two events out of the list), and
 * backtracks on reaching a completion whose operation is not linearized
 * yet.  A hash set of (linearized set, model state) pairs already
 * explored prunes the search (Lowe, "Testing for linearizability", 2017;
 * Porcupine uses the same algorithm).  A state-preserving step is never
 * revisited (see the backtracking), which keeps many concurrent reads
 * from making the search exponential.  Pending operations complete at
 * "infinity", so they may take effect at any point after their
 * invocation, or (being last) in effect not at all.
 */
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include "lin.h"

/* explored (set, state) pairs before the search gives up, per key */
#define LIN_MAX_CACHE	(1u << 22)

void lin_init(struct lin_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->tunit = "";
}

void lin_free(struct lin_hist *h)
{
	free(h->ops);
	h->ops = NULL;
	h->n = 0;
	h->cap = 0;
}

size_t lin_invoke(struct lin_hist *h, uint32_t client, int kind,
		  uint64_t key, uint64_t arg, uint64_t arg2, int absent,
		  uint64_t call)
{
	struct lin_op *o;

	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 64;
		void *p = realloc(h->ops, cap * sizeof(*o));

		if (!p)
			return (size_t)-1;
		h->ops = p;
		h->cap = cap;
	}
	o = &h->ops[h->n];
	memset(o, 0, sizeof(*o));
	o->client = client;
	o->kind = (uint8_t)kind;
	o->key = key;
	o->arg = arg;
	o->arg2 = arg2;
	o->absent = absent ? 1 : 0;
	o->call = call;
	o->ret = LIN_PENDING;
	return h->n++;
}

void lin_complete(struct lin_hist *h, size_t i, uint64_t ret, int ok,
		  uint64_t out)
{
	if (i >= h->n)
		return;
	h->ops[i].ret = ret;
	h->ops[i].known = 1;
	h->ops[i].ok = ok ? 1 : 0;
	h->ops[i].out = out;
}

const char *lin_kind_name(int kind)
{
	switch (kind) {
	case LIN_PUT: return "put";
	case LIN_GET: return "get";
	case LIN_DEL: return "del";
	case LIN_CAS: return "cas";
	}
	return "?";
}

/* ---- the KV model of one key: absent, or a value ---- */

struct lin_state {
	uint64_t present, val;
};

static int model_step(const struct lin_op *o, const struct lin_state *s,
		      struct lin_state *n)
{
	int hit;

	*n = *s;
	switch (o->kind) {
	case LIN_PUT:
		n->present = 1;
		n->val = o->arg;
		return 1;
	case LIN_GET:
		if (!o->known)
			return 1;
		if (o->ok != s->present)
			return 0;
		return !o->ok || o->out == s->val;
	case LIN_DEL:
		n->present = 0;
		n->val = 0;
		return !o->known || o->ok == s->present;
	case LIN_CAS:
		hit = o->absent ? !s->present :
			(s->present && s->val == o->arg);
		if (o->known && o->ok != hit)
			return 0;
		if (hit) {
			n->present = 1;
			n->val = o->arg2;
		}
		return 1;
	}
	return 0;
}

/* An op that leaves every state alone: a GET, a known failed DEL or CAS. */
static int never_writes(const struct lin_op *o)
{
	return o->kind == LIN_GET ||
	       (o->known && !o->ok && o->kind != LIN_PUT);
}

/* ---- memo: hash set of (bitset, state) ---- */

struct memo {
	size_t words;		/* per entry: bitset words + 2 state words */
	uint64_t *arena;
	size_t used, cap;	/* entries */
	uint32_t *slot;		/* entry index + 1, 0 empty */
	size_t nslot;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

static uint64_t memo_hash(const uint64_t *e, size_t words)
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < words; i++)
		h = mix(h, e[i]);
	return h ^ h >> 29;
}

static int memo_grow(struct memo *m)
{
	size_t ns = m->nslot ? 2 * m->nslot : 1024, i, j;
	uint32_t *sl = calloc(ns, sizeof(*sl));

	if (!sl)
		return -1;
	for (i = 0; i < m->used; i++) {
		j = memo_hash(m->arena + i * m->words, m->words) & (ns - 1);
		while (sl[j])
			j = (j + 1) & (ns - 1);
		sl[j] = (uint32_t)i + 1;
	}
	free(m->slot);
	m->slot = sl;
	m->nslot = ns;
	return 0;
}

/* 1 if added, 0 if already there, -1 on ENOMEM or over the budget */
static int memo_add(struct memo *m, const uint64_t *bits, size_t bw,
		    const struct lin_state *s)
{
	uint64_t *e;
	size_t j;

	if (m->used >= LIN_MAX_CACHE)
		return -1;
	if (m->used == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 256;
		void *p = realloc(m->arena, cap * m->words * sizeof(uint64_t));

		if (!p)
			return -1;
		m->arena = p;
		m->cap = cap;
	}
	if (2 * (m->used + 1) > m->nslot && memo_grow(m))
		return -1;
	e = m->arena + m->used * m->words;
	memcpy(e, bits, bw * sizeof(uint64_t));
	e[bw] = s->present;
	e[bw + 1] = s->val;
	j = memo_hash(e, m->words) & (m->nslot - 1);
	while (m->slot[j]) {
		if (!memcmp(m->arena + (m->slot[j] - 1) * m->words, e,
			    m->words * sizeof(uint64_t)))
			return 0;
		j = (j + 1) & (m->nslot - 1);
	}
	m->slot[j] = (uint32_t)++m->used;
	return 1;
}

/* ---- the search over one key's operations ---- */

struct ev {
	uint64_t t;
	uint32_t op;		/* index into the key's op list */
	uint8_t ret;
};

static int ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	/* ties: invocations first, so equal times count as concurrent */
	if (x->ret != y->ret)
		return x->ret - y->ret;
	return x->op < y->op ? -1 : x->op > y->op;
}

static void op_print(const struct lin_hist *h, const struct lin_op *o,
		     FILE *f)
{
	fprintf(f, "  c%u %s(k=%" PRIu64, o->client, lin_kind_name(o->kind),
		o->key);
	if (o->kind == LIN_PUT)
		fprintf(f, ", %" PRIu64, o->arg);
	if (o->kind == LIN_CAS) {
		if (o->absent)
			fprintf(f, ", absent");
		else
			fprintf(f, ", %" PRIu64, o->arg);
		fprintf(f, " -> %" PRIu64, o->arg2);
	}
	fprintf(f, ") ");
	if (!o->known)
		fprintf(f, "pending");
	else if (o->kind == LIN_PUT)
		fprintf(f, "= ok");
	else if (o->kind == LIN_GET && o->ok)
		fprintf(f, "= %" PRIu64, o->out);
	else
		fprintf(f, "= %s", o->ok ? "ok" :
			o->kind == LIN_CAS ? "failed" : "not-found");
	fprintf(f, " [%" PRIu64 "%s, ", o->call >> h->tshift, h->tunit);
	if (o->ret == LIN_PENDING)
		fprintf(f, "-]\n");
	else
		fprintf(f, "%" PRIu64 "%s]\n", o->ret >> h->tshift, h->tunit);
}

/*
 * Returns 0 if the m operations ops[idx[0..m-1]] are linearizable, 1 if
 * not (*stuck: an operation that could never be linearized), -1 on
 * ENOMEM or budget.
 */
static int check_key(const struct lin_hist *h, const size_t *idx, size_t m,
		     size_t *stuck)
{
	size_t ne = 2 * m, head = ne, i, e, bw = (m + 63) / 64, top = 0;
	size_t deepest = 0;
	struct ev *ev = calloc(ne, sizeof(*ev));
	size_t *next = calloc(ne + 1, sizeof(size_t));
	size_t *prev = calloc(ne + 1, sizeof(size_t));
	size_t *match = calloc(ne, sizeof(size_t));
	size_t *call_of = calloc(m, sizeof(size_t));
	uint64_t *bits = calloc(bw, sizeof(uint64_t));
	struct { size_t e; struct lin_state s; int pure; } *stack =
		calloc(m + 1, sizeof(*stack));
	struct memo memo = { .words = bw + 2 };
	struct lin_state st = { 0, 0 }, ns;
	int ret = -1;

	*stuck = idx[0];
	if (!ev || !next || !prev || !match || !call_of || !bits || !stack)
		goto out;
	for (i = 0; i < m; i++) {
		ev[2 * i] = (struct ev){ h->ops[idx[i]].call, (uint32_t)i, 0 };
		ev[2 * i + 1] = (struct ev){ h->ops[idx[i]].ret, (uint32_t)i,
					     1 };
	}
	qsort(ev, ne, sizeof(*ev), ev_cmp);
	for (e = 0; e < ne; e++) {
		if (!ev[e].ret)
			call_of[ev[e].op] = e;
		else
			match[call_of[ev[e].op]] = e;
	}
	/* list: head sentinel at ne */
	for (e = 0; e < ne; e++) {
		prev[e] = e ? e - 1 : head;
		next[e] = e + 1 < ne ? e + 1 : head;
	}
	next[head] = 0;
	prev[head] = ne - 1;

	e = next[head];
	while (next[head] != head) {
		const struct lin_op *o = &h->ops[idx[ev[e].op]];

		if (!ev[e].ret) {
			size_t k = ev[e].op;
			int added = 0;

			if (model_step(o, &st, &ns)) {
				bits[k / 64] |= 1ULL << (k % 64);
				added = memo_add(&memo, bits, bw, &ns);
				if (added < 0)
					goto out;
				if (!added)
					bits[k / 64] &= ~(1ULL << (k % 64));
			}
			if (added) {
				size_t r = match[e];

				stack[top].e = e;
				stack[top].pure = never_writes(o);
				stack[top++].s = st;
				st = ns;
				/* lift the call and its return */
				next[prev[e]] = next[e];
				prev[next[e]] = prev[e];
				next[prev[r]] = next[r];
				prev[next[r]] = prev[r];
				if (top > deepest)
					deepest = top;
				e = next[head];
			} else {
				e = next[e];
			}
			continue;
		}
		/* a completion whose operation is not linearized: back up */
		if (top == deepest)
			*stuck = idx[ev[e].op];
		do {
			size_t k, r;

			if (!top) {
				ret = 1;
				goto out;
			}
			e = stack[--top].e;
			st = stack[top].s;
			k = ev[e].op;
			r = match[e];
			bits[k / 64] &= ~(1ULL << (k % 64));
			/* unlift in reverse order */
			next[prev[r]] = r;
			prev[next[r]] = r;
			next[prev[e]] = e;
			prev[next[e]] = e;
			/*
			 * An op that never writes, and matched this state,
			 * can always go first: any linearization from here
			 * could move it to the front. So failing with it
			 * first means failing without it: back up further.
			 */
		} while (stack[top].pure);
		e = next[e];
	}
	ret = 0;
out:
	free(ev);
	free(next);
	free(prev);
	free(match);
	free(call_of);
	free(bits);
	free(stack);
	free(memo.arena);
	free(memo.slot);
	return ret;
}

static const struct lin_hist *sort_hist;

static int idx_cmp(const void *a, const void *b)
{
	const struct lin_op *x = &sort_hist->ops[*(const size_t *)a];
	const struct lin_op *y = &sort_hist->ops[*(const size_t *)b];

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->call != y->call)
		return x->call < y->call ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

int lin_check(const struct lin_hist *h, char *why, size_t len, FILE *report)
{
	size_t *idx, i, j, stuck;
	int ret = 0;

	if (len)
		why[0] = 0;
	for (i = 0; i < h->n; i++) {
		const struct lin_op *o = &h->ops[i];

		if (o->kind < LIN_PUT || o->kind > LIN_CAS ||
		    (o->ret != LIN_PENDING && o->ret < o->call) ||
		    (o->ret == LIN_PENDING && o->known)) {
			snprintf(why, len, "LIN: malformed operation #%zu", i);
			return -1;
		}
	}
	if (!h->n)
		return 0;
	idx = malloc(h->n * sizeof(*idx));
	if (!idx) {
		snprintf(why, len, "LIN: out of memory");
		return -1;
	}
	for (i = 0; i < h->n; i++)
		idx[i] = i;
	sort_hist = h;
	qsort(idx, h->n, sizeof(*idx), idx_cmp);
	sort_hist = NULL;
	for (i = 0; i < h->n && !ret; i = j) {
		for (j = i + 1; j < h->n; j++)
			if (h->ops[idx[j]].key != h->ops[idx[i]].key)
				break;
		ret = check_key(h, idx + i, j - i, &stuck);
		if (ret < 0) {
			snprintf(why, len,
				 "LIN: search gave up on key %" PRIu64
				 " (%zu ops)", h->ops[idx[i]].key, j - i);
			break;
		}
		if (!ret)
			continue;
		snprintf(why, len,
			 "LINEARIZABILITY: key %" PRIu64 " (%zu ops): c%u %s"
			 " completed at %" PRIu64 "%s fits no order",
			 h->ops[stuck].key, j - i, h->ops[stuck].client,
			 lin_kind_name(h->ops[stuck].kind),
			 h->ops[stuck].ret >> h->tshift, h->tunit);
		if (report) {
			fprintf(report, "history of key %" PRIu64 ":\n",
				h->ops[stuck].key);
			for (; i < j; i++)
				op_print(h, &h->ops[idx[i]], report);
		}
	}
	free(idx);
	return ret;
}
