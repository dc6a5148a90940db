// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc HMM mirror (device page table mode) tests.
 *
 * In this mode the device walks its own copy of the process page table,
 * filled by device faults and torn down by MMU notifier invalidations.
 * Every test here changes the CPU side of a mapping the device already
 * uses and checks that the device follows: each one fails when the
 * matching piece of the mirror is missing (the invalidation on munmap,
 * mprotect, fork, mremap, MADV_DONTNEED, truncate, page migration; 2 MiB
 * device leaves; fault-around). The scenarios are those of
 * tools/testing/selftests/mm/hmm-tests.c.
 *
 * All descriptors block on faults (BOF): the device page table is only
 * filled by device faults, never by a CPU touch.
 *
 * Runs only in the modes where the driver mirrors (hmm, nommu, lts); the
 * device must report SVACC_MODE_HMM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libsvacc.h"
#include "svacc_assert.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE		25
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE	101
#endif

#define HMM_SZ_4K		4096UL
#define HMM_SZ_1M		(1024UL * 1024UL)
#define HMM_SZ_2M		(2 * HMM_SZ_1M)
#define HMM_WAIT_NS		(120LL * 1000000000LL)
#define FAULT_AROUND_PARAM	"/sys/module/svacc/parameters/fault_around"
#define THP_ENABLED		"/sys/kernel/mm/transparent_hugepage/enabled"

/* A byte the device may be writing right now */
#define READ_BYTE(p)		__atomic_load_n((p), __ATOMIC_RELAXED)

/* Byte-repeated patterns: a chunked fill needs no pattern rotation */
#define PAT(b)			(0x0101010101010101ULL * (uint8_t)(b))

FIXTURE(hmm) {
	struct svacc s;
	struct drm_svacc_completion *rec;
};

FIXTURE_SETUP(hmm)
{
	int ret;

	SKIP_WITHOUT_DEVICE(return);
	self->s.fd = -1;
	self->rec = svacc_records_alloc(2);
	ASSERT_NE(NULL, self->rec);
	ret = svacc_open(&self->s, NULL);
	ASSERT_EQ(0, ret) TH_LOG("cannot open an svacc device: %s", strerror(-ret));
	/* Run alone (no mode expected), in SVA mode there is nothing to test */
	if (self->s.info.mode != SVACC_MODE_HMM && !expected_mode())
		SKIP(return, "the device runs in %s mode: no HMM mirror to test",
		     svacc_mode_name(self->s.info.mode));
	ASSERT_EQ((__u32)SVACC_MODE_HMM, self->s.info.mode)
		TH_LOG("device in %s mode (reason %s), these tests need the HMM mirror",
		       svacc_mode_name(self->s.info.mode),
		       svacc_reason_name(self->s.info.mode_reason));
}

FIXTURE_TEARDOWN(hmm)
{
	svacc_close(&self->s);
	free(self->rec);
}

/* Submit @d with BOF on a shared WQ and wait for its record */
static int hmm_run(struct svacc *s, struct drm_svacc_desc *d,
		   struct drm_svacc_completion *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	d->completion_addr = (uintptr_t)c;
	d->flags |= SVACC_DESC_F_CRAV | SVACC_DESC_F_RCI | SVACC_DESC_F_BOF;
	ret = svacc_submit(s, d, 1);
	if (ret)
		return ret;
	return svacc_wait(s, c, HMM_WAIT_NS);
}

static size_t hmm_chunk(const struct svacc *s, size_t left)
{
	uint64_t max = svacc_max_transfer(s);

	return left < max ? left : max;
}

/* Device MEMFILL of @len bytes; returns the first status that is not SUCCESS */
static int dev_fill(struct svacc *s, struct drm_svacc_completion *c, void *dst,
		    uint64_t pattern, size_t len)
{
	struct drm_svacc_desc d;
	size_t off, n;
	int st;

	for (off = 0; off < len; off += n) {
		n = hmm_chunk(s, len - off);
		svacc_desc_memfill(&d, (char *)dst + off, pattern, n, c);
		st = hmm_run(s, &d, c);
		if (st != SVACC_STATUS_SUCCESS)
			return st;
	}
	return SVACC_STATUS_SUCCESS;
}

