// SPDX-License-Identifier: GPL-2.0
/*
 * Replica instances: creation, keys, and teardown that is safe while
 * datagrams are still arriving.
 */
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bft.h"
#include "kv.h"
#include "netlink.h"
#include "replica.h"
#include "service.h"

struct bft_replica *bft_replica_find(struct bft_net *bn, const char *name)
{
	struct bft_replica *r;

	lockdep_assert_held(&bn->lock);
	list_for_each_entry(r, &bn->replicas, node)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

/* Process context, a grace period after the entry was unpublished. */
static void peer_free_work(struct work_struct *work)
{
	struct bft_peer *p = container_of(to_rcu_work(work), struct bft_peer,
					  free_work);

	bft_peer_free_keys(p);
	kfree_sensitive(p);
}

/*
 * Caller holds r->lock: netlink (under bn->lock) and the worker, which
 * installs staged peers at an epoch switch, both write the tables.
 * Softirq may still be computing with the old key, so it is freed after
 * a grace period, but nobody waits for that here: a setconf of thousands
 * of keys must not cost a grace period each. replica_free() waits for
 * all of them with rcu_barrier().
 */
static void peer_replace(struct bft_replica *r, struct bft_peer __rcu **slot,
			 struct bft_peer *new, bool keep)
{
	struct bft_peer *old;

	lockdep_assert_held(&r->lock);
	mutex_lock(&r->key_lock);
	old = rcu_dereference_protected(*slot, lockdep_is_held(&r->key_lock));
	if (new && keep)
		bft_peer_keep_keys(new, old);
	rcu_assign_pointer(*slot, new);
	mutex_unlock(&r->key_lock);
	if (!old)
		return;
	INIT_RCU_WORK(&old->free_work, peer_free_work);
	queue_rcu_work(r->wq, &old->free_work);
}

/*
 * Publish a staged peer (from bft_peer_alloc()); caller holds r->lock.
 * The same key as before keeps its rotation.
 */
void bft_replica_put_peer(struct bft_replica *r, u32 id, struct bft_peer *p)
{
	peer_replace(r, &r->peers[id], p, true);
}

/*
 * The epoch switch's n (worker, r->lock): the peers at and above it
 * leave. Softirq reads n without a lock; the table has room for
 * BFT_MAX_REPLICAS either way, and a removed peer is freed a grace
 * period later, so a reader that saw the old n is still safe.
 */
void bft_replica_set_n(struct bft_replica *r, u32 n)
{
	u32 i;

	lockdep_assert_held(&r->lock);
	WRITE_ONCE(r->n, n);
	for (i = n; i < BFT_MAX_REPLICAS; i++)
		peer_replace(r, &r->peers[i], NULL, false);
}

/* A peer never published: no reader can hold it. */
void bft_peer_free(struct bft_peer *p)
{
	bft_peer_free_keys(p);
	kfree_sensitive(p);
}

int bft_replica_set_peer(struct bft_replica *r, u32 id, const u8 *key,
			 u8 key_id, bool keep, const union bft_sockaddr *ep)
{
	struct bft_peer *p = bft_peer_alloc(key, key_id);

	if (IS_ERR(p))
		return PTR_ERR(p);
	p->endpoint = *ep;
	mutex_lock(&r->lock);
	/* Under r->lock: an epoch switch may have just lowered n. */
	if (id >= r->n) {
		mutex_unlock(&r->lock);
		bft_peer_free(p);
		return -ERANGE;
	}
	peer_replace(r, &r->peers[id], p, keep);
	mutex_unlock(&r->lock);
	/* Only the worker arms the timer: without this a replica that
	 * receives nothing would never send its first FETCH(STABLE).
	 */
	queue_work(r->wq, &r->work);
	return 0;
}

int bft_replica_set_client(struct bft_replica *r, u32 id, const u8 *key,
			   u8 key_id)
{
	struct bft_peer *p = bft_client_alloc(key, key_id);

	if (IS_ERR(p))
		return PTR_ERR(p);
	mutex_lock(&r->lock);
	peer_replace(r, &r->clients[id], p, false);
	mutex_unlock(&r->lock);
	return 0;
}

void bft_replica_del_peer(struct bft_replica *r, struct bft_peer __rcu **slot)
{
	mutex_lock(&r->lock);
	peer_replace(r, slot, NULL, false);
	mutex_unlock(&r->lock);
}

static void replica_free(struct bft_replica *r)
{
	u32 i;

	/* Only reached once no softirq can see r: no grace period needed. */
	for (i = 0; i < BFT_MAX_REPLICAS; i++) {
		struct bft_peer *p = rcu_dereference_protected(r->peers[i], 1);

		if (p)
			bft_peer_free(p);
	}
	for (i = 0; r->clients && i < r->n_clients; i++) {
		struct bft_peer *p = rcu_dereference_protected(r->clients[i], 1);

		if (p)
			bft_peer_free(p);
	}
	bft_staging_free(r->staged);
	if (r->engine)
		bft_engine_destroy(r->engine);
	bft_seed_free(r);	/* an import the engine never took */
	bft_service_destroy(r);
	if (r->wq) {
		/* Replaced keys: their grace periods, then their frees. */
		rcu_barrier();
		destroy_workqueue(r->wq);
	}
	free_percpu(r->rx_stats);
	kvfree(r->client_ep);
	kvfree(r->clients);
	mem_cgroup_put(r->memcg);
	mutex_destroy(&r->key_lock);
	mutex_destroy(&r->lock);
	kfree(r);
}

struct bft_replica *bft_replica_create(struct bft_net *bn,
				       const struct bft_replica_params *p,
				       struct netlink_ext_ack *extack)
{
	struct bft_replica *r;
	int err = -ENOMEM;
	int cpu;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	/* The worker allocates snapshots on behalf of the creator. */
	r->memcg = get_mem_cgroup_from_mm(current->mm);
	r->bn = bn;
	r->gen = ++bn->replica_gen;
	strscpy(r->name, p->name, sizeof(r->name));
	r->id = p->id;
	r->n = p->n;
	r->max_n = p->max_n;
	r->n_clients = p->n_clients;
	r->listen = p->listen;
	mutex_init(&r->lock);
	mutex_init(&r->key_lock);
	r->rotated_ms = bft_now_ms();
	skb_queue_head_init(&r->rxq);
	INIT_WORK(&r->work, bft_worker);
	timer_setup(&r->timer, bft_timer_fn, 0);

