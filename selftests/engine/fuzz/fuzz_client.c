// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the client core's reply path, bft_cli_receive(),
 * with a request outstanding. Input: byte 0 selects read-only, then
 * records [len le16][bytes] fed as datagrams (zero MAC tags verify),
 * with a tick after each so retransmission and read-only fallback run.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "client.h"

static volatile u8 sink;

static void c_send(void *ctx, u32 replica, const void *buf, u32 len)
{
	(void)ctx;
	(void)replica;
	if (len)
		sink = ((const u8 *)buf)[len - 1];
}

static const struct bft_cli_ops cli_ops = {
	.mac = fuzz_mac,
	.send = c_send,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bft_cli_config cc = {
		.n = FUZZ_N, .id = 1, .max_op = 256, .max_result = 64,
		.timeout_ms = 10, .first_ts = 1,
	};
	struct bft_cli_result res;
	struct bft_cli c;
	u64 now = 0;
	size_t off = 1;
	int k = 0, r;

	if (!size || bft_cli_init(&c, &cc, &cli_ops, NULL))
		return 0;
	if (bft_cli_submit(&c, "op", 2, data[0] & 1, now))
		abort();
	while (off + 2 <= size && k++ < 64) {
		u32 len = data[off] | (u32)data[off + 1] << 8;
		u8 *buf;

		off += 2;
		if (len > size - off)
			len = (u32)(size - off);
		buf = malloc(len ? len : 1);
		if (!buf)
			break;
		memcpy(buf, data + off, len);
		off += len;
		r = bft_cli_receive(&c, buf, len, now, &res);
		if (r == BFT_CLI_DONE) {
			if (res.result_len > cc.max_result)
				abort();
			sink = res.result_len ? res.result[0] : 0;
			bft_cli_submit(&c, "op2", 3, false, now);
		}
		free(buf);
		now += 7;
		bft_cli_tick(&c, now);
	}
	bft_cli_destroy(&c);
	return 0;
}
