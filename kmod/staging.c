// SPDX-License-Identifier: GPL-2.0
/*
 * Staging the next configuration epoch (issue 13, "bftctl setconf" with
 * a higher Epoch): REPLICA_SET with BFT_A_STAGED holds the new hosts of
 * the replaced and the added ids (keys and endpoints) aside, with the
 * epoch's n and the digest of the configuration file. Nothing running
 * changes. When the engine switches epochs (ops->reconfig), the staged
 * peers take their places only if the RECONFIG names the staged epoch,
 * digest, n and replace set; else the old keys stay and
 * reconfig_unstaged counts it. Either way n becomes the RECONFIG's. All
 * under r->lock.
 */
#include <linux/slab.h>
#include <net/genetlink.h>

#include <linux/bft.h>

#include "netlink.h"
#include "replica.h"

struct bft_staging {
	u64 epoch;
	u8 config[BFT_DIGEST_LEN];
	u32 n;				/* of the staged epoch */
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

/* The mask of ids @lo up to, not including, @hi (<= BFT_MAX_REPLICAS). */
static u64 ids_between(u32 lo, u32 hi)
{
	u64 below_hi = hi >= 64 ? ~0ULL : (1ULL << hi) - 1;

	return lo >= hi ? 0 : below_hi & ~((1ULL << lo) - 1);
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
	if (id >= s->n) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ID],
				    "staged peer id is not below the cluster size of the staged epoch");
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
	u32 n;

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
	n = tb[BFT_STAGED_A_N] ? nla_get_u32(tb[BFT_STAGED_A_N]) : r->n;
	if (n > r->max_n) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_STAGED_A_N],
				    "staged n is above the replica's max-n");
		return -EINVAL;
	}
	/* Our id leaves the staged epoch: we stop at the switch. */
	if (r->id >= n && tb[BFT_STAGED_A_PEERS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_STAGED_A_PEERS],
				    "this replica's id is not below the staged n: it leaves and stages no peers");
		return -EINVAL;
	}
	s = bft_staging_new(epoch, nla_data(tb[BFT_STAGED_A_CONFIG]));
	if (!s)
		return -ENOMEM;
	s->n = n;
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
	/* Every added id needs its host; below both sizes it replaces. */
	if ((s->mask & ids_between(r->n, n)) != ids_between(r->n, n)) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "every id the staged epoch adds (from the current n up to the staged n) needs a staged peer");
		err = -EINVAL;
		goto err;
	}
	if (hweight64(s->mask & ids_between(0, min(r->n, n))) > in.f) {
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
 * ops->reconfig: the engine switches to @epoch of @n replicas after
 * checkpoint @seq and sends nothing in it before we return. The staged
 * hosts take their places only if this is what was staged; a RECONFIG
 * the host was not staged for keeps the old keys (a faulty or careless
 * admin cannot give a correct replica's peers new keys, and an added id
 * without a staged host has no key: its datagrams are dropped). A host
 * that leaves keeps its tables: it still answers the admin's STAGED
 * query and helps members of the old epoch behind the switch.
 * Worker, r->lock held.
 */
void bft_reconfig(void *ctx, u64 epoch, u64 seq, u32 n, u64 replace,
		  const u8 *config)
{
	struct bft_replica *r = ctx;
	struct bft_staging *s = r->staged;
	u64 added = ids_between(r->n, n);
	u32 i;

	r->staged = NULL;
	if ((replace & (1ULL << r->id)) || r->id >= n) {
		bft_staging_free(s);
		return;
	}
	if (!s || s->epoch != epoch || s->n != n ||
	    (s->mask & ~added) != replace || (s->mask & added) != added ||
	    memcmp(s->config, config, BFT_DIGEST_LEN)) {
		r->glue.reconfig_unstaged++;
	} else {
		for (i = 0; i < n; i++) {
			if (!s->peer[i])
				continue;
			bft_replica_put_peer(r, i, s->peer[i]);
			s->peer[i] = NULL;
		}
		r->glue.reconfig_installed++;
	}
	bft_staging_free(s);
	/* After the added peers: a datagram that sees n finds its key. */
	bft_replica_set_n(r, n);
}
