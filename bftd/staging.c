// SPDX-License-Identifier: GPL-2.0
/*
 * bftd's side of changing membership, as bft.ko's kmod/staging.c: the
 * replica starts in the cluster file's Epoch with its Admin, and reports
 * that file's configuration digest as staged for it (a new host). On
 * SIGHUP it reads the file again; a file of Epoch = current + 1 is
 * staged: the new hosts of the ids with Joined == Epoch (replaced below
 * the n in force, added from it up) get keys derived from their new
 * PublicKey and their new Endpoint, held aside, with the file's n. At the
 * engine's switch (ops->reconfig) they are installed only if the RECONFIG
 * names that epoch, digest, n and replace set; otherwise the old keys
 * stay and reconfig_unstaged counts it. Either way n becomes the
 * RECONFIG's, and the peers at or above it are dropped (a shrink). A host
 * whose id is not below the file's n stages it without peers: it leaves.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bftd.h"

static void staging_clear(struct bftd_staging *s)
{
	uint32_t i;

	for (i = 0; i < BFT_MAX_REPLICAS; i++)
		bft_hmac_free(&s->mac[i]);
	bft_conf_free(&s->conf);
	memset(s, 0, sizeof(*s));
}

/* The creation configuration, reported as staged for its epoch. */
int bftd_staging_init(struct bftd *d)
{
	staging_clear(&d->staged);
	if (bft_conf_digest(&d->conf, d->staged.config))
		return -1;
	d->staged.epoch = d->conf.epoch;
	return 0;
}

void bftd_staging_free(struct bftd *d)
{
	staging_clear(&d->staged);
}

/* What may differ between the running file and the next epoch's. */
static int next_check(const struct bftd *d, const struct bft_conf *c,
		      uint64_t epoch, char *err, size_t errlen)
{
	uint64_t joined = bft_conf_joined_mask(c);
	uint32_t i;

	if (c->epoch != epoch + 1) {
		snprintf(err, errlen, "Epoch %" PRIu64 " is not the replica's epoch %" PRIu64 " + 1",
			 c->epoch, epoch);
		return -1;
	}
	if (strcmp(c->name, d->conf.name) || c->admin != d->conf.admin) {
		snprintf(err, errlen, "Name and Admin must stay as they are");
		return -1;
	}
	if (c->max_replicas != d->conf.max_replicas) {
		snprintf(err, errlen, "MaxReplicas = %u differs from the replica's %u: it is fixed at start",
			 c->max_replicas, d->conf.max_replicas);
		return -1;
	}
	if (bft_conf_check_next(c, d->n, err, errlen))
		return -1;
	for (i = 0; i < d->n && i < c->n_replicas; i++) {
		const struct bft_conf_replica *o = &d->conf.replicas[i];
		const struct bft_conf_replica *r = &c->replicas[i];

		if (joined & (1ULL << i))
			continue;
		if (memcmp(o->pub, r->pub, BFT_KEY_LEN) ||
		    o->endpoint_len != r->endpoint_len ||
		    memcmp(&o->endpoint, &r->endpoint, o->endpoint_len)) {
			snprintf(err, errlen, "replica %u has a new PublicKey or Endpoint but not Joined = %" PRIu64,
				 i, c->epoch);
			return -1;
		}
	}
	return 0;
}

/* Keys and endpoints of the ids that get a new host (not our own). */
static int stage_peers(const struct bftd *d, const struct bft_conf *c,
		       const uint8_t priv[BFT_KEY_LEN], struct bftd_staging *s,
		       char *err, size_t errlen)
{
	struct bft_principal_id me = { BFT_PRINCIPAL_REPLICA, d->id };
	uint64_t joined = bft_conf_joined_mask(c);
	uint8_t key[BFT_KEY_LEN];
	uint32_t i;
	int ret = 0;

	/* Our own id above the new n: no peers, this host leaves. */
	for (i = 0; i < c->n_replicas && d->id < c->n_replicas && !ret; i++) {
		struct bft_principal_id peer = { BFT_PRINCIPAL_REPLICA, i };

		/* Our own id replaced: this host stops at the switch. */
		if (!(joined & (1ULL << i)) || i == d->id)
			continue;
		s->len[i] = bft_sockaddr_as(&c->replicas[i].endpoint, d->family,
					    &s->ep[i]);
		if (!s->len[i]) {
			snprintf(err, errlen, "replica %u: its Endpoint does not fit this replica's address family",
				 i);
			ret = -1;
			break;
		}
		ret = bft_key_pairwise(priv, c->replicas[i].pub, c->name, me,
				       peer, key);
		if (!ret)
			ret = bft_hmac_init(&s->mac[i], key);
		if (ret)
			snprintf(err, errlen, "cannot key replica %u", i);
		s->mask |= 1ULL << i;
	}
	bft_key_wipe(key, sizeof(key));
	return ret;
}

