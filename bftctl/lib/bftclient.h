/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libbftclient: invoke operations on a bft cluster (bft.ko or bftd
 * replicas) with Byzantine fault tolerant results.
 *
 * A client is a principal listed in the cluster's config file ([Client]
 * Id + PublicKey). Opening derives one HMAC key per replica from the
 * client's X25519 private key; the private key is wiped right after.
 * Each invoke sends one REQUEST (one outstanding request per client, as
 * in PBFT) and returns once f+1 replicas sent the same result (Q = 2f+1
 * for a read-only invoke, which falls back to an ordered request when the
 * replicas disagree). Lost datagrams are retransmitted to all replicas.
 *
 * A struct bft_client is not thread-safe: use one per thread, each with
 * its own client id (replicas keep one reply per client id). To keep many
 * requests in flight from one thread, use the asynchronous API below
 * (struct bft_async): many logical clients on one socket.
 *
 *	struct bft_client *c;
 *	char err[256], val[64];
 *	long n;
 *
 *	if (bft_client_open(&c, "/etc/bft/cluster.conf", 7,
 *			    "/etc/bft/client7.key", NULL, err, sizeof(err)))
 *		errx(1, "%s", err);
 *	bft_client_put(c, "k", 1, "v", 1, 0);
 *	n = bft_client_get(c, "k", 1, val, sizeof(val), true, 0);
 *	bft_client_close(c);
 *
 * Link with -lbftclient -lcrypto.
 */
#ifndef BFTCLIENT_H
#define BFTCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bft_client;

/* Errors: every call returns one of these (negative) or a success value. */
enum bft_client_error {
	BFT_OK = 0,
	BFT_E_TIMEOUT = -1,	/* no f+1 (or Q) matching replies in time */
	BFT_E_CONFLICT = -2,	/* replies disagree: none can reach f+1 */
	BFT_E_LIMIT = -3,	/* over a limit: op size, KV key/value/count */
	BFT_E_CONFIG = -4,	/* bad config file, client id or key file */
	BFT_E_INVAL = -5,	/* bad argument */
	BFT_E_TOOBIG = -6,	/* result larger than the caller's buffer */
	BFT_E_SYSTEM = -7,	/* socket or memory error (errno is set) */
	BFT_E_NOT_FOUND = -8,	/* KV: no such key */
	BFT_E_CAS_MISMATCH = -9,	/* KV: CAS expected value differs */
	BFT_E_REJECTED = -10,	/* KV: malformed or refused operation */
	BFT_E_PROTO = -11,	/* KV: certified result is malformed */
	BFT_E_BUSY = -12,	/* async: the logical client has a request out */
};

/* Optional tuning; zero fields keep the defaults. */
struct bft_client_opts {
	/* First retransmission (100), or srtt + 4 rttvar if longer. */
	uint32_t retransmit_ms;
	uint32_t retransmit_max_ms;	/* backoff cap (800) */
	uint32_t max_op;	/* replicas' operation limit (BFT_KV_OP_LEN_MAX) */
	uint32_t max_result;	/* replicas' result limit (BFT_KV_RESULT_LEN_MAX) */
};

/*
 * Open a client: parse the config file at conf (or two, "OLD:NEW", while
 * a grow or shrink is staged: see bftctl(8)), check that client_id is
 * one of its [Client] entries and that the private key in key_file
 * matches that entry's PublicKey, and derive the per-replica keys. The
 * socket is IPv4 or dual-stack IPv6 as the replica endpoints need.
 * Returns BFT_OK with *out set, or BFT_E_CONFIG / BFT_E_SYSTEM with a
 * message in err (if errlen > 0).
 */
int bft_client_open(struct bft_client **out, const char *conf,
		    uint32_t client_id, const char *key_file,
		    const struct bft_client_opts *opts, char *err,
		    size_t errlen);
/* Close the socket and wipe the keys; NULL is accepted. */
void bft_client_close(struct bft_client *c);

/*
 * Run op (len bytes, opaque to the library) and copy the certified result
 * into result (cap bytes). timeout_ms bounds the whole call; 0 means
 * 5000 ms, negative means no bound. Returns the result length, or
 * BFT_E_TIMEOUT, BFT_E_CONFLICT, BFT_E_LIMIT (op above max_op),
 * BFT_E_TOOBIG, BFT_E_INVAL, BFT_E_SYSTEM.
 */
long bft_client_invoke(struct bft_client *c, const void *op, size_t len,
		       void *result, size_t cap, int timeout_ms);
/* The same for an operation that does not modify state. */
long bft_client_invoke_ro(struct bft_client *c, const void *op, size_t len,
			  void *result, size_t cap, int timeout_ms);

/*
 * Key-value helpers for the built-in service (uapi/linux/bft_kv.h). Each
 * returns a transport error as above, or maps the service's status:
 * BFT_E_NOT_FOUND, BFT_E_CAS_MISMATCH, BFT_E_LIMIT (key or value too
 * long, store full, result too big; a value above BFT_KV_VALUE_MAX is
 * refused before sending), BFT_E_REJECTED (empty key, bad op),
 * BFT_E_PROTO. bft_client_kv_status() gives the exact status.
 */
