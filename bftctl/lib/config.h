/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cluster configuration file, shared by every replica host and client:
 *
 *   [Cluster]
 *   Name = prod-kv            # binds the pairwise keys to this cluster
 *   Epoch = 0                 # optional: configuration epoch of this file
 *   Admin = 9                 # optional: the [Client] that may RECONFIG
 *   MaxReplicas = 7           # optional: largest n of any epoch (default n)
 *   BatchSize = 16            # optional policy, see bftctl(8)
 *   [Replica]
 *   Id = 0
 *   Endpoint = 192.0.2.1:7400 # or [2001:db8::1]:7400
 *   PublicKey = <base64>
 *   Joined = 0                # optional: epoch this id got its host
 *   [Client]
 *   Id = 0
 *   PublicKey = <base64>
 *   [Local]                   # optional, per host
 *   Replica = 0
 *   PrivateKeyFile = /etc/bft/replica0.key
 */
#ifndef BFT_CONFIG_H
#define BFT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <linux/bft.h>
#include <linux/bft_wire.h>

#include "keys.h"

#define BFT_CONF_NAME_MAX	64

/* Replica policy, indexed by BFT_POLICY_A_*; @set has a bit per attr. */
struct bft_conf_policy {
	uint32_t val[BFT_POLICY_A_MAX + 1];
	uint32_t set;
};

/* One policy knob: its config-file key, bftctl keyword and range. */
struct bft_policy_key {
	const char *conf;
	const char *cli;
	int attr;
	uint32_t min, max;
};

extern const struct bft_policy_key bft_policy_keys[];
extern const size_t bft_n_policy_keys;

static inline void bft_policy_set(struct bft_conf_policy *p, int attr,
				  uint32_t v)
{
	p->val[attr] = v;
	p->set |= 1u << attr;
}

static inline bool bft_policy_has(const struct bft_conf_policy *p, int attr)
{
	return p->set & (1u << attr);
}

struct bft_conf_replica {
	uint32_t id;
	struct sockaddr_storage endpoint;
	socklen_t endpoint_len;
	uint8_t pub[BFT_KEY_LEN];
	uint64_t joined;	/* epoch in which this id got its host */
};

struct bft_conf_client {
	uint32_t id;
	uint8_t pub[BFT_KEY_LEN];
};

struct bft_conf {
	char name[BFT_CONF_NAME_MAX];
	uint64_t epoch;
	int64_t admin;			/* a [Client] id, -1 if absent */
	struct bft_conf_policy policy;
	uint32_t n_replicas;
	uint32_t max_replicas;		/* MaxReplicas: n <= it <= 64 */
	struct bft_conf_replica replicas[BFT_MAX_REPLICAS];	/* by id */
	uint32_t n_clients;
	struct bft_conf_client *clients;
	int64_t local_replica;		/* -1 if absent */
	char *private_key_file;
};

/* Returns 0, or -1 with a "file:line: reason" message in @err. */
int bft_conf_load(const char *path, struct bft_conf *c, char *err,
		  size_t errlen);
void bft_conf_free(struct bft_conf *c);

/* f = floor((n - 1) / 3) */
static inline uint32_t bft_conf_f(const struct bft_conf *c)
{
	return (c->n_replicas - 1) / 3;
}

/*
 * Ids that got their host in the file's epoch: Joined == Epoch (none in
 * epoch 0). Below the previous epoch's n they are replaced, from it up
 * they are added (a grow); bft_conf_replace_mask(c, n_old) keeps the
 * replaced ones only, bft_conf_joined_mask() returns both.
 */
uint64_t bft_conf_joined_mask(const struct bft_conf *c);
uint64_t bft_conf_replace_mask(const struct bft_conf *c, uint32_t n_old);

/*
 * A file of the next epoch against the one in force of @n_old replicas:
 * every added id (n_old up to n) has Joined = Epoch, and at most
 * f(n_old) ids are replaced. Returns 0, or -1 with a reason in @err.
 */
int bft_conf_check_next(const struct bft_conf *c, uint32_t n_old, char *err,
			size_t errlen);

/*
 * The configuration digest D of a RECONFIG: SHA-256 over the canonical
 * encoding of the membership (Documentation/man/bft.conf.5.rst): name,
 * epoch, n, MaxReplicas, admin, and per replica Joined, PublicKey and Endpoint. Policy
 * and clients are not part of it. Returns 0, or -1 if hashing failed.
 */
int bft_conf_digest(const struct bft_conf *c,
		    uint8_t out[BFT_DIGEST_LEN]);

/*
 * @src in family @family (AF_INET or AF_INET6) for a socket of that
 * family: IPv4 becomes v4-mapped IPv6. Returns the address length, or 0
 * if it cannot be expressed (IPv6 for an IPv4 socket).
 */
socklen_t bft_sockaddr_as(const struct sockaddr_storage *src, int family,
			  struct sockaddr_storage *dst);

/* The reverse: "a.b.c.d:port", "[v6]:port", or "?" for another family. */
void bft_format_endpoint(const struct sockaddr_storage *ss, char *buf,
			 size_t len);

/* "a.b.c.d:port" or "[v6]:port"; numeric only. */
int bft_parse_endpoint(const char *s, struct sockaddr_storage *ss,
		       socklen_t *len);

#endif
