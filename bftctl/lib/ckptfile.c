// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint file codec. Every check is against the buffer length first;
 * corruption (the trailer) is reported before any field is believed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ckptfile.h"
#include "statedigest.h"
#include "errmsg.h"

#define BFT_CKPT_MAX_N		64

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

int bft_ckpt_sha256(const void *p, size_t len, uint8_t out[32])
{
	unsigned int n = 0;

	return EVP_Digest(p, len, out, &n, EVP_sha256(), NULL) == 1 &&
	       n == 32 ? 0 : -1;
}

size_t bft_ckpt_file_size(const struct bft_ckpt_file *f)
{
	return BFT_CKPT_FILE_HDR + (size_t)f->len + BFT_CKPT_FILE_TRAILER;
}

void bft_ckpt_file_build(const struct bft_ckpt_file *f, uint8_t *out)
{
	memset(out, 0, BFT_CKPT_FILE_HDR);
	memcpy(out, BFT_CKPT_FILE_MAGIC, 8);
	put32(out + 8, BFT_CKPT_FILE_VERSION);
	put32(out + 12, f->n);
	put32(out + 16, f->replica);
	put32(out + 20, f->esz);
	put64(out + 24, f->seq);
	put64(out + 32, f->view);
	put64(out + 40, f->attest);
	memcpy(out + 48, f->digest, BFT_CKPT_DIGEST_LEN);
	put64(out + 80, f->len);
	/* 88..95 reserved, zero */
	memcpy(out + BFT_CKPT_FILE_HDR, f->stream, (size_t)f->len);
	bft_ckpt_sha256(out, BFT_CKPT_FILE_HDR + (size_t)f->len,
			out + BFT_CKPT_FILE_HDR + f->len);
}

int bft_ckpt_file_parse(const uint8_t *buf, size_t len, unsigned int flags,
			struct bft_ckpt_file *f, char *err, size_t errlen)
{
	uint8_t d[32];
	uint64_t slen;

	memset(f, 0, sizeof(*f));
	if (len < 8 || memcmp(buf, BFT_CKPT_FILE_MAGIC, 8))
		return bft_errf(err, errlen, BFT_CKPT_E_MAGIC,
			    "not a bft checkpoint file (bad magic)");
	if (len < BFT_CKPT_FILE_HDR + BFT_CKPT_FILE_TRAILER)
		return bft_errf(err, errlen, BFT_CKPT_E_CORRUPT,
			    "file is corrupt: truncated (%zu bytes)", len);
	slen = get64(buf + 80);
	if (slen != len - BFT_CKPT_FILE_HDR - BFT_CKPT_FILE_TRAILER)
		return bft_errf(err, errlen, BFT_CKPT_E_CORRUPT,
			    "file is corrupt: %zu bytes, header says %llu of snapshot",
			    len, (unsigned long long)slen);
	if (bft_ckpt_sha256(buf, len - BFT_CKPT_FILE_TRAILER, d))
		return bft_errf(err, errlen, BFT_CKPT_E_CORRUPT, "cannot hash the file");
	if (memcmp(d, buf + len - BFT_CKPT_FILE_TRAILER, sizeof(d)))
		return bft_errf(err, errlen, BFT_CKPT_E_CORRUPT,
			    "file is corrupt: checksum mismatch");
	if (get32(buf + 8) != BFT_CKPT_FILE_VERSION)
		return bft_errf(err, errlen, BFT_CKPT_E_VERSION,
			    "unsupported checkpoint file version %u",
			    get32(buf + 8));
	f->n = get32(buf + 12);
	f->replica = get32(buf + 16);
	f->esz = get32(buf + 20);
	f->seq = get64(buf + 24);
	f->view = get64(buf + 32);
	f->attest = get64(buf + 40);
	memcpy(f->digest, buf + 48, BFT_CKPT_DIGEST_LEN);
	f->len = slen;
	f->stream = buf + BFT_CKPT_FILE_HDR;
	if (f->n < 4 || f->n > BFT_CKPT_MAX_N || f->replica >= f->n)
		return bft_errf(err, errlen, BFT_CKPT_E_FIELD,
			    "bad header: n %u, replica %u", f->n, f->replica);
	if (!f->len)
		return bft_errf(err, errlen, BFT_CKPT_E_FIELD,
			    "bad header: empty stream (0 bytes), nothing to import");
	if (!f->seq || f->esz > f->len || get64(buf + 88) ||
	    (f->n < 64 && f->attest >> f->n))
		return bft_errf(err, errlen, BFT_CKPT_E_FIELD,
			    "bad header: seq %llu, engine section %u of %llu bytes, attesters %#llx",
			    (unsigned long long)f->seq, f->esz,
			    (unsigned long long)f->len,
			    (unsigned long long)f->attest);
	if (flags & BFT_CKPT_F_NO_DIGEST)
		return BFT_CKPT_OK;
	bft_state_digest(f->stream, f->len, BFT_STATE_PART, d);
	if (memcmp(d, f->digest, sizeof(d)))
		return bft_errf(err, errlen, BFT_CKPT_E_TAMPERED,
			    "tampered: snapshot does not hash to the recorded digest");
	return BFT_CKPT_OK;
}

int bft_ckpt_file_write(const char *path, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int fd, err = 0;
	ssize_t w;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* Narrow an existing file before any byte of state lands in it. */
	if (fchmod(fd, 0600) || ftruncate(fd, 0))
		err = -errno;
	while (!err && len) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? -errno : -EIO;
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (!err && fsync(fd) && errno != EINVAL)
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}
