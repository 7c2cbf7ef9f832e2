// SPDX-License-Identifier: GPL-2.0
/*
 * The "bft" family validates requests strictly and explains rejections
 * in the extended ACK.  Every malformed request below must fail with an
 * errno, a non-empty NLMSGERR_ATTR_MSG and, where an attribute is at
 * fault, NLMSGERR_ATTR_OFFS pointing at it.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bft_nl.h"
#include "kselftest_harness.h"

FIXTURE(bft_nl) {
	struct bft_nl nl;
	struct bft_nl_msg m;
	struct bft_nl_result res;
};

FIXTURE_SETUP(bft_nl)
{
	ASSERT_EQ(0, bft_nl_open(&self->nl));
	ASSERT_EQ(0, bft_nl_resolve(&self->nl, BFT_GENL_NAME))
		TH_LOG("generic netlink family '%s' not found: is bft.ko loaded?",
		       BFT_GENL_NAME);
	bft_nl_init(&self->m, self->nl.family, BFT_CMD_GET_STATUS, 0);
}

FIXTURE_TEARDOWN(bft_nl)
{
	bft_nl_close(&self->nl);
}

/* The rejected request's error, extack message and offset. */
static void expect_rejected(struct __test_metadata *_metadata,
			    struct bft_nl_result *res, int error,
			    int64_t bad_off)
{
	EXPECT_EQ(error, res->error);
	EXPECT_NE('\0', res->ext_msg[0]);
	TH_LOG("error %d, extack: \"%s\"", res->error, res->ext_msg);
	if (bad_off >= 0) {
		EXPECT_TRUE(res->has_offs);
		EXPECT_EQ(bad_off, res->offs);
	}
}

/* Positive control: the same request, well formed, succeeds. */
TEST_F(bft_nl, valid_request)
{
	uint32_t flags = BFT_STATUS_F_COUNTERS;

	bft_nl_put(&self->m, BFT_A_STATUS_FLAGS, &flags, sizeof(flags));
	ASSERT_EQ(0, bft_nl_call(&self->nl, &self->m, &self->res));
	EXPECT_EQ(0, self->res.error)
		TH_LOG("extack: %s", self->res.ext_msg);
	EXPECT_TRUE(self->res.has_version);
	EXPECT_TRUE(self->res.has_cookie);
	EXPECT_NE(0, self->res.cookie);
}

TEST_F(bft_nl, no_attributes)
{
	ASSERT_EQ(0, bft_nl_call(&self->nl, &self->m, &self->res));
	EXPECT_EQ(0, self->res.error);
	EXPECT_TRUE(self->res.has_version);
}

/* (i) a flag bit outside BFT_STATUS_F_MASK */
TEST_F(bft_nl, unknown_flag_bit)
{
	uint32_t flags = BFT_STATUS_F_MASK + 1;
	uint32_t off;

	ASSERT_EQ(0, flags & BFT_STATUS_F_MASK);
	off = bft_nl_put(&self->m, BFT_A_STATUS_FLAGS, &flags, sizeof(flags));
	ASSERT_EQ(0, bft_nl_call(&self->nl, &self->m, &self->res));
	expect_rejected(_metadata, &self->res, -EINVAL, off);
}

TEST_F(bft_nl, high_flag_bit)
{
	uint32_t flags = 1U << 31;
	uint32_t off;

	off = bft_nl_put(&self->m, BFT_A_STATUS_FLAGS, &flags, sizeof(flags));
	ASSERT_EQ(0, bft_nl_call(&self->nl, &self->m, &self->res));
	expect_rejected(_metadata, &self->res, -EINVAL, off);
}

/* (ii) a u32 attribute carried in 2 and in 8 bytes */
TEST_F(bft_nl, short_attribute)
{
	uint16_t flags = BFT_STATUS_F_COUNTERS;
	uint32_t off;

	off = bft_nl_put(&self->m, BFT_A_STATUS_FLAGS, &flags, sizeof(flags));
	ASSERT_EQ(0, bft_nl_call(&self->nl, &self->m, &self->res));
	ASSERT_NE(0, self->res.error);
	EXPECT_TRUE(self->res.error == -EINVAL || self->res.error == -ERANGE);
	expect_rejected(_metadata, &self->res, self->res.error, off);
}

TEST_F(bft_nl, long_attribute)
{
	uint64_t flags = BFT_STATUS_F_COUNTERS;
	uint32_t off;

	off = bft_nl_put(&self->m, BFT_A_STATUS_FLAGS, &flags, sizeof(flags));
	ASSERT_EQ(0, bft_nl_call(&self->nl, &self->m, &self->res));
	ASSERT_NE(0, self->res.error);
	EXPECT_TRUE(self->res.error == -EINVAL || self->res.error == -ERANGE);
	expect_rejected(_metadata, &self->res, self->res.error, off);
}

/* (iii) an attribute type the family does not define */
TEST_F(bft_nl, type_above_max)
{
	uint32_t val = 0;
	uint32_t off;

	off = bft_nl_put(&self->m, BFT_A_MAX + 1, &val, sizeof(val));
	ASSERT_EQ(0, bft_nl_call(&self->nl, &self->m, &self->res));
	expect_rejected(_metadata, &self->res, -EINVAL, off);
}

/* A reply-only attribute has no policy for this command. */
TEST_F(bft_nl, attribute_not_in_policy)
{
	const char v[] = "1.0";
	uint32_t off;

	off = bft_nl_put(&self->m, BFT_A_VERSION, v, sizeof(v));
	ASSERT_EQ(0, bft_nl_call(&self->nl, &self->m, &self->res));
	expect_rejected(_metadata, &self->res, -EINVAL, off);
}

/* Bytes after the last attribute, too few to be one. */
TEST_F(bft_nl, trailing_garbage)
{
	uint32_t flags = 0;

	bft_nl_put(&self->m, BFT_A_STATUS_FLAGS, &flags, sizeof(flags));
	memset(self->m.buf + self->m.nlh.nlmsg_len, 0xa5, 3);
	self->m.nlh.nlmsg_len += 3;
	ASSERT_EQ(0, bft_nl_call(&self->nl, &self->m, &self->res));
	expect_rejected(_metadata, &self->res, -EINVAL, -1);
}

TEST_HARNESS_MAIN
