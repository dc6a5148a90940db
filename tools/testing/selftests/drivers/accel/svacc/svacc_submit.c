// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc submission and completion paths:
 * DRM_IOCTL_SVACC_SUBMIT validation (-EINVAL, all or nothing), the same
 * invalid descriptors through a portal (documented record statuses, since
 * the kernel cannot validate there), torn portal writes, a full shared WQ
 * (-EAGAIN) and a full dedicated WQ (RETRY), DRM_IOCTL_SVACC_WAIT wake-ups
 * and -ETIME, poll() wake-ups, DRAIN across WQs, WQ release draining
 * queued work, dedicated WQ exhaustion (-EBUSY), completion interrupts on
 * the submitting CPU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_assert.h"

#define PATTERN		0x0807060504030201ULL

FIXTURE(submit) {
	struct svacc s;
	struct drm_svacc_completion *rec;
	uint8_t *buf;
};

FIXTURE_SETUP(submit)
{
	int ret;

	SKIP_WITHOUT_DEVICE(return);
	self->s.fd = -1;
	kmsg_mark(_metadata->name);
	self->rec = svacc_records_alloc(SVACC_NREC);
	self->buf = svacc_alloc_untouched(16 * PAGE);
	ASSERT_TRUE(self->rec && self->buf);
	ret = svacc_open(&self->s, NULL);
	ASSERT_EQ(0, ret) TH_LOG("cannot open an svacc device: %s",
				 strerror(-ret));
	ASSERT_EXPECTED_MODE(&self->s);
	self->s.path_kind = SVACC_PATH_IOCTL;
	ret = warm_records(&self->s, self->rec, SVACC_NREC);
	ASSERT_EQ(0, ret) TH_LOG("NOP with a record: %d", ret);
}

FIXTURE_TEARDOWN(submit)
{
	svacc_close(&self->s);
	free(self->rec);
	svacc_free(self->buf, 16 * PAGE);
}

static int claim_portal(struct svacc *s)
{
	int ret = svacc_wq_claim(s, SVACC_WQ_ANY);

	if (!ret)
		s->path_kind = SVACC_PATH_PORTAL;
	return ret;
}

/* A valid MEMFILL of one page of the fixture's buffer */
static void good_desc(struct _test_data_submit *self,
		      struct drm_svacc_desc *d, int rec)
{
	svacc_desc_memfill(d, self->buf, PATTERN, PAGE, &self->rec[rec]);
	d->flags |= SVACC_DESC_F_BOF;
}

enum bad_kind {
	BAD_OPCODE_08, BAD_OPCODE_7F, BAD_OPCODE_FF,
	BAD_FLAG_BIT4, BAD_FLAG_BIT15, BAD_RSVD0, BAD_RSVD1, BAD_RSVD2_0,
	BAD_RSVD2_1, BAD_BATCH_MISALIGNED, BAD_SIZE, BAD_BATCH_ZERO,
	BAD_BATCH_TOO_MANY, BAD_KINDS,
};

static const char * const bad_names[] = {
	"opcode 0x08", "opcode 0x7f", "opcode 0xff", "flag bit 4",
	"flag bit 15", "rsvd0", "rsvd1", "rsvd2[0]", "rsvd2[1]",
	"misaligned BATCH array", "size above the limit", "BATCH count 0",
	"BATCH count above max_batch",
};

/* The record status the device must give each kind through a portal */
static const uint8_t bad_status[] = {
	SVACC_STATUS_INVALID_OPCODE, SVACC_STATUS_INVALID_OPCODE,
	SVACC_STATUS_INVALID_OPCODE, SVACC_STATUS_INVALID_FLAGS,
	SVACC_STATUS_INVALID_FLAGS, SVACC_STATUS_INVALID_FLAGS,
	SVACC_STATUS_INVALID_FLAGS, SVACC_STATUS_INVALID_FLAGS,
	SVACC_STATUS_INVALID_FLAGS, SVACC_STATUS_MISALIGNED,
	SVACC_STATUS_INVALID_SIZE, SVACC_STATUS_INVALID_SIZE,
	SVACC_STATUS_INVALID_SIZE,
};

static void bad_desc(struct _test_data_submit *self, struct drm_svacc_desc *d,
		     struct drm_svacc_desc *arr, enum bad_kind k, int rec)
{
	const struct drm_svacc_info *i = &self->s.info;

