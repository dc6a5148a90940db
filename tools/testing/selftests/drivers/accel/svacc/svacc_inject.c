// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc under the QEMU model's error injection. Runs in a mode whose
 * svacc device sets the x-inject-* properties (hardware.rst,
 * "The QEMU model"); each test reads the value its knob has in this mode
 * from $SVACC_DEVICE_OPTS and fails when the knob is off:
 *   drop_irq              x-inject-drop-irq=N: every Nth completion interrupt
 *                         is lost; DRM_IOCTL_SVACC_WAIT still returns every
 *                         completed record (it re-reads it every 10 ms)
 *   stall                 x-inject-stall-us=S: each descriptor starts S later;
 *                         the work completes late and nothing is lost
 *   pri_delay             x-inject-pri-delay-us=D: page responses are held back;
 *                         the faulting copy takes D longer and completes
 *   stall_release_times_out  the stall keeps a dedicated WQ busy past
 *                         the 10 s drain of WQ_RELEASE: the rest is
 *                         discarded without records, without a reset
 *   pri_fail              x-inject-pri-fail=N: the Nth page response becomes
 *                         Response Failure: the copy completes with
 *                         PAGE_FAULT as documented, PRI stays off until
 *                         re-enabled, and a resubmission finishes the job
 * The tests are kept apart by what each one measures: interrupts counted
 * by the driver, time on pre-faulted memory, time and page requests on
 * never-touched memory. pri_fail runs last: it leaves PRI failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_assert.h"
#include "svacc_torture.h"

#define PCI_EXT_CAP_ID_PRI	0x13
#define PCI_PRI_STATUS		0x06
#define PCI_PRI_STATUS_RF	0x0001

/* The value of "x-inject-<knob>=" in the mode's svacc options, 0 when unset */
static long knob(const char *name)
{
	const char *opts = getenv("SVACC_DEVICE_OPTS");
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), ",x-inject-%s=", name);
	p = opts ? strstr(opts, key) : NULL;
	return p ? strtol(p + strlen(key), NULL, 0) : 0;
}

/* PRI status register of the svacc function, or -1 */
static int pri_status(void)
{
	uint8_t cfg[4096];
	char dir[256], path[300];
	unsigned int off = 0x100;
	uint32_t hdr;
	ssize_t n;
	int fd;

	if (svacc_pci_dir(dir, sizeof(dir)))
		return -1;
	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	while (n == sizeof(cfg) && off && off < sizeof(cfg) - 8) {
		memcpy(&hdr, cfg + off, 4);
		if (!hdr)
			break;
		if ((hdr & 0xffff) == PCI_EXT_CAP_ID_PRI)
			return cfg[off + PCI_PRI_STATUS] | cfg[off + PCI_PRI_STATUS + 1] << 8;
		off = (hdr >> 20) & 0xffc;
	}
	return -1;
}

FIXTURE(inject) {
	int kmsg;
	struct svacc s;
	struct drm_svacc_completion *rec;
};

