// SPDX-License-Identifier: GPL-2.0
/*
 * Engine effects that leave the replica: MACs with pairwise keys, and
 * datagrams to replicas and clients. Called from the worker, except
 * bft_mac_lookup(), which the receive path also uses from softirq.
 */
#include <linux/rcupdate.h>

#include "netlink.h"
#include "replica.h"

#define BFT_MAX_IOV	4

/* Under RCU. */
struct bft_peer *bft_peer_of(struct bft_replica *r, u8 principal, u32 id)
{
	if (principal == BFT_PRINCIPAL_REPLICA)
		return id < READ_ONCE(r->n) ? rcu_dereference(r->peers[id]) :
					      NULL;
	if (principal == BFT_PRINCIPAL_CLIENT)
		return id < r->n_clients ? rcu_dereference(r->clients[id]) : NULL;
	return NULL;
}

int bft_mac_lookup(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
		   u32 niov, u8 tag[BFT_MAC_LEN])
{
	struct bft_replica *r = ctx;
	struct kvec kv[BFT_MAX_IOV];
	struct bft_peer *p;
	int err = -ENOKEY;
	u8 key_id;
	u32 i;

	if (WARN_ON_ONCE(niov > BFT_MAX_IOV))
		return -EINVAL;
	for (i = 0; i < niov; i++) {
		kv[i].iov_base = (void *)iov[i].base;
		kv[i].iov_len = iov[i].len;
	}
	/* The header, first in iov[0], names the key (engine.h). */
	if (!niov || iov[0].len < BFT_HDR_LEN)
		return -EINVAL;
	key_id = bft_wget8((const u8 *)iov[0].base, bft_hdr, key_id);
	rcu_read_lock();
	p = bft_peer_of(r, principal, id);
	if (p)
		err = bft_peer_mac(p, key_id, kv, niov, tag);
	rcu_read_unlock();
	return err;
}

static u8 bft_key_id(void *ctx, u8 principal, u32 id)
{
	struct bft_replica *r = ctx;
	struct bft_peer *p;
	u8 key_id = 0;

	rcu_read_lock();
	p = bft_peer_of(r, principal, id);
	if (p)
		key_id = bft_peer_send_id(p);
	rcu_read_unlock();
	return key_id;
}

static void bft_send(void *ctx, u8 principal, u32 id, const void *buf,
		     u32 len)
{
	struct bft_replica *r = ctx;
	union bft_sockaddr dst;
	struct bft_peer *p;
	bool have = false;

	if (bft_wire_answers_src(principal, buf)) {
		if (r->rx_src) {
			dst = *r->rx_src;
			have = true;
		}
	} else if (principal == BFT_PRINCIPAL_CLIENT) {
		if (id < r->n_clients && r->client_ep[id].sa.sa_family) {
			dst = r->client_ep[id];
			have = true;
		}
	} else {
		rcu_read_lock();
		p = bft_peer_of(r, principal, id);
		if (p) {
			dst = p->endpoint;
			have = true;
		}
		rcu_read_unlock();
	}
	if (!have || !r->sock) {
		r->glue.tx_no_endpoint++;
		return;
	}
	if (bft_socket_send(r->sock, &dst, buf, len))
		r->glue.tx_errors++;
}

const struct bft_ops bft_kernel_ops = {
	.mac = bft_mac_lookup,
	.key_id = bft_key_id,
	.send = bft_send,
	.event = bft_nl_event,
	.committed = bft_nl_log,
	.seed_read = bft_seed_read,
	.seed_release = bft_seed_free,
	.client_fresh = bft_client_fresh,
	.reconfig = bft_reconfig,
	.staged = bft_staged,
};