	good_desc(self, d, rec);
	switch (k) {
	case BAD_OPCODE_08:
		d->opcode = 0x08;
		break;
	case BAD_OPCODE_7F:
		d->opcode = 0x7f;
		break;
	case BAD_OPCODE_FF:
		d->opcode = 0xff;
		break;
	case BAD_FLAG_BIT4:
		d->flags |= 1 << 4;
		break;
	case BAD_FLAG_BIT15:
		d->flags |= 1 << 15;
		break;
	case BAD_RSVD0:
		d->rsvd0 = 1;
		break;
	case BAD_RSVD1:
		d->rsvd1 = 1;
		break;
	case BAD_RSVD2_0:
		d->rsvd2[0] = 1;
		break;
	case BAD_RSVD2_1:
		d->rsvd2[1] = 1ULL << 63;
		break;
	case BAD_BATCH_MISALIGNED:
		svacc_desc_batch(d, (void *)((uint8_t *)arr + 8), 1,
				 &self->rec[rec]);
		break;
	case BAD_SIZE:
		/* the buffer is reserved address space, never accessed */
		d->size = (uint32_t)(svacc_max_transfer(&self->s) + 1);
		break;
	case BAD_BATCH_ZERO:
		svacc_desc_batch(d, arr, 0, &self->rec[rec]);
		break;
	case BAD_BATCH_TOO_MANY:
		svacc_desc_batch(d, arr, i->max_batch + 1, &self->rec[rec]);
		break;
	default:
		break;
	}
}

/* Each invalid descriptor: -EINVAL from the ioctl, nothing submitted */
TEST_F(submit, ioctl_invalid_descriptors)
{
	struct drm_svacc_desc d, *arr;
	uint32_t acc;
	int k, ret;

	arr = svacc_descs_alloc(4);
	ASSERT_NE(NULL, arr);
	svacc_desc_nop(&arr[0], &self->rec[1]);
	for (k = 0; k < BAD_KINDS; k++) {
		if (k == BAD_SIZE && svacc_max_transfer(&self->s) >= 0xffffffffULL)
			continue;
		bad_desc(self, &d, arr, k, 0);
		ret = svacc_ioctl_submit(self->s.fd, &d, 1, SVACC_WQ_ANY, &acc);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("%s: SUBMIT returned %d (%s)",
					       bad_names[k], ret, strerror(-ret));
	}
	/* nothing ran: no record was written */
	ASSERT_EQ(-ETIME, svacc_wait_ioctl(self->s.fd, &self->rec[0],
					   50 * 1000 * 1000, NULL));
	ASSERT_EQ(0, self->rec[0].status);
}

/* pasid_priv must be 0 from user space: PRIV bit, own or another PASID */
TEST_F(submit, ioctl_pasid_priv)
{
	const uint32_t pasid = self->s.info.pasid;
	const uint32_t vals[] = { 1u << 31, pasid ? pasid : 2, pasid + 1,
				  (1u << 31) | pasid };
	struct drm_svacc_desc d;
	uint32_t acc;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		good_desc(self, &d, 0);
		d.pasid_priv = vals[i];
		ret = svacc_ioctl_submit(self->s.fd, &d, 1, SVACC_WQ_ANY, &acc);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("pasid_priv 0x%x: %d (%s)",
					       vals[i], ret, strerror(-ret));
	}
	ASSERT_EQ(-ETIME, svacc_wait_ioctl(self->s.fd, &self->rec[0],
					   50 * 1000 * 1000, NULL));
}

/* Completion record alignment is checked only when CRAV asks for one */
TEST_F(submit, ioctl_record_alignment)
{
	struct drm_svacc_desc d[2];
	uint32_t acc;
	int ret, st;

	good_desc(self, &d[0], 0);
	d[0].completion_addr += 8;
	ret = svacc_ioctl_submit(self->s.fd, &d[0], 1, SVACC_WQ_ANY, &acc);
	ASSERT_EQ(-EINVAL, ret) TH_LOG("misaligned record with CRAV: %d", ret);

	/* without CRAV the address is not used */
	svacc_desc_nop(&d[0], NULL);
	d[0].completion_addr = (uintptr_t)&self->rec[1] + 8;
	svacc_desc_drain(&d[1], &self->rec[2]);
	ret = svacc_ioctl_submit(self->s.fd, d, 2, SVACC_WQ_ANY, &acc);
	ASSERT_EQ(0, ret) TH_LOG("NOP without CRAV: %s", strerror(-ret));
	ASSERT_EQ(2U, acc);
	st = svacc_wait(&self->s, &self->rec[2], TEST_WAIT_NS);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, self->rec[1].status);
}

