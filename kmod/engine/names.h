/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one table of names for message kinds, drop reasons, replica status
 * and events, shared by bft.ko's counters, bftd, bftctl and the test
 * tools, so every output uses the same words. Out of range: "?".
 */
#ifndef _BFT_NAMES_H
#define _BFT_NAMES_H

#include "port.h"

/* enum bft_msg_kind (uapi bft_wire.h): "preprepare", "view_change", ... */
const char *bft_msg_name(u32 kind);
/* enum bft_drop_reason (uapi bft_wire.h): "mac", "not_primary", ... */
const char *bft_drop_name(u32 reason);
/* enum bft_status (engine.h), equal to the netlink BFT_REPLICA_* values. */
const char *bft_status_name(u32 status);
/* enum bft_event_type (engine.h), equal to the netlink BFT_EVENT_* values. */
const char *bft_event_name(u32 type);

#endif /* _BFT_NAMES_H */
