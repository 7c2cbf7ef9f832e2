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

/* An empty store with snapshot 0, and one with {a, ab, b} at 5 too. */
FIXTURE(snap) {
	struct bft_kv *empty, *abc;
	u8 d[32], sha[32];
};

FIXTURE_SETUP(snap)
{
	self->empty = kvt_new(8, 8, 8, 4);
	self->abc = kvt_new(8, 8, 8, 4);
	ASSERT_EQ(0, bft_kv_checkpoint(self->empty, 0));
	ASSERT_EQ(0, bft_kv_checkpoint(self->abc, 0));
	build_abc(self->abc);
	ASSERT_EQ(0, bft_kv_checkpoint(self->abc, 5));
	SHA256(abc_snap, sizeof(abc_snap), self->sha);
}

FIXTURE_TEARDOWN(snap)
{
	bft_kv_destroy(self->empty);
	bft_kv_destroy(self->abc);
}

TEST_F(snap, empty_snapshot_bytes)
{
	ASSERT_TRUE(snap_is(self->empty, 0, empty_snap, sizeof(empty_snap)));
}

TEST_F(snap, empty_digest_is_sha256_of_the_bytes)
{
	bft_kv_digest(self->empty, self->d);
	SHA256(empty_snap, sizeof(empty_snap), self->sha);
	ASSERT_EQ(0, memcmp(self->d, self->sha, 32));
}

TEST_F(snap, state_len)
{
	ASSERT_EQ(sizeof(abc_snap), bft_kv_state_len(self->abc));
}

TEST_F(snap, bytes_sorted_by_key_prefix_first)
{
	ASSERT_TRUE(snap_is(self->abc, 5, abc_snap, sizeof(abc_snap)));
}

TEST_F(snap, older_snapshot_unaffected_by_later_writes)
{
	ASSERT_TRUE(snap_is(self->abc, 0, empty_snap, sizeof(empty_snap)));
}

TEST_F(snap, digest_is_sha256_of_the_snapshot)
{
	bft_kv_digest(self->abc, self->d);
	ASSERT_EQ(0, memcmp(self->d, self->sha, 32));
}

TEST_F(snap, snapshot_digest_equals_live_digest)
{
	ASSERT_EQ(0, bft_kv_snapshot_digest(self->abc, 5, self->d));
	ASSERT_EQ(0, memcmp(self->d, self->sha, 32));
}

TEST_F(snap, copy_later_put_invisible)
{
	kvt_put(self->abc, "c", "z");
	ASSERT_TRUE(snap_is(self->abc, 5, abc_snap, sizeof(abc_snap)));
}

TEST_F(snap, digest_of_unknown_seq)
{
	ASSERT_EQ(-ENOENT, bft_kv_snapshot_digest(self->abc, 77, self->d));
}

/* Same logical state through different histories: identical bytes. */
FIXTURE(canonical) {
	struct bft_kv *a, *b;
	u8 *sa, *sb, da[32], db[32];
	u64 la, lb;
};

FIXTURE_SETUP(canonical)
{
	char k[16];
	int i;

	self->a = kvt_new(16, 16, 64, 2);
	self->b = kvt_new(16, 16, 64, 2);
	for (i = 0; i < 40; i++) {
		snprintf(k, sizeof(k), "key%d", i);
		kvt_put(self->a, k, k);
	}
	for (i = 49; i >= 0; i--) {
		snprintf(k, sizeof(k), "key%d", i);
		kvt_put(self->b, k, "junk");
		kvt_put(self->b, k, k);
	}
	for (i = 40; i < 50; i++) {
		snprintf(k, sizeof(k), "key%d", i);
		kvt_del(self->b, k);
	}
	bft_kv_checkpoint(self->a, 1);
	bft_kv_checkpoint(self->b, 1);
	self->sa = kvt_snap(self->a, 1, &self->la);
	self->sb = kvt_snap(self->b, 1, &self->lb);
	bft_kv_digest(self->a, self->da);
	bft_kv_digest(self->b, self->db);
}

