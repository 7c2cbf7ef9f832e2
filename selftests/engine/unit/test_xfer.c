// SPDX-License-Identifier: GPL-2.0
/*
 * State transfer and fetches against a faulty peer (issue 10, finding 5
 * and 6c): replica 0 answers FETCH(STATE) with lies written by the test
 * (a tap rewrites its DATA to replica 3), or a replica floods FETCHes.
 */
#include "kselftest_harness.h"
#include "cluster.h"
#include "statedigest.h"

static struct tc tc;

/* What the tap does to replica 0's DATA(STATE) (and TABLE) answers. */
enum { LIE_NONE, LIE_TOTAL, LIE_GARBAGE, LIE_TABLE, LIE_DRIP };

static struct {
	u32 lie;
	u32 data_to[TC_MAX_N];	/* DATA(STATE) datagrams sent to replica i */
	u32 table_to[TC_MAX_N];	/* DATA(TABLE) datagrams sent to replica i */
	u32 batch_to[TC_MAX_N];	/* DATA(BATCH) datagrams sent to replica i */
	u8 drip[64][BFT_WIRE_MAX_DGRAM];
	u32 drip_len[64];
	u64 drip_at[64];
	u32 n_drip;
	u8 commit_digest[BFT_DIGEST_LEN];
	u64 commit_seq;
} x;

static const struct bft_counters *ctr(u32 i)
{
	return bft_engine_counters(tc.r[i].e);
}

static bool parse_data(const u8 *buf, u32 len, struct bft_data_view *d)
{
	struct bft_wire_limits lim = {
		.n = tc.n, .n_clients = tc.nc, .max_op = tc.cfg.max_op,
		.max_result = tc.cfg.max_result,
		.batch_max = tc.cfg.batch_max,
		.batch_bytes = tc.cfg.batch_bytes,
		.log_size = tc.cfg.log_size,
	};
	struct bft_msg_hdr h;

	return !bft_wire_parse_hdr(buf, len, &h) && h.kind == BFT_MSG_DATA &&
	       !bft_wire_parse_data(buf, len, &lim, d);
}

static bool tap(struct tc *t, u32 from, u32 to, u8 *buf, u32 len)
{
	struct bft_data_view d;
	struct bft_agree_view a;
	struct bft_msg_hdr h;
	u8 out[BFT_WIRE_MAX_DGRAM], chunk[BFT_WIRE_MAX_DGRAM];
	u64 total;
	u32 n;

	if (!bft_wire_parse_hdr(buf, len, &h) && h.kind == BFT_MSG_COMMIT &&
	    !bft_wire_parse_agree(buf, len, &a) && a.seq > x.commit_seq) {
		x.commit_seq = a.seq;
		memcpy(x.commit_digest, a.digest, BFT_DIGEST_LEN);
	}
	if (!parse_data(buf, len, &d))
		return true;
	if (d.what == BFT_FETCH_BATCH) {
		x.batch_to[to]++;
		return true;
	}
	if (d.what == BFT_FETCH_TABLE)
		x.table_to[to]++;
	else if (d.what == BFT_FETCH_STATE)
		x.data_to[to]++;
	else
		return true;
	/* The stream total is announced by the table: lie there too. */
	if (from != 0 || x.lie == LIE_NONE ||
	    (d.what == BFT_FETCH_TABLE && x.lie != LIE_TOTAL &&
	     x.lie != LIE_TABLE) ||
	    (d.what == BFT_FETCH_STATE && x.lie == LIE_TABLE))
		return true;
	total = d.total;
	memcpy(chunk, d.chunk, d.chunk_len);
	if (x.lie == LIE_TOTAL)
		total = 1ULL << 40;
	if (x.lie == LIE_GARBAGE || x.lie == LIE_TABLE)
		chunk[0] ^= 0x5a;
	n = bft_enc_data(out, sizeof(out), from, d.what, d.seq,
			 d.offset, total, d.count, d.digest, chunk,
			 d.chunk_len);
	if (x.lie == LIE_DRIP) {
		/* Sent just before the fetcher would give up on us. */
		if (x.n_drip < 64) {
			memcpy(x.drip[x.n_drip], out, n);
			x.drip_len[x.n_drip] = n;
			x.drip_at[x.n_drip] = t->now + t->cfg.xfer_retry_ms - 30;
			x.n_drip++;
		}
		return false;
	}
	tc_inject(t, from, to, out, n);
	return false;
}

