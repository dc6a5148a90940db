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
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
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
	SKIP_WITHOUT_DEVICE(return);
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
 * One round of the kill storm's child: stream page-faulting work through
 * both paths without waiting for it, unmapping destinations while the
 * device works on them, until the parent kills us. Writes one byte to
 * @ready once the first round is queued.
 */
static void storm_child(int ready)
{
	const size_t big = 8 * SZ_1M, small = 2 * SZ_1M;
	struct drm_svacc_completion *c = svacc_records_alloc(8);
	struct drm_svacc_desc d[4];
	uint8_t *src, *pdst, *idst[4];
	struct svacc s;
	uint32_t acc;
	int it, k;

	src = malloc(big);
	if (!c || !src || svacc_open(&s, NULL) ||
	    svacc_wq_claim(&s, SVACC_WQ_ANY))
		_exit(100);
	fill_random(src, big, 5);
	for (it = 0;; it++) {
		pdst = svacc_alloc_untouched(big);
		for (k = 0; k < 4; k++)
			idst[k] = svacc_alloc_untouched(small);
		if (!pdst || !idst[3])
			_exit(101);
		/* portal: one long copy into never-touched memory */
		svacc_desc_memmove(&d[0], pdst, src, big, &c[0]);
		d[0].flags |= SVACC_DESC_F_BOF;
		if (svacc_portal_submit(&s, &d[0]))
			_exit(102);
		/* ioctl: fills of never-touched memory over the shared WQs */
		for (k = 0; k < 4; k++) {
			svacc_desc_memfill(&d[k], idst[k], PATTERN, small,
					   &c[1 + k]);
			d[k].flags |= SVACC_DESC_F_BOF;
		}
		k = svacc_ioctl_submit(s.fd, d, 4, SVACC_WQ_ANY, &acc);
		if (k && k != -EAGAIN)
			_exit(103);
		if (it == 0 && write(ready, "s", 1) != 1)
			_exit(104);
		/* unmap in flight: the device meets invalidations */
		munmap(idst[it & 3], small);
		if (it & 1)
			munmap(pdst, big);
	}
}

/*
 * SIGKILL storm: processes killed at random points with several
 * page-faulting descriptors queued on both paths (long copies into
 * never-touched memory, buffers unmapped in flight). Each kill tears the
 * context down while the device has page requests (SVA) or fault records
 * (HMM) outstanding; the kernel must stay sound and the device usable.
 * SVACC_KILL_ROUNDS sets the number of rounds (120: the use-after-free
 * this guards against showed within 30 s, where 24 rounds could miss it;
 * 120 rounds take about 40 s in sva under TCG), SVACC_SEED the seed.
 */
TEST_F_TIMEOUT(life, sigkill_storm, 900)
{
	const char *env = getenv("SVACC_KILL_ROUNDS");
	int rounds = env ? atoi(env) : 120;
	unsigned int seed = getenv("SVACC_SEED") ?
			    strtoul(getenv("SVACC_SEED"), NULL, 0) :
			    (unsigned int)time(NULL);
	int r, p[2], status, ret;
	char started;
	pid_t pid;

	TH_LOG("%d rounds, seed %u (SVACC_SEED)", rounds, seed);
	srand(seed);
	for (r = 0; r < rounds; r++) {
		struct timespec ts = { .tv_nsec = (rand() % 300) * 1000000L };

		ASSERT_EQ(0, pipe(p));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(p[0]);
			storm_child(p[1]);
		}
		close(p[1]);
		if (read(p[0], &started, 1) != 1) {
			wait_child(pid, 60, &status);
			ASSERT_TRUE(false)
				TH_LOG("round %d: child did not start (status %#x)",
				       r, status);
		}
		close(p[0]);
		nanosleep(&ts, NULL);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ret = wait_child(pid, 120, &status);
		ASSERT_EQ(0, ret)
			TH_LOG("round %d: a killed process hung in exit", r);
		ASSERT_TRUE(WIFSIGNALED(status))
			TH_LOG("round %d: child status 0x%x", r, status);
		ASSERT_NO_SPLAT(self);
	}
	ret = device_works(self->rec);
	ASSERT_EQ(0, ret) TH_LOG("device after the storm: %s", strerror(-ret));
	ASSERT_NO_SPLAT(self);
}

