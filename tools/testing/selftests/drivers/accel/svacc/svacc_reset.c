// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc device resets under traffic, against the reset
 * behaviour of uapi.rst ("Device resets"): a reset drops what the device
 * held without records and bumps reset_epoch by one; DRM_IOCTL_SVACC_WAIT
 * given an older epoch returns -ECANCELED and nothing submitted before
 * the reset runs after it; contexts keep their PASIDs, claimed WQs and
 * portal mappings; while the device restarts, SUBMIT returns -EAGAIN and
 * portal writes are rejected.
 *
 * The triggers here are the ones the selftests of the healthy device leave
 * alone: an FLR through sysfs (the driver's reset_prepare/reset_done), idle
 * and under traffic from several processes, and a device halt (hmm and
 * nommu modes: DEVPT) provoked by pointing the device's context table at a
 * bus address with nothing behind it, through the register BAR mapped
 * from sysfs, and FLRs while another process claims and releases
 * dedicated WQs, and (the device behind a root port) PCI errors the host
 * injects, which the AER driver recovers through the driver's
 * error_detected() and slot_reset(); and a device that does not come
 * back from a reset (the host sets the model's x-inject-enable-fail), after
 * an FLR and after a PCI error. While an FLR has the function,
 * nothing may touch its BARs: user portal mappings are taken away, and
 * device-TLB invalidations (HMM mirror) are skipped. svacc_block's
 * stuck_command_resets_device covers the reset after a device command
 * timeout, svacc_submit's wait_reset_epoch the WAIT argument itself.
 *
 * Sizes: $SVACC_RESET_CYCLES (short form 2, full form 10),
 * $SVACC_RESET_WORKERS (3, 6).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_assert.h"
#include "svacc_torture.h"

/* hardware.rst, "Register file" */
#define REG_GENSTS		0x024
#define REG_CTX_BASE		0x0c0
#define GENSTS_ENABLED		0x1u
#define GENSTS_HALTED		0x2u
#define REGS_SIZE		0x10000

/* Nothing answers there: a bus error with or without an IOMMU */
#define BAD_BUS_ADDR		0x10000000000ULL

/* How long the background restart after a halt may take */
#define RECOVERY_S		10

#define MAX_WORKERS		16

FIXTURE(reset) {
	int kmsg;
	char pci[256];
	struct drm_svacc_completion *rec;
};

FIXTURE_SETUP(reset)
{
	kmsg_mark(_metadata->name);
	self->kmsg = kmsg_open();
	self->rec = svacc_records_alloc(SVACC_NREC);
	ASSERT_NE(NULL, self->rec);
	ASSERT_EQ(0, svacc_pci_dir(self->pci, sizeof(self->pci)));
}

FIXTURE_TEARDOWN(reset)
{
	if (self->kmsg >= 0)
		close(self->kmsg);
	free(self->rec);
}

static int flr(const char *pci)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/reset", pci);
	return sysfs_write_bounded(path, "1", 60);
}

/* The device's reset epoch now; @s->info is refreshed (0 on error) */
static uint32_t epoch_of(struct svacc *s)
{
	if (svacc_get_info(s->fd, &s->info))
		return 0;
	return s->info.reset_epoch;
}

/*
 * A verified copy by a context that has lived through a reset (its epoch
 * refreshed first, so that svacc_wait() does not take the new work for
 * lost work). @restart_s > 0: the restart runs in the background, and
 * until it is over (at most @restart_s) the ioctl may say -EAGAIN and the
 * portal reject the write (-EIO), as uapi.rst allows; nothing else.
 */
static int copy_after_reset(struct svacc *s, enum svacc_path path,
			    struct drm_svacc_completion *c, int restart_s)
{
	uint64_t end = svacc_now_ns() + (uint64_t)restart_s * NS_PER_SEC;
	int ret;

	for (;;) {
		epoch_of(s);
		ret = copy_verified(s, path, 2 * PAGE + 9, c);
		if (!ret || svacc_now_ns() > end)
			return ret;
		if (ret != -EAGAIN && !(ret == -EIO && path == SVACC_PATH_PORTAL))
			return ret;
		usleep(20 * 1000);
	}
}

/* Pages of [@p, @p + @len) present in memory (mincore), or -1 */
static long resident_pages(void *p, size_t len)
{
	size_t n = (len + PAGE - 1) / PAGE, i;
	unsigned char *v = malloc(n);
	long r = 0;

	if (!v || mincore(p, len, v)) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++)
		r += v[i] & 1;
	free(v);
	return r;
}

/*
 * FLR with an idle context that holds a mapped portal: exactly one reset
 * counted, same PASID, the portal mapped before still submits.
 */
TEST_F_TIMEOUT(reset, flr_idle_context_survives, 300)
{
	struct svacc s;
	uint32_t e0, e1, pasid;
	int ret;

	ASSERT_EQ(0, svacc_open(&s, NULL));
	ASSERT_EQ(0, svacc_wq_claim(&s, SVACC_WQ_ANY));
	ASSERT_EQ(0, copy_verified(&s, SVACC_PATH_PORTAL, PAGE, self->rec));
	e0 = epoch_of(&s);
	pasid = s.info.pasid;

	ret = flr(self->pci);
	ASSERT_EQ(0, ret) TH_LOG("FLR through sysfs: %s", strerror(-ret));

	/* reset_done() restarted the device before the write returned */
	e1 = epoch_of(&s);
	EXPECT_EQ(e0 + 1, e1) TH_LOG("reset_epoch %u before the FLR, %u after", e0, e1);
	EXPECT_EQ(pasid, s.info.pasid) TH_LOG("the context's PASID changed");
	ret = copy_after_reset(&s, SVACC_PATH_IOCTL, self->rec, 0);
	EXPECT_EQ(0, ret) TH_LOG("ioctl copy after the FLR: %d", ret);
	ret = copy_after_reset(&s, SVACC_PATH_PORTAL, self->rec, 0);
	EXPECT_EQ(0, ret) TH_LOG("copy through the portal mapped before the FLR: %d", ret);
	svacc_close(&s);
	EXPECT_EQ(0, device_works());
	ASSERT_NO_SPLAT(self);
}

/*
 * Minor faults this thread took for one load of the portal's status word.
 * The page walks of /proc/self/pagemap and mincore() skip a PFN mapping,
 * so whether the portal page is mapped is told by whether a load of it
 * faults.
 */
static long portal_load_faults(void *portal)
{
	struct rusage r0, r1;

	if (getrusage(RUSAGE_THREAD, &r0))
		return -errno;
	svacc_portal_read_status(portal);
	if (getrusage(RUSAGE_THREAD, &r1))
		return -errno;
	return r1.ru_minflt - r0.ru_minflt;
}

/*
 * Around an FLR the function's memory decode is off, and a write to a
 * portal then would be an Unsupported Request: the driver takes the
 * portal pages out of every user mapping before the FLR. The claim
 * stands, and the next access maps the page again (a fault).
 */
