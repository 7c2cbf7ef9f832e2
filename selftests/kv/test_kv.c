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

static void test_encoders(void)
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
	CHECK(n == sizeof(put) && !memcmp(op, put, n), "enc put bytes");
	n = bft_kv_enc_get(op, sizeof(op), "x", 1);
	CHECK(n == sizeof(get) && !memcmp(op, get, n), "enc get bytes");
	n = bft_kv_enc_del(op, sizeof(op), "x", 1);
	CHECK(n == sizeof(del) && !memcmp(op, del, n), "enc del bytes");
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, "ol", 2, "n", 1, 0);
	CHECK(n == sizeof(cas) && !memcmp(op, cas, n), "enc cas bytes");
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, NULL, 0, "n", 1,
			   BFT_KV_F_ABSENT);
	CHECK(n == sizeof(casa) && !memcmp(op, casa, n),
	      "enc cas-absent bytes");
	memset(op, 0xee, sizeof(op));
	n = bft_kv_enc_nop(op, sizeof(op), 3);
	CHECK(n == sizeof(nop) && !memcmp(op, nop, n), "enc nop zero pad");
	CHECK(bft_kv_enc_nop(op, sizeof(op), 0) == BFT_KV_OP_HDR_LEN,
	      "enc nop header only");

	CHECK(bft_kv_enc_put(op, 16, "k1", 2, "abc", 3) == 0 &&
	      bft_kv_enc_put(op, 17, "k1", 2, "abc", 3) == 17,
	      "enc refuses cap one short, fits exact cap");
	CHECK(bft_kv_enc_get(op, sizeof(op), op, 0x10000) == 0,
	      "enc refuses key over 16 bits");
	CHECK(bft_kv_enc_cas(op, sizeof(op), "k", 1, "x", 1, "n", 1,
			     BFT_KV_F_ABSENT) == 0,
	      "enc refuses cas-absent with expected");
	CHECK(bft_kv_enc_cas(op, sizeof(op), "k", 1, NULL, 0, "n", 1,
			     0x80) == 0, "enc refuses unknown cas flag");
	CHECK(bft_kv_enc_put(op, sizeof(op), NULL, 1, "v", 1) == 0 &&
	      bft_kv_enc_put(op, sizeof(op), "k", 1, NULL, 1) == 0,
	      "enc refuses NULL with a length");
}

static void bad_op(const u8 *bytes, u32 len, const char *name)
{
	struct bft_kv_op_view v;

	CHECK(bft_kv_dec_op(bytes, len, &v) == BFT_KV_E_BAD_OP, "dec %s",
	      name);
}

static void test_decoder(void)
{
	struct bft_kv_op_view v;
	u8 b[64];
	u32 n, i;

	CHECK(bft_kv_dec_op(NULL, 0, &v) == BFT_KV_OK &&
	      v.code == BFT_KV_OP_NOP, "dec empty op is NOP");
	n = bft_kv_enc_cas(b, sizeof(b), "key", 3, "e", 1, "nn", 2, 0);
	CHECK(bft_kv_dec_op(b, n, &v) == BFT_KV_OK && v.code == BFT_KV_OP_CAS &&
	      v.key_len == 3 && !memcmp(v.key, "key", 3) && v.val_len == 1 &&
	      v.val[0] == 'e' && v.val2_len == 2 && !memcmp(v.val2, "nn", 2),
	      "dec cas fields");
	for (i = 1; i < BFT_KV_OP_HDR_LEN; i++)
		if (bft_kv_dec_op(b, i, &v) != BFT_KV_E_BAD_OP)
			break;
	CHECK(i == BFT_KV_OP_HDR_LEN, "dec short headers 1..11");
	bad_op(b, n - 1, "truncated");
	b[n] = 0;
	bad_op(b, n + 1, "trailing byte");
	b[0] = BFT_KV_OP_MAX + 1;
	bad_op(b, n, "unknown opcode");
	b[0] = 0xff;
	bad_op(b, n, "opcode 255");
	n = bft_kv_enc_put(b, sizeof(b), "k", 1, "v", 1);
	b[1] = BFT_KV_F_ABSENT;
	bad_op(b, n, "put with flag");
	n = bft_kv_enc_get(b, sizeof(b), "k", 1);
	b[4] = 1;
	b[n] = 'x';
	bad_op(b, n + 1, "get with value");
	n = bft_kv_enc_del(b, sizeof(b), "k", 1);
	b[8] = 1;
	bad_op(b, n + 1, "del with val2");
	n = bft_kv_enc_put(b, sizeof(b), "k", 1, "v", 1);
	b[8] = 1;
	bad_op(b, n + 1, "put with val2");
	n = bft_kv_enc_nop(b, sizeof(b), 0);
	b[2] = 1;
	bad_op(b, n + 1, "nop with key");
	n = bft_kv_enc_nop(b, sizeof(b), 0);
	b[1] = 1;
	bad_op(b, n, "nop with flag");
	n = bft_kv_enc_cas(b, sizeof(b), "k", 1, "e", 1, "n", 1, 0);
	b[1] = BFT_KV_F_ABSENT;
	bad_op(b, n, "cas-absent with expected");
	b[1] = 0x02;
	bad_op(b, n, "cas unknown flag");
	/* Lengths whose u32 sum wraps must not pass. */
	memset(b, 0, BFT_KV_OP_HDR_LEN);
	b[0] = BFT_KV_OP_CAS;
	bft_put32(b + 4, 0xffffffff);
	bft_put32(b + 8, 13);
	bad_op(b, 24, "length sum wraps");
}

