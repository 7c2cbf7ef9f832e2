// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl checkpoint export|verify|import: move a replica's latest stable
 * checkpoint through a file (format in lib/ckptfile.h), confirm a file
 * against f+1 live replicas, and seed an empty replica from it.
 * Exit status: 0 ok, 1 bad file or refused, 2 usage, 4 no f+1
 * confirmation.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "bftctl.h"
#include "lib/bftclient.h"
#include "lib/ckptfile.h"
#include "statedigest.h"
#include "nl.h"

/* Chunk of one CHECKPOINT_PUT message. */
#define CKPT_PUT_CHUNK	16384

static void hex(const uint8_t *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void attesters(uint64_t mask, uint32_t n, char *out, size_t cap)
{
	size_t len = 0;
	uint32_t i;

	out[0] = 0;
	for (i = 0; i < n && i < 64; i++)
		if (mask & (1ULL << i) && len < cap)
			len += snprintf(out + len, cap - len, "%s%u",
					len ? " " : "", i);
}

/* The file into memory, at most a header + BFT_CKPT_MAX_STREAM + trailer. */
static uint8_t *read_file(const char *path, size_t *len)
{
	size_t cap = BFT_CKPT_FILE_HDR + BFT_CKPT_MAX_STREAM +
		     BFT_CKPT_FILE_TRAILER;
	uint8_t *buf = NULL;
	struct stat st;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bftctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > cap) {
		fprintf(stderr, "bftctl: %s: not a regular file of at most %zu bytes\n",
			path, cap);
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "bftctl: %s: cannot read\n", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)st.st_size;
out:
	fclose(f);
	return buf;
}

static uint8_t *load(const char *path, unsigned int flags,
		     struct bft_ckpt_file *cf, size_t *len)
{
	char err[256];
	uint8_t *buf = read_file(path, len);

	if (!buf)
		return NULL;
	if (bft_ckpt_file_parse(buf, *len, flags, cf, err, sizeof(err))) {
		fprintf(stderr, "bftctl: %s: %s\n", path, err);
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- export ---- */

struct export {
	struct bft_ckpt_file f;
	uint8_t *stream;
	uint64_t got;
	bool have_hdr;
	bool bad;
	char name[BFT_NAME_MAX];
	int replicas;		/* for the lookup of the only replica */
};

static int on_replica(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[BFT_A_MAX + 1];
	struct export *x = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, BFT_A_MAX, NULL) < 0 ||
	    !tb[BFT_A_NAME])
		return NL_SKIP;
	if (!x->replicas++)
		nla_strlcpy(x->name, tb[BFT_A_NAME], sizeof(x->name));
	return NL_OK;
}

static int on_header(struct export *x, struct nlattr **tb,
		     struct nlattr **ck)
{
	if (!ck[BFT_CKPT_A_SEQ] || !ck[BFT_CKPT_A_DIGEST] ||
	    nla_len(ck[BFT_CKPT_A_DIGEST]) != BFT_CKPT_DIGEST_LEN ||
	    !ck[BFT_CKPT_A_TOTAL] || !ck[BFT_CKPT_A_ESZ] || !tb[BFT_A_N] ||
	    !tb[BFT_A_REPLICA_ID])
		return -1;
	x->f.seq = nla_get_u64(ck[BFT_CKPT_A_SEQ]);
	x->f.view = ck[BFT_CKPT_A_VIEW] ? nla_get_u64(ck[BFT_CKPT_A_VIEW]) : 0;
	x->f.attest = ck[BFT_CKPT_A_ATTEST] ?
		      nla_get_u64(ck[BFT_CKPT_A_ATTEST]) : 0;
	memcpy(x->f.digest, nla_data(ck[BFT_CKPT_A_DIGEST]),
	       BFT_CKPT_DIGEST_LEN);
	x->f.len = nla_get_u64(ck[BFT_CKPT_A_TOTAL]);
	x->f.esz = nla_get_u32(ck[BFT_CKPT_A_ESZ]);
	x->f.n = nla_get_u32(tb[BFT_A_N]);
	x->f.replica = nla_get_u32(tb[BFT_A_REPLICA_ID]);
	if (x->f.len > BFT_CKPT_MAX_STREAM)
		return -1;
	x->stream = malloc(x->f.len ? x->f.len : 1);
	if (!x->stream)
		return -1;
	x->have_hdr = true;
	return 0;
}

