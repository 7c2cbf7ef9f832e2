// SPDX-License-Identifier: GPL-2.0
/*
 * Counters as self-describing (name, value) netlink pairs, so tools and
 * tests need no table of their own and new counters need no new uapi.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>

#include <linux/bft.h>

#include "engine/names.h"
#include "netlink.h"
#include "replica.h"

static int put_ctr(struct sk_buff *msg, const char *name, u64 val)
{
	struct nlattr *nest = nla_nest_start(msg, BFT_A_COUNTER);

	if (!nest || nla_put_string(msg, BFT_COUNTER_A_NAME, name) ||
	    nla_put_u64_64bit(msg, BFT_COUNTER_A_VALUE, val,
			      BFT_COUNTER_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_ctr2(struct sk_buff *msg, const char *pfx, const char *name,
		    u64 val)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%s_%s", pfx, name);
	return put_ctr(msg, buf, val);
}

static int put_engine(struct sk_buff *msg, const struct bft_counters *c)
{
	int i;

	for (i = BFT_MSG_REQUEST; i < __BFT_MSG_MAX; i++)
		if (put_ctr2(msg, "tx", bft_msg_name(i), c->sent[i]) ||
		    put_ctr2(msg, "rx", bft_msg_name(i), c->recv[i]) ||
		    put_ctr2(msg, "drop", bft_msg_name(i), c->dropped[i]))
			return -EMSGSIZE;
	return put_ctr(msg, "mac_computed", c->mac_computed) ||
	       put_ctr(msg, "mac_verified", c->mac_verified) ||
	       put_ctr(msg, "mac_failed", c->mac_failed) ||
	       put_ctr(msg, "batches", c->batches) ||
	       put_ctr(msg, "batches_executed", c->batches_executed) ||
	       put_ctr(msg, "requests_executed", c->requests_executed) ||
	       put_ctr(msg, "readonly_executed", c->readonly_executed) ||
	       put_ctr(msg, "null_executed", c->null_executed) ||
	       put_ctr(msg, "tentative_executed", c->tentative_executed) ||
	       put_ctr(msg, "tentative_rollbacks", c->tentative_rollbacks) ||
	       put_ctr(msg, "replies_resent", c->replies_resent) ||
	       put_ctr(msg, "relays_saved", c->relays_saved) ||
	       put_ctr(msg, "view_changes", c->view_changes) ||
	       put_ctr(msg, "expect_late", c->expect_late) ||
	       put_ctr(msg, "expect_rate", c->expect_rate) ||
	       put_ctr(msg, "new_views", c->new_views) ||
	       put_ctr(msg, "checkpoints", c->checkpoints) ||
	       put_ctr(msg, "stable_checkpoints", c->stable_checkpoints) ||
	       put_ctr(msg, "state_transfers", c->state_transfers) ||
	       put_ctr(msg, "xfer_failures", c->xfer_failures) ||
	       put_ctr(msg, "xfer_bad_peers", c->xfer_bad_peers) ||
	       put_ctr(msg, "batch_fetches", c->batch_fetches) ||
	       put_ctr(msg, "xfer_local", c->xfer_local) ||
	       put_ctr(msg, "seed_rejected", c->seed_rejected) ||
	       put_ctr(msg, "seed_stale", c->seed_stale) ||
	       put_ctr(msg, "stable_queries", c->stable_queries) ||
	       put_ctr(msg, "staged_queries", c->staged_queries) ||
	       put_ctr(msg, "retx_requests", c->retx_requests) ||
	       put_ctr(msg, "retx_sent", c->retx_sent) ||
	       put_ctr(msg, "vc_fetch_requests", c->vc_fetch_requests) ||
	       put_ctr(msg, "vc_relayed", c->vc_relayed) ||
	       put_ctr(msg, "vc_fetched", c->vc_fetched) ||
	       put_ctr(msg, "evidence", c->evidence) ||
	       put_ctr(msg, "clients_throttled", c->clients_throttled) ?
	       -EMSGSIZE : 0;
}

/* Caller holds r->lock. */
int bft_nl_put_counters(struct sk_buff *msg, struct bft_replica *r)
{
	const struct bft_counters *c = bft_engine_counters(r->engine);
	struct bft_rx_stats rx;
	struct nlattr *nest;
	int i;

	bft_rx_stats_sum(r, &rx);
	nest = nla_nest_start(msg, BFT_A_COUNTERS);
	if (!nest || put_engine(msg, c))
		return -EMSGSIZE;
	/* Drops by reason: the engine's plus those of the receive path. */
	for (i = BFT_DROP_SHORT; i < __BFT_DROP_MAX; i++)
		if (put_ctr2(msg, "drop_reason", bft_drop_name(i),
			     c->drop_reason[i] + rx.drop[i]))
			return -EMSGSIZE;
	if (put_ctr(msg, "rx_packets", rx.rx_packets) ||
	    put_ctr(msg, "rx_bytes", rx.rx_bytes) ||
	    put_ctr(msg, "rx_ns", rx.rx_ns) ||
	    put_ctr(msg, "worker_ns", r->glue.worker_ns) ||
	    put_ctr(msg, "rx_mac_ok", rx.mac_verified) ||
	    put_ctr(msg, "rx_mac_failed", rx.mac_failed) ||
	    put_ctr(msg, "rxq_len", skb_queue_len(&r->rxq)) ||
	    put_ctr(msg, "tx_errors", r->glue.tx_errors) ||
	    put_ctr(msg, "tx_no_endpoint", r->glue.tx_no_endpoint) ||
	    put_ctr(msg, "log_delivered", r->glue.log_delivered) ||
	    put_ctr(msg, "events", r->glue.events) ||
	    put_ctr(msg, "reconfig_installed", r->glue.reconfig_installed) ||
	    put_ctr(msg, "reconfig_unstaged", r->glue.reconfig_unstaged))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int bft_nl_put_peer_counters(struct sk_buff *msg,
			     const struct bft_peer_counters *pc)
{
	struct nlattr *nest = nla_nest_start(msg, BFT_PEER_A_COUNTERS);

	if (!nest || put_ctr(msg, "tx", pc->sent) ||
	    put_ctr(msg, "rx", pc->recv) ||
	    put_ctr(msg, "dropped", pc->dropped) ||
	    put_ctr(msg, "mac_failed", pc->mac_failed) ||
	    put_ctr(msg, "evidence", pc->evidence))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}
