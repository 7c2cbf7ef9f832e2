// SPDX-License-Identifier: GPL-2.0
/*
 * lincheck: check client history files (bftctl bench --history) for
 * linearizability with the same checker the simulator uses (lin.c).
 *
 *   lincheck FILE...     exit 0 linearizable, 1 not, 2 unreadable
 *
 * One operation per line, '#' starts a comment:
 *   CLIENT INVOKE_NS COMPLETE_NS|- OP KEY ARG RESULT
 * OP is put or get; KEY a string (hashed); ARG the PUT value's 64-bit
 * hash in hex, '-' for get; RESULT "ok" (put), "=HASH" (get found),
 * "nf" (get not found) or "?" (unknown: timed out, or the key's value
 * predates the history).  COMPLETE_NS '-' means it never completed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lin.h"

static uint64_t fnv(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

static uint8_t seen[65536 / 8];

static int load(struct lin_hist *h, const char *path, size_t *clients)
{
	char line[1024], op[16], key[512], arg[64], res[64], t1[32];
	unsigned long cl;
	uint64_t t0, ret;
	FILE *f = fopen(path, "r");
	int ln = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t i;
		int kind, ok = 0;
		uint64_t a = 0, out = 0;

		ln++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%lu %" SCNu64 " %31s %15s %511s %63s %63s",
			   &cl, &t0, t1, op, key, arg, res) != 7)
			goto bad;
		kind = !strcmp(op, "put") ? LIN_PUT :
			!strcmp(op, "get") ? LIN_GET : 0;
		if (!kind)
			goto bad;
		if (kind == LIN_PUT)
			a = strtoull(arg, NULL, 16);
		ret = strcmp(t1, "-") ? strtoull(t1, NULL, 10) : LIN_PENDING;
		i = lin_invoke(h, (uint32_t)cl, kind, fnv(key), a, 0, 0, t0);
		if (i == (size_t)-1)
			goto bad;
		if (cl < 65536 && !(seen[cl / 8] & 1 << cl % 8)) {
			seen[cl / 8] |= 1 << cl % 8;
			(*clients)++;
		}
		if (ret == LIN_PENDING)
			continue;
		if (!strcmp(res, "?")) {
			h->ops[i].ret = ret;	/* done, result unknown */
			continue;
		}
		if (res[0] == '=') {
			ok = 1;
			out = strtoull(res + 1, NULL, 16);
		} else if (!strcmp(res, "ok")) {
			ok = 1;
		} else if (strcmp(res, "nf")) {
			goto bad;
		}
		lin_complete(h, i, ret, ok, out);
	}
	fclose(f);
	return 0;
bad:
	fprintf(stderr, "%s:%d: malformed history line\n", path, ln);
	fclose(f);
	return -1;
}

int main(int argc, char **argv)
{
	struct lin_hist h;
	char why[256];
	size_t clients = 0;
	int i, ret;

	if (argc < 2) {
		fprintf(stderr, "usage: lincheck HISTORY...\n");
		return 2;
	}
	lin_init(&h);
	h.tunit = "ns";
	for (i = 1; i < argc; i++)
		if (load(&h, argv[i], &clients))
			return 2;
	ret = lin_check(&h, why, sizeof(why), stdout);
	if (ret)
		printf("lincheck: %zu ops: %s\n", h.n, why);
	else
		printf("lincheck: %zu ops from %zu clients: linearizable\n",
		       h.n, clients);
	lin_free(&h);
	return ret < 0 ? 2 : ret;
}
