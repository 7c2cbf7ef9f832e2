// SPDX-License-Identifier: GPL-2.0
/*
 * bftd-byz: bftd as a faulty primary, for the VM selftests only. It is
 * bftd's own objects linked with this file and
 * -Wl,--wrap=bft_engine_{create,receive,tick,next_deadline}, so the
 * production bftd carries no fault injection. BFT_BYZ_MODE in the
 * environment picks the fault:
 *
 *   slow:MS       every PRE-PREPARE leaves MS ms late (Aardvark's slow
 *                 primary: just under the view-change timeout)
 *   selective:ID  requests of any client but ID are dropped, relayed or
 *                 not: as primary it orders that one client only
 *
 * Anything else, or nothing, runs bftd unchanged. On exit it prints what
 * it did on stderr: "bftd-byz: delayed N pre-prepares, dropped M requests".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "wire.h"

struct bft_engine *__real_bft_engine_create(const struct bft_config *cfg,
					    const struct bft_ops *ops,
					    void *ctx,
					    const struct bft_service_ops *svc,
					    void *s, u64 now_ms, int *err);
int __real_bft_engine_receive(struct bft_engine *e, const void *buf, u32 len,
			      u32 flags);
void __real_bft_engine_tick(struct bft_engine *e, u64 now_ms);
u64 __real_bft_engine_next_deadline(const struct bft_engine *e);

struct bft_engine *__wrap_bft_engine_create(const struct bft_config *cfg,
					    const struct bft_ops *ops,
					    void *ctx,
					    const struct bft_service_ops *svc,
					    void *s, u64 now_ms, int *err);
int __wrap_bft_engine_receive(struct bft_engine *e, const void *buf, u32 len,
			      u32 flags);
void __wrap_bft_engine_tick(struct bft_engine *e, u64 now_ms);
u64 __wrap_bft_engine_next_deadline(const struct bft_engine *e);

#define HELD_MAX	1024

struct held {
	u64 due;
	u8 principal;
	u32 id, len;
	u8 *buf;
};

static struct {
	enum { BYZ_OFF, BYZ_SLOW, BYZ_SELECTIVE } mode;
	u32 arg;
	const struct bft_ops *real;
	struct bft_ops ops;
	void *ctx;
	u64 now;
	struct held q[HELD_MAX];	/* FIFO: one delay for all */
	u32 head, len;
	unsigned long long delayed, dropped;
} byz;

static void byz_report(void)
{
	fprintf(stderr, "bftd-byz: delayed %llu pre-prepares, dropped %llu requests\n",
		byz.delayed, byz.dropped);
}

static void release(u64 now)
{
	while (byz.len && byz.q[byz.head].due <= now) {
		struct held *h = &byz.q[byz.head];

		byz.real->send(byz.ctx, h->principal, h->id, h->buf, h->len);
		free(h->buf);
		byz.head = (byz.head + 1) % HELD_MAX;
		byz.len--;
	}
}

static void byz_send(void *ctx, u8 principal, u32 id, const void *buf,
		     u32 len)
{
	struct bft_msg_hdr h;
	struct held *q;

	if (bft_wire_parse_hdr(buf, len, &h) || h.kind != BFT_MSG_PRE_PREPARE ||
	    byz.len == HELD_MAX) {
		byz.real->send(ctx, principal, id, buf, len);
		return;
	}
	q = &byz.q[(byz.head + byz.len) % HELD_MAX];
	q->buf = malloc(len);
	if (!q->buf) {
		byz.real->send(ctx, principal, id, buf, len);
		return;
	}
	memcpy(q->buf, buf, len);
	q->len = len;
	q->principal = principal;
	q->id = id;
	q->due = byz.now + byz.arg;
	byz.len++;
	byz.delayed++;
}

struct bft_engine *__wrap_bft_engine_create(const struct bft_config *cfg,
					    const struct bft_ops *ops,
					    void *ctx,
					    const struct bft_service_ops *svc,
					    void *s, u64 now_ms, int *err)
{
	const char *m = getenv("BFT_BYZ_MODE");

	if (m && !strncmp(m, "slow:", 5)) {
		byz.mode = BYZ_SLOW;
		byz.arg = (u32)strtoul(m + 5, NULL, 10);
	} else if (m && !strncmp(m, "selective:", 10)) {
		byz.mode = BYZ_SELECTIVE;
		byz.arg = (u32)strtoul(m + 10, NULL, 10);
	}
	if (byz.mode != BYZ_OFF) {
		fprintf(stderr, "bftd-byz: %s\n", m);
		atexit(byz_report);
	}
	byz.now = now_ms;
	if (byz.mode == BYZ_SLOW) {
		byz.real = ops;
		byz.ops = *ops;
		byz.ops.send = byz_send;
		byz.ctx = ctx;
		ops = &byz.ops;
	}
	return __real_bft_engine_create(cfg, ops, ctx, svc, s, now_ms, err);
}

int __wrap_bft_engine_receive(struct bft_engine *e, const void *buf, u32 len,
			      u32 flags)
{
	struct bft_msg_hdr h;

	if (byz.mode == BYZ_SELECTIVE && !bft_wire_parse_hdr(buf, len, &h) &&
	    h.kind == BFT_MSG_REQUEST && h.sender != byz.arg) {
		byz.dropped++;
		return BFT_DROP_STATE;
	}
	return __real_bft_engine_receive(e, buf, len, flags);
}

void __wrap_bft_engine_tick(struct bft_engine *e, u64 now_ms)
{
	if (now_ms > byz.now)
		byz.now = now_ms;
	if (byz.mode == BYZ_SLOW)
		release(byz.now);
	__real_bft_engine_tick(e, now_ms);
}

u64 __wrap_bft_engine_next_deadline(const struct bft_engine *e)
{
	u64 d = __real_bft_engine_next_deadline(e);

	if (byz.len && byz.q[byz.head].due < d)
		d = byz.q[byz.head].due;
	return d;
}
