/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PBFT client core: a pure state machine (no I/O, no clock) shared by
 * libbftclient, bftctl and the simulator.  It builds a REQUEST with an
 * authenticator (one HMAC per replica), sends it to the primary of the
 * last known view, retransmits to all replicas on timeout with backoff,
 * and accepts a result once f+1 replicas sent matching committed replies,
 * or Q matching tentative ones of one view (committed ones count too).  A
 * read-only request needs all n to agree (a write accepted on f+1 may
 * have executed at one correct replica only), and is otherwise retried as
 * an ordered request.  It reports when no result can reach f+1.
 */
#ifndef _BFT_CLIENT_H
#define _BFT_CLIENT_H

#include "port.h"
#include "wire.h"

struct bft_cli_ops {
	/* HMAC-SHA256 under the key shared with (principal, id). */
	bft_mac_fn mac;
	/* Transmit a datagram to replica id; buf valid during the call. */
	void (*send)(void *ctx, u32 replica, const void *buf, u32 len);
};

struct bft_cli_config {
	u32 n;			/* replicas */
	u32 id;			/* this client */
	u32 max_op;		/* 0: BFT_MAX_OP */
	u32 max_result;		/* 0: BFT_MAX_RESULT */
	u32 timeout_ms;		/* first retransmission at least; 0: 100 ms */
	u32 timeout_max_ms;	/* backoff cap; 0: 8 * timeout_ms */
	u64 first_ts;		/* timestamp of the first request, >= 1 */
};

struct bft_cli_vote {
	bool valid;
	u8 flags;
	u64 view;
	u8 digest[BFT_DIGEST_LEN];	/* SHA-256 of the result */
};

struct bft_cli_stats {
	u64 requests;		/* submitted */
	u64 sent;		/* datagrams sent, retransmissions included */
	u64 retransmits;	/* timeouts that resent to all */
	u64 replies;		/* valid replies for the pending request */
	u64 dropped;		/* malformed, bad MAC, stale, duplicate */
	u64 mac_computed;
	u64 conflicts;		/* "no f+1 agreement" detections */
	u64 ro_fallbacks;	/* read-only retried as read-write */
};

enum bft_cli_status {
	BFT_CLI_IDLE,
	BFT_CLI_WAIT,
};

/* bft_cli_receive() results (>= 0; drops are negative drop reasons). */
enum {
	BFT_CLI_PENDING = 0,	/* consumed, no decision yet */
	BFT_CLI_DONE = 1,	/* result accepted, see struct bft_cli_result */
	BFT_CLI_CONFLICT = 2,	/* no result can reach f+1 any more */
};

struct bft_cli_result {
	u64 ts;			/* timestamp the result answers */
	u64 view;		/* lowest view among the accepting replies */
	bool readonly;		/* answered by the read-only path */
	const u8 *result;	/* points into the datagram just received */
	u32 result_len;
};

struct bft_cli {
	struct bft_cli_config cfg;
	const struct bft_cli_ops *ops;
	void *ctx;
	struct bft_wire_limits lim;
	u32 n, f, q;

	u32 status;		/* enum bft_cli_status */
	u64 ts;			/* timestamp of the pending/last request */
	u64 view;		/* primary guess = view % n */
	bool readonly;
	u8 op_flags;		/* request flags of ordered ops (RECONFIG) */
	bool conflict_seen;
	u64 timeout;		/* current, after backoff, ms */
	u64 sent_at;		/* ms, when the pending request went out */
	bool resent;		/* retransmitted: its RTT is ambiguous */
	u64 srtt8;		/* smoothed round trip, ms << 3; 0: none */
	u64 rttvar4;		/* its mean deviation, ms << 2 */
	u64 deadline;		/* ms, BFT_CLI_NO_DEADLINE when idle */
	u8 *req;		/* pending REQUEST datagram */
	u32 req_len;
	u32 req_cap;
	u8 *op_copy;		/* kept for the read-only fallback */
	u32 op_len;
	struct bft_cli_vote vote[BFT_MAX_REPLICAS];
	struct bft_cli_stats st;
};

#define BFT_CLI_NO_DEADLINE	((u64)-1)

int bft_cli_init(struct bft_cli *c, const struct bft_cli_config *cfg,
		 const struct bft_cli_ops *ops, void *ctx);
void bft_cli_destroy(struct bft_cli *c);
/* Start a request: 0, -EBUSY if one is pending, -EINVAL, -ENOMEM. */
int bft_cli_submit(struct bft_cli *c, const void *op, u32 op_len,
		   bool readonly, u64 now_ms);
/* Feed a datagram; returns BFT_CLI_* or -(enum bft_drop_reason). */
int bft_cli_receive(struct bft_cli *c, const void *buf, u32 len, u64 now_ms,
		    struct bft_cli_result *res);
/* Retransmit if the deadline passed. */
void bft_cli_tick(struct bft_cli *c, u64 now_ms);
u64 bft_cli_next_deadline(const struct bft_cli *c);
/* Give up on the pending request (the caller timed out). */
void bft_cli_cancel(struct bft_cli *c);

#endif /* _BFT_CLIENT_H */
