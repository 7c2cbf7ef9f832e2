// SPDX-License-Identifier: GPL-2.0
/*
 * Replica, peer and client commands of the "bft" family. Every request is
 * validated completely before anything changes, so a rejected request
 * leaves the configuration as it was.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>

#include <linux/bft.h>
#include <linux/bft_kv.h>

#include "bft.h"
#include "netlink.h"
#include "policy.h"
#include "replica.h"
#include "service.h"

#define BFT_DEFAULT_CLIENTS	16
#define BFT_DEFAULT_KV_KEYS	4096
#define BFT_DEFAULT_KV_KEY	64
#define BFT_DEFAULT_KV_VALUE	1024

/* True (with an extack message) if required attribute @type is absent. */
#define need(info, nest, tb, type, msg) ({				\
	struct netlink_ext_ack *__ea = (info)->extack;			\
	bool __miss = !(tb)[type];					\
									\
	if (__miss) {							\
		NL_SET_ERR_MSG(__ea, msg);				\
		NL_SET_ERR_ATTR_MISS(__ea, nest, type);			\
	}								\
	__miss;								\
})

/* A struct sockaddr_in or sockaddr_in6 in an attribute, port required. */
int bft_nl_parse_addr(struct genl_info *info, const struct nlattr *a,
		      union bft_sockaddr *out)
{
	const struct sockaddr *sa = nla_data(a);

	/* The spec cannot bound a binary below: see listen in bft.yaml. */
	if (nla_len(a) < sizeof(out->sin)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "address shorter than a sockaddr_in");
		return -ERANGE;
	}
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET && nla_len(a) == sizeof(out->sin)) {
		memcpy(&out->sin, sa, sizeof(out->sin));
		if (out->sin.sin_port)
			return 0;
	} else if (sa->sa_family == AF_INET6 &&
		   nla_len(a) == sizeof(out->sin6)) {
		memcpy(&out->sin6, sa, sizeof(out->sin6));
		if (out->sin6.sin6_port)
			return 0;
	}
	NL_SET_ERR_MSG_ATTR(info->extack, a,
			    "expected a sockaddr_in or sockaddr_in6 with a port");
	return -EINVAL;
}

/* Looks up the replica named in the request; bn->lock held. */
struct bft_replica *bft_nl_get_replica(struct bft_net *bn,
				       struct genl_info *info)
{
	struct bft_replica *r;

	if (need(info, NULL, info->attrs, BFT_A_NAME,
		 "replica name (BFT_A_NAME) is required"))
		return ERR_PTR(-EINVAL);
	r = bft_replica_find(bn, nla_data(info->attrs[BFT_A_NAME]));
	if (!r) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[BFT_A_NAME],
				    "no replica of that name in this namespace");
		return ERR_PTR(-ENOENT);
	}
	return r;
}

static void policy_apply(struct nlattr **tb, struct bft_config *c)
{
	int attr;

	for (attr = 1; attr <= BFT_POLICY_A_MAX; attr++)
		if (tb[attr] && bft_policy_field(c, attr))
			*bft_policy_field(c, attr) = nla_get_u32(tb[attr]);
}

static int parse_policy(struct genl_info *info, struct bft_config *c)
{
	struct nlattr *tb[BFT_POLICY_A_MAX + 1];
	int err;

	if (!info->attrs[BFT_A_POLICY])
		return 0;
	err = nla_parse_nested(tb, BFT_POLICY_A_MAX, info->attrs[BFT_A_POLICY],
			       bft_policy_nl_policy, info->extack);
	if (err)
		return err;
	policy_apply(tb, c);
	return 0;
}

#define bft_bad_policy \
	"invalid policy: need L a multiple of K with 2 <= L/K <= 6, W <= L, VC max >= base, and a batch that holds one maximal request"

