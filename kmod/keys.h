/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BFT_KEYS_H
#define _BFT_KEYS_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "crypto.h"
#include "socket.h"
#include "engine/keyrot.h"

struct bft_replica;

/* One generation of a pairwise key. */
struct bft_key {
	struct bft_mac_key mac;
	u8 id;
	struct rcu_work free_work;	/* once retired */
};

/* The keys and endpoint of one other principal (replica or client). */
struct bft_peer {
	/* Key id k in key[k & 3]: the current one and the next two. */
	struct bft_key __rcu *key[BFT_KR_SLOTS];
	atomic_t kr;			/* engine/keyrot.h state word */
	union bft_sockaddr endpoint;	/* replicas only */
	/* Tells a re-sent configured key from a new one (not secret). */
	u8 fingerprint[BFT_MAC_TAG_LEN];
	bool keys_moved;		/* to its replacement: not ours to free */
	struct rcu_work free_work;	/* once replaced or deleted */
};

/* r->key_flags */
#define BFT_KEYS_PENDING	0	/* softirq moved a peer's state */

/* The key @raw as id @key_id, with the ratchet's next two. */
struct bft_peer *bft_peer_alloc(const u8 *raw, u8 key_id);
/* A client's: not rotated live, so the one key alone. */
struct bft_peer *bft_client_alloc(const u8 *raw, u8 key_id);
/*
 * If @new was configured with the same key as @old, @new takes over
 * @old's keys and rotation state, so re-applying an unchanged cluster
 * file does not undo rotations. Caller holds r->key_lock.
 */
void bft_peer_keep_keys(struct bft_peer *new, struct bft_peer *old);
void bft_peer_free_keys(struct bft_peer *p);
void bft_key_free_now(struct bft_key *k);

/* Under RCU, any context. -EKEYREJECTED: key id not accepted. */
int bft_peer_mac(struct bft_peer *p, u8 key_id, const struct kvec *iov,
		 unsigned int niov, u8 tag[BFT_MAC_TAG_LEN]);
u8 bft_peer_send_id(struct bft_peer *p);
/* Softirq: a datagram from @p naming @key_id verified (0) or was dropped. */
void bft_peer_rx(struct bft_replica *r, struct bft_peer *p, u8 key_id,
		 int reason);

/*
 * Start a rotation of every peer not already rotating; -EBUSY if all
 * are. Caller holds r->lock and r->key_lock.
 */
int bft_keys_rotate(struct bft_replica *r, u32 *started);
/* The worker's part: derive, retire, periodic rotation. r->lock held. */
void bft_keys_work(struct bft_replica *r);

#endif /* _BFT_KEYS_H */