/* Device CRC32C of @len bytes (seed ~0, no final inversion) */
static int dev_crc(struct svacc *s, struct drm_svacc_completion *c,
		   const void *src, size_t len, uint32_t *crc)
{
	struct drm_svacc_desc d;
	uint32_t v = ~0U;
	size_t off, n;
	int st;

	for (off = 0; off < len; off += n) {
		n = hmm_chunk(s, len - off);
		svacc_desc_crc32c(&d, (const char *)src + off, n, v, c);
		st = hmm_run(s, &d, c);
		if (st != SVACC_STATUS_SUCCESS)
			return st;
		v = (uint32_t)c->result_value;
	}
	*crc = v;
	return SVACC_STATUS_SUCCESS;
}

/* Device COMPARE_PATTERN: *@equal set when all @len bytes match */
static int dev_cmp_pattern(struct svacc *s, struct drm_svacc_completion *c,
			   const void *src, uint64_t pattern, size_t len, bool *equal)
{
	struct drm_svacc_desc d;
	size_t off, n;
	int st;

	*equal = true;
	for (off = 0; off < len; off += n) {
		n = hmm_chunk(s, len - off);
		svacc_desc_compare_pattern(&d, (const char *)src + off, pattern, n, c);
		st = hmm_run(s, &d, c);
		if (st != SVACC_STATUS_SUCCESS)
			return st;
		if (c->result) {
			*equal = false;
			break;
		}
	}
	return SVACC_STATUS_SUCCESS;
}

static void fill_bytes(void *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i & 7)) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		p[i] = (uint8_t)(x >> (8 * (i & 7)));
	}
}

static void *map_anon(size_t len, bool thp)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	return p;
}

/* A 2 MiB aligned anonymous area of @len bytes (inside a larger mapping) */
static void *map_anon_aligned(size_t len, void **base, size_t *base_len)
{
	size_t total = len + HMM_SZ_2M;
	char *p = mmap(NULL, total, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	*base = p;
	*base_len = total;
	return (void *)(((uintptr_t)p + HMM_SZ_2M - 1) & ~(HMM_SZ_2M - 1));
}

static int counters(struct svacc *s, struct drm_svacc_counters *c)
{
	return svacc_get_counters(s->fd, c);
}

/* Physical frame of the page at @addr (root), 0 if not present */
static uint64_t pfn_of(const void *addr)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / HMM_SZ_4K * 8) != sizeof(e))
		e = 0;
	close(fd);
	return (e & (1ULL << 63)) ? e & ((1ULL << 55) - 1) : 0;
}

