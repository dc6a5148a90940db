// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc device removal with traffic.
 *
 * Worker processes submit through both paths (the submit ioctl to shared
 * WQs, stores to a mapped dedicated-WQ portal), verify every copy with the
 * CPU and keep their portals mapped while the device goes away:
 *   sysfs       echo 1 > /sys/bus/pci/devices/<bdf>/remove, then
 *               echo 1 > /sys/bus/pci/rescan
 *   qmp         QMP device_del / device_add of the device behind a
 *               hotplug-capable pcie-root-port, through the host's agent
 *               (harness/qmp-agent.py): only in a mode built for it
 * Each worker notices the removal on its own (an ioctl fails with -ENODEV,
 * or a portal store raises SIGBUS) and then checks its old file: every
 * ioctl and mmap() fails with -ENODEV, poll() reports EPOLLERR|EPOLLHUP, a
 * portal store raises SIGBUS. A waiter asleep in DRM_IOCTL_SVACC_WAIT
 * wakes with -ENODEV. After the device is back, the same processes open it
 * again and their verified copies work. At the end: no splat, no context
 * left in the driver's list, no growth of unreclaimable kernel memory.
 *
 * Sizes: $SVACC_REMOVAL_CYCLES (short form 3, full form 20) and
 * $SVACC_REMOVAL_WORKERS (4, 8).
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
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_assert.h"
#include "svacc_torture.h"

#define MAX_WORKERS	32
#define PHASE_RUN	0
#define PHASE_STOP	1

/* One worker's progress, in shared memory */
struct worker {
	int gone;		/* last cycle whose removal it saw and checked */
	int back;		/* last cycle after which its new open worked */
	int portal;		/* it holds a mapped portal */
	unsigned long copies;	/* verified copies */
};

struct shared {
	int cycle;		/* current cycle (1-based; 0 before the first) */
	int removed;		/* last cycle whose removal has completed */
	int phase;
	int waiter_ready;
	int waiter_ret;		/* errno the waiter's WAIT returned, or 1 */
	uint64_t waiter_ns;	/* when it returned */
	struct fail_log log;
	struct worker w[MAX_WORKERS];
};

FIXTURE(removal) {
	int kmsg;
	int nworkers;
	int cycles;
	char pci[256];
	struct shared *sh;
	pid_t pids[MAX_WORKERS];
};

FIXTURE_SETUP(removal)
{
	kmsg_mark(_metadata->name);
	self->kmsg = kmsg_open();
	self->cycles = torture_scale(3, 20, "SVACC_REMOVAL_CYCLES");
	self->nworkers = torture_scale(4, 8, "SVACC_REMOVAL_WORKERS");
	if (self->nworkers > MAX_WORKERS)
		self->nworkers = MAX_WORKERS;
	self->sh = shared_alloc(sizeof(*self->sh));
	ASSERT_NE(NULL, self->sh);
	ASSERT_EQ(0, svacc_pci_dir(self->pci, sizeof(self->pci)))
		TH_LOG("no svacc PCI function");
	ASSERT_EQ(0, device_works()) TH_LOG("the device does not work to begin with");
}

FIXTURE_TEARDOWN(removal)
{
	int i, status;

	if (self->sh) {
		__atomic_store_n(&self->sh->phase, PHASE_STOP, __ATOMIC_SEQ_CST);
		for (i = 0; i < self->nworkers; i++)
			if (self->pids[i] > 0)
				wait_child(self->pids[i], 30, &status);
		munmap(self->sh, sizeof(*self->sh));
	}
	if (self->kmsg >= 0)
		close(self->kmsg);
}

static sigjmp_buf worker_jmp;

static void worker_sigbus(int sig)
{
	siglongjmp(worker_jmp, sig);
}

/*
 * Everything a file of a removed device must answer; failures are noted in
 * the shared log under the worker's name.
 */
static void check_gone(struct shared *sh, int id, struct svacc *s,
		       struct drm_svacc_completion *c)
{
	struct drm_svacc_wq_claim claim = { .wq = SVACC_WQ_ANY };
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	struct drm_svacc_counters cnt;
	struct drm_svacc_info info;
	struct drm_svacc_desc d;
	uint32_t status;
	int ret, sig;
	void *p;

