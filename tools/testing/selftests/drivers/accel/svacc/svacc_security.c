// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc isolation: a context belongs to the address space that opened it.
 * A fork() child, a process that received the file over SCM_RIGHTS and one
 * that took it with pidfd_getfd() get -EPERM from every ioctl and mmap()
 * (and POLLERR from poll()) while the owner keeps working; the portal
 * mapping is not inherited; two processes at the same virtual addresses
 * see only their own memory; a released portal is revoked (SIGBUS); portal
 * mmap() flags are checked; a claimed WQ cannot be claimed by another
 * process, nor named in another process's SUBMIT; device-wide counters
 * are for CAP_PERFMON only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_assert.h"

#define PATTERN		0x0f1e2d3c4b5a6978ULL
#define FIXED_ADDR	((void *)0x6f0000000000UL)
#define FIXED_LEN	(SZ_1M)

FIXTURE(sec) {
	struct svacc s;
	struct drm_svacc_completion *rec;
};

FIXTURE_SETUP(sec)
{
	int ret;

	SKIP_WITHOUT_DEVICE(return);
	self->s.fd = -1;
	kmsg_mark(_metadata->name);
	self->rec = svacc_records_alloc(SVACC_NREC);
	ASSERT_NE(NULL, self->rec);
	ret = svacc_open(&self->s, NULL);
	ASSERT_EQ(0, ret) TH_LOG("cannot open an svacc device: %s",
				 strerror(-ret));
	ASSERT_EXPECTED_MODE(&self->s);
	ret = svacc_wq_claim(&self->s, SVACC_WQ_ANY);
	ASSERT_EQ(0, ret) TH_LOG("claim: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(sec)
{
	svacc_close(&self->s);
	free(self->rec);
}

/* A copy through @path, verified; 0 or a negative errno / -EIO */
static int owner_copy(struct svacc *s, enum svacc_path path,
		      struct drm_svacc_completion *c)
{
	return copy_verified(s, path, 3 * PAGE + 1, c);
}

/* Child-side check: print what went wrong, count it */
#define CHILD_CHECK(fails, cond, fmt, ...) do {				\
	if (!(cond)) {							\
		fprintf(stderr, "# child: " fmt "\n", ##__VA_ARGS__);	\
		(fails)++;						\
	}								\
} while (0)

/*
 * Everything a foreign address space may try on @fd. Returns the number
 * of checks that failed.
 */
static int foreign_checks(int fd, uint64_t mmap_offset,
			  struct drm_svacc_completion *c)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct drm_svacc_wq_claim claim = { .wq = SVACC_WQ_ANY };
	struct drm_svacc_counters cnt;
	struct drm_svacc_info info;
	struct drm_svacc_desc d;
	int fails = 0, ret;
	void *p;

	ret = svacc_get_info(fd, &info);
	CHILD_CHECK(fails, ret == -EPERM, "GET_INFO: %d, expected -EPERM", ret);
	svacc_desc_nop(&d, c);
	ret = svacc_ioctl_submit(fd, &d, 1, SVACC_WQ_ANY, NULL);
	CHILD_CHECK(fails, ret == -EPERM, "SUBMIT: %d, expected -EPERM", ret);
	ret = ioctl(fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim) ? -errno : 0;
	CHILD_CHECK(fails, ret == -EPERM, "WQ_CLAIM: %d, expected -EPERM", ret);
	ret = svacc_wait_ioctl(fd, c, 0, NULL);
	CHILD_CHECK(fails, ret == -EPERM, "WAIT: %d, expected -EPERM", ret);
	ret = svacc_get_counters(fd, &cnt);
	CHILD_CHECK(fails, ret == -EPERM, "GET_COUNTERS: %d, expected -EPERM", ret);
	p = mmap(NULL, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, mmap_offset);
	ret = p == MAP_FAILED ? -errno : 0;
	CHILD_CHECK(fails, ret == -EPERM, "mmap of the portal: %d, expected -EPERM", ret);
	if (p != MAP_FAILED)
		munmap(p, SVACC_PORTAL_MMAP_SIZE);
	ret = poll(&pfd, 1, 0);
	CHILD_CHECK(fails, ret == 1 && (pfd.revents & POLLERR),
		    "poll: %d revents 0x%x, expected POLLERR", ret, pfd.revents);
	CHILD_CHECK(fails, c->status == 0, "the NOP ran");
	return fails;
}

TEST_F(sec, fork_child_eperm)
{
	struct drm_svacc_completion *c = self->rec;
	int status, fails;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct svacc own;

		fails = foreign_checks(self->s.fd, self->s.mmap_offset, &c[1]);
		/* the parent's portal mapping is not inherited */
		CHILD_CHECK(fails, madvise(self->s.portal, PAGE, MADV_NORMAL) &&
			    errno == ENOMEM, "the portal mapping was inherited");
		/* the child can open its own context */
		CHILD_CHECK(fails, svacc_open(&own, NULL) == 0, "own open");
		if (own.fd >= 0) {
			CHILD_CHECK(fails, owner_copy(&own, SVACC_PATH_IOCTL, &c[2]) == 0,
				    "copy in the child's own context");
			svacc_close(&own);
		}
		_exit(fails);
	}
	ASSERT_EQ(0, wait_child(pid, 60, &status));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child status 0x%x", status);
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("failed checks in the child");
	ASSERT_EQ(0, owner_copy(&self->s, SVACC_PATH_IOCTL, c));
	ASSERT_EQ(0, owner_copy(&self->s, SVACC_PATH_PORTAL, c));
}

