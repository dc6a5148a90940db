// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc faults and partial completion, through both submission paths:
 * unmapped ranges (exact bytes_completed / fault_addr / fault_info, then
 * map + resubmit finishes), block-on-fault clear requests nothing,
 * resubmission after partial completions (pattern rotation, CRC chaining),
 * writes into read-only anonymous and file mappings (error, memory
 * unchanged), kernel and non-canonical addresses (rejected by the ioctl,
 * error status through a portal, nothing read or written), munmap() of a
 * copy's destination while the copy runs (no write lands after it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_fixture.h"

#define PATTERN		0x0102030405060708ULL
#define PATTERN_B	0xa5a5a5a5a5a5a5a5ULL

/* Map the device's view of [p, p + len) with a blocking read (HMM warm-up) */
static int warm_read(struct svacc *s, struct drm_svacc_completion *c,
		     const void *p, size_t len)
{
	struct drm_svacc_desc d;

	svacc_desc_crc32c(&d, p, len, 0, c);
	d.flags |= SVACC_DESC_F_BOF;
	return submit_wait(s, &d, c);
}

/* ... and with a blocking write of @pattern */
static int warm_fill(struct svacc *s, struct drm_svacc_completion *c,
		     void *p, size_t len, uint64_t pattern)
{
	struct drm_svacc_desc d;

	svacc_desc_memfill(&d, p, pattern, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	return submit_wait(s, &d, c);
}

/* Four RW pages with page 2 unmapped; pages 0, 1 and 3 CPU-written */
static uint8_t *map_with_hole(void)
{
	uint8_t *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, 4 * PAGE, MADV_NOHUGEPAGE);
	memset(p, 0, 4 * PAGE);
	if (munmap(p + 2 * PAGE, PAGE))
		return NULL;
	return p;
}

static int map_hole_back(uint8_t *base)
{
	void *p = mmap(base + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

static void faults_unmapped_write(struct __test_metadata *_metadata,
				  struct svacc *s, struct drm_svacc_completion *c,
				  bool bof)
{
	const size_t off = 100, len = 3 * PAGE;
	uint8_t *base, *src;
	struct drm_svacc_desc d;
	uint64_t f0, f1;
	int st;

	base = map_with_hole();
	src = malloc(len);
	ASSERT_TRUE(base && src);
	fill_random(src, len, 30);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, warm_read(s, c, src, len));
	ASSERT_STATUS(SVACC_STATUS_SUCCESS,
		      warm_fill(s, c, base, 2 * PAGE, 0));

	ASSERT_EQ(0, read_fault_counter(s, &f0));
	svacc_desc_memmove(&d, base + off, src, len, c);
	if (bof)
		d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, st);
	ASSERT_EQ(2 * PAGE - off, c->bytes_completed)
		TH_LOG("bytes before the unmapped page");
	ASSERT_EQ((uintptr_t)base + 2 * PAGE, c->fault_addr)
		TH_LOG("fault_addr 0x%llx, unmapped page at %p",
		       (unsigned long long)c->fault_addr, base + 2 * PAGE);
	ASSERT_NE(0, c->fault_info & SVACC_FAULT_WRITE)
		TH_LOG("fault_info 0x%x lacks WRITE", c->fault_info);
	ASSERT_EQ(0, memcmp(base + off, src, 2 * PAGE - off))
		TH_LOG("the completed part is not the source");
	ASSERT_EQ(0, read_fault_counter(s, &f1));
	if (!bof)
		ASSERT_EQ(f0, f1) TH_LOG("%s rose without block-on-fault",
					 fault_counter_name(s));

	/* map the hole, resume where the device stopped */
	ASSERT_EQ(0, map_hole_back(base));
	ASSERT_EQ(0, svacc_fault_fixup(&d, c));
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(s, &d, c);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, st)
		TH_LOG("after mmap: %s at 0x%llx (hole %p) info 0x%x after %u bytes",
		       svacc_status_name(st),
		       (unsigned long long)c->fault_addr, base + 2 * PAGE,
		       c->fault_info, c->bytes_completed);
	ASSERT_EQ(0, memcmp(base + off, src, len));
	ASSERT_EQ(0, base[off - 1]);
	ASSERT_EQ(0, base[off + len]);
	munmap(base, 4 * PAGE);
	free(src);
}

