// SPDX-License-Identifier: GPL-2.0
/*
 * adversary: setup, pacing and I/O. Config, keys and the socket come from
 * bftd (bft_conf_load, bftd_keys, bftd_net_open), MACs from bftd_mac, so
 * the adversary is indistinguishable from the replica it replaces until
 * it chooses to misbehave.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include "adversary.h"
#include "../../kmod/policy.h"
#include "../../bftctl/lib/opts.h"

volatile sig_atomic_t adv_stop;

static const char *const mode_names[] = {
	[ADV_SILENT] = "silent",
	[ADV_EQUIVOCATE] = "equivocate",
	[ADV_FORGE] = "forge",
	[ADV_GARBAGE] = "garbage",
	[ADV_REPLAY] = "replay",
	[ADV_FLOOD] = "flood",
	[ADV_VC_LIAR] = "vc-liar",
	[ADV_BYZ_CLIENT] = "byz-client",
	[ADV_MUTATE] = "mutate",
	[ADV_BAD_CLIENT] = "bad-client",
	[ADV_OLD_KEY] = "old-key",
};

static void on_signal(int sig)
{
	(void)sig;
	adv_stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: adversary -c CONF -r ID -k KEYFILE [options] MODE\n"
		"       adversary -c CONF -i CLIENT -k CLIENTKEY -d S [options] byz-client|bad-client\n\n"
		"MODE: silent | equivocate | forge | garbage | replay | flood | vc-liar |\n"
		"      mutate | old-key\n"
		"  silent      hold the replica's port, send nothing\n"
		"  equivocate  as primary of --view: PRE-PREPARE X to half the\n"
		"              targets, Y (X plus one request) to the others\n"
		"  forge       MACs and client authenticators that are noise\n"
		"  garbage     one malformed datagram set per drop reason\n"
		"  replay      capture, then re-send verbatim and re-signed\n"
		"  flood       forged PREPAREs as fast as the socket takes them\n"
		"  vc-liar     on each view change: a malformed VIEW-CHANGE, one\n"
		"              with made-up prepared entries and checkpoint, a\n"
		"              different one (equivocation), a NEW-VIEW for a view\n"
		"              we are not primary of; as new primary, NEW-VIEWs whose\n"
		"              O or checkpoint does not recompute\n"
		"  byz-client  (a client, not a replica) the same (client, ts)\n"
		"              with PUT byz=A-ts to the lower half of the replicas and\n"
		"              byz=B-ts to the rest, plus --tricks requests valid\n"
		"              at the primary only\n"
		"  bad-client  (a client) each round probes the view with a read-only\n"
		"              GET, then --count times a request valid at the primary\n"
		"              only (to it) and one as --victim with noise for every\n"
		"              authenticator entry (to all), at --rate\n"
		"  mutate      valid datagrams of every kind (captured or built),\n"
		"              one to three boundary defects each (fields, lengths,\n"
		"              counts, kinds), MACed as ours, at --rate until\n"
		"              --duration\n"
		"  old-key     --count CHECKPOINTs per target, MAC'd with key id 0,\n"
		"              the configured key (retired once a pair rotated)\n\n"
		"  -t, --to IDS        target replicas, comma-separated (default: all others)\n"
		"  -n, --count K       forge/garbage: datagrams per kind and target;\n"
		"                      bad-client: bad requests of each kind per round;\n"
		"                      replay: captured datagrams to replay (default 10)\n"
		"  -R, --rate N        datagrams per second (default 2000; 0: unbounded)\n"
		"  -d, --duration S    stop after S seconds (default: at SIGTERM)\n"
		"  -C, --capture-ms MS replay: listen MS ms before replaying (default 2000)\n"
		"  -V, --view V        equivocate: the view we are primary of (default 0)\n"
		"  -S, --seq N         equivocate: first sequence number (default 1)\n"
		"  -g, --grace-ms MS   vc-liar: wait after the last VIEW-CHANGE before\n"
		"                      our NEW-VIEW (default 300)\n"
		"  -i, --client ID     byz-client: the client we are\n"
		"  -T, --tricks K      byz-client: primary-only requests (default 0)\n"
		"  -I, --victim ID     bad-client: client id of the all-bad requests\n"
		"                      (default: our own)\n"
		"  -b, --bad KINDS     bad-client: primary, all or primary,all (default)\n\n"
		"At exit, prints what it sent and one line per target and drop reason:\n"
		"  expect ID drop_reason_NAME COUNT\n");
}

uint32_t adv_rand(struct adv *a)
{
	/* xorshift64: reproducible enough, and no libc state. */
	a->rng ^= a->rng << 13;
	a->rng ^= a->rng >> 7;
	a->rng ^= a->rng << 17;
	return (uint32_t)(a->rng >> 16);
}

