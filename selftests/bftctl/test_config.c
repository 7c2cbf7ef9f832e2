// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the cluster configuration parser: a valid file parses to
 * exact values; every class of bad input is refused with a located reason.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/config.h"

#define KEY "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="

static const char good[] =
	"# test cluster\n"
	"[Cluster]\nName = t1\nBatchSize = 16\nCheckpointInterval = 8\nLogSize = 16\n"
	"[Replica]\nId = 1\nEndpoint = 10.0.0.2:7400\nPublicKey = " KEY "\n"
	"[Replica]\nId = 0\nEndpoint = 10.0.0.1:7400\nPublicKey = " KEY "\n"
	"[Replica]\nId = 2\nEndpoint = [fd00::3]:7401\nPublicKey = " KEY "\n"
	"[Replica]\nId = 3\nEndpoint = 10.0.0.4:7400\nPublicKey = " KEY "\n"
	"[Client]\nId = 7\nPublicKey = " KEY "\n"
	"[Local]\nReplica = 2\nPrivateKeyFile = /etc/bft/r2.key\n";

/* A temporary config file, what it parsed to and the parser's error. */
FIXTURE(conf) {
	char path[32];
	struct bft_conf c;
	char err[256];
};

static void conf_init(struct __test_metadata *_metadata,
		      FIXTURE_DATA(conf) *self)
{
	int fd;

	memset(self, 0, sizeof(*self));
	strcpy(self->path, "/tmp/bft-conf-XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_LE(0, fd);
	close(fd);
}

FIXTURE_SETUP(conf)
{
	conf_init(_metadata, self);
}

FIXTURE_TEARDOWN(conf)
{
	unlink(self->path);
}

/* In @buf (text, room for 4096 bytes), the first FROM becomes TO. */
static void edit(char *buf, const char *from, const char *to)
{
	char *at = strstr(buf, from), rest[4096];

	if (!at)
		abort();	/* the test's own text is wrong */
	strcpy(rest, at + strlen(from));
	strcpy(at, to);
	strcat(at, rest);
}

/*
 * Writes good with each FROM of the NULL-terminated (FROM, TO) pairs
 * replaced by its TO (TO alone when the first FROM is NULL), loads it.
 */
static int loadv(FIXTURE_DATA(conf) *self, const char *from, const char *to,
		 ...)
{
	FILE *f = fopen(self->path, "w");
	char text[4096];
	va_list ap;

	if (!f)
		return -2;
	strcpy(text, from || !to ? good : to);
	va_start(ap, to);
	while (from) {
		edit(text, from, to);
		from = va_arg(ap, const char *);
		to = from ? va_arg(ap, const char *) : NULL;
	}
	va_end(ap);
	fputs(text, f);
	fclose(f);
	return bft_conf_load(self->path, &self->c, self->err,
			     sizeof(self->err));
}

static int load(FIXTURE_DATA(conf) *self, const char *from, const char *to)
{
	return loadv(self, from, to, NULL);
}

/* The valid file, each part of it checked by one test. */
FIXTURE_VARIANT(conf) {
	int part;
};

enum { P_PARSES, P_MEMBERS, P_POLICY, P_IPV4, P_IPV6, P_LOCAL, P_EPOCH0 };
FIXTURE_VARIANT_ADD(conf, parses) { .part = P_PARSES };
FIXTURE_VARIANT_ADD(conf, members_counted_f_1) { .part = P_MEMBERS };
FIXTURE_VARIANT_ADD(conf, name_and_policy) { .part = P_POLICY };
FIXTURE_VARIANT_ADD(conf, ipv4_endpoint) { .part = P_IPV4 };
FIXTURE_VARIANT_ADD(conf, ipv6_endpoint) { .part = P_IPV6 };
FIXTURE_VARIANT_ADD(conf, local_section) { .part = P_LOCAL };
FIXTURE_VARIANT_ADD(conf, epoch_0_no_admin) { .part = P_EPOCH0 };

TEST_F(conf, valid)
{
	struct bft_conf *c = &self->c;
	struct sockaddr_in *sin = (struct sockaddr_in *)&c->replicas[1].endpoint;
	struct sockaddr_in6 *sin6 =
		(struct sockaddr_in6 *)&c->replicas[2].endpoint;

	ASSERT_EQ(0, load(self, NULL, NULL)) TH_LOG("%s", self->err);
	switch (variant->part) {
	case P_MEMBERS:
		EXPECT_EQ(4, c->n_replicas);
		EXPECT_EQ(1, bft_conf_f(c));
		EXPECT_EQ(1, c->n_clients);
		EXPECT_EQ(7, c->clients[0].id);
		break;
	case P_POLICY:
		EXPECT_STREQ("t1", c->name);
		EXPECT_EQ(16, c->policy.val[BFT_POLICY_A_BATCH_SIZE]);
		EXPECT_EQ(8, c->policy.val[BFT_POLICY_A_CKPT_INTERVAL]);
		EXPECT_EQ(16, c->policy.val[BFT_POLICY_A_LOG_SIZE]);
		EXPECT_EQ(1u << BFT_POLICY_A_BATCH_SIZE |
			  1u << BFT_POLICY_A_CKPT_INTERVAL |
			  1u << BFT_POLICY_A_LOG_SIZE, c->policy.set);
		break;
	case P_IPV4:
		EXPECT_EQ(AF_INET, sin->sin_family);
		EXPECT_EQ(7400, ntohs(sin->sin_port));
		EXPECT_EQ(0x0a000002, ntohl(sin->sin_addr.s_addr));
		break;
	case P_IPV6:
		EXPECT_EQ(AF_INET6, sin6->sin6_family);
		EXPECT_EQ(7401, ntohs(sin6->sin6_port));
		break;
	case P_LOCAL:
		EXPECT_EQ(2, c->local_replica);
		EXPECT_STREQ("/etc/bft/r2.key", c->private_key_file);
		break;
	case P_EPOCH0:
		EXPECT_EQ(0, c->epoch);
		EXPECT_EQ(-1, c->admin);
		EXPECT_EQ(0, c->replicas[3].joined);
		EXPECT_EQ(0, bft_conf_replace_mask(c, 4));
		EXPECT_EQ(4, c->max_replicas);	/* default: n */
		break;
	}
	bft_conf_free(c);
}

/* Bad input: refused, with NEEDLE in the message. */
FIXTURE(bad) {
	FIXTURE_DATA(conf) conf;
};

FIXTURE_VARIANT(bad) {
	const char *from, *to, *needle;
};

FIXTURE_VARIANT_ADD(bad, duplicate_id) {
	"Id = 2", "Id = 1", "duplicate replica Id 1" };
FIXTURE_VARIANT_ADD(bad, gap_in_replica_ids) {
	"Id = 3", "Id = 4", "3 is missing" };
FIXTURE_VARIANT_ADD(bad, endpoint_without_port) {
	"10.0.0.4:7400", "10.0.0.4", ":21: Endpoint" };
FIXTURE_VARIANT_ADD(bad, bad_ipv4_address) {
	"10.0.0.4:7400", "10.0.0.256:1", "Endpoint" };
FIXTURE_VARIANT_ADD(bad, unbalanced_bracket) {
	"[fd00::3]:7401", "[fd00::3:7401", "Endpoint" };
FIXTURE_VARIANT_ADD(bad, policy_below_range) {
	"BatchSize = 16", "BatchSize = 0", "BatchSize" };
FIXTURE_VARIANT_ADD(bad, trailing_junk) {
	"BatchSize = 16", "BatchSize = 16x", "BatchSize" };
FIXTURE_VARIANT_ADD(bad, unknown_key) {
	"BatchSize = 16", "Batchsize = 16", "unknown key 'Batchsize'" };
FIXTURE_VARIANT_ADD(bad, log_below_2_ckpt) {
	"LogSize = 16", "LogSize = 15", "2 x CheckpointInterval" };
FIXTURE_VARIANT_ADD(bad, unknown_section) {
	"[Client]", "[Clients]", "unknown section" };
FIXTURE_VARIANT_ADD(bad, short_key) {
	"Id = 7\nPublicKey = " KEY, "Id = 7\nPublicKey = AAAA", "PublicKey" };
FIXTURE_VARIANT_ADD(bad, local_id_out_of_range) {
	"Replica = 2", "Replica = 9", "not a configured replica" };
FIXTURE_VARIANT_ADD(bad, missing_cluster_name) {
	"Name = t1\n", "", "Name is required" };
FIXTURE_VARIANT_ADD(bad, too_few_replicas) {
	NULL, "[Cluster]\nName = x\n[Replica]\nId = 0\n"
	"Endpoint = 1.2.3.4:1\nPublicKey = " KEY "\n", "at least 4" };
FIXTURE_VARIANT_ADD(bad, key_outside_a_section) {
	NULL, "Name = x\n", "outside of a section" };
FIXTURE_VARIANT_ADD(bad, epoch_negative) {
	"Name = t1\n", "Name = t1\nEpoch = -1\n", ":4: Epoch: expected an integer" };
FIXTURE_VARIANT_ADD(bad, epoch_in_replica) {
	"Id = 3\n", "Id = 3\nEpoch = 1\n", ":21: unknown key 'Epoch' in [Replica]" };
FIXTURE_VARIANT_ADD(bad, admin_out_of_range) {
	"Name = t1\n", "Name = t1\nAdmin = 4096\n", ":4: Admin: expected an integer in [0, 4095]" };
FIXTURE_VARIANT_ADD(bad, admin_not_a_client) {
	"Name = t1\n", "Name = t1\nAdmin = 8\n", ":4: Admin 8 is not a [Client] Id" };
FIXTURE_VARIANT_ADD(bad, joined_in_client) {
	"Id = 7\n", "Id = 7\nJoined = 0\n", ":25: unknown key 'Joined' in [Client]" };
FIXTURE_VARIANT_ADD(bad, joined_not_a_number) {
	"Id = 3\n", "Id = 3\nJoined = x\n", ":21: Joined: expected an integer" };
FIXTURE_VARIANT_ADD(bad, joined_after_epoch) {
	"Id = 3\n", "Id = 3\nJoined = 1\n",
	":21: replica 3: Joined = 1 is after the file's Epoch 0" };
FIXTURE_VARIANT_ADD(bad, max_replicas_below_n) {
	"Name = t1\n", "Name = t1\nMaxReplicas = 3\n",
	":4: MaxReplicas: expected an integer in [4, 64], got '3'" };
FIXTURE_VARIANT_ADD(bad, max_replicas_above_64) {
	"Name = t1\n", "Name = t1\nMaxReplicas = 65\n",
	":4: MaxReplicas: expected an integer in [4, 64], got '65'" };
FIXTURE_VARIANT_ADD(bad, max_replicas_in_replica) {
	"Id = 3\n", "Id = 3\nMaxReplicas = 7\n",
	":21: unknown key 'MaxReplicas' in [Replica]" };

FIXTURE_SETUP(bad)
{
	conf_init(_metadata, &self->conf);
}

FIXTURE_TEARDOWN(bad)
{
	unlink(self->conf.path);
}

TEST_F(bad, refused)
{
	if (variant->from)
		ASSERT_NE(NULL, strstr(good, variant->from));
	ASSERT_EQ(-1, load(&self->conf, variant->from, variant->to));
	ASSERT_NE(NULL, strstr(self->conf.err, variant->needle))
		TH_LOG("got: %s", self->conf.err);
}

/* Epoch 1, Admin 7, replica 3 replaced (Joined = 1), as in load_e1(). */
static const char *const e1[] = {
	"Name = t1\n", "Name = t1\nEpoch = 1\nAdmin = 7\n",
	"Id = 3\n", "Id = 3\nJoined = 1\n",
};

static int load_e1(FIXTURE_DATA(conf) *self, const char *from,
		   const char *to)
{
	return loadv(self, e1[0], e1[1], e1[2], e1[3], from, to, NULL);
}

static void hex(const uint8_t *d, char *out)
{
	int i;

	for (i = 0; i < BFT_DIGEST_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Two ids replaced at once with f = 1: refused at the second. */
TEST(replace_more_than_f)
{
	FIXTURE_DATA(conf) conf, *self = &conf;

	conf_init(_metadata, self);
	EXPECT_EQ(-1, loadv(self, "Name = t1\n", "Name = t1\nEpoch = 2\n",
			    "7401\nPublicKey = " KEY "\n[Replica]\nId = 3\n",
			    "7401\nJoined = 2\nPublicKey = " KEY "\n[Replica]\nId = 3\nJoined = 2\n",
			    NULL));
	EXPECT_NE(NULL, strstr(self->err, ":23: replica 3: more than f = 1 replicas joined in epoch 2"))
		TH_LOG("got: %s", self->err);
	unlink(self->path);
}

/* n <= MaxReplicas; a [Local] id at or above n only below MaxReplicas. */
TEST(max_replicas_bounds)
{
	FIXTURE_DATA(conf) conf, *self = &conf;

	conf_init(_metadata, self);
	ASSERT_EQ(0, loadv(self, "Name = t1\n", "Name = t1\nMaxReplicas = 5\n",
			   "Replica = 2", "Replica = 4", NULL))
		TH_LOG("%s", self->err);
	EXPECT_EQ(4, self->c.local_replica);
	bft_conf_free(&self->c);
	EXPECT_EQ(-1, loadv(self, "Name = t1\n", "Name = t1\nMaxReplicas = 5\n",
			    "Replica = 2", "Replica = 5", NULL));
	EXPECT_NE(NULL, strstr(self->err, ":28: [Local] Replica 5 is not a configured replica (0..3, or below MaxReplicas = 5"))
		TH_LOG("got: %s", self->err);
	/* MaxReplicas below the file's own n. */
	EXPECT_EQ(-1, loadv(self, "Name = t1\n", "Name = t1\nMaxReplicas = 4\n",
			    "[Client]\n", "[Replica]\nId = 4\nEndpoint = 10.0.0.5:7400\n"
			    "PublicKey = " KEY "\n[Client]\n", NULL));
	EXPECT_NE(NULL, strstr(self->err, ":4: MaxReplicas = 4 is below the 5 replicas of the file"))
		TH_LOG("got: %s", self->err);
	unlink(self->path);
}

/* Epoch 1 grows 4 -> 6 (ids 4, 5 added) and replaces id 1. */
static const char grow_extra[] =
	"[Replica]\nId = 4\nJoined = 1\nEndpoint = 10.0.0.5:7400\nPublicKey = " KEY "\n"
	"[Replica]\nId = 5\nJoined = 1\nEndpoint = 10.0.0.6:7400\nPublicKey = " KEY "\n";

static int load_grow(FIXTURE_DATA(conf) *self, const char *joined4)
{
	char extra[sizeof(grow_extra) + 16];

	strcpy(extra, grow_extra);
	if (joined4)
		edit(extra, "Id = 4\nJoined = 1\n", joined4);
	strcat(extra, "[Client]\n");
	return loadv(self, "Name = t1\n", "Name = t1\nEpoch = 1\nMaxReplicas = 8\n",
		     "Id = 1\n", "Id = 1\nJoined = 1\n",
		     "[Client]\n", extra, NULL);
}

TEST(grow_and_shrink)
{
	FIXTURE_DATA(conf) conf, *self = &conf;
	char err[256] = "";

	conf_init(_metadata, self);
	ASSERT_EQ(0, load_grow(self, NULL)) TH_LOG("%s", self->err);
	EXPECT_EQ(6, self->c.n_replicas);
	EXPECT_EQ(8, self->c.max_replicas);
	EXPECT_EQ(0x32, bft_conf_joined_mask(&self->c));
	/* From 4: 1 replaced, 4 and 5 added; from 5: 4 is replaced too. */
	EXPECT_EQ(0x2, bft_conf_replace_mask(&self->c, 4));
	EXPECT_EQ(0x12, bft_conf_replace_mask(&self->c, 5));
	EXPECT_EQ(0x32, bft_conf_replace_mask(&self->c, 7));
	EXPECT_EQ(0, bft_conf_check_next(&self->c, 4, err, sizeof(err))) TH_LOG("%s", err);
	/* n = 5 in force: f = 1, and 1 and 4 are both replaced. */
	EXPECT_EQ(-1, bft_conf_check_next(&self->c, 5, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "2 replicas replaced (Joined = 1 below n = 5), more than f = 1"))
		TH_LOG("got: %s", err);
	bft_conf_free(&self->c);
	/* Shrink 7 -> 6: ids 1 replaced, 4 and 5 replaced as well: f = 2. */
	ASSERT_EQ(0, load_grow(self, NULL)) TH_LOG("%s", self->err);
	EXPECT_EQ(-1, bft_conf_check_next(&self->c, 7, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "3 replicas replaced")) TH_LOG("got: %s", err);
	bft_conf_free(&self->c);
	/* An added id must have Joined = Epoch. */
	ASSERT_EQ(0, load_grow(self, "Id = 4\n")) TH_LOG("%s", self->err);
	EXPECT_EQ(0x22, bft_conf_joined_mask(&self->c));
	EXPECT_EQ(-1, bft_conf_check_next(&self->c, 4, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "replica 4 is added in epoch 1 (n 4 -> 6) but has Joined = 0: a new id needs Joined = 1"))
		TH_LOG("got: %s", err);
	EXPECT_EQ(0, bft_conf_check_next(&self->c, 5, err, sizeof(err))) TH_LOG("%s", err);
	bft_conf_free(&self->c);
	/* A shrink file: ids 4.. simply absent; nothing to check but f. */
	ASSERT_EQ(0, load_e1(self, NULL, NULL)) TH_LOG("%s", self->err);
	EXPECT_EQ(0, bft_conf_check_next(&self->c, 7, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(1ull << 3, bft_conf_replace_mask(&self->c, 7));
	bft_conf_free(&self->c);
	unlink(self->path);
}

/*
 * The canonical encoding of bft.conf(5), pinned: these values were
 * computed from the description, independently of config.c.
 */
TEST(digest_known_answer)
{
	FIXTURE_DATA(conf) conf, *self = &conf;
	uint8_t d[BFT_DIGEST_LEN];
	char h[2 * BFT_DIGEST_LEN + 1];

	conf_init(_metadata, self);
	ASSERT_EQ(0, load(self, NULL, NULL)) TH_LOG("%s", self->err);
	ASSERT_EQ(0, bft_conf_digest(&self->c, d));
	hex(d, h);
	EXPECT_STREQ("9ed6350014502429f2bb603b5aa640bad8191f25a6a4fa7fbe18eeb84b4492c7", h);
	bft_conf_free(&self->c);
	ASSERT_EQ(0, load_e1(self, NULL, NULL)) TH_LOG("%s", self->err);
	EXPECT_EQ(1, self->c.epoch);
	EXPECT_EQ(7, self->c.admin);
	EXPECT_EQ(1, self->c.replicas[3].joined);
	EXPECT_EQ(1ull << 3, bft_conf_replace_mask(&self->c, 4));
	ASSERT_EQ(0, bft_conf_digest(&self->c, d));
	hex(d, h);
	EXPECT_STREQ("3b1641ec23ae5a5cd4497e8e4b00f6f7ba7657fea08bae16fc3ad12b5d61621d", h);
	bft_conf_free(&self->c);
	ASSERT_EQ(0, load_e1(self, "Admin = 7\n", "Admin = 7\nMaxReplicas = 7\n"))
		TH_LOG("%s", self->err);
	EXPECT_EQ(7, self->c.max_replicas);
	ASSERT_EQ(0, bft_conf_digest(&self->c, d));
	hex(d, h);
	EXPECT_STREQ("50d003783e7d0aa4e7ba04fc09d62104e781bd2ea15fa2b9c12cfdf7d5e1aa14", h);
	bft_conf_free(&self->c);
	unlink(self->path);
}

/* One edit of the epoch-1 file: does the digest change? */
FIXTURE(digest) {
	FIXTURE_DATA(conf) conf;
};

FIXTURE_VARIANT(digest) {
	const char *from, *to;
	bool changes;
};

FIXTURE_VARIANT_ADD(digest, replica_key) {
	"Id = 0\nEndpoint = 10.0.0.1:7400\nPublicKey = " KEY,
	"Id = 0\nEndpoint = 10.0.0.1:7400\nPublicKey = hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmA=",
	true };
FIXTURE_VARIANT_ADD(digest, endpoint_address) {
	"10.0.0.2:7400", "10.0.0.9:7400", true };
FIXTURE_VARIANT_ADD(digest, endpoint_port) {
	"[fd00::3]:7401", "[fd00::3]:7402", true };
FIXTURE_VARIANT_ADD(digest, joined) {
	"Id = 3\nJoined = 1\n", "Id = 3\n", true };
FIXTURE_VARIANT_ADD(digest, epoch) {
	"Epoch = 1\n", "Epoch = 2\n", true };
FIXTURE_VARIANT_ADD(digest, admin) {
	"Admin = 7\n", "", true };
FIXTURE_VARIANT_ADD(digest, max_replicas) {
	"Admin = 7\n", "Admin = 7\nMaxReplicas = 5\n", true };
FIXTURE_VARIANT_ADD(digest, max_replicas_default_is_n) {
	"Admin = 7\n", "Admin = 7\nMaxReplicas = 4\n", false };
FIXTURE_VARIANT_ADD(digest, cluster_name) {
	"Name = t1\n", "Name = t2\n", true };
FIXTURE_VARIANT_ADD(digest, policy) {
	"BatchSize = 16\n", "BatchSize = 8\nWindow = 4\n", false };
FIXTURE_VARIANT_ADD(digest, client_key) {
	"Id = 7\nPublicKey = " KEY,
	"Id = 7\nPublicKey = hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmA=",
	false };
FIXTURE_VARIANT_ADD(digest, local_section) {
	"Replica = 2\n", "Replica = 1\n", false };
FIXTURE_VARIANT_ADD(digest, comments_and_order) {
	"[Replica]\nId = 1\n", "\n# moved\n[Replica]\n  Id   =  1 # one\n",
	false };

FIXTURE_SETUP(digest)
{
	conf_init(_metadata, &self->conf);
}

FIXTURE_TEARDOWN(digest)
{
	unlink(self->conf.path);
}

TEST_F(digest, changes)
{
	uint8_t base[BFT_DIGEST_LEN], d[BFT_DIGEST_LEN];

	ASSERT_EQ(0, load_e1(&self->conf, NULL, NULL)) TH_LOG("%s", self->conf.err);
	ASSERT_EQ(0, bft_conf_digest(&self->conf.c, base));
	bft_conf_free(&self->conf.c);
	ASSERT_EQ(0, load_e1(&self->conf, variant->from, variant->to))
		TH_LOG("%s", self->conf.err);
	ASSERT_EQ(0, bft_conf_digest(&self->conf.c, d));
	EXPECT_EQ(variant->changes, !!memcmp(base, d, sizeof(d)));
	bft_conf_free(&self->conf.c);
}

TEST(missing_file)
{
	struct bft_conf c;
	char err[256] = "";

	ASSERT_EQ(-1, bft_conf_load("/nonexistent/bft.conf", &c, err,
				    sizeof(err)));
	ASSERT_NE(NULL, strstr(err, "No such file")) TH_LOG("got: %s", err);
}

TEST_HARNESS_MAIN
