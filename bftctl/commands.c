// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl's command table: each command's name, handler and its one usage
 * text, printed by "help", "-h" and "--help" at every level and after
 * usage errors (man page and completion are written from these).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "bftctl.h"

#define CLIENT_OPTS \
	BFT_USAGE_CONFIG BFT_USAGE_CLIENT BFT_USAGE_KEY

static const struct bftctl_cmd commands[] = {
	{ "show", cmd_show, "show replicas, their state and counters (default)", NULL,
	  "usage: bftctl [-j] show [NAME]\n"
	  "  every replica in this network namespace, or replica NAME\n", false },
	{ "version", cmd_version, "show bftctl and module versions", NULL,
	  "usage: bftctl [-j] version\n"
	  "  bftctl's version, and the bft module's and its wire protocol's\n"
	  "  when the module is loaded\n", false },
	{ "replica", cmd_replica, "add, delete or show replica instances", "add del show",
	  "usage: bftctl replica add NAME id ID n N listen ADDR:PORT [clients C]\n"
	  "                          [max-keys K] [max-key-len L] [max-value-len V] [POLICY]\n"
	  "       bftctl replica del NAME\n"
	  "       bftctl [-j] replica show [NAME]\n", true },
	{ "peer", cmd_peer, "add or delete a replica's peer", "add del",
	  "usage: bftctl peer add NAME id ID endpoint ADDR:PORT (key B64 | key-file F)\n"
	  "                       [key-id N] [replace]\n"
	  "       bftctl peer del NAME id ID\n", false },
	{ "client", cmd_client, "add or delete a replica's client", "add del",
	  "usage: bftctl client add NAME id ID (key B64 | key-file F) [key-id N] [replace]\n"
	  "       bftctl client del NAME id ID\n", false },
	{ "set", cmd_set, "change a replica's policy, or rotate its keys", NULL,
	  "usage: bftctl set NAME [POLICY...] [rotate-keys]\n", true },
	{ "setconf", cmd_setconf, "apply a cluster configuration file", NULL,
	  "usage: bftctl setconf NAME FILE [replica ID] [private-key FILE] [listen ADDR:PORT]\n", false },
	{ "reconfig", cmd_reconfig, "change the cluster's membership (as the admin client)", NULL,
	  "usage: bftctl [-j] reconfig -c NEW.conf -k ADMIN.key [-i ADMIN_ID] [-t MS] [--wait MS]\n"
	  "  move the cluster to NEW.conf's Epoch, replacing the ids whose Joined\n"
	  "  is that epoch; every replica of NEW.conf must have staged it\n"
	  "  (bftctl setconf), else nothing is sent\n"
	  BFT_USAGE_CONFIG BFT_USAGE_KEY
	  "  -i, --id ID           the admin's client id (it must be [Cluster] Admin)\n"
	  "  -t, --timeout MS      for the staged check and the RECONFIG (default 5000)\n"
	  "  -w, --wait MS         for the replicas to switch (default 30000)\n"
	  "exit: 0 switched, 1 not staged or refused, 2 usage/config, 3 timeout,\n"
	  "      5 system error\n", false },
	{ "view-change", cmd_view_change, "ask a replica to start a view change", NULL,
	  "usage: bftctl view-change NAME\n", false },
	{ "monitor", cmd_monitor, "print events (and the ordered log) as they happen", NULL,
	  "usage: bftctl [-j] monitor [events|log|all]\n"
	  "  events (default), executed batches (log), or both; -j: JSON lines\n", false },
	{ "log", cmd_log, "follow the ordered log of executed batches", NULL,
	  "usage: bftctl [-j] log\n"
	  "  the same as 'bftctl monitor log'\n", false },
	{ "req", cmd_req, "send a key-value request to a cluster (libbftclient)", NULL,
	  "usage: bftctl [-j] req -c CONF -i CLIENT_ID -k KEYFILE [-t MS] [--ro] OP\n"
	  "  OP: put KEY VALUE | get KEY | del KEY | nop [SIZE]\n"
	  "      cas KEY EXPECTED NEW | cas --absent KEY NEW\n"
	  CLIENT_OPTS BFT_USAGE_TIMEOUT
	  "                        (default 5000)\n"
	  "  --ro                  read-only (get, nop): Q matching replies, else ordered\n"
	  "exit: 0 ok, 1 refused by the service, 2 usage/config, 3 timeout,\n"
	  "      4 no f+1 agreement, 5 system error\n", false },
	{ "bench", cmd_bench, "benchmark clients (closed or open loop): ops/s and latency", NULL,
	  "usage: bftctl [-j] bench -c CONF -k KEYFILE [--clients N] [--ids FIRST]\n"
	  "                    [--threads T] [--rate R] [--duration S]\n"
	  "                    [--op-size B] [--readonly]\n"
	  "                    [--mix PUT/GET] [--keys K] [--timeout MS]\n"
	  "                    [--retransmit MS] [--history FILE]\n"
	  BFT_USAGE_CONFIG BFT_USAGE_KEY
	  "  -n, --clients N       logical clients, ids FIRST..FIRST+N-1 (default 1),\n"
	  "                        each with one request outstanding\n"
	  "                        (all must be [Client]s whose key is KEYFILE)\n"
	  "  --threads T           threads multiplexing the clients (default 1)\n"
	  "  --rate R              open loop: offer R ops/s in all; latency counts\n"
	  "                        from each request's due time (default: closed loop)\n"
	  "  -i, --ids FIRST       the first client id (default 0)\n"
	  "  -d, --duration S      seconds, may be fractional (default 5)\n"
	  "  -s, --op-size B       NOP op bytes (0 or >= 12); with --mix, value bytes\n"
	  "  --readonly            NOPs / GETs as read-only requests\n"
	  "  --mix P/G             PUT:GET weights over K keys per client (default 16)\n"
	  "  -t, --timeout MS      per request (default 2000); timeouts are counted\n"
	  "  --retransmit MS       first retransmission to all replicas (library\n"
	  "                        default 100; backoff cap 8x); retransmits are counted\n"
	  "  --history FILE        with --mix: every op's invoke/complete time\n"
	  "                        (CLOCK_MONOTONIC ns), key, value hash and result,\n"
	  "                        for selftests/lin/lincheck\n"
	  "exit: 0 ok, 1 errors or mismatches, 2 usage/config, 5 system error\n", false },
	{ "checkpoint", cmd_checkpoint, "export, verify or import a stable checkpoint",
	  "export verify import",
	  "usage: bftctl [-j] checkpoint export FILE [replica NAME]\n"
	  "       bftctl [-j] checkpoint verify FILE -c CONF -i CLIENT_ID -k KEYFILE [-t MS]\n"
	  "       bftctl checkpoint import FILE replica NAME\n"
	  "exit: 0 ok, 1 bad file or refused, 2 usage, 4 not confirmed by f+1 replicas\n", false },
	{ "genkey", cmd_genkey, "generate an X25519 private key", NULL,
	  "usage: bftctl genkey > private.key\n", false },
	{ "pubkey", cmd_pubkey, "derive the public key of a private key", NULL,
	  "usage: bftctl pubkey < private.key > public.key\n", false },
	{ "help", cmd_help, "show this help, or a command's", NULL,
	  "usage: bftctl help [COMMAND]\n", false },
};

