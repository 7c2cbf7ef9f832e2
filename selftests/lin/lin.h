/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linearizability checker for client histories of the bft key-value
 * service: the Wing-Gong/Lowe search with memoisation of (linearized
 * set, state), run per key (a KV history is linearizable iff each key's
 * sub-history is, since keys are independent registers).  Pure C, no
 * dependencies: the simulator, the unit tests and the VM-side lincheck
 * tool all build this one file.
 */
#ifndef BFT_LIN_H
#define BFT_LIN_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

enum lin_kind {
	LIN_PUT = 1,	/* arg: value; always succeeds */
	LIN_GET = 2,	/* ok: found; out: value */
	LIN_DEL = 3,	/* ok: the key existed */
	LIN_CAS = 4,	/* arg -> arg2 (absent: key must not exist); ok: swapped */
};

/* ret of an operation that never completed: it may or may not take effect */
#define LIN_PENDING	UINT64_MAX

struct lin_op {
	uint64_t key;
	uint64_t arg, arg2;	/* PUT value; CAS expected, new */
	uint64_t out;		/* GET value when ok */
	uint64_t call, ret;	/* invoke/complete times, call < ret */
	uint32_t client;
	uint8_t kind;		/* enum lin_kind */
	uint8_t absent;		/* CAS: expects the key to be absent */
	uint8_t known;		/* result known (completed with ok/out) */
	uint8_t ok;
};

struct lin_hist {
	struct lin_op *ops;
	size_t n, cap;
	unsigned int tshift;	/* report times as call >> tshift */
	const char *tunit;	/* unit of reported times ("us", "ns") */
};

void lin_init(struct lin_hist *h);
void lin_free(struct lin_hist *h);
/* Record an invocation; returns its index, or (size_t)-1 on ENOMEM. */
size_t lin_invoke(struct lin_hist *h, uint32_t client, int kind,
		  uint64_t key, uint64_t arg, uint64_t arg2, int absent,
		  uint64_t call);
/* Record the completion of invocation i. */
void lin_complete(struct lin_hist *h, size_t i, uint64_t ret, int ok,
		  uint64_t out);

/*
 * Check the whole history.  Returns 0 if linearizable, 1 if not (why
 * gets a one-line summary, report -- if not NULL -- the offending key's
 * operations), -1 if malformed or the search gave up (why says which).
 */
int lin_check(const struct lin_hist *h, char *why, size_t len, FILE *report);

const char *lin_kind_name(int kind);

#endif
