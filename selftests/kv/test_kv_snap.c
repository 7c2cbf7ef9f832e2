// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for key-value snapshots: exact canonical bytes, independence
 * from insertion order, chunked reads, retention limits, and state
 * transfer (chunked install, commit, abort, malformed input).
 */
#include <openssl/sha.h>

#include "kvtest.h"

static const u8 empty_snap[] = { 'B', 'K', 'V', '1', 0, 0, 0, 0,
				 16, 0, 0, 0, 0, 0, 0, 0 };

/* The snapshot of { "a": "1", "ab": "", "b": "xy" }. */
static const u8 abc_snap[] = {
	'B', 'K', 'V', '1', 3, 0, 0, 0, 47, 0, 0, 0, 0, 0, 0, 0,
	1, 0, 0, 0, 1, 0, 0, 0, 'a', '1',
	2, 0, 0, 0, 0, 0, 0, 0, 'a', 'b',
	1, 0, 0, 0, 2, 0, 0, 0, 'b', 'x', 'y',
};

static void build_abc(struct bft_kv *kv)
{
	kvt_put(kv, "b", "xy");
	kvt_put(kv, "ab", "");
	kvt_put(kv, "a", "1");
}

static bool snap_is(struct bft_kv *kv, u64 seq, const u8 *want, u64 len)
{
	u64 n;
	u8 *b = kvt_snap(kv, seq, &n);
	bool eq = n == len && !memcmp(b, want, len);

	free(b);
	return eq;
}

static void test_exact(void)
{
	struct bft_kv *kv = kvt_new(8, 8, 8, 4);
	u8 d[32], d2[32];

	CHECK(!bft_kv_checkpoint(kv, 0) &&
	      snap_is(kv, 0, empty_snap, sizeof(empty_snap)),
	      "empty snapshot bytes");
	bft_kv_digest(kv, d);
	SHA256(empty_snap, sizeof(empty_snap), d2);
	CHECK(!memcmp(d, d2, 32), "empty digest is SHA-256 of the bytes");
	build_abc(kv);
	CHECK(bft_kv_state_len(kv) == sizeof(abc_snap), "state_len");
	CHECK(!bft_kv_checkpoint(kv, 5) &&
	      snap_is(kv, 5, abc_snap, sizeof(abc_snap)),
	      "snapshot bytes sorted by key, prefix first");
	CHECK(snap_is(kv, 0, empty_snap, sizeof(empty_snap)),
	      "older snapshot unaffected by later writes");
	bft_kv_digest(kv, d);
	SHA256(abc_snap, sizeof(abc_snap), d2);
	CHECK(!memcmp(d, d2, 32), "digest is SHA-256 of the snapshot");
	CHECK(!bft_kv_snapshot_digest(kv, 5, d) && !memcmp(d, d2, 32),
	      "snapshot_digest equals live digest");
	kvt_put(kv, "c", "z");
	CHECK(snap_is(kv, 5, abc_snap, sizeof(abc_snap)),
	      "snapshot is a copy: later put invisible");
	CHECK(bft_kv_snapshot_digest(kv, 77, d) == -ENOENT,
	      "digest of unknown seq");
	bft_kv_destroy(kv);
}

/* Same logical state through different histories: identical bytes. */
static void test_canonical(void)
{
	struct bft_kv *a = kvt_new(16, 16, 64, 2);
	struct bft_kv *b = kvt_new(16, 16, 64, 2);
	u8 *sa, *sb, da[32], db[32];
	u64 la, lb;
	char k[16];
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(k, sizeof(k), "key%d", i);
		kvt_put(a, k, k);
	}
	for (i = 49; i >= 0; i--) {
		snprintf(k, sizeof(k), "key%d", i);
		kvt_put(b, k, "junk");
		kvt_put(b, k, k);
	}
	for (i = 40; i < 50; i++) {
		snprintf(k, sizeof(k), "key%d", i);
		kvt_del(b, k);
	}
	bft_kv_checkpoint(a, 1);
	bft_kv_checkpoint(b, 1);
	sa = kvt_snap(a, 1, &la);
	sb = kvt_snap(b, 1, &lb);
	CHECK(la == lb && !memcmp(sa, sb, la),
	      "different insertion orders: identical snapshots");
	bft_kv_digest(a, da);
	bft_kv_digest(b, db);
	CHECK(!memcmp(da, db, 32), "different insertion orders: equal digests");
	CHECK(!bft_kv_snap_check(sa, la, 16, 16, 64),
	      "snapshot passes snap_check");
	kvt_put(b, "key0", "key1");
	bft_kv_digest(b, db);
	CHECK(memcmp(da, db, 32), "one value changed: digest differs");
	free(sa);
	free(sb);
	bft_kv_destroy(a);
	bft_kv_destroy(b);
}

