// SPDX-License-Identifier: GPL-2.0
/*
 * bft simulator command line.
 *
 *   sim --seed S [--n N] [--byz STRAT] [--trace]   one run, verbose
 *   sim --seeds N [--start S] [--jobs J] [--res F]  sweep, one test/seed
 *   sim --not-blind N [--res F]   broken quorum must be caught
 *   sim --macs                    MAC ops per request at the primary
 *   sim --twins N [--twins-rounds R] [--twins-enum] [--start S] [--jobs J]
 *   sim --twins-id ID [--trace]   Twins (twins.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "driver.h"

struct rec {
	uint64_t seed, events;
	int32_t n, byz, failed, crash, faults, parts, byzc, pad;
	uint64_t vcs, xfers, evidence, dropped, dups;
	uint64_t tent, rollbacks;
};

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sim [--seed S | --seeds N [--start S] [--jobs J]]\n"
		"           [--n N] [--byz none|silent|equivocate|macforge|replay|vcliar|flood|stalero|slow|selective]\n"
		"           [--reconf 0|1|2|3]\n"
		"           [--nbyz K] [--byz-primary 0|1] [--byzc none|split|badauth]\n"
		"           [--crash 0|1] [--faults 0|1] [--broken-quorum] [--stale-read]\n"
		"           [--faulty-primary slow|selective] [--calm-resize]\n"
		"           [--trace] [--last N] [--res FILE]\n"
		"       sim --not-blind N [--res FILE]\n"
		"       sim --macs\n"
		"       sim --twins N [--twins-rounds R] [--twins-enum] [--twins-keep 0|1]\n"
		"           [--start S] [--jobs J] [--res FILE]\n"
		"       sim --twins-id ID [--twins-keep 0|1] [--trace]\n"
		"       --expect-rollback: fail unless tentative work was undone\n");
	exit(2);
}

static void write_res(const char *path, long pass, long fail)
{
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fprintf(f, "%ld %ld\n", pass, fail);
	fclose(f);
}

static int sweep(struct opts *o)
{
	long fail_n[2][BYZ_NSTRAT] = { { 0 } }, cnt[2][BYZ_NSTRAT] = { { 0 } };
	long pass = 0, fail = 0, total = 0;
	long cv[10] = { 0 };	/* coverage: see the printf below */
	uint64_t events = 0;
	int fds[64][2], j, k, nj = o->jobs;
	double t0 = now_sec(), dt;
	struct rec r;

	if (nj < 1 || nj > 64)
		nj = 1;
	fflush(stdout);
	for (j = 0; j < nj; j++) {
		if (pipe(fds[j]))
			return 2;
		if (fork() == 0) {
			static char buf[1 << 20];
			long i;

			setvbuf(stdout, buf, _IOFBF, sizeof(buf));
			close(fds[j][0]);
			for (i = j; i < o->seeds; i += nj) {
				struct sim_cfg c;
				struct run_result rr;

				cfg_for_seed(&c, o, o->start + i);
				run_one(&c, o, &rr);
				fflush(stdout);
				memset(&r, 0, sizeof(r));
				r.seed = c.seed;
				r.events = rr.events;
				r.n = c.n;
				r.byz = c.byz;
				r.failed = rr.failed;
				r.crash = rr.crash;
				r.faults = rr.faults;
				r.parts = rr.parts;
				r.byzc = rr.byzc;
				r.vcs = rr.view_changes;
				r.xfers = rr.xfers;
				r.evidence = rr.evidence;
				r.dropped = rr.dropped;
				r.dups = rr.dups;
				r.tent = rr.tent;
				r.rollbacks = rr.rollbacks;
				if (write(fds[j][1], &r, sizeof(r)) != sizeof(r))
					_exit(2);
			}
			_exit(0);
		}
		close(fds[j][1]);
	}
	for (j = 0; j < nj; j++) {
		while (read(fds[j][0], &r, sizeof(r)) == sizeof(r)) {
			k = r.n == 4 ? 0 : 1;
			total++;
			events += r.events;
			cnt[k][r.byz]++;
			cv[0] += r.faults;
			cv[1] += r.parts > 0;
			cv[2] += r.crash;
			cv[3] += r.xfers > 0;
			cv[4] += r.vcs > 0;
			cv[5] += r.evidence > 0;
			cv[6] += r.byzc == BYZC_SPLIT;
			cv[7] += r.byzc == BYZC_BADAUTH;
			cv[8] += r.tent > 0;
			cv[9] += r.rollbacks > 0;
			if (r.failed) {
				fail++;
				fail_n[k][r.byz]++;
			} else {
				pass++;
			}
		}
		close(fds[j][0]);
	}
	while (wait(NULL) > 0)
		;
	dt = now_sec() - t0;
	printf("\n%-12s %14s %14s\n", "strategy", "n=4 fail/runs",
	       "n>4 fail/runs");
	for (j = 0; j < BYZ_NSTRAT; j++)
		printf("%-12s %7ld/%-6ld %7ld/%-6ld\n", byz_name(j),
		       fail_n[0][j], cnt[0][j], fail_n[1][j], cnt[1][j]);
	printf("coverage (seeds): network faults %ld, partitions %ld, crash+restart %ld, state transfer %ld, view change %ld, evidence %ld, byz client split %ld / badauth %ld, tentative execution %ld, rollback %ld\n",
	       cv[0], cv[1], cv[2], cv[3], cv[4], cv[5], cv[6], cv[7], cv[8],
	       cv[9]);
	printf("sim: %ld seeds, %ld passed, %ld failed, %.1f s, %.0f seeds/minute, %.0f events/s (%d jobs)\n",
	       total, pass, fail, dt, dt > 0 ? total * 60.0 / dt : 0.0,
	       dt > 0 ? events / dt : 0.0, nj);
	if (total != o->seeds) {
		fprintf(stderr, "sim: %ld seeds lost (worker crashed?)\n",
			o->seeds - total);
		fail += o->seeds - total;
	}
	write_res(o->res, pass, fail);
	return fail ? 1 : 0;
}