static int on_chunk(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[BFT_A_MAX + 1], *ck[BFT_CKPT_A_MAX + 1];
	struct export *x = arg;
	uint64_t off;
	uint32_t len;

	if (x->bad)
		return NL_SKIP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, BFT_A_MAX, NULL) < 0 ||
	    !tb[BFT_A_CHECKPOINT] ||
	    nla_parse_nested(ck, BFT_CKPT_A_MAX, tb[BFT_A_CHECKPOINT], NULL))
		goto bad;
	if (!x->have_hdr)
		return on_header(x, tb, ck) ? (x->bad = true, NL_SKIP) : NL_OK;
	if (!ck[BFT_CKPT_A_OFFSET] || !ck[BFT_CKPT_A_DATA])
		goto bad;
	off = nla_get_u64(ck[BFT_CKPT_A_OFFSET]);
	len = (uint32_t)nla_len(ck[BFT_CKPT_A_DATA]);
	if (off != x->got || len > x->f.len - off)
		goto bad;
	memcpy(x->stream + off, nla_data(ck[BFT_CKPT_A_DATA]), len);
	x->got += len;
	return NL_OK;
bad:
	x->bad = true;
	return NL_SKIP;
}

static int find_only_replica(struct bft_nl *nl, struct export *x)
{
	struct nl_msg *msg = bft_nl_msg(nl, BFT_CMD_REPLICA_GET, NLM_F_DUMP);

	if (!msg || bft_nl_call(nl, msg, on_replica, x))
		return -1;
	if (x->replicas != 1) {
		fprintf(stderr, "bftctl: %d replicas in this namespace: name one (replica NAME)\n",
			x->replicas);
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const struct bft_ckpt_file *f)
{
	size_t size = bft_ckpt_file_size(f);
	uint8_t *out = malloc(size);
	int err;

	if (!out)
		return -1;
	bft_ckpt_file_build(f, out);
	err = bft_ckpt_file_write(path, out, size);
	if (err)
		fprintf(stderr, "bftctl: %s: %s\n", path, strerror(-err));
	free(out);
	return err ? -1 : 0;
}

static void print_file(const char *what, const char *path,
		       const struct bft_ckpt_file *f)
{
	char dg[65], att[256];
	struct json_object *o;

	hex(f->digest, sizeof(f->digest), dg);
	attesters(f->attest, f->n, att, sizeof(att));
	if (!opts.json) {
		printf("%s %s: seq %" PRIu64 " view %" PRIu64 " digest %s\n"
		       "  from replica %u of n=%u, %" PRIu64 " bytes, attested by %s\n",
		       what, path, f->seq, f->view, dg, f->replica, f->n,
		       f->len, att[0] ? att : "(unknown)");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "file", json_object_new_string(path));
	json_object_object_add(o, "seq", json_object_new_uint64(f->seq));
	json_object_object_add(o, "view", json_object_new_uint64(f->view));
	json_object_object_add(o, "digest", json_object_new_string(dg));
	json_object_object_add(o, "replica", json_object_new_int64(f->replica));
	json_object_object_add(o, "n", json_object_new_int64(f->n));
	json_object_object_add(o, "bytes", json_object_new_uint64(f->len));
	json_object_object_add(o, "attesters", json_object_new_string(att));
	print_json(o);
}

static int ckpt_export(int argc, char **argv)
{
	struct export x = { 0 };
	struct nl_msg *msg;
	struct bft_nl nl;
	uint8_t d[32];
	int err, ret = 1;

	if (argc < 2)
		return usage_error("checkpoint", "export: missing FILE");
	if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "replica")))
		return usage_error("checkpoint", "export: unexpected argument '%s'",
				   argv[2]);
	if (bft_nl_open(&nl))
		return 1;
	nl_socket_enable_msg_peek(nl.sk);
	if (argc == 4)
		snprintf(x.name, sizeof(x.name), "%s", argv[3]);
	else if (find_only_replica(&nl, &x))
		goto out;
	msg = bft_nl_msg(&nl, BFT_CMD_CHECKPOINT_GET, NLM_F_DUMP);
	if (!msg || nla_put_string(msg, BFT_A_NAME, x.name)) {
		nlmsg_free(msg);
		goto out;
	}
	err = bft_nl_call(&nl, msg, on_chunk, &x);
	if (err) {
		fprintf(stderr, "bftctl: checkpoint export %s: %s\n", x.name,
			strerror(-err));
		goto out;
	}
	if (x.bad || !x.have_hdr || x.got != x.f.len) {
		fprintf(stderr, "bftctl: checkpoint export %s: malformed reply\n",
			x.name);
		goto out;
	}
	/* The replica's copy must itself hash to the certified digest. */
	bft_state_digest(x.stream, x.f.len, BFT_STATE_PART, d);
	if (memcmp(d, x.f.digest, sizeof(d))) {
		fprintf(stderr, "bftctl: checkpoint export %s: stream does not hash to its digest\n",
			x.name);
		goto out;
	}
	x.f.stream = x.stream;
	if (write_file(argv[1], &x.f))
		goto out;
	print_file("exported", argv[1], &x.f);
	ret = 0;
