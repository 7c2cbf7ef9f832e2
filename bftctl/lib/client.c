// SPDX-License-Identifier: GPL-2.0
/*
 * libbftclient: the client API of bftclient.h on a UDP socket. The PBFT
 * client core (kmod/engine/client.c) decides what to send and when a
 * result is certified; this file supplies keys, the socket, a monotonic
 * clock and the poll() loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../kmod/engine/client.h"
#include "../../kmod/kv_codec.h"
#include "bftclient.h"
#include "config.h"
#include "errmsg.h"
#include "hmac.h"
#include "keys.h"

#define CLIENT_DEFAULT_TIMEOUT_MS	5000
/* The replicas' engine limits (bft.ko and bftd). */
#define CLIENT_DEFAULT_MAX_OP		BFT_KV_OP_LEN_MAX
#define CLIENT_DEFAULT_MAX_RESULT	BFT_KV_RESULT_LEN_MAX
#define CLIENT_RCVBUF			(1 << 20)

struct bft_client {
	struct bft_cli core;
	struct bft_cli_ops ops;
	uint32_t n;
	uint32_t id;
	uint32_t max_op;
	int fd;
	struct sockaddr_storage ep[BFT_MAX_REPLICAS];
	socklen_t ep_len[BFT_MAX_REPLICAS];
	struct bft_hmac mac[BFT_MAX_REPLICAS];
	uint8_t *rx;			/* one datagram */
	uint8_t *op;			/* KV helpers encode here */
	uint8_t *res;			/* and decode from here */
	uint32_t max_result;
	int kv_status;
	unsigned int kv_flags;
	uint64_t timeouts;
	uint64_t send_errors;
	bool announced;			/* every replica has our address */
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int cli_mac(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
		   u32 niov, u8 tag[BFT_MAC_LEN])
{
	struct bft_client *c = ctx;
	struct iovec v[4];
	u32 i;

	if (principal != BFT_PRINCIPAL_REPLICA || id >= c->n || niov > 4)
		return -ENOKEY;
	for (i = 0; i < niov; i++) {
		v[i].iov_base = (void *)iov[i].base;
		v[i].iov_len = iov[i].len;
	}
	return bft_hmac_compute(&c->mac[id], v, niov, tag);
}

static void cli_send(void *ctx, u32 replica, const void *buf, u32 len)
{
	struct bft_client *c = ctx;

	if (replica >= c->n ||
	    sendto(c->fd, buf, len, 0, (struct sockaddr *)&c->ep[replica],
		   c->ep_len[replica]) < 0)
		c->send_errors++;
}

/* IPv4 endpoints become v4-mapped when another endpoint is IPv6. */
static void ep_set(struct bft_client *c, uint32_t i,
		   const struct bft_conf_replica *r, bool v6)
{
	c->ep_len[i] = bft_sockaddr_as(&r->endpoint,
				       v6 ? AF_INET6 : AF_INET, &c->ep[i]);
}

static int open_socket(struct bft_client *c, const struct bft_conf *conf,
		       char *err, size_t errlen)
{
	int bufsz = CLIENT_RCVBUF, off = 0;
	bool v6 = false;
	uint32_t i;

	for (i = 0; i < conf->n_replicas; i++)
		v6 |= conf->replicas[i].endpoint.ss_family == AF_INET6;
	for (i = 0; i < conf->n_replicas; i++)
		ep_set(c, i, &conf->replicas[i], v6);
	c->fd = socket(v6 ? AF_INET6 : AF_INET,
		       SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return bft_errf(err, errlen, BFT_E_SYSTEM, "socket: %s",
			    strerror(errno));
	if (v6 && setsockopt(c->fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
			     sizeof(off)))
		return bft_errf(err, errlen, BFT_E_SYSTEM, "IPV6_V6ONLY: %s",
			    strerror(errno));
	/* Best effort: n replies may arrive at once. */
	setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	return BFT_OK;
}

static const struct bft_conf_client *find_client(const struct bft_conf *conf,
						 uint32_t id)
{
	uint32_t i;

	for (i = 0; i < conf->n_clients; i++)
		if (conf->clients[i].id == id)
			return &conf->clients[i];
	return NULL;
}

/* Pairwise keys with every replica; priv is wiped by the caller. */
static int derive_keys(struct bft_client *c, const struct bft_conf *conf,
		       const uint8_t priv[BFT_KEY_LEN], char *err,
		       size_t errlen)
{
	struct bft_principal_id me = { BFT_PRINCIPAL_CLIENT, c->id };
	uint8_t key[BFT_KEY_LEN];
	uint32_t i;
	int ret = BFT_OK;

	for (i = 0; i < c->n && ret == BFT_OK; i++) {
		struct bft_principal_id peer = { BFT_PRINCIPAL_REPLICA, i };

		if (bft_key_pairwise(priv, conf->replicas[i].pub, conf->name,
				     me, peer, key))
			ret = bft_errf(err, errlen, BFT_E_CONFIG,
				   "cannot derive the key for replica %u", i);
		else if (bft_hmac_init(&c->mac[i], key))
			ret = bft_errf(err, errlen, BFT_E_SYSTEM,
				   "cannot key HMAC-SHA256 for replica %u", i);
	}
	bft_key_wipe(key, sizeof(key));
	return ret;
}

/* First timestamp: wall-clock ns, so a restarted client id stays fresh. */
static uint64_t first_ts(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int client_setup(struct bft_client *c, const struct bft_conf *conf,
			uint32_t id, const char *key_file,
			const struct bft_client_opts *o, char *err,
			size_t errlen)
{
	const struct bft_conf_client *cc = find_client(conf, id);
	struct bft_cli_config cfg = { 0 };
	uint8_t priv[BFT_KEY_LEN], pub[BFT_KEY_LEN];
	int ret, e;

	if (!cc)
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "client id %u is not a [Client] of cluster '%s'",
			    id, conf->name);
	e = bft_key_read_file(key_file, priv);
	if (e) {
		bft_key_wipe(priv, sizeof(priv));
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "%s: %s", key_file, e == -EINVAL ?
			    "not a base64 X25519 private key" : strerror(-e));
	}
	if (bft_key_public(priv, pub) || memcmp(pub, cc->pub, BFT_KEY_LEN)) {
		bft_key_wipe(priv, sizeof(priv));
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "%s is not the private key of client %u (its public key differs from the config)",
			    key_file, id);
	}
	ret = derive_keys(c, conf, priv, err, errlen);
	bft_key_wipe(priv, sizeof(priv));
	if (ret)
		return ret;
	ret = open_socket(c, conf, err, errlen);
	if (ret)
		return ret;

