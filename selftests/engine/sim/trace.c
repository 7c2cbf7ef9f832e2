// SPDX-License-Identifier: GPL-2.0
/*
 * Trace recorder: a ring of the last N events (sends, deliveries, drops,
 * timers, executions, client accepts, faults).  In live mode every event
 * is printed as it is recorded (--trace).
 */
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include "simcore.h"

static const char *const tr_names[TR_KINDS] = {
	[TR_SEND] = "send", [TR_DELIVER] = "recv", [TR_DROP] = "drop",
	[TR_DUP] = "dup", [TR_TIMER] = "timer", [TR_EXEC] = "exec",
	[TR_ACCEPT] = "accept", [TR_SUBMIT] = "submit",
	[TR_CRASH] = "crash", [TR_RESTART] = "restart",
	[TR_PART] = "partition", [TR_STABLE] = "stable", [TR_BYZ] = "byz",
	[TR_VIEW] = "view", [TR_CKPT] = "ckpt", [TR_NOTE] = "note",
};

void trace_init(struct sim_trace *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	t->cap = cap ? cap : 1;
	t->ring = calloc(t->cap, sizeof(*t->ring));
	if (!t->ring)
		abort();
	t->out = stdout;
}

void trace_free(struct sim_trace *t)
{
	free(t->ring);
	t->ring = NULL;
}

static void node_str(struct sim_trace *t, int node, char *buf, size_t len)
{
	if (node < 0)
		snprintf(buf, len, "-");
	else if (!t->node_name || t->node_name(node, buf, len) < 0)
		snprintf(buf, len, "n%d", node);
}

void trace_print_ev(struct sim_trace *t, FILE *f,
		    const struct sim_trace_ev *e)
{
	char a[16], b[16];
	const char *mt = NULL;

	node_str(t, e->from, a, sizeof(a));
	node_str(t, e->to, b, sizeof(b));
	if (e->mtype >= 0 && t->mtype_name)
		mt = t->mtype_name(e->mtype);
	fprintf(f, "%10" PRIu64 ".%03" PRIu64 "ms %-9s %4s -> %-4s",
		e->at / 1000, e->at % 1000,
		e->kind < TR_KINDS ? tr_names[e->kind] : "?", a, b);
	if (mt)
		fprintf(f, " %-12s", mt);
	if (e->len)
		fprintf(f, " len=%u", e->len);
	if (e->a || e->b)
		fprintf(f, " a=%" PRIu64 " b=%" PRIu64, e->a, e->b);
	if (e->why)
		fprintf(f, " (%s)", e->why);
	fputc('\n', f);
}

void trace_add(struct sim_trace *t, sim_time_t at, int kind, int from,
	       int to, int mtype, uint32_t len, uint64_t a, uint64_t b,
	       const char *why)
{
	struct sim_trace_ev *e = &t->ring[t->head];

	e->at = at;
	e->kind = kind;
	e->from = from;
	e->to = to;
	e->mtype = mtype;
	e->len = len;
	e->a = a;
	e->b = b;
	e->why = why;
	t->head = (t->head + 1) % t->cap;
	if (t->count < t->cap)
		t->count++;
	if (t->live)
		trace_print_ev(t, t->out, e);
}

void trace_dump(struct sim_trace *t, FILE *f, size_t last)
{
	size_t i, n = t->count < last ? t->count : last;
	size_t start = (t->head + t->cap - n) % t->cap;

	fprintf(f, "--- last %zu trace events ---\n", n);
	for (i = 0; i < n; i++)
		trace_print_ev(t, f, &t->ring[(start + i) % t->cap]);
	fprintf(f, "--- end of trace ---\n");
}