int bft_nl_replica_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct bft_net *bn = bft_pernet(genl_info_net(info));
	struct nlattr **a = info->attrs;
	struct bft_replica_params p = { };
	struct bft_replica *r;
	int err;

	if (need(info, NULL, a, BFT_A_NAME, "replica name (BFT_A_NAME) is required") ||
	    need(info, NULL, a, BFT_A_REPLICA_ID, "replica id (BFT_A_REPLICA_ID) is required") ||
	    need(info, NULL, a, BFT_A_N, "cluster size (BFT_A_N) is required") ||
	    need(info, NULL, a, BFT_A_LISTEN, "listen address (BFT_A_LISTEN) is required"))
		return -EINVAL;

	p.name = nla_data(a[BFT_A_NAME]);
	if (!p.name[0]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[BFT_A_NAME], "empty replica name");
		return -EINVAL;
	}
	p.id = nla_get_u32(a[BFT_A_REPLICA_ID]);
	p.n = nla_get_u32(a[BFT_A_N]);
	if (p.id >= p.n) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[BFT_A_REPLICA_ID],
				    "replica id must be below the cluster size");
		return -EINVAL;
	}
	/* Sizes the engine for every epoch; same at every replica. */
	p.max_n = a[BFT_A_MAX_N] ? nla_get_u32(a[BFT_A_MAX_N]) : p.n;
	if (p.max_n < p.n) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[BFT_A_MAX_N],
				    "max-n is below the cluster size n");
		return -EINVAL;
	}
	p.n_clients = a[BFT_A_N_CLIENTS] ? nla_get_u32(a[BFT_A_N_CLIENTS]) :
					   BFT_DEFAULT_CLIENTS;
	err = bft_nl_parse_addr(info, a[BFT_A_LISTEN], &p.listen);
	if (err)
		return err;

	p.kv_max_keys = BFT_DEFAULT_KV_KEYS;
	p.kv_max_key = BFT_DEFAULT_KV_KEY;
	p.kv_max_value = BFT_DEFAULT_KV_VALUE;
	if (a[BFT_A_SERVICE]) {
		struct nlattr *tb[BFT_SERVICE_A_MAX + 1];

		err = nla_parse_nested(tb, BFT_SERVICE_A_MAX, a[BFT_A_SERVICE],
				       bft_service_nl_policy, info->extack);
		if (err)
			return err;
		if (tb[BFT_SERVICE_A_MAX_KEYS])
			p.kv_max_keys = nla_get_u32(tb[BFT_SERVICE_A_MAX_KEYS]);
		if (tb[BFT_SERVICE_A_MAX_KEY_LEN])
			p.kv_max_key = nla_get_u32(tb[BFT_SERVICE_A_MAX_KEY_LEN]);
		if (tb[BFT_SERVICE_A_MAX_VALUE_LEN])
			p.kv_max_value = nla_get_u32(tb[BFT_SERVICE_A_MAX_VALUE_LEN]);
	}

	p.cfg.n = p.n;
	p.cfg.max_n = p.max_n;
	p.cfg.id = p.id;
	p.cfg.n_clients = p.n_clients;
	if (a[BFT_A_ADMIN]) {
		/* Its RECONFIG and STAGED are taken: it must be a client. */
		if (nla_get_u32(a[BFT_A_ADMIN]) >= p.n_clients) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[BFT_A_ADMIN],
					    "admin client id is not below the replica's client count");
			return -EINVAL;
		}
		p.cfg.admin = nla_get_u32(a[BFT_A_ADMIN]) + 1;
	}
	if (a[BFT_A_EPOCH])
		p.cfg.epoch = nla_get_u64(a[BFT_A_EPOCH]);
	if (a[BFT_A_CONFIG_DIGEST])
		p.config_digest = nla_data(a[BFT_A_CONFIG_DIGEST]);
	/* Every op the store may accept or refuse reaches it. */
	p.cfg.max_op = BFT_KV_OP_LEN_MAX;
	p.cfg.max_result = BFT_KV_RESULT_LEN_MAX;
	err = parse_policy(info, &p.cfg);
	if (err)
		return err;
	bft_config_defaults(&p.cfg);
	if (bft_config_check(&p.cfg)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[BFT_A_POLICY], bft_bad_policy);
		return -EINVAL;
	}

	mutex_lock(&bn->lock);
	if (bft_replica_find(bn, p.name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[BFT_A_NAME],
				    "a replica of that name already exists");
		err = -EEXIST;
		goto out;
	}
	if (bn->nr_replicas >= bft_max_replicas()) {
		NL_SET_ERR_MSG(info->extack,
			       "too many replicas in this network namespace (module parameter max_replicas)");
		err = -ENOSPC;
		goto out;
	}
	r = bft_replica_create(bn, &p, info->extack);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	list_add_tail(&r->node, &bn->replicas);
	bn->nr_replicas++;
	err = 0;
out:
	mutex_unlock(&bn->lock);
	return err;
}

