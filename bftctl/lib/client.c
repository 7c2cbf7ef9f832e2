// SPDX-License-Identifier: GPL-2.0
/*
 * libbftclient: the blocking client API of bftclient.h. Each struct
 * bft_client is one logical client of the event-driven core (async.c) on
 * its own socket; a call submits one request and runs the core until its
 * completion. The KV helpers encode and decode the built-in service's
 * operations; bft_client_stable() asks for stable checkpoint digests.
 */
#define _GNU_SOURCE		/* recvmmsg, sendmmsg */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../kmod/kv_codec.h"
#include "async.h"
#include "errmsg.h"

struct bft_client {
	struct bft_async *a;	/* one logical client on its own socket */
	struct bft_async_cli *cli;
	uint32_t n;
	uint32_t id;
	uint32_t max_op;
	uint8_t *op;			/* KV helpers encode here */
	uint8_t *res;			/* and decode from here */
	uint32_t max_result;
	int kv_status;
	unsigned int kv_flags;
	/* The invoke in progress, filled by its completion. */
	void *result;
	size_t cap;
	long ret;
	bool done;
};

int bft_client_open(struct bft_client **out, const char *conf_path,
		    uint32_t client_id, const char *key_file,
		    const struct bft_client_opts *opts, char *err,
		    size_t errlen)
{
	struct bft_client *c;
	int ret;

	*out = NULL;
	if (!conf_path || !key_file)
		return bft_errf(err, errlen, BFT_E_CONFIG,
			    "a config file and a key file are required");
	c = calloc(1, sizeof(*c));
	if (!c)
		return bft_errf(err, errlen, BFT_E_SYSTEM, "out of memory");
	c->kv_status = -1;
	ret = bft_async_open(&c->a, conf_path, opts, err, errlen);
	if (!ret) {
		ret = bft_async_add(c->a, client_id, key_file, err, errlen);
		if (ret >= 0) {
			c->cli = c->a->cli[ret];
			ret = BFT_OK;
		}
	}
	if (!ret) {
		c->n = c->a->n;
		c->id = client_id;
		c->max_op = c->cli->core.cfg.max_op;
		c->max_result = c->cli->core.cfg.max_result;
		c->op = calloc(1, c->max_op);
		c->res = calloc(1, c->max_result);
		if (!c->op || !c->res)
			ret = bft_errf(err, errlen, BFT_E_SYSTEM,
				   "out of memory");
	}
	if (ret) {
		bft_client_close(c);
		return ret;
	}
	*out = c;
	return BFT_OK;
}

void bft_client_close(struct bft_client *c)
{
	if (!c)
		return;
	bft_async_close(c->a);
	free(c->op);
	free(c->res);
	free(c);
}

static void invoke_done(struct bft_async *a, const struct bft_async_done *d,
			void *cookie)
{
	struct bft_client *c = cookie;

	(void)a;
	c->done = true;
	c->ret = d->status;
	if (d->status < 0)
		return;
	if ((size_t)d->status > c->cap)
		c->ret = BFT_E_TOOBIG;
	else if (d->status)
		memcpy(c->result, d->result, (size_t)d->status);
}

