// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the key-value service: exact encodings, every operation
 * and every status code, limits, read-only enforcement and counters.
 */
#include "kvtest.h"

static u8 op[BFT_MAX_OP], res[BFT_MAX_RESULT];

/* Execute and compare the whole result with the expected bytes. */
static bool exec_eq(struct bft_kv *kv, u32 len, bool ro, const u8 *want,
		    u32 want_len)
{
	u32 n = bft_kv_execute(kv, op, len, ro, res, sizeof(res));

	return n == want_len && !memcmp(res, want, n);
}

/* Execute and return the status byte, or -1 for a malformed result. */
static int st(struct bft_kv *kv, u32 len, bool ro)
{
	struct bft_kv_res_view rv;

	return kvt_exec(kv, op, len, ro, &rv, res);
}

/*
 * Each script runs its checks in order and returns after check number
 * LAST (0-based); FIXTURE(kv) at the end makes each check one test.
 */
static void encoders(struct __test_metadata *_metadata, int last)
{
	static const u8 put[] = { 1, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0, 0,
				  'k', '1', 'a', 'b', 'c' };
	static const u8 get[] = { 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'x' };
	static const u8 del[] = { 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'x' };
	static const u8 cas[] = { 4, 0, 1, 0, 2, 0, 0, 0, 1, 0, 0, 0,
				  'k', 'o', 'l', 'n' };
	static const u8 casa[] = { 4, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0,
				   'k', 'n' };
	static const u8 nop[] = { 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,
				  0, 0, 0 };
	u32 n;

	n = bft_kv_enc_put(op, sizeof(op), "k1", 2, "abc", 3);
	ASSERT_TRUE(n == sizeof(put) && !memcmp(op, put, n));
	if (last == 0)
		return;
	n = bft_kv_enc_get(op, sizeof(op), "x", 1);
	ASSERT_TRUE(n == sizeof(get) && !memcmp(op, get, n));
	if (last == 1)
		return;
	n = bft_kv_enc_del(op, sizeof(op), "x", 1);
	ASSERT_TRUE(n == sizeof(del) && !memcmp(op, del, n));
	if (last == 2)
		return;
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, "ol", 2, "n", 1, 0);
	ASSERT_TRUE(n == sizeof(cas) && !memcmp(op, cas, n));
	if (last == 3)
		return;
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, NULL, 0, "n", 1,
			   BFT_KV_F_ABSENT);
	ASSERT_TRUE(n == sizeof(casa) && !memcmp(op, casa, n));
	if (last == 4)
		return;
	memset(op, 0xee, sizeof(op));
	n = bft_kv_enc_nop(op, sizeof(op), 3);
	ASSERT_TRUE(n == sizeof(nop) && !memcmp(op, nop, n));
	if (last == 5)
		return;
	ASSERT_TRUE(bft_kv_enc_nop(op, sizeof(op), 0) == BFT_KV_OP_HDR_LEN);
	if (last == 6)
		return;

	ASSERT_TRUE(bft_kv_enc_put(op, 16, "k1", 2, "abc", 3) == 0 &&
	            bft_kv_enc_put(op, 17, "k1", 2, "abc", 3) == 17);
	if (last == 7)
		return;
	ASSERT_TRUE(bft_kv_enc_get(op, sizeof(op), op, 0x10000) == 0);
	if (last == 8)
		return;
	ASSERT_TRUE(bft_kv_enc_cas(op, sizeof(op), "k", 1, "x", 1, "n", 1,
			     BFT_KV_F_ABSENT) == 0);
	if (last == 9)
		return;
	ASSERT_TRUE(bft_kv_enc_cas(op, sizeof(op), "k", 1, NULL, 0, "n", 1,
			     0x80) == 0);
	if (last == 10)
		return;
	ASSERT_TRUE(bft_kv_enc_put(op, sizeof(op), NULL, 1, "v", 1) == 0 &&
	            bft_kv_enc_put(op, sizeof(op), "k", 1, NULL, 1) == 0);
}

static bool bad_op(const u8 *bytes, u32 len)
{
	struct bft_kv_op_view v;

	return bft_kv_dec_op(bytes, len, &v) == BFT_KV_E_BAD_OP;
}

