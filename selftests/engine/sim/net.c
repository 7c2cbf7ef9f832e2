// SPDX-License-Identifier: GPL-2.0
/*
 * Network model.  Before cfg.stable_at every message independently may
 * be dropped (global and per-link rates), duplicated, delayed uniformly
 * in [dmin, dmax] and, with reorder_ppm, delayed further (reordering);
 * messages crossing an active partition are dropped.  From stable_at on
 * the network is reliable and delays are bounded by stable_dmax.
 */
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include "simcore.h"

void net_init(struct sim_net *net, struct sim_sched *s, struct sim_trace *t,
	      uint64_t seed)
{
	memset(&net->st, 0, sizeof(net->st));
	net->sched = s;
	net->trace = t;
	sim_rng_seed(&net->rng, seed, 1);
}

static int side_of(const struct sim_partition *p, int node)
{
	return node < 64 ? (int)(p->side >> node & 1) : 0;
}

int net_partitioned(const struct sim_net *net, sim_time_t now, int a, int b)
{
	int i;

	if (now >= net->cfg.stable_at)
		return 0;
	for (i = 0; i < net->cfg.nparts; i++) {
		const struct sim_partition *p = &net->cfg.parts[i];

		if (now < p->from || now >= p->until)
			continue;
		if (side_of(p, a) != side_of(p, b))
			return 1;
	}
	return 0;
}

static void deliver_at(struct sim_net *net, int from, int to,
		       const void *buf, size_t len, sim_time_t delay)
{
	struct sim_event ev = {
		.at = net->sched->now + delay,
		.kind = SEV_DELIVER,
		.from = from,
		.to = to,
		.len = len,
	};

	ev.buf = malloc(len ? len : 1);
	if (!ev.buf)
		abort();
	memcpy(ev.buf, buf, len);
	sched_push(net->sched, &ev);
}

void net_send(struct sim_net *net, int from, int to, const void *buf,
	      size_t len)
{
	const struct sim_net_cfg *c = &net->cfg;
	sim_time_t now = net->sched->now, d;
	int mt = net->mtype ? net->mtype(buf, len) : -1;
	int stable = now >= c->stable_at;
	uint64_t da = 0, db = 0;

	net->st.sent++;
	net->st.bytes += len;
	if (from == to)
		return;
	if (net->detail && net->trace->live)
		net->detail(buf, len, &da, &db);
	trace_add(net->trace, now, TR_SEND, from, to, mt, len, da, db, NULL);
	if (net->route) {
		int dst[4], k, nd = net->route(net->route_ctx, from, to, dst);

		if (!nd) {
			net->st.partitioned++;
			trace_add(net->trace, now, TR_DROP, from, to, mt, len,
				  0, 0, "partition");
		}
		for (k = 0; k < nd; k++)
			deliver_at(net, from, dst[k], buf, len,
				   sim_rng_range(&net->rng, c->dmin, c->dmax) +
				   net->extra);
		return;
	}
	if (net_partitioned(net, now, from, to)) {
		net->st.partitioned++;
		trace_add(net->trace, now, TR_DROP, from, to, mt, len, 0, 0,
			  "partition");
		return;
	}
	if (!stable) {
		if (sim_rng_chance(&net->rng, c->drop_ppm) ||
		    sim_rng_chance(&net->rng, c->link_drop_ppm[from][to])) {
			net->st.dropped++;
			trace_add(net->trace, now, TR_DROP, from, to, mt, len,
				  0, 0, "loss");
			return;
		}
		d = sim_rng_range(&net->rng, c->dmin, c->dmax);
		if (sim_rng_chance(&net->rng, c->reorder_ppm))
			d += sim_rng_range(&net->rng, 0, c->reorder_max);
		if (sim_rng_chance(&net->rng, c->dup_ppm)) {
			sim_time_t d2 = sim_rng_range(&net->rng, c->dmin,
						      c->dmax + c->reorder_max);

			net->st.duplicated++;
			trace_add(net->trace, now, TR_DUP, from, to, mt, len,
				  d2, 0, NULL);
			deliver_at(net, from, to, buf, len, d2);
		}
	} else {
		d = sim_rng_range(&net->rng, c->dmin < c->stable_dmax ?
				  c->dmin : 1, c->stable_dmax);
	}
	if (from < 64 && to < 64 && (c->slow_from >> from & 1) &&
	    (c->slow_to >> to & 1))
		d += c->slow_extra;
	deliver_at(net, from, to, buf, len, d + net->extra);
}