int bft_nl_replica_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct bft_net *bn = bft_pernet(genl_info_net(info));
	struct bft_replica *r;
	int err = 0;

	mutex_lock(&bn->lock);
	r = bft_nl_get_replica(bn, info);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
	} else {
		list_del(&r->node);
		bn->nr_replicas--;
		bft_replica_destroy(r);
	}
	mutex_unlock(&bn->lock);
	return err;
}

/* Policy and staging are checked in full before either changes. */
int bft_nl_replica_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct bft_net *bn = bft_pernet(genl_info_net(info));
	struct bft_staging *staged = NULL;
	struct bft_replica *r;
	struct bft_config cfg;
	int err;

	if (!info->attrs[BFT_A_POLICY] && !info->attrs[BFT_A_STAGED]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: BFT_A_POLICY or BFT_A_STAGED is required");
		return -EINVAL;
	}
	mutex_lock(&bn->lock);
	r = bft_nl_get_replica(bn, info);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	mutex_lock(&r->lock);
	bft_engine_get_config(r->engine, &cfg);
	err = parse_policy(info, &cfg);
	if (!err && bft_config_check(&cfg)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[BFT_A_POLICY],
				    bft_bad_policy);
		err = -EINVAL;
	}
	if (!err)
		err = bft_staging_parse(r, info, &staged);
	if (!err && bft_engine_set_config(r->engine, &cfg)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[BFT_A_POLICY],
				    "batch size, batch bytes, K and L are fixed once the replica exists");
		err = -EINVAL;
	}
	if (!err && staged) {
		bft_staging_free(r->staged);
		r->staged = staged;
		staged = NULL;
	}
	mutex_unlock(&r->lock);
	bft_staging_free(staged);
out:
	mutex_unlock(&bn->lock);
	return err;
}

/*
 * A request carries one key id for the n keys of its authenticator, so
 * client keys are not rotated live: a client key id other than 0 would
 * only make its requests fail.
 */
static int key_id_check(struct genl_info *info, const struct nlattr *a)
{
	if (!a || !nla_get_u8(a))
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, a,
			    "client keys are not rotated live: key_id must be 0");
	return -EOPNOTSUPP;
}

static int parse_member(struct genl_info *info, int attr,
			const struct nla_policy *pol, int maxtype,
			struct nlattr **tb)
{
	int err;

	if (attr == BFT_A_PEER &&
	    need(info, NULL, info->attrs, attr, "peer (BFT_A_PEER) is required"))
		return -EINVAL;
	if (attr == BFT_A_CLIENT &&
	    need(info, NULL, info->attrs, attr, "client (BFT_A_CLIENT) is required"))
		return -EINVAL;
	err = nla_parse_nested(tb, maxtype, info->attrs[attr], pol,
			       info->extack);
	/* Read only; the spec's one policy per nest serves replies too. */
	if (!err && attr == BFT_A_PEER && tb[BFT_PEER_A_COUNTERS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_COUNTERS],
				    "peer counters are read only");
		err = -EINVAL;
	}
	return err;
}

int bft_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct bft_net *bn = bft_pernet(genl_info_net(info));
	struct nlattr *tb[BFT_PEER_A_MAX + 1];
	struct nlattr *nest = info->attrs[BFT_A_PEER];
	bool replace = nla_get_flag(info->attrs[BFT_A_REPLACE]);
	union bft_sockaddr ep;
	struct bft_replica *r;
	u32 id;
	int err;

	err = parse_member(info, BFT_A_PEER, bft_peer_nl_policy, BFT_PEER_A_MAX, tb);
	if (err)
		return err;
	if (need(info, nest, tb, BFT_PEER_A_ID, "peer id is required") ||
	    need(info, nest, tb, BFT_PEER_A_ENDPOINT, "peer endpoint is required") ||
	    need(info, nest, tb, BFT_PEER_A_KEY, "peer key is required"))
		return -EINVAL;
	if (tb[BFT_PEER_A_KEY_NEXT] || tb[BFT_PEER_A_KEY_SEND]) {
		NL_SET_ERR_MSG(info->extack,
			       "key_next and key_send are read only (bftctl set NAME rotate-keys)");
		return -EINVAL;
	}
	err = bft_nl_parse_addr(info, tb[BFT_PEER_A_ENDPOINT], &ep);
	if (err)
		return err;
	id = nla_get_u32(tb[BFT_PEER_A_ID]);

	mutex_lock(&bn->lock);
	r = bft_nl_get_replica(bn, info);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
	} else if (id == r->id) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ID],
				    "a replica is not its own peer");
		err = -EINVAL;
	} else if (ep.sa.sa_family != r->listen.sa.sa_family) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ENDPOINT],
				    "peer address family differs from the listen address");
		err = -EAFNOSUPPORT;
	} else if (rcu_access_pointer(r->peers[id]) && !replace) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ID],
				    "peer exists (set BFT_A_REPLACE to rotate its key)");
		err = -EEXIST;
	} else {
		/* Without a key id, an unchanged key keeps its rotation. */
		err = bft_replica_set_peer(r, id, nla_data(tb[BFT_PEER_A_KEY]),
					   tb[BFT_PEER_A_KEY_ID] ?
					   nla_get_u8(tb[BFT_PEER_A_KEY_ID]) : 0,
					   !tb[BFT_PEER_A_KEY_ID], &ep);
		if (err == -ERANGE) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ID],
					    "peer id is not below the cluster size");
			err = -EINVAL;
		}
	}
	mutex_unlock(&bn->lock);
	return err;
}

