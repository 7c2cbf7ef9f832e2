// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl req: one key-value request through libbftclient, printing the
 * f+1-certified result. Exit status: 0 success, 1 the service refused
 * (not found, CAS mismatch, over a limit), 2 usage or configuration,
 * 3 timeout, 4 no f+1 agreement, 5 system error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../kmod/kv_codec.h"
#include "args.h"
#include "bftctl.h"
#include "lib/bftclient.h"

#define REQ_VAL_MAX	8192

struct req {
	struct bft_common_opts o;
	bool ro, absent, json;
	int timeout_ms;
	uint32_t nop_size;
	const char *verb;
	char **args;
	int nargs;
	/* result */
	int ret;
	char val[REQ_VAL_MAX];
	size_t val_len;
	bool have_val;
};

static int exit_code(int ret)
{
	switch (ret) {
	case BFT_OK:
		return 0;
	case BFT_E_TIMEOUT:
		return 3;
	case BFT_E_CONFLICT:
		return 4;
	case BFT_E_CONFIG:
	case BFT_E_INVAL:
		return 2;
	case BFT_E_SYSTEM:
		return 5;
	default:
		return 1;
	}
}

static int parse(int argc, char **argv, struct req *r)
{
	static const struct option lo[] = {
		BFT_OPT_CONFIG, BFT_OPT_CLIENT, BFT_OPT_KEY, BFT_OPT_TIMEOUT,
		{ "ro", no_argument, NULL, 'r' },
		{ "absent", no_argument, NULL, 'a' },
		BFT_OPT_END,
	};
	int c, used;

	optind = 0;	/* glibc: full re-init, permuting */
	while ((c = getopt_long(argc, argv, ":c:i:k:t:", lo, NULL)) != -1) {
		used = bft_common_opt(c, optarg, &r->o, "cikt");
		if (used < 0)
			return -1;
		if (used)
			continue;
		switch (c) {
		case 'r':
			r->ro = true;
			break;
		case 'a':
			r->absent = true;
			break;
		default:
			return opt_error("req", c, argv);
		}
	}
	if (bft_common_require("bftctl req", &r->o, "cik"))
		return usage_error("req", NULL);
	r->timeout_ms = r->o.have_timeout ? (int)r->o.timeout_ms : 5000;
	if (optind >= argc)
		return usage_error("req", "missing operation");
	r->verb = argv[optind];
	r->args = argv + optind + 1;
	r->nargs = argc - optind - 1;
	return 0;
}

static bool nargs_ok(const struct req *r)
{
	const char *v = r->verb;
	int n = r->nargs;

	if (!strcmp(v, "put"))
		return n == 2;
	if (!strcmp(v, "get") || !strcmp(v, "del"))
		return n == 1;
	if (!strcmp(v, "nop"))
		return n <= 1;
	if (!strcmp(v, "cas"))
		return r->absent ? n == 2 : n == 3;
	return false;
}

static int do_nop(struct bft_client *c, struct req *r)
{
	static uint8_t op[BFT_MAX_OP], res[64];
	uint32_t size = r->nop_size;
	long n;

	/* A zero-length op is a NOP too. */
	if (size)
		bft_kv_enc_nop(op, sizeof(op), size - BFT_KV_OP_HDR_LEN);
	n = r->ro ? bft_client_invoke_ro(c, op, size, res, sizeof(res), r->timeout_ms) :
		    bft_client_invoke(c, op, size, res, sizeof(res), r->timeout_ms);
	return n < 0 ? (int)n : BFT_OK;
}