	ret = svacc_get_info(s->fd, &info);
	if (ret != -ENODEV)
		fail_note(&sh->log, "worker %d: GET_INFO after removal: %d", id, ret);
	ret = svacc_get_counters(s->fd, &cnt);
	if (ret != -ENODEV)
		fail_note(&sh->log, "worker %d: GET_COUNTERS after removal: %d", id, ret);
	svacc_desc_nop(&d, c);
	ret = svacc_ioctl_submit(s->fd, &d, 1, SVACC_WQ_ANY, NULL);
	if (ret != -ENODEV)
		fail_note(&sh->log, "worker %d: SUBMIT after removal: %d", id, ret);
	ret = ioctl(s->fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim) ? -errno : 0;
	if (ret != -ENODEV)
		fail_note(&sh->log, "worker %d: WQ_CLAIM after removal: %d", id, ret);
	/* @c was never submitted: only the removal can end this wait */
	memset(c, 0, sizeof(*c));
	ret = svacc_wait_ioctl(s->fd, c, NS_PER_SEC, &status);
	if (ret != -ENODEV)
		fail_note(&sh->log, "worker %d: WAIT after removal: %d", id, ret);
	p = mmap(NULL, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 s->fd, s->portal ? s->mmap_offset : 0x100000UL * PAGE);
	ret = p == MAP_FAILED ? -errno : 0;
	if (ret != -ENODEV)
		fail_note(&sh->log, "worker %d: mmap after removal: %d", id, ret);
	if (p != MAP_FAILED)
		munmap(p, SVACC_PORTAL_MMAP_SIZE);
	ret = poll(&pfd, 1, 0);
	if (ret != 1 || (pfd.revents & (POLLERR | POLLHUP)) != (POLLERR | POLLHUP))
		fail_note(&sh->log, "worker %d: poll after removal: %d revents %#x",
			  id, ret, pfd.revents);
	if (s->portal) {
		sig = store_signal((uint64_t *)s->portal + 7, 0);
		if (sig != SIGBUS)
			fail_note(&sh->log,
				  "worker %d: portal store after removal: signal %d, expected SIGBUS",
				  id, sig);
	}
}

/* One verified copy on @path; 0, or -ENODEV/-EIO/... when the device went */
static int worker_copy(struct svacc *s, enum svacc_path path,
		       struct drm_svacc_completion *c, size_t len)
{
	return copy_verified(s, path, len, c);
}

/*
 * A worker: open, claim a portal when one is free, copy on both paths until
 * the device goes, check the old file, close it, wait for the device and
 * start again. Exits when the parent says stop.
 */
