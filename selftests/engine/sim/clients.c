// SPDX-License-Identifier: GPL-2.0
/*
 * Clients.  Correct clients run the real client core (kmod/engine/
 * client.c) and feed every accepted result to the checkers; each request
 * gets a liveness deadline of max(submit, stabilisation) + live_bound.
 * Byzantine clients craft requests with the wire encoder: different
 * operations under one timestamp per replica, or authenticators with a
 * single valid entry.
 */
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include "sim.h"

#define CEV_SUBMIT	0ULL
#define CEV_TIMER	1ULL
#define CEV_LIVE	2ULL
#define CEV(kind, v)	((kind) << 60 | (v))

static const char *const byzc_names[BYZC_NSTRAT] = {
	[BYZC_NONE] = "none", [BYZC_SPLIT] = "split",
	[BYZC_BADAUTH] = "badauth",
};

const char *byzc_name(int strat)
{
	return strat >= 0 && strat < BYZC_NSTRAT ? byzc_names[strat] : "?";
}

int byzc_parse(const char *name)
{
	int i;

	for (i = 0; i < BYZC_NSTRAT; i++)
		if (!strcmp(name, byzc_names[i]))
			return i;
	return -1;
}

static void client_at(struct sim_client *c, sim_time_t at, uint64_t arg)
{
	struct sim_event ev = {
		.at = at, .kind = SEV_CLIENT, .from = -1, .to = c->node,
		.arg = arg,
	};

	sched_push(&c->sim->sched, &ev);
}

static int cli_mac(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
		   u32 niov, u8 tag[BFT_MAC_LEN])
{
	struct sim_client *c = ctx;

	if (principal != BFT_PRINCIPAL_REPLICA ||
	    id >= (u32)c->sim->cfg.n)
		return -ENOKEY;
	return sim_mac(c->sim, c->node, (int)id, iov, niov, tag);
}

static void cli_send(void *ctx, u32 replica, const void *buf, u32 len)
{
	struct sim_client *c = ctx;

	net_send(&c->sim->net, c->node, (int)replica, buf, len);
}

static const struct bft_cli_ops cli_ops = {
	.mac = cli_mac,
	.send = cli_send,
};

static void client_resched(struct sim_client *c)
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
	client_at(c, at < s->sched.now ? s->sched.now : at,
		  CEV(CEV_TIMER, ++c->timer_gen));
}

int sim_client_start(struct sim *s, int i)
{
	struct sim_client *c = &s->cl[i];
	struct bft_cli_config cc = {
		.n = s->cfg.n, .id = i, .max_op = 256, .max_result = 64,
		.timeout_ms = s->cfg.cli_ms, .timeout_max_ms = 8 * s->cfg.cli_ms,
		.first_ts = 1,
	};
	int ret;

	memset(c, 0, sizeof(*c));
	c->sim = s;
	c->id = i;
	c->node = s->cfg.n + i;
	c->timer_at = SIM_NEVER;
	if (i == s->admin) {
		ret = bft_cli_init(&c->cli, &cc, &cli_ops, c);
		if (!ret)
			sim_admin_start(c);
		return ret;
	}
	if (i >= s->cfg.nclients) {
		c->byz = s->cfg.byzc;
		client_at(c, sim_rng_range(&s->rng, 0, 20 * SIM_MS),
			  CEV(CEV_SUBMIT, 0));
		return 0;
	}
	ret = bft_cli_init(&c->cli, &cc, &cli_ops, c);
	if (ret)
		return ret;
	client_at(c, sim_rng_range(&s->rng, 0, 10 * SIM_MS),
		  CEV(CEV_SUBMIT, 0));
	return 0;
}

void sim_client_stop(struct sim_client *c)
{
	if (!c->byz && c->sim)
		bft_cli_destroy(&c->cli);
}

/* ---- Byzantine clients ---- */

