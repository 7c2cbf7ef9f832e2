// SPDX-License-Identifier: GPL-2.0
/*
 * The "bft" generic netlink family: policies, the command table, status,
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

/* 6.1 wants a writable range; it is never written after init. */
static struct netlink_range_validation bft_ms_range __ro_after_init = {
	.min = 10, .max = 3600000,
};

static struct netlink_range_validation bft_bytes_range __ro_after_init = {
	.min = 64, .max = BFT_WIRE_MAX_DGRAM,
};

const struct nla_policy bft_policy_policy[BFT_POLICY_A_MAX + 1] = {
	[BFT_POLICY_A_BATCH_SIZE] = NLA_POLICY_RANGE(NLA_U32, 1, 1024),
	[BFT_POLICY_A_BATCH_BYTES] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &bft_bytes_range),
	[BFT_POLICY_A_BATCH_DELAY_MS] = NLA_POLICY_MAX(NLA_U32, 10000),
	[BFT_POLICY_A_WINDOW] = NLA_POLICY_RANGE(NLA_U32, 1, BFT_MAX_LOG),
	[BFT_POLICY_A_CKPT_INTERVAL] = NLA_POLICY_RANGE(NLA_U32, 1,
							BFT_MAX_LOG / 2),
	[BFT_POLICY_A_LOG_SIZE] = NLA_POLICY_RANGE(NLA_U32, 2, BFT_MAX_LOG),
	[BFT_POLICY_A_VC_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							     &bft_ms_range),
	[BFT_POLICY_A_VC_TIMEOUT_MAX_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
								 &bft_ms_range),
	[BFT_POLICY_A_VC_BACKOFF] = NLA_POLICY_RANGE(NLA_U32, 1, 16),
};

const struct nla_policy bft_peer_policy[BFT_PEER_A_MAX + 1] = {
	[BFT_PEER_A_ID] = NLA_POLICY_MAX(NLA_U32, BFT_MAX_REPLICAS - 1),
	[BFT_PEER_A_ENDPOINT] = NLA_POLICY_MIN_LEN(sizeof(struct sockaddr_in)),
	[BFT_PEER_A_KEY] = NLA_POLICY_EXACT_LEN(BFT_MAC_KEY_LEN),
	[BFT_PEER_A_KEY_ID] = { .type = NLA_U8 },
	[BFT_PEER_A_COUNTERS] = { .type = NLA_REJECT },
};

const struct nla_policy bft_client_policy[BFT_CLIENT_A_MAX + 1] = {
	[BFT_CLIENT_A_ID] = NLA_POLICY_MAX(NLA_U32, BFT_NL_MAX_CLIENTS - 1),
	[BFT_CLIENT_A_KEY] = NLA_POLICY_EXACT_LEN(BFT_MAC_KEY_LEN),
	[BFT_CLIENT_A_KEY_ID] = { .type = NLA_U8 },
};

const struct nla_policy bft_service_policy[BFT_SERVICE_A_MAX + 1] = {
	[BFT_SERVICE_A_MAX_KEYS] = NLA_POLICY_RANGE(NLA_U32, 1, 16384),
	[BFT_SERVICE_A_MAX_KEY_LEN] = NLA_POLICY_RANGE(NLA_U32, 1, 1024),
	[BFT_SERVICE_A_MAX_VALUE_LEN] = NLA_POLICY_MAX(NLA_U32, BFT_KV_VALUE_MAX),
};

static const struct nla_policy bft_status_policy[BFT_A_MAX + 1] = {
	[BFT_A_STATUS_FLAGS] = NLA_POLICY_MASK(NLA_U32, BFT_STATUS_F_ALL),
};

static const struct nla_policy bft_replica_policy[BFT_A_MAX + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = BFT_NAME_MAX - 1 },
	[BFT_A_REPLICA_ID] = NLA_POLICY_MAX(NLA_U32, BFT_MAX_REPLICAS - 1),
	[BFT_A_N] = NLA_POLICY_RANGE(NLA_U32, 4, BFT_MAX_REPLICAS),
	[BFT_A_N_CLIENTS] = NLA_POLICY_RANGE(NLA_U32, 1, BFT_NL_MAX_CLIENTS),
	[BFT_A_LISTEN] = NLA_POLICY_MIN_LEN(sizeof(struct sockaddr_in)),
	[BFT_A_POLICY] = NLA_POLICY_NESTED(bft_policy_policy),
	[BFT_A_PEER] = NLA_POLICY_NESTED(bft_peer_policy),
	[BFT_A_CLIENT] = NLA_POLICY_NESTED(bft_client_policy),
	[BFT_A_SERVICE] = NLA_POLICY_NESTED(bft_service_policy),
	[BFT_A_REPLACE] = { .type = NLA_FLAG },
};