	cfg.n = c->n;
	cfg.id = id;
	cfg.max_op = o && o->max_op ? o->max_op : CLIENT_DEFAULT_MAX_OP;
	cfg.max_result = o && o->max_result ? o->max_result :
			 CLIENT_DEFAULT_MAX_RESULT;
	cfg.timeout_ms = o ? o->retransmit_ms : 0;
	cfg.timeout_max_ms = o ? o->retransmit_max_ms : 0;
	cfg.first_ts = first_ts();
	c->ops.mac = cli_mac;
	c->ops.send = cli_send;
	if (bft_cli_init(&c->core, &cfg, &c->ops, c))
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "client id %u or limits out of range", id);
	c->max_op = c->core.cfg.max_op;
	c->max_result = c->core.cfg.max_result;
	c->rx = calloc(1, BFT_WIRE_MAX_DGRAM);
	c->op = calloc(1, c->max_op);
	c->res = calloc(1, c->max_result);
	if (!c->rx || !c->op || !c->res)
		return bft_errf(err, errlen, BFT_E_SYSTEM, "out of memory");
	return BFT_OK;
}

int bft_client_open(struct bft_client **out, const char *conf_path,
		    uint32_t client_id, const char *key_file,
		    const struct bft_client_opts *opts, char *err,
		    size_t errlen)
{
	struct bft_client *c;
	struct bft_conf conf;
	char cerr[256];
	int ret;

	*out = NULL;
	if (!conf_path || !key_file)
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "a config file and a key file are required");
	if (client_id >= BFT_MAX_CLIENTS)
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "client id %u is out of range (max %u)", client_id,
			    BFT_MAX_CLIENTS - 1);
	if (bft_conf_load(conf_path, &conf, cerr, sizeof(cerr)))
		return bft_errf(err, errlen, BFT_E_CONFIG, "%s", cerr);
	c = calloc(1, sizeof(*c));
	if (!c) {
		bft_conf_free(&conf);
		return bft_errf(err, errlen, BFT_E_SYSTEM, "out of memory");
	}
	c->fd = -1;
	c->n = conf.n_replicas;
	c->id = client_id;
	c->kv_status = -1;
	ret = client_setup(c, &conf, client_id, key_file, opts, err, errlen);
	bft_conf_free(&conf);
	if (ret) {
		bft_client_close(c);
		return ret;
	}
	*out = c;
	return BFT_OK;
}