static void decoder(struct __test_metadata *_metadata, int last)
{
	struct bft_kv_op_view v;
	u8 b[64];
	u32 n, i;

	ASSERT_TRUE(bft_kv_dec_op(NULL, 0, &v) == BFT_KV_OK &&
	            v.code == BFT_KV_OP_NOP);
	if (last == 0)
		return;
	n = bft_kv_enc_cas(b, sizeof(b), "key", 3, "e", 1, "nn", 2, 0);
	ASSERT_TRUE(bft_kv_dec_op(b, n, &v) == BFT_KV_OK && v.code == BFT_KV_OP_CAS &&
	            v.key_len == 3 && !memcmp(v.key, "key", 3) && v.val_len == 1 &&
	            v.val[0] == 'e' && v.val2_len == 2 && !memcmp(v.val2, "nn", 2));
	if (last == 1)
		return;
	for (i = 1; i < BFT_KV_OP_HDR_LEN; i++)
		if (bft_kv_dec_op(b, i, &v) != BFT_KV_E_BAD_OP)
			break;
	ASSERT_TRUE(i == BFT_KV_OP_HDR_LEN);
	if (last == 2)
		return;
	ASSERT_TRUE(bad_op(b, n - 1));
	if (last == 3)
		return;
	b[n] = 0;
	ASSERT_TRUE(bad_op(b, n + 1));
	if (last == 4)
		return;
	b[0] = BFT_KV_OP_MAX + 1;
	ASSERT_TRUE(bad_op(b, n));
	if (last == 5)
		return;
	b[0] = 0xff;
	ASSERT_TRUE(bad_op(b, n));
	if (last == 6)
		return;
	n = bft_kv_enc_put(b, sizeof(b), "k", 1, "v", 1);
	b[1] = BFT_KV_F_ABSENT;
	ASSERT_TRUE(bad_op(b, n));
	if (last == 7)
		return;
	n = bft_kv_enc_get(b, sizeof(b), "k", 1);
	b[4] = 1;
	b[n] = 'x';
	ASSERT_TRUE(bad_op(b, n + 1));
	if (last == 8)
		return;
	n = bft_kv_enc_del(b, sizeof(b), "k", 1);
	b[8] = 1;
	ASSERT_TRUE(bad_op(b, n + 1));
	if (last == 9)
		return;
	n = bft_kv_enc_put(b, sizeof(b), "k", 1, "v", 1);
	b[8] = 1;
	ASSERT_TRUE(bad_op(b, n + 1));
	if (last == 10)
		return;
	n = bft_kv_enc_nop(b, sizeof(b), 0);
	b[2] = 1;
	ASSERT_TRUE(bad_op(b, n + 1));
	if (last == 11)
		return;
	n = bft_kv_enc_nop(b, sizeof(b), 0);
	b[1] = 1;
	ASSERT_TRUE(bad_op(b, n));
	if (last == 12)
		return;
	n = bft_kv_enc_cas(b, sizeof(b), "k", 1, "e", 1, "n", 1, 0);
	b[1] = BFT_KV_F_ABSENT;
	ASSERT_TRUE(bad_op(b, n));
	if (last == 13)
		return;
	b[1] = 0x02;
	ASSERT_TRUE(bad_op(b, n));
	if (last == 14)
		return;
	/* Lengths whose u32 sum wraps must not pass. */
	memset(b, 0, BFT_KV_OP_HDR_LEN);
	b[0] = BFT_KV_OP_CAS;
	bft_put32(b + 4, 0xffffffff);
	bft_put32(b + 8, 13);
	ASSERT_TRUE(bad_op(b, 24));
}

static void result_codec(struct __test_metadata *_metadata, int last)
{
	static const u8 want[] = { 2, 0, 0, 0, 2, 0, 0, 0, 'h', 'i' };
	struct bft_kv_res_view rv;
	u8 b[32];
	u32 n;

	n = bft_kv_enc_result(b, sizeof(b), BFT_KV_E_CAS_MISMATCH, 0, "hi", 2);
	ASSERT_TRUE(n == sizeof(want) && !memcmp(b, want, n));
	if (last == 0)
		return;
	ASSERT_TRUE(!bft_kv_dec_result(b, n, &rv) &&
	            rv.status == BFT_KV_E_CAS_MISMATCH && rv.val_len == 2 &&
	            !memcmp(rv.val, "hi", 2));
	if (last == 1)
		return;
	ASSERT_TRUE(bft_kv_enc_result(b, 9, 0, 0, "hi", 2) == 0);
	if (last == 2)
		return;
	ASSERT_TRUE(bft_kv_dec_result(b, 7, &rv) == -EINVAL);
	if (last == 3)
		return;
	ASSERT_TRUE(bft_kv_dec_result(b, n - 1, &rv) == -EINVAL);
	if (last == 4)
		return;
	ASSERT_TRUE(bft_kv_dec_result(b, n + 1, &rv) == -EINVAL);
	if (last == 5)
		return;
	b[2] = 1;
	ASSERT_TRUE(bft_kv_dec_result(b, n, &rv) == -EINVAL);
	if (last == 6)
		return;
	b[2] = 0;
	b[0] = BFT_KV_STATUS_MAX + 1;
	ASSERT_TRUE(bft_kv_dec_result(b, n, &rv) == -EINVAL);
	if (last == 7)
		return;
	b[0] = 0;
	b[1] = 0x80;
	ASSERT_TRUE(bft_kv_dec_result(b, n, &rv) == -EINVAL);
	if (last == 8)
		return;
	ASSERT_TRUE(!strcmp(bft_kv_status_name(BFT_KV_E_FULL), "full") &&
	            !strcmp(bft_kv_status_name(BFT_KV_E_READONLY), "readonly") &&
	            !strcmp(bft_kv_status_name(99), "?") &&
	            !strcmp(bft_kv_op_name(BFT_KV_OP_CAS), "cas") &&
	            !strcmp(bft_kv_op_name(7), "?"));
}

