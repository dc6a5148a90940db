// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc lifecycle storms:
 *   random_verified   many processes x many random descriptors of every
 *                     kind through both paths, every result checked by the
 *                     CPU, every accepted descriptor accounted for
 *   module_reload     unload and load the driver with traffic between;
 *                     unload refused while a file is open
 *   memory_pressure   the submitting processes in a memory cgroup with a
 *                     limit and a memory hog, while the device faults their
 *                     pages in: every copy verified
 * After each: no splat, no context left in the driver's list, every
 * dedicated WQ claimable again, unreclaimable kernel memory steady.
 * The kill -9 storm is svacc_lifetime's sigkill_storm (the storm suite runs
 * it in the full form); settled, first here, checks what it and every
 * earlier program left behind. recycled_ids_see_new_address_space: a
 * PASID (or context id) handed on to a new process never translates in
 * the old one's address space.
 *
 * Sizes (short form / full form, env to override):
 *   SVACC_STORM_PROCS 8 / 64, SVACC_STORM_DESCS 300 / 10000,
 *   SVACC_STORM_RECYCLE 24 / 200, SVACC_STORM_RELOADS 5 / 100,
 *   SVACC_STORM_PRESSURE_S 8 / 60.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_assert.h"
#include "svacc_torture.h"

#define MAX_PROCS	256
#define WINDOW		8
#define MAX_ELEMS	8
#define JOB_MAX		(64 * 1024)
#define DEADLINE_NS	(120 * NS_PER_SEC)

FIXTURE(storm) {
	int kmsg;
	long slab0;
};

FIXTURE_SETUP(storm)
{
	kmsg_mark(_metadata->name);
	self->kmsg = kmsg_open();
	self->slab0 = slab_settled_kb();
	ASSERT_EQ(0, wait_for_device(30)) TH_LOG("no svacc device");
}

FIXTURE_TEARDOWN(storm)
{
	if (self->kmsg >= 0)
		close(self->kmsg);
}

/* Dedicated WQs a fresh context can claim now (then released) */
static int claimable_wqs(void)
{
	struct drm_svacc_wq_claim claim;
	struct svacc s;
	int n = 0;

	if (svacc_open(&s, NULL))
		return -1;
	for (;;) {
		memset(&claim, 0, sizeof(claim));
		claim.wq = SVACC_WQ_ANY;
		if (ioctl(s.fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim))
			break;
		n++;
	}
	svacc_close(&s);
	return n;
}

static int dedicated_wqs(void)
{
	struct svacc s;
	int i, n = 0;

	if (svacc_open(&s, NULL))
		return -1;
	for (i = 0; i < (int)s.info.num_wqs && i < 32; i++)
		n += !(s.info.shared_wqs & (1u << i));
	svacc_close(&s);
	return n;
}

/* What every test checks when its storm is over */
static void aftermath(struct __test_metadata *_metadata,
		      struct _test_data_storm *self, long slab_per_unit, long units)
{
	char first[512];
	long slab;

	EXPECT_EQ(0, device_works()) TH_LOG("the device after the storm");
	EXPECT_EQ(0, debugfs_count_contexts())
		TH_LOG("contexts left in the driver's list");
	EXPECT_EQ(dedicated_wqs(), claimable_wqs())
		TH_LOG("dedicated WQs still claimed by dead contexts");
	slab = slab_settled_kb();
	TH_LOG("SUnreclaim %ld -> %ld kB", self->slab0, slab);
	EXPECT_GT(2048 + slab_per_unit * units, slab - self->slab0)
		TH_LOG("unreclaimable kernel memory grew by %ld kB", slab - self->slab0);
	if (self->kmsg >= 0)
		EXPECT_EQ(0, kmsg_splats(self->kmsg, first, sizeof(first)))
			TH_LOG("kernel log: %s", first);
}

/*
 * Nothing of the processes that used the device before (the kill storm,
 * the other suites) is left once they are gone: no context in the
 * driver's list, every dedicated WQ claimable, the device working.
 */