void bft_client_close(struct bft_client *c)
{
	uint32_t i;

	if (!c)
		return;
	for (i = 0; i < BFT_MAX_REPLICAS; i++)
		bft_hmac_free(&c->mac[i]);
	if (c->fd >= 0)
		close(c->fd);
	bft_cli_destroy(&c->core);
	free(c->rx);
	free(c->op);
	free(c->res);
	bft_key_wipe(c, sizeof(*c));
	free(c);
}

/*
 * Drain the socket: 0 while undecided, 1 with the result length in *len,
 * or an error.
 */
static int drain(struct bft_client *c, void *result, size_t cap, long *len)
{
	struct bft_cli_result res;
	ssize_t n;
	int r;

	for (;;) {
		n = recv(c->fd, c->rx, BFT_WIRE_MAX_DGRAM, 0);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ||
			       errno == ECONNREFUSED ? 0 : BFT_E_SYSTEM;
		r = bft_cli_receive(&c->core, c->rx, (u32)n, mono_ms(), &res);
		if (r == BFT_CLI_CONFLICT)
			return BFT_E_CONFLICT;
		if (r != BFT_CLI_DONE)
			continue;
		if (res.result_len > cap)
			return BFT_E_TOOBIG;
		if (res.result_len)
			memcpy(result, res.result, res.result_len);
		*len = res.result_len;
		c->announced = true;
		return 1;
	}
}

static void announce(struct bft_client *c)
{
	u32 i, primary = (u32)(c->core.view % c->n);

	for (i = 0; i < c->n; i++)
		if (i != primary)
			cli_send(c, i, c->core.req, c->core.req_len);
}

static long invoke(struct bft_client *c, const void *op, size_t len,
		   bool ro, void *result, size_t cap, int timeout_ms)
{
	uint64_t now = mono_ms(), end, dl;
	struct pollfd pfd = { .events = POLLIN };
	long ret = 0;
	int r;

	if (!c || (len && !op) || (cap && !result))
		return BFT_E_INVAL;
	pfd.fd = c->fd;
	if (len > c->max_op)
		return BFT_E_LIMIT;
	if (!timeout_ms)
		timeout_ms = CLIENT_DEFAULT_TIMEOUT_MS;
	end = timeout_ms < 0 ? UINT64_MAX : now + (uint64_t)timeout_ms;
	/* Anything still queued answers an older request. */
	while (recv(c->fd, c->rx, BFT_WIRE_MAX_DGRAM, 0) >= 0)
		;
	r = bft_cli_submit(&c->core, op, (u32)len, ro, now);
	if (r)
		return r == -ENOMEM ? BFT_E_SYSTEM : BFT_E_INVAL;
	/*
	 * Replicas reply to the address our last request came from, and
	 * backups only see requests inside PRE-PREPAREs: until our first
	 * result, send the request to all (read-only ones already are), or
	 * the first reply quorum waits for a retransmission timeout.
	 */
	if (!c->announced && !ro)
		announce(c);
	for (;;) {
		r = drain(c, result, cap, &ret);
		if (r) {
			if (r < 0)
				ret = r;
			break;
		}
		now = mono_ms();
		if (now >= end) {
			c->timeouts++;
			ret = BFT_E_TIMEOUT;
			break;
		}
		bft_cli_tick(&c->core, now);
		dl = bft_cli_next_deadline(&c->core);
		if (dl > end)
			dl = end;
		r = poll(&pfd, 1, dl > now ? (int)(dl - now) : 0);
		if (r < 0 && errno != EINTR) {
			ret = BFT_E_SYSTEM;
			break;
		}
	}
	bft_cli_cancel(&c->core);
	return ret;
}

long bft_client_invoke(struct bft_client *c, const void *op, size_t len,
		       void *result, size_t cap, int timeout_ms)
{
	return invoke(c, op, len, false, result, cap, timeout_ms);
}

long bft_client_invoke_ro(struct bft_client *c, const void *op, size_t len,
			  void *result, size_t cap, int timeout_ms)
{
	return invoke(c, op, len, true, result, cap, timeout_ms);
}

/* Map a KV result onto the library's codes; 0 for BFT_KV_OK. */
static int kv_result(struct bft_client *c, long len, struct bft_kv_res_view *v)
{
	if (len < 0)
		return (int)len;
	if (bft_kv_dec_result(c->res, (u32)len, v))
		return BFT_E_PROTO;
	c->kv_status = v->status;
	c->kv_flags = v->flags;
	switch (v->status) {
	case BFT_KV_OK:
		return BFT_OK;
	case BFT_KV_E_NOT_FOUND:
		return BFT_E_NOT_FOUND;
	case BFT_KV_E_CAS_MISMATCH:
		return BFT_E_CAS_MISMATCH;
	case BFT_KV_E_KEY_TOO_LONG:
	case BFT_KV_E_VALUE_TOO_LONG:
	case BFT_KV_E_FULL:
	case BFT_KV_E_RESULT_TOO_BIG:
		return BFT_E_LIMIT;
	default:
		return BFT_E_REJECTED;
	}
}