/* kB of AnonHugePages in the VMA containing @addr, -1 if not found */
static long anon_huge_kb(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	uintptr_t a = (uintptr_t)addr, lo, hi;
	bool in = false;
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = a >= lo && a < hi;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static int write_param(const char *path, unsigned int val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fprintf(f, "%u\n", val) > 0 ? 0 : -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

/*
 * munmap() while the device writes into the range: once munmap() returns
 * the device must not touch the pages. The buffer is a shared file mapping,
 * so the pages outlive the mapping in the page cache and can be read back
 * with pread(). The device has mapped all of it before the long fill
 * starts, so without the invalidation nothing would stop it: the fill
 * would run to the end instead of faulting right after the munmap().
 */
TEST_F_TIMEOUT(hmm, munmap_while_busy, 300)
{
	struct drm_svacc_completion *c = &self->rec[0];
	size_t len = 64 * HMM_SZ_1M, i, done;
	struct drm_svacc_desc d;
	uint8_t *r, *back;
	int st, fd, try;

	len = hmm_chunk(&self->s, len);
	fd = memfd_create("svacc-hmm", 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, len));
	back = malloc(len);
	ASSERT_NE(NULL, back);

	/*
	 * A device that completes the fill before munmap() starts proves
	 * nothing either way (the vCPU may not run for a while under TCG):
	 * try again, a few times, and after the first miss pull the buffer
	 * away right after the submission. A fill the device has not begun
	 * yet shows the invalidation as well: every page of it is in the
	 * device table, so without the invalidation it would complete.
	 */
	for (try = 0; try < 5; try++) {
		r = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, r);
		/* Every page in the device table, writable */
		ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, r, PAT(0x11), len));

		svacc_desc_memfill(&d, r, PAT(0x5a), len, c);
		d.flags |= SVACC_DESC_F_BOF;
		ASSERT_EQ(0, svacc_submit(&self->s, &d, 1));
		/* Let the device get into the buffer, then pull it away */
		for (i = 0; !try && i < 100000 && READ_BYTE(&r[len / 64]) != 0x5a &&
		     !svacc_status(c); i++)
			;
		if (!svacc_status(c))
			break;
		TH_LOG("try %d: device finished before munmap", try);
		ASSERT_EQ(0, munmap(r, len));
	}
	ASSERT_GT(5, try) TH_LOG("the device always finished before munmap");
	ASSERT_EQ(0, munmap(r, len));

	st = svacc_wait(&self->s, c, HMM_WAIT_NS);
	ASSERT_EQ(SVACC_STATUS_PAGE_FAULT, st)
		TH_LOG("status %s: the device went on after munmap", svacc_status_name(st));
	done = c->bytes_completed;
	EXPECT_EQ((uintptr_t)r + done, c->fault_addr);
	ASSERT_EQ((ssize_t)len, pread(fd, back, len, 0));
	EXPECT_TRUE(cpu_all(back, 0x5a, done));
	EXPECT_TRUE(cpu_all(back + done, 0x11, len - done))
		TH_LOG("device wrote past its fault at %zu of %zu bytes", done, len);
	free(back);
	close(fd);
}

/* mprotect(PROT_READ) takes write access away from the device too */
TEST_F(hmm, mprotect_read_only)
{
	struct drm_svacc_completion *c = &self->rec[0];
	size_t len = 64 * HMM_SZ_4K;
	uint8_t *b = map_anon(len, false);
	bool eq;
	int st;

	ASSERT_NE(NULL, b);
	memset(b, 0x11, len);
	/* The device maps the pages writable */
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, b, PAT(0x22), len));
	ASSERT_TRUE(cpu_all(b, 0x22, len));

	ASSERT_EQ(0, mprotect(b, len, PROT_READ));
	st = dev_fill(&self->s, c, b, PAT(0x33), len);
	ASSERT_EQ(SVACC_STATUS_PAGE_FAULT, st)
		TH_LOG("device write to a read-only mapping: %s", svacc_status_name(st));
	EXPECT_EQ(0U, c->bytes_completed);
	EXPECT_EQ((uintptr_t)b, c->fault_addr);
	EXPECT_TRUE(c->fault_info & SVACC_FAULT_WRITE);
	EXPECT_TRUE(cpu_all(b, 0x22, len)) TH_LOG("read-only data changed");

	/* Reading is still allowed */
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_cmp_pattern(&self->s, c, b, PAT(0x22), len, &eq));
	EXPECT_TRUE(eq);

	ASSERT_EQ(0, mprotect(b, len, PROT_READ | PROT_WRITE));
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, b, PAT(0x44), len));
	EXPECT_TRUE(cpu_all(b, 0x44, len));
	munmap(b, len);
}

/*
 * A protection change leaves the device's pages DMA-mapped: after
 * mprotect(PROT_READ) and back, the device's accesses validate the leaves
 * the driver kept, and no page is DMA-mapped again (hmm_dma_maps in
 * debugfs does not move). That each access obeys the protection of the
 * moment is mprotect_read_only's to show.
 */
