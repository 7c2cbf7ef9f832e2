/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key ids of one pairwise key during a live rotation: which key id a
 * datagram may name, when a sender switches to the next key and when the
 * old one is retired. Pure rules on a packed state word, shared by bft.ko
 * (which updates the word with cmpxchg from softirq) and bftd. The keys
 * themselves stay with the host; see Documentation/kernel.rst, "Key
 * rotation".
 *
 * A pair has a current key (id cur) and, during a rotation, the next one
 * (id cur + 1, modulo 256). Key id k lives in slot k & 1, so the two never
 * share a slot.
 */
#ifndef _BFT_KEYROT_H
#define _BFT_KEYROT_H

#include "port.h"

#define BFT_KR_CUR	0xffU		/* id of the current key */
#define BFT_KR_NEXT	0x100U		/* key cur + 1 is installed */
#define BFT_KR_FOLLOW	0x200U		/* peer used cur + 1 before we had it */

/* Label of the one-way ratchet: next = HMAC(cur, label || next id). */
#define BFT_KR_RATCHET_LABEL	"bft key ratchet v1"
#define BFT_KR_RATCHET_LEN	(sizeof(BFT_KR_RATCHET_LABEL) - 1 + 1)

static inline u8 bft_kr_cur(u32 s)
{
	return s & BFT_KR_CUR;
}

static inline u8 bft_kr_next(u32 s)
{
	return (u8)(bft_kr_cur(s) + 1);
}

/*
 * Slot (0 or 1) of the key to check a datagram naming @key_id with, or -1:
 * drop it as BFT_DROP_KEY_ID. Only the current id and, while installed,
 * the next one are accepted: once a rotation completes the old id is
 * neither, so its key can never authenticate anything again.
 */
static inline int bft_kr_slot(u32 s, u8 key_id)
{
	if (key_id == bft_kr_cur(s) ||
	    ((s & BFT_KR_NEXT) && key_id == bft_kr_next(s)))
		return key_id & 1;
	return -1;
}

/*
 * The state after a datagram naming @key_id was dropped as BFT_DROP_KEY_ID:
 * the peer is one key ahead of what we accept. Either it sends with
 * cur + 1 and we lack that key, or we have it but the peer already
 * completed that rotation (it saw us send cur + 1) and started the next
 * one. The host then derives the key after (bft_kr_skip(), ratchet), so
 * one side's rotation is enough for the pair and a pair never waits for
 * a key id that will not come.
 */
static inline u32 bft_kr_unknown(u32 s, u8 key_id)
{
	u8 ahead = (u8)(bft_kr_next(s) + !!(s & BFT_KR_NEXT));

	if (key_id == ahead)
		return s | BFT_KR_FOLLOW;
	return s;
}

/*
 * Before following (FOLLOW) with our next key installed: the peer is past
 * it, so it becomes current and the old key is retired; the host then
 * installs the key after it. Otherwise the state as it is.
 */
static inline u32 bft_kr_skip(u32 s)
{
	if ((s & BFT_KR_FOLLOW) && (s & BFT_KR_NEXT))
		return bft_kr_next(s) | BFT_KR_FOLLOW;
	return s;
}

/*
 * The state after a datagram naming @key_id verified: the peer sending
 * with the next key ends the overlap. The next key becomes current and
 * the old one is retired (its id is no longer accepted).
 */
static inline u32 bft_kr_seen(u32 s, u8 key_id)
{
	if ((s & BFT_KR_NEXT) && key_id == bft_kr_next(s))
		return bft_kr_next(s);
	return s;
}

/* The state once the next key is installed; -EBUSY while one already is. */
static inline int bft_kr_install(u32 *s)
{
	if (*s & BFT_KR_NEXT)
		return -EBUSY;
	*s = (*s | BFT_KR_NEXT) & ~BFT_KR_FOLLOW;
	return 0;
}

/*
 * Key id to send with at @now_ms. A sender switches to the next key at
 * @switch_ms: the install time plus the overlap bound, or at once when the
 * peer already uses it (FOLLOW). Before, the peer may not have the next
 * key yet; after, it has had the bound to install it. The switch is only
 * final once the peer is seen using the key (bft_kr_seen()).
 */
static inline u8 bft_kr_send_id(u32 s, u64 now_ms, u64 switch_ms)
{
	if ((s & BFT_KR_NEXT) && now_ms >= switch_ms)
		return bft_kr_next(s);
	return bft_kr_cur(s);
}

/* The ratchet's input: label, then the id of the key it derives. */
static inline void bft_kr_ratchet_msg(u8 out[BFT_KR_RATCHET_LEN], u8 next_id)
{
	memcpy(out, BFT_KR_RATCHET_LABEL, BFT_KR_RATCHET_LEN - 1);
	out[BFT_KR_RATCHET_LEN - 1] = next_id;
}

#endif /* _BFT_KEYROT_H */