/* The owner (a child) passes its fd; the receiver gets -EPERM, owner works */
TEST_F(sec, scm_rights_eperm)
{
	struct drm_svacc_completion *c = self->rec;
	int sv[2], status, fd, fails;
	uint64_t offset;
	char go = 'g';
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		TH_LOG("socketpair(AF_UNIX): %s (CONFIG_UNIX?)", strerror(errno));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct svacc own;

		close(sv[0]);
		close(self->s.fd);
		fails = svacc_open(&own, NULL) ? 1 : 0;
		if (!fails)
			fails += svacc_wq_claim(&own, SVACC_WQ_ANY) ? 1 : 0;
		if (fails || send_fd(sv[1], own.fd, own.mmap_offset))
			_exit(100);
		if (read(sv[1], &go, 1) != 1)
			_exit(101);
		CHILD_CHECK(fails, owner_copy(&own, SVACC_PATH_IOCTL, &c[2]) == 0,
			    "owner copy (ioctl) after passing its fd");
		CHILD_CHECK(fails, owner_copy(&own, SVACC_PATH_PORTAL, &c[2]) == 0,
			    "owner copy (portal) after passing its fd");
		svacc_close(&own);
		_exit(fails);
	}
	close(sv[1]);
	fd = recv_fd(sv[0], &offset);
	ASSERT_LE(0, fd) TH_LOG("no fd received");
	fails = foreign_checks(fd, offset, &c[1]);
	EXPECT_EQ(0, fails) TH_LOG("the receiver could use the owner's context");
	close(fd);
	ASSERT_EQ(1, write(sv[0], &go, 1));
	ASSERT_EQ(0, wait_child(pid, 60, &status));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("owner failed after passing its fd");
	ASSERT_EQ(0, owner_copy(&self->s, SVACC_PATH_PORTAL, c));
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd		438
#endif

/* The same through pidfd_getfd(): another process takes the owner's fd */
TEST_F(sec, pidfd_getfd_eperm)
{
	struct drm_svacc_completion *c = self->rec;
	int status, pidfd, fd, fails;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* a process of its own: takes the parent's (the owner's) fd */
		pidfd = syscall(SYS_pidfd_open, getppid(), 0);
		fd = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, self->s.fd, 0);
		if (fd < 0) {
			fprintf(stderr, "# child: pidfd_getfd: %s\n", strerror(errno));
			_exit(100);
		}
		close(self->s.fd);
		fails = foreign_checks(fd, self->s.mmap_offset, &c[1]);
		_exit(fails);
	}
	ASSERT_EQ(0, wait_child(pid, 60, &status));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("the taker could use the owner's context (exit %d)",
		       WEXITSTATUS(status));
	ASSERT_EQ(0, owner_copy(&self->s, SVACC_PATH_IOCTL, c));
	ASSERT_EQ(0, owner_copy(&self->s, SVACC_PATH_PORTAL, c));
}

/*
 * One of two processes: its own pattern at FIXED_ADDR, its own context,
 * then repeated device work on FIXED_ADDR. Exit status = failed checks.
 */