static void test_result_codec(void)
{
	static const u8 want[] = { 2, 0, 0, 0, 2, 0, 0, 0, 'h', 'i' };
	struct bft_kv_res_view rv;
	u8 b[32];
	u32 n;

	n = bft_kv_enc_result(b, sizeof(b), BFT_KV_E_CAS_MISMATCH, 0, "hi", 2);
	CHECK(n == sizeof(want) && !memcmp(b, want, n), "enc result bytes");
	CHECK(!bft_kv_dec_result(b, n, &rv) &&
	      rv.status == BFT_KV_E_CAS_MISMATCH && rv.val_len == 2 &&
	      !memcmp(rv.val, "hi", 2), "dec result");
	CHECK(bft_kv_enc_result(b, 9, 0, 0, "hi", 2) == 0,
	      "enc result refuses small cap");
	CHECK(bft_kv_dec_result(b, 7, &rv) == -EINVAL, "dec result short");
	CHECK(bft_kv_dec_result(b, n - 1, &rv) == -EINVAL,
	      "dec result truncated value");
	CHECK(bft_kv_dec_result(b, n + 1, &rv) == -EINVAL,
	      "dec result trailing byte");
	b[2] = 1;
	CHECK(bft_kv_dec_result(b, n, &rv) == -EINVAL,
	      "dec result reserved set");
	b[2] = 0;
	b[0] = BFT_KV_STATUS_MAX + 1;
	CHECK(bft_kv_dec_result(b, n, &rv) == -EINVAL,
	      "dec result unknown status");
	b[0] = 0;
	b[1] = 0x80;
	CHECK(bft_kv_dec_result(b, n, &rv) == -EINVAL,
	      "dec result unknown flag");
	CHECK(!strcmp(bft_kv_status_name(BFT_KV_E_FULL), "full") &&
	      !strcmp(bft_kv_status_name(BFT_KV_E_READONLY), "readonly") &&
	      !strcmp(bft_kv_status_name(99), "?") &&
	      !strcmp(bft_kv_op_name(BFT_KV_OP_CAS), "cas") &&
	      !strcmp(bft_kv_op_name(7), "?"), "status and op names");
}