TEST_F_TIMEOUT(reset, flr_unmaps_portals, 300)
{
	struct svacc s;
	int ret;

	ASSERT_EQ(0, svacc_open(&s, NULL));
	ASSERT_EQ(0, svacc_wq_claim(&s, SVACC_WQ_ANY));
	ASSERT_EQ(0, copy_verified(&s, SVACC_PATH_PORTAL, PAGE, self->rec));
	/* The submission mapped the page: a load takes no fault */
	ASSERT_EQ(0, portal_load_faults(s.portal));

	ret = flr(self->pci);
	ASSERT_EQ(0, ret) TH_LOG("FLR through sysfs: %s", strerror(-ret));
	EXPECT_EQ(1, portal_load_faults(s.portal))
		TH_LOG("the portal page stayed mapped across the FLR");
	EXPECT_EQ(0, portal_load_faults(s.portal)) TH_LOG("the portal was not mapped again");
	ret = copy_after_reset(&s, SVACC_PATH_PORTAL, self->rec, 0);
	EXPECT_EQ(0, ret) TH_LOG("copy through the portal after the FLR: %d", ret);
	svacc_close(&s);
	EXPECT_EQ(0, device_works());
	ASSERT_NO_SPLAT(self);
}

/*
 * A never-touched buffer the device is still filling when the reset comes:
 * big enough to outlast the time from submission to the FLR.
 */
#define LONG_FILL	(256 * SZ_1M)

/* A fill of LONG_FILL bytes at @dst, blocking on faults, recorded in @c */
static void long_fill_desc(struct drm_svacc_desc *d, void *dst,
			   struct drm_svacc_completion *c)
{
	svacc_desc_memfill(d, dst, 0x0123456789abcdefULL, LONG_FILL, c);
	d->flags |= SVACC_DESC_F_BOF;
}

static int submit_long_fill(struct svacc *s, enum svacc_path path,
			    void *dst, struct drm_svacc_completion *c)
{
	struct drm_svacc_desc d;

	long_fill_desc(&d, dst, c);
	s->path_kind = path;
	return svacc_submit(s, &d, 1);
}

/*
 * An FLR with long fills in flight on both paths: WAIT given the epoch
 * returns -ECANCELED at once, without it the wait times out (no record
 * comes), a record completed before the reset still reads as completed,
 * the device writes nothing more for the dropped work (neither record nor
 * destination page), and the same context's new work completes.
 */
TEST_F_TIMEOUT(reset, wait_ecanceled, 300)
{
	struct drm_svacc_completion *c = self->rec;
	long res_a, res_b, res_a2, res_b2;
	uint8_t *dst_a, *dst_b;
	uint32_t e0, st;
	struct svacc s;
	int ret, status;
	uint64_t t0;
	pid_t pid;

	dst_a = svacc_alloc_untouched(LONG_FILL);
	dst_b = svacc_alloc_untouched(LONG_FILL);
	ASSERT_TRUE(dst_a && dst_b);
	ASSERT_EQ(0, svacc_open(&s, NULL));
	ASSERT_EQ(0, svacc_wq_claim(&s, SVACC_WQ_ANY));
	ASSERT_EQ(0, warm_records(&s, c, 4));
	e0 = epoch_of(&s);
	ASSERT_LE(1U, e0);

	/* one done before the reset: its record stands */
	ASSERT_EQ(0, copy_verified(&s, SVACC_PATH_IOCTL, PAGE, &c[3]));
	memset(c, 0, 3 * sizeof(*c));
	ASSERT_EQ(0, submit_long_fill(&s, SVACC_PATH_IOCTL, dst_a, &c[0]));
	ASSERT_EQ(0, submit_long_fill(&s, SVACC_PATH_PORTAL, dst_b, &c[1]));

	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		usleep(200 * 1000);
		_exit(flr(self->pci) ? 1 : 0);
	}
	t0 = svacc_now_ns();
	ret = svacc_wait_ioctl_epoch(s.fd, &c[0], 60 * NS_PER_SEC, e0, &st);
	EXPECT_EQ(-ECANCELED, ret)
		TH_LOG("WAIT(epoch %u) across an FLR: %d (status %u)", e0, ret,
		       ret ? 0 : st);
	EXPECT_GT(30 * NS_PER_SEC, (int64_t)(svacc_now_ns() - t0));
	ASSERT_EQ(0, wait_child(pid, 90, &status));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) TH_LOG("the FLR failed");
	res_a = resident_pages(dst_a, LONG_FILL);
	res_b = resident_pages(dst_b, LONG_FILL);
	EXPECT_GT(LONG_FILL / PAGE, (unsigned long)res_a)
		TH_LOG("the fill finished before the FLR: make LONG_FILL longer");

	ret = svacc_wait_ioctl_epoch(s.fd, &c[1], 5 * NS_PER_SEC, e0, &st);
	EXPECT_EQ(-ECANCELED, ret) TH_LOG("WAIT(epoch %u), portal descriptor: %d", e0, ret);
	/* not given: no record ever comes, the wait times out */
	ret = svacc_wait_ioctl(s.fd, &c[0], 100 * 1000 * 1000, &st);
	EXPECT_EQ(-ETIME, ret) TH_LOG("WAIT without an epoch on a dropped record: %d", ret);
	/* a record completed before the reset still reads as completed */
	ret = svacc_wait_ioctl_epoch(s.fd, &c[3], 0, e0, &st);
	EXPECT_EQ(0, ret);
	EXPECT_EQ((uint32_t)SVACC_STATUS_SUCCESS, st);
	EXPECT_EQ(e0 + 1, epoch_of(&s));

	/* work after the reset completes, on both paths, same context */
	EXPECT_EQ(0, copy_after_reset(&s, SVACC_PATH_IOCTL, &c[2], 0));
	EXPECT_EQ(0, copy_after_reset(&s, SVACC_PATH_PORTAL, &c[2], 0));
	ret = svacc_wait_ioctl_epoch(s.fd, &c[2], NS_PER_SEC, epoch_of(&s), &st);
	EXPECT_EQ(0, ret) TH_LOG("WAIT(current epoch) on a completed record: %d", ret);

	/* nothing submitted before the reset runs after it */
	usleep(500 * 1000);
	EXPECT_EQ(0, svacc_status(&c[0])) TH_LOG("a dropped record was written after the reset");
	EXPECT_EQ(0, svacc_status(&c[1])) TH_LOG("a dropped record was written after the reset");
	res_a2 = resident_pages(dst_a, LONG_FILL);
	res_b2 = resident_pages(dst_b, LONG_FILL);
	EXPECT_EQ(res_a, res_a2) TH_LOG("the dropped ioctl fill went on after the reset");
	EXPECT_EQ(res_b, res_b2) TH_LOG("the dropped portal fill went on after the reset");
	svacc_close(&s);
	svacc_free(dst_a, LONG_FILL);
	svacc_free(dst_b, LONG_FILL);
	ASSERT_NO_SPLAT(self);
}

/* One traffic worker's view of the device, in shared memory */
struct reset_worker {
	unsigned long copies;		/* verified */
	unsigned long canceled;		/* -ECANCELED for work a reset dropped */
	unsigned long raced;		/* submitted while a reset happened */
	uint32_t last_epoch;		/* epoch of its last verified copy */
	uint32_t seen_epoch;		/* the device's, after its last WAIT */
};

struct reset_shared {
	int stop;
	int in_reset;			/* the parent is resetting */
	uint64_t reset_end_ns;		/* when the last FLR write returned */
	struct fail_log log;
	struct reset_worker w[MAX_WORKERS];
	/* records of descriptors the workers saw canceled, to re-check */
	uint64_t canceled_recs[MAX_WORKERS][64];
};

