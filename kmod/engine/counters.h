/* SPDX-License-Identifier: GPL-2.0 */
/* Engine counters: every message kind, drop reason and MAC operation. */
#ifndef _BFT_COUNTERS_H
#define _BFT_COUNTERS_H

#include "port.h"
#include "../../uapi/linux/bft_wire.h"

struct bft_peer_counters {
	u64 sent;
	u64 recv;
	u64 dropped;		/* authenticated, then dropped */
	u64 mac_failed;		/* 0: a bad MAC proves nothing of its sender */
	u64 evidence;
};

struct bft_counters {
	u64 sent[__BFT_MSG_MAX];
	u64 recv[__BFT_MSG_MAX];	/* accepted after checks */
	u64 dropped[__BFT_MSG_MAX];
	u64 drop_reason[__BFT_DROP_MAX];
	u64 mac_computed;
	u64 mac_verified;		/* verifications attempted */
	u64 mac_failed;
	u64 batches;			/* batches proposed (primary) */
	u64 batches_executed;
	u64 requests_executed;		/* counted when their batch commits */
	u64 readonly_executed;
	u64 null_executed;
	u64 tentative_executed;		/* batches run before commit */
	u64 tentative_rollbacks;	/* tentative work a view undid */
	u64 replies_resent;		/* duplicates answered from cache */
	u64 relays_saved;		/* retransmissions the primary had */
	u64 view_changes;		/* view changes started */
	u64 expect_late;		/* of them: a request waited too long */
	u64 expect_rate;		/* of them: primary below expect_pct */
	u64 new_views;			/* views entered */
	u64 checkpoints;		/* own checkpoints taken */
	u64 stable_checkpoints;
	u64 state_transfers;		/* completed */
	u64 xfer_failures;
	u64 xfer_bad_peers;		/* sent a part/table failing its hash */
	u64 batch_fetches;
	u64 xfer_local;			/* installs from an imported seed */
	u64 seed_rejected;		/* seed digest != certified digest */
	u64 seed_stale;			/* a newer checkpoint was certified */
	u64 stable_queries;		/* FETCH(STABLE) answered */
	u64 staged_queries;		/* the admin's STAGED answered */
	u64 retx_requests;		/* FETCH(LOG) sent: stuck, asked */
	u64 retx_sent;			/* messages re-sent to askers */
	u64 vc_fetch_requests;		/* FETCH(VC) sent: named VC missing */
	u64 vc_relayed;			/* DATA(VC) sent to askers */
	u64 vc_fetched;			/* named VCs taken from f+1 relays */
	u64 evidence;
	u64 clients_throttled;		/* MAC attack strikes (backoff) */
	struct bft_peer_counters peer[BFT_MAX_REPLICAS];
};

#endif /* _BFT_COUNTERS_H */