TEST_F(storm, settled)
{
	char first[512];

	EXPECT_EQ(0, debugfs_count_contexts())
		TH_LOG("contexts of processes that are gone are still listed");
	EXPECT_EQ(dedicated_wqs(), claimable_wqs())
		TH_LOG("dedicated WQs still claimed by processes that are gone");
	EXPECT_EQ(0, device_works());
	if (self->kmsg >= 0)
		EXPECT_EQ(0, kmsg_splats(self->kmsg, first, sizeof(first)))
			TH_LOG("kernel log: %s", first);
}

/*
 * Short-lived processes, forked from one parent (so their buffers sit at
 * the same addresses each time), each opening the device, copying into
 * never-touched memory through both paths and exiting: the PASID or
 * context id one of them had comes back for a later one, and the device
 * must translate it in the new address space (a stale translation would
 * write the old process's freed pages: a lost record, wrong data).
 */
TEST_F_TIMEOUT(storm, recycled_ids_see_new_address_space, 900)
{
	long n = torture_scale(24, 200, "SVACC_STORM_RECYCLE");
	int i, status, ret;
	pid_t pid;

	for (i = 0; i < n; i++) {
		fflush(stdout);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			struct drm_svacc_completion *c = svacc_records_alloc(1);
			struct svacc s;

			if (!c || svacc_open(&s, NULL))
				_exit(100);
			ret = copy_verified(&s, SVACC_PATH_IOCTL, 5 * PAGE + 3, c);
			if (!ret)
				ret = copy_verified(&s, SVACC_PATH_PORTAL, 5 * PAGE + 3, c);
			if (ret)
				printf("# process %d (pasid %u): copy: %d\n", i, s.info.pasid, ret);
			_exit(ret ? 1 : 0);
		}
		ASSERT_EQ(0, wait_child(pid, 150, &status)) TH_LOG("process %d hung", i);
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("process %d of %ld: status %#x", i, n, status);
	}
	aftermath(_metadata, self, 4, n);
}

/* ---- random_verified --------------------------------------------------- */

/* One descriptor in flight with what the CPU needs to check it */
struct job {
	struct drm_svacc_desc d;	/* as submitted last (advanced on resubmit) */
	struct drm_svacc_desc orig;
	struct drm_svacc_completion *c;
	uint8_t *src, *dst;
	size_t len;
	bool src_mapped, dst_mapped;	/* munmap (true) or free */
	uint64_t done;			/* bytes done by earlier partial runs */
	uint64_t deadline;
	bool busy;
	bool is_elem;
	bool shared;			/* last submitted through the ioctl */
};

struct batch_job {
	struct drm_svacc_desc *arr;
	struct drm_svacc_completion *c;
	struct job elem[MAX_ELEMS];
	int n;
	bool busy;
	uint64_t deadline;
};

struct storm_proc {
	struct svacc s;
	struct rng r;
	int id;
	unsigned long verified, resubmits, faults;
	struct fail_log *log;
};

static void *buf_alloc(struct rng *r, size_t len, bool *mapped)
{
	void *p;

	*mapped = rng_pct(r, 50);
	if (*mapped)
		return svacc_alloc_untouched(len ? len : 1);
	p = malloc(len ? len : 1);
	if (p)
		memset(p, 0xee, len);
	return p;
}

static void buf_free(void *p, size_t len, bool mapped)
{
	if (mapped)
		svacc_free(p, len ? len : 1);
	else
		free(p);
}

static void job_free(struct job *j)
{
	buf_free(j->src, j->len, j->src_mapped);
	buf_free(j->dst, j->len, j->dst_mapped);
	j->src = NULL;
	j->dst = NULL;
	j->busy = false;
}

