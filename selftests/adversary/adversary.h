/* SPDX-License-Identifier: GPL-2.0 */
/*
 * adversary: a Byzantine replica for the VM selftests. It holds one
 * replica's keys and takes that replica's place in a cluster, reusing
 * bftd's config, key, socket and HMAC code and the kernel's wire codec,
 * so every datagram it sends is exactly as valid (or invalid) as meant.
 */
#ifndef BFT_ADVERSARY_H
#define BFT_ADVERSARY_H

#include <signal.h>
#include <stdint.h>

#include "../../bftd/bftd.h"

enum adv_mode {
	ADV_SILENT,		/* receive, send nothing */
	ADV_EQUIVOCATE,		/* primary: batch X to some, Y to others */
	ADV_FORGE,		/* bad MACs and authenticators */
	ADV_GARBAGE,		/* malformed datagrams, one set per reason */
	ADV_REPLAY,		/* capture, then re-send verbatim and re-signed */
	ADV_FLOOD,		/* forged datagrams as fast as possible */
	ADV_VC_LIAR,		/* lying VIEW-CHANGEs, invalid NEW-VIEWs */
	ADV_BYZ_CLIENT,		/* a client: same (c, t), different ops */
	ADV_MUTATE,		/* valid datagrams with boundary defects */
	ADV_BAD_CLIENT,		/* a client: the MAC attack, forged requests */
	ADV_OLD_KEY,		/* valid MACs with the retired key id 0 */
};

/* bad-client: which bad requests to send (--bad). */
#define ADV_BAD_PRIMARY	1u	/* valid at the primary only */
#define ADV_BAD_ALL	2u	/* noise everywhere, as --victim */

struct adv {
	struct bftd d;		/* config, keys and socket, as bftd has them */
	struct bft_wire_limits lim;
	enum adv_mode mode;
	uint64_t targets;	/* bit per replica id */
	uint32_t count;		/* datagrams per kind and target */
	uint32_t rate;		/* datagrams per second; 0: unbounded */
	uint32_t duration_ms;	/* 0: until SIGTERM */
	uint32_t capture_ms;	/* replay: listen this long first */
	uint64_t view;		/* equivocate: the view we are primary of */
	uint64_t first_seq;	/* equivocate: first sequence number to use */
	uint32_t grace_ms;	/* vc-liar: wait before our NEW-VIEW */
	uint32_t client;	/* byz-client: our client id */
	uint32_t trick;		/* byz-client: primary-only requests to send */
	uint32_t victim;	/* bad-client: client id of the all-bad ones */
	uint32_t bad_kinds;	/* bad-client: ADV_BAD_* */
	uint64_t views;		/* vc-liar: views lied in */
	uint64_t new_views;	/* vc-liar: invalid NEW-VIEWs sent */
	struct bft_hmac cmac[BFT_MAX_REPLICAS];	/* byz-client: ours */
	uint64_t start_ms;
	uint64_t sent;
	uint64_t received;
	uint64_t proposals;	/* equivocate: conflicting pairs sent */
	uint64_t rng;
	uint8_t *tx;		/* scratch, BFT_WIRE_MAX_DGRAM */
	uint8_t *rx;
	/* Drops each target must count, by reason, when all datagrams arrive. */
	uint64_t expect[BFT_MAX_REPLICAS][__BFT_DROP_MAX];
};

extern volatile sig_atomic_t adv_stop;

/* main.c: transport and helpers. */
uint32_t adv_rand(struct adv *a);
void adv_fill(struct adv *a, uint8_t *p, uint32_t len);
bool adv_done(const struct adv *a);
/* A valid MAC trailer for replica @to over buf[0, len - BFT_MAC_LEN). */
void adv_seal(struct adv *a, uint32_t to, uint8_t *buf, uint32_t len);
/* Queues one datagram to replica @to, paced by --rate. */
void adv_send(struct adv *a, uint32_t to, const uint8_t *buf, uint32_t len);
/* Next datagram into a->rx: its length, 0 after @wait_ms, -1 to stop. */
int adv_recv(struct adv *a, int wait_ms);

/* modes.c */
int adv_silent(struct adv *a);
int adv_equivocate(struct adv *a);
int adv_forge(struct adv *a);
int adv_old_key(struct adv *a);
int adv_garbage(struct adv *a);
int adv_replay(struct adv *a);
int adv_flood(struct adv *a);
/* vcliar.c, byzclient.c */
int adv_vc_liar(struct adv *a);
int adv_byz_client(struct adv *a);
int adv_bad_client(struct adv *a);
int adv_client_keys(struct adv *a, const char *keyfile);
/* mutate.c */
int adv_mutate(struct adv *a);

#endif