static int isolated_child(int id, int to_parent, int from_parent)
{
	const uint64_t mine = PATTERN * (id + 1);
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	uint8_t *fixed, *copy, *ref;
	struct drm_svacc_desc d;
	struct svacc s;
	int fails = 0, it, st;
	char go;

	fixed = mmap(FIXED_ADDR, FIXED_LEN, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	copy = svacc_alloc_untouched(FIXED_LEN);
	ref = malloc(FIXED_LEN);
	if (fixed != FIXED_ADDR || !copy || !ref || !c || svacc_open(&s, NULL))
		return 100;
	if (svacc_wq_claim(&s, SVACC_WQ_ANY))
		return 101;
	svacc_fill_pattern(fixed, mine, FIXED_LEN);
	if (write(to_parent, &s.info.pasid, 4) != 4 ||
	    read(from_parent, &go, 1) != 1)
		return 102;
	for (it = 0; it < 16; it++) {
		s.path_kind = it & 1 ? SVACC_PATH_PORTAL : SVACC_PATH_IOCTL;
		svacc_desc_compare_pattern(&d, fixed, mine, FIXED_LEN, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&s, &d, c);
		CHILD_CHECK(fails, st == SVACC_STATUS_SUCCESS && !c->result,
			    "%d/%d: the device saw other data at %p (status %d, diff at %llu)",
			    id, it, FIXED_ADDR, st,
			    (unsigned long long)c->result_value);
		svacc_desc_memmove(&d, copy, fixed, FIXED_LEN, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&s, &d, c);
		svacc_fill_pattern(ref, mine, FIXED_LEN);
		CHILD_CHECK(fails, st == SVACC_STATUS_SUCCESS &&
			    !memcmp(copy, ref, FIXED_LEN),
			    "%d/%d: copied someone else's memory", id, it);
		svacc_desc_memfill(&d, fixed, mine, FIXED_LEN, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&s, &d, c);
		CHILD_CHECK(fails, st == SVACC_STATUS_SUCCESS &&
			    !memcmp(fixed, ref, FIXED_LEN),
			    "%d/%d: fill went elsewhere", id, it);
	}
	svacc_close(&s);
	return fails;
}

/* Two processes, same virtual addresses, own PASIDs, no cross-talk */
TEST_F_TIMEOUT(sec, two_processes_isolated, 300)
{
	int up[2], down[2], status, i;
	uint32_t pasid[2];
	pid_t pid[2];
	char go[2] = "gg";

	/* each child claims a dedicated WQ: give ours back */
	ASSERT_EQ(0, svacc_wq_release(&self->s));
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			close(self->s.fd);
			close(up[0]);
			close(down[1]);
			_exit(isolated_child(i, up[1], down[0]));
		}
	}
	close(up[1]);
	close(down[0]);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(4, read(up[0], &pasid[i], 4)) TH_LOG("child %d did not start", i);
	ASSERT_NE(pasid[0], pasid[1]) TH_LOG("both processes got PASID %u", pasid[0]);
	ASSERT_NE(self->s.info.pasid, pasid[0]);
	ASSERT_NE(self->s.info.pasid, pasid[1]);
	ASSERT_EQ(2, write(down[1], go, 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, wait_child(pid[i], 240, &status));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status))
			TH_LOG("child %d: exit %d (>= 100: setup failed)", i,
			       WEXITSTATUS(status));
	}
}

static sigjmp_buf sig_jmp;
static int sig_seen;

static void on_fault(int sig)
{
	__atomic_store_n(&sig_seen, sig, __ATOMIC_SEQ_CST);
	siglongjmp(sig_jmp, 1);
}

/* After WQ_RELEASE the old portal mapping raises SIGBUS */
TEST_F(sec, release_revokes_portal)
{
	struct drm_svacc_wq_release rel = { .wq = (uint32_t)self->s.wq };
	struct sigaction sa = { .sa_handler = on_fault };
	uint64_t *portal = self->s.portal;

	ASSERT_EQ(0, ioctl(self->s.fd, DRM_IOCTL_SVACC_WQ_RELEASE, &rel));
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, NULL));
	ASSERT_EQ(0, sigaction(SIGSEGV, &sa, NULL));
	__atomic_store_n(&sig_seen, 0, __ATOMIC_SEQ_CST);
	if (!sigsetjmp(sig_jmp, 1))
		__atomic_store_n(&portal[7], 0, __ATOMIC_SEQ_CST);
	ASSERT_EQ(SIGBUS, __atomic_load_n(&sig_seen, __ATOMIC_SEQ_CST))
		TH_LOG("store to a released portal: signal %d",
		       __atomic_load_n(&sig_seen, __ATOMIC_SEQ_CST));
	munmap(self->s.portal, SVACC_PORTAL_MMAP_SIZE);
	self->s.portal = NULL;
	self->s.wq = -1;
}

