// SPDX-License-Identifier: GPL-2.0
/*
 * Twins (Bano et al., OPODIS 2021): the faulty replica is two instances
 * of the correct, unmodified engine that share one identity and its
 * keys.  A scenario fixes, for each round (a window of virtual time),
 * a partition of the nodes: the n replica nodes, where node b is the
 * first instance of the twinned replica b, plus the second instance b'.
 * A message addressed to replica b reaches the instances of b in the
 * sender's block; a twin's messages reach only its block.  Clients are
 * never partitioned.  After the last round the network heals and b' is
 * silenced (or kept, --twins-keep 1); then every request must complete.
 *
 * Scenario id (one integer, replayable with --twins-id):
 *   id = R + 16 * (L + 4 * (b + n * sum_r p_r * F^r))
 * R rounds (1..TWIN_MAX_ROUNDS), L the round length (20, 40, 80 or 160
 * ms of virtual time), b the twinned replica, p_r the index of
 * round r's partition in the family (all splits of the n + 1 nodes into
 * at most TWIN_BLOCKS blocks, F of them; index 0 is "all together").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <time.h>
#include <poll.h>
#include <unistd.h>
#include <sys/wait.h>

#include "driver.h"

#define TWIN_N		4	/* replicas */
#define TWIN_ELEMS	(TWIN_N + 1)
#define TWIN_BLOCKS	3
#define TWIN_NLEN	4
#define TWIN_MAX_FAM	64

/* round lengths: a round may hold several view changes, or part of one */
static const int round_ms[TWIN_NLEN] = { 20, 40, 80, 160 };
static uint8_t fam[TWIN_MAX_FAM][TWIN_ELEMS];	/* block of each element */
static int nfam;

/* Restricted growth strings of length TWIN_ELEMS, at most TWIN_BLOCKS. */
static void fam_build(void)
{
	uint8_t a[TWIN_ELEMS] = { 0 };
	int i, mx;

	if (nfam)
		return;
	for (;;) {
		memcpy(fam[nfam++], a, sizeof(a));
		/* next RGS: increment the last position that can grow */
		for (i = TWIN_ELEMS - 1; i > 0; i--) {
			int j;

			for (j = 0, mx = 0; j < i; j++)
				mx = a[j] > mx ? a[j] : mx;
			if (a[i] <= mx && a[i] + 1 < TWIN_BLOCKS)
				break;
		}
		if (i == 0)
			return;
		a[i]++;
		memset(a + i + 1, 0, TWIN_ELEMS - i - 1);
	}
}

static uint64_t space_size(int rounds)
{
	uint64_t k = TWIN_N * TWIN_NLEN;
	int r;

	fam_build();
	for (r = 0; r < rounds; r++)
		k *= nfam;
	return k;
}

static uint64_t make_id(int rounds, uint64_t k)
{
	return (uint64_t)rounds + 16 * k;
}

/* Fills the twin fields of a simulator configuration from an id. */
static int twins_cfg(struct sim_cfg *c, const struct opts *o, uint64_t id)
{
	int rounds = (int)(id & 15), r;
	uint64_t k = id >> 4;

	fam_build();
	if (rounds < 1 || rounds > TWIN_MAX_ROUNDS ||
	    k >= space_size(rounds))
		return -1;
	cfg_for_seed(c, o, id);
	c->n = TWIN_N;
	c->f = 1;
	c->byz = BYZ_NONE;
	c->nbyz = 0;
	c->byzc = BYZC_NONE;
	c->nbyzc = 0;
	c->crash = 0;
	c->faults = 0;
	c->nclients = 2;
	c->reqs = 4;
	c->ro_pct = 25;
	c->batch = 1;
	c->window = 2;
	c->ckpt = 4;
	c->think_ms = 40;
	c->vc_max_ms = 480;
	/*
	 * Membership: the epoch changes mid-scenario, or n grows 4 -> 7 or
	 * shrinks 7 -> 4 (id bit 12): the partitions split replicas 0-3
	 * and the twin, the members of both sets; ids 4-6 reach every
	 * block. No replaced hosts here.
	 */
	if (c->reconf == 3) {
		c->n_first = id >> 12 & 1 ? 7 : TWIN_N;
		c->n_next = c->n_first == 7 ? TWIN_N : 7;
		c->n = 7;
		c->ro_pct = 0;
	} else if (c->reconf == 2) {
		c->reconf = 1;
	}
	c->twin_id = id;
	c->twin_round = round_ms[k % TWIN_NLEN] * SIM_MS;
	k /= TWIN_NLEN;
	c->twin = (int)(k % TWIN_N);
	k /= TWIN_N;
	c->twin_rounds = rounds;
	for (r = 0; r < rounds; r++) {
		c->twin_part[r] = (uint8_t)(k % nfam);
		k /= nfam;
	}
	c->twin_keep = o->twins_keep;
	c->stable_at = rounds * c->twin_round;
	c->live_bound = (sim_time_t)(c->f + 3) * 2 * c->vc_max_ms * SIM_MS +
		SIM_SEC;
	c->max_events = 400000;
	return 0;
}

