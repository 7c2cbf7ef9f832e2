// SPDX-License-Identifier: GPL-2.0
/*
 * Pairwise keys and their live rotation. A peer holds its current key and,
 * during a rotation, the next one; the rules (which key id is accepted,
 * when to switch, when the old key retires) are kmod/engine/keyrot.h's,
 * shared with bftd. The receive path moves the state word from softirq
 * with cmpxchg; keys are installed and retired by process context under
 * r->key_lock and freed a grace period later.
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

struct bft_peer *bft_peer_alloc(const u8 *raw, u8 key_id)
{
	struct bft_peer *p;
	struct bft_key *k;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	k = key_new(raw, key_id);
	if (IS_ERR(k)) {
		kfree(p);
		return ERR_CAST(k);
	}
	RCU_INIT_POINTER(p->key[key_id & 1], k);
	atomic_set(&p->kr, key_id);
	key_fingerprint(k, p->fingerprint);
	return p;
}

void bft_peer_keep_keys(struct bft_peer *new, struct bft_peer *old)
{
	struct bft_key *k;
	int i;

	if (!old || old->keys_moved ||
	    memcmp(new->fingerprint, old->fingerprint, sizeof(new->fingerprint)))
		return;
	bft_peer_free_keys(new);
	for (i = 0; i < 2; i++) {
		k = rcu_dereference_protected(old->key[i], 1);
		RCU_INIT_POINTER(new->key[i], k);
	}
	WRITE_ONCE(new->switch_ms, READ_ONCE(old->switch_ms));
	atomic_set(&new->kr, atomic_read(&old->kr));
	/* Readers of @old keep using the keys until its grace period. */
	old->keys_moved = true;
}

/* Both keys; caller guarantees nobody else can reach @p any more. */
void bft_peer_free_keys(struct bft_peer *p)
{
	int i;

	if (p->keys_moved)
		return;
	for (i = 0; i < 2; i++) {
		bft_key_free_now(rcu_dereference_protected(p->key[i], 1));
		RCU_INIT_POINTER(p->key[i], NULL);
	}
}

/*
 * The key a datagram naming @key_id is checked or MAC'd with, under RCU.
 * The id test closes the race with a key retired and its slot reused
 * between reading the state and the slot.
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

u8 bft_peer_send_id(struct bft_peer *p, u64 now_ms)
{
	return bft_kr_send_id(atomic_read(&p->kr), now_ms,
			      READ_ONCE(p->switch_ms));
}

/* Moves the state word by @step; true if it changed. Any context. */
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

static u32 kr_skip(u32 s, u8 id)
{
	return bft_kr_skip(s);
}

void bft_peer_rx(struct bft_replica *r, struct bft_peer *p, u8 key_id,
		 int reason)
{
	bool moved = false;

	/* Softirq: the key work itself needs process context. */
	if (!reason)
		moved = kr_step(p, bft_kr_seen, key_id);
	else if (reason == BFT_DROP_KEY_ID)
		moved = kr_step(p, bft_kr_unknown, key_id);
	if (moved) {
		set_bit(BFT_KEYS_PENDING, &r->key_flags);
		queue_work(r->wq, &r->work);
	}
}

/* The next key by the one-way ratchet from the current one. */
static struct bft_key *ratchet(struct bft_peer *p, u32 s)
{
	u8 msg[BFT_KR_RATCHET_LEN], raw[BFT_MAC_TAG_LEN];
	struct kvec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
	struct bft_key *cur, *k;
	int err;

	cur = rcu_dereference_protected(p->key[bft_kr_cur(s) & 1], 1);
	/* Not reached: without a next key nothing promotes under us. */
	if (!cur || cur->id != bft_kr_cur(s))
		return ERR_PTR(-EAGAIN);
	bft_kr_ratchet_msg(msg, bft_kr_next(s));
	err = bft_mac_compute(&cur->mac, &iov, 1, raw);
	k = err ? ERR_PTR(err) : key_new(raw, bft_kr_next(s));
	memzero_explicit(raw, sizeof(raw));
	return k;
}

