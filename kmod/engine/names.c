// SPDX-License-Identifier: GPL-2.0
/*
 * Names of message kinds, drop reasons, status values and events. The
 * kernel's counter names are built from these ("tx_preprepare",
 * "drop_reason_mac") and tests grep them: change a word only with them.
 */
#include "engine.h"
#include "names.h"

static const char * const msg_names[__BFT_MSG_MAX] = {
	[BFT_MSG_UNSPEC] = "unspec",
	[BFT_MSG_REQUEST] = "request",
	[BFT_MSG_PRE_PREPARE] = "preprepare",
	[BFT_MSG_PREPARE] = "prepare",
	[BFT_MSG_COMMIT] = "commit",
	[BFT_MSG_REPLY] = "reply",
	[BFT_MSG_CHECKPOINT] = "checkpoint",
	[BFT_MSG_VIEW_CHANGE] = "view_change",
	[BFT_MSG_NEW_VIEW] = "new_view",
	[BFT_MSG_FETCH] = "fetch",
	[BFT_MSG_DATA] = "data",
	[BFT_MSG_VC_ACK] = "vc_ack",
	[BFT_MSG_SUSPECT] = "suspect",
};

static const char * const drop_names[__BFT_DROP_MAX] = {
	[BFT_DROP_NONE] = "none",
	[BFT_DROP_SHORT] = "short",
	[BFT_DROP_MAGIC] = "magic",
	[BFT_DROP_VERSION] = "version",
	[BFT_DROP_KIND] = "kind",
	[BFT_DROP_LEN] = "len",
	[BFT_DROP_TOO_LONG] = "too_long",
	[BFT_DROP_PRINCIPAL] = "principal",
	[BFT_DROP_SENDER] = "sender",
	[BFT_DROP_RESERVED] = "reserved",
	[BFT_DROP_NO_KEY] = "no_key",
	[BFT_DROP_MAC] = "mac",
	[BFT_DROP_AUTH] = "auth",
	[BFT_DROP_NAUTH] = "nauth",
	[BFT_DROP_OP_LEN] = "op_len",
	[BFT_DROP_BATCH_COUNT] = "batch_count",
	[BFT_DROP_BATCH_BYTES] = "batch_bytes",
	[BFT_DROP_DIGEST] = "digest",
	[BFT_DROP_INNER] = "inner",
	[BFT_DROP_VC_FORMAT] = "vc_format",
	[BFT_DROP_VIEW] = "view",
	[BFT_DROP_WINDOW] = "window",
	[BFT_DROP_NOT_PRIMARY] = "not_primary",
	[BFT_DROP_DUPLICATE] = "duplicate",
	[BFT_DROP_STALE] = "stale",
	[BFT_DROP_CONFLICT] = "conflict",
	[BFT_DROP_BUSY] = "busy",
	[BFT_DROP_NV_INVALID] = "nv_invalid",
	[BFT_DROP_XFER] = "xfer",
	[BFT_DROP_STATE] = "state",
	[BFT_DROP_QUEUE_FULL] = "queue_full",
	[BFT_DROP_NO_MEM] = "no_mem",
	[BFT_DROP_THROTTLED] = "throttled",
	[BFT_DROP_EPOCH] = "epoch",
	[BFT_DROP_ADMIN] = "admin",
	[BFT_DROP_KEY_ID] = "key_id",
};

static const char * const status_names[__BFT_ST_MAX] = {
	[BFT_ST_NORMAL] = "normal",
	[BFT_ST_VIEW_CHANGE] = "view-change",
	[BFT_ST_XFER] = "state-transfer",
	[BFT_ST_JOINING] = "joining",
};

static const char * const event_names[__BFT_EV_MAX] = {
	[BFT_EV_VIEW_CHANGE] = "view-change",
	[BFT_EV_NEW_VIEW] = "new-view",
	[BFT_EV_CHECKPOINT] = "checkpoint",
	[BFT_EV_STABLE] = "stable-checkpoint",
	[BFT_EV_EVIDENCE] = "evidence",
	[BFT_EV_XFER_START] = "state-transfer-start",
	[BFT_EV_XFER_DONE] = "state-transfer-done",
	[BFT_EV_VIEW_JUMP] = "view-jump",
	[BFT_EV_SEED_REJECTED] = "seed-rejected",
	[BFT_EV_EPOCH] = "epoch",
	[BFT_EV_LEFT] = "left",
};

static const char *name_of(const char * const *names, u32 n, u32 i)
{
	return i < n && names[i] ? names[i] : "?";
}

const char *bft_msg_name(u32 kind)
{
	return name_of(msg_names, __BFT_MSG_MAX, kind);
}

const char *bft_drop_name(u32 reason)
{
	return name_of(drop_names, __BFT_DROP_MAX, reason);
}

const char *bft_status_name(u32 status)
{
	return name_of(status_names, __BFT_ST_MAX, status);
}

const char *bft_event_name(u32 type)
{
	return name_of(event_names, __BFT_EV_MAX, type);
}