/* A random data job: buffers, descriptor (not submitted) */
static int job_make(struct storm_proc *p, struct job *j, struct drm_svacc_completion *c,
		    size_t max)
{
	static const uint8_t ops[] = {
		SVACC_OP_MEMMOVE, SVACC_OP_MEMMOVE, SVACC_OP_MEMFILL,
		SVACC_OP_COMPARE, SVACC_OP_COMPARE_PATTERN, SVACC_OP_CRC32C,
		SVACC_OP_NOP, SVACC_OP_DRAIN,
	};
	uint8_t op = ops[rng_below(&p->r, ARRAY_SIZE(ops))];
	uint64_t pattern = rng_next(&p->r);

	memset(j, 0, sizeof(*j));
	j->c = c;
	j->len = rng_pct(&p->r, 10) ? rng_below(&p->r, 64) : 1 + rng_below(&p->r, max);
	j->src = buf_alloc(&p->r, j->len, &j->src_mapped);
	j->dst = buf_alloc(&p->r, j->len, &j->dst_mapped);
	if (!j->src || !j->dst)
		return -ENOMEM;
	/* the source is written by the CPU; a destination may stay untouched */
	fill_random(j->src, j->len, rng_next(&p->r));
	switch (op) {
	case SVACC_OP_MEMMOVE:
		svacc_desc_memmove(&j->d, j->dst, j->src, j->len, c);
		break;
	case SVACC_OP_MEMFILL:
		svacc_desc_memfill(&j->d, j->dst, pattern, j->len, c);
		break;
	case SVACC_OP_COMPARE:
		/* equal, or different from a random offset on */
		memcpy(j->dst, j->src, j->len);
		if (j->len && rng_pct(&p->r, 50))
			j->dst[rng_below(&p->r, j->len)] ^= 0x10;
		svacc_desc_compare(&j->d, j->src, j->dst, j->len, c);
		break;
	case SVACC_OP_COMPARE_PATTERN:
		svacc_fill_pattern(j->src, pattern, j->len);
		if (j->len && rng_pct(&p->r, 50))
			j->src[rng_below(&p->r, j->len)] ^= 0x01;
		svacc_desc_compare_pattern(&j->d, j->src, pattern, j->len, c);
		break;
	case SVACC_OP_CRC32C:
		svacc_desc_crc32c(&j->d, j->src, j->len, rng_next(&p->r), c);
		break;
	case SVACC_OP_NOP:
		svacc_desc_nop(&j->d, c);
		break;
	default:
		svacc_desc_drain(&j->d, c);
		break;
	}
	if (rng_pct(&p->r, 70))
		j->d.flags |= SVACC_DESC_F_BOF;
	if (rng_pct(&p->r, 20))
		j->d.flags &= ~SVACC_DESC_F_RCI;
	j->orig = j->d;
	j->busy = true;
	return 0;
}

static int first_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

/*
 * The CPU's verdict on a finished job (status SUCCESS, or a COMPARE that
 * found its difference before a fault). 0 or a description in @why.
 */
static int job_verify(struct job *j, const struct drm_svacc_completion *c,
		      char *why, size_t len)
{
	const struct drm_svacc_desc *o = &j->orig;
	uint8_t *tmp;
	int diff;

	switch (o->opcode) {
	case SVACC_OP_MEMMOVE:
		diff = first_diff(j->src, j->dst, j->len);
		if (diff >= 0)
			return snprintf(why, len, "MEMMOVE of %zu: byte %d differs", j->len, diff);
		break;
	case SVACC_OP_MEMFILL:
		tmp = malloc(j->len + 1);
		if (!tmp)
			return snprintf(why, len, "no memory");
		svacc_fill_pattern(tmp, o->op0, j->len);
		diff = first_diff(tmp, j->dst, j->len);
		free(tmp);
		if (diff >= 0)
			return snprintf(why, len, "MEMFILL of %zu: byte %d wrong", j->len, diff);
		break;
	case SVACC_OP_COMPARE:
		diff = first_diff(j->src, j->dst, j->len);
		if (c->result != (uint8_t)(diff >= 0) ||
		    (diff >= 0 && j->done + c->result_value != (uint64_t)diff))
			return snprintf(why, len, "COMPARE of %zu: result %u at %llu, CPU %d",
					j->len, c->result,
					(unsigned long long)(j->done + c->result_value), diff);
		break;
	case SVACC_OP_COMPARE_PATTERN:
		tmp = malloc(j->len + 1);
		if (!tmp)
			return snprintf(why, len, "no memory");
		svacc_fill_pattern(tmp, o->op0, j->len);
		diff = first_diff(j->src, tmp, j->len);
		free(tmp);
		if (c->result != (uint8_t)(diff >= 0) ||
		    (diff >= 0 && j->done + c->result_value != (uint64_t)diff))
			return snprintf(why, len,
					"COMPARE_PATTERN of %zu: result %u at %llu, CPU %d",
					j->len, c->result,
					(unsigned long long)(j->done + c->result_value), diff);
		break;
	case SVACC_OP_CRC32C:
		if ((uint32_t)c->result_value != svacc_crc32c((uint32_t)o->op0, j->src, j->len))
			return snprintf(why, len, "CRC32C of %zu: %#x, CPU %#x", j->len,
					(uint32_t)c->result_value,
					svacc_crc32c((uint32_t)o->op0, j->src, j->len));
		break;
	}
	return 0;
}

