// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the checkpoint file codec: a built file parses back to
 * exact values; truncation, extension, a flipped byte, a bad magic or
 * version, out-of-range fields and a stream that does not hash to its
 * digest are each refused with their own error, corruption first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/ckptfile.h"
#include "statedigest.h"

#define SLEN	300
#define FLEN	(96 + SLEN + 32)

static uint8_t stream[SLEN];

static void build(struct bft_ckpt_file *f, uint8_t *out)
{
	memset(f, 0, sizeof(*f));
	f->n = 4;
	f->replica = 1;
	f->esz = 128;
	f->seq = 64;
	f->view = 2;
	f->attest = 0xb;
	f->len = SLEN;
	f->stream = stream;
	bft_state_digest(stream, SLEN, BFT_STATE_PART, f->digest);
	bft_ckpt_file_build(f, out);
}

/* Recompute the trailer after an edit, as a forger would. */
static void reseal(uint8_t *buf, size_t len)
{
	bft_ckpt_sha256(buf, len - 32, buf + len - 32);
}

/* A built file (buf) and a scratch copy of it with one spare byte (b). */
FIXTURE(file) {
	struct bft_ckpt_file in;
	uint8_t buf[FLEN], b[FLEN + 1];
	char err[256];
};

static void file_init(FIXTURE_DATA(file) *self)
{
	size_t i;

	for (i = 0; i < SLEN; i++)
		stream[i] = (uint8_t)(i * 7);
	build(&self->in, self->buf);
	memcpy(self->b, self->buf, FLEN);
	self->b[FLEN] = 0;
}

FIXTURE_SETUP(file)
{
	file_init(self);
}

FIXTURE_TEARDOWN(file)
{
}

static int parse(FIXTURE_DATA(file) *self, const uint8_t *buf, size_t len,
		 unsigned int flags)
{
	struct bft_ckpt_file f;

	return bft_ckpt_file_parse(buf, len, flags, &f, self->err,
				   sizeof(self->err));
}

TEST(size_is_header_stream_trailer)
{
	struct bft_ckpt_file in = { .len = SLEN };

	ASSERT_EQ(FLEN, bft_ckpt_file_size(&in));
}

TEST_F(file, round_trip)
{
	struct bft_ckpt_file out;

	ASSERT_EQ(0, bft_ckpt_file_parse(self->buf, FLEN, 0, &out, self->err,
					 sizeof(self->err)));
	EXPECT_EQ(4, out.n);
	EXPECT_EQ(1, out.replica);
	EXPECT_EQ(128, out.esz);
	EXPECT_EQ(64, out.seq);
	EXPECT_EQ(2, out.view);
	EXPECT_EQ(0xb, out.attest);
	EXPECT_EQ(SLEN, out.len);
	EXPECT_EQ(0, memcmp(out.digest, self->in.digest, 32));
	EXPECT_EQ(self->buf + 96, out.stream);
}

TEST_F(file, bad_magic)
{
	self->b[0] ^= 1;
	ASSERT_EQ(BFT_CKPT_E_MAGIC, parse(self, self->b, FLEN, 0));
	ASSERT_NE(NULL, strstr(self->err, "not a bft checkpoint"));
}

/* Cut or extended to LEN: refused with ERR. */
FIXTURE(cut) {
	FIXTURE_DATA(file) f;
};

FIXTURE_VARIANT(cut) {
	size_t len;
	int err;
};

FIXTURE_VARIANT_ADD(cut, shorter_than_the_magic) { 7, BFT_CKPT_E_MAGIC };
FIXTURE_VARIANT_ADD(cut, truncated_in_the_header) { 100, BFT_CKPT_E_CORRUPT };
FIXTURE_VARIANT_ADD(cut, truncated_trailer) { FLEN - 1, BFT_CKPT_E_CORRUPT };
FIXTURE_VARIANT_ADD(cut, extended) { FLEN + 1, BFT_CKPT_E_CORRUPT };

FIXTURE_SETUP(cut)
{
	file_init(&self->f);
}

FIXTURE_TEARDOWN(cut)
{
}

TEST_F(cut, refused)
{
	ASSERT_EQ(variant->err, parse(&self->f, self->f.b, variant->len, 0));
	if (variant->err == BFT_CKPT_E_CORRUPT)
		ASSERT_NE(NULL, strstr(self->f.err, "file is corrupt"));
}

TEST_F(file, any_flipped_byte_is_corruption)
{
	size_t i;

	for (i = 8; i < FLEN; i += 37) {
		memcpy(self->b, self->buf, FLEN);
		self->b[i] ^= 0x40;
		ASSERT_EQ(BFT_CKPT_E_CORRUPT, parse(self, self->b, FLEN, 0))
			TH_LOG("byte %zu", i);
	}
}

TEST_F(file, flipped_trailer_byte_is_corruption)
{
	self->b[FLEN - 1] ^= 1;
	ASSERT_EQ(BFT_CKPT_E_CORRUPT, parse(self, self->b, FLEN, 0));
}

