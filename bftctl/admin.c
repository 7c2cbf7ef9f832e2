// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl replica / peer / client / set / view-change: configuration
 * commands, each one netlink request; the kernel validates everything
 * again and explains refusals through extack.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>

#include <linux/bft.h>
#include <linux/bft_kv.h>

#include "admin.h"
#include "args.h"
#include "bftctl.h"
#include "nl.h"

int bft_request(struct nl_msg *msg, struct bft_nl *nl)
{
	int err = bft_nl_call(nl, msg, NULL, NULL);

	if (err && err != -EPERM)
		fprintf(stderr, "bftctl: %s\n", strerror(-err));
	return err ? 1 : 0;
}

/* Runs @build on a fresh request for @cmd and sends it. */
int bft_simple(int cmd, int flags, int (*build)(struct nl_msg *, void *),
	       void *arg)
{
	struct bft_nl nl;
	struct nl_msg *msg;
	int ret = 1;

	if (bft_nl_open(&nl))
		return 1;
	msg = bft_nl_msg(&nl, cmd, flags);
	if (!msg)
		goto out;
	if (build(msg, arg)) {
		nlmsg_free(msg);
		goto out;
	}
	ret = bft_request(msg, &nl);
out:
	bft_nl_close(&nl);
	return ret;
}

struct replica_add {
	int argc;
	char **argv;
};

static int need_value(int argc, char **argv)
{
	if (argc >= 2)
		return 0;
	fprintf(stderr, "bftctl: '%s' needs a value\n", argv[0]);
	return -1;
}

/* Key-value service limits; the kernel checks them again. */
static int service_attr(const char *kw, uint32_t *max)
{
	static const struct {
		const char *kw;
		int attr;
		uint32_t max;
	} kws[] = {
		{ "max-keys", BFT_SERVICE_A_MAX_KEYS, UINT32_MAX },
		{ "max-key-len", BFT_SERVICE_A_MAX_KEY_LEN, BFT_KV_KEY_MAX },
		{ "max-value-len", BFT_SERVICE_A_MAX_VALUE_LEN, BFT_KV_VALUE_MAX },
	};
	size_t i;

	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (!strcmp(kw, kws[i].kw)) {
			*max = kws[i].max;
			return kws[i].attr;
		}
	return 0;
}

static int build_replica_add(struct nl_msg *msg, void *arg)
{
	struct replica_add *ra = arg;
	struct bft_conf_policy pol = { 0 };
	char **argv = ra->argv;
	int argc = ra->argc;
	struct nlattr *svc = NULL;
	uint32_t v, max;
	int used;

	if (nla_put_string(msg, BFT_A_NAME, argv[0]))
		return -1;
	for (argc--, argv++; argc > 0; argc -= used, argv += used) {
		used = arg_policy(argc, argv, &pol);
		if (used < 0)
			return -1;
		if (used)
			continue;
		if (need_value(argc, argv))
			return -1;
		used = 2;
		if (!strcmp(argv[0], "id")) {
			if (arg_u32("id", argv[1], 0, BFT_MAX_REPLICAS - 1, &v) ||
			    nla_put_u32(msg, BFT_A_REPLICA_ID, v))
				return -1;
		} else if (!strcmp(argv[0], "n")) {
			if (arg_u32("n", argv[1], 4, BFT_MAX_REPLICAS, &v) ||
			    nla_put_u32(msg, BFT_A_N, v))
				return -1;
		} else if (!strcmp(argv[0], "clients")) {
			if (arg_u32("clients", argv[1], 1, BFT_NL_MAX_CLIENTS, &v) ||
			    nla_put_u32(msg, BFT_A_N_CLIENTS, v))
				return -1;
		} else if (!strcmp(argv[0], "listen")) {
			if (put_endpoint(msg, BFT_A_LISTEN, "listen", argv[1]))
				return -1;
		} else if (service_attr(argv[0], &max)) {
			if (arg_u32(argv[0], argv[1], 0, max, &v))
				return -1;
			if (!svc)
				svc = nla_nest_start(msg, BFT_A_SERVICE);
			if (!svc || nla_put_u32(msg, service_attr(argv[0], &max), v))
				return -1;
		} else {
			fprintf(stderr, "bftctl: replica add: unknown keyword '%s'\n",
				argv[0]);
			return -1;
		}
	}
	if (svc)
		nla_nest_end(msg, svc);
	return put_policy(msg, &pol);
}

static int build_name(struct nl_msg *msg, void *arg)
{
	return nla_put_string(msg, BFT_A_NAME, arg);
}

static void usage_replica(void)
{
	fprintf(stderr,
		"usage: bftctl replica add NAME id ID n N listen ADDR:PORT [clients C]\n"
		"                          [max-keys K] [max-key-len L] [max-value-len V] [POLICY]\n"
		"       bftctl replica del NAME\n"
		"       bftctl replica show [NAME]\n");
	usage_policy();
}

