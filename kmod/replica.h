/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BFT_REPLICA_H
#define _BFT_REPLICA_H

#include <linux/bft.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include "crypto.h"
#include "keys.h"
#include "socket.h"
#include "engine/engine.h"

struct bft_net;
struct bft_kv;
struct bft_staging;
struct genl_info;
struct mem_cgroup;

/* Counters of the receive path, which runs before the worker: summed. */
struct bft_rx_stats {
	u64 drop[__BFT_DROP_MAX];
	u64 mac_verified;
	u64 mac_failed;
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_ns;		/* softirq time in bft_udp_recv() */
};

/* Per CPU, written in softirq; syncp keeps 64-bit reads whole on 32-bit. */
struct bft_rx_pcpu {
	u64_stats_t drop[__BFT_DROP_MAX];
	u64_stats_t mac_verified;
	u64_stats_t mac_failed;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t rx_ns;
	struct u64_stats_sync syncp;
};

/* Counters of the glue itself. */
struct bft_glue_stats {
	u64 tx_errors;
	u64 tx_no_endpoint;
	u64 log_delivered;
	u64 events;
	u64 worker_ns;		/* CPU time in the worker, engine and sends */
	u64 reconfig_installed;	/* epoch switches with staged peers */
	u64 reconfig_unstaged;	/* switches with nothing staged to match */
};

struct bft_replica {
	struct list_head node;		/* in bft_net.replicas, bn->lock */
	struct bft_net *bn;
	char name[BFT_NAME_MAX];
	u64 gen;			/* unique in bn, tells namesakes apart */
	u32 id;
	u32 n;				/* of the epoch in force: worker, r->lock */
	u32 max_n;			/* largest n of any epoch, fixed */
	u32 n_clients;
	union bft_sockaddr listen;
	struct socket *sock;
	struct mem_cgroup *memcg;	/* of the creator, charged by the worker */

	/* Keys: written under bn->lock, read under RCU from any context. */
	struct bft_peer __rcu *peers[BFT_MAX_REPLICAS];
	struct bft_peer __rcu **clients;	/* n_clients */
	/* Installs and retirements of keys (and peers[]/clients[] writes). */
	struct mutex key_lock;
	unsigned long key_flags;
	u64 rotated_ms;			/* last rotation started, r->lock */

	/* The engine and service belong to whoever holds this lock. */
	struct mutex lock;
	struct bft_engine *engine;
	struct bft_kv *kv;
	union bft_sockaddr *client_ep;	/* moved by bft_client_fresh() */
	const union bft_sockaddr *rx_src;	/* of the datagram in the engine */
	struct bft_staging *staged;	/* the next epoch's peers, or NULL */
	struct bft_glue_stats glue;
	/*
	 * CHECKPOINT_PUT: the stream being imported, then the engine's seed,
	 * in BFT_SEED_CHUNK pieces allocated as the data arrives.
	 */
	struct {
		u8 **chunk;
		u64 total;
		u64 filled;
		u64 seq;
		u8 digest[BFT_DIGEST_LEN];
		bool engine_owns;
	} seed;

	/* Softirq -> worker hand-off, bounded in packets and bytes. */
	struct sk_buff_head rxq;
	atomic_t rxq_bytes;
	struct workqueue_struct *wq;
	struct work_struct work;
	struct timer_list timer;
	bool dying;			/* under lock */

	struct bft_rx_pcpu __percpu *rx_stats;
};

#define BFT_SEED_CHUNK		SZ_1M

/* Bounds of the receive queue. */
#define BFT_RXQ_MAX_PACKETS	1024
#define BFT_RXQ_MAX_BYTES	(8 << 20)
/* Datagrams the worker handles before yielding the CPU. */
#define BFT_WORK_BUDGET		64

struct bft_replica_params {
	const char *name;
	u32 id;
	u32 n;
	u32 max_n;
	u32 n_clients;
	union bft_sockaddr listen;
	struct bft_config cfg;
	const u8 *config_digest;	/* of the creation config, or NULL */
	u32 kv_max_keys;
	u32 kv_max_key;
	u32 kv_max_value;
};

struct bft_replica *bft_replica_create(struct bft_net *bn,
				       const struct bft_replica_params *p,
				       struct netlink_ext_ack *extack);
void bft_replica_destroy(struct bft_replica *r);
struct bft_replica *bft_replica_find(struct bft_net *bn, const char *name);

/* Key management; caller holds bn->lock (they take r->lock). */
/* @keep: the same key as before keeps its rotation (keys.h). */
int bft_replica_set_peer(struct bft_replica *r, u32 id, const u8 *key,
			 u8 key_id, bool keep, const union bft_sockaddr *ep);
int bft_replica_set_client(struct bft_replica *r, u32 id, const u8 *key,
			   u8 key_id);
void bft_replica_del_peer(struct bft_replica *r, struct bft_peer __rcu **slot);
void bft_peer_free(struct bft_peer *p);
/* Caller holds r->lock. */
void bft_replica_put_peer(struct bft_replica *r, u32 id, struct bft_peer *p);
void bft_replica_set_n(struct bft_replica *r, u32 n);

/* staging.c: the next epoch's configuration (REPLICA_SET staged). */
struct bft_staging *bft_staging_new(u64 epoch, const u8 *config);
void bft_staging_free(struct bft_staging *s);
int bft_staging_parse(struct bft_replica *r, struct genl_info *info,
		      struct bft_staging **out);
u64 bft_staging_epoch(const struct bft_replica *r);
bool bft_staged(void *ctx, u64 *epoch, u8 *config);
void bft_reconfig(void *ctx, u64 epoch, u64 seq, u32 n, u64 replace,
		  const u8 *config);

/* receive.c */
int bft_udp_recv(struct sock *sk, struct sk_buff *skb);
const union bft_sockaddr *bft_rx_source(struct sk_buff *skb);
void bft_rx_stats_sum(struct bft_replica *r, struct bft_rx_stats *sum);

/* worker.c */
void bft_worker(struct work_struct *work);
void bft_timer_fn(struct timer_list *t);
u64 bft_now_ms(void);
bool bft_client_fresh(void *ctx, u32 client);

/* send.c */
extern const struct bft_ops bft_kernel_ops;
struct bft_peer *bft_peer_of(struct bft_replica *r, u8 principal, u32 id);
int bft_mac_lookup(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
		   u32 niov, u8 tag[BFT_MAC_LEN]);

#endif /* _BFT_REPLICA_H */