void net_random_cfg(struct sim_net_cfg *c, struct sim_rng *r, int nodes,
		    int nrep, int f, sim_time_t stable_at)
{
	int i, k, lossy;

	memset(c, 0, sizeof(*c));
	c->stable_at = stable_at;
	c->drop_ppm = sim_rng_below(r, 4) ? sim_rng_below(r, 150000) : 0;
	c->dup_ppm = sim_rng_below(r, 2) ? sim_rng_below(r, 100000) : 0;
	c->reorder_ppm = sim_rng_below(r, 200000);
	c->dmin = sim_rng_range(r, 50, 1000);
	c->dmax = c->dmin + sim_rng_range(r, 0, 10 * SIM_MS);
	c->reorder_max = sim_rng_range(r, 0, 40 * SIM_MS);
	c->stable_dmax = sim_rng_range(r, 200, 5 * SIM_MS);
	/* a few lossy links */
	lossy = sim_rng_below(r, 4);
	for (k = 0; k < lossy; k++) {
		int a = sim_rng_below(r, nodes), b = sim_rng_below(r, nodes);

		c->link_drop_ppm[a][b] = sim_rng_range(r, 200000, 1000000);
	}
	if (!stable_at)
		return;
	/* partition 0: isolate a minority of up to f replicas (often
	 * including the primary of view 0) */
	if (sim_rng_below(r, 2)) {
		struct sim_partition *p = &c->parts[c->nparts++];
		int iso = f ? (int)sim_rng_range(r, 1, f) : 0;

		p->from = sim_rng_below(r, stable_at / 2);
		p->until = p->from + sim_rng_range(r, 1, stable_at - p->from);
		p->side = 0;
		for (i = 0; i < iso; i++)
			p->side |= 1ULL << (i == 0 && sim_rng_below(r, 2) ?
					    0 : sim_rng_below(r, nrep));
	}
	/* partition 1: arbitrary split, possibly no quorum anywhere */
	if (sim_rng_below(r, 3) == 0) {
		struct sim_partition *p = &c->parts[c->nparts++];

		p->from = sim_rng_below(r, stable_at);
		p->until = p->from + sim_rng_range(r, 1, stable_at - p->from);
		p->side = sim_rng_next(r) &
			  (nodes >= 64 ? ~0ULL : (1ULL << nodes) - 1);
	}
}

void net_cfg_print(const struct sim_net_cfg *c, FILE *f, int nodes)
{
	int i, j;

	fprintf(f, "net: drop=%u dup=%u reorder=%u ppm delay=[%" PRIu64
		",%" PRIu64 "]us reorder_max=%" PRIu64 "us stable_at=%" PRIu64
		"us stable_dmax=%" PRIu64 "us\n", c->drop_ppm, c->dup_ppm,
		c->reorder_ppm, c->dmin, c->dmax, c->reorder_max, c->stable_at,
		c->stable_dmax);
	for (i = 0; i < nodes; i++)
		for (j = 0; j < nodes; j++)
			if (c->link_drop_ppm[i][j])
				fprintf(f, "net: link %d->%d drop=%u ppm\n", i,
					j, c->link_drop_ppm[i][j]);
	for (i = 0; i < c->nparts; i++)
		fprintf(f, "net: partition [%" PRIu64 ",%" PRIu64
			")us side=%#" PRIx64 "\n", c->parts[i].from,
			c->parts[i].until, c->parts[i].side);
}