void adv_fill(struct adv *a, uint8_t *p, uint32_t len)
{
	while (len--)
		*p++ = (uint8_t)adv_rand(a);
}

bool adv_done(const struct adv *a)
{
	return adv_stop ||
	       (a->duration_ms && bftd_mono_ms() - a->start_ms >= a->duration_ms);
}

void adv_seal(struct adv *a, uint32_t to, uint8_t *buf, uint32_t len)
{
	struct bft_iov iov = { buf, len - BFT_MAC_LEN };

	if (bftd_mac(&a->d, BFT_PRINCIPAL_REPLICA, to, &iov, 1,
		     buf + len - BFT_MAC_LEN))
		memset(buf + len - BFT_MAC_LEN, 0, BFT_MAC_LEN);
}

static void pace(struct adv *a)
{
	static struct timespec next;
	struct timespec now;
	long step = 1000000000L / a->rate;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!next.tv_sec || now.tv_sec > next.tv_sec + 1)
		next = now;
	next.tv_nsec += step;
	while (next.tv_nsec >= 1000000000L) {
		next.tv_nsec -= 1000000000L;
		next.tv_sec++;
	}
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
}

void adv_send(struct adv *a, uint32_t to, const uint8_t *buf, uint32_t len)
{
	if (to >= a->d.n || to == a->d.id)
		return;
	bftd_tx_queue(&a->d, &a->d.rep_ep[to], a->d.rep_len[to], buf, len);
	a->sent++;
	if (a->rate) {
		bftd_tx_flush(&a->d);
		pace(a);
	}
}

int adv_recv(struct adv *a, int wait_ms)
{
	struct pollfd pfd = { .fd = a->d.fd, .events = POLLIN };
	ssize_t n;

	bftd_tx_flush(&a->d);
	if (adv_done(a))
		return -1;
	if (poll(&pfd, 1, wait_ms) <= 0)
		return adv_done(a) ? -1 : 0;
	n = recv(a->d.fd, a->rx, BFT_WIRE_MAX_DGRAM, MSG_DONTWAIT);
	if (n <= 0)
		return 0;
	a->received++;
	return (int)n;
}

static int parse_targets(struct adv *a, const char *s)
{
	char buf[256], *tok, *save;
	uint64_t v;

	a->targets = 0;
	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -1;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (bft_arg_u64("--to", tok, 0, BFT_MAX_REPLICAS - 1, &v))
			return -1;
		a->targets |= 1ULL << v;
	}
	return a->targets ? 0 : -1;
}

static int parse_mode(struct adv *a, const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(s, mode_names[i])) {
			a->mode = (enum adv_mode)i;
			return 0;
		}
	return -1;
}

struct adv_args {
	struct bft_common_opts o;	/* -c, -k, -r (replica), -i (client) */
	const char *to;
	bool have_victim;
};

static bool is_client(const struct adv *a)
{
	return a->mode == ADV_BYZ_CLIENT || a->mode == ADV_BAD_CLIENT;
}

