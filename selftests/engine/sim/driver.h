/* SPDX-License-Identifier: GPL-2.0 */
/* Simulator runs (run.c) and the command line driver (main.c). */
#ifndef SIM_DRIVER_H
#define SIM_DRIVER_H

#include "sim.h"

struct opts {
	uint64_t seed, start;
	long seeds;
	int single;
	int jobs;
	int n, byz, nbyz, byzc, crash, faults, broken, byz_primary;
	int trace, last, quiet, macs, blind, stale_read, robust;
	int expect_rollback;	/* fail unless a correct replica rolled back */
	int calm_resize;	/* fault-free grow or shrink: no view change */
	int reconf;		/* -1: from the seed; 0 none, 1 epoch, 2 replace */
	const char *res;
	/* Twins: --twins N (sweep) or --twins-id ID (one scenario) */
	long twins;
	uint64_t twins_id;
	int twins_one, twins_rounds, twins_keep, twins_enum;
	char replay[256];	/* forced options, for replay lines */
};

struct run_result {
	int failed;
	int n, byz;
	uint64_t events;
	uint64_t prim_mac, prim_reqs, prim_batches;
	/* coverage */
	int crash, faults, parts, byzc;
	uint64_t view_changes, xfers, evidence, dropped, dups;
	uint64_t tent, rollbacks;	/* correct replicas' counters, summed */
	char why[200];		/* first violation */
};

void cfg_for_seed(struct sim_cfg *c, const struct opts *o, uint64_t seed);
int run_one(const struct sim_cfg *cfg, const struct opts *o,
	    struct run_result *res);

/* twins.c */
int twins_start(struct sim *s);
int twins_main(struct opts *o);

#endif
