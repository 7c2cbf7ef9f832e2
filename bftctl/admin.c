// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl replica / peer / client / set / view-change: configuration
 * commands, each one netlink request. The whole command line is parsed
 * and checked into a struct before the kernel is contacted; the kernel
 * validates everything again (required attributes included) and
 * explains refusals through extack.
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
		bft_nl_msg_wipe_free(msg);
		goto out;
	}
	ret = bft_request(msg, &nl);
out:
	bft_nl_close(&nl);
	return ret;
}

/* Keyword @argv[0] needs a value and may be given once. */
static int keyword(const char *cmd, int argc, char **argv, bool *seen)
{
	if (argc < 2) {
		usage_error(cmd, "'%s' needs a value", argv[0]);
		return -1;
	}
	if (*seen) {
		usage_error(cmd, "'%s' given twice", argv[0]);
		return -1;
	}
	*seen = true;
	return 0;
}

/* Key-value service limits; the kernel checks them again. */
static const struct {
	const char *kw;
	int attr;
	uint32_t max;
} service_kws[] = {
	{ "max-keys", BFT_SERVICE_A_MAX_KEYS, UINT32_MAX },
	{ "max-key-len", BFT_SERVICE_A_MAX_KEY_LEN, BFT_KV_KEY_MAX },
	{ "max-value-len", BFT_SERVICE_A_MAX_VALUE_LEN, BFT_KV_VALUE_MAX },
};
#define N_SERVICE_KWS	(sizeof(service_kws) / sizeof(service_kws[0]))

static int service_kw(const char *kw)
{
	size_t i;

	for (i = 0; i < N_SERVICE_KWS; i++)
		if (!strcmp(kw, service_kws[i].kw))
			return (int)i;
	return -1;
}

struct replica_args {
	const char *name;
	uint32_t id, n, clients, svc[N_SERVICE_KWS];
	bool have_id, have_n, have_clients, have_listen;
	bool have_svc[N_SERVICE_KWS];
	struct sockaddr_storage listen;
	struct bft_conf_policy pol;
};

static int parse_endpoint(const char *cmd, const char *kw, const char *s,
			  struct sockaddr_storage *ss)
{
	socklen_t len;

	if (!bft_parse_endpoint(s, ss, &len))
		return 0;
	usage_error(cmd, "%s: expected ADDR:PORT or [ADDR6]:PORT, got '%s'",
		    kw, s);
	return -1;
}

static int parse_replica_add(int argc, char **argv, struct replica_args *ra)
{
	int used, k;

	ra->name = argv[0];
	for (argc--, argv++; argc > 0; argc -= used, argv += used) {
		used = arg_policy(argc, argv, &ra->pol);
		if (used < 0)
			return -1;
		if (used)
			continue;
		used = 2;
		k = service_kw(argv[0]);
		if (!strcmp(argv[0], "id")) {
			if (keyword("replica", argc, argv, &ra->have_id) ||
			    bft_arg_u32("id", argv[1], 0, BFT_MAX_REPLICAS - 1, &ra->id))
				return -1;
		} else if (!strcmp(argv[0], "n")) {
			if (keyword("replica", argc, argv, &ra->have_n) ||
			    bft_arg_u32("n", argv[1], 4, BFT_MAX_REPLICAS, &ra->n))
				return -1;
		} else if (!strcmp(argv[0], "clients")) {
			if (keyword("replica", argc, argv, &ra->have_clients) ||
			    bft_arg_u32("clients", argv[1], 1, BFT_NL_MAX_CLIENTS,
					&ra->clients))
				return -1;
		} else if (!strcmp(argv[0], "listen")) {
			if (keyword("replica", argc, argv, &ra->have_listen) ||
			    parse_endpoint("replica", "listen", argv[1], &ra->listen))
				return -1;
		} else if (k >= 0) {
			if (keyword("replica", argc, argv, &ra->have_svc[k]) ||
			    bft_arg_u32(argv[0], argv[1], 0, service_kws[k].max,
					&ra->svc[k]))
				return -1;
		} else {
			usage_error("replica", "unknown keyword '%s'", argv[0]);
			return -1;
		}
	}
	return 0;
}