/* Portal mmap(): one shared, non-executable page at the claimed offset */
TEST_F(sec, portal_mmap_checks)
{
	const uint64_t off = self->s.mmap_offset;
	const int fd = self->s.fd;
	void *p;

	p = mmap(NULL, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_SHARED, fd, off);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("executable portal mapping");
	p = mmap(NULL, 2 * SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, off);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("two-page portal mapping");
	p = mmap(NULL, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE, fd, off);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("private portal mapping");
	p = mmap(NULL, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, off + 64 * SVACC_PORTAL_MMAP_SIZE);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("mapping at an unclaimed offset");
	p = mremap(self->s.portal, SVACC_PORTAL_MMAP_SIZE, 2 * SVACC_PORTAL_MMAP_SIZE,
		   MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("the portal mapping grew");
	ASSERT_EQ(0, owner_copy(&self->s, SVACC_PATH_PORTAL, self->rec));
}

/* A WQ claimed by one context cannot be claimed by another process */
TEST_F(sec, claimed_wq_is_exclusive)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct drm_svacc_wq_claim claim = { .wq = (uint32_t)self->s.wq };
		struct svacc own;
		int ret;

		if (svacc_open(&own, NULL))
			_exit(100);
		ret = ioctl(own.fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim) ? errno : 0;
		if (ret != EBUSY)
			fprintf(stderr, "# child: claim of WQ %d: %s\n",
				self->s.wq, strerror(ret));
		_exit(ret == EBUSY ? 0 : 1);
	}
	ASSERT_EQ(0, wait_child(pid, 60, &status));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, owner_copy(&self->s, SVACC_PATH_PORTAL, self->rec));
}

/*
 * DRM_IOCTL_SVACC_SUBMIT takes a dedicated WQ only from the file that
 * claimed it: such a WQ runs every descriptor under its owner's PASID,
 * whatever was stamped. A child (its own mm and file) names the parent's
 * WQ for a fill of a page that both have at the same address: -EINVAL,
 * and neither the parent's page nor its record there changes. The owner
 * gets its copy done through the same ioctl and WQ.
 */
TEST_F(sec, others_dedicated_wq_refused)
{
	struct drm_svacc_completion *c = &self->rec[1];
	uint64_t *page = svacc_alloc_untouched(PAGE);
	struct drm_svacc_desc d;
	uint32_t wq;
	size_t w;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, page);
	memset(page, 0, PAGE);
	memset(c, 0, sizeof(*c));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct svacc own;
		int ret;

		if (svacc_open(&own, NULL))
			_exit(100);
		svacc_desc_memfill(&d, page, PATTERN, PAGE, c);
		ret = svacc_ioctl_submit(own.fd, &d, 1, (uint32_t)self->s.wq, NULL);
		if (ret != -EINVAL)
			fprintf(stderr, "# child: SUBMIT to WQ %d: %d, expected -EINVAL\n",
				self->s.wq, ret);
		/* accepted: let it land (in the parent) before the parent looks */
		if (ret >= 0)
			usleep(500 * 1000);
		_exit(ret == -EINVAL ? 0 : 1);
	}
	ASSERT_EQ(0, wait_child(pid, 60, &status));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* what the device would have written went here, under our PASID */
	for (w = 0; w < PAGE / 8 && !page[w]; w++)
		;
	EXPECT_EQ(PAGE / 8, w) TH_LOG("the parent's page was written at +%#zx: %#llx",
				      w * 8, (unsigned long long)page[w % (PAGE / 8)]);
	EXPECT_EQ(0, c->status) TH_LOG("a record was written in the parent");
	svacc_free(page, PAGE);

	/* the owner may use the same ioctl on it, until it releases it */
	wq = (uint32_t)self->s.wq;
	self->s.shared_wq = wq;
	EXPECT_EQ(0, owner_copy(&self->s, SVACC_PATH_IOCTL, self->rec));
	self->s.shared_wq = SVACC_WQ_ANY;
	ASSERT_EQ(0, svacc_wq_release(&self->s));
	svacc_desc_nop(&d, NULL);
	EXPECT_EQ(-EINVAL, svacc_ioctl_submit(self->s.fd, &d, 1, wq, NULL))
		TH_LOG("SUBMIT to WQ %u after its release", wq);
}

/* A portal store (8 bytes at quadword @q) that may fault: the signal, or 0 */
static int portal_poke(uint64_t *portal, int q, uint64_t val)
{
	struct sigaction sa = { .sa_handler = on_fault };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) || sigaction(SIGSEGV, &sa, NULL))
		return -errno;
	__atomic_store_n(&sig_seen, 0, __ATOMIC_SEQ_CST);
	if (!sigsetjmp(sig_jmp, 1))
		__atomic_store_n(&portal[q], val, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&sig_seen, __ATOMIC_SEQ_CST);
}

struct release_later {
	int fd;
	uint32_t wq;
	int ret;
};

