// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/bft.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink_gen.h"

#include <uapi/linux/bft.h>

/* Integer value ranges */
static const struct netlink_range_validation bft_policy_a_batch_bytes_range = {
	.min	= 64ULL,
	.max	= 65507ULL,
};

static const struct netlink_range_validation bft_policy_a_vc_timeout_ms_range = {
	.min	= 10ULL,
	.max	= 3600000ULL,
};

static const struct netlink_range_validation bft_policy_a_vc_timeout_max_ms_range = {
	.min	= 10ULL,
	.max	= 3600000ULL,
};

static const struct netlink_range_validation bft_policy_a_expect_hb_ms_range = {
	.min	= 1ULL,
	.max	= 3600000ULL,
};

static const struct netlink_range_validation bft_policy_a_expect_window_ms_range = {
	.min	= 10ULL,
	.max	= 600000ULL,
};

static const struct netlink_range_validation bft_policy_a_key_rotation_sec_range = {
	.max	= 31536000ULL,
};

static const struct netlink_range_validation bft_ckpt_a_total_range = {
	.min	= 1ULL,
	.max	= BFT_CKPT_MAX_STREAM,
};

/* Common nested types */
const struct nla_policy bft_checkpoint_nl_policy[BFT_CKPT_A_PAD + 1] = {
	[BFT_CKPT_A_SEQ] = NLA_POLICY_MIN(NLA_U64, 1),
	[BFT_CKPT_A_VIEW] = { .type = NLA_U64, },
	[BFT_CKPT_A_DIGEST] = NLA_POLICY_EXACT_LEN(32),
	[BFT_CKPT_A_ATTEST] = { .type = NLA_U64, },
	[BFT_CKPT_A_TOTAL] = NLA_POLICY_FULL_RANGE(NLA_U64, &bft_ckpt_a_total_range),
	[BFT_CKPT_A_OFFSET] = { .type = NLA_U64, },
	[BFT_CKPT_A_DATA] = { .type = NLA_BINARY, },
	[BFT_CKPT_A_ESZ] = { .type = NLA_U32, },
};

const struct nla_policy bft_client_nl_policy[BFT_CLIENT_A_KEY_ID + 1] = {
	[BFT_CLIENT_A_ID] = NLA_POLICY_MAX(NLA_U32, 4095),
	[BFT_CLIENT_A_KEY] = NLA_POLICY_EXACT_LEN(32),
	[BFT_CLIENT_A_KEY_ID] = { .type = NLA_U8, },
};

const struct nla_policy bft_counter_nl_policy[BFT_COUNTER_A_PAD + 1] = {
	[BFT_COUNTER_A_NAME] = { .type = NLA_NUL_STRING, },
	[BFT_COUNTER_A_VALUE] = { .type = NLA_U64, },
};

const struct nla_policy bft_counter_list_nl_policy[BFT_COUNTERS_A_COUNTER + 1] = {
	[BFT_COUNTERS_A_COUNTER] = NLA_POLICY_NESTED(bft_counter_nl_policy),
};

const struct nla_policy bft_peer_nl_policy[BFT_PEER_A_KEY_SEND + 1] = {
	[BFT_PEER_A_ID] = NLA_POLICY_MAX(NLA_U32, 63),
	[BFT_PEER_A_ENDPOINT] = { .type = NLA_BINARY, },
	[BFT_PEER_A_KEY] = NLA_POLICY_EXACT_LEN(32),
	[BFT_PEER_A_KEY_ID] = { .type = NLA_U8, },
	[BFT_PEER_A_COUNTERS] = NLA_POLICY_NESTED(bft_counter_list_nl_policy),
	[BFT_PEER_A_KEY_NEXT] = { .type = NLA_U8, },
	[BFT_PEER_A_KEY_SEND] = { .type = NLA_U8, },
};

const struct nla_policy bft_peer_list_nl_policy[BFT_PEERS_A_PEER + 1] = {
	[BFT_PEERS_A_PEER] = NLA_POLICY_NESTED(bft_peer_nl_policy),
};

