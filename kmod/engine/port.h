/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Portability layer: the engine includes only this header (plus its own),
 * so the same sources build into bft.ko and into userspace tests.
 */
#ifndef _BFT_PORT_H
#define _BFT_PORT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <crypto/algapi.h>
#include <crypto/sha2.h>

typedef struct sha256_state bft_sha_ctx;

static inline void bft_sha_init(bft_sha_ctx *c)
{
	sha256_init(c);
}

static inline void bft_sha_update(bft_sha_ctx *c, const void *p, u32 len)
{
	sha256_update(c, p, len);
}

static inline void bft_sha_final(bft_sha_ctx *c, u8 *out)
{
	sha256_final(c, out);
}

/* Large, long-lived tables: only allocated at create/configure time. */
static inline void *bft_zalloc(size_t sz)
{
	return kvzalloc(sz, GFP_KERNEL);
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

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <openssl/sha.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

typedef SHA256_CTX bft_sha_ctx;

/* The low-level SHA256 API is deprecated in OpenSSL 3 but allocation-free. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static inline void bft_sha_init(bft_sha_ctx *c)
{
	SHA256_Init(c);
}

static inline void bft_sha_update(bft_sha_ctx *c, const void *p, u32 len)
{
	SHA256_Update(c, p, len);
}

static inline void bft_sha_final(bft_sha_ctx *c, u8 *out)
{
	SHA256_Final(out, c);
}
#pragma GCC diagnostic pop

static inline void *bft_zalloc(size_t sz)
{
	return calloc(1, sz ? sz : 1);
}

static inline void bft_free(void *p)
{
	free(p);
}

/* Constant time: the result must not depend on where bytes differ. */
static inline bool bft_memneq(const void *a, const void *b, size_t n)
{
	const volatile u8 *x = a, *y = b;
	u8 d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d != 0;
}

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
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static inline void bft_put32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

static inline void bft_put64(u8 *p, u64 v)
{
	bft_put32(p, (u32)v);
	bft_put32(p + 4, (u32)(v >> 32));
}

#endif /* _BFT_PORT_H */