/* Malformed calls */
TEST_F(submit, ioctl_bad_arguments)
{
	struct drm_svacc_submit sub;
	struct drm_svacc_desc d[SVACC_SUBMIT_MAX + 1];
	const struct drm_svacc_info *i = &self->s.info;
	uint32_t w, dedicated = SVACC_WQ_ANY;
	int k;

	for (k = 0; k <= SVACC_SUBMIT_MAX; k++)
		svacc_desc_nop(&d[k], NULL);

	memset(&sub, 0, sizeof(sub));
	sub.descs = (uintptr_t)d;
	sub.count = 1;
	sub.wq = SVACC_WQ_ANY;
	sub.flags = 1;
	EXPECT_EQ(-1, ioctl(self->s.fd, DRM_IOCTL_SVACC_SUBMIT, &sub));
	EXPECT_EQ(EINVAL, errno) TH_LOG("flags != 0");

	EXPECT_EQ(-EINVAL, svacc_ioctl_submit(self->s.fd, d, 0, SVACC_WQ_ANY,
					      NULL)) TH_LOG("count 0");
	EXPECT_EQ(-EINVAL, svacc_ioctl_submit(self->s.fd, d,
					      SVACC_SUBMIT_MAX + 1,
					      SVACC_WQ_ANY, NULL))
		TH_LOG("count above SVACC_SUBMIT_MAX");
	EXPECT_EQ(-EFAULT, svacc_ioctl_submit(self->s.fd, NULL, 1,
					      SVACC_WQ_ANY, NULL))
		TH_LOG("descs NULL");
	EXPECT_EQ(-EINVAL, svacc_ioctl_submit(self->s.fd, d, 1, i->num_wqs,
					      NULL))
		TH_LOG("WQ index %u out of range", i->num_wqs);
	for (w = 0; w < i->num_wqs && w < 32; w++)
		if (!(i->shared_wqs & (1u << w))) {
			dedicated = w;
			break;
		}
	if (dedicated != SVACC_WQ_ANY)
		EXPECT_EQ(-EINVAL, svacc_ioctl_submit(self->s.fd, d, 1,
						      dedicated, NULL))
			TH_LOG("submit to dedicated WQ %u", dedicated);
}

/* One bad descriptor fails the whole call: the good ones never run */
TEST_F(submit, ioctl_all_or_nothing)
{
	struct drm_svacc_desc d[3], arr[1];
	uint32_t acc;
	int ret;

	good_desc(self, &d[0], 0);
	good_desc(self, &d[1], 1);
	d[1].dst += PAGE;
	bad_desc(self, &d[2], arr, BAD_OPCODE_FF, 2);
	ret = svacc_ioctl_submit(self->s.fd, d, 3, SVACC_WQ_ANY, &acc);
	ASSERT_EQ(-EINVAL, ret);
	ASSERT_EQ(-ETIME, svacc_wait_ioctl(self->s.fd, &self->rec[0],
					   100 * 1000 * 1000, NULL));
	ASSERT_EQ(0, self->rec[0].status);
	ASSERT_EQ(0, self->rec[1].status);
	ASSERT_EQ(0, self->buf[0]) TH_LOG("a descriptor of a rejected call ran");
}

/* SVACC_SUBMIT_MAX descriptors in one call, all run, in order */
TEST_F(submit, ioctl_many)
{
	const int n = SVACC_SUBMIT_MAX;
	struct drm_svacc_desc d[SVACC_SUBMIT_MAX];
	uint8_t *dst, ref[256];
	int k, st;

	dst = svacc_alloc_untouched(n * 256);
	ASSERT_NE(NULL, dst);
	for (k = 0; k < n; k++) {
		svacc_desc_memfill(&d[k], dst + k * 256, PATTERN + k, 256,
				   &self->rec[k]);
		d[k].flags |= SVACC_DESC_F_BOF;
	}
	ASSERT_EQ(0, svacc_ioctl_submit_all(&self->s, d, n));
	for (k = 0; k < n; k++) {
		st = svacc_wait(&self->s, &self->rec[k], TEST_WAIT_NS);
		ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
		svacc_fill_pattern(ref, PATTERN + k, 256);
		ASSERT_EQ(0, memcmp(ref, dst + k * 256, 256)) TH_LOG("descriptor %d", k);
	}
}

/* Through a portal the device itself reports each invalid descriptor */
TEST_F(submit, portal_invalid_descriptors)
{
	struct drm_svacc_desc d, *arr;
	int k, st, ret;

	ret = claim_portal(&self->s);
	ASSERT_EQ(0, ret) TH_LOG("claim: %s", strerror(-ret));
	arr = svacc_descs_alloc(4);
	ASSERT_NE(NULL, arr);
	svacc_desc_nop(&arr[0], &self->rec[1]);
	for (k = 0; k < BAD_KINDS; k++) {
		int want = bad_status[k];

		if (k == BAD_SIZE && svacc_max_transfer(&self->s) >= 0xffffffffULL)
			continue;
		bad_desc(self, &d, arr, k, 0);
		st = submit_wait(&self->s, &d, &self->rec[0]);
		EXPECT_EQ(want, st)
			TH_LOG("%s: completion %d (%s), expected %s",
			       bad_names[k], st,
			       st < 0 ? strerror(-st) : svacc_status_name(st),
			       svacc_status_name(want));
	}
	ASSERT_EQ(0, self->rec[1].status) TH_LOG("a rejected BATCH ran its array");
	ASSERT_EQ(0, self->buf[0]) TH_LOG("an invalid MEMFILL wrote");
}

