/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Assertion helpers of the svacc selftests. Include after
 * kselftest_harness.h.
 */
#ifndef _SVACC_ASSERT_H_
#define _SVACC_ASSERT_H_

#include <string.h>

#include "svacc_test.h"

#define SVACC_NREC	64

/* Assert the device mode matches $SVACC_EXPECT_MODE, when set */
#define ASSERT_EXPECTED_MODE(ctx) do {					\
	const struct svacc *__s = (ctx);				\
	const char *__m = expected_mode();				\
	if (__m)							\
		ASSERT_STREQ(__m, svacc_mode_name(__s->info.mode))	\
			TH_LOG("device runs in %s mode (reason %s, errno %u), the run expects %s", \
			       svacc_mode_name(__s->info.mode),		\
			       svacc_reason_name(__s->info.mode_reason),	\
			       __s->info.mode_errno, __m);		\
} while (0)

/* Assert a status from submit_wait()/svacc_wait() (negative: errno) */
#define ASSERT_STATUS(exp, st) do {					\
	int __exp = (exp), __st = (st);					\
	ASSERT_EQ(__exp, __st)						\
		TH_LOG("completion %d (%s), expected %s", __st,		\
		       __st < 0 ? strerror(-__st) : svacc_status_name(__st), \
		       svacc_status_name(__exp));			\
} while (0)

/*
 * The mode's fault counter rose by @delta while the device first touched
 * @pages never-touched pages: SVA mode issues one PRI page request per
 * missing page; HMM mode at least one device fault (fault-around maps
 * several pages per fault).
 */
#define ASSERT_DEVICE_FAULTED(ctx, delta, pages) do {			\
	const struct svacc *__s = (ctx);				\
	unsigned long long __d = (delta), __p = (pages);		\
	unsigned long long __min =					\
		__s->info.mode == SVACC_MODE_SVA ? __p : 1;		\
	ASSERT_LE(__min, __d)						\
		TH_LOG("%s rose by %llu for %llu never-touched pages, expected >= %llu", \
		       fault_counter_name(__s), __d, __p, __min);	\
} while (0)

#endif /* _SVACC_ASSERT_H_ */