/* One request through the async core, waited for here. */
static long invoke(struct bft_client *c, const void *op, size_t len,
		   bool ro, void *result, size_t cap, int timeout_ms)
{
	int r;

	if (!c || (len && !op) || (cap && !result))
		return BFT_E_INVAL;
	c->result = result;
	c->cap = cap;
	c->done = false;
	r = bft_async_submit(c->a, c->cli->slot, op, len, ro, timeout_ms,
			     invoke_done, c);
	if (r)
		return r;
	while (!c->done) {
		r = bft_async_run(c->a, -1);
		if (r < 0 && !c->done) {
			bft_async_abort(c->cli);
			return r;
		}
	}
	return c->ret;
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

int bft_client_kv_error(int status)
{
	switch (status) {
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

/* Map a KV result onto the library's codes; 0 for BFT_KV_OK. */
static int kv_result(struct bft_client *c, long len, struct bft_kv_res_view *v)
{
	if (len < 0)
		return (int)len;
	if (bft_kv_dec_result(c->res, (u32)len, v))
		return BFT_E_PROTO;
	c->kv_status = v->status;
	c->kv_flags = v->flags;
	return bft_client_kv_error(v->status);
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

/*
 * A question every replica answers alone (no voting): ask() sends it to
 * each replica that has not answered, take() returns the replica whose
 * answer @rx is (and records it), or -1 to ignore the datagram.
 */
struct query {
	void (*ask)(struct bft_client *c, struct query *q);
	int (*take)(struct bft_client *c, struct query *q, const uint8_t *rx,
		    u32 len);
	bool answered[BFT_MAX_REPLICAS];
	uint64_t arg;		/* the seq, or the timestamp asked with */
	void *out;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Asks again every 200 ms until all answered or timeout_ms (0: 2000). */
static int query_all(struct bft_client *c, struct query *q, int timeout_ms)
{
	uint64_t now = mono_ms(), end, resend;
	uint8_t *rx = bft_async_rxbuf(c->a);
	struct pollfd pfd;
	u32 got = 0;
	ssize_t n;
	int from;

	end = now + (timeout_ms ? (uint64_t)timeout_ms : 2000);
	resend = now;
	while (got < c->n && (now = mono_ms()) < end) {
		if (now >= resend) {
			q->ask(c, q);
			bft_async_flush(c->a);
			resend = now + 200;
		}
		pfd.fd = bft_async_fd(c->a);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)((resend < end ? resend : end) - now)) < 0 &&
		    errno != EINTR)
			return BFT_E_SYSTEM;
		for (;;) {
			n = recv(pfd.fd, rx, BFT_WIRE_MAX_DGRAM, 0);
			if (n < 0)
				break;
			from = q->take(c, q, rx, (u32)n);
			if (from < 0 || q->answered[from])
				continue;
			q->answered[from] = true;
			got++;
		}
		if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED)
			return BFT_E_SYSTEM;
	}
	return (int)got;
}

/* The MAC of a replica's datagram to us (the last BFT_MAC_LEN bytes). */
static bool mac_ok(struct bft_client *c, u32 replica, const uint8_t *rx,
		   u32 len)
{
	struct bft_iov iov = { .base = rx, .len = len - BFT_MAC_LEN };
	u8 tag[BFT_MAC_LEN];

	return len >= BFT_HDR_LEN + BFT_MAC_LEN && replica < c->n &&
	       !bft_async_mac(c->cli, replica, &iov, 1, tag) &&
	       !bft_memneq(tag, rx + len - BFT_MAC_LEN, BFT_MAC_LEN);
}

/* A DATA(STABLE) for us, MAC'd by replica hdr.sender. */
static int stable_take(struct bft_client *c, struct query *q,
		       const uint8_t *rx, u32 len)
{
	struct bft_client_stable *out = q->out;
	struct bft_msg_hdr h;
	struct bft_data_view d;

	if (bft_wire_parse_hdr(rx, len, &h) || h.kind != BFT_MSG_DATA ||
	    !mac_ok(c, h.sender, rx, len) ||
	    bft_wire_parse_data(rx, len, &c->cli->core.lim, &d) ||
	    d.what != BFT_FETCH_STABLE || q->answered[h.sender])
		return -1;
	out[h.sender].answered = true;
	out[h.sender].seq = d.seq;
	memcpy(out[h.sender].digest, d.digest, BFT_DIGEST_LEN);
	return (int)h.sender;
}

static void stable_ask(struct bft_client *c, struct query *q)
{
	u8 buf[BFT_FETCH_FIXED + BFT_MAC_LEN];
	struct bft_iov iov = { .base = buf, .len = BFT_FETCH_FIXED };
	u32 i, len;

	len = bft_enc_fetch_stable(buf, sizeof(buf), BFT_PRINCIPAL_CLIENT,
				   c->id, 0, q->arg);
	for (i = 0; len && i < c->n; i++) {
		if (q->answered[i] ||
		    bft_async_mac(c->cli, i, &iov, 1, buf + BFT_FETCH_FIXED))
			continue;
		bft_async_send(c->a, i, buf, len);
	}
}

int bft_client_stable(struct bft_client *c, uint64_t seq,
		      struct bft_client_stable *out, int timeout_ms)
{
	struct query q = {
		.ask = stable_ask, .take = stable_take, .arg = seq, .out = out,
	};

	if (!c || !out || timeout_ms < 0)
		return BFT_E_INVAL;
	memset(out, 0, sizeof(*out) * c->n);
	return query_all(c, &q, timeout_ms);
}

/* A REPLY to our STAGED query (timestamp q->arg) from its replica. */
static int staged_take(struct bft_client *c, struct query *q,
		       const uint8_t *rx, u32 len)
{
	struct bft_client_staged *o;
	struct bft_reply_view r;

	if (bft_wire_parse_reply(rx, len, &c->cli->core.lim, &r) ||
	    r.client != c->id || r.ts != q->arg ||
	    r.result_len != sizeof(struct bft_staged_result) ||
	    !mac_ok(c, r.replica, rx, len) || q->answered[r.replica])
		return -1;
	o = (struct bft_client_staged *)q->out + r.replica;
	o->answered = true;
	o->epoch = bft_wget64(r.result, bft_staged_result, epoch);
	o->staged = bft_wget64(r.result, bft_staged_result, staged);
	memcpy(o->config, bft_wptr(r.result, bft_staged_result, config),
	       BFT_DIGEST_LEN);
	o->left = bft_wget32(r.result, bft_staged_result, left) != 0;
	o->n = bft_wget32(r.result, bft_staged_result, n);
	return (int)r.replica;
}

/* One REQUEST (empty op, authenticated for all), to the replicas left. */
static void staged_ask(struct bft_client *c, struct query *q)
{
	u8 buf[BFT_REQ_FIXED + BFT_MAX_REPLICAS * BFT_MAC_LEN];
	struct bft_iov iov = { .base = buf, .len = BFT_REQ_FIXED };
	u32 i, len;

	len = bft_enc_request(buf, sizeof(buf), c->id, q->arg, NULL, 0,
			      BFT_REQ_F_STAGED, (u8)c->n);
	for (i = 0; len && i < c->n; i++)
		if (bft_async_mac(c->cli, i, &iov, 1,
				  buf + BFT_REQ_FIXED + i * BFT_MAC_LEN))
			return;
	for (i = 0; len && i < c->n; i++)
		if (!q->answered[i])
			bft_async_send(c->a, i, buf, len);
}

int bft_client_staged(struct bft_client *c, struct bft_client_staged *out,
		      int timeout_ms)
{
	/* Not recorded by the replicas: the next ordered request's ts. */
	struct query q = {
		.ask = staged_ask, .take = staged_take, .out = out,
	};

	if (!c || !out || timeout_ms < 0)
		return BFT_E_INVAL;
	q.arg = c->cli->core.ts + 1;
	memset(out, 0, sizeof(*out) * c->n);
	return query_all(c, &q, timeout_ms);
}

_Static_assert((int)BFT_CLIENT_RECONF_OK == (int)BFT_RECONF_OK &&
	       (int)BFT_CLIENT_RECONF_E_ADMIN == (int)BFT_RECONF_E_ADMIN &&
	       (int)BFT_CLIENT_RECONF_E_EPOCH == (int)BFT_RECONF_E_EPOCH &&
	       (int)BFT_CLIENT_RECONF_E_SIZE == (int)BFT_RECONF_E_SIZE &&
	       (int)BFT_CLIENT_RECONF_E_FORMAT == (int)BFT_RECONF_E_FORMAT &&
	       (int)BFT_CLIENT_RECONF_E_BUSY == (int)BFT_RECONF_E_BUSY,
	       "bftclient.h mirrors enum bft_reconfig_status");

int bft_client_reconfig(struct bft_client *c, uint64_t epoch, uint32_t n,
			uint64_t replace, const uint8_t config[32],
			struct bft_client_reconfig *res, int timeout_ms)
{
	u8 op[sizeof(struct bft_reconfig_op)] = { 0 };
	u8 out[sizeof(struct bft_reconfig_result)];
	long len;

	if (!c || !config || !res)
		return BFT_E_INVAL;
	bft_wput64(op, bft_reconfig_op, epoch, epoch);
	bft_wput32(op, bft_reconfig_op, n, n);
	bft_wput64(op, bft_reconfig_op, replace, replace);
	memcpy(bft_wptr(op, bft_reconfig_op, config), config, BFT_DIGEST_LEN);
	c->cli->core.op_flags = BFT_REQ_F_RECONFIG;
	len = invoke(c, op, sizeof(op), false, out, sizeof(out), timeout_ms);
	c->cli->core.op_flags = 0;
	if (len < 0)
		return len == BFT_E_TOOBIG ? BFT_E_PROTO : (int)len;
	if (len != sizeof(out))
		return BFT_E_PROTO;
	res->status = bft_wget32(out, bft_reconfig_result, status);
	res->n = bft_wget32(out, bft_reconfig_result, n);
	res->epoch = bft_wget64(out, bft_reconfig_result, epoch);
	res->at = bft_wget64(out, bft_reconfig_result, at);
	return BFT_OK;
}

void bft_client_get_stats(const struct bft_client *c,
			  struct bft_client_stats *st)
{
	bft_async_client_stats(c->a, c->cli->slot, st);
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
		[-BFT_E_BUSY] = "a request of this client is outstanding",
	};

	if (err > 0 || -err >= (int)(sizeof(msg) / sizeof(msg[0])))
		return "unknown error";
	return msg[-err];
}