static int proc_submit(struct storm_proc *p, struct drm_svacc_desc *d)
{
	p->s.path_kind = p->s.portal && rng_pct(&p->r, 50) ? SVACC_PATH_PORTAL :
							      SVACC_PATH_IOCTL;
	return svacc_submit(&p->s, d, 1);
}

/*
 * A job's record arrived: done (verified), or partial and resubmitted.
 * Returns 1 when the job is finished, 0 when resubmitted, -1 on failure.
 */
static int job_complete(struct storm_proc *p, struct job *j)
{
	struct drm_svacc_completion c = *j->c;
	char why[256];
	int ret;

	if (c.status == SVACC_STATUS_SUCCESS ||
	    (c.status == SVACC_STATUS_PAGE_FAULT && c.result &&
	     (j->orig.opcode == SVACC_OP_COMPARE ||
	      j->orig.opcode == SVACC_OP_COMPARE_PATTERN))) {
		if (job_verify(j, &c, why, sizeof(why))) {
			fail_note(p->log, "proc %d: %s", p->id, why);
			return -1;
		}
		p->verified++;
		return 1;
	}
	/* a drain on a shared WQ stops waiting at the fault hold (uapi.rst) */
	if (c.status == SVACC_STATUS_HOLD_EXPIRED && j->shared &&
	    j->orig.opcode == SVACC_OP_DRAIN) {
		p->verified++;
		return 1;
	}
	if (c.status != SVACC_STATUS_PAGE_FAULT) {
		fail_note(p->log, "proc %d: %s completed with %s", p->id,
			  svacc_op_name(j->orig.opcode), svacc_status_name(c.status));
		return -1;
	}
	if (j->d.flags & SVACC_DESC_F_BOF) {
		/* every page is the process's own and writable: BOF resolves it */
		fail_note(p->log, "proc %d: %s with block-on-fault: PAGE_FAULT at %#llx",
			  p->id, svacc_op_name(j->orig.opcode),
			  (unsigned long long)c.fault_addr);
		return -1;
	}
	/* partial completion: the processed prefix is final, resume after it */
	if (j->orig.opcode == SVACC_OP_MEMMOVE &&
	    memcmp(j->src, j->dst, j->done + c.bytes_completed)) {
		fail_note(p->log, "proc %d: partial MEMMOVE prefix wrong", p->id);
		return -1;
	}
	j->done += c.bytes_completed;
	p->faults++;
	ret = svacc_fault_fixup(&j->d, &c);
	if (ret) {
		fail_note(p->log, "proc %d: fix-up after PAGE_FAULT: %d", p->id, ret);
		return -1;
	}
	/* device page tables are filled by device faults only: block on it */
	if (!c.bytes_completed)
		j->d.flags |= SVACC_DESC_F_BOF;
	memset(j->c, 0, sizeof(*j->c));
	p->resubmits++;
	ret = proc_submit(p, &j->d);
	j->shared = p->s.path_kind == SVACC_PATH_IOCTL;
	if (ret) {
		fail_note(p->log, "proc %d: resubmit: %d", p->id, ret);
		return -1;
	}
	j->deadline = svacc_now_ns() + DEADLINE_NS;
	return 0;
}

