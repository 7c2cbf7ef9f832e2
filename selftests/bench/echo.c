// SPDX-License-Identifier: GPL-2.0
/*
 * bft-echo: the unreplicated baseline of `make bench`. It speaks the
 * client side of the wire format exactly as replicas do, so `bftctl bench`
 * drives it unchanged, but it orders nothing: each REQUEST is
 * authenticated (this replica's authenticator entry), executed at once by
 * the same KV service (a NOP for the bench workloads) and answered.
 *
 * libbftclient accepts a result once f+1 replicas vouch for it, so the
 * server answers as replicas 0..f (Q for read-only requests), one MAC
 * each, under the pairwise keys of the key files given: that is the least
 * work any server can do for this client, and the client's own work (an
 * n-entry authenticator, f+1 reply checks) is the same as with a real
 * cluster. It listens on replica 0's endpoint, where requests go first.
 *
 * usage: bft-echo -c CONF -k KEY0 [-k KEY1 ...] [-l ADDR:PORT] [-s STATUS]
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"
#include "kmod/kv.h"
#include "bftctl/lib/config.h"
#include "bftctl/lib/hmac.h"
#include "bftctl/lib/keys.h"

#define ECHO_BATCH	64

static volatile sig_atomic_t got_stop;

struct echo {
	struct bft_conf conf;
	uint32_t n, f, q, n_keys, n_clients;
	struct bft_hmac *mac;		/* [replica * n_clients + client] */
	struct bft_kv *kv;
	struct bft_wire_limits lim;
	int fd;
	uint64_t requests, replies, macs_verified, macs_computed, dropped;
	const char *status;
};

static void on_signal(int sig)
{
	(void)sig;
	got_stop = 1;
}

static struct bft_hmac *key_of(struct echo *e, uint32_t replica,
			       uint32_t client)
{
	if (replica >= e->n_keys || client >= e->n_clients)
		return NULL;
	return &e->mac[(size_t)replica * e->n_clients + client];
}

static int echo_mac(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
		    u32 niov, u8 tag[BFT_MAC_LEN])
{
	struct echo *e = ctx;
	struct bft_hmac *h = principal == BFT_PRINCIPAL_CLIENT ?
			     key_of(e, 0, id) : NULL;
	struct iovec v[4];
	u32 i;

	if (!h || !h->ctx || niov > 4)
		return -ENOKEY;
	for (i = 0; i < niov; i++) {
		v[i].iov_base = (void *)iov[i].base;
		v[i].iov_len = iov[i].len;
	}
	e->macs_verified++;
	return bft_hmac_compute(h, v, niov, tag);
}

static int load_keys(struct echo *e, char **files)
{
	uint8_t priv[BFT_KEY_LEN], pub[BFT_KEY_LEN], key[BFT_KEY_LEN];
	uint32_t r, i;

	e->mac = calloc((size_t)e->n_keys * e->n_clients, sizeof(*e->mac));
	if (!e->mac)
		return -1;
	for (r = 0; r < e->n_keys; r++) {
		struct bft_principal_id me = { BFT_PRINCIPAL_REPLICA, r };

		if (bft_key_read_file(files[r], priv) ||
		    bft_key_public(priv, pub) ||
		    memcmp(pub, e->conf.replicas[r].pub, BFT_KEY_LEN)) {
			fprintf(stderr, "bft-echo: %s is not replica %u's private key\n",
				files[r], r);
			return -1;
		}
		for (i = 0; i < e->conf.n_clients; i++) {
			const struct bft_conf_client *c = &e->conf.clients[i];
			struct bft_principal_id peer = { BFT_PRINCIPAL_CLIENT,
							 c->id };

			if (bft_key_pairwise(priv, c->pub, e->conf.name, me,
					     peer, key) ||
			    bft_hmac_init(key_of(e, r, c->id), key))
				return -1;
		}
	}
	bft_key_wipe(priv, sizeof(priv));
	bft_key_wipe(key, sizeof(key));
	return 0;
}

static void write_status(const struct echo *e)
{
	char tmp[4096];
	FILE *f;

	if (!e->status)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", e->status);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "requests_executed %" PRIu64 "\nreplies %" PRIu64
		"\nmac_verified %" PRIu64 "\nmac_computed %" PRIu64
		"\ndropped %" PRIu64 "\n", e->requests, e->replies,
		e->macs_verified, e->macs_computed, e->dropped);
	if (fclose(f) == 0)
		rename(tmp, e->status);
}

/* One request in, f+1 (or Q) replies queued into out[]; returns count. */
static unsigned int handle(struct echo *e, const uint8_t *buf, uint32_t len,
			   uint8_t (*out)[BFT_WIRE_MAX_DGRAM], uint32_t *out_len)
{
	static uint8_t result[BFT_MAX_RESULT];
	struct bft_req_view r;
	struct bft_hmac *h;
	struct iovec iov;
	unsigned int want, i;
	bool ro;
	u32 rlen;

	if (bft_wire_verify(buf, len, 0, e->n, echo_mac, e) ||
	    bft_wire_parse_request(buf, len, &e->lim, &r)) {
		e->dropped++;
		return 0;
	}
	ro = r.flags & BFT_REQ_F_READONLY;
	rlen = bft_kv_execute(e->kv, r.op, r.op_len, ro, result,
			      sizeof(result));
	if (rlen > sizeof(result))
		rlen = 0;
	e->requests++;
	want = ro ? e->q : e->f + 1;
	if (want > e->n_keys)
		want = e->n_keys;
	if (want > 4)
		want = 4;
	for (i = 0; i < want; i++) {
		u32 l = bft_enc_reply(out[i], BFT_WIRE_MAX_DGRAM, i, 0, r.ts,
				      r.client, ro ? BFT_REPLY_F_READONLY : 0,
				      result, rlen);

		h = key_of(e, i, r.client);
		if (!l || !h || !h->ctx)
			return i;
		iov.iov_base = out[i];
		iov.iov_len = l - BFT_MAC_LEN;
		if (bft_hmac_compute(h, &iov, 1, out[i] + l - BFT_MAC_LEN))
			return i;
		e->macs_computed++;
		out_len[i] = l;
	}
	return want;
}