static void test_reads(void)
{
	static const u32 chunks[] = { 1, 2, 3, 7, 13, 46, 47, 48, 4096 };
	struct bft_kv *kv = kvt_new(8, 8, 8, 3);
	struct bft_kv_stats s;
	u8 buf[128], part[64];
	unsigned int c;
	u64 off;
	long r;
	bool ok;

	build_abc(kv);
	bft_kv_checkpoint(kv, 9);
	for (c = 0; c < ARRAY_SIZE(chunks); c++) {
		u32 cap = chunks[c] < sizeof(part) ? chunks[c] : sizeof(part);

		off = 0;
		ok = true;
		memset(buf, 0, sizeof(buf));
		while ((r = bft_kv_snapshot_read(kv, 9, off, part, cap)) > 0) {
			if (off + r > sizeof(buf)) {
				ok = false;
				break;
			}
			memcpy(buf + off, part, r);
			off += r;
		}
		CHECK(ok && r == 0 && off == sizeof(abc_snap) &&
		      !memcmp(buf, abc_snap, off),
		      "chunked read, chunk %u", chunks[c]);
	}
	CHECK(bft_kv_snapshot_read(kv, 9, 40, part, 64) == 7 &&
	      !memcmp(part, abc_snap + 40, 7), "read from the middle");
	CHECK(bft_kv_snapshot_read(kv, 9, 47, part, 64) == 0, "read at end");
	CHECK(bft_kv_snapshot_read(kv, 9, 48, part, 64) == -EINVAL,
	      "read past end");
	CHECK(bft_kv_snapshot_read(kv, 9, 0, part, 0) == 0,
	      "zero-capacity read");
	CHECK(bft_kv_snapshot_read(kv, 8, 0, part, 64) == -ENOENT,
	      "read unknown seq");

	/* Retention: max_snaps at once, retake replaces, release frees. */
	CHECK(!bft_kv_checkpoint(kv, 10) && !bft_kv_checkpoint(kv, 11),
	      "retain up to max_snaps");
	CHECK(bft_kv_checkpoint(kv, 12) == -ENOSPC, "one more: -ENOSPC");
	kvt_put(kv, "c", "q");
	CHECK(!bft_kv_checkpoint(kv, 11) &&
	      bft_kv_snapshot_len(kv, 11) == sizeof(abc_snap) + 10,
	      "retaking a seq replaces it");
	bft_kv_snapshot_release(kv, 10);
	bft_kv_snapshot_release(kv, 10);
	bft_kv_snapshot_release(kv, 1234);
	CHECK(bft_kv_snapshot_len(kv, 10) == 0 && !bft_kv_checkpoint(kv, 12),
	      "release frees a slot (twice and unknown are no-ops)");
	bft_kv_get_stats(kv, &s);
	CHECK(s.snaps_taken == 5 && s.snaps_failed == 1 &&
	      s.snaps_retained == 3, "snapshot stats");
	bft_kv_destroy(kv);
}

/* Install snap into kv in chunks of size step; returns the first error. */
static int install(struct bft_kv *kv, u64 seq, const u8 *snap, u64 len,
		   u32 step)
{
	u64 off;
	u32 n;
	int err;

	if (!len)
		return bft_kv_install(kv, seq, 0, NULL, 0);
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		err = bft_kv_install(kv, seq, off, snap + off, n);
		if (err)
			return err;
	}
	return 0;
}

