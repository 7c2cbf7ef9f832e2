/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BFTCTL_ARGS_H
#define BFTCTL_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netlink/msg.h>

#include "lib/config.h"
#include "lib/opts.h"

/* ADDR:PORT or [ADDR6]:PORT into a sockaddr attribute. */
int put_endpoint(struct nl_msg *msg, int type, const char *what,
		 const char *s);
int put_sockaddr(struct nl_msg *msg, int type,
		 const struct sockaddr_storage *ss);
/* A key from "key B64" or "key-file PATH". */
int arg_key(const char *kw, const char *val, uint8_t key[BFT_KEY_LEN]);

/*
 * Policy keywords (batch-size, window, ...). If argv[0] is one, appends
 * it to @policy and returns 2 (arguments consumed); 0 if not a policy
 * keyword; -1 on a bad value.
 */
int arg_policy(int argc, char **argv, struct bft_conf_policy *policy);
/* Writes the set fields of @p as a BFT_A_POLICY nest, if any. */
int put_policy(struct nl_msg *msg, const struct bft_conf_policy *p);
void usage_policy(FILE *f);

#endif