const struct nla_policy bft_policy_nl_policy[BFT_POLICY_A_KEY_ROTATION_SEC + 1] = {
	[BFT_POLICY_A_BATCH_SIZE] = NLA_POLICY_RANGE(NLA_U32, 1, 1024),
	[BFT_POLICY_A_BATCH_BYTES] = NLA_POLICY_FULL_RANGE(NLA_U32, &bft_policy_a_batch_bytes_range),
	[BFT_POLICY_A_BATCH_DELAY_MS] = NLA_POLICY_MAX(NLA_U32, 10000),
	[BFT_POLICY_A_WINDOW] = NLA_POLICY_RANGE(NLA_U32, 1, 256),
	[BFT_POLICY_A_CKPT_INTERVAL] = NLA_POLICY_RANGE(NLA_U32, 1, 128),
	[BFT_POLICY_A_LOG_SIZE] = NLA_POLICY_RANGE(NLA_U32, 2, 256),
	[BFT_POLICY_A_VC_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &bft_policy_a_vc_timeout_ms_range),
	[BFT_POLICY_A_VC_TIMEOUT_MAX_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &bft_policy_a_vc_timeout_max_ms_range),
	[BFT_POLICY_A_VC_BACKOFF] = NLA_POLICY_RANGE(NLA_U32, 1, 16),
	[BFT_POLICY_A_NO_TENTATIVE] = NLA_POLICY_MAX(NLA_U32, 1),
	[BFT_POLICY_A_EXPECT_HB_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &bft_policy_a_expect_hb_ms_range),
	[BFT_POLICY_A_EXPECT_WINDOW_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &bft_policy_a_expect_window_ms_range),
	[BFT_POLICY_A_EXPECT_PCT] = NLA_POLICY_RANGE(NLA_U32, 1, 100),
	[BFT_POLICY_A_KEY_ROTATION_SEC] = NLA_POLICY_FULL_RANGE(NLA_U32, &bft_policy_a_key_rotation_sec_range),
};

const struct nla_policy bft_service_nl_policy[BFT_SERVICE_A_MAX_VALUE_LEN + 1] = {
	[BFT_SERVICE_A_MAX_KEYS] = NLA_POLICY_RANGE(NLA_U32, 1, 16384),
	[BFT_SERVICE_A_MAX_KEY_LEN] = NLA_POLICY_RANGE(NLA_U32, 1, 1024),
	[BFT_SERVICE_A_MAX_VALUE_LEN] = NLA_POLICY_MAX(NLA_U32, 1024),
};

const struct nla_policy bft_staged_nl_policy[BFT_STAGED_A_N + 1] = {
	[BFT_STAGED_A_EPOCH] = { .type = NLA_U64, },
	[BFT_STAGED_A_CONFIG] = NLA_POLICY_EXACT_LEN(32),
	[BFT_STAGED_A_PEERS] = NLA_POLICY_NESTED(bft_peer_list_nl_policy),
	[BFT_STAGED_A_N] = NLA_POLICY_RANGE(NLA_U32, 4, 64),
};

/* BFT_CMD_GET_STATUS - do */
static const struct nla_policy bft_get_status_nl_policy[BFT_A_STATUS_FLAGS + 1] = {
	[BFT_A_STATUS_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x1),
};

/* BFT_CMD_REPLICA_NEW - do */
static const struct nla_policy bft_replica_new_nl_policy[BFT_A_MAX_N + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[BFT_A_REPLICA_ID] = NLA_POLICY_MAX(NLA_U32, 63),
	[BFT_A_N] = NLA_POLICY_RANGE(NLA_U32, 4, 64),
	[BFT_A_N_CLIENTS] = NLA_POLICY_RANGE(NLA_U32, 1, BFT_NL_MAX_CLIENTS),
	[BFT_A_LISTEN] = { .type = NLA_BINARY, },
	[BFT_A_POLICY] = NLA_POLICY_NESTED(bft_policy_nl_policy),
	[BFT_A_SERVICE] = NLA_POLICY_NESTED(bft_service_nl_policy),
	[BFT_A_ADMIN] = NLA_POLICY_MAX(NLA_U32, 4095),
	[BFT_A_EPOCH] = { .type = NLA_U64, },
	[BFT_A_CONFIG_DIGEST] = NLA_POLICY_EXACT_LEN(32),
	[BFT_A_MAX_N] = NLA_POLICY_RANGE(NLA_U32, 4, 64),
};

