// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the key-value service. The first input byte picks
 * a mode:
 *   0, 1: a stream of ops executed against a small store; every result
 *         must decode, and the final snapshot must be canonical, hash to
 *         the live digest and survive an install round trip;
 *   2:    the rest is a snapshot installed in chunks; the install must
 *         succeed exactly when bft_kv_snap_check accepts it, and a refused
 *         install must leave the state untouched;
 *   3:    the rest is a result; if it decodes it must re-encode the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/sha.h>

#include "kv.h"
#include <linux/bft_wire.h>

#define MAX_KEY		8
#define MAX_VALUE	16
#define MAX_KEYS	8

#define ASSERT(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n",	\
	__FILE__, __LINE__, #c); abort(); } } while (0)

static struct bft_kv *new_kv(void)
{
	struct bft_kv_limits lim = { MAX_KEY, MAX_VALUE, MAX_KEYS, 2 };
	struct bft_kv *kv;
	int err;

	kv = bft_kv_create(&lim, &err);
	ASSERT(kv);
	return kv;
}

/* Install in chunks of 1..step bytes; 0 if installed and committed. */
static int install(struct bft_kv *kv, const u8 *b, u64 len, u32 step)
{
	u64 off = 0;
	u32 n;
	int err = 0;

	if (!len)
		err = bft_kv_install(kv, 7, 0, NULL, 0);
	while (!err && off < len) {
		n = len - off < step ? (u32)(len - off) : step;
		err = bft_kv_install(kv, 7, off, b + off, n);
		off += n;
	}
	if (err) {
		ASSERT(bft_kv_install_done(kv, 7, true) < 0);
		return err;
	}
	return bft_kv_install_done(kv, 7, true);
}

static void ops_mode(const u8 *d, size_t len)
{
	static u8 res[BFT_MAX_RESULT];
	struct bft_kv *kv = new_kv(), *kv2;
	struct bft_kv_res_view rv;
	struct bft_kv_stats st;
	u8 flags, dig[32], dig2[32], *snap;
	u64 slen;
	u32 n, cap, r;

	while (len >= 3) {
		flags = d[0];
		n = (d[1] | d[2] << 8) % (u32)(len - 2);
		d += 3;
		len -= 3;
		cap = flags & 2 ? flags >> 2 : sizeof(res);
		r = bft_kv_execute(kv, d, n, flags & 1, res, cap);
		if (cap < BFT_KV_RES_HDR_LEN) {
			ASSERT(r == 0);
		} else {
			ASSERT(r <= cap && !bft_kv_dec_result(res, r, &rv));
			ASSERT(rv.val_len <= MAX_VALUE);
		}
		d += n;
		len -= n;
	}
	bft_kv_get_stats(kv, &st);
	ASSERT(st.keys <= MAX_KEYS);
	ASSERT(!bft_kv_checkpoint(kv, 1));
	slen = bft_kv_snapshot_len(kv, 1);
	ASSERT(slen == bft_kv_state_len(kv));
	snap = malloc(slen);
	ASSERT(bft_kv_snapshot_read(kv, 1, 0, snap, (u32)slen) == (long)slen);
	ASSERT(!bft_kv_snap_check(snap, slen, MAX_KEY, MAX_VALUE, MAX_KEYS));
	bft_kv_digest(kv, dig);
	SHA256(snap, slen, dig2);
	ASSERT(!memcmp(dig, dig2, 32));
	kv2 = new_kv();
	ASSERT(!install(kv2, snap, slen, 1 + (st.bytes % 13)));
	bft_kv_digest(kv2, dig2);
	ASSERT(!memcmp(dig, dig2, 32));
	free(snap);
	bft_kv_destroy(kv2);
	bft_kv_destroy(kv);
}

/* Some prior state, so an install has something to replace. */
static void kvt_seed(struct bft_kv *kv)
{
	u8 op[64], res[64];
	u32 n = bft_kv_enc_put(op, sizeof(op), "seed", 4, "v", 1);

	ASSERT(bft_kv_execute(kv, op, n, false, res, sizeof(res)) == 8);
}

static void install_mode(const u8 *d, size_t len)
{
	struct bft_kv *kv = new_kv();
	u8 before[32], after[32], want[32];
	u32 step = 1;
	int err, chk;

	if (len) {
		step = 1 + d[0] % 32;
		d++;
		len--;
	}
	kvt_seed(kv);
	bft_kv_digest(kv, before);
	err = install(kv, d, len, step);
	chk = bft_kv_snap_check(d, len, MAX_KEY, MAX_VALUE, MAX_KEYS);
	bft_kv_digest(kv, after);
	ASSERT(!err == !chk);
	if (err) {
		ASSERT(!memcmp(before, after, 32));
	} else {
		SHA256(d, len, want);
		ASSERT(!memcmp(after, want, 32));
	}
	bft_kv_destroy(kv);
}

static void result_mode(const u8 *d, size_t len)
{
	struct bft_kv_res_view rv;
	u8 *b;

	if (len > BFT_MAX_RESULT || bft_kv_dec_result(d, (u32)len, &rv))
		return;
	b = malloc(len);
	ASSERT(bft_kv_enc_result(b, (u32)len, rv.status, rv.flags, rv.val,
				 rv.val_len) == len);
	ASSERT(!memcmp(b, d, len));
	free(b);
}

int LLVMFuzzerTestOneInput(const u8 *d, size_t len)
{
	if (!len)
		return 0;
	switch (d[0] & 3) {
	case 0:
	case 1:
		ops_mode(d + 1, len - 1);
		break;
	case 2:
		install_mode(d + 1, len - 1);
		break;
	case 3:
		result_mode(d + 1, len - 1);
		break;
	}
	return 0;
}
