// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path, in softirq: strip the UDP header, authenticate, and hand
 * the datagram to the replica worker through a bounded queue. Anything
 * malformed, forged or in excess is counted by reason and dropped here,
 * so it never costs the single-threaded engine any time.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/timekeeping.h>
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

/* One update per datagram: its outcome, in this CPU's counters. */
static void rx_account(struct bft_replica *r, unsigned int bytes, int reason,
		       bool mac_ok, u64 t0)
{
	struct bft_rx_pcpu *s = this_cpu_ptr(r->rx_stats);

	u64_stats_update_begin(&s->syncp);
	/* Receive CPU per replica, for the benchmarks' CPU per request. */
	u64_stats_add(&s->rx_ns, ktime_get_ns() - t0);
	u64_stats_inc(&s->rx_packets);
	u64_stats_add(&s->rx_bytes, bytes);
	if (mac_ok)
		u64_stats_inc(&s->mac_verified);
	else if (reason == BFT_DROP_MAC || reason == BFT_DROP_AUTH)
		u64_stats_inc(&s->mac_failed);
	if (reason)
		u64_stats_inc(&s->drop[reason]);
	u64_stats_update_end(&s->syncp);
}

/* Leaves skb->data at the bft header and records the source address. */
static int rx_strip(struct sk_buff *skb)
{
	struct bft_rx_cb *cb = rx_cb(skb);
	struct udphdr *uh;
	unsigned int ulen;

	if (!pskb_may_pull(skb, sizeof(*uh)))
		return BFT_DROP_SHORT;
	uh = udp_hdr(skb);
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len)
		return BFT_DROP_SHORT;

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
		return BFT_DROP_NO_MEM;
	__skb_pull(skb, sizeof(*uh));
	return 0;
}

/*
 * Kind and size from the fixed header alone, before any allocation or
 * MAC: a spoofed 64 KB "PREPARE" costs neither a linearize nor an HMAC.
 * The limits are the engine's, fixed at create.
 */
static int rx_screen(struct bft_replica *r, struct sk_buff *skb)
{
	u8 buf[BFT_HDR_LEN];
	const u8 *hdr;
	int reason;

	hdr = skb_header_pointer(skb, 0, BFT_HDR_LEN, buf);
	if (!hdr)
		return BFT_DROP_SHORT;
	reason = bft_wire_screen(hdr, skb->len, bft_engine_limits(r->engine));
	if (reason)
		return reason;
	/* The engine parses flat buffers; what passed is bounded. */
	return skb_linearize(skb) ? BFT_DROP_NO_MEM : 0;
}

/* Key rotation: a replica seen using its next key, or one we lack. */
static void rx_key(struct bft_replica *r, struct sk_buff *skb, int reason)
{
	const u8 *h = skb->data;
	struct bft_peer *p;

	if (reason && reason != BFT_DROP_KEY_ID)
		return;
	if (bft_wget8(h, bft_hdr, principal) != BFT_PRINCIPAL_REPLICA)
		return;
	rcu_read_lock();
	p = bft_peer_of(r, BFT_PRINCIPAL_REPLICA,
			bft_wget32(h, bft_hdr, sender));
	if (p)
		bft_peer_rx(r, p, bft_wget8(h, bft_hdr, key_id), reason);
	rcu_read_unlock();
}

int bft_udp_recv(struct sock *sk, struct sk_buff *skb)
{
	struct bft_replica *r = rcu_dereference_sk_user_data(sk);
	u64 t0 = ktime_get_ns();
	unsigned int bytes = 0;
	int reason;

	if (unlikely(!r))
		goto free;
	reason = rx_strip(skb);
	if (!reason) {
		bytes = skb->len;
		reason = rx_screen(r, skb);
	}
	if (!reason) {
		/* A removed replica (id >= the new n) is BFT_DROP_SENDER. */
		reason = bft_wire_verify(skb->data, skb->len, r->id,
					 READ_ONCE(r->n), bft_mac_lookup, r);
		rx_key(r, skb, reason);
	}
	if (reason) {
		rx_account(r, bytes, reason, false, t0);
		goto free;
	}

	if (skb_queue_len(&r->rxq) >= BFT_RXQ_MAX_PACKETS ||
	    atomic_read(&r->rxq_bytes) + skb->truesize > BFT_RXQ_MAX_BYTES) {
		rx_account(r, bytes, BFT_DROP_QUEUE_FULL, true, t0);
		goto free;
	}
	rx_account(r, bytes, 0, true, t0);
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
	struct bft_rx_stats one;
	unsigned int start;
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct bft_rx_pcpu *s = per_cpu_ptr(r->rx_stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < __BFT_DROP_MAX; i++)
				one.drop[i] = u64_stats_read(&s->drop[i]);
			one.mac_verified = u64_stats_read(&s->mac_verified);
			one.mac_failed = u64_stats_read(&s->mac_failed);
			one.rx_packets = u64_stats_read(&s->rx_packets);
			one.rx_bytes = u64_stats_read(&s->rx_bytes);
			one.rx_ns = u64_stats_read(&s->rx_ns);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < __BFT_DROP_MAX; i++)
			sum->drop[i] += one.drop[i];
		sum->mac_verified += one.mac_verified;
		sum->mac_failed += one.mac_failed;
		sum->rx_packets += one.rx_packets;
		sum->rx_bytes += one.rx_bytes;
		sum->rx_ns += one.rx_ns;
	}
}
