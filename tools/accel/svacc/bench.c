// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc bench: what offload and faults cost, as ratios measured in one run.
 *
 * Prints CSV rows "figure,mode,value,unit" on stdout and nothing else;
 * progress and raw timings go to stderr. The figures (see
 * Documentation/accel/svacc/bench.rst):
 *
 *   throughput_cpu_<size>, throughput_dev_<size>   MB/s, 4 KiB .. 64 MiB,
 *                       best of SVACC_BENCH_REPS samples
 *   offload_ratio       device MEMMOVE / CPU memcpy at 64 MiB (warm memory)
 *   fault_cost_ratio    extra time per page of a device first touch /
 *                       extra time per page of a CPU first touch
 *   faultaround_gain    device faults per MiB with fault_around=1 / with the
 *                       default window (device page table mode only)
 *   portal_vs_ioctl     NOP rate through a dedicated WQ portal / through
 *                       DRM_IOCTL_SVACC_SUBMIT (record polled)
 *   scale_8             total 1 MiB MEMMOVE throughput, 8 processes / 1
 *                       (best of up to 3 interleaved samples each)
 *
 * The mode column is $MODE (the harness's mode name) or, without it, the
 * device's translation mode. Environment knobs: SVACC_BENCH_REPS (samples
 * per point, default 5), SVACC_BENCH_ONLY (comma list of: sweep, fault,
 * faultaround, portal, scale); for profiling one submission path:
 * SVACC_BENCH_NOP_PATH=portal|ioctl (no rows), SVACC_BENCH_PORTAL_MS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libsvacc.h"

struct opts;
int cmd_bench(struct svacc *s, const struct opts *o);

#define KiB			1024UL
#define MiB			(1024UL * 1024UL)
#define BIG			(64 * MiB)
#define FAULT_BYTES		(4 * MiB)
#define FA_BYTES		(2 * MiB)
#define SCALE_PROCS		8
#define SCALE_SIZE		MiB
#define SCALE_REPS		3
#define SCALE_NS		(2000LL * 1000000LL)
#define PORTAL_NS		(1000LL * 1000000LL)
#define SPIN_TIMEOUT_NS		(10LL * 1000000000LL)
#define FA_PARAM		"/sys/module/svacc/parameters/fault_around"

static const char *bmode;
static int reps = 5;
static uint64_t portal_ns = PORTAL_NS;
static int failures;

#define diag(...)	fprintf(stderr, "bench: " __VA_ARGS__)

