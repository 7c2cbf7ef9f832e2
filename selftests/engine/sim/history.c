// SPDX-License-Identifier: GPL-2.0
/*
 * Client-observed history: every correct client's invoke and complete
 * events (virtual time, op, key, value, result), checked at the end of
 * a run for linearizability against the KV model (selftests/lin/lin.c).
 * Times are recorded as (virtual us << 20 | event ordinal), so events at
 * the same microsecond keep the order in which the simulator ran them.
 */
#include <stdio.h>
#include <string.h>
#include <inttypes.h>

#include "sim.h"

#define HIST_SHIFT	20

static uint64_t hist_now(struct sim *s)
{
	return (uint64_t)s->sched.now << HIST_SHIFT |
		(s->hseq++ & ((1ULL << HIST_SHIFT) - 1));
}

void sim_hist_init(struct sim *s)
{
	lin_init(&s->hist);
	s->hist.tshift = HIST_SHIFT;
	s->hist.tunit = "us";
}

void sim_hist_free(struct sim *s)
{
	lin_free(&s->hist);
}

size_t sim_hist_invoke(struct sim *s, int client, const uint8_t *op,
		       uint32_t len)
{
	uint64_t val;
	uint32_t key;
	int code = svc_decode(op, len, &key, &val);

	if (!code)
		return SIM_HIST_NONE;
	return lin_invoke(&s->hist, (uint32_t)client,
			  code == SVC_PUT ? LIN_PUT : LIN_GET, key, val, 0, 0,
			  hist_now(s));
}

void sim_hist_complete(struct sim *s, size_t i, const uint8_t *res,
		       uint32_t len)
{
	uint64_t v;

	if (i == SIM_HIST_NONE || len != SIM_RES_LEN)
		return;
	v = bft_get64(res + 8);
	/* registers hold nonzero values; 0 reads as absent */
	lin_complete(&s->hist, i, hist_now(s), v != 0, v);
}

int sim_hist_check(struct sim *s)
{
	char why[256];
	int ret;

	ret = lin_check(&s->hist, why, sizeof(why),
			s->cfg.quiet && !s->cfg.trace ? NULL : stdout);
	if (ret) {
		if (s->cfg.quiet && !s->cfg.trace && !s->cfg.silent)
			lin_check(&s->hist, why, sizeof(why), stdout);
		check_fail(&s->check, s->sched.now, "%s", why);
	}
	return ret;
}