	r->clients = kvcalloc(p->n_clients, sizeof(*r->clients), BFT_GFP_BIG);
	r->client_ep = kvcalloc(p->n_clients, sizeof(*r->client_ep),
				BFT_GFP_BIG);
	r->rx_stats = alloc_percpu_gfp(struct bft_rx_pcpu, GFP_KERNEL_ACCOUNT);
	if (!r->clients || !r->client_ep || !r->rx_stats)
		goto err;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(r->rx_stats, cpu)->syncp);
	r->wq = alloc_ordered_workqueue("bft-%s", 0, r->name);
	if (!r->wq)
		goto err;

	err = bft_service_create(r, p->kv_max_keys, p->kv_max_key,
				 p->kv_max_value);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot create the key-value service");
		goto err;
	}
	r->engine = bft_engine_create(&p->cfg, &bft_kernel_ops, r,
				      &bft_kv_service, r->kv, bft_now_ms(),
				      &err);
	if (!r->engine) {
		NL_SET_ERR_MSG(extack, "engine rejected the configuration");
		goto err;
	}
	/* A new host reports its creation config as staged (STAGED query). */
	if (p->config_digest) {
		err = -ENOMEM;
		r->staged = bft_staging_new(p->cfg.epoch, p->config_digest);
		if (!r->staged)
			goto err;
	}

	/* Last: from here on datagrams arrive. */
	err = bft_socket_open(bn->net, &p->listen, r, bft_udp_recv, &r->sock);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot bind the listen address");
		goto err;
	}
	return r;

err:
	/* Most likely the caller's memory cgroup limit: say so. */
	if (err == -ENOMEM)
		NL_SET_ERR_MSG(extack,
			       "out of memory for the replica's tables (memory cgroup limit?)");
	replica_free(r);
	return ERR_PTR(err);
}

/* Caller holds bn->lock and has unlinked r. Safe under full traffic. */
void bft_replica_destroy(struct bft_replica *r)
{
	/* No new datagrams for us, and none still in softirq. */
	rcu_assign_sk_user_data(r->sock->sk, NULL);
	synchronize_net();

	/* The worker re-arms the timer and the timer queues the worker. */
	mutex_lock(&r->lock);
	r->dying = true;
	mutex_unlock(&r->lock);
	del_timer_sync(&r->timer);
	cancel_work_sync(&r->work);
	del_timer_sync(&r->timer);

	/* Only now is nobody sending on the socket. */
	bft_socket_close(r->sock);
	skb_queue_purge(&r->rxq);
	replica_free(r);
}
