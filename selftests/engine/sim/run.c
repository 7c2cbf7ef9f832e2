// SPDX-License-Identifier: GPL-2.0
/*
 * Simulator runs: derives a full configuration (n, Byzantine strategy,
 * clients, fault schedule, stabilisation time, crash/restart) from a
 * seed, runs it to quiescence, and reports.  Sweeps run seeds in
 * parallel worker processes; a failing seed prints its configuration,
 * the violation, the last trace events and a command line to replay it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "driver.h"

static struct sim *cur_sim;

static int node_name(int node, char *buf, size_t len)
{
	struct sim *s = cur_sim;

	if (s && s->twin_node && node == s->twin_node) {
		snprintf(buf, len, "R%d'", s->cfg.twin);
		return 0;
	}
	if (!s || node < 0 || node >= s->nnodes)
		return -1;
	if (node < s->cfg.n)
		snprintf(buf, len, "%s%d", s->check.correct >> node & 1 ?
			 "r" : "R", node);
	else
		snprintf(buf, len, "%s%d",
			 node - s->cfg.n >= s->cfg.nclients ? "C" : "c",
			 node - s->cfg.n);
	return 0;
}

/* Everything about a run follows from its seed and the forced options. */
void cfg_for_seed(struct sim_cfg *c, const struct opts *o,
			 uint64_t seed)
{
	struct sim_rng r;

	memset(c, 0, sizeof(*c));
	sim_rng_seed(&r, seed, 7);
	c->seed = seed;
	c->n = o->n ? o->n : (seed & 1 ? 7 : 4);
	c->f = (c->n - 1) / 3;
	/* slow and selective only by name: every older seed stays as it was */
	c->byz = o->byz >= 0 ? o->byz : (int)((seed >> 1) % BYZ_SLOW);
	c->nbyz = c->byz ? c->f : 0;
	c->byz_primary = o->byz_primary >= 0 ? o->byz_primary :
		(int)sim_rng_below(&r, 2);
	c->byzc = o->byzc >= 0 ? o->byzc : (int)sim_rng_below(&r, BYZC_NSTRAT);
	c->nbyzc = c->byzc ? 1 : 0;
	c->nclients = (int)sim_rng_range(&r, 2, 4);
	c->reqs = (int)sim_rng_range(&r, 3, 10);
	c->ro_pct = (int)sim_rng_below(&r, 3) * 25;
	c->batch = (int)sim_rng_range(&r, 1, 8);
	c->window = (int)sim_rng_range(&r, 1, 4);
	c->ckpt = sim_rng_below(&r, 2) ? 4 : 8;
	c->faults = o->faults >= 0 ? o->faults : sim_rng_below(&r, 10) != 0;
	c->stable_at = c->faults ? sim_rng_range(&r, 100, 1500) * SIM_MS : 0;
	/* Crash + restart empty: amnesia counts against f. */
	c->crash = o->crash >= 0 ? o->crash : (int)sim_rng_below(&r, 2);
	if (c->crash && c->nbyz >= c->f) {
		if (c->byz && c->f >= 2 && o->nbyz < 0)
			c->nbyz = c->f - 1;
		else
			c->crash = 0;
	}
	if (o->nbyz >= 0)
		c->nbyz = o->nbyz;
	c->crash_at = sim_rng_range(&r, 10, 400) * SIM_MS;
	c->restart_at = c->crash_at + sim_rng_range(&r, 20, 600) * SIM_MS;
	c->vc_ms = 60;
	c->vc_max_ms = 960;
	c->cli_ms = 40;
	c->batch_delay_ms = 2;
	c->think_ms = 5;
	c->live_bound = (sim_time_t)(c->f + 3) * 2 * c->vc_max_ms * SIM_MS +
		2 * SIM_SEC;
	c->max_events = 3000000;
	c->broken_quorum = o->broken;
	/* A quarter of the seeds reply only after commit. */
	c->no_tentative = (seed >> 5) % 4 == 0;
	if (o->stale_read) {
		/* finding 4: writes done on f+1, reads on Q, one stale */
		c->slow_ms = 30;
		c->script = 1;
		c->nclients = 1;
		c->reqs = 6;
	}
	if (o->robust) {
		/*
		 * A faulty primary against a stream from client 0: it must
		 * be replaced while the stream lasts, or clients 1 and 2
		 * miss the bound (selective) or it is never replaced (slow).
		 */
		c->robust = 1;
		c->robust_reqs = 400;
		c->nclients = 3;
		c->reqs = 10;
		c->ro_pct = 0;
		c->vc_ms = 100;
		c->cli_ms = 20;
		c->think_ms = 1;
		/* below 90% of the timeout less the client's retransmission */
		c->expect_hb_ms = c->vc_ms / 2;
		c->live_bound = 20 * c->vc_ms * SIM_MS;
	}
	if (!o->stale_read && !o->macs && !o->robust) {
		sim_reconf_cfg(c, &r, o->nbyz, o->reconf);
	}
	if (o->calm_resize) {
		/* while every client still has most of its requests to go */
		c->reqs = 10;
		c->reconf_at = sim_rng_range(&r, 5, 60) * SIM_MS;
	}
	c->trace = o->trace;
	c->trace_last = o->last;
	c->quiet = o->quiet;
	c->twin = -1;
}

