// SPDX-License-Identifier: GPL-2.0
/*
 * bftd's counters (SIGUSR1, or at exit with -v) and its status file: a
 * "key value" per line, rewritten atomically, that tests and scripts read
 * to compare replicas exactly (view, last executed sequence number,
 * service state digest).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bftd.h"

uint64_t bftd_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

void bftd_dump(const struct bftd *d, FILE *f)
{
	const struct bft_counters *c = bft_engine_counters(d->engine);
	struct bft_kv_stats ks;
	struct bft_info info;
	int k;

	bft_engine_info(d->engine, &info);
	bft_kv_get_stats(d->kv, &ks);
	fprintf(f, "bftd[%u]: view %" PRIu64 " (%s) primary %u last_exec %" PRIu64
		" stable %" PRIu64 " keys %" PRIu64 "\n", d->id, info.view,
		bft_status_name(info.status), info.primary, info.last_exec,
		info.stable_seq, ks.keys);
	fprintf(f, "  %-12s %12s %12s %12s\n", "message", "sent", "received",
		"dropped");
	for (k = 1; k < __BFT_MSG_MAX; k++)
		fprintf(f, "  %-12s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n",
			bft_msg_name(k), c->sent[k], c->recv[k], c->dropped[k]);
	fprintf(f, "  macs computed %" PRIu64 " verified %" PRIu64
		" failed %" PRIu64 " (engine), verified %" PRIu64
		" failed %" PRIu64 " (receive)\n", c->mac_computed,
		c->mac_verified, c->mac_failed, d->st.mac_verified,
		d->st.mac_failed);
	fprintf(f, "  batches proposed %" PRIu64 " executed %" PRIu64
		" requests %" PRIu64 " read-only %" PRIu64 " null %" PRIu64
		" resent replies %" PRIu64 " tentative %" PRIu64
		" rollbacks %" PRIu64 "\n", c->batches,
		c->batches_executed, c->requests_executed,
		c->readonly_executed, c->null_executed, c->replies_resent,
		c->tentative_executed, c->tentative_rollbacks);
	fprintf(f, "  view changes %" PRIu64 " new views %" PRIu64
		" checkpoints %" PRIu64 " stable %" PRIu64 " transfers %" PRIu64
		" evidence %" PRIu64 "\n", c->view_changes, c->new_views,
		c->checkpoints, c->stable_checkpoints, c->state_transfers,
		c->evidence);
	fprintf(f, "  udp rx %" PRIu64 " pkts %" PRIu64 " bytes in %" PRIu64
		" calls (+%" PRIu64 " empty, %" PRIu64 " timeouts set), tx %" PRIu64
		" pkts %" PRIu64 " bytes in %" PRIu64
		" calls, tx errors %" PRIu64 " no endpoint %" PRIu64 "\n",
		d->st.rx_packets, d->st.rx_bytes, d->st.rx_calls,
		d->st.rx_empty, d->st.timeo_sets,
		d->st.tx_packets, d->st.tx_bytes, d->st.tx_calls,
		d->st.tx_errors, d->st.tx_no_endpoint);
	for (k = 1; k < __BFT_DROP_MAX; k++)
		if (d->st.drop[k] || c->drop_reason[k])
			fprintf(f, "  drop reason %s: receive %" PRIu64
				" engine %" PRIu64 "\n", bft_drop_name(k),
				d->st.drop[k], c->drop_reason[k]);
	fflush(f);
}

/* Written to PATH.tmp and renamed, so a reader never sees half a file. */
int bftd_status_write(const struct bftd *d)
{
	const struct bft_counters *c = bft_engine_counters(d->engine);
	char tmp[4096], sd[2 * BFT_DIGEST_LEN + 1], kd[2 * BFT_DIGEST_LEN + 1];
	uint8_t digest[BFT_DIGEST_LEN];
	struct bft_kv_stats ks;
	struct bft_info info;
	uint64_t drops = 0;
	uint32_t j;
	FILE *f;
	int k;

	if (!d->status_path)
		return 0;
	bft_engine_info(d->engine, &info);
	bft_kv_get_stats(d->kv, &ks);
	bft_kv_digest(d->kv, digest);
	hex(digest, BFT_DIGEST_LEN, kd);
	hex(info.stable_digest, BFT_DIGEST_LEN, sd);
	for (k = 1; k < __BFT_DROP_MAX; k++)
		drops += d->st.drop[k];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", d->status_path) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "replica %u\nn %u\npid %ld\nview %" PRIu64 "\nstatus %s\n"
		"primary %u\nlast_exec %" PRIu64 "\nstable_seq %" PRIu64 "\n"
		"stable_digest %s\nstate_digest %s\nkeys %" PRIu64 "\n"
		"requests_executed %" PRIu64 "\nbatches_executed %" PRIu64 "\n"
		"view_changes %" PRIu64 "\nstate_transfers %" PRIu64 "\n"
		"mac_failed %" PRIu64 "\nrx_drops %" PRIu64 "\n"
		"mac_computed %" PRIu64 "\nmac_verified %" PRIu64 "\n"
		"rx_mac_ok %" PRIu64 "\nbatches %" PRIu64 "\n"
		"rx_packets %" PRIu64 "\ntx_packets %" PRIu64 "\n"
		"rx_calls %" PRIu64 "\nrx_empty %" PRIu64 "\n"
		"tx_calls %" PRIu64 "\ntimeo_sets %" PRIu64 "\n"
		"relays_saved %" PRIu64 "\nreplies_resent %" PRIu64 "\n",
		d->id, d->n, (long)getpid(), info.view,
		bft_status_name(info.status), info.primary, info.last_exec,
		info.stable_seq, sd, kd, ks.keys, c->requests_executed,
		c->batches_executed, c->view_changes, c->state_transfers,
		d->st.mac_failed, drops, c->mac_computed, c->mac_verified,
		d->st.mac_verified, c->batches, d->st.rx_packets,
		d->st.tx_packets, d->st.rx_calls, d->st.rx_empty,
		d->st.tx_calls, d->st.timeo_sets, c->relays_saved,
		c->replies_resent);
	fprintf(f, "expect_late %" PRIu64 "\nexpect_rate %" PRIu64 "\n",
		c->expect_late, c->expect_rate);
	fprintf(f, "epoch %" PRIu64 "\nstaged_epoch %" PRIu64 "\nleft %d\n"
		"reconf_at %" PRIu64 "\nreconfig_installed %" PRIu64 "\n"
		"reconfig_unstaged %" PRIu64 "\nstage_errors %" PRIu64 "\n",
		info.epoch, d->staged.epoch, info.left ? 1 : 0, info.reconf_at,
		d->st.reconfig_installed, d->st.reconfig_unstaged,
		d->st.stage_errors);
	for (k = 1; k < __BFT_DROP_MAX; k++)
		if (d->st.drop[k])
			fprintf(f, "rx_drop_%s %" PRIu64 "\n",
				bft_drop_name(k), d->st.drop[k]);
	/* Key ids per peer: key_ID current, key_next_ID while we rotate. */
	for (j = 0; j < d->n; j++) {
		if (j == d->id)
			continue;
		fprintf(f, "key_%u %u\n", j, bft_kr_cur(d->rpeer[j].kr));
		if (d->rpeer[j].kr & BFT_KR_SEND)
			fprintf(f, "key_next_%u %u\n", j,
				bft_kr_send_id(d->rpeer[j].kr));
	}
	if (fclose(f)) {
		unlink(tmp);
		return -EIO;
	}
	return rename(tmp, d->status_path) ? -errno : 0;
}
