// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: bft_engine_receive() on a live engine. The input
 * picks the replica id (byte 0), then is a sequence of records
 * [op u8][len le16][len bytes]: op 0 delivers a datagram marked
 * BFT_RX_VERIFIED (as after the softirq MAC check), op 1 delivers it
 * unverified (the fuzz MAC is all zeros, so zero tags verify), op 2
 * advances the clock by len ms (no payload) and op 3 asks for a view
 * change. Each input runs on a fresh engine, so failures reproduce.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "engine.h"

static volatile u8 sink;
static u8 snap[40];

static void f_send(void *ctx, u8 principal, u32 id, const void *buf, u32 len)
{
	(void)ctx;
	(void)principal;
	(void)id;
	if (len)
		sink = ((const u8 *)buf)[len - 1];
}

static u32 f_execute(void *ctx, u32 client, u64 ts, const void *op,
		     u32 op_len, bool readonly, void *result, u32 cap)
{
	u64 r = client * 31 + ts + op_len + readonly;

	(void)ctx;
	(void)op;
	if (cap < 8)
		return 0;
	memcpy(result, &r, 8);
	return 8;
}

static int f_checkpoint(void *ctx, u64 seq)
{
	(void)ctx;
	(void)seq;
	return 0;
}

static u64 f_snapshot_max(void *ctx)
{
	(void)ctx;
	return sizeof(snap);
}

static long f_snapshot_read(void *ctx, u64 seq, u64 off, void *buf, u32 cap)
{
	u64 n;

	(void)ctx;
	(void)seq;
	if (off >= sizeof(snap))
		return 0;
	n = sizeof(snap) - off;
	if (n > cap)
		n = cap;
	memcpy(buf, snap + off, n);
	return (long)n;
}

static void f_snapshot_release(void *ctx, u64 seq)
{
	(void)ctx;
	(void)seq;
}

static int f_install(void *ctx, u64 seq, u64 off, const void *buf, u32 len)
{
	(void)ctx;
	(void)seq;
	(void)off;
	if (len)
		sink = ((const u8 *)buf)[len - 1];
	return 0;
}

static void f_install_done(void *ctx, u64 seq, bool ok)
{
	(void)ctx;
	(void)seq;
	(void)ok;
}

static void f_event(void *ctx, const struct bft_event *ev)
{
	(void)ctx;
	sink = (u8)ev->type;
}

static void f_committed(void *ctx, u64 seq, u64 view, const void *batch,
			u32 len, u32 count)
{
	(void)ctx;
	(void)seq;
	(void)view;
	(void)count;
	if (len)
		sink = ((const u8 *)batch)[len - 1];
}

/* Something staged: the STAGED answer carries the host's bytes. */
static bool f_staged(void *ctx, u64 *epoch, u8 *config)
{
	(void)ctx;
	*epoch = 1;
	memset(config, 0x5a, BFT_DIGEST_LEN);
	return true;
}

static const struct bft_ops fuzz_ops = {
	.mac = fuzz_mac,
	.send = f_send,
	.event = f_event,
	.committed = f_committed,
	.staged = f_staged,
};

static const struct bft_service_ops fuzz_service = {
	.execute = f_execute,
	.checkpoint = f_checkpoint,
	.snapshot_read = f_snapshot_read,
	.snapshot_max = f_snapshot_max,
	.snapshot_release = f_snapshot_release,
	.install = f_install,
	.install_done = f_install_done,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bft_config cfg = {
		.n = FUZZ_N, .n_clients = FUZZ_CLIENTS, .ckpt_interval = 4,
		.log_size = 16, .batch_max = 8, .batch_bytes = 4096,
		.max_op = 256, .max_result = 64, .batch_delay_ms = 1,
		.window = 4, .vc_timeout_ms = 50, .vc_timeout_max_ms = 400,
		.vc_backoff = 2, .xfer_retry_ms = 20, .xfer_chunk = 64,
		.admin = FUZZ_ADMIN + 1,
	};
	struct bft_engine *e;
	u64 now = 1000;
	size_t off = 1;
	int err, k = 0;

	if (!size)
		return 0;
	cfg.id = data[0] % FUZZ_N;
	bft_config_defaults(&cfg);
	e = bft_engine_create(&cfg, &fuzz_ops, NULL, &fuzz_service, NULL, now,
			      &err);
	if (!e)
		abort();
	while (off + 3 <= size && k++ < 64) {
		u8 op = data[off] & 3;
		u32 len = data[off + 1] | (u32)data[off + 2] << 8;
		u8 *buf;

		off += 3;
		if (op == 2) {
			now += len;
			bft_engine_tick(e, now);
			continue;
		}
		if (op == 3) {
			bft_engine_request_view_change(e);
			continue;
		}
		if (len > size - off)
			len = (u32)(size - off);
		buf = malloc(len ? len : 1);
		if (!buf)
			break;
		memcpy(buf, data + off, len);
		off += len;
		bft_engine_receive(e, buf, len, op ? 0 : BFT_RX_VERIFIED);
		free(buf);
	}
	bft_engine_destroy(e);
	return 0;
}
