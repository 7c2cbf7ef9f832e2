// SPDX-License-Identifier: GPL-2.0
/*
 * The replica's built-in service, the key-value store: created with the
 * replica's limits; the engine reaches it through bft_kv_service (kv.c)
 * from the worker, which serialises every call.
 */
#include "kv.h"
#include "replica.h"
#include "service.h"

int bft_service_create(struct bft_replica *r, u32 max_keys, u32 max_key,
		       u32 max_value)
{
	struct bft_kv_limits lim = {
		.max_keys = max_keys,
		.max_key = max_key,
		.max_value = max_value,
	};
	int err = 0;

	bft_kv_limits_default(&lim);
	if (bft_kv_limits_check(&lim))
		return -EINVAL;
	r->kv = bft_kv_create(&lim, &err);
	return r->kv ? 0 : err;
}

void bft_service_destroy(struct bft_replica *r)
{
	if (r->kv)
		bft_kv_destroy(r->kv);
	r->kv = NULL;
}

void bft_service_digest(struct bft_replica *r, u8 *digest)
{
	bft_kv_digest(r->kv, digest);
}
