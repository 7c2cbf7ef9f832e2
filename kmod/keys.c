// SPDX-License-Identifier: GPL-2.0
/*
 * Pairwise keys and their live rotation. A peer holds its current key and
 * the ratchet's next two; the rules (which key id is accepted, which one
 * to send with, when a rotation completes) are kmod/engine/keyrot.h's,
 * shared with bftd. The receive path moves the state word from softirq
 * with cmpxchg; keys are derived and retired in process context (under
 * r->key_lock once the peer is published) and freed a grace period later.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "keys.h"
#include "replica.h"

/* Process context, a grace period after the key was unpublished. */
static void key_free_work(struct work_struct *work)
{
	struct bft_key *k = container_of(to_rcu_work(work), struct bft_key,
					 free_work);

	bft_mac_key_destroy(&k->mac);
	kfree_sensitive(k);
}

static struct bft_key *key_new(const u8 *raw, u8 id)
{
	struct bft_key *k;
	int err;

	k = kzalloc(sizeof(*k), GFP_KERNEL_ACCOUNT);
	if (!k)
		return ERR_PTR(-ENOMEM);
	err = bft_mac_key_init(&k->mac, raw, BFT_MAC_KEY_LEN);
	if (err) {
		kfree(k);
		return ERR_PTR(err);
	}
	k->id = id;
	return k;
}

/* Frees at once: nobody can see @k (teardown, or never published). */
void bft_key_free_now(struct bft_key *k)
{
	if (!k)
		return;
	bft_mac_key_destroy(&k->mac);
	kfree_sensitive(k);
}

static void key_retire(struct bft_replica *r, struct bft_key *k)
{
	if (!k)
		return;
	INIT_RCU_WORK(&k->free_work, key_free_work);
	queue_rcu_work(r->wq, &k->free_work);
}

/* HMAC(key, label): names the configured key without revealing it. */
static void key_fingerprint(struct bft_key *k, u8 out[BFT_MAC_TAG_LEN])
{
	static const char label[] = "bft key fingerprint v1";
	struct kvec iov = { .iov_base = (void *)label,
			    .iov_len = sizeof(label) - 1 };

	if (bft_mac_compute(&k->mac, &iov, 1, out))
		memset(out, 0, BFT_MAC_TAG_LEN);
}

/* Key of @p in @slot; @r NULL while nobody else can reach @p. */
static struct bft_key *slot_key(struct bft_replica *r, struct bft_peer *p,
				int slot)
{
	return rcu_dereference_protected(p->key[slot],
					 !r || lockdep_is_held(&r->key_lock));
}

static void slot_set(struct bft_replica *r, struct bft_peer *p, int slot,
		     struct bft_key *k)
{
	struct bft_key *prev = slot_key(r, p, slot);

	rcu_assign_pointer(p->key[slot], k);
	if (r)
		key_retire(r, prev);
	else
		bft_key_free_now(prev);
}

/* Key @id by the one-way ratchet from key @id - 1. */
static struct bft_key *ratchet(struct bft_key *prev, u8 id)
{
	u8 msg[BFT_KR_RATCHET_LEN], raw[BFT_MAC_TAG_LEN];
	struct kvec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
	struct bft_key *k;
	int err;

	bft_kr_ratchet_msg(msg, id);
	err = bft_mac_compute(&prev->mac, &iov, 1, raw);
	k = err ? ERR_PTR(err) : key_new(raw, id);
	memzero_explicit(raw, sizeof(raw));
	return k;
}

/*
 * Installs keys c + 1 and c + 2 where missing and retires the one below c
 * (a completed rotation's old key), so the peer's next id always has its
 * key. A rotation completing meanwhile leaves its keys to the next call
 * (softirq queues it).
 */
static int peer_fill(struct bft_replica *r, struct bft_peer *p)
{
	u8 id = bft_kr_cur(atomic_read_acquire(&p->kr));
	struct bft_key *prev, *k;
	int i;

	prev = slot_key(r, p, bft_kr_slot_of(id));
	/* Not reached: only a key we hold can become current. */
	if (!prev || prev->id != id)
		return -ENOKEY;
	for (i = 1; i < BFT_KR_WINDOW; i++) {
		id++;
		k = slot_key(r, p, bft_kr_slot_of(id));
		if (!k || k->id != id) {
			k = ratchet(prev, id);
			if (IS_ERR(k))
				return PTR_ERR(k);
			slot_set(r, p, bft_kr_slot_of(id), k);
		}
		prev = k;
	}
	id++;
	if (slot_key(r, p, bft_kr_slot_of(id)))
		slot_set(r, p, bft_kr_slot_of(id), NULL);
	return 0;
}

static struct bft_peer *peer_new(const u8 *raw, u8 key_id, bool rotates)
{
	struct bft_peer *p;
	struct bft_key *k;
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	k = key_new(raw, key_id);
	if (IS_ERR(k)) {
		kfree(p);
		return ERR_CAST(k);
	}
	RCU_INIT_POINTER(p->key[bft_kr_slot_of(key_id)], k);
	atomic_set(&p->kr, key_id);
	key_fingerprint(k, p->fingerprint);
	err = rotates ? peer_fill(NULL, p) : 0;
	if (err) {
		bft_peer_free_keys(p);
		kfree_sensitive(p);
		return ERR_PTR(err);
	}
	return p;
}

