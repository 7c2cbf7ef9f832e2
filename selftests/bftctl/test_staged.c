// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for libbftclient's admin calls against four scripted
 * replicas (UDP sockets on 127.0.0.1 in a child process, with real keys):
 * bft_client_staged() takes each replica's own answer to its STAGED
 * query and nothing else (wrong timestamp, bad MAC, wrong length, another
 * client); bft_client_reconfig() sends the operation as the wire format
 * says and returns the certified result.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/bftclient.h"
#include "lib/config.h"
#include "lib/hmac.h"
#include "lib/keys.h"
#include "wire.h"

#define N	4
#define ADMIN	5

struct replicas {
	int fd[N];
	uint8_t key[N][BFT_KEY_LEN];	/* shared with client ADMIN */
	uint8_t config[BFT_DIGEST_LEN];	/* of the file, what 0 staged */
};

static void mac(const uint8_t key[BFT_KEY_LEN], const void *buf, size_t len,
		uint8_t *tag)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct bft_hmac h;

	if (bft_hmac_init(&h, key) || bft_hmac_compute(&h, &iov, 1, tag))
		abort();
	bft_hmac_free(&h);
}

/* A REPLY from replica i to @client for @ts, MAC'd (bad: corrupted). */
static void reply(struct replicas *r, uint32_t i, const struct sockaddr_in *to,
		  uint32_t client, uint64_t ts, uint8_t flags, const void *res,
		  uint32_t res_len, bool bad)
{
	uint8_t buf[512];
	uint32_t len = bft_enc_reply(buf, sizeof(buf), i, 0, ts, client,
				     flags, res, res_len);

	mac(r->key[i], buf, len - BFT_MAC_LEN, buf + len - BFT_MAC_LEN);
	if (bad)
		buf[len - 1] ^= 1;
	sendto(r->fd[i], buf, len, 0, (const struct sockaddr *)to, sizeof(*to));
}

static void staged_res(uint8_t *res, uint64_t epoch, uint64_t staged,
		       const uint8_t *config, uint32_t left, uint32_t n)
{
	memset(res, 0, sizeof(struct bft_staged_result));
	bft_wput64(res, bft_staged_result, epoch, epoch);
	bft_wput64(res, bft_staged_result, staged, staged);
	if (config)
		memcpy(bft_wptr(res, bft_staged_result, config), config,
		       BFT_DIGEST_LEN);
	bft_wput32(res, bft_staged_result, left, left);
	bft_wput32(res, bft_staged_result, n, n);
}

/*
 * Replica i got a STAGED query: 0 staged epoch 1 with the file's digest
 * (n = 5 in force);
 * 1 first answers wrongly (another ts, a bad MAC, a short result,
 * another client), then with nothing staged (n = 4); 2 has left (n = 6);
 * 3 is silent.
 */
static void answer_staged(struct replicas *r, uint32_t i,
			  const struct sockaddr_in *from, uint64_t ts)
{
	uint8_t res[sizeof(struct bft_staged_result)], junk[56];

	switch (i) {
	case 0:
		staged_res(res, 0, 1, r->config, 0, 5);
		break;
	case 1:
		staged_res(res, 0, 1, r->config, 0, 5);
		reply(r, i, from, ADMIN, ts + 1, BFT_REPLY_F_READONLY, res,
		      sizeof(res), false);
		reply(r, i, from, ADMIN, ts, BFT_REPLY_F_READONLY, res,
		      sizeof(res), true);
		reply(r, i, from, ADMIN, ts, BFT_REPLY_F_READONLY, res,
		      sizeof(res) - 8, false);
		reply(r, i, from, ADMIN + 1, ts, BFT_REPLY_F_READONLY, res,
		      sizeof(res), false);
		memset(junk, 0xee, sizeof(junk));
		sendto(r->fd[i], junk, sizeof(junk), 0,
		       (const struct sockaddr *)from, sizeof(*from));
		staged_res(res, 0, 0, NULL, 0, 4);
		break;
	case 2:
		staged_res(res, 1, 0, NULL, 1, 6);
		break;
	default:
		return;
	}
	reply(r, i, from, ADMIN, ts, BFT_REPLY_F_READONLY, res, sizeof(res),
	      false);
}

/*
 * A RECONFIG: replicas 0..2 answer E_EPOCH (the cluster is in epoch 7)
 * if the operation is the one the test sent, E_FORMAT otherwise.
 */
