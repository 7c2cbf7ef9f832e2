/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared pieces of the libFuzzer targets and of the seed corpus
 * generator: the limits every decoder is fuzzed with, a zero "MAC" (an
 * all-zero tag is valid, so the fuzzer reaches what lies behind the
 * MAC check), and sample datagrams built with the wire encoder.
 */
#ifndef BFT_FUZZ_H
#define BFT_FUZZ_H

#include "wire.h"

#define FUZZ_N		4
#define FUZZ_CLIENTS	8
#define FUZZ_ADMIN	3	/* the engine target's administrator client */

static const struct bft_wire_limits fuzz_lim = {
	.n = FUZZ_N,
	.n_clients = FUZZ_CLIENTS,
	.max_op = 256,
	.max_result = 64,
	.batch_max = 8,
	.batch_bytes = 4096,
	.log_size = 16,
};

static inline int fuzz_mac(void *ctx, u8 principal, u32 id,
			   const struct bft_iov *iov, u32 niov,
			   u8 tag[BFT_MAC_LEN])
{
	(void)ctx;
	(void)principal;
	(void)id;
	(void)iov;
	(void)niov;
	memset(tag, 0, BFT_MAC_LEN);
	return 0;
}

enum fuzz_sample {
	FS_REQUEST, FS_PP, FS_PREPARE, FS_COMMIT, FS_REPLY, FS_CKPT,
	FS_VC, FS_NV, FS_FETCH, FS_DATA, FS_PP_NULL, FS_REQUEST_RO,
	FS_VC_ACK, FS_FETCH_LOG, FS_FETCH_VC, FS_DATA_VC, FS_SUSPECT,
	FS_STAGED, FS_COUNT
};

/* A VIEW-CHANGE with one checkpoint and one prepared entry. */
static inline u32 fuzz_vc(u8 *buf, u32 cap, u32 sender, u64 view)
{
	struct bft_ckpt_h ck;
	struct bft_vc_entry_h ent;

	memset(&ck, 0, sizeof(ck));
	memset(&ent, 0, sizeof(ent));
	ent.seq = 1;
	ent.pp_view = view ? view - 1 : 0;
	ent.p_view = ent.pp_view;
	ent.flags = BFT_VC_E_PREPARED;
	bft_null_digest(ent.pp_digest);
	bft_null_digest(ent.p_digest);
	return bft_enc_vc(buf, cap, sender, view, 0, &ck, 1, &ent, 1);
}

/*
 * A valid datagram of the given sample kind from `sender` (client id for
 * requests), for view/seq; MAC trailers and authenticators are zero.
 * Returns its length, 0 if it does not fit.
 */
static inline u32 fuzz_sample(enum fuzz_sample k, u8 *buf, u32 cap,
			      u32 sender, u64 view, u64 seq)
{
	static const u8 op[12] = "fuzz-op-data";
	u8 d[BFT_DIGEST_LEN], batch[1024];
	struct bft_ckpt_h ck[2];
	struct bft_nv_vc_h vc[3];
	struct bft_sha_ctx sha;
	u32 blen, i;

	memset(ck, 0, sizeof(ck));
	memset(vc, 0, sizeof(vc));
	switch (k) {
	case FS_REQUEST:
	case FS_REQUEST_RO:
		return bft_enc_request(buf, cap, sender % FUZZ_CLIENTS, seq + 1,
				       op, sizeof(op),
				       k == FS_REQUEST_RO ?
				       BFT_REQ_F_READONLY : 0, FUZZ_N);
	case FS_STAGED:
		return bft_enc_request(buf, cap, sender % FUZZ_CLIENTS, seq + 1,
				       NULL, 0, BFT_REQ_F_STAGED, FUZZ_N);
	case FS_PP:
		blen = bft_enc_request(batch, sizeof(batch), 1, seq + 1, op,
				       sizeof(op), 0, FUZZ_N);
		blen += bft_enc_request(batch + blen, sizeof(batch) - blen, 2,
					seq + 7, op, 5, 0, FUZZ_N);
		if (bft_batch_digest(batch, blen, 2, &fuzz_lim, d))
			return 0;
		return bft_enc_preprepare(buf, cap, sender, view, seq, d, 2,
					  batch, blen);
	case FS_PP_NULL:
		bft_null_digest(d);
		return bft_enc_preprepare(buf, cap, sender, view, seq, d, 0,
					  NULL, 0);
	case FS_PREPARE:
	case FS_COMMIT:
		bft_null_digest(d);
		return bft_enc_agree(buf, cap, k == FS_PREPARE ?
				     BFT_MSG_PREPARE : BFT_MSG_COMMIT, sender,
				     view, seq, d);
	case FS_REPLY:
		return bft_enc_reply(buf, cap, sender, view, seq + 1, 1, 0, op,
				     8);
	case FS_CKPT:
		memset(d, 0x11, sizeof(d));
		return bft_enc_checkpoint(buf, cap, sender, seq, d);
	case FS_VC:
		return fuzz_vc(buf, cap, sender, view);
	case FS_NV:
		for (i = 0; i < 3; i++)
			vc[i].replica = i;
		ck[0].seq = 1;
		bft_null_digest(ck[0].digest);
		return bft_enc_nv(buf, cap, sender, view, 0, ck[1].digest, vc,
				  3, ck, 1);
	case FS_FETCH:
		memset(d, 0x22, sizeof(d));
		return bft_enc_fetch(buf, cap, sender, 0, BFT_FETCH_STATE, seq, 0,
				     d);
	case FS_DATA:
		memset(d, 0x22, sizeof(d));
		return bft_enc_data(buf, cap, sender, BFT_FETCH_STATE, seq, 0,
				    64, 0, d, op, sizeof(op));
	case FS_VC_ACK:
		memset(d, 0x33, sizeof(d));
		return bft_enc_vc_ack(buf, cap, sender, view, (sender + 1) %
				      FUZZ_N, d);
	case FS_SUSPECT:
		return bft_enc_suspect(buf, cap, sender, view);
	case FS_FETCH_LOG:
		memset(d, 0, sizeof(d));
		return bft_enc_fetch(buf, cap, sender, 0, BFT_FETCH_LOG, seq, 0,
				     d);
	case FS_FETCH_VC:
	case FS_DATA_VC:
		/* The VIEW-CHANGE of the next replica, as named. */
		blen = fuzz_vc(batch, sizeof(batch), (sender + 1) % FUZZ_N,
			       view);
		if (!blen)
			return 0;
		blen -= BFT_MAC_LEN;
		bft_sha_init(&sha);
		bft_sha_update(&sha, batch, blen);
		bft_sha_final(&sha, d);
		if (k == FS_FETCH_VC)
			return bft_enc_fetch(buf, cap, sender, 0, BFT_FETCH_VC,
					     view, (sender + 1) % FUZZ_N, d);
		return bft_enc_data(buf, cap, sender, BFT_FETCH_VC, view, 0,
				    blen, (sender + 1) % FUZZ_N, d, batch,
				    blen);
	default:
		return 0;
	}
}

#endif
