// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl: configure and inspect bft replicas, in the manner of wg(8).
 * Global options come before the command; the commands are in commands.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "bftctl.h"

struct bftctl_opts opts;

void print_json(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char *show[] = { "show", NULL };
	const struct bftctl_cmd *c;
	int opt;

	opterr = 0;	/* every getopt caller names the bad option itself */
	while ((opt = getopt_long(argc, argv, "+jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			opts.json = true;
			break;
		case 'h':
			usage_top(stdout);
			return 0;
		case 'V':
			printf("bftctl %s\n", BFTCTL_VERSION);
			return 0;
		default:
			if (optopt)
				fprintf(stderr, "bftctl: unknown option '-%c'\n",
					optopt);
			else
				fprintf(stderr, "bftctl: unknown option '%s'\n",
					argv[optind - 1]);
			usage_top(stderr);
			return BFTCTL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	/* Bare "bftctl" shows every replica, as bare wg does. */
	if (argc < 1) {
		argc = 1;
		argv = show;
	}
	c = bftctl_find(argv[0]);
	if (!c) {
		fprintf(stderr, "bftctl: unknown command '%s'\n", argv[0]);
		usage_top(stderr);
		return BFTCTL_EXIT_USAGE;
	}
	if (c->fn != cmd_help && wants_help(c, argc, argv)) {
		usage_of(c, stdout);
		return 0;
	}
	optind = 0;	/* commands with options run getopt afresh */
	return c->fn(argc, argv);
}