out:
	free(x.stream);
	bft_nl_close(&nl);
	return ret;
}

/* ---- verify ---- */

static int ckpt_verify(int argc, char **argv)
{
	static const struct option lo[] = {
		BFT_OPT_CONFIG, BFT_OPT_CLIENT, BFT_OPT_KEY, BFT_OPT_TIMEOUT,
		BFT_OPT_END,
	};
	struct bft_common_opts o = { .timeout_ms = 2000 };
	struct bft_client_stable *ans = NULL;
	uint32_t n, f, i, match = 0, ahead = 0, behind = 0;
	struct json_object *arr = NULL, *r, *jo = NULL;
	struct bft_client *c = NULL;
	struct bft_ckpt_file cf;
	const char *path;
	char err[256], dg[65];
	uint8_t *buf;
	size_t len;
	int opt, got, ret = 1;

	optind = 0;	/* glibc: full re-init, permuting */
	while ((opt = getopt_long(argc, argv, ":c:i:k:t:", lo, NULL)) != -1) {
		got = bft_common_opt(opt, optarg, &o, "cikt");
		if (got < 0)
			return BFTCTL_EXIT_USAGE;
		if (!got)
			return opt_error("checkpoint", opt, argv);
	}
	if (bft_common_require("bftctl checkpoint verify", &o, "cik"))
		return usage_error("checkpoint", NULL);
	if (optind >= argc)
		return usage_error("checkpoint", "verify: missing FILE");
	if (optind != argc - 1)
		return usage_error("checkpoint", "verify: unexpected argument '%s'",
				   argv[optind + 1]);
	path = argv[optind];
	buf = load(path, 0, &cf, &len);
	if (!buf)
		return 1;
	if (bft_client_open(&c, o.conf, o.client, o.key, NULL, err, sizeof(err))) {
		fprintf(stderr, "bftctl: %s\n", err);
		ret = 2;
		goto out;
	}
	n = bft_client_n(c);
	f = bft_client_f(c);
	if (n != cf.n) {
		fprintf(stderr, "bftctl: %s is from a cluster of n=%u, %s has n=%u\n",
			path, cf.n, o.conf, n);
		goto out;
	}
	ans = calloc(n, sizeof(*ans));
	if (!ans)
		goto out;
	got = bft_client_stable(c, cf.seq, ans, (int)o.timeout_ms);
	if (got < 0) {
		fprintf(stderr, "bftctl: %s\n", bft_client_strerror(got));
		goto out;
	}
	if (opts.json) {
		jo = json_object_new_object();
		arr = json_object_new_array();
	}
	for (i = 0; i < n; i++) {
		const char *verdict = "no answer";

		if (ans[i].answered && ans[i].seq == cf.seq) {
			verdict = memcmp(ans[i].digest, cf.digest, 32) ?
				  "DIFFERS" : "match";
			match += !memcmp(ans[i].digest, cf.digest, 32);
		} else if (ans[i].answered && ans[i].seq > cf.seq) {
			verdict = "moved past it";
			ahead++;
		} else if (ans[i].answered) {
			verdict = "not stable there yet";
			behind++;
		}
		hex(ans[i].digest, 32, dg);
		if (!opts.json) {
			if (ans[i].answered)
				printf("replica %u: seq %" PRIu64 " digest %s: %s\n",
				       i, ans[i].seq, dg, verdict);
			else
				printf("replica %u: %s\n", i, verdict);
			continue;
		}
		r = json_object_new_object();
		json_object_object_add(r, "replica", json_object_new_int64(i));
		json_object_object_add(r, "answered", json_object_new_boolean(ans[i].answered));
		json_object_object_add(r, "seq", json_object_new_uint64(ans[i].seq));
		json_object_object_add(r, "digest", json_object_new_string(dg));
		json_object_object_add(r, "verdict", json_object_new_string(verdict));
		json_object_array_add(arr, r);
	}
	ret = match >= f + 1 ? 0 : 4;
	hex(cf.digest, 32, dg);
	if (opts.json) {
		json_object_object_add(jo, "file", json_object_new_string(path));
		json_object_object_add(jo, "seq", json_object_new_uint64(cf.seq));
		json_object_object_add(jo, "digest", json_object_new_string(dg));
		json_object_object_add(jo, "matching", json_object_new_int64(match));
		json_object_object_add(jo, "needed", json_object_new_int64(f + 1));
		json_object_object_add(jo, "verified", json_object_new_boolean(!ret));
		json_object_object_add(jo, "replicas", arr);
		print_json(jo);
	} else if (!ret) {
		printf("verified: %u replicas (f+1 = %u needed) confirm seq %" PRIu64 " digest %s\n",
		       match, f + 1, cf.seq, dg);
	}
	if (ret && !opts.json) {
		fprintf(stderr, "bftctl: not verified: %u of %u replicas confirm seq %" PRIu64 ", f+1 = %u needed\n",
			match, n, cf.seq, f + 1);
		if (ahead)
			fprintf(stderr, "bftctl: %u replicas moved past seq %" PRIu64 " (they keep their last 8 stable checkpoints): export a newer one\n",
				ahead, cf.seq);
		if (behind)
			fprintf(stderr, "bftctl: %u replicas have not made seq %" PRIu64 " stable yet\n",
				behind, cf.seq);
		if (match < (uint32_t)got - ahead - behind)
			fprintf(stderr, "bftctl: replicas disagree: the snapshot is not the state they certified\n");
	}
out:
	free(ans);
	bft_client_close(c);
	free(buf);
	return ret;
}

