/* SPDX-License-Identifier: GPL-2.0 */
/* Shared helpers for the key-value service host tests (kselftest_harness.h). */
#ifndef _KVTEST_H
#define _KVTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bft_wire.h>

#include "kselftest_harness.h"

#include "kv.h"

/* Small limits make FULL and the length errors cheap to reach. */
static inline struct bft_kv *kvt_new(u32 max_key, u32 max_value,
				     u32 max_keys, u32 max_snaps)
{
	struct bft_kv_limits lim = { max_key, max_value, max_keys, max_snaps };
	struct bft_kv *kv;
	int err;

	kv = bft_kv_create(&lim, &err);
	if (!kv) {
		fprintf(stderr, "# bft_kv_create: %d\n", err);
		abort();
	}
	return kv;
}

/* Execute an op and decode the result; returns the status or -1. */
static inline int kvt_exec(struct bft_kv *kv, const u8 *op, u32 len,
			   bool ro, struct bft_kv_res_view *rv, u8 *res)
{
	u32 n = bft_kv_execute(kv, op, len, ro, res, BFT_MAX_RESULT);

	if (bft_kv_dec_result(res, n, rv))
		return -1;
	return rv->status;
}

static inline int kvt_put(struct bft_kv *kv, const char *k, const char *v)
{
	u8 op[BFT_MAX_OP], res[BFT_MAX_RESULT];
	struct bft_kv_res_view rv;
	u32 n = bft_kv_enc_put(op, sizeof(op), k, strlen(k), v, strlen(v));

	return kvt_exec(kv, op, n, false, &rv, res);
}

static inline int kvt_del(struct bft_kv *kv, const char *k)
{
	u8 op[BFT_MAX_OP], res[BFT_MAX_RESULT];
	struct bft_kv_res_view rv;
	u32 n = bft_kv_enc_del(op, sizeof(op), k, strlen(k));

	return kvt_exec(kv, op, n, false, &rv, res);
}

/* GET k; returns status, copies a found value into out (NUL-ended). */
static inline int kvt_get(struct bft_kv *kv, const char *k, char *out,
			  size_t cap)
{
	u8 op[BFT_MAX_OP], res[BFT_MAX_RESULT];
	struct bft_kv_res_view rv;
	u32 n = bft_kv_enc_get(op, sizeof(op), k, strlen(k));
	int st = kvt_exec(kv, op, n, true, &rv, res);

	if (out && cap) {
		size_t l = rv.val_len < cap - 1 ? rv.val_len : cap - 1;

		memcpy(out, rv.val, l);
		out[l] = 0;
	}
	return st;
}

/* Whole retained snapshot into a fresh buffer (caller frees). */
static inline u8 *kvt_snap(struct bft_kv *kv, u64 seq, u64 *len)
{
	u8 *buf;
	long r;

	*len = bft_kv_snapshot_len(kv, seq);
	buf = malloc(*len ? *len : 1);
	r = bft_kv_snapshot_read(kv, seq, 0, buf, (u32)*len);
	if (r != (long)*len) {
		fprintf(stderr, "# snapshot_read %ld\n", r);
		abort();
	}
	return buf;
}

#endif /* _KVTEST_H */
