/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BFTCTL_H
#define BFTCTL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/bft.h>

struct json_object;

/* Global options, set once by main(). */
struct bftctl_opts {
	bool json;
};

extern struct bftctl_opts opts;

struct bftctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

/* Module status in the current network namespace. */
struct status {
	char version[BFT_VERSION_MAX];
	uint32_t proto;
	uint64_t cookie;
	uint32_t nr_replicas;
};

/* 0, or -1 with a message printed. */
int get_status(struct status *st);

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
int cmd_monitor(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_req(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);

#endif