static int serve(struct echo *e)
{
	static uint8_t rx[ECHO_BATCH][BFT_WIRE_MAX_DGRAM];
	static uint8_t tx[ECHO_BATCH * 4][BFT_WIRE_MAX_DGRAM];
	struct mmsghdr rmsg[ECHO_BATCH], tmsg[ECHO_BATCH * 4];
	struct iovec riov[ECHO_BATCH], tiov[ECHO_BATCH * 4];
	struct sockaddr_storage src[ECHO_BATCH];
	uint32_t tlen[4];
	struct pollfd pfd = { .fd = e->fd, .events = POLLIN };
	int n, i, k, sent;
	unsigned int nt, j, c;

	while (!got_stop) {
		if (poll(&pfd, 1, 200) < 0 && errno != EINTR)
			return 1;
		write_status(e);
		for (i = 0; i < ECHO_BATCH; i++) {
			riov[i].iov_base = rx[i];
			riov[i].iov_len = sizeof(rx[i]);
			memset(&rmsg[i].msg_hdr, 0, sizeof(rmsg[i].msg_hdr));
			rmsg[i].msg_hdr.msg_iov = &riov[i];
			rmsg[i].msg_hdr.msg_iovlen = 1;
			rmsg[i].msg_hdr.msg_name = &src[i];
			rmsg[i].msg_hdr.msg_namelen = sizeof(src[i]);
		}
		n = recvmmsg(e->fd, rmsg, ECHO_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		nt = 0;
		for (i = 0; i < n; i++) {
			c = handle(e, rx[i], rmsg[i].msg_len, &tx[nt], tlen);
			for (j = 0; j < c; j++, nt++) {
				tiov[nt].iov_base = tx[nt];
				tiov[nt].iov_len = tlen[j];
				memset(&tmsg[nt].msg_hdr, 0,
				       sizeof(tmsg[nt].msg_hdr));
				tmsg[nt].msg_hdr.msg_iov = &tiov[nt];
				tmsg[nt].msg_hdr.msg_iovlen = 1;
				tmsg[nt].msg_hdr.msg_name = &src[i];
				tmsg[nt].msg_hdr.msg_namelen =
					rmsg[i].msg_hdr.msg_namelen;
			}
		}
		for (k = 0; k < (int)nt; k += sent) {
			sent = sendmmsg(e->fd, tmsg + k, nt - k, 0);
			if (sent <= 0)
				break;
			e->replies += sent;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct echo e = { .fd = -1 };
	struct bft_kv_limits kl = { 0 };
	struct sockaddr_storage ls;
	char *keys[BFT_MAX_REPLICAS];
	const char *conf = NULL, *listen = NULL;
	char err[256];
	socklen_t llen;
	int c, ret, bufsz = 4 << 20;
	uint32_t i;

	while ((c = getopt(argc, argv, "c:k:l:s:")) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 'k':
			if (e.n_keys == BFT_MAX_REPLICAS)
				return 2;
			keys[e.n_keys++] = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 's':
			e.status = optarg;
			break;
		default:
			fprintf(stderr, "usage: bft-echo -c CONF -k KEY0 [-k KEY1 ...] [-l ADDR:PORT] [-s STATUS]\n");
			return 2;
		}
	}
	if (!conf || !e.n_keys) {
		fprintf(stderr, "bft-echo: -c CONF and at least one -k KEY are required\n");
		return 2;
	}
	if (bft_conf_load(conf, &e.conf, err, sizeof(err))) {
		fprintf(stderr, "bft-echo: %s\n", err);
		return 1;
	}
	e.n = e.conf.n_replicas;
	e.f = bft_conf_f(&e.conf);
	e.q = (e.n + e.f + 2) / 2;
	if (e.n_keys > e.n)
		e.n_keys = e.n;
	if (e.n_keys < e.f + 1)
		fprintf(stderr, "bft-echo: warning: %u keys, clients need %u matching replies\n",
			e.n_keys, e.f + 1);
	e.n_clients = 1;
	for (i = 0; i < e.conf.n_clients; i++)
		if (e.conf.clients[i].id + 1 > e.n_clients)
			e.n_clients = e.conf.clients[i].id + 1;
	if (load_keys(&e, keys))
		return 1;
	e.lim.n = e.n;
	e.lim.n_clients = e.n_clients;
	e.lim.max_op = BFT_MAX_OP;
	e.lim.max_result = BFT_MAX_RESULT;
	bft_kv_limits_default(&kl);
	e.kv = bft_kv_create(&kl, &ret);
	if (!e.kv)
		return 1;

	ls = e.conf.replicas[0].endpoint;
	llen = e.conf.replicas[0].endpoint_len;
	if (listen && bft_parse_endpoint(listen, &ls, &llen)) {
		fprintf(stderr, "bft-echo: bad -l %s\n", listen);
		return 2;
	}
	e.fd = socket(ls.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (e.fd < 0 || bind(e.fd, (struct sockaddr *)&ls, llen)) {
		perror("bft-echo: socket/bind");
		return 1;
	}
	setsockopt(e.fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	setsockopt(e.fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	write_status(&e);
	ret = serve(&e);
	write_status(&e);
	close(e.fd);
	return ret;
}