/* BFT_CMD_REPLICA_DEL - do */
static const struct nla_policy bft_replica_del_nl_policy[BFT_A_NAME + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* BFT_CMD_REPLICA_SET - do */
static const struct nla_policy bft_replica_set_nl_policy[BFT_A_STAGED + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[BFT_A_POLICY] = NLA_POLICY_NESTED(bft_policy_nl_policy),
	[BFT_A_STAGED] = NLA_POLICY_NESTED(bft_staged_nl_policy),
};

/* BFT_CMD_REPLICA_GET - do */
static const struct nla_policy bft_replica_get_nl_policy[BFT_A_NAME + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* BFT_CMD_PEER_NEW - do */
static const struct nla_policy bft_peer_new_nl_policy[BFT_A_REPLACE + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[BFT_A_PEER] = NLA_POLICY_NESTED(bft_peer_nl_policy),
	[BFT_A_REPLACE] = { .type = NLA_FLAG, },
};

/* BFT_CMD_PEER_DEL - do */
static const struct nla_policy bft_peer_del_nl_policy[BFT_A_PEER + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[BFT_A_PEER] = NLA_POLICY_NESTED(bft_peer_nl_policy),
};

/* BFT_CMD_CLIENT_NEW - do */
static const struct nla_policy bft_client_new_nl_policy[BFT_A_REPLACE + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[BFT_A_CLIENT] = NLA_POLICY_NESTED(bft_client_nl_policy),
	[BFT_A_REPLACE] = { .type = NLA_FLAG, },
};

/* BFT_CMD_CLIENT_DEL - do */
static const struct nla_policy bft_client_del_nl_policy[BFT_A_CLIENT + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[BFT_A_CLIENT] = NLA_POLICY_NESTED(bft_client_nl_policy),
};

/* BFT_CMD_VIEW_CHANGE - do */
static const struct nla_policy bft_view_change_nl_policy[BFT_A_NAME + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* BFT_CMD_CHECKPOINT_GET - dump */
static const struct nla_policy bft_checkpoint_get_nl_policy[BFT_A_NAME + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* BFT_CMD_CHECKPOINT_PUT - do */
static const struct nla_policy bft_checkpoint_put_nl_policy[BFT_A_CHECKPOINT + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[BFT_A_CHECKPOINT] = NLA_POLICY_NESTED(bft_checkpoint_nl_policy),
};

/* BFT_CMD_KEYS_ROTATE - do */
static const struct nla_policy bft_keys_rotate_nl_policy[BFT_A_NAME + 1] = {
	[BFT_A_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* Ops table for bft */
const struct genl_split_ops bft_nl_ops[14] = {
	{
		.cmd		= BFT_CMD_GET_STATUS,
		.doit		= bft_nl_get_status_doit,
		.policy		= bft_get_status_nl_policy,
		.maxattr	= BFT_A_STATUS_FLAGS,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= BFT_CMD_REPLICA_NEW,
		.doit		= bft_nl_replica_new_doit,
		.policy		= bft_replica_new_nl_policy,
		.maxattr	= BFT_A_MAX_N,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= BFT_CMD_REPLICA_DEL,
		.doit		= bft_nl_replica_del_doit,
		.policy		= bft_replica_del_nl_policy,
		.maxattr	= BFT_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= BFT_CMD_REPLICA_SET,
		.doit		= bft_nl_replica_set_doit,
		.policy		= bft_replica_set_nl_policy,
		.maxattr	= BFT_A_STAGED,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= BFT_CMD_REPLICA_GET,
		.doit		= bft_nl_replica_get_doit,
		.policy		= bft_replica_get_nl_policy,
		.maxattr	= BFT_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= BFT_CMD_REPLICA_GET,
		.dumpit	= bft_nl_replica_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= BFT_CMD_PEER_NEW,
		.doit		= bft_nl_peer_new_doit,
		.policy		= bft_peer_new_nl_policy,
		.maxattr	= BFT_A_REPLACE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= BFT_CMD_PEER_DEL,
		.doit		= bft_nl_peer_del_doit,
		.policy		= bft_peer_del_nl_policy,
		.maxattr	= BFT_A_PEER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= BFT_CMD_CLIENT_NEW,
		.doit		= bft_nl_client_new_doit,
		.policy		= bft_client_new_nl_policy,
		.maxattr	= BFT_A_REPLACE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= BFT_CMD_CLIENT_DEL,
		.doit		= bft_nl_client_del_doit,
		.policy		= bft_client_del_nl_policy,
		.maxattr	= BFT_A_CLIENT,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= BFT_CMD_VIEW_CHANGE,
		.doit		= bft_nl_view_change_doit,
		.policy		= bft_view_change_nl_policy,
		.maxattr	= BFT_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= BFT_CMD_CHECKPOINT_GET,
		.start		= bft_nl_checkpoint_get_start,
		.dumpit		= bft_nl_checkpoint_get_dumpit,
		.done		= bft_nl_checkpoint_get_done,
		.policy		= bft_checkpoint_get_nl_policy,
		.maxattr	= BFT_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= BFT_CMD_CHECKPOINT_PUT,
		.doit		= bft_nl_checkpoint_put_doit,
		.policy		= bft_checkpoint_put_nl_policy,
		.maxattr	= BFT_A_CHECKPOINT,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= BFT_CMD_KEYS_ROTATE,
		.doit		= bft_nl_keys_rotate_doit,
		.policy		= bft_keys_rotate_nl_policy,
		.maxattr	= BFT_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group bft_nl_mcgrps[] = {
	[BFT_NLGRP_EVENTS] = { "events", },
	[BFT_NLGRP_LOG] = { "log", },
};
