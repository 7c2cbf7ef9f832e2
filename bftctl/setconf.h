/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bftctl setconf internals, shared by setconf.c (a replica in the file's
 * epoch: create it, or update it in place) and setconf_stage.c (the file
 * is of the next epoch: stage it).
 */
#ifndef BFTCTL_SETCONF_H
#define BFTCTL_SETCONF_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/config.h"
#include "nl.h"

#define MAP_BYTES	(BFT_NL_MAX_CLIENTS / 8)

/* The replica as the kernel has it. */
struct running {
	bool exists;
	uint32_t id, n, n_clients;
	uint32_t max_n;			/* max-n, n if not reported */
	int family;			/* of the listen address */
	struct bft_conf_policy policy;
	uint8_t map[MAP_BYTES];		/* clients with a key */
	uint64_t epoch;			/* in force */
	uint64_t staged;		/* staged epoch, 0: none */
	int64_t admin;			/* -1: none */
	bool left;			/* replaced: stopped */
	/* Peer endpoints, by id (ss_family 0: none reported). */
	struct sockaddr_storage peer_ep[BFT_MAX_REPLICAS];
};

struct setconf {
	const char *name;
	const char *file;
	const struct bft_conf *conf;
	uint32_t id;
	bool leaving;		/* id >= the file's n: stages, then leaves */
	uint8_t priv[BFT_KEY_LEN];
	const char *listen;
	struct sockaddr_storage listen_ss;
	/* Derived before anything is applied; wiped on exit. */
	uint8_t (*peer_key)[BFT_KEY_LEN];	/* by replica id */
	uint8_t (*client_key)[BFT_KEY_LEN];	/* as conf->clients */
	uint8_t digest[BFT_DIGEST_LEN];		/* bft_conf_digest() */
	struct running cur;
	bool created;		/* by this run: deleted again on failure */
};

/*
 * The file's epoch against the running replica's: 0 to apply it in place
 * (same epoch), 1 to stage it (the next epoch), -1 after a message (it
 * goes backwards, skips an epoch, changes the admin or MaxReplicas,
 * changes a kept replica's endpoint, or adds or replaces ids wrongly).
 */
int setconf_check_epoch(const struct setconf *s);
/* Stage the file's epoch (REPLICA_SET with BFT_A_STAGED): 0 or 1. */
int setconf_stage(struct bft_nl *nl, const struct setconf *s);

#endif
