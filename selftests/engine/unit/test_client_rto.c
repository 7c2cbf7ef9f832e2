// SPDX-License-Identifier: GPL-2.0
/*
 * The client's first retransmission adapts to the round trips it sees
 * (srtt + 4 rttvar, never below the configured timeout): replies that
 * reliably take longer than the timeout stop costing a retransmission to
 * every replica per request, while a fast cluster keeps the configured
 * timeout for a lost request.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "client.h"
#include "wire.h"

#define N	4

static u32 sent;

static int zero_mac(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
		    u32 niov, u8 tag[BFT_MAC_LEN])
{
	(void)ctx;
	(void)principal;
	(void)id;
	(void)iov;
	(void)niov;
	memset(tag, 0, BFT_MAC_LEN);
	return 0;
}

static void count_send(void *ctx, u32 replica, const void *buf, u32 len)
{
	(void)ctx;
	(void)replica;
	(void)buf;
	(void)len;
	sent++;
}

static const struct bft_cli_ops ops = { .mac = zero_mac, .send = count_send };

/* Replies from replicas 0 and 1 (f+1 = 2) at @now: the request is done. */
static int answer(struct bft_cli *c, u64 now)
{
	struct bft_cli_result res;
	u8 buf[256];
	u32 i, len;
	int r = -1;

	for (i = 0; i < 2; i++) {
		memset(buf, 0, sizeof(buf));
		len = bft_enc_reply(buf, sizeof(buf), i, 0, c->ts, 7, 0, "ok", 2);
		r = bft_cli_receive(c, buf, len, now, &res);
	}
	return r;
}

/*
 * Run @reqs requests whose replies come @rtt ms after submission, ticking
 * every ms: the retransmissions they caused.
 */
static u64 run(struct bft_cli *c, u32 reqs, u64 rtt, u64 *now)
{
	u64 before = c->st.retransmits, t;
	u32 k;

	for (k = 0; k < reqs; k++) {
		if (bft_cli_submit(c, "op", 2, false, *now))
			return (u64)-1;
		for (t = 0; t < rtt; t++)
			bft_cli_tick(c, ++*now);
		if (answer(c, *now) != BFT_CLI_DONE)
			return (u64)-1;
	}
	return c->st.retransmits - before;
}

TEST(client_rto_adapts_to_slow_replies)
{
	struct bft_cli_config cfg = { .n = N, .id = 7, .timeout_ms = 100,
				      .first_ts = 1 };
	struct bft_cli c;
	u64 now = 1000;

	ASSERT_EQ(0, bft_cli_init(&c, &cfg, &ops, NULL));
	/* Replies at 150 ms: the first request cannot know, it resends. */
	ASSERT_EQ(1, run(&c, 1, 150, &now));
	/* Its RTT is ambiguous (Karn), so the second one resends too. */
	ASSERT_EQ(1, run(&c, 1, 150, &now));
	/* Within the configured 100 ms: the first clean sample. */
	ASSERT_EQ(0, run(&c, 1, 90, &now));
	/* 90 ms measured: srtt + 4 rttvar = 90 + 180 > 150. */
	ASSERT_EQ(0, run(&c, 20, 150, &now));
	EXPECT_GE(c.timeout, 150);
	bft_cli_destroy(&c);
}

TEST(client_rto_fast_cluster_keeps_timeout)
{
	struct bft_cli_config cfg = { .n = N, .id = 7, .timeout_ms = 100,
				      .first_ts = 1 };
	struct bft_cli c;
	u64 now = 1000, t;

	ASSERT_EQ(0, bft_cli_init(&c, &cfg, &ops, NULL));
	ASSERT_EQ(0, run(&c, 50, 2, &now));
	/* A lost request: resent to all after the configured 100 ms. */
	ASSERT_EQ(0, bft_cli_submit(&c, "op", 2, false, now));
	for (t = 0; t < 99; t++)
		bft_cli_tick(&c, ++now);
	ASSERT_EQ(0, c.st.retransmits);
	sent = 0;
	bft_cli_tick(&c, ++now);
	ASSERT_EQ(1, c.st.retransmits);
	ASSERT_EQ(N, sent);
	bft_cli_destroy(&c);
}

/* Round trips growing with load: the timer follows, up to the cap. */
TEST(client_rto_capped)
{
	struct bft_cli_config cfg = { .n = N, .id = 7, .timeout_ms = 100,
				      .first_ts = 1 };
	struct bft_cli c;
	u64 now = 1000;

	ASSERT_EQ(0, bft_cli_init(&c, &cfg, &ops, NULL));
	/* RTO after each: 297, 462, 757, then 1266 capped at 8 x 100. */
	ASSERT_EQ(0, run(&c, 1, 99, &now));
	ASSERT_EQ(0, run(&c, 1, 290, &now));
	ASSERT_EQ(0, run(&c, 1, 460, &now));
	ASSERT_EQ(0, run(&c, 1, 750, &now));
	ASSERT_EQ(0, bft_cli_submit(&c, "op", 2, false, now));
	EXPECT_EQ(800, c.timeout);
	bft_cli_destroy(&c);
}

TEST_HARNESS_MAIN
