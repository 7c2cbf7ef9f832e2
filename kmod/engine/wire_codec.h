/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the two halves of the wire codec, wire_client.c
 * (header, REQUEST, REPLY, MAC check) and wire_replica.c (replica to
 * replica messages); not for other users.
 */
#ifndef _BFT_WIRE_CODEC_H
#define _BFT_WIRE_CODEC_H

#include "wire.h"

static inline bool bft_all_zero(const u8 *p, u32 n)
{
	u8 d = 0;
	u32 i;

	for (i = 0; i < n; i++)
		d |= p[i];
	return d == 0;
}

/* bft_wzero(buf, struct t, f): that field (reserved bytes) is all zero. */
#define bft_wzero(buf, ...) \
	bft_all_zero((buf) + offsetof(__VA_ARGS__), sizeof_field(__VA_ARGS__))

/* Header checks, then kind @kind and at least @fixed bytes. */
int bft_wire_parse_hdr_kind(const u8 *buf, u32 len, u8 kind, u32 fixed,
			    struct bft_msg_hdr *h);
/* The same for a fixed-size message: exactly @fixed bytes and a MAC. */
int bft_wire_parse_fixed(const u8 *buf, u32 len, u8 kind, u32 fixed,
			 struct bft_msg_hdr *h);
/* Zeroes @len bytes and writes a replica's header; 0 if it does not fit. */
u32 bft_wire_put_rhdr(u8 *buf, u32 cap, u8 kind, u32 sender, u64 len);

#endif /* _BFT_WIRE_CODEC_H */