static void byzc_send(struct sim_client *c)
{
	struct sim *s = c->sim;
	uint8_t *buf = s->scratch, op[24];
	struct bft_iov iov;
	uint32_t len;
	uint64_t split = sim_rng_next(&s->rng);
	int i, j, good = (int)sim_rng_below(&s->rng, s->cfg.n);

	c->bts++;
	if (sim_rng_below(&s->rng, 8) == 0 && c->bts > 2)
		c->bts -= 2;	/* sometimes reuse an old timestamp */
	for (i = 0; i < s->cfg.n; i++) {
		int variant = c->byz == BYZC_SPLIT ? (int)(split >> i & 1) : 0;

		snprintf((char *)op, sizeof(op), "evil-c%d-t%" PRIu64 "-%d",
			 c->id, c->bts, variant);
		len = bft_enc_request(buf, BFT_WIRE_MAX_DGRAM, c->id, c->bts,
				      op, sizeof(op), 0, s->cfg.n);
		iov.base = buf;
		iov.len = BFT_REQ_FIXED + sizeof(op);
		for (j = 0; j < s->cfg.n; j++) {
			uint8_t *tag = buf + iov.len + j * BFT_MAC_LEN;

			if (c->byz == BYZC_BADAUTH && j != good) {
				uint64_t g = sim_rng_next(&s->rng);
				int k;

				for (k = 0; k < BFT_MAC_LEN; k += 8)
					memcpy(tag + k, &g, 8);
			} else {
				sim_mac(s, c->node, j, &iov, 1, tag);
			}
		}
		net_send(&s->net, c->node, i, buf, len);
	}
	s->st.byz_msgs += s->cfg.n;
}

/* ---- correct clients ---- */

/*
 * A PUT of a fresh value ((client + 1) << 32 | t, never 0) or a GET of
 * one of SIM_KEYS registers, padded to a random length; read-only
 * requests are GETs.  The stale-read script alternates PUT and
 * read-only GET on register 0.
 */
static uint32_t client_op(struct sim_client *c, uint8_t *op, uint32_t cap,
			  int *ro)
{
	struct sim *s = c->sim;
	uint32_t len = sim_rng_range(&s->rng, SVC_OP_MIN, cap), i;
	uint64_t v = (uint64_t)(c->id + 1) << 32 | (c->cli.ts + 1);
	int put;

	*ro = sim_rng_below(&s->rng, 100) < (uint64_t)s->cfg.ro_pct;
	put = !*ro && sim_rng_below(&s->rng, 2);
	op[1] = (uint8_t)sim_rng_below(&s->rng, SIM_KEYS);
	if (s->cfg.script) {
		put = !(c->submitted & 1);
		*ro = !put;
		op[1] = 0;
	}
	op[0] = put ? SVC_PUT : SVC_GET;
	bft_put64(op + 2, put ? v : 0);
	for (i = SVC_OP_MIN; i < len; i++)
		op[i] = (uint8_t)sim_rng_next(&s->rng);
	return len;
}

static void client_submit(struct sim_client *c)
{
	struct sim *s = c->sim;
	uint8_t op[64];
	int ro;
	uint32_t len = client_op(c, op, sizeof(op), &ro);
	sim_time_t base;
	int ret;

	ret = bft_cli_submit(&c->cli, op, len, ro, SIM_NOW_MS(s));
	if (ret) {
		check_fail(&s->check, s->sched.now,
			   "client c%d: submit failed (%d)", c->id, ret);
		return;
	}
	c->hop = sim_hist_invoke(s, c->id, op, len);
	c->submitted++;
	c->pending = 1;
	c->pending_ro = ro;
	c->submit_at = s->sched.now;
	trace_add(&s->trace, s->sched.now, TR_SUBMIT, c->node, -1,
		  BFT_MSG_REQUEST, len, c->cli.ts, ro, ro ? "read-only" : NULL);
	base = s->sched.now > s->cfg.stable_at ? s->sched.now :
		s->cfg.stable_at;
	client_at(c, base + s->cfg.live_bound,
		  CEV(CEV_LIVE, (uint64_t)c->submitted));
	client_resched(c);
}

