// SPDX-License-Identifier: GPL-2.0
/*
 * Membership changes in simulator runs: an administrator client submits
 * RECONFIG(epoch 1) through the normal protocol (a faulty one a second
 * RECONFIG for the same epoch), and for a replace the old host of
 * reconf_rep is stopped and a new host with new keys starts empty in
 * epoch 1 when the first correct replica switches (the operator's step).
 * Every checker runs across the switch: batches per seq, results per
 * request, linearizability, equal final state.
 */
#include <inttypes.h>
#include <string.h>

#include "sim.h"

#define AEV_SUBMIT	0ULL
#define AEV_TIMER	1ULL
#define AEV_LIVE	2ULL
#define AEV(kind, v)	((kind) << 60 | (v))

/*
 * Grow (4 -> 7) or shrink (7 -> 4): cfg.n becomes the larger, the
 * number of replica nodes; ids past n_first start in epoch 1 at time 0,
 * before the RECONFIG (the operator's setconf on new hosts), ids past
 * n_next leave. Clients know both sets (7
 * authenticator entries) and take f + 1 = 3 matching replies of the
 * larger set, which in the 4-replica epoch is every correct member if
 * one of them is faulty: a correct member that lags (view change alone,
 * nothing left to order elsewhere) would stall them (seed 259 did so
 * with a silent r0). So the one Byzantine replica is one of ids 4-6,
 * outside the 4-replica set (a new host of a grow, a leaver of a
 * shrink), and nothing crashes. They run without tentative replies or
 * read-only requests, whose quorums depend on the epoch a reply comes
 * from; weighing replies per epoch in the client core lifts all this.
 */
static void resize_cfg(struct sim_cfg *c)
{
	c->reconf = 3;
	c->n_first = c->n;
	c->n_next = c->n > 4 ? 4 : 7;
	c->n = c->n_first > c->n_next ? c->n_first : c->n_next;
	c->f = 1;
	if (c->nbyz > 1)
		c->nbyz = 1;
	c->byz_primary = 0;
	c->crash = 0;
	c->no_tentative = 1;
	c->ro_pct = 0;
}

/*
 * 0 none, 1 epoch bump, 2 replace, 3 grow or shrink: half the seeds
 * change membership. A new host starts empty and counts against f until
 * it caught up, so a correct replica is replaced only if the fault
 * budget allows; else a Byzantine one gets a correct new host; else only
 * the epoch changes.
 */
void sim_reconf_cfg(struct sim_cfg *c, struct sim_rng *r, int nbyz_forced,
		    int forced)
{
	int kind = (int)((c->seed >> 7) % 4);

	(void)nbyz_forced;
	c->reconf = kind < 2 ? 0 : kind - 1;
	c->reconf_dup = (int)(c->seed >> 9 & 1);
	c->reconf_at = sim_rng_range(r, 5, 600) * SIM_MS;
	c->reconf_rep = -1;
	if ((c->reconf == 1 && (c->seed >> 11 & 1) && forced < 0) ||
	    forced == 3) {
		resize_cfg(c);
		return;
	}
	if (c->reconf == 2) {
		if (c->nbyz + c->crash < c->f)
			c->reconf_rep = (int)sim_rng_below(r, c->n);
		else if (c->nbyz)
			c->reconf_rep = -2;	/* a Byzantine one, once picked */
		else
			c->reconf = 1;
	}
	if (forced >= 0)
		c->reconf = forced;
}

static void admin_at(struct sim_client *c, sim_time_t at, uint64_t arg)
{
	struct sim_event ev = {
		.at = at, .kind = SEV_CLIENT, .from = -1, .to = c->node,
		.arg = arg,
	};

	sched_push(&c->sim->sched, &ev);
}