TEST_F(hmm, mprotect_keeps_dma_mappings)
{
	struct drm_svacc_completion *c = &self->rec[0];
	size_t len = 64 * HMM_SZ_4K;
	uint8_t *b = map_anon(len, false);
	long long m0, m1;
	bool eq;

	ASSERT_NE(NULL, b);
	memset(b, 0x11, len);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, b, PAT(0x22), len));
	m0 = debugfs_counter("hmm_dma_maps");
	ASSERT_LE(0, m0) TH_LOG("no hmm_dma_maps in the driver's debugfs counters");

	ASSERT_EQ(0, mprotect(b, len, PROT_READ));
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_cmp_pattern(&self->s, c, b, PAT(0x22), len, &eq));
	EXPECT_TRUE(eq);
	ASSERT_EQ(0, mprotect(b, len, PROT_READ | PROT_WRITE));
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, b, PAT(0x44), len));
	EXPECT_TRUE(cpu_all(b, 0x44, len));
	m1 = debugfs_counter("hmm_dma_maps");
	EXPECT_EQ(m0, m1) TH_LOG("%lld page(s) DMA-mapped again across two protection changes",
				 m1 - m0);
	munmap(b, len);
}

/*
 * fork() write-protects the parent's private pages; the parent's next CPU
 * write gets it new pages (COW). The device, working for the parent, must
 * follow the parent to its new pages and leave the child's alone.
 */
TEST_F(hmm, fork_cow)
{
	struct drm_svacc_completion *c = &self->rec[0];
	size_t len = 64 * HMM_SZ_4K;
	uint8_t *b = map_anon(len, false);
	int go[2], status;
	char ch = 0;
	pid_t pid;
	bool eq;

	ASSERT_NE(NULL, b);
	memset(b, 0x11, len);
	/* Device mappings exist, writable, before the fork */
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, b, PAT(0x22), len));
	ASSERT_EQ(0, pipe(go));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Child: its copy must keep what it had at fork time */
		if (read(go[0], &ch, 1) != 1)
			_exit(2);
		_exit(cpu_all(b, 0x22, len) ? 0 : 1);
	}

	memset(b, 0x33, len);		/* COW: the parent gets new pages */
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_cmp_pattern(&self->s, c, b, PAT(0x33), len, &eq));
	EXPECT_TRUE(eq) TH_LOG("device reads the pages the parent had before COW");

	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, b, PAT(0x44), len));
	EXPECT_TRUE(cpu_all(b, 0x44, len)) TH_LOG("device write did not reach the parent");

	ASSERT_EQ(1, write(go[1], &ch, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the child's copy was changed by the device");
	close(go[0]);
	close(go[1]);
	munmap(b, len);
}

/* mremap() moves the pages: the device follows to the new address only */
TEST_F(hmm, mremap)
{
	struct drm_svacc_completion *c = &self->rec[0];
	size_t len = 64 * HMM_SZ_4K;
	uint8_t *b = map_anon(len, false), *hole, *nb, *nm;
	uint32_t crc;
	int st;

	ASSERT_NE(NULL, b);
	fill_bytes(b, len, 1);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_crc(&self->s, c, b, len, &crc));
	ASSERT_EQ(svacc_crc32c(~0U, b, len), crc);

	hole = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	nb = mremap(b, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
	ASSERT_EQ(hole, nb);

	/* The data moved with the pages */
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_crc(&self->s, c, nb, len, &crc));
	EXPECT_EQ(svacc_crc32c(~0U, nb, len), crc);

	/* Nothing is left at the old address */
	st = dev_crc(&self->s, c, b, len, &crc);
	EXPECT_EQ(SVACC_STATUS_PAGE_FAULT, st)
		TH_LOG("device read the old address after mremap: %s", svacc_status_name(st));
	EXPECT_EQ((uintptr_t)b, c->fault_addr);

	/* New memory at the old address is what the device sees there */
	nm = mmap(b, len, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ASSERT_EQ(b, nm);
	fill_bytes(nm, len, 2);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_crc(&self->s, c, nm, len, &crc));
	EXPECT_EQ(svacc_crc32c(~0U, nm, len), crc);

	/* And writes through the new address land in the moved pages */
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, nb, PAT(0x77), len));
	EXPECT_TRUE(cpu_all(nb, 0x77, len));
	munmap(nb, len);
	munmap(nm, len);
}