/*
 * Read @path again and stage it if it is the next epoch's file; the
 * running keys do not change. Returns 0 (staged, or nothing to stage:
 * the same epoch), or -1 with @err.
 */
int bftd_stage_file(struct bftd *d, const char *path,
		    const uint8_t priv[BFT_KEY_LEN], char *err, size_t errlen)
{
	struct bftd_staging s;
	struct bft_info in;
	int ret;

	memset(&s, 0, sizeof(s));
	if (bft_conf_load(path, &s.conf, err, errlen))
		return -1;
	bft_engine_info(d->engine, &in);
	if (s.conf.epoch == in.epoch) {
		staging_clear(&s);
		return 0;
	}
	ret = next_check(d, &s.conf, in.epoch, err, errlen);
	if (!ret)
		ret = stage_peers(d, &s.conf, priv, &s, err, errlen);
	if (!ret) {
		ret = bft_conf_digest(&s.conf, s.config);
		if (ret)
			snprintf(err, errlen, "cannot hash the configuration");
	}
	if (ret) {
		staging_clear(&s);
		return -1;
	}
	s.epoch = in.epoch + 1;
	s.n = s.conf.n_replicas;
	staging_clear(&d->staged);
	d->staged = s;
	return 0;
}

/* ops->staged */
bool bftd_staged(void *ctx, u64 *epoch, u8 *config)
{
	struct bftd *d = ctx;

	if (!d->staged.epoch)
		return false;
	*epoch = d->staged.epoch;
	memcpy(config, d->staged.config, BFT_DIGEST_LEN);
	return true;
}

/* Peers at or above @n are no members any more (a shrink). */
static void drop_peers(struct bftd *d, uint32_t n)
{
	uint32_t i;

	for (i = n; i < d->n; i++) {
		bftd_peer_clear(&d->rpeer[i]);
		memset(&d->rep_ep[i], 0, sizeof(d->rep_ep[i]));
		d->rep_len[i] = 0;
	}
}

/* ops->reconfig: before the engine sends anything in @epoch. */
void bftd_reconfig(void *ctx, u64 epoch, u64 seq, u32 n, u64 replace,
		   const u8 *config)
{
	struct bftd *d = ctx;
	struct bftd_staging *s = &d->staged;
	uint32_t i, keep = n < d->n ? n : d->n;
	uint64_t low = keep >= 64 ? ~0ULL : (1ULL << keep) - 1;

	(void)seq;
	/* Replaced, or above the new n: this host leaves. */
	if ((replace & (1ULL << d->id)) || d->id >= n) {
		staging_clear(s);
		return;
	}
	/* Queued datagrams point at rep_ep[]: old-epoch ones go out first. */
	bftd_tx_flush(d);
	if (s->epoch != epoch || s->n != n || (s->mask & low) != replace ||
	    memcmp(s->config, config, BFT_DIGEST_LEN)) {
		d->st.reconfig_unstaged++;
		staging_clear(s);
		drop_peers(d, n);
		d->n = n;
		return;
	}
	for (i = 0; i < n; i++) {
		if (!(s->mask & (1ULL << i)))
			continue;
		/* A new host, a new key: its rotation starts over at id 0. */
		bftd_peer_set_key(&d->rpeer[i], &s->mac[i]);
		d->rep_ep[i] = s->ep[i];
		d->rep_len[i] = s->len[i];
	}
	drop_peers(d, n);
	d->n = n;
	/* The staged file is the one in force now: the next compares to it. */
	bft_conf_free(&d->conf);
	d->conf = s->conf;
	memset(&s->conf, 0, sizeof(s->conf));
	d->st.reconfig_installed++;
	staging_clear(s);
}