static void *release_after_100ms(void *arg)
{
	struct release_later *r = arg;
	struct drm_svacc_wq_release rel = { .wq = r->wq };
	struct timespec ts = { .tv_nsec = 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	r->ret = ioctl(r->fd, DRM_IOCTL_SVACC_WQ_RELEASE, &rel) ? -errno : 0;
	return NULL;
}

/*
 * WQ_RELEASE from a sibling thread while mmap() of the portal is under
 * way (held open by the test-only debugfs delay between the driver's
 * ->mmap and the return of mmap()): the new mapping must be revocable like
 * any other, so a store through it raises SIGBUS. A mapping that escaped
 * the revocation would submit into whoever claims the WQ next.
 */
TEST_F(sec, release_during_mmap_revokes)
{
	struct drm_svacc_wq_claim claim = { .wq = SVACC_WQ_ANY };
	struct release_later rel;
	char delay[300];
	pthread_t thr;
	struct svacc t;
	void *p;
	int sig;

	ASSERT_EQ(0, svacc_debugfs_file(self->s.path, "test_portal_mmap_delay_ms",
					delay, sizeof(delay)));
	ASSERT_EQ(0, svacc_open(&t, NULL));
	ASSERT_EQ(0, ioctl(t.fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim));
	ASSERT_EQ(0, write_str(delay, "400")) TH_LOG("%s", delay);
	rel.fd = t.fd;
	rel.wq = claim.wq;
	rel.ret = 1;
	ASSERT_EQ(0, pthread_create(&thr, NULL, release_after_100ms, &rel));
	p = mmap(NULL, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 t.fd, claim.mmap_offset);
	pthread_join(thr, NULL);
	write_str(delay, "0");
	ASSERT_EQ(0, rel.ret) TH_LOG("release: %s", strerror(-rel.ret));
	if (p != MAP_FAILED) {
		sig = portal_poke(p, 7, 0);
		EXPECT_EQ(SIGBUS, sig)
			TH_LOG("a portal mapped across WQ_RELEASE reaches the device (signal %d)",
			       sig);
		munmap(p, SVACC_PORTAL_MMAP_SIZE);
	}
	svacc_close(&t);
}

/*
 * A new owner never inherits the previous owner's staged quadwords: the
 * next owner's lone commit write is torn (REJECTED), not the old owner's
 * descriptor submitted into the new owner's address space.
 */
TEST_F(sec, staging_cleared_between_owners)
{
	uint64_t *portal = self->s.portal;
	struct drm_svacc_desc d;
	uint64_t q[8];
	struct svacc t;
	uint32_t wq = (uint32_t)self->s.wq;
	int i;

	svacc_desc_memfill(&d, self->rec + 8, PATTERN, 64, &self->rec[0]);
	memcpy(q, &d, sizeof(q));
	for (i = 0; i < 7; i++)
		__atomic_store_n(&portal[i], q[i], __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, svacc_wq_release(&self->s));

	ASSERT_EQ(0, svacc_open(&t, NULL));
	ASSERT_EQ(0, svacc_wq_claim(&t, wq)) TH_LOG("claim of WQ %u", wq);
	__atomic_store_n((uint64_t *)t.portal + 7, q[7], __ATOMIC_SEQ_CST);
	ASSERT_EQ((uint32_t)SVACC_PORTAL_REJECTED,
		  svacc_portal_read_status(t.portal) & SVACC_PORTAL_STATUS_CODE)
		TH_LOG("a commit alone submitted the previous owner's staged descriptor");
	svacc_close(&t);
}

/* Addresses the kernel or the device cannot take from user space */
static const uint64_t bad_addrs[] = {
	0xfffffffffffff000ULL,	/* the last page: end address wraps */
	0xffffffffffffffc0ULL,
	0xffffffff80000000ULL,	/* kernel text */
	0xffff888000000000ULL,	/* direct map */
	0x8000000000000000ULL,	/* non-canonical */
	0x0000800000000000ULL,	/* first address above 47 bits */
};

/*
 * Every descriptor the portal accepts ends with a record the spec allows:
 * data or batch addresses outside the user address space complete with
 * PAGE_FAULT, with or without block-on-fault, in every translation mode.
 * The ioctl refuses them up front.
 */
TEST_F_TIMEOUT(sec, bad_addresses_complete, 600)
{
	uint8_t *buf = malloc(2 * PAGE);
	struct drm_svacc_completion *c = &self->rec[1];
	struct drm_svacc_desc d;
	unsigned int i, role, bof;
	int st;

	ASSERT_NE(NULL, buf);
	memset(buf, 0x11, 2 * PAGE);
	for (i = 0; i < ARRAY_SIZE(bad_addrs); i++) {
		void *a = (void *)(uintptr_t)bad_addrs[i];

		for (role = 0; role < 5; role++) {
			switch (role) {
			case 0:
				svacc_desc_memmove(&d, buf, a, 64, c);
				break;
			case 1:
				svacc_desc_memmove(&d, a, buf, 128, c);
				break;
			case 2:
				svacc_desc_memfill(&d, a, PATTERN, PAGE, c);
				break;
			case 3:
				svacc_desc_crc32c(&d, a, 64, 0, c);
				break;
			default:
				svacc_desc_batch(&d, a, 1, c);
				break;
			}
			EXPECT_EQ(-EINVAL, svacc_ioctl_submit(self->s.fd, &d, 1,
							      SVACC_WQ_ANY, NULL))
				TH_LOG("ioctl took address %#llx (role %u)",
				       (unsigned long long)bad_addrs[i], role);
			for (bof = 0; bof < 2; bof++) {
				if (bof)
					d.flags |= SVACC_DESC_F_BOF;
				self->s.path_kind = SVACC_PATH_PORTAL;
				st = submit_wait(&self->s, &d, c);
				ASSERT_EQ(SVACC_STATUS_PAGE_FAULT, st)
					TH_LOG("address %#llx, role %u, bof %u",
					       (unsigned long long)bad_addrs[i],
					       role, bof);
			}
		}
	}
	ASSERT_TRUE(cpu_all(buf, 0x11, 2 * PAGE));
	free(buf);
}

/*
 * The device's virtual addresses are 47 bits wide (hardware.rst). Where
 * the CPU has 5-level paging, user space can map above 2^47: no such
 * address may reach the device's page table under the truncated index of
 * a low address (the alias would outlive munmap() of the high page), and
 * descriptors naming one complete with PAGE_FAULT (portal) or -EINVAL
 * (ioctl). $SVACC_EXPECT_LA57 (0 or 1) says whether the mode has 5-level
 * paging.
 */
TEST_F_TIMEOUT(sec, high_addresses_never_alias, 300)
{
	const char *expect = getenv("SVACC_EXPECT_LA57");
	struct drm_svacc_completion *c = &self->rec[1];
	uint8_t *low, *dst, *high;
	struct drm_svacc_desc d;
	bool la57;
	int st;

	low = reserve_hole(PAGE);
	dst = malloc(PAGE);
	ASSERT_NE(NULL, low);
	ASSERT_NE(NULL, dst);
	memset(dst, 0, PAGE);
	high = mmap(low + (1UL << 48), PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	la57 = high != MAP_FAILED;
	if (expect)
		ASSERT_EQ(atoi(expect), la57)
			TH_LOG("a mapping above 2^48 %s, the mode expects %s-level paging",
			       la57 ? "worked" : "failed",
			       atoi(expect) ? "5" : "4");
	self->s.path_kind = SVACC_PATH_PORTAL;
	if (la57) {
		memset(high, 0x5a, PAGE);
		svacc_desc_memmove(&d, dst, high, PAGE, c);
		d.flags |= SVACC_DESC_F_BOF;
		EXPECT_EQ(-EINVAL, svacc_ioctl_submit(self->s.fd, &d, 1,
						      SVACC_WQ_ANY, NULL));
		st = submit_wait(&self->s, &d, c);
		ASSERT_EQ(SVACC_STATUS_PAGE_FAULT, st)
			TH_LOG("device read above 2^48");
		svacc_desc_memfill(&d, high, PATTERN, PAGE, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&self->s, &d, c);
		ASSERT_EQ(SVACC_STATUS_PAGE_FAULT, st)
			TH_LOG("device write above 2^48");
		ASSERT_TRUE(cpu_all(high, 0x5a, PAGE));
		ASSERT_EQ(0, munmap(high, PAGE));
	}
	/* the 47-bit twin of the high page is not mapped: it must fault */
	svacc_desc_memmove(&d, dst, low, PAGE, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_EQ(SVACC_STATUS_PAGE_FAULT, st)
		TH_LOG("device read of an unmapped page");
	ASSERT_TRUE(cpu_all(dst, 0, PAGE))
		TH_LOG("the device read another mapping's bytes");
	free(dst);
}

/* The DMA mask is the device's: 52-bit bus addresses (hardware.rst) */
TEST_F(sec, dma_mask_is_the_devices)
{
	char path[300], val[16] = "";
	const char *n = strrchr(self->s.path, '/') + 1;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/accel/%s/device/dma_mask_bits", n);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_LT(0, read(fd, val, sizeof(val) - 1));
	close(fd);
	ASSERT_EQ(52, atoi(val));
}

#define PARAM_CTX	"/sys/module/svacc/parameters/max_contexts_per_user"
#define PARAM_WQS	"/sys/module/svacc/parameters/max_wqs_per_user"

/*
 * As user @uid: open @nopen files (the last must fail with -EDQUOT when
 * @over), claim @nclaim WQs with the same rule; reports 0 or a code.
 */
static int user_child(const char *node, uid_t uid, int nopen, bool over,
		      int nclaim, bool claim_over, int go, int done)
{
	struct drm_svacc_wq_claim claim;
	int fds[16], i, ret;
	char c;

	if (setgid(uid) || setuid(uid))
		return 10;
	for (i = 0; i < nopen; i++) {
		fds[i] = open(node, O_RDWR | O_CLOEXEC);
		if (fds[i] < 0 && !(over && i == nopen - 1 && errno == EDQUOT))
			return 20 + i;
		if (fds[i] >= 0 && over && i == nopen - 1)
			return 40;
	}
	for (i = 0; i < nclaim; i++) {
		memset(&claim, 0, sizeof(claim));
		claim.wq = SVACC_WQ_ANY;
		ret = ioctl(fds[0], DRM_IOCTL_SVACC_WQ_CLAIM, &claim) ? errno : 0;
		if (claim_over && i == nclaim - 1)
			if (ret != EDQUOT)
				return 50;
		if (!(claim_over && i == nclaim - 1) && ret)
			return 60 + ret;
	}
	/* hold everything until the parent has checked the other user */
	c = 0;
	if (write(done, &c, 1) != 1 || read(go, &c, 1) != 1)
		return 70;
	return 0;
}

#define PARAM_PASIDS	"/sys/module/svacc/parameters/max_pasids_per_user"

/*
 * A process of user @uid that opens the device twice (closing it each
 * time), reports the first open's errno (0: both worked) in *@err and
 * lives on, its address space keeping its PASID, until killed.
 */
static pid_t pasid_holder(const char *node, uid_t uid, int *err)
{
	int p[2], e = 0, i, fd;
	pid_t pid;

	*err = -1;
	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (setgid(uid) || setuid(uid))
			e = 1000;
		for (i = 0; i < 2 && !e; i++) {
			fd = open(node, O_RDWR | O_CLOEXEC);
			e = fd < 0 ? errno : 0;
			if (fd >= 0)
				close(fd);
		}
		if (write(p[1], &e, sizeof(e)) != sizeof(e))
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], err, sizeof(*err)) != sizeof(*err))
		*err = -1;
	close(p[0]);
	return pid;
}