static void removal_worker(struct shared *sh, int id, uint64_t seed)
{
	struct sigaction sa = { .sa_handler = worker_sigbus };
	struct drm_svacc_completion *c = svacc_records_alloc(2);
	static struct rng r;
	int opened_cycle = 0;
	struct svacc s;
	int ret;

	if (!c)
		_exit(1);
	r.s = seed;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	while (__atomic_load_n(&sh->phase, __ATOMIC_SEQ_CST) != PHASE_STOP) {
		if (svacc_open(&s, NULL)) {
			usleep(10 * 1000);
			continue;
		}
		opened_cycle = __atomic_load_n(&sh->cycle, __ATOMIC_SEQ_CST);
		sh->w[id].portal = svacc_wq_claim(&s, SVACC_WQ_ANY) == 0;

		if (sigsetjmp(worker_jmp, 1)) {
			/* a portal store raised SIGBUS: the device is gone */
			goto gone;
		}
		/* the new open works: a verified copy on each path it has */
		ret = worker_copy(&s, SVACC_PATH_IOCTL, c, PAGE + 17);
		if (!ret && s.portal)
			ret = worker_copy(&s, SVACC_PATH_PORTAL, c, PAGE + 17);
		if (ret == -ENODEV || ret == -EIO)
			goto gone;
		if (ret) {
			fail_note(&sh->log, "worker %d: first copies after open: %d", id, ret);
			goto gone;
		}
		__atomic_store_n(&sh->w[id].back, opened_cycle, __ATOMIC_SEQ_CST);

		for (;;) {
			enum svacc_path path = s.portal && rng_pct(&r, 50) ?
					       SVACC_PATH_PORTAL : SVACC_PATH_IOCTL;
			size_t len = PAGE + rng_below(&r, 64 * PAGE);

			if (__atomic_load_n(&sh->phase, __ATOMIC_SEQ_CST) == PHASE_STOP)
				break;
			ret = worker_copy(&s, path, c, len);
			if (ret == -ENODEV)
				break;
			/*
			 * A portal commit to a WQ the removal already disabled
			 * is rejected (-EIO), a record never comes (-ETIME):
			 * both only while the device goes away.
			 */
			if (ret == -EIO || ret == -ETIME || ret == -EPROTO) {
				if (svacc_get_info(s.fd, &s.info) == -ENODEV)
					break;
				fail_note(&sh->log,
					  "worker %d: copy of %zu bytes via %s: %d, the device present",
					  id, len, path ? "portal" : "ioctl", ret);
				break;
			}
			if (ret) {
				fail_note(&sh->log, "worker %d: copy: %d", id, ret);
				break;
			}
			sh->w[id].copies++;
		}
gone:
		sigaction(SIGBUS, &sa, NULL);
		/*
		 * Calls fail with -ENODEV as soon as the removal starts; the
		 * portal is revoked before it ends: check once it has ended.
		 */
		while (__atomic_load_n(&sh->removed, __ATOMIC_SEQ_CST) <
		       __atomic_load_n(&sh->cycle, __ATOMIC_SEQ_CST) &&
		       __atomic_load_n(&sh->phase, __ATOMIC_SEQ_CST) != PHASE_STOP)
			usleep(5 * 1000);
		if (__atomic_load_n(&sh->phase, __ATOMIC_SEQ_CST) != PHASE_STOP) {
			check_gone(sh, id, &s, &c[1]);
			__atomic_store_n(&sh->w[id].gone,
					 __atomic_load_n(&sh->cycle, __ATOMIC_SEQ_CST),
					 __ATOMIC_SEQ_CST);
		}
		if (s.portal)
			munmap(s.portal, SVACC_PORTAL_MMAP_SIZE);
		s.portal = NULL;
		close(s.fd);
	}
	free(c);
	_exit(0);
}

/* Asleep in WAIT on a record nothing will write, until the removal */
static void waiter(struct shared *sh)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	struct svacc s;
	int ret;

	if (!c || svacc_open(&s, NULL))
		_exit(1);
	__atomic_store_n(&sh->waiter_ready, 1, __ATOMIC_SEQ_CST);
	ret = svacc_wait_ioctl(s.fd, c, 120 * NS_PER_SEC, NULL);
	sh->waiter_ns = svacc_now_ns();
	__atomic_store_n(&sh->waiter_ret, ret, __ATOMIC_SEQ_CST);
	close(s.fd);
	_exit(0);
}

/* Wait until every worker's field @off reached @cycle; false on timeout */
static bool workers_reached(struct shared *sh, int n, size_t off, int cycle,
			    int timeout_s)
{
	uint64_t end = svacc_now_ns() + (uint64_t)timeout_s * NS_PER_SEC;
	int i;

	for (;;) {
		for (i = 0; i < n; i++) {
			int *v = (int *)((char *)&sh->w[i] + off);

			if (__atomic_load_n(v, __ATOMIC_SEQ_CST) < cycle)
				break;
		}
		if (i == n)
			return true;
		if (svacc_now_ns() > end)
			return false;
		usleep(10 * 1000);
	}
}

static bool dir_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* How the device goes away and comes back */
struct removal_ops {
	const char *name;
	int (*remove)(struct _test_data_removal *self, char *why, size_t len);
	int (*restore)(struct _test_data_removal *self, char *why, size_t len);
};