struct bft_peer *bft_peer_alloc(const u8 *raw, u8 key_id)
{
	return peer_new(raw, key_id, true);
}

struct bft_peer *bft_client_alloc(const u8 *raw, u8 key_id)
{
	return peer_new(raw, key_id, false);
}

void bft_peer_keep_keys(struct bft_peer *new, struct bft_peer *old)
{
	struct bft_key *k;
	int i;

	if (!old || old->keys_moved ||
	    memcmp(new->fingerprint, old->fingerprint, sizeof(new->fingerprint)))
		return;
	bft_peer_free_keys(new);
	for (i = 0; i < BFT_KR_SLOTS; i++) {
		k = rcu_dereference_protected(old->key[i], 1);
		RCU_INIT_POINTER(new->key[i], k);
	}
	atomic_set(&new->kr, atomic_read(&old->kr));
	/* Readers of @old keep using the keys until its grace period. */
	old->keys_moved = true;
}

/* Every key; caller guarantees nobody else can reach @p any more. */
void bft_peer_free_keys(struct bft_peer *p)
{
	int i;

	if (p->keys_moved)
		return;
	for (i = 0; i < BFT_KR_SLOTS; i++) {
		bft_key_free_now(rcu_dereference_protected(p->key[i], 1));
		RCU_INIT_POINTER(p->key[i], NULL);
	}
}

/*
 * The key a datagram naming @key_id is checked or MAC'd with, under RCU.
 * The id test closes the race with a key retired and its slot reused
 * between reading the state and the slot, and refuses an id whose key
 * the worker has not derived yet.
 */
static struct bft_key *peer_key(struct bft_peer *p, u8 key_id)
{
	int slot = bft_kr_slot(atomic_read_acquire(&p->kr), key_id);
	struct bft_key *k;

	if (slot < 0)
		return NULL;
	k = rcu_dereference(p->key[slot]);
	return k && k->id == key_id ? k : NULL;
}

int bft_peer_mac(struct bft_peer *p, u8 key_id, const struct kvec *iov,
		 unsigned int niov, u8 tag[BFT_MAC_TAG_LEN])
{
	struct bft_key *k = peer_key(p, key_id);

	return k ? bft_mac_compute(&k->mac, iov, niov, tag) : -EKEYREJECTED;
}

u8 bft_peer_send_id(struct bft_peer *p)
{
	return bft_kr_send_id(atomic_read(&p->kr));
}

/* Moves the state word to @step's; true if it changed. Any context. */
static bool kr_step(struct bft_peer *p, u32 (*step)(u32 s, u8 id), u8 id)
{
	int old = atomic_read(&p->kr), new;

	do {
		new = step((u32)old, id);
		if (new == old)
			return false;
	} while (!atomic_try_cmpxchg(&p->kr, &old, new));
	return true;
}

static u32 kr_rotate(u32 s, u8 id)
{
	bft_kr_rotate(&s);
	return s;
}

void bft_peer_rx(struct bft_replica *r, struct bft_peer *p, u8 key_id,
		 int reason)
{
	/*
	 * Softirq. Only a verified datagram moves the state: an unknown or
	 * forged id is dropped before any HMAC and changes nothing. Deriving
	 * the keys after a completion needs process context.
	 */
	if (!reason && kr_step(p, bft_kr_seen, key_id)) {
		set_bit(BFT_KEYS_PENDING, &r->key_flags);
		queue_work(r->wq, &r->work);
	}
}

int bft_keys_rotate(struct bft_replica *r, u32 *started)
{
	struct bft_peer *p;
	int err = 0, ret;
	u32 i;

	lockdep_assert_held(&r->lock);
	lockdep_assert_held(&r->key_lock);
	*started = 0;
	for (i = 0; i < r->n; i++) {
		p = rcu_dereference_protected(r->peers[i],
					      lockdep_is_held(&r->key_lock));
		if (!p)
			continue;
		/* A pair already rotating is left to finish first. */
		if (atomic_read(&p->kr) & BFT_KR_SEND) {
			err = err ?: -EBUSY;
			continue;
		}
		/* c + 1 must be there before we send with it. */
		ret = peer_fill(r, p);
		if (ret) {
			err = ret;
			set_bit(BFT_KEYS_PENDING, &r->key_flags);
			continue;
		}
		*started += kr_step(p, kr_rotate, 0);
	}
	r->rotated_ms = bft_now_ms();
	return *started ? 0 : err;
}

/* Caller holds r->lock; the worker, after softirq flagged a peer. */
void bft_keys_work(struct bft_replica *r)
{
	u64 now = bft_now_ms();
	struct bft_config cfg;
	struct bft_peer *p;
	u32 i, started;
	bool due;

	bft_engine_get_config(r->engine, &cfg);
	due = cfg.key_rotation_sec &&
	      now >= r->rotated_ms + cfg.key_rotation_sec * 1000ULL;
	if (!test_and_clear_bit(BFT_KEYS_PENDING, &r->key_flags) && !due)
		return;
	mutex_lock(&r->key_lock);
	if (due)
		bft_keys_rotate(r, &started);
	for (i = 0; i < r->n; i++) {
		p = rcu_dereference_protected(r->peers[i],
					      lockdep_is_held(&r->key_lock));
		if (p && peer_fill(r, p))
			set_bit(BFT_KEYS_PENDING, &r->key_flags);
	}
	mutex_unlock(&r->key_lock);
}
