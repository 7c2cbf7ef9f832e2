/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checkpoint state digest, the one definition shared by the engine,
 * the kernel's checkpoint import and bftctl (see Documentation/engine.rst,
 * "State transfer"). The stream is cut into parts of @part bytes and the
 * digest is SHA-256 of its part table:
 *
 *   "BFTPARTS" || le32 part || le32 0 || H(part 0) .. H(part k-1)
 *   || le64 total
 *
 * A fetcher that holds the table, checked against the certified digest,
 * can check each part as it arrives (TOCS 2002, section 5.3).
 */
#ifndef _BFT_STATEDIGEST_H
#define _BFT_STATEDIGEST_H

#include "port.h"
#include "../../uapi/linux/bft_wire.h"

#define BFT_SD_HDR	16
#define BFT_SD_TRAILER	8
#define BFT_SD_HASH	32

struct bft_sdig {
	struct bft_sha_ctx table;
	struct bft_sha_ctx part;
	u32 part_len;
	u32 fill;		/* bytes of the current part so far */
	u64 total;
};

void bft_sdig_init(struct bft_sdig *s, u32 part);
void bft_sdig_update(struct bft_sdig *s, const void *p, u64 len);
void bft_sdig_final(struct bft_sdig *s, u8 *digest);
void bft_state_digest(const void *p, u64 len, u32 part, u8 *digest);

/* Table bytes for a stream of @total bytes; 0 if absurdly large. */
u64 bft_sdig_table_len(u64 total, u32 part);
/* The table's first BFT_SD_HDR bytes. */
void bft_sdig_hdr(u8 *hdr, u32 part);
/* A whole table: its stream length, or -EINVAL if not for @part. */
int bft_sdig_table_parse(const u8 *t, u64 len, u32 part, u64 *total);

#endif /* _BFT_STATEDIGEST_H */
