// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl show [NAME]: replicas of this network namespace with their state,
 * policy, counters and peers; -j prints the same as JSON.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/attr.h>

#include <linux/bft.h>

#include "bftctl.h"
#include "lib/config.h"
#include "engine.h"
#include "names.h"
#include "nl.h"

/* The kernel reports the engine's status value as it is. */
_Static_assert((int)BFT_REPLICA_NORMAL == (int)BFT_ST_NORMAL &&
	       (int)BFT_REPLICA_VIEW_CHANGE == (int)BFT_ST_VIEW_CHANGE &&
	       (int)BFT_REPLICA_STATE_TRANSFER == (int)BFT_ST_XFER &&
	       (int)BFT_REPLICA_JOINING == (int)BFT_ST_JOINING,
	       "netlink status values differ from the engine's");

static const char *status_name(uint64_t st)
{
	return bft_status_name(st > UINT32_MAX ? UINT32_MAX : (uint32_t)st);
}

/* A sockaddr attribute, checked for its family's length. */
static void addr_str(const struct nlattr *a, char *buf, size_t len)
{
	struct sockaddr_storage ss = { 0 };
	size_t alen = (size_t)nla_len(a);
	const struct sockaddr *sa = nla_data(a);

	if (alen >= sizeof(sa->sa_family) &&
	    alen >= (sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
		     sizeof(struct sockaddr_in)) && alen <= sizeof(ss))
		memcpy(&ss, sa, alen);
	bft_format_endpoint(&ss, buf, len);
}

static void hex(const struct nlattr *a, char *buf, size_t len)
{
	const uint8_t *p = nla_data(a);
	int i, n = nla_len(a);

	for (i = 0; i < n && (size_t)(2 * i + 2) < len; i++)
		sprintf(buf + 2 * i, "%02x", p[i]);
}

static uint64_t get_u(struct nlattr **tb, int t)
{
	if (!tb[t])
		return 0;
	return nla_len(tb[t]) == 8 ? nla_get_u64(tb[t]) : nla_get_u32(tb[t]);
}

/* Counters nest -> JSON object {name: value}. */
static struct json_object *counters(const struct nlattr *nest)
{
	struct json_object *o = json_object_new_object();
	struct nlattr *c, *tb[BFT_COUNTER_A_MAX + 1];
	int rem;

	nla_for_each_nested(c, nest, rem) {
		if (nla_parse_nested(tb, BFT_COUNTER_A_MAX, c, NULL) ||
		    !tb[BFT_COUNTER_A_NAME] || !tb[BFT_COUNTER_A_VALUE])
			continue;
		json_object_object_add(o, nla_get_string(tb[BFT_COUNTER_A_NAME]),
				       json_object_new_uint64(nla_get_u64(tb[BFT_COUNTER_A_VALUE])));
	}
	return o;
}

static void print_counters(struct json_object *o, const char *indent)
{
	int col = 0;

	json_object_object_foreach(o, k, v) {
		uint64_t x = json_object_get_uint64(v);

		/* Zeroes are noise in text; -j shows every counter. */
		if (!x)
			continue;
		printf("%s%s %" PRIu64, col ? "  " : indent, k, x);
		if (++col == 4) {
			putchar('\n');
			col = 0;
		}
	}
	if (col)
		putchar('\n');
}

static struct json_object *nest_u(const struct nlattr *nest, int max,
				  const char *const *names)
{
	struct json_object *o = json_object_new_object();
	struct nlattr *tb[32];
	int t;

	if (nla_parse_nested(tb, max, (struct nlattr *)nest, NULL))
		return o;
	for (t = 1; t <= max; t++)
		if (names[t] && tb[t])
			json_object_object_add(o, names[t],
					       json_object_new_uint64(get_u(tb, t)));
	return o;
}

static const char *const policy_names[BFT_POLICY_A_MAX + 1] = {
	[BFT_POLICY_A_BATCH_SIZE] = "batch-size",
	[BFT_POLICY_A_BATCH_BYTES] = "batch-bytes",
	[BFT_POLICY_A_BATCH_DELAY_MS] = "batch-delay-ms",
	[BFT_POLICY_A_WINDOW] = "window",
	[BFT_POLICY_A_CKPT_INTERVAL] = "checkpoint-interval",
	[BFT_POLICY_A_LOG_SIZE] = "log-size",
	[BFT_POLICY_A_VC_TIMEOUT_MS] = "vc-timeout-ms",
	[BFT_POLICY_A_VC_TIMEOUT_MAX_MS] = "vc-timeout-max-ms",
	[BFT_POLICY_A_VC_BACKOFF] = "vc-backoff",
	[BFT_POLICY_A_NO_TENTATIVE] = "no-tentative",
	[BFT_POLICY_A_EXPECT_HB_MS] = "expect-hb-ms",
	[BFT_POLICY_A_EXPECT_WINDOW_MS] = "expect-window-ms",
	[BFT_POLICY_A_EXPECT_PCT] = "expect-pct",
	[BFT_POLICY_A_KEY_ROTATION_SEC] = "key-rotation-sec",
};

