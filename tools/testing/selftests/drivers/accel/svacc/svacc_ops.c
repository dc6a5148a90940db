// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc operations, byte-exact against the CPU, through both submission
 * paths (fixture variants "ioctl" and "portal"):
 * every opcode on memory the CPU never touched (the device must fault it
 * in: the mode's fault counter must rise), unaligned addresses and sizes,
 * overlapping MEMMOVE, >= 64 MiB buffers, a file-backed shared mapping read
 * back with read(), BATCH with and without failing elements.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_fixture.h"

#define PATTERN		0x1122334455667788ULL

static void *xmalloc_random(size_t len, uint64_t seed)
{
	void *p = malloc(len ? len : 1);

	if (p)
		fill_random(p, len, seed);
	return p;
}

TEST_F(svacc, info)
{
	const struct drm_svacc_info *i = &self->s.info;

	ASSERT_EQ(1U, i->version >> 16)
		TH_LOG("VERSION 0x%08x, expected major 1", i->version);
	ASSERT_TRUE(i->mode == SVACC_MODE_SVA || i->mode == SVACC_MODE_HMM)
		TH_LOG("unknown mode %u", i->mode);
	if (i->mode == SVACC_MODE_SVA) {
		EXPECT_EQ((__u32)SVACC_REASON_NONE, i->mode_reason);
		EXPECT_NE(0U, i->pasid) TH_LOG("PASID 0 is the RID's, not an SVA PASID");
	} else {
		EXPECT_NE((__u32)SVACC_REASON_NONE, i->mode_reason)
			TH_LOG("HMM mode must say why it is not SVA");
	}
	ASSERT_LE(1U, i->num_wqs);
	EXPECT_EQ(0xffULL, i->ops & 0xff)
		TH_LOG("ops bitmap 0x%llx lacks a spec opcode",
		       (unsigned long long)i->ops);
	EXPECT_LE(12U, i->max_transfer_shift);
	EXPECT_LE(2U, i->max_batch);
}

TEST_F(svacc, nop_and_drain)
{
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	int st;

	svacc_desc_nop(&d, c);
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	EXPECT_EQ(SVACC_OP_NOP, c->opcode);

	svacc_desc_drain(&d, c);
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	EXPECT_EQ(SVACC_OP_DRAIN, c->opcode);
}

/* MEMMOVE: never-touched file-backed source, never-touched destination */
TEST_F(svacc, memmove_untouched)
{
	const size_t len = SZ_1M + 3 * PAGE;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	uint8_t *ref, *src, *dst;
	uint64_t f0, f1;
	int fd, st;

	ref = xmalloc_random(len, 1);
	ASSERT_NE(NULL, ref);
	src = map_file(len, ref, len, PROT_READ, MAP_PRIVATE, &fd);
	ASSERT_NE(NULL, src);
	dst = svacc_alloc_untouched(len);
	ASSERT_NE(NULL, dst);

	ASSERT_EQ(0, read_fault_counter(&self->s, &f0));
	svacc_desc_memmove(&d, dst, src, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, read_fault_counter(&self->s, &f1));
	EXPECT_EQ(SVACC_OP_MEMMOVE, c->opcode);
	ASSERT_EQ(0, memcmp(ref, dst, len))
		TH_LOG("destination differs from the file's content");
	ASSERT_DEVICE_FAULTED(&self->s, f1 - f0, len / PAGE);
	close(fd);
}

TEST_F(svacc, memfill_untouched)
{
	const size_t len = SZ_1M + 4093;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	uint8_t *ref, *dst;
	uint64_t f0, f1;
	int st;

	ref = malloc(len);
	ASSERT_NE(NULL, ref);
	svacc_fill_pattern(ref, PATTERN, len);
	dst = svacc_alloc_untouched(len + PAGE);
	ASSERT_NE(NULL, dst);

	ASSERT_EQ(0, read_fault_counter(&self->s, &f0));
	svacc_desc_memfill(&d, dst, PATTERN, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, read_fault_counter(&self->s, &f1));
	ASSERT_EQ(0, memcmp(ref, dst, len));
	ASSERT_EQ(0, dst[len]) TH_LOG("MEMFILL wrote past its size");
	ASSERT_DEVICE_FAULTED(&self->s, f1 - f0, len / PAGE);
}

TEST_F(svacc, compare_untouched)
{
	const size_t len = 512 * 1024 + 17, diff = len - 5;
	struct drm_svacc_completion *c = self->rec;
	uint8_t *ref, *a, *b, *z1, *z2;
	struct drm_svacc_desc d;
	uint64_t f0, f1;
	int fd, st;

	ref = xmalloc_random(len, 2);
	ASSERT_NE(NULL, ref);
	a = map_file(len, ref, len, PROT_READ, MAP_PRIVATE, &fd);
	ASSERT_NE(NULL, a);
	b = malloc(len);
	ASSERT_NE(NULL, b);
	memcpy(b, ref, len);
	b[diff] ^= 0x40;

	ASSERT_EQ(0, read_fault_counter(&self->s, &f0));
	svacc_desc_compare(&d, a, b, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, read_fault_counter(&self->s, &f1));
	ASSERT_EQ(1, c->result) TH_LOG("a difference at %zu was not seen", diff);
	ASSERT_EQ(diff, c->result_value);
	ASSERT_DEVICE_FAULTED(&self->s, f1 - f0, 1);

	/* two never-touched anonymous buffers are equal (zero) */
	z1 = svacc_alloc_untouched(len);
	z2 = svacc_alloc_untouched(len);
	ASSERT_NE(NULL, z1);
	ASSERT_NE(NULL, z2);
	svacc_desc_compare(&d, z1, z2, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, c->result) TH_LOG("never-touched buffers compare different at %llu",
				       (unsigned long long)c->result_value);
	close(fd);
}

TEST_F(svacc, compare_pattern_untouched)
{
	const size_t len = 300 * 1024 + 3, diff = 123457;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	uint8_t *ref, *src, x;
	int fd, st;

	ref = malloc(len);
	ASSERT_NE(NULL, ref);
	svacc_fill_pattern(ref, PATTERN, len);
	src = map_file(len, ref, len, PROT_READ, MAP_SHARED, &fd);
	ASSERT_NE(NULL, src);

	svacc_desc_compare_pattern(&d, src, PATTERN, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, c->result) TH_LOG("pattern mismatch at %llu",
				       (unsigned long long)c->result_value);

	x = ref[diff] ^ 1;
	ASSERT_EQ(1, pwrite(fd, &x, 1, diff));
	svacc_desc_compare_pattern(&d, src, PATTERN, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(1, c->result);
	ASSERT_EQ(diff, c->result_value);
	close(fd);
}

TEST_F(svacc, crc32c_untouched)
{
	const size_t len = SZ_1M + 7;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	uint8_t *ref, *src, *zero;
	uint64_t f0, f1;
	int fd, st;

	ref = xmalloc_random(len, 3);
	ASSERT_NE(NULL, ref);
	src = map_file(len, ref, len, PROT_READ, MAP_PRIVATE, &fd);
	ASSERT_NE(NULL, src);

	ASSERT_EQ(0, read_fault_counter(&self->s, &f0));
	svacc_desc_crc32c(&d, src, len, 0xffffffff, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, read_fault_counter(&self->s, &f1));
	ASSERT_EQ(svacc_crc32c(0xffffffff, ref, len), (uint32_t)c->result_value);
	ASSERT_DEVICE_FAULTED(&self->s, f1 - f0, 1);

	zero = svacc_alloc_untouched(len);
	ASSERT_NE(NULL, zero);
	memset(ref, 0, len);
	svacc_desc_crc32c(&d, zero, len, 0x1234, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(svacc_crc32c(0x1234, ref, len), (uint32_t)c->result_value);
	close(fd);
}

/* SIZE 0 completes without touching memory: the addresses are unmapped */
TEST_F(svacc, size_zero)
{
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	void *hole;
	int st;

	hole = reserve_hole(4 * PAGE);
	ASSERT_NE(NULL, hole);
	svacc_desc_memmove(&d, hole, (uint8_t *)hole + PAGE, 0, c);
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	EXPECT_EQ(0U, c->bytes_completed);
}

struct unaligned_case {
	size_t src_off;
	size_t dst_off;
	size_t len;
};

static const struct unaligned_case unaligned_cases[] = {
	{ 1, 3, 2 * 4096 + 5 },
	{ 7, 0, 13 },
	{ 0, 4093, 4096 + 7 },
	{ 4095, 1, 1 },
	{ 4091, 4090, 3 * 4096 + 11 },
	{ 5, 6, 65536 + 3 },
};

/* Unaligned addresses and sizes, crossing pages, for every data op */
TEST_F(svacc, unaligned)
{
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	size_t i, so, dof, len, map;
	uint8_t *src, *dst, *ref, *cmp;
	int st;

	for (i = 0; i < ARRAY_SIZE(unaligned_cases); i++) {
		so = unaligned_cases[i].src_off;
		dof = unaligned_cases[i].dst_off;
		len = unaligned_cases[i].len;
		map = dof + len + 2 * PAGE;
		src = xmalloc_random(so + len, 10 + i);
		dst = svacc_alloc_untouched(map);
		ref = malloc(len);
		cmp = malloc(len);
		ASSERT_TRUE(src && dst && ref && cmp);

		svacc_desc_memmove(&d, dst + dof, src + so, len, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&self->s, &d, c);
		ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
		ASSERT_EQ(0, memcmp(dst + dof, src + so, len))
			TH_LOG("MEMMOVE case %zu", i);
		if (dof)
			ASSERT_EQ(0, dst[dof - 1]) TH_LOG("wrote before dst, case %zu", i);
		ASSERT_EQ(0, dst[dof + len]) TH_LOG("wrote past dst, case %zu", i);

		svacc_free(dst, map);
		dst = svacc_alloc_untouched(map);
		ASSERT_NE(NULL, dst);
		svacc_desc_memfill(&d, dst + dof, PATTERN, len, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&self->s, &d, c);
		ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
		svacc_fill_pattern(ref, PATTERN, len);
		ASSERT_EQ(0, memcmp(dst + dof, ref, len))
			TH_LOG("MEMFILL case %zu", i);
		if (dof)
			ASSERT_EQ(0, dst[dof - 1]);
		ASSERT_EQ(0, dst[dof + len]);

		svacc_desc_crc32c(&d, src + so, len, 0x12345678, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&self->s, &d, c);
		ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
		ASSERT_EQ(svacc_crc32c(0x12345678, src + so, len),
			  (uint32_t)c->result_value) TH_LOG("CRC32C case %zu", i);

		memcpy(cmp, src + so, len);
		cmp[len - 1] ^= 0x80;
		svacc_desc_compare(&d, src + so, cmp, len, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&self->s, &d, c);
		ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
		ASSERT_EQ(1, c->result) TH_LOG("COMPARE case %zu", i);
		ASSERT_EQ(len - 1, c->result_value) TH_LOG("COMPARE case %zu", i);

		svacc_desc_compare_pattern(&d, dst + dof, PATTERN, len, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&self->s, &d, c);
		ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
		ASSERT_EQ(0, c->result) TH_LOG("COMPARE_PATTERN case %zu", i);

		free(src);
		free(ref);
		free(cmp);
		svacc_free(dst, map);
	}
}

/* Overlapping MEMMOVE in both directions behaves like memmove() */
TEST_F(svacc, memmove_overlap)
{
	const size_t len = 3 * PAGE, n = 2 * PAGE + 5;
	struct drm_svacc_completion *c = self->rec;
	static const size_t shifts[][2] = { { 0, 100 }, { 100, 0 },
					    { 1, 4097 }, { 4097, 1 } };
	struct drm_svacc_desc d;
	uint8_t *buf, *ref;
	size_t i;
	int st;

	buf = malloc(len + PAGE);
	ref = malloc(len + PAGE);
	ASSERT_TRUE(buf && ref);
	for (i = 0; i < ARRAY_SIZE(shifts); i++) {
		fill_random(buf, len + PAGE, 20 + i);
		memcpy(ref, buf, len + PAGE);
		memmove(ref + shifts[i][1], ref + shifts[i][0], n);
		svacc_desc_memmove(&d, buf + shifts[i][1], buf + shifts[i][0],
				   n, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&self->s, &d, c);
		ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
		ASSERT_EQ(0, memcmp(ref, buf, len + PAGE))
			TH_LOG("overlapping copy %zu -> %zu", shifts[i][0],
			       shifts[i][1]);
	}
}

/* Run one op over a large buffer in descriptors of the device's limit */
static int run_split(struct svacc *s, struct drm_svacc_desc *tmpl,
		     struct drm_svacc_completion *c, size_t len,
		     uint64_t *crc)
{
	uint64_t max = svacc_max_transfer(s), off, n;
	struct drm_svacc_desc d;
	int st = SVACC_STATUS_SUCCESS;

	for (off = 0; off < len; off += n) {
		n = len - off > max ? max : len - off;
		d = *tmpl;
		d.size = n;
		if (d.src)
			d.src += off;
		if (d.dst)
			d.dst += off;
		if (d.opcode == SVACC_OP_CRC32C)
			d.op0 = *crc;
		if (d.opcode == SVACC_OP_MEMFILL ||
		    d.opcode == SVACC_OP_COMPARE_PATTERN)
			d.op0 = svacc_pattern_rotate(tmpl->op0, off);
		st = submit_wait(s, &d, c);
		if (st != SVACC_STATUS_SUCCESS)
			return st;
		if (d.opcode == SVACC_OP_CRC32C)
			*crc = (uint32_t)c->result_value;
		if (c->result)
			return st;
	}
	return st;
}

/* >= 64 MiB: copy into, CRC, fill and pattern-compare never-touched memory */
TEST_F_TIMEOUT(svacc, large_64mib, 900)
{
	const size_t len = 64 * SZ_1M;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d;
	uint64_t f0, f1, crc = 0xffffffff;
	uint8_t *src, *dst;
	int st;

	src = xmalloc_random(len, 4);
	dst = svacc_alloc_untouched(len);
	ASSERT_TRUE(src && dst);

	ASSERT_EQ(0, read_fault_counter(&self->s, &f0));
	svacc_desc_memmove(&d, dst, src, 0, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = run_split(&self->s, &d, c, len, NULL);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, read_fault_counter(&self->s, &f1));
	ASSERT_EQ(0, memcmp(src, dst, len)) TH_LOG("64 MiB copy differs");
	ASSERT_DEVICE_FAULTED(&self->s, f1 - f0, len / PAGE);

	svacc_desc_crc32c(&d, dst, 0, 0, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = run_split(&self->s, &d, c, len, &crc);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(svacc_crc32c(0xffffffff, src, len), (uint32_t)crc);
	free(src);
	svacc_free(dst, len);

	dst = svacc_alloc_untouched(len);
	ASSERT_NE(NULL, dst);
	svacc_desc_memfill(&d, dst, PATTERN, 0, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = run_split(&self->s, &d, c, len, NULL);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	svacc_desc_compare_pattern(&d, dst, PATTERN, 0, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = run_split(&self->s, &d, c, len, NULL);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, c->result) TH_LOG("64 MiB fill: pattern differs at %llu",
				       (unsigned long long)c->result_value);
	dst[len - 3] ^= 1;	/* the CPU checks the device's check */
	st = run_split(&self->s, &d, c, len, NULL);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(1, c->result);
	svacc_free(dst, len);
}

/* The device writes a MAP_SHARED file; msync(); read() sees the data */
TEST_F(svacc, file_shared_write)
{
	const size_t len = 256 * 1024 + 123, split = 100 * 1024 + 1;
	struct drm_svacc_completion *c = self->rec;
	uint8_t *map, *src, *ref, *back;
	struct drm_svacc_desc d;
	uint64_t f0, f1;
	int fd, st;

	map = map_file(len, NULL, 0, PROT_READ | PROT_WRITE, MAP_SHARED, &fd);
	ASSERT_NE(NULL, map);
	src = xmalloc_random(len, 5);
	ref = malloc(len);
	back = malloc(len);
	ASSERT_TRUE(src && ref && back);
	svacc_fill_pattern(ref, PATTERN, split);
	memcpy(ref + split, src + split, len - split);

	ASSERT_EQ(0, read_fault_counter(&self->s, &f0));
	svacc_desc_memfill(&d, map, PATTERN, split, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	svacc_desc_memmove(&d, map + split, src + split, len - split, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, c);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, read_fault_counter(&self->s, &f1));
	ASSERT_DEVICE_FAULTED(&self->s, f1 - f0, len / PAGE);

	ASSERT_EQ(0, msync(map, len, MS_SYNC));
	ASSERT_EQ(0, munmap(map, len));
	ASSERT_EQ((ssize_t)len, pread(fd, back, len, 0));
	ASSERT_EQ(0, memcmp(ref, back, len)) TH_LOG("file content differs");
	ASSERT_EQ((off_t)len, lseek(fd, 0, SEEK_END));
	close(fd);
}

/* FENCE'd MEMMOVE reads what the MEMFILL before it wrote */
TEST_F(svacc, fence_orders)
{
	const size_t len = 64 * 1024;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d[2];
	uint8_t *a, *b, *ref;
	int st;

	a = svacc_alloc_untouched(len);
	b = svacc_alloc_untouched(len);
	ref = malloc(len);
	ASSERT_TRUE(a && b && ref);
	svacc_fill_pattern(ref, PATTERN, len);
	svacc_desc_memfill(&d[0], a, PATTERN, len, &c[0]);
	d[0].flags |= SVACC_DESC_F_BOF;
	svacc_desc_memmove(&d[1], b, a, len, &c[1]);
	d[1].flags |= SVACC_DESC_F_BOF | SVACC_DESC_F_FENCE;
	ASSERT_EQ(0, svacc_submit(&self->s, d, 2));
	st = svacc_wait(&self->s, &c[1], TEST_WAIT_NS);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	st = svacc_wait(&self->s, &c[0], TEST_WAIT_NS);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, memcmp(ref, b, len));
}

/* A descriptor without CRAV executes; a DRAIN after it proves it ran */
TEST_F(svacc, no_record)
{
	const size_t len = 3 * PAGE;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc d[2];
	uint8_t *a, *ref;
	int st;

	a = svacc_alloc_untouched(len);
	ref = malloc(len);
	ASSERT_TRUE(a && ref);
	svacc_fill_pattern(ref, PATTERN, len);
	svacc_desc_memfill(&d[0], a, PATTERN, len, NULL);
	d[0].flags = SVACC_DESC_F_BOF;
	svacc_desc_drain(&d[1], c);
	ASSERT_EQ(0, svacc_submit(&self->s, d, 2));
	st = svacc_wait(&self->s, c, TEST_WAIT_NS);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	ASSERT_EQ(0, memcmp(ref, a, len));
}

TEST_F(svacc, batch_ok)
{
	const size_t len = 5 * PAGE + 3;
	struct drm_svacc_completion *c = self->rec;
	struct drm_svacc_desc *arr, d;
	uint8_t *src, *fill, *copy, *ref;
	int st, i;

	arr = svacc_descs_alloc(5);
	src = xmalloc_random(len, 6);
	fill = svacc_alloc_untouched(len);
	copy = svacc_alloc_untouched(len);
	ref = malloc(len);
	ASSERT_TRUE(arr && src && fill && copy && ref);

	svacc_desc_memfill(&arr[0], fill, PATTERN, len, &c[1]);
	svacc_desc_memmove(&arr[1], copy, src, len, &c[2]);
	svacc_desc_crc32c(&arr[2], src, len, 7, &c[3]);
	svacc_desc_compare(&arr[3], src, copy, len, &c[4]);
	svacc_desc_nop(&arr[4], &c[5]);
	for (i = 0; i < 4; i++)
		arr[i].flags |= SVACC_DESC_F_BOF;

	svacc_desc_batch(&d, arr, 5, &c[0]);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, &c[0]);
	ASSERT_STATUS(SVACC_STATUS_SUCCESS, st);
	EXPECT_EQ(SVACC_OP_BATCH, c[0].opcode);
	ASSERT_EQ(5U, c[0].bytes_completed) TH_LOG("elements that succeeded");
	for (i = 1; i <= 5; i++)
		ASSERT_EQ(SVACC_STATUS_SUCCESS, c[i].status)
			TH_LOG("element %d: %s", i - 1,
			       svacc_status_name(c[i].status));
	svacc_fill_pattern(ref, PATTERN, len);
	ASSERT_EQ(0, memcmp(ref, fill, len));
	ASSERT_EQ(0, memcmp(src, copy, len));
	ASSERT_EQ(svacc_crc32c(7, src, len), (uint32_t)c[3].result_value);
	ASSERT_EQ(0, c[4].result);
}

/* A failing element: BATCH_ERROR, per-element records, the rest ran */
TEST_F(svacc, batch_error)
{
	const size_t len = 2 * PAGE + 1;
	static const uint8_t expect[] = {
		SVACC_STATUS_SUCCESS, SVACC_STATUS_INVALID_OPCODE,
		SVACC_STATUS_SUCCESS, SVACC_STATUS_INVALID_OPCODE,
		SVACC_STATUS_INVALID_OPCODE, SVACC_STATUS_PAGE_FAULT,
		SVACC_STATUS_INVALID_FLAGS, SVACC_STATUS_SUCCESS,
	};
	const int n = ARRAY_SIZE(expect);
	struct drm_svacc_completion *c = self->rec;
	uint8_t *src, *fill, *copy, *ref, *hole;
	struct drm_svacc_desc *arr, d;
	int st, i;

	arr = svacc_descs_alloc(n);
	src = xmalloc_random(len, 7);
	fill = svacc_alloc_untouched(len);
	copy = svacc_alloc_untouched(len);
	ref = malloc(len);
	hole = reserve_hole(4 * PAGE);
	ASSERT_TRUE(arr && src && fill && copy && ref && hole);

	svacc_desc_memfill(&arr[0], fill, PATTERN, len, &c[1]);
	arr[0].flags |= SVACC_DESC_F_BOF;
	svacc_desc_init(&arr[1], 0x1f, &c[2]);
	svacc_desc_memmove(&arr[2], copy, src, len, &c[3]);
	arr[2].flags |= SVACC_DESC_F_BOF;
	svacc_desc_drain(&arr[3], &c[4]);
	svacc_desc_batch(&arr[4], arr, 1, &c[5]);
	svacc_desc_memmove(&arr[5], copy, hole + 100, len, &c[6]);
	svacc_desc_nop(&arr[6], &c[7]);
	arr[6].flags |= 1 << 7;
	svacc_desc_nop(&arr[7], &c[8]);

	svacc_desc_batch(&d, arr, n, &c[0]);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit_wait(&self->s, &d, &c[0]);
	ASSERT_STATUS(SVACC_STATUS_BATCH_ERROR, st);
	ASSERT_EQ(3U, c[0].bytes_completed) TH_LOG("elements that succeeded");
	for (i = 0; i < n; i++) {
		int want = expect[i];

		ASSERT_EQ(want, c[i + 1].status)
			TH_LOG("element %d: %s, expected %s", i,
			       svacc_status_name(c[i + 1].status),
			       svacc_status_name(want));
	}
	ASSERT_EQ((uintptr_t)hole + 100, c[6].fault_addr);
	ASSERT_EQ(0U, c[6].bytes_completed);
	ASSERT_NE(0, c[6].fault_info & SVACC_FAULT_READ);
	svacc_fill_pattern(ref, PATTERN, len);
	ASSERT_EQ(0, memcmp(ref, fill, len));
	ASSERT_EQ(0, memcmp(src, copy, len));
}

TEST_HARNESS_MAIN