static void drip_due(void)
{
	u32 i;

	for (i = 0; i < x.n_drip; i++) {
		if (x.drip_len[i] && tc.now >= x.drip_at[i]) {
			tc_inject(&tc, 0, 3, x.drip[i], x.drip_len[i]);
			x.drip_len[i] = 0;
		}
	}
}

/*
 * Replica 3 misses seqs 1..8 (checkpoints at 4 and 8), then returns to an
 * idle cluster and fetches checkpoint 8: its state stream is the engine
 * section (one client) in 64-byte chunks. Its first FETCH goes to 0.
 */
static void lagging_setup(struct __test_metadata *_metadata, u32 lie)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.log_size = 8, .xfer_chunk = 64,
				.vc_timeout_ms = 5000 };
	u32 k;

	memset(&x, 0, sizeof(x));
	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc.tap = tap;
	tc.down[3] = true;
	for (k = 0; k < 8; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
	ASSERT_EQ(8, tc.c[0].accepted);
	tc.down[3] = false;
	x.lie = lie;
}

/* Virtual ms until replica 3 has installed checkpoint 8 (cap: limit). */
static u64 run_until_level(u64 limit)
{
	u64 start = tc.now;
	struct bft_info info;

	for (;;) {
		drip_due();
		tc_advance(&tc, 10, 10);
		bft_engine_info(tc.r[3].e, &info);
		if (info.last_exec >= 8 || tc.now - start >= limit)
			return tc.now - start;
	}
}

static u32 stream_chunks(void)
{
	struct bft_stable_info si;

	if (bft_engine_stable(tc.r[1].e, &si))
		return 0;
	return (u32)((si.size + 63) / 64);
}

/* A peer announcing more than the service can hold is refused. */
TEST(xfer_absurd_total_refused)
{
	struct bft_info info;
	u64 took;

	lagging_setup(_metadata, LIE_TOTAL);
	took = run_until_level(10000);
	bft_engine_info(tc.r[3].e, &info);
	TH_LOG("absurd total: level after %llu ms, %u chunks, %llu refused",
	       (unsigned long long)took, x.data_to[3],
	       (unsigned long long)ctr(3)->drop_reason[BFT_DROP_TOO_LONG]);
	ASSERT_EQ(8, info.last_exec);
	ASSERT_EQ(8, tc.r[3].counter);
	ASSERT_TRUE(ctr(3)->drop_reason[BFT_DROP_TOO_LONG] >= 1);
	ASSERT_TRUE(took <= 2 * tc.cfg.xfer_retry_ms);
	tc_free(&tc);
}

/*
 * (a) A peer sending garbage is found out at its first chunk: the part
 * fails its hash in the checked table, the peer is left, and the fetch
 * completes from the others with one wasted chunk, not a whole stream.
 */
TEST(xfer_garbage_peer_dropped_at_first_chunk)
{
	struct bft_info info;
	u32 chunks;
	u64 took;

	lagging_setup(_metadata, LIE_GARBAGE);
	took = run_until_level(20000);
	chunks = stream_chunks();
	bft_engine_info(tc.r[3].e, &info);
	TH_LOG("garbage: level after %llu ms, %u chunks received for a %u-chunk stream (+%u table), %llu failures, %llu peers caught",
	       (unsigned long long)took, x.data_to[3], chunks, x.table_to[3],
	       (unsigned long long)ctr(3)->xfer_failures,
	       (unsigned long long)ctr(3)->xfer_bad_peers);
	ASSERT_EQ(8, info.last_exec);
	ASSERT_EQ(8, tc.r[3].counter);
	ASSERT_TRUE(chunks > 8);
	ASSERT_TRUE(x.data_to[3] <= chunks + 1);
	ASSERT_EQ(0, ctr(3)->xfer_failures);
	ASSERT_EQ(1, ctr(3)->xfer_bad_peers);
	ASSERT_EQ(1, ctr(3)->drop_reason[BFT_DROP_DIGEST]);
	tc_free(&tc);
}