/* Note a copy whose record or data is wrong, with where the data differs */
static void note_bad_copy(struct reset_shared *sh, int id, const char *how,
			  const uint8_t *src, const uint8_t *dst, size_t len,
			  const struct drm_svacc_completion *c, uint32_t epoch)
{
	uint32_t st = svacc_status(c);
	size_t i, z;

	for (i = 0; i < len && src[i] == dst[i]; i++)
		;
	for (z = i; z < len && !dst[z]; z++)
		;
	if (st != SVACC_STATUS_SUCCESS || i == len)
		fail_note(&sh->log,
			  "worker %d: %s %zu-byte copy at %p (epoch %u, now %u): status %u, fault %#llx info %u after %u bytes",
			  id, how, len, dst, epoch, sh->w[id].seen_epoch, st,
			  (unsigned long long)c->fault_addr, c->fault_info,
			  c->bytes_completed);
	else
		fail_note(&sh->log,
			  "worker %d: %s %zu-byte copy (epoch %u): SUCCESS, data differs from byte %zu (%s)",
			  id, how, len, epoch, i,
			  z == len ? "zero from there on" : "other data");
}

/*
 * A submission may fail (ioctl -EAGAIN, portal write rejected) only while
 * the device restarts: around an FLR, seen by the epoch moving, the
 * parent's flag, or the submission having started (at @t0) before the
 * parent's last FLR write returned. However late the worker looks, a
 * submission that started after that must have been accepted.
 */
static bool failure_allowed(struct reset_shared *sh, struct svacc *s, uint32_t epoch,
			    uint64_t t0)
{
	return __atomic_load_n(&sh->in_reset, __ATOMIC_SEQ_CST) ||
	       epoch_of(s) != epoch ||
	       t0 < __atomic_load_n(&sh->reset_end_ns, __ATOMIC_SEQ_CST);
}

/*
 * Copy with the epoch-aware WAIT, verify, and keep going across resets.
 * A descriptor accepted under epoch E (read before and after submitting)
 * either completes and verifies, or a reset dropped it: WAIT(E) says
 * -ECANCELED and its record is never written (the records are kept, on
 * purpose, for a last look). One that raced a reset (the epoch moved while
 * it was submitted) may have been accepted on either side of it: only its
 * data is checked, should it complete; and should WAIT say -ECANCELED,
 * its record and buffers are never freed, for it may still run.
 */
static void reset_worker(struct reset_shared *sh, int id, uint64_t seed)
{
	struct reset_worker *w = &sh->w[id];
	struct rng r = { .s = seed };
	struct drm_svacc_completion *c;
	struct drm_svacc_desc d;
	unsigned int ncanceled = 0, i;
	uint32_t epoch, st;
	uint64_t t0;
	uint8_t *src, *dst;
	struct svacc s;
	const char *how;
	bool raced;
	size_t len;
	int ret;

	if (svacc_open(&s, NULL))
		_exit(1);
	svacc_wq_claim(&s, SVACC_WQ_ANY);	/* a portal if one is free */
	while (!__atomic_load_n(&sh->stop, __ATOMIC_SEQ_CST)) {
		len = PAGE + rng_below(&r, 32 * PAGE);
		c = svacc_records_alloc(1);
		src = malloc(len);
		dst = svacc_alloc_untouched(len);
		if (!c || !src || !dst)
			_exit(2);
		fill_random(src, len, rng_next(&r));
		s.path_kind = s.portal && rng_pct(&r, 50) ? SVACC_PATH_PORTAL :
							      SVACC_PATH_IOCTL;
		svacc_desc_memmove(&d, dst, src, len, c);
		d.flags |= SVACC_DESC_F_BOF;
		t0 = svacc_now_ns();
		epoch = epoch_of(&s);
		ret = svacc_submit(&s, &d, 1);
		if (ret) {
			if (!failure_allowed(sh, &s, epoch, t0))
				fail_note(&sh->log, "worker %d: %s submission, no reset: %d",
					  id, s.path_kind ? "portal" : "ioctl", ret);
			/*
			 * While the device restarts the ioctl says -EAGAIN,
			 * which the library retries for 10 s: no other errno.
			 */
			else if (s.path_kind == SVACC_PATH_IOCTL && ret != -EAGAIN)
				fail_note(&sh->log,
					  "worker %d: ioctl submission across a reset: %d, expected -EAGAIN",
					  id, ret);
			goto next;
		}
		raced = epoch_of(&s) != epoch;
		how = s.path_kind ? "portal" : "ioctl";
		ret = svacc_wait_ioctl_epoch(s.fd, c, 20 * NS_PER_SEC, epoch, &st);
		w->seen_epoch = epoch_of(&s);
		if (raced) {
			w->raced++;
			if (!ret && (st != SVACC_STATUS_SUCCESS || memcmp(src, dst, len)))
				note_bad_copy(sh, id, how, src, dst, len, c, epoch);
			/*
			 * WAIT(epoch) said the reset came after @epoch, but a
			 * descriptor accepted after the reset still runs: its
			 * record and buffers stay ours (never reused) until
			 * the worker exits.
			 */
			if (ret)
				continue;
		} else if (ret == -ECANCELED) {
			w->canceled++;
			if (svacc_status(c))
				fail_note(&sh->log,
					  "worker %d: %s: -ECANCELED (epoch %u), record written (status %u)",
					  id, how, epoch, svacc_status(c));
			if (ncanceled < ARRAY_SIZE(sh->canceled_recs[id])) {
				sh->canceled_recs[id][ncanceled++] = (uintptr_t)c;
				c = NULL;	/* kept for the final check */
			}
		} else if (ret) {
			fail_note(&sh->log, "worker %d: %s: WAIT(epoch %u): %d", id, how,
				  epoch, ret);
		} else if (st != SVACC_STATUS_SUCCESS || memcmp(src, dst, len)) {
			note_bad_copy(sh, id, how, src, dst, len, c, epoch);
		} else {
			w->copies++;
			__atomic_store_n(&w->last_epoch, epoch, __ATOMIC_SEQ_CST);
		}
next:
		free(c);
		free(src);
		svacc_free(dst, len);
	}
	/* nothing a reset dropped was written afterwards */
	for (i = 0; i < ncanceled; i++) {
		c = (struct drm_svacc_completion *)(uintptr_t)sh->canceled_recs[id][i];
		if (svacc_status(c))
			fail_note(&sh->log,
				  "worker %d: a dropped descriptor's record appeared later", id);
	}
	svacc_close(&s);
	_exit(0);
}

/*
 * FLRs while workers stream verified copies through both paths: every
 * descriptor either completes and verifies, or was accepted before a reset
 * and its WAIT says -ECANCELED; every worker copies again after each reset.
 */
