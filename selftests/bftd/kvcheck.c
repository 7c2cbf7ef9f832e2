// SPDX-License-Identifier: GPL-2.0
/*
 * libbftclient against a cluster, with TAP output. Built with ASan from
 * the library's sources.
 *
 *   kvcheck live CONF KEYFILE CLIENT_ID MAX_VALUE
 *	exact KV round trips, error codes and limits against real replicas
 *	(bftd started with --max-value-len MAX_VALUE).
 *   kvcheck mock CONF KEYFILE CLIENT_ID R0KEY R1KEY R2KEY R3KEY
 *	n=4 fake replicas (a child process holding their keys) that answer
 *	with chosen results: f+1 agreement, conflict, forged MACs, silence.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../../kmod/engine/wire.h"
#include "../../kmod/kv_codec.h"
#include "lib/bftclient.h"
#include "lib/config.h"
#include "lib/hmac.h"
#include "lib/keys.h"

static int tests, failed;

/* cond is evaluated once: it may have side effects (an init). */
#define CHECK(cond, ...) do {						\
	bool check_ok_ = (cond);					\
									\
	tests++;							\
	if (!check_ok_)							\
		failed++;						\
	printf("%sok %d ", check_ok_ ? "" : "not ", tests);		\
	printf(__VA_ARGS__);						\
	if (!check_ok_)							\
		printf(" (%s:%d)", __FILE__, __LINE__);			\
	putchar('\n');							\
	fflush(stdout);							\
} while (0)

#define T 3000	/* ms per request */

static bool get_is(struct bft_client *c, const char *k, const char *want,
		   bool ro)
{
	char buf[2048];
	long n = bft_client_get(c, k, strlen(k), buf, sizeof(buf), ro, T);

	return n == (long)strlen(want) && !memcmp(buf, want, n);
}

static void open_errors(const char *conf, const char *key, uint32_t id)
{
	struct bft_client *c = NULL;
	char err[256];
	int r;

	r = bft_client_open(&c, "/nonexistent/bft.conf", id, key, NULL, err,
			    sizeof(err));
	CHECK(r == BFT_E_CONFIG && !c && strstr(err, "nonexistent"),
	      "open: missing config file -> BFT_E_CONFIG (%s)", err);
	r = bft_client_open(&c, conf, 60000, key, NULL, err, sizeof(err));
	CHECK(r == BFT_E_CONFIG && strstr(err, "60000"),
	      "open: unknown client id -> BFT_E_CONFIG (%s)", err);
	r = bft_client_open(&c, conf, id, conf, NULL, err, sizeof(err));
	CHECK(r == BFT_E_CONFIG, "open: key file is not a key -> BFT_E_CONFIG (%s)",
	      err);
}

