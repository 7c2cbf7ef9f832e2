// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the linearizability checker: known non-linearizable
 * histories must be rejected, linearizable ones (overlapping, pending,
 * per-key) accepted, and random histories generated from a real
 * sequential execution with linearization points inside the intervals
 * accepted until one result is corrupted.  One kselftest_harness.h
 * test per table row and per random history size.
 */
#include "kselftest_harness.h"
#include "lin.h"

#define P LIN_PENDING

enum { LINEARIZABLE = 0, VIOLATION = 1 };	/* lin_check()'s verdict */

struct top {			/* one op in a table-driven case */
	int client, kind;
	uint64_t key, arg, arg2;
	int absent;
	uint64_t call, ret;	/* ret P: pending */
	int ok;
	uint64_t out;
};

FIXTURE(table) {
	struct lin_hist h;
};

FIXTURE_VARIANT(table) {
	const struct top *ops;
	size_t n;
	int want;
};

FIXTURE_SETUP(table)
{
	lin_init(&self->h);
}

FIXTURE_TEARDOWN(table)
{
	lin_free(&self->h);
}

TEST_F(table, verdict)
{
	char why[256] = "";
	size_t i, k;
	int got;

	for (i = 0; i < variant->n; i++) {
		const struct top *t = &variant->ops[i];

		k = lin_invoke(&self->h, t->client, t->kind, t->key, t->arg,
			       t->arg2, t->absent, t->call);
		ASSERT_NE((size_t)-1, k);
		if (t->ret != P)
			lin_complete(&self->h, k, t->ret, t->ok, t->out);
	}
	got = lin_check(&self->h, why, sizeof(why), NULL);
	if (got)
		TH_LOG("%s", why);
	if (got != variant->want)
		lin_check(&self->h, why, sizeof(why), stderr);
	ASSERT_EQ(variant->want, got);
}

