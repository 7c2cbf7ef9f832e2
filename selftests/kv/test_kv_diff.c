// SPDX-License-Identifier: GPL-2.0
/*
 * Randomized differential test: the store against a deliberately naive
 * reference model (unsorted array, linear search, its own op parser and
 * serializer). Every result must match byte for byte, and periodic
 * snapshots must equal the reference's sorted serialization and survive an
 * install round trip in random chunks.
 */
#include <openssl/sha.h>

#include "kvtest.h"

#define MAX_KEY		6
#define MAX_VALUE	10
#define MAX_KEYS	24
#define POOL		40
#define OPS		20000

struct ref_ent {
	u8 key[MAX_KEY];
	u32 klen;
	u8 val[MAX_VALUE];
	u32 vlen;
};

static struct ref_ent ref[MAX_KEYS];
static u32 ref_n;
static u64 rng;

static u32 rnd(u32 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)((rng >> 11) % n);
}

static int ref_find(const u8 *k, u32 kl)
{
	u32 i;

	for (i = 0; i < ref_n; i++)
		if (ref[i].klen == kl && !memcmp(ref[i].key, k, kl))
			return (int)i;
	return -1;
}

static u32 ref_result(u8 *out, u32 cap, u8 st, u8 fl, const u8 *v, u32 vl)
{
	if (cap < 8)
		return 0;
	if (8 + vl > cap) {
		st = BFT_KV_E_RESULT_TOO_BIG;
		vl = 0;
		fl = 0;
	}
	memset(out, 0, 8);
	out[0] = st;
	out[1] = fl;
	out[4] = (u8)vl;
	if (vl)
		memcpy(out + 8, v, vl);
	return 8 + vl;
}

/* The semantics of Documentation/service.rst, written out plainly. */
static u32 ref_exec(const u8 *op, u32 len, bool ro, u8 *out, u32 cap)
{
	u32 code, fl, kl, l1, l2;
	const u8 *k, *v1, *v2;
	int i;

	if (!len)
		return ref_result(out, cap, BFT_KV_OK, 0, NULL, 0);
	if (len < 12)
		return ref_result(out, cap, BFT_KV_E_BAD_OP, 0, NULL, 0);
	code = op[0];
	fl = op[1];
	kl = op[2] | op[3] << 8;
	l1 = op[4] | op[5] << 8 | op[6] << 16 | (u32)op[7] << 24;
	l2 = op[8] | op[9] << 8 | op[10] << 16 | (u32)op[11] << 24;
	if (code > 4 || 12ULL + kl + l1 + l2 != len ||
	    (code == 0 && (fl || kl || l2)) ||
	    (code == 1 && (fl || l2)) ||
	    ((code == 2 || code == 3) && (fl || l1 || l2)) ||
	    (code == 4 && (fl > 1 || (fl && l1))))
		return ref_result(out, cap, BFT_KV_E_BAD_OP, 0, NULL, 0);
	k = op + 12;
	v1 = k + kl;
	v2 = v1 + l1;
	if (ro && code != 0 && code != 2)
		return ref_result(out, cap, BFT_KV_E_READONLY, 0, NULL, 0);
	if (code == 0)
		return ref_result(out, cap, BFT_KV_OK, 0, NULL, 0);
	if (!kl)
		return ref_result(out, cap, BFT_KV_E_KEY_EMPTY, 0, NULL, 0);
	if (kl > MAX_KEY)
		return ref_result(out, cap, BFT_KV_E_KEY_TOO_LONG, 0, NULL, 0);
	if (l1 > MAX_VALUE || l2 > MAX_VALUE)
		return ref_result(out, cap, BFT_KV_E_VALUE_TOO_LONG, 0, NULL,
				  0);
	i = ref_find(k, kl);
	if (code == 2 || code == 3) {
		if (i < 0)
			return ref_result(out, cap, BFT_KV_E_NOT_FOUND, 0, NULL,
					  0);
		if (code == 2)
			return ref_result(out, cap, BFT_KV_OK, 0, ref[i].val,
					  ref[i].vlen);
		ref[i] = ref[--ref_n];
		return ref_result(out, cap, BFT_KV_OK, 0, NULL, 0);
	}
	if (code == 4 && i >= 0) {
		if (fl || ref[i].vlen != l1 || memcmp(ref[i].val, v1, l1))
			return ref_result(out, cap, BFT_KV_E_CAS_MISMATCH, 0,
					  ref[i].val, ref[i].vlen);
		v1 = v2;
		l1 = l2;
	} else if (code == 4 && !fl) {
		return ref_result(out, cap, BFT_KV_E_NOT_FOUND, 0, NULL, 0);
	} else if (code == 4) {
		v1 = v2;
		l1 = l2;
	}
	if (i >= 0) {
		memcpy(ref[i].val, v1, l1);
		ref[i].vlen = l1;
		return ref_result(out, cap, BFT_KV_OK, 0, NULL, 0);
	}
	if (ref_n == MAX_KEYS)
		return ref_result(out, cap, BFT_KV_E_FULL, 0, NULL, 0);
	memcpy(ref[ref_n].key, k, kl);
	ref[ref_n].klen = kl;
	memcpy(ref[ref_n].val, v1, l1);
	ref[ref_n].vlen = l1;
	ref_n++;
	return ref_result(out, cap, BFT_KV_OK, BFT_KV_R_CREATED, NULL, 0);
}