/* A dedicated WQ ignores the descriptor's PASID and PRIV: no escalation */
TEST_F(submit, portal_ignores_pasid_priv)
{
	struct drm_svacc_desc d;
	uint8_t ref[PAGE];
	int st, ret;

	ret = claim_portal(&self->s);
	ASSERT_EQ(0, ret) TH_LOG("claim: %s", strerror(-ret));
	good_desc(self, &d, 0);
	d.pasid_priv = (1u << 31) | (self->s.info.pasid ^ 1);
	st = submit_wait(&self->s, &d, &self->rec[0]);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	svacc_fill_pattern(ref, PATTERN, PAGE);
	ASSERT_EQ(0, memcmp(ref, self->buf, PAGE))
		TH_LOG("the descriptor ran in another address space");
}

/* Misaligned record through a portal: executed, record not written */
TEST_F(submit, portal_misaligned_record)
{
	struct drm_svacc_desc d;
	uint8_t *raw, ref[PAGE];
	int st, ret, k;

	ret = claim_portal(&self->s);
	ASSERT_EQ(0, ret) TH_LOG("claim: %s", strerror(-ret));
	raw = (uint8_t *)&self->rec[1];
	memset(raw, 0xee, 64);
	good_desc(self, &d, 0);
	d.completion_addr = (uintptr_t)raw + 8;
	ASSERT_EQ(0, svacc_portal_submit(&self->s, &d));
	svacc_desc_drain(&d, &self->rec[0]);
	st = submit_wait(&self->s, &d, &self->rec[0]);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	svacc_fill_pattern(ref, PATTERN, PAGE);
	ASSERT_EQ(0, memcmp(ref, self->buf, PAGE)) TH_LOG("not executed");
	for (k = 0; k < 64; k++)
		ASSERT_EQ(0xee, raw[k]) TH_LOG("misaligned record written at +%d", k);
}

/* A torn portal write (a quadword missing) and a 4-byte store: REJECTED */
TEST_F(submit, portal_torn_rejected)
{
	struct drm_svacc_desc d;
	uint64_t q[8], *p;
	uint32_t st32;
	int st, ret, k;

	ret = claim_portal(&self->s);
	ASSERT_EQ(0, ret) TH_LOG("claim: %s", strerror(-ret));
	p = self->s.portal;

	good_desc(self, &d, 0);
	memcpy(q, &d, sizeof(q));
	for (k = 0; k < 8; k++)
		if (k != 3)
			__atomic_store_n(&p[k], q[k], __ATOMIC_SEQ_CST);
	st32 = svacc_portal_read_status(p);
	ASSERT_EQ((uint32_t)SVACC_PORTAL_REJECTED, st32 & SVACC_PORTAL_STATUS_CODE)
		TH_LOG("torn commit: SUBMIT_STATUS 0x%08x", st32);

	__atomic_store_n((uint32_t *)p, 0x1234u, __ATOMIC_SEQ_CST);
	st32 = svacc_portal_read_status(p);
	ASSERT_EQ((uint32_t)SVACC_PORTAL_REJECTED, st32 & SVACC_PORTAL_STATUS_CODE)
		TH_LOG("4-byte store: SUBMIT_STATUS 0x%08x", st32);
	self->s.commit_count = svacc_portal_read_status(p) >> 16;

	/* nothing ran; the next complete write works */
	svacc_desc_drain(&d, &self->rec[1]);
	st = submit_wait(&self->s, &d, &self->rec[1]);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, self->rec[0].status) TH_LOG("the torn descriptor ran");
	ASSERT_EQ(0, self->buf[0]);
	good_desc(self, &d, 0);
	st = submit_wait(&self->s, &d, &self->rec[0]);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(PATTERN & 0xff, self->buf[0]);
}

/*
 * Fill shared WQ @wq behind a slow descriptor until the ioctl says
 * -EAGAIN. Return the number of NOPs accepted, or -1 if the bound was hit.
 */
static long fill_shared_wq(struct svacc *s, uint32_t wq, int *last_err)
{
	struct drm_svacc_desc nops[SVACC_SUBMIT_MAX];
	long total = 0;
	uint32_t acc;
	int k, ret;

	for (k = 0; k < SVACC_SUBMIT_MAX; k++)
		svacc_desc_nop(&nops[k], NULL);
	while (total < FILL_MAX_DESCS) {
		ret = svacc_ioctl_submit(s->fd, nops, SVACC_SUBMIT_MAX, wq, &acc);
		*last_err = ret;
		if (ret == -EAGAIN)
			return total;
		if (ret)
			return -1;
		total += acc;
	}
	return -1;
}

