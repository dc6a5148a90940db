// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc allocation failures on the driver's own paths.
 *
 * Needs FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC, FAULT_INJECTION_DEBUG_FS
 * and FAULT_INJECTION_STACKTRACE_FILTER (the harness's debug kernel, where
 * the "faultinject" guest suite runs this; it is in no mode's selftest list).
 *
 * Both fault attributes (failslab, fail_page_alloc) are restricted by their
 * stack filter to svacc.ko: only an allocation made with a svacc function
 * on the stack can fail, and only those count for /proc/thread-self/fail-nth
 * (Documentation/fault-injection/fault-injection.rst). DMA-API debugging's
 * own bookkeeping is rejected by the same filter: a failure there turns the
 * checker off for the rest of the boot.
 *
 * nth_failure: for N = 1, 2, ... the N-th svacc allocation of one "life" of
 * a context fails - open + GET_INFO, claim a dedicated WQ and map its
 * portal, a copy into never-touched memory with block-on-fault through the
 * ioctl and through the portal, wait, close - until a life runs without an
 * injected failure. Each failure must come back as -ENOMEM from a call or
 * as a completion status (or be absorbed: the life succeeds), never as a
 * hang, wrong data or a kernel splat, and a fresh context must work right
 * after. Allocations in the driver's workqueues (the HMM mirror's fault
 * path) are not the task's: workqueue_failures makes a few svacc
 * allocations of any task fail while a life's copies run instead, and
 * hmm_fault_work_alloc_failure fails the HMM fault work's first ones.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_assert.h"

#define FI_DIR		"/sys/kernel/debug"
#define FI_NTH		"/proc/thread-self/fail-nth"
/*
 * Where each injected failure hit: a return probe on should_fail_ex() with
 * a stack trace when it returned true, in a trace instance of our own (the
 * console must stay free of stack traces: the harness reads them as
 * splats).
 */
#define FI_TRACE	"/sys/kernel/tracing"
#define FI_INST		FI_TRACE "/instances/svacc_fi"
#define FI_EVENT	FI_INST "/events/svacc_fi/should_fail"
/* Bytes of each copy: 16 pages, so the device faults on several */
#define LIFE_LEN	(16 * PAGE)
/* A life that needs more failures than this never ends: a bug */
#define NTH_MAX		400
#define LIFE_WAIT_NS	(60 * NS_PER_SEC)

static const char * const fi_attrs[] = { "failslab", "fail_page_alloc" };

/* Settings of both attributes (restored afterwards) */
static const char * const fi_knobs[] = {
	"probability", "interval", "times", "space", "verbose",
	"task-filter", "ignore-gfp-wait", "stacktrace-depth",
	"require-start", "require-end", "reject-start", "reject-end",
};

struct fi_saved {
	char val[ARRAY_SIZE(fi_attrs)][ARRAY_SIZE(fi_knobs)][32];
};

static int fi_path(char *buf, size_t len, const char *attr, const char *knob)
{
	int n = snprintf(buf, len, FI_DIR "/%s/%s", attr, knob);

	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

static int fi_set(const char *attr, const char *knob, const char *val)
{
	char p[128];
	int ret = fi_path(p, sizeof(p), attr, knob);

	return ret ? ret : write_str(p, val);
}

/* Set @knob of both attributes to @val */
static int fi_set_all(const char *knob, const char *val)
{
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(fi_attrs); i++) {
		ret = fi_set(fi_attrs[i], knob, val);
		if (ret)
			return ret;
	}
	return 0;
}

/* An address knob: both attributes, in hex (debugfs takes a 0x prefix) */
static int fi_set_all_addr(const char *knob, unsigned long addr)
{
	char val[32];

	snprintf(val, sizeof(val), "%#lx", addr);
	return fi_set_all(knob, val);
}

/* The first line of the file @p, without its newline; 0 or -errno */
static int read_line(const char *p, char *val, size_t len)
{
	ssize_t n;
	int fd, ret;

	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, val, len - 1);
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (n >= 0) {
		val[n] = '\0';
		val[strcspn(val, "\n")] = '\0';
	}
	return ret;
}

