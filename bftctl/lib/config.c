// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster configuration parser. Strict: unknown sections or keys, bad
 * numbers, duplicate ids and gaps in replica ids are errors with a line
 * number, never silently ignored. Also the configuration digest of a
 * RECONFIG, computed from what was parsed.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "../../kmod/engine/quorum.h"
#include "config.h"
#include "opts.h"

enum section { SEC_NONE, SEC_CLUSTER, SEC_REPLICA, SEC_CLIENT, SEC_LOCAL };

struct parser {
	const char *path;
	unsigned int line;
	char *err;
	size_t errlen;
	struct bft_conf *c;
	enum section sec;
	/* The [Replica] or [Client] section being filled. */
	bool have_id, have_key, have_ep;
	struct bft_conf_replica rep;
	struct bft_conf_client cli;
	uint8_t seen[BFT_MAX_REPLICAS];
	/* Lines of keys checked once the whole file is read (0: absent). */
	unsigned int admin_line, joined_line[BFT_MAX_REPLICAS], rep_joined;
	unsigned int max_line, local_line;
};

static int fail(struct parser *p, const char *fmt, ...)
{
	size_t off;
	va_list ap;

	off = (size_t)snprintf(p->err, p->errlen, "%s:%u: ", p->path, p->line);
	if (off < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + off, p->errlen - off, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int bft_parse_endpoint(const char *s, struct sockaddr_storage *ss,
		       socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	uint64_t port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	colon = strrchr(s, ':');
	if (!colon || colon == s)
		return -EINVAL;
	if (bft_parse_u64(colon + 1, 1, 65535, &port))
		return -EINVAL;
	hl = (size_t)(colon - s);
	if (s[0] == '[') {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		if (hl < 3 || s[hl - 1] != ']' || hl - 2 >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, hl - 2);
		host[hl - 2] = '\0';
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return -EINVAL;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, hl);
		host[hl] = '\0';
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -EINVAL;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*len = sizeof(*sin);
	}
	return 0;
}

void bft_format_endpoint(const struct sockaddr_storage *ss, char *buf,
			 size_t len)
{
	const struct sockaddr_in6 *sin6 = (const void *)ss;
	const struct sockaddr_in *sin = (const void *)ss;
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else {
		snprintf(buf, len, "?");
	}
}

socklen_t bft_sockaddr_as(const struct sockaddr_storage *src, int family,
			  struct sockaddr_storage *dst)
{
	const struct sockaddr_in *s4 = (const void *)src;
	struct sockaddr_in6 *d6 = (void *)dst;

	memset(dst, 0, sizeof(*dst));
	if (src->ss_family == family) {
		*dst = *src;
		return family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					    sizeof(struct sockaddr_in);
	}
	if (family != AF_INET6)
		return 0;
	d6->sin6_family = AF_INET6;
	d6->sin6_port = s4->sin_port;
	d6->sin6_addr.s6_addr[10] = 0xff;
	d6->sin6_addr.s6_addr[11] = 0xff;
	memcpy(&d6->sin6_addr.s6_addr[12], &s4->sin_addr, 4);
	return sizeof(*d6);
}

static int parse_u32(struct parser *p, const char *key, const char *v,
		     uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t x = 0;
	int err = bft_parse_u64(v, min, max, &x);

	*out = (uint32_t)x;	/* 0 on error: callers' paths stay defined */
	if (err)
		return fail(p, "%s: expected an integer in [%u, %u], got '%s'",
			    key, min, max, v);
	return 0;
}

static int end_section(struct parser *p)
{
	struct bft_conf *c = p->c;
	uint32_t i;

	if (p->sec == SEC_REPLICA) {
		if (!p->have_id || !p->have_key || !p->have_ep)
			return fail(p, "[Replica] needs Id, Endpoint and PublicKey");
		if (p->seen[p->rep.id])
			return fail(p, "duplicate replica Id %u", p->rep.id);
		p->seen[p->rep.id] = 1;
		p->joined_line[p->rep.id] = p->rep_joined;
		c->replicas[p->rep.id] = p->rep;
		c->n_replicas++;
	} else if (p->sec == SEC_CLIENT) {
		struct bft_conf_client *n;

		if (!p->have_id || !p->have_key)
			return fail(p, "[Client] needs Id and PublicKey");
		for (i = 0; i < c->n_clients; i++)
			if (c->clients[i].id == p->cli.id)
				return fail(p, "duplicate client Id %u", p->cli.id);
		if (c->n_clients >= BFT_NL_MAX_CLIENTS)
			return fail(p, "more than %u clients", BFT_NL_MAX_CLIENTS);
		n = realloc(c->clients, (c->n_clients + 1) * sizeof(*n));
		if (!n)
			return fail(p, "out of memory");
		c->clients = n;
		c->clients[c->n_clients++] = p->cli;
	}
	p->have_id = p->have_key = p->have_ep = false;
	p->rep_joined = 0;
	memset(&p->rep, 0, sizeof(p->rep));
	memset(&p->cli, 0, sizeof(p->cli));
	return 0;
}

/* Ranges mirror the kernel's netlink policy, so errors show up early. */
const struct bft_policy_key bft_policy_keys[] = {
	{ "BatchSize", "batch-size", BFT_POLICY_A_BATCH_SIZE, 1, 1024 },
	{ "BatchBytes", "batch-bytes", BFT_POLICY_A_BATCH_BYTES, 64,
	  BFT_WIRE_MAX_DGRAM },
	{ "BatchDelayMs", "batch-delay-ms", BFT_POLICY_A_BATCH_DELAY_MS, 0,
	  10000 },
	{ "Window", "window", BFT_POLICY_A_WINDOW, 1, BFT_MAX_LOG },
	{ "CheckpointInterval", "checkpoint-interval",
	  BFT_POLICY_A_CKPT_INTERVAL, 1, BFT_MAX_LOG / 2 },
	{ "LogSize", "log-size", BFT_POLICY_A_LOG_SIZE, 2, BFT_MAX_LOG },
	{ "ViewChangeTimeoutMs", "vc-timeout-ms", BFT_POLICY_A_VC_TIMEOUT_MS,
	  10, 3600000 },
	{ "ViewChangeTimeoutMaxMs", "vc-timeout-max-ms",
	  BFT_POLICY_A_VC_TIMEOUT_MAX_MS, 10, 3600000 },
	{ "ViewChangeBackoff", "vc-backoff", BFT_POLICY_A_VC_BACKOFF, 1, 16 },
	{ "NoTentative", "no-tentative", BFT_POLICY_A_NO_TENTATIVE, 0, 1 },
	{ "ExpectHeartbeatMs", "expect-hb-ms", BFT_POLICY_A_EXPECT_HB_MS, 1,
	  3600000 },
	{ "ExpectWindowMs", "expect-window-ms", BFT_POLICY_A_EXPECT_WINDOW_MS,
	  10, 600000 },
	{ "ExpectPercent", "expect-pct", BFT_POLICY_A_EXPECT_PCT, 1, 100 },
	{ "KeyRotationSec", "key-rotation-sec", BFT_POLICY_A_KEY_ROTATION_SEC,
	  0, 31536000 },
};

const size_t bft_n_policy_keys =
	sizeof(bft_policy_keys) / sizeof(bft_policy_keys[0]);

static int cluster_key(struct parser *p, const char *k, const char *v)
{
	size_t i;

	if (!strcmp(k, "Name")) {
		if (!*v || strlen(v) >= sizeof(p->c->name))
			return fail(p, "Name: 1 to %d characters",
				    BFT_CONF_NAME_MAX - 1);
		strcpy(p->c->name, v);
		return 0;
	}
	if (!strcmp(k, "Epoch")) {
		if (bft_parse_u64(v, 0, UINT64_MAX, &p->c->epoch))
			return fail(p, "Epoch: expected an integer in [0, %llu], got '%s'",
				    (unsigned long long)UINT64_MAX, v);
		return 0;
	}
	if (!strcmp(k, "Admin")) {
		uint32_t id;

		if (parse_u32(p, k, v, 0, BFT_NL_MAX_CLIENTS - 1, &id))
			return -1;
		p->c->admin = id;
		p->admin_line = p->line;
		return 0;
	}
	if (!strcmp(k, "MaxReplicas")) {
		if (parse_u32(p, k, v, 4, BFT_MAX_REPLICAS,
			      &p->c->max_replicas))
			return -1;
		p->max_line = p->line;
		return 0;
	}
	for (i = 0; i < bft_n_policy_keys; i++) {
		const struct bft_policy_key *pk = &bft_policy_keys[i];
		uint32_t val;

		if (strcmp(k, pk->conf))
			continue;
		if (parse_u32(p, k, v, pk->min, pk->max, &val))
			return -1;
		bft_policy_set(&p->c->policy, pk->attr, val);
		return 0;
	}
	return fail(p, "unknown key '%s' in [Cluster]", k);
}

static int member_key(struct parser *p, const char *k, const char *v)
{
	bool replica = p->sec == SEC_REPLICA;
	uint32_t *id = replica ? &p->rep.id : &p->cli.id;
	uint8_t *pub = replica ? p->rep.pub : p->cli.pub;

	if (!strcmp(k, "Id")) {
		if (parse_u32(p, k, v, 0, replica ? BFT_MAX_REPLICAS - 1 :
			      BFT_NL_MAX_CLIENTS - 1, id))
			return -1;
		p->have_id = true;
	} else if (!strcmp(k, "PublicKey")) {
		if (bft_key_from_b64(v, pub))
			return fail(p, "PublicKey: not a base64 32-byte key");
		p->have_key = true;
	} else if (replica && !strcmp(k, "Joined")) {
		if (bft_parse_u64(v, 0, UINT64_MAX, &p->rep.joined))
			return fail(p, "Joined: expected an integer in [0, %llu], got '%s'",
				    (unsigned long long)UINT64_MAX, v);
		p->rep_joined = p->line;
	} else if (replica && !strcmp(k, "Endpoint")) {
		if (bft_parse_endpoint(v, &p->rep.endpoint,
				       &p->rep.endpoint_len))
			return fail(p, "Endpoint: expected ADDR:PORT or [ADDR6]:PORT, got '%s'",
				    v);
		p->have_ep = true;
	} else {
		return fail(p, "unknown key '%s' in [%s]", k,
			    replica ? "Replica" : "Client");
	}
	return 0;
}

static int local_key(struct parser *p, const char *k, const char *v)
{
	uint32_t id;

	if (!strcmp(k, "Replica")) {
		if (parse_u32(p, k, v, 0, BFT_MAX_REPLICAS - 1, &id))
			return -1;
		p->c->local_replica = id;
		p->local_line = p->line;
	} else if (!strcmp(k, "PrivateKeyFile")) {
		free(p->c->private_key_file);
		p->c->private_key_file = strdup(v);
		if (!p->c->private_key_file)
			return fail(p, "out of memory");
	} else {
		return fail(p, "unknown key '%s' in [Local]", k);
	}
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_line(struct parser *p, char *s)
{
	char *eq, *k, *v;

	s[strcspn(s, "#")] = '\0';
	s = trim(s);
	if (!*s)
		return 0;
	if (*s == '[') {
		if (end_section(p))
			return -1;
		if (!strcmp(s, "[Cluster]"))
			p->sec = SEC_CLUSTER;
		else if (!strcmp(s, "[Replica]"))
			p->sec = SEC_REPLICA;
		else if (!strcmp(s, "[Client]"))
			p->sec = SEC_CLIENT;
		else if (!strcmp(s, "[Local]"))
			p->sec = SEC_LOCAL;
		else
			return fail(p, "unknown section %s", s);
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq)
		return fail(p, "expected 'Key = Value'");
	*eq = '\0';
	k = trim(s);
	v = trim(eq + 1);
	switch (p->sec) {
	case SEC_CLUSTER:
		return cluster_key(p, k, v);
	case SEC_REPLICA:
	case SEC_CLIENT:
		return member_key(p, k, v);
	case SEC_LOCAL:
		return local_key(p, k, v);
	default:
		return fail(p, "'%s' outside of a section", k);
	}
}

/*
 * The ids a file's epoch replaces, read without the previous n: the ids
 * with Joined = Epoch at the top, down to 4, count as added. Checked
 * against the real previous n by bft_conf_check_next().
 */
static uint32_t least_added(const struct bft_conf *c)
{
	uint32_t i = c->n_replicas;

	while (i > 4 && c->epoch && c->replicas[i - 1].joined == c->epoch)
		i--;
	return i;
}

/* Admin names a [Client]; Joined <= Epoch; at most f ids replaced. */
static int check_membership(struct parser *p)
{
	const struct bft_conf *c = p->c;
	uint32_t i, replaced = 0, top = least_added(c);

	if (c->admin >= 0) {
		for (i = 0; i < c->n_clients; i++)
			if (c->clients[i].id == c->admin)
				break;
		if (i == c->n_clients) {
			p->line = p->admin_line;	/* where it is wrong */
			return fail(p, "Admin %lld is not a [Client] Id",
				    (long long)c->admin);
		}
	}
	for (i = 0; i < c->n_replicas; i++) {
		const struct bft_conf_replica *r = &c->replicas[i];

		if (r->joined > c->epoch) {
			p->line = p->joined_line[i];
			return fail(p, "replica %u: Joined = %llu is after the file's Epoch %llu",
				    i, (unsigned long long)r->joined,
				    (unsigned long long)c->epoch);
		}
		if (!c->epoch || r->joined != c->epoch || i >= top)
			continue;
		if (++replaced > bft_conf_f(c)) {
			p->line = p->joined_line[i];
			return fail(p, "replica %u: more than f = %u replicas joined in epoch %llu (Joined = Epoch replaces a host; at most f at once)",
				    i, bft_conf_f(c),
				    (unsigned long long)c->epoch);
		}
	}
	return 0;
}

static int check_conf(struct parser *p)
{
	const struct bft_conf_policy *pol = &p->c->policy;
	struct bft_conf *c = p->c;
	uint32_t i;

	if (!c->name[0])
		return fail(p, "[Cluster] Name is required");
	if (c->n_replicas < 4)
		return fail(p, "%u replicas: PBFT needs at least 4 (n >= 3f+1, f >= 1)",
			    c->n_replicas);
	for (i = 0; i < c->n_replicas; i++)
		if (!p->seen[i])
			return fail(p, "replica ids must be 0..%u: %u is missing",
				    c->n_replicas - 1, i);
	if (!c->max_replicas) {
		c->max_replicas = c->n_replicas;
	} else if (c->max_replicas < c->n_replicas) {
		p->line = p->max_line;
		return fail(p, "MaxReplicas = %u is below the %u replicas of the file",
			    c->max_replicas, c->n_replicas);
	}
	/* An id of the previous epoch above n: that host leaves (a shrink). */
	if (c->local_replica >= (int64_t)c->max_replicas) {
		p->line = p->local_line;
		return fail(p, "[Local] Replica %lld is not a configured replica (0..%u, or below MaxReplicas = %u for a host that leaves)",
			    (long long)c->local_replica, c->n_replicas - 1,
			    c->max_replicas);
	}
	if (check_membership(p))
		return -1;
	if (bft_policy_has(pol, BFT_POLICY_A_CKPT_INTERVAL) &&
	    bft_policy_has(pol, BFT_POLICY_A_LOG_SIZE) &&
	    pol->val[BFT_POLICY_A_LOG_SIZE] <
	    2 * pol->val[BFT_POLICY_A_CKPT_INTERVAL])
		return fail(p, "LogSize must be at least 2 x CheckpointInterval");
	if (bft_policy_has(pol, BFT_POLICY_A_VC_TIMEOUT_MS) &&
	    bft_policy_has(pol, BFT_POLICY_A_VC_TIMEOUT_MAX_MS) &&
	    pol->val[BFT_POLICY_A_VC_TIMEOUT_MAX_MS] <
	    pol->val[BFT_POLICY_A_VC_TIMEOUT_MS])
		return fail(p, "ViewChangeTimeoutMaxMs is below ViewChangeTimeoutMs");
	return 0;
}

int bft_conf_load(const char *path, struct bft_conf *c, char *err,
		  size_t errlen)
{
	struct parser p = {
		.path = path, .err = err, .errlen = errlen, .c = c,
	};
	char line[1024];
	int ret = 0;
	FILE *f;

	memset(c, 0, sizeof(*c));
	c->local_replica = -1;
	c->admin = -1;
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (!ret && fgets(line, sizeof(line), f)) {
		p.line++;
		if (!strchr(line, '\n') && !feof(f))
			ret = fail(&p, "line too long");
		else
			ret = parse_line(&p, line);
	}
	if (!ret && ferror(f))
		ret = fail(&p, "read error");
	fclose(f);
	if (!ret)
		ret = end_section(&p);
	if (!ret)
		ret = check_conf(&p);
	if (ret)
		bft_conf_free(c);
	return ret;
}

void bft_conf_free(struct bft_conf *c)
{
	free(c->clients);
	free(c->private_key_file);
	c->clients = NULL;
	c->private_key_file = NULL;
	c->n_clients = 0;
}

uint64_t bft_conf_joined_mask(const struct bft_conf *c)
{
	uint64_t mask = 0;
	uint32_t i;

	for (i = 0; c->epoch && i < c->n_replicas; i++)
		if (c->replicas[i].joined == c->epoch)
			mask |= 1ull << i;
	return mask;
}

uint64_t bft_conf_replace_mask(const struct bft_conf *c, uint32_t n_old)
{
	uint32_t lim = n_old < c->n_replicas ? n_old : c->n_replicas;

	return bft_conf_joined_mask(c) & (lim >= 64 ? ~0ull : (1ull << lim) - 1);
}

int bft_conf_check_next(const struct bft_conf *c, uint32_t n_old, char *err,
			size_t errlen)
{
	uint64_t replace = bft_conf_replace_mask(c, n_old);
	uint32_t i;

	for (i = n_old; i < c->n_replicas; i++)
		if (c->replicas[i].joined != c->epoch) {
			snprintf(err, errlen, "replica %u is added in epoch %llu (n %u -> %u) but has Joined = %llu: a new id needs Joined = %llu",
				 i, (unsigned long long)c->epoch, n_old,
				 c->n_replicas,
				 (unsigned long long)c->replicas[i].joined,
				 (unsigned long long)c->epoch);
			return -1;
		}
	if ((uint32_t)__builtin_popcountll(replace) > bft_quorum_f(n_old)) {
		snprintf(err, errlen, "%d replicas replaced (Joined = %llu below n = %u), more than f = %u of the epoch in force",
			 __builtin_popcountll(replace),
			 (unsigned long long)c->epoch, n_old, bft_quorum_f(n_old));
		return -1;
	}
	return 0;
}

/* Appends @len bytes, or a little-endian integer of @bytes bytes. */
static uint8_t *put(uint8_t *at, const void *p, size_t len)
{
	memcpy(at, p, len);
	return at + len;
}

static uint8_t *put_le(uint8_t *at, uint64_t v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		*at++ = (uint8_t)(v >> (8 * i));
	return at;
}

/* Canonical: le16 family, the port and address in network order. */
static uint8_t *put_endpoint(uint8_t *at, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	at = put_le(at, ss->ss_family, 2);
	if (ss->ss_family == AF_INET6) {
		at = put(at, &s6->sin6_port, 2);
		return put(at, &s6->sin6_addr, 16);
	}
	at = put(at, &s4->sin_port, 2);
	return put(at, &s4->sin_addr, 4);
}

#define DIGEST_TAG	"bft-config-v2"
#define DIGEST_MAX	(sizeof(DIGEST_TAG) - 1 + 4 + BFT_CONF_NAME_MAX + \
			 8 + 4 + 4 + 4 + BFT_MAX_REPLICAS * (8 + BFT_KEY_LEN + 20))

int bft_conf_digest(const struct bft_conf *c, uint8_t out[BFT_DIGEST_LEN])
{
	size_t name_len = strnlen(c->name, sizeof(c->name));
	uint8_t buf[DIGEST_MAX], *at = buf;
	unsigned int out_len = 0;
	uint32_t i;

	at = put(at, DIGEST_TAG, sizeof(DIGEST_TAG) - 1);
	at = put_le(at, name_len, 4);
	at = put(at, c->name, name_len);
	at = put_le(at, c->epoch, 8);
	at = put_le(at, c->n_replicas, 4);
	at = put_le(at, c->max_replicas, 4);
	at = put_le(at, (uint64_t)(c->admin + 1), 4);
	for (i = 0; i < c->n_replicas && i < BFT_MAX_REPLICAS; i++) {
		at = put_le(at, c->replicas[i].joined, 8);
		at = put(at, c->replicas[i].pub, BFT_KEY_LEN);
		at = put_endpoint(at, &c->replicas[i].endpoint);
	}
	if (!EVP_Digest(buf, (size_t)(at - buf), out, &out_len, EVP_sha256(),
			NULL) || out_len != BFT_DIGEST_LEN)
		return -1;
	return 0;
}
