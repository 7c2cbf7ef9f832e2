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

#endif /* _BFT_SERVICE_H */
