/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/bft.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_BFT_GEN_H
#define _LINUX_BFT_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/bft.h>

/* Common nested types */
extern const struct nla_policy bft_checkpoint_nl_policy[BFT_CKPT_A_PAD + 1];
extern const struct nla_policy bft_client_nl_policy[BFT_CLIENT_A_KEY_ID + 1];
extern const struct nla_policy bft_counter_nl_policy[BFT_COUNTER_A_PAD + 1];
extern const struct nla_policy bft_counter_list_nl_policy[BFT_COUNTERS_A_COUNTER + 1];
extern const struct nla_policy bft_peer_nl_policy[BFT_PEER_A_KEY_SEND + 1];
extern const struct nla_policy bft_peer_list_nl_policy[BFT_PEERS_A_PEER + 1];
extern const struct nla_policy bft_policy_nl_policy[BFT_POLICY_A_KEY_ROTATION_SEC + 1];
extern const struct nla_policy bft_service_nl_policy[BFT_SERVICE_A_MAX_VALUE_LEN + 1];
extern const struct nla_policy bft_staged_nl_policy[BFT_STAGED_A_N + 1];

/* Ops table for bft */
extern const struct genl_split_ops bft_nl_ops[14];

int bft_nl_checkpoint_get_start(struct netlink_callback *cb);
int bft_nl_checkpoint_get_done(struct netlink_callback *cb);

int bft_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_replica_new_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_replica_del_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_replica_set_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_replica_get_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_replica_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int bft_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_client_new_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_client_del_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_view_change_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_checkpoint_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);
int bft_nl_checkpoint_put_doit(struct sk_buff *skb, struct genl_info *info);
int bft_nl_keys_rotate_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	BFT_NLGRP_EVENTS,
	BFT_NLGRP_LOG,
};

#endif /* _LINUX_BFT_GEN_H */
