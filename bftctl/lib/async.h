/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libbftclient internals: the event-driven multiplexer behind both the
 * bft_async_* API and the blocking bft_client_* calls. One UDP socket
 * carries many logical clients; each runs its own PBFT client core
 * (kmod/engine/client.c) with its own id and per-replica HMAC keys.
 * Replies are demultiplexed by the client id they carry.
 */
#ifndef BFT_ASYNC_INT_H
#define BFT_ASYNC_INT_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "../../kmod/engine/client.h"
#include "bftclient.h"
#include "config.h"
#include "hmac.h"

#define BFT_ASYNC_BATCH		32	/* datagrams per recvmmsg/sendmmsg */
#define BFT_ASYNC_TX_ARENA	(256 * 1024)

struct bft_async;

/* One logical client: one outstanding request, as PBFT requires. */
struct bft_async_cli {
	struct bft_cli core;
	struct bft_async *a;
	uint32_t id;
	int slot;
	struct bft_hmac mac[BFT_MAX_REPLICAS];
	bool announced;		/* every replica has our address */
	bool busy;
	uint64_t t_submit_ns;
	uint64_t end_ms;	/* give up then; UINT64_MAX: never */
	bft_async_cb cb;
	void *cookie;
	uint64_t timeouts;
};

struct bft_async_txq {
	struct mmsghdr msg[BFT_ASYNC_BATCH];
	struct iovec iov[BFT_ASYNC_BATCH];
	uint32_t count;
	uint32_t used;
	uint8_t *arena;
};

struct bft_async_rxq {
	struct mmsghdr msg[BFT_ASYNC_BATCH];
	struct iovec iov[BFT_ASYNC_BATCH];
	uint8_t *buf;		/* BFT_ASYNC_BATCH datagrams */
};

struct bft_async {
	struct bft_conf *conf;		/* keys and [Client] entries */
	struct bft_client_opts opts;
	uint32_t n;
	int fd;
	struct sockaddr_storage ep[BFT_MAX_REPLICAS];
	socklen_t ep_len[BFT_MAX_REPLICAS];
	struct bft_cli_ops ops;
	struct bft_wire_limits lim;	/* for demultiplexing */
	struct bft_async_cli **cli;	/* by slot */
	uint32_t n_cli, cap_cli;
	int32_t *by_id;			/* client id -> slot, or -1 */
	uint32_t busy;			/* requests outstanding */
	uint64_t next_scan_ms;		/* earliest deadline of any slot */
	struct bft_async_txq tx;
	struct bft_async_rxq rx;
	struct bft_async_stats st;
};

/* The first datagram's buffer, reused by bft_client_stable(). */
static inline uint8_t *bft_async_rxbuf(struct bft_async *a)
{
	return a->rx.buf;
}

/* HMAC of iov under the key of logical client cli and replica id. */
int bft_async_mac(struct bft_async_cli *cli, uint32_t replica,
		  const struct bft_iov *iov, uint32_t niov, uint8_t *tag);
/* Drop slot's outstanding request without a completion. */
void bft_async_abort(struct bft_async_cli *cli);
/* Queue one datagram to replica; leaves at the next flush. */
void bft_async_send(struct bft_async *a, uint32_t replica, const void *buf,
		    uint32_t len);

#endif
