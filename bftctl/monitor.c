// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl monitor [events|log|all]: follow the multicast groups. Events
 * report view changes, checkpoints and evidence of misbehaviour; the log
 * group carries every executed batch, in order, per replica.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>

#include <linux/bft.h>
#include <linux/bft_wire.h>

#include "bftctl.h"
#include "engine.h"
#include "names.h"
#include "nl.h"

/* bft_event_name() takes the engine's values: the netlink ones match. */
_Static_assert((int)BFT_EVENT_VIEW_CHANGE == (int)BFT_EV_VIEW_CHANGE &&
	       (int)BFT_EVENT_NEW_VIEW == (int)BFT_EV_NEW_VIEW &&
	       (int)BFT_EVENT_CHECKPOINT == (int)BFT_EV_CHECKPOINT &&
	       (int)BFT_EVENT_STABLE == (int)BFT_EV_STABLE &&
	       (int)BFT_EVENT_EVIDENCE == (int)BFT_EV_EVIDENCE &&
	       (int)BFT_EVENT_XFER_START == (int)BFT_EV_XFER_START &&
	       (int)BFT_EVENT_XFER_DONE == (int)BFT_EV_XFER_DONE &&
	       (int)BFT_EVENT_VIEW_JUMP == (int)BFT_EV_VIEW_JUMP &&
	       (int)BFT_EVENT_SEED_REJECTED == (int)BFT_EV_SEED_REJECTED,
	       "netlink event values differ from the engine's");

static uint64_t u64_of(struct nlattr **tb, int t)
{
	return tb[t] ? nla_get_u64(tb[t]) : 0;
}

static void on_event(struct json_object *o, struct nlattr *nest)
{
	struct nlattr *tb[BFT_EVENT_A_MAX + 1];
	uint32_t type;

	if (nla_parse_nested(tb, BFT_EVENT_A_MAX, nest, NULL) || !tb[BFT_EVENT_A_TYPE])
		return;
	type = nla_get_u32(tb[BFT_EVENT_A_TYPE]);
	json_object_object_add(o, "event", json_object_new_string(
		type < __BFT_EV_MAX ? bft_event_name(type) : "unknown"));
	json_object_object_add(o, "view", json_object_new_uint64(u64_of(tb, BFT_EVENT_A_VIEW)));
	json_object_object_add(o, "seq", json_object_new_uint64(u64_of(tb, BFT_EVENT_A_SEQ)));
	if (tb[BFT_EVENT_A_REPLICA])
		json_object_object_add(o, "replica", json_object_new_uint64(nla_get_u32(tb[BFT_EVENT_A_REPLICA])));
	if (type == BFT_EVENT_EVIDENCE && tb[BFT_EVENT_A_KIND])
		json_object_object_add(o, "kind", json_object_new_uint64(nla_get_u32(tb[BFT_EVENT_A_KIND])));
}

/* Lists (client, timestamp, op bytes) of each REQUEST in a batch. */
static void on_log(struct json_object *o, struct nlattr *nest)
{
	struct nlattr *tb[BFT_LOG_A_MAX + 1];
	struct json_object *reqs;
	const uint8_t *b;
	uint32_t off = 0, len;

	if (nla_parse_nested(tb, BFT_LOG_A_MAX, nest, NULL))
		return;
	json_object_object_add(o, "log_seq", json_object_new_uint64(u64_of(tb, BFT_LOG_A_SEQ)));
	json_object_object_add(o, "view", json_object_new_uint64(u64_of(tb, BFT_LOG_A_VIEW)));
	json_object_object_add(o, "count", json_object_new_uint64(tb[BFT_LOG_A_COUNT] ? nla_get_u32(tb[BFT_LOG_A_COUNT]) : 0));
	if (!tb[BFT_LOG_A_BATCH])
		return;
	b = nla_data(tb[BFT_LOG_A_BATCH]);
	len = (uint32_t)nla_len(tb[BFT_LOG_A_BATCH]);
	reqs = json_object_new_array();
	/* The kernel validated the batch; still never read past its end. */
	while (len - off >= sizeof(struct bft_request)) {
		struct bft_request rq;
		struct json_object *r;
		uint32_t rlen;

		memcpy(&rq, b + off, sizeof(rq));
		rlen = le32toh(rq.hdr.len);
		if (rlen < sizeof(rq) || rlen > len - off)
			break;
		r = json_object_new_object();
		json_object_object_add(r, "client", json_object_new_uint64(le32toh(rq.hdr.sender)));
		json_object_object_add(r, "timestamp", json_object_new_uint64(le64toh(rq.timestamp)));
		json_object_object_add(r, "op_len", json_object_new_uint64(le32toh(rq.op_len)));
		json_object_array_add(reqs, r);
		off += rlen;
	}
	json_object_object_add(o, "requests", reqs);
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[BFT_A_MAX + 1];
	struct json_object *o;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, BFT_A_MAX, NULL))
		return NL_SKIP;
	o = json_object_new_object();
	if (tb[BFT_A_NAME])
		json_object_object_add(o, "name", json_object_new_string(nla_get_string(tb[BFT_A_NAME])));
	if (tb[BFT_A_REPLICA_ID])
		json_object_object_add(o, "id", json_object_new_uint64(nla_get_u32(tb[BFT_A_REPLICA_ID])));
	if (gh->cmd == BFT_CMD_EVENT && tb[BFT_A_EVENT])
		on_event(o, tb[BFT_A_EVENT]);
	else if (gh->cmd == BFT_CMD_LOG && tb[BFT_A_LOG])
		on_log(o, tb[BFT_A_LOG]);
	/* One JSON object per line: easy to follow and to parse. */
	puts(json_object_to_json_string_ext(o, opts.json ? JSON_C_TO_STRING_PLAIN :
					    JSON_C_TO_STRING_SPACED));
	fflush(stdout);
	json_object_put(o);
	return NL_OK;
}

static int join(struct bft_nl *nl, const char *group)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, BFT_GENL_NAME, group);

	if (grp < 0 || nl_socket_add_membership(nl->sk, grp)) {
		fprintf(stderr, "bftctl: cannot join multicast group '%s': %s\n",
			group, nl_geterror(grp < 0 ? grp : -NLE_FAILURE));
		return -1;
	}
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "events";
	struct bft_nl nl;
	int err;

	if (argc > 2)
		return usage_error("monitor", "unexpected argument '%s'", argv[2]);
	if (strcmp(what, "events") && strcmp(what, "log") && strcmp(what, "all"))
		return usage_error("monitor", "unknown stream '%s'", what);
	if (bft_nl_open(&nl))
		return 1;
	if ((strcmp(what, "log") && join(&nl, BFT_MCGRP_EVENTS)) ||
	    (strcmp(what, "events") && join(&nl, BFT_MCGRP_LOG))) {
		bft_nl_close(&nl);
		return 1;
	}
	nl_socket_disable_seq_check(nl.sk);
	nl_socket_modify_cb(nl.sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, NULL);
	for (;;) {
		err = nl_recvmsgs_default(nl.sk);
		/* Overruns lose messages, not the monitor. */
		if (err < 0 && err != -NLE_NOMEM && err != -NLE_DUMP_INTR) {
			fprintf(stderr, "bftctl: monitor: %s\n", nl_geterror(err));
			break;
		}
	}
	bft_nl_close(&nl);
	return 1;
}

int cmd_log(int argc, char **argv)
{
	char *args[] = { argv[0], "log", NULL };

	if (argc > 1)
		return usage_error("log", "unexpected argument '%s'", argv[1]);
	return cmd_monitor(2, args);
}