FIXTURE_TEARDOWN(canonical)
{
	free(self->sa);
	free(self->sb);
	bft_kv_destroy(self->a);
	bft_kv_destroy(self->b);
}

TEST_F(canonical, identical_snapshots)
{
	ASSERT_EQ(self->la, self->lb);
	ASSERT_EQ(0, memcmp(self->sa, self->sb, self->la));
}

TEST_F(canonical, equal_digests)
{
	ASSERT_EQ(0, memcmp(self->da, self->db, 32));
}

TEST_F(canonical, snapshot_passes_snap_check)
{
	ASSERT_EQ(0, bft_kv_snap_check(self->sa, self->la, 16, 16, 64));
}

TEST_F(canonical, one_value_changed_digest_differs)
{
	kvt_put(self->b, "key0", "key1");
	bft_kv_digest(self->b, self->db);
	ASSERT_NE(0, memcmp(self->da, self->db, 32));
}

/* {a, ab, b} at 9, read back. */
FIXTURE(read) {
	struct bft_kv *kv;
	u8 part[64];
};

FIXTURE_SETUP(read)
{
	self->kv = kvt_new(8, 8, 8, 3);
	build_abc(self->kv);
	ASSERT_EQ(0, bft_kv_checkpoint(self->kv, 9));
}

FIXTURE_TEARDOWN(read)
{
	bft_kv_destroy(self->kv);
}

TEST_F(read, from_the_middle)
{
	ASSERT_EQ(7, bft_kv_snapshot_read(self->kv, 9, 40, self->part, 64));
	ASSERT_EQ(0, memcmp(self->part, abc_snap + 40, 7));
}

TEST_F(read, at_end)
{
	ASSERT_EQ(0, bft_kv_snapshot_read(self->kv, 9, 47, self->part, 64));
}

TEST_F(read, past_end)
{
	ASSERT_EQ(-EINVAL, bft_kv_snapshot_read(self->kv, 9, 48, self->part,
						64));
}

TEST_F(read, zero_capacity)
{
	ASSERT_EQ(0, bft_kv_snapshot_read(self->kv, 9, 0, self->part, 0));
}

TEST_F(read, unknown_seq)
{
	ASSERT_EQ(-ENOENT, bft_kv_snapshot_read(self->kv, 8, 0, self->part,
						64));
}

/* The whole snapshot read in chunks of CAP bytes. */
FIXTURE(chunked) {
	FIXTURE_DATA(read) r;
};

FIXTURE_VARIANT(chunked) {
	u32 cap;
};

FIXTURE_VARIANT_ADD(chunked, chunk_1) { 1 };
FIXTURE_VARIANT_ADD(chunked, chunk_2) { 2 };
FIXTURE_VARIANT_ADD(chunked, chunk_3) { 3 };
FIXTURE_VARIANT_ADD(chunked, chunk_7) { 7 };
FIXTURE_VARIANT_ADD(chunked, chunk_13) { 13 };
FIXTURE_VARIANT_ADD(chunked, chunk_46) { 46 };
FIXTURE_VARIANT_ADD(chunked, chunk_47) { 47 };
FIXTURE_VARIANT_ADD(chunked, chunk_48) { 48 };
FIXTURE_VARIANT_ADD(chunked, chunk_4096) { 4096 };

FIXTURE_SETUP(chunked)
{
	self->r.kv = kvt_new(8, 8, 8, 3);
	build_abc(self->r.kv);
	ASSERT_EQ(0, bft_kv_checkpoint(self->r.kv, 9));
}

FIXTURE_TEARDOWN(chunked)
{
	bft_kv_destroy(self->r.kv);
}

TEST_F(chunked, read)
{
	u32 cap = variant->cap < sizeof(self->r.part) ? variant->cap :
		  sizeof(self->r.part);
	u8 buf[128] = { 0 };
	u64 off = 0;
	long r;

	while ((r = bft_kv_snapshot_read(self->r.kv, 9, off, self->r.part,
					 cap)) > 0) {
		ASSERT_GE(sizeof(buf), off + r);
		memcpy(buf + off, self->r.part, r);
		off += r;
	}
	ASSERT_EQ(0, r);
	ASSERT_EQ(sizeof(abc_snap), off);
	ASSERT_EQ(0, memcmp(buf, abc_snap, off));
}