/* Epoch in force, staging, a pending switch, and whether it left. */
static void membership(struct json_object *o, struct nlattr **in)
{
	json_object_object_add(o, "epoch", json_object_new_uint64(get_u(in, BFT_INFO_A_EPOCH)));
	json_object_object_add(o, "epoch_base", json_object_new_uint64(get_u(in, BFT_INFO_A_EPOCH_BASE)));
	json_object_object_add(o, "staged_epoch", json_object_new_uint64(get_u(in, BFT_INFO_A_STAGED_EPOCH)));
	json_object_object_add(o, "reconf_at", json_object_new_uint64(get_u(in, BFT_INFO_A_RECONF_AT)));
	json_object_object_add(o, "left", json_object_new_boolean(in[BFT_INFO_A_LEFT] && nla_get_u8(in[BFT_INFO_A_LEFT])));
	if (in[BFT_INFO_A_ADMIN])
		json_object_object_add(o, "admin", json_object_new_uint64(nla_get_u32(in[BFT_INFO_A_ADMIN])));
}

/*
 * A peer's key rotation: "key_next" while we switched to the next key and
 * the peer has not used it yet, "key_send" the id we send with, and the
 * state a person reads.
 */
static void peer_keys(struct json_object *po, struct nlattr **pt)
{
	const char *state = "stable";

	if (pt[BFT_PEER_A_KEY_SEND])
		json_object_object_add(po, "key_send", json_object_new_uint64(nla_get_u8(pt[BFT_PEER_A_KEY_SEND])));
	if (pt[BFT_PEER_A_KEY_NEXT]) {
		json_object_object_add(po, "key_next", json_object_new_uint64(nla_get_u8(pt[BFT_PEER_A_KEY_NEXT])));
		state = "switched";
	}
	json_object_object_add(po, "key_state", json_object_new_string(state));
}

/* The ids of the clients that have a key, from BFT_A_CLIENT_MAP. */
static struct json_object *client_ids(const struct nlattr *map)
{
	const uint8_t *m = nla_data(map);
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < nla_len(map) * 8; i++)
		if (m[i / 8] & (1u << (i % 8)))
			json_object_array_add(a, json_object_new_uint64(i));
	return a;
}

