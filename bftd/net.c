// SPDX-License-Identifier: GPL-2.0
/*
 * bftd's UDP socket. Input arrives in batches of up to BFTD_BATCH
 * datagrams (recvmmsg); each is authenticated before the engine sees it,
 * as bft.ko does in softirq. Output the engine produces while handling a
 * batch is queued and leaves in one sendmmsg call. The wait for input is
 * the recvmmsg itself (MSG_WAITFORONE, SO_RCVTIMEO up to the engine's
 * next deadline), not a poll before it: two syscalls per wake-up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/time.h>
#include <string.h>
#include <unistd.h>

#include "bftd.h"

#define BFTD_SOCKBUF	(4 << 20)

/* Replica endpoints in the socket's family (v4-mapped on IPv6). */
static int peer_endpoints(struct bftd *d, char *err, size_t errlen)
{
	uint32_t i;

	for (i = 0; i < d->n; i++) {
		const struct bft_conf_replica *r = &d->conf.replicas[i];

		d->rep_len[i] = bft_sockaddr_as(&r->endpoint, d->family,
						&d->rep_ep[i]);
		if (!d->rep_len[i]) {
			snprintf(err, errlen,
				 "replica %u has an IPv6 endpoint but this replica listens on IPv4 (use -l [::]:PORT)",
				 i);
			return -EINVAL;
		}
	}
	return 0;
}

static void bind_error(const struct sockaddr_storage *ss, char *err,
		       size_t errlen)
{
	const struct sockaddr_in *s4 = (const void *)ss;
	const struct sockaddr_in6 *s6 = (const void *)ss;
	char addr[INET6_ADDRSTRLEN] = "?";
	int e = errno;

	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
	snprintf(err, errlen, "cannot bind UDP %s%s%s:%u: %s",
		 ss->ss_family == AF_INET6 ? "[" : "", addr,
		 ss->ss_family == AF_INET6 ? "]" : "",
		 ntohs(ss->ss_family == AF_INET6 ? s6->sin6_port : s4->sin_port),
		 strerror(e));
	errno = e;
}