/* Block of a node in round r's partition; -1: reaches every block. */
static int block_of(const struct sim *s, int r, int node)
{
	const uint8_t *p = fam[s->cfg.twin_part[r]];

	if (node == s->twin_node)
		return p[TWIN_N];
	return node < TWIN_N ? p[node] : -1;
}

int twins_route(void *ctx, int from, int to, int *dst)
{
	struct sim *s = ctx;
	int inst[2] = { to, -1 }, k, nd = 0, bf, bt;
	uint64_t r = s->sched.now / s->cfg.twin_round;

	if (to == s->cfg.twin)
		inst[1] = s->twin_node;
	for (k = 0; k < 2 && inst[k] >= 0; k++) {
		if (r < (uint64_t)s->cfg.twin_rounds) {
			bf = block_of(s, (int)r, from);
			bt = block_of(s, (int)r, inst[k]);
			if (bf >= 0 && bt >= 0 && bf != bt)
				continue;
		}
		dst[nd++] = inst[k];
	}
	return nd;
}

static void part_str(const struct sim *s, int p, char *buf, size_t len)
{
	size_t off = 0;
	int blk, e, first;

	for (blk = 0; blk < TWIN_BLOCKS; blk++) {
		first = 1;
		for (e = 0; e < TWIN_ELEMS; e++) {
			if (fam[p][e] != blk)
				continue;
			off += snprintf(buf + off, len - off, "%s%s%d%s",
					first ? (blk ? " | " : "") : " ",
					e == s->cfg.twin || e == TWIN_N ?
					"R" : "r", e == TWIN_N ? s->cfg.twin : e,
					e == TWIN_N ? "'" : "");
			first = 0;
			if (off >= len)
				return;
		}
	}
}

void twins_print(const struct sim *s, FILE *f)
{
	const struct sim_cfg *c = &s->cfg;
	char buf[96];
	int r;

	fprintf(f, "twins: id=%" PRIu64 " replica %d runs twice (R%d, R%d'),"
		" %d rounds of %" PRIu64 " ms, then healed, R%d' %s\n",
		c->twin_id, c->twin, c->twin, c->twin, c->twin_rounds,
		c->twin_round / SIM_MS, c->twin,
		c->twin_keep ? "kept" : "silenced");
	for (r = 0; r < c->twin_rounds; r++) {
		part_str(s, c->twin_part[r], buf, sizeof(buf));
		fprintf(f, "twins: round %d [%" PRIu64 ",%" PRIu64 ") ms: %s\n",
			r, r * c->twin_round / SIM_MS,
			(r + 1) * c->twin_round / SIM_MS, buf);
	}
}

int twins_start(struct sim *s)
{
	const struct sim_cfg *c = &s->cfg;
	struct sim_event ev = { .kind = SEV_MARK, .from = -1, .to = -1 };
	int r, err;

	s->twin_node = s->nnodes;
	err = sim_rep_start_as(s, &s->twin, c->twin, s->twin_node);
	if (err)
		return err;
	s->net.route = twins_route;
	s->net.route_ctx = s;
	for (r = 1; r < c->twin_rounds; r++) {
		ev.at = r * c->twin_round;
		ev.arg = r + 1;
		sched_push(&s->sched, &ev);
	}
	if (!c->twin_keep) {
		ev.at = c->stable_at;
		ev.kind = SEV_CRASH;
		ev.to = s->twin_node;
		sched_push(&s->sched, &ev);
	}
	return 0;
}

/* ---- sweeps ---- */

struct twins_rec {
	uint64_t idx, id;
	int32_t failed, pad;
	char why[200];
};

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Scenario id of sweep index i: enumeration, or a seeded sample. */
static uint64_t sweep_id(const struct opts *o, uint64_t i)
{
	uint64_t space = space_size(o->twins_rounds), x = i;

	if (o->twins_enum)
		return make_id(o->twins_rounds, i % space);
	return make_id(o->twins_rounds, sim_splitmix64(&x) % space);
}

static int run_id(const struct opts *o, uint64_t id, int silent,
		  struct run_result *rr)
{
	struct sim_cfg c;

	if (twins_cfg(&c, o, id)) {
		fprintf(stderr, "twins: bad scenario id %" PRIu64 "\n", id);
		exit(2);
	}
	c.silent = silent;
	return run_one(&c, o, rr);
}

/* Short class of a violation: its first words, up to a digit. */
static void why_class(const char *why, char *out, size_t len)
{
	const char *p = strstr(why, ": ");
	size_t k = 0;

	p = p ? p + 2 : why;
	while (*p && k + 1 < len && !(*p >= '0' && *p <= '9'))
		out[k++] = *p++;
	while (k && (out[k - 1] == ' ' || out[k - 1] == 'r' ||
		     out[k - 1] == 'c'))
		k--;
	out[k] = 0;
}