/* One table row: the history's ops, in invocation order. */
#define CASE(name, want_, ...)						\
	static const struct top name##_ops[] = { __VA_ARGS__ };		\
	FIXTURE_VARIANT_ADD(table, name) {				\
		.ops = name##_ops,					\
		.n = ARRAY_SIZE(name##_ops),				\
		.want = want_,						\
	}

/* client, kind, key, arg, arg2, absent, call, ret, ok, out */
#define PUT(c, k, v, a, b)	{ c, LIN_PUT, k, v, 0, 0, a, b, 1, 0 }
#define GET(c, k, v, a, b)	{ c, LIN_GET, k, 0, 0, 0, a, b, 1, v }
#define GETNONE(c, k, a, b)	{ c, LIN_GET, k, 0, 0, 0, a, b, 0, 0 }
#define DEL(c, k, ok, a, b)	{ c, LIN_DEL, k, 0, 0, 0, a, b, ok, 0 }
#define CAS(c, k, x, y, ok, a, b) { c, LIN_CAS, k, x, y, 0, a, b, ok, 0 }
#define CASNEW(c, k, y, ok, a, b) { c, LIN_CAS, k, 0, y, 1, a, b, ok, 0 }

FIXTURE_VARIANT_ADD(table, empty_history) {
	.want = LINEARIZABLE,
};

CASE(sequential_put_get, LINEARIZABLE,
	PUT(0, 1, 7, 0, 10), GET(0, 1, 7, 20, 30));
CASE(initially_absent, LINEARIZABLE, GETNONE(0, 1, 0, 10));
CASE(read_of_a_value_never_written, VIOLATION, GET(0, 1, 9, 0, 10));
/* finding 4 of issue 10 */
CASE(stale_read_after_own_completed_write, VIOLATION,
	PUT(0, 1, 7, 0, 10), GETNONE(0, 1, 20, 30));
CASE(stale_read_after_another_clients_completed_write, VIOLATION,
	PUT(0, 1, 7, 0, 10), PUT(1, 1, 8, 20, 30), GET(0, 1, 7, 40, 50));
CASE(read_overlapping_a_write_sees_the_old_value, LINEARIZABLE,
	PUT(0, 1, 7, 0, 100), GETNONE(1, 1, 10, 20));
CASE(read_overlapping_a_write_sees_the_new_value, LINEARIZABLE,
	PUT(0, 1, 7, 0, 100), GET(1, 1, 7, 10, 20));
CASE(new_old_inversion_during_a_write, VIOLATION,
	PUT(0, 1, 7, 0, 100), GET(1, 1, 7, 10, 20), GETNONE(2, 1, 30, 40));
CASE(old_new_during_a_write, LINEARIZABLE,
	PUT(0, 1, 7, 0, 100), GETNONE(1, 1, 10, 20), GET(2, 1, 7, 30, 40));
CASE(concurrent_writes_either_order, LINEARIZABLE,
	PUT(0, 1, 1, 0, 50), PUT(1, 1, 2, 10, 60),
	GET(2, 1, 1, 70, 80), GET(2, 1, 1, 90, 95));
CASE(concurrent_writes_value_flips_back, VIOLATION,
	PUT(0, 1, 1, 0, 50), PUT(1, 1, 2, 10, 60),
	GET(2, 1, 1, 70, 80), GET(2, 1, 2, 90, 95), GET(2, 1, 1, 100, 110));
CASE(two_readers_disagree_on_the_order_of_two_writes, VIOLATION,
	PUT(0, 1, 1, 0, 50), PUT(1, 1, 2, 0, 50),
	GET(2, 1, 1, 60, 70), GET(3, 1, 2, 60, 70),
	GET(2, 1, 2, 80, 90), GET(3, 1, 1, 80, 90));
CASE(equal_end_start_times_count_as_concurrent, LINEARIZABLE,
	PUT(0, 1, 7, 0, 10), GETNONE(1, 1, 10, 20));
CASE(pending_write_taken_effect, LINEARIZABLE,
	PUT(0, 1, 5, 0, P), GET(1, 1, 5, 10, 20));
CASE(pending_write_never_taken_effect, LINEARIZABLE,
	PUT(0, 1, 5, 0, P), GETNONE(1, 1, 10, 20), GETNONE(1, 1, 30, 40));
CASE(pending_write_takes_effect_between_reads, LINEARIZABLE,
	PUT(0, 1, 5, 0, P), GETNONE(1, 1, 10, 20), GET(1, 1, 5, 30, 40));
CASE(pending_write_seen_then_unseen, VIOLATION,
	PUT(0, 1, 5, 0, P), GET(1, 1, 5, 10, 20), GETNONE(1, 1, 30, 40));
/* the write is invoked after the read returned */
CASE(read_from_the_future, VIOLATION,
	GET(1, 1, 5, 0, 10), PUT(0, 1, 5, 20, P));
CASE(pending_read_is_unconstrained, LINEARIZABLE,
	PUT(0, 1, 5, 0, 10), { 1, LIN_GET, 1, 0, 0, 0, 20, P, 0, 0 });
CASE(del_then_get, LINEARIZABLE,
	PUT(0, 1, 5, 0, 10), DEL(0, 1, 1, 20, 30),
	GETNONE(1, 1, 40, 50), DEL(1, 1, 0, 60, 70));
CASE(del_of_a_missing_key_reports_found, VIOLATION, DEL(0, 1, 1, 0, 10));
CASE(cas_success, LINEARIZABLE,
	PUT(0, 1, 1, 0, 10), CAS(0, 1, 1, 2, 1, 20, 30), GET(1, 1, 2, 40, 50));
CASE(cas_success_lost, VIOLATION,
	PUT(0, 1, 1, 0, 10), CAS(0, 1, 1, 2, 1, 20, 30), GET(1, 1, 1, 40, 50));
CASE(cas_mismatch_must_fail, VIOLATION,
	PUT(0, 1, 1, 0, 10), CAS(0, 1, 3, 2, 1, 20, 30));
CASE(cas_absent_creates_once, LINEARIZABLE,
	CASNEW(0, 1, 4, 1, 0, 100), CASNEW(1, 1, 5, 0, 0, 100),
	GET(2, 1, 4, 110, 120));
CASE(cas_absent_both_succeed, VIOLATION,
	CASNEW(0, 1, 4, 1, 0, 100), CASNEW(1, 1, 5, 1, 0, 100));
CASE(keys_are_independent, LINEARIZABLE,
	PUT(0, 1, 1, 0, 10), PUT(0, 2, 2, 20, 30),
	GET(1, 1, 1, 40, 50), GET(1, 2, 2, 40, 50));
CASE(violation_on_one_key_among_good_ones, VIOLATION,
	PUT(0, 1, 1, 0, 10), PUT(0, 2, 2, 20, 30),
	GET(1, 1, 1, 40, 50), GETNONE(1, 2, 40, 50), PUT(2, 3, 3, 0, 5));

/*
 * A random history with real linearization points: each client's op
 * takes effect at a point in [call, ret] on a real store of 3 keys;
 * some ops stay pending (their effect applied or not).  Then one GET
 * result is changed to a value never written: it must be rejected.
 */
FIXTURE(generated) {
	struct lin_hist h;
	uint64_t rng;
};

FIXTURE_VARIANT(generated) {
	int rounds, clients, per_client;
	uint64_t seed;
};

/*
 * The seeds are where the xorshift state stood when the three sizes ran
 * one after the other in one process, so the histories are unchanged.
 */
FIXTURE_VARIANT_ADD(generated, c3_x10_300_rounds) {
	.rounds = 300, .clients = 3, .per_client = 10,
	.seed = 0x2545f4914f6cdd1dULL,
};

FIXTURE_VARIANT_ADD(generated, c8_x60_50_rounds) {
	.rounds = 50, .clients = 8, .per_client = 60,
	.seed = 0xdec0dafb02e1178cULL,
};

FIXTURE_VARIANT_ADD(generated, c16_x400_5_rounds) {
	.rounds = 5, .clients = 16, .per_client = 400,
	.seed = 0xfb76a2b04bea3665ULL,
};

FIXTURE_SETUP(generated)
{
	lin_init(&self->h);
	self->rng = variant->seed;
}

FIXTURE_TEARDOWN(generated)
{
	lin_free(&self->h);
}

static uint64_t rnd(uint64_t *s, uint64_t below)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s % below;
}

