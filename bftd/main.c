// SPDX-License-Identifier: GPL-2.0
/*
 * bftd: a PBFT replica in userspace, built from the engine and KV service
 * sources of bft.ko. It reads the same cluster config file as `bftctl
 * setconf`, so the same cluster can mix kernel and userspace replicas.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bftd.h"
#include "../kmod/policy.h"
#include "../bftctl/lib/opts.h"

/* How often the status file is refreshed while something changes. */
#define BFTD_STATUS_MS	100

static volatile sig_atomic_t got_stop, got_dump, got_hup, got_rotate;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_dump = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGUSR2)
		got_rotate = 1;
	else
		got_stop = 1;
}

struct bftd_args {
	struct bft_common_opts o;	/* -c, -k, -r ([Local] if absent) */
	const char *listen;
	struct bft_kv_limits kv;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bftd -c CONF [-r ID] [-k KEYFILE] [-l ADDR:PORT] [-s STATUSFILE] [-v]\n"
		"            [--max-keys N] [--max-key-len N] [--max-value-len N]\n\n"
		BFT_USAGE_CONFIG
		BFT_USAGE_REPLICA
		"                        (default: [Local] Replica)\n"
		BFT_USAGE_KEY
		"                        (default: [Local] PrivateKeyFile)\n"
		"  -l, --listen ADDR:PORT  bind here instead of the replica's Endpoint\n"
		"  -s, --status FILE     keep a status file (view, last_exec, digests)\n"
		"  -v, --verbose         counters at exit; twice: checkpoint events\n"
		"  --max-keys, --max-key-len, --max-value-len  KV service limits\n"
		"                        (must match on every replica)\n\n"
		"SIGUSR1 prints the counters; SIGHUP reads CONF again and stages it if\n"
		"its Epoch is the replica's epoch + 1; SIGUSR2 starts a key rotation (as\n"
		"bftctl set NAME rotate-keys); SIGINT/SIGTERM stop the replica.\n");
}