static void test_ops(void)
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

	CHECK(exec_eq(kv, 0, false, ok, 8), "empty op: ok");
	CHECK(exec_eq(kv, 0, true, ok, 8), "empty op read-only: ok");
	n = bft_kv_enc_nop(op, sizeof(op), 100);
	CHECK(exec_eq(kv, n, false, ok, 8), "nop with padding: ok");
	n = bft_kv_enc_get(op, sizeof(op), "k", 1);
	CHECK(exec_eq(kv, n, true, nf, 8), "get missing: not-found");
	n = bft_kv_enc_put(op, sizeof(op), "k", 1, "abc", 3);
	CHECK(exec_eq(kv, n, false, created, 8), "put new: ok created");
	n = bft_kv_enc_get(op, sizeof(op), "k", 1);
	CHECK(exec_eq(kv, n, true, got, sizeof(got)), "get: value");
	CHECK(exec_eq(kv, n, false, got, sizeof(got)), "ordered get: value");
	n = bft_kv_enc_put(op, sizeof(op), "k", 1, "z", 1);
	CHECK(exec_eq(kv, n, false, ok, 8), "put existing: ok not created");
	n = bft_kv_enc_get(op, sizeof(op), "k", 1);
	CHECK(exec_eq(kv, n, true, got2, sizeof(got2)), "get: replaced");

	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, "y", 1, "q", 1, 0);
	CHECK(exec_eq(kv, n, false, mism, sizeof(mism)),
	      "cas wrong expected: mismatch + current");
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, "zz", 2, "q", 1, 0);
	CHECK(exec_eq(kv, n, false, mism, sizeof(mism)),
	      "cas longer expected: mismatch");
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, NULL, 0, "q", 1,
			   BFT_KV_F_ABSENT);
	CHECK(exec_eq(kv, n, false, mism, sizeof(mism)),
	      "cas-absent on existing: mismatch + current");
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, "z", 1, NULL, 0, 0);
	CHECK(exec_eq(kv, n, false, ok, 8), "cas match: ok");
	n = bft_kv_enc_get(op, sizeof(op), "k", 1);
	CHECK(exec_eq(kv, n, true, empty, 8), "get: empty value after cas");
	n = bft_kv_enc_cas(op, sizeof(op), "k", 1, NULL, 0, "z", 1, 0);
	CHECK(exec_eq(kv, n, false, ok, 8), "cas empty expected matches empty");
	n = bft_kv_enc_cas(op, sizeof(op), "m", 1, "z", 1, "w", 1, 0);
	CHECK(exec_eq(kv, n, false, nf, 8), "cas missing: not-found");
	n = bft_kv_enc_cas(op, sizeof(op), "m", 1, NULL, 0, "z", 1,
			   BFT_KV_F_ABSENT);
	CHECK(exec_eq(kv, n, false, created, 8), "cas-absent missing: created");
	n = bft_kv_enc_get(op, sizeof(op), "m", 1);
	CHECK(exec_eq(kv, n, true, got2, sizeof(got2)), "get cas-created");

	n = bft_kv_enc_del(op, sizeof(op), "m", 1);
	CHECK(exec_eq(kv, n, false, ok, 8), "del: ok");
	CHECK(exec_eq(kv, n, false, nf, 8), "del again: not-found");
	n = bft_kv_enc_get(op, sizeof(op), "m", 1);
	CHECK(exec_eq(kv, n, true, nf, 8), "get deleted: not-found");

	bft_kv_get_stats(kv, &s);
	CHECK(s.keys == 1 && s.bytes == 2, "stats keys and bytes");
	CHECK(s.ops[BFT_KV_OP_NOP] == 3 && s.ops[BFT_KV_OP_PUT] == 2 &&
	      s.ops[BFT_KV_OP_GET] == 7 && s.ops[BFT_KV_OP_CAS] == 7 &&
	      s.ops[BFT_KV_OP_DEL] == 2, "stats ops by opcode");
	CHECK(s.status[BFT_KV_OK] == 14 && s.status[BFT_KV_E_NOT_FOUND] == 4 &&
	      s.status[BFT_KV_E_CAS_MISMATCH] == 3 && s.readonly == 7,
	      "stats by status");
	bft_kv_destroy(kv);
}

