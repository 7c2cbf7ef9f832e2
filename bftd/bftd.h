/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bftd: the PBFT engine of bft.ko as a userspace replica daemon. Same
 * engine and KV service sources, same wire format and config file, so a
 * bftd replica can serve in a cluster with kernel replicas. One thread
 * owns the engine, as the kernel worker does.
 */
#ifndef BFTD_H
#define BFTD_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "engine.h"
#include "names.h"
#include "keyrot.h"
#include "../kmod/kv.h"
#include "../bftctl/lib/config.h"
#include "../bftctl/lib/hmac.h"

/* Datagrams per recvmmsg/sendmmsg call. */
#define BFTD_BATCH		64
/* Bytes of queued output before a forced flush. */
#define BFTD_TX_ARENA		(1 << 20)

/* Counters of the glue: the engine keeps its own (struct bft_counters). */
struct bftd_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_calls;		/* recvmmsg calls that returned data */
	uint64_t rx_empty;		/* recvmmsg calls that found nothing */
	uint64_t timeo_sets;		/* SO_RCVTIMEO changes */
	uint64_t drop[__BFT_DROP_MAX];	/* before the engine, by reason */
	uint64_t mac_verified;
	uint64_t mac_failed;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_calls;		/* sendmmsg calls */
	uint64_t tx_errors;
	uint64_t tx_no_endpoint;	/* reply to a client never heard from */
	uint64_t events;
	uint64_t committed;		/* batches delivered in order */
	uint64_t reconfig_installed;	/* epoch switches with staged peers */
	uint64_t reconfig_unstaged;	/* switches with nothing staged to match */
	uint64_t stage_errors;		/* SIGHUP files refused */
};

/* The next epoch's new hosts, keyed, held aside until the switch. */
struct bftd_staging {
	uint64_t epoch;			/* 0: nothing staged */
	uint8_t config[BFT_DIGEST_LEN];
	uint32_t n;			/* the epoch's n */
	uint64_t mask;			/* replaced and added ids, not ours */
	struct bft_conf conf;		/* the file, d->conf after the switch */
	struct bft_hmac mac[BFT_MAX_REPLICAS];
	struct sockaddr_storage ep[BFT_MAX_REPLICAS];
	socklen_t len[BFT_MAX_REPLICAS];
};

struct bftd_txq {
	struct mmsghdr msg[BFTD_BATCH];
	struct iovec iov[BFTD_BATCH];
	unsigned int count;
	size_t used;
	uint8_t *arena;
};

struct bftd_rxq {
	struct mmsghdr msg[BFTD_BATCH];
	struct iovec iov[BFTD_BATCH];
	struct sockaddr_storage src[BFTD_BATCH];
	uint8_t *buf;			/* BFTD_BATCH * BFT_WIRE_MAX_DGRAM */
};

/* Keys with one replica: key id k in key[k & 3] (engine/keyrot.h). */
struct bftd_peer {
	struct bft_hmac key[BFT_KR_SLOTS];
	uint8_t id[BFT_KR_SLOTS];
	uint32_t kr;			/* keyrot.h state word */
};

struct bftd {
	struct bft_conf conf;
	uint32_t id;
	uint32_t n;
	uint32_t n_clients;		/* highest client id + 1 */
	int verbose;			/* -v count */
	const char *status_path;

	struct bft_engine *engine;
	struct bft_kv *kv;
	struct bftd_peer rpeer[BFT_MAX_REPLICAS];
	uint64_t rotated_ms;		/* last key rotation started */
	struct bft_hmac *cmac;		/* n_clients; unkeyed if not listed */

	int fd;
	int family;
	uint64_t timeo_ms;		/* SO_RCVTIMEO now; 0: none yet */
	struct sockaddr_storage rep_ep[BFT_MAX_REPLICAS];
	socklen_t rep_len[BFT_MAX_REPLICAS];
	struct sockaddr_storage *cli_ep;	/* moved by bftd_client_fresh() */
	socklen_t *cli_len;
	const struct sockaddr_storage *rx_src;	/* datagram in the engine */
	socklen_t rx_slen;

	struct bftd_staging staged;

	struct bftd_txq tx;
	struct bftd_rxq rx;
	struct bftd_stats st;
};

/* ops.c: the engine callbacks. */
extern const struct bft_ops bftd_ops;

/* keys.c: pairwise keys and their live rotation (engine/keyrot.h). */
int bftd_keys(struct bftd *d, const uint8_t priv[BFT_KEY_LEN], char *err,
	      size_t errlen);
void bftd_keys_free(struct bftd *d);
void bftd_peer_clear(struct bftd_peer *p);
int bftd_peer_set_key(struct bftd_peer *p, struct bft_hmac *k);
int bftd_mac(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
	     u32 niov, u8 tag[BFT_MAC_LEN]);
u8 bftd_key_id(void *ctx, u8 principal, u32 id);
/* After bft_wire_verify() of a datagram: its outcome moves key states. */
void bftd_keys_rx(struct bftd *d, const uint8_t *buf, uint32_t len,
		  int reason);
/* Ratchet every replica key not rotating yet; -EBUSY if all are. */
int bftd_keys_rotate(struct bftd *d, uint64_t now);
/* Follow peers, retire old keys, rotate periodically. */
void bftd_keys_work(struct bftd *d, uint64_t now);

/* net.c: the UDP socket, batched receive and transmit. */
int bftd_net_open(struct bftd *d, const struct sockaddr_storage *listen,
		  socklen_t len, char *err, size_t errlen);
void bftd_net_close(struct bftd *d);
/*
 * One recvmmsg batch through the engine, waiting up to @wait_ms for the
 * first datagram (0: not at all): datagrams handled, or -errno.
 */
int bftd_rx(struct bftd *d, uint64_t wait_ms);
void bftd_tx_queue(struct bftd *d, const struct sockaddr_storage *dst,
		   socklen_t dst_len, const void *buf, uint32_t len);
void bftd_tx_flush(struct bftd *d);
bool bftd_client_fresh(void *ctx, u32 client);

/* staging.c: the cluster file's epoch, staged on SIGHUP. */
int bftd_staging_init(struct bftd *d);
void bftd_staging_free(struct bftd *d);
int bftd_stage_file(struct bftd *d, const char *path,
		    const uint8_t priv[BFT_KEY_LEN], char *err, size_t errlen);
bool bftd_staged(void *ctx, u64 *epoch, u8 *config);
void bftd_reconfig(void *ctx, u64 epoch, u64 seq, u32 n, u64 replace,
		   const u8 *config);

/* status.c: counters and the status file. */
void bftd_dump(const struct bftd *d, FILE *f);
int bftd_status_write(const struct bftd *d);
uint64_t bftd_mono_ms(void);

#endif
