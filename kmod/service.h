/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BFT_SERVICE_H
#define _BFT_SERVICE_H

#include "engine/engine.h"

struct bft_replica;

int bft_service_create(struct bft_replica *r, u32 max_keys, u32 max_key,
		       u32 max_value);
void bft_service_destroy(struct bft_replica *r);
/* SHA-256 of the service state now; caller holds the replica lock. */
void bft_service_digest(struct bft_replica *r, u8 *digest);

/* struct bft_ops callbacks; ctx is the replica. */
u32 bft_service_execute(void *ctx, u32 client, u64 ts, const void *op,
			u32 op_len, bool readonly, void *result, u32 cap);
int bft_service_checkpoint(void *ctx, u64 seq);
long bft_service_snapshot_read(void *ctx, u64 seq, u64 off, void *buf,
			       u32 cap);
void bft_service_snapshot_release(void *ctx, u64 seq);
u64 bft_service_snapshot_max(void *ctx);
int bft_service_install(void *ctx, u64 seq, u64 off, const void *buf,
			u32 len);
void bft_service_install_done(void *ctx, u64 seq, bool ok);

#endif /* _BFT_SERVICE_H */