static void test_errors(void)
{
	struct bft_kv *kv = kvt_new(8, 16, 3, 2);
	u8 big[32], d0[32], d1[32];
	struct bft_kv_stats s;
	u32 n, i;

	memset(big, 'v', sizeof(big));
	n = bft_kv_enc_put(op, sizeof(op), NULL, 0, "v", 1);
	CHECK(st(kv, n, false) == BFT_KV_E_KEY_EMPTY, "put empty key");
	n = bft_kv_enc_get(op, sizeof(op), NULL, 0);
	CHECK(st(kv, n, true) == BFT_KV_E_KEY_EMPTY, "get empty key");
	n = bft_kv_enc_del(op, sizeof(op), NULL, 0);
	CHECK(st(kv, n, false) == BFT_KV_E_KEY_EMPTY, "del empty key");
	n = bft_kv_enc_cas(op, sizeof(op), NULL, 0, NULL, 0, "v", 1, 0);
	CHECK(st(kv, n, false) == BFT_KV_E_KEY_EMPTY, "cas empty key");

	n = bft_kv_enc_put(op, sizeof(op), big, 8, "v", 1);
	CHECK(st(kv, n, false) == BFT_KV_OK, "put key at max_key");
	n = bft_kv_enc_put(op, sizeof(op), big, 9, "v", 1);
	CHECK(st(kv, n, false) == BFT_KV_E_KEY_TOO_LONG, "put key over max");
	n = bft_kv_enc_get(op, sizeof(op), big, 9);
	CHECK(st(kv, n, true) == BFT_KV_E_KEY_TOO_LONG, "get key over max");
	n = bft_kv_enc_del(op, sizeof(op), big, 9);
	CHECK(st(kv, n, false) == BFT_KV_E_KEY_TOO_LONG, "del key over max");
	n = bft_kv_enc_cas(op, sizeof(op), big, 9, NULL, 0, "v", 1,
			   BFT_KV_F_ABSENT);
	CHECK(st(kv, n, false) == BFT_KV_E_KEY_TOO_LONG, "cas key over max");

	n = bft_kv_enc_put(op, sizeof(op), "a", 1, big, 16);
	CHECK(st(kv, n, false) == BFT_KV_OK, "put value at max_value");
	n = bft_kv_enc_put(op, sizeof(op), "a", 1, big, 17);
	CHECK(st(kv, n, false) == BFT_KV_E_VALUE_TOO_LONG, "put value over");
	n = bft_kv_enc_cas(op, sizeof(op), "a", 1, big, 17, "v", 1, 0);
	CHECK(st(kv, n, false) == BFT_KV_E_VALUE_TOO_LONG,
	      "cas expected over");
	n = bft_kv_enc_cas(op, sizeof(op), "a", 1, big, 16, big, 17, 0);
	CHECK(st(kv, n, false) == BFT_KV_E_VALUE_TOO_LONG, "cas new over");
	n = bft_kv_enc_put(op, sizeof(op), "a", 1, big, 17);
	CHECK(st(kv, n, true) == BFT_KV_E_READONLY,
	      "read-only beats value too long");

	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "v", 1);
	CHECK(st(kv, n, false) == BFT_KV_OK, "third key fits");
	bft_kv_digest(kv, d0);
	n = bft_kv_enc_put(op, sizeof(op), "c", 1, "v", 1);
	CHECK(st(kv, n, false) == BFT_KV_E_FULL, "fourth key: full");
	n = bft_kv_enc_cas(op, sizeof(op), "c", 1, NULL, 0, "v", 1,
			   BFT_KV_F_ABSENT);
	CHECK(st(kv, n, false) == BFT_KV_E_FULL, "cas-absent when full");
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "w", 1);
	CHECK(st(kv, n, false) == BFT_KV_OK, "replace while full");
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "v", 1);
	st(kv, n, false);

	/* Read-only write ops: refused, state untouched. */
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "x", 1);
	CHECK(st(kv, n, true) == BFT_KV_E_READONLY, "read-only put");
	n = bft_kv_enc_del(op, sizeof(op), "b", 1);
	CHECK(st(kv, n, true) == BFT_KV_E_READONLY, "read-only del");
	n = bft_kv_enc_cas(op, sizeof(op), "b", 1, "v", 1, "x", 1, 0);
	CHECK(st(kv, n, true) == BFT_KV_E_READONLY, "read-only cas");
	n = bft_kv_enc_del(op, sizeof(op), NULL, 0);
	CHECK(st(kv, n, true) == BFT_KV_E_READONLY,
	      "read-only beats empty key");
	bft_kv_digest(kv, d1);
	CHECK(!memcmp(d0, d1, 32), "errors left the state unchanged");

	op[0] = 9;
	CHECK(st(kv, 5, false) == BFT_KV_E_BAD_OP, "short op: bad-op");
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "x", 1);
	CHECK(st(kv, n + 1, true) == BFT_KV_E_BAD_OP,
	      "bad-op beats read-only");

	n = bft_kv_enc_del(op, sizeof(op), "a", 1);
	CHECK(st(kv, n, false) == BFT_KV_OK, "del frees a slot");
	n = bft_kv_enc_put(op, sizeof(op), "c", 1, "v", 1);
	CHECK(st(kv, n, false) == BFT_KV_OK, "put after del fits");

	/* Result space smaller than the value. */
	n = bft_kv_enc_get(op, sizeof(op), big, 8);
	i = bft_kv_execute(kv, op, n, true, res, 8);
	CHECK(i == 8 && res[0] == BFT_KV_E_RESULT_TOO_BIG && !res[4],
	      "get into small result: result-too-big");
	CHECK(bft_kv_execute(kv, op, n, true, res, 9) == 9 && res[0] == 0,
	      "get into exact result space");
	CHECK(bft_kv_execute(kv, op, n, true, res, 7) == 0,
	      "result space below header: 0");

	bft_kv_get_stats(kv, &s);
	CHECK(s.status[BFT_KV_E_KEY_EMPTY] == 4 &&
	      s.status[BFT_KV_E_KEY_TOO_LONG] == 4 &&
	      s.status[BFT_KV_E_VALUE_TOO_LONG] == 3 &&
	      s.status[BFT_KV_E_FULL] == 2 &&
	      s.status[BFT_KV_E_READONLY] == 5 &&
	      s.status[BFT_KV_E_BAD_OP] == 2 &&
	      s.status[BFT_KV_E_RESULT_TOO_BIG] == 1, "stats errors by code");

	CHECK(s.keys == 3 && s.bytes == 8 + 1 + 1 + 1 + 1 + 1,
	      "stats after errors");
	bft_kv_destroy(kv);
}