TEST_F_TIMEOUT(reset, flr_with_traffic, 900)
{
	int cycles = torture_scale(2, 10, "SVACC_RESET_CYCLES");
	int n = torture_scale(3, 6, "SVACC_RESET_WORKERS");
	uint64_t seed = torture_seed("svacc_reset");
	struct reset_shared *sh = shared_alloc(sizeof(*sh));
	struct rng r = { .s = seed };
	uint32_t epoch_before, epoch_after;
	pid_t pids[MAX_WORKERS];
	int i, cyc, ret, status;
	struct svacc probe;
	uint64_t end;

	ASSERT_NE(NULL, sh);
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	ASSERT_EQ(0, svacc_open(&probe, NULL));
	fflush(stdout);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0)
			reset_worker(sh, i, seed + i + 1);
	}
	for (cyc = 1; cyc <= cycles; cyc++) {
		usleep(200 * 1000 + rng_below(&r, 300 * 1000));
		epoch_before = epoch_of(&probe);
		__atomic_store_n(&sh->in_reset, 1, __ATOMIC_SEQ_CST);
		ret = flr(self->pci);
		__atomic_store_n(&sh->reset_end_ns, svacc_now_ns(), __ATOMIC_SEQ_CST);
		__atomic_store_n(&sh->in_reset, 0, __ATOMIC_SEQ_CST);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: FLR: %s", cyc, strerror(-ret));
		epoch_after = epoch_of(&probe);
		EXPECT_EQ(epoch_before + 1, epoch_after)
			TH_LOG("cycle %d: reset_epoch %u -> %u", cyc, epoch_before, epoch_after);
		/* every worker verifies a copy submitted after this reset */
		end = svacc_now_ns() + 60 * NS_PER_SEC;
		for (i = 0; i < n; i++) {
			uint32_t *last = &sh->w[i].last_epoch;

			while (__atomic_load_n(last, __ATOMIC_SEQ_CST) < epoch_after &&
			       svacc_now_ns() < end)
				usleep(10 * 1000);
			EXPECT_LE(epoch_after, sh->w[i].last_epoch)
				TH_LOG("cycle %d: worker %d did no verified copy after the reset",
				       cyc, i);
		}
		if (sh->log.fails)
			break;
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, wait_child(pids[i], 120, &status))
			TH_LOG("worker %d hung", i);
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("worker %d: status %#x", i, status);
		TH_LOG("worker %d: %lu verified copies, %lu canceled by resets, %lu raced one",
		       i, sh->w[i].copies, sh->w[i].canceled, sh->w[i].raced);
	}
	EXPECT_EQ(0, sh->log.fails) TH_LOG("%d failure(s), first: %s",
					   sh->log.fails, sh->log.first);
	svacc_close(&probe);
	EXPECT_EQ(0, device_works());
	EXPECT_EQ(0, debugfs_count_contexts());
	ASSERT_NO_SPLAT(self);
}

/* What the claimant of claims_across_flr saw, in shared memory */
struct claim_shared {
	int stop;
	unsigned long claims;		/* claimed, copied through, released */
	unsigned long again;		/* -EAGAIN: the device was restarting */
	uint32_t last_epoch;		/* epoch of its last good claim */
	struct fail_log log;
};

/* DRM_IOCTL_SVACC_WQ_CLAIM and _RELEASE alone: no mmap, no GET_INFO */
static int raw_claim(int fd, uint32_t *wq)
{
	struct drm_svacc_wq_claim claim = { .wq = SVACC_WQ_ANY };

	if (ioctl(fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim))
		return -errno;
	*wq = claim.wq;
	return 0;
}

static int raw_release(int fd, uint32_t wq)
{
	struct drm_svacc_wq_release rel = { .wq = wq };

	return ioctl(fd, DRM_IOCTL_SVACC_WQ_RELEASE, &rel) ? -errno : 0;
}

/*
 * Claim and release a dedicated WQ with the bare ioctls, as fast as they
 * go (GET_INFO would wait out an FLR and keep the claims clear of it),
 * and every 16th time claim, copy through the portal and release. A
 * claim may say -EAGAIN (or -EBUSY should another user hold every
 * dedicated WQ) while a reset is under way, a copy may fail across a
 * reset; anything else, and any release that does not return 0, is a
 * failure.
 */
static void claimant(struct claim_shared *sh, struct drm_svacc_completion *c)
{
	unsigned long n = 0;
	uint32_t epoch, wq = 0;
	struct svacc s;
	int ret;

	if (svacc_open(&s, NULL))
		_exit(1);
	while (!__atomic_load_n(&sh->stop, __ATOMIC_SEQ_CST)) {
		if (++n % 16) {
			ret = raw_claim(s.fd, &wq);
			if (!ret) {
				ret = raw_release(s.fd, wq);
				if (ret) {
					fail_note(&sh->log, "release: %d", ret);
					break;
				}
				continue;
			}
			if (ret != -EAGAIN && ret != -EBUSY) {
				fail_note(&sh->log, "claim: %d", ret);
				break;
			}
			sh->again++;
			continue;
		}
		epoch = epoch_of(&s);
		ret = svacc_wq_claim(&s, SVACC_WQ_ANY);
		if (ret == -EAGAIN || ret == -EBUSY) {
			sh->again++;
			continue;
		}
		if (ret) {
			fail_note(&sh->log, "claim: %d", ret);
			break;
		}
		ret = copy_verified(&s, SVACC_PATH_PORTAL, PAGE + 9, c);
		if (ret && epoch_of(&s) == epoch)
			fail_note(&sh->log, "portal copy, no reset between: %d", ret);
		ret = svacc_wq_release(&s);
		if (ret) {
			fail_note(&sh->log, "release: %d", ret);
			break;
		}
		sh->claims++;
		__atomic_store_n(&sh->last_epoch, epoch, __ATOMIC_SEQ_CST);
	}
	svacc_close(&s);
	_exit(0);
}

/*
 * FLRs while another process claims and releases dedicated WQs as fast as
 * it can: a claim or release that runs while the function is in reset
 * must not read the registers (all ones then) as a WQ still enabled and
 * reset the device a second time. Every FLR moves the epoch by exactly
 * one, claims say 0 or -EAGAIN, releases 0, and claims work after.
 */
TEST_F_TIMEOUT(reset, claims_across_flr, 300)
{
	int cycles = torture_scale(4, 12, "SVACC_RESET_CYCLES");
	struct claim_shared *sh = shared_alloc(sizeof(*sh));
	uint32_t epoch_before, epoch_after;
	int cyc, ret, status;
	struct svacc probe;
	uint64_t end;
	pid_t pid;

	ASSERT_NE(NULL, sh);
	ASSERT_EQ(0, svacc_open(&probe, NULL));
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		claimant(sh, self->rec);
	/* the claimant is claiming and releasing before the first FLR */
	end = svacc_now_ns() + 60 * NS_PER_SEC;
	while (!__atomic_load_n(&sh->claims, __ATOMIC_SEQ_CST) && svacc_now_ns() < end)
		usleep(10 * 1000);
	ASSERT_LT(0UL, sh->claims) TH_LOG("no WQ claimed and released in 60 s");
	for (cyc = 1; cyc <= cycles && !sh->log.fails; cyc++) {
		epoch_before = epoch_of(&probe);
		ret = flr(self->pci);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: FLR: %s", cyc, strerror(-ret));
		epoch_after = epoch_of(&probe);
		EXPECT_EQ(epoch_before + 1, epoch_after)
			TH_LOG("cycle %d: one FLR moved reset_epoch %u -> %u",
			       cyc, epoch_before, epoch_after);
		end = svacc_now_ns() + 60 * NS_PER_SEC;
		while (__atomic_load_n(&sh->last_epoch, __ATOMIC_SEQ_CST) < epoch_after &&
		       !sh->log.fails && svacc_now_ns() < end)
			usleep(10 * 1000);
		EXPECT_LE(epoch_after, sh->last_epoch)
			TH_LOG("cycle %d: no claim, copy and release after the FLR", cyc);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, wait_child(pid, 120, &status)) TH_LOG("the claimant hung");
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("claimant: status %#x", status);
	TH_LOG("%lu claims, %lu refused while the device restarted", sh->claims, sh->again);
	EXPECT_EQ(0, sh->log.fails) TH_LOG("%d failure(s), first: %s",
					   sh->log.fails, sh->log.first);
	svacc_close(&probe);
	EXPECT_EQ(0, device_works());
	ASSERT_NO_SPLAT(self);
}