static void cfg_print(const struct sim *s, FILE *f)
{
	const struct sim_cfg *c = &s->cfg;
	int i;

	fprintf(f, "config: seed=%" PRIu64 " n=%d f=%d byz=%s x%d [", c->seed,
		c->n, c->f, byz_name(c->byz), c->nbyz);
	for (i = 0; i < c->n; i++)
		if (s->rep[i].byz)
			fprintf(f, " r%d", i);
	fprintf(f, " ] clients=%d x %d reqs (ro %d%%) byz-clients=%d %s batch=%d"
		" window=%d K=%d faults=%d stable_at=%" PRIu64 "ms",
		c->nclients, c->reqs, c->ro_pct, c->nbyzc, byzc_name(c->byzc),
		c->batch, c->window, c->ckpt, c->faults,
		c->stable_at / SIM_MS);
	if (c->crash)
		fprintf(f, " crash r%d @%" PRIu64 "ms restart @%" PRIu64 "ms",
			c->crash_rep, c->crash_at / SIM_MS,
			c->restart_at / SIM_MS);
	if (c->broken_quorum)
		fprintf(f, " BROKEN-QUORUM");
	if (c->no_tentative)
		fprintf(f, " no-tentative");
	if (c->script)
		fprintf(f, " STALE-READ slow=%ums", c->slow_ms);
	if (c->robust)
		fprintf(f, " FAULTY-PRIMARY client0=%d reqs", c->robust_reqs);
	if (c->reconf == 3)
		fprintf(f, " reconf=n%d->%d", c->n_first, c->n_next);
	else if (c->reconf)
		fprintf(f, " reconf=%s", c->reconf == 2 ? "replace r" :
			"epoch");
	if (c->reconf)
		fprintf(f, " @%" PRIu64 "ms%s", c->reconf_at / SIM_MS,
			c->reconf_dup ? " faulty-admin" : "");
	if (c->reconf == 2)
		fprintf(f, " rep=%d", c->reconf_rep);
	fputc('\n', f);
	if (c->twin >= 0)
		twins_print(s, f);
	else
		net_cfg_print(&s->net.cfg, f, s->nnodes);
}

static void pick_faulty(struct sim *s, struct sim_rng *r)
{
	struct sim_cfg *c = &s->cfg;
	int k = 0, i;

	if (c->nbyz && c->byz_primary) {
		s->rep[0].byz = c->byz;
		k = 1;
	}
	while (k < c->nbyz) {
		i = (int)sim_rng_range(r, sim_reconf_byz_from(c), c->n - 1);
		if (!s->rep[i].byz) {
			s->rep[i].byz = c->byz;
			k++;
		}
	}
	c->crash_rep = -1;
	if (c->crash) {
		do {
			i = (int)sim_rng_below(r, c->n);
		} while (s->rep[i].byz);
		c->crash_rep = i;
	}
}

/* The replaced id: a Byzantine one if the budget is spent, never the crash. */
static void pick_replaced(struct sim *s)
{
	struct sim_cfg *c = &s->cfg;
	int i;

	if (c->reconf != 2)
		return;
	if (c->reconf_rep < 0) {
		for (i = 0; i < c->n && !s->rep[i].byz; i++)
			;
		c->reconf_rep = i < c->n ? i : c->n - 1;
	}
	if (c->reconf_rep == c->crash_rep)
		c->reconf_rep = (c->crash_rep + 1) % c->n;
}

static void at(struct sim *s, sim_time_t t, int kind, int to)
{
	struct sim_event ev = { .at = t, .kind = kind, .from = -1, .to = to };

	sched_push(&s->sched, &ev);
}

