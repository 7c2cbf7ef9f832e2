/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint files of `bftctl checkpoint export/verify/import`; the
 * layout is in Documentation/admin-guide.rst ("Operations: checkpoints").
 * Little-endian: a 96-byte header, the stream (engine section, then the
 * service snapshot), and a SHA-256 over everything before it.
 */
#ifndef BFT_CKPTFILE_H
#define BFT_CKPTFILE_H

#include <stddef.h>
#include <stdint.h>

#define BFT_CKPT_FILE_MAGIC	"BFTCKPT\0"
#define BFT_CKPT_FILE_VERSION	1
#define BFT_CKPT_FILE_HDR	96
#define BFT_CKPT_FILE_TRAILER	32
#define BFT_CKPT_DIGEST_LEN	32

struct bft_ckpt_file {
	uint32_t n;		/* cluster size */
	uint32_t replica;	/* the replica it was exported from */
	uint32_t esz;		/* engine section bytes at the stream start */
	uint64_t seq;
	uint64_t view;		/* in which it became stable */
	uint64_t attest;	/* bit i: replica i's CHECKPOINT certified it */
	uint8_t digest[BFT_CKPT_DIGEST_LEN];	/* certified state digest */
	uint64_t len;		/* stream bytes */
	const uint8_t *stream;	/* points into the parsed buffer */
};

enum bft_ckpt_file_err {
	BFT_CKPT_OK = 0,
	BFT_CKPT_E_MAGIC = -1,		/* not a checkpoint file */
	BFT_CKPT_E_CORRUPT = -2,	/* truncated, extended or bad checksum */
	BFT_CKPT_E_VERSION = -3,
	BFT_CKPT_E_FIELD = -4,		/* a header field is out of range */
	BFT_CKPT_E_TAMPERED = -5,	/* stream does not hash to digest */
};

/* Leave the stream-vs-digest check to someone else (the kernel). */
#define BFT_CKPT_F_NO_DIGEST	0x1

/*
 * Checks buf completely: magic, length, trailer, version, fields and
 * finally (unless BFT_CKPT_F_NO_DIGEST) that the stream hashes to the
 * recorded digest. Returns BFT_CKPT_OK or an error with a message in
 * err; f is filled as far as it could be parsed.
 */
int bft_ckpt_file_parse(const uint8_t *buf, size_t len, unsigned int flags,
			struct bft_ckpt_file *f, char *err, size_t errlen);
/* Bytes the file of f takes. */
size_t bft_ckpt_file_size(const struct bft_ckpt_file *f);
/* Writes f (with f->stream) into out (bft_ckpt_file_size bytes). */
void bft_ckpt_file_build(const struct bft_ckpt_file *f, uint8_t *out);
/*
 * Writes len bytes to path, created or truncated with mode 0600 (an
 * existing file is narrowed first): it holds the replicated state.
 * 0 or -errno.
 */
int bft_ckpt_file_write(const char *path, const void *buf, size_t len);
/* SHA-256 of len bytes; 0 or -1. */
int bft_ckpt_sha256(const void *p, size_t len, uint8_t out[32]);

#endif
