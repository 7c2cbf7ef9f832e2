// SPDX-License-Identifier: GPL-2.0
/*
 * The replica worker: the only context that runs the engine. It drains the
 * receive queue in bounded rounds, drives engine time, and keeps a single
 * timer armed for the engine's next deadline.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched/mm.h>
#include <linux/timekeeping.h>

#include "replica.h"

u64 bft_now_ms(void)
{
	return ktime_get_ns() / NSEC_PER_MSEC;
}

/* Caller holds r->lock. */
static void arm_timer(struct bft_replica *r, u64 now)
{
	u64 deadline = bft_engine_next_deadline(r->engine);
	unsigned long delay;

	if (deadline == BFT_NO_DEADLINE || r->dying)
		return;
	delay = deadline > now ? msecs_to_jiffies(deadline - now) : 0;
	mod_timer(&r->timer, jiffies + max(delay, 1UL));
}

/* True if @a is the endpoint of one of our peers. */
static bool from_replica(struct bft_replica *r, const union bft_sockaddr *a)
{
	struct bft_peer *p;
	bool found = false;
	u32 i;

	rcu_read_lock();
	for (i = 0; i < r->n && !found; i++) {
		p = rcu_dereference(r->peers[i]);
		found = p && bft_sockaddr_equal(&p->endpoint, a);
	}
	rcu_read_unlock();
	return found;
}

/*
 * ops->client_fresh: the engine accepted a new timestamp from @client, so
 * the datagram is no replay. A copy a backup relayed says nothing about
 * where the client is.
 */
bool bft_client_fresh(void *ctx, u32 client)
{
	struct bft_replica *r = ctx;
	const union bft_sockaddr *src = r->rx_src;

	if (!src || client >= r->n_clients || from_replica(r, src))
		return false;
	r->client_ep[client] = *src;
	return true;
}

void bft_worker(struct work_struct *work)
{
	struct bft_replica *r = container_of(work, struct bft_replica, work);
	struct mem_cgroup *old_memcg;
	struct sk_buff *skb;
	int budget = BFT_WORK_BUDGET;
	u64 now, t0;

	mutex_lock(&r->lock);
	t0 = ktime_get_ns();
	/* Snapshots and state transfer allocate: the creator pays. */
	old_memcg = set_active_memcg(r->memcg);
	if (r->dying)
		goto out;
	bft_keys_work(r);
	now = bft_now_ms();
	bft_engine_tick(r->engine, now);
	while (budget-- && (skb = skb_dequeue(&r->rxq))) {
		atomic_sub(skb->truesize, &r->rxq_bytes);
		r->rx_src = bft_rx_source(skb);
		bft_engine_receive(r->engine, skb->data, skb->len,
				   BFT_RX_VERIFIED);
		r->rx_src = NULL;
		consume_skb(skb);
	}
	/* Flushes batches and fires timeouts that input made due. */
	now = bft_now_ms();
	bft_engine_tick(r->engine, now);
	arm_timer(r, now);
	if (!skb_queue_empty(&r->rxq))
		queue_work(r->wq, &r->work);
	r->glue.worker_ns += ktime_get_ns() - t0;
out:
	set_active_memcg(old_memcg);
	mutex_unlock(&r->lock);
}

void bft_timer_fn(struct timer_list *t)
{
	struct bft_replica *r = from_timer(r, t, timer);

	queue_work(r->wq, &r->work);
}