static void test_install(void)
{
	static const u32 steps[] = { 1, 5, 17, 46, 47, 1000 };
	struct bft_kv *src = kvt_new(8, 8, 4, 2);
	struct bft_kv *dst;
	struct bft_kv_stats s;
	u8 d0[32], d1[32];
	char v[16];
	unsigned int i;

	build_abc(src);
	bft_kv_digest(src, d0);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		dst = kvt_new(8, 8, 4, 2);
		kvt_put(dst, "zz", "old");
		CHECK(!install(dst, 3, abc_snap, sizeof(abc_snap), steps[i]) &&
		      !bft_kv_install_done(dst, 3, true),
		      "install in chunks of %u", steps[i]);
		bft_kv_digest(dst, d1);
		CHECK(!memcmp(d0, d1, 32) &&
		      kvt_get(dst, "b", v, sizeof(v)) == BFT_KV_OK &&
		      !strcmp(v, "xy") &&
		      kvt_get(dst, "zz", v, sizeof(v)) == BFT_KV_E_NOT_FOUND,
		      "installed state replaces old, chunks of %u", steps[i]);
		bft_kv_destroy(dst);
	}

	dst = kvt_new(8, 8, 4, 2);
	kvt_put(dst, "zz", "old");
	bft_kv_digest(dst, d0);
	CHECK(!install(dst, 3, abc_snap, sizeof(abc_snap), 7) &&
	      bft_kv_install_done(dst, 3, false) == -ECANCELED,
	      "complete install aborted by ok=false");
	bft_kv_digest(dst, d1);
	CHECK(!memcmp(d0, d1, 32), "abort leaves state untouched");
	CHECK(!install(dst, 4, abc_snap, 40, 7) &&
	      bft_kv_install_done(dst, 4, true) == -EINVAL,
	      "incomplete install refused at done");
	bft_kv_digest(dst, d1);
	CHECK(!memcmp(d0, d1, 32), "incomplete install leaves state untouched");
	CHECK(!install(dst, 5, abc_snap, 20, 7) &&
	      bft_kv_install(dst, 5, 21, abc_snap + 21, 4) == -EINVAL &&
	      bft_kv_install(dst, 6, 20, abc_snap + 20, 4) == -EINVAL,
	      "chunk at wrong offset or seq refused");
	CHECK(!bft_kv_install(dst, 5, 20, abc_snap + 20, 27) &&
	      bft_kv_install_done(dst, 7, true) == -EINVAL &&
	      !bft_kv_install_done(dst, 5, true),
	      "refused chunk is not fatal; done for another seq refused");
	CHECK(!install(dst, 8, abc_snap, 30, 30) &&
	      !install(dst, 9, empty_snap, 16, 16) &&
	      !bft_kv_install_done(dst, 9, true) &&
	      bft_kv_state_len(dst) == 16, "off 0 restarts; empty install");
	CHECK(bft_kv_install(dst, 9, 16, empty_snap, 1) == -EINVAL &&
	      bft_kv_install_done(dst, 9, true) == -EINVAL,
	      "install after done needs a new off 0");

	/* After an install the free list is right: fill to max_keys. */
	CHECK(!install(dst, 10, abc_snap, sizeof(abc_snap), 9) &&
	      !bft_kv_install_done(dst, 10, true) &&
	      kvt_put(dst, "c", "1") == BFT_KV_OK &&
	      kvt_put(dst, "d", "1") == BFT_KV_E_FULL &&
	      kvt_del(dst, "ab") == BFT_KV_OK &&
	      kvt_put(dst, "d", "1") == BFT_KV_OK &&
	      kvt_get(dst, "a", v, sizeof(v)) == BFT_KV_OK && !strcmp(v, "1"),
	      "store works after install up to max_keys");
	bft_kv_get_stats(dst, &s);
	CHECK(s.installs == 3 && s.installs_aborted == 4 && s.keys == 4,
	      "install stats");
	bft_kv_destroy(dst);
	bft_kv_destroy(src);
}

