/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BFT_NETLINK_H
#define _BFT_NETLINK_H

#include <net/genetlink.h>

#include <linux/bft.h>

#include "engine/engine.h"

int bft_genl_init(void);
void bft_genl_uninit(void);

/* struct bft_ops callbacks (ctx is the replica), multicast to userspace. */
void bft_nl_event(void *ctx, const struct bft_event *ev);
void bft_nl_log(void *ctx, u64 seq, u64 view, const void *batch, u32 len,
		u32 count);

/* netlink_replica.c */
int bft_nl_replica_new(struct sk_buff *skb, struct genl_info *info);
int bft_nl_replica_del(struct sk_buff *skb, struct genl_info *info);
int bft_nl_replica_set(struct sk_buff *skb, struct genl_info *info);
int bft_nl_replica_get(struct sk_buff *skb, struct genl_info *info);
int bft_nl_replica_dump(struct sk_buff *skb, struct netlink_callback *cb);
int bft_nl_peer_new(struct sk_buff *skb, struct genl_info *info);
int bft_nl_peer_del(struct sk_buff *skb, struct genl_info *info);
int bft_nl_client_new(struct sk_buff *skb, struct genl_info *info);
int bft_nl_client_del(struct sk_buff *skb, struct genl_info *info);
int bft_nl_view_change(struct sk_buff *skb, struct genl_info *info);

/* netlink_checkpoint.c */
int bft_nl_ckpt_start(struct netlink_callback *cb);
int bft_nl_ckpt_dump(struct sk_buff *skb, struct netlink_callback *cb);
int bft_nl_ckpt_done(struct netlink_callback *cb);
int bft_nl_ckpt_put(struct sk_buff *skb, struct genl_info *info);
/* struct bft_ops seed callbacks; ctx is the replica, its lock held. */
long bft_seed_read(void *ctx, u64 off, void *buf, u32 cap);
void bft_seed_free(void *ctx);
extern const struct nla_policy bft_ckpt_cmd_policy[BFT_A_MAX + 1];

struct bft_replica;
struct bft_peer_counters;

/* counters.c; caller holds the replica lock. */
int bft_nl_put_counters(struct sk_buff *msg, struct bft_replica *r);
int bft_nl_put_peer_counters(struct sk_buff *msg,
			     const struct bft_peer_counters *pc);

extern struct genl_family bft_genl_family;
extern const struct nla_policy bft_policy_policy[BFT_POLICY_A_MAX + 1];
extern const struct nla_policy bft_peer_policy[BFT_PEER_A_MAX + 1];
extern const struct nla_policy bft_client_policy[BFT_CLIENT_A_MAX + 1];
extern const struct nla_policy bft_service_policy[BFT_SERVICE_A_MAX + 1];

enum bft_mcgrp {
	BFT_MCGRP_ID_EVENTS,
	BFT_MCGRP_ID_LOG,
};

#endif /* _BFT_NETLINK_H */