#define TRACE_INST	"/sys/kernel/tracing/instances/svacc_reset"
/* Pages unmapped one by one across an FLR, each mirrored before */
#define INV_PAGES	256

/* What the unmapper of flr_skips_invalidations was told and did */
struct inv_shared {
	int ready;			/* its pages are mirrored */
	int go;				/* the FLR is about to start */
	int done;			/* the FLR is over */
	int err;
};

/*
 * Mirror INV_PAGES pages into the device page table, then, from @sh->go
 * until the FLR is over, unmap them one at a time: every unmap of a
 * mirrored page asks for a device-TLB invalidation. Each page is a VMA of
 * its own (a PROT_NONE page between two), so that no THP backs them and
 * each has a 4 KiB leaf of its own.
 */
static void unmapper(struct inv_shared *sh, struct drm_svacc_completion *c)
{
	struct drm_svacc_desc d;
	struct svacc s;
	unsigned int i;
	char *buf;
	int ret = 0;

	if (svacc_open(&s, NULL))
		_exit(1);
	buf = mmap(NULL, 2 * INV_PAGES * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		_exit(2);
	for (i = 0; i < INV_PAGES && !ret; i++)
		ret = mprotect(buf + (2 * i + 1) * PAGE, PAGE, PROT_NONE) ? -errno : 0;
	for (i = 0; i < INV_PAGES && !ret; i++) {
		svacc_desc_memfill(&d, buf + 2 * i * PAGE, 0x5a5a5a5a5a5a5a5aULL, PAGE, c);
		d.flags |= SVACC_DESC_F_BOF;
		ret = submit_wait(&s, &d, c);
		/* 0 or an errno; a status other than success as a positive value */
		ret = ret == SVACC_STATUS_SUCCESS ? 0 : ret ?: -EIO;
	}
	sh->err = ret;
	__atomic_store_n(&sh->ready, 1, __ATOMIC_SEQ_CST);
	if (ret)
		_exit(3);
	while (!__atomic_load_n(&sh->go, __ATOMIC_SEQ_CST))
		usleep(100);
	for (i = 0; i < INV_PAGES && !__atomic_load_n(&sh->done, __ATOMIC_SEQ_CST); i++) {
		munmap(buf + 2 * i * PAGE, PAGE);
		usleep(500);
	}
	svacc_close(&s);
	_exit(0);
}

/* The trace of one FLR: invalidations asked for while the gate was off */
struct inv_trace {
	int off;		/* "svacc_regs: ... off" lines */
	int on;			/* "... on" */
	int all;		/* invalidations asked for */
	int inside;		/* of which between an off and its on */
	int sent_inside;	/* of which reached the device */
	char first[512];	/* the first of those */
};

static int read_inv_trace(struct inv_trace *t)
{
	FILE *f = fopen(TRACE_INST "/trace", "re");
	bool off = false;
	char line[512];
	size_t n;

	if (!f)
		return -errno;
	memset(t, 0, sizeof(*t));
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "svacc_regs: ")) {
			line[strcspn(line, "\n")] = 0;
			n = strlen(line);
			off = n > 4 && !strcmp(line + n - 4, " off");
			off ? t->off++ : t->on++;
		} else if (strstr(line, "svacc_devtlb_inv:") && ++t->all && off) {
			t->inside++;
			if (strstr(line, " sent") && !t->sent_inside++)
				snprintf(t->first, sizeof(t->first), "%s", line);
		}
	}
	fclose(f);
	return 0;
}

static void inv_trace_stop(void)
{
	write_str(TRACE_INST "/events/svacc/enable", "0");
	rmdir(TRACE_INST);
}

/*
 * HMM mirror: another process unmaps mirrored pages, one after another,
 * while an FLR runs. Between the driver's reset_prepare() and its
 * reset_done() the function's memory decode may be off, and the device
 * is held in reset with an empty TLB: the invalidations the unmaps ask for
 * in that window must not touch the registers. The driver's tracepoints
 * tell: svacc_regs (its register gate off and on again) and
 * svacc_devtlb_inv ("sent" to the device, or "skipped"). Some unmaps must
 * fall inside the window, or the FLR is tried again (up to 5 times).
 */
TEST_F_TIMEOUT(reset, flr_skips_invalidations, 300)
{
	struct inv_shared *sh = shared_alloc(sizeof(*sh));
	struct inv_trace t = { };
	int round, ret, status;
	struct svacc probe;
	pid_t pid;

	ASSERT_NE(NULL, sh);
	ASSERT_EQ(0, svacc_open(&probe, NULL));
	if (probe.info.mode != SVACC_MODE_HMM)
		SKIP(svacc_close(&probe); return,
		     "%s mode: the IOMMU invalidates, not the driver",
		     svacc_mode_name(probe.info.mode));
	inv_trace_stop();	/* leftovers of a killed run */
	ret = mkdir(TRACE_INST, 0700) ? -errno : 0;
	ASSERT_EQ(0, ret) TH_LOG(TRACE_INST ": %s", strerror(-ret));
	ASSERT_EQ(0, write_str(TRACE_INST "/trace_clock", "mono"));
	ASSERT_EQ(0, write_str(TRACE_INST "/events/svacc/svacc_regs/enable", "1"));
	ASSERT_EQ(0, write_str(TRACE_INST "/events/svacc/svacc_devtlb_inv/enable", "1"));

	for (round = 1; round <= 5 && !t.inside; round++) {
		memset(sh, 0, sizeof(*sh));
		fflush(stdout);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			unmapper(sh, self->rec);
		while (!__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST))
			usleep(1000);
		ASSERT_EQ(0, sh->err) TH_LOG("mirroring the pages: %d", sh->err);
		ret = truncate_file(TRACE_INST "/trace");
		ASSERT_EQ(0, ret) TH_LOG("clearing the trace: %s", strerror(-ret));
		__atomic_store_n(&sh->go, 1, __ATOMIC_SEQ_CST);
		ret = flr(self->pci);
		__atomic_store_n(&sh->done, 1, __ATOMIC_SEQ_CST);
		ASSERT_EQ(0, ret) TH_LOG("FLR through sysfs: %s", strerror(-ret));
		ASSERT_EQ(0, wait_child(pid, 120, &status)) TH_LOG("the unmapper hung");
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("unmapper: status %#x", status);
		ASSERT_EQ(0, read_inv_trace(&t));
		ASSERT_EQ(1, t.off) TH_LOG("round %d: %d \"off\" events", round, t.off);
		ASSERT_EQ(1, t.on) TH_LOG("round %d: %d \"on\" events", round, t.on);
		TH_LOG("round %d: %d invalidation(s), %d during the FLR, %d of them sent",
		       round, t.all, t.inside, t.sent_inside);
		EXPECT_EQ(0, t.sent_inside) TH_LOG("first: %s", t.first);
	}
	inv_trace_stop();
	EXPECT_LT(0, t.inside) TH_LOG("no unmap fell inside an FLR in 5 tries");
	svacc_close(&probe);
	EXPECT_EQ(0, device_works());
	ASSERT_NO_SPLAT(self);
}