/* Unmapped destination page, block-on-fault clear */
TEST_F(svacc, unmapped_write_nobof)
{
	faults_unmapped_write(_metadata, &self->s, self->rec, false);
}

/* Unmapped destination page, block-on-fault set: the fault is final */
TEST_F(svacc, unmapped_write_bof)
{
	faults_unmapped_write(_metadata, &self->s, self->rec, true);
}

/* Unmapped source page: READ fault, exact progress, resume after mmap */
TEST_F(svacc, unmapped_read)
{
	const size_t off = 50, len = 3 * PAGE;
	struct drm_svacc_completion *c = self->rec;
	uint8_t *base, *dst, *ref;
	struct drm_svacc_desc d;
	int st;

	base = map_with_hole();
	dst = svacc_alloc_untouched(len);
	ref = malloc(4 * PAGE);
	ASSERT_TRUE(base && dst && ref);
	fill_random(ref, 4 * PAGE, 31);
	memcpy(base, ref, 2 * PAGE);
	memcpy(base + 3 * PAGE, ref + 3 * PAGE, PAGE);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS,
		      warm_read(&self->s, c, base, 2 * PAGE));
	ASSERT_STATUS(SVACC_STATUS_SUCCESS,
		      warm_fill(&self->s, c, dst, len, 0));

	svacc_desc_memmove(&d, dst, base + off, len, c);
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, st);
	ASSERT_EQ(2 * PAGE - off, c->bytes_completed);
	ASSERT_EQ((uintptr_t)base + 2 * PAGE, c->fault_addr);
	ASSERT_NE(0, c->fault_info & SVACC_FAULT_READ)
		TH_LOG("fault_info 0x%x lacks READ", c->fault_info);
	ASSERT_EQ(0, c->fault_info & SVACC_FAULT_WRITE);
	ASSERT_EQ(0, memcmp(dst, ref + off, 2 * PAGE - off));

	ASSERT_EQ(0, map_hole_back(base));
	memcpy(base + 2 * PAGE, ref + 2 * PAGE, PAGE);
	ASSERT_EQ(0, svacc_fault_fixup(&d, c));
	st = submit_wait(&self->s, &d, c);
	if (st == SVACC_STATUS_PAGE_FAULT) {
		/* a device page table learns of the new page by faulting */
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&self->s, &d, c);
	}
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, memcmp(dst, ref + off, len));
	munmap(base, 4 * PAGE);
}

/*
 * Never-touched pages, then a hole, all asked for in one page request
 * group: the OS refuses the group for the hole's sake alone. The fault
 * must still name the hole, with every byte before it done (a refused
 * group is asked again page by page); were it reported at the first page
 * of the group, a resubmission from FAULT_ADDR would fault there forever.
 * A device page table faults page by page anyway.
 */
static void faults_untouched_then_hole(struct __test_metadata *_metadata,
				       struct svacc *s, struct drm_svacc_completion *c,
				       bool write)
{
	const size_t off = 100, len = 3 * PAGE;
	struct drm_svacc_desc d;
	uint8_t *base, *buf;
	int st;

	base = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, base);
	madvise(base, 4 * PAGE, MADV_NOHUGEPAGE);
	ASSERT_EQ(0, munmap(base + 2 * PAGE, PAGE));
	buf = malloc(len);
	ASSERT_NE(NULL, buf);
	fill_random(buf, len, 32);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, warm_read(s, c, buf, len));

	if (write)
		svacc_desc_memmove(&d, base + off, buf, len, c);
	else
		svacc_desc_crc32c(&d, base + off, len, 0, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, st);
	ASSERT_EQ((uintptr_t)base + 2 * PAGE, c->fault_addr)
		TH_LOG("fault_addr 0x%llx after %u bytes: hole at %p, range at %p",
		       (unsigned long long)c->fault_addr, c->bytes_completed,
		       base + 2 * PAGE, base + off);
	ASSERT_EQ(2 * PAGE - off, c->bytes_completed);
	ASSERT_NE(0, c->fault_info & (write ? SVACC_FAULT_WRITE : SVACC_FAULT_READ))
		TH_LOG("fault_info 0x%x", c->fault_info);
	if (write) {
		ASSERT_EQ(0, memcmp(base + off, buf, 2 * PAGE - off));
	} else {
		memset(buf, 0, len);
		ASSERT_EQ(svacc_crc32c(0, buf, 2 * PAGE - off), c->result_value)
			TH_LOG("partial CRC32C is not that of the bytes before the hole");
	}
	munmap(base, 2 * PAGE);
	munmap(base + 3 * PAGE, PAGE);
	free(buf);
}