static void ops(struct __test_metadata *_metadata, int last)
{
	static const u8 ok[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	static const u8 created[] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	static const u8 nf[] = { 1, 0, 0, 0, 0, 0, 0, 0 };
	static const u8 got[] = { 0, 0, 0, 0, 3, 0, 0, 0, 'a', 'b', 'c' };
	static const u8 got2[] = { 0, 0, 0, 0, 1, 0, 0, 0, 'z' };
	static const u8 empty[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	static const u8 mism[] = { 2, 0, 0, 0, 1, 0, 0, 0, 'z' };
	struct bft_kv *kv = kvt_new(8, 16, 4, 2);
	struct bft_kv_stats s;
	u32 n;

	ASSERT_TRUE(exec_eq(kv, 0, false, ok, 8));
	if (last == 0)
		goto out;
	ASSERT_TRUE(exec_eq(kv, 0, true, ok, 8));
	if (last == 1)
		goto out;
	n = bft_kv_enc_nop(op, sizeof(op), 100);
	ASSERT_TRUE(exec_eq(kv, n, false, ok, 8));
	if (last == 2)
		goto out;
	n = bft_kv_enc_get(op, sizeof(op), "k", 1);
	ASSERT_TRUE(exec_eq(kv, n, true, nf, 8));
	if (last == 3)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), "k", 1, "abc", 3);
	ASSERT_TRUE(exec_eq(kv, n, false, created, 8));
	if (last == 4)
		goto out;
	n = bft_kv_enc_get(op, sizeof(op), "k", 1);
	ASSERT_TRUE(exec_eq(kv, n, true, got, sizeof(got)));
	if (last == 5)
		goto out;
	ASSERT_TRUE(exec_eq(kv, n, false, got, sizeof(got)));
	if (last == 6)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), "k", 1, "z", 1);
	ASSERT_TRUE(exec_eq(kv, n, false, ok, 8));
	if (last == 7)
		goto out;
	n = bft_kv_enc_get(op, sizeof(op), "k", 1);
	ASSERT_TRUE(exec_eq(kv, n, true, got2, sizeof(got2)));
	if (last == 8)
		goto out;

	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, "y", 1, "q", 1, 0);
	ASSERT_TRUE(exec_eq(kv, n, false, mism, sizeof(mism)));
	if (last == 9)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, "zz", 2, "q", 1, 0);
	ASSERT_TRUE(exec_eq(kv, n, false, mism, sizeof(mism)));
	if (last == 10)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, NULL, 0, "q", 1,
			   BFT_KV_F_ABSENT);
	ASSERT_TRUE(exec_eq(kv, n, false, mism, sizeof(mism)));
	if (last == 11)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, "z", 1, NULL, 0, 0);
	ASSERT_TRUE(exec_eq(kv, n, false, ok, 8));
	if (last == 12)
		goto out;
	n = bft_kv_enc_get(op, sizeof(op), "k", 1);
	ASSERT_TRUE(exec_eq(kv, n, true, empty, 8));
	if (last == 13)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, NULL, 0, "z", 1, 0);
	ASSERT_TRUE(exec_eq(kv, n, false, ok, 8));
	if (last == 14)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), "m", 1, "z", 1, "w", 1, 0);
	ASSERT_TRUE(exec_eq(kv, n, false, nf, 8));
	if (last == 15)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), "m", 1, NULL, 0, "z", 1,
			   BFT_KV_F_ABSENT);
	ASSERT_TRUE(exec_eq(kv, n, false, created, 8));
	if (last == 16)
		goto out;
	n = bft_kv_enc_get(op, sizeof(op), "m", 1);
	ASSERT_TRUE(exec_eq(kv, n, true, got2, sizeof(got2)));
	if (last == 17)
		goto out;

	n = bft_kv_enc_del(op, sizeof(op), "m", 1);
	ASSERT_TRUE(exec_eq(kv, n, false, ok, 8));
	if (last == 18)
		goto out;
	ASSERT_TRUE(exec_eq(kv, n, false, nf, 8));
	if (last == 19)
		goto out;
	n = bft_kv_enc_get(op, sizeof(op), "m", 1);
	ASSERT_TRUE(exec_eq(kv, n, true, nf, 8));
	if (last == 20)
		goto out;

	bft_kv_get_stats(kv, &s);
	ASSERT_TRUE(s.keys == 1 && s.bytes == 2);
	if (last == 21)
		goto out;
	ASSERT_TRUE(s.ops[BFT_KV_OP_NOP] == 3 && s.ops[BFT_KV_OP_PUT] == 2 &&
	            s.ops[BFT_KV_OP_GET] == 7 && s.ops[BFT_KV_OP_CAS] == 7 &&
	            s.ops[BFT_KV_OP_DEL] == 2);
	if (last == 22)
		goto out;
	ASSERT_TRUE(s.status[BFT_KV_OK] == 14 && s.status[BFT_KV_E_NOT_FOUND] == 4 &&
	            s.status[BFT_KV_E_CAS_MISMATCH] == 3 && s.readonly == 7);