static int sysfs_remove(struct _test_data_removal *self, char *why, size_t len)
{
	char path[300];
	int ret;

	snprintf(path, sizeof(path), "%s/remove", self->pci);
	ret = sysfs_write_bounded(path, "1", 60);
	snprintf(why, len, "write 1 to %s: %s", path, strerror(-ret));
	return ret;
}

static int sysfs_rescan(struct _test_data_removal *self, char *why, size_t len)
{
	(void)self;
	int ret = sysfs_write_bounded("/sys/bus/pci/rescan", "1", 60);

	snprintf(why, len, "rescan: %s", strerror(-ret));
	return ret;
}

static int qmp_unplug(struct _test_data_removal *self, char *why, size_t len)
{
	uint64_t end = svacc_now_ns() + 30 * NS_PER_SEC;
	char id[64], req[128], ans[512];
	int ret;

	device_id(id, sizeof(id));
	snprintf(req, sizeof(req), "hmp device_del %s", id);
	ret = host_qmp(req, ans, sizeof(ans), 30);
	if (ret) {
		snprintf(why, len, "%s: %d %s", req, ret, ans);
		return ret;
	}
	/* the guest's hotplug driver ejects it; then QEMU deletes it */
	ret = host_qmp("event DEVICE_DELETED 30", ans, sizeof(ans), 40);
	if (ret) {
		snprintf(why, len, "no DEVICE_DELETED after %s: %d %s", req, ret, ans);
		return ret;
	}
	while (dir_exists(self->pci) && svacc_now_ns() < end)
		usleep(10 * 1000);
	snprintf(why, len, "%s", req);
	return 0;
}

static int qmp_replug(struct _test_data_removal *self, char *why, size_t len)
{
	char req[512], ans[512];
	int ret;

	(void)self;
	snprintf(req, sizeof(req), "hmp device_add %s", getenv("SVACC_DEVICE_OPTS"));
	ret = host_qmp(req, ans, sizeof(ans), 30);
	snprintf(why, len, "%s: %d %s", req, ret, ans);
	return ret;
}

static const struct removal_ops by_sysfs = {
	.name = "sysfs remove/rescan",
	.remove = sysfs_remove,
	.restore = sysfs_rescan,
};

static const struct removal_ops by_qmp = {
	.name = "QMP device_del/device_add",
	.remove = qmp_unplug,
	.restore = qmp_replug,
};