/* A BATCH of simple jobs; each element has its own record */
static int batch_make(struct storm_proc *p, struct batch_job *b,
		      struct drm_svacc_completion *c)
{
	int i;

	memset(b->elem, 0, sizeof(b->elem));
	b->n = 2 + rng_below(&p->r, MAX_ELEMS - 1);
	b->c = c;
	for (i = 0; i < b->n; i++) {
		if (job_make(p, &b->elem[i], &c[1 + i], 8 * 1024))
			return -ENOMEM;
		/* no DRAIN inside a batch; elements block on faults */
		if (b->elem[i].d.opcode == SVACC_OP_DRAIN)
			svacc_desc_nop(&b->elem[i].d, &c[1 + i]);
		b->elem[i].d.flags |= SVACC_DESC_F_BOF;
		b->elem[i].orig = b->elem[i].d;
		b->elem[i].is_elem = true;
		b->arr[i] = b->elem[i].d;
	}
	memset(c, 0, sizeof(*c));
	svacc_desc_batch(&b->arr[MAX_ELEMS], b->arr, b->n, c);
	b->arr[MAX_ELEMS].flags |= SVACC_DESC_F_BOF;
	b->busy = true;
	return 0;
}

static int batch_complete(struct storm_proc *p, struct batch_job *b)
{
	const struct drm_svacc_completion *c = b->c;
	unsigned int ok = 0;
	int i, ret = 0;

	for (i = 0; i < b->n; i++) {
		if (!svacc_status(b->elem[i].c)) {
			fail_note(p->log, "proc %d: BATCH done before element %d's record",
				  p->id, i);
			ret = -1;
			continue;
		}
		ok += b->elem[i].c->status == SVACC_STATUS_SUCCESS;
		if (job_complete(p, &b->elem[i]) < 0)
			ret = -1;
	}
	if (c->status != (ok == (unsigned int)b->n ? SVACC_STATUS_SUCCESS :
			  SVACC_STATUS_BATCH_ERROR) || c->bytes_completed != ok) {
		fail_note(p->log, "proc %d: BATCH of %d: %s with %u completed, %u succeeded",
			  p->id, b->n, svacc_status_name(c->status), c->bytes_completed, ok);
		ret = -1;
	}
	for (i = 0; i < b->n; i++)
		job_free(&b->elem[i]);
	b->busy = false;
	return ret;
}

/* One storm process: @n random descriptors, WINDOW in flight */
static void storm_proc(int id, uint64_t seed, long n, struct fail_log *log)
{
	struct storm_proc p = { .id = id, .r = { .s = seed }, .log = log };
	struct drm_svacc_completion *c = svacc_records_alloc(WINDOW * (MAX_ELEMS + 1));
	struct drm_svacc_desc *arr = svacc_descs_alloc(WINDOW * (MAX_ELEMS + 1));
	struct job jobs[WINDOW];
	struct batch_job batches[WINDOW];
	long submitted = 0, finished = 0;
	int i, ret;

	memset(jobs, 0, sizeof(jobs));
	memset(batches, 0, sizeof(batches));
	if (!c || !arr || svacc_open(&p.s, NULL))
		_exit(100);
	svacc_wq_claim(&p.s, SVACC_WQ_ANY);	/* a portal when one is free */
	for (i = 0; i < WINDOW; i++)
		batches[i].arr = &arr[i * (MAX_ELEMS + 1)];
	while (finished < n && !log->fails) {
		struct drm_svacc_completion *oldest = NULL;
		bool progress = false;

		for (i = 0; i < WINDOW; i++) {
			struct drm_svacc_completion *ci = &c[i * (MAX_ELEMS + 1)];

			if (jobs[i].busy) {
				oldest = oldest ? oldest : jobs[i].c;
				if (svacc_status(jobs[i].c)) {
					progress = true;
					ret = job_complete(&p, &jobs[i]);
					if (ret) {
						job_free(&jobs[i]);
						finished++;
					}
				} else if (svacc_now_ns() > jobs[i].deadline) {
					fail_note(log, "proc %d: %s never completed", id,
						  svacc_op_name(jobs[i].d.opcode));
					_exit(1);
				}
			} else if (batches[i].busy) {
				oldest = oldest ? oldest : batches[i].c;
				if (svacc_status(batches[i].c)) {
					progress = true;
					batch_complete(&p, &batches[i]);
					finished++;
				} else if (svacc_now_ns() > batches[i].deadline) {
					fail_note(log, "proc %d: BATCH never completed", id);
					_exit(1);
				}
			} else if (submitted < n) {
				if (rng_pct(&p.r, 10)) {
					if (batch_make(&p, &batches[i], ci))
						_exit(101);
					batches[i].deadline = svacc_now_ns() + DEADLINE_NS;
					ret = proc_submit(&p, &batches[i].arr[MAX_ELEMS]);
				} else {
					memset(ci, 0, sizeof(*ci));
					if (job_make(&p, &jobs[i], ci, JOB_MAX))
						_exit(101);
					jobs[i].deadline = svacc_now_ns() + DEADLINE_NS;
					ret = proc_submit(&p, &jobs[i].d);
					jobs[i].shared = p.s.path_kind == SVACC_PATH_IOCTL;
				}
				if (ret) {
					fail_note(log, "proc %d: submit: %d", id, ret);
					_exit(1);
				}
				submitted++;
				progress = true;
			}
		}
		/* nothing moved: sleep until an interrupt (or the 10 ms re-read) */
		if (!progress && oldest)
			svacc_wait_ioctl(p.s.fd, oldest, 10 * 1000 * 1000, NULL);
	}
	printf("# proc %d: %lu verified, %lu partial completions resubmitted\n", id,
	       p.verified, p.resubmits);
	svacc_close(&p.s);
	_exit(log->fails ? 1 : 0);
}