/*
 * Retention: max_snaps (3) at once, retake replaces, release frees. The
 * fixture holds 9, 10 and 11; each step below needs the ones before it.
 */
FIXTURE(retain) {
	struct bft_kv *kv;
};

FIXTURE_SETUP(retain)
{
	self->kv = kvt_new(8, 8, 8, 3);
	build_abc(self->kv);
	ASSERT_EQ(0, bft_kv_checkpoint(self->kv, 9));
	ASSERT_EQ(0, bft_kv_checkpoint(self->kv, 10));
	ASSERT_EQ(0, bft_kv_checkpoint(self->kv, 11));
}

FIXTURE_TEARDOWN(retain)
{
	bft_kv_destroy(self->kv);
}

static void retain_full(struct __test_metadata *_metadata, struct bft_kv *kv)
{
	ASSERT_EQ(-ENOSPC, bft_kv_checkpoint(kv, 12));
}

static void retain_retake(struct __test_metadata *_metadata,
			  struct bft_kv *kv)
{
	retain_full(_metadata, kv);
	kvt_put(kv, "c", "q");
	ASSERT_EQ(0, bft_kv_checkpoint(kv, 11));
	ASSERT_EQ(sizeof(abc_snap) + 10, bft_kv_snapshot_len(kv, 11));
}

static void retain_release(struct __test_metadata *_metadata,
			   struct bft_kv *kv)
{
	retain_retake(_metadata, kv);
	bft_kv_snapshot_release(kv, 10);
	bft_kv_snapshot_release(kv, 10);
	bft_kv_snapshot_release(kv, 1234);
	ASSERT_EQ(0, bft_kv_snapshot_len(kv, 10));
	ASSERT_EQ(0, bft_kv_checkpoint(kv, 12));
}

TEST_F(retain, up_to_max_snaps)
{
	ASSERT_EQ(sizeof(abc_snap), bft_kv_snapshot_len(self->kv, 10));
	ASSERT_EQ(sizeof(abc_snap), bft_kv_snapshot_len(self->kv, 11));
}

TEST_F(retain, one_more_enospc)
{
	retain_full(_metadata, self->kv);
}

TEST_F(retain, retaking_a_seq_replaces_it)
{
	retain_retake(_metadata, self->kv);
}

TEST_F(retain, release_frees_a_slot_twice_and_unknown_no_ops)
{
	retain_release(_metadata, self->kv);
}