out:
	bft_kv_destroy(kv);
}

static void errors(struct __test_metadata *_metadata, int last)
{
	struct bft_kv *kv = kvt_new(8, 16, 3, 2);
	u8 big[32], d0[32], d1[32];
	struct bft_kv_stats s;
	u32 n, i;

	memset(big, 'v', sizeof(big));
	n = bft_kv_enc_put(op, sizeof(op), NULL, 0, "v", 1);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_KEY_EMPTY);
	if (last == 0)
		goto out;
	n = bft_kv_enc_get(op, sizeof(op), NULL, 0);
	ASSERT_TRUE(st(kv, n, true) == BFT_KV_E_KEY_EMPTY);
	if (last == 1)
		goto out;
	n = bft_kv_enc_del(op, sizeof(op), NULL, 0);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_KEY_EMPTY);
	if (last == 2)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), NULL, 0, NULL, 0, "v", 1, 0);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_KEY_EMPTY);
	if (last == 3)
		goto out;

	n = bft_kv_enc_put(op, sizeof(op), big, 8, "v", 1);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_OK);
	if (last == 4)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), big, 9, "v", 1);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_KEY_TOO_LONG);
	if (last == 5)
		goto out;
	n = bft_kv_enc_get(op, sizeof(op), big, 9);
	ASSERT_TRUE(st(kv, n, true) == BFT_KV_E_KEY_TOO_LONG);
	if (last == 6)
		goto out;
	n = bft_kv_enc_del(op, sizeof(op), big, 9);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_KEY_TOO_LONG);
	if (last == 7)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), big, 9, NULL, 0, "v", 1,
			   BFT_KV_F_ABSENT);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_KEY_TOO_LONG);
	if (last == 8)
		goto out;

	n = bft_kv_enc_put(op, sizeof(op), "a", 1, big, 16);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_OK);
	if (last == 9)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), "a", 1, big, 17);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_VALUE_TOO_LONG);
	if (last == 10)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), "a", 1, big, 17, "v", 1, 0);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_VALUE_TOO_LONG);
	if (last == 11)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), "a", 1, big, 16, big, 17, 0);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_VALUE_TOO_LONG);
	if (last == 12)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), "a", 1, big, 17);
	ASSERT_TRUE(st(kv, n, true) == BFT_KV_E_READONLY);
	if (last == 13)
		goto out;

	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "v", 1);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_OK);
	if (last == 14)
		goto out;
	bft_kv_digest(kv, d0);
	n = bft_kv_enc_put(op, sizeof(op), "c", 1, "v", 1);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_FULL);
	if (last == 15)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), "c", 1, NULL, 0, "v", 1,
			   BFT_KV_F_ABSENT);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_FULL);
	if (last == 16)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "w", 1);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_OK);
	if (last == 17)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "v", 1);
	st(kv, n, false);

	/* Read-only write ops: refused, state untouched. */
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "x", 1);
	ASSERT_TRUE(st(kv, n, true) == BFT_KV_E_READONLY);
	if (last == 18)
		goto out;
	n = bft_kv_enc_del(op, sizeof(op), "b", 1);
	ASSERT_TRUE(st(kv, n, true) == BFT_KV_E_READONLY);
	if (last == 19)
		goto out;
	n = bft_kv_enc_cas(op, sizeof(op), "b", 1, "v", 1, "x", 1, 0);
	ASSERT_TRUE(st(kv, n, true) == BFT_KV_E_READONLY);
	if (last == 20)
		goto out;
	n = bft_kv_enc_del(op, sizeof(op), NULL, 0);
	ASSERT_TRUE(st(kv, n, true) == BFT_KV_E_READONLY);
	if (last == 21)
		goto out;
	bft_kv_digest(kv, d1);
	ASSERT_TRUE(!memcmp(d0, d1, 32));
	if (last == 22)
		goto out;

	op[0] = 9;
	ASSERT_TRUE(st(kv, 5, false) == BFT_KV_E_BAD_OP);
	if (last == 23)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "x", 1);
	ASSERT_TRUE(st(kv, n + 1, true) == BFT_KV_E_BAD_OP);
	if (last == 24)
		goto out;

	n = bft_kv_enc_del(op, sizeof(op), "a", 1);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_OK);
	if (last == 25)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), "c", 1, "v", 1);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_OK);
	if (last == 26)
		goto out;

	/* Result space smaller than the value. */
	n = bft_kv_enc_get(op, sizeof(op), big, 8);
	i = bft_kv_execute(kv, op, n, true, res, 8);
	ASSERT_TRUE(i == 8 && res[0] == BFT_KV_E_RESULT_TOO_BIG && !res[4]);
	if (last == 27)
		goto out;
	ASSERT_TRUE(bft_kv_execute(kv, op, n, true, res, 9) == 9 && res[0] == 0);
	if (last == 28)
		goto out;
	ASSERT_TRUE(bft_kv_execute(kv, op, n, true, res, 7) == 0);
	if (last == 29)
		goto out;

	bft_kv_get_stats(kv, &s);
	ASSERT_TRUE(s.status[BFT_KV_E_KEY_EMPTY] == 4 &&
	            s.status[BFT_KV_E_KEY_TOO_LONG] == 4 &&
	            s.status[BFT_KV_E_VALUE_TOO_LONG] == 3 &&
	            s.status[BFT_KV_E_FULL] == 2 &&
	            s.status[BFT_KV_E_READONLY] == 5 &&
	            s.status[BFT_KV_E_BAD_OP] == 2 &&
	            s.status[BFT_KV_E_RESULT_TOO_BIG] == 1);
	if (last == 30)
		goto out;

	ASSERT_TRUE(s.keys == 3 && s.bytes == 8 + 1 + 1 + 1 + 1 + 1);
