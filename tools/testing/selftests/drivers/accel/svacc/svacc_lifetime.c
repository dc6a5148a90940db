// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc context lifetime: exit with work in flight, SIGKILL mid-stream,
 * close() with queued work (the device never touches the address space
 * afterwards), many short-lived contexts, close with the portal still
 * mapped. Each test checks that the caller hangs nowhere, that the device
 * still works afterwards and that the kernel log has no splat.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_assert.h"

#define PATTERN		0x5555aaaa3333ccccULL

FIXTURE(life) {
	int kmsg;
	struct drm_svacc_completion *rec;
};

FIXTURE_SETUP(life)
{
	kmsg_mark(_metadata->name);
	self->rec = svacc_records_alloc(SVACC_NREC);
	ASSERT_NE(NULL, self->rec);
	self->kmsg = kmsg_open();
	if (self->kmsg < 0)
		TH_LOG("no /dev/kmsg (%s): kernel log not checked",
		       strerror(-self->kmsg));
}

FIXTURE_TEARDOWN(life)
{
	if (self->kmsg >= 0)
		close(self->kmsg);
	free(self->rec);
}

/* No splat in the kernel log since the fixture started */
#define ASSERT_NO_SPLAT(fix) do {					\
	int sv_kmsg = (fix)->kmsg;					\
	char sv_first[512];						\
	if (sv_kmsg >= 0)						\
		ASSERT_EQ(0, kmsg_splats(sv_kmsg, sv_first, sizeof(sv_first))) \
			TH_LOG("kernel log: %s", sv_first);		\
} while (0)

/* A fresh context does a verified copy through both paths */
static int device_works(struct drm_svacc_completion *c)
{
	const size_t len = 2 * PAGE + 3;
	struct drm_svacc_desc d;
	uint8_t *src, *dst;
	struct svacc s;
	int ret, st, i;

	ret = svacc_open(&s, NULL);
	if (ret)
		return ret;
	ret = svacc_wq_claim(&s, SVACC_WQ_ANY);
	src = malloc(len);
	dst = svacc_alloc_untouched(len);
	if (ret || !src || !dst) {
		svacc_close(&s);
		return ret ? ret : -ENOMEM;
	}
	fill_random(src, len, 77);
	for (i = 0; i < 2 && !ret; i++) {
		s.path_kind = i ? SVACC_PATH_PORTAL : SVACC_PATH_IOCTL;
		memset(dst, 0, len);
		svacc_desc_memmove(&d, dst, src, len, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&s, &d, c);
		if (st != SVACC_STATUS_SUCCESS || memcmp(src, dst, len))
			ret = st < 0 ? st : -EIO;
	}
	svacc_close(&s);
	free(src);
	svacc_free(dst, len);
	return ret;
}

/* Queue a lot of work on both paths without waiting for any of it */
static int queue_lots(struct svacc *s, struct blocker *b)
{
	struct drm_svacc_desc nops[SVACC_SUBMIT_MAX];
	uint32_t acc;
	int k, ret;

	ret = svacc_portal_submit(s, &b->desc);
	if (ret)
		return ret;
	for (k = 0; k < SVACC_SUBMIT_MAX; k++)
		svacc_desc_nop(&nops[k], NULL);
	for (k = 0; k < 64; k++) {
		ret = svacc_ioctl_submit(s->fd, nops, SVACC_SUBMIT_MAX,
					 SVACC_WQ_ANY, &acc);
		if (ret && ret != -EAGAIN)
			return ret;
	}
	return 0;
}

/* The process exits with work queued: exit does not hang, device fine */
TEST_F_TIMEOUT(life, exit_with_work_in_flight, 300)
{
	int status, ret;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct blocker b;
		struct svacc s;

		if (svacc_open(&s, NULL) || svacc_wq_claim(&s, SVACC_WQ_ANY) ||
		    blocker_init(&b, BLOCKER_SIZE))
			_exit(100);
		if (queue_lots(&s, &b))
			_exit(101);
		_exit(0);	/* no close, no wait: exit tears it down */
	}
	ret = wait_child(pid, 120, &status);
	ASSERT_EQ(0, ret) TH_LOG("exit with work in flight hung");
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("child could not queue work");
	ret = device_works(self->rec);
	ASSERT_EQ(0, ret) TH_LOG("device after the exit: %s", strerror(-ret));
	ASSERT_NO_SPLAT(self);
}

