// SPDX-License-Identifier: GPL-2.0
/*
 * Seed corpus generator: writes valid datagrams built by the wire
 * encoder (and record sequences for the engine and client targets)
 * into OUTDIR/<target>/. Run at build time; nothing binary is committed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static u8 buf[BFT_WIRE_MAX_DGRAM];
static const char *outdir;
static int counter;

static void put(const char *target, const void *p, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/seed-%03d", outdir, target,
		 counter++);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	if (len && fwrite(p, 1, len, f) != len)
		exit(1);
	fclose(f);
}

static void sample(const char *target, enum fuzz_sample k, u32 sender,
		   u64 view, u64 seq)
{
	u32 n = fuzz_sample(k, buf, sizeof(buf), sender, view, seq);

	if (!n) {
		fprintf(stderr, "gen_corpus: sample %d does not encode\n", k);
		exit(1);
	}
	put(target, buf, n);
	put("any", buf, n);
	put("hdr", buf, n);
}

/* A record stream: [op][le16 len][datagram]. */
struct stream {
	u8 b[65536];
	size_t len;
};

static void rec(struct stream *s, u8 op, enum fuzz_sample k, u32 sender,
		u64 view, u64 seq)
{
	u32 n = 0;

	if (op != 2 && op != 3)
		n = fuzz_sample(k, buf, sizeof(buf), sender, view, seq);
	s->b[s->len++] = op;
	s->b[s->len++] = (u8)(op == 2 ? 30 : n);
	s->b[s->len++] = (u8)(op == 2 ? 0 : n >> 8);
	memcpy(s->b + s->len, buf, n);
	s->len += n;
}

static void engine_seeds(void)
{
	static struct stream s;
	int id, op;

	for (op = 0; op < 2; op++) {
		for (id = 0; id < 2; id++) {
			/* backup 1 (or primary 0): one null batch commits */
			s.len = 0;
			s.b[s.len++] = (u8)id;
			rec(&s, op, FS_REQUEST, 3, 0, 0);
			rec(&s, op, FS_STAGED, FUZZ_ADMIN, 0, 1);
			rec(&s, op, FS_STAGED, 1, 0, 2);
			rec(&s, op, FS_PP_NULL, 0, 0, 1);
			rec(&s, op, FS_PREPARE, 2, 0, 1);
			rec(&s, op, FS_PREPARE, 3, 0, 1);
			rec(&s, op, FS_COMMIT, 0, 0, 1);
			rec(&s, op, FS_COMMIT, 2, 0, 1);
			rec(&s, op, FS_COMMIT, 3, 0, 1);
			rec(&s, op, FS_CKPT, 2, 0, 4);
			rec(&s, 2, 0, 0, 0, 0);
			put("engine", s.b, s.len);
		}
		/* view change traffic */
		s.len = 0;
		s.b[s.len++] = 1;
		rec(&s, op, FS_PP, 0, 0, 1);
		rec(&s, 3, 0, 0, 0, 0);
		rec(&s, op, FS_VC, 0, 1, 0);
		rec(&s, op, FS_VC, 2, 1, 0);
		rec(&s, op, FS_VC, 3, 1, 0);
		rec(&s, op, FS_NV, 1, 1, 0);
		rec(&s, op, FS_FETCH, 2, 0, 0);
		rec(&s, op, FS_FETCH_LOG, 3, 0, 0);
		rec(&s, op, FS_VC_ACK, 2, 1, 0);
		rec(&s, op, FS_SUSPECT, 3, 0, 0);
		rec(&s, op, FS_FETCH_VC, 2, 1, 0);
		rec(&s, op, FS_DATA_VC, 2, 1, 0);
		rec(&s, op, FS_DATA, 2, 0, 4);
		rec(&s, 2, 0, 0, 0, 0);
		put("engine", s.b, s.len);
	}
}

static void client_seeds(void)
{
	static struct stream s;
	u32 r, n;
	int ro;

	for (ro = 0; ro < 2; ro++) {
		s.len = 0;
		s.b[s.len++] = (u8)ro;
		for (r = 0; r < FUZZ_N; r++) {
			n = fuzz_sample(FS_REPLY, buf, sizeof(buf), r, 0, 0);
			if (ro)
				buf[BFT_HDR_LEN + 24] = BFT_REPLY_F_READONLY;
			s.b[s.len++] = (u8)n;
			s.b[s.len++] = (u8)(n >> 8);
			memcpy(s.b + s.len, buf, n);
			s.len += n;
		}
		put("client", s.b, s.len);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	sample("request", FS_REQUEST, 1, 0, 0);
	sample("request", FS_REQUEST_RO, 2, 0, 5);
	sample("request", FS_STAGED, FUZZ_ADMIN, 0, 6);
	sample("preprepare", FS_PP, 0, 0, 1);
	sample("preprepare", FS_PP_NULL, 0, 3, 9);
	sample("agree", FS_PREPARE, 1, 0, 1);
	sample("agree", FS_COMMIT, 2, 0, 1);
	sample("reply", FS_REPLY, 1, 0, 0);
	sample("checkpoint", FS_CKPT, 1, 0, 8);
	sample("vc", FS_VC, 1, 1, 0);
	sample("vc", FS_VC, 2, 5, 0);
	sample("nv", FS_NV, 1, 1, 0);
	sample("fetch", FS_FETCH, 1, 0, 4);
	sample("data", FS_DATA, 1, 0, 4);
	sample("vcack", FS_VC_ACK, 2, 1, 0);
	sample("any", FS_SUSPECT, 1, 0, 0);
	sample("fetch", FS_FETCH_LOG, 2, 0, 3);
	sample("fetch", FS_FETCH_VC, 2, 1, 0);
	sample("data", FS_DATA_VC, 2, 1, 0);
	engine_seeds();
	client_seeds();
	return 0;
}