static void kv_basics(struct bft_client *c)
{
	char cur[64];
	size_t cur_len = 0;
	unsigned int fl = 0;
	int r;

	bft_client_del(c, "k1", 2, T);
	bft_client_del(c, "k2", 2, T);
	r = bft_client_put(c, "k1", 2, "v1", 2, T);
	CHECK(r == BFT_OK && bft_client_kv_status(c, &fl) == BFT_KV_OK &&
	      (fl & BFT_KV_R_CREATED), "put k1=v1 creates the key");
	CHECK(get_is(c, "k1", "v1", false), "get k1 == v1 (ordered)");
	CHECK(get_is(c, "k1", "v1", true), "get k1 == v1 (read-only, Q replies)");
	r = bft_client_put(c, "k1", 2, "v2", 2, T);
	bft_client_kv_status(c, &fl);
	CHECK(r == BFT_OK && !(fl & BFT_KV_R_CREATED), "put k1=v2 replaces");
	CHECK(get_is(c, "k1", "v2", false), "get k1 == v2");
	r = bft_client_cas(c, "k1", 2, "v1", 2, "v3", 2, 0, cur, sizeof(cur),
			   &cur_len, T);
	CHECK(r == BFT_E_CAS_MISMATCH && cur_len == 2 && !memcmp(cur, "v2", 2),
	      "cas k1 v1->v3 mismatches and returns v2");
	r = bft_client_cas(c, "k1", 2, "v2", 2, "v3", 2, 0, NULL, 0, NULL, T);
	CHECK(r == BFT_OK && get_is(c, "k1", "v3", false), "cas k1 v2->v3");
	r = bft_client_cas(c, "k1", 2, NULL, 0, "x", 1, BFT_CLIENT_CAS_ABSENT,
			   NULL, 0, NULL, T);
	CHECK(r == BFT_E_CAS_MISMATCH, "cas --absent on an existing key mismatches");
	r = bft_client_cas(c, "k2", 2, NULL, 0, "new", 3,
			   BFT_CLIENT_CAS_ABSENT, NULL, 0, NULL, T);
	CHECK(r == BFT_OK && get_is(c, "k2", "new", true),
	      "cas --absent creates k2");
	r = bft_client_del(c, "k2", 2, T);
	CHECK(r == BFT_OK, "del k2");
	r = bft_client_get(c, "k2", 2, cur, sizeof(cur), false, T);
	CHECK(r == BFT_E_NOT_FOUND &&
	      bft_client_kv_status(c, NULL) == BFT_KV_E_NOT_FOUND,
	      "get k2 after del -> BFT_E_NOT_FOUND");
	r = bft_client_get(c, "k2", 2, cur, sizeof(cur), true, T);
	CHECK(r == BFT_E_NOT_FOUND, "read-only get k2 -> BFT_E_NOT_FOUND");
	CHECK(bft_client_del(c, "k2", 2, T) == BFT_E_NOT_FOUND,
	      "del k2 again -> BFT_E_NOT_FOUND");
	r = bft_client_get(c, "k1", 2, cur, 1, false, T);
	CHECK(r == BFT_E_TOOBIG, "get into a 1-byte buffer -> BFT_E_TOOBIG");
}

static void kv_limits(struct bft_client *c, uint32_t max_value)
{
	static char big[8192];
	char key[80];
	uint8_t res[64];
	int r, i, created = 0;

	memset(big, 'x', sizeof(big));
	memset(key, 'k', sizeof(key));
	r = bft_client_put(c, key, 65, "v", 1, T);
	CHECK(r == BFT_E_LIMIT &&
	      bft_client_kv_status(c, NULL) == BFT_KV_E_KEY_TOO_LONG,
	      "65-byte key -> BFT_E_LIMIT (key-too-long from the service)");
	r = bft_client_put(c, "big", 3, big, max_value + 1, T);
	CHECK(r == BFT_E_LIMIT &&
	      bft_client_kv_status(c, NULL) == BFT_KV_E_VALUE_TOO_LONG,
	      "%u-byte value -> BFT_E_LIMIT (value-too-long from the service)",
	      max_value + 1);
	r = bft_client_put(c, "big", 3, big, max_value, T);
	CHECK(r == BFT_OK, "%u-byte value is accepted", max_value);
	r = bft_client_put(c, "big", 3, big, BFT_KV_VALUE_MAX + 1, T);
	CHECK(r == BFT_E_LIMIT && bft_client_kv_status(c, NULL) == -1,
	      "value above BFT_KV_VALUE_MAX -> BFT_E_LIMIT before sending");
	r = (int)bft_client_invoke(c, big, BFT_KV_OP_LEN_MAX + 1, res, sizeof(res),
				   T);
	CHECK(r == BFT_E_LIMIT, "raw invoke above BFT_KV_OP_LEN_MAX -> BFT_E_LIMIT");
	CHECK(bft_client_invoke(NULL, "x", 1, res, 1, T) == BFT_E_INVAL &&
	      bft_client_invoke(c, NULL, 4, res, 1, T) == BFT_E_INVAL,
	      "bad arguments -> BFT_E_INVAL");
	bft_client_del(c, "big", 3, T);
	/* Fill the store: the service says full, and nothing else breaks. */
	for (i = 0; i < 600; i++) {
		snprintf(key, sizeof(key), "full-%d", i);
		r = bft_client_put(c, key, strlen(key), "f", 1, T);
		if (r != BFT_OK)
			break;
		created++;
	}
	CHECK(r == BFT_E_LIMIT &&
	      bft_client_kv_status(c, NULL) == BFT_KV_E_FULL && created > 0,
	      "store full after %d new keys -> BFT_E_LIMIT (full)", created);
	for (i = 0; i < created; i++) {
		snprintf(key, sizeof(key), "full-%d", i);
		if (bft_client_del(c, key, strlen(key), T) != BFT_OK)
			break;
	}
	CHECK(i == created, "deleted the %d filler keys", created);
}