static void admin_resched(struct sim_client *c)
{
	struct sim *s = c->sim;
	u64 d = bft_cli_next_deadline(&c->cli);
	sim_time_t at;

	if (d == BFT_CLI_NO_DEADLINE)
		return;
	at = d * SIM_MS;
	if (at == c->timer_at)
		return;
	c->timer_at = at;
	admin_at(c, at < s->sched.now ? s->sched.now : at,
		 AEV(AEV_TIMER, ++c->timer_gen));
}

void sim_admin_start(struct sim_client *c)
{
	struct sim *s = c->sim;
	struct sim_event ev = { .at = 0, .kind = SEV_REPLACE, .from = -1,
				.to = 0 };

	c->cli.op_flags = BFT_REQ_F_RECONFIG;
	admin_at(c, s->cfg.reconf_at, AEV(AEV_SUBMIT, 0));
	/* The operator creates the new hosts first (setconf), then reconfig. */
	if (s->cfg.reconf == 3 && s->cfg.n_next > s->cfg.n_first)
		sched_push(&s->sched, &ev);
}

static void admin_submit(struct sim_client *c)
{
	struct sim *s = c->sim;
	uint8_t op[BFT_RECONF_OP_LEN];
	sim_time_t base;
	u64 rep = s->cfg.reconf == 2 ? 1ULL << s->cfg.reconf_rep : 0;
	int ret;

	memset(op, 0, sizeof(op));
	bft_wput64(op, bft_reconfig_op, epoch, 1);
	bft_wput32(op, bft_reconfig_op, n, (u32)sim_reconf_n(s, 1));
	/* The faulty admin's second one names other ids and a digest. */
	bft_wput64(op, bft_reconfig_op, replace, c->submitted ? 1 : rep);
	memset(bft_wptr(op, bft_reconfig_op, config), 0x30 + c->submitted,
	       BFT_DIGEST_LEN);
	ret = bft_cli_submit(&c->cli, op, sizeof(op), false, SIM_NOW_MS(s));
	if (ret) {
		check_fail(&s->check, s->sched.now,
			   "admin: submit failed (%d)", ret);
		return;
	}
	c->submitted++;
	c->pending = 1;
	c->submit_at = s->sched.now;
	trace_add(&s->trace, s->sched.now, TR_SUBMIT, c->node, -1,
		  BFT_MSG_REQUEST, sizeof(op), c->cli.ts, 0, "RECONFIG");
	base = s->sched.now > s->cfg.stable_at ? s->sched.now :
		s->cfg.stable_at;
	admin_at(c, base + s->cfg.live_bound,
		 AEV(AEV_LIVE, (uint64_t)c->submitted));
	admin_resched(c);
}

void sim_admin_event(struct sim_client *c, uint64_t kind, uint64_t v)
{
	struct sim *s = c->sim;

	switch (kind) {
	case AEV_SUBMIT:
		if (!c->pending)
			admin_submit(c);
		break;
	case AEV_TIMER:
		if (v != c->timer_gen)
			break;
		c->timer_at = SIM_NEVER;
		bft_cli_tick(&c->cli, SIM_NOW_MS(s));
		admin_resched(c);
		break;
	case AEV_LIVE:
		if (c->done < (int)v)
			check_fail(&s->check, s->sched.now,
				   "LIVENESS: admin RECONFIG #%" PRIu64
				   " not done", v);
		break;
	}
}

/*
 * The first RECONFIG must be taken (epoch 0 -> 1 is valid); the faulty
 * admin's second for the same epoch must be refused (BUSY before the
 * switch, EPOCH after), at every correct replica alike (f+1 equal).
 */
