/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Portability layer: the engine includes only this header (plus its own),
 * so the same sources build into bft.ko and into userspace tests.
 */
#ifndef _BFT_PORT_H
#define _BFT_PORT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <crypto/algapi.h>
#include <crypto/sha2.h>

struct bft_sha_ctx {
	struct sha256_state s;
};

static inline void bft_sha_init(struct bft_sha_ctx *c)
{
	sha256_init(&c->s);
}

static inline void bft_sha_update(struct bft_sha_ctx *c, const void *p,
				  u32 len)
{
	sha256_update(&c->s, p, len);
}

static inline void bft_sha_final(struct bft_sha_ctx *c, u8 *out)
{
	sha256_final(&c->s, out);
}

/*
 * Large, long-lived tables, allocated in process context on behalf of
 * whoever owns the replica: charged to its memory cgroup (the worker runs
 * with that cgroup active). At the cgroup's limit they fail with -ENOMEM
 * rather than invoke its OOM killer.
 */
#define BFT_GFP_BIG	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

static inline void *bft_zalloc(size_t sz)
{
	return kvzalloc(sz, BFT_GFP_BIG);
}

static inline void bft_free(void *p)
{
	kvfree(p);
}

static inline bool bft_memneq(const void *a, const void *b, size_t n)
{
	return crypto_memneq(a, b, n) != 0;
}

#else /* userspace */

/* libc + OpenSSL; kept apart since it is not kernel code (no checkpatch). */
#include "port_user.inc"

#endif /* __KERNEL__ */

/* Byte-wise little-endian access: fields inside batches are unaligned. */
static inline u16 bft_get16(const u8 *p)
{
	return (u16)(p[0] | (p[1] << 8));
}

static inline u32 bft_get32(const u8 *p)
{
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) |
	       ((u32)p[3] << 24);
}

static inline u64 bft_get64(const u8 *p)
{
	return (u64)bft_get32(p) | ((u64)bft_get32(p + 4) << 32);
}

static inline void bft_put16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static inline void bft_put32(u8 *p, u32 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static inline void bft_put64(u8 *p, u64 v)
{
	bft_put32(p, v & 0xffffffff);
	bft_put32(p + 4, v >> 32);
}

#endif /* _BFT_PORT_H */