/* ---- import ---- */

static int put_chunk(struct bft_nl *nl, const char *name,
		     const struct bft_ckpt_file *cf, uint64_t off, uint32_t len)
{
	struct nl_msg *msg = bft_nl_msg_size(nl, BFT_CMD_CHECKPOINT_PUT, 0,
					     len + 256);
	struct nlattr *nest;
	int err;

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, BFT_A_NAME, name)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nest = nla_nest_start(msg, BFT_A_CHECKPOINT);
	if (!nest ||
	    nla_put_u64(msg, BFT_CKPT_A_SEQ, cf->seq) ||
	    nla_put(msg, BFT_CKPT_A_DIGEST, BFT_CKPT_DIGEST_LEN, cf->digest) ||
	    nla_put_u64(msg, BFT_CKPT_A_TOTAL, cf->len) ||
	    nla_put_u64(msg, BFT_CKPT_A_OFFSET, off) ||
	    nla_put(msg, BFT_CKPT_A_DATA, (int)len, cf->stream + off)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	err = bft_nl_call(nl, msg, NULL, NULL);
	return err;
}

static int ckpt_import(int argc, char **argv)
{
	struct bft_ckpt_file cf;
	struct bft_nl nl;
	uint64_t off = 0;
	uint32_t len;
	uint8_t *buf;
	size_t flen;
	int err = 0;

	if (argc != 4 || strcmp(argv[2], "replica"))
		return usage_error("checkpoint", "import: expected FILE replica NAME");
	/* The replica checks the snapshot against the digest itself. */
	buf = load(argv[1], BFT_CKPT_F_NO_DIGEST, &cf, &flen);
	if (!buf)
		return 1;
	if (bft_nl_open(&nl)) {
		free(buf);
		return 1;
	}
	while (!err && off < cf.len) {
		len = cf.len - off < CKPT_PUT_CHUNK ? (uint32_t)(cf.len - off) :
						      CKPT_PUT_CHUNK;
		err = put_chunk(&nl, argv[3], &cf, off, len);
		off += len;
	}
	bft_nl_close(&nl);
	free(buf);
	if (err) {
		fprintf(stderr, "bftctl: checkpoint import into %s: %s\n",
			argv[3], strerror(-err));
		return 1;
	}
	printf("imported seq %" PRIu64 " into %s: it installs once Q replicas certify it\n",
	       cf.seq, argv[3]);
	return 0;
}

int cmd_checkpoint(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "export"))
		return ckpt_export(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return ckpt_verify(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "import"))
		return ckpt_import(argc - 1, argv + 1);
	if (argc < 2)
		return usage_error("checkpoint", "missing sub-command");
	return usage_error("checkpoint", "unknown sub-command '%s'", argv[1]);
}