/* --bad primary,all */
static int parse_bad(struct adv *a, const char *s)
{
	char buf[64], *tok, *save;

	a->bad_kinds = 0;
	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -1;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "primary"))
			a->bad_kinds |= ADV_BAD_PRIMARY;
		else if (!strcmp(tok, "all"))
			a->bad_kinds |= ADV_BAD_ALL;
		else
			return -1;
	}
	return a->bad_kinds ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct adv *a,
		      struct adv_args *g)
{
	static const struct option lo[] = {
		BFT_OPT_CONFIG, BFT_OPT_REPLICA, BFT_OPT_KEY,
		{ "to", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'R' },
		{ "duration", required_argument, NULL, 'd' },
		{ "capture-ms", required_argument, NULL, 'C' },
		{ "view", required_argument, NULL, 'V' },
		{ "seq", required_argument, NULL, 'S' },
		{ "grace-ms", required_argument, NULL, 'g' },
		{ "client", required_argument, NULL, 'i' },
		{ "tricks", required_argument, NULL, 'T' },
		{ "victim", required_argument, NULL, 'I' },
		{ "bad", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, err;

	while ((c = getopt_long(argc, argv, "c:r:k:t:n:R:d:C:V:S:g:i:T:I:b:h", lo,
				NULL)) != -1) {
		err = bft_common_opt(c, optarg, &g->o, "crki");
		if (err < 0)
			return -1;
		if (err)
			continue;
		switch (c) {
		case 't': g->to = optarg; break;
		case 'n': err = bft_arg_u32("--count", optarg, 0, UINT32_MAX, &a->count); break;
		case 'R': err = bft_arg_u32("--rate", optarg, 0, UINT32_MAX, &a->rate); break;
		case 'd':
			err = bft_arg_u32("--duration", optarg, 0, UINT32_MAX / 1000,
					  &a->duration_ms);
			a->duration_ms *= 1000;
			break;
		case 'C': err = bft_arg_u32("--capture-ms", optarg, 0, UINT32_MAX, &a->capture_ms); break;
		case 'V': err = bft_arg_u64("--view", optarg, 0, UINT64_MAX, &a->view); break;
		case 'S': err = bft_arg_u64("--seq", optarg, 0, UINT64_MAX, &a->first_seq); break;
		case 'g': err = bft_arg_u32("--grace-ms", optarg, 0, UINT32_MAX, &a->grace_ms); break;
		case 'T': err = bft_arg_u32("--tricks", optarg, 0, UINT32_MAX, &a->trick); break;
		case 'I':
			err = bft_arg_u32("--victim", optarg, 0, UINT32_MAX, &a->victim);
			g->have_victim = !err;
			break;
		case 'b': err = parse_bad(a, optarg); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
		if (err)
			return -1;
	}
	if (optind != argc - 1 || parse_mode(a, argv[optind]) || !g->o.conf ||
	    !g->o.key || (is_client(a) ? !g->o.have_client :
			  !g->o.have_replica)) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Limits the receivers enforce: the cluster policy over the defaults. */
static void wire_limits(struct adv *a)
{
	struct bft_config cfg = {
		.n = a->d.n, .n_clients = a->d.n_clients,
		.max_op = BFT_KV_OP_LEN_MAX, .max_result = BFT_KV_RESULT_LEN_MAX,
	};
	const struct bft_conf_policy *p = &a->d.conf.policy;
	int attr;

	for (attr = 1; attr <= BFT_POLICY_A_MAX; attr++)
		if (bft_policy_has(p, attr) && bft_policy_field(&cfg, attr))
			*bft_policy_field(&cfg, attr) = p->val[attr];
	bft_config_defaults(&cfg);
	a->lim.n = a->d.n;
	a->lim.n_clients = a->d.n_clients;
	a->lim.max_op = cfg.max_op;
	a->lim.max_result = cfg.max_result;
	a->lim.batch_max = cfg.batch_max;
	a->lim.batch_bytes = cfg.batch_bytes;
	a->lim.log_size = cfg.log_size;
}

static int alloc_bufs(struct adv *a)
{
	a->tx = calloc(1, BFT_WIRE_MAX_DGRAM);
	a->rx = calloc(1, BFT_WIRE_MAX_DGRAM);
	if (!a->tx || !a->rx)
		return -1;
	a->rng = ((uint64_t)getpid() << 32) ^ bftd_mono_ms() ^ 0x9e3779b97f4a7c15ULL;
	return 0;
}

/* A client: no replica id, its own keys, any local address. */
static int setup_client(struct adv *a, const struct adv_args *g)
{
	struct bftd *d = &a->d;
	struct sockaddr_storage any;
	char err[256] = "";

	a->client = g->o.client;
	if (!g->have_victim)
		a->victim = a->client;
	d->id = d->n;		/* no replica: adv_send reaches them all */
	d->n_clients = a->client + 1;
	a->targets = d->n >= 64 ? ~0ULL : (1ULL << d->n) - 1;
	if (adv_client_keys(a, g->o.key))
		return -1;
	wire_limits(a);
	memset(&any, 0, sizeof(any));
	any.ss_family = d->conf.replicas[0].endpoint.ss_family;
	if (bftd_net_open(d, &any, any.ss_family == AF_INET6 ?
			  sizeof(struct sockaddr_in6) :
			  sizeof(struct sockaddr_in), err, sizeof(err))) {
		fprintf(stderr, "adversary: %s\n", err);
		return -1;
	}
	return alloc_bufs(a);
}

static int setup(struct adv *a, const struct adv_args *g)
{
	struct bftd *d = &a->d;
	uint8_t priv[BFT_KEY_LEN], pub[BFT_KEY_LEN];
	char err[256] = "";
	uint32_t i;
	int ret;

	if (bft_conf_load(g->o.conf, &d->conf, err, sizeof(err))) {
		fprintf(stderr, "adversary: %s\n", err);
		return -1;
	}
	d->n = d->conf.n_replicas;
	if (is_client(a))
		return setup_client(a, g);
	if (g->o.replica >= d->n) {
		fprintf(stderr, "adversary: replica %u is not in %s\n",
			g->o.replica, g->o.conf);
		return -1;
	}
	d->id = g->o.replica;
	d->n_clients = 1;
	for (i = 0; i < d->conf.n_clients; i++)
		if (d->conf.clients[i].id + 1 > d->n_clients)
			d->n_clients = d->conf.clients[i].id + 1;
	if (bft_key_read_file(g->o.key, priv) || bft_key_public(priv, pub) ||
	    memcmp(pub, d->conf.replicas[d->id].pub, BFT_KEY_LEN)) {
		fprintf(stderr, "adversary: %s is not replica %u's private key\n",
			g->o.key, d->id);
		return -1;
	}
	ret = bftd_keys(d, priv, err, sizeof(err));
	bft_key_wipe(priv, sizeof(priv));
	if (ret) {
		fprintf(stderr, "adversary: %s\n", err);
		return -1;
	}
	wire_limits(a);
	if (bftd_net_open(d, &d->conf.replicas[d->id].endpoint,
			  d->conf.replicas[d->id].endpoint_len, err,
			  sizeof(err))) {
		fprintf(stderr, "adversary: %s\n", err);
		return -1;
	}
	if (g->to) {
		if (parse_targets(a, g->to)) {
			fprintf(stderr, "adversary: bad --to '%s'\n", g->to);
			return -1;
		}
	} else {
		a->targets = d->n >= 64 ? ~0ULL : (1ULL << d->n) - 1;
	}
	a->targets &= ~(1ULL << d->id);
	return alloc_bufs(a);
}

static void report(const struct adv *a)
{
	uint32_t t, r;

	printf("adversary: replica %u mode %s: sent %" PRIu64 " received %" PRIu64
	       " proposals %" PRIu64 " views %" PRIu64 " new-views %" PRIu64
	       " in %" PRIu64 " ms\n", a->d.id,
	       mode_names[a->mode], a->sent, a->received, a->proposals,
	       a->views, a->new_views, bftd_mono_ms() - a->start_ms);
	for (t = 0; t < a->d.n; t++)
		for (r = 0; r < __BFT_DROP_MAX; r++)
			if (a->expect[t][r])
				printf("expect %u drop_reason_%s %" PRIu64 "\n", t,
				       bft_drop_name(r), a->expect[t][r]);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static int (*const run[])(struct adv *) = {
		[ADV_SILENT] = adv_silent,
		[ADV_EQUIVOCATE] = adv_equivocate,
		[ADV_FORGE] = adv_forge,
		[ADV_OLD_KEY] = adv_old_key,
		[ADV_GARBAGE] = adv_garbage,
		[ADV_REPLAY] = adv_replay,
		[ADV_FLOOD] = adv_flood,
		[ADV_VC_LIAR] = adv_vc_liar,
		[ADV_BYZ_CLIENT] = adv_byz_client,
		[ADV_MUTATE] = adv_mutate,
		[ADV_BAD_CLIENT] = adv_bad_client,
	};
	struct adv_args g = { 0 };
	struct sigaction sa;
	struct adv *a;
	int ret = 1;

	a = calloc(1, sizeof(*a));
	if (!a)
		return 1;
	a->d.fd = -1;
	a->count = 10;
	a->rate = 2000;
	a->capture_ms = 2000;
	a->first_seq = 1;
	a->grace_ms = 300;
	a->bad_kinds = ADV_BAD_PRIMARY | ADV_BAD_ALL;
	if (parse_args(argc, argv, a, &g)) {
		free(a);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!setup(a, &g)) {
		a->start_ms = bftd_mono_ms();
		ret = run[a->mode](a);
		bftd_tx_flush(&a->d);
		report(a);
		/* Then hold the replica's port, silent, until told to stop. */
		while (!ret && adv_recv(a, 100) >= 0)
			;
	}
	bftd_net_close(&a->d);
	bftd_keys_free(&a->d);
	for (int i = 0; i < BFT_MAX_REPLICAS; i++)
		bft_hmac_free(&a->cmac[i]);
	bft_conf_free(&a->d.conf);
	free(a->tx);
	free(a->rx);
	free(a);
	return ret;
}
