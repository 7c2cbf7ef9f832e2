// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the one number parser and the common options shared by
 * bftctl, bftd and the test tools (bftctl/lib/opts.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/opts.h"

/* Runs @fn with stderr captured into @buf. */
static int captured(char *buf, size_t len, int (*fn)(void *), void *arg)
{
	FILE *f = tmpfile();
	int saved = dup(2), ret;
	size_t n;

	fflush(stderr);
	dup2(fileno(f), 2);
	ret = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return ret;
}

TEST(accepts_decimal)
{
	uint64_t v = 7;

	ASSERT_EQ(0, bft_parse_u64("0", 0, 10, &v));
	ASSERT_EQ(0, v);
	ASSERT_EQ(0, bft_parse_u64("18446744073709551615", 0, UINT64_MAX, &v));
	ASSERT_EQ(UINT64_MAX, v);
	ASSERT_EQ(0, bft_parse_u64("007", 0, 10, &v));
	ASSERT_EQ(7, v);
}

FIXTURE(bad) {
	uint64_t v;
};

FIXTURE_VARIANT(bad) {
	const char *s;
};

FIXTURE_VARIANT_ADD(bad, empty) { .s = "" };
FIXTURE_VARIANT_ADD(bad, minus_one) { .s = "-1" };
FIXTURE_VARIANT_ADD(bad, plus) { .s = "+1" };
FIXTURE_VARIANT_ADD(bad, leading_blank) { .s = " 1" };
FIXTURE_VARIANT_ADD(bad, trailing_blank) { .s = "1 " };
FIXTURE_VARIANT_ADD(bad, trailing_text) { .s = "1x" };
FIXTURE_VARIANT_ADD(bad, hex) { .s = "0x10" };
FIXTURE_VARIANT_ADD(bad, exponent) { .s = "1e3" };
FIXTURE_VARIANT_ADD(bad, double_minus) { .s = "--1" };
FIXTURE_VARIANT_ADD(bad, u64_overflow) { .s = "18446744073709551616" };
FIXTURE_VARIANT_ADD(bad, far_overflow) { .s = "99999999999999999999999" };

FIXTURE_SETUP(bad)
{
	self->v = 42;
}

FIXTURE_TEARDOWN(bad)
{
}

/* Refused, and the output is left alone. */
TEST_F(bad, refused)
{
	ASSERT_EQ(-1, bft_parse_u64(variant->s, 0, UINT64_MAX, &self->v));
	ASSERT_EQ(42, self->v);
}

TEST(null_refused)
{
	uint64_t v;

	ASSERT_EQ(-1, bft_parse_u64(NULL, 0, 1, &v));
}

TEST(range_inclusive)
{
	uint64_t v;

	ASSERT_EQ(-1, bft_parse_u64("4", 5, 10, &v));
	ASSERT_EQ(-1, bft_parse_u64("11", 5, 10, &v));
	ASSERT_EQ(0, bft_parse_u64("5", 5, 10, &v));
	ASSERT_EQ(0, bft_parse_u64("10", 5, 10, &v));
}

TEST(u32_overflow_refused)
{
	uint32_t u = 7;

	ASSERT_EQ(-1, bft_arg_u32("n", "4294967296", 0, UINT32_MAX, &u));
	ASSERT_EQ(7, u);
}

static int bad_port(void *arg)
{
	uint32_t v;

	return bft_arg_u32("port", arg, 1, 65535, &v);
}

/* The message names the argument, the range and the bad value. */
TEST(error_names_argument)
{
	char err[256];

	ASSERT_EQ(-1, captured(err, sizeof(err), bad_port, "70000"));
	ASSERT_NE(NULL, strstr(err, ": port: expected an integer in [1, 65535], got '70000'\n"));
}

TEST(common_options)
{
	struct bft_common_opts o = { 0 };

	ASSERT_EQ(1, bft_common_opt('c', "a.conf", &o, "cik"));
	ASSERT_STREQ("a.conf", o.conf);
	ASSERT_EQ(1, bft_common_opt('i', "3", &o, "cik"));
	ASSERT_TRUE(o.have_client);
	ASSERT_EQ(3, o.client);
	ASSERT_EQ(-1, bft_common_opt('i', "65536", &o, "cik"));
	/* An option the tool did not list is left to it. */
	ASSERT_EQ(0, bft_common_opt('r', "1", &o, "cik"));
	ASSERT_FALSE(o.have_replica);
	ASSERT_EQ(-1, bft_common_opt('t', "0", &o, "t"));
	ASSERT_EQ(1, bft_common_opt('t', "1", &o, "t"));
	ASSERT_EQ(1, o.timeout_ms);
}

static int require_cik(void *arg)
{
	return bft_common_require("tool", arg, "cik");
}

TEST(require_names_missing)
{
	struct bft_common_opts o = { .conf = "c", .have_client = true };
	char err[256];

	ASSERT_EQ(-1, captured(err, sizeof(err), require_cik, &o));
	ASSERT_STREQ("tool: missing -k KEYFILE\n", err);
	o.key = "k";
	ASSERT_EQ(0, bft_common_require("tool", &o, "cik"));
}

TEST_HARNESS_MAIN