/* MADV_DONTNEED drops private pages: the device then reads zeroes */
TEST_F(hmm, madv_dontneed)
{
	struct drm_svacc_completion *c = &self->rec[0];
	size_t len = 64 * HMM_SZ_4K;
	uint8_t *b = map_anon(len, false);
	bool eq;

	ASSERT_NE(NULL, b);
	memset(b, 0x66, len);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_cmp_pattern(&self->s, c, b, PAT(0x66), len, &eq));
	ASSERT_TRUE(eq);

	ASSERT_EQ(0, madvise(b, len, MADV_DONTNEED));
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_cmp_pattern(&self->s, c, b, 0, len, &eq));
	EXPECT_TRUE(eq) TH_LOG("device still reads the dropped pages");

	/* And a device write after it is what the CPU reads */
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, b, PAT(0x67), len));
	EXPECT_TRUE(cpu_all(b, 0x67, len));
	munmap(b, len);
}

/*
 * A THP-backed buffer is mapped with 2 MiB device leaves (the driver's
 * hmm_huge_mappings counter rises), and the data is right.
 */
TEST_F(hmm, thp)
{
	struct drm_svacc_completion *c = &self->rec[0];
	struct drm_svacc_counters c0, c1;
	size_t len = 2 * HMM_SZ_2M, base_len;
	char thp[128] = "";
	void *base;
	uint8_t *b;
	uint32_t crc;
	long kb;
	FILE *f;

	f = fopen(THP_ENABLED, "r");
	ASSERT_NE(NULL, f) TH_LOG("no %s: kernel without transparent huge pages", THP_ENABLED);
	ASSERT_NE(NULL, fgets(thp, sizeof(thp), f));
	fclose(f);
	ASSERT_EQ(NULL, strstr(thp, "[never]")) TH_LOG("THP disabled: %s", thp);

	b = map_anon_aligned(len, &base, &base_len);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, madvise(b, len, MADV_HUGEPAGE));
	fill_bytes(b, len, 3);
	kb = anon_huge_kb(b);
	ASSERT_LE((long)(HMM_SZ_2M / 1024), kb)
		TH_LOG("the kernel gave no huge page (AnonHugePages %ld kB)", kb);

	ASSERT_EQ(0, counters(&self->s, &c0));
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_crc(&self->s, c, b, len, &crc));
	EXPECT_EQ(svacc_crc32c(~0U, b, len), crc);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, b, PAT(0x88), len));
	EXPECT_TRUE(cpu_all(b, 0x88, len));
	ASSERT_EQ(0, counters(&self->s, &c1));
	EXPECT_LE(kb / (long)(HMM_SZ_2M / 1024),
		  (long)(c1.hmm_huge_mappings - c0.hmm_huge_mappings))
		TH_LOG("%ld kB of THP, %llu 2 MiB device mappings", kb,
		       (unsigned long long)(c1.hmm_huge_mappings - c0.hmm_huge_mappings));
	/* One fault per 2 MiB leaf at most, not one per 4 KiB page */
	EXPECT_GT(64ULL, (unsigned long long)(c1.dev_fault - c0.dev_fault));
	munmap(base, base_len);
}

/* A shared file mapping: the device works on the page cache */
TEST_F(hmm, file_shared)
{
	struct drm_svacc_completion *c = &self->rec[0];
	size_t len = 64 * HMM_SZ_4K;
	uint8_t *buf = malloc(len), *m;
	char path[64] = "/tmp/svacc-hmm-XXXXXX";
	uint32_t crc;
	bool eq;
	int fd;

	ASSERT_NE(NULL, buf);
	fd = mkstemp(path);
	if (fd < 0) {
		strcpy(path, "/dev/shm/svacc-hmm-XXXXXX");
		fd = mkstemp(path);
	}
	ASSERT_LE(0, fd);
	unlink(path);
	fill_bytes(buf, len, 4);
	ASSERT_EQ((ssize_t)len, pwrite(fd, buf, len, 0));
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, m);

	/* Never touched through the mapping by the CPU */
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_crc(&self->s, c, m, len, &crc));
	EXPECT_EQ(svacc_crc32c(~0U, buf, len), crc);

	/* Device writes reach the file */
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, m, PAT(0x99), len));
	ASSERT_EQ((ssize_t)len, pread(fd, buf, len, 0));
	EXPECT_TRUE(cpu_all(buf, 0x99, len));

	/* File writes reach the device */
	fill_bytes(buf, len, 5);
	ASSERT_EQ((ssize_t)len, pwrite(fd, buf, len, 0));
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_crc(&self->s, c, m, len, &crc));
	EXPECT_EQ(svacc_crc32c(~0U, buf, len), crc);

	/* Truncation drops the pages: the device then reads the new, zeroed ones */
	ASSERT_EQ(0, ftruncate(fd, 0));
	ASSERT_EQ(0, ftruncate(fd, len));
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_cmp_pattern(&self->s, c, m, 0, len, &eq));
	EXPECT_TRUE(eq) TH_LOG("device still reads pages truncated away");

	munmap(m, len);
	close(fd);
	free(buf);
}

