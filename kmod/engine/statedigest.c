// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint state digest over a part table, see statedigest.h. Pure C:
 * built into bft.ko, the host engine, bftd and bftctl.
 */
#include "statedigest.h"

static const u8 sd_magic[8] = "BFTPARTS";

void bft_sdig_hdr(u8 *hdr, u32 part)
{
	memcpy(hdr, sd_magic, sizeof(sd_magic));
	bft_put32(hdr + 8, part);
	bft_put32(hdr + 12, 0);
}

void bft_sdig_init(struct bft_sdig *s, u32 part)
{
	u8 hdr[BFT_SD_HDR];

	bft_sdig_hdr(hdr, part);
	bft_sha_init(&s->table);
	bft_sha_update(&s->table, hdr, sizeof(hdr));
	bft_sha_init(&s->part);
	s->part_len = part;
	s->fill = 0;
	s->total = 0;
}

static void part_close(struct bft_sdig *s)
{
	u8 h[BFT_SD_HASH];

	bft_sha_final(&s->part, h);
	bft_sha_update(&s->table, h, sizeof(h));
	bft_sha_init(&s->part);
	s->fill = 0;
}

void bft_sdig_update(struct bft_sdig *s, const void *p, u64 len)
{
	const u8 *b = p;
	u32 k;

	while (len) {
		k = s->part_len - s->fill;
		if (k > len)
			k = (u32)len;
		bft_sha_update(&s->part, b, k);
		s->fill += k;
		s->total += k;
		b += k;
		len -= k;
		if (s->fill == s->part_len)
			part_close(s);
	}
}

void bft_sdig_final(struct bft_sdig *s, u8 *digest)
{
	u8 t[BFT_SD_TRAILER];

	if (s->fill)
		part_close(s);
	bft_put64(t, s->total);
	bft_sha_update(&s->table, t, sizeof(t));
	bft_sha_final(&s->table, digest);
}

void bft_state_digest(const void *p, u64 len, u32 part, u8 *digest)
{
	struct bft_sdig s;

	bft_sdig_init(&s, part);
	bft_sdig_update(&s, p, len);
	bft_sdig_final(&s, digest);
}

u64 bft_sdig_table_len(u64 total, u32 part)
{
	u64 k;

	if (!part)
		return 0;
	k = total / part + !!(total % part);
	if (k > (1ULL << 48))
		return 0;
	return BFT_SD_HDR + k * BFT_SD_HASH + BFT_SD_TRAILER;
}

int bft_sdig_table_parse(const u8 *t, u64 len, u32 part, u64 *total)
{
	if (len < BFT_SD_HDR + BFT_SD_TRAILER ||
	    memcmp(t, sd_magic, sizeof(sd_magic)) ||
	    bft_get32(t + 8) != part || bft_get32(t + 12))
		return -EINVAL;
	*total = bft_get64(t + len - BFT_SD_TRAILER);
	if (bft_sdig_table_len(*total, part) != len)
		return -EINVAL;
	return 0;
}