void sim_admin_deliver(struct sim_client *c, int from, const uint8_t *buf,
		       uint32_t len)
{
	struct sim *s = c->sim;
	struct bft_cli_result res;
	u32 st;
	int ret;

	ret = bft_cli_receive(&c->cli, buf, len, SIM_NOW_MS(s), &res);
	trace_add(&s->trace, s->sched.now, TR_DELIVER, from, c->node,
		  sim_mtype(buf, len), len, ret < 0 ? -ret : 0, 0, "admin");
	if (ret == BFT_CLI_CONFLICT) {
		check_fail(&s->check, s->sched.now,
			   "SAFETY: admin: no f+1 agreement on a RECONFIG");
		return;
	}
	if (ret != BFT_CLI_DONE) {
		admin_resched(c);
		return;
	}
	if (res.result_len != BFT_RECONF_RES_LEN) {
		check_fail(&s->check, s->sched.now,
			   "admin: RECONFIG result length %u", res.result_len);
		return;
	}
	st = bft_wget32(res.result, bft_reconfig_result, status);
	if (c->done == 0 ? st != BFT_RECONF_OK :
	    st != BFT_RECONF_E_BUSY && st != BFT_RECONF_E_EPOCH)
		check_fail(&s->check, s->sched.now,
			   "admin: RECONFIG #%d status %u", c->done + 1, st);
	trace_add(&s->trace, s->sched.now, TR_ACCEPT, c->node, -1, -1, 0,
		  res.ts, st, "RECONFIG");
	c->done++;
	c->pending = 0;
	if (c->done == 1 && s->cfg.reconf_dup)
		admin_at(c, s->sched.now + SIM_MS, AEV(AEV_SUBMIT, 0));
}

/* Replicas in epoch e: n_first, then n_next; cfg.n without a resize. */
int sim_reconf_n(const struct sim *s, uint64_t epoch)
{
	if (s->cfg.reconf != 3)
		return s->cfg.n;
	return epoch ? s->cfg.n_next : s->cfg.n_first;
}

/*
 * A (re)start joins the newest epoch; the host of an added id starts
 * before the RECONFIG, in the epoch that adds it.
 */
uint64_t sim_reconf_start_epoch(const struct sim *s, int id)
{
	if (s->cfg.reconf == 3 && !s->epoch && id >= s->cfg.n_first)
		return 1;
	return s->epoch;
}

/* The lowest id a Byzantine replica may have, after 0. */
int sim_reconf_byz_from(const struct sim_cfg *c)
{
	if (c->reconf != 3)
		return 1;
	return c->n_first < c->n_next ? c->n_first : c->n_next;
}

/* The operator's step for a grow: hosts of the added ids start empty. */
static void reconf_grow(struct sim *s)
{
	int b;

	for (b = s->cfg.n_first; b < s->cfg.n_next; b++) {
		trace_add(&s->trace, s->sched.now, TR_RESTART, b, -1, -1, 0,
			  0, 0, "added host");
		if (sim_rep_start(s, b))
			check_fail(&s->check, s->sched.now,
				   "added host r%d failed", b);
		if (s->rep[b].byz) {
			struct sim_event ev = { .at = s->sched.now,
						.kind = SEV_BYZ, .from = -1,
						.to = b };

			sched_push(&s->sched, &ev);
		}
	}
}

/* The operator's step: stop the old host of b, start the new one. */
void sim_reconf_replace(struct sim *s, int b)
{
	struct sim_replica *r = &s->rep[b];

	if (s->replaced)
		return;
	s->replaced = 1;
	if (s->cfg.reconf == 3) {
		reconf_grow(s);
		return;
	}
	trace_add(&s->trace, s->sched.now, TR_RESTART, b, -1, -1, 0, 0, 0,
		  "new host");
	sim_rep_stop(r);
	r->gen++;
	r->byz = BYZ_NONE;	/* the new host is correct */
	s->check.correct |= 1ULL << b;
	check_restart(&s->check, b);
	if (sim_rep_start(s, b))
		check_fail(&s->check, s->sched.now, "new host r%d failed", b);
}