/* A full shared WQ: -EAGAIN, nothing lost, everything completes after */
TEST_F_TIMEOUT(submit, ioctl_full_wq_eagain, 300)
{
	const struct drm_svacc_info *i = &self->s.info;
	struct blocker b[32];
	struct drm_svacc_desc d;
	uint32_t w, nb = 0, acc;
	int err, ret, st;
	long n;

	for (w = 0; w < i->num_wqs && w < 32; w++) {
		if (!(i->shared_wqs & (1u << w)))
			continue;
		ASSERT_EQ(0, blocker_init(&b[nb], BLOCKER_SIZE));
		ret = svacc_ioctl_submit(self->s.fd, &b[nb].desc, 1, w, &acc);
		ASSERT_EQ(0, ret) TH_LOG("blocker to WQ %u: %s", w, strerror(-ret));
		n = fill_shared_wq(&self->s, w, &err);
		ASSERT_LE(0, n) TH_LOG("WQ %u: no -EAGAIN after %d descriptors (last %s)",
				       w, FILL_MAX_DESCS, strerror(-err));
		TH_LOG("shared WQ %u full after %ld NOPs (blocker %s)", w, n,
		       svacc_status(b[nb].rec) ? "done" : "running");
		nb++;
	}
	ASSERT_LT(0U, nb) TH_LOG("no shared WQ");

	for (w = 0; w < nb; w++) {
		st = svacc_wait(&self->s, b[w].rec, TEST_WAIT_NS * 4);
		ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
		ASSERT_EQ(0, memcmp(b[w].src, b[w].dst, b[w].len));
		blocker_free(&b[w]);
	}
	/* every queued NOP ran: a DRAIN behind them completes */
	svacc_desc_drain(&d, &self->rec[0]);
	st = submit_wait(&self->s, &d, &self->rec[0]);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
}

/* A full dedicated WQ: the portal answers RETRY after at most its depth */
TEST_F_TIMEOUT(submit, portal_full_retry, 300)
{
	struct drm_svacc_desc nop;
	struct blocker b;
	uint32_t accepted = 0;
	int ret, st = 0;

	ret = claim_portal(&self->s);
	ASSERT_EQ(0, ret) TH_LOG("claim: %s", strerror(-ret));
	ASSERT_LT(0U, self->s.wq_size);
	ASSERT_EQ(0, blocker_init(&b, BLOCKER_SIZE));
	ASSERT_EQ(0, svacc_portal_submit(&self->s, &b.desc));
	svacc_desc_nop(&nop, NULL);
	while (accepted <= self->s.wq_size) {
		st = svacc_portal_try(&self->s, &nop);
		if (st != SVACC_PORTAL_ACCEPTED)
			break;
		accepted++;
	}
	ASSERT_EQ(SVACC_PORTAL_RETRY, st)
		TH_LOG("after %u NOPs into a WQ of depth %u: %d", accepted,
		       self->s.wq_size, st);
	ASSERT_GT(self->s.wq_size, accepted)
		TH_LOG("accepted %u + blocker into depth %u", accepted,
		       self->s.wq_size);
	ASSERT_EQ(0, svacc_status(b.rec)) TH_LOG("the blocker finished too early");

	st = svacc_wait(&self->s, b.rec, TEST_WAIT_NS * 4);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	svacc_desc_nop(&nop, &self->rec[0]);
	st = submit_wait(&self->s, &nop, &self->rec[0]);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	blocker_free(&b);
}

/* WAIT sleeps until the completion interrupt, returns the status */
/* Per CPU, the sum of the "svacc-wq" lines of /proc/interrupts */
static int wq_irqs_per_cpu(uint64_t *cnt, int ncpu)
{
	char line[4096], *p, *end;
	FILE *f = fopen("/proc/interrupts", "r");
	int cpu;

	if (!f)
		return -errno;
	memset(cnt, 0, ncpu * sizeof(*cnt));
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "svacc-wq"))
			continue;
		p = strchr(line, ':');
		for (cpu = 0; p && cpu < ncpu; cpu++) {
			cnt[cpu] += strtoull(p + 1, &end, 10);
			p = end;
		}
	}
	fclose(f);
	return 0;
}

/*
 * SVACC_WQ_ANY prefers a shared WQ whose completion vector is steered to
 * the submitting CPU: completions interrupt the CPU that waits for them.
 * From each online CPU in turn, NOPs with RCI; every completion interrupt
 * must land on that CPU.
 */