static void row(const char *figure, double value, const char *unit)
{
	printf("%s,%s,%.4g,%s\n", figure, bmode, value, unit);
	fflush(stdout);
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double best(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

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

/*
 * Run one descriptor to the end through @s's default path. @poll: no
 * completion interrupt, spin on the record; otherwise RCI + svacc_wait().
 */
static int dev_op(struct svacc *s, struct drm_svacc_desc *d,
		  struct drm_svacc_completion *c, bool poll)
{
	int st, ret;

	memset(c, 0, sizeof(*c));
	d->completion_addr = (uintptr_t)c;
	/*
	 * BOF always: without it a record the device page table does not map
	 * yet (HMM modes) is not written at all (hardware.rst, SWERR 0x06).
	 */
	d->flags |= SVACC_DESC_F_CRAV | SVACC_DESC_F_BOF;
	if (poll)
		d->flags &= ~SVACC_DESC_F_RCI;
	else
		d->flags |= SVACC_DESC_F_RCI;
	ret = svacc_submit(s, d, 1);
	if (ret)
		return ret;
	st = poll ? spin_wait(c) : svacc_wait(s, c, SVACC_WAIT_TIMEOUT_NS);
	if (st < 0)
		return st;
	if (st != SVACC_STATUS_SUCCESS) {
		diag("%s: status %s (fault at 0x%llx)\n", svacc_op_name(d->opcode),
		     svacc_status_name(st), (unsigned long long)c->fault_addr);
		return -EIO;
	}
	return 0;
}

static int dev_memmove(struct svacc *s, void *dst, const void *src,
		       size_t size, struct drm_svacc_completion *c, bool poll)
{
	struct drm_svacc_desc d;

	svacc_desc_memmove(&d, dst, src, size, NULL);
	d.flags |= SVACC_DESC_F_BOF;
	return dev_op(s, &d, c, poll);
}

static int dev_memfill(struct svacc *s, void *dst, size_t size,
		       struct drm_svacc_completion *c)
{
	struct drm_svacc_desc d;

	svacc_desc_memfill(&d, dst, 0x5a5a5a5a5a5a5a5aULL, size, NULL);
	d.flags |= SVACC_DESC_F_BOF;
	return dev_op(s, &d, c, false);
}

static void *map_anon(size_t size, bool thp)
{
	void *p = thp ? mmap(NULL, size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) :
			svacc_alloc_untouched(size);

	return p == MAP_FAILED ? NULL : p;
}

static const char *size_name(size_t size, char *buf, size_t len)
{
	if (size >= MiB)
		snprintf(buf, len, "%zuM", size / MiB);
	else
		snprintf(buf, len, "%zuK", size / KiB);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Throughput sweep and offload_ratio */

static int bench_sweep(struct svacc *s, double *dev_big)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	double cpu[16], dev[16], mcpu = 0, mdev = 0;
	char name[48], sz[16];
	uint8_t *src, *dst;
	size_t size;
	int r, i, n, ret = 0;
	uint64_t t0;

	src = map_anon(BIG, true);
	dst = map_anon(BIG, true);
	if (!c || !src || !dst)
		return -ENOMEM;
	/* pre-fault for the CPU, then once for the device (its mapping/ATC) */
	memset(src, 0xa5, BIG);
	memset(dst, 0, BIG);
	ret = dev_memmove(s, dst, src, BIG, c, false);
	if (ret)
		goto out;

	for (size = 4 * KiB; size <= BIG; size *= 4) {
		n = size >= 4 * MiB ? 1 : (int)(4 * MiB / size);
		if (n > 256)
			n = 256;
		for (r = 0; r < reps; r++) {
			t0 = svacc_now_ns();
			for (i = 0; i < n; i++) {
				memcpy(dst, src, size);
				__asm__ volatile("" ::: "memory");
			}
			cpu[r] = (double)size * n * 1e3 / (svacc_now_ns() - t0);
			t0 = svacc_now_ns();
			for (i = 0; i < n; i++) {
				ret = dev_memmove(s, dst, src, size, c, true);
				if (ret)
					goto out;
			}
			dev[r] = (double)size * n * 1e3 / (svacc_now_ns() - t0);
		}
		/* best of: other load on the host only ever slows a sample */
		mcpu = best(cpu, reps);
		mdev = best(dev, reps);
		size_name(size, sz, sizeof(sz));
		diag("%-4s x%-3d cpu %9.1f MB/s  dev %9.1f MB/s\n", sz, n, mcpu, mdev);
		snprintf(name, sizeof(name), "throughput_cpu_%s", sz);
		row(name, mcpu, "MB/s");
		snprintf(name, sizeof(name), "throughput_dev_%s", sz);
		row(name, mdev, "MB/s");
	}
	/* the loop ends at BIG */
	*dev_big = mdev;
	row("cpu_memcpy_64M", mcpu, "MB/s");
	row("engine_memmove_64M", mdev, "MB/s");
	row("offload_ratio", mdev / mcpu, "ratio");
out:
	svacc_free(src, BIG);
	svacc_free(dst, BIG);
	free(c);
	return ret;
}

/* ------------------------------------------------------------------ */
/* fault_cost_ratio */

static int bench_fault(struct svacc *s)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	struct drm_svacc_counters c0, c1;
	size_t pages = FAULT_BYTES / SVACC_PAGE_SIZE, i;
	double cpu[16], dev[16], mcpu, mdev;
	uint64_t t0, t1, t2;
	volatile uint8_t *p;
	int r, ret = 0;

	if (!c)
		return -ENOMEM;
	for (r = 0; r < reps; r++) {
		p = map_anon(FAULT_BYTES, false);
		if (!p)
			return -ENOMEM;
		t0 = svacc_now_ns();
		for (i = 0; i < pages; i++)
			p[i * SVACC_PAGE_SIZE] = 1;
		t1 = svacc_now_ns();
		for (i = 0; i < pages; i++)
			p[i * SVACC_PAGE_SIZE] = 2;
		t2 = svacc_now_ns();
		cpu[r] = ((double)(t1 - t0) - (double)(t2 - t1)) / pages;
		svacc_free((void *)p, FAULT_BYTES);

		p = map_anon(FAULT_BYTES, false);
		if (!p)
			return -ENOMEM;
		svacc_get_counters(s->fd, &c0);
		t0 = svacc_now_ns();
		ret = dev_memfill(s, (void *)p, FAULT_BYTES, c);
		t1 = svacc_now_ns();
		if (!ret)
			ret = dev_memfill(s, (void *)p, FAULT_BYTES, c);
		t2 = svacc_now_ns();
		svacc_get_counters(s->fd, &c1);
		svacc_free((void *)p, FAULT_BYTES);
		if (ret)
			goto out;
		dev[r] = ((double)(t1 - t0) - (double)(t2 - t1)) / pages;
		diag("first touch, %zu pages: cpu %.2f us/page, device %.2f us/page (first %.1f ms, warm %.1f ms; page_req %llu prg %llu dev_fault %llu)\n",
		     pages, cpu[r] / 1e3, dev[r] / 1e3, (t1 - t0) / 1e6,
		     (t2 - t1) / 1e6,
		     (unsigned long long)(c1.page_req - c0.page_req),
		     (unsigned long long)(c1.prg - c0.prg),
		     (unsigned long long)(c1.dev_fault - c0.dev_fault));
	}
	mcpu = median(cpu, reps);
	mdev = median(dev, reps);
	row("cpu_first_touch", mcpu / 1e3, "us/page");
	row("dev_first_touch", mdev / 1e3, "us/page");
	row("fault_cost_ratio", mdev / mcpu, "ratio");
out:
	free(c);
	return ret;
}

/* ------------------------------------------------------------------ */
/* faultaround_gain (device page table mode) */

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
static int faults_per_mib(struct svacc *s, unsigned int w, double *fpm,
			  double *us_per_page)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	struct drm_svacc_counters c0, c1;
	uint64_t t0, t1;
	void *p;
	int ret;

	ret = param_write(FA_PARAM, w);
	if (ret) {
		free(c);
		return ret;
	}
	p = map_anon(FA_BYTES, false);
	if (!c || !p) {
		free(c);
		return -ENOMEM;
	}
	svacc_get_counters(s->fd, &c0);
	t0 = svacc_now_ns();
	ret = dev_memfill(s, p, FA_BYTES, c);
	t1 = svacc_now_ns();
	svacc_get_counters(s->fd, &c1);
	svacc_free(p, FA_BYTES);
	free(c);
	if (ret)
		return ret;
	*fpm = (double)(c1.dev_fault - c0.dev_fault) * MiB / FA_BYTES;
	*us_per_page = (t1 - t0) / 1e3 / (FA_BYTES / SVACC_PAGE_SIZE);
	diag("fault_around=%u: dev_fault %llu, hmm_faults %llu, hmm_pages_mapped %llu over %lu KiB, %.2f us/page\n",
	     w, (unsigned long long)(c1.dev_fault - c0.dev_fault),
	     (unsigned long long)(c1.hmm_faults - c0.hmm_faults),
	     (unsigned long long)(c1.hmm_pages_mapped - c0.hmm_pages_mapped),
	     FA_BYTES / KiB, *us_per_page);
	return 0;
}

