// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer targets for every decoder of the wire codec; compiled once
 * per decoder with -DFUZZ_WHICH=<n> (see mk/sim.mk). The input is copied
 * into an exact-size heap buffer so ASan reports any read past its end,
 * and every byte a decoder points at is read back.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define FW_HDR		1
#define FW_REQUEST	2
#define FW_PREPREPARE	3
#define FW_AGREE	4
#define FW_REPLY	5
#define FW_CHECKPOINT	6
#define FW_VC		7
#define FW_NV		8
#define FW_FETCH	9
#define FW_DATA		10
#define FW_ANY		11
#define FW_VCACK	12

static volatile u8 sink;

static void touch(const u8 *p, u32 len)
{
	u8 x = 0;
	u32 i;

	for (i = 0; i < len; i++)
		x ^= p[i];
	sink = x;
}

static void run(const u8 *buf, u32 len)
{
	u8 d[BFT_DIGEST_LEN];
	u32 i;
	int r;

#if FUZZ_WHICH == FW_HDR
	struct bft_msg_hdr h;

	r = bft_wire_parse_hdr(buf, len, &h);
	if (!r)
		touch(buf, len);
#elif FUZZ_WHICH == FW_REQUEST
	struct bft_req_view q;

	r = bft_wire_parse_request(buf, len, &fuzz_lim, &q);
	if (!r) {
		touch(q.op, q.op_len);
		touch(q.auth, q.n_auth * BFT_MAC_LEN);
		bft_req_digest(&q, d);
	}
#elif FUZZ_WHICH == FW_PREPREPARE
	struct bft_pp_view pp;
	struct bft_req_view q;
	u32 off = 0;

	r = bft_wire_parse_preprepare(buf, len, &fuzz_lim, &pp);
	if (!r) {
		touch(pp.digest, BFT_DIGEST_LEN);
		touch(pp.batch, pp.batch_len);
		bft_batch_digest(pp.batch, pp.batch_len, pp.count, &fuzz_lim,
				 d);
		while (!bft_batch_next(pp.batch, pp.batch_len, &off, &fuzz_lim,
				       &q))
			touch(q.op, q.op_len);
	}
#elif FUZZ_WHICH == FW_AGREE
	struct bft_agree_view a;

	r = bft_wire_parse_agree(buf, len, &a);
	if (!r)
		touch(a.digest, BFT_DIGEST_LEN);
#elif FUZZ_WHICH == FW_REPLY
	struct bft_reply_view rp;

	r = bft_wire_parse_reply(buf, len, &fuzz_lim, &rp);
	if (!r)
		touch(rp.result, rp.result_len);
#elif FUZZ_WHICH == FW_CHECKPOINT
	struct bft_ckpt_view c;

	r = bft_wire_parse_checkpoint(buf, len, &c);
	if (!r)
		touch(buf, len);
#elif FUZZ_WHICH == FW_VC
	struct bft_vc_view vc;
	struct bft_ckpt_h ck;
	struct bft_vc_entry_h e;

	r = bft_wire_parse_vc(buf, len, &fuzz_lim, &vc);
	if (!r) {
		for (i = 0; i < vc.n_ckpt; i++) {
			bft_vc_get_ckpt(&vc, i, &ck);
			touch(ck.digest, BFT_DIGEST_LEN);
		}
		for (i = 0; i < vc.n_entries; i++) {
			bft_vc_get_entry(&vc, i, &e);
			touch(e.p_digest, BFT_DIGEST_LEN);
		}
	}
#elif FUZZ_WHICH == FW_NV
	struct bft_nv_view nv;
	struct bft_nv_vc_h v;
	struct bft_ckpt_h o;

	r = bft_wire_parse_nv(buf, len, &fuzz_lim, &nv);
	if (!r) {
		touch(nv.ckpt_digest, BFT_DIGEST_LEN);
		for (i = 0; i < nv.n_vc; i++) {
			bft_nv_get_vc(&nv, i, &v);
			touch(v.digest, BFT_DIGEST_LEN);
		}
		for (i = 0; i < nv.n_o; i++) {
			bft_nv_get_o(&nv, i, &o);
			touch(o.digest, BFT_DIGEST_LEN);
		}
	}
#elif FUZZ_WHICH == FW_FETCH
	struct bft_fetch_view f;

	r = bft_wire_parse_fetch(buf, len, &f);
	if (!r)
		touch(f.digest, BFT_DIGEST_LEN);
#elif FUZZ_WHICH == FW_DATA
	struct bft_data_view dv;

	r = bft_wire_parse_data(buf, len, &fuzz_lim, &dv);
	if (!r) {
		touch(dv.digest, BFT_DIGEST_LEN);
		touch(dv.chunk, dv.chunk_len);
	}
#elif FUZZ_WHICH == FW_ANY
	r = bft_wire_parse_any(buf, len, &fuzz_lim);
	if (!r)
		touch(buf, len);
	/* The pre-MAC screen never refuses what a replica's decoder takes. */
	if (!r && bft_wget8(buf, bft_hdr, kind) != BFT_MSG_REPLY &&
	    bft_wire_screen(buf, len, &fuzz_lim))
		abort();
	r = bft_wire_screen(buf, len, &fuzz_lim);
	if (r < 0 || r > BFT_DROP_MAX)
		abort();
	r = bft_wire_verify(buf, len, 1, FUZZ_N, fuzz_mac, NULL);
#elif FUZZ_WHICH == FW_VCACK
	struct bft_vc_ack_view a;

	r = bft_wire_parse_vc_ack(buf, len, &a);
	if (!r)
		touch(a.digest, BFT_DIGEST_LEN);
#else
#error "FUZZ_WHICH"
#endif
	(void)d;
	(void)i;
	(void)r;
	/* Every decoder reports a reason code in range. */
	if (r < 0 || r > BFT_DROP_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *buf;

	if (size > BFT_WIRE_MAX_DGRAM)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	run(buf, (u32)size);
	free(buf);
	return 0;
}
