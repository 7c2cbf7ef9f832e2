/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bft.ko internal definitions shared by the kernel glue.
 */
#ifndef _BFT_BFT_H
#define _BFT_BFT_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <net/net_namespace.h>

#define BFT_MODULE_VERSION	"0.1.0"

/* Default of the max_replicas module parameter. */
#define BFT_DEFAULT_MAX_REPLICAS	16
/* Open checkpoint exports per namespace, each a copy of up to 64 MiB. */
#define BFT_CKPT_MAX_DUMPS		4

/* Per network namespace state: every replica instance lives in one. */
struct bft_net {
	struct net *net;
	/* Serialises configuration changes in this netns. */
	struct mutex lock;
	struct list_head replicas;
	u32 nr_replicas;
	u64 replica_gen;	/* last bft_replica.gen handed out */
	atomic_t ckpt_dumps;	/* open CHECKPOINT_GET dumps */
};

struct bft_net *bft_pernet(const struct net *net);
unsigned int bft_max_replicas(void);

#endif /* _BFT_BFT_H */
