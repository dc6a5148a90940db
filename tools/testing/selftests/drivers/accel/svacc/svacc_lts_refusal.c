// SPDX-License-Identifier: GPL-2.0-only
/*
 * lts mode only: the Debian 6.12 kernel refuses SVA on x86
 * (iommu_sva_bind_device() returns -EOPNOTSUPP). The driver must not work
 * around that: it falls back to the HMM mirror, reports why through
 * GET_INFO and sysfs, and logs exactly one line naming the cause, however
 * many times the device is opened.
 *
 * Before the HMM fallback existed this test checked that open() failed
 * with -EOPNOTSUPP; with the fallback in place it checks the fallback.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_test.h"

/* A record from svacc that names one of @causes (NULL-terminated) */
static bool is_cause_line(const char *msg, const void *causes)
{
	const char * const *c;

	if (!strstr(msg, "svacc"))
		return false;
	for (c = causes; *c; c++)
		if (strstr(msg, *c))
			return true;
	return false;
}

/* Kernel log records since boot from svacc that name the refusal */
static int count_cause_lines(char *first, size_t len)
{
	static const char * const causes[] = {
		"kernel refused", "EOPNOTSUPP", "-95", "Operation not supported",
		NULL,
	};
	int fd, n;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = kmsg_scan_fn(fd, is_cause_line, causes, first, len);
	close(fd);
	return n;
}

static int read_attr(const char *dev, const char *name, char *buf, size_t len)
{
	char path[256];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/accel/%s/device/%s",
		 strrchr(dev, '/') + 1, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	return 0;
}

TEST(sva_refused_hmm_fallback)
{
	char line[512], attr[128];
	struct svacc s;
	int ret, n, i;

	ret = svacc_open(&s, NULL);
	ASSERT_EQ(0, ret) TH_LOG("open of %s: %s (the HMM fallback must work here)",
				 s.path[0] ? s.path : "the svacc device",
				 strerror(-ret));
	ASSERT_EQ((__u32)SVACC_MODE_HMM, s.info.mode)
		TH_LOG("mode %s on a kernel that refuses SVA",
		       svacc_mode_name(s.info.mode));
	ASSERT_EQ((__u32)SVACC_REASON_KERNEL_REFUSED, s.info.mode_reason)
		TH_LOG("reason %s", svacc_reason_name(s.info.mode_reason));
	ASSERT_EQ((__u32)EOPNOTSUPP, s.info.mode_errno);

	ASSERT_EQ(0, read_attr(s.path, "xlate_mode", attr, sizeof(attr)));
	ASSERT_EQ(0, strncmp(attr, "hmm", 3)) TH_LOG("xlate_mode: %s", attr);
	ASSERT_EQ(0, read_attr(s.path, "xlate_reason", attr, sizeof(attr)));
	ASSERT_NE(NULL, strstr(attr, "-95")) TH_LOG("xlate_reason: %s", attr);
	svacc_close(&s);

	n = count_cause_lines(line, sizeof(line));
	ASSERT_EQ(1, n) TH_LOG("%d svacc log lines name the refusal (first: %s)",
			       n, line);
	TH_LOG("the one line: %s", line);

	for (i = 0; i < 3; i++) {
		ret = svacc_open(&s, NULL);
		ASSERT_EQ(0, ret);
		svacc_close(&s);
	}
	n = count_cause_lines(line, sizeof(line));
	ASSERT_EQ(1, n) TH_LOG("reopening logged the refusal again (%d lines)", n);
}

/* The device works in the fallback mode */
TEST(fallback_device_works)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	const size_t len = 64 * 1024 + 3;
	struct drm_svacc_desc d;
	uint8_t *src, *dst;
	struct svacc s;
	int ret, st;

	ret = svacc_open(&s, NULL);
	ASSERT_EQ(0, ret) TH_LOG("open: %s", strerror(-ret));
	src = malloc(len);
	dst = svacc_alloc_untouched(len);
	ASSERT_TRUE(c && src && dst);
	fill_random(src, len, 5);
	svacc_desc_memmove(&d, dst, src, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&s, &d, c);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, st) TH_LOG("status %d", st);
	ASSERT_EQ(0, memcmp(src, dst, len));
	svacc_close(&s);
}

TEST_HARNESS_MAIN