static uint32_t *map_regs(const char *pci)
{
	char path[300];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource0", pci);
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	p = mmap(NULL, REGS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static uint32_t reg_read(uint32_t *regs, unsigned int off)
{
	return mmio_read(&regs[off / 4], 4);
}

static void reg_write(uint32_t *regs, unsigned int off, uint32_t val)
{
	mmio_write(&regs[off / 4], val, 4);
}

/*
 * DEVPT mode: a bus error on a table walk halts the device. The driver
 * must see the halt, reset and re-initialise the device: the halted work
 * is canceled, the context and its portal keep working.
 */
TEST_F_TIMEOUT(reset, halt_recovery, 300)
{
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	uint32_t *regs;
	uint64_t end, old_ctx;
	uint32_t e0, st, gensts;
	char first[512];
	struct svacc s;
	uint8_t *dst;
	int ret;

	ASSERT_EQ(0, svacc_open(&s, NULL));
	ASSERT_EQ((uint32_t)SVACC_MODE_HMM, s.info.mode)
		TH_LOG("a table walk bus error needs the device page table (DEVPT) mode");
	ASSERT_EQ(0, svacc_wq_claim(&s, SVACC_WQ_ANY));
	ASSERT_EQ(0, warm_records(&s, c, 4));
	regs = map_regs(self->pci);
	ASSERT_NE(NULL, regs) TH_LOG("mmap of %s/resource0: %s", self->pci, strerror(errno));
	ASSERT_EQ(GENSTS_ENABLED, reg_read(regs, REG_GENSTS) & (GENSTS_ENABLED | GENSTS_HALTED));
	e0 = epoch_of(&s);

	dst = svacc_alloc_untouched(LONG_FILL);
	ASSERT_NE(NULL, dst);
	old_ctx = reg_read(regs, REG_CTX_BASE) |
		  (uint64_t)reg_read(regs, REG_CTX_BASE + 4) << 32;
	reg_write(regs, REG_CTX_BASE, (uint32_t)BAD_BUS_ADDR);
	reg_write(regs, REG_CTX_BASE + 4, (uint32_t)(BAD_BUS_ADDR >> 32));
	/*
	 * The walk for the fill's first page reads the context table: halt.
	 * The device may run it (and halt, and be reset) before the submit
	 * call has read its portal status: then the call says -EAGAIN. One
	 * SUBMIT call, not the library's retry loop: a retry would land
	 * after the reset, where the fill runs and writes its record.
	 */
	long_fill_desc(&d, dst, &c[0]);
	ret = svacc_ioctl_submit(s.fd, &d, 1, SVACC_WQ_ANY, NULL);
	ASSERT_TRUE(ret == 0 || ret == -EAGAIN)
		TH_LOG("submission that halts the device: %d", ret);
	if (ret == -EAGAIN)
		TH_LOG("the device halted and was reset before the commit's status was read");
	end = svacc_now_ns() + RECOVERY_S * NS_PER_SEC;
	ret = svacc_wait_ioctl_epoch(s.fd, &c[0], RECOVERY_S * NS_PER_SEC, e0, &st);
	EXPECT_EQ(-ECANCELED, ret)
		TH_LOG("WAIT(epoch %u) on work the halt stopped: %d (status %u)", e0,
		       ret, ret ? 0 : st);
	gensts = reg_read(regs, REG_GENSTS);
	while ((gensts & GENSTS_HALTED) && svacc_now_ns() < end) {
		usleep(20 * 1000);
		gensts = reg_read(regs, REG_GENSTS);
	}
	EXPECT_EQ(0U, gensts & GENSTS_HALTED)
		TH_LOG("GENSTS %#x: still halted %d s after the bus error", gensts, RECOVERY_S);
	if (gensts & GENSTS_HALTED) {
		/* leave the register as the driver set it, for the restore */
		reg_write(regs, REG_CTX_BASE, (uint32_t)old_ctx);
		reg_write(regs, REG_CTX_BASE + 4, (uint32_t)(old_ctx >> 32));
	}
	EXPECT_EQ(0, copy_after_reset(&s, SVACC_PATH_IOCTL, &c[1], RECOVERY_S));
	EXPECT_EQ(0, copy_after_reset(&s, SVACC_PATH_PORTAL, &c[1], RECOVERY_S));
	EXPECT_EQ(e0 + 1, epoch_of(&s)) TH_LOG("reset_epoch after the recovery");
	EXPECT_EQ(0, svacc_status(&c[0])) TH_LOG("the halted descriptor wrote a record");
	munmap(regs, REGS_SIZE);
	svacc_close(&s);
	svacc_free(dst, LONG_FILL);
	EXPECT_EQ(0, device_works());
	/* the bus error itself is reported by the IOMMU, where there is one */
	if (self->kmsg >= 0)
		ASSERT_EQ(0, kmsg_splats_except(self->kmsg, "DMAR:", first, sizeof(first)))
			TH_LOG("kernel log: %s", first);
}

/*
 * The device is stopped again while it restarts: the first device command
 * of the restart after an FLR fails as a command that never completes
 * would (the driver's fail_cmd fault attribute), which resets the device
 * in the middle of its restart. The driver must restart it once more,
 * not take it for running with its queues off: the context's next copies
 * work, and two resets are counted.
 */
TEST_F_TIMEOUT(reset, stopped_during_restart, 300)
{
	char fi[512], times_path[600];
	unsigned long times;
	struct svacc s;
	uint32_t e0, e1;
	int ret;

	ASSERT_EQ(0, svacc_open(&s, NULL));
	ASSERT_EQ(0, svacc_debugfs_file(s.path, "fail_cmd", fi, sizeof(fi)));
	if (access(fi, F_OK))
		SKIP(svacc_close(&s); return,
		     "%s: no fault injection (CONFIG_FAULT_INJECTION_DEBUG_FS)", fi);
	ASSERT_EQ(0, svacc_wq_claim(&s, SVACC_WQ_ANY));
	ASSERT_EQ(0, copy_verified(&s, SVACC_PATH_PORTAL, PAGE, self->rec));
	e0 = epoch_of(&s);

	ASSERT_EQ(0, sysfs_write_at(fi, "verbose", "0"));
	ASSERT_EQ(0, sysfs_write_at(fi, "interval", "1"));
	ASSERT_EQ(0, sysfs_write_at(fi, "times", "1"));
	ASSERT_EQ(0, sysfs_write_at(fi, "probability", "100"));
	ret = flr(self->pci);
	sysfs_write_at(fi, "probability", "0");
	ASSERT_EQ(0, ret) TH_LOG("FLR through sysfs: %s", strerror(-ret));
	snprintf(times_path, sizeof(times_path), "%s/times", fi);
	ASSERT_EQ(0, svacc_sysfs_read_ul(times_path, 10, &times));
	ASSERT_EQ(0UL, times) TH_LOG("no command failed during the restart (times %lu)", times);

	ret = copy_after_reset(&s, SVACC_PATH_IOCTL, self->rec, RECOVERY_S);
	EXPECT_EQ(0, ret) TH_LOG("ioctl copy after a restart the device was stopped in: %d", ret);
	ret = copy_after_reset(&s, SVACC_PATH_PORTAL, self->rec, RECOVERY_S);
	EXPECT_EQ(0, ret) TH_LOG("portal copy after a restart the device was stopped in: %d", ret);
	e1 = epoch_of(&s);
	EXPECT_EQ(e0 + 2, e1) TH_LOG("reset_epoch %u before the FLR, %u after", e0, e1);
	svacc_close(&s);
	EXPECT_EQ(0, device_works());
	ASSERT_NO_SPLAT(self);
}

/* Whether the function at @pci sits behind a bridge (a root port) */
static bool behind_port(const char *pci)
{
	char real[PATH_MAX];
	const char *p;

	if (!realpath(pci, real))
		return false;
	p = strstr(real, "/pci0000:");
	/* /sys/devices/pci0000:00/<port>/<function> */
	return p && (p = strchr(p + 1, '/')) && strchr(p + 1, '/');
}

/*
 * PCI error recovery: the host injects an uncorrectable error into the
 * device (QEMU's pcie_aer_inject_error through the harness's QMP agent;
 * only where the device, id svacc0, sits behind a root port whose AER
 * reports reach the OS). The AER driver calls error_detected() and
 * slot_reset(): the driver stops the device, restarts it with its
 * configuration and claims, and tells waiters through the reset epoch.
 * A non-fatal error (poisoned TLP) and a fatal one (data link protocol
 * error: the link is reset), each followed by copies on both paths.
 */
TEST_F_TIMEOUT(reset, aer_recovery, 300)
{
	static const char * const err[] = { "POISON_TLP", "DLP" };
	char req[128], ans[512];
	uint32_t epoch, now = 0;
	int i, ret, log;
	struct svacc s;
	uint64_t end;

	if (!host_qmp_available() || !behind_port(self->pci))
		SKIP(return, "not a mode with the device behind a root port, and a QMP agent");
	log = kmsg_open();	/* its own position: the splat scan reads self->kmsg */
	ASSERT_LE(0, log);
	ASSERT_EQ(0, svacc_open(&s, NULL));
	ASSERT_EQ(0, svacc_wq_claim(&s, SVACC_WQ_ANY));
	ASSERT_EQ(0, copy_after_reset(&s, SVACC_PATH_PORTAL, self->rec, 0));
	for (i = 0; i < 2; i++) {
		epoch = epoch_of(&s);
		snprintf(req, sizeof(req), "hmp pcie_aer_inject_error svacc0 %s", err[i]);
		ret = host_qmp(req, ans, sizeof(ans), 30);
		ASSERT_EQ(0, ret) TH_LOG("%s: %s (%s)", req, strerror(-ret), ans);
		end = svacc_now_ns() + 30 * NS_PER_SEC;
		while ((now = epoch_of(&s)) == epoch && svacc_now_ns() < end)
			usleep(50 * 1000);
		ASSERT_LT(epoch, now) TH_LOG("%s: no reset in 30 s", err[i]);
		ret = copy_after_reset(&s, SVACC_PATH_IOCTL, self->rec, RECOVERY_S);
		ASSERT_EQ(0, ret) TH_LOG("%s: ioctl copy afterwards: %s", err[i],
					 strerror(-ret));
		ret = copy_after_reset(&s, SVACC_PATH_PORTAL, self->rec, RECOVERY_S);
		ASSERT_EQ(0, ret) TH_LOG("%s: portal copy afterwards: %s", err[i],
					 strerror(-ret));
	}
	ret = kmsg_scan(log, "PCI error (channel state", NULL, 0);
	close(log);
	ASSERT_LE(2, ret) TH_LOG("the driver's error_detected() ran %d times", ret);
	svacc_close(&s);
	ASSERT_NO_SPLAT(self);
}

/*
 * Child: claim and release a dedicated WQ until @stop is set; count the
 * cycles and the answers that uapi.rst does not allow during a reset.
 */
static void claim_release_loop(int *stop, int *cycles, int *bad)
{
	struct svacc s;
	int ret;

	if (svacc_open(&s, NULL))
		_exit(98);
	while (!__atomic_load_n(stop, __ATOMIC_RELAXED)) {
		ret = svacc_wq_claim(&s, SVACC_WQ_ANY);
		if (ret == -EAGAIN || ret == -EBUSY)
			continue;
		if (ret) {
			fprintf(stderr, "# claimer: WQ_CLAIM %d\n", ret);
			__atomic_add_fetch(bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		ret = svacc_wq_release(&s);
		if (ret) {
			fprintf(stderr, "# claimer: WQ_RELEASE %d\n", ret);
			__atomic_add_fetch(bad, 1, __ATOMIC_RELAXED);
		}
		__atomic_add_fetch(cycles, 1, __ATOMIC_RELAXED);
	}
	svacc_close(&s);
	_exit(0);
}

/*
 * PCI error recovery, unlike an FLR, lets other paths take the driver's
 * locks between error_detected() and slot_reset(), while the function
 * may not decode: a WQ claimed or released then must leave its registers
 * alone (the driver warns where one would touch them). Two processes
 * claim and release WQs while the host injects errors, fatal and not.
 */
TEST_F_TIMEOUT(reset, aer_with_claims, 300)
{
	static const char * const err[] = { "DLP", "POISON_TLP" };
	int *sh = shared_alloc(4 * sizeof(int));
	char req[128], ans[512];
	uint32_t epoch, now = 0;
	pid_t pid[2];
	int i, status, ret;
	struct svacc s;
	uint64_t end;

	if (!host_qmp_available() || !behind_port(self->pci))
		SKIP(return, "not a mode with the device behind a root port, and a QMP agent");
	ASSERT_NE(NULL, sh);
	ASSERT_EQ(0, svacc_open(&s, NULL));
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i])
			claim_release_loop(&sh[0], &sh[1 + i], &sh[3]);
	}
	for (i = 0; i < 6; i++) {
		usleep(300 * 1000);
		epoch = epoch_of(&s);
		snprintf(req, sizeof(req), "hmp pcie_aer_inject_error svacc0 %s", err[i % 2]);
		ret = host_qmp(req, ans, sizeof(ans), 30);
		EXPECT_EQ(0, ret) TH_LOG("%s: %s (%s)", req, strerror(-ret), ans);
		if (ret)
			break;
		end = svacc_now_ns() + 30 * NS_PER_SEC;
		while ((now = epoch_of(&s)) == epoch && svacc_now_ns() < end)
			usleep(20 * 1000);
		EXPECT_LT(epoch, now) TH_LOG("%s: no reset in 30 s", err[i % 2]);
	}
	__atomic_store_n(&sh[0], 1, __ATOMIC_RELAXED);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, wait_child(pid[i], 60, &status));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	TH_LOG("%d and %d claim/release cycles across 6 PCI errors", sh[1], sh[2]);
	EXPECT_LT(0, sh[1] + sh[2]);
	EXPECT_EQ(0, sh[3]) TH_LOG("claims or releases failed otherwise than uapi.rst says");
	svacc_close(&s);
	EXPECT_EQ(0, device_works());
	ASSERT_NO_SPLAT(self);
}

