// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the translation-mode decision from facts (svacc_mode.c).
 * Included by svacc_mode.c.
 */
#include <kunit/test.h>

static enum drm_svacc_mode_reason svacc_test_choose(bool force_hmm, bool dev_sva,
						    bool iommu)
{
	const struct svacc_mode_facts f = {
		.force_hmm = force_hmm,
		.dev_sva = dev_sva,
		.iommu = iommu,
	};

	return svacc_mode_choose(&f);
}

static void svacc_test_choose_sva(struct kunit *test)
{
	/* everything SVA needs: SVA, pending the first bind */
	KUNIT_EXPECT_EQ(test, SVACC_REASON_NONE, svacc_test_choose(false, true, true));
}

static void svacc_test_choose_forced(struct kunit *test)
{
	/* the policy wins over every fact */
	KUNIT_EXPECT_EQ(test, SVACC_REASON_FORCED, svacc_test_choose(true, true, true));
	KUNIT_EXPECT_EQ(test, SVACC_REASON_FORCED, svacc_test_choose(true, false, false));
}

static void svacc_test_choose_facts(struct kunit *test)
{
	/* the device's own capabilities are named before the platform's */
	KUNIT_EXPECT_EQ(test, SVACC_REASON_NO_DEVICE_CAPS, svacc_test_choose(false, false, true));
	KUNIT_EXPECT_EQ(test, SVACC_REASON_NO_DEVICE_CAPS, svacc_test_choose(false, false, false));
	KUNIT_EXPECT_EQ(test, SVACC_REASON_NO_IOMMU, svacc_test_choose(false, true, false));
}

static void svacc_test_reason_names(struct kunit *test)
{
	enum drm_svacc_mode_reason r;

	for (r = SVACC_REASON_NONE; r <= SVACC_REASON_SVA_REFUSED; r++)
		KUNIT_EXPECT_STRNEQ_MSG(test, "unknown", svacc_mode_reason_name(r),
					"reason %d", r);
	KUNIT_EXPECT_STREQ(test, "unknown", svacc_mode_reason_name(SVACC_REASON_SVA_REFUSED + 1));
}

static struct kunit_case svacc_mode_cases[] = {
	KUNIT_CASE(svacc_test_choose_sva),
	KUNIT_CASE(svacc_test_choose_forced),
	KUNIT_CASE(svacc_test_choose_facts),
	KUNIT_CASE(svacc_test_reason_names),
	{}
};

static struct kunit_suite svacc_mode_suite = {
	.name = "svacc_mode",
	.test_cases = svacc_mode_cases,
};

kunit_test_suite(svacc_mode_suite);
