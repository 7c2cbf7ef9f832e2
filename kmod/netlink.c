// SPDX-License-Identifier: GPL-2.0
/*
 * The "bft" generic netlink family: the family around the policies and
 * command table that netlink_gen.c generates from the YNL spec, status,
 * and the event and ordered-log multicast groups.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include <linux/bft.h>
#include <linux/bft_kv.h>

#include "bft.h"
#include "netlink.h"
#include "replica.h"

/* Bumped whenever the datagram format in bft_wire.h changes. */
#define BFT_PROTO_VERSION	BFT_WIRE_VERSION

int bft_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct bft_net *bn = bft_pernet(net);
	struct sk_buff *msg;
	u32 nr_replicas;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &bft_genl_family, 0,
				BFT_CMD_GET_STATUS);
	if (!hdr)
		goto err_size;

	mutex_lock(&bn->lock);
	nr_replicas = bn->nr_replicas;
	mutex_unlock(&bn->lock);

	if (nla_put_string(msg, BFT_A_VERSION, BFT_MODULE_VERSION) ||
	    nla_put_u32(msg, BFT_A_PROTO_VERSION, BFT_PROTO_VERSION) ||
	    nla_put_u64_64bit(msg, BFT_A_NETNS_COOKIE, net->net_cookie,
			      BFT_A_PAD) ||
	    nla_put_u32(msg, BFT_A_NR_REPLICAS, nr_replicas))
		goto err_size;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_size:
	nlmsg_free(msg);
	NL_SET_ERR_MSG(info->extack, "reply does not fit in a message");
	return -EMSGSIZE;
}

#ifdef BFT_GENL_NO_SPLIT_OPS
/*
 * 6.1 has no split ops: merge the generated table's do and dump entries
 * of each command into one genl_ops (the table is sorted by command).
 */
static struct genl_ops bft_genl_ops[ARRAY_SIZE(bft_nl_ops)] __ro_after_init;

static void __init bft_genl_ops_init(struct genl_family *family)
{
	const struct genl_split_ops *s;
	struct genl_ops *o = NULL;

	for (s = bft_nl_ops; s < bft_nl_ops + ARRAY_SIZE(bft_nl_ops); s++) {
		if (!o || o->cmd != s->cmd) {
			o = o ? o + 1 : bft_genl_ops;
			o->cmd = s->cmd;
			o->flags = s->flags & ~(GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP);
		}
		if (s->flags & GENL_CMD_CAP_DO) {
			o->doit = s->doit;
		} else {
			o->start = s->start;
			o->dumpit = s->dumpit;
			o->done = s->done;
		}
		if (!o->policy) {
			o->policy = s->policy;
			o->maxattr = s->maxattr;
		}
	}
	family->ops = bft_genl_ops;
	family->n_ops = o - bft_genl_ops + 1;
}
#else
static void __init bft_genl_ops_init(struct genl_family *family)
{
}
#endif