TEST_F(svacc, untouched_then_hole_write)
{
	faults_untouched_then_hole(_metadata, &self->s, self->rec, true);
}

TEST_F(svacc, untouched_then_hole_read)
{
	faults_untouched_then_hole(_metadata, &self->s, self->rec, false);
}

/*
 * The elements of a BATCH are descriptors of their own: what the OS said
 * to one element's page requests is no answer to the next one. Element 1
 * writes never-touched page A, a hole, then never-touched pages B and C:
 * one page request group asks for all four, the OS maps A, refuses the
 * hole and (its errors are sticky) leaves B and C alone. Element 1 ends at
 * the hole; element 2 writes B, which is there to be had, and must
 * complete. A device page table faults page by page anyway.
 */
TEST_F(svacc, batch_element_own_answers)
{
	const size_t off = 100, len = 3 * PAGE;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc *d = svacc_descs_alloc(2), b;
	uint8_t *base, *buf;
	int st;

	ASSERT_NE(NULL, d);
	base = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, base);
	madvise(base, 4 * PAGE, MADV_NOHUGEPAGE);
	ASSERT_EQ(0, munmap(base + PAGE, PAGE));
	buf = malloc(len);
	ASSERT_NE(NULL, buf);
	fill_random(buf, len, 33);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, warm_read(&self->s, c, buf, len));

	svacc_desc_memmove(&d[0], base + off, buf, len, &c[1]);
	d[0].flags |= SVACC_DESC_F_BOF;
	svacc_desc_memmove(&d[1], base + 2 * PAGE, buf, PAGE, &c[2]);
	d[1].flags |= SVACC_DESC_F_BOF;
	svacc_desc_batch(&b, d, 2, &c[0]);
	st = submit_wait(&self->s, &b, &c[0]);
	ASSERT_STATUS(SVACC_STATUS_BATCH_ERROR, st);
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, svacc_status(&c[1]));
	ASSERT_EQ((uintptr_t)base + PAGE, c[1].fault_addr)
		TH_LOG("element 1: fault at 0x%llx after %u bytes, the hole is at %p",
		       (unsigned long long)c[1].fault_addr, c[1].bytes_completed,
		       base + PAGE);
	ASSERT_EQ(PAGE - off, c[1].bytes_completed);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, svacc_status(&c[2]))
		TH_LOG("element 2: fault at 0x%llx after %u bytes",
		       (unsigned long long)c[2].fault_addr, c[2].bytes_completed);
	ASSERT_EQ(1U, c[0].bytes_completed) TH_LOG("elements that succeeded");
	ASSERT_EQ(0, memcmp(base + off, buf, PAGE - off));
	ASSERT_EQ(0, memcmp(base + 2 * PAGE, buf, PAGE));
	munmap(base, PAGE);
	munmap(base + 2 * PAGE, 2 * PAGE);
	free(buf);
	free(d);
}

/* NULL: a read fault at address 0, nothing done */
TEST_F(svacc, null_pointer)
{
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	uint8_t *dst;
	int st;

	dst = malloc(64);
	ASSERT_NE(NULL, dst);
	memset(dst, 0x5a, 64);
	svacc_desc_memmove(&d, dst, NULL, 64, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, st);
	ASSERT_EQ(0U, c->bytes_completed);
	ASSERT_EQ(0ULL, c->fault_addr);
	ASSERT_NE(0, c->fault_info & SVACC_FAULT_READ);
	for (st = 0; st < 64; st++)
		ASSERT_EQ(0x5a, dst[st]);
}

