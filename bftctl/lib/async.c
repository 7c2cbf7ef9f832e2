// SPDX-License-Identifier: GPL-2.0
/*
 * libbftclient's event-driven core (see bftclient.h and async.h): many
 * logical clients, each a PBFT client core (kmod/engine/client.c), on one
 * non-blocking UDP socket. Datagrams come in with recvmmsg and go out
 * with sendmmsg; replies reach their logical client by the client id
 * they carry. Deadlines are scanned lazily: a scan runs only when the
 * earliest known deadline has passed, so steady load costs no per-loop
 * walk over all clients.
 */
#define _GNU_SOURCE		/* recvmmsg, sendmmsg */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../kmod/kv_codec.h"
#include "async.h"
#include "config.h"
#include "errmsg.h"
#include "keys.h"

#define ASYNC_DEFAULT_TIMEOUT_MS	5000
#define ASYNC_RCVBUF			(4 << 20)
#define ASYNC_NO_DEADLINE		UINT64_MAX

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t mono_ms(void)
{
	return mono_ns() / 1000000;
}

int bft_async_mac(struct bft_async_cli *cli, uint32_t replica,
		  const struct bft_iov *iov, uint32_t niov, uint8_t *tag)
{
	struct iovec v[4];
	uint32_t i;

	if (replica >= cli->a->n || niov > 4)
		return -ENOKEY;
	for (i = 0; i < niov; i++) {
		v[i].iov_base = (void *)iov[i].base;
		v[i].iov_len = iov[i].len;
	}
	return bft_hmac_compute(&cli->mac[replica], v, niov, tag);
}

static int core_mac(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
		    u32 niov, u8 tag[BFT_MAC_LEN])
{
	if (principal != BFT_PRINCIPAL_REPLICA)
		return -ENOKEY;
	return bft_async_mac(ctx, id, iov, niov, tag);
}

