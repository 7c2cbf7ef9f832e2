// SPDX-License-Identifier: GPL-2.0
/*
 * Argument helpers shared by bftctl's configuration commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include <linux/bft.h>

#include "args.h"

int put_sockaddr(struct nl_msg *msg, int type,
		 const struct sockaddr_storage *ss)
{
	size_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						 sizeof(struct sockaddr_in);

	return nla_put(msg, type, (int)len, ss);
}

int put_endpoint(struct nl_msg *msg, int type, const char *what,
		 const char *s)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (bft_parse_endpoint(s, &ss, &len)) {
		fprintf(stderr, "bftctl: %s: expected ADDR:PORT or [ADDR6]:PORT, got '%s'\n",
			what, s);
		return -1;
	}
	return put_sockaddr(msg, type, &ss);
}

int arg_key(const char *kw, const char *val, uint8_t key[BFT_KEY_LEN])
{
	int err;

	if (!strcmp(kw, "key"))
		err = bft_key_from_b64(val, key);
	else
		err = bft_key_read_file(val, key);
	if (err)
		fprintf(stderr, "bftctl: %s '%s': not a base64 32-byte key\n",
			kw, strcmp(kw, "key") ? val : "...");
	return err ? -1 : 0;
}

int arg_policy(int argc, char **argv, struct bft_conf_policy *policy)
{
	size_t i;

	for (i = 0; i < bft_n_policy_keys; i++) {
		const struct bft_policy_key *pk = &bft_policy_keys[i];
		uint32_t v;

		if (strcmp(argv[0], pk->cli))
			continue;
		if (argc < 2) {
			fprintf(stderr, "bftctl: %s needs a value\n", argv[0]);
			return -1;
		}
		if (bft_arg_u32(argv[0], argv[1], pk->min, pk->max, &v))
			return -1;
		bft_policy_set(policy, pk->attr, v);
		return 2;
	}
	return 0;
}

int put_policy(struct nl_msg *msg, const struct bft_conf_policy *p)
{
	struct nlattr *nest;
	int attr;

	if (!p->set)
		return 0;
	nest = nla_nest_start(msg, BFT_A_POLICY);
	if (!nest)
		return -1;
	for (attr = 1; attr <= BFT_POLICY_A_MAX; attr++)
		if (bft_policy_has(p, attr) &&
		    nla_put_u32(msg, attr, p->val[attr]))
			return -1;
	nla_nest_end(msg, nest);
	return 0;
}

void usage_policy(FILE *f)
{
	size_t i;

	fprintf(f, "POLICY keywords:");
	for (i = 0; i < bft_n_policy_keys; i++)
		fprintf(f, "%s %s N", i % 3 ? "" : "\n ",
			bft_policy_keys[i].cli);
	fprintf(f, "\n");
}
