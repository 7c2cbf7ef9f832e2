// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the cluster configuration parser: a valid file parses to
 * exact values; every class of bad input is refused with a located reason.
 */
#include <arpa/inet.h>
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

/* Writes good with FROM replaced by TO (TO alone without FROM), loads it. */
static int load(FIXTURE_DATA(conf) *self, const char *from, const char *to)
{
	FILE *f = fopen(self->path, "w");
	const char *at = from ? strstr(good, from) : NULL;

	if (!f)
		return -2;
	if (at) {
		fwrite(good, 1, (size_t)(at - good), f);
		fputs(to, f);
		fputs(at + strlen(from), f);
	} else {
		fputs(to ? to : good, f);
	}
	fclose(f);
	return bft_conf_load(self->path, &self->c, self->err,
			     sizeof(self->err));
}

/* The valid file, each part of it checked by one test. */
FIXTURE_VARIANT(conf) {
	int part;
};

enum { P_PARSES, P_MEMBERS, P_POLICY, P_IPV4, P_IPV6, P_LOCAL };
FIXTURE_VARIANT_ADD(conf, parses) { .part = P_PARSES };
FIXTURE_VARIANT_ADD(conf, members_counted_f_1) { .part = P_MEMBERS };
FIXTURE_VARIANT_ADD(conf, name_and_policy) { .part = P_POLICY };
FIXTURE_VARIANT_ADD(conf, ipv4_endpoint) { .part = P_IPV4 };
FIXTURE_VARIANT_ADD(conf, ipv6_endpoint) { .part = P_IPV6 };
FIXTURE_VARIANT_ADD(conf, local_section) { .part = P_LOCAL };

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

TEST(missing_file)
{
	struct bft_conf c;
	char err[256] = "";

	ASSERT_EQ(-1, bft_conf_load("/nonexistent/bft.conf", &c, err,
				    sizeof(err)));
	ASSERT_NE(NULL, strstr(err, "No such file")) TH_LOG("got: %s", err);
}

TEST_HARNESS_MAIN
