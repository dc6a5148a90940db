// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of descriptor validation (svacc_submit.c): every field the
 * kernel checks before a descriptor reaches a shared WQ, at the edges.
 * Included by svacc_submit.c.
 */
#include <kunit/test.h>

static struct svacc_device *svacc_test_sdev(struct kunit *test)
{
	struct svacc_device *sdev = kunit_kzalloc(test, sizeof(*sdev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sdev);
	sdev->cap_ops = GENMASK(SVACC_OP_BATCH, 0);
	sdev->max_transfer_shift = 20;
	sdev->max_batch = 32;
	sdev->va_bits = 47;
	return sdev;
}

/* Where user ranges end for a 47-bit device: below TASK_SIZE too */
static u64 svacc_test_limit(void)
{
	return min_t(u64, TASK_SIZE, BIT_ULL(47));
}

static void svacc_test_desc(struct drm_svacc_desc *d, u8 op, u64 src, u64 dst, u32 size)
{
	memset(d, 0, sizeof(*d));
	d->opcode = op;
	d->flags = SVACC_DESC_F_CRAV | SVACC_DESC_F_RCI;
	d->completion_addr = 0x10000;
	d->src = src;
	d->dst = dst;
	d->size = size;
}

static int svacc_test_validate(struct kunit *test, const struct drm_svacc_desc *d, u64 *bytes)
{
	u64 b;

	return svacc_desc_validate(svacc_test_sdev(test), d, bytes ?: &b);
}

static void svacc_test_valid_ops(struct kunit *test)
{
	struct drm_svacc_desc d;
	u8 op;
	u64 bytes;

	for (op = SVACC_OP_NOP; op < SVACC_OP_BATCH; op++) {
		svacc_test_desc(&d, op, 0x100000, 0x200000, 4096);
		KUNIT_EXPECT_EQ_MSG(test, 0, svacc_test_validate(test, &d, &bytes), "op %u", op);
		KUNIT_EXPECT_EQ_MSG(test, bytes, op < SVACC_OP_MEMMOVE ? 0 : 4096ULL, "op %u", op);
	}
}

static void svacc_test_pasid_priv(struct kunit *test)
{
	struct drm_svacc_desc d;

	svacc_test_desc(&d, SVACC_OP_NOP, 0, 0, 0);
	d.pasid_priv = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	d.pasid_priv = SVACC_DESC_PRIV;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
}

static void svacc_test_reserved(struct kunit *test)
{
	struct drm_svacc_desc d;

	svacc_test_desc(&d, SVACC_OP_NOP, 0, 0, 0);
	d.rsvd0 = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	svacc_test_desc(&d, SVACC_OP_NOP, 0, 0, 0);
	d.rsvd1 = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	svacc_test_desc(&d, SVACC_OP_NOP, 0, 0, 0);
	d.rsvd2[1] = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
}

static void svacc_test_flags(struct kunit *test)
{
	struct drm_svacc_desc d;

	svacc_test_desc(&d, SVACC_OP_NOP, 0, 0, 0);
	d.flags = SVACC_DESC_F_ALL;
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, NULL));
	d.flags = SVACC_DESC_F_ALL + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	d.flags = BIT(15);
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
}

static void svacc_test_opcode(struct kunit *test)
{
	struct svacc_device *sdev = svacc_test_sdev(test);
	struct drm_svacc_desc d;
	u64 b;

	svacc_test_desc(&d, SVACC_OP_BATCH + 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_desc_validate(sdev, &d, &b));
	svacc_test_desc(&d, 0xff, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_desc_validate(sdev, &d, &b));
	/* an opcode the device does not report */
	sdev->cap_ops &= ~BIT(SVACC_OP_CRC32C);
	svacc_test_desc(&d, SVACC_OP_CRC32C, 0x1000, 0, 64);
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_desc_validate(sdev, &d, &b));
}

static void svacc_test_record_address(struct kunit *test)
{
	struct drm_svacc_desc d;

	svacc_test_desc(&d, SVACC_OP_NOP, 0, 0, 0);
	d.completion_addr = 0x10010;		/* 16-byte aligned only */
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	d.completion_addr = 0xffffffff81000000ULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	d.completion_addr = svacc_test_limit() - 32;	/* the last one allowed */
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, NULL));
	d.completion_addr = svacc_test_limit();
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	/* without CRAV the address is not used */
	d.flags = 0;
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, NULL));
}

static void svacc_test_size_limit(struct kunit *test)
{
	struct drm_svacc_desc d;

	svacc_test_desc(&d, SVACC_OP_MEMFILL, 0, 0x100000, 1U << 20);
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, NULL));
	d.size = (1U << 20) + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
}