FIXTURE_SETUP(inject)
{
	int ret;

	self->s.fd = -1;
	kmsg_mark(_metadata->name);
	self->kmsg = kmsg_open();
	self->rec = svacc_records_alloc(SVACC_NREC);
	ASSERT_NE(NULL, self->rec);
	ret = svacc_open(&self->s, NULL);
	ASSERT_EQ(0, ret) TH_LOG("open: %s", strerror(-ret));
	ASSERT_EXPECTED_MODE(&self->s);
	ret = warm_records(&self->s, self->rec, SVACC_NREC);
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(inject)
{
	char first[512];

	svacc_close(&self->s);
	free(self->rec);
	if (self->kmsg >= 0) {
		EXPECT_EQ(0, kmsg_splats(self->kmsg, first, sizeof(first)))
			TH_LOG("kernel log: %s", first);
		close(self->kmsg);
	}
}

/* Submit @n NOPs with records in one call to one shared WQ */
static int submit_nops(struct svacc *s, struct drm_svacc_completion *c, int n)
{
	struct drm_svacc_desc d[SVACC_SUBMIT_MAX];
	int i;

	for (i = 0; i < n; i++)
		svacc_desc_nop(&d[i], &c[i]);
	return svacc_ioctl_submit_all(s, d, n);
}

TEST_F_TIMEOUT(inject, drop_irq, 120)
{
	long every = knob("drop-irq");
	const int k = 8;
	long long irq0, irq1;
	uint32_t st;
	int i, ret;

	ASSERT_LT(0, every) TH_LOG("this mode does not set x-inject-drop-irq");
	ASSERT_EQ(0, k % every) TH_LOG("the test wants x-inject-drop-irq to divide %d", k);
	usleep(100 * 1000);	/* the set-up's own interrupts have landed */
	irq0 = debugfs_counter("completion_irqs");
	ASSERT_LE(0, irq0) TH_LOG("no completion_irqs in the driver's debugfs counters");

	ASSERT_EQ(0, submit_nops(&self->s, self->rec, k));
	for (i = 0; i < k; i++) {
		ret = svacc_wait_ioctl(self->s.fd, &self->rec[i], 30 * NS_PER_SEC, &st);
		EXPECT_EQ(0, ret) TH_LOG("WAIT for NOP %d: %s", i, strerror(-ret));
		EXPECT_EQ((uint32_t)SVACC_STATUS_SUCCESS, st) TH_LOG("NOP %d: status %u", i, st);
	}
	usleep(100 * 1000);	/* the last interrupts land */
	irq1 = debugfs_counter("completion_irqs");
	/* of any k consecutive interrupts, exactly k / every are dropped */
	EXPECT_EQ(k - k / every, irq1 - irq0)
		TH_LOG("%lld completion interrupts for %d RCI descriptors, x-inject-drop-irq=%ld",
		       irq1 - irq0, k, every);
}

TEST_F_TIMEOUT(inject, stall, 120)
{
	long stall_us = knob("stall-us");
	struct drm_svacc_counters c0, c1;
	const int k = 5;
	uint64_t t0, dt;
	int i;

	ASSERT_LT(0, stall_us) TH_LOG("this mode does not set x-inject-stall-us");
	ASSERT_EQ(0, svacc_get_counters(self->s.fd, &c0));
	t0 = svacc_now_ns();
	ASSERT_EQ(0, submit_nops(&self->s, self->rec, k));
	for (i = 0; i < k; i++)
		ASSERT_STATUS(SVACC_STATUS_SUCCESS,
			      svacc_wait(&self->s, &self->rec[i], 60 * NS_PER_SEC));
	dt = svacc_now_ns() - t0;
	ASSERT_EQ(0, svacc_get_counters(self->s.fd, &c1));
	/* one WQ starts its descriptors one at a time, each stalled */
	EXPECT_LE((uint64_t)k * stall_us * 900, dt)
		TH_LOG("%d stalled descriptors took %.3f s, x-inject-stall-us=%ld", k,
		       (double)dt / NS_PER_SEC, stall_us);
	EXPECT_EQ((uint64_t)k, c1.desc_completed - c0.desc_completed)
		TH_LOG("the device counted %llu completions for %d descriptors",
		       (unsigned long long)(c1.desc_completed - c0.desc_completed), k);
	/* a copy on pre-faulted memory completes late and correct */
	EXPECT_EQ(0, copy_verified(&self->s, SVACC_PATH_IOCTL, 3 * PAGE, self->rec));
}

/* Time of one verified @len copy into @dst (pre-faulted or not); 0 on error */
static uint64_t timed_copy(struct svacc *s, uint8_t *dst, size_t len,
			   struct drm_svacc_completion *c)
{
	struct drm_svacc_desc d;
	uint8_t *src = malloc(len);
	uint64_t t0, dt = 0;
	int st;

	if (!src)
		return 0;
	fill_random(src, len, len);
	svacc_desc_memmove(&d, dst, src, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	t0 = svacc_now_ns();
	st = submit_wait(s, &d, c);
	if (st == SVACC_STATUS_SUCCESS && !memcmp(src, dst, len))
		dt = svacc_now_ns() - t0;
	free(src);
	return dt;
}

TEST_F_TIMEOUT(inject, pri_delay, 120)
{
	long delay_us = knob("pri-delay-us");
	const size_t len = 32 * PAGE;	/* one page request group */
	uint64_t t_touched, t_untouched, pr0, pr1;
	uint8_t *touched, *untouched;

	ASSERT_LT(0, delay_us) TH_LOG("this mode does not set x-inject-pri-delay-us");
	ASSERT_EQ((uint32_t)SVACC_MODE_SVA, self->s.info.mode)
		TH_LOG("page requests need SVA mode");
	touched = svacc_alloc_untouched(len);
	untouched = svacc_alloc_untouched(len);
	ASSERT_TRUE(touched && untouched);
	memset(touched, 1, len);

	t_touched = timed_copy(&self->s, touched, len, self->rec);
	ASSERT_NE(0U, t_touched) TH_LOG("copy into pre-faulted memory failed");
	ASSERT_EQ(0, read_fault_counter(&self->s, &pr0));
	t_untouched = timed_copy(&self->s, untouched, len, self->rec);
	ASSERT_NE(0U, t_untouched)
		TH_LOG("the copy with delayed page responses did not complete correctly");
	ASSERT_EQ(0, read_fault_counter(&self->s, &pr1));
	ASSERT_DEVICE_FAULTED(&self->s, pr1 - pr0, len / PAGE);
	EXPECT_LE((uint64_t)delay_us * 800, t_untouched - t_touched)
		TH_LOG("pre-faulted %.3f s, never touched %.3f s, x-inject-pri-delay-us=%ld",
		       (double)t_touched / NS_PER_SEC, (double)t_untouched / NS_PER_SEC,
		       delay_us);
	svacc_free(touched, len);
	svacc_free(untouched, len);
}

/*
 * An engine stall meets the release timeout: a dedicated WQ holding more
 * stalled descriptors than run in the driver's 10 s release drain is
 * released. uapi.rst (WQ_RELEASE): the portal is revoked, the queued work
 * runs for up to 10 s, what is left is discarded (ABORT_WQ) and the call
 * says -ETIMEDOUT. The discarded descriptors never write a record, those
 * that ran did in order, a discard that works needs no device reset (the
 * reset epoch stays: nobody else loses work), the WQ can be claimed again
 * and the context keeps working.
 */
TEST_F_TIMEOUT(inject, stall_release_times_out, 300)
{
	long stall_us = knob("stall-us");
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	int i, done = 0, n, ret, wq;
	uint32_t e0;
	uint64_t t0, dt;

	ASSERT_LT(0, stall_us) TH_LOG("this mode does not set x-inject-stall-us");
	ASSERT_EQ(0, svacc_wq_claim(&self->s, SVACC_WQ_ANY));
	wq = self->s.wq;
	n = self->s.wq_size < SVACC_NREC - 1 ? self->s.wq_size : SVACC_NREC - 1;
	ASSERT_LT(12 * NS_PER_SEC, (int64_t)n * stall_us * 1000)
		TH_LOG("%d descriptors of %ld us do not outlast the release drain",
		       n, stall_us);
	e0 = self->s.info.reset_epoch;
	for (i = 0; i < n; i++) {
		svacc_desc_nop(&d, &c[i]);
		memset(&c[i], 0, sizeof(c[i]));
		ASSERT_EQ(0, svacc_portal_submit(&self->s, &d)) TH_LOG("NOP %d", i);
	}
	t0 = svacc_now_ns();
	ret = svacc_wq_release(&self->s);
	dt = svacc_now_ns() - t0;
	TH_LOG("WQ_RELEASE with %d stalled descriptors queued: %d after %.1f s",
	       n, ret, (double)dt / NS_PER_SEC);
	EXPECT_EQ(-ETIMEDOUT, ret);
	EXPECT_GT(20 * NS_PER_SEC, (int64_t)dt) TH_LOG("the release outlasted its drain");

	/* the records of what ran are a prefix; the rest never come */
	usleep(3 * stall_us);
	for (i = 0; i < n && svacc_status(&c[i]) == SVACC_STATUS_SUCCESS; i++)
		done++;
	for (; i < n; i++)
		EXPECT_EQ(0, svacc_status(&c[i]))
			TH_LOG("NOP %d of %d: status %u after the discard (%d ran)", i, n,
			       svacc_status(&c[i]), done);
	EXPECT_LT(0, done) TH_LOG("nothing ran during the release drain");
	EXPECT_GT(n, done) TH_LOG("everything ran: the drain did not time out");
	ASSERT_EQ(0, svacc_get_info(self->s.fd, &self->s.info));
	EXPECT_EQ(e0, self->s.info.reset_epoch) TH_LOG("the release reset the device");

	/* the WQ is free again, and the context works on both paths */
	ASSERT_EQ(0, svacc_wq_claim(&self->s, wq)) TH_LOG("claim of WQ %d again", wq);
	EXPECT_EQ(0, copy_verified(&self->s, SVACC_PATH_IOCTL, PAGE, &c[n]));
	EXPECT_EQ(0, copy_verified(&self->s, SVACC_PATH_PORTAL, PAGE, &c[n]));
}

TEST_F_TIMEOUT(inject, pri_fail, 300)
{
	long every = knob("pri-fail");
	const size_t len = SZ_1M;
	struct drm_svacc_desc d;
	struct drm_svacc_counters c0, c1;
	struct svacc_result res;
	struct drm_svacc_completion *c = self->rec;
	uint8_t *src, *dst = NULL;
	uint64_t prg0, pr0, pr1, fa;
	int i, st = 0, pri;

	ASSERT_LT(0, every) TH_LOG("this mode does not set x-inject-pri-fail");
	ASSERT_EQ((uint32_t)SVACC_MODE_SVA, self->s.info.mode)
		TH_LOG("page responses need SVA mode");
	src = malloc(len);
	ASSERT_NE(NULL, src);
	fill_random(src, len, 5);
	ASSERT_EQ(0, svacc_get_counters(self->s.fd, &c0));
	prg0 = c0.prg;

	/* copies into never-touched memory until a page response fails */
	for (i = 0; i < every + 8; i++) {
		svacc_free(dst, len);
		dst = svacc_alloc_untouched(len);
		ASSERT_NE(NULL, dst);
		svacc_desc_memmove(&d, dst, src, len, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&self->s, &d, c);
		if (st != SVACC_STATUS_SUCCESS)
			break;
		ASSERT_EQ(0, memcmp(src, dst, len));
	}
	ASSERT_EQ(0, svacc_get_counters(self->s.fd, &c1));
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, st);
	EXPECT_GE((uint64_t)every + 4, c1.prg - prg0)
		TH_LOG("%llu page request groups before the injected failure, %s=%ld",
		       (unsigned long long)(c1.prg - prg0), "x-inject-pri-fail", every);
	/* hardware.rst: PAGE_FAULT at the first page of the group it needed */
	fa = c->fault_addr;
	EXPECT_TRUE(fa >= (uintptr_t)dst && fa < (uintptr_t)dst + len && !(fa % PAGE))
		TH_LOG("fault address %#llx for a copy to %p", (unsigned long long)fa, dst);
	EXPECT_TRUE(c->fault_info & SVACC_FAULT_WRITE) TH_LOG("fault_info %#x", c->fault_info);
	EXPECT_EQ(fa - (uintptr_t)dst, c->bytes_completed);
	EXPECT_LE(c->bytes_completed, len);
	EXPECT_EQ(0, memcmp(src, dst, c->bytes_completed < len ? c->bytes_completed : len))
		TH_LOG("the completed part of the destination is wrong");
	pri = pri_status();
	EXPECT_TRUE(pri >= 0 && (pri & PCI_PRI_STATUS_RF))
		TH_LOG("PRI status %#x: Response Failure not set", pri);

	/* PRI stays failed: the next fault completes at once, nothing requested */
	ASSERT_EQ(0, read_fault_counter(&self->s, &pr0));
	svacc_free(dst, len);
	dst = svacc_alloc_untouched(len);
	ASSERT_NE(NULL, dst);
	svacc_desc_memmove(&d, dst, src, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, submit_wait(&self->s, &d, c));
	ASSERT_EQ(0, read_fault_counter(&self->s, &pr1));
	EXPECT_EQ(pr0, pr1) TH_LOG("page requests after a Response Failure");

	/*
	 * Nothing is lost: resubmitting after a CPU touch of each faulting
	 * page finishes a copy (a short one: every submission is stalled).
	 */
	svacc_free(dst, len);
	dst = svacc_alloc_untouched(4 * PAGE);
	ASSERT_NE(NULL, dst);
	svacc_desc_memmove(&d, dst, src, 4 * PAGE, c);
	ASSERT_EQ(0, svacc_run(&self->s, &d, c, &res));
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, res.status);
	EXPECT_LT(0U, res.resubmits);
	EXPECT_EQ(0, memcmp(src, dst, 4 * PAGE));
	svacc_free(dst, 4 * PAGE);
	free(src);
}

TEST_HARNESS_MAIN