/* PEER_DEL and CLIENT_DEL differ only in the table they edit. */
static int member_del(struct genl_info *info, bool peer)
{
	struct bft_net *bn = bft_pernet(genl_info_net(info));
	int attr = peer ? BFT_A_PEER : BFT_A_CLIENT;
	struct nlattr *tb[BFT_PEER_A_MAX + 1];
	struct bft_peer __rcu **slot = NULL;
	struct bft_replica *r;
	u32 id;
	int err;

	BUILD_BUG_ON((int)BFT_PEER_A_ID != (int)BFT_CLIENT_A_ID ||
		     (int)BFT_CLIENT_A_MAX > (int)BFT_PEER_A_MAX);
	err = peer ? parse_member(info, attr, bft_peer_nl_policy, BFT_PEER_A_MAX, tb) :
		     parse_member(info, attr, bft_client_nl_policy, BFT_CLIENT_A_MAX, tb);
	if (err)
		return err;
	if (need(info, info->attrs[attr], tb, BFT_PEER_A_ID, "id is required"))
		return -EINVAL;
	id = nla_get_u32(tb[BFT_PEER_A_ID]);

	mutex_lock(&bn->lock);
	r = bft_nl_get_replica(bn, info);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	if (peer && id < r->n)
		slot = &r->peers[id];
	else if (!peer && id < r->n_clients)
		slot = &r->clients[id];
	if (!slot || !rcu_access_pointer(*slot)) {
		if (peer)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ID],
					    "no such peer");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_PEER_A_ID],
					    "no such client");
		err = -ENOENT;
		goto out;
	}
	bft_replica_del_peer(r, slot);
out:
	mutex_unlock(&bn->lock);
	return err;
}

int bft_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return member_del(info, true);
}

int bft_nl_client_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct bft_net *bn = bft_pernet(genl_info_net(info));
	bool replace = nla_get_flag(info->attrs[BFT_A_REPLACE]);
	struct nlattr *tb[BFT_CLIENT_A_MAX + 1];
	struct nlattr *nest = info->attrs[BFT_A_CLIENT];
	struct bft_replica *r;
	u32 id;
	int err;

	err = parse_member(info, BFT_A_CLIENT, bft_client_nl_policy,
			   BFT_CLIENT_A_MAX, tb);
	if (err)
		return err;
	if (need(info, nest, tb, BFT_CLIENT_A_ID, "client id is required") ||
	    need(info, nest, tb, BFT_CLIENT_A_KEY, "client key is required"))
		return -EINVAL;
	err = key_id_check(info, tb[BFT_CLIENT_A_KEY_ID]);
	if (err)
		return err;
	id = nla_get_u32(tb[BFT_CLIENT_A_ID]);

	mutex_lock(&bn->lock);
	r = bft_nl_get_replica(bn, info);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
	} else if (id >= r->n_clients) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_CLIENT_A_ID],
				    "client id is not below the replica's client count");
		err = -EINVAL;
	} else if (rcu_access_pointer(r->clients[id]) && !replace) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BFT_CLIENT_A_ID],
				    "client exists (set BFT_A_REPLACE to rotate its key)");
		err = -EEXIST;
	} else {
		err = bft_replica_set_client(r, id,
					     nla_data(tb[BFT_CLIENT_A_KEY]), 0);
	}
	mutex_unlock(&bn->lock);
	return err;
}

int bft_nl_client_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return member_del(info, false);
}

