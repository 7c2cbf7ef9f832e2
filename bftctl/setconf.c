// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl setconf: apply a cluster configuration file to a local replica.
 * The X25519 private key never leaves this process: every pairwise key is
 * derived here with HKDF and only the symmetric keys reach the kernel.
 *
 * All or nothing, as far as the kernel allows: every key is derived and
 * every setting checked against the running replica (REPLICA_GET) before
 * the first change. Then the replica is created or its policy set, every
 * key in the file installed, and every client key the file no longer has
 * removed. A replica this run created is deleted again if a later step
 * fails.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/bft.h>

#include "admin.h"
#include "args.h"
#include "bftctl.h"
#include "nl.h"
#include "setconf.h"

static uint32_t client_count(const struct bft_conf *c)
{
	uint32_t i, n = 1;

	for (i = 0; i < c->n_clients; i++)
		if (c->clients[i].id + 1 > n)
			n = c->clients[i].id + 1;
	return n;
}

static bool map_has(const uint8_t *map, uint32_t id)
{
	return map[id / 8] & (1u << (id % 8));
}

static int derive(struct setconf *s, bool peer, uint32_t id,
		  const uint8_t pub[BFT_KEY_LEN], uint8_t key[BFT_KEY_LEN])
{
	struct bft_principal_id me = { BFT_PRINCIPAL_REPLICA, s->id };
	struct bft_principal_id them = {
		peer ? BFT_PRINCIPAL_REPLICA : BFT_PRINCIPAL_CLIENT, id
	};

	if (!bft_key_pairwise(s->priv, pub, s->conf->name, me, them, key))
		return 0;
	fprintf(stderr, "bftctl: %s: cannot derive a key with the PublicKey of %s %u (all-zero or low-order key?); nothing applied\n",
		s->file, peer ? "replica" : "client", id);
	return -1;
}

/* Every pairwise key, before the kernel sees any of them. */
static int derive_all(struct setconf *s)
{
	const struct bft_conf *c = s->conf;
	uint32_t i;

	s->peer_key = calloc(BFT_MAX_REPLICAS, BFT_KEY_LEN);
	s->client_key = calloc(c->n_clients ? c->n_clients : 1, BFT_KEY_LEN);
	if (!s->peer_key || !s->client_key) {
		fprintf(stderr, "bftctl: out of memory\n");
		return -1;
	}
	for (i = 0; i < c->n_replicas; i++)
		if (i != s->id &&
		    derive(s, true, i, c->replicas[i].pub, s->peer_key[i]))
			return -1;
	for (i = 0; i < c->n_clients; i++)
		if (derive(s, false, c->clients[i].id, c->clients[i].pub,
			   s->client_key[i]))
			return -1;
	return 0;
}

static void wipe_keys(struct setconf *s)
{
	if (s->peer_key)
		bft_key_wipe(s->peer_key, BFT_MAX_REPLICAS * BFT_KEY_LEN);
	if (s->client_key)
		bft_key_wipe(s->client_key, (s->conf->n_clients ?
			     s->conf->n_clients : 1) * BFT_KEY_LEN);
	free(s->peer_key);
	free(s->client_key);
	bft_key_wipe(s->priv, sizeof(s->priv));
}

static uint32_t get_u32(struct nlattr **tb, int t)
{
	return tb[t] ? nla_get_u32(tb[t]) : 0;
}