out:
	bft_kv_destroy(kv);
}

static void limits(struct __test_metadata *_metadata, int last)
{
	struct bft_kv_limits l = { 0 };
	int err = 0;

	bft_kv_limits_default(&l);
	ASSERT_TRUE(l.max_key == 64 && l.max_value == 1024 && l.max_keys == 4096 &&
	            l.max_snaps == 8 && !bft_kv_limits_check(&l));
	if (last == 0)
		goto out;
	l.max_key = BFT_KV_KEY_MAX + 1;
	ASSERT_TRUE(bft_kv_limits_check(&l) == -EINVAL);
	if (last == 1)
		goto out;
	l.max_key = 64;
	l.max_keys = BFT_KV_KEYS_MAX + 1;
	ASSERT_TRUE(bft_kv_limits_check(&l) == -EINVAL);
	if (last == 2)
		goto out;
	l.max_keys = 4096;
	l.max_snaps = BFT_KV_SNAPS_MAX + 1;
	ASSERT_TRUE(bft_kv_limits_check(&l) == -EINVAL);
	if (last == 3)
		goto out;
	l.max_snaps = 8;
	/* A CAS with two values must fit BFT_MAX_OP. */
	l.max_value = (BFT_MAX_OP - BFT_KV_OP_HDR_LEN - 64) / 2;
	ASSERT_TRUE(!bft_kv_limits_check(&l));
	if (last == 4)
		goto out;
	l.max_value++;
	ASSERT_TRUE(bft_kv_limits_check(&l) == -EINVAL);
	if (last == 5)
		goto out;
	l.max_value = 1024;
	l.max_keys = BFT_KV_KEYS_MAX;
	ASSERT_TRUE(bft_kv_limits_check(&l) == -EINVAL);
	if (last == 6)
		goto out;
	l.max_keys = 4096;
	l.max_key = 2000;
	ASSERT_TRUE(!bft_kv_create(&l, &err) && err == -EINVAL);
	if (last == 7)
		goto out;
	l = (struct bft_kv_limits){ 0 };
	{
		struct bft_kv *kv = bft_kv_create(&l, &err);
		struct bft_kv_limits got;

		bft_kv_get_limits(kv, &got);
		ASSERT_TRUE(kv && !err && got.max_keys == 4096 && got.max_snaps == 8);
		bft_kv_destroy(kv);
	}
out:
	bft_kv_destroy(NULL);
}