static int fi_get(const char *attr, const char *knob, char *val, size_t len)
{
	char p[128];
	int ret = fi_path(p, sizeof(p), attr, knob);

	return ret ? ret : read_line(p, val, len);
}

/* [start, end) of the text of module @name: its MOD_TEXT base and size */
static int module_text(const char *name, unsigned long *start,
		       unsigned long *end)
{
	unsigned long long base;
	unsigned long size;
	char line[512], mod[64];
	int ret = -ENOENT;
	FILE *f;

	f = fopen("/proc/modules", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* name size refcount deps state base */
		if (sscanf(line, "%63s %lu %*s %*s %*s %llx",
			   mod, &size, &base) != 3 || strcmp(mod, name))
			continue;
		/*
		 * The size is of all the module's memory, text first; the
		 * range may reach past the text into memory that never
		 * holds a return address.
		 */
		*start = base;
		*end = base + size;
		ret = base ? 0 : -EPERM;	/* hidden by kptr_restrict */
		break;
	}
	fclose(f);
	return ret;
}

/* DMA-API debugging's functions that allocate, or call what does */
static bool dma_debug_sym(const char *sym)
{
	static const char * const names[] = {
		"add_dma_entry", "dma_entry_alloc", "dma_debug_create_entries",
	};
	size_t i;

	/* not the .cold parts gcc moves out of line */
	if (strchr(sym, '.'))
		return false;
	if (!strncmp(sym, "debug_dma_", 10))
		return true;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(sym, names[i]))
			return true;
	return false;
}

/*
 * [start, end) covering the functions @match accepts (contiguous ones),
 * in the kernel (@module NULL) or in @module: from the lowest of them to
 * the first symbol after the highest one, at most @max_len bytes.
 */
static int text_range(bool (*match)(const char *sym), const char *module,
		      size_t max_len, unsigned long *start, unsigned long *end)
{
	unsigned long lo = ULONG_MAX, hi = 0, next = ULONG_MAX;
	unsigned long long a;
	char line[512], sym[256], mod[64], type;
	FILE *f;
	int n;

	for (int pass = 0; pass < 2; pass++) {
		f = fopen("/proc/kallsyms", "re");
		if (!f)
			return -errno;
		while (fgets(line, sizeof(line), f)) {
			n = sscanf(line, "%llx %c %255s [%63[^]]]", &a, &type,
				   sym, mod);
			if (n < 3 || (module ? n != 4 || strcmp(mod, module) :
					       n != 3))
				continue;
			if (pass == 0 && match(sym) &&
			    (type == 'T' || type == 't')) {
				if (a < lo)
					lo = a;
				if (a > hi)
					hi = a;
			} else if (pass == 1 && a > hi && a < next) {
				next = a;
			}
		}
		fclose(f);
		if (!hi)
			return -ENOENT;
	}
	if (!lo || next == ULONG_MAX || next - lo > max_len)
		return -ERANGE;
	*start = lo;
	*end = next;
	return 0;
}

/*
 * DMA-API debugging's functions, all in kernel/dma/debug.c. Its own
 * allocations are made below one of them (dma_alloc_attrs() calls
 * add_dma_entry() directly), so a stack holding one of them is rejected.
 */
static int dma_debug_text(unsigned long *start, unsigned long *end)
{
	return text_range(dma_debug_sym, NULL, 256 * 1024, start, end);
}

/* Open @path with O_TRUNC (a trace buffer: clears it); 0 or -errno */
/* Removes the probe: once, when the run ends (the parent's exit) */
static void __attribute__((destructor)) site_trace_stop(void)
{
	write_str(FI_EVENT "/enable", "0");
	write_str(FI_EVENT "/trigger", "!stacktrace if ret == 1");
	rmdir(FI_INST);
	write_str(FI_TRACE "/kprobe_events", "-:svacc_fi/should_fail");
}

/*
 * Set up by the first test of a run, kept for the others (each test runs
 * in a child): arming and disarming probes patches kernel text, and under
 * TCG an int3 of such a patch was once seen to oops the guest. For that
 * reason too, the instance does not record task names, which would patch
 * the scheduler's tracepoints on every enable: an instance takes that
 * setting (a global one only) from the top level when it is made.
 */