static int bench_faultaround(struct svacc *s)
{
	double f1, fd, t1, td;
	unsigned int def;
	int ret;

	ret = param_read(FA_PARAM, &def);
	if (ret) {
		diag("%s: %s\n", FA_PARAM, strerror(-ret));
		return ret;
	}
	ret = faults_per_mib(s, 1, &f1, &t1);
	if (!ret)
		ret = faults_per_mib(s, def, &fd, &td);
	param_write(FA_PARAM, def);
	if (ret)
		return ret;
	row("faults_per_mib_window1", f1, "faults/MiB");
	row("faults_per_mib_default", fd, "faults/MiB");
	row("faultaround_default_window", def, "pages");
	if (fd > 0)
		row("faultaround_gain", f1 / fd, "ratio");
	row("faultaround_time_gain", t1 / td, "ratio");
	return 0;
}

/* ------------------------------------------------------------------ */
/* portal_vs_ioctl */

/* NOPs per second through @path for about PORTAL_NS */
static int nop_rate(struct svacc *s, enum svacc_path path, double *rate)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	struct drm_svacc_desc d;
	uint64_t t0, t1, now, n = 0, sub_ns = 0;
	int ret = 0, st;

	if (!c)
		return -ENOMEM;
	s->path_kind = path;
	/* warm: first use of the record and of the path */
	svacc_desc_nop(&d, NULL);
	ret = dev_op(s, &d, c, true);
	t0 = svacc_now_ns();
	while (!ret) {
		svacc_desc_nop(&d, NULL);
		memset(c, 0, sizeof(*c));
		d.completion_addr = (uintptr_t)c;
		d.flags = SVACC_DESC_F_CRAV | SVACC_DESC_F_BOF;
		t1 = svacc_now_ns();
		ret = svacc_submit(s, &d, 1);
		sub_ns += svacc_now_ns() - t1;
		if (ret)
			break;
		st = spin_wait(c);
		if (st != SVACC_STATUS_SUCCESS) {
			diag("NOP %llu via %s: %s\n", (unsigned long long)n,
			     path == SVACC_PATH_PORTAL ? "portal" : "ioctl",
			     st < 0 ? strerror(-st) : svacc_status_name(st));
			ret = st < 0 ? st : -EIO;
			break;
		}
		n++;
		now = svacc_now_ns();
		if (now - t0 >= portal_ns && n >= 100)
			break;
	}
	s->path_kind = SVACC_PATH_IOCTL;
	free(c);
	if (ret)
		return ret;
	*rate = n * 1e9 / (now - t0);
	diag("NOP via %s: %llu in %.0f ms: %.0f/s (%.1f us each, %.1f us of it submitting)\n",
	     path == SVACC_PATH_PORTAL ? "portal" : "ioctl",
	     (unsigned long long)n, (now - t0) / 1e6, *rate, 1e6 / *rate,
	     sub_ns / 1e3 / n);
	return 0;
}