static u64 digests(struct bft_kv *kv)
{
	struct bft_kv_stats s;

	bft_kv_get_stats(kv, &s);
	return s.digests;
}

/*
 * Status reads hash the store under the replica lock: only a change may
 * make the next one hash again, and the cached value must be the fresh one.
 */
static void digest_cache(struct __test_metadata *_metadata, int last)
{
	struct bft_kv *kv = kvt_new(8, 16, 2, 2);
	struct bft_kv *ref = kvt_new(8, 16, 2, 2);
	u8 d0[32], d1[32], dr[32];
	u32 n;

	n = bft_kv_enc_put(op, sizeof(op), "a", 1, "v", 1);
	st(kv, n, false);
	st(ref, n, false);
	bft_kv_digest(kv, d0);
	bft_kv_digest(kv, d1);
	ASSERT_TRUE(digests(kv) == 1 && !memcmp(d0, d1, 32));
	if (last == 0)
		goto out;
	n = bft_kv_enc_get(op, sizeof(op), "a", 1);
	st(kv, n, false);
	n = bft_kv_enc_cas(op, sizeof(op), "a", 1, "x", 1, "y", 1, 0);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_CAS_MISMATCH);
	if (last == 1)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "v", 1);
	st(kv, n, false);
	n = bft_kv_enc_put(op, sizeof(op), "c", 1, "v", 1);
	ASSERT_TRUE(st(kv, n, false) == BFT_KV_E_FULL);
	if (last == 2)
		goto out;
	st(kv, n, true);
	bft_kv_digest(kv, d1);
	ASSERT_TRUE(digests(kv) == 2 && memcmp(d0, d1, 32));
	if (last == 3)
		goto out;
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "v", 1);
	st(ref, n, false);
	bft_kv_digest(ref, dr);
	ASSERT_TRUE(!memcmp(d1, dr, 32));
	if (last == 4)
		goto out;
	n = bft_kv_enc_del(op, sizeof(op), "b", 1);
	st(kv, n, false);
	bft_kv_digest(kv, d1);
	ASSERT_TRUE(digests(kv) == 3 && !memcmp(d0, d1, 32));
out:
	bft_kv_destroy(kv);
	bft_kv_destroy(ref);
}

/*
 * One test per check of the scripts above: each variant runs its script
 * up to and including its own check.
 */
FIXTURE(kv) {
};

FIXTURE_SETUP(kv)
{
}

FIXTURE_TEARDOWN(kv)
{
}

FIXTURE_VARIANT(kv) {
	void (*script)(struct __test_metadata *_metadata, int last);
	int last;
};

FIXTURE_VARIANT_ADD(kv, enc_put_bytes) { encoders, 0 };
FIXTURE_VARIANT_ADD(kv, enc_get_bytes) { encoders, 1 };
FIXTURE_VARIANT_ADD(kv, enc_del_bytes) { encoders, 2 };
FIXTURE_VARIANT_ADD(kv, enc_cas_bytes) { encoders, 3 };
FIXTURE_VARIANT_ADD(kv, enc_cas_absent_bytes) { encoders, 4 };
FIXTURE_VARIANT_ADD(kv, enc_nop_zero_pad) { encoders, 5 };
FIXTURE_VARIANT_ADD(kv, enc_nop_header_only) { encoders, 6 };
FIXTURE_VARIANT_ADD(kv, enc_refuses_cap_one_short_fits_exact_cap) {
	encoders, 7 };