/* A real store of 3 keys and the clients' progress. */
struct gen {
	uint64_t *rng;
	uint64_t present[3], val[3], nextv;
	uint64_t busy_until[16];	/* >= UINT64_MAX / 2: gone */
};

/* Client c's op, taking effect at lp: applied to the store, recorded. */
static void gen_op(struct lin_hist *h, struct gen *g, int c, uint64_t key,
		   int kind, uint64_t lp)
{
	uint64_t call, ret, out = 0, arg = 0, arg2 = 0;
	int ok = 1;
	size_t k;

	/* invoked after the client's previous op returned */
	call = lp - rnd(g->rng, lp < 20 ? lp + 1 : 20);
	if (call < g->busy_until[c])
		call = g->busy_until[c];
	ret = lp + rnd(g->rng, 20);
	switch (kind) {
	case LIN_PUT:
		arg = g->nextv++;
		g->present[key] = 1;
		g->val[key] = arg;
		break;
	case LIN_GET:
		ok = (int)g->present[key];
		out = ok ? g->val[key] : 0;
		break;
	case LIN_DEL:
		ok = (int)g->present[key];
		g->present[key] = 0;
		break;
	case LIN_CAS:
		arg = rnd(g->rng, 2) && g->present[key] ? g->val[key] :
			g->nextv + 1000;
		arg2 = g->nextv++;
		ok = g->present[key] && g->val[key] == arg;
		if (ok)
			g->val[key] = arg2;
		break;
	}
	k = lin_invoke(h, (uint32_t)c, kind, key, arg, arg2, 0, call);
	if (rnd(g->rng, 30) == 0) {
		g->busy_until[c] = UINT64_MAX / 2;
		return;
	}
	lin_complete(h, k, ret, ok, out);
	g->busy_until[c] = ret + 1;
}

/* A history of clients x per_client ops (fewer if all clients are gone). */
static void gen_history(struct lin_hist *h, uint64_t *rng, int clients,
			int per_client)
{
	struct gen g = { .rng = rng, .nextv = 1 };
	int c, done;
	uint64_t t = 0;
	size_t i;

	/* the linearization order is the order of the loop */
	for (done = 0; done < clients * per_client; done++) {
		uint64_t key = rnd(rng, 3);
		int kind = (int)rnd(rng, 4) + 1;

		for (i = 0, c = -1; i < 64 && c < 0; i++) {
			c = (int)rnd(rng, (uint64_t)clients);
			if (g.busy_until[c] >= UINT64_MAX / 2)
				c = -1;
		}
		if (c < 0)
			break;
		t += rnd(rng, 5);
		if (t < g.busy_until[c])
			t = g.busy_until[c];
		gen_op(h, &g, c, key, kind, t);
	}
}

TEST_F(generated, accepted_then_corrupted_rejected)
{
	int round, bad_ok = 0, good_ok = 0;
	struct lin_hist *h = &self->h;

	for (round = 0; round < variant->rounds; round++) {
		size_t i, pick = (size_t)-1;
		char why[256];

		lin_init(h);
		gen_history(h, &self->rng, variant->clients,
			    variant->per_client);
		if (!lin_check(h, why, sizeof(why), NULL))
			good_ok++;
		else
			TH_LOG("random round %d rejected: %s", round, why);
		for (i = 0; i < h->n; i++)
			if (h->ops[i].kind == LIN_GET && h->ops[i].known &&
			    rnd(&self->rng, 3) == 0) {
				pick = i;
				break;
			}
		if (pick != (size_t)-1) {
			h->ops[pick].ok = 1;
			h->ops[pick].out = 1000000 + rnd(&self->rng, 1000);
			if (lin_check(h, why, sizeof(why), NULL) == 1)
				bad_ok++;
			else
				TH_LOG("random round %d: corrupt read accepted",
				       round);
		} else {
			bad_ok++;
		}
		lin_free(h);
	}
	TH_LOG("random %dx%d histories: %d/%d accepted, %d/%d corrupted rejected",
	       variant->clients, variant->per_client, good_ok,
	       variant->rounds, bad_ok, variant->rounds);
	EXPECT_EQ(variant->rounds, good_ok);
	EXPECT_EQ(variant->rounds, bad_ok);
}

TEST_HARNESS_MAIN
