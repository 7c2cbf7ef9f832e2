// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing for bftctl on top of libnl-genl-3.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>

#include <linux/bft.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int bft_nl_open(struct bft_nl *nl)
{
	return bft_nl_open_quiet(nl, false);
}

int bft_nl_open_quiet(struct bft_nl *nl, bool quiet)
{
	int one = 1;
	int err;

	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "bftctl: out of memory\n");
		return -ENOMEM;
	}
	err = genl_connect(nl->sk);
	if (err) {
		fprintf(stderr, "bftctl: cannot open generic netlink socket: %s\n",
			nl_geterror(err));
		goto err_free;
	}
	/*
	 * Ask for the kernel's explanation of rejected requests, without
	 * the request echoed back: it may carry keys.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	nl->family = genl_ctrl_resolve(nl->sk, BFT_GENL_NAME);
	if (nl->family < 0) {
		err = nl->family;
		if (err == -NLE_OBJ_NOTFOUND && !quiet)
			fprintf(stderr,
				"bftctl: generic netlink family '%s' not found: the bft module is not loaded (modprobe bft)\n",
				BFT_GENL_NAME);
		else if (err != -NLE_OBJ_NOTFOUND)
			fprintf(stderr, "bftctl: cannot resolve family '%s': %s\n",
				BFT_GENL_NAME, nl_geterror(err));
		goto err_free;
	}
	return 0;

err_free:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -ENOENT;
}

void bft_nl_close(struct bft_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *bft_nl_msg(struct bft_nl *nl, int cmd, int flags)
{
	return bft_nl_msg_size(nl, cmd, flags, 0);
}

struct nl_msg *bft_nl_msg_size(struct bft_nl *nl, int cmd, int flags,
			       size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(size + 4096) :
				    nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags, cmd, BFT_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void bft_nl_msg_wipe_free(struct nl_msg *msg)
{
	if (!msg)
		return;
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

struct call_state {
	int err;
	int done;
	bool quiet;
};

/* Prints NLMSGERR_ATTR_MSG from an extended ACK, if the kernel sent one. */
static void print_extack(struct nlmsghdr *nlh, struct nlmsgerr *e)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *attrs;
	size_t off = sizeof(*e);
	int len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0)
		return;
	attrs = (struct nlattr *)((char *)e + off);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		fprintf(stderr, "bftctl: kernel says: %.*s\n",
			nla_len(tb[NLMSGERR_ATTR_MSG]),
			(char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		fprintf(stderr, "bftctl: offending attribute at offset %u\n",
			nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct call_state *st = arg;

	(void)nla;
	st->err = e->error;
	st->done = 1;
	if (e->error && !st->quiet)
		print_extack(nlh, e);
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;

	(void)msg;
	st->done = 1;
	return NL_STOP;
}

static int nl_call(struct bft_nl *nl, struct nl_msg *msg,
		   int (*cb)(struct nl_msg *, void *), void *arg, bool quiet)
{
	struct call_state st = { .quiet = quiet };
	struct nl_cb *c;
	int err;

	c = nl_cb_alloc(NL_CB_DEFAULT);
	if (!c) {
		bft_nl_msg_wipe_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(c, NL_CB_CUSTOM, on_error, &st);
	nl_cb_set(c, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_set(c, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &st);
	if (cb)
		nl_cb_set(c, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);

	/* Dumps end with NLMSG_DONE; an extra ACK would linger. */
	if (!(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	err = nl_send_auto(nl->sk, msg);
	/* Requests may carry keys. */
	bft_nl_msg_wipe_free(msg);
	if (err < 0) {
		fprintf(stderr, "bftctl: send: %s\n", nl_geterror(err));
		nl_cb_put(c);
		return -EIO;
	}
	while (!st.done) {
		err = nl_recvmsgs(nl->sk, c);
		if (err < 0 && !st.done) {
			nl_cb_put(c);
			fprintf(stderr, "bftctl: receive: %s\n", nl_geterror(err));
			return -EIO;
		}
	}
	nl_cb_put(c);
	if (st.err == -EPERM && !quiet)
		fprintf(stderr, "bftctl: operation not permitted (CAP_NET_ADMIN needed in this network namespace)\n");
	return st.err;
}

int bft_nl_call(struct bft_nl *nl, struct nl_msg *msg,
		int (*cb)(struct nl_msg *, void *), void *arg)
{
	return nl_call(nl, msg, cb, arg, false);
}

int bft_nl_call_quiet(struct bft_nl *nl, struct nl_msg *msg,
		      int (*cb)(struct nl_msg *, void *), void *arg)
{
	return nl_call(nl, msg, cb, arg, true);
}
