// SPDX-License-Identifier: GPL-2.0
/*
 * The "bft" generic netlink family: policies, commands, multicast groups.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include <linux/bft.h>

#include "bft.h"
#include "netlink.h"

/* Bumped whenever the datagram format in bft_wire.h changes. */
#define BFT_PROTO_VERSION	1

static const struct nla_policy bft_status_policy[BFT_A_MAX + 1] = {
	[BFT_A_STATUS_FLAGS] = NLA_POLICY_MASK(NLA_U32, BFT_STATUS_F_ALL),
};

static struct genl_family bft_genl_family;

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

static const struct genl_ops bft_genl_ops[] = {
	{
		.cmd = BFT_CMD_GET_STATUS,
		.doit = bft_nl_get_status,
		.policy = bft_status_policy,
		.maxattr = BFT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group bft_genl_mcgrps[] = {
#ifdef GENL_MCAST_CAP_NET_ADMIN
	/* The ordered log carries replicated data: not for everyone. */
	{ .name = BFT_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
	{ .name = BFT_MCGRP_LOG, .flags = GENL_MCAST_CAP_NET_ADMIN },
#else
	{ .name = BFT_MCGRP_EVENTS },
	{ .name = BFT_MCGRP_LOG },
#endif
};

static struct genl_family bft_genl_family __ro_after_init = {
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

int __init bft_genl_init(void)
{
	return genl_register_family(&bft_genl_family);
}

void bft_genl_uninit(void)
{
	genl_unregister_family(&bft_genl_family);
}