static void answer_reconfig(struct replicas *r, const uint8_t *req,
			    uint32_t op_len, const struct sockaddr_in *from,
			    uint64_t ts)
{
	const uint8_t *op = req + BFT_REQ_FIXED;
	uint8_t res[sizeof(struct bft_reconfig_result)] = { 0 };
	bool ok = op_len == sizeof(struct bft_reconfig_op) &&
		  bft_wget64(op, bft_reconfig_op, epoch) == 8 &&
		  bft_wget32(op, bft_reconfig_op, n) == N &&
		  bft_wget64(op, bft_reconfig_op, replace) == 0x8 &&
		  !memcmp(bft_wptr(op, bft_reconfig_op, config), r->config,
			  BFT_DIGEST_LEN);
	uint32_t i;

	bft_wput32(res, bft_reconfig_result, status,
		   ok ? BFT_RECONF_E_EPOCH : BFT_RECONF_E_FORMAT);
	bft_wput32(res, bft_reconfig_result, n, N);
	bft_wput64(res, bft_reconfig_result, epoch, 7);
	for (i = 0; i < 3; i++)
		reply(r, i, from, ADMIN, ts, 0, res, sizeof(res), false);
}

/* The child: answers for up to 5 s, checking each request's MAC. */
static void serve(struct replicas *r)
{
	struct pollfd pfd[N];
	struct sockaddr_in from;
	uint8_t buf[2048], tag[BFT_MAC_LEN];
	uint32_t i, op_len;
	uint64_t ts;
	socklen_t fl;
	ssize_t len;
	uint8_t fl8;

	for (i = 0; i < N; i++)
		pfd[i] = (struct pollfd){ .fd = r->fd[i], .events = POLLIN };
	while (poll(pfd, N, 5000) > 0) {
		for (i = 0; i < N; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			fl = sizeof(from);
			len = recvfrom(r->fd[i], buf, sizeof(buf), 0,
				       (struct sockaddr *)&from, &fl);
			if (len < BFT_REQ_FIXED ||
			    buf[offsetof(struct bft_hdr, kind)] != BFT_MSG_REQUEST)
				continue;
			op_len = bft_wget32(buf, bft_request, op_len);
			ts = bft_wget64(buf, bft_request, timestamp);
			fl8 = bft_wget8(buf, bft_request, flags);
			if ((size_t)len != BFT_REQ_FIXED + op_len + N * BFT_MAC_LEN)
				continue;
			mac(r->key[i], buf, BFT_REQ_FIXED + op_len, tag);
			if (memcmp(tag, buf + BFT_REQ_FIXED + op_len +
				   i * BFT_MAC_LEN, BFT_MAC_LEN))
				continue;
			if (fl8 == BFT_REQ_F_STAGED && !op_len)
				answer_staged(r, i, &from, ts);
			else if (fl8 == BFT_REQ_F_RECONFIG && i == 0)
				answer_reconfig(r, buf, op_len, &from, ts);
		}
	}
	_exit(0);
}

FIXTURE(cluster) {
	char dir[32], conf[64], key[64];
	struct replicas r;
	struct bft_client *c;
	pid_t child;
};