static void kv_sequence(struct bft_client *c)
{
	char k[32], v[64], got[64];
	int i, bad = 0;
	long n;

	for (i = 0; i < 150; i++) {
		snprintf(k, sizeof(k), "seq-%d", i % 37);
		snprintf(v, sizeof(v), "value-%d-%d", i, rand());
		if (bft_client_put(c, k, strlen(k), v, strlen(v), T)) {
			bad++;
			continue;
		}
		n = bft_client_get(c, k, strlen(k), got, sizeof(got), i & 1, T);
		if (n != (long)strlen(v) || memcmp(got, v, n))
			bad++;
	}
	CHECK(!bad, "150 put/get pairs return exactly what was put (%d bad)",
	      bad);
}

struct async_ctx {
	int done;
	int ok;
	uint32_t ids;		/* bit per slot that completed */
};

static void async_done(struct bft_async *a, const struct bft_async_done *d,
		       void *cookie)
{
	struct async_ctx *x = cookie;
	struct bft_kv_res_view v;

	(void)a;
	x->done++;
	x->ids |= 1u << d->slot;
	x->ok += d->status > 0 && !d->readonly && d->latency_ns > 0 &&
		 !bft_kv_dec_result(d->result, (u32)d->status, &v) &&
		 v.status == BFT_KV_OK;
}

/*
 * The asynchronous API: three logical clients (ids id+10..id+12) on one
 * socket with a PUT each in flight at once, a second submit on a busy
 * slot refused, and the values read back through the blocking API.
 */
static void async_basics(const char *conf, const char *key, uint32_t id,
			 struct bft_client *c)
{
	struct async_ctx x = { 0 };
	struct bft_async *a;
	struct bft_async_stats st;
	uint8_t op[128];
	char err[256], k[32], v[32];
	int i, r, slot[3], loops = 0;
	uint32_t len;

	r = bft_async_open(&a, conf, NULL, err, sizeof(err));
	CHECK(r == BFT_OK, "async: open (%s)", r ? err : "ok");
	if (r)
		return;
	for (i = 0; i < 3; i++) {
		slot[i] = bft_async_add(a, id + 10 + i, key, err, sizeof(err));
		CHECK(slot[i] == i, "async: client %u is slot %d (%s)",
		      id + 10 + i, slot[i], slot[i] < 0 ? err : "ok");
		if (slot[i] < 0)
			goto out;
	}
	r = bft_async_add(a, id + 10, key, err, sizeof(err));
	CHECK(r == BFT_E_CONFIG && strstr(err, "already added"),
	      "async: adding client %u twice: BFT_E_CONFIG (%s)", id + 10, err);
	r = bft_async_add(a, 40000, key, err, sizeof(err));
	CHECK(r == BFT_E_CONFIG && strstr(err, "is not a [Client]"),
	      "async: unknown client id: BFT_E_CONFIG (%s)", err);
	for (i = 0; i < 3; i++) {
		snprintf(k, sizeof(k), "async-%d", i);
		snprintf(v, sizeof(v), "v%d", i);
		len = bft_kv_enc_put(op, sizeof(op), k, strlen(k), v, strlen(v));
		r = bft_async_submit(a, slot[i], op, len, false, T, async_done,
				     &x);
		CHECK(r == BFT_OK, "async: submit a PUT on slot %d (%d)", i, r);
	}
	CHECK(bft_async_busy(a) == 3, "async: 3 requests outstanding (%u)",
	      bft_async_busy(a));
	r = bft_async_submit(a, slot[0], op, len, false, T, async_done, &x);
	CHECK(r == BFT_E_BUSY, "async: a second submit on a busy slot: BFT_E_BUSY (%d)",
	      r);
	while (bft_async_busy(a) && loops++ < 10000)
		if (bft_async_run(a, -1) < 0)
			break;
	CHECK(x.done == 3 && x.ok == 3 && x.ids == 7,
	      "async: 3 completions, 3 ok results, one per slot (%d, %d, %#x)",
	      x.done, x.ok, x.ids);
	bft_async_get_stats(a, &st);
	CHECK(st.completions == 3 && !st.timeouts && st.tx_calls < st.tx_datagrams,
	      "async: %llu datagrams in %llu sendmmsg calls, %llu received in %llu recvmmsg calls",
	      (unsigned long long)st.tx_datagrams,
	      (unsigned long long)st.tx_calls,
	      (unsigned long long)st.rx_datagrams,
	      (unsigned long long)st.rx_calls);
	for (i = 0; i < 3; i++) {
		snprintf(k, sizeof(k), "async-%d", i);
		snprintf(v, sizeof(v), "v%d", i);
		CHECK(get_is(c, k, v, false), "async: get %s == %s", k, v);
	}
out:
	bft_async_close(a);
}