/* A peer sending a bad part table is left before any part is asked. */
TEST(xfer_bad_table_peer_dropped)
{
	struct bft_info info;
	u32 chunks;
	u64 took;

	lagging_setup(_metadata, LIE_TABLE);
	took = run_until_level(20000);
	chunks = stream_chunks();
	bft_engine_info(tc.r[3].e, &info);
	TH_LOG("bad table: level after %llu ms, %u table and %u state chunks for a %u-chunk stream, %llu peers caught",
	       (unsigned long long)took, x.table_to[3], x.data_to[3], chunks,
	       (unsigned long long)ctr(3)->xfer_bad_peers);
	ASSERT_EQ(8, info.last_exec);
	ASSERT_EQ(8, tc.r[3].counter);
	ASSERT_EQ(chunks, x.data_to[3]);
	ASSERT_EQ(1, ctr(3)->xfer_bad_peers);
	ASSERT_EQ(1, ctr(3)->drop_reason[BFT_DROP_DIGEST]);
	ASSERT_EQ(0, ctr(3)->xfer_failures);
	tc_free(&tc);
}

static void sha(const u8 *p, u32 len, u8 *out)
{
	struct bft_sha_ctx c;

	bft_sha_init(&c);
	bft_sha_update(&c, p, len);
	bft_sha_final(&c, out);
}

/*
 * The state digest is SHA-256 of the part table as documented, however
 * the stream is fed in, and depends on the part size.
 */
TEST(xfer_state_digest_table)
{
	u8 s[1000], t[BFT_SD_HDR + 16 * BFT_SD_HASH + BFT_SD_TRAILER];
	u8 d1[BFT_DIGEST_LEN], d2[BFT_DIGEST_LEN];
	struct bft_sdig sd;
	u32 i, k, off, n;
	u64 total, len;

	for (i = 0; i < sizeof(s); i++)
		s[i] = (u8)(i * 7 + 3);
	bft_state_digest(s, sizeof(s), 64, d1);
	bft_sdig_init(&sd, 64);
	for (off = 0, k = 1; off < sizeof(s); off += n, k = k * 3 % 97 + 1) {
		n = k < sizeof(s) - off ? k : (u32)sizeof(s) - off;
		bft_sdig_update(&sd, s + off, n);
	}
	bft_sdig_final(&sd, d2);
	ASSERT_TRUE(!memcmp(d1, d2, BFT_DIGEST_LEN));
	len = bft_sdig_table_len(sizeof(s), 64);
	ASSERT_EQ(sizeof(t), len);
	memcpy(t, "BFTPARTS", 8);
	bft_put32(t + 8, 64);
	bft_put32(t + 12, 0);
	for (i = 0; i < 16; i++)
		sha(s + i * 64, i < 15 ? 64 : sizeof(s) - 15 * 64,
		    t + BFT_SD_HDR + i * BFT_SD_HASH);
	bft_put64(t + len - BFT_SD_TRAILER, sizeof(s));
	sha(t, (u32)len, d2);
	ASSERT_TRUE(!memcmp(d1, d2, BFT_DIGEST_LEN));
	ASSERT_EQ(0, bft_sdig_table_parse(t, len, 64, &total));
	ASSERT_EQ(sizeof(s), total);
	ASSERT_EQ(-EINVAL, bft_sdig_table_parse(t, len, 128, &total));
	ASSERT_EQ(-EINVAL,
		  bft_sdig_table_parse(t, len - BFT_SD_HASH, 64, &total));
	bft_state_digest(s, sizeof(s), 128, d2);
	ASSERT_TRUE(memcmp(d1, d2, BFT_DIGEST_LEN));
}