int bft_client_put(struct bft_client *c, const void *key, size_t key_len,
		   const void *val, size_t val_len, int timeout_ms);
/* Returns the value length (copied to val, cap bytes) or an error. */
long bft_client_get(struct bft_client *c, const void *key, size_t key_len,
		    void *val, size_t cap, bool readonly, int timeout_ms);
int bft_client_del(struct bft_client *c, const void *key, size_t key_len,
		   int timeout_ms);
/*
 * Replace the value if it equals expected (absent: if the key does not
 * exist; expected must then be empty). On BFT_E_CAS_MISMATCH the current
 * value is copied to cur (cur_cap bytes) and its length stored in
 * *cur_len, when cur_len is not NULL.
 */
#define BFT_CLIENT_CAS_ABSENT	0x1
int bft_client_cas(struct bft_client *c, const void *key, size_t key_len,
		   const void *expected, size_t exp_len, const void *val,
		   size_t val_len, unsigned int flags, void *cur,
		   size_t cur_cap, size_t *cur_len, int timeout_ms);
/*
 * enum bft_kv_status of the last helper call that got a result (else -1);
 * *flags (if not NULL) gets its BFT_KV_R_* flags, e.g. CREATED.
 */
int bft_client_kv_status(const struct bft_client *c, unsigned int *flags);
/* The library code for an enum bft_kv_status (as the helpers return it). */
int bft_client_kv_error(int kv_status);

struct bft_client_stats {
	uint64_t requests;	/* invokes started */
	uint64_t sent;		/* datagrams, retransmissions included */
	uint64_t retransmits;
	uint64_t replies;	/* authenticated replies counted */
	uint64_t dropped;	/* malformed, forged or stale datagrams */
	uint64_t conflicts;
	uint64_t ro_fallbacks;	/* read-only invokes that were ordered */
	uint64_t timeouts;
	uint64_t send_errors;
};

/* One replica's answer to bft_client_stable(). */
struct bft_client_stable {
	bool answered;
	uint64_t seq;		/* the asked seq, or the replica's latest */
	uint8_t digest[32];	/* state digest of checkpoint seq */
};

/*
 * Ask every replica for the state digest of stable checkpoint seq
 * (FETCH(STABLE)). A replica that no longer (or not yet) knows seq
 * answers with its latest stable checkpoint instead, so out[i].seq may
 * differ from seq. Waits until every replica answered or timeout_ms
 * (0: 2000 ms); out has bft_client_n() entries. Returns the number of
 * answers (not certified: the caller counts f+1 matching digests), or
 * BFT_E_INVAL / BFT_E_SYSTEM.
 */
int bft_client_stable(struct bft_client *c, uint64_t seq,
		      struct bft_client_stable *out, int timeout_ms);

/*
 * Membership changes (bftctl reconfig), for the cluster's administrator:
 * the client opened with the admin's [Client] Id ([Cluster] Admin) on the
 * cluster file of the NEW configuration.
 */

/* One replica's answer to bft_client_staged(). */
struct bft_client_staged {
	bool answered;
	bool left;		/* replaced: stopped, answers only this */
	uint64_t epoch;		/* configuration epoch in force */
	uint32_t n;		/* n of that epoch */
	uint64_t staged;	/* epoch its host staged, 0: none */
	uint8_t config[32];	/* digest of the staged configuration */
};

/*
 * Ask every replica what its host staged (an unordered query that only
 * the admin may send; each replica answers alone). Waits until every
 * replica answered or timeout_ms (0: 2000 ms); out has bft_client_n()
 * entries. Returns the number of answers, or BFT_E_INVAL / BFT_E_SYSTEM.
 */
int bft_client_staged(struct bft_client *c, struct bft_client_staged *out,
		      int timeout_ms);

/* Status of a RECONFIG (the replicas' enum bft_reconfig_status). */
enum {
	BFT_CLIENT_RECONF_OK = 0,	/* switches at seq `at` */
	BFT_CLIENT_RECONF_E_ADMIN = 1,	/* not the administrator client */
	BFT_CLIENT_RECONF_E_EPOCH = 2,	/* epoch is not current + 1 */
	BFT_CLIENT_RECONF_E_SIZE = 3,	/* n or the replace set refused */
	BFT_CLIENT_RECONF_E_FORMAT = 4,	/* malformed operation */
	BFT_CLIENT_RECONF_E_BUSY = 5,	/* another one waits for its switch */
};

/* The certified result of a RECONFIG. */
struct bft_client_reconfig {
	uint32_t status;	/* BFT_CLIENT_RECONF_* */
	uint32_t n;		/* n of the epoch in force, or pending if OK */
	uint64_t epoch;		/* epoch in force, or pending if OK */
	uint64_t at;		/* switch seq if OK, else 0 */
};

/*
 * Submit the ordered RECONFIG(epoch, n, replace, config): replace has a
 * bit per replica id that gets a new host, config is the 32-byte digest
 * of the new configuration (bft.conf(5)). Returns BFT_OK with *res set
 * (whatever its status), or a transport error as bft_client_invoke(),
 * or BFT_E_PROTO for a malformed result.
 */