static int site_trace_start(void)
{
	char on[8], rec[8];
	int ret;

	if (!read_line(FI_EVENT "/enable", on, sizeof(on)) && !strcmp(on, "1"))
		return 0;
	site_trace_stop();	/* leftovers of a killed run */
	ret = write_str(FI_TRACE "/kprobe_events",
			"r:svacc_fi/should_fail should_fail_ex ret=$retval:u8");
	if (!ret)
		ret = read_line(FI_TRACE "/options/record-cmd", rec, sizeof(rec));
	if (!ret)
		ret = write_str(FI_TRACE "/options/record-cmd", "0");
	if (!ret) {
		if (mkdir(FI_INST, 0755))
			ret = -errno;
		write_str(FI_TRACE "/options/record-cmd", rec);
	}
	if (!ret)
		ret = write_str(FI_EVENT "/filter", "ret == 1");
	if (!ret)
		ret = write_str(FI_EVENT "/trigger", "stacktrace if ret == 1");
	if (!ret)
		ret = write_str(FI_EVENT "/enable", "1");
	if (ret)
		site_trace_stop();
	return ret;
}

/* A stack trace line of the trace buffer names a svacc function */
static bool svacc_frame(const char *f)
{
	return !strncmp(f, "svacc_", 6) || strstr(f, "[svacc]");
}

/* Append @a and @b to the string of @used bytes in @buf; truncates */
static void append(char *buf, size_t len, size_t *used, const char *a,
		   const char *b)
{
	if (*used + 1 >= len)
		return;
	*used += snprintf(buf + *used, len - *used, "%s%s", a, b);
	if (*used >= len)
		*used = len - 1;
}