TEST_F_TIMEOUT(storm, random_verified, 7200)
{
	long procs = torture_scale(debug_kernel() ? 4 : 8, 64, "SVACC_STORM_PROCS");
	long descs = torture_scale(debug_kernel() ? 100 : 300, 10000, "SVACC_STORM_DESCS");
	uint64_t seed = torture_seed("svacc_storm random_verified");
	struct fail_log *log = shared_alloc(sizeof(*log));
	pid_t pids[MAX_PROCS];
	int i, status, bad = 0;
	uint64_t t0 = svacc_now_ns();

	ASSERT_NE(NULL, log);
	if (procs > MAX_PROCS)
		procs = MAX_PROCS;
	fflush(stdout);
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0)
			storm_proc(i, seed + i, descs, log);
	}
	for (i = 0; i < procs; i++) {
		ASSERT_EQ(0, wait_child(pids[i], 7000, &status)) TH_LOG("proc %d hung", i);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	TH_LOG("%ld processes x %ld descriptors in %.1f s", procs, descs,
	       (double)(svacc_now_ns() - t0) / NS_PER_SEC);
	EXPECT_EQ(0, log->fails) TH_LOG("%d failure(s), first: %s (seed 0x%llx)",
					log->fails, log->first, (unsigned long long)seed);
	EXPECT_EQ(0, bad) TH_LOG("%d processes failed", bad);
	aftermath(_metadata, self, 16, procs);
}

/* ---- module_reload ------------------------------------------------------------ */

static int module_path(char *path, size_t len)
{
	const char *env = getenv("SVACC_KO");
	struct utsname u;

	if (env && *env) {
		snprintf(path, len, "%s", env);
	} else {
		uname(&u);
		snprintf(path, len, "/lib/modules/%s/svacc.ko", u.release);
	}
	return access(path, R_OK) ? -errno : 0;
}

static int load(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "svacc", O_NONBLOCK) ? -errno : 0;
}

/* A few processes with verified copies on both paths, concurrently */
static int traffic(int procs, int copies)
{
	int i, k, status, bad = 0;
	pid_t pids[8];

	fflush(stdout);
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -errno;
		if (pids[i] == 0) {
			struct drm_svacc_completion *c = svacc_records_alloc(1);
			struct svacc s;
			int ret = 0;

			if (!c || svacc_open(&s, NULL))
				_exit(1);
			for (k = 0; k < copies && !ret; k++)
				ret = copy_verified(&s, k % 2 && i < 2 ? SVACC_PATH_PORTAL :
						    SVACC_PATH_IOCTL, PAGE * (1 + k), c);
			svacc_close(&s);
			_exit(ret ? 2 : 0);
		}
	}
	for (i = 0; i < procs; i++)
		if (wait_child(pids[i], 120, &status) || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			bad++;
	return bad;
}