int cmd_replica(int argc, char **argv)
{
	struct replica_add ra;

	if (argc >= 2 && !strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	if (argc < 3) {
		usage_replica();
		return 1;
	}
	if (!strcmp(argv[1], "add")) {
		ra.argc = argc - 2;
		ra.argv = argv + 2;
		return bft_simple(BFT_CMD_REPLICA_NEW, 0, build_replica_add, &ra);
	}
	if (!strcmp(argv[1], "del") && argc == 3)
		return bft_simple(BFT_CMD_REPLICA_DEL, 0, build_name, argv[2]);
	usage_replica();
	return 1;
}

static int build_set(struct nl_msg *msg, void *arg)
{
	struct replica_add *ra = arg;
	struct bft_conf_policy pol = { 0 };
	int i, used;

	if (nla_put_string(msg, BFT_A_NAME, ra->argv[0]))
		return -1;
	for (i = 1; i < ra->argc; i += used) {
		used = arg_policy(ra->argc - i, ra->argv + i, &pol);
		if (used < 0)
			return -1;
		if (!used) {
			fprintf(stderr, "bftctl: set: unknown keyword '%s'\n",
				ra->argv[i]);
			usage_policy();
			return -1;
		}
	}
	if (!pol.set) {
		fprintf(stderr, "bftctl: set: nothing to set\n");
		usage_policy();
		return -1;
	}
	return put_policy(msg, &pol);
}

int cmd_set(int argc, char **argv)
{
	struct replica_add ra = { argc - 1, argv + 1 };

	if (argc < 3) {
		fprintf(stderr, "usage: bftctl set NAME POLICY...\n");
		usage_policy();
		return 1;
	}
	return bft_simple(BFT_CMD_REPLICA_SET, 0, build_set, &ra);
}

int cmd_view_change(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bftctl view-change NAME\n");
		return 1;
	}
	return bft_simple(BFT_CMD_VIEW_CHANGE, 0, build_name, argv[1]);
}

struct member {
	bool peer;
	bool del;
	bool replace;
	int argc;
	char **argv;
};

static int build_member(struct nl_msg *msg, void *arg)
{
	struct member *m = arg;
	uint8_t key[BFT_KEY_LEN];
	struct nlattr *nest;
	bool have_key = false;
	uint32_t v;
	int i, err = -1;

	if (nla_put_string(msg, BFT_A_NAME, m->argv[0]) ||
	    (m->replace && nla_put_flag(msg, BFT_A_REPLACE)))
		return -1;
	nest = nla_nest_start(msg, m->peer ? BFT_A_PEER : BFT_A_CLIENT);
	if (!nest)
		return -1;
	for (i = 1; i < m->argc; i += 2) {
		const char *kw = m->argv[i];

		if (need_value(m->argc - i, m->argv + i))
			goto out;
		if (!strcmp(kw, "id")) {
			if (arg_u32("id", m->argv[i + 1], 0, m->peer ?
				    BFT_MAX_REPLICAS - 1 : BFT_NL_MAX_CLIENTS - 1, &v) ||
			    nla_put_u32(msg, m->peer ? BFT_PEER_A_ID :
					BFT_CLIENT_A_ID, v))
				goto out;
		} else if (!m->del && m->peer && !strcmp(kw, "endpoint")) {
			if (put_endpoint(msg, BFT_PEER_A_ENDPOINT, kw,
					 m->argv[i + 1]))
				goto out;
		} else if (!m->del && (!strcmp(kw, "key") ||
				       !strcmp(kw, "key-file"))) {
			if (arg_key(kw, m->argv[i + 1], key) ||
			    nla_put(msg, m->peer ? BFT_PEER_A_KEY :
				    BFT_CLIENT_A_KEY, BFT_KEY_LEN, key))
				goto out;
			have_key = true;
		} else if (!m->del && !strcmp(kw, "key-id")) {
			if (arg_u32(kw, m->argv[i + 1], 0, 255, &v) ||
			    nla_put_u8(msg, m->peer ? BFT_PEER_A_KEY_ID :
				       BFT_CLIENT_A_KEY_ID, (uint8_t)v))
				goto out;
		} else {
			fprintf(stderr, "bftctl: unknown keyword '%s'\n", kw);
			goto out;
		}
	}
	nla_nest_end(msg, nest);
	err = 0;
out:
	if (have_key)
		bft_key_wipe(key, sizeof(key));
	return err;
}

static int member_cmd(bool peer, int argc, char **argv)
{
	struct member m = { .peer = peer };

	if (argc < 3 || (strcmp(argv[1], "add") && strcmp(argv[1], "del"))) {
		fprintf(stderr, peer ?
			"usage: bftctl peer add NAME id ID endpoint ADDR:PORT (key B64 | key-file F) [key-id N] [replace]\n"
			"       bftctl peer del NAME id ID\n" :
			"usage: bftctl client add NAME id ID (key B64 | key-file F) [key-id N] [replace]\n"
			"       bftctl client del NAME id ID\n");
		return 1;
	}
	m.del = !strcmp(argv[1], "del");
	m.argc = argc - 2;
	m.argv = argv + 2;
	if (!m.del && !strcmp(argv[argc - 1], "replace")) {
		m.replace = true;
		m.argc--;
	}
	return bft_simple(m.del ? (peer ? BFT_CMD_PEER_DEL : BFT_CMD_CLIENT_DEL) :
			  (peer ? BFT_CMD_PEER_NEW : BFT_CMD_CLIENT_NEW),
			  0, build_member, &m);
}

int cmd_peer(int argc, char **argv)
{
	return member_cmd(true, argc, argv);
}

int cmd_client(int argc, char **argv)
{
	return member_cmd(false, argc, argv);
}