/* Frames of the probe and of fault injection itself, above the allocator */
static bool probe_frame(const char *f)
{
	static const char * const prefixes[] = {
		"kretprobe", "rethook", "arch_rethook", "should_fail",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(f, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * Each injected failure since the last call, as its call chain from the
 * allocator up to the innermost svacc function and that one's caller
 * ("kmalloc_x < helper < svacc_y < caller"; "< ..." when the trace's stack
 * ends before svacc), "; "-separated in @buf; then the buffer is cleared.
 */
static const char *site_trace_read(char *buf, size_t len)
{
	enum { SKIP, CHAIN, CALLER } state = SKIP;
	char line[512], *f;
	bool first = true;
	size_t used = 0;
	FILE *t;

	buf[0] = '\0';
	t = fopen(FI_INST "/trace", "re");
	if (!t)
		return "(no trace)";
	while (fgets(line, sizeof(line), t)) {
		if (strstr(line, "<stack trace>")) {
			if (state == CHAIN)
				append(buf, len, &used, " < ...", "");
			append(buf, len, &used, used ? "; " : "", "");
			first = true;
			state = CHAIN;
			continue;
		}
		f = strstr(line, "=> ");
		if (state == SKIP || !f)
			continue;
		f += 3;
		f[strcspn(f, "\n+ ")] = '\0';
		if (probe_frame(f))
			continue;
		append(buf, len, &used, first ? "" : " < ", f);
		first = false;
		if (state == CALLER)
			state = SKIP;
		else if (svacc_frame(f))
			state = CALLER;
	}
	fclose(t);
	truncate_file(FI_INST "/trace");
	if (state == CHAIN)
		append(buf, len, &used, " < ...", "");
	return buf[0] ? buf : "(no failure traced)";
}

/* Return probe hits the kernel missed (then a failure has no trace) */
static unsigned long site_trace_missed(void)
{
	unsigned long hits, missed = 0;
	char line[256], name[128];
	FILE *f = fopen(FI_TRACE "/kprobe_profile", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %lu %lu", name, &hits, &missed) == 3 &&
		    !strcmp(name, "should_fail"))
			break;
	fclose(f);
	return missed;
}

/* Read the task's fail-nth: 0 once the failure was injected */
static int nth_read(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return atoi(buf);
}

static int nth_write(int fd, int nth)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", nth);

	return pwrite(fd, buf, n, 0) == n ? 0 : -errno;
}

/* Where a life stopped, and how */
struct life {
	const char *step;
	int err;		/* negative errno of @step */
	int status;		/* completion status of @step, if not SUCCESS */
	bool bad_data;		/* SUCCESS, but the copy is wrong */
};

static void life_stop(struct life *l, const char *step, int ret)
{
	l->step = step;
	if (ret < 0)
		l->err = ret;
	else
		l->status = ret;
}

/* One BOF copy into never-touched memory; 0 or life_stop()'s value */
static int copy_untouched(struct svacc *s, enum svacc_path path,
			  const uint8_t *src, struct drm_svacc_completion *rec,
			  struct life *l, const char *step)
{
	struct drm_svacc_desc d;
	uint8_t *dst;
	int ret;

	dst = svacc_alloc_untouched(LIFE_LEN);
	if (!dst) {
		life_stop(l, "user memory", -ENOMEM);
		return -1;
	}
	memset(rec, 0, sizeof(*rec));
	svacc_desc_memmove(&d, dst, src, LIFE_LEN, rec);
	d.flags |= SVACC_DESC_F_BOF;
	if (path == SVACC_PATH_IOCTL)
		ret = svacc_ioctl_submit_all(s, &d, 1);
	else
		ret = svacc_portal_submit(s, &d);
	if (!ret)
		ret = svacc_wait(s, rec, LIFE_WAIT_NS);
	else if (ret > 0)
		ret = -EPROTO;
	if (ret == SVACC_STATUS_SUCCESS) {
		l->bad_data = memcmp(dst, src, LIFE_LEN) != 0;
		ret = l->bad_data ? -1 : 0;
		if (l->bad_data)
			l->step = step;
	} else {
		life_stop(l, step, ret);
		ret = -1;
	}
	svacc_free(dst, LIFE_LEN);
	return ret;
}

/*
 * svacc_wq_claim() in its two steps, to tell which one failed: the claim
 * ioctl, then the portal mmap. 0 or -1 after life_stop().
 */
static int wq_claim_map(struct svacc *s, struct life *l)
{
	struct drm_svacc_wq_claim claim = { .wq = SVACC_WQ_ANY };
	struct drm_svacc_wq_release rel = { 0 };
	void *p;

	if (ioctl(s->fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim)) {
		life_stop(l, "WQ claim", -errno);
		return -1;
	}
	p = mmap(NULL, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 s->fd, claim.mmap_offset);
	if (p == MAP_FAILED) {
		life_stop(l, "portal mmap", -errno);
		rel.wq = claim.wq;
		ioctl(s->fd, DRM_IOCTL_SVACC_WQ_RELEASE, &rel);
		return -1;
	}
	s->wq = claim.wq;
	s->wq_size = claim.size;
	s->mmap_offset = claim.mmap_offset;
	s->portal = p;
	s->commit_count = svacc_portal_read_status(p) >> SVACC_PORTAL_STATUS_COUNT_SHIFT;
	return 0;
}

/*
 * A context from open to close; fills @l where it stopped. @arm, when
 * given, is called with true once the WQ is claimed and with false before
 * the close: failures then hit the copies (and the device fault handling
 * they cause) only.
 */
static void life_run(struct life *l, const uint8_t *src,
		     struct drm_svacc_completion *rec, int (*arm)(bool on))
{
	struct svacc s;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = svacc_open(&s, NULL);
	if (ret) {
		life_stop(l, "open+GET_INFO", ret);
		return;
	}
	ret = wq_claim_map(&s, l);
	if (ret)
		goto out;
	ret = arm ? arm(true) : 0;
	if (ret) {
		life_stop(l, "arming failures", ret);
		goto out;
	}
	if (!copy_untouched(&s, SVACC_PATH_IOCTL, src, &rec[0], l, "ioctl copy"))
		copy_untouched(&s, SVACC_PATH_PORTAL, src, &rec[1], l, "portal copy");
	ret = arm ? arm(false) : 0;
	if (ret && !l->step)
		life_stop(l, "disarming failures", ret);
out:
	svacc_close(&s);
}

static const char *life_str(const struct life *l, char *buf, size_t len)
{
	if (!l->step)
		snprintf(buf, len, "completed");
	else if (l->bad_data)
		snprintf(buf, len, "%s: SUCCESS with wrong data", l->step);
	else if (l->err)
		snprintf(buf, len, "%s: %s", l->step, strerror(-l->err));
	else
		snprintf(buf, len, "%s: status %s", l->step,
			 svacc_status_name(l->status));
	return buf;
}

/*
 * How an injected failure (at @site, from site_trace_read()) may surface:
 * -ENOMEM from the call that hit it, or a completion status the uapi
 * documents; a timeout (-ETIME), wrong data or another errno is not a
 * clean failure. One exception is the kernel's, not svacc's: mm reports
 * any failure of remap_pfn_range()'s PAT tracking (pfnmap_track()) as
 * -EINVAL.
 */
static bool life_clean(const struct life *l, const char *site)
{
	if (!l->step)
		return true;
	if (l->bad_data)
		return false;
	if (l->err == -EINVAL && !strcmp(l->step, "portal mmap") &&
	    strstr(site, "pfnmap_track"))
		return true;
	if (l->err)
		return l->err == -ENOMEM;
	return l->status != SVACC_STATUS_NONE;
}

FIXTURE(fi) {
	struct fi_saved saved;
	bool configured;
	unsigned long text_start, text_end;
	int nth;
	int kmsg;
	uint8_t *src;
	struct drm_svacc_completion *rec;
};

FIXTURE_SETUP(fi)
{
	unsigned long rs, re;
	size_t i, k;
	int ret;

	self->nth = -1;
	self->kmsg = -1;
	kmsg_mark(_metadata->name);
	for (i = 0; i < ARRAY_SIZE(fi_attrs); i++)
		for (k = 0; k < ARRAY_SIZE(fi_knobs); k++) {
			ret = fi_get(fi_attrs[i], fi_knobs[k],
				     self->saved.val[i][k],
				     sizeof(self->saved.val[i][k]));
			ASSERT_EQ(0, ret)
				TH_LOG("%s/%s/%s: %s (a kernel without fault injection?)",
				       FI_DIR, fi_attrs[i], fi_knobs[k],
				       strerror(-ret));
		}
	self->configured = true;

	ret = module_text("svacc", &self->text_start, &self->text_end);
	ASSERT_EQ(0, ret) TH_LOG("svacc in /proc/modules: %s", strerror(-ret));
	ret = dma_debug_text(&rs, &re);
	ASSERT_EQ(0, ret) TH_LOG("debug_dma_* in /proc/kallsyms: %s",
				 strerror(-ret));

	/* Off, then narrowed to svacc, then armed by each test */
	ASSERT_EQ(0, fi_set_all("probability", "0"));
	ASSERT_EQ(0, fi_set_all("interval", "1"));
	ASSERT_EQ(0, fi_set_all("times", "-1"));
	ASSERT_EQ(0, fi_set_all("space", "0"));
	/*
	 * Silent: verbose 2 prints a stack trace per failure (a splat to the
	 * harness), 1 a line each; the trace instance says where they hit.
	 */
	ASSERT_EQ(0, fi_set_all("verbose", "0"));
	ASSERT_EQ(0, fi_set_all("task-filter", "N"));
	/* GFP_KERNEL allocations too, not only atomic ones */
	ASSERT_EQ(0, fi_set_all("ignore-gfp-wait", "N"));
	ASSERT_EQ(0, fi_set("failslab", "cache-filter", "N"));
	ASSERT_EQ(0, fi_set("fail_page_alloc", "ignore-gfp-highmem", "N"));
	ASSERT_EQ(0, fi_set("fail_page_alloc", "min-order", "0"));
	ASSERT_EQ(0, fi_set_all("stacktrace-depth", "32"));
	ASSERT_EQ(0, fi_set_all_addr("require-start", self->text_start));
	ASSERT_EQ(0, fi_set_all_addr("require-end", self->text_end));
	ASSERT_EQ(0, fi_set_all_addr("reject-start", rs));
	ASSERT_EQ(0, fi_set_all_addr("reject-end", re));
	TH_LOG("svacc text %#lx-%#lx, DMA-API debug rejected %#lx-%#lx",
	       self->text_start, self->text_end, rs, re);

	ret = site_trace_start();
	ASSERT_EQ(0, ret) TH_LOG("kprobe on should_fail_ex: %s",
				 strerror(-ret));

	self->nth = open(FI_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->nth) TH_LOG("%s: %s", FI_NTH, strerror(errno));
	self->kmsg = kmsg_open();
	ASSERT_LE(0, self->kmsg) TH_LOG("/dev/kmsg: %s",
					strerror(-self->kmsg));

	self->src = malloc(LIFE_LEN);
	self->rec = svacc_records_alloc(2);
	ASSERT_TRUE(self->src && self->rec);
	fill_random(self->src, LIFE_LEN, 0xfa17);
}

FIXTURE_TEARDOWN(fi)
{
	size_t i, k;

	if (self->nth >= 0) {
		nth_write(self->nth, 0);
		close(self->nth);
	}
	if (self->configured) {
		fi_set_all("probability", "0");
		for (i = 0; i < ARRAY_SIZE(fi_attrs); i++)
			for (k = 0; k < ARRAY_SIZE(fi_knobs); k++)
				fi_set(fi_attrs[i], fi_knobs[k],
				       self->saved.val[i][k]);
	}
	if (self->kmsg >= 0)
		close(self->kmsg);
	free(self->src);
	free(self->rec);
}

/* No splat in the kernel log since the last call */
#define ASSERT_NO_SPLAT_AT(fix, what, ...) do {			\
	char sv_first[512];						\
	ASSERT_EQ(0, kmsg_splats((fix)->kmsg, sv_first, sizeof(sv_first))) \
		TH_LOG(what ": kernel log: %s", ##__VA_ARGS__, sv_first); \
} while (0)

/* A fresh context, no failure armed, runs a whole life */
#define ASSERT_DEVICE_WORKS(fix, what, ...) do {			\
	typeof(fix) sv_fix = (fix);					\
	struct life sv_l;						\
	char sv_b[160];							\
	life_run(&sv_l, sv_fix->src, sv_fix->rec, NULL);		\
	ASSERT_EQ(NULL, sv_l.step)					\
		TH_LOG(what ": device broken afterwards: %s", ##__VA_ARGS__, \
		       life_str(&sv_l, sv_b, sizeof(sv_b)));		\
} while (0)

/*
 * The filter admits svacc's allocations and nothing else: other kernel
 * work of the task (a pipe, a file, anonymous memory) does not consume
 * fail-nth, the first svacc allocation of a life does.
 */
TEST_F(fi, filter_admits_only_svacc)
{
	char buf[160], site[512];
	struct life l;
	int fds[2], fd;
	void *p;

	ASSERT_EQ(0, nth_write(self->nth, 1));
	ASSERT_EQ(0, pipe(fds));
	close(fds[0]);
	close(fds[1]);
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, buf, sizeof(buf)));
	close(fd);
	p = svacc_alloc_untouched(8 * PAGE);
	ASSERT_NE(NULL, p);
	memset(p, 1, 8 * PAGE);
	svacc_free(p, 8 * PAGE);
	ASSERT_EQ(1, nth_read(self->nth))
		TH_LOG("an allocation outside svacc consumed fail-nth");

	truncate_file(FI_INST "/trace");
	life_run(&l, self->src, self->rec, NULL);
	ASSERT_EQ(0, nth_read(self->nth))
		TH_LOG("no svacc allocation in a whole life (%s)",
		       life_str(&l, buf, sizeof(buf)));
	ASSERT_EQ(0, nth_write(self->nth, 0));
	TH_LOG("first svacc allocation failed (%s): %s",
	       site_trace_read(site, sizeof(site)),
	       life_str(&l, buf, sizeof(buf)));
	ASSERT_TRUE(life_clean(&l, site)) TH_LOG("%s", buf);
	ASSERT_NO_SPLAT_AT(self, "first allocation");
	ASSERT_DEVICE_WORKS(self, "first allocation");
}