static int ref_cmp(const void *a, const void *b)
{
	const struct ref_ent *x = a, *y = b;
	u32 n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	return c ? c : (int)x->klen - (int)y->klen;
}

static u32 ref_snapshot(u8 *out)
{
	struct ref_ent s[MAX_KEYS];
	u32 i, o = 16;

	memcpy(s, ref, sizeof(s));
	qsort(s, ref_n, sizeof(s[0]), ref_cmp);
	memcpy(out, "BKV1", 4);
	memset(out + 4, 0, 12);
	out[4] = (u8)ref_n;
	for (i = 0; i < ref_n; i++) {
		memset(out + o, 0, 8);
		out[o] = (u8)s[i].klen;
		out[o + 4] = (u8)s[i].vlen;
		memcpy(out + o + 8, s[i].key, s[i].klen);
		memcpy(out + o + 8 + s[i].klen, s[i].val, s[i].vlen);
		o += 8 + s[i].klen + s[i].vlen;
	}
	out[8] = (u8)o;
	out[9] = (u8)(o >> 8);
	return o;
}

static u8 pool[POOL][MAX_KEY + 2];
static u32 pool_len[POOL];

static void rnd_bytes(u8 *p, u32 n)
{
	while (n--)
		*p++ = "abc"[rnd(3)];
}

static bool pool_dup(u32 n)
{
	u32 i;

	for (i = 2; i < n; i++)
		if (pool_len[i] == pool_len[n] &&
		    !memcmp(pool[i], pool[n], pool_len[n]))
			return true;
	return false;
}

/* A random op, mostly well-formed, sometimes at or over a limit. */
static u32 gen_op(u8 *op)
{
	u8 v1[MAX_VALUE + 2], v2[MAX_VALUE + 2];
	u32 p = rnd(POOL), l1 = rnd(MAX_VALUE + 2), l2 = rnd(MAX_VALUE + 2);
	u32 n = 0;
	int i;

	rnd_bytes(v1, l1);
	rnd_bytes(v2, l2);
	switch (rnd(6)) {
	case 0:
		n = bft_kv_enc_nop(op, BFT_MAX_OP, rnd(4));
		break;
	case 1:
		n = bft_kv_enc_put(op, BFT_MAX_OP, pool[p], pool_len[p], v1,
				   l1);
		break;
	case 2:
		n = bft_kv_enc_get(op, BFT_MAX_OP, pool[p], pool_len[p]);
		break;
	case 3:
		n = bft_kv_enc_del(op, BFT_MAX_OP, pool[p], pool_len[p]);
		break;
	case 4:
		/* Often the right expected value, so swaps happen. */
		i = ref_find(pool[p], pool_len[p]);
		if (i >= 0 && rnd(2)) {
			l1 = ref[i].vlen;
			memcpy(v1, ref[i].val, l1);
		}
		n = bft_kv_enc_cas(op, BFT_MAX_OP, pool[p], pool_len[p], v1,
				   l1, v2, l2, 0);
		break;
	case 5:
		n = bft_kv_enc_cas(op, BFT_MAX_OP, pool[p], pool_len[p], NULL,
				   0, v2, l2, BFT_KV_F_ABSENT);
		break;
	}
	/* Corrupt 1 in 20: a random byte, or a truncation. */
	if (n && !rnd(20)) {
		if (rnd(2))
			op[rnd(n)] ^= (u8)(1 + rnd(255));
		else
			n = rnd(n);
	}
	return n;
}

/* Install snap into a fresh store in random chunks; compare digests. */
static bool round_trip(const u8 *snap, u32 len, const u8 *want)
{
	struct bft_kv *kv = kvt_new(MAX_KEY, MAX_VALUE, MAX_KEYS, 2);
	u32 off = 0, n;
	u8 d[32];
	bool ok = true;

	kvt_put(kv, "old", "x");
	while (ok && off < len) {
		n = 1 + rnd(len - off < 64 ? len - off : 64);
		ok = !bft_kv_install(kv, 1, off, snap + off, n);
		off += n;
	}
	ok = ok && !bft_kv_install_done(kv, 1, true);
	bft_kv_digest(kv, d);
	bft_kv_destroy(kv);
	return ok && !memcmp(d, want, 32);
}