/* Violations by kind, and the first sweep index of each kind. */
struct tally {
	long total, viol;
	int nc;
	char cls[16][64];
	uint64_t first[16], first_id[16];
	long n[16];
};

static void tally_add(struct tally *t, const struct opts *o,
		      const struct twins_rec *rec)
{
	char cl[64];
	int c;

	t->total++;
	if (!rec->failed)
		return;
	t->viol++;
	printf("violation: build/host/sim --twins-id %" PRIu64 "%s --trace"
	       "  # scenario #%" PRIu64 ": %s\n", rec->id, o->replay,
	       rec->idx, rec->why);
	why_class(rec->why, cl, sizeof(cl));
	for (c = 0; c < t->nc && strcmp(t->cls[c], cl); c++)
		;
	if (c == t->nc) {
		if (t->nc == 16)
			return;
		snprintf(t->cls[c], sizeof(t->cls[c]), "%s", cl);
		t->first[c] = UINT64_MAX;
		t->n[c] = 0;
		t->nc++;
	}
	t->n[c]++;
	if (rec->idx < t->first[c]) {
		t->first[c] = rec->idx;
		t->first_id[c] = rec->id;
	}
}

static void worker(const struct opts *o, int j, int nj, int fd)
{
	struct twins_rec rec;
	long i;

	for (i = j; i < o->twins; i += nj) {
		struct run_result rr;

		memset(&rec, 0, sizeof(rec));
		rec.idx = o->start + i;
		rec.id = sweep_id(o, rec.idx);
		rec.failed = run_id(o, rec.id, 1, &rr);
		memcpy(rec.why, rr.why, sizeof(rec.why));
		if (write(fd, &rec, sizeof(rec)) != sizeof(rec))
			_exit(2);
	}
	_exit(0);
}

static int sweep(struct opts *o)
{
	int nj = o->jobs < 1 || o->jobs > 64 ? 1 : o->jobs, j, open_fds;
	struct pollfd pfd[64];
	double t0 = now_sec(), dt;
	struct twins_rec rec;
	struct tally t;
	int fds[2], c;
	FILE *f;

	memset(&t, 0, sizeof(t));
	fflush(stdout);
	for (j = 0; j < nj; j++) {
		if (pipe(fds))
			return 2;
		if (fork() == 0) {
			close(fds[0]);
			worker(o, j, nj, fds[1]);
		}
		close(fds[1]);
		pfd[j].fd = fds[0];
		pfd[j].events = POLLIN;
	}
	/* read every worker as it reports, so none blocks on a full pipe */
	for (open_fds = nj; open_fds > 0;) {
		if (poll(pfd, nj, -1) < 0)
			break;
		for (j = 0; j < nj; j++) {
			if (pfd[j].fd < 0 || !pfd[j].revents)
				continue;
			if (read(pfd[j].fd, &rec, sizeof(rec)) == sizeof(rec)) {
				tally_add(&t, o, &rec);
				continue;
			}
			close(pfd[j].fd);
			pfd[j].fd = -1;
			open_fds--;
		}
	}
	while (wait(NULL) > 0)
		;
	dt = now_sec() - t0;
	for (c = 0; c < t.nc; c++)
		printf("twins: %ld x \"%s\", first at scenario #%" PRIu64
		       " (%" PRIu64 " scenarios run from #%" PRIu64
		       "), id %" PRIu64 "\n", t.n[c], t.cls[c], t.first[c],
		       t.first[c] - o->start + 1, o->start, t.first_id[c]);
	fprintf(stderr, "twins: %d rounds, %s, %.1f s, %.0f scenarios/minute"
		" (%d jobs)\n", o->twins_rounds,
		o->twins_enum ? "enumerated" : "sampled", dt,
		dt > 0 ? t.total * 60.0 / dt : 0.0, nj);
	if (t.total != o->twins) {
		fprintf(stderr, "twins: %ld scenarios lost\n",
			o->twins - t.total);
		t.viol += o->twins - t.total;
	}
	printf("%ld scenarios, %ld violations\n", o->twins, t.viol);
	if (o->res) {
		f = fopen(o->res, "w");
		if (!f)
			return 2;
		fprintf(f, "%ld %ld\n", o->twins - t.viol, t.viol);
		fclose(f);
	}
	return t.viol ? 1 : 0;
}

int twins_main(struct opts *o)
{
	struct run_result rr;

	if (!o->twins_rounds)
		o->twins_rounds = 4;
	if (o->twins_rounds < 1 || o->twins_rounds > TWIN_MAX_ROUNDS) {
		fprintf(stderr, "twins: rounds in [1, %d]\n", TWIN_MAX_ROUNDS);
		return 2;
	}
	fam_build();
	if (o->twins_one) {
		o->quiet = 0;
		return run_id(o, o->twins_id, 0, &rr);
	}
	printf("twins: n=%d, %d rounds, %d partitions per round,"
	       " %" PRIu64 " scenarios in the space\n", TWIN_N,
	       o->twins_rounds, nfam, space_size(o->twins_rounds));
	return sweep(o);
}