TEST_F(submit, completion_irq_on_submitting_cpu)
{
	const int n = 32;
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), cpu, other, i, tested = 0;
	struct drm_svacc_completion *c = &self->rec[0];
	uint64_t before[64], after[64];
	struct drm_svacc_desc d;
	cpu_set_t set, old;

	ASSERT_LT(0, ncpu);
	ASSERT_GE(64, ncpu);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(old), &old));
	for (cpu = 0; cpu < ncpu; cpu++) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			continue;
		ASSERT_EQ(0, wq_irqs_per_cpu(before, ncpu));
		for (i = 0; i < n; i++) {
			svacc_desc_nop(&d, c);
			d.flags |= SVACC_DESC_F_RCI;
			ASSERT_STATUS(SVACC_STATUS_SUCCESS, submit_wait(&self->s, &d, c));
		}
		ASSERT_EQ(0, wq_irqs_per_cpu(after, ncpu));
		EXPECT_LE(before[cpu] + n, after[cpu])
			TH_LOG("cpu %d: %llu of %d completion interrupts", cpu,
			       (unsigned long long)(after[cpu] - before[cpu]), n);
		for (other = 0; other < ncpu; other++) {
			if (other == cpu)
				continue;
			EXPECT_EQ(before[other], after[other])
				TH_LOG("submitting on cpu %d interrupted cpu %d %llu times",
				       cpu, other,
				       (unsigned long long)(after[other] - before[other]));
		}
		tested++;
	}
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(old), &old));
	ASSERT_LT(0, tested);
}

TEST_F(submit, wait_wakes_up)
{
	struct blocker b;
	uint32_t status = 0;
	uint64_t t0;
	int ret;

	ASSERT_EQ(0, blocker_init(&b, 8 * SZ_1M));
	ASSERT_EQ(0, svacc_submit(&self->s, &b.desc, 1));
	t0 = svacc_now_ns();
	ret = svacc_wait_ioctl(self->s.fd, b.rec, TEST_WAIT_NS, &status);
	ASSERT_EQ(0, ret) TH_LOG("WAIT: %s after %llu ms", strerror(-ret),
				 (unsigned long long)(svacc_now_ns() - t0) / 1000000);
	ASSERT_EQ((uint32_t)SVACC_STATUS_SUCCESS, status);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, svacc_status(b.rec));
	ASSERT_EQ(0, memcmp(b.src, b.dst, b.len));
	blocker_free(&b);
}

/* WAIT on a record that never completes: -ETIME, after the timeout */
TEST_F(submit, wait_timeout)
{
	uint64_t t0, dt;
	int ret;

	t0 = svacc_now_ns();
	ret = svacc_wait_ioctl(self->s.fd, &self->rec[0], 200 * 1000 * 1000,
			       NULL);
	dt = svacc_now_ns() - t0;
	ASSERT_EQ(-ETIME, ret);
	ASSERT_LE(190ULL * 1000 * 1000, dt)
		TH_LOG("returned after %llu ns", (unsigned long long)dt);
	ASSERT_GT(10ULL * NS_PER_SEC, dt);
	ASSERT_EQ(-ETIME, svacc_wait_ioctl(self->s.fd, &self->rec[0], 0, NULL))
		TH_LOG("timeout 0 on an incomplete record");
}

/* WAIT with timeout 0 on a completed record returns its status */
TEST_F(submit, wait_completed_and_no_rci)
{
	struct drm_svacc_desc d;
	uint32_t status = 0;
	int st;

	svacc_desc_nop(&d, &self->rec[0]);
	st = submit_wait(&self->s, &d, &self->rec[0]);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, svacc_wait_ioctl(self->s.fd, &self->rec[0], 0, &status));
	ASSERT_EQ((uint32_t)SVACC_STATUS_SUCCESS, status);

	/* CRAV without RCI: WAIT still sees the record (it re-reads it) */
	good_desc(self, &d, 1);
	d.flags &= ~SVACC_DESC_F_RCI;
	ASSERT_EQ(0, svacc_submit(&self->s, &d, 1));
	ASSERT_EQ(0, svacc_wait_ioctl(self->s.fd, &self->rec[1],
				      10 * NS_PER_SEC, &status));
	ASSERT_EQ((uint32_t)SVACC_STATUS_SUCCESS, status);
}

TEST_F(submit, wait_bad_arguments)
{
	struct drm_svacc_wait w;

	memset(&w, 0, sizeof(w));
	w.completion_addr = (uintptr_t)&self->rec[0] + 4;
	EXPECT_EQ(-1, ioctl(self->s.fd, DRM_IOCTL_SVACC_WAIT, &w));
	EXPECT_EQ(EINVAL, errno) TH_LOG("misaligned record");

	w.completion_addr = 0xffffffff81000000ULL;
	EXPECT_EQ(-1, ioctl(self->s.fd, DRM_IOCTL_SVACC_WAIT, &w));
	EXPECT_TRUE(errno == EFAULT || errno == EINVAL)
		TH_LOG("kernel address: %s", strerror(errno));
}

/*
 * A reset epoch other than the device's (as after a reset): WAIT gives up
 * at once on an incomplete record (-ECANCELED), still returns the status
 * of a complete one, and the current epoch waits as usual.
 */