/* Block-on-fault clear on never-touched memory: immediate fault, no request */
TEST_F(svacc, nobof_requests_nothing)
{
	const size_t len = 8 * PAGE;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	uint64_t f0, f1;
	uint8_t *dst;
	int st;

	dst = svacc_alloc_untouched(len);
	ASSERT_NE(NULL, dst);
	ASSERT_EQ(0, read_fault_counter(&self->s, &f0));
	svacc_desc_memfill(&d, dst + 8, PATTERN, len - 8, c);
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, st);
	ASSERT_EQ(0U, c->bytes_completed);
	ASSERT_EQ((uintptr_t)dst + 8, c->fault_addr);
	ASSERT_NE(0, c->fault_info & SVACC_FAULT_WRITE);
	ASSERT_EQ(0, read_fault_counter(&self->s, &f1));
	ASSERT_EQ(f0, f1) TH_LOG("%s rose without block-on-fault",
				 fault_counter_name(&self->s));
}

/*
 * The completion record of a descriptor without block-on-fault, in memory
 * the CPU wrote but the device never accessed, is written: the record
 * write is how the caller learns anything, so it must not be lost (SWERR
 * 0x06) just because the device has not mapped that page yet.
 */
TEST_F(svacc, record_write_nobof)
{
	struct drm_svacc_completion *c;
	struct drm_svacc_desc d;
	uint8_t *p;
	int st;

	/* a page of its own (between holes), written by the CPU only */
	p = svacc_alloc_untouched(3 * PAGE);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, munmap(p, PAGE));
	ASSERT_EQ(0, munmap(p + 2 * PAGE, PAGE));
	c = (struct drm_svacc_completion *)(p + PAGE);
	svacc_desc_nop(&d, c);
	ASSERT_EQ(0, svacc_submit(&self->s, &d, 1));
	st = svacc_wait(&self->s, c, 5 * NS_PER_SEC);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
}

/*
 * Partial completions resubmitted by svacc_run() (touch the faulting
 * page, advance by bytes_completed) until done: MEMFILL with a rotated
 * pattern, CRC32C with the partial CRC as seed, COMPARE offsets.
 */
TEST_F(svacc, resubmit_until_done)
{
	const size_t len = 16 * PAGE + 5, off = 7;
	struct drm_svacc_completion *c = self->rec;
	struct svacc_result res;
	struct drm_svacc_desc d;
	uint8_t *dst, *ref, *file, *data, *cmp;
	int fd;

	dst = svacc_alloc_untouched(len + off + PAGE);
	ref = malloc(len);
	data = malloc(len);
	ASSERT_TRUE(dst && ref && data);
	svacc_fill_pattern(ref, PATTERN, len);

	svacc_desc_memfill(&d, dst + off, PATTERN, len, c);
	ASSERT_EQ(0, svacc_run(&self->s, &d, c, &res));
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, res.status);
	ASSERT_LE(1U, res.resubmits) TH_LOG("never-touched memory did not fault");
	ASSERT_EQ(0, memcmp(ref, dst + off, len));

	fill_random(data, len, 32);
	file = map_file(len, data, len, PROT_READ, MAP_PRIVATE, &fd);
	ASSERT_NE(NULL, file);
	svacc_desc_crc32c(&d, file, len, 0xffffffff, c);
	ASSERT_EQ(0, svacc_run(&self->s, &d, c, &res));
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, res.status);
	ASSERT_EQ(svacc_crc32c(0xffffffff, data, len), (uint32_t)res.value)
		TH_LOG("CRC chained over %u resubmissions", res.resubmits);

	cmp = svacc_alloc_untouched(len);
	ASSERT_NE(NULL, cmp);
	svacc_desc_compare_pattern(&d, cmp, 0, len, c);
	ASSERT_EQ(0, svacc_run(&self->s, &d, c, &res));
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, res.status);
	ASSERT_EQ(0, res.result);
	close(fd);
}

static uint8_t *map_readonly(size_t len, uint64_t pattern)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	svacc_fill_pattern(p, pattern, len);
	if (mprotect(p, len, PROT_READ))
		return NULL;
	return p;
}