TEST_F(retain, stats)
{
	struct bft_kv_stats s;

	retain_release(_metadata, self->kv);
	bft_kv_get_stats(self->kv, &s);
	ASSERT_EQ(5, s.snaps_taken);
	ASSERT_EQ(1, s.snaps_failed);
	ASSERT_EQ(3, s.snaps_retained);
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

/* {a, ab, b} installed over {zz} in chunks of STEP bytes. */
FIXTURE(install) {
	struct bft_kv *src, *dst;
	u8 d0[32], d1[32];
	char v[16];
};

FIXTURE_VARIANT(install) {
	u32 step;
};

FIXTURE_VARIANT_ADD(install, chunk_1) { 1 };
FIXTURE_VARIANT_ADD(install, chunk_5) { 5 };
FIXTURE_VARIANT_ADD(install, chunk_17) { 17 };
FIXTURE_VARIANT_ADD(install, chunk_46) { 46 };
FIXTURE_VARIANT_ADD(install, chunk_47) { 47 };
FIXTURE_VARIANT_ADD(install, chunk_1000) { 1000 };

FIXTURE_SETUP(install)
{
	self->src = kvt_new(8, 8, 4, 2);
	build_abc(self->src);
	bft_kv_digest(self->src, self->d0);
	self->dst = kvt_new(8, 8, 4, 2);
	kvt_put(self->dst, "zz", "old");
}

FIXTURE_TEARDOWN(install)
{
	bft_kv_destroy(self->src);
	bft_kv_destroy(self->dst);
}

TEST_F(install, done)
{
	ASSERT_EQ(0, install(self->dst, 3, abc_snap, sizeof(abc_snap),
			     variant->step));
	ASSERT_EQ(0, bft_kv_install_done(self->dst, 3, true));
}

TEST_F(install, replaces_the_old_state)
{
	ASSERT_EQ(0, install(self->dst, 3, abc_snap, sizeof(abc_snap),
			     variant->step));
	ASSERT_EQ(0, bft_kv_install_done(self->dst, 3, true));
	bft_kv_digest(self->dst, self->d1);
	ASSERT_EQ(0, memcmp(self->d0, self->d1, 32));
	ASSERT_EQ(BFT_KV_OK, kvt_get(self->dst, "b", self->v, sizeof(self->v)));
	ASSERT_STREQ("xy", self->v);
	ASSERT_EQ(BFT_KV_E_NOT_FOUND,
		  kvt_get(self->dst, "zz", self->v, sizeof(self->v)));
}

/*
 * Aborted, incomplete and misplaced installs into {zz}, one step per
 * test; each step needs the ones before it (seqs 3 to 10).
 */
FIXTURE(transfer) {
	struct bft_kv *kv;
	u8 d0[32], d1[32];
};

FIXTURE_SETUP(transfer)
{
	self->kv = kvt_new(8, 8, 4, 2);
	kvt_put(self->kv, "zz", "old");
	bft_kv_digest(self->kv, self->d0);
}

FIXTURE_TEARDOWN(transfer)
{
	bft_kv_destroy(self->kv);
}

enum {
	T_ABORT, T_INCOMPLETE, T_MISPLACED, T_NOT_FATAL, T_RESTART,
	T_AFTER_DONE, T_FILL, T_ALL,
};

/* Runs the steps up to and including LAST. */
static void transfer(struct __test_metadata *_metadata,
		     FIXTURE_DATA(transfer) *self, int last)
{
	struct bft_kv *kv = self->kv;
	char v[16];

	ASSERT_EQ(0, install(kv, 3, abc_snap, sizeof(abc_snap), 7));
	ASSERT_EQ(-ECANCELED, bft_kv_install_done(kv, 3, false));
	if (last == T_ABORT)
		return;
	ASSERT_EQ(0, install(kv, 4, abc_snap, 40, 7));
	ASSERT_EQ(-EINVAL, bft_kv_install_done(kv, 4, true));
	if (last == T_INCOMPLETE)
		return;
	ASSERT_EQ(0, install(kv, 5, abc_snap, 20, 7));
	ASSERT_EQ(-EINVAL, bft_kv_install(kv, 5, 21, abc_snap + 21, 4));
	ASSERT_EQ(-EINVAL, bft_kv_install(kv, 6, 20, abc_snap + 20, 4));
	if (last == T_MISPLACED)
		return;
	ASSERT_EQ(0, bft_kv_install(kv, 5, 20, abc_snap + 20, 27));
	ASSERT_EQ(-EINVAL, bft_kv_install_done(kv, 7, true));
	ASSERT_EQ(0, bft_kv_install_done(kv, 5, true));
	if (last == T_NOT_FATAL)
		return;
	ASSERT_EQ(0, install(kv, 8, abc_snap, 30, 30));
	ASSERT_EQ(0, install(kv, 9, empty_snap, 16, 16));
	ASSERT_EQ(0, bft_kv_install_done(kv, 9, true));
	ASSERT_EQ(16, bft_kv_state_len(kv));
	if (last == T_RESTART)
		return;
	ASSERT_EQ(-EINVAL, bft_kv_install(kv, 9, 16, empty_snap, 1));
	ASSERT_EQ(-EINVAL, bft_kv_install_done(kv, 9, true));
	if (last == T_AFTER_DONE)
		return;
	/* After an install the free list is right: fill to max_keys. */
	ASSERT_EQ(0, install(kv, 10, abc_snap, sizeof(abc_snap), 9));
	ASSERT_EQ(0, bft_kv_install_done(kv, 10, true));
	ASSERT_EQ(BFT_KV_OK, kvt_put(kv, "c", "1"));
	ASSERT_EQ(BFT_KV_E_FULL, kvt_put(kv, "d", "1"));
	ASSERT_EQ(BFT_KV_OK, kvt_del(kv, "ab"));
	ASSERT_EQ(BFT_KV_OK, kvt_put(kv, "d", "1"));
	ASSERT_EQ(BFT_KV_OK, kvt_get(kv, "a", v, sizeof(v)));
	ASSERT_STREQ("1", v);
}

TEST_F(transfer, complete_install_aborted_by_ok_false)
{
	transfer(_metadata, self, T_ABORT);
}

TEST_F(transfer, abort_leaves_state_untouched)
{
	transfer(_metadata, self, T_ABORT);
	bft_kv_digest(self->kv, self->d1);
	ASSERT_EQ(0, memcmp(self->d0, self->d1, 32));
}

TEST_F(transfer, incomplete_install_refused_at_done)
{
	transfer(_metadata, self, T_INCOMPLETE);
}

TEST_F(transfer, incomplete_install_leaves_state_untouched)
{
	transfer(_metadata, self, T_INCOMPLETE);
	bft_kv_digest(self->kv, self->d1);
	ASSERT_EQ(0, memcmp(self->d0, self->d1, 32));
}

TEST_F(transfer, chunk_at_wrong_offset_or_seq_refused)
{
	transfer(_metadata, self, T_MISPLACED);
}

TEST_F(transfer, refused_chunk_not_fatal_done_for_another_seq_refused)
{
	transfer(_metadata, self, T_NOT_FATAL);
}

TEST_F(transfer, off_0_restarts_empty_install)
{
	transfer(_metadata, self, T_RESTART);
}

TEST_F(transfer, install_after_done_needs_a_new_off_0)
{
	transfer(_metadata, self, T_AFTER_DONE);
}

TEST_F(transfer, store_works_after_install_up_to_max_keys)
{
	transfer(_metadata, self, T_FILL);
}

TEST_F(transfer, stats)
{
	struct bft_kv_stats s;

	transfer(_metadata, self, T_ALL);
	bft_kv_get_stats(self->kv, &s);
	ASSERT_EQ(3, s.installs);
	ASSERT_EQ(4, s.installs_aborted);
	ASSERT_EQ(4, s.keys);
}

/* A mutated copy of abc_snap must be refused somewhere along the way. */
FIXTURE(bad_install) {
	struct bft_kv *kv;
};

FIXTURE_VARIANT(bad_install) {
	u32 pos;
	u8 val;
	u32 len;
};

#define ABC_LEN ((u32)sizeof(abc_snap))
FIXTURE_VARIANT_ADD(bad_install, bad_magic) { 0, 'X', ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, count_over_max_keys) { 4, 4, ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, count_too_small_trailing_entry) {
	4, 2, ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, total_too_big) { 8, 48, ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, total_too_small) { 8, 46, ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, total_over_what_limits_allow) {
	8, 53, ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, total_below_count) { 8, 16, ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, trailing_byte) {
	ABC_LEN, 0, ABC_LEN + 1 };
FIXTURE_VARIANT_ADD(bad_install, truncated) { ABC_LEN, 0, ABC_LEN - 1 };
FIXTURE_VARIANT_ADD(bad_install, truncated_header) { ABC_LEN, 0, 10 };
FIXTURE_VARIANT_ADD(bad_install, zero_key_length) { 16, 0, ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, key_over_max_key) { 16, 3, ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, reserved_set) { 18, 1, ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, value_over_max_value) { 20, 3, ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, keys_out_of_order) { 24, 'c', ABC_LEN };
FIXTURE_VARIANT_ADD(bad_install, key_sorting_below_its_predecessor) {
	44, 'a', ABC_LEN };

FIXTURE_SETUP(bad_install)
{
	self->kv = kvt_new(2, 2, 3, 2);
}

FIXTURE_TEARDOWN(bad_install)
{
	bft_kv_destroy(self->kv);
}

TEST_F(bad_install, refused)
{
	u8 b[sizeof(abc_snap) + 8] = { 0 };
	u8 d0[32], d1[32];
	int e1, e2;

	memcpy(b, abc_snap, sizeof(abc_snap));
	b[variant->pos] = variant->val;
	kvt_put(self->kv, "q", "q");
	bft_kv_digest(self->kv, d0);
	e1 = install(self->kv, 1, b, variant->len, 3);
	e2 = bft_kv_install_done(self->kv, 1, true);
	bft_kv_digest(self->kv, d1);
	ASSERT_TRUE(e1 || e2);
	ASSERT_EQ(0, memcmp(d0, d1, 32));
	ASSERT_EQ(-EINVAL, bft_kv_snap_check(b, variant->len, 2, 2, 3));
}

TEST(install_refuses_duplicate_key)
{
	static const u8 dup[] = { 'B', 'K', 'V', '1', 2, 0, 0, 0,
				  34, 0, 0, 0, 0, 0, 0, 0,
				  1, 0, 0, 0, 0, 0, 0, 0, 'a',
				  1, 0, 0, 0, 0, 0, 0, 0, 'a' };
	struct bft_kv *kv = kvt_new(2, 2, 3, 2);

	ASSERT_EQ(-EINVAL, install(kv, 1, dup, sizeof(dup), 5));
	ASSERT_EQ(-EINVAL, bft_kv_install_done(kv, 1, true));
	ASSERT_EQ(-EINVAL, bft_kv_snap_check(dup, sizeof(dup), 0, 0, 0));
	ASSERT_EQ(16, bft_kv_state_len(kv));
	bft_kv_destroy(kv);
}

/* Walks abc_snap: snap_first, then NEXT entries; the offset after them. */
static u64 walk(struct __test_metadata *_metadata, int next,
		struct bft_kv_snap_view *e)
{
	u32 count;
	u64 off;

	ASSERT_EQ(0, bft_kv_snap_first(abc_snap, sizeof(abc_snap), &count,
				       &off));
	ASSERT_EQ(3, count);
	ASSERT_EQ(16, off);
	while (next-- > 0)
		ASSERT_EQ(1, bft_kv_snap_next(abc_snap, sizeof(abc_snap), &off,
					      e));
	return off;
}

TEST(snap_first)
{
	walk(_metadata, 0, NULL);
}

TEST(snap_next_first_entry)
{
	struct bft_kv_snap_view e;

	walk(_metadata, 1, &e);
	ASSERT_EQ(1, e.key_len);
	ASSERT_EQ('a', e.key[0]);
	ASSERT_EQ(1, e.val_len);
	ASSERT_EQ('1', e.val[0]);
}

TEST(snap_next_empty_value)
{
	struct bft_kv_snap_view e;

	walk(_metadata, 2, &e);
	ASSERT_EQ(2, e.key_len);
	ASSERT_EQ(0, e.val_len);
}

TEST(snap_next_clean_end)
{
	struct bft_kv_snap_view e;
	u64 off = walk(_metadata, 3, &e);

	ASSERT_EQ(0, bft_kv_snap_next(abc_snap, sizeof(abc_snap), &off, &e));
}

TEST(snap_next_truncated_entry)
{
	struct bft_kv_snap_view e;
	u64 off = 17;

	ASSERT_EQ(-EINVAL, bft_kv_snap_next(abc_snap, 20, &off, &e));
}

TEST(snap_check_limits)
{
	ASSERT_EQ(0, bft_kv_snap_check(abc_snap, sizeof(abc_snap), 0, 0, 0));
	ASSERT_EQ(-EINVAL, bft_kv_snap_check(abc_snap, sizeof(abc_snap), 1, 0,
					     0));
}

TEST_HARNESS_MAIN
