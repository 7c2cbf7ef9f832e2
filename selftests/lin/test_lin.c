// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the linearizability checker: known non-linearizable
 * histories must be rejected, linearizable ones (overlapping, pending,
 * per-key) accepted, and random histories generated from a real
 * sequential execution with linearization points inside the intervals
 * accepted until one result is corrupted.
 *
 *   lintest [--res FILE]      one test per case, "<passed> <failed>"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lin.h"

static int passed, failed;

#define P LIN_PENDING

struct top {			/* one op in a table-driven case */
	int client, kind;
	uint64_t key, arg, arg2;
	int absent;
	uint64_t call, ret;	/* ret P: pending */
	int ok;
	uint64_t out;
};

static void expect(const char *name, const struct top *t, size_t n,
		   int want)
{
	struct lin_hist h;
	char why[256];
	size_t i, k;
	int got;

	lin_init(&h);
	for (i = 0; i < n; i++) {
		k = lin_invoke(&h, t[i].client, t[i].kind, t[i].key, t[i].arg,
			       t[i].arg2, t[i].absent, t[i].call);
		if (t[i].ret != P)
			lin_complete(&h, k, t[i].ret, t[i].ok, t[i].out);
	}
	got = lin_check(&h, why, sizeof(why), NULL);
	if (got == want) {
		passed++;
		printf("ok - %s%s%s\n", name, got ? ": " : "", got ? why : "");
	} else {
		failed++;
		printf("FAIL - %s: got %d want %d (%s)\n", name, got, want,
		       why);
		lin_check(&h, why, sizeof(why), stdout);
	}
	lin_free(&h);
}

#define CASE(name, want, ...) do {					\
	static const struct top t_[] = { __VA_ARGS__ };			\
	expect(name, t_, sizeof(t_) / sizeof(t_[0]), want);		\
} while (0)

/* client, kind, key, arg, arg2, absent, call, ret, ok, out */
#define PUT(c, k, v, a, b)	{ c, LIN_PUT, k, v, 0, 0, a, b, 1, 0 }
#define GET(c, k, v, a, b)	{ c, LIN_GET, k, 0, 0, 0, a, b, 1, v }
#define GETNONE(c, k, a, b)	{ c, LIN_GET, k, 0, 0, 0, a, b, 0, 0 }
#define DEL(c, k, ok, a, b)	{ c, LIN_DEL, k, 0, 0, 0, a, b, ok, 0 }
#define CAS(c, k, x, y, ok, a, b) { c, LIN_CAS, k, x, y, 0, a, b, ok, 0 }
#define CASNEW(c, k, y, ok, a, b) { c, LIN_CAS, k, 0, y, 1, a, b, ok, 0 }

