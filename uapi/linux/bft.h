/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * bft: Byzantine fault tolerant replication (PBFT) in the kernel.
 *
 * Generic netlink family "bft". Every command needs CAP_NET_ADMIN in the
 * network namespace that owns the replica (GENL_UNS_ADMIN_PERM).
 *
 * Commands
 * --------
 * BFT_CMD_GET_STATUS (doit)
 *	Request: [BFT_A_STATUS_FLAGS] (u32, only BFT_STATUS_F_* bits)
 *	Reply:   BFT_A_VERSION (string), BFT_A_PROTO_VERSION (u32),
 *		 BFT_A_NETNS_COOKIE (u64), BFT_A_NR_REPLICAS (u32)
 *
 * BFT_CMD_REPLICA_NEW / _DEL / _SET / _GET (doit, dumpit)
 * BFT_CMD_PEER_NEW / _DEL, BFT_CMD_CLIENT_NEW / _DEL
 * BFT_CMD_VIEW_CHANGE
 *	Replica management; see Documentation/netlink/specs/bft.yaml.
 *
 * BFT_CMD_CHECKPOINT_GET (dumpit)
 *	Request: BFT_A_NAME. Reply: one message with BFT_A_CHECKPOINT
 *	(seq, view, digest, attesters, total), then messages with
 *	BFT_A_CHECKPOINT holding OFFSET + DATA chunks of the stream (engine
 *	section, then service snapshot) of the latest stable checkpoint.
 *
 * BFT_CMD_CHECKPOINT_PUT (doit)
 *	Seeds a replica that has executed nothing with an exported
 *	checkpoint, in order: BFT_A_NAME, BFT_A_CHECKPOINT (seq, digest,
 *	total, offset, data). The chunk that completes the stream must hash
 *	to the digest; the replica installs it only once Q replicas certify
 *	the same (seq, digest). See Documentation/admin-guide.rst.
 *
 * Multicast groups: "events" (view change, checkpoint, evidence) and
 * "log" (committed batches, in order).
 */
#ifndef _UAPI_LINUX_BFT_H
#define _UAPI_LINUX_BFT_H

#define BFT_GENL_NAME		"bft"
#define BFT_GENL_VERSION	1

#define BFT_MCGRP_EVENTS	"events"
#define BFT_MCGRP_LOG		"log"

/* Version string length cap, including the NUL. */
#define BFT_VERSION_MAX		32

enum bft_cmd {
	BFT_CMD_UNSPEC,
	BFT_CMD_GET_STATUS,
	BFT_CMD_REPLICA_NEW,
	BFT_CMD_REPLICA_DEL,
	BFT_CMD_REPLICA_SET,
	BFT_CMD_REPLICA_GET,
	BFT_CMD_PEER_NEW,
	BFT_CMD_PEER_DEL,
	BFT_CMD_CLIENT_NEW,
	BFT_CMD_CLIENT_DEL,
	BFT_CMD_VIEW_CHANGE,
	BFT_CMD_CHECKPOINT_GET,
	BFT_CMD_EVENT,		/* multicast only */
	BFT_CMD_LOG,		/* multicast only */
	BFT_CMD_CHECKPOINT_PUT,

	__BFT_CMD_MAX
};

#define BFT_CMD_MAX (__BFT_CMD_MAX - 1)

/* Flags for BFT_A_STATUS_FLAGS. */
enum bft_status_flags {
	/* Reserved: accepted, adds nothing yet; counters are per replica. */
	BFT_STATUS_F_COUNTERS	= 1U << 0,
};

#define BFT_STATUS_F_ALL	(BFT_STATUS_F_COUNTERS)

/* Replica instance names are unique per network namespace. */
#define BFT_NAME_MAX		16	/* including the NUL */

/* Client ids of a replica are 0..n_clients-1. */
#define BFT_NL_MAX_CLIENTS	4096

