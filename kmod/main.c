// SPDX-License-Identifier: GPL-2.0
/*
 * bft: PBFT Byzantine fault tolerant replication over kernel UDP sockets.
 *
 * Module entry points and the per network namespace state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>

#include "bft.h"
#include "netlink.h"
#include "replica.h"

static unsigned int bft_net_id __read_mostly;

/* Every namespace's owner may create replicas: this bounds each one. */
static unsigned int max_replicas = BFT_DEFAULT_MAX_REPLICAS;
module_param(max_replicas, uint, 0644);
MODULE_PARM_DESC(max_replicas, "most replicas in one network namespace");

unsigned int bft_max_replicas(void)
{
	return READ_ONCE(max_replicas);
}

struct bft_net *bft_pernet(const struct net *net)
{
	return net_generic(net, bft_net_id);
}

static int __net_init bft_net_init(struct net *net)
{
	struct bft_net *bn = bft_pernet(net);

	bn->net = net;
	mutex_init(&bn->lock);
	INIT_LIST_HEAD(&bn->replicas);
	return 0;
}

static void __net_exit bft_net_exit(struct net *net)
{
	struct bft_net *bn = bft_pernet(net);
	struct bft_replica *r, *tmp;

	/* Namespace teardown and rmmod both end every replica here. */
	mutex_lock(&bn->lock);
	list_for_each_entry_safe(r, tmp, &bn->replicas, node) {
		list_del(&r->node);
		bft_replica_destroy(r);
	}
	bn->nr_replicas = 0;
	mutex_unlock(&bn->lock);
	mutex_destroy(&bn->lock);
}

static struct pernet_operations bft_net_ops = {
	.init = bft_net_init,
	.exit = bft_net_exit,
	.id = &bft_net_id,
	.size = sizeof(struct bft_net),
};

static int __init bft_init(void)
{
	int ret;

	ret = register_pernet_subsys(&bft_net_ops);
	if (ret)
		return ret;

	ret = bft_genl_init();
	if (ret)
		goto err_pernet;

	pr_info("PBFT replication, version " BFT_MODULE_VERSION "\n");
	return 0;

err_pernet:
	unregister_pernet_subsys(&bft_net_ops);
	return ret;
}

static void __exit bft_exit(void)
{
	/* Netlink first, so no new configuration races the netns teardown. */
	bft_genl_uninit();
	unregister_pernet_subsys(&bft_net_ops);
}

module_init(bft_init);
module_exit(bft_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PBFT Byzantine fault tolerant replication");
MODULE_VERSION(BFT_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY("bft");
