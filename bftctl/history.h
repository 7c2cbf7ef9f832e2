/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client history for linearizability checks (bftctl bench --history):
 * one record per operation, kept per client thread, written at the end in
 * the format selftests/lin/lincheck.c reads.
 */
#ifndef BFTCTL_HISTORY_H
#define BFTCTL_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum hist_res {
	HIST_PENDING,	/* timed out or failed: may or may not take effect */
	HIST_OK,	/* put done */
	HIST_FOUND,	/* get: value hash in vh */
	HIST_NOT_FOUND,	/* get: no such key */
	HIST_UNKNOWN,	/* get: value may predate the history */
};

struct hist_rec {
	uint64_t t0, t1;	/* CLOCK_MONOTONIC ns: invoke, complete */
	uint64_t vh;		/* hash of the value put or read */
	uint32_t key;
	bool put;
	uint8_t res;		/* enum hist_res */
};

struct hist {
	struct hist_rec *r;
	size_t n, cap;
	bool oom;
};

uint64_t hist_hash(const void *buf, size_t len);
void hist_add(struct hist *h, const struct hist_rec *r);
/* One line per operation; key k of client id is "b<id>-<k>". */
void hist_write(FILE *f, const struct hist *h, uint32_t id);
void hist_free(struct hist *h);

#endif