/*
 * Installs the ratchet's next key of @p, sending with it from @switch_ms
 * on. Caller holds r->key_lock.
 */
static int peer_install(struct bft_replica *r, struct bft_peer *p,
			u64 switch_ms)
{
	int old = atomic_read(&p->kr), new;
	struct bft_key *prev, *k;
	u32 s;

	if (old & BFT_KR_NEXT)
		return -EBUSY;
	k = ratchet(p, old);
	if (IS_ERR(k))
		return PTR_ERR(k);
	WRITE_ONCE(p->switch_ms, switch_ms);
	/* The key before the bit: a reader that sees NEXT finds it. */
	prev = rcu_replace_pointer(p->key[k->id & 1], k,
				   lockdep_is_held(&r->key_lock));
	key_retire(r, prev);
	do {
		s = old;
		if (bft_kr_install(&s))
			return -EBUSY;	/* not reached: only we install */
		new = s;
	} while (!atomic_try_cmpxchg(&p->kr, &old, new));
	return 0;
}

/* The rotation bound: a few view-change timeouts of overlap. */
static u64 overlap_ms(struct bft_replica *r)
{
	struct bft_config cfg;

	lockdep_assert_held(&r->lock);
	bft_engine_get_config(r->engine, &cfg);
	return (u64)BFT_KEY_OVERLAP_VC * cfg.vc_timeout_ms;
}

int bft_keys_rotate(struct bft_replica *r, u32 *started)
{
	u64 switch_ms = bft_now_ms() + overlap_ms(r);
	struct bft_peer *p;
	int err = 0;
	u32 i;

	lockdep_assert_held(&r->key_lock);
	*started = 0;
	/* A pair already rotating (a peer rotated first) is left alone. */
	for (i = 0; i < r->n && err != -ENOMEM; i++) {
		p = rcu_dereference_protected(r->peers[i],
					      lockdep_is_held(&r->key_lock));
		if (!p)
			continue;
		err = peer_install(r, p, switch_ms);
		*started += !err;
	}
	r->rotated_ms = bft_now_ms();
	if (*started)
		return 0;
	return err;
}

/* Caller holds r->lock; the worker, after softirq flagged a peer. */
void bft_keys_work(struct bft_replica *r)
{
	u64 now = bft_now_ms();
	struct bft_config cfg;
	struct bft_peer *p;
	bool due;
	u32 i, s;

	bft_engine_get_config(r->engine, &cfg);
	due = cfg.key_rotation_sec &&
	      now >= r->rotated_ms + cfg.key_rotation_sec * 1000ULL;
	if (!test_and_clear_bit(BFT_KEYS_PENDING, &r->key_flags) && !due)
		return;
	mutex_lock(&r->key_lock);
	if (due) {
		/* A pair still rotating is left to finish first. */
		for (i = 0; i < r->n; i++) {
			p = rcu_dereference_protected(r->peers[i],
						      lockdep_is_held(&r->key_lock));
			if (p && !(atomic_read(&p->kr) & BFT_KR_NEXT))
				peer_install(r, p, now + overlap_ms(r));
		}
		r->rotated_ms = now;
	}
	for (i = 0; i < r->n; i++) {
		p = rcu_dereference_protected(r->peers[i],
					      lockdep_is_held(&r->key_lock));
		if (!p)
			continue;
		s = atomic_read(&p->kr);
		/*
		 * The peer already sends with the next key. Seeing it verify
		 * completes the rotation at once; a forged key id only makes
		 * us rotate early, after the usual overlap.
		 */
		if (s & BFT_KR_FOLLOW) {
			kr_step(p, kr_skip, 0);
			if (peer_install(r, p, now + overlap_ms(r)))
				set_bit(BFT_KEYS_PENDING, &r->key_flags);
		}
		/* A completed rotation: the old key goes now. */
		else if (!(s & BFT_KR_NEXT))
			key_retire(r, rcu_replace_pointer(p->key[bft_kr_next(s) & 1],
							  NULL,
							  lockdep_is_held(&r->key_lock)));
	}
	mutex_unlock(&r->key_lock);
}