TEST_F(submit, wait_reset_epoch)
{
	struct drm_svacc_completion *c = &self->rec[2];
	uint32_t epoch = self->s.info.reset_epoch, status = 0;
	uint64_t t0;

	ASSERT_LE(1U, epoch) TH_LOG("reset_epoch starts at 1");
	memset(c, 0, sizeof(*c));
	t0 = svacc_now_ns();
	ASSERT_EQ(-ECANCELED, svacc_wait_ioctl_epoch(self->s.fd, c,
						     30 * NS_PER_SEC,
						     epoch + 1, &status));
	ASSERT_GT(5 * NS_PER_SEC, (int64_t)(svacc_now_ns() - t0))
		TH_LOG("-ECANCELED only after waiting");
	ASSERT_EQ(-ETIME, svacc_wait_ioctl_epoch(self->s.fd, c,
						 50 * 1000 * 1000, epoch,
						 &status));
	c->status = SVACC_STATUS_SUCCESS;
	ASSERT_EQ(0, svacc_wait_ioctl_epoch(self->s.fd, c, 0, epoch + 1,
					    &status));
	ASSERT_EQ((uint32_t)SVACC_STATUS_SUCCESS, status);
	memset(c, 0, sizeof(*c));
}

/* poll(): nothing pending after a consuming WAIT; POLLIN on completion */
TEST_F(submit, poll_wakes_up)
{
	struct pollfd pfd = { .fd = self->s.fd, .events = POLLIN };
	struct timespec settle = { .tv_nsec = 100 * 1000 * 1000 };
	struct drm_svacc_desc d;
	struct blocker b;
	uint32_t status;
	int ret, st;

	svacc_desc_nop(&d, &self->rec[0]);
	st = submit_wait(&self->s, &d, &self->rec[0]);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	/* the interrupt follows the record: let it land, then consume it */
	nanosleep(&settle, NULL);
	ASSERT_EQ(0, svacc_wait_ioctl(self->s.fd, &self->rec[0], 0, &status));
	ret = poll(&pfd, 1, 0);
	ASSERT_EQ(0, ret) TH_LOG("poll() ready with nothing new (revents 0x%x)",
				 pfd.revents);

	ASSERT_EQ(0, blocker_init(&b, 8 * SZ_1M));
	ASSERT_EQ(0, svacc_submit(&self->s, &b.desc, 1));
	ret = poll(&pfd, 1, 60 * 1000);
	ASSERT_EQ(1, ret) TH_LOG("poll() did not wake up");
	ASSERT_NE(0, pfd.revents & POLLIN);
	ASSERT_EQ(0, pfd.revents & (POLLERR | POLLHUP | POLLNVAL));
	ASSERT_EQ(SVACC_STATUS_SUCCESS, svacc_status(b.rec))
		TH_LOG("woken before the only descriptor completed");
	blocker_free(&b);
}

/*
 * A wake-up for somebody else's completion is consumed by checking one's
 * own, still incomplete, record (WAIT, timeout 0, -ETIME): otherwise a
 * poll() loop waiting for that record would spin.
 */
TEST_F(submit, poll_rearmed_by_wait_check)
{
	struct pollfd pfd = { .fd = self->s.fd, .events = POLLIN };
	struct timespec settle = { .tv_nsec = 100 * 1000 * 1000 };
	struct drm_svacc_desc d;
	uint32_t status = 0;
	int ret, st;

	svacc_desc_nop(&d, &self->rec[0]);
	st = submit_wait(&self->s, &d, &self->rec[0]);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	nanosleep(&settle, NULL);
	ret = poll(&pfd, 1, 0);
	ASSERT_EQ(1, ret) TH_LOG("no POLLIN after a completion interrupt");

	/* rec[1] was never submitted: the check fails, and must re-arm */
	memset(&self->rec[1], 0, sizeof(self->rec[1]));
	ASSERT_EQ(-ETIME, svacc_wait_ioctl(self->s.fd, &self->rec[1], 0,
					   &status));
	ret = poll(&pfd, 1, 0);
	ASSERT_EQ(0, ret)
		TH_LOG("poll() still reports an interrupt already checked for (revents 0x%x)",
		       pfd.revents);
}

/* DRAIN through a shared WQ waits for slow work in a dedicated WQ */
TEST_F_TIMEOUT(submit, drain_across_wqs, 300)
{
	struct drm_svacc_desc d;
	struct blocker b;
	int ret, st;

	ret = svacc_wq_claim(&self->s, SVACC_WQ_ANY);
	ASSERT_EQ(0, ret) TH_LOG("claim: %s", strerror(-ret));
	ASSERT_EQ(0, blocker_init(&b, BLOCKER_SIZE));
	ASSERT_EQ(0, svacc_portal_submit(&self->s, &b.desc));
	svacc_desc_drain(&d, &self->rec[0]);
	ASSERT_EQ(0, svacc_ioctl_submit_all(&self->s, &d, 1));
	ASSERT_EQ(0, svacc_status(b.rec)) TH_LOG("the blocker finished too early");
	st = svacc_wait(&self->s, &self->rec[0], TEST_WAIT_NS * 4);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, svacc_status(b.rec))
		TH_LOG("DRAIN completed before earlier work of its PASID");
	ASSERT_EQ(0, memcmp(b.src, b.dst, b.len));
	blocker_free(&b);
}

