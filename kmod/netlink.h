/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BFT_NETLINK_H
#define _BFT_NETLINK_H

#include <net/genetlink.h>

#include <linux/bft.h>

#include "engine/engine.h"
#include "genl_compat.h"
/* The policies, the command table and the handlers' prototypes. */
#include "netlink_gen.h"

int bft_genl_init(void);
void bft_genl_uninit(void);

/* struct bft_ops callbacks (ctx is the replica), multicast to userspace. */
void bft_nl_event(void *ctx, const struct bft_event *ev);
void bft_nl_log(void *ctx, u64 seq, u64 view, const void *batch, u32 len,
		u32 count);

/* netlink_checkpoint.c: struct bft_ops seed callbacks; ctx is the replica,
 * its lock held.
 */
long bft_seed_read(void *ctx, u64 off, void *buf, u32 cap);
void bft_seed_free(void *ctx);

struct bft_replica;
struct bft_peer_counters;
union bft_sockaddr;

/* netlink_replica.c: a sockaddr_in or sockaddr_in6 with a port. */
int bft_nl_parse_addr(struct genl_info *info, const struct nlattr *a,
		      union bft_sockaddr *out);

/* counters.c; caller holds the replica lock. */
int bft_nl_put_counters(struct sk_buff *msg, struct bft_replica *r);
int bft_nl_put_peer_counters(struct sk_buff *msg,
			     const struct bft_peer_counters *pc);

struct bft_net;
struct bft_peer;

/* netlink_replica.c: the replica named in the request; bn->lock held. */
struct bft_replica *bft_nl_get_replica(struct bft_net *bn,
				       struct genl_info *info);
/* netlink_keys.c: a peer's key ids and rotation state, under RCU. */
int bft_nl_put_peer_keys(struct sk_buff *msg, struct bft_peer *p);

extern struct genl_family bft_genl_family;

#endif /* _BFT_NETLINK_H */