/* The engine with quorums one vote short must be caught. */
static int not_blind(struct opts *o)
{
	long i;

	o->broken = 1;
	if (!o->last)
		o->last = 12;
	if (o->n <= 0)
		o->n = 4;
	if (o->byz < 0)
		o->byz = BYZ_EQUIVOCATE;
	if (o->byz_primary < 0)
		o->byz_primary = 1;
	printf("not-blind: quorums one vote short (BFT_CFG_F_QUORUM_SHORT); a safety violation MUST be found:\n");
	for (i = 0; i < o->seeds; i++) {
		struct sim_cfg c;
		struct run_result rr;

		cfg_for_seed(&c, o, o->start + i);
		if (run_one(&c, o, &rr)) {
			printf("not-blind: broken quorum caught at seed %" PRIu64
			       " after %ld seeds: PASS\n", c.seed, i + 1);
			write_res(o->res, 1, 0);
			return 0;
		}
	}
	printf("not-blind: broken quorum NOT caught in %ld seeds: FAIL\n",
	       o->seeds);
	write_res(o->res, 0, 1);
	return 1;
}

static int macs(struct opts *o)
{
	static const int bs[] = { 1, 16, 64 };
	int i, rc = 0;

	printf("MAC operations per committed request at the primary, n=4\n");
	printf("%6s %10s %10s %12s %14s\n", "batch", "requests", "avg-batch",
	       "macs/req", "target 2+12/b");
	for (i = 0; i < 3; i++) {
		struct sim_cfg c;
		struct run_result rr;
		double per, avg;

		o->n = 4;
		o->byz = BYZ_NONE;
		o->byzc = BYZC_NONE;
		o->crash = 0;
		o->faults = 0;
		cfg_for_seed(&c, o, 1 + i);
		c.batch = bs[i];
		/* more clients than a batch holds keep batches fuller */
		c.nclients = bs[i] == 1 ? 4 : bs[i] == 16 ? 64 : 2 * bs[i];
		c.reqs = bs[i] == 64 ? 10 : 30;
		c.window = 1;
		c.ckpt = 32;
		c.ro_pct = 0;
		c.think_ms = 0;
		c.batch_delay_ms = bs[i] == 1 ? 1 : 40;
		c.cli_ms = 2000;
		c.quiet = 1;
		/* dozens of clients at once on 3 keys: too wide to search */
		c.no_history = 1;
		if (run_one(&c, o, &rr)) {
			rc = 1;
			continue;
		}
		per = rr.prim_reqs ? (double)rr.prim_mac / rr.prim_reqs : 0;
		avg = rr.prim_batches ?
			(double)rr.prim_reqs / rr.prim_batches : 0;
		printf("%6d %10" PRIu64 " %10.2f %12.3f %8.3f (b=%.1f: %.3f)\n",
		       bs[i], rr.prim_reqs, avg, per, 2.0 + 12.0 / bs[i], avg,
		       avg > 0 ? 2.0 + 12.0 / avg : 0);
	}
	return rc;
}

static void force(struct opts *o, const char *k, const char *v)
{
	size_t l = strlen(o->replay);

	snprintf(o->replay + l, sizeof(o->replay) - l, " %s %s", k, v);
}