/*
 * The ordered log carries replicated data: never build it open to every
 * user. Kernels without the flag (6.1 before the backport) are refused.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "bft.ko needs GENL_MCAST_CAP_NET_ADMIN to protect its multicast groups"
#endif

static const struct genl_multicast_group bft_genl_mcgrps[] = {
	[BFT_NLGRP_EVENTS] = { .name = BFT_MCGRP_EVENTS,
			       .flags = GENL_MCAST_CAP_NET_ADMIN },
	[BFT_NLGRP_LOG] = { .name = BFT_MCGRP_LOG,
			    .flags = GENL_MCAST_CAP_NET_ADMIN },
};

struct genl_family bft_genl_family __ro_after_init = {
	.name = BFT_GENL_NAME,
	.version = BFT_GENL_VERSION,
	.maxattr = BFT_A_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
#ifndef BFT_GENL_NO_SPLIT_OPS
	.split_ops = bft_nl_ops,
	.n_split_ops = ARRAY_SIZE(bft_nl_ops),
#endif
	.mcgrps = bft_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(bft_genl_mcgrps),
};

static const u32 bft_event_map[] = {
	[BFT_EV_VIEW_CHANGE] = BFT_EVENT_VIEW_CHANGE,
	[BFT_EV_NEW_VIEW] = BFT_EVENT_NEW_VIEW,
	[BFT_EV_CHECKPOINT] = BFT_EVENT_CHECKPOINT,
	[BFT_EV_STABLE] = BFT_EVENT_STABLE,
	[BFT_EV_EVIDENCE] = BFT_EVENT_EVIDENCE,
	[BFT_EV_XFER_START] = BFT_EVENT_XFER_START,
	[BFT_EV_XFER_DONE] = BFT_EVENT_XFER_DONE,
	[BFT_EV_VIEW_JUMP] = BFT_EVENT_VIEW_JUMP,
	[BFT_EV_SEED_REJECTED] = BFT_EVENT_SEED_REJECTED,
	[BFT_EV_EPOCH] = BFT_EVENT_EPOCH,
	[BFT_EV_LEFT] = BFT_EVENT_LEFT,
};

/* Starts a multicast message naming the replica, or NULL. */
static struct sk_buff *mc_new(struct bft_replica *r, u8 cmd, size_t size,
			      void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &bft_genl_family, 0, cmd);
	if (!*hdr || nla_put_string(msg, BFT_A_NAME, r->name) ||
	    nla_put_u32(msg, BFT_A_REPLICA_ID, r->id)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void bft_nl_event(void *ctx, const struct bft_event *ev)
{
	struct bft_replica *r = ctx;
	struct net *net = r->bn->net;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	if (ev->type >= ARRAY_SIZE(bft_event_map) ||
	    !genl_has_listeners(&bft_genl_family, net, BFT_NLGRP_EVENTS))
		return;
	msg = mc_new(r, BFT_CMD_EVENT, NLMSG_GOODSIZE, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, BFT_A_EVENT);
	if (!nest ||
	    nla_put_u32(msg, BFT_EVENT_A_TYPE, bft_event_map[ev->type]) ||
	    nla_put_u64_64bit(msg, BFT_EVENT_A_VIEW, ev->view,
			      BFT_EVENT_A_PAD) ||
	    nla_put_u64_64bit(msg, BFT_EVENT_A_SEQ, ev->seq, BFT_EVENT_A_PAD) ||
	    nla_put_u32(msg, BFT_EVENT_A_REPLICA, ev->replica) ||
	    nla_put_u32(msg, BFT_EVENT_A_KIND, ev->kind) ||
	    nla_put(msg, BFT_EVENT_A_DIGEST, BFT_DIGEST_LEN, ev->digest)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	r->glue.events++;
	genlmsg_multicast_netns(&bft_genl_family, net, msg, 0,
				BFT_NLGRP_EVENTS, GFP_KERNEL);
}

void bft_nl_log(void *ctx, u64 seq, u64 view, const void *batch, u32 len,
		u32 count)
{
	struct bft_replica *r = ctx;
	struct net *net = r->bn->net;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	/* Without a subscriber the log costs nothing. */
	if (!genl_has_listeners(&bft_genl_family, net, BFT_NLGRP_LOG))
		return;
	msg = mc_new(r, BFT_CMD_LOG, nla_total_size(len) + 256, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, BFT_A_LOG);
	if (!nest ||
	    nla_put_u64_64bit(msg, BFT_LOG_A_SEQ, seq, BFT_LOG_A_PAD) ||
	    nla_put_u64_64bit(msg, BFT_LOG_A_VIEW, view, BFT_LOG_A_PAD) ||
	    nla_put_u32(msg, BFT_LOG_A_COUNT, count) ||
	    nla_put(msg, BFT_LOG_A_BATCH, len, batch)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	r->glue.log_delivered++;
	genlmsg_multicast_netns(&bft_genl_family, net, msg, 0,
				BFT_NLGRP_LOG, GFP_KERNEL);
}

int __init bft_genl_init(void)
{
	bft_genl_ops_init(&bft_genl_family);
	return genl_register_family(&bft_genl_family);
}

void bft_genl_uninit(void)
{
	genl_unregister_family(&bft_genl_family);
}