const struct bftctl_cmd *bftctl_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

void usage_top(FILE *f)
{
	size_t i;

	fprintf(f, "usage: bftctl [-j] [COMMAND [ARGS]]\n"
		"       bftctl --version\n\n"
		"  -j, --json     JSON output for the commands that print\n"
		"  -h, --help     this help; 'bftctl COMMAND help' for a command's\n\n"
		"commands (none: show):\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nexit: 0 ok, 1 failed, 2 usage; req, bench and checkpoint add more\n");
}

void usage_of(const struct bftctl_cmd *c, FILE *f)
{
	fputs(c->usage, f);
	if (c->policy)
		usage_policy(f);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, "bftctl %s: ", cmd);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	usage_of(bftctl_find(cmd), stderr);
	return BFTCTL_EXIT_USAGE;
}

int opt_error(const char *cmd, int c, char **argv)
{
	if (c == ':')
		return usage_error(cmd, "option '%s' needs a value",
				   argv[optind - 1]);
	if (optopt == 'j')
		return usage_error(cmd, "-j is global: bftctl -j %s ...", cmd);
	if (optopt)
		return usage_error(cmd, "unknown option '-%c'", optopt);
	return usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "--help") ||
	       !strcmp(arg, "-h");
}

bool wants_help(const struct bftctl_cmd *c, int argc, char **argv)
{
	const char *v;
	size_t n;
	int i;

	if (argc > 1 && is_help(argv[1]))
		return true;
	/* "replica add help": help right after a sub-command. */
	if (argc > 2 && c->verbs && is_help(argv[2])) {
		for (v = c->verbs; *v; v += n + !!v[n]) {
			n = strcspn(v, " ");
			if (strlen(argv[1]) == n && !strncmp(argv[1], v, n))
				return true;
		}
	}
	/* Options are never values here: -h or --help anywhere. */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

int cmd_help(int argc, char **argv)
{
	const struct bftctl_cmd *c;

	if (argc < 2) {
		usage_top(stdout);
		return 0;
	}
	c = bftctl_find(is_help(argv[1]) ? "help" : argv[1]);
	if (!c) {
		fprintf(stderr, "bftctl help: unknown command '%s'\n", argv[1]);
		usage_top(stderr);
		return BFTCTL_EXIT_USAGE;
	}
	if (argc > 2)
		return usage_error("help", "unexpected argument '%s'", argv[2]);
	usage_of(c, stdout);
	return 0;
}