void bft_async_flush(struct bft_async *a)
{
	struct bft_async_txq *q = &a->tx;
	uint32_t done = 0;
	int r;

	while (done < q->count) {
		r = sendmmsg(a->fd, q->msg + done, q->count - done, 0);
		if (r > 0) {
			a->st.tx_calls++;
			a->st.tx_datagrams += (uint64_t)r;
			done += (uint32_t)r;
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else {
			/* The first unsent one failed: UDP may lose it. */
			a->st.tx_errors++;
			done++;
		}
	}
	q->count = 0;
	q->used = 0;
}

void bft_async_send(struct bft_async *a, uint32_t replica, const void *buf,
		    uint32_t len)
{
	struct bft_async_txq *q = &a->tx;
	struct msghdr *m;

	if (replica >= a->n || len > BFT_ASYNC_TX_ARENA) {
		a->st.tx_errors++;
		return;
	}
	if (q->count == BFT_ASYNC_BATCH || q->used + len > BFT_ASYNC_TX_ARENA)
		bft_async_flush(a);
	memcpy(q->arena + q->used, buf, len);
	q->iov[q->count].iov_base = q->arena + q->used;
	q->iov[q->count].iov_len = len;
	m = &q->msg[q->count].msg_hdr;
	m->msg_name = &a->ep[replica];
	m->msg_namelen = a->ep_len[replica];
	q->used += len;
	q->count++;
}

static void core_send(void *ctx, u32 replica, const void *buf, u32 len)
{
	struct bft_async_cli *cli = ctx;

	bft_async_send(cli->a, replica, buf, len);
}

static int open_socket(struct bft_async *a, char *err, size_t errlen)
{
	const struct bft_conf *conf = a->conf;
	int bufsz = ASYNC_RCVBUF, off = 0;
	bool v6 = false;
	uint32_t i;

	for (i = 0; i < conf->n_replicas; i++)
		v6 |= conf->replicas[i].endpoint.ss_family == AF_INET6;
	/* IPv4 endpoints become v4-mapped when another one is IPv6. */
	for (i = 0; i < conf->n_replicas; i++)
		a->ep_len[i] = bft_sockaddr_as(&conf->replicas[i].endpoint,
					       v6 ? AF_INET6 : AF_INET,
					       &a->ep[i]);
	a->fd = socket(v6 ? AF_INET6 : AF_INET,
		       SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (a->fd < 0)
		return bft_errf(err, errlen, BFT_E_SYSTEM, "socket: %s",
			    strerror(errno));
	if (v6 && setsockopt(a->fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
			     sizeof(off)))
		return bft_errf(err, errlen, BFT_E_SYSTEM, "IPV6_V6ONLY: %s",
			    strerror(errno));
	/* Best effort: n replies per request may arrive at once. */
	setsockopt(a->fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	setsockopt(a->fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	return BFT_OK;
}

static int alloc_queues(struct bft_async *a)
{
	uint32_t i;

	a->tx.arena = malloc(BFT_ASYNC_TX_ARENA);
	a->rx.buf = malloc((size_t)BFT_ASYNC_BATCH * BFT_WIRE_MAX_DGRAM);
	a->by_id = malloc(BFT_MAX_CLIENTS * sizeof(*a->by_id));
	if (!a->tx.arena || !a->rx.buf || !a->by_id)
		return -1;
	memset(a->by_id, 0xff, BFT_MAX_CLIENTS * sizeof(*a->by_id));
	for (i = 0; i < BFT_ASYNC_BATCH; i++) {
		a->tx.msg[i].msg_hdr.msg_iov = &a->tx.iov[i];
		a->tx.msg[i].msg_hdr.msg_iovlen = 1;
		a->rx.iov[i].iov_base = a->rx.buf +
					(size_t)i * BFT_WIRE_MAX_DGRAM;
		a->rx.msg[i].msg_hdr.msg_iov = &a->rx.iov[i];
		a->rx.msg[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

/*
 * One cluster file, or two joined by ':' while a grow or shrink is staged:
 * the configuration in force and the next one, in either order. The
 * client then knows every replica of both epochs: it authenticates for
 * max(n, n') of them and takes f of the larger (a pure grow or shrink
 * keeps the smaller set inside the larger, so no more than that f of
 * its repliers are faulty in either epoch). An id in both files takes
 * the later epoch's host.
 */
static int conf_load_union(const char *paths, struct bft_conf *c, char *err,
			   size_t errlen)
{
	const char *sep = strchr(paths, ':');
	struct bft_conf *o;
	char *first;
	uint32_t i;
	int ret;

	if (!sep)
		return bft_conf_load(paths, c, err, errlen);
	if (strchr(sep + 1, ':')) {
		snprintf(err, errlen, "%s: at most two configuration files (the epoch in force and the next)",
			 paths);
		return -1;
	}
	first = strndup(paths, sep - paths);
	o = calloc(1, sizeof(*o));
	ret = first && o ? bft_conf_load(first, c, err, errlen) : -1;
	if (!first || !o)
		snprintf(err, errlen, "out of memory");
	free(first);
	if (ret) {
		free(o);
		return ret;
	}
	if (bft_conf_load(sep + 1, o, err, errlen)) {
		bft_conf_free(c);
		free(o);
		return -1;
	}
	if (o->epoch > c->epoch) {	/* *c keeps the newer one */
		struct bft_conf t = *c;

		*c = *o;
		*o = t;
	}
	if (strcmp(c->name, o->name) || c->epoch != o->epoch + 1) {
		snprintf(err, errlen, "%s: not two consecutive epochs of one cluster (%s epoch %" PRIu64 ", %s epoch %" PRIu64 ")",
			 paths, o->name, o->epoch, c->name, c->epoch);
		ret = -1;
	}
	for (i = c->n_replicas; i < o->n_replicas; i++)
		c->replicas[i] = o->replicas[i];
	if (o->n_replicas > c->n_replicas)
		c->n_replicas = o->n_replicas;
	bft_conf_free(o);
	free(o);
	if (ret)
		bft_conf_free(c);
	return ret;
}

int bft_async_open(struct bft_async **out, const char *conf_path,
		   const struct bft_client_opts *opts, char *err,
		   size_t errlen)
{
	struct bft_async *a;
	char cerr[256];
	int ret;

	*out = NULL;
	if (!conf_path)
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "a config file is required");
	a = calloc(1, sizeof(*a));
	if (!a)
		return bft_errf(err, errlen, BFT_E_SYSTEM, "out of memory");
	a->fd = -1;
	a->next_scan_ms = ASYNC_NO_DEADLINE;
	a->conf = calloc(1, sizeof(*a->conf));
	if (!a->conf || alloc_queues(a)) {
		bft_async_close(a);
		return bft_errf(err, errlen, BFT_E_SYSTEM, "out of memory");
	}
	if (conf_load_union(conf_path, a->conf, cerr, sizeof(cerr))) {
		free(a->conf);
		a->conf = NULL;
		bft_async_close(a);
		return bft_errf(err, errlen, BFT_E_CONFIG, "%s", cerr);
	}
	if (opts)
		a->opts = *opts;
	a->n = a->conf->n_replicas;
	a->ops.mac = core_mac;
	a->ops.send = core_send;
	a->lim.n = a->n;
	a->lim.n_clients = BFT_MAX_CLIENTS;
	a->lim.max_op = BFT_MAX_OP;
	a->lim.max_result = BFT_MAX_RESULT;
	ret = open_socket(a, err, errlen);
	if (ret) {
		bft_async_close(a);
		return ret;
	}
	*out = a;
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
static int derive_keys(struct bft_async_cli *cli, const struct bft_conf *conf,
		       const uint8_t priv[BFT_KEY_LEN], char *err,
		       size_t errlen)
{
	struct bft_principal_id me = { BFT_PRINCIPAL_CLIENT, cli->id };
	uint8_t key[BFT_KEY_LEN];
	uint32_t i;
	int ret = BFT_OK;

	for (i = 0; i < conf->n_replicas && ret == BFT_OK; i++) {
		struct bft_principal_id peer = { BFT_PRINCIPAL_REPLICA, i };

		if (bft_key_pairwise(priv, conf->replicas[i].pub, conf->name,
				     me, peer, key))
			ret = bft_errf(err, errlen, BFT_E_CONFIG,
				   "cannot derive the key for replica %u", i);
		else if (bft_hmac_init(&cli->mac[i], key))
			ret = bft_errf(err, errlen, BFT_E_SYSTEM,
				   "cannot key HMAC-SHA256 for replica %u", i);
	}
	bft_key_wipe(key, sizeof(key));
	return ret;
}

/* Checks the private key in key_file against the [Client] entry. */
static int client_keys(struct bft_async_cli *cli, const struct bft_conf *conf,
		       const char *key_file, char *err, size_t errlen)
{
	const struct bft_conf_client *cc = find_client(conf, cli->id);
	uint8_t priv[BFT_KEY_LEN], pub[BFT_KEY_LEN];
	int ret, e;

	if (!cc)
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "client id %u is not a [Client] of cluster '%s'",
			    cli->id, conf->name);
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
			    key_file, cli->id);
	}
	ret = derive_keys(cli, conf, priv, err, errlen);
	bft_key_wipe(priv, sizeof(priv));
	return ret;
}

/* First timestamp: wall-clock ns, so a restarted client id stays fresh. */
static uint64_t first_ts(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void cli_free(struct bft_async_cli *cli)
{
	uint32_t i;

	if (!cli)
		return;
	for (i = 0; i < BFT_MAX_REPLICAS; i++)
		bft_hmac_free(&cli->mac[i]);
	bft_cli_destroy(&cli->core);
	bft_key_wipe(cli, sizeof(*cli));
	free(cli);
}

static int cli_core_init(struct bft_async *a, struct bft_async_cli *cli)
{
	const struct bft_client_opts *o = &a->opts;
	struct bft_cli_config cfg = {
		.n = a->n,
		.id = cli->id,
		.max_op = o->max_op ? o->max_op : BFT_KV_OP_LEN_MAX,
		.max_result = o->max_result ? o->max_result :
			      BFT_KV_RESULT_LEN_MAX,
		.timeout_ms = o->retransmit_ms,
		.timeout_max_ms = o->retransmit_max_ms,
		.first_ts = first_ts(),
	};

	return bft_cli_init(&cli->core, &cfg, &a->ops, cli);
}

int bft_async_add(struct bft_async *a, uint32_t id, const char *key_file,
		  char *err, size_t errlen)
{
	struct bft_async_cli *cli, **v;
	int ret;

	if (!a || !key_file)
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "a key file is required");
	if (id >= BFT_MAX_CLIENTS)
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "client id %u is out of range (max %u)", id,
			    BFT_MAX_CLIENTS - 1);
	if (a->by_id[id] >= 0)
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "client id %u was already added", id);
	if (a->n_cli == a->cap_cli) {
		v = realloc(a->cli, (a->cap_cli ? 2 * a->cap_cli : 8) *
				    sizeof(*v));
		if (!v)
			return bft_errf(err, errlen, BFT_E_SYSTEM,
				    "out of memory");
		a->cli = v;
		a->cap_cli = a->cap_cli ? 2 * a->cap_cli : 8;
	}
	cli = calloc(1, sizeof(*cli));
	if (!cli)
		return bft_errf(err, errlen, BFT_E_SYSTEM, "out of memory");
	cli->a = a;
	cli->id = id;
	cli->slot = (int)a->n_cli;
	ret = client_keys(cli, a->conf, key_file, err, errlen);
	if (!ret && cli_core_init(a, cli))
		ret = bft_errf(err, errlen, BFT_E_CONFIG,
			   "client id %u or limits out of range", id);
	if (ret) {
		cli_free(cli);
		return ret;
	}
	a->cli[a->n_cli++] = cli;
	a->by_id[id] = cli->slot;
	return cli->slot;
}

/*
 * Replicas reply to the address our last request came from, and backups
 * only see requests inside PRE-PREPAREs: until a logical client's first
 * result, its request goes to all (read-only ones already do), or the
 * first reply quorum waits for a retransmission timeout.
 */
static void announce(struct bft_async_cli *cli)
{
	struct bft_cli *c = &cli->core;
	u32 i, primary = (u32)(c->view % c->n);

	for (i = 0; i < c->n; i++)
		if (i != primary)
			bft_async_send(cli->a, i, c->req, c->req_len);
}

static void note_deadline(struct bft_async *a, uint64_t t)
{
	if (t < a->next_scan_ms)
		a->next_scan_ms = t;
}

int bft_async_submit(struct bft_async *a, int slot, const void *op,
		     size_t len, bool ro, int timeout_ms, bft_async_cb cb,
		     void *cookie)
{
	struct bft_async_cli *cli;
	uint64_t now;
	int r;

	if (!a || slot < 0 || (uint32_t)slot >= a->n_cli || (len && !op) ||
	    !cb)
		return BFT_E_INVAL;
	cli = a->cli[slot];
	if (cli->busy)
		return BFT_E_BUSY;
	if (len > cli->core.cfg.max_op)
		return BFT_E_LIMIT;
	cli->t_submit_ns = mono_ns();
	now = cli->t_submit_ns / 1000000;
	if (!timeout_ms)
		timeout_ms = ASYNC_DEFAULT_TIMEOUT_MS;
	cli->end_ms = timeout_ms < 0 ? ASYNC_NO_DEADLINE :
		      now + (uint64_t)timeout_ms;
	r = bft_cli_submit(&cli->core, op, (u32)len, ro, now);
	if (r)
		return r == -ENOMEM ? BFT_E_SYSTEM : BFT_E_INVAL;
	if (!cli->announced && !ro)
		announce(cli);
	cli->busy = true;
	cli->cb = cb;
	cli->cookie = cookie;
	a->busy++;
	note_deadline(a, bft_cli_next_deadline(&cli->core));
	note_deadline(a, cli->end_ms);
	return BFT_OK;
}

void bft_async_abort(struct bft_async_cli *cli)
{
	if (!cli->busy)
		return;
	bft_cli_cancel(&cli->core);
	cli->busy = false;
	cli->a->busy--;
}

/* Finish slot's request with status (and a result when status >= 0). */
static void complete(struct bft_async_cli *cli, long status,
		     const struct bft_cli_result *res)
{
	struct bft_async *a = cli->a;
	struct bft_async_done d = {
		.slot = cli->slot,
		.client_id = cli->id,
		.status = status,
		.result = res ? res->result : NULL,
		.readonly = res && res->readonly,
		.latency_ns = mono_ns() - cli->t_submit_ns,
	};

	bft_async_abort(cli);
	a->st.completions++;
	cli->cb(a, &d, cli->cookie);
}

static void rx_one(struct bft_async *a, const uint8_t *buf, uint32_t len,
		   uint64_t now)
{
	struct bft_async_cli *cli;
	struct bft_cli_result res;
	struct bft_reply_view r;
	int32_t slot;
	int ret;

	/* Anything else (stale FETCH answers, junk) is not ours to count. */
	if (bft_wire_parse_reply(buf, len, &a->lim, &r) ||
	    r.client >= BFT_MAX_CLIENTS)
		return;
	slot = a->by_id[r.client];
	if (slot < 0)
		return;
	cli = a->cli[slot];
	ret = bft_cli_receive(&cli->core, buf, len, now, &res);
	if (!cli->busy)
		return;
	if (ret == BFT_CLI_DONE) {
		cli->announced = true;
		complete(cli, res.result_len, &res);
	} else if (ret == BFT_CLI_CONFLICT) {
		complete(cli, BFT_E_CONFLICT, NULL);
	} else {
		/* A read-only fallback re-arms the retransmission timer. */
		note_deadline(a, bft_cli_next_deadline(&cli->core));
	}
}

/* Drain the socket; returns datagrams received or BFT_E_SYSTEM. */
static int rx_drain(struct bft_async *a)
{
	uint64_t now;
	int n, i, total = 0;

	do {
		for (i = 0; i < BFT_ASYNC_BATCH; i++) {
			a->rx.iov[i].iov_len = BFT_WIRE_MAX_DGRAM;
			a->rx.msg[i].msg_hdr.msg_flags = 0;
		}
		n = recvmmsg(a->fd, a->rx.msg, BFT_ASYNC_BATCH, MSG_DONTWAIT,
			     NULL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ||
			       errno == ECONNREFUSED ? total : BFT_E_SYSTEM;
		a->st.rx_calls++;
		a->st.rx_datagrams += (uint64_t)n;
		now = mono_ms();
		for (i = 0; i < n; i++)
			if (!(a->rx.msg[i].msg_hdr.msg_flags & MSG_TRUNC))
				rx_one(a, a->rx.iov[i].iov_base,
				       a->rx.msg[i].msg_len, now);
		total += n;
	} while (n == BFT_ASYNC_BATCH);
	return total;
}

/*
 * Retransmit and time out what is due; recompute the next deadline.
 * Callbacks may submit on any slot: their deadlines land in
 * a->next_scan_ms too, through note_deadline().
 */
static void scan(struct bft_async *a, uint64_t now)
{
	uint32_t i;

	a->next_scan_ms = ASYNC_NO_DEADLINE;
	for (i = 0; i < a->n_cli; i++) {
		struct bft_async_cli *cli = a->cli[i];

		if (!cli->busy)
			continue;
		if (now >= cli->end_ms) {
			cli->timeouts++;
			a->st.timeouts++;
			complete(cli, BFT_E_TIMEOUT, NULL);
			continue;
		}
		bft_cli_tick(&cli->core, now);
		note_deadline(a, bft_cli_next_deadline(&cli->core));
		note_deadline(a, cli->end_ms);
	}
}

int bft_async_process(struct bft_async *a)
{
	uint64_t done = a->st.completions, now;
	int r;

	r = rx_drain(a);
	now = mono_ms();
	if (now >= a->next_scan_ms)
		scan(a, now);
	bft_async_flush(a);
	if (r < 0)
		return r;
	return (int)(a->st.completions - done);
}

int bft_async_timeout(const struct bft_async *a)
{
	uint64_t now;

	if (!a->busy || a->next_scan_ms == ASYNC_NO_DEADLINE)
		return -1;
	now = mono_ms();
	if (a->next_scan_ms <= now)
		return 0;
	return a->next_scan_ms - now > INT32_MAX ? INT32_MAX :
	       (int)(a->next_scan_ms - now);
}

int bft_async_run(struct bft_async *a, int timeout_ms)
{
	struct pollfd pfd = { .fd = a->fd, .events = POLLIN };
	int t = bft_async_timeout(a);

	bft_async_flush(a);
	if (t < 0 || (timeout_ms >= 0 && timeout_ms < t))
		t = timeout_ms;
	if (poll(&pfd, 1, t) < 0 && errno != EINTR)
		return BFT_E_SYSTEM;
	return bft_async_process(a);
}

int bft_async_fd(const struct bft_async *a)
{
	return a->fd;
}

uint32_t bft_async_busy(const struct bft_async *a)
{
	return a->busy;
}

void bft_async_client_stats(const struct bft_async *a, int slot,
			    struct bft_client_stats *st)
{
	const struct bft_async_cli *cli = a->cli[slot];

	memset(st, 0, sizeof(*st));
	st->requests = cli->core.st.requests;
	st->sent = cli->core.st.sent;
	st->retransmits = cli->core.st.retransmits;
	st->replies = cli->core.st.replies;
	st->dropped = cli->core.st.dropped;
	st->conflicts = cli->core.st.conflicts;
	st->ro_fallbacks = cli->core.st.ro_fallbacks;
	st->timeouts = cli->timeouts;
	st->send_errors = a->st.tx_errors;
}

void bft_async_get_stats(const struct bft_async *a,
			 struct bft_async_stats *st)
{
	*st = a->st;
}

void bft_async_close(struct bft_async *a)
{
	uint32_t i;

	if (!a)
		return;
	for (i = 0; i < a->n_cli; i++)
		cli_free(a->cli[i]);
	free(a->cli);
	if (a->fd >= 0)
		close(a->fd);
	if (a->conf)
		bft_conf_free(a->conf);
	free(a->conf);
	free(a->tx.arena);
	free(a->rx.buf);
	free(a->by_id);
	free(a);
}
