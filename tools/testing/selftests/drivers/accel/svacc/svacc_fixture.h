/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A kselftest fixture with one svacc context per test, in two variants:
 * "ioctl" (DRM_IOCTL_SVACC_SUBMIT to a shared WQ) and "portal" (a claimed
 * dedicated WQ written through its mapped portal). Include after
 * kselftest_harness.h.
 */
#ifndef _SVACC_FIXTURE_H_
#define _SVACC_FIXTURE_H_

#include <stdlib.h>
#include <string.h>

#include "svacc_test.h"

#define SVACC_NREC	64

/* Assert the device mode matches $SVACC_EXPECT_MODE, when set */
#define ASSERT_EXPECTED_MODE(s) do {					\
	const char *__m = expected_mode();				\
	if (__m)							\
		ASSERT_STREQ(__m, svacc_mode_name((s)->info.mode))	\
			TH_LOG("device runs in %s mode (reason %s, errno %u), the run expects %s", \
			       svacc_mode_name((s)->info.mode),		\
			       svacc_reason_name((s)->info.mode_reason),	\
			       (s)->info.mode_errno, __m);		\
} while (0)

/* Assert a status from submit_wait()/svacc_wait() (negative: errno) */
#define ASSERT_STATUS(exp, st)						\
	ASSERT_EQ(exp, st)						\
		TH_LOG("completion %d (%s), expected %s", (int)(st),	\
		       (st) < 0 ? strerror(-(st)) : svacc_status_name(st), \
		       svacc_status_name(exp))

#define EXPECT_STATUS(exp, st)						\
	EXPECT_EQ(exp, st)						\
		TH_LOG("completion %d (%s), expected %s", (int)(st),	\
		       (st) < 0 ? strerror(-(st)) : svacc_status_name(st), \
		       svacc_status_name(exp))

/*
 * The mode's fault counter rose by @delta while the device first touched
 * @pages never-touched pages: SVA mode issues one PRI page request per
 * missing page; HMM mode at least one device fault (fault-around maps
 * several pages per fault).
 */
#define ASSERT_DEVICE_FAULTED(s, delta, pages) do {			\
	unsigned long long __min =					\
		(s)->info.mode == SVACC_MODE_SVA ? (pages) : 1;		\
	ASSERT_LE(__min, (unsigned long long)(delta))			\
		TH_LOG("%s rose by %llu for %llu never-touched pages, expected >= %llu", \
		       fault_counter_name(s), (unsigned long long)(delta), \
		       (unsigned long long)(pages), __min);		\
} while (0)

#define SVACC_FIXTURE(name)						\
FIXTURE(name) {								\
	struct svacc s;							\
	struct drm_svacc_completion *rec;				\
};									\
FIXTURE_VARIANT(name) {							\
	enum svacc_path path;						\
};									\
FIXTURE_VARIANT_ADD(name, ioctl) {					\
	.path = SVACC_PATH_IOCTL,					\
};									\
FIXTURE_VARIANT_ADD(name, portal) {					\
	.path = SVACC_PATH_PORTAL,					\
};									\
FIXTURE_SETUP(name)							\
{									\
	int ret;							\
								\
	self->s.fd = -1;						\
									\
	self->rec = svacc_records_alloc(SVACC_NREC);			\
	ASSERT_NE(NULL, self->rec);					\
	ret = svacc_open(&self->s, NULL);				\
	ASSERT_EQ(0, ret)						\
		TH_LOG("cannot open an svacc device: %s", strerror(-ret)); \
	ASSERT_EXPECTED_MODE(&self->s);					\
	self->s.path_kind = variant->path;				\
	if (variant->path == SVACC_PATH_PORTAL) {			\
		ret = svacc_wq_claim(&self->s, SVACC_WQ_ANY);		\
		ASSERT_EQ(0, ret)					\
			TH_LOG("cannot claim a dedicated WQ: %s",	\
			       strerror(-ret));				\
	}								\
}									\
FIXTURE_TEARDOWN(name)							\
{									\
	svacc_close(&self->s);						\
	free(self->rec);						\
}

#endif /* _SVACC_FIXTURE_H_ */