static int live(int argc, char **argv)
{
	struct bft_client *c;
	struct bft_client_stats st;
	char err[256];
	uint32_t id = (uint32_t)atoi(argv[4]);
	uint32_t max_value = (uint32_t)atoi(argv[5]);
	uint8_t res[64];
	struct bft_kv_res_view rv;
	long n;
	int r;

	(void)argc;
	open_errors(argv[2], argv[3], id);
	r = bft_client_open(&c, argv[2], id, argv[3], NULL, err, sizeof(err));
	CHECK(r == BFT_OK, "open client %u (%s)", id, r ? err : "ok");
	if (r)
		return 1;
	CHECK(bft_client_n(c) >= 4 && bft_client_f(c) == (bft_client_n(c) - 1) / 3,
	      "n=%u f=%u", bft_client_n(c), bft_client_f(c));
	n = bft_client_invoke_ro(c, NULL, 0, res, sizeof(res), T);
	CHECK(n > 0 && !bft_kv_dec_result(res, (u32)n, &rv) &&
	      rv.status == BFT_KV_OK, "read-only NOP returns an ok result");
	kv_basics(c);
	kv_limits(c, max_value);
	kv_sequence(c);
	async_basics(argv[2], argv[3], id, c);
	bft_client_get_stats(c, &st);
	CHECK(!st.conflicts && !st.timeouts && st.requests > 300,
	      "%llu requests, %llu retransmits, %llu fallbacks, no conflicts or timeouts",
	      (unsigned long long)st.requests,
	      (unsigned long long)st.retransmits,
	      (unsigned long long)st.ro_fallbacks);
	bft_client_close(c);
	return 0;
}

/* ---- fake replicas ---- */

enum mock_mode { MOCK_AGREE, MOCK_CONFLICT, MOCK_FORGED, MOCK_SILENT };

struct mock {
	int fd[4];
	struct bft_hmac mac[4];
};

/* Results per replica: two agree (f+1 = 2) in AGREE mode. */
static const char *mock_result(enum mock_mode m, int i)
{
	static const char *const agree[] = { "good", "good", "evil", "bad" };
	static const char *const conflict[] = { "r0", "r1", "r2", "r3" };

	return m == MOCK_AGREE ? agree[i] : conflict[i];
}

static void mock_serve(struct mock *m, enum mock_mode mode)
{
	struct pollfd pfd[4];
	struct sockaddr_storage src;
	socklen_t slen;
	uint8_t buf[BFT_WIRE_MAX_DGRAM], out[512];
	struct bft_msg_hdr h;
	int i;

	for (i = 0; i < 4; i++) {
		pfd[i].fd = m->fd[i];
		pfd[i].events = POLLIN;
	}
	for (;;) {
		if (poll(pfd, 4, -1) < 0)
			_exit(1);
		for (i = 0; i < 4; i++) {
			const char *res = mock_result(mode, i);
			struct iovec iov;
			ssize_t n;
			u32 len;

			if (!(pfd[i].revents & POLLIN))
				continue;
			slen = sizeof(src);
			n = recvfrom(m->fd[i], buf, sizeof(buf), 0,
				     (struct sockaddr *)&src, &slen);
			if (n < BFT_REQ_FIXED ||
			    bft_wire_parse_hdr(buf, (u32)n, &h) ||
			    mode == MOCK_SILENT)
				continue;
			len = bft_enc_reply(out, sizeof(out), i, 0,
					    bft_wget64(buf, bft_request, timestamp),
					    h.sender, 0,
					    res, strlen(res));
			iov.iov_base = out;
			iov.iov_len = len - BFT_MAC_LEN;
			bft_hmac_compute(&m->mac[i], &iov, 1,
					 out + len - BFT_MAC_LEN);
			if (mode == MOCK_FORGED)
				out[len - 1] ^= 1;
			sendto(m->fd[i], out, len, 0, (struct sockaddr *)&src,
			       slen);
		}
	}
}