static int run(struct bft_client *c, struct req *r)
{
	const char *k = r->args[0];
	const char *v = r->verb;
	long n;

	if (!strcmp(v, "nop"))
		return do_nop(c, r);
	if (!strcmp(v, "put"))
		return bft_client_put(c, k, strlen(k), r->args[1],
				      strlen(r->args[1]), r->timeout_ms);
	if (!strcmp(v, "del"))
		return bft_client_del(c, k, strlen(k), r->timeout_ms);
	if (!strcmp(v, "get")) {
		n = bft_client_get(c, k, strlen(k), r->val, sizeof(r->val),
				   r->ro, r->timeout_ms);
		if (n < 0)
			return (int)n;
		r->val_len = (size_t)n;
		r->have_val = true;
		return BFT_OK;
	}
	/* cas */
	if (r->absent)
		return bft_client_cas(c, k, strlen(k), NULL, 0, r->args[1],
				      strlen(r->args[1]), BFT_CLIENT_CAS_ABSENT,
				      r->val, sizeof(r->val), &r->val_len,
				      r->timeout_ms);
	n = bft_client_cas(c, k, strlen(k), r->args[1], strlen(r->args[1]),
			   r->args[2], strlen(r->args[2]), 0, r->val,
			   sizeof(r->val), &r->val_len, r->timeout_ms);
	if (n == BFT_E_CAS_MISMATCH)
		r->have_val = true;
	return (int)n;
}

static void report(struct bft_client *c, struct req *r)
{
	unsigned int flags = 0;
	int st = c ? bft_client_kv_status(c, &flags) : -1;
	const char *stname = st >= 0 ? bft_kv_status_name(st) : NULL;
	struct json_object *o;

	if (r->json) {
		o = json_object_new_object();
		json_object_object_add(o, "op", json_object_new_string(r->verb));
		json_object_object_add(o, "ok", json_object_new_boolean(!r->ret));
		if (stname)
			json_object_object_add(o, "status", json_object_new_string(stname));
		if (r->ret)
			json_object_object_add(o, "error",
					       json_object_new_string(bft_client_strerror(r->ret)));
		if (flags & BFT_KV_R_CREATED)
			json_object_object_add(o, "created", json_object_new_boolean(1));
		if (r->have_val)
			json_object_object_add(o, r->ret ? "current" : "value",
					       json_object_new_string_len(r->val, (int)r->val_len));
		print_json(o);
		return;
	}
	if (r->ret == BFT_E_CAS_MISMATCH && r->have_val) {
		fprintf(stderr, "bftctl req: cas: value differs; current value: %.*s\n",
			(int)r->val_len, r->val);
	} else if (r->ret) {
		fprintf(stderr, "bftctl req: %s: %s%s%s%s\n", r->verb,
			bft_client_strerror(r->ret), stname ? " (" : "",
			stname ? stname : "", stname ? ")" : "");
	} else if (r->have_val) {
		fwrite(r->val, 1, r->val_len, stdout);
		putchar('\n');
	} else {
		puts(flags & BFT_KV_R_CREATED ? "ok (created)" : "ok");
	}
}

int cmd_req(int argc, char **argv)
{
	struct bft_client *c = NULL;
	struct req *r;
	char err[512];
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return 5;
	r->json = opts.json;
	if (parse(argc, argv, r)) {
		free(r);
		return 2;
	}
	if (!nargs_ok(r)) {
		usage_error("req", "bad arguments for '%s'", r->verb);
		free(r);
		return BFTCTL_EXIT_USAGE;
	}
	if (!strcmp(r->verb, "nop") && r->nargs &&
	    (bft_arg_u32("nop SIZE", r->args[0], 0, BFT_MAX_OP, &r->nop_size) ||
	     (r->nop_size && r->nop_size < BFT_KV_OP_HDR_LEN))) {
		if (r->nop_size)
			fprintf(stderr, "bftctl req: nop SIZE is 0 or at least %d, got '%s'\n",
				BFT_KV_OP_HDR_LEN, r->args[0]);
		free(r);
		return BFTCTL_EXIT_USAGE;
	}
	ret = bft_client_open(&c, r->o.conf, r->o.client, r->o.key, NULL, err,
			      sizeof(err));
	if (ret) {
		fprintf(stderr, "bftctl req: %s\n", err);
		free(r);
		return exit_code(ret);
	}
	r->ret = run(c, r);
	report(c, r);
	ret = exit_code(r->ret);
	bft_client_close(c);
	free(r);
	return ret;
}
