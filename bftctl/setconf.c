// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl setconf: apply a cluster configuration file to a local replica.
 * The X25519 private key never leaves this process: every pairwise key is
 * derived here with HKDF and only the symmetric keys reach the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include <linux/bft.h>

#include "admin.h"
#include "args.h"
#include "bftctl.h"
#include "nl.h"

struct setconf {
	const char *name;
	const struct bft_conf *conf;
	uint32_t id;
	uint8_t priv[BFT_KEY_LEN];
	const char *listen;
};

static uint32_t client_count(const struct bft_conf *c)
{
	uint32_t i, n = 1;

	for (i = 0; i < c->n_clients; i++)
		if (c->clients[i].id + 1 > n)
			n = c->clients[i].id + 1;
	return n;
}

static int replica_exists(struct bft_nl *nl, const char *name, bool *exists)
{
	struct nl_msg *msg = bft_nl_msg(nl, BFT_CMD_REPLICA_GET, 0);
	int err;

	if (!msg || nla_put_string(msg, BFT_A_NAME, name)) {
		nlmsg_free(msg);
		return -1;
	}
	err = bft_nl_call_quiet(nl, msg, NULL, NULL);
	*exists = !err;
	return err && err != -ENOENT ? -1 : 0;
}

static int send_new_or_set(struct bft_nl *nl, struct setconf *s, bool exists)
{
	const struct bft_conf *c = s->conf;
	struct nl_msg *msg;

	msg = bft_nl_msg(nl, exists ? BFT_CMD_REPLICA_SET : BFT_CMD_REPLICA_NEW,
			 0);
	if (!msg || nla_put_string(msg, BFT_A_NAME, s->name))
		goto err;
	if (!exists) {
		if (nla_put_u32(msg, BFT_A_REPLICA_ID, s->id) ||
		    nla_put_u32(msg, BFT_A_N, c->n_replicas) ||
		    nla_put_u32(msg, BFT_A_N_CLIENTS, client_count(c)))
			goto err;
		if (s->listen ? put_endpoint(msg, BFT_A_LISTEN, "listen", s->listen) :
		    put_sockaddr(msg, BFT_A_LISTEN, &c->replicas[s->id].endpoint))
			goto err;
	} else if (!c->policy.set) {
		nlmsg_free(msg);
		return 0;
	}
	if (put_policy(msg, &c->policy))
		goto err;
	return bft_request(msg, nl);
err:
	nlmsg_free(msg);
	return 1;
}

static int send_member(struct bft_nl *nl, struct setconf *s, bool peer,
		       uint32_t id, const uint8_t pub[BFT_KEY_LEN],
		       const struct sockaddr_storage *ep)
{
	struct bft_principal_id me = { BFT_PRINCIPAL_REPLICA, s->id };
	struct bft_principal_id them = {
		peer ? BFT_PRINCIPAL_REPLICA : BFT_PRINCIPAL_CLIENT, id
	};
	uint8_t key[BFT_KEY_LEN];
	struct nlattr *nest;
	struct nl_msg *msg;
	int ret = 1;

	if (bft_key_pairwise(s->priv, pub, s->conf->name, me, them, key)) {
		fprintf(stderr, "bftctl: cannot derive the key for %s %u (bad public key?)\n",
			peer ? "replica" : "client", id);
		return 1;
	}
	msg = bft_nl_msg(nl, peer ? BFT_CMD_PEER_NEW : BFT_CMD_CLIENT_NEW, 0);
	if (!msg || nla_put_string(msg, BFT_A_NAME, s->name) ||
	    nla_put_flag(msg, BFT_A_REPLACE))
		goto out;
	nest = nla_nest_start(msg, peer ? BFT_A_PEER : BFT_A_CLIENT);
	if (!nest ||
	    nla_put_u32(msg, peer ? BFT_PEER_A_ID : BFT_CLIENT_A_ID, id) ||
	    nla_put(msg, peer ? BFT_PEER_A_KEY : BFT_CLIENT_A_KEY, BFT_KEY_LEN,
		    key) ||
	    (peer && put_sockaddr(msg, BFT_PEER_A_ENDPOINT, ep)))
		goto out;
	nla_nest_end(msg, nest);
	ret = bft_request(msg, nl);
	msg = NULL;
out:
	bft_nl_msg_wipe_free(msg);	/* may hold the key already */
	/* The kernel copied it into its transform; wipe ours too. */
	bft_key_wipe(key, sizeof(key));
	return ret;
}

static int apply(struct setconf *s)
{
	const struct bft_conf *c = s->conf;
	struct bft_nl nl;
	bool exists;
	uint32_t i;
	int ret = 1;

	if (bft_nl_open(&nl))
		return 1;
	if (replica_exists(&nl, s->name, &exists) ||
	    send_new_or_set(&nl, s, exists))
		goto out;
	for (i = 0; i < c->n_replicas; i++)
		if (i != s->id &&
		    send_member(&nl, s, true, i, c->replicas[i].pub,
				&c->replicas[i].endpoint))
			goto out;
	for (i = 0; i < c->n_clients; i++)
		if (send_member(&nl, s, false, c->clients[i].id,
				c->clients[i].pub, NULL))
			goto out;
	ret = 0;
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

	if (argc < 3 || (argc - 3) % 2) {
		fprintf(stderr, "usage: bftctl setconf NAME FILE [replica ID] [private-key FILE] [listen ADDR:PORT]\n");
		return 1;
	}
	if (bft_conf_load(argv[2], &conf, err, sizeof(err))) {
		fprintf(stderr, "bftctl: %s\n", err);
		return 1;
	}
	s.name = argv[1];
	s.conf = &conf;
	id = conf.local_replica;
	keyfile = conf.private_key_file;
	for (i = 3; i < argc; i += 2) {
		uint32_t v;

		if (!strcmp(argv[i], "replica")) {
			if (arg_u32("replica", argv[i + 1], 0, conf.n_replicas - 1, &v))
				goto out;
			id = v;
		} else if (!strcmp(argv[i], "private-key")) {
			keyfile = argv[i + 1];
		} else if (!strcmp(argv[i], "listen")) {
			s.listen = argv[i + 1];
		} else {
			fprintf(stderr, "bftctl: setconf: unknown keyword '%s'\n", argv[i]);
			goto out;
		}
	}
	if (id < 0 || !keyfile) {
		fprintf(stderr, "bftctl: setconf: which replica is this? give 'replica ID' and 'private-key FILE' or a [Local] section\n");
		goto out;
	}
	s.id = (uint32_t)id;
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
	ret = apply(&s);
out:
	bft_key_wipe(s.priv, sizeof(s.priv));
	bft_conf_free(&conf);
	return ret;
}