static int bench_portal(struct svacc *s)
{
	const char *path_only = getenv("SVACC_BENCH_NOP_PATH");
	double rp[16], ri[16], mp, mi;
	int ret, r, n = reps < 3 ? reps : 3;

	ret = svacc_wq_claim(s, SVACC_WQ_ANY);
	if (ret) {
		diag("no dedicated WQ: %s\n", strerror(-ret));
		return ret;
	}
	/* for profiling one path: SVACC_BENCH_NOP_PATH=portal|ioctl, no rows */
	if (path_only) {
		for (r = 0; r < n && !ret; r++)
			ret = nop_rate(s, strcmp(path_only, "portal") ?
				       SVACC_PATH_IOCTL : SVACC_PATH_PORTAL, &rp[r]);
		svacc_wq_release(s);
		return ret;
	}
	for (r = 0; r < n; r++) {
		ret = nop_rate(s, SVACC_PATH_PORTAL, &rp[r]);
		if (!ret)
			ret = nop_rate(s, SVACC_PATH_IOCTL, &ri[r]);
		if (ret)
			break;
	}
	svacc_wq_release(s);
	if (ret)
		return ret;
	mp = median(rp, n);
	mi = median(ri, n);
	row("nop_rate_portal", mp, "1/s");
	row("nop_rate_ioctl", mi, "1/s");
	row("portal_vs_ioctl", mp / mi, "ratio");
	return 0;
}

/* ------------------------------------------------------------------ */
/* scale_8 */

struct scale_result {
	uint64_t copies;
	uint64_t end_ns;
	int err;
};

static void scale_child(const char *path, int ready_fd, int go_fd, int res_fd)
{
	struct scale_result res = { 0 };
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	uint64_t deadline;
	struct svacc cs;
	uint8_t *buf;
	char ch = 0;

	buf = map_anon(2 * SCALE_SIZE, true);
	res.err = svacc_open(&cs, path);
	if (!res.err && (!c || !buf))
		res.err = -ENOMEM;
	if (!res.err) {
		memset(buf, 0x3c, 2 * SCALE_SIZE);
		res.err = dev_memmove(&cs, buf + SCALE_SIZE, buf, SCALE_SIZE,
				      c, false);
	}
	if (write(ready_fd, &ch, 1) != 1)
		_exit(1);
	if (read(go_fd, &deadline, sizeof(deadline)) != sizeof(deadline))
		_exit(1);
	while (!res.err && svacc_now_ns() < deadline) {
		res.err = dev_memmove(&cs, buf + SCALE_SIZE, buf, SCALE_SIZE,
				      c, false);
		if (!res.err)
			res.copies++;
	}
	res.end_ns = svacc_now_ns();
	if (write(res_fd, &res, sizeof(res)) != sizeof(res))
		_exit(1);
	svacc_close(&cs);
	_exit(0);
}

