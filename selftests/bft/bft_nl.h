/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal raw generic netlink client for the bft selftests.
 *
 * Raw sockets rather than libnl: the tests must be able to send exactly
 * the malformed attributes a library would refuse to build, and read the
 * extended ACK (message and offset) verbatim.
 */
#ifndef _BFT_SELFTEST_NL_H
#define _BFT_SELFTEST_NL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/bft.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define BFT_NL_BUFSZ 8192

struct bft_nl {
	int fd;
	uint32_t seq;
	uint16_t family;
};

struct bft_nl_msg {
	union {
		struct nlmsghdr nlh;
		char buf[BFT_NL_BUFSZ];
	};
};

/* What came back for one request. */
struct bft_nl_result {
	int error;			/* 0 or -errno from NLMSG_ERROR */
	char ext_msg[256];		/* NLMSGERR_ATTR_MSG, "" if none */
	bool has_offs;
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS */
	/* GET_STATUS reply, when error == 0 */
	bool has_version, has_cookie;
	char version[BFT_VERSION_MAX];
	uint64_t cookie;
	uint32_t proto, nr_replicas;
};

static inline void bft_nl_init(struct bft_nl_msg *m, uint16_t type,
			       uint8_t cmd, uint32_t seq)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->nlh.nlmsg_seq = seq;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = 1;
}

/* Append an attribute; returns its offset in the message, for extack. */
static inline uint32_t bft_nl_put(struct bft_nl_msg *m, uint16_t type,
				  const void *data, uint16_t len)
{
	uint32_t off = NLMSG_ALIGN(m->nlh.nlmsg_len);
	struct nlattr *nla = (struct nlattr *)(m->buf + off);

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	m->nlh.nlmsg_len = off + NLA_ALIGN(nla->nla_len);
	return off;
}

static inline int bft_nl_send(struct bft_nl *nl, struct bft_nl_msg *m)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(nl->fd, m->buf, m->nlh.nlmsg_len, 0,
		   (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static inline void bft_nl_parse_extack(const struct nlmsghdr *nlh,
				       struct bft_nl_result *res)
{
	const struct nlmsgerr *err = NLMSG_DATA(nlh);
	const struct nlattr *a;
	int off, rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* NETLINK_CAP_ACK is set: only the request header is echoed. */
	off = NLMSG_HDRLEN + sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	a = (const struct nlattr *)((const char *)nlh + off);
	rem = (int)nlh->nlmsg_len - off;
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (const struct nlattr *)((const char *)a +
					 NLA_ALIGN(a->nla_len))) {
		const char *p = (const char *)a + NLA_HDRLEN;
		int plen = a->nla_len - NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (plen >= (int)sizeof(res->ext_msg))
				plen = sizeof(res->ext_msg) - 1;
			memcpy(res->ext_msg, p, plen);
			res->ext_msg[plen] = '\0';
			break;
		case NLMSGERR_ATTR_OFFS:
			if (plen == 4) {
				memcpy(&res->offs, p, 4);
				res->has_offs = true;
			}
			break;
		}
	}
}

static inline void bft_nl_parse_status(const struct nlmsghdr *nlh,
				       struct bft_nl_result *res)
{
	const struct nlattr *a;
	int rem;

	a = (const struct nlattr *)((const char *)NLMSG_DATA(nlh) +
				    GENL_HDRLEN);
	rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (const struct nlattr *)((const char *)a +
					 NLA_ALIGN(a->nla_len))) {
		const char *p = (const char *)a + NLA_HDRLEN;
		int plen = a->nla_len - NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case BFT_A_VERSION:
			if (plen > 0 && plen <= BFT_VERSION_MAX &&
			    p[plen - 1] == '\0') {
				memcpy(res->version, p, plen);
				res->has_version = true;
			}
			break;
		case BFT_A_NETNS_COOKIE:
			if (plen == 8) {
				memcpy(&res->cookie, p, 8);
				res->has_cookie = true;
			}
			break;
		case BFT_A_PROTO_VERSION:
			if (plen == 4)
				memcpy(&res->proto, p, 4);
			break;
		case BFT_A_NR_REPLICAS:
			if (plen == 4)
				memcpy(&res->nr_replicas, p, 4);
			break;
		}
	}
}

/*
 * Send @m and collect replies until the ACK for it.
 * Returns 0 when the exchange completed (see res->error), -errno on a
 * transport problem.
 */
static inline int bft_nl_call(struct bft_nl *nl, struct bft_nl_msg *m,
			      struct bft_nl_result *res)
{
	static char rbuf[BFT_NL_BUFSZ * 4];
	uint32_t seq = ++nl->seq;
	int ret;

	memset(res, 0, sizeof(*res));
	m->nlh.nlmsg_seq = seq;
	ret = bft_nl_send(nl, m);
	if (ret)
		return ret;

	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n;

		n = recv(nl->fd, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				res->error = e->error;
				bft_nl_parse_extack(nlh, res);
				return 0;
			}
			if (nlh->nlmsg_type == nl->family)
				bft_nl_parse_status(nlh, res);
		}
	}
}

/* Resolve the family id of @name; 0 on success, -errno (ENOENT) if absent. */
static inline int bft_nl_resolve(struct bft_nl *nl, const char *name)
{
	static char rbuf[BFT_NL_BUFSZ];
	struct bft_nl_msg m;
	uint32_t seq = ++nl->seq;
	int ret, err = -ENOENT;

	bft_nl_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, seq);
	bft_nl_put(&m, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	ret = bft_nl_send(nl, &m);
	if (ret)
		return ret;

	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n;

		n = recv(nl->fd, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			const struct nlattr *a;
			int rem;

			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				return e->error ? e->error : err;
			}
			a = (const struct nlattr *)((char *)NLMSG_DATA(nlh) +
						    GENL_HDRLEN);
			rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
			for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= rem;
			     rem -= NLA_ALIGN(a->nla_len),
			     a = (const struct nlattr *)((char *)a +
					NLA_ALIGN(a->nla_len))) {
				if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
					memcpy(&nl->family,
					       (char *)a + NLA_HDRLEN, 2);
					err = 0;
				}
			}
		}
	}
}

/* Socket with extended ACKs; 0 or -errno. */
static inline int bft_nl_open(struct bft_nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	/* A lost reply must fail the test, not hang it. */
	struct timeval tv = { .tv_sec = 10 };
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
		       sizeof(one)) ||
	    setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
		       sizeof(one)) ||
	    setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int ret = -errno;

		close(nl->fd);
		nl->fd = -1;
		return ret;
	}
	return 0;
}

static inline void bft_nl_close(struct bft_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

#endif /* _BFT_SELFTEST_NL_H */
