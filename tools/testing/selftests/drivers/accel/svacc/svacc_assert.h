/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Assertion helpers of the svacc selftests. Include after
 * kselftest_harness.h.
 */
#ifndef _SVACC_ASSERT_H_
#define _SVACC_ASSERT_H_

#include <errno.h>
#include <string.h>

#include "svacc_test.h"

#define SVACC_NREC	64

/*
 * Skip the test where it cannot apply: no svacc device (kselftest on a
 * machine without one); @statement ends the test, as in SKIP(). Under
 * run_svacc_tests.sh, which names the mode it expects, a missing device
 * fails the test instead (at the open).
 */
#define SKIP_WITHOUT_DEVICE(statement) do {				\
	char sv_path[64];						\
	if (!expected_mode() &&						\
	    svacc_find(sv_path, sizeof(sv_path)) == -ENODEV)		\
		SKIP(statement, "no svacc device");			\
} while (0)

/* Assert the device mode matches $SVACC_EXPECT_MODE, when set */
#define ASSERT_EXPECTED_MODE(ctx) do {					\
	const struct svacc *sv_s = (ctx);				\
	const char *sv_m = expected_mode();				\
	if (sv_m)							\
		ASSERT_STREQ(sv_m, svacc_mode_name(sv_s->info.mode))	\
			TH_LOG("device runs in %s mode (reason %s, errno %u), the run expects %s", \
			       svacc_mode_name(sv_s->info.mode),		\
			       svacc_reason_name(sv_s->info.mode_reason),	\
			       sv_s->info.mode_errno, sv_m);		\
} while (0)

/* Assert a status from submit_wait()/svacc_wait() (negative: errno) */
#define ASSERT_STATUS(exp, st) do {					\
	int sv_exp = (exp), sv_st = (st);					\
	ASSERT_EQ(sv_exp, sv_st)						\
		TH_LOG("completion %d (%s), expected %s", sv_st,		\
		       sv_st < 0 ? strerror(-sv_st) : svacc_status_name(sv_st), \
		       svacc_status_name(sv_exp));			\
} while (0)

/*
 * The mode's fault counter rose by @delta while the device first touched
 * @pages never-touched pages: SVA mode issues one PRI page request per
 * missing page; HMM mode at least one device fault (fault-around maps
 * several pages per fault).
 */
#define ASSERT_DEVICE_FAULTED(ctx, delta, pages) do {			\
	const struct svacc *sv_s = (ctx);				\
	unsigned long long sv_d = (delta), sv_p = (pages);		\
	unsigned long long sv_min =					\
		sv_s->info.mode == SVACC_MODE_SVA ? sv_p : 1;		\
	ASSERT_LE(sv_min, sv_d)						\
		TH_LOG("%s rose by %llu for %llu never-touched pages, expected >= %llu", \
		       fault_counter_name(sv_s), sv_d, sv_p, sv_min);	\
} while (0)

/* No splat in the kernel log since the fixture's kmsg_open() */
#define ASSERT_NO_SPLAT(fix) do {					\
	int sv_kmsg = (fix)->kmsg;					\
	char sv_first[512];						\
	if (sv_kmsg >= 0)						\
		ASSERT_EQ(0, kmsg_splats(sv_kmsg, sv_first, sizeof(sv_first))) \
			TH_LOG("kernel log: %s", sv_first);		\
} while (0)

#endif /* _SVACC_ASSERT_H_ */