/*
 * Turn the device's x-inject-enable-fail on or off from the host (QMP
 * qom-set on the qdev id in $SVACC_DEVICE_OPTS): while it is on, the
 * device refuses every enable, as one that does not come back from a reset.
 */
static int enable_fail(bool on, char *ans, size_t len)
{
	char id[64], req[256];

	device_id(id, sizeof(id));
	if (!id[0])
		return -ENOENT;
	snprintf(req, sizeof(req),
		 "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"%s\", \"property\": \"x-inject-enable-fail\", \"value\": %s}}",
		 id, on ? "true" : "false");
	return host_qmp(req, ans, len, 30);
}

/*
 * What a user sees of a failed device (uapi.rst, "Device resets"): every
 * call fails at once with -EIO and a portal store raises SIGBUS; nothing
 * waits for a restart that will not come, nor says -EAGAIN for ever.
 * @s holds a claimed WQ with its portal mapped; @c a record never written.
 */
static void expect_failed(struct __test_metadata *_metadata, struct svacc *s,
			  struct drm_svacc_completion *c)
{
	struct pollfd pfd = { .events = POLLIN };
	struct drm_svacc_desc d;
	struct svacc t;
	uint64_t t0;
	uint32_t st;
	int ret, sig;

	svacc_desc_nop(&d, c);
	ret = svacc_ioctl_submit(s->fd, &d, 1, SVACC_WQ_ANY, NULL);
	EXPECT_EQ(-EIO, ret) TH_LOG("SUBMIT to a failed device: %d", ret);
	ret = svacc_ioctl_submit(s->fd, &d, 1, s->wq, NULL);
	EXPECT_EQ(-EIO, ret) TH_LOG("SUBMIT to the claimed WQ of a failed device: %d", ret);
	memset(c, 0, sizeof(*c));
	t0 = svacc_now_ns();
	ret = svacc_wait_ioctl(s->fd, c, 5 * NS_PER_SEC, &st);
	EXPECT_EQ(-EIO, ret) TH_LOG("WAIT on a failed device: %d after %llu ms", ret,
				    (unsigned long long)(svacc_now_ns() - t0) / 1000000);
	pfd.fd = s->fd;
	ret = poll(&pfd, 1, 0);
	EXPECT_TRUE(ret == 1 && (pfd.revents & POLLERR))
		TH_LOG("poll() on a failed device: %d, revents %#x", ret, pfd.revents);
	/* a hang here is the bug: the alarm ends the test */
	alarm(60);
	sig = store_signal((uint64_t *)s->portal + 8, 0);
	alarm(0);
	EXPECT_EQ(SIGBUS, sig) TH_LOG("portal store to a failed device: signal %d", sig);
	ASSERT_EQ(0, svacc_open(&t, NULL));
	ret = svacc_wq_claim(&t, SVACC_WQ_ANY);
	EXPECT_EQ(-EIO, ret) TH_LOG("WQ_CLAIM on a failed device: %d", ret);
	svacc_close(&t);
}