FIXTURE_SETUP(cluster)
{
	uint8_t priv[N][BFT_KEY_LEN], pub[BFT_KEY_LEN], cpriv[BFT_KEY_LEN],
		cpub[BFT_KEY_LEN];
	char b64[BFT_KEY_B64_LEN + 1], err[256];
	struct bft_principal_id me = { BFT_PRINCIPAL_REPLICA, 0 };
	struct bft_principal_id them = { BFT_PRINCIPAL_CLIENT, ADMIN };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct bft_conf conf;
	socklen_t sl = sizeof(sin);
	FILE *f;
	uint32_t i;

	memset(self, 0, sizeof(*self));
	strcpy(self->dir, "/tmp/bft-staged-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->conf, sizeof(self->conf), "%s/c.conf", self->dir);
	snprintf(self->key, sizeof(self->key), "%s/admin.key", self->dir);
	ASSERT_EQ(0, bft_key_generate(cpriv));
	ASSERT_EQ(0, bft_key_public(cpriv, cpub));
	f = fopen(self->key, "w");
	ASSERT_NE(NULL, f);
	bft_key_to_b64(cpriv, b64);
	fprintf(f, "%s\n", b64);
	fclose(f);
	f = fopen(self->conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "[Cluster]\nName = st\nEpoch = 8\nAdmin = %d\n", ADMIN);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	for (i = 0; i < N; i++) {
		self->r.fd[i] = socket(AF_INET, SOCK_DGRAM, 0);
		sin.sin_port = 0;
		ASSERT_EQ(0, bind(self->r.fd[i], (struct sockaddr *)&sin,
				  sizeof(sin)));
		ASSERT_EQ(0, getsockname(self->r.fd[i],
					 (struct sockaddr *)&sin, &sl));
		ASSERT_EQ(0, bft_key_generate(priv[i]));
		ASSERT_EQ(0, bft_key_public(priv[i], pub));
		bft_key_to_b64(pub, b64);
		fprintf(f, "[Replica]\nId = %u\nEndpoint = 127.0.0.1:%u\nPublicKey = %s\n%s",
			i, ntohs(sin.sin_port), b64, i == 3 ? "Joined = 8\n" : "");
		me.id = i;
		ASSERT_EQ(0, bft_key_pairwise(priv[i], cpub, "st", me, them,
					      self->r.key[i]));
	}
	bft_key_to_b64(cpub, b64);
	fprintf(f, "[Client]\nId = %d\nPublicKey = %s\n", ADMIN, b64);
	fclose(f);
	ASSERT_EQ(0, bft_conf_load(self->conf, &conf, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, bft_conf_digest(&conf, self->r.config));
	ASSERT_EQ(0x8, bft_conf_replace_mask(&conf, N));
	bft_conf_free(&conf);
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (!self->child)
		serve(&self->r);
	ASSERT_EQ(BFT_OK, bft_client_open(&self->c, self->conf, ADMIN,
					  self->key, NULL, err, sizeof(err)))
		TH_LOG("%s", err);
}

FIXTURE_TEARDOWN(cluster)
{
	uint32_t i;

	bft_client_close(self->c);
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	for (i = 0; i < N; i++)
		close(self->r.fd[i]);
	unlink(self->conf);
	unlink(self->key);
	rmdir(self->dir);
}

TEST_F(cluster, staged_takes_each_replicas_own_answer)
{
	struct bft_client_staged out[N];

	ASSERT_EQ(3, bft_client_staged(self->c, out, 600));
	EXPECT_TRUE(out[0].answered);
	EXPECT_EQ(0, out[0].epoch);
	EXPECT_EQ(1, out[0].staged);
	EXPECT_EQ(5, out[0].n);
	EXPECT_EQ(0, memcmp(out[0].config, self->r.config, BFT_DIGEST_LEN));
	EXPECT_FALSE(out[0].left);
	/* Its wrong answers came first and were ignored. */
	EXPECT_TRUE(out[1].answered);
	EXPECT_EQ(0, out[1].staged);
	EXPECT_EQ(4, out[1].n);
	EXPECT_FALSE(out[1].left);
	EXPECT_TRUE(out[2].answered);
	EXPECT_EQ(1, out[2].epoch);
	EXPECT_TRUE(out[2].left);
	EXPECT_EQ(6, out[2].n);
	EXPECT_FALSE(out[3].answered);
}

TEST_F(cluster, reconfig_sends_the_op_and_returns_the_result)
{
	struct bft_client_reconfig res = { .status = 99 };

	ASSERT_EQ(BFT_OK, bft_client_reconfig(self->c, 8, N, 0x8,
					      self->r.config, &res, 2000));
	EXPECT_EQ(BFT_CLIENT_RECONF_E_EPOCH, res.status);
	EXPECT_EQ(N, res.n);
	EXPECT_EQ(7, res.epoch);
	EXPECT_EQ(0, res.at);
}

TEST_F(cluster, bad_arguments)
{
	struct bft_client_staged out[N];
	struct bft_client_reconfig res;

	EXPECT_EQ(BFT_E_INVAL, bft_client_staged(NULL, out, 10));
	EXPECT_EQ(BFT_E_INVAL, bft_client_staged(self->c, NULL, 10));
	EXPECT_EQ(BFT_E_INVAL, bft_client_staged(self->c, out, -1));
	EXPECT_EQ(BFT_E_INVAL, bft_client_reconfig(self->c, 8, N, 0, NULL,
						   &res, 10));
	EXPECT_EQ(BFT_E_INVAL, bft_client_reconfig(self->c, 8, N, 0,
						   self->r.config, NULL, 10));
}

TEST_HARNESS_MAIN
