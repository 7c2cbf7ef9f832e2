// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl reconfig -c NEW.conf -k ADMIN.key: move the cluster to the
 * configuration of NEW.conf (its Epoch and n, the ids with Joined ==
 * Epoch replaced or added). Every replica of NEW.conf must have staged
 * exactly that file (bftctl setconf), checked by asking each one (the
 * STAGED query) before anything is sent; their answers also give the n
 * in force, which tells replaced ids (below it) from added ones. Then one
 * ordered RECONFIG, and a wait until the replicas report the new epoch.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "args.h"
#include "bftctl.h"
#include "lib/bftclient.h"

/* Exit statuses beyond 0, 1 and BFTCTL_EXIT_USAGE (see commands.c). */
#define EXIT_TIMEOUT	3
#define EXIT_SYSTEM	5

struct reconfig {
	struct bft_conf conf;
	char *file;			/* NEW.conf */
	const char *cconf;		/* -c as given: NEW.conf[:OLD.conf] */
	uint32_t n_all;			/* replicas the client knows */
	uint32_t admin;
	uint32_t n_old;			/* n of epoch Epoch - 1 */
	uint64_t mask;
	uint8_t digest[BFT_DIGEST_LEN];
	struct bft_client *c;
	struct bft_client_staged *ans;
	struct json_object *jo;		/* -j: the report */
	uint32_t wait_ms;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void hex(const uint8_t *d, char out[2 * BFT_DIGEST_LEN + 1])
{
	int i;

	for (i = 0; i < BFT_DIGEST_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Why replica @i's answer does not show NEW.conf staged; NULL if it does. */
static const char *not_staged(const struct reconfig *r, uint32_t i,
			      char *buf, size_t len)
{
	const struct bft_client_staged *a = &r->ans[i];
	uint64_t e = r->conf.epoch;

	if (!a->answered)
		return "no answer";
	if (a->left)
		return "it was replaced and has left";
	if (a->staged == e && !memcmp(a->config, r->digest, BFT_DIGEST_LEN))
		return NULL;
	if (a->staged == e)
		snprintf(buf, len, "reports epoch %" PRIu64 " staged from a different file: its configuration digest differs",
			 e);
	else if (a->staged)
		snprintf(buf, len, "reports epoch %" PRIu64 " in force, epoch %" PRIu64 " staged",
			 a->epoch, a->staged);
	else
		snprintf(buf, len, "reports epoch %" PRIu64 " in force, nothing staged",
			 a->epoch);
	return buf;
}

static void json_replicas(struct reconfig *r, const char *key)
{
	struct json_object *arr = json_object_new_array();
	char dg[2 * BFT_DIGEST_LEN + 1], why[160];
	uint32_t i;

	for (i = 0; i < r->n_all; i++) {
		struct json_object *o = json_object_new_object();
		const struct bft_client_staged *a = &r->ans[i];
		const char *w = not_staged(r, i, why, sizeof(why));

		hex(a->config, dg);
		json_object_object_add(o, "id", json_object_new_int64(i));
		json_object_object_add(o, "answered", json_object_new_boolean(a->answered));
		json_object_object_add(o, "epoch", json_object_new_uint64(a->epoch));
		json_object_object_add(o, "n", json_object_new_uint64(a->n));
		json_object_object_add(o, "staged", json_object_new_uint64(a->staged));
		json_object_object_add(o, "config", json_object_new_string(dg));
		json_object_object_add(o, "left", json_object_new_boolean(a->left));
		if (w)
			json_object_object_add(o, "problem", json_object_new_string(w));
		json_object_array_add(arr, o);
	}
	json_object_object_add(r->jo, key, arr);
}

static void jset(struct reconfig *r, const char *k, struct json_object *v)
{
	if (r->jo)
		json_object_object_add(r->jo, k, v);
	else
		json_object_put(v);
}

/* Every replica of NEW.conf has it staged: 0; else 1 with a message. */
static int check_staged(struct reconfig *r, int timeout_ms)
{
	char why[160], ep[64];
	uint32_t i, bad = 0, silent = 0;
	const char *w;
	int got;

	got = bft_client_staged(r->c, r->ans, timeout_ms);
	if (got < 0) {
		fprintf(stderr, "bftctl: reconfig: %s\n", bft_client_strerror(got));
		return EXIT_SYSTEM;
	}
	if (r->jo)
		json_replicas(r, "staged");
	for (i = 0; i < r->conf.n_replicas; i++) {
		w = not_staged(r, i, why, sizeof(why));
		if (!w)
			continue;
		bft_format_endpoint(&r->conf.replicas[i].endpoint, ep, sizeof(ep));
		fprintf(stderr, "bftctl: replica %u (%s) has not staged epoch %" PRIu64 " (%s)\n",
			i, ep, r->conf.epoch, w);
		bad++;
		silent += !r->ans[i].answered;
	}
	if (!bad)
		return 0;
	fprintf(stderr, "bftctl: reconfig: nothing sent; run 'bftctl setconf NAME %s' on %s\n",
		r->file, bad == 1 ? "that host" : "those hosts");
	if (silent == bad && !strchr(r->cconf, ':'))
		fprintf(stderr, "bftctl: reconfig: (a shrink? replicas of a larger n take only requests authenticated for all of them: name the file in force too, -c %s:OLD.conf)\n",
			r->file);
	return 1;
}

/*
 * n_old: what the replicas still in epoch Epoch - 1 report; they must
 * agree. Then the replace set (Joined == Epoch below min(n_old, n')),
 * checked as setconf did on each host. 0, or 1 with a message.
 */
static int old_n(struct reconfig *r)
{
	uint32_t i, first = 0, n = 0;
	char err[256];

	for (i = 0; i < r->n_all; i++) {
		const struct bft_client_staged *a = &r->ans[i];

		if (!a->answered || a->left || a->epoch + 1 != r->conf.epoch)
			continue;
		if (!n) {
			n = a->n;
			first = i;
		} else if (a->n != n) {
			fprintf(stderr, "bftctl: reconfig: the replicas of epoch %" PRIu64 " disagree on its n: replica %u reports n = %u, replica %u n = %u; nothing sent\n",
				r->conf.epoch - 1, first, n, i, a->n);
			return 1;
		}
	}
	if (n < 4) {
		fprintf(stderr, "bftctl: reconfig: no replica of %s reports epoch %" PRIu64 " in force, so its n is unknown; nothing sent\n",
			r->file, r->conf.epoch - 1);
		return 1;
	}
	r->n_old = n;
	r->mask = bft_conf_replace_mask(&r->conf, n);
	if (bft_conf_check_next(&r->conf, n, err, sizeof(err))) {
		fprintf(stderr, "bftctl: reconfig: %s: %s; nothing sent\n",
			r->file, err);
		return 1;
	}
	jset(r, "n_old", json_object_new_uint64(n));
	jset(r, "replace", json_object_new_uint64(r->mask));
	return 0;
}

/* The refusal of a RECONFIG, in words; NULL for OK. */
static const char *refusal(const struct reconfig *r,
			   const struct bft_client_reconfig *res, char *buf,
			   size_t len)
{
	switch (res->status) {
	case BFT_CLIENT_RECONF_OK:
		return NULL;
	case BFT_CLIENT_RECONF_E_ADMIN:
		snprintf(buf, len, "client %u is not the cluster's admin",
			 r->admin);
		break;
	case BFT_CLIENT_RECONF_E_EPOCH:
		snprintf(buf, len, "epoch %" PRIu64 " refused: the cluster is in epoch %" PRIu64 " (a reconfiguration names the next one)",
			 r->conf.epoch, res->epoch);
		break;
	case BFT_CLIENT_RECONF_E_SIZE:
		snprintf(buf, len, "n = %u refused: the cluster has n = %u (n below 4 or above what its replicas were created for, or a replace set they refuse)",
			 r->conf.n_replicas, res->n);
		break;
	case BFT_CLIENT_RECONF_E_FORMAT:
		snprintf(buf, len, "the replicas found the request malformed");
		break;
	case BFT_CLIENT_RECONF_E_BUSY:
		snprintf(buf, len, "another reconfiguration (to epoch %" PRIu64 ") is pending",
			 res->epoch);
		break;
	default:
		snprintf(buf, len, "unknown status %u", res->status);
	}
	return buf;
}

/* Replicas of NEW.conf that report its epoch in force. */
static uint32_t count_switched(struct reconfig *r)
{
	uint32_t i, k = 0;

	if (bft_client_staged(r->c, r->ans, 200) < 0)
		return 0;
	for (i = 0; i < r->conf.n_replicas; i++)
		k += r->ans[i].answered && !r->ans[i].left &&
		     r->ans[i].epoch == r->conf.epoch;
	return k;
}

static int submit(struct reconfig *r, int timeout_ms)
{
	uint32_t n = r->conf.n_replicas, f = (n - 1) / 3, k = 0;
	struct bft_client_reconfig res;
	uint64_t t0 = now_ms(), end;
	char why[200];
	int ret;

	ret = bft_client_reconfig(r->c, r->conf.epoch, n, r->mask, r->digest,
				  &res, timeout_ms);
	if (ret) {
		fprintf(stderr, "bftctl: reconfig: %s\n", bft_client_strerror(ret));
		return ret == BFT_E_TIMEOUT || ret == BFT_E_CONFLICT ?
		       EXIT_TIMEOUT : EXIT_SYSTEM;
	}
	jset(r, "status", json_object_new_uint64(res.status));
	if (refusal(r, &res, why, sizeof(why))) {
		jset(r, "error", json_object_new_string(why));
		fprintf(stderr, "bftctl: reconfig: %s\n", why);
		return 1;
	}
	jset(r, "at", json_object_new_uint64(res.at));
	if (!r->jo)
		printf("epoch %" PRIu64 " ordered (n %u -> %u): the replicas switch after seq %" PRIu64 "\n",
		       r->conf.epoch, r->n_old, n, res.at);
	end = t0 + r->wait_ms;
	while (now_ms() < end && (k = count_switched(r)) < n)
		usleep(50000);
	jset(r, "switched", json_object_new_uint64(k));
	jset(r, "switch_ms", json_object_new_uint64(now_ms() - t0));
	if (r->jo)
		json_replicas(r, "replicas");
	if (k >= f + 1 && !r->jo)
		printf("epoch %" PRIu64 " in force at %u of %u replicas after %" PRIu64 " ms (switch at seq %" PRIu64 ")\n",
		       r->conf.epoch, k, n, now_ms() - t0, res.at);
	if (k < n)
		fprintf(stderr, "bftctl: reconfig: %u of %u replicas report epoch %" PRIu64 " after %u ms%s\n",
			k, n, r->conf.epoch, r->wait_ms,
			k >= f + 1 ? "; the others catch up by state transfer" : "");
	return k >= f + 1 ? 0 : EXIT_TIMEOUT;
}

static int run(struct reconfig *r, const struct bft_common_opts *o)
{
	char err[256], dg[2 * BFT_DIGEST_LEN + 1];
	uint64_t t0;
	int ret;

	if (bft_client_open(&r->c, o->conf, r->admin, o->key, NULL, err,
			    sizeof(err))) {
		fprintf(stderr, "bftctl: %s\n", err);
		return BFTCTL_EXIT_USAGE;
	}
	/* With NEW:OLD the client also asks the replicas that leave. */
	r->n_all = bft_client_n(r->c);
	r->ans = calloc(r->n_all, sizeof(*r->ans));
	if (!r->ans)
		return EXIT_SYSTEM;
	if (opts.json) {
		r->jo = json_object_new_object();
		hex(r->digest, dg);
		json_object_object_add(r->jo, "epoch", json_object_new_uint64(r->conf.epoch));
		json_object_object_add(r->jo, "n", json_object_new_uint64(r->conf.n_replicas));
		json_object_object_add(r->jo, "config", json_object_new_string(dg));
		json_object_object_add(r->jo, "admin", json_object_new_uint64(r->admin));
	}
	t0 = now_ms();
	ret = check_staged(r, (int)o->timeout_ms);
	jset(r, "staged_check_ms", json_object_new_uint64(now_ms() - t0));
	if (!ret)
		ret = old_n(r);
	if (!ret)
		ret = submit(r, (int)o->timeout_ms);
	if (r->jo) {
		json_object_object_add(r->jo, "ok", json_object_new_boolean(!ret));
		print_json(r->jo);
	}
	return ret;
}

/* NEW.conf:OLD.conf must name OLD second: the epoch before NEW's. */
static int old_first(const struct reconfig *r, const char *old_path)
{
	struct bft_conf old;
	char err[512];
	int ret = 0;

	memset(&old, 0, sizeof(old));
	if (bft_conf_load(old_path, &old, err, sizeof(err))) {
		fprintf(stderr, "bftctl: %s\n", err);
		return -1;
	}
	if (old.epoch + 1 != r->conf.epoch) {
		fprintf(stderr, "bftctl: reconfig -c NEW.conf:OLD.conf: %s has epoch %" PRIu64 ", not the one before %s (%" PRIu64 ")\n",
			old_path, old.epoch, r->file, r->conf.epoch);
		ret = -1;
	}
	bft_conf_free(&old);
	return ret;
}

int cmd_reconfig(int argc, char **argv)
{
	static const struct option lo[] = {
		BFT_OPT_CONFIG, BFT_OPT_CLIENT, BFT_OPT_KEY, BFT_OPT_TIMEOUT,
		{ "wait", required_argument, NULL, 'w' },
		BFT_OPT_END,
	};
	struct bft_common_opts o = { .timeout_ms = 5000 };
	struct reconfig r = { .wait_ms = 30000 };
	char err[512];
	int opt, got, ret;

	optind = 0;	/* glibc: full re-init, permuting */
	while ((opt = getopt_long(argc, argv, ":c:i:k:t:w:", lo, NULL)) != -1) {
		if (opt == 'w') {
			if (bft_arg_u32("--wait", optarg, 1, BFT_TIMEOUT_MS_MAX,
					&r.wait_ms))
				return usage_error("reconfig", NULL);
			continue;
		}
		got = bft_common_opt(opt, optarg, &o, "cikt");
		if (got < 0)
			return usage_error("reconfig", NULL);
		if (!got)
			return opt_error("reconfig", opt, argv);
	}
	if (bft_common_require("bftctl reconfig", &o, "ck"))
		return usage_error("reconfig", NULL);
	if (optind < argc)
		return usage_error("reconfig", "unexpected argument '%s'",
				   argv[optind]);
	/* NEW.conf, or NEW.conf:OLD.conf for a shrink (see bftctl.8). */
	r.cconf = o.conf;
	r.file = strndup(o.conf, strcspn(o.conf, ":"));
	if (!r.file)
		return EXIT_SYSTEM;
	if (bft_conf_load(r.file, &r.conf, err, sizeof(err))) {
		fprintf(stderr, "bftctl: %s\n", err);
		free(r.file);
		return BFTCTL_EXIT_USAGE;
	}
	ret = BFTCTL_EXIT_USAGE;
	if (strchr(o.conf, ':') && old_first(&r, strchr(o.conf, ':') + 1))
		goto out;
	if (!r.conf.epoch) {
		fprintf(stderr, "bftctl: %s: Epoch is 0, the first configuration; a reconfiguration names the next epoch ([Cluster] Epoch)\n",
			r.file);
		goto out;
	}
	if (r.conf.admin < 0) {
		fprintf(stderr, "bftctl: %s has no [Cluster] Admin: the replicas refuse every reconfiguration\n",
			r.file);
		goto out;
	}
	r.admin = (uint32_t)r.conf.admin;
	if (o.have_client && o.client != r.admin) {
		/* Its STAGED query would go unanswered: say why instead. */
		fprintf(stderr, "bftctl: reconfig: client %u is not the cluster's admin (%s: Admin = %u); nothing sent\n",
			o.client, r.file, r.admin);
		ret = 1;
		goto out;
	}
	if (bft_conf_digest(&r.conf, r.digest)) {
		fprintf(stderr, "bftctl: cannot compute the configuration digest\n");
		ret = EXIT_SYSTEM;
		goto out;
	}
	ret = run(&r, &o);
out:
	free(r.ans);
	free(r.file);
	bft_client_close(r.c);
	bft_conf_free(&r.conf);
	return ret;
}
