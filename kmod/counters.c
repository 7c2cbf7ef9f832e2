// SPDX-License-Identifier: GPL-2.0
/*
 * Counters as self-describing (name, value) netlink pairs, so tools and
 * tests need no table of their own and new counters need no new uapi.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>

#include <linux/bft.h>

#include "netlink.h"
#include "replica.h"

static const char * const msg_names[__BFT_MSG_MAX] = {
	[BFT_MSG_UNSPEC] = "unspec",
	[BFT_MSG_REQUEST] = "request",
	[BFT_MSG_PRE_PREPARE] = "preprepare",
	[BFT_MSG_PREPARE] = "prepare",
	[BFT_MSG_COMMIT] = "commit",
	[BFT_MSG_REPLY] = "reply",
	[BFT_MSG_CHECKPOINT] = "checkpoint",
	[BFT_MSG_VIEW_CHANGE] = "view_change",
	[BFT_MSG_NEW_VIEW] = "new_view",
	[BFT_MSG_FETCH] = "fetch",
	[BFT_MSG_DATA] = "data",
	[BFT_MSG_VC_ACK] = "vc_ack",
};

static const char * const drop_names[__BFT_DROP_MAX] = {
	[BFT_DROP_NONE] = "none",
	[BFT_DROP_SHORT] = "short",
	[BFT_DROP_MAGIC] = "magic",
	[BFT_DROP_VERSION] = "version",
	[BFT_DROP_KIND] = "kind",
	[BFT_DROP_LEN] = "len",
	[BFT_DROP_TOO_LONG] = "too_long",
	[BFT_DROP_PRINCIPAL] = "principal",
	[BFT_DROP_SENDER] = "sender",
	[BFT_DROP_RESERVED] = "reserved",
	[BFT_DROP_NO_KEY] = "no_key",
	[BFT_DROP_MAC] = "mac",
	[BFT_DROP_AUTH] = "auth",
	[BFT_DROP_NAUTH] = "nauth",
	[BFT_DROP_OP_LEN] = "op_len",
	[BFT_DROP_BATCH_COUNT] = "batch_count",
	[BFT_DROP_BATCH_BYTES] = "batch_bytes",
	[BFT_DROP_DIGEST] = "digest",
	[BFT_DROP_INNER] = "inner",
	[BFT_DROP_VC_FORMAT] = "vc_format",
	[BFT_DROP_VIEW] = "view",
	[BFT_DROP_WINDOW] = "window",
	[BFT_DROP_NOT_PRIMARY] = "not_primary",
	[BFT_DROP_DUPLICATE] = "duplicate",
	[BFT_DROP_STALE] = "stale",
	[BFT_DROP_CONFLICT] = "conflict",
	[BFT_DROP_BUSY] = "busy",
	[BFT_DROP_NV_INVALID] = "nv_invalid",
	[BFT_DROP_XFER] = "xfer",
	[BFT_DROP_STATE] = "state",
	[BFT_DROP_QUEUE_FULL] = "queue_full",
	[BFT_DROP_NO_MEM] = "no_mem",
};

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

	BUILD_BUG_ON(ARRAY_SIZE(msg_names) != __BFT_MSG_MAX);
	BUILD_BUG_ON(ARRAY_SIZE(drop_names) != __BFT_DROP_MAX);
	for (i = BFT_MSG_REQUEST; i < __BFT_MSG_MAX; i++)
		if (put_ctr2(msg, "tx", msg_names[i], c->sent[i]) ||
		    put_ctr2(msg, "rx", msg_names[i], c->recv[i]) ||
		    put_ctr2(msg, "drop", msg_names[i], c->dropped[i]))
			return -EMSGSIZE;
	return put_ctr(msg, "mac_computed", c->mac_computed) ||
	       put_ctr(msg, "mac_verified", c->mac_verified) ||
	       put_ctr(msg, "mac_failed", c->mac_failed) ||
	       put_ctr(msg, "batches", c->batches) ||
	       put_ctr(msg, "batches_executed", c->batches_executed) ||
	       put_ctr(msg, "requests_executed", c->requests_executed) ||
	       put_ctr(msg, "readonly_executed", c->readonly_executed) ||
	       put_ctr(msg, "null_executed", c->null_executed) ||
	       put_ctr(msg, "replies_resent", c->replies_resent) ||
	       put_ctr(msg, "view_changes", c->view_changes) ||
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
	       put_ctr(msg, "retx_requests", c->retx_requests) ||
	       put_ctr(msg, "retx_sent", c->retx_sent) ||
	       put_ctr(msg, "vc_fetch_requests", c->vc_fetch_requests) ||
	       put_ctr(msg, "vc_relayed", c->vc_relayed) ||
	       put_ctr(msg, "vc_fetched", c->vc_fetched) ||
	       put_ctr(msg, "evidence", c->evidence) ? -EMSGSIZE : 0;
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
		if (put_ctr2(msg, "drop_reason", drop_names[i],
			     c->drop_reason[i] + rx.drop[i]))
			return -EMSGSIZE;
	if (put_ctr(msg, "rx_packets", rx.rx_packets) ||
	    put_ctr(msg, "rx_bytes", rx.rx_bytes) ||
	    put_ctr(msg, "rx_mac_ok", rx.mac_verified) ||
	    put_ctr(msg, "rx_mac_failed", rx.mac_failed) ||
	    put_ctr(msg, "rxq_len", skb_queue_len(&r->rxq)) ||
	    put_ctr(msg, "tx_errors", r->glue.tx_errors) ||
	    put_ctr(msg, "tx_no_endpoint", r->glue.tx_no_endpoint) ||
	    put_ctr(msg, "log_delivered", r->glue.log_delivered) ||
	    put_ctr(msg, "events", r->glue.events))
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