int bft_nl_view_change_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct bft_net *bn = bft_pernet(genl_info_net(info));
	struct bft_replica *r;
	int err = 0;

	mutex_lock(&bn->lock);
	r = bft_nl_get_replica(bn, info);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
	} else {
		mutex_lock(&r->lock);
		bft_engine_request_view_change(r->engine);
		mutex_unlock(&r->lock);
		/* Let the worker send what the engine queued and re-arm. */
		queue_work(r->wq, &r->work);
	}
	mutex_unlock(&bn->lock);
	return err;
}

static int put_addr(struct sk_buff *msg, int type, const union bft_sockaddr *a)
{
	return nla_put(msg, type, a->sa.sa_family == AF_INET6 ?
		       sizeof(a->sin6) : sizeof(a->sin), a);
}

/* Membership: epoch, pending switch, staging, left, admin. */
static int put_epochs(struct sk_buff *msg, struct bft_replica *r,
		      const struct bft_info *in)
{
	struct bft_config c;

	bft_engine_get_config(r->engine, &c);
	if (nla_put_u64_64bit(msg, BFT_INFO_A_EPOCH, in->epoch,
			      BFT_INFO_A_PAD) ||
	    nla_put_u64_64bit(msg, BFT_INFO_A_EPOCH_BASE, in->epoch_base,
			      BFT_INFO_A_PAD) ||
	    nla_put_u64_64bit(msg, BFT_INFO_A_RECONF_AT, in->reconf_at,
			      BFT_INFO_A_PAD) ||
	    nla_put_u64_64bit(msg, BFT_INFO_A_STAGED_EPOCH,
			      bft_staging_epoch(r), BFT_INFO_A_PAD) ||
	    nla_put_u8(msg, BFT_INFO_A_LEFT, in->left) ||
	    (c.admin && nla_put_u32(msg, BFT_INFO_A_ADMIN, c.admin - 1)))
		return -EMSGSIZE;
	return 0;
}

