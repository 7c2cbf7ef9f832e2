/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the generated kmod/netlink_gen.c (ynl-gen-c of 6.12) needs from a
 * 6.1 kernel, which has no split ops (6.2) and whose policies take a
 * writable range. Kbuild forces this header into netlink_gen.c, and
 * netlink.h includes it; on 6.2 and later only the dump helper remains.
 */
#ifndef _BFT_GENL_COMPAT_H
#define _BFT_GENL_COMPAT_H

#include <net/genetlink.h>

#ifdef BFT_GENL_NO_SPLIT_OPS
/* The members the generated table sets; netlink.c turns it into genl_ops. */
struct genl_split_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*start)(struct netlink_callback *cb);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*done)(struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 flags;
};

/* 6.1's nla_policy.range is not const, though nothing writes it. */
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}

/* The request attributes genl parsed for a dump, as .start sees them. */
static inline struct nlattr **bft_genl_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->attrs;
}
#else
static inline struct nlattr **bft_genl_dump_attrs(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
#endif

#endif /* _BFT_GENL_COMPAT_H */