/* Run an encoded KV op (0 length: it did not fit) and decode the result. */
static int kv_run(struct bft_client *c, u32 len, bool ro, int timeout_ms,
		  struct bft_kv_res_view *v)
{
	long n;

	c->kv_flags = 0;
	if (!len)
		return BFT_E_LIMIT;
	n = invoke(c, c->op, len, ro, c->res, c->max_result, timeout_ms);
	return kv_result(c, n, v);
}

static bool bad_buf(const void *p, size_t len)
{
	return len && !p;
}

int bft_client_put(struct bft_client *c, const void *key, size_t key_len,
		   const void *val, size_t val_len, int timeout_ms)
{
	struct bft_kv_res_view v;

	if (!c || bad_buf(key, key_len) || bad_buf(val, val_len))
		return BFT_E_INVAL;
	c->kv_status = -1;
	if (key_len > UINT16_MAX || val_len > BFT_KV_VALUE_MAX)
		return BFT_E_LIMIT;
	return kv_run(c, bft_kv_enc_put(c->op, c->max_op, key, (u32)key_len,
					val, (u32)val_len),
		      false, timeout_ms, &v);
}

long bft_client_get(struct bft_client *c, const void *key, size_t key_len,
		    void *val, size_t cap, bool readonly, int timeout_ms)
{
	struct bft_kv_res_view v;
	int ret;

	if (!c || bad_buf(key, key_len) || bad_buf(val, cap))
		return BFT_E_INVAL;
	c->kv_status = -1;
	if (key_len > UINT16_MAX)
		return BFT_E_LIMIT;
	ret = kv_run(c, bft_kv_enc_get(c->op, c->max_op, key, (u32)key_len),
		     readonly, timeout_ms, &v);
	if (ret)
		return ret;
	if (v.val_len > cap)
		return BFT_E_TOOBIG;
	if (v.val_len)
		memcpy(val, v.val, v.val_len);
	return v.val_len;
}

int bft_client_del(struct bft_client *c, const void *key, size_t key_len,
		   int timeout_ms)
{
	struct bft_kv_res_view v;

	if (!c || bad_buf(key, key_len))
		return BFT_E_INVAL;
	c->kv_status = -1;
	if (key_len > UINT16_MAX)
		return BFT_E_LIMIT;
	return kv_run(c, bft_kv_enc_del(c->op, c->max_op, key, (u32)key_len),
		      false, timeout_ms, &v);
}

int bft_client_cas(struct bft_client *c, const void *key, size_t key_len,
		   const void *expected, size_t exp_len, const void *val,
		   size_t val_len, unsigned int flags, void *cur,
		   size_t cur_cap, size_t *cur_len, int timeout_ms)
{
	struct bft_kv_res_view v;
	int ret;

	if (!c || bad_buf(key, key_len) || bad_buf(expected, exp_len) ||
	    bad_buf(val, val_len) || bad_buf(cur, cur_cap) ||
	    (flags & ~BFT_CLIENT_CAS_ABSENT) ||
	    ((flags & BFT_CLIENT_CAS_ABSENT) && exp_len))
		return BFT_E_INVAL;
	c->kv_status = -1;
	if (key_len > UINT16_MAX || exp_len > BFT_KV_VALUE_MAX ||
	    val_len > BFT_KV_VALUE_MAX)
		return BFT_E_LIMIT;
	ret = kv_run(c, bft_kv_enc_cas(c->op, c->max_op, key, (u32)key_len,
				       expected, (u32)exp_len, val,
				       (u32)val_len,
				       flags & BFT_CLIENT_CAS_ABSENT ?
				       BFT_KV_F_ABSENT : 0),
		     false, timeout_ms, &v);
	if (ret == BFT_E_CAS_MISMATCH && cur_len) {
		*cur_len = v.val_len;
		if (v.val_len > cur_cap)
			return BFT_E_TOOBIG;
		if (v.val_len)
			memcpy(cur, v.val, v.val_len);
	}
	return ret;
}

int bft_client_kv_status(const struct bft_client *c, unsigned int *flags)
{
	if (flags)
		*flags = c->kv_flags;
	return c->kv_status;
}

/* A DATA(STABLE) for us, MAC'd by replica hdr.sender: 0 or -1. */
static int stable_answer(struct bft_client *c, u32 len, u32 *from,
			 struct bft_data_view *d)
{
	struct bft_msg_hdr h;
	struct bft_iov iov = { .base = c->rx, .len = len - BFT_MAC_LEN };
	u8 tag[BFT_MAC_LEN];