static void table_cases(void)
{
	expect("empty history", NULL, 0, 0);
	CASE("sequential put/get", 0,
	     PUT(0, 1, 7, 0, 10), GET(0, 1, 7, 20, 30));
	CASE("initially absent", 0, GETNONE(0, 1, 0, 10));
	CASE("read of a value never written", 1, GET(0, 1, 9, 0, 10));
	CASE("stale read after own completed write (finding 4)", 1,
	     PUT(0, 1, 7, 0, 10), GETNONE(0, 1, 20, 30));
	CASE("stale read after another client's completed write", 1,
	     PUT(0, 1, 7, 0, 10), PUT(1, 1, 8, 20, 30),
	     GET(0, 1, 7, 40, 50));
	CASE("read overlapping a write sees the old value", 0,
	     PUT(0, 1, 7, 0, 100), GETNONE(1, 1, 10, 20));
	CASE("read overlapping a write sees the new value", 0,
	     PUT(0, 1, 7, 0, 100), GET(1, 1, 7, 10, 20));
	CASE("new-old inversion during a write", 1,
	     PUT(0, 1, 7, 0, 100), GET(1, 1, 7, 10, 20),
	     GETNONE(2, 1, 30, 40));
	CASE("old-new during a write", 0,
	     PUT(0, 1, 7, 0, 100), GETNONE(1, 1, 10, 20),
	     GET(2, 1, 7, 30, 40));
	CASE("concurrent writes, either order", 0,
	     PUT(0, 1, 1, 0, 50), PUT(1, 1, 2, 10, 60),
	     GET(2, 1, 1, 70, 80), GET(2, 1, 1, 90, 95));
	CASE("concurrent writes, value flips back", 1,
	     PUT(0, 1, 1, 0, 50), PUT(1, 1, 2, 10, 60),
	     GET(2, 1, 1, 70, 80), GET(2, 1, 2, 90, 95),
	     GET(2, 1, 1, 100, 110));
	CASE("two readers disagree on the order of two writes", 1,
	     PUT(0, 1, 1, 0, 50), PUT(1, 1, 2, 0, 50),
	     GET(2, 1, 1, 60, 70), GET(3, 1, 2, 60, 70),
	     GET(2, 1, 2, 80, 90), GET(3, 1, 1, 80, 90));
	CASE("equal end/start times count as concurrent", 0,
	     PUT(0, 1, 7, 0, 10), GETNONE(1, 1, 10, 20));
	CASE("pending write taken effect", 0,
	     PUT(0, 1, 5, 0, P), GET(1, 1, 5, 10, 20));
	CASE("pending write never taken effect", 0,
	     PUT(0, 1, 5, 0, P), GETNONE(1, 1, 10, 20),
	     GETNONE(1, 1, 30, 40));
	CASE("pending write takes effect between reads", 0,
	     PUT(0, 1, 5, 0, P), GETNONE(1, 1, 10, 20),
	     GET(1, 1, 5, 30, 40));
	CASE("pending write seen then unseen", 1,
	     PUT(0, 1, 5, 0, P), GET(1, 1, 5, 10, 20),
	     GETNONE(1, 1, 30, 40));
	CASE("read from the future (write invoked later)", 1,
	     GET(1, 1, 5, 0, 10), PUT(0, 1, 5, 20, P));
	CASE("pending read is unconstrained", 0,
	     PUT(0, 1, 5, 0, 10), { 1, LIN_GET, 1, 0, 0, 0, 20, P, 0, 0 });
	CASE("del then get", 0,
	     PUT(0, 1, 5, 0, 10), DEL(0, 1, 1, 20, 30),
	     GETNONE(1, 1, 40, 50), DEL(1, 1, 0, 60, 70));
	CASE("del of a missing key reports found", 1,
	     DEL(0, 1, 1, 0, 10));
	CASE("cas success", 0,
	     PUT(0, 1, 1, 0, 10), CAS(0, 1, 1, 2, 1, 20, 30),
	     GET(1, 1, 2, 40, 50));
	CASE("cas success lost", 1,
	     PUT(0, 1, 1, 0, 10), CAS(0, 1, 1, 2, 1, 20, 30),
	     GET(1, 1, 1, 40, 50));
	CASE("cas mismatch must fail", 1,
	     PUT(0, 1, 1, 0, 10), CAS(0, 1, 3, 2, 1, 20, 30));
	CASE("cas absent creates once", 0,
	     CASNEW(0, 1, 4, 1, 0, 100), CASNEW(1, 1, 5, 0, 0, 100),
	     GET(2, 1, 4, 110, 120));
	CASE("cas absent both succeed", 1,
	     CASNEW(0, 1, 4, 1, 0, 100), CASNEW(1, 1, 5, 1, 0, 100));
	CASE("keys are independent", 0,
	     PUT(0, 1, 1, 0, 10), PUT(0, 2, 2, 20, 30),
	     GET(1, 1, 1, 40, 50), GET(1, 2, 2, 40, 50));
	CASE("violation on one key among good ones", 1,
	     PUT(0, 1, 1, 0, 10), PUT(0, 2, 2, 20, 30),
	     GET(1, 1, 1, 40, 50), GETNONE(1, 2, 40, 50),
	     PUT(2, 3, 3, 0, 5));
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(uint64_t below)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % below;
}

/*
 * A random history with real linearization points: each client's op
 * takes effect at a point in [call, ret] on a real store of 3 keys;
 * some ops stay pending (their effect applied or not).  Then one GET
 * result is changed to a value never written: it must be rejected.
 */