int bft_client_reconfig(struct bft_client *c, uint64_t epoch, uint32_t n,
			uint64_t replace, const uint8_t config[32],
			struct bft_client_reconfig *res, int timeout_ms);

void bft_client_get_stats(const struct bft_client *c,
			  struct bft_client_stats *st);
/* Replicas (n) and tolerated faults (f) of the open cluster. */
uint32_t bft_client_n(const struct bft_client *c);
uint32_t bft_client_f(const struct bft_client *c);
/* A short description of an error code. */
const char *bft_client_strerror(int err);

/*
 * Asynchronous API: one struct bft_async multiplexes many logical clients
 * (each a [Client] of the config with its own id and keys, each with at
 * most one request outstanding, as in PBFT) on one UDP socket, driven by
 * the caller's thread:
 *
 *	static void done(struct bft_async *a, const struct bft_async_done *d,
 *			 void *cookie) { ... d->status, d->result ... }
 *
 *	bft_async_open(&a, conf, NULL, err, sizeof(err));
 *	for (i = 0; i < 64; i++)
 *		slot[i] = bft_async_add(a, first + i, key_file, err, sizeof(err));
 *	bft_async_submit(a, slot[0], op, len, false, 0, done, cookie);
 *	while (bft_async_busy(a))
 *		bft_async_run(a, -1);
 *
 * Completions are delivered by callback from bft_async_process() or
 * bft_async_run(), in the caller's thread; a callback may submit again.
 * Submitted datagrams are queued and leave in one sendmmsg() at the next
 * bft_async_flush(), bft_async_process() or bft_async_run(). A struct
 * bft_async is not thread-safe: use one per thread.
 */
struct bft_async;

struct bft_async_done {
	int slot;		/* the logical client (bft_async_add) */
	uint32_t client_id;
	long status;		/* result length, or BFT_E_TIMEOUT, BFT_E_CONFLICT */
	const void *result;	/* status bytes; valid during the callback */
	bool readonly;		/* answered by the read-only path */
	uint64_t latency_ns;	/* from bft_async_submit() to completion */
};

typedef void (*bft_async_cb)(struct bft_async *a,
			     const struct bft_async_done *d, void *cookie);

struct bft_async_stats {
	uint64_t rx_calls;	/* recvmmsg calls that returned datagrams */
	uint64_t rx_datagrams;
	uint64_t tx_calls;	/* sendmmsg calls */
	uint64_t tx_datagrams;
	uint64_t tx_errors;	/* datagrams the socket refused */
	uint64_t completions;
	uint64_t timeouts;
};

/*
 * Parse the config file and open the socket. Returns BFT_OK with *out
 * set, or BFT_E_CONFIG / BFT_E_SYSTEM with a message in err.
 */
int bft_async_open(struct bft_async **out, const char *conf,
		   const struct bft_client_opts *opts, char *err,
		   size_t errlen);
/*
 * Add logical client client_id with its private key (checked as in
 * bft_client_open). Returns its slot (>= 0), or BFT_E_CONFIG (also for
 * an id added twice) / BFT_E_SYSTEM with a message in err.
 */
int bft_async_add(struct bft_async *a, uint32_t client_id,
		  const char *key_file, char *err, size_t errlen);
/*
 * Start op on logical client slot; cb(a, done, cookie) reports the
 * certified result, a conflict or a timeout (timeout_ms as for
 * bft_client_invoke). Returns BFT_OK, BFT_E_BUSY (a request of this slot
 * is outstanding), BFT_E_LIMIT (op above max_op), BFT_E_INVAL.
 */
int bft_async_submit(struct bft_async *a, int slot, const void *op,
		     size_t len, bool readonly, int timeout_ms, bft_async_cb cb,
		     void *cookie);
/* The socket, to poll for POLLIN in the caller's own event loop. */
int bft_async_fd(const struct bft_async *a);
/* Milliseconds until a retransmission or timeout is due; -1: none. */
int bft_async_timeout(const struct bft_async *a);
/*
 * Without blocking: receive what arrived (recvmmsg), deliver
 * completions, retransmit and time out what is due, and flush. Returns
 * the number of completions, or BFT_E_SYSTEM.
 */
int bft_async_process(struct bft_async *a);
/*
 * Flush, wait up to timeout_ms (negative: no bound) or the next
 * retransmission deadline for datagrams, then bft_async_process().
 */
int bft_async_run(struct bft_async *a, int timeout_ms);
/* Send queued datagrams now. */
void bft_async_flush(struct bft_async *a);
/* Requests outstanding, over all logical clients. */
uint32_t bft_async_busy(const struct bft_async *a);
/* Per logical client counters (slot), as bft_client_get_stats(). */
void bft_async_client_stats(const struct bft_async *a, int slot,
			    struct bft_client_stats *st);
void bft_async_get_stats(const struct bft_async *a,
			 struct bft_async_stats *st);
/* Close the socket and wipe every logical client's keys; NULL is fine. */
void bft_async_close(struct bft_async *a);

#ifdef __cplusplus
}
#endif

#endif
