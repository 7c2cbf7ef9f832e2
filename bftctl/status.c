// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl version / show: module status in the current network namespace.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/attr.h>

#include <linux/bft.h>

#include "bftctl.h"
#include "nl.h"

static int parse_status(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[BFT_A_MAX + 1];
	struct status *st = arg;
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, BFT_A_MAX, NULL);
	if (err < 0)
		return NL_SKIP;
	if (tb[BFT_A_VERSION])
		nla_strlcpy(st->version, tb[BFT_A_VERSION], sizeof(st->version));
	if (tb[BFT_A_PROTO_VERSION])
		st->proto = nla_get_u32(tb[BFT_A_PROTO_VERSION]);
	if (tb[BFT_A_NETNS_COOKIE])
		st->cookie = nla_get_u64(tb[BFT_A_NETNS_COOKIE]);
	if (tb[BFT_A_NR_REPLICAS])
		st->nr_replicas = nla_get_u32(tb[BFT_A_NR_REPLICAS]);
	return NL_OK;
}

int get_status(struct status *st)
{
	return get_status_quiet(st, false);
}

int get_status_quiet(struct status *st, bool quiet)
{
	struct bft_nl nl;
	struct nl_msg *msg;
	int err;

	memset(st, 0, sizeof(*st));
	err = bft_nl_open_quiet(&nl, quiet);
	if (err)
		return err == -ENOENT && quiet ? -ENOENT : -1;
	msg = bft_nl_msg(&nl, BFT_CMD_GET_STATUS, 0);
	if (!msg) {
		bft_nl_close(&nl);
		return -1;
	}
	err = bft_nl_call(&nl, msg, parse_status, st);
	bft_nl_close(&nl);
	if (err) {
		fprintf(stderr, "bftctl: status: %s\n", strerror(-err));
		return -1;
	}
	return 0;
}

int cmd_version(int argc, char **argv)
{
	struct json_object *o;
	struct status st;
	int err;

	if (argc > 1)
		return usage_error("version", "unexpected argument '%s'", argv[1]);
	/* The tool's version even without the module, as wg does. */
	err = get_status_quiet(&st, true);
	if (err && err != -ENOENT)
		return 1;
	if (!opts.json) {
		if (err)
			printf("bftctl %s, bft module not loaded\n", BFTCTL_VERSION);
		else
			printf("bftctl %s, bft module %s, wire protocol %u\n",
			       BFTCTL_VERSION, st.version, st.proto);
		return 0;
	}
	o = json_object_new_object();
	json_object_object_add(o, "bftctl", json_object_new_string(BFTCTL_VERSION));
	json_object_object_add(o, "module", err ? NULL :
			       json_object_new_string(st.version));
	json_object_object_add(o, "protocol", err ? NULL :
			       json_object_new_int64(st.proto));
	print_json(o);
	return 0;
}