enum bft_attr {
	BFT_A_UNSPEC,
	BFT_A_VERSION,		/* string */
	BFT_A_PROTO_VERSION,	/* u32: wire protocol version */
	BFT_A_NETNS_COOKIE,	/* u64 */
	BFT_A_NR_REPLICAS,	/* u32: replica instances in this netns */
	BFT_A_STATUS_FLAGS,	/* u32: BFT_STATUS_F_* */
	BFT_A_PAD,
	BFT_A_NAME,		/* string: replica instance in this netns */
	BFT_A_REPLICA_ID,	/* u32: our id in the cluster, < n */
	BFT_A_N,		/* u32: cluster size n, 4..BFT_MAX_REPLICAS */
	BFT_A_N_CLIENTS,	/* u32: client ids are 0..n_clients-1 */
	BFT_A_LISTEN,		/* binary: struct sockaddr_in or sockaddr_in6 */
	BFT_A_POLICY,		/* nest: BFT_POLICY_A_* */
	BFT_A_PEER,		/* nest: BFT_PEER_A_* */
	BFT_A_CLIENT,		/* nest: BFT_CLIENT_A_* */
	BFT_A_PEERS,		/* nest of BFT_A_PEER (dump output) */
	BFT_A_INFO,		/* nest: BFT_INFO_A_* (read only) */
	BFT_A_COUNTERS,		/* nest of BFT_A_COUNTER (read only) */
	BFT_A_COUNTER,		/* nest: BFT_COUNTER_A_* */
	BFT_A_EVENT,		/* nest: BFT_EVENT_A_* (multicast) */
	BFT_A_LOG,		/* nest: BFT_LOG_A_* (multicast) */
	BFT_A_SERVICE,		/* nest: BFT_SERVICE_A_* (limits at create) */
	BFT_A_REPLACE,		/* flag: PEER/CLIENT_NEW may replace (key rotation) */
	BFT_A_CHECKPOINT,	/* nest: BFT_CKPT_A_* */
	BFT_A_CLIENT_MAP,	/* binary: bit i (byte i / 8) set if client i has a key (GET) */

	__BFT_A_MAX
};

#define BFT_A_MAX (__BFT_A_MAX - 1)

/* Replica policy. All optional; absent fields keep their value. */
enum bft_policy_attr {
	BFT_POLICY_A_UNSPEC,
	BFT_POLICY_A_BATCH_SIZE,	/* u32: requests per batch */
	BFT_POLICY_A_BATCH_BYTES,	/* u32: request bytes per batch */
	BFT_POLICY_A_BATCH_DELAY_MS,	/* u32: flush a partial batch after */
	BFT_POLICY_A_WINDOW,		/* u32: batches in flight (W) */
	BFT_POLICY_A_CKPT_INTERVAL,	/* u32: K, fixed at creation */
	BFT_POLICY_A_LOG_SIZE,		/* u32: L, fixed at creation */
	BFT_POLICY_A_VC_TIMEOUT_MS,	/* u32: base view-change timeout */
	BFT_POLICY_A_VC_TIMEOUT_MAX_MS,	/* u32: backoff ceiling */
	BFT_POLICY_A_VC_BACKOFF,	/* u32: multiplier per failed view */

	__BFT_POLICY_A_MAX
};

#define BFT_POLICY_A_MAX (__BFT_POLICY_A_MAX - 1)

/* A replica peer: one per other replica of the cluster. */
enum bft_peer_attr {
	BFT_PEER_A_UNSPEC,
	BFT_PEER_A_ID,		/* u32 */
	BFT_PEER_A_ENDPOINT,	/* binary: struct sockaddr_in or sockaddr_in6 */
	BFT_PEER_A_KEY,		/* binary[32]: pairwise HMAC key, write only */
	BFT_PEER_A_KEY_ID,	/* u8: reserved for key rotation; must be 0 */
	BFT_PEER_A_COUNTERS,	/* nest of BFT_A_COUNTER (read only) */

	__BFT_PEER_A_MAX
};

#define BFT_PEER_A_MAX (__BFT_PEER_A_MAX - 1)

enum bft_client_attr {
	BFT_CLIENT_A_UNSPEC,
	BFT_CLIENT_A_ID,	/* u32, < n_clients */
	BFT_CLIENT_A_KEY,	/* binary[32]: pairwise HMAC key, write only */
	BFT_CLIENT_A_KEY_ID,	/* u8: reserved for key rotation; must be 0 */

	__BFT_CLIENT_A_MAX
};

#define BFT_CLIENT_A_MAX (__BFT_CLIENT_A_MAX - 1)

/* Replica state, as the engine sees it. */
enum bft_info_attr {
	BFT_INFO_A_UNSPEC,
	BFT_INFO_A_VIEW,		/* u64 */
	BFT_INFO_A_STATUS,		/* u32: enum bft_replica_status */
	BFT_INFO_A_PRIMARY,		/* u32 */
	BFT_INFO_A_LAST_EXEC,		/* u64: last executed sequence number */
	BFT_INFO_A_STABLE_SEQ,		/* u64: low watermark h */
	BFT_INFO_A_STABLE_DIGEST,	/* binary[32]: its state digest */
	BFT_INFO_A_F,			/* u32 */
	BFT_INFO_A_QUORUM,		/* u32 */
	BFT_INFO_A_VC_TIMEOUT_MS,	/* u64: current, after backoff */
	BFT_INFO_A_PAD,
	BFT_INFO_A_STATE_DIGEST,	/* binary[32]: service state now */

	__BFT_INFO_A_MAX
};

#define BFT_INFO_A_MAX (__BFT_INFO_A_MAX - 1)

