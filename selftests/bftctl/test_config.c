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

#include "tap.h"
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

static char path[] = "/tmp/bft-conf-XXXXXX";

static int load(const char *text, struct bft_conf *c, char *err, size_t n)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	return bft_conf_load(path, c, err, n);
}

/* Expects @text to be refused with @needle in the message. */
static void bad(const char *text, const char *needle, const char *name)
{
	struct bft_conf c;
	char err[256] = "";

	CHECK(load(text, &c, err, sizeof(err)) == -1 && strstr(err, needle),
	      name);
	if (!strstr(err, needle))
		printf("# got: %s\n", err);
}

static char *with(const char *from, const char *to)
{
	static char buf[4096];
	const char *at = strstr(good, from);
	size_t pre = (size_t)(at - good);

	memcpy(buf, good, pre);
	strcpy(buf + pre, to);
	strcat(buf, at + strlen(from));
	return buf;
}

int main(void)
{
	struct sockaddr_in6 *sin6;
	struct sockaddr_in *sin;
	struct bft_conf c;
	char err[256];
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	printf("TAP version 13\n");

	CHECK(load(good, &c, err, sizeof(err)) == 0, "valid config parses");
	sin = (struct sockaddr_in *)&c.replicas[1].endpoint;
	sin6 = (struct sockaddr_in6 *)&c.replicas[2].endpoint;
	CHECK(c.n_replicas == 4 && bft_conf_f(&c) == 1 && c.n_clients == 1 &&
	      c.clients[0].id == 7, "members counted, f = 1");
	CHECK(!strcmp(c.name, "t1") &&
	      c.policy.val[BFT_POLICY_A_BATCH_SIZE] == 16 &&
	      c.policy.val[BFT_POLICY_A_CKPT_INTERVAL] == 8 &&
	      c.policy.val[BFT_POLICY_A_LOG_SIZE] == 16 &&
	      c.policy.set == (1u << BFT_POLICY_A_BATCH_SIZE |
			       1u << BFT_POLICY_A_CKPT_INTERVAL |
			       1u << BFT_POLICY_A_LOG_SIZE),
	      "cluster name and policy");
	CHECK(sin->sin_family == AF_INET && ntohs(sin->sin_port) == 7400 &&
	      ntohl(sin->sin_addr.s_addr) == 0x0a000002, "IPv4 endpoint");
	CHECK(sin6->sin6_family == AF_INET6 && ntohs(sin6->sin6_port) == 7401,
	      "IPv6 endpoint");
	CHECK(c.local_replica == 2 &&
	      !strcmp(c.private_key_file, "/etc/bft/r2.key"), "local section");
	bft_conf_free(&c);

	bad(with("Id = 2", "Id = 1"), "duplicate replica Id 1", "duplicate id");
	bad(with("Id = 3", "Id = 4"), "3 is missing", "gap in replica ids");
	bad(with("10.0.0.4:7400", "10.0.0.4"), ":21: Endpoint", "endpoint without port");
	bad(with("10.0.0.4:7400", "10.0.0.256:1"), "Endpoint", "bad IPv4 address");
	bad(with("[fd00::3]:7401", "[fd00::3:7401"), "Endpoint", "unbalanced bracket");
	bad(with("BatchSize = 16", "BatchSize = 0"), "BatchSize", "policy below range");
	bad(with("BatchSize = 16", "BatchSize = 16x"), "BatchSize", "trailing junk");
	bad(with("BatchSize = 16", "Batchsize = 16"), "unknown key 'Batchsize'", "unknown key");
	bad(with("LogSize = 16", "LogSize = 15"), "2 x CheckpointInterval", "L < 2K");
	bad(with("[Client]", "[Clients]"), "unknown section", "unknown section");
	bad(with("Id = 7\nPublicKey = " KEY, "Id = 7\nPublicKey = AAAA"), "PublicKey", "short key");
	bad(with("Replica = 2", "Replica = 9"), "not a configured replica", "local id out of range");
	bad(with("Name = t1\n", ""), "Name is required", "missing cluster name");
	bad("[Cluster]\nName = x\n[Replica]\nId = 0\nEndpoint = 1.2.3.4:1\nPublicKey = " KEY "\n",
	    "at least 4", "too few replicas");
	bad("Name = x\n", "outside of a section", "key outside a section");
	CHECK(bft_conf_load("/nonexistent/bft.conf", &c, err, sizeof(err)) == -1 &&
	      strstr(err, "No such file"), "missing file");

	unlink(path);
	printf("1..%d\n# %d passed, %d failed\n", tests, tests - failed, failed);
	return failed ? 1 : 0;
}