static int parse_args(int argc, char **argv, struct bftd_args *a,
		      struct bftd *d)
{
	static const struct option lo[] = {
		BFT_OPT_CONFIG, BFT_OPT_REPLICA, BFT_OPT_KEY,
		{ "listen", required_argument, NULL, 'l' },
		{ "status", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "max-keys", required_argument, NULL, 'K' },
		{ "max-key-len", required_argument, NULL, 'L' },
		{ "max-value-len", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, used;

	while ((c = getopt_long(argc, argv, "c:r:k:l:s:vh", lo, NULL)) != -1) {
		used = bft_common_opt(c, optarg, &a->o, "crk");
		if (used < 0)
			return -1;
		if (used)
			continue;
		switch (c) {
		case 'l':
			a->listen = optarg;
			break;
		case 's':
			d->status_path = optarg;
			break;
		case 'v':
			d->verbose++;
			break;
		case 'K':
			if (bft_arg_u32("--max-keys", optarg, 0, BFT_KV_KEYS_MAX,
					&a->kv.max_keys))
				return -1;
			break;
		case 'L':
			if (bft_arg_u32("--max-key-len", optarg, 0, BFT_KV_KEY_MAX,
					&a->kv.max_key))
				return -1;
			break;
		case 'V':
			if (bft_arg_u32("--max-value-len", optarg, 0, BFT_KV_VALUE_MAX,
					&a->kv.max_value))
				return -1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bftd: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (bft_common_require("bftd", &a->o, "c")) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Cluster policy from the config file onto the engine config. */
static void apply_policy(const struct bft_conf_policy *p,
			 struct bft_config *cfg)
{
	int attr;

	for (attr = 1; attr <= BFT_POLICY_A_MAX; attr++)
		if (bft_policy_has(p, attr) && bft_policy_field(cfg, attr))
			*bft_policy_field(cfg, attr) = p->val[attr];
}

/* Replica id, key file and the key itself; the key is checked against
 * this replica's PublicKey so a mix-up fails here, not as MAC drops.
 */
static int load_identity(struct bftd *d, const struct bftd_args *a,
			 uint8_t priv[BFT_KEY_LEN])
{
	const char *key = a->o.key ? a->o.key : d->conf.private_key_file;
	uint8_t pub[BFT_KEY_LEN];
	int64_t id = a->o.have_replica ? a->o.replica : d->conf.local_replica;
	int err;

	if (id < 0) {
		fprintf(stderr, "bftd: %s has no [Local] Replica: pass -r ID\n",
			a->o.conf);
		return -1;
	}
	if (id >= d->conf.n_replicas) {
		fprintf(stderr, "bftd: replica %" PRId64 " is not in %s (ids 0..%u)\n",
			id, a->o.conf, d->conf.n_replicas - 1);
		return -1;
	}
	if (!key) {
		fprintf(stderr, "bftd: %s has no [Local] PrivateKeyFile: pass -k KEYFILE\n",
			a->o.conf);
		return -1;
	}
	d->id = (uint32_t)id;
	err = bft_key_read_file(key, priv);
	if (err) {
		fprintf(stderr, "bftd: %s: %s\n", key, err == -EINVAL ?
			"not a base64 X25519 private key" : strerror(-err));
		return -1;
	}
	if (bft_key_public(priv, pub) ||
	    memcmp(pub, d->conf.replicas[d->id].pub, BFT_KEY_LEN)) {
		fprintf(stderr, "bftd: %s is not the private key of replica %u (its public key differs from the config)\n",
			key, d->id);
		return -1;
	}
	return 0;
}

static int setup(struct bftd *d, const struct bftd_args *a)
{
	struct bft_config cfg = { 0 };
	struct sockaddr_storage listen;
	struct bft_kv_limits kl = a->kv;
	uint8_t priv[BFT_KEY_LEN];
	socklen_t llen;
	char err[256] = "";
	uint32_t i;
	int ret;

	if (bft_conf_load(a->o.conf, &d->conf, err, sizeof(err))) {
		fprintf(stderr, "bftd: %s\n", err);
		return -1;
	}
	d->n = d->conf.n_replicas;
	/* As bftctl setconf: client slots up to the highest id. */
	d->n_clients = 1;
	for (i = 0; i < d->conf.n_clients; i++)
		if (d->conf.clients[i].id + 1 > d->n_clients)
			d->n_clients = d->conf.clients[i].id + 1;
	d->cli_ep = calloc(d->n_clients, sizeof(*d->cli_ep));
	d->cli_len = calloc(d->n_clients, sizeof(*d->cli_len));
	if (!d->cli_ep || !d->cli_len) {
		fprintf(stderr, "bftd: out of memory\n");
		return -1;
	}

	ret = load_identity(d, a, priv);
	if (!ret) {
		ret = bftd_keys(d, priv, err, sizeof(err));
		if (ret)
			fprintf(stderr, "bftd: %s\n", err);
	}
	bft_key_wipe(priv, sizeof(priv));
	if (ret)
		return -1;

	cfg.n = d->n;
	cfg.max_n = d->conf.max_replicas;
	cfg.id = d->id;
	cfg.n_clients = d->n_clients;
	cfg.admin = d->conf.admin >= 0 ? (u32)d->conf.admin + 1 : 0;
	cfg.epoch = d->conf.epoch;
	if (bftd_staging_init(d)) {
		fprintf(stderr, "bftd: cannot hash the configuration\n");
		return -1;
	}
	/* As bft.ko: every op the store may accept or refuse reaches it. */
	cfg.max_op = BFT_KV_OP_LEN_MAX;
	cfg.max_result = BFT_KV_RESULT_LEN_MAX;
	apply_policy(&d->conf.policy, &cfg);
	bft_config_defaults(&cfg);
	if (bft_config_check(&cfg)) {
		fprintf(stderr, "bftd: %s: invalid policy: need L a multiple of K with 2 <= L/K <= 6, W <= L, ViewChangeTimeoutMaxMs >= ViewChangeTimeoutMs, and BatchBytes >= %u (one maximal request)\n",
			a->o.conf, BFT_REQ_FIXED + cfg.max_op + d->n * BFT_MAC_LEN);
		return -1;
	}
	bft_kv_limits_default(&kl);
	if (bft_kv_limits_check(&kl)) {
		fprintf(stderr, "bftd: invalid key-value limits\n");
		return -1;
	}
	d->kv = bft_kv_create(&kl, &ret);
	if (!d->kv) {
		fprintf(stderr, "bftd: cannot create the key-value store: %s\n",
			strerror(-ret));
		return -1;
	}
	d->rotated_ms = bftd_mono_ms();
	d->engine = bft_engine_create(&cfg, &bftd_ops, d, &bft_kv_service,
				      d->kv, bftd_mono_ms(), &ret);
	if (!d->engine) {
		fprintf(stderr, "bftd: the engine rejected the configuration: %s\n",
			strerror(-ret));
		return -1;
	}

	listen = d->conf.replicas[d->id].endpoint;
	llen = d->conf.replicas[d->id].endpoint_len;
	if (a->listen && bft_parse_endpoint(a->listen, &listen, &llen)) {
		fprintf(stderr, "bftd: --listen: expected ADDR:PORT or [ADDR6]:PORT, got '%s'\n",
			a->listen);
		return -1;
	}
	if (bftd_net_open(d, &listen, llen, err, sizeof(err))) {
		fprintf(stderr, "bftd: %s\n", err);
		return -1;
	}
	return 0;
}

static void teardown(struct bftd *d)
{
	bftd_net_close(d);
	if (d->engine)
		bft_engine_destroy(d->engine);
	if (d->kv)
		bft_kv_destroy(d->kv);
	bftd_keys_free(d);
	bftd_staging_free(d);
	free(d->cli_ep);
	free(d->cli_len);
	bft_conf_free(&d->conf);
}

/* SIGHUP: stage the file if it is the next epoch's (staging.c). */
static void reload(struct bftd *d, const struct bftd_args *a)
{
	const char *key = a->o.key ? a->o.key : d->conf.private_key_file;
	uint8_t priv[BFT_KEY_LEN];
	char err[256] = "";
	int ret;

	ret = key ? bft_key_read_file(key, priv) : -ENOENT;
	if (ret)
		snprintf(err, sizeof(err), "cannot read the private key");
	else
		ret = bftd_stage_file(d, a->o.conf, priv, err, sizeof(err));
	bft_key_wipe(priv, sizeof(priv));
	if (ret) {
		d->st.stage_errors++;
		fprintf(stderr, "bftd[%u]: %s: not staged: %s\n", d->id,
			a->o.conf, err);
	} else if (d->verbose) {
		fprintf(stderr, "bftd[%u]: %s: staged epoch %" PRIu64 "\n",
			d->id, a->o.conf, d->staged.epoch);
	}
	bftd_status_write(d);
}

/* Something a status reader compares changed since the last write. */
static bool status_changed(const struct bftd *d, struct bft_info *last)
{
	struct bft_info now;
	bool changed;

	bft_engine_info(d->engine, &now);
	changed = now.last_exec != last->last_exec || now.view != last->view ||
		  now.status != last->status ||
		  now.stable_seq != last->stable_seq ||
		  now.epoch != last->epoch || now.left != last->left;
	*last = now;
	return changed;
}

/*
 * Signals interrupt the blocking recvmmsg (no SA_RESTART); one that comes
 * between the flag checks and the call waits for the next datagram or
 * deadline, at most BFTD_STATUS_MS.
 */
static int run(struct bftd *d, const struct bftd_args *a)
{
	uint64_t now, dl, next_status = 0;
	struct bft_info last = { .last_exec = UINT64_MAX };
	int r, rounds;

	while (!got_stop) {
		now = bftd_mono_ms();
		if (got_rotate) {
			got_rotate = 0;
			r = bftd_keys_rotate(d, now);
			if (r)
				fprintf(stderr, "bftd: rotate keys: %s\n",
					r == -EBUSY ? "a key rotation is in progress" :
					strerror(-r));
		}
		bftd_keys_work(d, now);
		bft_engine_tick(d->engine, now);
		bftd_tx_flush(d);
		if (got_dump) {
			got_dump = 0;
			bftd_dump(d, stderr);
			bftd_status_write(d);
		}
		if (got_hup) {
			got_hup = 0;
			reload(d, a);
		}
		if (d->status_path && now >= next_status) {
			if (status_changed(d, &last))
				bftd_status_write(d);
			next_status = now + BFTD_STATUS_MS;
		}
		dl = bft_engine_next_deadline(d->engine);
		if (dl > now + BFTD_STATUS_MS)
			dl = now + BFTD_STATUS_MS;
		dl = dl > now ? dl - now : 0;
		if (got_stop || got_dump || got_hup)
			continue;
		/* A few batches at a time, then timers get their turn. */
		for (rounds = 0; rounds < 8; rounds++) {
			r = bftd_rx(d, rounds ? 0 : dl);
			bftd_tx_flush(d);
			if (r < 0) {
				fprintf(stderr, "bftd: recvmmsg: %s\n",
					strerror(-r));
				return 1;
			}
			if (r < BFTD_BATCH)
				break;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bftd_args a = { 0 };
	struct sigaction sa;
	struct bftd d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.fd = -1;
	if (parse_args(argc, argv, &a, &d))
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (setup(&d, &a)) {
		teardown(&d);
		return 1;
	}
	if (d.verbose)
		fprintf(stderr, "bftd[%u]: replica %u of %u (f=%u), cluster '%s', %u client slots\n",
			d.id, d.id, d.n, (d.n - 1) / 3, d.conf.name,
			d.n_clients);
	ret = run(&d, &a);
	bftd_status_write(&d);
	if (d.verbose)
		bftd_dump(&d, stderr);
	teardown(&d);
	return ret;
}
