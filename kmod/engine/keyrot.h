/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key ids of one pairwise key during a live rotation: which key id a
 * datagram may name, which one to send with, when a rotation completes.
 * Pure rules on a packed state word, shared by bft.ko (which updates the
 * word with cmpxchg from softirq) and bftd. The keys themselves stay with
 * the host; see Documentation/kernel.rst, "Key rotation".
 *
 * A pair has a current key, id c, and always keeps the ratchet's next two,
 * c + 1 and c + 2 (modulo 256), installed: a peer never sends an id above
 * c + 2 (kernel.rst), so whatever a correct peer sends is accepted and a
 * switch loses nothing. Key id k lives in slot k & 3.
 */
#ifndef _BFT_KEYROT_H
#define _BFT_KEYROT_H

#include "port.h"

#define BFT_KR_CUR	0xffU		/* id of the current key */
#define BFT_KR_SEND	0x100U		/* rotating: we send with c + 1 */

#define BFT_KR_WINDOW	3		/* ids accepted: c, c + 1, c + 2 */
#define BFT_KR_SLOTS	4		/* key id k in slot k & 3 */

/* Label of the one-way ratchet: next = HMAC(cur, label || next id). */
#define BFT_KR_RATCHET_LABEL	"bft key ratchet v1"
#define BFT_KR_RATCHET_LEN	(sizeof(BFT_KR_RATCHET_LABEL) - 1 + 1)

static inline u8 bft_kr_cur(u32 s)
{
	return s & BFT_KR_CUR;
}

static inline u8 bft_kr_slot_of(u8 key_id)
{
	return key_id & (BFT_KR_SLOTS - 1);
}

/* True if @key_id is one of the ids the host keeps a key for. */
static inline bool bft_kr_in_window(u32 s, u8 key_id)
{
	return (u8)(key_id - bft_kr_cur(s)) < BFT_KR_WINDOW;
}

/*
 * Slot of the key to check a datagram naming @key_id with, or -1: drop
 * it as BFT_DROP_KEY_ID without computing an HMAC. An id below the
 * current one is retired: its key can never authenticate anything again.
 */
static inline int bft_kr_slot(u32 s, u8 key_id)
{
	return bft_kr_in_window(s, key_id) ? bft_kr_slot_of(key_id) : -1;
}

/*
 * The state after a datagram naming @key_id verified. An id above the
 * current one completes the rotation: the peer holds that key, so it
 * becomes current, we send with it, and the ids below are retired. Only
 * a valid MAC moves the state: a forged id changes nothing.
 */
static inline u32 bft_kr_seen(u32 s, u8 key_id)
{
	if (key_id == bft_kr_cur(s) || !bft_kr_in_window(s, key_id))
		return s;
	return key_id;
}

/*
 * Starts a rotation: from now on we send with c + 1, which the peer
 * already has. -EBUSY while one is in progress (the peer has not been
 * seen using c + 1 yet): a rotation never runs two ids ahead of the peer.
 */
static inline int bft_kr_rotate(u32 *s)
{
	if (*s & BFT_KR_SEND)
		return -EBUSY;
	*s |= BFT_KR_SEND;
	return 0;
}

/* Key id to send with. */
static inline u8 bft_kr_send_id(u32 s)
{
	return (u8)(bft_kr_cur(s) + !!(s & BFT_KR_SEND));
}

/* The ratchet's input: label, then the id of the key it derives. */
static inline void bft_kr_ratchet_msg(u8 out[BFT_KR_RATCHET_LEN], u8 next_id)
{
	memcpy(out, BFT_KR_RATCHET_LABEL, BFT_KR_RATCHET_LEN - 1);
	out[BFT_KR_RATCHET_LEN - 1] = next_id;
}

#endif /* _BFT_KEYROT_H */