static pid_t mock_start(const struct bft_conf *conf, char **rkeys,
			uint32_t client, enum mock_mode mode)
{
	struct bft_principal_id cl = { BFT_PRINCIPAL_CLIENT, client };
	const struct bft_conf_client *cc = NULL;
	struct mock m;
	uint8_t priv[32], key[32];
	uint32_t i;
	pid_t pid;

	for (i = 0; i < conf->n_clients; i++)
		if (conf->clients[i].id == client)
			cc = &conf->clients[i];
	if (!cc)
		return -1;
	for (i = 0; i < 4; i++) {
		struct bft_principal_id me = { BFT_PRINCIPAL_REPLICA, i };

		if (bft_key_read_file(rkeys[i], priv) ||
		    bft_key_pairwise(priv, cc->pub, conf->name, me, cl, key) ||
		    bft_hmac_init(&m.mac[i], key))
			return -1;
		m.fd[i] = socket(conf->replicas[i].endpoint.ss_family,
				 SOCK_DGRAM, 0);
		if (m.fd[i] < 0 ||
		    bind(m.fd[i], (struct sockaddr *)&conf->replicas[i].endpoint,
			 conf->replicas[i].endpoint_len))
			return -1;
	}
	pid = fork();
	if (pid == 0)
		mock_serve(&m, mode);
	for (i = 0; i < 4; i++) {
		close(m.fd[i]);
		bft_hmac_free(&m.mac[i]);
	}
	return pid;
}

static void mock_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static long mock_invoke(struct bft_conf *conf, char **argv, enum mock_mode m,
			int timeout, char *res, size_t cap,
			struct bft_client_stats *st)
{
	uint32_t id = (uint32_t)atoi(argv[4]);
	struct bft_client *c;
	char err[256];
	pid_t pid = mock_start(conf, argv + 5, id, m);
	long n;

	if (pid < 0 || bft_client_open(&c, argv[2], id, argv[3], NULL, err,
				       sizeof(err))) {
		mock_stop(pid);
		return -100;
	}
	n = bft_client_invoke(c, "op", 2, res, cap, timeout);
	bft_client_get_stats(c, st);
	bft_client_close(c);
	mock_stop(pid);
	return n;
}

/* The pre-keyed context against OpenSSL's one-shot HMAC, split or not. */
static void hmac_check(void)
{
	uint8_t key[32], msg[300], t1[32], t2[32];
	unsigned int len = 32, i, bad = 0;
	struct bft_hmac h;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	CHECK(!bft_hmac_init(&h, key), "hmac: keyed");
	for (i = 0; i <= sizeof(msg); i += 37) {
		struct iovec iov[3] = {
			{ msg, i / 2 }, { msg + i / 2, 0 },
			{ msg + i / 2, i - i / 2 },
		};

		HMAC(EVP_sha256(), key, 32, msg, i, t2, &len);
		if (bft_hmac_compute(&h, iov, 3, t1) || memcmp(t1, t2, 32))
			bad++;
	}
	CHECK(!bad, "hmac: reused context == one-shot HMAC-SHA256 (%u bad)", bad);
	bft_hmac_free(&h);
	CHECK(bft_hmac_compute(&h, NULL, 0, t1) == -EINVAL,
	      "hmac: unkeyed context refuses");
}

struct chain {
	int next_slot;		/* submit there from the first callback */
	int done;
	long status[2];
};