static int bft_nl_get_status(struct sk_buff *skb, struct genl_info *info)
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

#define BFT_OP(_cmd, _doit, _pol) {					\
	.cmd = (_cmd),							\
	.doit = (_doit),						\
	.policy = (_pol),						\
	.maxattr = BFT_A_MAX,						\
	.flags = GENL_UNS_ADMIN_PERM,					\
}

static const struct genl_ops bft_genl_ops[] = {
	BFT_OP(BFT_CMD_GET_STATUS, bft_nl_get_status, bft_status_policy),
	BFT_OP(BFT_CMD_REPLICA_NEW, bft_nl_replica_new, bft_replica_policy),
	BFT_OP(BFT_CMD_REPLICA_DEL, bft_nl_replica_del, bft_replica_policy),
	BFT_OP(BFT_CMD_REPLICA_SET, bft_nl_replica_set, bft_replica_policy),
	{
		.cmd = BFT_CMD_REPLICA_GET,
		.doit = bft_nl_replica_get,
		.dumpit = bft_nl_replica_dump,
		.policy = bft_replica_policy,
		.maxattr = BFT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	BFT_OP(BFT_CMD_PEER_NEW, bft_nl_peer_new, bft_replica_policy),
	BFT_OP(BFT_CMD_PEER_DEL, bft_nl_peer_del, bft_replica_policy),
	BFT_OP(BFT_CMD_CLIENT_NEW, bft_nl_client_new, bft_replica_policy),
	BFT_OP(BFT_CMD_CLIENT_DEL, bft_nl_client_del, bft_replica_policy),
	BFT_OP(BFT_CMD_VIEW_CHANGE, bft_nl_view_change, bft_replica_policy),
	{
		.cmd = BFT_CMD_CHECKPOINT_GET,
		.start = bft_nl_ckpt_start,
		.dumpit = bft_nl_ckpt_dump,
		.done = bft_nl_ckpt_done,
		.policy = bft_ckpt_cmd_policy,
		.maxattr = BFT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	BFT_OP(BFT_CMD_CHECKPOINT_PUT, bft_nl_ckpt_put, bft_ckpt_cmd_policy),
};

/*
 * The ordered log carries replicated data: never build it open to every
 * user. Kernels without the flag (6.1 before the backport) are refused.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "bft.ko needs GENL_MCAST_CAP_NET_ADMIN to protect its multicast groups"
#endif

static const struct genl_multicast_group bft_genl_mcgrps[] = {
	[BFT_MCGRP_ID_EVENTS] = { .name = BFT_MCGRP_EVENTS,
				  .flags = GENL_MCAST_CAP_NET_ADMIN },
	[BFT_MCGRP_ID_LOG] = { .name = BFT_MCGRP_LOG,
			       .flags = GENL_MCAST_CAP_NET_ADMIN },
};

struct genl_family bft_genl_family __ro_after_init = {
	.name = BFT_GENL_NAME,
	.version = BFT_GENL_VERSION,
	.maxattr = BFT_A_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = bft_genl_ops,
	.n_ops = ARRAY_SIZE(bft_genl_ops),
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
	    !genl_has_listeners(&bft_genl_family, net, BFT_MCGRP_ID_EVENTS))
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
				BFT_MCGRP_ID_EVENTS, GFP_KERNEL);
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
	if (!genl_has_listeners(&bft_genl_family, net, BFT_MCGRP_ID_LOG))
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
				BFT_MCGRP_ID_LOG, GFP_KERNEL);
}

int __init bft_genl_init(void)
{
	return genl_register_family(&bft_genl_family);
}

void bft_genl_uninit(void)
{
	genl_unregister_family(&bft_genl_family);
}
