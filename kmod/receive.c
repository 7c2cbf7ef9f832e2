// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path, in softirq: strip the UDP header, authenticate, and hand
 * the datagram to the replica worker through a bounded queue. Anything
 * malformed, forged or in excess is counted by reason and dropped here,
 * so it never costs the single-threaded engine any time.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/udp.h>

#include "replica.h"

struct bft_rx_cb {
	union bft_sockaddr src;
};

static inline struct bft_rx_cb *rx_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct bft_rx_cb) > sizeof(skb->cb));
	return (struct bft_rx_cb *)skb->cb;
}

const union bft_sockaddr *bft_rx_source(struct sk_buff *skb)
{
	return &rx_cb(skb)->src;
}

static void rx_drop(struct bft_replica *r, int reason)
{
	this_cpu_inc(r->rx_stats->drop[reason]);
}

/* Leaves skb->data at the bft header and records the source address. */
static int rx_prepare(struct sk_buff *skb)
{
	struct bft_rx_cb *cb = rx_cb(skb);
	struct udphdr *uh;
	unsigned int ulen;

	if (!pskb_may_pull(skb, sizeof(*uh)))
		return -EINVAL;
	uh = udp_hdr(skb);
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len)
		return -EINVAL;

	memset(cb, 0, sizeof(*cb));
	if (ip_hdr(skb)->version == 4) {
		cb->src.sin.sin_family = AF_INET;
		cb->src.sin.sin_addr.s_addr = ip_hdr(skb)->saddr;
		cb->src.sin.sin_port = uh->source;
	} else {
		cb->src.sin6.sin6_family = AF_INET6;
		cb->src.sin6.sin6_addr = ipv6_hdr(skb)->saddr;
		cb->src.sin6.sin6_port = uh->source;
	}

	if (pskb_trim(skb, ulen))
		return -ENOMEM;
	__skb_pull(skb, sizeof(*uh));
	/* The engine parses flat buffers; our datagrams are small. */
	return skb_linearize(skb);
}

int bft_udp_recv(struct sock *sk, struct sk_buff *skb)
{
	struct bft_replica *r = rcu_dereference_sk_user_data(sk);
	int reason;

	if (unlikely(!r))
		goto free;
	this_cpu_inc(r->rx_stats->rx_packets);
	if (rx_prepare(skb)) {
		rx_drop(r, BFT_DROP_SHORT);
		goto free;
	}
	this_cpu_add(r->rx_stats->rx_bytes, skb->len);

	reason = bft_wire_verify(skb->data, skb->len, r->id, r->n,
				 bft_mac_lookup, r);
	if (reason) {
		if (reason == BFT_DROP_MAC || reason == BFT_DROP_AUTH)
			this_cpu_inc(r->rx_stats->mac_failed);
		rx_drop(r, reason);
		goto free;
	}
	this_cpu_inc(r->rx_stats->mac_verified);

	if (skb_queue_len(&r->rxq) >= BFT_RXQ_MAX_PACKETS ||
	    atomic_read(&r->rxq_bytes) + skb->truesize > BFT_RXQ_MAX_BYTES) {
		rx_drop(r, BFT_DROP_QUEUE_FULL);
		goto free;
	}
	/* Queued skbs must not pin routes or conntrack of a dying netns. */
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	atomic_add(skb->truesize, &r->rxq_bytes);
	skb_queue_tail(&r->rxq, skb);
	queue_work(r->wq, &r->work);
	return 0;

free:
	kfree_skb(skb);
	return 0;
}

void bft_rx_stats_sum(struct bft_replica *r, struct bft_rx_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct bft_rx_stats *s = per_cpu_ptr(r->rx_stats, cpu);

		for (i = 0; i < __BFT_DROP_MAX; i++)
			sum->drop[i] += READ_ONCE(s->drop[i]);
		sum->mac_verified += READ_ONCE(s->mac_verified);
		sum->mac_failed += READ_ONCE(s->mac_failed);
		sum->rx_packets += READ_ONCE(s->rx_packets);
		sum->rx_bytes += READ_ONCE(s->rx_bytes);
	}
}