static void faults_readonly(struct __test_metadata *_metadata,
			    struct svacc *s, struct drm_svacc_completion *c,
			    bool bof, bool copy)
{
	const size_t len = 4 * PAGE, off = 10;
	struct drm_svacc_desc d;
	uint8_t *ro, *ref, *src;
	int st;

	ro = map_readonly(len, PATTERN_B);
	ref = malloc(len);
	src = malloc(len);
	ASSERT_TRUE(ro && ref && src);
	svacc_fill_pattern(ref, PATTERN_B, len);
	fill_random(src, len, 33);
	st = warm_read(s, c, ro, len);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(svacc_crc32c(0, ref, len), (uint32_t)c->result_value)
		TH_LOG("reading a read-only mapping must work");

	if (copy)
		svacc_desc_memmove(&d, ro + off, src, len - off, c);
	else
		svacc_desc_memfill(&d, ro + off, PATTERN, len - off, c);
	if (bof)
		d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, st);
	ASSERT_EQ(0U, c->bytes_completed);
	ASSERT_EQ((uintptr_t)ro + off, c->fault_addr);
	ASSERT_NE(0, c->fault_info & SVACC_FAULT_WRITE)
		TH_LOG("fault_info 0x%x lacks WRITE", c->fault_info);
	ASSERT_EQ(0, memcmp(ro, ref, len)) TH_LOG("read-only page changed");
	munmap(ro, len);
}

TEST_F(svacc, readonly_fill_bof)
{
	faults_readonly(_metadata, &self->s, self->rec, true, false);
}

TEST_F(svacc, readonly_fill_nobof)
{
	faults_readonly(_metadata, &self->s, self->rec, false, false);
}

TEST_F(svacc, readonly_copy_bof)
{
	faults_readonly(_metadata, &self->s, self->rec, true, true);
}

/* First page writable, the rest read-only: progress stops exactly there */
TEST_F(svacc, readonly_partial)
{
	const size_t len = 4 * PAGE, off = 10;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	uint8_t *p, *ref;
	int st;

	p = map_readonly(len, PATTERN_B);
	ref = malloc(len);
	ASSERT_TRUE(p && ref);
	ASSERT_EQ(0, mprotect(p, PAGE, PROT_READ | PROT_WRITE));
	svacc_fill_pattern(ref, PATTERN_B, len);
	svacc_fill_pattern(ref + off, PATTERN, PAGE - off);

	svacc_desc_memfill(&d, p + off, PATTERN, len - off, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, st);
	ASSERT_EQ(PAGE - off, c->bytes_completed);
	ASSERT_EQ((uintptr_t)p + PAGE, c->fault_addr);
	ASSERT_NE(0, c->fault_info & SVACC_FAULT_WRITE);
	ASSERT_EQ(0, memcmp(p, ref, len))
		TH_LOG("writable page not filled, or read-only pages changed");
	munmap(p, len);
}

/* A read-only shared file mapping: device write fails, file unchanged */
TEST_F(svacc, readonly_file)
{
	const size_t len = 3 * PAGE + 99;
	struct drm_svacc_completion *c = self->rec;
	uint8_t *data, *map, *back;
	struct drm_svacc_desc d;
	int fd, st;

	data = malloc(len);
	back = malloc(len);
	ASSERT_TRUE(data && back);
	fill_random(data, len, 34);
	map = map_file(len, data, len, PROT_READ, MAP_SHARED, &fd);
	ASSERT_NE(NULL, map);
	svacc_desc_memfill(&d, map, PATTERN, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, st);
	ASSERT_EQ(0U, c->bytes_completed);
	ASSERT_EQ((uintptr_t)map, c->fault_addr);
	ASSERT_NE(0, c->fault_info & SVACC_FAULT_WRITE);
	ASSERT_EQ(0, msync(map, len, MS_SYNC));
	ASSERT_EQ((ssize_t)len, pread(fd, back, len, 0));
	ASSERT_EQ(0, memcmp(data, back, len)) TH_LOG("read-only file changed");
	close(fd);
}

/* A kernel address whose content user space can observe: init_uts_ns */
static uint64_t kernel_target(bool *observable)
{
	uint64_t a = kernel_symbol("init_uts_ns");

	*observable = a != 0;
	return a ? a : 0xffffffff81000000ULL;
}

/*
 * Submit @d that names a kernel or non-user address. The ioctl path must
 * refuse it (-EINVAL: outside the caller's user address space); through a
 * portal the kernel cannot check, so the device must fail it with nothing
 * done.
 */