TEST_F_TIMEOUT(storm, module_reload, 3600)
{
	long cycles = torture_scale(debug_kernel() ? 3 : 5, 100, "SVACC_STORM_RELOADS");
	long slab1 = 0, avail1 = 0, slab;
	char ko[256];
	struct svacc s;
	int i, ret;

	ASSERT_EQ(0, module_path(ko, sizeof(ko))) TH_LOG("no svacc.ko at %s", ko);
	for (i = 0; i < cycles; i++) {
		/* in use: unload is refused, the device keeps working */
		ASSERT_EQ(0, svacc_open(&s, NULL));
		ret = unload();
		EXPECT_EQ(-EAGAIN, ret) TH_LOG("cycle %d: unload with a file open: %d", i, ret);
		ASSERT_EQ(0, copy_verified(&s, SVACC_PATH_IOCTL, PAGE, svacc_records_alloc(1)));
		svacc_close(&s);

		ret = unload();
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: unload: %s", i, strerror(-ret));
		ASSERT_NE(0, wait_for_device(0)) TH_LOG("cycle %d: a device after unload", i);
		ret = load(ko);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: load %s: %s", i, ko, strerror(-ret));
		ASSERT_EQ(0, wait_for_device(30)) TH_LOG("cycle %d: no device after load", i);
		ret = traffic(3, 6);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: %d traffic processes failed", i, ret);
		if (i == 0) {
			slab1 = slab_settled_kb();
			avail1 = meminfo_kb("MemAvailable");
		}
	}
	slab = slab_settled_kb();
	TH_LOG("%ld reloads: SUnreclaim %ld -> %ld kB, MemAvailable %ld -> %ld kB after the first",
	       cycles, slab1, slab, avail1, meminfo_kb("MemAvailable"));
	EXPECT_GT(1024 + 32 * cycles, slab - slab1)
		TH_LOG("unreclaimable kernel memory grows with reloads");
	aftermath(_metadata, self, 32, cycles);
}

/* ---- memory_pressure ----------------------------------------------------------- */

#define CG_ROOT		"/sys/fs/cgroup"

static long cg_event(const char *dir, const char *key)
{
	char path[300], line[128];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.events", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Join cgroup @dir */
static int cg_enter(const char *dir)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	return sysfs_write_at(dir, "cgroup.procs", pid);
}

