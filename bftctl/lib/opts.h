/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one number parser and the options common to bftctl, bftd and the
 * test tools (-c CONF, -k KEYFILE, -i CLIENT_ID, -r REPLICA_ID, -t MS),
 * so every tool spells, checks and explains them the same way.
 */
#ifndef BFT_OPTS_H
#define BFT_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A decimal integer in [min, max]: digits only, no sign, no blanks, no
 * trailing text. 0, or -1 without a message.
 */
int bft_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * The same for a command-line argument: on error prints
 * "PROG: WHAT: expected an integer in [MIN, MAX], got 'S'".
 */
int bft_arg_u64(const char *what, const char *s, uint64_t min, uint64_t max,
		uint64_t *out);
int bft_arg_u32(const char *what, const char *s, uint32_t min, uint32_t max,
		uint32_t *out);

#define BFT_ID_MAX		65535U		/* client and replica ids */
#define BFT_TIMEOUT_MS_MAX	3600000U

struct bft_common_opts {
	const char *conf;		/* -c, --config FILE */
	const char *key;		/* -k, --key FILE */
	uint32_t client;		/* -i, --id ID */
	uint32_t replica;		/* -r, --replica ID */
	uint32_t timeout_ms;		/* -t, --timeout MS */
	bool have_client, have_replica, have_timeout;
};

/* getopt_long entries; each tool lists the ones it takes. */
#define BFT_OPT_CONFIG	{ "config", required_argument, NULL, 'c' }
#define BFT_OPT_KEY	{ "key", required_argument, NULL, 'k' }
#define BFT_OPT_CLIENT	{ "id", required_argument, NULL, 'i' }
#define BFT_OPT_REPLICA	{ "replica", required_argument, NULL, 'r' }
#define BFT_OPT_TIMEOUT	{ "timeout", required_argument, NULL, 't' }
#define BFT_OPT_HELP	{ "help", no_argument, NULL, 'h' }
#define BFT_OPT_END	{ NULL, 0, NULL, 0 }

/* Their help lines, in the same order. */
#define BFT_USAGE_CONFIG	"  -c, --config FILE     cluster configuration file\n"
#define BFT_USAGE_KEY		"  -k, --key FILE        X25519 private key file\n"
#define BFT_USAGE_CLIENT	"  -i, --id ID           client id ([Client] of CONF)\n"
#define BFT_USAGE_REPLICA	"  -r, --replica ID      replica id ([Replica] of CONF)\n"
#define BFT_USAGE_TIMEOUT	"  -t, --timeout MS      give up after MS milliseconds\n"

/*
 * Handles getopt's @c if it is one of the common options the tool takes,
 * listed in @which ("cikt"): 1 if it was, 0 if not (the caller's own
 * option), -1 after printing an error.
 */
int bft_common_opt(int c, const char *arg, struct bft_common_opts *o,
		   const char *which);

/*
 * Checks that every option letter in @need ("cik", ...) was given;
 * otherwise prints "WHO: missing -c FILE, -i ID" and returns -1.
 */
int bft_common_require(const char *who, const struct bft_common_opts *o,
		       const char *need);

#endif