static void random_cases(int rounds, int clients, int per_client)
{
	int round, bad_ok = 0, good_ok = 0;

	for (round = 0; round < rounds; round++) {
		struct lin_hist h;
		uint64_t present[3] = { 0 }, val[3] = { 0 }, t = 0, nextv = 1;
		uint64_t busy_until[16] = { 0 };
		size_t i, pick = (size_t)-1;
		int c, total = clients * per_client, done;
		char why[256];

		lin_init(&h);
		/* the linearization order is the order of the loop */
		for (done = 0; done < total; done++) {
			uint64_t key = rnd(3), call, lp, ret;
			int kind = (int)rnd(4) + 1, ok = 1;
			uint64_t out = 0, arg = 0, arg2 = 0;
			size_t k;

			for (i = 0, c = -1; i < 64 && c < 0; i++) {
				c = (int)rnd((uint64_t)clients);
				if (busy_until[c] >= UINT64_MAX / 2)
					c = -1;
			}
			if (c < 0)
				break;
			t += rnd(5);
			if (t < busy_until[c])
				t = busy_until[c];
			lp = t;
			/* invoked after the client's previous op returned */
			call = lp - rnd(lp < 20 ? lp + 1 : 20);
			if (call < busy_until[c])
				call = busy_until[c];
			ret = lp + rnd(20);
			switch (kind) {
			case LIN_PUT:
				arg = nextv++;
				present[key] = 1;
				val[key] = arg;
				break;
			case LIN_GET:
				ok = (int)present[key];
				out = ok ? val[key] : 0;
				break;
			case LIN_DEL:
				ok = (int)present[key];
				present[key] = 0;
				break;
			case LIN_CAS:
				arg = rnd(2) && present[key] ? val[key] :
					nextv + 1000;
				arg2 = nextv++;
				ok = present[key] && val[key] == arg;
				if (ok)
					val[key] = arg2;
				break;
			}
			k = lin_invoke(&h, (uint32_t)c, kind, key, arg, arg2,
				       0, call);
			if (rnd(30) == 0) {
				busy_until[c] = UINT64_MAX / 2; /* gone */
				continue;
			}
			lin_complete(&h, k, ret, ok, out);
			busy_until[c] = ret + 1;
		}
		if (!lin_check(&h, why, sizeof(why), NULL))
			good_ok++;
		else
			printf("  random round %d rejected: %s\n", round, why);
		for (i = 0; i < h.n; i++)
			if (h.ops[i].kind == LIN_GET && h.ops[i].known &&
			    rnd(3) == 0) {
				pick = i;
				break;
			}
		if (pick != (size_t)-1) {
			h.ops[pick].ok = 1;
			h.ops[pick].out = 1000000 + rnd(1000);
			if (lin_check(&h, why, sizeof(why), NULL) == 1)
				bad_ok++;
			else
				printf("  random round %d: corrupt read accepted\n",
				       round);
		} else {
			bad_ok++;
		}
		lin_free(&h);
	}
	if (good_ok == rounds && bad_ok == rounds) {
		passed++;
		printf("ok - random %dx%d histories: %d accepted, %d corrupted rejected\n",
		       clients, per_client, good_ok, bad_ok);
	} else {
		failed++;
		printf("FAIL - random %dx%d: %d/%d accepted, %d/%d rejected\n",
		       clients, per_client, good_ok, rounds, bad_ok, rounds);
	}
}

int main(int argc, char **argv)
{
	const char *res = NULL;
	FILE *f;

	if (argc == 3 && !strcmp(argv[1], "--res"))
		res = argv[2];
	table_cases();
	random_cases(300, 3, 10);
	random_cases(50, 8, 60);
	random_cases(5, 16, 400);
	printf("lintest: %d passed, %d failed\n", passed, failed);
	if (res) {
		f = fopen(res, "w");
		if (!f)
			return 2;
		fprintf(f, "%d %d\n", passed, failed);
		fclose(f);
	}
	return failed ? 1 : 0;
}