static void kill_wait(pid_t pid)
{
	int status;

	if (pid > 0) {
		kill(pid, SIGKILL);
		wait_child(pid, 30, &status);
	}
}

/*
 * SVA: an address space keeps its PASID until it exits, closed files or
 * not. A user other than an administrator may have max_pasids_per_user
 * address spaces bound at a time (-EDQUOT beyond; the same one binding
 * again costs nothing), another user still gets its own, and one that
 * exits gives its share back. HMM: a closed file holds nothing of the
 * device (its context id goes with it), so no such limit applies: the
 * third address space opens too.
 */
TEST_F(sec, pasids_per_user)
{
	pid_t a[3] = { -1, -1, -1 }, b, c;
	unsigned int old = 0;
	int err[3], e, f, i;
	struct stat st;
	char val[16];
	bool sva;

	sva = self->s.info.mode == SVACC_MODE_SVA;
	ASSERT_EQ(0, stat(self->s.path, &st));
	ASSERT_EQ(0, read_param(PARAM_PASIDS, &old));
	ASSERT_EQ(0, write_str(PARAM_PASIDS, "2"));
	ASSERT_EQ(0, chmod(self->s.path, 0666));
	for (i = 0; i < 3; i++)
		a[i] = pasid_holder(self->s.path, 4245, &err[i]);
	b = pasid_holder(self->s.path, 4246, &e);
	/* the first holder exits: the user may bind another address space */
	kill_wait(a[0]);
	c = pasid_holder(self->s.path, 4245, &f);

	for (i = 1; i < 3; i++)
		kill_wait(a[i]);
	kill_wait(b);
	kill_wait(c);
	snprintf(val, sizeof(val), "%u", old);
	write_str(PARAM_PASIDS, val);
	chmod(self->s.path, st.st_mode & 07777);
	EXPECT_EQ(0, err[0]) TH_LOG("first: %s", strerror(err[0]));
	EXPECT_EQ(0, err[1]) TH_LOG("second: %s", strerror(err[1]));
	EXPECT_EQ(sva ? EDQUOT : 0, err[2])
		TH_LOG("a third address space of one user (%s): %s",
		       sva ? "SVA" : "HMM", strerror(err[2]));
	EXPECT_EQ(0, e) TH_LOG("another user: %s", strerror(e));
	EXPECT_EQ(0, f) TH_LOG("after one of the user's processes exited: %s",
			       strerror(f));
}