/* total MB/s of @nproc processes, each with its own context */
static int scale_run(struct svacc *s, int nproc, double *mbps)
{
	int ready[2], go[2], res[2], i, ret = 0, alive = 0;
	struct drm_svacc_counters c0, c1;
	struct scale_result r;
	uint64_t t0, deadline, end = 0, copies = 0;
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
			close(s->fd);
			scale_child(s->path, ready[1], go[0], res[1]);
		}
		alive++;
	}
	close(ready[1]);
	close(go[0]);
	close(res[1]);
	for (i = 0; i < alive; i++)
		if (read(ready[0], &ch, 1) != 1)
			ret = -EIO;
	svacc_get_counters(s->fd, &c0);
	t0 = svacc_now_ns();
	deadline = t0 + SCALE_NS;
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
		copies += r.copies;
		if (r.end_ns > end)
			end = r.end_ns;
	}
	while (wait(NULL) > 0)
		;
	svacc_get_counters(s->fd, &c1);
	diag("%d process(es): devtlb hit %llu miss %llu, atc hit %llu miss %llu, ats_req %llu\n",
	     nproc, (unsigned long long)(c1.devtlb_hit - c0.devtlb_hit),
	     (unsigned long long)(c1.devtlb_miss - c0.devtlb_miss),
	     (unsigned long long)(c1.atc_hit - c0.atc_hit),
	     (unsigned long long)(c1.atc_miss - c0.atc_miss),
	     (unsigned long long)(c1.ats_req - c0.ats_req));
	close(ready[0]);
	close(go[1]);
	close(res[0]);
	if (ret)
		return ret;
	*mbps = (double)copies * SCALE_SIZE * 1e3 / (end - t0);
	diag("%d process(es): %llu x 1 MiB in %.0f ms: %.1f MB/s\n", nproc,
	     (unsigned long long)copies, (end - t0) / 1e6, *mbps);
	return 0;
}

/*
 * Best of up to three interleaved samples each, as for the throughput
 * sweep: other load on the host only ever slows a sample down.
 */
static int bench_scale(struct svacc *s)
{
	double one = 0, eight = 0, v;
	int r, ret = 0;

	for (r = 0; r < (reps < SCALE_REPS ? reps : SCALE_REPS) && !ret; r++) {
		ret = scale_run(s, 1, &v);
		if (!ret && v > one)
			one = v;
		if (!ret)
			ret = scale_run(s, SCALE_PROCS, &v);
		if (!ret && v > eight)
			eight = v;
	}
	if (ret)
		return ret;
	row("scale_1proc", one, "MB/s");
	row("scale_8proc", eight, "MB/s");
	row("scale_8", eight / one, "ratio");
	return 0;
}

/* ------------------------------------------------------------------ */

static void step(const char *name, int ret)
{
	if (ret) {
		diag("%s failed: %s\n", name, strerror(ret < 0 ? -ret : ret));
		failures++;
	}
}

int cmd_bench(struct svacc *s, const struct opts *o)
{
	const char *env = getenv("MODE");
	const char *r = getenv("SVACC_BENCH_REPS");
	double dev_big = 0;
	uint64_t t0 = svacc_now_ns();

	(void)o;
	bmode = env && *env ? env : svacc_mode_name(s->info.mode);
	if (r && atoi(r) > 0)
		reps = atoi(r) > 16 ? 16 : atoi(r);
	r = getenv("SVACC_BENCH_PORTAL_MS");
	if (r && atoi(r) > 0)
		portal_ns = atoi(r) * 1000000ULL;
	s->path_kind = SVACC_PATH_IOCTL;
	signal(SIGPIPE, SIG_IGN);
	diag("mode %s (device translation: %s), %d samples per point\n", bmode,
	     svacc_mode_name(s->info.mode), reps);

	if (wanted("sweep"))
		step("sweep", bench_sweep(s, &dev_big));
	if (wanted("fault"))
		step("fault_cost", bench_fault(s));
	if (wanted("faultaround") && s->info.mode == SVACC_MODE_HMM)
		step("faultaround", bench_faultaround(s));
	if (wanted("portal"))
		step("portal_vs_ioctl", bench_portal(s));
	if (wanted("scale"))
		step("scale_8", bench_scale(s));
	diag("done in %.1f s, %d failure(s)\n", (svacc_now_ns() - t0) / 1e9,
	     failures);
	return failures ? 1 : 0;
}