static void removal_cycles(struct __test_metadata *_metadata,
			   struct _test_data_removal *self,
			   const struct removal_ops *ops)
{
	struct shared *sh = self->sh;
	long slab_before, slab_after, avail_before, avail_after;
	uint64_t seed = torture_seed("svacc_removal");
	struct rng r = { .s = seed };
	char why[640], first[512];
	int i, cyc, status, ret;
	uint64_t t_removed;
	pid_t wpid;

	slab_before = slab_settled_kb();
	avail_before = meminfo_kb("MemAvailable");
	for (i = 0; i < self->nworkers; i++) {
		sh->w[i].back = -1;
		sh->w[i].gone = -1;
	}
	fflush(stdout);
	for (i = 0; i < self->nworkers; i++) {
		self->pids[i] = fork();
		ASSERT_LE(0, self->pids[i]);
		if (self->pids[i] == 0)
			removal_worker(sh, i, seed + i + 1);
	}
	ASSERT_TRUE(workers_reached(sh, self->nworkers,
				    offsetof(struct worker, back), 0, 60))
		TH_LOG("workers never did their first copies: %s", sh->log.first);

	for (cyc = 1; cyc <= self->cycles; cyc++) {
		__atomic_store_n(&sh->cycle, cyc, __ATOMIC_SEQ_CST);
		sh->waiter_ready = 0;
		sh->waiter_ret = 1;
		wpid = fork();
		ASSERT_LE(0, wpid);
		if (wpid == 0)
			waiter(sh);
		while (!__atomic_load_n(&sh->waiter_ready, __ATOMIC_SEQ_CST))
			usleep(5 * 1000);
		/* traffic for a while, then pull the device from under it */
		usleep(50 * 1000 + rng_below(&r, 250 * 1000));

		ret = ops->remove(self, why, sizeof(why));
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: %s", cyc, why);
		t_removed = svacc_now_ns();
		__atomic_store_n(&sh->removed, cyc, __ATOMIC_SEQ_CST);
		ASSERT_FALSE(dir_exists(self->pci))
			TH_LOG("cycle %d: %s still there after %s", cyc, self->pci, ops->name);

		ASSERT_EQ(0, wait_child(wpid, 30, &status))
			TH_LOG("cycle %d: the waiter in WAIT never woke", cyc);
		EXPECT_EQ(-ENODEV, sh->waiter_ret)
			TH_LOG("cycle %d: WAIT across the removal returned %d", cyc,
			       sh->waiter_ret);
		EXPECT_GT(5 * NS_PER_SEC, (int64_t)(sh->waiter_ns - t_removed))
			TH_LOG("cycle %d: the waiter woke %.1f s after the removal", cyc,
			       (double)(sh->waiter_ns - t_removed) / NS_PER_SEC);
		ASSERT_TRUE(workers_reached(sh, self->nworkers,
					    offsetof(struct worker, gone), cyc, 30))
			TH_LOG("cycle %d: not every worker noticed the removal", cyc);

		ret = ops->restore(self, why, sizeof(why));
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: %s", cyc, why);
		ret = wait_for_device(30);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: no device after %s: %s", cyc,
					 ops->name, strerror(-ret));
		ASSERT_TRUE(workers_reached(sh, self->nworkers,
					    offsetof(struct worker, back), cyc, 60))
			TH_LOG("cycle %d: not every worker could open and copy again: %s",
			       cyc, sh->log.first);
		ASSERT_EQ(0, sh->log.fails)
			TH_LOG("cycle %d: %d failed check(s), first: %s", cyc,
			       sh->log.fails, sh->log.first);
	}

	__atomic_store_n(&sh->phase, PHASE_STOP, __ATOMIC_SEQ_CST);
	for (i = 0; i < self->nworkers; i++) {
		ASSERT_EQ(0, wait_child(self->pids[i], 60, &status))
			TH_LOG("worker %d did not stop", i);
		self->pids[i] = 0;
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("worker %d ended with status %#x", i, status);
		TH_LOG("worker %d: %lu verified copies", i, sh->w[i].copies);
	}
	EXPECT_EQ(0, sh->log.fails) TH_LOG("%d failed check(s), first: %s",
					   sh->log.fails, sh->log.first);
	EXPECT_EQ(0, device_works()) TH_LOG("the device after the last cycle");
	EXPECT_EQ(0, debugfs_count_contexts())
		TH_LOG("contexts left in the driver's list after every process closed");
	slab_after = slab_settled_kb();
	avail_after = meminfo_kb("MemAvailable");
	TH_LOG("%d cycles (%s): SUnreclaim %ld -> %ld kB, MemAvailable %ld -> %ld kB",
	       self->cycles, ops->name, slab_before, slab_after, avail_before,
	       avail_after);
	EXPECT_GT(4096 + 256 * self->cycles, slab_after - slab_before)
		TH_LOG("unreclaimable slab grew by %ld kB", slab_after - slab_before);
	if (self->kmsg >= 0)
		EXPECT_EQ(0, kmsg_splats(self->kmsg, first, sizeof(first)))
			TH_LOG("kernel log: %s", first);
}

TEST_F_TIMEOUT(removal, sysfs, 1800)
{
	removal_cycles(_metadata, self, &by_sysfs);
}

/*
 * Only where the mode puts the device behind a hotplug-capable root port
 * and the host agent runs (the suite runs it there and nowhere else).
 */
TEST_F_TIMEOUT(removal, qmp, 1800)
{
	char id[64];

	ASSERT_TRUE(host_qmp_available()) TH_LOG("no QMP agent on ttyS2");
	device_id(id, sizeof(id));
	ASSERT_NE(0, id[0]) TH_LOG("the mode's svacc device has no id= for device_del");
	removal_cycles(_metadata, self, &by_qmp);
}

TEST_HARNESS_MAIN