/*
 * Per-user limits: a user other than an administrator opens at most
 * max_contexts_per_user files and claims at most max_wqs_per_user
 * dedicated WQs (-EDQUOT beyond), and another user still gets its own.
 */
TEST_F(sec, per_user_limits)
{
	char old_ctx[32] = "", old_wqs[32] = "";
	int a_go[2], a_done[2], status, fd;
	pid_t a, b;
	char c;

	fd = open(PARAM_CTX, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, old_ctx, sizeof(old_ctx) - 1));
	close(fd);
	fd = open(PARAM_WQS, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, old_wqs, sizeof(old_wqs) - 1));
	close(fd);
	ASSERT_EQ(0, write_str(PARAM_CTX, "4"));
	ASSERT_EQ(0, write_str(PARAM_WQS, "1"));
	ASSERT_EQ(0, chmod(self->s.path, 0666));
	/* the fixture's WQ back: both dedicated WQs are free */
	ASSERT_EQ(0, svacc_wq_release(&self->s));

	ASSERT_EQ(0, pipe(a_go));
	ASSERT_EQ(0, pipe(a_done));
	a = fork();
	ASSERT_LE(0, a);
	if (a == 0)
		_exit(user_child(self->s.path, 4242, 5, true, 2, true,
				 a_go[0], a_done[1]));
	close(a_go[0]);
	close(a_done[1]);
	if (read(a_done[0], &c, 1) != 1) {
		wait_child(a, 10, &status);
		ASSERT_TRUE(false) TH_LOG("user 4242 failed (code %d)",
					  WEXITSTATUS(status));
	}
	/* user 4242 holds 4 files and 1 WQ; another user gets its own */
	b = fork();
	ASSERT_LE(0, b);
	if (b == 0) {
		int go[2], done[2];

		if (pipe(go) || pipe(done))
			_exit(1);
		if (write(go[1], "", 1) != 1)
			_exit(2);
		_exit(user_child(self->s.path, 4243, 4, false, 1, false,
				 go[0], done[1]));
	}
	ASSERT_EQ(0, wait_child(b, 60, &status));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("user 4243 (code %d)",
						 WEXITSTATUS(status));
	ASSERT_EQ(1, write(a_go[1], "", 1));
	ASSERT_EQ(0, wait_child(a, 60, &status));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("user 4242 (code %d)",
						 WEXITSTATUS(status));

	chmod(self->s.path, 0600);
	write_str(PARAM_CTX, old_ctx);
	write_str(PARAM_WQS, old_wqs);
}