/*
 * A device that does not come back from an FLR (the host turns on its
 * x-inject-enable-fail): the driver's restart fails, and the device is
 * failed (expect_failed()), not "restarting" for ever. The next FLR, the
 * device healthy again, restarts it: the same context's claim and portal
 * work again, and the two FLRs count two resets.
 */
TEST_F_TIMEOUT(reset, failed_restart, 300)
{
	char ans[512];
	struct svacc s;
	uint32_t e0;
	int ret, log;

	ASSERT_TRUE(host_qmp_available()) TH_LOG("no QMP agent on ttyS2");
	log = kmsg_open();
	ASSERT_LE(0, log);
	ASSERT_EQ(0, svacc_open(&s, NULL));
	ASSERT_EQ(0, svacc_wq_claim(&s, SVACC_WQ_ANY));
	ASSERT_EQ(0, copy_after_reset(&s, SVACC_PATH_PORTAL, self->rec, 0));
	e0 = epoch_of(&s);

	ret = enable_fail(true, ans, sizeof(ans));
	ASSERT_EQ(0, ret) TH_LOG("qom-set x-inject-enable-fail: %d %s", ret, ans);
	ret = flr(self->pci);
	EXPECT_EQ(0, ret) TH_LOG("FLR through sysfs: %s", strerror(-ret));
	if (!ret)
		expect_failed(_metadata, &s, &self->rec[1]);
	EXPECT_LE(1, kmsg_scan(log, "device failed", NULL, 0))
		TH_LOG("the kernel log does not say the device failed");
	close(log);

	ret = enable_fail(false, ans, sizeof(ans));
	ASSERT_EQ(0, ret) TH_LOG("qom-set x-inject-enable-fail off: %d %s", ret, ans);
	ret = flr(self->pci);
	ASSERT_EQ(0, ret) TH_LOG("second FLR: %s", strerror(-ret));
	ret = copy_after_reset(&s, SVACC_PATH_IOCTL, self->rec, RECOVERY_S);
	EXPECT_EQ(0, ret) TH_LOG("ioctl copy after the device came back: %d", ret);
	ret = copy_after_reset(&s, SVACC_PATH_PORTAL, self->rec, RECOVERY_S);
	EXPECT_EQ(0, ret) TH_LOG("portal copy after the device came back: %d", ret);
	EXPECT_EQ(e0 + 2, epoch_of(&s)) TH_LOG("reset_epoch after two FLRs");
	svacc_close(&s);
	EXPECT_EQ(0, device_works());
	ASSERT_NO_SPLAT(self);
}

/*
 * PCI error recovery that fails: the host injects a fatal error (the link
 * is reset) while the device will not come back. The driver's slot_reset()
 * must say so (the AER driver then reports "device recovery failed", and a
 * newer kernel calls error_detected() with a permanent failure), and user
 * calls fail at once (expect_failed()). Removal and a rescan, the device
 * healthy, bring it back.
 */
TEST_F_TIMEOUT(reset, aer_recovery_fails, 300)
{
	char ans[512], path[300];
	struct svacc s;
	int ret, log;
	uint64_t end;

	if (!host_qmp_available() || !behind_port(self->pci))
		SKIP(return, "not a mode with the device behind a root port, and a QMP agent");
	log = kmsg_open();
	ASSERT_LE(0, log);
	ASSERT_EQ(0, svacc_open(&s, NULL));
	ASSERT_EQ(0, svacc_wq_claim(&s, SVACC_WQ_ANY));
	ASSERT_EQ(0, copy_after_reset(&s, SVACC_PATH_PORTAL, self->rec, 0));

	ret = enable_fail(true, ans, sizeof(ans));
	ASSERT_EQ(0, ret) TH_LOG("qom-set x-inject-enable-fail: %d %s", ret, ans);
	ret = host_qmp("hmp pcie_aer_inject_error svacc0 DLP", ans, sizeof(ans), 30);
	EXPECT_EQ(0, ret) TH_LOG("pcie_aer_inject_error: %s (%s)", strerror(-ret), ans);
	end = svacc_now_ns() + 30 * NS_PER_SEC;
	/* each scan reads the records logged since the last one */
	while ((ret = kmsg_scan(log, "device recovery failed", NULL, 0)) < 1 &&
	       svacc_now_ns() < end)
		usleep(100 * 1000);
	EXPECT_LE(1, ret) TH_LOG("the AER driver did not give the device up in 30 s");
	if (ret >= 1)
		expect_failed(_metadata, &s, &self->rec[1]);
	close(log);
	svacc_close(&s);

	ret = enable_fail(false, ans, sizeof(ans));
	ASSERT_EQ(0, ret) TH_LOG("qom-set x-inject-enable-fail off: %d %s", ret, ans);
	snprintf(path, sizeof(path), "%s/remove", self->pci);
	ret = sysfs_write_bounded(path, "1", 60);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", path, strerror(-ret));
	ret = sysfs_write_bounded("/sys/bus/pci/rescan", "1", 60);
	ASSERT_EQ(0, ret) TH_LOG("rescan: %s", strerror(-ret));
	ASSERT_EQ(0, wait_for_device(30));
	EXPECT_EQ(0, device_works());
	ASSERT_NO_SPLAT(self);
}

TEST_HARNESS_MAIN