/* WQ_RELEASE lets queued work complete before it returns */
TEST_F_TIMEOUT(submit, release_completes_queued_work, 300)
{
	struct drm_svacc_wq_release rel = { 0 };
	struct blocker b;
	int ret;

	ret = svacc_wq_claim(&self->s, SVACC_WQ_ANY);
	ASSERT_EQ(0, ret) TH_LOG("claim: %s", strerror(-ret));
	ASSERT_EQ(0, blocker_init(&b, BLOCKER_SIZE));
	ASSERT_EQ(0, svacc_portal_submit(&self->s, &b.desc));
	rel.wq = self->s.wq;
	munmap(self->s.portal, SVACC_PORTAL_MMAP_SIZE);
	self->s.portal = NULL;
	ASSERT_EQ(0, ioctl(self->s.fd, DRM_IOCTL_SVACC_WQ_RELEASE, &rel))
		TH_LOG("WQ_RELEASE: %s", strerror(errno));
	ASSERT_EQ(SVACC_STATUS_SUCCESS, svacc_status(b.rec))
		TH_LOG("release returned with the WQ's work not done");
	ASSERT_EQ(0, memcmp(b.src, b.dst, b.len));
	EXPECT_EQ(-1, ioctl(self->s.fd, DRM_IOCTL_SVACC_WQ_RELEASE, &rel));
	EXPECT_EQ(EINVAL, errno) TH_LOG("second release of the same WQ");
	blocker_free(&b);
}

/* Every dedicated WQ can be claimed once; then -EBUSY */
TEST_F(submit, claim_until_ebusy)
{
	const struct drm_svacc_info *i = &self->s.info;
	struct drm_svacc_wq_claim claim;
	struct drm_svacc_wq_release rel = { 0 };
	uint32_t w, ndedicated = 0, claimed[32], n = 0;

	for (w = 0; w < i->num_wqs && w < 32; w++)
		if (!(i->shared_wqs & (1u << w)))
			ndedicated++;
	for (;;) {
		memset(&claim, 0, sizeof(claim));
		claim.wq = SVACC_WQ_ANY;
		if (ioctl(self->s.fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim))
			break;
		ASSERT_GT(32U, n);
		claimed[n++] = claim.wq;
		ASSERT_EQ(0U, i->shared_wqs & (1u << claim.wq))
			TH_LOG("claimed shared WQ %u", claim.wq);
	}
	ASSERT_EQ(EBUSY, errno) TH_LOG("claim failed with %s", strerror(errno));
	ASSERT_EQ(ndedicated, n);
	for (w = 0; w < n; w++) {
		rel.wq = claimed[w];
		ASSERT_EQ(0, ioctl(self->s.fd, DRM_IOCTL_SVACC_WQ_RELEASE, &rel));
	}
}

/* One "key:\tvalue" of this file's fdinfo, or -1 if there is none. */
static long long fdinfo_value(int fd, const char *key)
{
	char path[64], line[256];
	long long v = -1;
	size_t n = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtoll(line + n + 1, NULL, 0);
	fclose(f);
	return v;
}

/*
 * fdinfo counts what went through the submit ioctl, exactly, and shows no
 * engine time the device never measured.
 */
TEST_F(submit, fdinfo_counts_ioctl_work)
{
	struct drm_svacc_completion *c = &self->rec[1];
	long long d0, b0;
	struct drm_svacc_desc d;

	d0 = fdinfo_value(self->s.fd, "svacc-ioctl-descriptors");
	b0 = fdinfo_value(self->s.fd, "svacc-ioctl-bytes");
	ASSERT_LE(0, d0) TH_LOG("no svacc-ioctl-descriptors in fdinfo");
	ASSERT_LE(0, b0) TH_LOG("no svacc-ioctl-bytes in fdinfo");
	ASSERT_EQ(-1, fdinfo_value(self->s.fd, "drm-engine-svacc"))
		TH_LOG("an engine time the device does not measure");
	ASSERT_EQ((long long)self->s.info.pasid,
		  fdinfo_value(self->s.fd, "svacc-pasid"));

	svacc_desc_memfill(&d, self->buf, PATTERN, 3 * PAGE, c);
	d.flags |= SVACC_DESC_F_BOF;
	ASSERT_EQ(SVACC_STATUS_SUCCESS, submit_wait(&self->s, &d, c));
	ASSERT_EQ(d0 + 1, fdinfo_value(self->s.fd, "svacc-ioctl-descriptors"));
	ASSERT_EQ(b0 + 3 * (long long)PAGE,
		  fdinfo_value(self->s.fd, "svacc-ioctl-bytes"));
}

TEST_HARNESS_MAIN