/*
 * Device-wide counters describe every user's work: a user without
 * CAP_PERFMON gets -EACCES from GET_COUNTERS (and keeps everything else),
 * an administrator reads them.
 */
TEST_F(sec, counters_need_perfmon)
{
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_counters cnt;
	int status, fails;
	pid_t pid;

	ASSERT_EQ(0, chmod(self->s.path, 0666));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct svacc own;
		int ret;

		close(self->s.fd);
		if (setgid(4244) || setuid(4244))
			_exit(100);
		fails = 0;
		ret = svacc_open(&own, NULL);
		CHILD_CHECK(fails, ret == 0, "open as user 4244: %d", ret);
		if (ret)
			_exit(fails);
		ret = svacc_get_counters(own.fd, &cnt);
		CHILD_CHECK(fails, ret == -EACCES,
			    "GET_COUNTERS without CAP_PERFMON: %d, expected -EACCES", ret);
		ret = svacc_get_info(own.fd, &own.info);
		CHILD_CHECK(fails, ret == 0, "GET_INFO: %d", ret);
		CHILD_CHECK(fails, owner_copy(&own, SVACC_PATH_IOCTL, &c[1]) == 0,
			    "copy as user 4244");
		svacc_close(&own);
		_exit(fails);
	}
	ASSERT_EQ(0, wait_child(pid, 60, &status));
	chmod(self->s.path, 0600);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child status 0x%x", status);
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("failed checks in the child");
	ASSERT_EQ(0, svacc_get_counters(self->s.fd, &cnt))
		TH_LOG("GET_COUNTERS as root");
}

TEST_HARNESS_MAIN