/* Epoch, staging and peer endpoints, for setconf_check_epoch(). */
static void parse_membership(struct running *cur, struct nlattr **tb)
{
	struct nlattr *in[BFT_INFO_A_MAX + 1], *pt[BFT_PEER_A_MAX + 1], *p;
	uint32_t id;
	int rem;

	cur->admin = -1;
	if (tb[BFT_A_INFO] &&
	    !nla_parse_nested(in, BFT_INFO_A_MAX, tb[BFT_A_INFO], NULL)) {
		if (in[BFT_INFO_A_ADMIN])
			cur->admin = nla_get_u32(in[BFT_INFO_A_ADMIN]);
		if (in[BFT_INFO_A_EPOCH])
			cur->epoch = nla_get_u64(in[BFT_INFO_A_EPOCH]);
		if (in[BFT_INFO_A_STAGED_EPOCH])
			cur->staged = nla_get_u64(in[BFT_INFO_A_STAGED_EPOCH]);
		cur->left = in[BFT_INFO_A_LEFT] && nla_get_u8(in[BFT_INFO_A_LEFT]);
	}
	if (!tb[BFT_A_PEERS])
		return;
	nla_for_each_nested(p, tb[BFT_A_PEERS], rem) {
		if (nla_parse_nested(pt, BFT_PEER_A_MAX, p, NULL) ||
		    !pt[BFT_PEER_A_ID] || !pt[BFT_PEER_A_ENDPOINT])
			continue;
		id = nla_get_u32(pt[BFT_PEER_A_ID]);
		if (id < BFT_MAX_REPLICAS &&
		    (size_t)nla_len(pt[BFT_PEER_A_ENDPOINT]) <=
		    sizeof(cur->peer_ep[id]))
			memcpy(&cur->peer_ep[id], nla_data(pt[BFT_PEER_A_ENDPOINT]),
			       nla_len(pt[BFT_PEER_A_ENDPOINT]));
	}
}

static int parse_running(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[BFT_A_MAX + 1], *pt[BFT_POLICY_A_MAX + 1];
	struct running *cur = arg;
	int attr;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, BFT_A_MAX, NULL))
		return NL_SKIP;
	cur->exists = true;
	parse_membership(cur, tb);
	cur->id = get_u32(tb, BFT_A_REPLICA_ID);
	cur->n = get_u32(tb, BFT_A_N);
	cur->max_n = tb[BFT_A_MAX_N] ? nla_get_u32(tb[BFT_A_MAX_N]) : cur->n;
	cur->n_clients = get_u32(tb, BFT_A_N_CLIENTS);
	if (tb[BFT_A_LISTEN] && nla_len(tb[BFT_A_LISTEN]) >= 2)
		cur->family = ((struct sockaddr *)nla_data(tb[BFT_A_LISTEN]))->sa_family;
	if (tb[BFT_A_POLICY] &&
	    !nla_parse_nested(pt, BFT_POLICY_A_MAX, tb[BFT_A_POLICY], NULL))
		for (attr = 1; attr <= BFT_POLICY_A_MAX; attr++)
			if (pt[attr])
				bft_policy_set(&cur->policy, attr,
					       nla_get_u32(pt[attr]));
	if (tb[BFT_A_CLIENT_MAP])
		memcpy(cur->map, nla_data(tb[BFT_A_CLIENT_MAP]),
		       nla_len(tb[BFT_A_CLIENT_MAP]) < MAP_BYTES ?
		       (size_t)nla_len(tb[BFT_A_CLIENT_MAP]) : MAP_BYTES);
	return NL_OK;
}

static int get_running(struct bft_nl *nl, struct setconf *s)
{
	struct nl_msg *msg = bft_nl_msg(nl, BFT_CMD_REPLICA_GET, 0);
	int err;

	if (!msg || nla_put_string(msg, BFT_A_NAME, s->name)) {
		nlmsg_free(msg);
		return -1;
	}
	err = bft_nl_call_quiet(nl, msg, parse_running, &s->cur);
	if (err && err != -ENOENT) {
		fprintf(stderr, "bftctl: cannot read replica %s: %s\n", s->name,
			strerror(-err));
		return -1;
	}
	s->cur.exists = !err;
	return 0;
}

/* Policy knobs the kernel fixes at creation. */
static bool policy_fixed(int attr)
{
	return attr == BFT_POLICY_A_BATCH_SIZE ||
	       attr == BFT_POLICY_A_BATCH_BYTES ||
	       attr == BFT_POLICY_A_CKPT_INTERVAL ||
	       attr == BFT_POLICY_A_LOG_SIZE;
}