/* With a require range that holds no code, nothing is ever failed */
TEST_F(fi, filter_off_range_fails_nothing)
{
	struct life l;
	char buf[160];

	ASSERT_EQ(0, fi_set_all("require-start", "0x1"));
	ASSERT_EQ(0, fi_set_all("require-end", "0x2"));
	ASSERT_EQ(0, nth_write(self->nth, 1));
	life_run(&l, self->src, self->rec, NULL);
	ASSERT_EQ(1, nth_read(self->nth))
		TH_LOG("a failure was injected outside the require range");
	ASSERT_EQ(0, nth_write(self->nth, 0));
	ASSERT_EQ(NULL, l.step) TH_LOG("without failures: %s",
				       life_str(&l, buf, sizeof(buf)));
}

TEST_F_TIMEOUT(fi, nth_failure, 3000)
{
	unsigned int clean_err = 0, clean_status = 0, absorbed = 0;
	char buf[160], site[1024];
	struct life l;
	int nth, left;

	for (nth = 1; nth <= NTH_MAX; nth++) {
		truncate_file(FI_INST "/trace");
		ASSERT_EQ(0, nth_write(self->nth, nth));
		life_run(&l, self->src, self->rec, NULL);
		left = nth_read(self->nth);
		ASSERT_EQ(0, nth_write(self->nth, 0));
		ASSERT_LE(0, left);
		if (left > 0) {
			/* A whole life with fewer svacc allocations: done */
			ASSERT_EQ(NULL, l.step)
				TH_LOG("N=%d, nothing injected: %s", nth,
				       life_str(&l, buf, sizeof(buf)));
			break;
		}
		life_str(&l, buf, sizeof(buf));
		ksft_print_msg("fail-nth %d: %s (failed: %s)\n", nth, buf,
			       site_trace_read(site, sizeof(site)));
		ASSERT_TRUE(life_clean(&l, site))
			TH_LOG("N=%d: %s; the failed allocation: %s", nth, buf, site);
		if (!l.step)
			absorbed++;
		else if (l.err)
			clean_err++;
		else
			clean_status++;
		ASSERT_NO_SPLAT_AT(self, "N=%d (%s)", nth, buf);
		ASSERT_DEVICE_WORKS(self, "N=%d", nth);
	}
	ASSERT_GE(NTH_MAX, nth) TH_LOG("still injecting after %d failures",
				       NTH_MAX);
	ASSERT_LT(1, nth) TH_LOG("no svacc allocation in a life");
	TH_LOG("%d svacc allocations per life; failed: %u -ENOMEM, %u status, %u absorbed",
	       nth - 1, clean_err, clean_status, absorbed);
	TH_LOG("return probe misses (failures without a trace): %lu",
	       site_trace_missed());
	ASSERT_NO_SPLAT_AT(self, "after the last life");
}

