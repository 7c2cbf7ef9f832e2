/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BFTCTL_H
#define BFTCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/bft.h>

struct json_object;

/* Global options, set once by main(). */
struct bftctl_opts {
	bool json;
};

extern struct bftctl_opts opts;

/* Exit status of every usage error (bad, missing or unknown argument). */
#define BFTCTL_EXIT_USAGE	2

struct bftctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *verbs;	/* sub-commands, space separated, or NULL */
	const char *usage;	/* the full usage text, in commands.c */
	bool policy;		/* usage lists the policy keywords */
};

const struct bftctl_cmd *bftctl_find(const char *name);
void usage_top(FILE *f);
void usage_of(const struct bftctl_cmd *c, FILE *f);
/*
 * Prints "bftctl CMD: MESSAGE" (if @fmt) and CMD's usage on stderr;
 * returns BFTCTL_EXIT_USAGE.
 */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * After getopt returned '?' or ':' (opterr is 0, optstrings start with
 * ':'): names the bad option; returns BFTCTL_EXIT_USAGE.
 */
int opt_error(const char *cmd, int c, char **argv);
bool is_help(const char *arg);
/* "CMD help", "CMD VERB help", or -h/--help anywhere in @argv. */
bool wants_help(const struct bftctl_cmd *c, int argc, char **argv);

/* Module status in the current network namespace. */
struct status {
	char version[BFT_VERSION_MAX];
	uint32_t proto;
	uint64_t cookie;
	uint32_t nr_replicas;
};

/* 0, or -1 with a message printed. */
int get_status(struct status *st);
/* With @quiet, -ENOENT and no message if the module is not loaded. */
int get_status_quiet(struct status *st, bool quiet);

/* Prints @obj (consumed) as pretty JSON on stdout. */
void print_json(struct json_object *obj);

int cmd_version(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_genkey(int argc, char **argv);
int cmd_pubkey(int argc, char **argv);
int cmd_replica(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_peer(int argc, char **argv);
int cmd_client(int argc, char **argv);
int cmd_view_change(int argc, char **argv);
int cmd_setconf(int argc, char **argv);
int cmd_reconfig(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_req(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_help(int argc, char **argv);

#endif