static void expect_denied(struct __test_metadata *_metadata,
			  struct svacc *s, struct drm_svacc_desc *d,
			  struct drm_svacc_completion *c)
{
	uint32_t acc;
	int ret, st;

	if (s->path_kind == SVACC_PATH_IOCTL) {
		ret = svacc_ioctl_submit(s->fd, d, 1, SVACC_WQ_ANY, &acc);
		ASSERT_EQ(-EINVAL, ret)
			TH_LOG("SUBMIT of 0x%llx -> 0x%llx: %s",
			       (unsigned long long)d->src,
			       (unsigned long long)d->dst, strerror(-ret));
		return;
	}
	st = submit_wait(s, d, c);
	ASSERT_TRUE(st == SVACC_STATUS_PAGE_FAULT ||
		    st == SVACC_STATUS_ACCESS_DENIED)
		TH_LOG("portal: 0x%llx -> 0x%llx completed %d (%s)",
		       (unsigned long long)d->src, (unsigned long long)d->dst,
		       st, st < 0 ? strerror(-st) : svacc_status_name(st));
	ASSERT_EQ(0U, c->bytes_completed);
}

TEST_F(svacc, kernel_address_write)
{
	struct drm_svacc_completion *c = self->rec;
	struct utsname before, after;
	struct drm_svacc_desc d;
	bool observable;
	uint64_t target = kernel_target(&observable);
	char *src;

	src = malloc(PAGE);
	ASSERT_NE(NULL, src);
	memset(src, 'X', PAGE);
	ASSERT_EQ(0, uname(&before));
	svacc_desc_memmove(&d, (void *)(uintptr_t)target, src, 8, c);
	d.flags |= SVACC_DESC_F_BOF;
	expect_denied(_metadata, &self->s, &d, c);
	svacc_desc_memfill(&d, (void *)(uintptr_t)target, 0x5858585858585858ULL,
			   8, c);
	expect_denied(_metadata, &self->s, &d, c);
	ASSERT_EQ(0, uname(&after));
	if (!observable)
		TH_LOG("no /proc/kallsyms: kernel memory not checked");
	ASSERT_STREQ(before.sysname, after.sysname)
		TH_LOG("the device wrote kernel memory (init_uts_ns)");
}

TEST_F(svacc, kernel_address_read)
{
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	bool observable;
	uint64_t target = kernel_target(&observable);
	uint8_t *dst;
	int i;

	dst = malloc(PAGE);
	ASSERT_NE(NULL, dst);
	memset(dst, 0xa5, PAGE);
	svacc_desc_memmove(&d, dst, (void *)(uintptr_t)target, 64, c);
	d.flags |= SVACC_DESC_F_BOF;
	expect_denied(_metadata, &self->s, &d, c);
	svacc_desc_crc32c(&d, (void *)(uintptr_t)target, 64, 0, c);
	expect_denied(_metadata, &self->s, &d, c);
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0xa5, dst[i]) TH_LOG("kernel memory leaked at %d", i);
}

/*
 * Non-canonical, and user ranges that run past the user address space.
 * The device must fault a non-canonical address itself: sending it to the
 * IOMMU as a translation or page request is a malformed request the IOMMU
 * driver logs.
 */
/*
 * munmap() of a copy's destination while the copy runs: once munmap()
 * returns, no write of the device may reach the pages. The device copies
 * runs of up to 64 pages with its lock dropped; ATC and device-TLB
 * invalidations wait for such runs. In the modes whose device has
 * x-inject-copy-delay-us (harness/modes) every background run sleeps before
 * copying, so without that wait munmap() would return with a run pending
 * and its pages would change after munmap(). The destination is a shared
 * memfd mapping: its pages outlive the mapping and a second mapping (which
 * the device never sees) reads them. The last byte of every page is
 * sampled right after munmap() (microseconds, against milliseconds of
 * delay) and again once the copy has ended; the samples must be equal.
 * Whether munmap() meets a run or a parked fault is chance: three rounds.
 */