/* Allocate and touch up to @mb MiB, then keep touching it */
static void hog(size_t mb)
{
	char *p = mmap(NULL, mb * SZ_1M, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	if (p == MAP_FAILED)
		_exit(1);
	for (;;)
		for (i = 0; i < mb; i++)
			memset(p + i * SZ_1M, (int)i, SZ_1M);
}

/*
 * Copies into never-touched memory (the device faults every page in,
 * charged to the cgroup), each verified; a PAGE_FAULT the OS could not
 * resolve is resumed after a CPU touch, as the spec says.
 */
static void pressured(const char *cg, uint64_t seconds, struct fail_log *log,
		      unsigned long *copies)
{
	const size_t len = 4 * SZ_1M;
	uint64_t end = svacc_now_ns() + seconds * NS_PER_SEC;
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	struct drm_svacc_desc d;
	struct svacc_result res;
	uint8_t *src, *dst;
	struct svacc s;
	int ret;

	if (!c || cg_enter(cg) || svacc_open(&s, NULL))
		_exit(100);
	svacc_wq_claim(&s, SVACC_WQ_ANY);
	while (svacc_now_ns() < end) {
		src = malloc(len);
		dst = svacc_alloc_untouched(len);
		if (!src || !dst)
			_exit(101);
		fill_random(src, len, svacc_now_ns());
		s.path_kind = s.portal && (*copies & 1) ? SVACC_PATH_PORTAL : SVACC_PATH_IOCTL;
		svacc_desc_memmove(&d, dst, src, len, c);
		d.flags |= SVACC_DESC_F_BOF;
		ret = svacc_run(&s, &d, c, &res);
		if (ret || res.status != SVACC_STATUS_SUCCESS) {
			fail_note(log, "copy under memory pressure: %d status %s", ret,
				  svacc_status_name(res.status));
			_exit(1);
		}
		if (memcmp(src, dst, len)) {
			fail_note(log, "copy under memory pressure: wrong data");
			_exit(1);
		}
		__atomic_add_fetch(copies, 1, __ATOMIC_SEQ_CST);
		free(src);
		svacc_free(dst, len);
	}
	svacc_close(&s);
	_exit(0);
}

/*
 * memory.high is the limit: above it the cgroup's tasks are throttled and
 * reclaim runs, while the hog keeps the cgroup over it. memory.max stays
 * far above what the test uses: the OOM killer would add its own report
 * (with a stack dump) to the kernel log, and make check counts that as a
 * splat.
 */
TEST_F_TIMEOUT(storm, memory_pressure, 900)
{
	long seconds = torture_scale(8, 60, "SVACC_STORM_PRESSURE_S");
	struct fail_log *log = shared_alloc(sizeof(*log) + 64);
	unsigned long *copies = (unsigned long *)(log + 1);
	int i, status;
	pid_t subs[3], h;
	char cg[128];

	ASSERT_NE(NULL, log);
	if (access(CG_ROOT "/cgroup.controllers", F_OK)) {
		mkdir(CG_ROOT, 0755);
		ASSERT_EQ(0, mount("none", CG_ROOT, "cgroup2", 0, NULL))
			TH_LOG("mount cgroup2: %s", strerror(errno));
	}
	sysfs_write_at(CG_ROOT, "cgroup.subtree_control", "+memory");
	snprintf(cg, sizeof(cg), CG_ROOT "/svacc-storm-%d", getpid());
	ASSERT_EQ(0, mkdir(cg, 0755)) TH_LOG("mkdir %s: %s", cg, strerror(errno));
	ASSERT_EQ(0, sysfs_write_at(cg, "memory.high", "48M"))
		TH_LOG("no memory controller (memory.high)");
	ASSERT_EQ(0, sysfs_write_at(cg, "memory.max", "512M"));

	fflush(stdout);
	h = fork();
	ASSERT_LE(0, h);
	if (h == 0) {
		if (cg_enter(cg))
			_exit(100);
		hog(96);
	}
	/* the storm runs under pressure, not while the hog is getting there */
	for (i = 0; i < 1800 && cg_event(cg, "high") <= 0; i++)
		usleep(100 * 1000);
	if (cg_event(cg, "high") <= 0) {
		kill(h, SIGKILL);
		waitpid(h, &status, 0);
		ASSERT_LT(0, cg_event(cg, "high"))
			TH_LOG("the hog never got the cgroup over memory.high in 180 s");
	}
	for (i = 0; i < 3; i++) {
		subs[i] = fork();
		ASSERT_LE(0, subs[i]);
		if (subs[i] == 0)
			pressured(cg, seconds, log, copies);
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, wait_child(subs[i], 300, &status))
			TH_LOG("a process under memory pressure hung");
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("submitter %d: status %#x", i, status);
	}
	kill(h, SIGKILL);
	waitpid(h, &status, 0);
	TH_LOG("%lu verified copies; memory.events: high %ld max %ld oom_kill %ld",
	       *copies, cg_event(cg, "high"), cg_event(cg, "max"),
	       cg_event(cg, "oom_kill"));
	EXPECT_EQ(0, log->fails) TH_LOG("%s", log->first);
	EXPECT_LT(0, cg_event(cg, "high")) TH_LOG("never over memory.high: no pressure");
	EXPECT_LT(0UL, *copies) TH_LOG("no copy completed under pressure");
	rmdir(cg);
	aftermath(_metadata, self, 0, 0);
}

TEST_HARNESS_MAIN