/* A peer that answers just before each retry does not set the pace. */
TEST(xfer_drip_peer_does_not_set_pace)
{
	struct bft_info info;
	u32 chunks;
	u64 took;

	lagging_setup(_metadata, LIE_DRIP);
	took = run_until_level(60000);
	chunks = stream_chunks();
	bft_engine_info(tc.r[3].e, &info);
	TH_LOG("drip: level after %llu ms for a %u-chunk stream (retry %u ms)",
	       (unsigned long long)took, chunks, tc.cfg.xfer_retry_ms);
	ASSERT_EQ(8, info.last_exec);
	ASSERT_EQ(8, tc.r[3].counter);
	ASSERT_TRUE(chunks > 8);
	ASSERT_TRUE(took <= 3 * tc.cfg.xfer_retry_ms);
	tc_free(&tc);
}

/* 6c: a flood of one FETCH(STATE) gets one answer per half retry. */
TEST(xfer_fetch_state_flood_bounded)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.log_size = 8, .xfer_chunk = 64 };
	struct bft_stable_info si;
	u8 buf[BFT_WIRE_MAX_DGRAM];
	u32 k, n;

	memset(&x, 0, sizeof(x));
	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc.tap = tap;
	tc.mute[3] = true;
	for (k = 0; k < 4; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
	ASSERT_EQ(0, bft_engine_stable(tc.r[0].e, &si));
	ASSERT_EQ(4, si.seq);
	n = bft_enc_fetch(buf, sizeof(buf), 3, 0, BFT_FETCH_STATE, 4, 0,
			  si.digest);
	for (k = 0; k < 100; k++)
		tc_inject(&tc, 3, 0, buf, n);
	tc_run(&tc);
	TH_LOG("flood: 100 FETCH(STATE), %u answered", x.data_to[3]);
	ASSERT_EQ(1, x.data_to[3]);
	ASSERT_EQ(99, ctr(0)->drop_reason[BFT_DROP_BUSY]);
	/* Half a retry later it is answered again, once. */
	tc_advance(&tc, tc.cfg.xfer_retry_ms / 2, tc.cfg.xfer_retry_ms / 2);
	for (k = 0; k < 100; k++)
		tc_inject(&tc, 3, 0, buf, n);
	tc_run(&tc);
	ASSERT_EQ(2, x.data_to[3]);
	/* Moving forward through the stream is answered at once. */
	for (k = 1; k * 64 < si.size; k++) {
		n = bft_enc_fetch(buf, sizeof(buf), 3, 0, BFT_FETCH_STATE, 4,
				  k * 64, si.digest);
		tc_inject(&tc, 3, 0, buf, n);
		tc_run(&tc);
	}
	ASSERT_EQ(1 + (si.size + 63) / 64, x.data_to[3]);
	tc_free(&tc);
}

/* 6c: the same for FETCH(BATCH). */
TEST(xfer_fetch_batch_flood_bounded)
{
	struct bft_config o = { .batch_max = 1 };
	u8 buf[BFT_WIRE_MAX_DGRAM];
	u32 k, n;

	memset(&x, 0, sizeof(x));
	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc.tap = tap;
	tc.mute[3] = true;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, x.commit_seq);
	n = bft_enc_fetch(buf, sizeof(buf), 3, 0, BFT_FETCH_BATCH, 1, 0,
			  x.commit_digest);
	for (k = 0; k < 100; k++)
		tc_inject(&tc, 3, 0, buf, n);
	tc_run(&tc);
	TH_LOG("flood: 100 FETCH(BATCH), %u answered", x.batch_to[3]);
	ASSERT_EQ(1, x.batch_to[3]);
	tc_advance(&tc, tc.cfg.xfer_retry_ms, tc.cfg.xfer_retry_ms);
	tc_inject(&tc, 3, 0, buf, n);
	tc_run(&tc);
	ASSERT_EQ(2, x.batch_to[3]);
	tc_free(&tc);
}

TEST_HARNESS_MAIN
