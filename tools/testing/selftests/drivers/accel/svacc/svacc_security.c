// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc isolation: a context belongs to the address space that opened it.
 * A fork() child, a process that received the file over SCM_RIGHTS and one
 * that took it with pidfd_getfd() get -EPERM from every ioctl and mmap()
 * (and POLLERR from poll()) while the owner keeps working; the portal
 * mapping is not inherited; two processes at the same virtual addresses
 * see only their own memory; a released portal is revoked (SIGBUS); portal
 * mmap() flags are checked; a claimed WQ cannot be claimed by another
 * process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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
	const size_t len = 3 * PAGE + 1;
	struct drm_svacc_desc d;
	uint8_t *src, *dst;
	int st, ret = 0;

	src = malloc(len);
	dst = svacc_alloc_untouched(len);
	if (!src || !dst)
		return -ENOMEM;
	fill_random(src, len, 99);
	s->path_kind = path;
	svacc_desc_memmove(&d, dst, src, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(s, &d, c);
	if (st < 0)
		ret = st;
	else if (st != SVACC_STATUS_SUCCESS || memcmp(src, dst, len))
		ret = -EIO;
	free(src);
	svacc_free(dst, len);
	return ret;
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
	p = mmap(NULL, SVACC_PORTAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, mmap_offset);
	ret = p == MAP_FAILED ? -errno : 0;
	CHILD_CHECK(fails, ret == -EPERM, "mmap of the portal: %d, expected -EPERM", ret);
	if (p != MAP_FAILED)
		munmap(p, SVACC_PORTAL_SIZE);
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

static int send_fd(int sock, int fd, uint64_t offset)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &offset, .iov_len = sizeof(offset) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == sizeof(offset) ? 0 : -1;
}

static int recv_fd(int sock, uint64_t *offset)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = offset, .iov_len = sizeof(*offset) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != sizeof(*offset))
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
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
	munmap(self->s.portal, SVACC_PORTAL_SIZE);
	self->s.portal = NULL;
	self->s.wq = -1;
}

/* Portal mmap(): one shared, non-executable page at the claimed offset */
TEST_F(sec, portal_mmap_checks)
{
	const uint64_t off = self->s.mmap_offset;
	const int fd = self->s.fd;
	void *p;

	p = mmap(NULL, SVACC_PORTAL_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_SHARED, fd, off);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("executable portal mapping");
	p = mmap(NULL, 2 * SVACC_PORTAL_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, off);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("two-page portal mapping");
	p = mmap(NULL, SVACC_PORTAL_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE, fd, off);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("private portal mapping");
	p = mmap(NULL, SVACC_PORTAL_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, off + 64 * SVACC_PORTAL_SIZE);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("mapping at an unclaimed offset");
	p = mremap(self->s.portal, SVACC_PORTAL_SIZE, 2 * SVACC_PORTAL_SIZE,
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

TEST_HARNESS_MAIN