/* A mutated copy of abc_snap must be refused somewhere along the way. */
static void bad_install(u32 pos, u8 val, u32 len, const char *name)
{
	struct bft_kv *kv = kvt_new(2, 2, 3, 2);
	u8 b[sizeof(abc_snap) + 8];
	u8 d0[32], d1[32];
	int e1, e2;

	memcpy(b, abc_snap, sizeof(abc_snap));
	memset(b + sizeof(abc_snap), 0, 8);
	if (pos < sizeof(b))
		b[pos] = val;
	kvt_put(kv, "q", "q");
	bft_kv_digest(kv, d0);
	e1 = install(kv, 1, b, len, 3);
	e2 = bft_kv_install_done(kv, 1, true);
	bft_kv_digest(kv, d1);
	CHECK((e1 || e2) && !memcmp(d0, d1, 32) &&
	      bft_kv_snap_check(b, len, 2, 2, 3) == -EINVAL,
	      "install refuses %s", name);
	bft_kv_destroy(kv);
}

static void dup_install(void)
{
	static const u8 dup[] = { 'B', 'K', 'V', '1', 2, 0, 0, 0,
				  34, 0, 0, 0, 0, 0, 0, 0,
				  1, 0, 0, 0, 0, 0, 0, 0, 'a',
				  1, 0, 0, 0, 0, 0, 0, 0, 'a' };
	struct bft_kv *kv = kvt_new(2, 2, 3, 2);

	CHECK(install(kv, 1, dup, sizeof(dup), 5) == -EINVAL &&
	      bft_kv_install_done(kv, 1, true) == -EINVAL &&
	      bft_kv_snap_check(dup, sizeof(dup), 0, 0, 0) == -EINVAL &&
	      bft_kv_state_len(kv) == 16, "install refuses duplicate key");
	bft_kv_destroy(kv);
}

static void test_bad_install(void)
{
	const u32 n = sizeof(abc_snap);

	bad_install(0, 'X', n, "bad magic");
	bad_install(4, 4, n, "count over max_keys");
	bad_install(4, 2, n, "count too small (trailing entry)");
	bad_install(8, 48, n, "total too big");
	bad_install(8, 46, n, "total too small");
	bad_install(8, 53, n, "total over what limits allow");
	bad_install(8, 16, n, "total below count");
	bad_install(n, 0, n + 1, "trailing byte");
	bad_install(n, 0, n - 1, "truncated");
	bad_install(n, 0, 10, "truncated header");
	bad_install(16, 0, n, "zero key length");
	bad_install(16, 3, n, "key over max_key");
	bad_install(18, 1, n, "reserved set");
	bad_install(20, 3, n, "value over max_value");
	bad_install(24, 'c', n, "keys out of order");
	bad_install(44, 'a', n, "key sorting below its predecessor");
	dup_install();
}

static void test_walk(void)
{
	struct bft_kv_snap_view e;
	u32 count;
	u64 off;

	CHECK(!bft_kv_snap_first(abc_snap, sizeof(abc_snap), &count, &off) &&
	      count == 3 && off == 16, "snap_first");
	CHECK(bft_kv_snap_next(abc_snap, sizeof(abc_snap), &off, &e) == 1 &&
	      e.key_len == 1 && e.key[0] == 'a' && e.val_len == 1 &&
	      e.val[0] == '1', "snap_next first entry");
	CHECK(bft_kv_snap_next(abc_snap, sizeof(abc_snap), &off, &e) == 1 &&
	      e.key_len == 2 && e.val_len == 0, "snap_next empty value");
	CHECK(bft_kv_snap_next(abc_snap, sizeof(abc_snap), &off, &e) == 1 &&
	      bft_kv_snap_next(abc_snap, sizeof(abc_snap), &off, &e) == 0,
	      "snap_next clean end");
	off = 17;
	CHECK(bft_kv_snap_next(abc_snap, 20, &off, &e) == -EINVAL,
	      "snap_next truncated entry");
	CHECK(!bft_kv_snap_check(abc_snap, sizeof(abc_snap), 0, 0, 0) &&
	      bft_kv_snap_check(abc_snap, sizeof(abc_snap), 1, 0, 0) ==
	      -EINVAL, "snap_check limits");
}

int main(void)
{
	printf("TAP version 13\n");
	test_exact();
	test_canonical();
	test_reads();
	test_install();
	test_bad_install();
	test_walk();
	return kvt_done();
}