/* Parses one REPLICA_GET reply into a JSON object. */
static int parse_replica(struct nl_msg *msg, void *arg)
{
	struct json_object *list = arg, *o, *peers;
	struct nlattr *tb[BFT_A_MAX + 1];
	struct nlattr *in[BFT_INFO_A_MAX + 1];
	char buf[128];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, BFT_A_MAX, NULL) ||
	    !tb[BFT_A_NAME])
		return NL_SKIP;
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(nla_get_string(tb[BFT_A_NAME])));
	json_object_object_add(o, "id", json_object_new_uint64(get_u(tb, BFT_A_REPLICA_ID)));
	json_object_object_add(o, "n", json_object_new_uint64(get_u(tb, BFT_A_N)));
	/* A module without max-n: fixed n, so max-n is n. */
	json_object_object_add(o, "max_n", json_object_new_uint64(tb[BFT_A_MAX_N] ?
			       get_u(tb, BFT_A_MAX_N) : get_u(tb, BFT_A_N)));
	json_object_object_add(o, "clients", json_object_new_uint64(get_u(tb, BFT_A_N_CLIENTS)));
	if (tb[BFT_A_LISTEN]) {
		addr_str(tb[BFT_A_LISTEN], buf, sizeof(buf));
		json_object_object_add(o, "listen", json_object_new_string(buf));
	}
	if (tb[BFT_A_INFO] &&
	    !nla_parse_nested(in, BFT_INFO_A_MAX, tb[BFT_A_INFO], NULL)) {
		uint64_t st = get_u(in, BFT_INFO_A_STATUS);

		json_object_object_add(o, "view", json_object_new_uint64(get_u(in, BFT_INFO_A_VIEW)));
		json_object_object_add(o, "primary", json_object_new_uint64(get_u(in, BFT_INFO_A_PRIMARY)));
		json_object_object_add(o, "status", json_object_new_string(status_name(st)));
		json_object_object_add(o, "last_executed", json_object_new_uint64(get_u(in, BFT_INFO_A_LAST_EXEC)));
		json_object_object_add(o, "stable_checkpoint", json_object_new_uint64(get_u(in, BFT_INFO_A_STABLE_SEQ)));
		if (in[BFT_INFO_A_STABLE_DIGEST]) {
			hex(in[BFT_INFO_A_STABLE_DIGEST], buf, sizeof(buf));
			json_object_object_add(o, "stable_digest", json_object_new_string(buf));
		}
		if (in[BFT_INFO_A_STATE_DIGEST]) {
			hex(in[BFT_INFO_A_STATE_DIGEST], buf, sizeof(buf));
			json_object_object_add(o, "state_digest", json_object_new_string(buf));
		}
		json_object_object_add(o, "f", json_object_new_uint64(get_u(in, BFT_INFO_A_F)));
		json_object_object_add(o, "quorum", json_object_new_uint64(get_u(in, BFT_INFO_A_QUORUM)));
		json_object_object_add(o, "vc_timeout_ms", json_object_new_uint64(get_u(in, BFT_INFO_A_VC_TIMEOUT_MS)));
		membership(o, in);
	}
	if (tb[BFT_A_POLICY])
		json_object_object_add(o, "policy", nest_u(tb[BFT_A_POLICY], BFT_POLICY_A_MAX, policy_names));
	if (tb[BFT_A_COUNTERS])
		json_object_object_add(o, "counters", counters(tb[BFT_A_COUNTERS]));
	if (tb[BFT_A_PEERS]) {
		struct nlattr *p, *pt[BFT_PEER_A_MAX + 1];
		int rem;

		peers = json_object_new_array();
		nla_for_each_nested(p, tb[BFT_A_PEERS], rem) {
			struct json_object *po;

			if (nla_parse_nested(pt, BFT_PEER_A_MAX, p, NULL))
				continue;
			po = json_object_new_object();
			json_object_object_add(po, "id", json_object_new_uint64(get_u(pt, BFT_PEER_A_ID)));
			if (pt[BFT_PEER_A_ENDPOINT]) {
				addr_str(pt[BFT_PEER_A_ENDPOINT], buf, sizeof(buf));
				json_object_object_add(po, "endpoint", json_object_new_string(buf));
			}
			json_object_object_add(po, "key_id", json_object_new_uint64(pt[BFT_PEER_A_KEY_ID] ? nla_get_u8(pt[BFT_PEER_A_KEY_ID]) : 0));
			peer_keys(po, pt);
			if (pt[BFT_PEER_A_COUNTERS])
				json_object_object_add(po, "counters", counters(pt[BFT_PEER_A_COUNTERS]));
			json_object_array_add(peers, po);
		}
		json_object_object_add(o, "peers", peers);
	}
	if (tb[BFT_A_CLIENT_MAP])
		json_object_object_add(o, "client_keys", client_ids(tb[BFT_A_CLIENT_MAP]));
	json_object_array_add(list, o);
	return NL_OK;
}

static const char *s_of(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "?";
}

static uint64_t u_of(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_uint64(v) : 0;
}