TEST_F(file, tampered_stream_valid_trailer)
{
	self->b[96 + SLEN - 1] ^= 1;
	reseal(self->b, FLEN);
	ASSERT_EQ(BFT_CKPT_E_TAMPERED, parse(self, self->b, FLEN, 0));
	ASSERT_STREQ("tampered: snapshot does not hash to the recorded digest",
		     self->err);
}

TEST_F(file, digest_check_left_to_the_kernel)
{
	self->b[96 + SLEN - 1] ^= 1;
	reseal(self->b, FLEN);
	ASSERT_EQ(BFT_CKPT_OK, parse(self, self->b, FLEN, BFT_CKPT_F_NO_DIGEST));
}

/* An empty stream is nothing to import: refused with a reason. */
TEST_F(file, empty_stream_refused)
{
	struct bft_ckpt_file e;
	uint8_t eb[96 + 32];

	build(&e, self->b);
	e.len = 0;
	e.esz = 0;
	bft_ckpt_sha256(stream, 0, e.digest);
	bft_ckpt_file_build(&e, eb);
	ASSERT_EQ(BFT_CKPT_E_FIELD,
		  parse(self, eb, sizeof(eb), BFT_CKPT_F_NO_DIGEST));
	ASSERT_NE(NULL, strstr(self->err, "empty stream"));
}

/* LEN bytes at OFF set to VAL and the trailer resealed: refused with ERR. */
FIXTURE(field) {
	FIXTURE_DATA(file) f;
};

FIXTURE_VARIANT(field) {
	size_t off, len;
	uint8_t val;
	int err;
};

FIXTURE_VARIANT_ADD(field, unknown_version) { 8, 1, 2, BFT_CKPT_E_VERSION };
FIXTURE_VARIANT_ADD(field, n_below_4) { 12, 1, 3, BFT_CKPT_E_FIELD };
FIXTURE_VARIANT_ADD(field, replica_id_ge_n) { 16, 1, 4, BFT_CKPT_E_FIELD };
FIXTURE_VARIANT_ADD(field, seq_0) { 24, 8, 0, BFT_CKPT_E_FIELD };
/* esz 4096 + 128 > stream */
FIXTURE_VARIANT_ADD(field, engine_section_past_the_stream) {
	21, 1, 0x10, BFT_CKPT_E_FIELD };
/* attester 4 of n = 4 */
FIXTURE_VARIANT_ADD(field, attester_id_ge_n) { 40, 1, 0x1f, BFT_CKPT_E_FIELD };
FIXTURE_VARIANT_ADD(field, reserved_bytes_set) { 90, 1, 1, BFT_CKPT_E_FIELD };
FIXTURE_VARIANT_ADD(field, length_field_disagrees) {
	84, 1, 1, BFT_CKPT_E_CORRUPT };

FIXTURE_SETUP(field)
{
	file_init(&self->f);
}

FIXTURE_TEARDOWN(field)
{
}

TEST_F(field, refused)
{
	memset(self->f.b + variant->off, variant->val, variant->len);
	reseal(self->f.b, FLEN);
	ASSERT_EQ(variant->err, parse(&self->f, self->f.b, FLEN, 0));
}

/* Exports hold the replicated state: 0600, even over a 0644 file. */
FIXTURE(export) {
	char path[32];
	mode_t umask;
};

FIXTURE_SETUP(export)
{
	int fd;

	strcpy(self->path, "/tmp/bft-ckptfile-XXXXXX");
	self->umask = umask(0);
	fd = mkstemp(self->path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0644));
	ASSERT_EQ(0, close(fd));
}

FIXTURE_TEARDOWN(export)
{
	unlink(self->path);
	umask(self->umask);
}

TEST_F(export, existing_0644_file_becomes_0600)
{
	struct stat st;

	ASSERT_EQ(0, bft_ckpt_file_write(self->path, "0123456789abcdef", 16));
	ASSERT_EQ(0, stat(self->path, &st));
	ASSERT_EQ(0600, st.st_mode & 0777);
}

TEST_F(export, size)
{
	struct stat st;

	ASSERT_EQ(0, bft_ckpt_file_write(self->path, "0123456789abcdef", 16));
	ASSERT_EQ(0, stat(self->path, &st));
	ASSERT_EQ(16, st.st_size);
}

TEST_F(export, contents_read_back)
{
	uint8_t back[16];
	int fd;

	ASSERT_EQ(0, bft_ckpt_file_write(self->path, "0123456789abcdef", 16));
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(16, read(fd, back, 16));
	ASSERT_EQ(0, memcmp(back, "0123456789abcdef", 16));
	ASSERT_EQ(0, close(fd));
}

TEST_F(export, new_file_0600_under_umask_0)
{
	struct stat st;

	ASSERT_EQ(0, unlink(self->path));
	ASSERT_EQ(0, bft_ckpt_file_write(self->path, "x", 1));
	ASSERT_EQ(0, stat(self->path, &st));
	ASSERT_EQ(0600, st.st_mode & 0777);
}

TEST(unwritable_path_errno)
{
	ASSERT_EQ(-ENOENT, bft_ckpt_file_write("/nonexistent/dir/f", "x", 1));
}

TEST_HARNESS_MAIN
