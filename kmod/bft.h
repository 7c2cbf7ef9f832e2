/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bft.ko internal definitions shared by the kernel glue.
 */
#ifndef _BFT_BFT_H
#define _BFT_BFT_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <net/net_namespace.h>

#define BFT_MODULE_VERSION	"0.1.0"

/* Per network namespace state: every replica instance lives in one. */
struct bft_net {
	struct net *net;
	/* Serialises configuration changes in this netns. */
	struct mutex lock;
	struct list_head replicas;
	u32 nr_replicas;
};

struct bft_net *bft_pernet(const struct net *net);

#endif /* _BFT_BFT_H */