/*
 * Pages moved under the mirror: MADV_COLLAPSE copies 4 KiB pages into a new
 * huge page (or MADV_SOFT_OFFLINE migrates them). The device must find the
 * new pages: the CPU writes after the move, the device must read that.
 */
TEST_F(hmm, pages_moved)
{
	struct drm_svacc_completion *c = &self->rec[0];
	size_t len = HMM_SZ_2M, base_len;
	uint64_t pfn0, pfn1;
	uint8_t *b;
	void *base;
	uint32_t crc;
	const char *how = "MADV_COLLAPSE";
	size_t i;
	int ret;

	b = map_anon_aligned(len, &base, &base_len);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, madvise(b, len, MADV_NOHUGEPAGE));
	fill_bytes(b, len, 6);
	pfn0 = pfn_of(b);
	ASSERT_NE(0ULL, (unsigned long long)pfn0)
		TH_LOG("no PFN in /proc/self/pagemap (not root?)");

	/* The device maps the 4 KiB pages */
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_crc(&self->s, c, b, len, &crc));
	ASSERT_EQ(svacc_crc32c(~0U, b, len), crc);

	ASSERT_EQ(0, madvise(b, len, MADV_HUGEPAGE));
	ret = madvise(b, len, MADV_COLLAPSE);
	if (ret) {
		how = "MADV_SOFT_OFFLINE";
		for (i = 0, ret = 0; i < len && !ret; i += HMM_SZ_4K)
			ret = madvise(b + i, HMM_SZ_4K, MADV_SOFT_OFFLINE);
	}
	ASSERT_EQ(0, ret) TH_LOG("neither MADV_COLLAPSE nor MADV_SOFT_OFFLINE moved the pages: %s",
				 strerror(errno));
	pfn1 = pfn_of(b);
	ASSERT_NE(pfn0, pfn1) TH_LOG("%s left the page at PFN %#llx", how,
				     (unsigned long long)pfn0);

	/* New data in the new pages; the old ones are free */
	fill_bytes(b, len, 7);
	ASSERT_EQ(SVACC_STATUS_SUCCESS, dev_crc(&self->s, c, b, len, &crc));
	EXPECT_EQ(svacc_crc32c(~0U, b, len), crc)
		TH_LOG("device reads the pages from before %s", how);
	munmap(base, base_len);
}

/*
 * Device faults per MiB with fault-around off (window 1) and at its
 * default: the window must cut the number of faults, both for a buffer the
 * CPU filled (device reads) and for one nobody touched (device writes).
 */