/* SIGKILL while the process streams descriptors */
TEST_F_TIMEOUT(life, sigkill_mid_stream, 300)
{
	struct timespec ts = { .tv_nsec = 300 * 1000 * 1000 };
	int p[2], status, ret;
	char started;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct drm_svacc_completion *c = svacc_records_alloc(2);
		const size_t len = 4 * SZ_1M;
		struct drm_svacc_desc d;
		struct svacc s;
		uint8_t *dst;
		int it;

		if (!c || svacc_open(&s, NULL) || svacc_wq_claim(&s, SVACC_WQ_ANY))
			_exit(100);
		for (it = 0;; it++) {
			dst = svacc_alloc_untouched(len);
			if (!dst)
				_exit(101);
			s.path_kind = it & 1 ? SVACC_PATH_PORTAL : SVACC_PATH_IOCTL;
			svacc_desc_memfill(&d, dst, PATTERN, len, &c[0]);
			d.flags |= SVACC_DESC_F_BOF;
			if (svacc_submit(&s, &d, 1))
				_exit(102);
			if (it == 0 && write(p[1], "s", 1) != 1)
				_exit(103);
			/* keep one in flight, leak the buffers on purpose */
			if (it & 1)
				svacc_wait(&s, &c[0], TEST_WAIT_NS);
		}
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &started, 1)) TH_LOG("child did not start");
	nanosleep(&ts, NULL);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ret = wait_child(pid, 120, &status);
	ASSERT_EQ(0, ret) TH_LOG("a SIGKILLed process with work in flight hung");
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("child status 0x%x", status);
	ASSERT_EQ(SIGKILL, WTERMSIG(status));
	ret = device_works(self->rec);
	ASSERT_EQ(0, ret) TH_LOG("device after the kill: %s", strerror(-ret));
	ASSERT_NO_SPLAT(self);
}

/*
 * close() with work queued: after close() returns the device never touches
 * the address space again (nothing changes in the record or destination).
 */
TEST_F_TIMEOUT(life, close_then_no_access, 300)
{
	struct timespec ts = { .tv_nsec = 500 * 1000 * 1000 };
	uint32_t crc_before, crc_after;
	uint8_t st_before, st_after;
	struct blocker b;
	struct svacc s;
	int ret;

	ret = svacc_open(&s, NULL);
	ASSERT_EQ(0, ret) TH_LOG("open: %s", strerror(-ret));
	ASSERT_EQ(0, blocker_init(&b, BLOCKER_SIZE));
	ASSERT_EQ(0, svacc_submit(&s, &b.desc, 1));
	svacc_close(&s);
	st_before = svacc_status(b.rec);
	crc_before = svacc_crc32c(0, b.dst, b.len);
	nanosleep(&ts, NULL);
	st_after = svacc_status(b.rec);
	crc_after = svacc_crc32c(0, b.dst, b.len);
	ASSERT_EQ(st_before, st_after) TH_LOG("record written after close()");
	ASSERT_EQ(crc_before, crc_after) TH_LOG("memory written after close()");
	ASSERT_TRUE(st_after == 0 || st_after == SVACC_STATUS_SUCCESS)
		TH_LOG("record status %s", svacc_status_name(st_after));
	blocker_free(&b);
	ret = device_works(self->rec);
	ASSERT_EQ(0, ret) TH_LOG("device after close: %s", strerror(-ret));
	ASSERT_NO_SPLAT(self);
}

/* Many short-lived processes, each with its own context and PASID */
TEST_F_TIMEOUT(life, many_processes, 300)
{
	const int n = 16;
	int i, status, ret;
	pid_t pid;

	for (i = 0; i < n; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(device_works(self->rec) ? 1 : 0);
		ASSERT_EQ(0, wait_child(pid, 60, &status));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("process %d", i);
	}
	ret = device_works(self->rec);
	ASSERT_EQ(0, ret);
	ASSERT_NO_SPLAT(self);
}

/* Open/close loops leak nothing: every dedicated WQ is claimable after */
TEST_F(life, open_close_loop)
{
	struct drm_svacc_wq_claim claim;
	struct svacc s;
	int i, ret, claims;

	for (i = 0; i < 200; i++) {
		ret = svacc_open(&s, NULL);
		ASSERT_EQ(0, ret) TH_LOG("open %d: %s", i, strerror(-ret));
		if (i % 10 == 0) {
			ret = svacc_wq_claim(&s, SVACC_WQ_ANY);
			ASSERT_EQ(0, ret) TH_LOG("claim %d: %s", i, strerror(-ret));
			if (i % 20 == 0) {
				/* close with the portal still mapped */
				close(s.fd);
				ASSERT_EQ(0, munmap(s.portal, SVACC_PORTAL_SIZE));
				continue;
			}
		}
		svacc_close(&s);
	}
	ret = svacc_open(&s, NULL);
	ASSERT_EQ(0, ret);
	for (claims = 0; claims < 64; claims++) {
		memset(&claim, 0, sizeof(claim));
		claim.wq = SVACC_WQ_ANY;
		if (ioctl(s.fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim))
			break;
	}
	ASSERT_EQ(EBUSY, errno);
	for (i = 0, ret = 0; i < (int)s.info.num_wqs && i < 32; i++)
		ret += !(s.info.shared_wqs & (1u << i));
	ASSERT_EQ(ret, claims) TH_LOG("dedicated WQs leaked by closed contexts");
	svacc_close(&s);
	ASSERT_NO_SPLAT(self);
}

TEST_HARNESS_MAIN
