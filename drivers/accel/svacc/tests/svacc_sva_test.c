// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of what a failed SVA bind says (svacc_sva.c): which errors
 * mean SVA cannot work on the device (the device falls back to the HMM
 * mirror) and which belong to one process (only its open() fails).
 * Included by svacc_sva.c.
 */
#include <kunit/test.h>

static void svacc_test_bind_error_device(struct kunit *test)
{
	/* the kernel offers no SVA here; the IOMMU cannot share page tables */
	KUNIT_EXPECT_EQ(test, SVACC_REASON_SVA_REFUSED, svacc_sva_bind_error(-EOPNOTSUPP));
	KUNIT_EXPECT_EQ(test, SVACC_REASON_SVA_REFUSED, svacc_sva_bind_error(-ENODEV));
	KUNIT_EXPECT_EQ(test, SVACC_REASON_SVA_REFUSED, svacc_sva_bind_error(-EINVAL));
}

static void svacc_test_bind_error_process(struct kunit *test)
{
	/* LAM, a PASID too wide for the device, no PASID left, no memory */
	KUNIT_EXPECT_EQ(test, SVACC_REASON_NONE, svacc_sva_bind_error(-EBUSY));
	KUNIT_EXPECT_EQ(test, SVACC_REASON_NONE, svacc_sva_bind_error(-EOVERFLOW));
	KUNIT_EXPECT_EQ(test, SVACC_REASON_NONE, svacc_sva_bind_error(-ENOSPC));
	KUNIT_EXPECT_EQ(test, SVACC_REASON_NONE, svacc_sva_bind_error(-ENOMEM));
}

static struct kunit_case svacc_sva_cases[] = {
	KUNIT_CASE(svacc_test_bind_error_device),
	KUNIT_CASE(svacc_test_bind_error_process),
	{}
};

static struct kunit_suite svacc_sva_suite = {
	.name = "svacc_sva",
	.test_cases = svacc_sva_cases,
};

kunit_test_suite(svacc_sva_suite);