/* Requests this client makes: client 0 streams in the robust scenario. */
static int client_reqs(const struct sim_client *c)
{
	const struct sim_cfg *cfg = &c->sim->cfg;

	return cfg->robust && c->id == 0 ? cfg->robust_reqs : cfg->reqs;
}

void sim_client_event(struct sim_client *c, uint64_t arg)
{
	struct sim *s = c->sim;
	uint64_t kind = arg >> 60, v = arg & ((1ULL << 60) - 1);

	if (c->id == s->admin) {
		sim_admin_event(c, kind, v);
		return;
	}
	if (c->byz) {
		if (kind != CEV_SUBMIT ||
		    s->sched.now > s->cfg.stable_at + SIM_SEC ||
		    c->bts > 60)
			return;
		byzc_send(c);
		client_at(c, s->sched.now +
			  sim_rng_range(&s->rng, 2 * SIM_MS, 30 * SIM_MS),
			  CEV(CEV_SUBMIT, 0));
		return;
	}
	switch (kind) {
	case CEV_SUBMIT:
		if (!c->pending && c->submitted < client_reqs(c))
			client_submit(c);
		break;
	case CEV_TIMER:
		if (v != c->timer_gen)
			break;
		c->timer_at = SIM_NEVER;
		bft_cli_tick(&c->cli, SIM_NOW_MS(s));
		client_resched(c);
		break;
	case CEV_LIVE:
		if (c->done < (int)v)
			check_fail(&s->check, s->sched.now,
				   "LIVENESS: client c%d request #%" PRIu64
				   " (t=%" PRIu64 ") submitted at %" PRIu64
				   "us not done %" PRIu64
				   "us after stabilisation", c->id, v,
				   c->cli.ts, c->submit_at,
				   s->cfg.live_bound);
		break;
	}
}

void sim_client_deliver(struct sim_client *c, int from, const uint8_t *buf,
			uint32_t len)
{
	struct sim *s = c->sim;
	struct bft_cli_result res;
	sim_time_t lat;
	int ret;

	if (c->id == s->admin) {
		sim_admin_deliver(c, from, buf, len);
		return;
	}
	if (c->byz) {
		trace_add(&s->trace, s->sched.now, TR_DELIVER, from, c->node,
			  sim_mtype(buf, len), len, 0, 0, "byz client");
		return;
	}
	ret = bft_cli_receive(&c->cli, buf, len, SIM_NOW_MS(s), &res);
	trace_add(&s->trace, s->sched.now, TR_DELIVER, from, c->node,
		  sim_mtype(buf, len), len, ret < 0 ? -ret : 0, 0, NULL);
	if (ret == BFT_CLI_CONFLICT) {
		s->st.conflicts++;
		check_fail(&s->check, s->sched.now,
			   "SAFETY: client c%d: no f+1 agreement possible for t=%"
			   PRIu64, c->id, c->cli.ts);
	} else if (ret == BFT_CLI_DONE) {
		if (res.result_len != SIM_RES_LEN) {
			check_fail(&s->check, s->sched.now,
				   "client c%d: result length %u", c->id,
				   res.result_len);
			return;
		}
		check_accept(&s->check, s->sched.now, c->id, res.ts,
			     bft_get64(res.result), res.readonly);
		sim_hist_complete(s, c->hop, res.result, res.result_len);
		trace_add(&s->trace, s->sched.now, TR_ACCEPT, c->node, -1, -1,
			  0, res.ts, bft_get64(res.result + 8),
			  res.readonly ? "read-only" : NULL);
		c->done++;
		c->pending = 0;
		s->st.accepted++;
		lat = s->sched.now - c->submit_at;
		c->lat_sum += lat;
		if (lat > c->lat_max)
			c->lat_max = lat;
		if (c->done < client_reqs(c)) {
			client_at(c, s->sched.now +
				  sim_rng_range(&s->rng, 0,
						 s->cfg.think_ms * SIM_MS),
				  CEV(CEV_SUBMIT, 0));
		} else if (++s->clients_done == s->cfg.nclients) {
			s->all_done_at = s->sched.now;
		}
		return;
	}
	client_resched(c);
}
