/* SPDX-License-Identifier: GPL-2.0 */
/* Quorum math for any n >= 3f+1, not just n = 3f+1. */
#ifndef _BFT_QUORUM_H
#define _BFT_QUORUM_H

#include "port.h"

/* f = floor((n-1)/3) */
static inline u32 bft_quorum_f(u32 n)
{
	return n ? (n - 1) / 3 : 0;
}

/* Q = ceil((n+f+1)/2): any two quorums share f+1 replicas. */
static inline u32 bft_quorum_q(u32 n)
{
	return (n + bft_quorum_f(n) + 1 + 1) / 2;
}

static inline u32 bft_popcount64(u64 x)
{
	u32 c = 0;

	while (x) {
		x &= x - 1;
		c++;
	}
	return c;
}

#endif /* _BFT_QUORUM_H */