static void munmap_during_copy_round(struct __test_metadata *_metadata,
				     struct svacc *s, struct drm_svacc_completion *c,
				     const uint8_t *src, int fd, uint8_t *alias,
				     uint8_t *snap, size_t len)
{
	const size_t npages = len / PAGE;
	struct drm_svacc_desc d;
	uint8_t *dst = NULL;
	size_t i, done;
	int st = 0, try;

	/* The copy must still run when munmap() comes: else try again. */
	for (try = 0; try < 5; try++) {
		memset(alias, 0, len);
		dst = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, dst);
		svacc_desc_memmove(&d, dst, src, len, c);
		d.flags |= SVACC_DESC_F_BOF;
		ASSERT_EQ(0, svacc_submit(s, &d, 1));
		/* let the device into the buffer, then pull it away */
		for (i = 0; i < 1000000 && !svacc_status(c); i++)
			if (__atomic_load_n(&alias[len / 8], __ATOMIC_RELAXED))
				break;
		ASSERT_EQ(0, munmap(dst, len));
		for (i = 0; i < npages; i++)
			snap[i] = __atomic_load_n(&alias[i * PAGE + PAGE - 1], __ATOMIC_RELAXED);
		st = svacc_wait(s, c, TEST_WAIT_NS);
		if (st != SVACC_STATUS_SUCCESS)
			break;
		TH_LOG("try %d: the copy ended before munmap()", try);
	}
	ASSERT_GT(5, try) TH_LOG("the copy always ended before munmap()");
	ASSERT_STATUS(SVACC_STATUS_PAGE_FAULT, st);
	done = c->bytes_completed;
	EXPECT_EQ((uintptr_t)dst + done, c->fault_addr);
	for (i = 0; i < npages; i++) {
		uint8_t now = alias[i * PAGE + PAGE - 1];

		ASSERT_EQ(snap[i], now)
			TH_LOG("page %zu (of %zu, fault at byte %zu) changed after munmap()",
			       i, npages, done);
	}
	EXPECT_TRUE(cpu_all(alias, 0xc3, done));
	EXPECT_TRUE(cpu_all(alias + done, 0, len - done));
}

TEST_F_TIMEOUT(svacc, munmap_during_copy, 300)
{
	const size_t len = 64 * SZ_1M;
	uint8_t *src, *alias, *snap;
	int fd, round;

	src = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, src);
	madvise(src, len, MADV_NOHUGEPAGE);
	memset(src, 0xc3, len);
	fd = memfd_create("svacc-munmap", 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, len));
	alias = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, alias);
	snap = malloc(len / PAGE);
	ASSERT_NE(NULL, snap);

	for (round = 0; round < 3; round++)
		munmap_during_copy_round(_metadata, &self->s, &self->rec[0], src,
					 fd, alias, snap, len);
	free(snap);
	munmap(alias, len);
	munmap(src, len);
	close(fd);
}

TEST_F(svacc, noncanonical_and_straddling)
{
	static const uint64_t addrs[][2] = {
		{ 0x8000000000000000ULL, 64 },
		{ 0x0000800000000000ULL, 64 },
		/* past 2^47: user space's end (4-level), the device's (5-level) */
		{ 0x00007fffffffe000ULL, 3 * 4096 },
	};
	static const char * const complaints[] = {
		"not canonical", "Invalid page request",
	};
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	int kmsg[ARRAY_SIZE(complaints)];
	char first[256];
	uint8_t *buf;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(complaints); i++) {
		kmsg[i] = kmsg_open();
		ASSERT_LE(0, kmsg[i]) TH_LOG("/dev/kmsg: %s", strerror(-kmsg[i]));
	}
	buf = malloc(3 * PAGE);
	ASSERT_NE(NULL, buf);
	memset(buf, 0x11, 3 * PAGE);
	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		svacc_desc_memmove(&d, buf, (void *)(uintptr_t)addrs[i][0],
				   addrs[i][1], c);
		d.flags |= SVACC_DESC_F_BOF;
		expect_denied(_metadata, &self->s, &d, c);
	}
	for (i = 0; i < 3 * PAGE; i++)
		ASSERT_EQ(0x11, buf[i]);
	for (i = 0; i < ARRAY_SIZE(complaints); i++) {
		EXPECT_EQ(0, kmsg_scan(kmsg[i], complaints[i], first,
				       sizeof(first)))
			TH_LOG("the IOMMU was sent a malformed request: %s", first);
		close(kmsg[i]);
	}
}

TEST_HARNESS_MAIN