static void fault_around_run(struct __test_metadata *_metadata,
			     FIXTURE_DATA(hmm) *self, bool cpu_first)
{
	struct drm_svacc_completion *c = &self->rec[0];
	struct drm_svacc_counters c0, c1;
	uint64_t faults[2];
	unsigned int orig, win[2] = { 1, 16 };
	size_t len = HMM_SZ_1M;
	uint32_t crc;
	uint8_t *b;
	int i;

	ASSERT_EQ(0, read_param(FAULT_AROUND_PARAM, &orig))
		TH_LOG("no writable %s", FAULT_AROUND_PARAM);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, write_param(FAULT_AROUND_PARAM, win[i]));
		b = map_anon(len, false);
		ASSERT_NE(NULL, b);
		if (cpu_first)
			fill_bytes(b, len, 8);
		ASSERT_EQ(0, counters(&self->s, &c0));
		if (cpu_first) {
			EXPECT_EQ(SVACC_STATUS_SUCCESS, dev_crc(&self->s, c, b, len, &crc));
			EXPECT_EQ(svacc_crc32c(~0U, b, len), crc);
		} else {
			EXPECT_EQ(SVACC_STATUS_SUCCESS, dev_fill(&self->s, c, b, PAT(0xab), len));
			EXPECT_TRUE(cpu_all(b, 0xab, len));
		}
		ASSERT_EQ(0, counters(&self->s, &c1));
		faults[i] = c1.dev_fault - c0.dev_fault;
		munmap(b, len);
	}
	write_param(FAULT_AROUND_PARAM, orig);
	TH_LOG("device faults per MiB: %llu with window 1, %llu with window 16",
	       (unsigned long long)faults[0], (unsigned long long)faults[1]);
	EXPECT_LE(len / HMM_SZ_4K, faults[0]);
	EXPECT_GE(len / HMM_SZ_4K / 4, faults[1]);
}

TEST_F_TIMEOUT(hmm, fault_around_cpu_filled, 120)
{
	fault_around_run(_metadata, self, true);
}

TEST_F_TIMEOUT(hmm, fault_around_untouched, 120)
{
	fault_around_run(_metadata, self, false);
}

#define CG_ROOT			"/tmp/svacc-cgroup"
#define CG_DIR			CG_ROOT "/svacc-pt"
#define PT_STRIDES		512	/* 2 MiB strides: one level-1 table each */

/* cgroup v2 with the memory controller for our children; 0 or -errno */
static int cg_setup(void)
{
	char buf[256];
	int fd;

	mkdir(CG_ROOT, 0755);
	if (mount("none", CG_ROOT, "cgroup2", 0, NULL) && errno != EBUSY)
		return -errno;
	if (write_str(CG_ROOT "/cgroup.subtree_control", "+memory"))
		return -EIO;
	/* a new cgroup per run: memory.peak covers that run only */
	rmdir(CG_DIR);
	if (mkdir(CG_DIR, 0755))
		return -errno;
	snprintf(buf, sizeof(buf), CG_DIR "/memory.current");
	fd = open(buf, O_RDONLY);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static long long cg_read(const char *file)
{
	char path[256], buf[64] = "";
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), CG_DIR "/%s", file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoll(buf) : -1;
}

/*
 * Child in CG_DIR: reads one word of every 2 MiB stride of 1 GiB of
 * untouched memory with the device (each stride needs a page-table page of
 * its own), reports memory.current while the tables exist, unmaps, reports
 * again, and whether every descriptor completed. With @limit, memory.max
 * is set to the child's usage plus @limit first.
 */
struct pt_report {
	long long before, built, unmapped, max;
	int done, faulted, bad, first_bad;
};