FIXTURE_VARIANT_ADD(kv, enc_refuses_key_over_16_bits) { encoders, 8 };
FIXTURE_VARIANT_ADD(kv, enc_refuses_cas_absent_with_expected) { encoders, 9 };
FIXTURE_VARIANT_ADD(kv, enc_refuses_unknown_cas_flag) { encoders, 10 };
FIXTURE_VARIANT_ADD(kv, enc_refuses_null_with_a_length) { encoders, 11 };
FIXTURE_VARIANT_ADD(kv, dec_empty_op_is_nop) { decoder, 0 };
FIXTURE_VARIANT_ADD(kv, dec_cas_fields) { decoder, 1 };
FIXTURE_VARIANT_ADD(kv, dec_short_headers_1_11) { decoder, 2 };
FIXTURE_VARIANT_ADD(kv, dec_truncated) { decoder, 3 };
FIXTURE_VARIANT_ADD(kv, dec_trailing_byte) { decoder, 4 };
FIXTURE_VARIANT_ADD(kv, dec_unknown_opcode) { decoder, 5 };
FIXTURE_VARIANT_ADD(kv, dec_opcode_255) { decoder, 6 };
FIXTURE_VARIANT_ADD(kv, dec_put_with_flag) { decoder, 7 };
FIXTURE_VARIANT_ADD(kv, dec_get_with_value) { decoder, 8 };
FIXTURE_VARIANT_ADD(kv, dec_del_with_val2) { decoder, 9 };
FIXTURE_VARIANT_ADD(kv, dec_put_with_val2) { decoder, 10 };
FIXTURE_VARIANT_ADD(kv, dec_nop_with_key) { decoder, 11 };
FIXTURE_VARIANT_ADD(kv, dec_nop_with_flag) { decoder, 12 };
FIXTURE_VARIANT_ADD(kv, dec_cas_absent_with_expected) { decoder, 13 };
FIXTURE_VARIANT_ADD(kv, dec_cas_unknown_flag) { decoder, 14 };
FIXTURE_VARIANT_ADD(kv, dec_length_sum_wraps) { decoder, 15 };
FIXTURE_VARIANT_ADD(kv, enc_result_bytes) { result_codec, 0 };
FIXTURE_VARIANT_ADD(kv, dec_result) { result_codec, 1 };
FIXTURE_VARIANT_ADD(kv, enc_result_refuses_small_cap) { result_codec, 2 };
FIXTURE_VARIANT_ADD(kv, dec_result_short) { result_codec, 3 };
FIXTURE_VARIANT_ADD(kv, dec_result_truncated_value) { result_codec, 4 };
FIXTURE_VARIANT_ADD(kv, dec_result_trailing_byte) { result_codec, 5 };
FIXTURE_VARIANT_ADD(kv, dec_result_reserved_set) { result_codec, 6 };
FIXTURE_VARIANT_ADD(kv, dec_result_unknown_status) { result_codec, 7 };
FIXTURE_VARIANT_ADD(kv, dec_result_unknown_flag) { result_codec, 8 };
FIXTURE_VARIANT_ADD(kv, status_and_op_names) { result_codec, 9 };
FIXTURE_VARIANT_ADD(kv, empty_op_ok) { ops, 0 };
FIXTURE_VARIANT_ADD(kv, empty_op_read_only_ok) { ops, 1 };
FIXTURE_VARIANT_ADD(kv, nop_with_padding_ok) { ops, 2 };
FIXTURE_VARIANT_ADD(kv, get_missing_not_found) { ops, 3 };
FIXTURE_VARIANT_ADD(kv, put_new_ok_created) { ops, 4 };
FIXTURE_VARIANT_ADD(kv, get_value) { ops, 5 };
FIXTURE_VARIANT_ADD(kv, ordered_get_value) { ops, 6 };
FIXTURE_VARIANT_ADD(kv, put_existing_ok_not_created) { ops, 7 };
FIXTURE_VARIANT_ADD(kv, get_replaced) { ops, 8 };
FIXTURE_VARIANT_ADD(kv, cas_wrong_expected_mismatch_current) { ops, 9 };
FIXTURE_VARIANT_ADD(kv, cas_longer_expected_mismatch) { ops, 10 };
FIXTURE_VARIANT_ADD(kv, cas_absent_on_existing_mismatch_current) { ops, 11 };
FIXTURE_VARIANT_ADD(kv, cas_match_ok) { ops, 12 };
FIXTURE_VARIANT_ADD(kv, get_empty_value_after_cas) { ops, 13 };
FIXTURE_VARIANT_ADD(kv, cas_empty_expected_matches_empty) { ops, 14 };
FIXTURE_VARIANT_ADD(kv, cas_missing_not_found) { ops, 15 };
FIXTURE_VARIANT_ADD(kv, cas_absent_missing_created) { ops, 16 };
FIXTURE_VARIANT_ADD(kv, get_cas_created) { ops, 17 };
FIXTURE_VARIANT_ADD(kv, del_ok) { ops, 18 };
FIXTURE_VARIANT_ADD(kv, del_again_not_found) { ops, 19 };
FIXTURE_VARIANT_ADD(kv, get_deleted_not_found) { ops, 20 };
FIXTURE_VARIANT_ADD(kv, stats_keys_and_bytes) { ops, 21 };
FIXTURE_VARIANT_ADD(kv, stats_ops_by_opcode) { ops, 22 };
FIXTURE_VARIANT_ADD(kv, stats_by_status) { ops, 23 };
FIXTURE_VARIANT_ADD(kv, put_empty_key) { errors, 0 };
FIXTURE_VARIANT_ADD(kv, get_empty_key) { errors, 1 };
FIXTURE_VARIANT_ADD(kv, del_empty_key) { errors, 2 };
FIXTURE_VARIANT_ADD(kv, cas_empty_key) { errors, 3 };
FIXTURE_VARIANT_ADD(kv, put_key_at_max_key) { errors, 4 };
FIXTURE_VARIANT_ADD(kv, put_key_over_max) { errors, 5 };
FIXTURE_VARIANT_ADD(kv, get_key_over_max) { errors, 6 };
FIXTURE_VARIANT_ADD(kv, del_key_over_max) { errors, 7 };
FIXTURE_VARIANT_ADD(kv, cas_key_over_max) { errors, 8 };
FIXTURE_VARIANT_ADD(kv, put_value_at_max_value) { errors, 9 };
FIXTURE_VARIANT_ADD(kv, put_value_over) { errors, 10 };
FIXTURE_VARIANT_ADD(kv, cas_expected_over) { errors, 11 };
FIXTURE_VARIANT_ADD(kv, cas_new_over) { errors, 12 };
FIXTURE_VARIANT_ADD(kv, read_only_beats_value_too_long) { errors, 13 };
FIXTURE_VARIANT_ADD(kv, third_key_fits) { errors, 14 };
FIXTURE_VARIANT_ADD(kv, fourth_key_full) { errors, 15 };
FIXTURE_VARIANT_ADD(kv, cas_absent_when_full) { errors, 16 };
FIXTURE_VARIANT_ADD(kv, replace_while_full) { errors, 17 };
FIXTURE_VARIANT_ADD(kv, read_only_put) { errors, 18 };
FIXTURE_VARIANT_ADD(kv, read_only_del) { errors, 19 };
FIXTURE_VARIANT_ADD(kv, read_only_cas) { errors, 20 };
FIXTURE_VARIANT_ADD(kv, read_only_beats_empty_key) { errors, 21 };
FIXTURE_VARIANT_ADD(kv, errors_left_the_state_unchanged) { errors, 22 };
FIXTURE_VARIANT_ADD(kv, short_op_bad_op) { errors, 23 };
FIXTURE_VARIANT_ADD(kv, bad_op_beats_read_only) { errors, 24 };
FIXTURE_VARIANT_ADD(kv, del_frees_a_slot) { errors, 25 };
FIXTURE_VARIANT_ADD(kv, put_after_del_fits) { errors, 26 };
FIXTURE_VARIANT_ADD(kv, get_into_small_result_result_too_big) { errors, 27 };
FIXTURE_VARIANT_ADD(kv, get_into_exact_result_space) { errors, 28 };
FIXTURE_VARIANT_ADD(kv, result_space_below_header_0) { errors, 29 };
FIXTURE_VARIANT_ADD(kv, stats_errors_by_code) { errors, 30 };
FIXTURE_VARIANT_ADD(kv, stats_after_errors) { errors, 31 };
FIXTURE_VARIANT_ADD(kv, default_limits) { limits, 0 };
FIXTURE_VARIANT_ADD(kv, max_key_over_ceiling) { limits, 1 };
FIXTURE_VARIANT_ADD(kv, max_keys_over_ceiling) { limits, 2 };
FIXTURE_VARIANT_ADD(kv, max_snaps_over_ceiling) { limits, 3 };
FIXTURE_VARIANT_ADD(kv, largest_value_fitting_a_cas) { limits, 4 };
FIXTURE_VARIANT_ADD(kv, value_too_big_for_a_cas) { limits, 5 };
FIXTURE_VARIANT_ADD(kv, table_over_memory_cap) { limits, 6 };
FIXTURE_VARIANT_ADD(kv, create_refuses_bad_limits) { limits, 7 };
FIXTURE_VARIANT_ADD(kv, create_with_defaults) { limits, 8 };
FIXTURE_VARIANT_ADD(kv, digest_twice_no_change_hashed_once) { digest_cache, 0 };
FIXTURE_VARIANT_ADD(kv, cas_mismatch) { digest_cache, 1 };
FIXTURE_VARIANT_ADD(kv, third_key_full) { digest_cache, 2 };
FIXTURE_VARIANT_ADD(kv, put_hashes_again_get_or_failed_write_not) {
	digest_cache, 3 };
FIXTURE_VARIANT_ADD(kv, cached_digest_equals_a_fresh_one) { digest_cache, 4 };
FIXTURE_VARIANT_ADD(kv, delete_hashes_again_back_to_first_state) {
	digest_cache, 5 };

TEST_F(kv, check)
{
	variant->script(_metadata, variant->last);
}

TEST_HARNESS_MAIN