/* ops->reconfig of any replica: its host now uses the new keys. */
void sim_reconf_switched(struct sim_replica *r, u64 epoch, u64 seq, u32 n,
			 u64 replace)
{
	struct sim *s = r->sim;
	int j;

	trace_add(&s->trace, s->sched.now, TR_NOTE, r->node, -1, -1, 0, epoch,
		  replace, "epoch switch");
	if (!r->byz && s->ep_base && seq != s->ep_base)
		check_fail(&s->check, s->sched.now,
			   "SAFETY: r%d switched after seq %" PRIu64
			   ", others after %" PRIu64, r->id, seq, s->ep_base);
	s->switched |= 1ULL << r->id;
	if (epoch > s->epoch) {
		s->epoch = epoch;
		s->ep_base = seq;
	}
	for (j = 0; j < s->cfg.n; j++)
		if (replace >> j & 1)
			r->peer_gen[j] = sim_reconf_gen(s, j);
	if (s->cfg.reconf == 3 && (u32)s->cfg.n_next != n)
		check_fail(&s->check, s->sched.now,
			   "SAFETY: r%d switched to n=%u, not %d", r->id, n,
			   s->cfg.n_next);
	/*
	 * The operator replaces the old host once it left (its engine
	 * switched), or once every correct replica but it switched, so the
	 * old epoch keeps all its members while it still orders.
	 */
	for (j = 0; j < s->cfg.n; j++) {
		uint64_t others = s->check.correct & ~(1ULL << j);
		struct sim_event ev = { .at = s->sched.now, .kind = SEV_REPLACE,
					.from = -1, .to = j };

		if (!(replace >> j & 1) || s->replaced ||
		    (!(s->switched >> j & 1) && (s->switched & others) != others))
			continue;
		sched_push(&s->sched, &ev);
	}
}

/* The key generation of j's host that replicas of the newest epoch use. */
uint8_t sim_reconf_gen(const struct sim *s, int j)
{
	return s->rep[j].gen + (s->cfg.reconf == 2 && j == s->cfg.reconf_rep &&
				s->epoch && !s->replaced);
}

/*
 * Every correct replica commits seq under one configuration: epoch 1
 * above the base, epoch 0 at or below it (ops->committed comes before
 * the switch at the base itself). A host created in epoch 1 may learn
 * seqs at or below the base from epoch-1 members' retransmissions.
 */
void sim_reconf_committed(struct sim_replica *r, u64 seq)
{
	struct sim *s = r->sim;
	struct bft_info in;

	if (!s->cfg.reconf)
		return;
	bft_engine_info(r->e, &in);
	if ((s->ep_base && seq > s->ep_base && !in.epoch) ||
	    (!r->start_epoch && seq <= s->ep_base && in.epoch) ||
	    (!s->ep_base && in.epoch))
		check_fail(&s->check, s->sched.now,
			   "SAFETY: r%d committed seq %" PRIu64 " in epoch %"
			   PRIu64 " (switch after %" PRIu64 ")", r->id, seq,
			   in.epoch, s->ep_base);
}

/*
 * A correct replica that executed past the base must have switched; one
 * behind may still be in epoch 0 (it fetches the base when it moves).
 */
void sim_reconf_final(struct sim *s)
{
	struct bft_info in;
	int i;

	if (!s->cfg.reconf || s->check.violations)
		return;
	for (i = 0; i < s->cfg.n; i++) {
		bool gone = i >= sim_reconf_n(s, s->epoch);

		if (!(s->check.correct >> i & 1) || !s->rep[i].up)
			continue;
		bft_engine_info(s->rep[i].e, &in);
		/* An id that left stops at the base, or never got there. */
		if (gone && in.last_exec > s->ep_base)
			check_fail(&s->check, s->sched.now,
				   "SAFETY: r%d left after seq %" PRIu64
				   ", base %" PRIu64, i, in.last_exec,
				   s->ep_base);
		if (gone)
			continue;
		if ((in.epoch != s->epoch && in.last_exec > s->ep_base) ||
		    in.left)
			check_fail(&s->check, s->sched.now,
				   "LIVENESS: r%d in epoch %" PRIu64
				   "%s, cluster in %" PRIu64, i, in.epoch,
				   in.left ? " (left)" : "", s->epoch);
	}
}
