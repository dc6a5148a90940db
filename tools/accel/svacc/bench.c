// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc bench: what the device, the driver and the emulator cost, in one run.
 *
 * Prints CSV rows "figure,mode,value,unit,samples,min,max" on stdout and
 * nothing else; progress and raw timings go to stderr. Every figure is
 * defined in tools/accel/svacc/bench.rst. In short:
 *
 *   engine     device MEMMOVE and CPU memcpy() throughput, 4 KiB .. 64 MiB,
 *              hot (the same buffers again) and cold (rotating through a
 *              pool much larger than the host's last-level cache)
 *   crossover  time of one copy, CPU memcpy() vs device (submit to
 *              completion record), 64 B .. 1 MiB
 *   latency    submission to completion per path (portal of a dedicated
 *              WQ, the same with eight 8-byte stores, the submit ioctl to a
 *              shared WQ), polled and interrupt, p50/p99
 *   driver     the submit ioctl against a null ioctl on the same fd
 *   queue      queue depth 1/8/32 and BATCH of 8/32 in one process
 *   fault      device fault service latency vs the CPU's first touch,
 *              64 MiB first touch, translation-only misses, the mirror's
 *              munmap()/mprotect() tax, open + bind + first submit
 *   scale      1 -> 8 processes (and 1 process with 8 in flight) with
 *              copies above the model's inline-bytes
 *   info       figures of the first edition, kept as emulation (info)
 *
 * "svacc bench-host" runs the CPU parts natively on the host (mode "host"),
 * with the same code, sizes, pools and sample counts, as the physical
 * reference; harness/bench.sh divides the two.
 *
 * Copied bytes are verified outside the timed regions: each sample first
 * stamps its source with a per-sample tag (one 8-byte word per 4 KiB page),
 * and the destinations of the last sample of every point are compared
 * with their sources; bytes_verified is 1 when every comparison passed.
 *
 * Environment: SVACC_BENCH_REPS (throughput samples per point, default 5),
 * SVACC_BENCH_LAT_N (latency samples, default 400), SVACC_BENCH_FAULT_N
 * (fault samples, default 200), SVACC_BENCH_SCALE_MS (per scaling sample,
 * default 1500), SVACC_BENCH_ONLY (comma list of the parts above),
 * SVACC_BENCH_QUICK=1 (a smoke run: small sizes, few samples).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "libsvacc.h"
#include "svacc_cmds.h"

#define KiB			1024UL
#define MiB			(1024UL * 1024UL)
#define PAGE			SVACC_PAGE_SIZE
#define MAX_COPIES		256		/* copies per throughput sample */
#define SAMPLE_BYTES		(4 * MiB)	/* ... or this many bytes */
#define POOL_BYTES		(128 * MiB)	/* per direction, cold variant */
#define THR_MIN			(4 * KiB)
#define THR_MAX			(64 * MiB)
#define XO_MIN			64UL
#define XO_MAX			MiB
#define FAULT_STRIDE		64		/* pages between fault samples */
#define FT_BYTES		(64 * MiB)
#define MISS_PAGES		32
#define TAX_BYTES		(2 * MiB)
#define QD_SLOTS		32
#define QD_OPS			1024
#define SCALE_PROCS		8
#define SCALE_BG_SIZE		(8 * MiB)
#define SCALE_INLINE_SIZE	MiB
#define SCALE_REPS		3
#define BLOCKS			5
#define SPIN_TIMEOUT_NS		(30LL * 1000000000LL)
#define FA_PARAM		"/sys/module/svacc/parameters/fault_around"
#define FILL_PATTERN		0x5a5a5a5a5a5a5a5aULL

static const char *bmode;
static int reps = 5;
static int lat_n = 400;
static int fault_n = 200;
static int ft_n = 3;
static uint64_t scale_ns = 1500ULL * 1000000ULL;
static bool quick;
static size_t thr_max = THR_MAX;
static size_t pool_bytes = POOL_BYTES;
static size_t ft_bytes = FT_BYTES;
static double clk_ns;			/* cost of one svacc_now_ns() */
static double null_ioctl_p50;		/* for open_bind_submit_vs_null */
static int failures;
static unsigned int verified, verify_failed;

#define diag(...)	fprintf(stderr, "bench: " __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Samples and rows */

struct smp {
	double *v;
	int n;
	int cap;
};

static int smp_init(struct smp *s, int cap)
{
	s->n = 0;
	s->cap = cap > 0 ? cap : 1;
	s->v = calloc(s->cap, sizeof(*s->v));
	return s->v ? 0 : -ENOMEM;
}

static void smp_free(struct smp *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void smp_scale(struct smp *s, double f)
{
	int i;

	for (i = 0; i < s->n; i++)
		s->v[i] *= f;
}

static void smp_add(struct smp *s, double x)
{
	if (s->n < s->cap)
		s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Percentile @p (0..100) of v[lo, hi), nearest rank; v is not reordered. */
static double pct_range(const double *v, int lo, int hi, double p)
{
	int n = hi - lo, k;
	double *t, r;

	if (n <= 0)
		return 0;
	t = malloc(n * sizeof(*t));
	if (!t)
		return 0;
	memcpy(t, v + lo, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_double);
	k = (int)(p / 100.0 * n + 0.999999) - 1;
	if (k < 0)
		k = 0;
	if (k >= n)
		k = n - 1;
	r = p == 50 && n % 2 == 0 ? (t[n / 2 - 1] + t[n / 2]) / 2 : t[k];
	free(t);
	return r;
}

static double pct(const struct smp *s, double p)
{
	return pct_range(s->v, 0, s->n, p);
}

static double smp_min(const struct smp *s)
{
	double m = s->n ? s->v[0] : 0;
	int i;

	for (i = 1; i < s->n; i++)
		if (s->v[i] < m)
			m = s->v[i];
	return m;
}

static double smp_max(const struct smp *s)
{
	double m = s->n ? s->v[0] : 0;
	int i;

	for (i = 1; i < s->n; i++)
		if (s->v[i] > m)
			m = s->v[i];
	return m;
}

static void row(const char *figure, double value, const char *unit, int n,
		double min, double max)
{
	printf("%s,%s,%.6g,%s,%d,%.6g,%.6g\n", figure, bmode, value, unit, n,
	       min, max);
	fflush(stdout);
}

/* the median of the samples, with their extremes */
static void row_med(const char *figure, const char *unit, const struct smp *s)
{
	if (s->n)
		row(figure, pct(s, 50), unit, s->n, smp_min(s), smp_max(s));
}

/* <prefix>_p50_<unit> and <prefix>_p99_<unit>, with the sample extremes */
static void row_p50_p99(const char *prefix, const char *unit,
			const struct smp *s)
{
	char name[96];

	if (!s->n)
		return;
	snprintf(name, sizeof(name), "%s_p50_%s", prefix, unit);
	row(name, pct(s, 50), unit, s->n, smp_min(s), smp_max(s));
	snprintf(name, sizeof(name), "%s_p99_%s", prefix, unit);
	row(name, pct(s, 99), unit, s->n, smp_min(s), smp_max(s));
}

/*
 * A ratio a/b of percentile @p. When both were sampled interleaved, in
 * equal numbers (at least two per block), the spread is that of the same
 * ratio over BLOCKS consecutive blocks of samples; otherwise it is the
 * extreme combination min(a)/max(b) .. max(a)/min(b).
 */
static void row_ratio(const char *figure, const struct smp *a,
		      const struct smp *b, double p)
{
	double v, lo, hi, r, den;
	int k, n = a->n;

	if (!a->n || !b->n)
		return;
	den = pct(b, p);
	v = den ? pct(a, p) / den : 0;
	if (a->n == b->n && n >= 2 * BLOCKS) {
		lo = v;
		hi = v;
		for (k = 0; k < BLOCKS; k++) {
			int s0 = k * n / BLOCKS, s1 = (k + 1) * n / BLOCKS;

			den = pct_range(b->v, s0, s1, p);
			r = den ? pct_range(a->v, s0, s1, p) / den : 0;
			if (r < lo)
				lo = r;
			if (r > hi)
				hi = r;
		}
	} else {
		lo = smp_max(b) ? smp_min(a) / smp_max(b) : 0;
		hi = smp_min(b) ? smp_max(a) / smp_min(b) : 0;
	}
	row(figure, v, "ratio", a->n < b->n ? a->n : b->n, lo, hi);
}

static bool wanted(const char *part)
{
	const char *only = getenv("SVACC_BENCH_ONLY");
	size_t n = strlen(part);
	const char *p;

	if (!only || !*only)
		return true;
	for (p = only; (p = strstr(p, part)); p += n)
		if ((p == only || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

static int env_int(const char *name, int def, int min, int max)
{
	const char *e = getenv(name);
	int v;

	if (!e || !*e)
		return def;
	v = atoi(e);
	return v < min ? min : v > max ? max : v;
}

static const char *size_name(size_t size, char *buf, size_t len)
{
	if (size >= MiB && !(size % MiB))
		snprintf(buf, len, "%zuM", size / MiB);
	else if (size >= KiB && !(size % KiB))
		snprintf(buf, len, "%zuK", size / KiB);
	else
		snprintf(buf, len, "%zu", size);
	return buf;
}

static double since(uint64_t t0, uint64_t t1)
{
	double d = (double)(t1 - t0) - clk_ns;

	return d > 0 ? d : 0;
}

static void measure_clock(void)
{
	struct smp s = { 0 };
	uint64_t t0, t1;
	int i;

	if (smp_init(&s, 1000))
		return;
	for (i = 0; i < 1000; i++) {
		t0 = svacc_now_ns();
		t1 = svacc_now_ns();
		smp_add(&s, (double)(t1 - t0));
	}
	clk_ns = pct(&s, 50);
	row("clock_read_ns", clk_ns, "ns", s.n, smp_min(&s), smp_max(&s));
	smp_free(&s);
}

/* ------------------------------------------------------------------ */
/* Memory, stamps and verification */

static void *map_anon(size_t size, bool thp)
{
	void *p;

	if (!thp)
		return svacc_alloc_untouched(size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_HUGEPAGE);
	return p;
}

/* A per-sample tag in the first 8 bytes of every 4 KiB page of @p. */
static void stamp(void *p, size_t size, uint64_t tag)
{
	size_t off;

	for (off = 0; off + 8 <= size; off += PAGE)
		__atomic_store_n((uint64_t *)((uint8_t *)p + off), tag ^ off,
				 __ATOMIC_RELAXED);
}

/* One CPU store the compiler keeps (a first touch when the page is new) */
static void touch(uint8_t *p, uint8_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static bool check(const char *what, const void *dst, const void *src,
		  size_t size)
{
	const uint8_t *d = dst, *s = src;
	size_t i;

	if (!memcmp(dst, src, size)) {
		verified++;
		return true;
	}
	for (i = 0; i < size && d[i] == s[i]; i++)
		;
	diag("VERIFY FAILED: %s: %zu bytes differ from byte %zu on (0x%02x, expected 0x%02x)\n",
	     what, size, i, d[i], s[i]);
	verify_failed++;
	return false;
}

/* MEMFILL of a page-aligned @dst: byte i = byte (i mod 8) of @pattern */
static bool check_fill(const char *what, const void *dst, size_t size,
		       uint64_t pattern)
{
	const uint64_t *q = dst;
	size_t i;

	for (i = 0; i < size / 8; i++) {
		if (q[i] != pattern) {
			diag("VERIFY FAILED: %s: fill wrong at byte %zu of %zu\n",
			     what, i * 8, size);
			verify_failed++;
			return false;
		}
	}
	verified++;
	return true;
}

/* ------------------------------------------------------------------ */
/* Submission paths and completion */

enum bpath {
	BP_PORTAL,		/* dedicated WQ, libsvacc's four 16-byte stores */
	BP_PORTAL8,		/* dedicated WQ, eight 8-byte stores (as the kernel) */
	BP_IOCTL,		/* DRM_IOCTL_SVACC_SUBMIT to a shared WQ */
	BP_IOCTL_DED,		/* DRM_IOCTL_SVACC_SUBMIT to our dedicated WQ */
	BP_N
};

static const char *const bpath_name[] = {
	[BP_PORTAL] = "portal",
	[BP_PORTAL8] = "portal8",
	[BP_IOCTL] = "ioctl",
	[BP_IOCTL_DED] = "ioctl_ded",
};

/* Poll a record that was submitted without RCI. */
static int spin_wait(struct drm_svacc_completion *c)
{
	uint64_t t0 = svacc_now_ns();
	unsigned int i = 0;

	while (!svacc_status(c)) {
		if (++i % 4096)
			continue;
		if (svacc_now_ns() - t0 > SPIN_TIMEOUT_NS)
			return -ETIME;
		sched_yield();
	}
	return svacc_status(c);
}

/* Sleep in DRM_IOCTL_SVACC_WAIT (no spinning first) for an RCI record. */
static int irq_wait(struct svacc *s, struct drm_svacc_completion *c)
{
	uint32_t st = 0;
	int ret;

	for (;;) {
		ret = svacc_wait_ioctl(s->fd, c, SVACC_WAIT_TIMEOUT_NS, &st);
		if (svacc_status(c))
			return svacc_status(c);
		if (ret && ret != -EINTR)
			return ret;
	}
}

/* The kernel's store pattern from user space: eight 8-byte stores. */
static void portal8_write(void *portal, const struct drm_svacc_desc *d)
{
	uint64_t q[8];
	int i;

	memcpy(q, d, sizeof(q));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < 8; i++)
		__atomic_store_n((uint64_t *)portal + i, q[i], __ATOMIC_RELAXED);
}

static int portal8_submit(struct svacc *s, const struct drm_svacc_desc *d)
{
	uint64_t deadline = svacc_now_ns() + SVACC_SUBMIT_TIMEOUT_NS;
	uint16_t expect;
	uint32_t st;

	if (!s->portal)
		return -ENXIO;
	for (;;) {
		portal8_write(s->portal, d);
		st = svacc_portal_read_status(s->portal);
		expect = s->commit_count + 1;
		s->commit_count = st >> SVACC_PORTAL_STATUS_COUNT_SHIFT;
		if (s->commit_count != expect)
			return -EPROTO;
		if ((st & SVACC_PORTAL_STATUS_CODE) == SVACC_PORTAL_ACCEPTED)
			return 0;
		if ((st & SVACC_PORTAL_STATUS_CODE) != SVACC_PORTAL_RETRY)
			return -EIO;
		if (svacc_now_ns() > deadline)
			return -EAGAIN;
		sched_yield();
	}
}

/* The submit ioctl, naming the dedicated WQ this file claimed */
static int ioctl_ded_submit(struct svacc *s, const struct drm_svacc_desc *d)
{
	uint32_t wq = s->shared_wq;
	int ret;

	s->shared_wq = (uint32_t)s->wq;
	ret = svacc_ioctl_submit_all(s, d, 1);
	s->shared_wq = wq;
	return ret;
}

static int bsubmit(struct svacc *s, enum bpath path,
		   const struct drm_svacc_desc *d)
{
	switch (path) {
	case BP_PORTAL:
		return svacc_portal_submit(s, d);
	case BP_PORTAL8:
		return portal8_submit(s, d);
	case BP_IOCTL_DED:
		return ioctl_ded_submit(s, d);
	default:
		return svacc_ioctl_submit_all(s, d, 1);
	}
}

static int status_ok(const struct drm_svacc_desc *d,
		     const struct drm_svacc_completion *c, int st)
{
	if (st < 0)
		return st;
	if (st == SVACC_STATUS_SUCCESS)
		return 0;
	diag("%s: status %s (fault at 0x%llx)\n", svacc_op_name(d->opcode),
	     svacc_status_name(st), (unsigned long long)c->fault_addr);
	return -EIO;
}

/*
 * Run one descriptor to the end. @poll: no completion interrupt, spin on
 * the record; otherwise RCI and sleep in DRM_IOCTL_SVACC_WAIT. @lat and
 * @sub (optional) get the time from the submission to the record seen and
 * the time the submission call took, in ns, timer cost deducted.
 */
static int dev_run(struct svacc *s, enum bpath path, bool poll,
		   struct drm_svacc_desc *d, struct drm_svacc_completion *c,
		   double *lat, double *sub)
{
	uint64_t t0, t1, t2;
	int ret, st;

	memset(c, 0, sizeof(*c));
	d->completion_addr = (uintptr_t)c;
	/*
	 * BOF always: without it a record the device page table does not map
	 * yet (HMM modes) is not written at all (hardware.rst, SWERR 0x06).
	 */
	d->flags = SVACC_DESC_F_CRAV | SVACC_DESC_F_BOF |
		   (poll ? 0 : SVACC_DESC_F_RCI);
	t0 = svacc_now_ns();
	ret = bsubmit(s, path, d);
	t1 = svacc_now_ns();
	if (ret)
		return ret;
	st = poll ? spin_wait(c) : irq_wait(s, c);
	t2 = svacc_now_ns();
	if (lat)
		*lat = since(t0, t2);
	if (sub)
		*sub = since(t0, t1);
	return status_ok(d, c, st);
}

struct dev {
	struct svacc *s;
	enum bpath path;
	struct drm_svacc_completion *c;
};

static int dev_memmove(struct dev *dv, void *dst, const void *src,
		       size_t size)
{
	struct drm_svacc_desc d;

	svacc_desc_memmove(&d, dst, src, size, NULL);
	return dev_run(dv->s, dv->path, true, &d, dv->c, NULL, NULL);
}

static int dev_memfill_wait(struct dev *dv, void *dst, size_t size,
			    double *lat, bool poll)
{
	struct drm_svacc_desc d;

	svacc_desc_memfill(&d, dst, FILL_PATTERN, size, NULL);
	return dev_run(dv->s, dv->path, poll, &d, dv->c, lat, NULL);
}

/*
 * Descriptors that fault are waited for by sleeping: a thread polling
 * the record would compete with the kernel threads serving its faults
 * for the same CPU (SVACC_BENCH_FAULT_WAIT=poll to see it).
 */
static bool fault_poll;

static int dev_memfill(struct dev *dv, void *dst, size_t size, double *lat)
{
	return dev_memfill_wait(dv, dst, size, lat, fault_poll);
}

/* The fastest path this context has: a dedicated WQ's portal if it can. */
static int dev_init(struct dev *dv, struct svacc *s)
{
	dv->s = s;
	dv->c = svacc_records_alloc(1);
	if (!dv->c)
		return -ENOMEM;
	dv->path = BP_PORTAL;
	if (!s->portal && svacc_wq_claim(s, SVACC_WQ_ANY)) {
		diag("no dedicated WQ: using the submit ioctl\n");
		dv->path = BP_IOCTL;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Throughput, hot and cold; the same code natively on the host */

typedef int (*copy_fn)(void *ctx, void *dst, const void *src, size_t n);

static int cpu_copy(void *ctx, void *dst, const void *src, size_t n)
{
	(void)ctx;
	memcpy(dst, src, n);
	__asm__ volatile("" ::: "memory");
	return 0;
}

static int dev_copy(void *ctx, void *dst, const void *src, size_t n)
{
	return dev_memmove(ctx, dst, src, n);
}

struct pool {
	uint8_t *src;
	uint8_t *dst;
	size_t size;
	size_t cursor;
};

static int pool_init(struct pool *p, size_t size)
{
	p->size = size;
	p->cursor = 0;
	p->src = map_anon(size, true);
	p->dst = map_anon(size, true);
	if (!p->src || !p->dst)
		return -ENOMEM;
	svacc_fill_random(p->src, size, 0x9e3779b97f4a7c15ULL);
	memset(p->dst, 0, size);
	return 0;
}

static void pool_free(struct pool *p)
{
	svacc_free(p->src, p->size);
	svacc_free(p->dst, p->size);
	p->src = NULL;
	p->dst = NULL;
}

/* Offset of the next copy: cold rotates through the pool, hot stays. */
static size_t pool_slot(struct pool *p, size_t size, bool cold)
{
	size_t off;

	if (!cold)
		return 0;
	if (p->cursor + size > p->size)
		p->cursor = 0;
	off = p->cursor;
	p->cursor += size;
	return off;
}

static int copies_per_sample(size_t size)
{
	size_t n = SAMPLE_BYTES / size;

	return n < 1 ? 1 : n > MAX_COPIES ? MAX_COPIES : (int)n;
}

/* One throughput sample (MB/s) of @n copies of @size; verified if @last. */
static int thr_sample(struct pool *p, size_t size, bool cold, copy_fn fn,
		      void *ctx, uint64_t tag, bool last, double *mbps)
{
	int n = copies_per_sample(size), i, ret = 0;
	size_t offs[MAX_COPIES];
	uint64_t t0, t1;

	for (i = 0; i < n; i++)
		offs[i] = pool_slot(p, size, cold);
	for (i = 0; i < n; i++)
		stamp(p->src + offs[i], size, tag + i);
	t0 = svacc_now_ns();
	for (i = 0; i < n && !ret; i++)
		ret = fn(ctx, p->dst + offs[i], p->src + offs[i], size);
	t1 = svacc_now_ns();
	if (ret)
		return ret;
	*mbps = (double)size * n * 1e3 / (double)(t1 - t0);
	for (i = 0; last && i < (cold ? n : 1); i++)
		check(fn == cpu_copy ? "memcpy" : "device MEMMOVE",
		      p->dst + offs[i], p->src + offs[i], size);
	return 0;
}

/*
 * Throughput sweep: per size and cache state, @reps samples of the CPU
 * and (with @dv) of the device, interleaved.
 */
static int bench_engine(struct dev *dv)
{
	static const char *const state[] = { "hot", "cold" };
	struct pool p;
	struct smp cpu = { 0 }, dev = { 0 };
	char name[64], sz[24];
	size_t size;
	int v, r, ret;

	ret = pool_init(&p, pool_bytes);
	if (ret)
		goto out;
	ret = smp_init(&cpu, reps);
	if (!ret)
		ret = smp_init(&dev, reps);
	if (ret)
		goto out;
	/* the device has seen the whole pool once: no faults below */
	for (size = 0; dv && size < p.size && !ret; size += 64 * MiB)
		ret = dev_memmove(dv, p.dst + size, p.src + size,
				  p.size - size < 64 * MiB ? p.size - size : 64 * MiB);
	for (size = THR_MIN; size <= thr_max && !ret; size *= 4) {
		size_name(size, sz, sizeof(sz));
		for (v = 0; v < 2 && !ret; v++) {
			bool cold = v;
			double x;

			cpu.n = 0;
			dev.n = 0;
			if (!cold) {
				/* warm: the buffers in the caches, the ATC filled */
				cpu_copy(NULL, p.dst, p.src, size);
				if (dv)
					ret = dev_copy(dv, p.dst, p.src, size);
			}
			for (r = 0; r < reps && !ret; r++) {
				bool last = r == reps - 1;
				uint64_t tag = (uint64_t)size << 24 | v << 20 | r << 16;

				ret = thr_sample(&p, size, cold, cpu_copy, NULL,
						 tag, last, &x);
				smp_add(&cpu, x);
				if (!ret && dv) {
					ret = thr_sample(&p, size, cold, dev_copy,
							 dv, tag | 1 << 12, last, &x);
					smp_add(&dev, x);
				}
			}
			if (ret)
				break;
			snprintf(name, sizeof(name), "thr_cpu_%s_%s", state[v], sz);
			row_med(name, "MB/s", &cpu);
			if (dv) {
				snprintf(name, sizeof(name), "thr_dev_%s_%s", state[v], sz);
				row_med(name, "MB/s", &dev);
				diag("%-4s %-4s cpu %8.0f MB/s  device %8.0f MB/s\n",
				     sz, state[v], pct(&cpu, 50), pct(&dev, 50));
				if (size == THR_MAX && !cold)
					row_ratio("offload_ratio", &dev, &cpu, 50);
			} else {
				diag("%-4s %-4s memcpy %8.0f MB/s\n", sz, state[v],
				     pct(&cpu, 50));
			}
		}
	}
	smp_free(&cpu);
	smp_free(&dev);
out:
	pool_free(&p);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Crossover: time of one copy, CPU vs device, 64 B .. 1 MiB (hot) */

#define XO_SIZES	15	/* 64 B .. 1 MiB */

/*
 * The smallest size from which the device's time stays at or below the
 * CPU's up to 1 MiB; 0: never.
 */
static size_t xo_find(const double *dev, const double *cpu, int n)
{
	size_t xo = 0;
	int i;

	for (i = n - 1; i >= 0 && dev[i] <= cpu[i]; i--)
		xo = XO_MIN << i;
	return xo;
}

static int bench_crossover(struct dev *dv)
{
	size_t size, bytes = XO_MAX;
	uint8_t *src = map_anon(bytes, true), *dst = map_anon(bytes, true);
	double dmed[XO_SIZES], cmed[XO_SIZES], dlo[XO_SIZES], dhi[XO_SIZES];
	double clo[XO_SIZES], chi[XO_SIZES];
	struct smp cpu = { 0 }, dev = { 0 };
	char name[64], sz[24];
	int n, i, r, k = 0, ret;
	uint64_t t0;
	double x;

	if (!src || !dst)
		return -ENOMEM;
	ret = smp_init(&cpu, reps);
	if (!ret)
		ret = smp_init(&dev, lat_n / 4 > reps ? lat_n / 4 : reps);
	if (ret)
		goto out;
	svacc_fill_random(src, bytes, 42);
	memset(dst, 0, bytes);
	for (size = XO_MIN; size <= XO_MAX && !ret; size *= 2, k++) {
		struct drm_svacc_desc d;

		size_name(size, sz, sizeof(sz));
		cpu.n = 0;
		dev.n = 0;
		n = (int)(XO_MAX / size);
		if (n > 4096)
			n = 4096;
		if (n < 8)
			n = 8;
		cpu_copy(NULL, dst, src, size);
		for (r = 0; r < reps; r++) {
			stamp(src, size, (uint64_t)size << 20 | r);
			t0 = svacc_now_ns();
			for (i = 0; i < n; i++)
				cpu_copy(NULL, dst, src, size);
			smp_add(&cpu, since(t0, svacc_now_ns()) / n);
		}
		check("memcpy", dst, src, size);
		snprintf(name, sizeof(name), "xo_cpu_%s", sz);
		row_med(name, "ns", &cpu);
		cmed[k] = pct(&cpu, 50);
		clo[k] = smp_min(&cpu);
		chi[k] = smp_max(&cpu);
		if (!dv)
			continue;
		svacc_desc_memmove(&d, dst, src, size, NULL);
		ret = dev_run(dv->s, dv->path, true, &d, dv->c, NULL, NULL);
		for (r = 0; r < dev.cap && !ret; r++) {
			stamp(src, size, (uint64_t)size << 20 | r | 1 << 16);
			svacc_desc_memmove(&d, dst, src, size, NULL);
			ret = dev_run(dv->s, dv->path, true, &d, dv->c, &x, NULL);
			smp_add(&dev, x);
		}
		if (ret)
			break;
		check("device MEMMOVE", dst, src, size);
		snprintf(name, sizeof(name), "xo_dev_%s", sz);
		row_med(name, "ns", &dev);
		dmed[k] = pct(&dev, 50);
		dlo[k] = pct(&dev, 1);
		dhi[k] = pct(&dev, 99);
		diag("%-4s memcpy %9.0f ns  device %9.0f ns\n", sz, cmed[k],
		     dmed[k]);
	}
	/* spread: the most and the least favourable to the device */
	if (dv && !ret)
		row("crossover_bytes", xo_find(dmed, cmed, k), "bytes", reps,
		    xo_find(dlo, chi, k), xo_find(dhi, clo, k));
out:
	smp_free(&cpu);
	smp_free(&dev);
	svacc_free(src, bytes);
	svacc_free(dst, bytes);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Submission latency per path, polled and interrupt */

static int lat_point(struct svacc *s, enum bpath path, bool poll, size_t size,
		     uint8_t *src, uint8_t *dst, struct drm_svacc_completion *c,
		     int n, struct smp *lat, struct smp *sub)
{
	struct drm_svacc_desc d;
	double l, u;
	int i, ret = 0;

	for (i = -10; i < n && !ret; i++) {
		if (size)
			stamp(src, size, (uint64_t)i << 8 | path << 4 | poll);
		if (size)
			svacc_desc_memmove(&d, dst, src, size, NULL);
		else
			svacc_desc_nop(&d, NULL);
		ret = dev_run(s, path, poll, &d, c, &l, &u);
		if (ret)
			break;
		if (size && *(uint64_t *)dst != *(uint64_t *)src) {
			check("device MEMMOVE (sample)", dst, src, 8);
			ret = -EIO;
		}
		if (i < 0)
			continue;
		smp_add(lat, l);
		smp_add(sub, u);
	}
	if (!ret && size)
		check("device MEMMOVE", dst, src, size);
	return ret;
}

static int bench_latency(struct svacc *s)
{
	static const size_t sizes[] = { 0, 64, 4 * KiB, 64 * KiB, 4 * MiB };
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	size_t bytes = 4 * MiB;
	uint8_t *src = map_anon(bytes, true), *dst = map_anon(bytes, true);
	struct smp lat = { 0 }, sub = { 0 }, nop_lat[BP_N];
	char name[96], sz[24];
	int p, poll, k, n, ret = 0;

	if (!c || !src || !dst)
		return -ENOMEM;
	if (!s->portal && svacc_wq_claim(s, SVACC_WQ_ANY))
		diag("no dedicated WQ: portal paths skipped\n");
	svacc_fill_random(src, bytes, 7);
	memset(dst, 0, bytes);
	if (smp_init(&lat, lat_n) || smp_init(&sub, lat_n))
		return -ENOMEM;
	for (p = 0; p < BP_N; p++)
		if (smp_init(&nop_lat[p], lat_n))
			return -ENOMEM;
	for (k = 0; k < (int)ARRAY_SIZE(sizes) && !ret; k++) {
		if (quick && sizes[k] > 64 * KiB)
			break;
		for (poll = 1; poll >= 0 && !ret; poll--) {
			for (p = 0; p < BP_N && !ret; p++) {
				/* all but the shared WQ's ioctl need our claim */
				if (p != BP_IOCTL && !s->portal)
					continue;
				/* the background-copy size: fewer samples */
				n = sizes[k] > MiB ? lat_n / 4 : lat_n;
				lat.n = 0;
				sub.n = 0;
				ret = lat_point(s, p, poll, sizes[k], src, dst, c,
						n, &lat, &sub);
				if (ret)
					break;
				if (sizes[k])
					size_name(sizes[k], sz, sizeof(sz));
				else
					strcpy(sz, "nop");
				snprintf(name, sizeof(name), "lat_%s_%s_%s",
					 bpath_name[p], poll ? "poll" : "irq", sz);
				row_p50_p99(name, "ns", &lat);
				if (poll) {
					snprintf(name, sizeof(name), "submit_cpu_%s_%s",
						 bpath_name[p], sz);
					row_p50_p99(name, "ns", &sub);
				}
				diag("%-7s %-4s %-4s p50 %8.0f p99 %8.0f ns (call %.0f ns)\n",
				     bpath_name[p], poll ? "poll" : "irq", sz,
				     pct(&lat, 50), pct(&lat, 99), pct(&sub, 50));
				if (poll && sizes[k] == 64) {
					snprintf(name, sizeof(name),
						 "submit_latency_%s", bpath_name[p]);
					if (p != BP_PORTAL8)
						row_p50_p99(name, "ns", &lat);
				}
				if (poll && !sizes[k]) {
					nop_lat[p].n = lat.n;
					memcpy(nop_lat[p].v, lat.v,
					       lat.n * sizeof(*lat.v));
				}
			}
		}
	}
	/* emulation (info): the first edition's NOP rates, from these samples */
	if (!ret && nop_lat[BP_PORTAL].n && nop_lat[BP_IOCTL].n) {
		double mp = 0, mi = 0;
		int i;

		for (i = 0; i < nop_lat[BP_PORTAL].n; i++)
			mp += nop_lat[BP_PORTAL].v[i];
		for (i = 0; i < nop_lat[BP_IOCTL].n; i++)
			mi += nop_lat[BP_IOCTL].v[i];
		mp /= nop_lat[BP_PORTAL].n;
		mi /= nop_lat[BP_IOCTL].n;
		row("nop_rate_portal", 1e9 / mp, "1/s", nop_lat[BP_PORTAL].n,
		    1e9 / smp_max(&nop_lat[BP_PORTAL]),
		    1e9 / smp_min(&nop_lat[BP_PORTAL]));
		row("nop_rate_ioctl", 1e9 / mi, "1/s", nop_lat[BP_IOCTL].n,
		    1e9 / smp_max(&nop_lat[BP_IOCTL]),
		    1e9 / smp_min(&nop_lat[BP_IOCTL]));
		row_ratio("portal_vs_ioctl", &nop_lat[BP_IOCTL],
			  &nop_lat[BP_PORTAL], 50);
	}
	/*
	 * One variable at a time, on NOPs: the path (portal or ioctl) on the
	 * same dedicated WQ, then the WQ kind (shared or dedicated) on the
	 * same ioctl path.
	 */
	if (!ret && nop_lat[BP_PORTAL].n && nop_lat[BP_IOCTL_DED].n) {
		row_ratio("ioctl_vs_portal_same_wq", &nop_lat[BP_IOCTL_DED],
			  &nop_lat[BP_PORTAL], 50);
		row_ratio("ioctl_shared_vs_dedicated", &nop_lat[BP_IOCTL],
			  &nop_lat[BP_IOCTL_DED], 50);
	}
	for (p = 0; p < BP_N; p++)
		smp_free(&nop_lat[p]);
	smp_free(&lat);
	smp_free(&sub);
	free(c);
	svacc_free(src, bytes);
	svacc_free(dst, bytes);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Driver: the submit ioctl against a null ioctl on the same fd */

/* An ioctl the kernel answers at once: the guest's and host's syscall cost */
static int null_syscall(int fd)
{
	return ioctl(fd, _IO('S', 0x7f), 0);
}

static int bench_syscall(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), i;
	uint64_t t0;
	struct smp s = { 0 };

	if (fd < 0)
		return -errno;
	if (smp_init(&s, 2 * lat_n)) {
		close(fd);
		return -ENOMEM;
	}
	for (i = 0; i < 2 * lat_n; i++) {
		t0 = svacc_now_ns();
		null_syscall(fd);
		smp_add(&s, since(t0, svacc_now_ns()));
	}
	close(fd);
	row("null_syscall_ns", pct(&s, 50), "ns", s.n, smp_min(&s), smp_max(&s));
	diag("null syscall (ioctl on /dev/null): p50 %.0f ns\n", pct(&s, 50));
	smp_free(&s);
	return 0;
}

static int bench_driver(struct svacc *s)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	struct smp nul = { 0 }, inval = { 0 }, sub = { 0 }, info = { 0 };
	struct drm_svacc_submit a;
	struct drm_svacc_desc d, bad;
	struct drm_svacc_info in;
	int i, n = 2 * lat_n, ret = 0;
	uint64_t t0;

	if (!c || smp_init(&nul, n) || smp_init(&inval, n) ||
	    smp_init(&sub, n) || smp_init(&info, n))
		return -ENOMEM;
	svacc_desc_nop(&bad, NULL);
	bad.rsvd1 = 1;
	for (i = -10; i < n && !ret; i++) {
		/* null: the same ioctl, refused before any work (count 0) */
		memset(&a, 0, sizeof(a));
		a.wq = SVACC_WQ_ANY;
		t0 = svacc_now_ns();
		if (!ioctl(s->fd, DRM_IOCTL_SVACC_SUBMIT, &a) || errno != EINVAL)
			ret = -EPROTO;
		if (i >= 0)
			smp_add(&nul, since(t0, svacc_now_ns()));

		/* copied in and validated, refused: no MMIO */
		a.descs = (uintptr_t)&bad;
		a.count = 1;
		t0 = svacc_now_ns();
		if (!ioctl(s->fd, DRM_IOCTL_SVACC_SUBMIT, &a) || errno != EINVAL)
			ret = -EPROTO;
		if (i >= 0)
			smp_add(&inval, since(t0, svacc_now_ns()));

		/* a NOP, accepted: the whole submission */
		svacc_desc_nop(&d, NULL);
		memset(c, 0, sizeof(*c));
		d.completion_addr = (uintptr_t)c;
		d.flags = SVACC_DESC_F_CRAV;
		a.descs = (uintptr_t)&d;
		t0 = svacc_now_ns();
		if (ioctl(s->fd, DRM_IOCTL_SVACC_SUBMIT, &a))
			ret = -errno;
		else if (a.accepted != 1)
			ret = -EPROTO;
		if (i >= 0)
			smp_add(&sub, since(t0, svacc_now_ns()));
		if (!ret)
			ret = status_ok(&d, c, spin_wait(c));

		t0 = svacc_now_ns();
		if (svacc_get_info(s->fd, &in))
			ret = -EPROTO;
		if (i >= 0)
			smp_add(&info, since(t0, svacc_now_ns()));
	}
	if (!ret) {
		null_ioctl_p50 = pct(&nul, 50);
		row_p50_p99("null_ioctl", "ns", &nul);
		row_p50_p99("ioctl_submit", "ns", &sub);
		row_p50_p99("ioctl_validate", "ns", &inval);
		row_p50_p99("ioctl_get_info", "ns", &info);
		row_ratio("submit_ioctl_vs_null", &sub, &nul, 50);
		row_ratio("submit_ioctl_sw_vs_null", &inval, &nul, 50);
		diag("ioctl p50 (ns): null %.0f, validate %.0f, NOP %.0f, info %.0f\n",
		     pct(&nul, 50), pct(&inval, 50), pct(&sub, 50), pct(&info, 50));
	}
	smp_free(&nul);
	smp_free(&inval);
	smp_free(&sub);
	smp_free(&info);
	free(c);
	if (!ret)
		ret = bench_syscall();
	return ret;
}

/* ------------------------------------------------------------------ */
/* Queue depth and BATCH, in one process, 4 KiB copies */

static int qd_run(struct dev *dv, int depth, int ops, uint8_t *src,
		  uint8_t *dst, struct drm_svacc_completion *rec, double *rate)
{
	struct drm_svacc_desc d;
	int sub = 0, done = 0, ret = 0, k;
	uint64_t t0 = svacc_now_ns();

	while (done < ops && !ret) {
		while (sub < ops && sub - done < depth && !ret) {
			k = sub % QD_SLOTS;
			svacc_desc_memmove(&d, dst + k * 4 * KiB, src + k * 4 * KiB,
					   4 * KiB, NULL);
			memset(&rec[sub % depth], 0, sizeof(*rec));
			d.completion_addr = (uintptr_t)&rec[sub % depth];
			d.flags = SVACC_DESC_F_CRAV | SVACC_DESC_F_BOF;
			ret = bsubmit(dv->s, dv->path, &d);
			sub++;
		}
		if (!ret)
			ret = status_ok(&d, &rec[done % depth],
					spin_wait(&rec[done % depth]));
		done++;
	}
	*rate = ops * 1e9 / (double)(svacc_now_ns() - t0);
	return ret;
}

static int batch_run(struct dev *dv, int count, int ops, uint8_t *src,
		     uint8_t *dst, struct drm_svacc_desc *arr, double *rate)
{
	struct drm_svacc_desc d;
	int b, k, ret = 0;
	uint64_t t0;

	for (k = 0; k < count; k++) {
		int slot = k % QD_SLOTS;

		svacc_desc_memmove(&arr[k], dst + slot * 4 * KiB,
				   src + slot * 4 * KiB, 4 * KiB, NULL);
		arr[k].flags = SVACC_DESC_F_BOF;
	}
	t0 = svacc_now_ns();
	for (b = 0; b < ops / count && !ret; b++) {
		svacc_desc_batch(&d, arr, count, NULL);
		ret = dev_run(dv->s, dv->path, true, &d, dv->c, NULL, NULL);
	}
	*rate = (double)b * count * 1e9 / (double)(svacc_now_ns() - t0);
	return ret;
}

/* @count descriptors per DRM_IOCTL_SVACC_SUBMIT, each with its record */
static int ioctl_multi_run(struct svacc *s, int count, int ops, uint8_t *src,
			   uint8_t *dst, struct drm_svacc_desc *arr,
			   struct drm_svacc_completion *rec, double *rate)
{
	int b, k, ret = 0;
	uint64_t t0 = svacc_now_ns();

	for (b = 0; b < ops / count && !ret; b++) {
		for (k = 0; k < count; k++) {
			int slot = k % QD_SLOTS;

			svacc_desc_memmove(&arr[k], dst + slot * 4 * KiB,
					   src + slot * 4 * KiB, 4 * KiB, NULL);
			memset(&rec[k], 0, sizeof(*rec));
			arr[k].completion_addr = (uintptr_t)&rec[k];
			arr[k].flags = SVACC_DESC_F_CRAV | SVACC_DESC_F_BOF;
		}
		ret = svacc_ioctl_submit_all(s, arr, count);
		for (k = 0; k < count && !ret; k++)
			ret = status_ok(&arr[k], &rec[k], spin_wait(&rec[k]));
	}
	*rate = (double)b * count * 1e9 / (double)(svacc_now_ns() - t0);
	return ret;
}

enum qkind { Q_PORTAL, Q_BATCH, Q_IOCTL, Q_IOCTL_MULTI };

static const struct qcfg {
	const char *name;
	enum qkind kind;
	int n;			/* depth, batch or descriptors per call */
	int slots;		/* destination slots it writes */
} qcfgs[] = {
	{ "qd1", Q_PORTAL, 1, QD_SLOTS },
	{ "qd8", Q_PORTAL, 8, QD_SLOTS },
	{ "qd32", Q_PORTAL, 32, QD_SLOTS },
	{ "batch8", Q_BATCH, 8, 8 },
	{ "batch32", Q_BATCH, 32, QD_SLOTS },
	{ "ioctl_qd1", Q_IOCTL, 1, QD_SLOTS },
	{ "ioctl_x8", Q_IOCTL_MULTI, 8, 8 },
};

static int bench_queue(struct dev *dv)
{
	enum { N_CFG = ARRAY_SIZE(qcfgs) };
	size_t bytes = QD_SLOTS * 4 * KiB;
	uint8_t *src = map_anon(bytes, true), *dst = map_anon(bytes, true);
	struct drm_svacc_completion *rec = svacc_records_alloc(QD_SLOTS);
	struct drm_svacc_desc *arr = svacc_descs_alloc(QD_SLOTS);
	struct smp res[N_CFG];
	int ops = quick ? 128 : QD_OPS, r, k, ret = 0, depth;
	char name[64];
	double x;
	struct dev io = *dv;

	if (!src || !dst || !rec || !arr)
		return -ENOMEM;
	for (k = 0; k < N_CFG; k++)
		if (smp_init(&res[k], reps))
			return -ENOMEM;
	io.path = BP_IOCTL;
	svacc_fill_random(src, bytes, 3);
	memset(dst, 0, bytes);
	for (r = 0; r < reps && !ret; r++) {
		for (k = 0; k < N_CFG && !ret; k++) {
			const struct qcfg *q = &qcfgs[k];

			stamp(src, bytes, (uint64_t)r << 8 | k);
			/* up to the dedicated WQ's depth */
			depth = q->n;
			if (dv->s->wq_size && depth > (int)dv->s->wq_size)
				depth = dv->s->wq_size;
			if (q->kind == Q_PORTAL)
				ret = qd_run(dv, depth, ops, src, dst, rec, &x);
			else if (q->kind == Q_BATCH)
				ret = batch_run(dv, q->n, ops, src, dst, arr, &x);
			else if (q->kind == Q_IOCTL)
				ret = qd_run(&io, q->n, ops, src, dst, rec, &x);
			else
				ret = ioctl_multi_run(dv->s, q->n, ops, src, dst,
						      arr, rec, &x);
			smp_add(&res[k], x);
			if (!ret && r == reps - 1)
				check(q->name, dst, src, q->slots * 4 * KiB);
		}
	}
	if (!ret) {
		for (k = 0; k < N_CFG; k++) {
			snprintf(name, sizeof(name), "%s_ops", qcfgs[k].name);
			row_med(name, "ops/s", &res[k]);
			diag("4 KiB copies/s, %-9s %8.0f\n", qcfgs[k].name,
			     pct(&res[k], 50));
		}
		for (k = 1; k < 5; k++) {
			snprintf(name, sizeof(name), "%s_vs_qd1", qcfgs[k].name);
			row_ratio(name, &res[k], &res[0], 50);
		}
		row_ratio("ioctl_x8_vs_ioctl_qd1", &res[6], &res[5], 50);
	}
	for (k = 0; k < N_CFG; k++)
		smp_free(&res[k]);
	svacc_free(src, bytes);
	svacc_free(dst, bytes);
	free(rec);
	free(arr);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Faults */

static void counters_diag(struct svacc *s, const char *what,
			  const struct drm_svacc_counters *a)
{
	struct drm_svacc_counters b;

	if (svacc_get_counters(s->fd, &b))
		return;
	diag("%s: page_req %llu prg %llu ats_req %llu\n", what,
	     (unsigned long long)(b.page_req - a->page_req),
	     (unsigned long long)(b.prg - a->prg),
	     (unsigned long long)(b.ats_req - a->ats_req));
	diag("%s: dev_fault %llu hmm_faults %llu hmm_pages_mapped %llu\n", what,
	     (unsigned long long)(b.dev_fault - a->dev_fault),
	     (unsigned long long)(b.hmm_faults - a->hmm_faults),
	     (unsigned long long)(b.hmm_pages_mapped - a->hmm_pages_mapped));
}

/* fresh - median(warm), per sample */
static void subtract_warm(struct smp *fresh, const struct smp *warm)
{
	double w = pct(warm, 50);
	int i;

	for (i = 0; i < fresh->n; i++)
		fresh->v[i] = fresh->v[i] > w ? fresh->v[i] - w : 0;
}

/*
 * One-page descriptors on fresh pages vs the CPU's first touch, sample by
 * sample: a store to a fresh page and again to the same page; a 4 KiB
 * MEMFILL of a fresh page and again of the same page, waited for by
 * sleeping (RCI) and, on other pages, by polling the record. Each fault
 * costs the first time less the median of the second.
 */
static int bench_fault_latency(struct dev *dv)
{
	size_t span = (size_t)fault_n * FAULT_STRIDE * PAGE;
	struct smp cf = { 0 }, cw = { 0 }, df = { 0 }, dw = { 0 };
	struct smp pf = { 0 }, pw = { 0 };
	struct drm_svacc_counters c0;
	uint8_t *cbase, *dbase, *pbase;
	uint64_t t0;
	double x;
	int i, ret = 0;

	if (smp_init(&cf, fault_n) || smp_init(&cw, fault_n) ||
	    smp_init(&df, fault_n) || smp_init(&dw, fault_n) ||
	    smp_init(&pf, fault_n) || smp_init(&pw, fault_n))
		return -ENOMEM;
	cbase = map_anon(span, false);
	dbase = map_anon(span, false);
	pbase = map_anon(span, false);
	if (!cbase || !dbase || !pbase)
		return -ENOMEM;
	svacc_get_counters(dv->s->fd, &c0);
	for (i = 0; i < fault_n && !ret; i++) {
		size_t off = (size_t)i * FAULT_STRIDE * PAGE;
		uint8_t *pg;

		t0 = svacc_now_ns();
		touch(cbase + off, 1);
		smp_add(&cf, since(t0, svacc_now_ns()));
		t0 = svacc_now_ns();
		touch(cbase + off, 2);
		smp_add(&cw, since(t0, svacc_now_ns()));

		pg = dbase + off;
		ret = dev_memfill_wait(dv, pg, PAGE, &x, false);
		smp_add(&df, x);
		if (!ret)
			ret = dev_memfill_wait(dv, pg, PAGE, &x, false);
		smp_add(&dw, x);
		if (!ret && (i == fault_n - 1 || *(uint64_t *)pg != FILL_PATTERN))
			check_fill("device MEMFILL (fault)", pg, PAGE, FILL_PATTERN);

		pg = pbase + off;
		if (!ret)
			ret = dev_memfill_wait(dv, pg, PAGE, &x, true);
		smp_add(&pf, x);
		if (!ret)
			ret = dev_memfill_wait(dv, pg, PAGE, &x, true);
		smp_add(&pw, x);
		if (!ret && (i == fault_n - 1 || *(uint64_t *)pg != FILL_PATTERN))
			check_fill("device MEMFILL (fault, polled)", pg, PAGE,
				   FILL_PATTERN);
	}
	counters_diag(dv->s, "one-page faults", &c0);
	svacc_free(cbase, span);
	svacc_free(dbase, span);
	svacc_free(pbase, span);
	if (!ret) {
		diag("one-page descriptor on a present page: %.0f ns waited for, %.0f ns polled\n",
		     pct(&dw, 50), pct(&pw, 50));
		subtract_warm(&cf, &cw);
		subtract_warm(&df, &dw);
		subtract_warm(&pf, &pw);
		row_p50_p99("cpu_fault", "ns", &cf);
		row_p50_p99("dev_fault", "ns", &df);
		row_p50_p99("dev_fault_polled", "ns", &pf);
		row_ratio("fault_latency_vs_cpu", &df, &cf, 50);
		row_ratio("fault_latency_vs_cpu_p99", &df, &cf, 99);
		row_ratio("fault_latency_vs_cpu_polled", &pf, &cf, 50);
		diag("fault service p50/p99 (ns): cpu %.0f/%.0f\n",
		     pct(&cf, 50), pct(&cf, 99));
		diag("  device %.0f/%.0f, polled %.0f/%.0f\n", pct(&df, 50),
		     pct(&df, 99), pct(&pf, 50), pct(&pf, 99));
	}
	smp_free(&cf);
	smp_free(&cw);
	smp_free(&df);
	smp_free(&dw);
	smp_free(&pf);
	smp_free(&pw);
	return ret;
}

/*
 * First touch of @bytes: extra time per page of the first pass over the
 * second, the device's (one MEMFILL) and the CPU's (one store per page).
 */
static int first_touch(struct dev *dv, size_t bytes, int n, struct smp *cpu,
		       struct smp *dev)
{
	size_t pages = bytes / PAGE, i;
	struct drm_svacc_counters c0;
	uint64_t t0, t1, t2;
	uint8_t *p;
	double a, b;
	int r, ret = 0;

	for (r = 0; r < n && !ret; r++) {
		p = map_anon(bytes, false);
		if (!p)
			return -ENOMEM;
		t0 = svacc_now_ns();
		for (i = 0; i < pages; i++)
			touch(p + i * PAGE, 1);
		t1 = svacc_now_ns();
		for (i = 0; i < pages; i++)
			touch(p + i * PAGE, 2);
		t2 = svacc_now_ns();
		smp_add(cpu, ((double)(t1 - t0) - (double)(t2 - t1)) / pages);
		svacc_free(p, bytes);

		p = map_anon(bytes, false);
		if (!p)
			return -ENOMEM;
		svacc_get_counters(dv->s->fd, &c0);
		ret = dev_memfill(dv, p, bytes, &a);
		if (!ret)
			ret = dev_memfill(dv, p, bytes, &b);
		if (!ret) {
			smp_add(dev, (a - b) / pages);
			diag("first touch of %zu MiB: cpu %.2f us/page, device %.2f us/page\n",
			     bytes / MiB, cpu->v[cpu->n - 1] / 1e3,
			     dev->v[dev->n - 1] / 1e3);
			diag("  device: %.1f ms, then %.1f ms\n", a / 1e6, b / 1e6);
			counters_diag(dv->s, "first touch", &c0);
			if (r == n - 1)
				check_fill("device MEMFILL (first touch)",
					   p, bytes, FILL_PATTERN);
		}
		svacc_free(p, bytes);
	}
	return ret;
}

static int bench_first_touch(struct dev *dv)
{
	struct smp cpu = { 0 }, dev = { 0 };
	int ret;

	if (smp_init(&cpu, ft_n) || smp_init(&dev, ft_n))
		return -ENOMEM;
	ret = first_touch(dv, ft_bytes, ft_n, &cpu, &dev);
	if (!ret) {
		row_med("ft64_cpu_ns_per_page", "ns", &cpu);
		row_med("ft64_dev_ns_per_page", "ns", &dev);
		row_ratio("first_touch_64m_vs_cpu", &dev, &cpu, 50);
	}
	smp_free(&cpu);
	smp_free(&dev);
	return ret;
}

/*
 * Translation-only misses: MISS_PAGES pages the CPU populated and the
 * device never translated, filled once (miss) and again (hit); each less
 * the time of a 64-byte fill of a translated page (the per-descriptor
 * cost), per page.
 */
static int bench_devtlb(struct dev *dv)
{
	size_t bytes = MISS_PAGES * PAGE;
	int n = quick ? 5 : 30, r, ret = 0, i;
	struct smp miss = { 0 }, hit = { 0 }, ovh = { 0 };
	struct drm_svacc_counters c0;
	double a, b, o, base_ovh;
	uint8_t *p;

	if (smp_init(&miss, n) || smp_init(&hit, n) || smp_init(&ovh, n))
		return -ENOMEM;
	svacc_get_counters(dv->s->fd, &c0);
	for (r = 0; r < n && !ret; r++) {
		p = map_anon(bytes, false);
		if (!p)
			return -ENOMEM;
		ret = svacc_touch(p, bytes, true);
		if (!ret)
			ret = dev_memfill(dv, p, bytes, &a);
		if (!ret)
			ret = dev_memfill(dv, p, bytes, &b);
		if (!ret)
			ret = dev_memfill(dv, p, 64, &o);
		if (!ret) {
			smp_add(&miss, a);
			smp_add(&hit, b);
			smp_add(&ovh, o);
			if (r == n - 1)
				check_fill("device MEMFILL (translation miss)", p,
					   bytes, FILL_PATTERN);
		}
		svacc_free(p, bytes);
	}
	counters_diag(dv->s, "translation-only misses", &c0);
	if (!ret) {
		base_ovh = pct(&ovh, 50);
		for (i = 0; i < n; i++) {
			miss.v[i] = (miss.v[i] > base_ovh ? miss.v[i] - base_ovh : 0) / MISS_PAGES;
			hit.v[i] = (hit.v[i] > base_ovh ? hit.v[i] - base_ovh : 0) / MISS_PAGES;
		}
		row_med("devtlb_miss_ns_per_page", "ns", &miss);
		row_med("devtlb_hit_ns_per_page", "ns", &hit);
		row_ratio("devtlb_miss_cost", &miss, &hit, 50);
		diag("per page: translation miss %.0f ns, hit %.0f ns (descriptor %.0f ns)\n",
		     pct(&miss, 50), pct(&hit, 50), base_ovh);
	}
	smp_free(&miss);
	smp_free(&hit);
	smp_free(&ovh);
	return ret;
}

enum { TAX_MUNMAP = 'm', TAX_MPROTECT = 'p', TAX_QUIT = 'q' };

/* munmap() or mprotect() of TAX_BYTES the CPU populated; @dv: device-used */
static int tax_sample(int what, struct dev *dv, double *us)
{
	uint8_t *p = map_anon(TAX_BYTES, false);
	uint64_t t0;
	int ret;

	if (!p)
		return -ENOMEM;
	ret = svacc_touch(p, TAX_BYTES, true);
	if (!ret && dv)
		ret = dev_memfill(dv, p, TAX_BYTES, NULL);
	if (ret) {
		svacc_free(p, TAX_BYTES);
		return ret;
	}
	t0 = svacc_now_ns();
	if (what == TAX_MUNMAP)
		ret = munmap(p, TAX_BYTES);
	else
		ret = mprotect(p, TAX_BYTES, PROT_READ);
	*us = since(t0, svacc_now_ns()) / 1e3;
	if (what != TAX_MUNMAP)
		svacc_free(p, TAX_BYTES);
	return ret ? -errno : 0;
}

/* A process that never opened the device: the same steps, on request. */
static void tax_child(int cmd_fd, int res_fd)
{
	double us;
	char cmd;

	while (read(cmd_fd, &cmd, 1) == 1 && cmd != TAX_QUIT) {
		if (tax_sample(cmd, NULL, &us))
			us = -1;
		if (write(res_fd, &us, sizeof(us)) != sizeof(us))
			break;
	}
	_exit(0);
}

static int bench_mirror_tax(struct dev *dv)
{
	int n = quick ? 5 : 20, i, w, ret = 0, cmd[2], res[2];
	struct smp bound[2], unbound[2], unused = { 0 };
	char c;
	double x;
	pid_t pid;

	for (w = 0; w < 2; w++)
		if (smp_init(&bound[w], n) || smp_init(&unbound[w], n))
			return -ENOMEM;
	if (smp_init(&unused, n))
		return -ENOMEM;
	if (pipe(cmd) || pipe(res))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(cmd[1]);
		close(res[0]);
		tax_child(cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	for (i = 0; i < n && !ret; i++) {
		for (w = 0; w < 2 && !ret; w++) {
			c = w ? TAX_MPROTECT : TAX_MUNMAP;
			if (write(cmd[1], &c, 1) != 1 ||
			    read(res[0], &x, sizeof(x)) != sizeof(x) || x < 0) {
				ret = -EIO;
				break;
			}
			smp_add(&unbound[w], x);
			ret = tax_sample(c, dv, &x);
			smp_add(&bound[w], x);
		}
		if (!ret)
			ret = tax_sample(TAX_MUNMAP, NULL, &x);
		smp_add(&unused, x);
	}
	c = TAX_QUIT;
	if (write(cmd[1], &c, 1) != 1)
		ret = ret ? ret : -EIO;
	close(cmd[1]);
	close(res[0]);
	waitpid(pid, NULL, 0);
	if (!ret) {
		row_med("munmap_unbound_us", "us", &unbound[0]);
		row_med("munmap_bound_us", "us", &bound[0]);
		row_med("munmap_bound_unused_us", "us", &unused);
		row_ratio("mirror_tax_munmap", &bound[0], &unbound[0], 50);
		row_ratio("mirror_tax_munmap_unused", &unused, &unbound[0], 50);
		row_med("mprotect_unbound_us", "us", &unbound[1]);
		row_med("mprotect_bound_us", "us", &bound[1]);
		row_ratio("mirror_tax_mprotect", &bound[1], &unbound[1], 50);
		diag("munmap of 2 MiB (us): unbound %.0f, bound %.0f, unused %.0f\n",
		     pct(&unbound[0], 50), pct(&bound[0], 50), pct(&unused, 50));
		diag("mprotect of 2 MiB (us): unbound %.0f, bound %.0f\n",
		     pct(&unbound[1], 50), pct(&bound[1], 50));
	}
	for (w = 0; w < 2; w++) {
		smp_free(&bound[w]);
		smp_free(&unbound[w]);
	}
	smp_free(&unused);
	return ret;
}

/* open() (the context and its bind) + first NOP through the ioctl, polled */
static void open_child(const char *path, int res_fd)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	struct drm_svacc_desc d;
	double t[2] = { -1, -1 };
	uint64_t t0, t1;
	struct svacc cs;

	t0 = svacc_now_ns();
	if (c && !svacc_open(&cs, path)) {
		svacc_desc_nop(&d, NULL);
		if (!dev_run(&cs, BP_IOCTL, true, &d, c, NULL, NULL)) {
			t1 = svacc_now_ns();
			t[0] = since(t0, t1) / 1e3;
			svacc_close(&cs);
			t[1] = since(t1, svacc_now_ns()) / 1e3;
		}
	}
	if (write(res_fd, t, sizeof(t)) != sizeof(t))
		_exit(1);
	_exit(0);
}

static int bench_open(struct svacc *s)
{
	int n = quick ? 3 : 10, i, ret = 0, res[2];
	struct smp op = { 0 }, cl = { 0 };
	double t[2];
	pid_t pid;

	if (smp_init(&op, n) || smp_init(&cl, n))
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		if (pipe(res))
			return -errno;
		pid = fork();
		if (pid < 0)
			return -errno;
		if (!pid) {
			close(res[0]);
			close(s->fd);
			open_child(s->path, res[1]);
		}
		close(res[1]);
		if (read(res[0], t, sizeof(t)) != sizeof(t) || t[0] < 0)
			ret = -EIO;
		close(res[0]);
		waitpid(pid, NULL, 0);
		smp_add(&op, t[0]);
		smp_add(&cl, t[1]);
	}
	if (!ret) {
		row_med("open_bind_submit_us", "us", &op);
		row_med("close_unbind_us", "us", &cl);
		if (null_ioctl_p50 > 0)
			row("open_bind_submit_vs_null", pct(&op, 50) * 1e3 / null_ioctl_p50,
			    "ratio", op.n, smp_min(&op) * 1e3 / null_ioctl_p50,
			    smp_max(&op) * 1e3 / null_ioctl_p50);
		diag("open + bind + first NOP in a new process: %.0f us; close: %.0f us\n",
		     pct(&op, 50), pct(&cl, 50));
	}
	smp_free(&op);
	smp_free(&cl);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Scaling: processes, each with its own context and buffers */

struct scale_result {
	uint64_t bytes;
	uint64_t end_ns;
	int err;
	int verify_ok;
};

struct scale_cfg {
	size_t size;		/* bytes per copy */
	int inflight;		/* copies in flight per process */
	bool host;		/* memcpy() instead of the device */
};

static void scale_child(const char *path, const struct scale_cfg *cfg,
			int ready_fd, int go_fd, int res_fd)
{
	struct scale_result res = { 0 };
	size_t n = cfg->size, span = 2 * n * cfg->inflight;
	struct drm_svacc_completion *c = svacc_records_alloc(cfg->inflight);
	struct drm_svacc_desc *d = svacc_descs_alloc(cfg->inflight);
	uint8_t *buf = map_anon(span, true);
	uint64_t deadline;
	struct svacc cs;
	int k;
	char ch = 0;

	if (!c || !d || !buf)
		res.err = -ENOMEM;
	if (!res.err && !cfg->host)
		res.err = svacc_open(&cs, path);
	if (!res.err) {
		svacc_fill_random(buf, span, getpid());
		/* the device has seen the buffers: no faults in the timed part */
		for (k = 0; k < cfg->inflight && !res.err; k++) {
			uint8_t *src = buf + 2 * n * k;

			if (cfg->host) {
				memcpy(src + n, src, n);
				continue;
			}
			svacc_desc_memmove(&d[k], src + n, src, n, NULL);
			res.err = dev_run(&cs, BP_IOCTL, true, &d[k], c, NULL, NULL);
		}
		for (k = 0; k < cfg->inflight; k++)
			stamp(buf + 2 * n * k, n, (uint64_t)getpid() << 16 | k);
	}
	if (write(ready_fd, &ch, 1) != 1)
		_exit(1);
	if (read(go_fd, &deadline, sizeof(deadline)) != sizeof(deadline))
		_exit(1);
	while (!res.err && svacc_now_ns() < deadline) {
		for (k = 0; k < cfg->inflight && !res.err; k++) {
			uint8_t *src = buf + 2 * n * k;

			if (cfg->host) {
				cpu_copy(NULL, src + n, src, n);
				continue;
			}
			svacc_desc_memmove(&d[k], src + n, src, n, &c[k]);
			d[k].flags |= SVACC_DESC_F_BOF;
			res.err = svacc_ioctl_submit_all(&cs, &d[k], 1);
		}
		for (k = 0; k < cfg->inflight && !res.err && !cfg->host; k++)
			res.err = status_ok(&d[k], &c[k],
					    svacc_wait(&cs, &c[k], SVACC_WAIT_TIMEOUT_NS));
		if (!res.err)
			res.bytes += n * cfg->inflight;
	}
	res.end_ns = svacc_now_ns();
	res.verify_ok = 1;
	for (k = 0; k < cfg->inflight; k++)
		if (memcmp(buf + 2 * n * k + n, buf + 2 * n * k, n))
			res.verify_ok = 0;
	if (write(res_fd, &res, sizeof(res)) != sizeof(res))
		_exit(1);
	if (!cfg->host)
		svacc_close(&cs);
	_exit(0);
}

/* total MB/s of @nproc processes; per-process MB/s in @per (optional) */
static int scale_run(struct svacc *s, const struct scale_cfg *cfg, int nproc,
		     double *mbps, struct smp *per)
{
	int ready[2], go[2], res[2], i, ret = 0, alive = 0;
	struct scale_result r;
	uint64_t t0, deadline, end = 0, bytes = 0;
	char ch;

	if (pipe(ready) || pipe(go) || pipe(res))
		return -errno;
	for (i = 0; i < nproc; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			ret = -errno;
			break;
		}
		if (pid == 0) {
			close(ready[0]);
			close(go[1]);
			close(res[0]);
			if (s)
				close(s->fd);
			scale_child(s ? s->path : NULL, cfg, ready[1], go[0],
				    res[1]);
		}
		alive++;
	}
	close(ready[1]);
	close(go[0]);
	close(res[1]);
	for (i = 0; i < alive; i++)
		if (read(ready[0], &ch, 1) != 1)
			ret = -EIO;
	t0 = svacc_now_ns();
	deadline = t0 + scale_ns;
	for (i = 0; i < alive; i++)
		if (write(go[1], &deadline, sizeof(deadline)) != sizeof(deadline))
			ret = -EIO;
	for (i = 0; i < alive; i++) {
		if (read(res[0], &r, sizeof(r)) != sizeof(r)) {
			ret = -EIO;
			continue;
		}
		if (r.err)
			ret = r.err;
		if (r.verify_ok)
			verified++;
		else
			verify_failed++;
		if (!r.verify_ok)
			diag("VERIFY FAILED: scaling copy of process %d\n", i);
		bytes += r.bytes;
		if (r.end_ns > end)
			end = r.end_ns;
		if (per)
			smp_add(per, r.bytes * 1e3 / (double)(r.end_ns - t0));
	}
	while (wait(NULL) > 0)
		;
	close(ready[0]);
	close(go[1]);
	close(res[0]);
	if (ret)
		return ret;
	*mbps = (double)bytes * 1e3 / (double)(end - t0);
	diag("%d process(es) x %d in flight, %zu KiB copies (%s): %.0f MB/s\n",
	     nproc, cfg->inflight, cfg->size / KiB, cfg->host ? "memcpy" : "device",
	     *mbps);
	return 0;
}

/*
 * 1 vs 8 processes (interleaved, SCALE_REPS each), and with @inflight8 one
 * process with 8 copies in flight. Rows scale<sfx>_1proc, scale<sfx>_8proc
 * (MB/s), scale_8<sfx> (ratio), scale_8<sfx>_fairness (slowest process /
 * fastest), scale<sfx>_1proc_8inflight (MB/s), scale_8inflight<sfx>.
 */
static int bench_scale(struct svacc *s, const char *sfx, size_t size,
		       bool host, bool inflight8)
{
	struct scale_cfg one = { .size = size, .inflight = 1, .host = host };
	struct scale_cfg eight = { .size = size, .inflight = 8, .host = host };
	struct smp s1 = { 0 }, s8 = { 0 }, sq = { 0 }, per = { 0 }, fair = { 0 };
	int r, n = quick ? 1 : SCALE_REPS, nproc = quick ? 2 : SCALE_PROCS;
	char name[64];
	double x;
	int ret = 0;

	if (smp_init(&s1, n) || smp_init(&s8, n) || smp_init(&sq, n) ||
	    smp_init(&per, nproc) || smp_init(&fair, n))
		return -ENOMEM;
	for (r = 0; r < n && !ret; r++) {
		ret = scale_run(s, &one, 1, &x, NULL);
		smp_add(&s1, x);
		if (ret)
			break;
		per.n = 0;
		ret = scale_run(s, &one, nproc, &x, &per);
		smp_add(&s8, x);
		smp_add(&fair, smp_max(&per) ? smp_min(&per) / smp_max(&per) : 0);
		if (!ret && inflight8) {
			ret = scale_run(s, &eight, 1, &x, NULL);
			smp_add(&sq, x);
		}
	}
	if (!ret) {
		snprintf(name, sizeof(name), "scale%s_1proc", sfx);
		row_med(name, "MB/s", &s1);
		snprintf(name, sizeof(name), "scale%s_8proc", sfx);
		row_med(name, "MB/s", &s8);
		snprintf(name, sizeof(name), "scale_8%s", sfx);
		row_ratio(name, &s8, &s1, 50);
		snprintf(name, sizeof(name), "scale_8%s_fairness", sfx);
		row_med(name, "ratio", &fair);
		if (inflight8) {
			snprintf(name, sizeof(name), "scale%s_1proc_8inflight", sfx);
			row_med(name, "MB/s", &sq);
			snprintf(name, sizeof(name), "scale_8inflight%s", sfx);
			row_ratio(name, &sq, &s1, 50);
		}
	}
	smp_free(&s1);
	smp_free(&s8);
	smp_free(&sq);
	smp_free(&per);
	smp_free(&fair);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The first edition's figures, kept as emulation (info) */

static int param_read(const char *path, unsigned int *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%u", v) == 1;
	fclose(f);
	return ok ? 0 : -EIO;
}

static int param_write(const char *path, unsigned int v)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%u\n", v) < 0)
		ret = -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

/* device faults per MiB of a first-touch MEMFILL with window @w */
static int faults_per_mib(struct dev *dv, unsigned int w, double *fpm,
			  double *us_per_page)
{
	struct drm_svacc_counters c0, c1;
	size_t bytes = 2 * MiB;
	double t;
	void *p;
	int ret;

	ret = param_write(FA_PARAM, w);
	if (ret)
		return ret;
	p = map_anon(bytes, false);
	if (!p)
		return -ENOMEM;
	svacc_get_counters(dv->s->fd, &c0);
	ret = dev_memfill(dv, p, bytes, &t);
	svacc_get_counters(dv->s->fd, &c1);
	svacc_free(p, bytes);
	if (ret)
		return ret;
	*fpm = (double)(c1.dev_fault - c0.dev_fault) * MiB / bytes;
	*us_per_page = t / 1e3 / (bytes / PAGE);
	return 0;
}

static int bench_info(struct svacc *s, struct dev *dv)
{
	struct smp cpu = { 0 }, dev = { 0 };
	double f1, fd, t1, td;
	unsigned int def;
	int ret;

	/* fault_cost_ratio: the 64 MiB method at 4 MiB */
	if (smp_init(&cpu, reps) || smp_init(&dev, reps))
		return -ENOMEM;
	ret = first_touch(dv, quick ? MiB : 4 * MiB, reps, &cpu, &dev);
	if (!ret) {
		row_ratio("fault_cost_ratio", &dev, &cpu, 50);
		smp_scale(&cpu, 0.001);
		smp_scale(&dev, 0.001);
		row_med("cpu_first_touch", "us/page", &cpu);
		row_med("dev_first_touch", "us/page", &dev);
	}
	smp_free(&cpu);
	smp_free(&dev);
	if (ret)
		return ret;

	/* faultaround_gain (device page table mode) */
	if (s->info.mode == SVACC_MODE_HMM && !param_read(FA_PARAM, &def)) {
		ret = faults_per_mib(dv, 1, &f1, &t1);
		if (!ret)
			ret = faults_per_mib(dv, def, &fd, &td);
		param_write(FA_PARAM, def);
		if (ret)
			return ret;
		row("faults_per_mib_window1", f1, "faults/MiB", 1, f1, f1);
		row("faults_per_mib_default", fd, "faults/MiB", 1, fd, fd);
		if (fd > 0)
			row("faultaround_gain", f1 / fd, "ratio", 1, f1 / fd, f1 / fd);
		row("faultaround_time_gain", t1 / td, "ratio", 1, t1 / td, t1 / td);
	}

	/* scale_8: 1 MiB copies, which the model runs inline */
	return bench_scale(s, "", SCALE_INLINE_SIZE, false, false);
}

/* ------------------------------------------------------------------ */

static void step(const char *name, int ret)
{
	if (ret) {
		diag("%s failed: %s\n", name, strerror(ret < 0 ? -ret : ret));
		failures++;
	}
}

static void setup(void)
{
	const char *tun = getenv("GLIBC_TUNABLES");

	quick = getenv("SVACC_BENCH_QUICK") && atoi(getenv("SVACC_BENCH_QUICK"));
	reps = env_int("SVACC_BENCH_REPS", quick ? 2 : 5, 1, 64);
	lat_n = env_int("SVACC_BENCH_LAT_N", quick ? 20 : 400, 10, 100000);
	fault_n = env_int("SVACC_BENCH_FAULT_N", quick ? 10 : 200, 10, 100000);
	scale_ns = env_int("SVACC_BENCH_SCALE_MS", quick ? 200 : 1500, 50,
			   600000) * 1000000ULL;
	ft_n = quick ? 1 : 3;
	fault_poll = getenv("SVACC_BENCH_FAULT_WAIT") &&
		     !strcmp(getenv("SVACC_BENCH_FAULT_WAIT"), "poll");
	if (quick) {
		thr_max = 256 * KiB;
		pool_bytes = 8 * MiB;
		ft_bytes = 4 * MiB;
	}
	signal(SIGPIPE, SIG_IGN);
	diag("mode %s: %d samples per throughput point, %d per latency point%s\n",
	     bmode, reps, lat_n, quick ? " (quick)" : "");
	diag("GLIBC_TUNABLES=%s\n", tun ? tun : "");
	measure_clock();
}

static void finish(uint64_t t0)
{
	int ok = !verify_failed && verified;

	row("bytes_verified", ok, "bool", verified + verify_failed, ok, ok);
	diag("done in %.1f s, %d failure(s), %u comparison(s), %u failed\n",
	     (svacc_now_ns() - t0) / 1e9, failures, verified + verify_failed,
	     verify_failed);
}

int cmd_bench(struct svacc *s, const struct opts *o)
{
	const char *env = getenv("MODE");
	uint64_t t0 = svacc_now_ns();
	struct dev dv;

	(void)o;
	bmode = env && *env ? env : svacc_mode_name(s->info.mode);
	setup();
	diag("device translation: %s\n", svacc_mode_name(s->info.mode));
	row("xlate_mode", s->info.mode, "enum", 1, s->info.mode, s->info.mode);
	if (dev_init(&dv, s)) {
		diag("out of memory\n");
		return 1;
	}
	if (wanted("engine"))
		step("engine", bench_engine(&dv));
	if (wanted("crossover"))
		step("crossover", bench_crossover(&dv));
	if (wanted("latency"))
		step("latency", bench_latency(s));
	if (wanted("driver"))
		step("driver", bench_driver(s));
	if (wanted("queue"))
		step("queue", bench_queue(&dv));
	if (wanted("fault") || wanted("faultlat"))
		step("fault latency", bench_fault_latency(&dv));
	if (wanted("fault") || wanted("firsttouch"))
		step("first touch", bench_first_touch(&dv));
	if (wanted("fault") || wanted("devtlb"))
		step("translation miss", bench_devtlb(&dv));
	if (wanted("fault") || wanted("tax"))
		step("mirror tax", bench_mirror_tax(&dv));
	if (wanted("fault") || wanted("open"))
		step("open", bench_open(s));
	if (wanted("scale"))
		step("scale", bench_scale(s, "_bg", quick ? 2 * MiB : SCALE_BG_SIZE,
					  false, true));
	if (wanted("info"))
		step("info", bench_info(s, &dv));
	free(dv.c);
	finish(t0);
	return failures || verify_failed ? 1 : 0;
}

/* The CPU parts natively on the host: mode "host", no device. */
int cmd_bench_host(struct svacc *s, const struct opts *o)
{
	uint64_t t0 = svacc_now_ns();

	(void)s;
	(void)o;
	bmode = "host";
	setup();
	if (wanted("engine"))
		step("engine", bench_engine(NULL));
	if (wanted("crossover"))
		step("crossover", bench_crossover(NULL));
	if (wanted("driver"))
		step("syscall", bench_syscall());
	if (wanted("scale"))
		step("scale", bench_scale(NULL, "_bg",
					  quick ? 2 * MiB : SCALE_BG_SIZE, true, false));
	finish(t0);
	return failures || verify_failed ? 1 : 0;
}
