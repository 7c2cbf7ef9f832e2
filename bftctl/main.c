// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl: configure and inspect bft replicas, in the manner of wg(8).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "bftctl.h"

struct bftctl_opts opts;

static const struct bftctl_cmd commands[] = {
	{ "version", cmd_version, "show bftctl and module versions" },
	{ "show", cmd_show, "show replicas, their state and counters" },
	{ "replica", cmd_replica, "add, delete or show replica instances" },
	{ "peer", cmd_peer, "add or delete a replica's peer" },
	{ "client", cmd_client, "add or delete a replica's client" },
	{ "set", cmd_set, "change a replica's policy (batching, timeouts)" },
	{ "setconf", cmd_setconf, "apply a cluster configuration file" },
	{ "view-change", cmd_view_change, "ask a replica to start a view change" },
	{ "monitor", cmd_monitor, "print events (and the ordered log) as they happen" },
	{ "log", cmd_log, "follow the ordered log of executed batches" },
	{ "req", cmd_req, "send a key-value request to a cluster (libbftclient)" },
	{ "bench", cmd_bench, "closed-loop benchmark clients: ops/s and latency" },
	{ "checkpoint", cmd_checkpoint, "export, verify or import a stable checkpoint" },
	{ "genkey", cmd_genkey, "generate an X25519 private key" },
	{ "pubkey", cmd_pubkey, "derive the public key of a private key" },
};

void print_json(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: bftctl [-j] <command> [args]\n\n"
		"  -j, --json     JSON output for read commands\n\n"
		"commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].usage);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 1;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].fn(argc, argv);
	fprintf(stderr, "bftctl: unknown command '%s'\n\n", argv[0]);
	usage(stderr);
	return 1;
}