int main(int argc, char **argv)
{
	struct opts o = {
		.byz = -1, .nbyz = -1, .byzc = -1, .crash = -1, .faults = -1,
		.byz_primary = -1, .reconf = -1, .jobs = 1, .seeds = 0, .start = 1,
		.quiet = 1,
	};
	int i, blind = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--trace")) {
			o.trace = 1;
			continue;
		} else if (!strcmp(a, "--broken-quorum")) {
			o.broken = 1;
			force(&o, a, "");
			continue;
		} else if (!strcmp(a, "--macs")) {
			o.macs = 1;
			continue;
		} else if (!strcmp(a, "--stale-read")) {
			/* finding 4's scenario (see simulator.rst) */
			o.stale_read = 1;
			o.n = 4;
			o.byz = BYZ_STALERO;
			o.nbyz = 1;
			o.byz_primary = 0;
			o.byzc = BYZC_NONE;
			o.crash = 0;
			o.faults = 0;
			force(&o, a, "");
			continue;
		} else if (!strcmp(a, "--faulty-primary") && v &&
			   (!strcmp(v, "slow") || !strcmp(v, "selective"))) {
			/* a slow or selective primary (see simulator.rst) */
			o.robust = 1;
			o.n = 4;
			o.byz = byz_parse(v);
			o.nbyz = 1;
			o.byz_primary = 1;
			o.byzc = BYZC_NONE;
			o.crash = 0;
			o.faults = 0;
			force(&o, a, v);
			i++;
			continue;
		} else if (!strcmp(a, "--verbose")) {
			o.quiet = 0;
			continue;
		} else if (!strcmp(a, "--twins-enum")) {
			o.twins_enum = 1;
			continue;
		} else if (!strcmp(a, "--calm-resize")) {
			/* nothing faulty: new hosts join without a view change */
			o.calm_resize = 1;
			o.reconf = 3;
			o.byz = BYZ_NONE;
			o.byzc = BYZC_NONE;
			o.crash = 0;
			o.faults = 0;
			force(&o, a, "");
			continue;
		} else if (!strcmp(a, "--expect-rollback")) {
			o.expect_rollback = 1;
			force(&o, a, "");
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--seed")) {
			o.seed = strtoull(v, NULL, 0);
			o.single = 1;
		} else if (!strcmp(a, "--seeds")) {
			o.seeds = strtol(v, NULL, 0);
		} else if (!strcmp(a, "--start")) {
			o.start = strtoull(v, NULL, 0);
		} else if (!strcmp(a, "--jobs")) {
			o.jobs = atoi(v);
		} else if (!strcmp(a, "--n")) {
			o.n = atoi(v);
			force(&o, a, v);
		} else if (!strcmp(a, "--byz")) {
			o.byz = byz_parse(v);
			if (o.byz < 0)
				usage();
			force(&o, a, v);
		} else if (!strcmp(a, "--nbyz")) {
			o.nbyz = atoi(v);
			force(&o, a, v);
		} else if (!strcmp(a, "--byz-primary")) {
			o.byz_primary = atoi(v);
			force(&o, a, v);
		} else if (!strcmp(a, "--byzc")) {
			o.byzc = byzc_parse(v);
			if (o.byzc < 0)
				usage();
			force(&o, a, v);
		} else if (!strcmp(a, "--crash")) {
			o.crash = atoi(v);
			force(&o, a, v);
		} else if (!strcmp(a, "--reconf")) {
			o.reconf = atoi(v);
			force(&o, a, v);
		} else if (!strcmp(a, "--faults")) {
			o.faults = atoi(v);
			force(&o, a, v);
		} else if (!strcmp(a, "--last")) {
			o.last = atoi(v);
		} else if (!strcmp(a, "--res")) {
			o.res = v;
		} else if (!strcmp(a, "--twins")) {
			o.twins = strtol(v, NULL, 0);
		} else if (!strcmp(a, "--twins-id")) {
			o.twins_id = strtoull(v, NULL, 0);
			o.twins_one = 1;
		} else if (!strcmp(a, "--twins-rounds")) {
			o.twins_rounds = atoi(v);
		} else if (!strcmp(a, "--twins-keep")) {
			o.twins_keep = atoi(v);
			force(&o, a, v);
		} else if (!strcmp(a, "--not-blind")) {
			o.seeds = strtol(v, NULL, 0);
			blind = 1;
		} else {
			usage();
		}
	}
	if (o.n && (o.n < 4 || o.n > SIM_MAX_REP)) {
		fprintf(stderr, "sim: n must be in [4, %d]\n", SIM_MAX_REP);
		return 2;
	}
	if (o.macs)
		return macs(&o);
	if (o.twins > 0 || o.twins_one)
		return twins_main(&o);
	if (blind)
		return not_blind(&o);
	if (o.single) {
		struct sim_cfg c;
		struct run_result rr;

		o.quiet = 0;
		cfg_for_seed(&c, &o, o.seed);
		return run_one(&c, &o, &rr);
	}
	if (o.seeds <= 0)
		usage();
	return sweep(&o);
}