static void test_limits(void)
{
	struct bft_kv_limits l = { 0 };
	int err = 0;

	bft_kv_limits_default(&l);
	CHECK(l.max_key == 64 && l.max_value == 1024 && l.max_keys == 4096 &&
	      l.max_snaps == 8 && !bft_kv_limits_check(&l), "default limits");
	l.max_key = BFT_KV_KEY_MAX + 1;
	CHECK(bft_kv_limits_check(&l) == -EINVAL, "max_key over ceiling");
	l.max_key = 64;
	l.max_keys = BFT_KV_KEYS_MAX + 1;
	CHECK(bft_kv_limits_check(&l) == -EINVAL, "max_keys over ceiling");
	l.max_keys = 4096;
	l.max_snaps = BFT_KV_SNAPS_MAX + 1;
	CHECK(bft_kv_limits_check(&l) == -EINVAL, "max_snaps over ceiling");
	l.max_snaps = 8;
	/* A CAS with two values must fit BFT_MAX_OP. */
	l.max_value = (BFT_MAX_OP - BFT_KV_OP_HDR_LEN - 64) / 2;
	CHECK(!bft_kv_limits_check(&l), "largest value fitting a CAS");
	l.max_value++;
	CHECK(bft_kv_limits_check(&l) == -EINVAL, "value too big for a CAS");
	l.max_value = 1024;
	l.max_keys = BFT_KV_KEYS_MAX;
	CHECK(bft_kv_limits_check(&l) == -EINVAL, "table over memory cap");
	l.max_keys = 4096;
	l.max_key = 2000;
	CHECK(!bft_kv_create(&l, &err) && err == -EINVAL,
	      "create refuses bad limits");
	l = (struct bft_kv_limits){ 0 };
	{
		struct bft_kv *kv = bft_kv_create(&l, &err);
		struct bft_kv_limits got;

		bft_kv_get_limits(kv, &got);
		CHECK(kv && !err && got.max_keys == 4096 && got.max_snaps == 8,
		      "create with defaults");
		bft_kv_destroy(kv);
	}
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
static void test_digest_cache(void)
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
	CHECK(digests(kv) == 1 && !memcmp(d0, d1, 32),
	      "digest twice, no change: hashed once");
	n = bft_kv_enc_get(op, sizeof(op), "a", 1);
	st(kv, n, false);
	n = bft_kv_enc_cas(op, sizeof(op), "a", 1, "x", 1, "y", 1, 0);
	CHECK(st(kv, n, false) == BFT_KV_E_CAS_MISMATCH, "cas mismatch");
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "v", 1);
	st(kv, n, false);
	n = bft_kv_enc_put(op, sizeof(op), "c", 1, "v", 1);
	CHECK(st(kv, n, false) == BFT_KV_E_FULL, "third key: full");
	st(kv, n, true);
	bft_kv_digest(kv, d1);
	CHECK(digests(kv) == 2 && memcmp(d0, d1, 32),
	      "a put hashes again, a get or failed write does not");
	n = bft_kv_enc_put(op, sizeof(op), "b", 1, "v", 1);
	st(ref, n, false);
	bft_kv_digest(ref, dr);
	CHECK(!memcmp(d1, dr, 32), "cached digest equals a fresh one");
	n = bft_kv_enc_del(op, sizeof(op), "b", 1);
	st(kv, n, false);
	bft_kv_digest(kv, d1);
	CHECK(digests(kv) == 3 && !memcmp(d0, d1, 32),
	      "a delete hashes again: back to the first state");
	bft_kv_destroy(kv);
	bft_kv_destroy(ref);
}

int main(void)
{
	printf("TAP version 13\n");
	test_encoders();
	test_decoder();
	test_result_codec();
	test_ops();
	test_errors();
	test_limits();
	test_digest_cache();
	return kvt_done();
}