static void pt_child(int out, long long limit)
{
	const size_t len = PT_STRIDES * HMM_SZ_2M;
	struct drm_svacc_completion *c = svacc_records_alloc(PT_STRIDES + 1);
	struct drm_svacc_desc *d = svacc_descs_alloc(PT_STRIDES);
	struct pt_report r = { 0 };
	char pid[32];
	struct svacc s;
	uint8_t *p;
	int i, st;

	snprintf(pid, sizeof(pid), "%d", getpid());
	if (!c || !d || write_str(CG_DIR "/cgroup.procs", pid))
		_exit(100);
	if (svacc_open(&s, NULL) || warm_records(&s, c, PT_STRIDES + 1))
		_exit(101);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		_exit(102);
	madvise(p, len, MADV_NOHUGEPAGE);
	r.before = cg_read("memory.current");
	if (limit) {
		snprintf(pid, sizeof(pid), "%lld", r.before + limit);
		if (write_str(CG_DIR "/memory.max", pid))
			_exit(103);
	}
	for (i = 0; i < PT_STRIDES; i++) {
		svacc_desc_compare_pattern(&d[i], p + i * HMM_SZ_2M, 0, 8,
					   &c[1 + i]);
		d[i].flags |= SVACC_DESC_F_BOF;
	}
	for (i = 0; i < PT_STRIDES; i += 32) {
		uint32_t n = PT_STRIDES - i < 32 ? PT_STRIDES - i : 32;
		struct drm_svacc_desc b;

		/* the array, untouched by the device, is faulted in too */
		svacc_desc_batch(&b, &d[i], n, &c[0]);
		b.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&s, &b, &c[0]);
		if (st != SVACC_STATUS_SUCCESS && st != SVACC_STATUS_BATCH_ERROR) {
			if (!r.bad++)
				r.first_bad = st;
		}
	}
	for (i = 0; i < PT_STRIDES; i++) {
		st = svacc_status(&c[1 + i]);
		if (st == SVACC_STATUS_SUCCESS)
			r.done++;
		else if (st == SVACC_STATUS_PAGE_FAULT)
			r.faulted++;
		else if (!r.bad++)
			r.first_bad = st;
	}
	r.built = cg_read("memory.current");
	r.max = cg_read("memory.peak");
	munmap(p, len);
	r.unmapped = cg_read("memory.current");
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(104);
	svacc_close(&s);
	_exit(0);
}

static int pt_run(long long limit, struct pt_report *r)
{
	int p[2], status;
	pid_t pid;

	status = cg_setup();
	if (status)
		return status;
	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		pt_child(p[1], limit);
	}
	close(p[1]);
	if (read(p[0], r, sizeof(*r)) != sizeof(*r)) {
		close(p[0]);
		wait_child(pid, 60, &status);
		return -EIO;
	}
	close(p[0]);
	if (wait_child(pid, 60, &status))
		return -ETIMEDOUT;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ECHILD;
}

/*
 * The device page table is the process's memory: its pages are charged to
 * the process's memory cgroup, freed when munmap() empties them, and a
 * cgroup limit bounds them without hanging or failing the device for
 * good (over the limit the context's table is dropped and refaulted, or
 * the descriptor completes with PAGE_FAULT).
 */
TEST_F_TIMEOUT(hmm, page_tables_charged_freed_bounded, 300)
{
	const long long tables = PT_STRIDES * HMM_SZ_4K;
	struct pt_report r;
	long long table;
	int ret;

	ret = pt_run(0, &r);
	ASSERT_EQ(0, ret) TH_LOG("run (cgroup v2 memory controller?): %s", strerror(-ret));
	TH_LOG("memory.current %lld, with %d strides mapped %lld, after munmap %lld",
	       r.before, PT_STRIDES, r.built, r.unmapped);
	ASSERT_EQ(PT_STRIDES, r.done)
		TH_LOG("%d faulted, %d bad (first: %d)", r.faulted, r.bad, r.first_bad);
	ASSERT_LE(r.before + tables, r.built)
		TH_LOG("device page tables not charged to the cgroup");
	ASSERT_GT(r.before + tables / 4, r.unmapped)
		TH_LOG("device page tables not freed by munmap()");

	/*
	 * A budget of 64 tables for 512 strides, in what a table costs this
	 * kernel (measured above: a debug kernel's allocations are larger).
	 */
	table = (r.built - r.before) / PT_STRIDES;
	ASSERT_EQ(0, pt_run(64 * table, &r))
		TH_LOG("a process over its cgroup limit through the device");
	TH_LOG("limited to 64 x %lld: %d done, %d faulted, peak %lld (start %lld)",
	       table, r.done, r.faulted, r.max, r.before);
	ASSERT_EQ(0, r.bad) TH_LOG("first bad status %d", r.first_bad);
	ASSERT_EQ(PT_STRIDES, r.done + r.faulted);
	ASSERT_LT(0, r.done);
	ASSERT_GE(r.before + 128 * table, r.max)
		TH_LOG("peak usage beyond the limit");
	rmdir(CG_DIR);
}

TEST_HARNESS_MAIN