static int put_info(struct sk_buff *msg, struct bft_replica *r)
{
	u8 state[BFT_DIGEST_LEN];
	struct bft_info in;
	struct nlattr *nest;

	/* BFT_INFO_A_STATUS carries the engine's status value as it is. */
	BUILD_BUG_ON((int)BFT_REPLICA_NORMAL != (int)BFT_ST_NORMAL ||
		     (int)BFT_REPLICA_VIEW_CHANGE != (int)BFT_ST_VIEW_CHANGE ||
		     (int)BFT_REPLICA_STATE_TRANSFER != (int)BFT_ST_XFER ||
		     (int)BFT_REPLICA_JOINING != (int)BFT_ST_JOINING);
	bft_engine_info(r->engine, &in);
	bft_service_digest(r, state);
	nest = nla_nest_start(msg, BFT_A_INFO);
	if (!nest ||
	    nla_put_u64_64bit(msg, BFT_INFO_A_VIEW, in.view, BFT_INFO_A_PAD) ||
	    nla_put_u32(msg, BFT_INFO_A_STATUS, in.status) ||
	    nla_put_u32(msg, BFT_INFO_A_PRIMARY, in.primary) ||
	    nla_put_u64_64bit(msg, BFT_INFO_A_LAST_EXEC, in.last_exec,
			      BFT_INFO_A_PAD) ||
	    nla_put_u64_64bit(msg, BFT_INFO_A_STABLE_SEQ, in.stable_seq,
			      BFT_INFO_A_PAD) ||
	    nla_put(msg, BFT_INFO_A_STABLE_DIGEST, BFT_DIGEST_LEN,
		    in.stable_digest) ||
	    nla_put_u32(msg, BFT_INFO_A_F, in.f) ||
	    nla_put_u32(msg, BFT_INFO_A_QUORUM, in.quorum) ||
	    nla_put_u64_64bit(msg, BFT_INFO_A_VC_TIMEOUT_MS, in.vc_timeout_ms,
			      BFT_INFO_A_PAD) ||
	    nla_put(msg, BFT_INFO_A_STATE_DIGEST, BFT_DIGEST_LEN, state) ||
	    put_epochs(msg, r, &in))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_policy(struct sk_buff *msg, struct bft_replica *r)
{
	struct bft_config c;
	struct nlattr *nest;
	int attr;

	bft_engine_get_config(r->engine, &c);
	nest = nla_nest_start(msg, BFT_A_POLICY);
	if (!nest)
		return -EMSGSIZE;
	for (attr = 1; attr <= BFT_POLICY_A_MAX; attr++)
		if (bft_policy_field(&c, attr) &&
		    nla_put_u32(msg, attr, *bft_policy_field(&c, attr)))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_peers(struct sk_buff *msg, struct bft_replica *r)
{
	const struct bft_counters *ctr = bft_engine_counters(r->engine);
	struct nlattr *peers, *nest;
	struct bft_peer *p;
	int err = 0;
	u32 i;

	peers = nla_nest_start(msg, BFT_A_PEERS);
	if (!peers)
		return -EMSGSIZE;
	rcu_read_lock();
	for (i = 0; i < r->n && !err; i++) {
		p = rcu_dereference(r->peers[i]);
		if (!p)
			continue;
		nest = nla_nest_start(msg, BFT_A_PEER);
		if (!nest || nla_put_u32(msg, BFT_PEER_A_ID, i) ||
		    put_addr(msg, BFT_PEER_A_ENDPOINT, &p->endpoint) ||
		    bft_nl_put_peer_keys(msg, p) ||
		    bft_nl_put_peer_counters(msg, &ctr->peer[i]))
			err = -EMSGSIZE;
		else
			nla_nest_end(msg, nest);
	}
	rcu_read_unlock();
	if (!err)
		nla_nest_end(msg, peers);
	return err;
}

/* Which clients have a key, so that bftctl setconf can remove the rest. */
static int put_client_map(struct sk_buff *msg, struct bft_replica *r)
{
	struct nlattr *a;
	u8 *map;
	u32 i;

	a = nla_reserve(msg, BFT_A_CLIENT_MAP, DIV_ROUND_UP(r->n_clients, 8));
	if (!a)
		return -EMSGSIZE;
	map = nla_data(a);
	memset(map, 0, nla_len(a));
	for (i = 0; i < r->n_clients; i++)
		if (rcu_access_pointer(r->clients[i]))
			map[i / 8] |= 1 << (i % 8);
	return 0;
}

/* One replica's description; @full adds per-peer detail. */
static int fill_replica(struct sk_buff *msg, struct bft_replica *r, u32 portid,
			u32 seq, int flags, bool full)
{
	void *hdr;
	int err;

	hdr = genlmsg_put(msg, portid, seq, &bft_genl_family, flags,
			  BFT_CMD_REPLICA_GET);
	if (!hdr)
		return -EMSGSIZE;
	mutex_lock(&r->lock);
	err = -EMSGSIZE;
	if (nla_put_string(msg, BFT_A_NAME, r->name) ||
	    nla_put_u32(msg, BFT_A_REPLICA_ID, r->id) ||
	    nla_put_u32(msg, BFT_A_N, r->n) ||
	    nla_put_u32(msg, BFT_A_MAX_N, r->max_n) ||
	    nla_put_u32(msg, BFT_A_N_CLIENTS, r->n_clients) ||
	    put_addr(msg, BFT_A_LISTEN, &r->listen) ||
	    put_policy(msg, r) || put_info(msg, r))
		goto out;
	if (full && (bft_nl_put_counters(msg, r) || put_peers(msg, r) ||
		     put_client_map(msg, r)))
		goto out;
	err = 0;
out:
	mutex_unlock(&r->lock);
	if (err) {
		genlmsg_cancel(msg, hdr);
		return err;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

int bft_nl_replica_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct bft_net *bn = bft_pernet(genl_info_net(info));
	struct bft_replica *r;
	struct sk_buff *msg;
	int err;

	/* Counters of a large cluster exceed a page. */
	msg = genlmsg_new(64 * 1024, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&bn->lock);
	r = bft_nl_get_replica(bn, info);
	if (IS_ERR(r))
		err = PTR_ERR(r);
	else
		err = fill_replica(msg, r, info->snd_portid, info->snd_seq, 0,
				   true);
	mutex_unlock(&bn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Dumps list every replica without counters; GET by name has them all. */
int bft_nl_replica_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct bft_net *bn = bft_pernet(sock_net(skb->sk));
	struct bft_replica *r;
	long idx = 0;
	int err = 0;

	mutex_lock(&bn->lock);
	list_for_each_entry(r, &bn->replicas, node) {
		if (idx++ < cb->args[0])
			continue;
		err = fill_replica(skb, r, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI, false);
		if (err)
			break;
		cb->args[0] = idx;
	}
	mutex_unlock(&bn->lock);
	/* A partial dump continues; an empty skb with an error is fatal. */
	return err && !skb->len ? err : skb->len;
}