/*
 * Claim any dedicated WQ, waiting up to 10 s for one: the files of a
 * process killed by an earlier test are released when its address space
 * goes, which a fault being served may delay past the process's reaping.
 */
static int claim_when_free(struct svacc *s)
{
	int i, ret = -EBUSY;

	for (i = 0; i < 100 && ret == -EBUSY; i++) {
		ret = svacc_wq_claim(s, SVACC_WQ_ANY);
		if (ret == -EBUSY)
			usleep(100000);
	}
	return ret;
}

/*
 * Two files of one process: closing one leaves the other's work alone. In
 * SVA mode both share the process's PASID, so a close must not discard
 * the PASID's work while another file of the same address space is open.
 */
TEST_F_TIMEOUT(life, close_one_file_keeps_the_other, 300)
{
	struct svacc s1, s2;
	struct blocker b;
	int path, ret, st;

	for (path = 0; path < 2; path++) {
		ret = svacc_open(&s1, NULL);
		ASSERT_EQ(0, ret) TH_LOG("open: %s", strerror(-ret));
		ret = svacc_open(&s2, NULL);
		ASSERT_EQ(0, ret) TH_LOG("open: %s", strerror(-ret));
		ASSERT_EQ(0, claim_when_free(&s1));
		ASSERT_EQ(0, claim_when_free(&s2));
		s2.path_kind = path ? SVACC_PATH_PORTAL : SVACC_PATH_IOCTL;
		ASSERT_EQ(0, blocker_init(&b, BLOCKER_SIZE));
		ASSERT_EQ(0, svacc_submit(&s2, &b.desc, 1));
		svacc_close(&s1);
		st = svacc_wait(&s2, b.rec, TEST_WAIT_NS);
		ASSERT_EQ(SVACC_STATUS_SUCCESS, st)
			TH_LOG("%s work of the file left open",
			       path ? "portal" : "ioctl");
		ASSERT_EQ(0, memcmp(b.src, b.dst, b.len));
		svacc_close(&s2);
		blocker_free(&b);
	}
	ASSERT_NO_SPLAT(self);
}

/*
 * A mapped portal holds its file: close() of the last descriptor leaves
 * the context alive (the portal still submits, in the opener's address
 * space) until the mapping goes; then the WQ is released.
 */
TEST_F(life, mapped_portal_outlives_close)
{
	struct drm_svacc_wq_claim claim;
	struct drm_svacc_desc d;
	struct svacc s, t;
	void *portal;
	int wq, st;

	ASSERT_EQ(0, svacc_open(&s, NULL));
	ASSERT_EQ(0, svacc_wq_claim(&s, SVACC_WQ_ANY));
	ASSERT_EQ(0, warm_records(&s, self->rec, 1));
	wq = s.wq;
	portal = s.portal;
	ASSERT_EQ(0, close(s.fd));
	s.fd = -1;

	svacc_desc_nop(&d, &self->rec[0]);
	memset(&self->rec[0], 0, sizeof(self->rec[0]));
	ASSERT_EQ(0, svacc_portal_submit(&s, &d));
	ASSERT_EQ(0, svacc_open(&t, NULL));
	st = svacc_wait(&t, &self->rec[0], TEST_WAIT_NS);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, st)
		TH_LOG("portal submission after close()");

	memset(&claim, 0, sizeof(claim));
	claim.wq = wq;
	ASSERT_EQ(-1, ioctl(t.fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim));
	ASSERT_EQ(EBUSY, errno) TH_LOG("WQ of a context still mapped");
	ASSERT_EQ(0, munmap(portal, SVACC_PORTAL_MMAP_SIZE));
	memset(&claim, 0, sizeof(claim));
	claim.wq = wq;
	ASSERT_EQ(0, ioctl(t.fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim))
		TH_LOG("WQ %d not released with the last mapping: %s", wq,
		       strerror(errno));
	svacc_close(&t);
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
				ASSERT_EQ(0, munmap(s.portal, SVACC_PORTAL_MMAP_SIZE));
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

/* sysfs paths of the device behind @node ("/dev/accel/accelN") */
static int pci_paths(const char *node, char *bdf, size_t bdf_len,
		     char *drv, size_t drv_len)
{
	char link[256], target[256];
	const char *name = strrchr(node, '/');
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/%s/device", name + 1);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return -errno;
	target[n] = '\0';
	snprintf(bdf, bdf_len, "%s", strrchr(target, '/') + 1);
	snprintf(link, sizeof(link), "/sys/class/accel/%s/device/driver",
		 name + 1);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return -errno;
	target[n] = '\0';
	snprintf(drv, drv_len, "/sys/bus/pci/drivers/%s", strrchr(target, '/') + 1);
	return 0;
}

