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
 * BFT_CMD_VIEW_CHANGE, BFT_CMD_CHECKPOINT_GET
 *	Replica management; see Documentation/netlink/specs/bft.yaml.
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

	__BFT_CMD_MAX
};

#define BFT_CMD_MAX (__BFT_CMD_MAX - 1)

/* Flags for BFT_A_STATUS_FLAGS. */
enum bft_status_flags {
	BFT_STATUS_F_COUNTERS	= 1U << 0,	/* include module-wide counters */
};

#define BFT_STATUS_F_ALL	(BFT_STATUS_F_COUNTERS)

enum bft_attr {
	BFT_A_UNSPEC,
	BFT_A_VERSION,		/* string */
	BFT_A_PROTO_VERSION,	/* u32: wire protocol version */
	BFT_A_NETNS_COOKIE,	/* u64 */
	BFT_A_NR_REPLICAS,	/* u32: replica instances in this netns */
	BFT_A_STATUS_FLAGS,	/* u32: BFT_STATUS_F_* */
	BFT_A_PAD,

	__BFT_A_MAX
};

#define BFT_A_MAX (__BFT_A_MAX - 1)

#endif /* _UAPI_LINUX_BFT_H */