static int check_running(struct setconf *s)
{
	const struct bft_conf *c = s->conf;
	const struct running *cur = &s->cur;
	const char *why = NULL;
	size_t k;
	uint32_t i;

	if (!cur->exists) {
		if (!s->leaving)
			return 0;
		fprintf(stderr, "bftctl: setconf: replica %u is not in %s (n=%u) and replica %s does not exist; nothing applied\n",
			s->id, s->file, c->n_replicas, s->name);
		return -1;
	}
	/* The next epoch may have another n, within what the replica was made for. */
	if (c->epoch == cur->epoch + 1 && c->n_replicas > cur->max_n) {
		fprintf(stderr, "bftctl: %s: epoch %" PRIu64 " has n = %u, above the %u replicas replica %s was created for (its max-n, MaxReplicas); nothing applied\n",
			s->file, c->epoch, c->n_replicas, cur->max_n, s->name);
		return -1;
	}
	if (c->epoch == cur->epoch + 1 && c->max_replicas != cur->max_n) {
		fprintf(stderr, "bftctl: %s: MaxReplicas = %u differs from replica %s's max-n %u: it is fixed at creation and the same in every epoch; nothing applied\n",
			s->file, c->max_replicas, s->name, cur->max_n);
		return -1;
	}
	if (cur->id != s->id)
		why = "its replica id differs from the file's";
	else if (c->epoch != cur->epoch + 1 && cur->n != c->n_replicas)
		why = "its cluster size differs from the file's";
	else if (c->epoch != cur->epoch + 1 && cur->max_n != c->max_replicas)
		why = "its max-n differs from the file's MaxReplicas";
	if (why) {
		fprintf(stderr, "bftctl: replica %s exists but %s (replica %u of %u, file: %u of %u); delete it first (bftctl replica del %s); nothing applied\n",
			s->name, why, cur->id, cur->n, s->id, c->n_replicas,
			s->name);
		return -1;
	}
	for (i = 0; i < c->n_clients; i++)
		if (c->clients[i].id >= cur->n_clients) {
			fprintf(stderr, "bftctl: %s: client %u does not fit replica %s, created for client ids 0..%u; nothing applied\n",
				s->file, c->clients[i].id, s->name,
				cur->n_clients - 1);
			return -1;
		}
	for (k = 0; k < bft_n_policy_keys; k++) {
		int a = bft_policy_keys[k].attr;

		if (policy_fixed(a) && bft_policy_has(&c->policy, a) &&
		    bft_policy_has(&cur->policy, a) &&
		    c->policy.val[a] != cur->policy.val[a]) {
			fprintf(stderr, "bftctl: %s: %s is fixed once the replica exists (%u, file: %u); nothing applied\n",
				s->file, bft_policy_keys[k].conf,
				cur->policy.val[a], c->policy.val[a]);
			return -1;
		}
	}
	return 0;
}

/* Peers must share the listen address's family (the kernel's rule). */
static int check_families(struct setconf *s)
{
	const struct bft_conf *c = s->conf;
	socklen_t len;
	int family;
	uint32_t i;

	if (s->cur.exists)
		family = s->cur.family;
	else if (s->listen && bft_parse_endpoint(s->listen, &s->listen_ss, &len)) {
		fprintf(stderr, "bftctl: listen: expected ADDR:PORT or [ADDR6]:PORT, got '%s'\n",
			s->listen);
		return -1;
	} else if (s->listen)
		family = s->listen_ss.ss_family;
	else
		family = c->replicas[s->id].endpoint.ss_family;
	for (i = 0; i < c->n_replicas; i++)
		if (i != s->id && c->replicas[i].endpoint.ss_family != family) {
			fprintf(stderr, "bftctl: %s: replica %u's Endpoint is %s but replica %s listens on %s; nothing applied\n",
				s->file, i,
				c->replicas[i].endpoint.ss_family == AF_INET6 ?
				"IPv6" : "IPv4", s->name,
				family == AF_INET6 ? "IPv6" : "IPv4");
			return -1;
		}
	return 0;
}