static void chain_done(struct bft_async *a, const struct bft_async_done *d,
		       void *cookie)
{
	struct chain *x = cookie;
	int s = x->next_slot;

	if (x->done < 2)
		x->status[x->done] = d->status;
	x->done++;
	x->next_slot = -1;
	if (s >= 0 && bft_async_submit(a, s, "op", 2, false, 300, chain_done,
				       x))
		x->done = 100;
}

/*
 * No replica answers: slot 1 times out, and its callback submits on slot
 * 0, which the deadline scan had already passed. That request must keep
 * a deadline (else the caller would wait forever) and time out too.
 */
static void async_timeouts(const char *conf, const char *key)
{
	struct chain x = { .next_slot = 0 };
	struct bft_async *a;
	char err[256];
	int lost = 0, loops = 0, r, t;

	if (bft_async_open(&a, conf, NULL, err, sizeof(err)) ||
	    bft_async_add(a, 2, key, err, sizeof(err)) != 0 ||
	    bft_async_add(a, 3, key, err, sizeof(err)) != 1) {
		CHECK(0, "async mock: open, clients 2 and 3 (%s)", err);
		bft_async_close(a);
		return;
	}
	r = bft_async_submit(a, 1, "op", 2, false, 300, chain_done, &x);
	t = bft_async_timeout(a);
	CHECK(r == BFT_OK && t >= 0 && t <= 300,
	      "async mock: a request on slot 1 has a deadline within 300 ms (%d, %d)",
	      r, t);
	while (bft_async_busy(a) && loops++ < 100) {
		if (bft_async_timeout(a) < 0) {
			lost++;
			break;
		}
		bft_async_run(a, 1000);
	}
	CHECK(x.done == 2 && x.status[0] == BFT_E_TIMEOUT &&
	      x.status[1] == BFT_E_TIMEOUT && !lost,
	      "async mock: a timeout's callback submits on another slot: both time out (%d done, %ld %ld, %d without deadline)",
	      x.done, x.status[0], x.status[1], lost);
	bft_async_close(a);
}

static int mock(int argc, char **argv)
{
	struct bft_client_stats st;
	struct bft_conf conf;
	char err[256], res[64];
	long n;

	if (argc != 9 || bft_conf_load(argv[2], &conf, err, sizeof(err)) ||
	    conf.n_replicas != 4) {
		fprintf(stderr, "kvcheck mock: needs a 4-replica config and 4 replica keys\n");
		return 2;
	}
	hmac_check();
	n = mock_invoke(&conf, argv, MOCK_AGREE, 2000, res, sizeof(res), &st);
	CHECK(n == 4 && !memcmp(res, "good", 4),
	      "mock: 2 of 4 agree (f+1) -> that result (%ld)", n);
	n = mock_invoke(&conf, argv, MOCK_CONFLICT, 2000, res, sizeof(res), &st);
	CHECK(n == BFT_E_CONFLICT && st.conflicts == 1,
	      "mock: 4 different results -> BFT_E_CONFLICT (%ld)", n);
	n = mock_invoke(&conf, argv, MOCK_FORGED, 400, res, sizeof(res), &st);
	CHECK(n == BFT_E_TIMEOUT && st.dropped >= 4 && !st.replies,
	      "mock: forged MACs are dropped -> BFT_E_TIMEOUT (%ld, %llu dropped)",
	      n, (unsigned long long)st.dropped);
	n = mock_invoke(&conf, argv, MOCK_SILENT, 400, res, sizeof(res), &st);
	CHECK(n == BFT_E_TIMEOUT && st.retransmits >= 1 && st.timeouts == 1,
	      "mock: silence -> retransmit to all, then BFT_E_TIMEOUT (%ld)", n);
	async_timeouts(argv[2], argv[3]);
	bft_conf_free(&conf);
	return 0;
}

int main(int argc, char **argv)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 6 && !strcmp(argv[1], "live"))
		ret = live(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "mock"))
		ret = mock(argc, argv);
	else {
		fprintf(stderr, "usage: kvcheck live CONF KEYFILE ID MAX_VALUE\n"
			"       kvcheck mock CONF KEYFILE ID R0KEY R1KEY R2KEY R3KEY\n");
		return 2;
	}
	printf("# kvcheck %s: %d tests, %d failed\n", argv[1], tests, failed);
	return ret || failed ? 1 : 0;
}