static int build_replica_add(struct nl_msg *msg, void *arg)
{
	struct replica_args *ra = arg;
	struct nlattr *svc = NULL;
	size_t k;

	if (nla_put_string(msg, BFT_A_NAME, ra->name) ||
	    (ra->have_id && nla_put_u32(msg, BFT_A_REPLICA_ID, ra->id)) ||
	    (ra->have_n && nla_put_u32(msg, BFT_A_N, ra->n)) ||
	    (ra->have_clients && nla_put_u32(msg, BFT_A_N_CLIENTS, ra->clients)) ||
	    (ra->have_listen && put_sockaddr(msg, BFT_A_LISTEN, &ra->listen)))
		return -1;
	for (k = 0; k < N_SERVICE_KWS; k++) {
		if (!ra->have_svc[k])
			continue;
		if (!svc)
			svc = nla_nest_start(msg, BFT_A_SERVICE);
		if (!svc || nla_put_u32(msg, service_kws[k].attr, ra->svc[k]))
			return -1;
	}
	if (svc)
		nla_nest_end(msg, svc);
	return put_policy(msg, &ra->pol);
}

static int build_name(struct nl_msg *msg, void *arg)
{
	return nla_put_string(msg, BFT_A_NAME, arg);
}

int cmd_replica(int argc, char **argv)
{
	struct replica_args ra = { 0 };

	if (argc >= 2 && !strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	if (argc < 2)
		return usage_error("replica", "missing sub-command");
	if (strcmp(argv[1], "add") && strcmp(argv[1], "del"))
		return usage_error("replica", "unknown sub-command '%s'", argv[1]);
	if (argc < 3)
		return usage_error("replica", "missing NAME");
	if (!strcmp(argv[1], "del")) {
		if (argc > 3)
			return usage_error("replica", "unexpected argument '%s'",
					   argv[3]);
		return bft_simple(BFT_CMD_REPLICA_DEL, 0, build_name, argv[2]);
	}
	if (parse_replica_add(argc - 2, argv + 2, &ra))
		return BFTCTL_EXIT_USAGE;
	return bft_simple(BFT_CMD_REPLICA_NEW, 0, build_replica_add, &ra);
}

struct set_args {
	const char *name;
	struct bft_conf_policy pol;
};

static int build_set(struct nl_msg *msg, void *arg)
{
	struct set_args *sa = arg;

	if (nla_put_string(msg, BFT_A_NAME, sa->name))
		return -1;
	return put_policy(msg, &sa->pol);
}

int cmd_set(int argc, char **argv)
{
	struct set_args sa = { 0 };
	bool rotate = false;
	int i, used, ret = 0;

	if (argc < 2)
		return usage_error("set", "missing NAME");
	if (argc < 3)
		return usage_error("set", "nothing to set");
	sa.name = argv[1];
	for (i = 2; i < argc; i += used) {
		/* Not a policy: an action, once (see Rotating keys). */
		if (!strcmp(argv[i], "rotate-keys")) {
			if (rotate)
				return usage_error("set", "rotate-keys given twice");
			rotate = true;
			used = 1;
			continue;
		}
		used = arg_policy(argc - i, argv + i, &sa.pol);
		if (used < 0)
			return BFTCTL_EXIT_USAGE;
		if (!used)
			return usage_error("set", "unknown keyword '%s'", argv[i]);
	}
	if (argc - 2 > (int)rotate)
		ret = bft_simple(BFT_CMD_REPLICA_SET, 0, build_set, &sa);
	if (!ret && rotate)
		ret = bft_simple(BFT_CMD_KEYS_ROTATE, 0, build_name,
				 (void *)sa.name);
	return ret;
}

int cmd_view_change(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("view-change", "missing NAME");
	if (argc > 2)
		return usage_error("view-change", "unexpected argument '%s'",
				   argv[2]);
	return bft_simple(BFT_CMD_VIEW_CHANGE, 0, build_name, argv[1]);
}

struct member {
	const char *cmd;		/* "peer" or "client" */
	const char *name;
	bool peer, del, replace;
	bool have_id, have_ep, have_key, have_key_id;
	uint32_t id, key_id;
	struct sockaddr_storage ep;
	uint8_t key[BFT_KEY_LEN];
};

static int parse_member(int argc, char **argv, struct member *m)
{
	const char *kw;
	int i;

	m->name = argv[0];
	for (i = 1; i < argc; i += 2) {
		kw = argv[i];
		if (!m->del && !strcmp(kw, "replace")) {
			m->replace = true;
			i--;
			continue;
		}
		if (!strcmp(kw, "id")) {
			if (keyword(m->cmd, argc - i, argv + i, &m->have_id) ||
			    bft_arg_u32("id", argv[i + 1], 0, m->peer ?
					BFT_MAX_REPLICAS - 1 : BFT_NL_MAX_CLIENTS - 1,
					&m->id))
				return -1;
		} else if (!m->del && m->peer && !strcmp(kw, "endpoint")) {
			if (keyword(m->cmd, argc - i, argv + i, &m->have_ep) ||
			    parse_endpoint(m->cmd, kw, argv[i + 1], &m->ep))
				return -1;
		} else if (!m->del && (!strcmp(kw, "key") ||
				       !strcmp(kw, "key-file"))) {
			if (keyword(m->cmd, argc - i, argv + i, &m->have_key) ||
			    arg_key(kw, argv[i + 1], m->key))
				return -1;
		} else if (!m->del && !strcmp(kw, "key-id")) {
			if (keyword(m->cmd, argc - i, argv + i, &m->have_key_id) ||
			    bft_arg_u32(kw, argv[i + 1], 0, 255, &m->key_id))
				return -1;
		} else {
			usage_error(m->cmd, "unknown keyword '%s'", kw);
			return -1;
		}
	}
	return 0;
}

static int build_member(struct nl_msg *msg, void *arg)
{
	struct member *m = arg;
	struct nlattr *nest;

	if (nla_put_string(msg, BFT_A_NAME, m->name) ||
	    (m->replace && nla_put_flag(msg, BFT_A_REPLACE)))
		return -1;
	nest = nla_nest_start(msg, m->peer ? BFT_A_PEER : BFT_A_CLIENT);
	if (!nest)
		return -1;
	if ((m->have_id &&
	     nla_put_u32(msg, m->peer ? BFT_PEER_A_ID : BFT_CLIENT_A_ID, m->id)) ||
	    (m->have_ep && put_sockaddr(msg, BFT_PEER_A_ENDPOINT, &m->ep)) ||
	    (m->have_key &&
	     nla_put(msg, m->peer ? BFT_PEER_A_KEY : BFT_CLIENT_A_KEY,
		     BFT_KEY_LEN, m->key)) ||
	    (m->have_key_id &&
	     nla_put_u8(msg, m->peer ? BFT_PEER_A_KEY_ID : BFT_CLIENT_A_KEY_ID,
			(uint8_t)m->key_id)))
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

static int member_cmd(bool peer, int argc, char **argv)
{
	struct member m = { .cmd = argv[0], .peer = peer };
	int ret;

	if (argc < 2)
		return usage_error(m.cmd, "missing sub-command");
	if (strcmp(argv[1], "add") && strcmp(argv[1], "del"))
		return usage_error(m.cmd, "unknown sub-command '%s'", argv[1]);
	if (argc < 3)
		return usage_error(m.cmd, "missing NAME");
	m.del = !strcmp(argv[1], "del");
	if (parse_member(argc - 2, argv + 2, &m))
		ret = BFTCTL_EXIT_USAGE;
	else
		ret = bft_simple(m.del ? (peer ? BFT_CMD_PEER_DEL : BFT_CMD_CLIENT_DEL) :
				 (peer ? BFT_CMD_PEER_NEW : BFT_CMD_CLIENT_NEW),
				 0, build_member, &m);
	bft_key_wipe(m.key, sizeof(m.key));
	return ret;
}

int cmd_peer(int argc, char **argv)
{
	return member_cmd(true, argc, argv);
}

int cmd_client(int argc, char **argv)
{
	return member_cmd(false, argc, argv);
}