static int send_new_or_set(struct bft_nl *nl, struct setconf *s)
{
	const struct bft_conf *c = s->conf;
	bool exists = s->cur.exists;
	struct nl_msg *msg;

	if (exists && !c->policy.set)
		return 0;
	msg = bft_nl_msg(nl, exists ? BFT_CMD_REPLICA_SET : BFT_CMD_REPLICA_NEW,
			 0);
	if (!msg || nla_put_string(msg, BFT_A_NAME, s->name))
		goto err;
	if (!exists &&
	    (nla_put_u32(msg, BFT_A_REPLICA_ID, s->id) ||
	     nla_put_u32(msg, BFT_A_N, c->n_replicas) ||
	     nla_put_u32(msg, BFT_A_MAX_N, c->max_replicas) ||
	     nla_put_u32(msg, BFT_A_N_CLIENTS, client_count(c)) ||
	     put_sockaddr(msg, BFT_A_LISTEN, s->listen ? &s->listen_ss :
			  &c->replicas[s->id].endpoint) ||
	     nla_put_u64(msg, BFT_A_EPOCH, c->epoch) ||
	     nla_put(msg, BFT_A_CONFIG_DIGEST, BFT_DIGEST_LEN, s->digest) ||
	     (c->admin >= 0 && nla_put_u32(msg, BFT_A_ADMIN, (uint32_t)c->admin))))
		goto err;
	if (put_policy(msg, &c->policy))
		goto err;
	return bft_request(msg, nl);
err:
	nlmsg_free(msg);
	return 1;
}

/* Installs (or replaces) one key; @key is @peer's or the client's. */
static int send_member(struct bft_nl *nl, struct setconf *s, bool peer,
		       uint32_t id, const uint8_t key[BFT_KEY_LEN],
		       const struct sockaddr_storage *ep)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = bft_nl_msg(nl, peer ? BFT_CMD_PEER_NEW : BFT_CMD_CLIENT_NEW, 0);
	if (!msg || nla_put_string(msg, BFT_A_NAME, s->name) ||
	    nla_put_flag(msg, BFT_A_REPLACE))
		goto err;
	nest = nla_nest_start(msg, peer ? BFT_A_PEER : BFT_A_CLIENT);
	if (!nest ||
	    nla_put_u32(msg, peer ? BFT_PEER_A_ID : BFT_CLIENT_A_ID, id) ||
	    nla_put(msg, peer ? BFT_PEER_A_KEY : BFT_CLIENT_A_KEY, BFT_KEY_LEN,
		    key) ||
	    (peer && put_sockaddr(msg, BFT_PEER_A_ENDPOINT, ep)))
		goto err;
	nla_nest_end(msg, nest);
	return bft_request(msg, nl);	/* wipes @msg */
err:
	bft_nl_msg_wipe_free(msg);	/* may hold the key already */
	return 1;
}

/* A CLIENT_DEL of @id, or with @nest_type 0 a REPLICA_DEL. */
static int send_del(struct bft_nl *nl, const char *name, int cmd,
		    int nest_type, uint32_t id)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = bft_nl_msg(nl, cmd, 0);
	if (!msg || nla_put_string(msg, BFT_A_NAME, name))
		goto err;
	if (nest_type) {
		/* BFT_PEER_A_ID == BFT_CLIENT_A_ID */
		nest = nla_nest_start(msg, nest_type);
		if (!nest || nla_put_u32(msg, BFT_CLIENT_A_ID, id))
			goto err;
		nla_nest_end(msg, nest);
	}
	return bft_request(msg, nl);
err:
	nlmsg_free(msg);
	return 1;
}

static bool in_file(const struct bft_conf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_clients; i++)
		if (c->clients[i].id == id)
			return true;
	return false;
}

static int apply(struct bft_nl *nl, struct setconf *s)
{
	const struct bft_conf *c = s->conf;
	uint32_t i, removed = 0;

	if (send_new_or_set(nl, s))
		return 1;
	s->created = !s->cur.exists;
	for (i = 0; i < c->n_replicas; i++)
		if (i != s->id &&
		    send_member(nl, s, true, i, s->peer_key[i],
				&c->replicas[i].endpoint))
			return 1;
	for (i = 0; i < c->n_clients; i++)
		if (send_member(nl, s, false, c->clients[i].id,
				s->client_key[i], NULL))
			return 1;
	for (i = 0; s->cur.exists && i < s->cur.n_clients; i++) {
		if (!map_has(s->cur.map, i) || in_file(c, i))
			continue;
		if (send_del(nl, s->name, BFT_CMD_CLIENT_DEL, BFT_A_CLIENT, i))
			return 1;
		removed++;
	}
	if (removed)
		printf("bftctl: removed %u client key%s no longer in %s\n",
		       removed, removed == 1 ? "" : "s", s->file);
	return 0;
}

