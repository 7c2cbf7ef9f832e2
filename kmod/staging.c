// SPDX-License-Identifier: GPL-2.0
/*
 * Staging the next configuration epoch (issue 13, "bftctl setconf" with
 * a higher Epoch): REPLICA_SET with BFT_A_STAGED holds the new hosts of
 * the replaced ids (keys and endpoints) aside, with the digest of the
 * configuration file. Nothing running changes. When the engine switches
 * epochs (ops->reconfig), the staged peers replace the old ones only if
 * the RECONFIG names the staged epoch, digest and replace set; else the
 * old keys stay and reconfig_unstaged counts it. All under r->lock.
 */
#include <linux/slab.h>
#include <net/genetlink.h>

#include <linux/bft.h>

#include "netlink.h"
#include "replica.h"

struct bft_staging {
	u64 epoch;
	u8 config[BFT_DIGEST_LEN];
	u64 mask;			/* ids with a staged host */
	struct bft_peer *peer[BFT_MAX_REPLICAS];	/* not yet published */
};

struct bft_staging *bft_staging_new(u64 epoch, const u8 *config)
{
	struct bft_staging *s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);

	if (!s)
		return NULL;
	s->epoch = epoch;
	memcpy(s->config, config, BFT_DIGEST_LEN);
	return s;
}

void bft_staging_free(struct bft_staging *s)
{
	u32 i;

	if (!s)
		return;
	for (i = 0; i < BFT_MAX_REPLICAS; i++)
		if (s->peer[i])
			bft_peer_free(s->peer[i]);
	kfree_sensitive(s);
}

/* One new host: id, endpoint and key, checked against the replica. */
static int stage_peer(struct bft_replica *r, struct genl_info *info,
		      struct nlattr *nest, struct bft_staging *s)
{
	struct nlattr *tb[BFT_PEER_A_MAX + 1];
	union bft_sockaddr ep;
	struct bft_peer *p;
	u32 id;
	int err;

	err = nla_parse_nested(tb, BFT_PEER_A_MAX, nest, bft_peer_nl_policy,
			       info->extack);
	if (err)
		return err;
	if (!tb[BFT_PEER_A_ID] || !tb[BFT_PEER_A_ENDPOINT] ||
	    !tb[BFT_PEER_A_KEY]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "a staged peer needs id, endpoint and key");
		return -EINVAL;
	}
	if (tb[BFT_PEER_A_COUNTERS] || tb[BFT_PEER_A_KEY_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "a staged peer has only id, endpoint and key");
		return -EINVAL;
	}
	id = nla_get_u32(tb[BFT_PEER_A_ID]);
	if (id >= r->n) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ID],
				    "staged peer id is not below the cluster size");
		return -EINVAL;
	}
	if (id == r->id) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ID],
				    "a replica is not its own peer: its replaced host stops at the switch");
		return -EINVAL;
	}
	if (s->mask & (1ULL << id)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ID],
				    "staged peer id given twice");
		return -EINVAL;
	}
	err = bft_nl_parse_addr(info, tb[BFT_PEER_A_ENDPOINT], &ep);
	if (err)
		return err;
	if (ep.sa.sa_family != r->listen.sa.sa_family) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ENDPOINT],
				    "peer address family differs from the listen address");
		return -EAFNOSUPPORT;
	}
	p = bft_peer_alloc(nla_data(tb[BFT_PEER_A_KEY]), 0);
	if (IS_ERR(p))
		return PTR_ERR(p);
	p->endpoint = ep;
	s->peer[id] = p;
	s->mask |= 1ULL << id;
	return 0;
}

/*
 * Build the staging that BFT_A_STAGED asks for, without touching the
 * replica: *out is NULL if the request has none. Caller holds r->lock.
 */
int bft_staging_parse(struct bft_replica *r, struct genl_info *info,
		      struct bft_staging **out)
{
	struct nlattr *nest = info->attrs[BFT_A_STAGED];
	struct nlattr *tb[BFT_STAGED_A_MAX + 1];
	struct bft_staging *s;
	struct bft_info in;
	struct nlattr *a;
	u64 epoch;
	int err, rem;

	*out = NULL;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, BFT_STAGED_A_MAX, nest,
			       bft_staged_nl_policy, info->extack);
	if (err)
		return err;
	if (!tb[BFT_STAGED_A_EPOCH] || !tb[BFT_STAGED_A_CONFIG]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "staging needs the epoch and the config digest");
		return -EINVAL;
	}
	bft_engine_info(r->engine, &in);
	epoch = nla_get_u64(tb[BFT_STAGED_A_EPOCH]);
	if (epoch != in.epoch + 1) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_STAGED_A_EPOCH],
				    "staged epoch must be the replica's current epoch + 1");
		return -EINVAL;
	}
	s = bft_staging_new(epoch, nla_data(tb[BFT_STAGED_A_CONFIG]));
	if (!s)
		return -ENOMEM;
	if (tb[BFT_STAGED_A_PEERS]) {
		nla_for_each_nested(a, tb[BFT_STAGED_A_PEERS], rem) {
			if (nla_type(a) != BFT_PEERS_A_PEER) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "staged peers nest holds peer entries only");
				err = -EINVAL;
				goto err;
			}
			err = stage_peer(r, info, a, s);
			if (err)
				goto err;
		}
	}
	if (hweight64(s->mask) > in.f) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_STAGED_A_PEERS],
				    "more than f replaced ids in one epoch");
		err = -EINVAL;
		goto err;
	}
	*out = s;
	return 0;
err:
	bft_staging_free(s);
	return err;
}

u64 bft_staging_epoch(const struct bft_replica *r)
{
	return r->staged ? r->staged->epoch : 0;
}

/* ops->staged, for the admin's STAGED query; worker, r->lock held. */
bool bft_staged(void *ctx, u64 *epoch, u8 *config)
{
	struct bft_replica *r = ctx;

	if (!r->staged)
		return false;
	*epoch = r->staged->epoch;
	memcpy(config, r->staged->config, BFT_DIGEST_LEN);
	return true;
}

/*
 * ops->reconfig: the engine switches to @epoch after checkpoint @seq and
 * sends nothing in it before we return. The staged hosts of the replaced
 * ids take their place only if this is what was staged; a RECONFIG the
 * host was not staged for keeps the old keys (a faulty or careless admin
 * cannot give a correct replica's peers new keys). Worker, r->lock held.
 */
void bft_reconfig(void *ctx, u64 epoch, u64 seq, u32 n, u64 replace,
		  const u8 *config)
{
	struct bft_replica *r = ctx;
	struct bft_staging *s = r->staged;
	u32 i;

	r->staged = NULL;
	if (replace & (1ULL << r->id)) {
		/* We are the replaced host: we stop, nothing to install. */
		bft_staging_free(s);
		return;
	}
	if (!s || s->epoch != epoch || s->mask != replace ||
	    memcmp(s->config, config, BFT_DIGEST_LEN)) {
		r->glue.reconfig_unstaged++;
		bft_staging_free(s);
		return;
	}
	for (i = 0; i < r->n; i++) {
		if (!s->peer[i])
			continue;
		bft_replica_put_peer(r, i, s->peer[i]);
		s->peer[i] = NULL;
	}
	r->glue.reconfig_installed++;
	bft_staging_free(s);
}