static void svacc_test_ranges(struct kunit *test)
{
	struct drm_svacc_desc d;

	/* ends exactly at the limit: fine; one byte over: not */
	svacc_test_desc(&d, SVACC_OP_MEMMOVE, svacc_test_limit() - 4096, 0x1000, 4096);
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, NULL));
	d.size = 4097;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	/* destination checked as well as the source */
	svacc_test_desc(&d, SVACC_OP_MEMMOVE, 0x1000, BIT_ULL(48), 64);
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	/* wrapping around the top of the address space */
	svacc_test_desc(&d, SVACC_OP_CRC32C, U64_MAX - 63, 0, 128);
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	svacc_test_desc(&d, SVACC_OP_MEMFILL, 0, 0xfffffffffffff000ULL, 4096);
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	/* COMPARE_PATTERN reads only SRC: a wild DST is ignored */
	svacc_test_desc(&d, SVACC_OP_COMPARE_PATTERN, 0x1000, U64_MAX, 64);
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, NULL));
	/* size 0 at the very top is empty, and fine */
	svacc_test_desc(&d, SVACC_OP_MEMFILL, 0, svacc_test_limit(), 0);
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, NULL));
}

static void svacc_test_batch(struct kunit *test)
{
	struct drm_svacc_desc d;
	u64 bytes = 1;

	svacc_test_desc(&d, SVACC_OP_BATCH, 0x40000, 0, 32);
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, &bytes));
	KUNIT_EXPECT_EQ(test, 0ULL, bytes);
	d.size = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	d.size = 33;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	d.size = 1;
	d.src = 0x40020;			/* not 64-byte aligned */
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
	d.src = svacc_test_limit() - 64;	/* the array's last byte at the edge */
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, NULL));
	d.size = 2;
	KUNIT_EXPECT_EQ(test, -EINVAL, svacc_test_validate(test, &d, NULL));
}

static void svacc_test_no_data(struct kunit *test)
{
	struct drm_svacc_desc d;
	u64 bytes = 1;

	/* NOP and DRAIN name no data: their SRC, DST and SIZE are not used */
	svacc_test_desc(&d, SVACC_OP_NOP, U64_MAX, U64_MAX, U32_MAX);
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, &bytes));
	KUNIT_EXPECT_EQ(test, 0ULL, bytes);
	svacc_test_desc(&d, SVACC_OP_DRAIN, U64_MAX, 0, U32_MAX);
	KUNIT_EXPECT_EQ(test, 0, svacc_test_validate(test, &d, &bytes));
}

static void svacc_test_va_width(struct kunit *test)
{
	struct svacc_device *sdev = svacc_test_sdev(test);
	u64 limit = svacc_test_limit();

	KUNIT_EXPECT_TRUE(test, svacc_user_range_ok(sdev, 0, limit));
	KUNIT_EXPECT_TRUE(test, svacc_user_range_ok(sdev, limit, 0));
	KUNIT_EXPECT_FALSE(test, svacc_user_range_ok(sdev, limit, 1));
	KUNIT_EXPECT_FALSE(test, svacc_user_range_ok(sdev, 1, limit));
	KUNIT_EXPECT_FALSE(test, svacc_user_range_ok(sdev, U64_MAX, 2));
	/* a device that reaches less: less is allowed */
	/* and more than the CPU's user space is never allowed */
	sdev->va_bits = 56;
	KUNIT_EXPECT_FALSE(test, svacc_user_range_ok(sdev, TASK_SIZE, 1));
	sdev->va_bits = 39;
	KUNIT_EXPECT_FALSE(test, svacc_user_range_ok(sdev, BIT_ULL(39), 1));
	KUNIT_EXPECT_TRUE(test, svacc_user_range_ok(sdev, BIT_ULL(39) - 1, 1));
}

static struct kunit_case svacc_submit_cases[] = {
	KUNIT_CASE(svacc_test_valid_ops),
	KUNIT_CASE(svacc_test_pasid_priv),
	KUNIT_CASE(svacc_test_reserved),
	KUNIT_CASE(svacc_test_flags),
	KUNIT_CASE(svacc_test_opcode),
	KUNIT_CASE(svacc_test_record_address),
	KUNIT_CASE(svacc_test_size_limit),
	KUNIT_CASE(svacc_test_ranges),
	KUNIT_CASE(svacc_test_batch),
	KUNIT_CASE(svacc_test_no_data),
	KUNIT_CASE(svacc_test_va_width),
	{}
};

static struct kunit_suite svacc_submit_suite = {
	.name = "svacc_submit",
	.test_cases = svacc_submit_cases,
};

kunit_test_suite(svacc_submit_suite);