/* Unbind/bind in a child, so that a hang in remove fails the test */
static int sysfs_write_bounded(const char *dir, const char *file,
			       const char *val)
{
	char path[300];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(write_str(path, val) ? 1 : 0);
	if (wait_child(pid, 60, &status))
		return -ETIMEDOUT;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

static sigjmp_buf sig_jmp;
static int sig_seen;

static void on_fault(int sig)
{
	__atomic_store_n(&sig_seen, sig, __ATOMIC_SEQ_CST);
	siglongjmp(sig_jmp, 1);
}

/*
 * The device goes away (driver unbind) while a context is open, has work
 * queued and its portal mapped: unbind does not wait for the file, later
 * calls fail with -ENODEV, poll() reports POLLERR|POLLHUP, the portal
 * raises SIGBUS, closing is safe; after bind the device works again.
 * Runs last: it takes the device away from everything else.
 */
TEST_F_TIMEOUT(life, remove_with_open_file, 300)
{
	struct sigaction sa = { .sa_handler = on_fault };
	struct drm_svacc_counters cnt;
	struct drm_svacc_info info;
	char bdf[64], drv[256];
	struct blocker b;
	struct pollfd pfd;
	struct svacc s;
	uint64_t *portal;
	void *p;
	int ret, i;

	ret = svacc_open(&s, NULL);
	ASSERT_EQ(0, ret) TH_LOG("open: %s", strerror(-ret));
	ASSERT_EQ(0, pci_paths(s.path, bdf, sizeof(bdf), drv, sizeof(drv)));
	ASSERT_EQ(0, svacc_wq_claim(&s, SVACC_WQ_ANY));
	ASSERT_EQ(0, blocker_init(&b, BLOCKER_SIZE));
	ASSERT_EQ(0, svacc_portal_submit(&s, &b.desc));

	ret = sysfs_write_bounded(drv, "unbind", bdf);
	ASSERT_EQ(0, ret) TH_LOG("unbind %s from %s: %s", bdf, drv, strerror(-ret));

	EXPECT_EQ(-ENODEV, svacc_get_info(s.fd, &info));
	EXPECT_EQ(-ENODEV, svacc_get_counters(s.fd, &cnt));
	EXPECT_EQ(-ENODEV, svacc_ioctl_submit(s.fd, &b.desc, 1, SVACC_WQ_ANY, NULL));
	ret = svacc_wait_ioctl(s.fd, b.rec, 0, NULL);
	EXPECT_TRUE(ret == -ENODEV || (ret == 0 && svacc_status(b.rec)))
		TH_LOG("WAIT after removal: %d", ret);
	p = mmap(NULL, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 s.fd, s.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENODEV, errno);
	pfd.fd = s.fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLERR | POLLHUP, pfd.revents & (POLLERR | POLLHUP));

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, NULL));
	ASSERT_EQ(0, sigaction(SIGSEGV, &sa, NULL));
	portal = s.portal;
	__atomic_store_n(&sig_seen, 0, __ATOMIC_SEQ_CST);
	if (!sigsetjmp(sig_jmp, 1))
		__atomic_store_n(&portal[7], 0, __ATOMIC_SEQ_CST);
	EXPECT_EQ(SIGBUS, __atomic_load_n(&sig_seen, __ATOMIC_SEQ_CST))
		TH_LOG("store to the portal of a removed device");

	munmap(s.portal, SVACC_PORTAL_MMAP_SIZE);
	close(s.fd);
	blocker_free(&b);

	ret = sysfs_write_bounded(drv, "bind", bdf);
	ASSERT_EQ(0, ret) TH_LOG("bind %s: %s", bdf, strerror(-ret));
	for (i = 0; i < 100; i++) {
		ret = device_works(self->rec);
		if (ret != -ENODEV && ret != -ENOENT)
			break;
		usleep(50 * 1000);
	}
	ASSERT_EQ(0, ret) TH_LOG("device after rebind: %s", strerror(-ret));
	ASSERT_NO_SPLAT(self);
}

TEST_HARNESS_MAIN
