// SPDX-License-Identifier: GPL-2.0
/*
 * bftd's engine callbacks: transmission, events and ordered-log
 * delivery (keys: keys.c). They mirror the kernel glue (kmod/send.c) so both
 * replicas behave the same; the service is the kernel's bft_kv_service.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bftd.h"

static void op_send(void *ctx, u8 principal, u32 id, const void *buf,
		    u32 len)
{
	struct bftd *d = ctx;

	if (bft_wire_answers_src(principal, buf) && d->rx_src &&
	    d->rx_slen <= sizeof(*d->rx_src)) {
		bftd_tx_queue(d, d->rx_src, d->rx_slen, buf, len);
	} else if (principal == BFT_PRINCIPAL_REPLICA && id < d->n &&
		   id != d->id && d->rep_len[id]) {
		bftd_tx_queue(d, &d->rep_ep[id], d->rep_len[id], buf, len);
	} else if (principal == BFT_PRINCIPAL_CLIENT && id < d->n_clients &&
		   d->cli_len[id]) {
		bftd_tx_queue(d, &d->cli_ep[id], d->cli_len[id], buf, len);
	} else {
		d->st.tx_no_endpoint++;
	}
}

static void op_event(void *ctx, const struct bft_event *ev)
{
	struct bftd *d = ctx;

	d->st.events++;
	/* Checkpoints are routine (-vv); everything else is worth a line. */
	if ((ev->type == BFT_EV_CHECKPOINT || ev->type == BFT_EV_STABLE) &&
	    d->verbose < 2)
		return;
	fprintf(stderr, "bftd[%u]: %s view %llu seq %llu", d->id,
		bft_event_name(ev->type),
		(unsigned long long)ev->view, (unsigned long long)ev->seq);
	if (ev->type == BFT_EV_EVIDENCE)
		fprintf(stderr, " replica %u kind %u", ev->replica, ev->kind);
	fputc('\n', stderr);
}

static void op_committed(void *ctx, u64 seq, u64 view, const void *batch,
			 u32 len, u32 count)
{
	struct bftd *d = ctx;

	(void)seq;
	(void)view;
	(void)batch;
	(void)len;
	(void)count;
	d->st.committed++;
}

const struct bft_ops bftd_ops = {
	.mac = bftd_mac,
	.key_id = bftd_key_id,
	.send = op_send,
	.event = op_event,
	.committed = op_committed,
	.client_fresh = bftd_client_fresh,
	.reconfig = bftd_reconfig,
	.staged = bftd_staged,
};
