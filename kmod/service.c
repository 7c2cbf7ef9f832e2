// SPDX-License-Identifier: GPL-2.0
/*
 * The replica's built-in service: engine callbacks onto the key-value
 * store. Runs in the worker, which serialises every call.
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

u32 bft_service_execute(void *ctx, u32 client, u64 ts, const void *op,
			u32 op_len, bool readonly, void *result, u32 cap)
{
	struct bft_replica *r = ctx;

	return bft_kv_execute(r->kv, op, op_len, readonly, result, cap);
}

int bft_service_checkpoint(void *ctx, u64 seq)
{
	struct bft_replica *r = ctx;

	return bft_kv_checkpoint(r->kv, seq);
}

long bft_service_snapshot_read(void *ctx, u64 seq, u64 off, void *buf,
			       u32 cap)
{
	struct bft_replica *r = ctx;

	return bft_kv_snapshot_read(r->kv, seq, off, buf, cap);
}

void bft_service_snapshot_release(void *ctx, u64 seq)
{
	struct bft_replica *r = ctx;

	bft_kv_snapshot_release(r->kv, seq);
}

u64 bft_service_snapshot_max(void *ctx)
{
	struct bft_replica *r = ctx;

	return bft_kv_snapshot_max(r->kv);
}

int bft_service_install(void *ctx, u64 seq, u64 off, const void *buf,
			u32 len)
{
	struct bft_replica *r = ctx;

	return bft_kv_install(r->kv, seq, off, buf, len);
}

void bft_service_install_done(void *ctx, u64 seq, bool ok)
{
	struct bft_replica *r = ctx;

	bft_kv_install_done(r->kv, seq, ok);
}