static void dispatch(struct sim *s, struct sim_event *ev)
{
	struct sim_replica *r;

	switch (ev->kind) {
	case SEV_DELIVER:
		r = sim_rep_of_node(s, ev->to);
		if (r)
			sim_rep_deliver(r, ev->from, ev->buf, ev->len);
		else
			sim_client_deliver(&s->cl[ev->to - s->cfg.n],
					   ev->from, ev->buf, ev->len);
		break;
	case SEV_TIMER:
		sim_rep_timer(sim_rep_of_node(s, ev->to), ev->arg);
		break;
	case SEV_CLIENT:
		sim_client_event(&s->cl[ev->to - s->cfg.n], ev->arg);
		break;
	case SEV_BYZ:
		byz_act(&s->rep[ev->to]);
		break;
	case SEV_CRASH:
		r = sim_rep_of_node(s, ev->to);
		trace_add(&s->trace, s->sched.now, TR_CRASH, ev->to, -1, -1,
			  0, 0, 0, NULL);
		sim_rep_stop(r);
		break;
	case SEV_RESTART:
		trace_add(&s->trace, s->sched.now, TR_RESTART, ev->to, -1, -1,
			  0, 0, 0, "empty");
		check_restart(&s->check, ev->to);
		if (sim_rep_start(s, ev->to))
			check_fail(&s->check, s->sched.now,
				   "restart of r%d failed", ev->to);
		break;
	case SEV_REPLACE:
		sim_reconf_replace(s, ev->to);
		break;
	case SEV_MARK:
		trace_add(&s->trace, s->sched.now,
			  ev->arg ? TR_PART : TR_STABLE, -1, -1, -1, 0,
			  ev->arg, 0, ev->arg ? "partition change" :
			  "network stabilised");
		break;
	}
}

/* Correct replicas at the same last-executed seq hold equal state. */
static void final_checks(struct sim *s)
{
	struct bft_info a, b;
	int i, j;

	if (s->clients_done < s->cfg.nclients)
		check_fail(&s->check, s->sched.now,
			   "LIVENESS: %d of %d clients finished",
			   s->clients_done, s->cfg.nclients);
	for (i = 0; i < s->cfg.n; i++) {
		if (!(s->check.correct >> i & 1) || !s->rep[i].up)
			continue;
		bft_engine_info(s->rep[i].e, &a);
		for (j = i + 1; j < s->cfg.n; j++) {
			if (!(s->check.correct >> j & 1) || !s->rep[j].up)
				continue;
			bft_engine_info(s->rep[j].e, &b);
			/* Tentative state: checked when it commits. */
			if (a.last_exec == b.last_exec && !a.tent_seq &&
			    !b.tent_seq && memcmp(s->rep[i].svc.state, s->rep[j].svc.state,
				   32))
				check_fail(&s->check, s->sched.now,
					   "SAFETY: r%d and r%d differ at final seq %"
					   PRIu64, i, j, a.last_exec);
		}
		/* The faulty primary of view 0 was voted out. */
		if (s->cfg.robust && (!a.view || s->rep[a.primary].byz))
			check_fail(&s->check, s->sched.now,
				   "ROBUST: r%d ends in view %" PRIu64
				   " of faulty primary r%u", i, a.view,
				   a.primary);
	}
}

/* Tentative executions and rollbacks of the correct replicas up now. */
static void tent_totals(struct sim *s, struct run_result *res)
{
	int i;

	res->tent = 0;
	res->rollbacks = 0;
	for (i = 0; i < s->cfg.n; i++) {
		const struct bft_counters *k;

		if (!(s->check.correct >> i & 1) || !s->rep[i].e)
			continue;
		k = bft_engine_counters(s->rep[i].e);
		res->tent += k->tentative_executed;
		res->rollbacks += k->tentative_rollbacks;
	}
}