/* The failures of one round of workqueue_failures (arm_round() reads it) */
static struct {
	int interval;
	int times;
} fi_round;

static int arm_round(bool on)
{
	char v[16];
	int ret = 0;

	if (on) {
		snprintf(v, sizeof(v), "%d", fi_round.interval);
		ret = fi_set_all("interval", v);
		snprintf(v, sizeof(v), "%d", fi_round.times);
		if (!ret)
			ret = fi_set_all("times", v);
	}
	return ret ? ret : fi_set_all("probability", on ? "100" : "0");
}

/* Failures injected since arm_round() armed both attributes */
static int round_injected(void)
{
	char v[32];
	int n = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fi_attrs); i++)
		if (!fi_get(fi_attrs[i], "times", v, sizeof(v)))
			n += fi_round.times - atoi(v);
	return n;
}

/*
 * Failures in any task, the HMM mirror's fault work and its page-table
 * refills included: while the two copies of a life run, every 1st, 2nd or
 * 3rd svacc allocation fails, 1 to 4 times (per attribute), then none. The
 * copies must then finish - a transient failure must not hang a
 * descriptor - cleanly, for 24 rounds; and the device must work after.
 * (Endless failures would livelock a BOF descriptor by design: the device
 * retries a fault whose resolution failed with -ENOMEM.)
 */