enum bft_replica_status {
	BFT_REPLICA_NORMAL,
	BFT_REPLICA_VIEW_CHANGE,
	BFT_REPLICA_STATE_TRANSFER,
	/*
	 * Created with no state, and the view is not yet confirmed by
	 * 2f peers or a NEW-VIEW: it may be one the others have left.
	 */
	BFT_REPLICA_JOINING,
};

/* Counters are self-describing (name, value) pairs. */
enum bft_counter_attr {
	BFT_COUNTER_A_UNSPEC,
	BFT_COUNTER_A_NAME,	/* string */
	BFT_COUNTER_A_VALUE,	/* u64 */
	BFT_COUNTER_A_PAD,

	__BFT_COUNTER_A_MAX
};

#define BFT_COUNTER_A_MAX (__BFT_COUNTER_A_MAX - 1)

enum bft_nl_event_type {
	BFT_EVENT_VIEW_CHANGE,	/* started a view change to VIEW */
	BFT_EVENT_NEW_VIEW,	/* entered VIEW */
	BFT_EVENT_CHECKPOINT,	/* took its own checkpoint at SEQ */
	BFT_EVENT_STABLE,	/* checkpoint SEQ became stable */
	BFT_EVENT_EVIDENCE,	/* REPLICA equivocated at (VIEW, SEQ) */
	BFT_EVENT_XFER_START,	/* state transfer to SEQ started */
	BFT_EVENT_XFER_DONE,	/* state at SEQ installed */
	BFT_EVENT_VIEW_JUMP,	/* followed f+1 replicas into VIEW */
	BFT_EVENT_SEED_REJECTED,	/* imported checkpoint SEQ contradicts Q */
};

enum bft_event_attr {
	BFT_EVENT_A_UNSPEC,
	BFT_EVENT_A_TYPE,	/* u32: enum bft_nl_event_type */
	BFT_EVENT_A_VIEW,	/* u64 */
	BFT_EVENT_A_SEQ,	/* u64 */
	BFT_EVENT_A_REPLICA,	/* u32: the replica concerned */
	BFT_EVENT_A_KIND,	/* u32: message kind, for evidence */
	BFT_EVENT_A_DIGEST,	/* binary[32] */
	BFT_EVENT_A_PAD,

	__BFT_EVENT_A_MAX
};

#define BFT_EVENT_A_MAX (__BFT_EVENT_A_MAX - 1)

/* One executed batch of the ordered log. */
enum bft_log_attr {
	BFT_LOG_A_UNSPEC,
	BFT_LOG_A_SEQ,		/* u64 */
	BFT_LOG_A_VIEW,		/* u64 */
	BFT_LOG_A_COUNT,	/* u32: requests in the batch (0: null) */
	BFT_LOG_A_BATCH,	/* binary: the REQUEST datagrams, back to back */
	BFT_LOG_A_PAD,

	__BFT_LOG_A_MAX
};

#define BFT_LOG_A_MAX (__BFT_LOG_A_MAX - 1)

/* A stable checkpoint and its stream (CHECKPOINT_GET / _PUT). */
enum bft_ckpt_attr {
	BFT_CKPT_A_UNSPEC,
	BFT_CKPT_A_SEQ,		/* u64 */
	BFT_CKPT_A_VIEW,	/* u64: view in which it became stable */
	BFT_CKPT_A_DIGEST,	/* binary[32]: SHA-256 of the stream */
	BFT_CKPT_A_ATTEST,	/* u64: bit i set if replica i certified it */
	BFT_CKPT_A_TOTAL,	/* u64: stream bytes */
	BFT_CKPT_A_OFFSET,	/* u64: of DATA in the stream */
	BFT_CKPT_A_DATA,	/* binary: a chunk of the stream */
	BFT_CKPT_A_ESZ,		/* u32: engine section bytes (GET only) */
	BFT_CKPT_A_PAD,

	__BFT_CKPT_A_MAX
};

#define BFT_CKPT_A_MAX (__BFT_CKPT_A_MAX - 1)

/* Largest checkpoint stream a replica accepts for seeding. */
#define BFT_CKPT_MAX_STREAM	(64U << 20)
/* Largest chunk in one CHECKPOINT_PUT or CHECKPOINT_GET message. */
#define BFT_CKPT_MAX_CHUNK	32768

/* Built-in key-value service limits, fixed at creation. */
enum bft_service_attr {
	BFT_SERVICE_A_UNSPEC,
	BFT_SERVICE_A_MAX_KEYS,		/* u32 */
	BFT_SERVICE_A_MAX_KEY_LEN,	/* u32 */
	BFT_SERVICE_A_MAX_VALUE_LEN,	/* u32 */

	__BFT_SERVICE_A_MAX
};

#define BFT_SERVICE_A_MAX (__BFT_SERVICE_A_MAX - 1)

#endif /* _UAPI_LINUX_BFT_H */