/* Configuration, violation, replica states and trace of a run. */
static void run_report(struct sim *s, const struct opts *o,
		       const struct run_result *res)
{
	const struct sim_cfg *cfg = &s->cfg;
	uint64_t strikes = 0, throttled = 0;
	int i;

	for (i = 0; i < cfg->n; i++) {
		const struct bft_counters *k;

		if (!s->rep[i].e)
			continue;
		k = bft_engine_counters(s->rep[i].e);
		strikes += k->clients_throttled;
		throttled += k->drop_reason[BFT_DROP_THROTTLED];
	}
	if (res->failed || !cfg->quiet) {
		if (res->failed && cfg->quiet)
			cfg_print(s, stdout);
		printf("%s seed=%" PRIu64 ": %s\n",
		       res->failed ? "FAIL" : "ok", cfg->seed,
		       res->failed ? s->check.failed : "no violations");
		printf("stats: events=%" PRIu64 " vtime=%" PRIu64
		       "ms accepted=%" PRIu64 " execs=%" PRIu64
		       " view-changes=%" PRIu64 " new-views=%" PRIu64
		       " xfers=%" PRIu64 " evidence=%" PRIu64
		       " byz-msgs=%" PRIu64 " tentative=%" PRIu64
		       " rollbacks=%" PRIu64 " strikes=%" PRIu64
		       " throttled=%" PRIu64 " net: sent=%" PRIu64
		       " dropped=%" PRIu64 " dup=%" PRIu64 " part=%" PRIu64
		       "\n", s->st.events, s->sched.now / SIM_MS,
		       s->st.accepted, s->check.execs, s->st.view_changes,
		       s->st.new_views, s->st.xfers, s->st.evidence,
		       s->st.byz_msgs, res->tent, res->rollbacks, strikes,
		       throttled, s->net.st.sent, s->net.st.dropped,
		       s->net.st.duplicated, s->net.st.partitioned);
	}
	if (res->failed) {
		for (i = 0; i <= cfg->n; i++) {
			struct sim_replica *r = i < cfg->n ? &s->rep[i] :
				sim_rep_of_node(s, s->twin_node);
			struct bft_info in;
			char nm[16];

			if (!r || (i == cfg->n && !s->twin_node))
				continue;
			node_name(r->node, nm, sizeof(nm));
			if (!r->up) {
				printf("replica %s: down\n", nm);
				continue;
			}
			bft_engine_info(r->e, &in);
			printf("replica %s: view=%" PRIu64 " status=%u last_exec=%"
			       PRIu64 " stable=%" PRIu64 " next_seq=%" PRIu64
			       " vc_timeout=%" PRIu64 "ms\n",
			       nm, in.view, in.status,
			       in.last_exec, in.stable_seq, in.next_seq,
			       in.vc_timeout_ms);
		}
	}
	if (res->failed && !cfg->trace) {
		trace_dump(&s->trace, stdout, o->last ? o->last : 60);
		if (cfg->twin >= 0)
			printf("replay: build/host/sim --twins-id %" PRIu64
			       "%s --trace\n", cfg->twin_id, o->replay);
		else
			printf("replay: build/host/sim --seed %" PRIu64
			       "%s --trace\n", cfg->seed, o->replay);
	}
}

int run_one(const struct sim_cfg *cfg, const struct opts *o,
		   struct run_result *res)
{
	struct sim *s = calloc(1, sizeof(*s));
	struct sim_event ev;
	struct sim_rng fr;
	uint64_t correct = 0;
	int i, p;