static void print_replica(struct json_object *o)
{
	struct json_object *v;
	size_t i;

	printf("replica %s: id %" PRIu64 " of %" PRIu64 " (f=%" PRIu64 ", quorum %" PRIu64 ", max-n %" PRIu64 "), listen %s, clients %" PRIu64 "\n",
	       s_of(o, "name"), u_of(o, "id"), u_of(o, "n"), u_of(o, "f"),
	       u_of(o, "quorum"), u_of(o, "max_n"), s_of(o, "listen"),
	       u_of(o, "clients"));
	printf("  view %" PRIu64 ", primary %" PRIu64 ", status %s, view-change timeout %" PRIu64 " ms\n",
	       u_of(o, "view"), u_of(o, "primary"), s_of(o, "status"),
	       u_of(o, "vc_timeout_ms"));
	printf("  executed %" PRIu64 " (state %.16s), stable checkpoint %" PRIu64 " (%.16s)\n",
	       u_of(o, "last_executed"), s_of(o, "state_digest"),
	       u_of(o, "stable_checkpoint"), s_of(o, "stable_digest"));
	printf("  epoch %" PRIu64 " (since checkpoint %" PRIu64 ")",
	       u_of(o, "epoch"), u_of(o, "epoch_base"));
	if (u_of(o, "staged_epoch"))
		printf(", staged %" PRIu64, u_of(o, "staged_epoch"));
	if (u_of(o, "reconf_at"))
		printf(", switch after seq %" PRIu64, u_of(o, "reconf_at"));
	if (json_object_object_get_ex(o, "admin", &v))
		printf(", admin client %" PRIu64, json_object_get_uint64(v));
	if (json_object_object_get_ex(o, "left", &v) && json_object_get_boolean(v))
		printf(", LEFT: this id was replaced, the replica stopped");
	putchar('\n');
	if (json_object_object_get_ex(o, "policy", &v)) {
		printf("  policy:");
		json_object_object_foreach(v, k, pv)
			printf(" %s %" PRIu64, k, json_object_get_uint64(pv));
		putchar('\n');
	}
	if (json_object_object_get_ex(o, "client_keys", &v)) {
		printf("  client keys:");
		for (i = 0; i < json_object_array_length(v); i++)
			printf(" %" PRIu64, json_object_get_uint64(json_object_array_get_idx(v, i)));
		putchar('\n');
	}
	if (json_object_object_get_ex(o, "counters", &v)) {
		printf("  counters:\n");
		print_counters(v, "    ");
	}
	if (!json_object_object_get_ex(o, "peers", &v))
		return;
	for (i = 0; i < json_object_array_length(v); i++) {
		struct json_object *p = json_object_array_get_idx(v, i), *pc;

		printf("  peer %" PRIu64 ": %s key-id %" PRIu64, u_of(p, "id"),
		       s_of(p, "endpoint"), u_of(p, "key_id"));
		if (json_object_object_get_ex(p, "key_next", &pc))
			printf(" key-next %" PRIu64, json_object_get_uint64(pc));
		printf(" (%s, sending %" PRIu64 ")\n", s_of(p, "key_state"),
		       u_of(p, "key_send"));
		if (json_object_object_get_ex(p, "counters", &pc))
			print_counters(pc, "    ");
	}
}

static int get_one(struct bft_nl *nl, const char *name, struct json_object *list)
{
	struct nl_msg *msg = bft_nl_msg(nl, BFT_CMD_REPLICA_GET, 0);
	int err;

	if (!msg || nla_put_string(msg, BFT_A_NAME, name)) {
		nlmsg_free(msg);
		return -1;
	}
	err = bft_nl_call(nl, msg, parse_replica, list);
	if (err)
		fprintf(stderr, "bftctl: show %s: %s\n", name, strerror(-err));
	return err;
}

int cmd_show(int argc, char **argv)
{
	struct json_object *names, *list, *top;
	struct status st;
	struct bft_nl nl;
	struct nl_msg *msg;
	int err = 0;
	size_t i;

	if (argc > 2)
		return usage_error("show", "unexpected argument '%s'", argv[2]);
	if (get_status(&st) || bft_nl_open(&nl))
		return 1;
	list = json_object_new_array();
	if (argc == 2) {
		err = get_one(&nl, argv[1], list);
	} else {
		/* The dump lists names; GET by name carries the counters. */
		names = json_object_new_array();
		msg = bft_nl_msg(&nl, BFT_CMD_REPLICA_GET, NLM_F_DUMP);
		err = msg ? bft_nl_call(&nl, msg, parse_replica, names) : -ENOMEM;
		for (i = 0; !err && i < json_object_array_length(names); i++)
			err = get_one(&nl, s_of(json_object_array_get_idx(names, i), "name"), list);
		json_object_put(names);
	}
	bft_nl_close(&nl);
	if (err) {
		json_object_put(list);
		return 1;
	}
	if (opts.json) {
		top = json_object_new_object();
		json_object_object_add(top, "module", json_object_new_string(st.version));
		json_object_object_add(top, "protocol", json_object_new_int64(st.proto));
		json_object_object_add(top, "netns_cookie", json_object_new_uint64(st.cookie));
		json_object_object_add(top, "replicas", list);
		print_json(top);
		return 0;
	}
	printf("bft %s (protocol %u), netns cookie %" PRIu64 "\n", st.version,
	       st.proto, st.cookie);
	if (!json_object_array_length(list))
		printf("no replicas in this network namespace\n");
	for (i = 0; i < json_object_array_length(list); i++)
		print_replica(json_object_array_get_idx(list, i));
	json_object_put(list);
	return 0;
}