TEST_F_TIMEOUT(fi, workqueue_failures, 1800)
{
	unsigned int done = 0, stopped = 0, injected = 0;
	char buf[160], site[2048];
	struct life l;
	int i;

	truncate_file(FI_INST "/trace");
	for (i = 0; i < 24; i++) {
		fi_round.interval = 1 + i % 3;
		fi_round.times = 1 + i % 4;
		life_run(&l, self->src, self->rec, arm_round);
		injected += round_injected();
		site_trace_read(site, sizeof(site));
		ksft_print_msg("round %d (every %d, %d times): %s (failed: %s)\n",
			       i, fi_round.interval, fi_round.times,
			       life_str(&l, buf, sizeof(buf)), site);
		ASSERT_TRUE(life_clean(&l, site))
			TH_LOG("round %d: %s (failed: %s)", i, buf, site);
		ASSERT_NO_SPLAT_AT(self, "round %d", i);
		if (l.step)
			stopped++;
		else
			done++;
	}
	ASSERT_LT(0U, injected) TH_LOG("no failure was injected");
	TH_LOG("24 rounds, %u failures injected: %u lives completed, %u stopped cleanly",
	       injected, done, stopped);
	ASSERT_DEVICE_WORKS(self, "transient failures");
}

/* The HMM mirror's per-context fault work (svacc_hmm.c) */
static bool hmm_fault_work_sym(const char *sym)
{
	return !strcmp(sym, "svacc_hmm_ctx_fault_work");
}