	if (!s)
		abort();
	cur_sim = s;
	s->cfg = *cfg;
	s->ncli = cfg->nclients + cfg->nbyzc;
	s->admin = -1;
	if (cfg->reconf)
		s->admin = s->ncli++;
	s->nnodes = cfg->n + s->ncli;
	s->scratch = malloc(BFT_WIRE_MAX_DGRAM);
	sim_rng_seed(&s->rng, cfg->seed, 2);
	sim_rng_seed(&fr, cfg->seed, 3);
	trace_init(&s->trace, cfg->trace_last ? cfg->trace_last : 400);
	s->trace.live = cfg->trace;
	s->trace.mtype_name = sim_mtype_name;
	s->trace.node_name = node_name;
	sched_init(&s->sched);
	net_init(&s->net, &s->sched, &s->trace, cfg->seed);
	s->net.mtype = sim_mtype;
	s->net.detail = sim_msg_detail;
	if (cfg->faults) {
		net_random_cfg(&s->net.cfg, &fr, s->nnodes, cfg->n, cfg->f,
			       cfg->stable_at);
	} else {
		s->net.cfg.dmin = 100;
		s->net.cfg.dmax = 1000;
		s->net.cfg.stable_dmax = 1000;
	}
	sim_keys_init(s);
	pick_faulty(s, &fr);
	pick_replaced(s);
	for (i = 0; i < cfg->n; i++)
		if (!s->rep[i].byz && i != cfg->twin)
			correct |= 1ULL << i;
	check_init(&s->check, cfg->n, correct);
	sim_hist_init(s);
	if (cfg->slow_ms) {
		/* replica -> correct backup links slow: they lag behind */
		s->net.cfg.slow_from = (1ULL << cfg->n) - 1;
		s->net.cfg.slow_to = correct & ~1ULL;
		s->net.cfg.slow_extra = (sim_time_t)cfg->slow_ms * SIM_MS;
	}
	if (!cfg->quiet || cfg->trace)
		cfg_print(s, stdout);
	for (i = 0; i < cfg->n; i++) {	/* hosts of added ids: down */
		s->rep[i].sim = s;
		s->rep[i].id = i;
		s->rep[i].node = i;
		sim_rng_seed(&s->rep[i].brng, cfg->seed, 100 + i);
	}
	for (i = 0; i < sim_reconf_n(s, 0); i++) {
		int b = s->rep[i].byz;

		if (sim_rep_start(s, i)) {
			fprintf(stderr, "engine create failed\n");
			exit(2);
		}
		s->rep[i].byz = b;
		if (b)
			at(s, sim_rng_range(&fr, 0, 10 * SIM_MS), SEV_BYZ, i);
	}
	if (cfg->twin >= 0 && twins_start(s)) {
		fprintf(stderr, "twin create failed\n");
		exit(2);
	}
	for (i = 0; i < s->ncli; i++)
		if (sim_client_start(s, i)) {
			fprintf(stderr, "client init failed\n");
			exit(2);
		}
	if (s->cfg.crash_rep >= 0) {
		at(s, cfg->crash_at, SEV_CRASH, s->cfg.crash_rep);
		at(s, cfg->restart_at, SEV_RESTART, s->cfg.crash_rep);
	}
	if (cfg->stable_at)
		at(s, cfg->stable_at, SEV_MARK, -1);
	for (p = 0; p < s->net.cfg.nparts; p++) {
		ev = (struct sim_event){ .at = s->net.cfg.parts[p].from,
			.kind = SEV_MARK, .to = -1, .from = -1, .arg = 1 };
		sched_push(&s->sched, &ev);
	}

	while (sched_pop(&s->sched, &ev)) {
		if (s->clients_done == cfg->nclients &&
		    ev.at > s->all_done_at + 300 * SIM_MS) {
			free(ev.buf);
			break;
		}
		s->st.events++;
		dispatch(s, &ev);
		free(ev.buf);
		if (s->check.violations)
			break;
		if (s->st.events > cfg->max_events) {
			check_fail(&s->check, s->sched.now,
				   "LIVENESS: event budget exhausted");
			break;
		}
	}
	if (!s->check.violations)
		final_checks(s);
	sim_reconf_final(s);
	if (!s->check.violations && !cfg->no_history)
		sim_hist_check(s);

	tent_totals(s, res);
	if (o->calm_resize && s->st.view_changes)
		check_fail(&s->check, s->sched.now,
			   "EXPECTED: a fault-free resize changed views");
	if (o->expect_rollback && !res->rollbacks)
		check_fail(&s->check, s->sched.now,
			   "EXPECTED: no correct replica rolled back tentative work");
	res->failed = s->check.violations != 0;
	res->events = s->st.events;
	res->crash = s->cfg.crash_rep >= 0;
	res->faults = cfg->faults;
	res->parts = s->net.cfg.nparts;
	res->byzc = cfg->nbyzc ? cfg->byzc : 0;
	res->view_changes = s->st.view_changes;
	res->xfers = s->st.xfers;
	res->evidence = s->st.evidence;
	res->dropped = s->net.st.dropped + s->net.st.partitioned;
	res->dups = s->net.st.duplicated;
	if (s->rep[0].e) {
		const struct bft_counters *k = bft_engine_counters(s->rep[0].e);

		res->prim_mac = k->mac_computed + k->mac_verified;
		res->prim_reqs = k->requests_executed;
		res->prim_batches = k->batches_executed;
	}
	snprintf(res->why, sizeof(res->why), "%.199s", s->check.failed);
	if (!cfg->silent)
		run_report(s, o, res);
	for (i = 0; i < cfg->n; i++)
		sim_rep_stop(&s->rep[i]);
	if (s->twin_node)
		sim_rep_stop(&s->twin);
	for (i = 0; i < s->ncli; i++)
		sim_client_stop(&s->cl[i]);
	check_free(&s->check);
	sim_hist_free(s);
	sched_free(&s->sched);
	trace_free(&s->trace);
	kv_free(s->keys);
	free(s->scratch);
	free(s);
	cur_sim = NULL;
	return res->failed;
}