int bftd_net_open(struct bftd *d, const struct sockaddr_storage *listen,
		  socklen_t len, char *err, size_t errlen)
{
	int one = 1, off = 0, bufsz = BFTD_SOCKBUF, i;

	d->family = listen->ss_family;
	if (peer_endpoints(d, err, errlen))
		return -EINVAL;
	d->rx.buf = malloc((size_t)BFTD_BATCH * BFT_WIRE_MAX_DGRAM);
	d->tx.arena = malloc(BFTD_TX_ARENA);
	if (!d->rx.buf || !d->tx.arena) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->fd = socket(d->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->fd < 0)
		goto sys;
	if (d->family == AF_INET6 &&
	    setsockopt(d->fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)))
		goto sys;
	setsockopt(d->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Best effort (capped by net.core.[rw]mem_max): absorbs bursts. */
	setsockopt(d->fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	setsockopt(d->fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	if (bind(d->fd, (const struct sockaddr *)listen, len)) {
		bind_error(listen, err, errlen);
		return -errno;
	}
	for (i = 0; i < BFTD_BATCH; i++) {
		d->rx.iov[i].iov_base = d->rx.buf + (size_t)i * BFT_WIRE_MAX_DGRAM;
		d->rx.msg[i].msg_hdr.msg_iov = &d->rx.iov[i];
		d->rx.msg[i].msg_hdr.msg_iovlen = 1;
		d->rx.msg[i].msg_hdr.msg_name = &d->rx.src[i];
		d->tx.msg[i].msg_hdr.msg_iov = &d->tx.iov[i];
		d->tx.msg[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
sys:
	snprintf(err, errlen, "UDP socket: %s", strerror(errno));
	return -errno;
}

void bftd_net_close(struct bftd *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	free(d->rx.buf);
	free(d->tx.arena);
	d->rx.buf = NULL;
	d->tx.arena = NULL;
}

static bool same_addr(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	       !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
}

/*
 * ops->client_fresh: the engine accepted a new timestamp from @client, so
 * the datagram is no replay; a copy a replica relayed does not count.
 */
bool bftd_client_fresh(void *ctx, u32 client)
{
	struct bftd *d = ctx;
	uint32_t i;

	if (!d->rx_src || client >= d->n_clients ||
	    d->rx_slen > sizeof(*d->rx_src))
		return false;
	for (i = 0; i < d->n; i++)
		if (same_addr(d->rx_src, &d->rep_ep[i]))
			return false;
	memcpy(&d->cli_ep[client], d->rx_src, d->rx_slen);
	d->cli_len[client] = d->rx_slen;
	return true;
}

static void rx_one(struct bftd *d, const uint8_t *buf, uint32_t len,
		   const struct sockaddr_storage *src, socklen_t slen)
{
	int reason;

	d->st.rx_packets++;
	d->st.rx_bytes += len;
	/* Kind and size first: nothing oversized gets MACed. */
	reason = bft_wire_screen(buf, len, bft_engine_limits(d->engine));
	if (!reason)
		reason = bft_wire_verify(buf, len, d->id, d->n, bftd_mac, d);
	if (!reason || reason == BFT_DROP_KEY_ID)
		bftd_keys_rx(d, buf, len, reason);
	if (reason) {
		if (reason == BFT_DROP_MAC || reason == BFT_DROP_AUTH)
			d->st.mac_failed++;
		if (reason > 0 && reason < __BFT_DROP_MAX)
			d->st.drop[reason]++;
		return;
	}
	d->st.mac_verified++;
	d->rx_src = src;
	d->rx_slen = slen;
	bft_engine_receive(d->engine, buf, len, BFT_RX_VERIFIED);
	d->rx_src = NULL;
}

/*
 * Wait at most @ms in the next blocking recvmmsg. Shorter always takes
 * effect; longer only past twice the current, so a deadline that moves a
 * little does not cost a setsockopt per wake-up (an early wake-up is
 * harmless: the loop looks at the deadlines again).
 */
static void rcv_timeout(struct bftd *d, uint64_t ms)
{
	struct timeval tv = {
		.tv_sec = (time_t)(ms / 1000),
		.tv_usec = (suseconds_t)(ms % 1000) * 1000,
	};

	if (d->timeo_ms && ms >= d->timeo_ms && ms < 2 * d->timeo_ms)
		return;
	if (setsockopt(d->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return;
	d->timeo_ms = ms;
	d->st.timeo_sets++;
}

int bftd_rx(struct bftd *d, uint64_t wait_ms)
{
	int n, i, flags = MSG_DONTWAIT;

	for (i = 0; i < BFTD_BATCH; i++) {
		d->rx.iov[i].iov_len = BFT_WIRE_MAX_DGRAM;
		d->rx.msg[i].msg_hdr.msg_namelen = sizeof(d->rx.src[i]);
		d->rx.msg[i].msg_hdr.msg_flags = 0;
	}
	if (wait_ms) {
		rcv_timeout(d, wait_ms);
		flags = MSG_WAITFORONE;
	}
	n = recvmmsg(d->fd, d->rx.msg, BFTD_BATCH, flags, NULL);
	if (n < 0) {
		d->st.rx_empty++;
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	}
	d->st.rx_calls++;
	for (i = 0; i < n; i++) {
		const struct msghdr *m = &d->rx.msg[i].msg_hdr;

		if (m->msg_flags & MSG_TRUNC) {
			d->st.rx_packets++;
			d->st.drop[BFT_DROP_TOO_LONG]++;
			continue;
		}
		rx_one(d, d->rx.iov[i].iov_base, d->rx.msg[i].msg_len,
		       &d->rx.src[i], m->msg_namelen);
	}
	/* Flushes batches and fires timeouts that this input made due. */
	bft_engine_tick(d->engine, bftd_mono_ms());
	return n;
}

void bftd_tx_queue(struct bftd *d, const struct sockaddr_storage *dst,
		   socklen_t dst_len, const void *buf, uint32_t len)
{
	struct bftd_txq *q = &d->tx;
	struct msghdr *m;

	if (len > BFTD_TX_ARENA) {
		d->st.tx_errors++;
		return;
	}
	if (q->count == BFTD_BATCH || q->used + len > BFTD_TX_ARENA)
		bftd_tx_flush(d);
	memcpy(q->arena + q->used, buf, len);
	q->iov[q->count].iov_base = q->arena + q->used;
	q->iov[q->count].iov_len = len;
	m = &q->msg[q->count].msg_hdr;
	m->msg_name = (void *)dst;
	m->msg_namelen = dst_len;
	q->used += len;
	q->count++;
}

void bftd_tx_flush(struct bftd *d)
{
	struct bftd_txq *q = &d->tx;
	unsigned int done = 0, i;
	int r;

	while (done < q->count) {
		r = sendmmsg(d->fd, q->msg + done, q->count - done, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* Skip the datagram that failed; UDP may lose it. */
			d->st.tx_errors++;
			done++;
			continue;
		}
		d->st.tx_calls++;
		for (i = done; i < done + (unsigned int)r; i++)
			d->st.tx_bytes += q->iov[i].iov_len;
		d->st.tx_packets += r;
		done += r;
	}
	q->count = 0;
	q->used = 0;
}