/* What one seed's run found; each test below checks one part. */
FIXTURE(diff) {
	u32 ops_bad, snaps_bad, rt_bad, statuses;
	u64 ok;
	struct bft_kv_stats st;
};

FIXTURE_VARIANT(diff) {
	u64 seed;
};

FIXTURE_VARIANT_ADD(diff, seed_1) { 1 };
FIXTURE_VARIANT_ADD(diff, seed_2) { 2 };
FIXTURE_VARIANT_ADD(diff, seed_3) { 3 };
FIXTURE_VARIANT_ADD(diff, seed_4) { 4 };
FIXTURE_VARIANT_ADD(diff, seed_5) { 5 };
FIXTURE_VARIANT_ADD(diff, seed_6) { 6 };
FIXTURE_VARIANT_ADD(diff, seed_7) { 7 };
FIXTURE_VARIANT_ADD(diff, seed_8) { 8 };
FIXTURE_VARIANT_ADD(diff, seed_9) { 9 };
FIXTURE_VARIANT_ADD(diff, seed_10) { 10 };
FIXTURE_VARIANT_ADD(diff, seed_11) { 11 };
FIXTURE_VARIANT_ADD(diff, seed_12) { 12 };
FIXTURE_VARIANT_ADD(diff, seed_13) { 13 };
FIXTURE_VARIANT_ADD(diff, seed_14) { 14 };
FIXTURE_VARIANT_ADD(diff, seed_15) { 15 };
FIXTURE_VARIANT_ADD(diff, seed_16) { 16 };

/* OPS random ops on the store and the reference, snapshots every 500. */
FIXTURE_SETUP(diff)
{
	static u8 op[BFT_MAX_OP], r1[BFT_MAX_RESULT], r2[BFT_MAX_RESULT];
	static u8 snap[16 + MAX_KEYS * (8 + MAX_KEY + MAX_VALUE)];
	struct bft_kv *kv = kvt_new(MAX_KEY, MAX_VALUE, MAX_KEYS, 2);
	u64 seed = variant->seed, glen;
	u32 i, n, a, b, cap;
	u8 *got, d[32], want[32];
	bool ro;

	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	ref_n = 0;
	/* One empty key, one over-long key, then distinct valid keys. */
	pool_len[0] = 0;
	pool_len[1] = MAX_KEY + 1;
	rnd_bytes(pool[1], MAX_KEY + 1);
	for (i = 2; i < POOL; i++) {
		do {
			pool_len[i] = 1 + rnd(MAX_KEY);
			rnd_bytes(pool[i], pool_len[i]);
		} while (pool_dup(i));
	}
	for (i = 0; i < OPS; i++) {
		n = gen_op(op);
		ro = !rnd(5);
		cap = rnd(10) ? BFT_MAX_RESULT : rnd(20);
		a = bft_kv_execute(kv, op, n, ro, r1, cap);
		b = ref_exec(op, n, ro, r2, cap);
		if (a != b || memcmp(r1, r2, a)) {
			if (!self->ops_bad++)
				TH_LOG("op %u: len %u vs %u", i, a, b);
		} else if (a && r1[0] == BFT_KV_OK) {
			self->ok++;
		}
		if (i % 500 != 499)
			continue;
		bft_kv_checkpoint(kv, i);
		got = kvt_snap(kv, i, &glen);
		n = ref_snapshot(snap);
		bft_kv_digest(kv, d);
		SHA256(snap, n, want);
		if (glen != n || memcmp(got, snap, n) || memcmp(d, want, 32))
			self->snaps_bad++;
		if (!round_trip(got, (u32)glen, want))
			self->rt_bad++;
		free(got);
		bft_kv_snapshot_release(kv, i);
	}
	bft_kv_get_stats(kv, &self->st);
	for (i = 0; i <= BFT_KV_STATUS_MAX; i++) {
		self->statuses += self->st.status[i] != 0;
		if (!self->st.status[i])
			TH_LOG("no %s", bft_kv_status_name(i));
	}
	bft_kv_destroy(kv);
}

FIXTURE_TEARDOWN(diff)
{
}

TEST_F(diff, results_byte_equal)
{
	ASSERT_EQ(0, self->ops_bad);
	TH_LOG("%u results, %llu ok", OPS, (unsigned long long)self->ok);
}

TEST_F(diff, snapshots_equal_the_reference)
{
	ASSERT_EQ(0, self->snaps_bad);
}

TEST_F(diff, install_round_trips)
{
	ASSERT_EQ(0, self->rt_bad);
}

TEST_F(diff, every_status_reached)
{
	ASSERT_EQ(BFT_KV_STATUS_MAX + 1, self->statuses);
}

TEST_F(diff, stats_agree)
{
	ASSERT_EQ(ref_n, self->st.keys);
	ASSERT_EQ(0, self->st.snaps_retained);
}

TEST_HARNESS_MAIN
