/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BFTCTL_ADMIN_H
#define BFTCTL_ADMIN_H

#include <netlink/msg.h>

#include "nl.h"

/* Sends a request that expects only an ACK; 0 or 1 (message printed). */
int bft_request(struct nl_msg *msg, struct bft_nl *nl);
int bft_simple(int cmd, int flags, int (*build)(struct nl_msg *, void *),
	       void *arg);

#endif