	if (bft_wire_parse_hdr(c->rx, len, &h) || h.kind != BFT_MSG_DATA ||
	    h.sender >= c->n || len < BFT_HDR_LEN + BFT_MAC_LEN)
		return -1;
	if (cli_mac(c, BFT_PRINCIPAL_REPLICA, h.sender, &iov, 1, tag) ||
	    bft_memneq(tag, c->rx + len - BFT_MAC_LEN, BFT_MAC_LEN))
		return -1;
	if (bft_wire_parse_data(c->rx, len, &c->core.lim, d) ||
	    d->what != BFT_FETCH_STABLE)
		return -1;
	*from = h.sender;
	return 0;
}

static void stable_ask(struct bft_client *c, uint64_t seq,
		       const struct bft_client_stable *out)
{
	u8 buf[BFT_FETCH_FIXED + BFT_MAC_LEN];
	struct bft_iov iov = { .base = buf, .len = BFT_FETCH_FIXED };
	u32 i, len;

	len = bft_enc_fetch_stable(buf, sizeof(buf), BFT_PRINCIPAL_CLIENT,
				   c->id, 0, seq);
	for (i = 0; len && i < c->n; i++) {
		if (out[i].answered ||
		    cli_mac(c, BFT_PRINCIPAL_REPLICA, i, &iov, 1,
			    buf + BFT_FETCH_FIXED))
			continue;
		cli_send(c, i, buf, len);
	}
}

int bft_client_stable(struct bft_client *c, uint64_t seq,
		      struct bft_client_stable *out, int timeout_ms)
{
	uint64_t now = mono_ms(), end, resend;
	struct bft_data_view d;
	struct pollfd pfd;
	u32 from, got = 0;
	ssize_t n;

	if (!c || !out || timeout_ms < 0)
		return BFT_E_INVAL;
	memset(out, 0, sizeof(*out) * c->n);
	end = now + (timeout_ms ? (uint64_t)timeout_ms : 2000);
	resend = now;
	while (got < c->n && (now = mono_ms()) < end) {
		if (now >= resend) {
			stable_ask(c, seq, out);
			resend = now + 200;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)((resend < end ? resend : end) - now)) < 0 &&
		    errno != EINTR)
			return BFT_E_SYSTEM;
		for (;;) {
			n = recv(c->fd, c->rx, BFT_WIRE_MAX_DGRAM, 0);
			if (n < 0)
				break;
			if (stable_answer(c, (u32)n, &from, &d) ||
			    out[from].answered)
				continue;
			out[from].answered = true;
			out[from].seq = d.seq;
			memcpy(out[from].digest, d.digest, BFT_DIGEST_LEN);
			got++;
		}
		if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED)
			return BFT_E_SYSTEM;
	}
	return (int)got;
}

void bft_client_get_stats(const struct bft_client *c,
			  struct bft_client_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->requests = c->core.st.requests;
	st->sent = c->core.st.sent;
	st->retransmits = c->core.st.retransmits;
	st->replies = c->core.st.replies;
	st->dropped = c->core.st.dropped;
	st->conflicts = c->core.st.conflicts;
	st->ro_fallbacks = c->core.st.ro_fallbacks;
	st->timeouts = c->timeouts;
	st->send_errors = c->send_errors;
}

uint32_t bft_client_n(const struct bft_client *c)
{
	return c->n;
}

uint32_t bft_client_f(const struct bft_client *c)
{
	return (c->n - 1) / 3;
}

const char *bft_client_strerror(int err)
{
	static const char *const msg[] = {
		[-BFT_OK] = "success",
		[-BFT_E_TIMEOUT] = "timed out waiting for f+1 matching replies",
		[-BFT_E_CONFLICT] = "no f+1 agreement: replicas returned conflicting results",
		[-BFT_E_LIMIT] = "rejected: over a limit",
		[-BFT_E_CONFIG] = "bad configuration",
		[-BFT_E_INVAL] = "invalid argument",
		[-BFT_E_TOOBIG] = "result larger than the buffer",
		[-BFT_E_SYSTEM] = "system error",
		[-BFT_E_NOT_FOUND] = "key not found",
		[-BFT_E_CAS_MISMATCH] = "compare-and-swap: value differs",
		[-BFT_E_REJECTED] = "rejected by the service",
		[-BFT_E_PROTO] = "malformed result from the service",
	};

	if (err > 0 || -err >= (int)(sizeof(msg) / sizeof(msg[0])))
		return "unknown error";
	return msg[-err];
}
