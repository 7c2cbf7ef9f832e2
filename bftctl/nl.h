/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BFTCTL_NL_H
#define BFTCTL_NL_H

#include <stdbool.h>

#include <netlink/genl/genl.h>

struct bft_nl {
	struct nl_sock *sk;
	int family;
};

/* Connects and resolves the "bft" family; prints a clear error on failure. */
int bft_nl_open(struct bft_nl *nl);
/* The same, silent (-ENOENT) if only the module is missing. */
int bft_nl_open_quiet(struct bft_nl *nl, bool quiet);
void bft_nl_close(struct bft_nl *nl);

/* Starts a request message for @cmd. */
struct nl_msg *bft_nl_msg(struct bft_nl *nl, int cmd, int flags);
/* The same with room for @size bytes of attributes. */
struct nl_msg *bft_nl_msg_size(struct bft_nl *nl, int cmd, int flags,
			       size_t size);

/* Zeroes @msg (it may hold keys) and frees it; NULL is fine. */
void bft_nl_msg_wipe_free(struct nl_msg *msg);

/*
 * Sends @msg (consumed) and feeds every reply to @cb. Returns 0 or a
 * negative errno; the kernel's extack message, if any, is printed.
 */
int bft_nl_call(struct bft_nl *nl, struct nl_msg *msg,
		int (*cb)(struct nl_msg *, void *), void *arg);

/* The same, printing nothing about a refusal. */
int bft_nl_call_quiet(struct bft_nl *nl, struct nl_msg *msg,
		      int (*cb)(struct nl_msg *, void *), void *arg);

#endif
