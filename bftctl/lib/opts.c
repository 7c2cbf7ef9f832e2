// SPDX-License-Identifier: GPL-2.0
/*
 * The one number parser and the common options (see opts.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* program_invocation_short_name */
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

int bft_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull would take blanks, a sign and "-1" as ULLONG_MAX. */
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int bft_arg_u64(const char *what, const char *s, uint64_t min, uint64_t max,
		uint64_t *out)
{
	if (!bft_parse_u64(s, min, max, out))
		return 0;
	fprintf(stderr, "%s: %s: expected an integer in [%" PRIu64 ", %" PRIu64 "], got '%s'\n",
		program_invocation_short_name, what, min, max, s ? s : "");
	return -1;
}

int bft_arg_u32(const char *what, const char *s, uint32_t min, uint32_t max,
		uint32_t *out)
{
	uint64_t v;

	if (bft_arg_u64(what, s, min, max, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int bft_common_opt(int c, const char *arg, struct bft_common_opts *o,
		   const char *which)
{
	if (c <= 0 || c > 127 || !strchr(which, c))
		return 0;
	switch (c) {
	case 'c':
		o->conf = arg;
		return 1;
	case 'k':
		o->key = arg;
		return 1;
	case 'i':
		o->have_client = true;
		return bft_arg_u32("-i", arg, 0, BFT_ID_MAX, &o->client) ? -1 : 1;
	case 'r':
		o->have_replica = true;
		return bft_arg_u32("-r", arg, 0, BFT_ID_MAX, &o->replica) ? -1 : 1;
	case 't':
		o->have_timeout = true;
		return bft_arg_u32("-t", arg, 1, BFT_TIMEOUT_MS_MAX,
				   &o->timeout_ms) ? -1 : 1;
	}
	return 0;
}

int bft_common_require(const char *who, const struct bft_common_opts *o,
		       const char *need)
{
	static const struct {
		char c;
		const char *text;
	} names[] = {
		{ 'c', "-c FILE" }, { 'k', "-k KEYFILE" }, { 'i', "-i CLIENT_ID" },
		{ 'r', "-r REPLICA_ID" }, { 't', "-t MS" },
	};
	bool have[sizeof(names) / sizeof(names[0])] = {
		o->conf, o->key, o->have_client, o->have_replica, o->have_timeout,
	};
	const char *sep = ": missing ";
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strchr(need, names[i].c) || have[i])
			continue;
		fprintf(stderr, "%s%s%s", bad ? "" : who, sep, names[i].text);
		sep = ", ";
		bad = 1;
	}
	if (bad)
		fputc('\n', stderr);
	return bad ? -1 : 0;
}