static int run(struct setconf *s)
{
	struct bft_nl nl;
	int ret = 1;

	/* A leaving host stages no peer: it needs no key. */
	if (!s->leaving && derive_all(s))
		return 1;
	if (bft_conf_digest(s->conf, s->digest)) {
		fprintf(stderr, "bftctl: cannot compute the configuration digest\n");
		return 1;
	}
	if (bft_nl_open(&nl))
		return 1;
	if (get_running(&nl, s) || check_running(s) || check_families(s))
		goto out;
	switch (setconf_check_epoch(s)) {
	case 0:
		ret = apply(&nl, s);
		break;
	case 1:
		ret = setconf_stage(&nl, s);
		break;
	}
	if (ret && s->created &&
	    !send_del(&nl, s->name, BFT_CMD_REPLICA_DEL, 0, 0))
		fprintf(stderr, "bftctl: setconf failed; deleted replica %s again\n",
			s->name);
out:
	bft_nl_close(&nl);
	return ret;
}

int cmd_setconf(int argc, char **argv)
{
	struct setconf s = { 0 };
	const char *keyfile;
	uint8_t pub[BFT_KEY_LEN];
	struct bft_conf conf;
	char err[512];
	int64_t id;
	int i, ret = 1;

	if (argc < 3)
		return usage_error("setconf", "missing %s", argc < 2 ? "NAME" : "FILE");
	/* The keywords first: a usage error before any file is read. */
	id = -1;
	keyfile = NULL;
	for (i = 3; i < argc; i += 2) {
		struct sockaddr_storage ss;
		socklen_t sslen;
		uint32_t v;

		if (strcmp(argv[i], "replica") && strcmp(argv[i], "private-key") &&
		    strcmp(argv[i], "listen"))
			return usage_error("setconf", "unknown keyword '%s'", argv[i]);
		if (i + 1 >= argc)
			return usage_error("setconf", "'%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "replica")) {
			if (bft_arg_u32("replica", argv[i + 1], 0, BFT_MAX_REPLICAS - 1, &v))
				return BFTCTL_EXIT_USAGE;
			id = v;
		} else if (!strcmp(argv[i], "private-key")) {
			keyfile = argv[i + 1];
		} else {
			if (bft_parse_endpoint(argv[i + 1], &ss, &sslen))
				return usage_error("setconf", "listen: expected ADDR:PORT or [ADDR6]:PORT, got '%s'",
						   argv[i + 1]);
			s.listen = argv[i + 1];
		}
	}
	if (bft_conf_load(argv[2], &conf, err, sizeof(err))) {
		fprintf(stderr, "bftctl: %s\n", err);
		return 1;
	}
	s.name = argv[1];
	s.file = argv[2];
	s.conf = &conf;
	if (id < 0)
		id = conf.local_replica;
	else if (id >= conf.max_replicas) {
		fprintf(stderr, "bftctl: setconf: replica %" PRId64 " is not in %s (n=%u, MaxReplicas=%u)\n",
			id, argv[2], conf.n_replicas, conf.max_replicas);
		goto out;
	}
	if (!keyfile)
		keyfile = conf.private_key_file;
	/* Above the file's n: a host that leaves; checked against its replica. */
	s.leaving = id >= conf.n_replicas;
	if (id < 0 || (!keyfile && !s.leaving)) {
		fprintf(stderr, "bftctl: setconf: which replica is this? give 'replica ID' and 'private-key FILE' or a [Local] section\n");
		goto out;
	}
	s.id = (uint32_t)id;
	if (s.leaving) {
		ret = run(&s);
		goto out;
	}
	if (bft_key_read_file(keyfile, s.priv)) {
		fprintf(stderr, "bftctl: %s: not a base64 X25519 private key\n", keyfile);
		goto out;
	}
	if (bft_key_public(s.priv, pub) ||
	    memcmp(pub, conf.replicas[s.id].pub, BFT_KEY_LEN)) {
		fprintf(stderr, "bftctl: %s does not match the PublicKey of replica %u in %s\n",
			keyfile, s.id, argv[2]);
		goto out;
	}
	ret = run(&s);
out:
	wipe_keys(&s);
	bft_conf_free(&conf);
	return ret;
}