/* Only failslab, armed while a life's copies run */
static int arm_failslab(bool on)
{
	return fi_set("failslab", "probability", on ? "100" : "0");
}

/*
 * Allocations under the HMM mirror's fault work fail (the table reserve,
 * the CPU fault's own): that is a shortage, not a verdict on the access.
 * The work tries again and the copy completes - were the fault failed,
 * the copy would end with PAGE_FAULT on memory that is there, or lose its
 * record for good when the page was the record's. The filter admits only
 * stacks through that work; four failures in a row. In SVA mode the work
 * never runs: nothing fails.
 */
TEST_F_TIMEOUT(fi, hmm_fault_work_alloc_failure, 600)
{
	char buf[160], site[1024];
	unsigned long start, end;
	struct life l;
	struct svacc s;
	bool hmm;
	int ret;

	ASSERT_EQ(0, svacc_open(&s, NULL));
	hmm = s.info.mode == SVACC_MODE_HMM;
	svacc_close(&s);
	ret = text_range(hmm_fault_work_sym, "svacc", 64 * 1024, &start, &end);
	ASSERT_EQ(0, ret) TH_LOG("svacc_hmm_ctx_fault_work in /proc/kallsyms: %s",
				 strerror(-ret));
	ASSERT_EQ(0, fi_set_all_addr("require-start", start));
	ASSERT_EQ(0, fi_set_all_addr("require-end", end));
	ASSERT_EQ(0, fi_set("failslab", "times", "4"));

	truncate_file(FI_INST "/trace");
	life_run(&l, self->src, self->rec, arm_failslab);
	site_trace_read(site, sizeof(site));
	TH_LOG("%s mode: %s (failed: %s)", hmm ? "hmm" : "sva",
	       life_str(&l, buf, sizeof(buf)), site);
	if (hmm) {
		ASSERT_NE(NULL, strstr(site, "svacc_hmm_ctx_fault_work"))
			TH_LOG("no allocation under the fault work failed");
	} else {
		ASSERT_EQ(0, site[0]) TH_LOG("SVA mode ran the HMM fault work");
	}
	ASSERT_EQ(NULL, l.step) TH_LOG("%s", buf);
	ASSERT_NO_SPLAT_AT(self, "fault work allocation failures");
	ASSERT_DEVICE_WORKS(self, "fault work allocation failures");
}

TEST_HARNESS_MAIN
