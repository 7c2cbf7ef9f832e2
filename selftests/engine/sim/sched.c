// SPDX-License-Identifier: GPL-2.0
/*
 * Discrete-event scheduler: a binary min-heap ordered by (time, seq).
 * The seq tie-break makes equal-time events FIFO, so runs are fully
 * deterministic for a given seed.
 */
#include <stdlib.h>
#include <string.h>

#include "simcore.h"

void sched_init(struct sim_sched *s)
{
	memset(s, 0, sizeof(*s));
}

void sched_free(struct sim_sched *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->heap[i].buf);
	free(s->heap);
	memset(s, 0, sizeof(*s));
}

static int ev_less(const struct sim_event *a, const struct sim_event *b)
{
	if (a->at != b->at)
		return a->at < b->at;
	return a->seq < b->seq;
}

void sched_push(struct sim_sched *s, const struct sim_event *ev)
{
	struct sim_event *h;
	size_t i;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->heap = realloc(s->heap, s->cap * sizeof(*s->heap));
		if (!s->heap)
			abort();
	}
	h = s->heap;
	i = s->n++;
	h[i] = *ev;
	h[i].seq = s->seq++;
	if (h[i].at < s->now)
		h[i].at = s->now;
	while (i) {
		size_t p = (i - 1) / 2;
		struct sim_event tmp;

		if (!ev_less(&h[i], &h[p]))
			break;
		tmp = h[i];
		h[i] = h[p];
		h[p] = tmp;
		i = p;
	}
}

int sched_pop(struct sim_sched *s, struct sim_event *ev)
{
	struct sim_event *h = s->heap;
	size_t i = 0;

	if (!s->n)
		return 0;
	*ev = h[0];
	h[0] = h[--s->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct sim_event tmp;

		if (l < s->n && ev_less(&h[l], &h[m]))
			m = l;
		if (r < s->n && ev_less(&h[r], &h[m]))
			m = r;
		if (m == i)
			break;
		tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
	s->now = ev->at;
	s->popped++;
	return 1;
}
