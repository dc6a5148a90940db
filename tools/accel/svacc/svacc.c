// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc: command-line tool for the svacc accelerator.
 *
 *   svacc info [--json]
 *   svacc copy|fill|crc|compare [--size N] [--portal|--ioctl] [--no-bof]
 *   svacc demo [--size N] [--portal|--ioctl]
 *
 * Every data command runs on buffers from malloc() that the CPU has not
 * touched where the operation allows it, verifies the device's result
 * against the CPU and prints the completion status and the device's page
 * request / fault counters. A size whose buffers do not fit in the memory
 * available to the process (system and memory cgroup) is refused up front
 * rather than left to the OOM killer. Exit status: 0 verified, 1 failure
 * (or refused), 2 usage (the message names what was wrong).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "libsvacc.h"
#include "svacc_cmds.h"

#define DEFAULT_SIZE		(1024 * 1024UL)
#define DEMO_SIZE		(2 * 1024 * 1024UL)
#define DEFAULT_PATTERN		0x0123456789abcdefULL
/* fill verifies the device's result against a reference this large at a time */
#define VERIFY_CHUNK		(1024 * 1024UL)
/* left free for the program itself, page tables and the kernel's slack */
#define MEM_HEADROOM		(16 * 1024 * 1024ULL)

struct opts {
	size_t size;
	enum svacc_path path;
	bool bof;
	uint64_t pattern;
	long long diff_at;
	const char *dev;
	bool json;
};

struct cmd {
	const char *name;
	int (*fn)(struct svacc *s, const struct opts *o);
	const char *help;
};

static void print_usage(FILE *f);

#define COUNTER(name) { #name, offsetof(struct drm_svacc_counters, name) }

static const struct {
	const char *name;
	size_t offset;
} counter_names[] = {
	COUNTER(desc_completed), COUNTER(bytes), COUNTER(ats_req),
	COUNTER(atc_hit), COUNTER(atc_miss), COUNTER(page_req), COUNTER(prg),
	COUNTER(dev_fault), COUNTER(devtlb_inv), COUNTER(atc_inv),
	COUNTER(devtlb_hit), COUNTER(devtlb_miss), COUNTER(errors),
	COUNTER(swerrs), COUNTER(hmm_faults), COUNTER(hmm_fault_batches),
	COUNTER(hmm_pages_mapped), COUNTER(hmm_invalidations),
	COUNTER(hmm_huge_mappings),
};

static void print_counters(const struct drm_svacc_counters *c)
{
	const uint8_t *base = (const uint8_t *)c;
	unsigned long long v;
	size_t i;

	printf("counters:\n");
	for (i = 0; i < ARRAY_SIZE(counter_names); i++) {
		memcpy(&v, base + counter_names[i].offset, sizeof(v));
		printf("  %-18s %llu\n", counter_names[i].name, v);
	}
}

static void print_device(const struct svacc *s)
{
	const struct drm_svacc_info *i = &s->info;

	printf("device: %s (svacc version %u.%u)\n", s->path,
	       i->version >> 16, i->version & 0xffff);
	printf("mode: %s", svacc_mode_name(i->mode));
	if (i->mode_reason != SVACC_REASON_NONE) {
		const char *why = svacc_reason_detail(i->mode_reason, i->mode_errno);

		printf(" (reason: %s%s%s%s%s)", svacc_reason_name(i->mode_reason),
		       i->mode_errno ? ": " : "",
		       i->mode_errno ? strerror(i->mode_errno) : "",
		       why ? ": " : "", why ? why : "");
	}
	printf("\n%s: %u\n", i->mode == SVACC_MODE_SVA ? "PASID" : "context",
	       i->pasid);
}

/* @v as a JSON string (the names and paths here need little escaping) */
static void json_string(const char *v)
{
	putchar('"');
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			printf("\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			printf("\\u%04x", *v);
		else
			putchar(*v);
	}
	putchar('"');
}

/* svacc info --json: the same facts as the text form, as one JSON object */
static void print_info_json(const struct svacc *s,
			    const struct drm_svacc_counters *c)
{
	const struct drm_svacc_info *i = &s->info;
	const uint8_t *base = (const uint8_t *)c;
	const char *sep = "";
	unsigned long long v;
	unsigned int n;
	size_t k;

	printf("{\"device\":");
	json_string(s->path);
	printf(",\"version\":\"%u.%u\",\"mode\":", i->version >> 16,
	       i->version & 0xffff);
	json_string(svacc_mode_name(i->mode));
	printf(",\"mode_reason\":%u,\"mode_reason_text\":", i->mode_reason);
	json_string(svacc_reason_name(i->mode_reason));
	printf(",\"mode_errno\":%u,\"mode_error\":", i->mode_errno);
	json_string(i->mode_errno ? strerror(i->mode_errno) : "");
	printf(",\"mode_detail\":");
	json_string(svacc_reason_detail(i->mode_reason, i->mode_errno) ?: "");
	printf(",\"pasid\":%u,\"num_wqs\":%u,\"wqs\":[", i->pasid, i->num_wqs);
	for (n = 0; n < i->num_wqs && n < 32; n++)
		printf("%s{\"id\":%u,\"type\":\"%s\"}", n ? "," : "", n,
		       i->shared_wqs & (1u << n) ? "shared" : "dedicated");
	printf("],\"max_transfer\":%llu,\"max_transfer_shift\":%u,\"max_batch\":%u,\"ops\":[",
	       1ULL << (i->max_transfer_shift & 63), i->max_transfer_shift,
	       i->max_batch);
	for (n = 0; n < 64; n++) {
		if (!(i->ops & (1ULL << n)))
			continue;
		printf("%s", sep);
		json_string(svacc_op_name(n) ?: "UNKNOWN");
		sep = ",";
	}
	if (!c) {
		/* device-wide counters need CAP_PERFMON */
		printf("],\"counters\":null}\n");
		return;
	}
	printf("],\"counters\":{");
	for (k = 0; k < ARRAY_SIZE(counter_names); k++) {
		memcpy(&v, base + counter_names[k].offset, sizeof(v));
		printf("%s\"%s\":%llu", k ? "," : "", counter_names[k].name, v);
	}
	printf("}}\n");
}

static int cmd_info(struct svacc *s, const struct opts *o)
{
	const struct drm_svacc_info *i = &s->info;
	struct drm_svacc_counters c;
	unsigned int n;
	int ret;

	ret = svacc_get_counters(s->fd, &c);
	if (ret && ret != -EACCES) {
		fprintf(stderr, "svacc: GET_COUNTERS: %s\n", strerror(-ret));
		return 1;
	}
	if (o->json) {
		print_info_json(s, ret ? NULL : &c);
		return 0;
	}
	print_device(s);
	printf("mode_reason: %u (%s), mode_errno: %u\n", i->mode_reason,
	       svacc_reason_name(i->mode_reason), i->mode_errno);
	printf("wqs: %u:", i->num_wqs);
	for (n = 0; n < i->num_wqs && n < 32; n++)
		printf(" %u=%s", n,
		       i->shared_wqs & (1u << n) ? "shared" : "dedicated");
	printf("\nmax transfer: %llu bytes (shift %u), max batch: %u\n",
	       1ULL << (i->max_transfer_shift & 63), i->max_transfer_shift,
	       i->max_batch);
	printf("ops:");
	for (n = 0; n < 64; n++)
		if (i->ops & (1ULL << n))
			printf(" %s", svacc_op_name(n));
	printf("\n");
	if (ret)
		printf("counters: device-wide, readable with CAP_PERFMON only\n");
	else
		print_counters(&c);
	return 0;
}

static int read_ull(const char *dir, const char *name, unsigned long long *v)
{
	char path[PATH_MAX];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%llu", v);	/* "max" (no limit) does not parse */
	fclose(f);
	return n == 1 ? 0 : -1;
}

/*
 * Bytes this process may still allocate: MemAvailable, capped by the
 * headroom of its cgroup v2 memory limits (its own and its ancestors').
 */
static unsigned long long mem_available(void)
{
	unsigned long long avail = ULLONG_MAX, max, cur, v;
	char line[PATH_MAX + 8], dir[PATH_MAX + 32] = "", *p;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "MemAvailable: %llu kB", &v) == 1)
				avail = v * 1024;
		fclose(f);
	}
	f = fopen("/proc/self/cgroup", "r");
	if (!f)
		return avail;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::/", 4)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s", line + 3);
		}
	fclose(f);
	/* up to, not including, the root cgroup (which has no limit file) */
	while (dir[0] && strcmp(dir, "/sys/fs/cgroup") && strcmp(dir, "/sys/fs/cgroup/")) {
		if (!read_ull(dir, "memory.max", &max) &&
		    !read_ull(dir, "memory.current", &cur)) {
			v = max > cur ? max - cur : 0;
			if (v < avail)
				avail = v;
		}
		p = strrchr(dir, '/');
		*p = '\0';
	}
	return avail;
}

/*
 * Refuse a command whose @count buffers of @size bytes do not fit in the
 * memory left to this process, instead of being OOM-killed half-way.
 */
static int check_memory(const char *what, unsigned int count, size_t size)
{
	unsigned long long avail = mem_available();

	if (avail > MEM_HEADROOM && size <= (avail - MEM_HEADROOM) / count)
		return 0;
	fprintf(stderr,
		"svacc: %s of %zu bytes needs %.1f MiB of memory for its buffers, but only %.1f MiB are available to this process (MemAvailable, memory cgroup limit): use a smaller --size\n",
		what, size, (double)size * count / (1 << 20),
		(double)avail / (1 << 20));
	return 1;
}

struct counters_delta {
	struct drm_svacc_counters before;
};

static void delta_begin(struct svacc *s, struct counters_delta *d)
{
	svacc_get_counters(s->fd, &d->before);
}

static void delta_print(struct svacc *s, struct counters_delta *d,
			const char *indent)
{
	struct drm_svacc_counters now;

	if (svacc_get_counters(s->fd, &now))
		return;
	printf("%spage requests issued by the device: %llu (page request groups: %llu)\n",
	       indent, (unsigned long long)(now.page_req - d->before.page_req),
	       (unsigned long long)(now.prg - d->before.prg));
	if (s->info.mode == SVACC_MODE_HMM)
		printf("%sdevice faults: %llu (resolved with HMM: %llu, pages mapped: %llu)\n",
		       indent,
		       (unsigned long long)(now.dev_fault - d->before.dev_fault),
		       (unsigned long long)(now.hmm_faults - d->before.hmm_faults),
		       (unsigned long long)(now.hmm_pages_mapped -
					    d->before.hmm_pages_mapped));
}

/*
 * Run one operation over @size bytes, split at the device's transfer
 * limit. @build sets up a descriptor for [off, off + len).
 */
typedef void (*build_fn)(struct drm_svacc_desc *d, void *ctx, size_t off,
			 uint32_t len, uint64_t carry);

static int run_chunked(struct svacc *s, const struct opts *o, build_fn build,
		       void *ctx, size_t size, bool carry_crc,
		       struct svacc_result *res, uint64_t *elapsed_ns)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	uint64_t max = svacc_max_transfer(s), carry = 0, t0;
	struct drm_svacc_desc d;
	size_t off = 0;
	uint32_t len;
	int ret;

	if (!c)
		return -ENOMEM;
	/* a CRC chain starts from the standard CRC-32C seed */
	if (carry_crc)
		carry = 0xffffffffu;
	t0 = svacc_now_ns();
	memset(res, 0, sizeof(*res));
	res->status = SVACC_STATUS_SUCCESS;
	do {
		len = size - off > max ? max : size - off;
		build(&d, ctx, off, len, carry);
		if (o->bof)
			d.flags |= SVACC_DESC_F_BOF;
		ret = svacc_run(s, &d, c, res);
		if (ret)
			goto out;
		if (res->status != SVACC_STATUS_SUCCESS)
			break;
		if (carry_crc)
			carry = (uint32_t)res->value;
		if (res->result) {
			res->value += off;
			break;
		}
		off += len;
	} while (off < size);
	*elapsed_ns = svacc_now_ns() - t0;
out:
	free(c);
	return ret;
}

static void report(const char *what, size_t size,
		   const struct svacc_result *res, uint64_t ns, bool ok)
{
	printf("%s: %zu bytes: status %s", what, size,
	       svacc_status_name(res->status));
	if (res->resubmits)
		printf(" after %u fault resubmission(s)", res->resubmits);
	printf(", %.3f ms", ns / 1e6);
	if (ns)
		printf(" (%.1f MB/s)", size * 1e3 / ns);
	printf(", verified against CPU: %s\n", ok ? "OK" : "MISMATCH");
}

struct copy_ctx {
	uint8_t *dst;
	const uint8_t *src;
	uint64_t pattern;
};

static void build_copy(struct drm_svacc_desc *d, void *ctx, size_t off,
		       uint32_t len, uint64_t carry)
{
	struct copy_ctx *c = ctx;

	(void)carry;
	svacc_desc_memmove(d, c->dst + off, c->src + off, len, NULL);
}

static int do_copy(struct svacc *s, const struct opts *o, const char *label)
{
	struct svacc_result res;
	struct copy_ctx ctx;
	uint8_t *src, *dst;
	bool ok;
	uint64_t ns;
	int ret;

	if (check_memory("MEMMOVE", 2, o->size))
		return 1;
	src = malloc(o->size + 1);
	dst = malloc(o->size + 1);	/* never touched by the CPU */
	if (!src || !dst) {
		fprintf(stderr, "svacc: out of memory\n");
		return 1;
	}
	svacc_fill_random(src, o->size, 0x5eed);
	ctx.dst = dst;
	ctx.src = src;
	ret = run_chunked(s, o, build_copy, &ctx, o->size, false, &res, &ns);
	if (ret) {
		fprintf(stderr, "svacc: %s: %s\n", label, strerror(-ret));
		return 1;
	}
	ok = res.status == SVACC_STATUS_SUCCESS && !memcmp(src, dst, o->size);
	report(label, o->size, &res, ns, ok);
	free(src);
	free(dst);
	return ok ? 0 : 1;
}

static int cmd_copy(struct svacc *s, const struct opts *o)
{
	struct counters_delta cd;
	int ret;

	delta_begin(s, &cd);
	ret = do_copy(s, o, "MEMMOVE");
	delta_print(s, &cd, "");
	return ret;
}

static void build_fill(struct drm_svacc_desc *d, void *ctx, size_t off,
		       uint32_t len, uint64_t carry)
{
	struct copy_ctx *c = ctx;

	(void)carry;
	svacc_desc_memfill(d, c->dst + off, svacc_pattern_rotate(c->pattern, off),
			   len, NULL);
}

/* Whether @dst holds @pattern over @size bytes, checked a chunk at a time */
static bool fill_verify(const uint8_t *dst, uint64_t pattern, size_t size,
			uint8_t *ref)
{
	size_t off, len;

	for (off = 0; off < size; off += len) {
		len = size - off < VERIFY_CHUNK ? size - off : VERIFY_CHUNK;
		svacc_fill_pattern(ref, svacc_pattern_rotate(pattern, off), len);
		if (memcmp(ref, dst + off, len))
			return false;
	}
	return true;
}

static int cmd_fill(struct svacc *s, const struct opts *o)
{
	struct counters_delta cd;
	struct svacc_result res;
	struct copy_ctx ctx;
	uint8_t *dst, *ref;
	uint64_t ns;
	bool ok;
	int ret;

	if (check_memory("MEMFILL", 1, o->size + VERIFY_CHUNK))
		return 1;
	dst = malloc(o->size + 1);	/* never touched by the CPU */
	ref = malloc(VERIFY_CHUNK);
	if (!dst || !ref) {
		fprintf(stderr, "svacc: out of memory\n");
		return 1;
	}
	delta_begin(s, &cd);
	ctx.dst = dst;
	ctx.pattern = o->pattern;
	ret = run_chunked(s, o, build_fill, &ctx, o->size, false, &res, &ns);
	if (ret) {
		fprintf(stderr, "svacc: MEMFILL: %s\n", strerror(-ret));
		return 1;
	}
	ok = res.status == SVACC_STATUS_SUCCESS &&
	     fill_verify(dst, o->pattern, o->size, ref);
	report("MEMFILL", o->size, &res, ns, ok);
	delta_print(s, &cd, "");
	free(dst);
	free(ref);
	return ok ? 0 : 1;
}

static void build_crc(struct drm_svacc_desc *d, void *ctx, size_t off,
		      uint32_t len, uint64_t carry)
{
	struct copy_ctx *c = ctx;

	svacc_desc_crc32c(d, c->src + off, len, (uint32_t)carry, NULL);
}

static int do_crc(struct svacc *s, const struct opts *o, bool untouched,
		  const char *label)
{
	struct svacc_result res;
	struct copy_ctx ctx;
	uint32_t cpu, dev;
	uint8_t *src;
	uint64_t ns;
	bool ok;
	int ret;

	if (check_memory("CRC32C", 1, o->size))
		return 1;
	src = malloc(o->size + 1);
	if (!src) {
		fprintf(stderr, "svacc: out of memory\n");
		return 1;
	}
	if (!untouched)
		svacc_fill_random(src, o->size, 0xc0ffee);
	ctx.src = src;
	/* standard CRC-32C: seed ~0, result inverted */
	ret = run_chunked(s, o, build_crc, &ctx, o->size, true, &res, &ns);
	if (ret) {
		fprintf(stderr, "svacc: CRC32C: %s\n", strerror(-ret));
		return 1;
	}
	dev = ~(uint32_t)res.value;
	cpu = ~svacc_crc32c(~0u, src, o->size);
	ok = res.status == SVACC_STATUS_SUCCESS && dev == cpu;
	report(label, o->size, &res, ns, ok);
	printf("  crc32c: device 0x%08x, CPU 0x%08x\n", dev, cpu);
	free(src);
	return ok ? 0 : 1;
}

static int cmd_crc(struct svacc *s, const struct opts *o)
{
	struct counters_delta cd;
	int ret;

	delta_begin(s, &cd);
	ret = do_crc(s, o, false, "CRC32C");
	delta_print(s, &cd, "");
	return ret;
}

static void build_compare(struct drm_svacc_desc *d, void *ctx, size_t off,
			  uint32_t len, uint64_t carry)
{
	struct copy_ctx *c = ctx;

	(void)carry;
	svacc_desc_compare(d, c->src + off, c->dst + off, len, NULL);
}

static int cmd_compare(struct svacc *s, const struct opts *o)
{
	struct counters_delta cd;
	struct svacc_result res;
	struct copy_ctx ctx;
	uint8_t *a, *b;
	long long diff = o->diff_at;
	bool ok;
	uint64_t ns;
	int ret;

	if (diff == LLONG_MIN)
		diff = o->size ? (long long)(o->size / 2 + 1) % (long long)o->size : -1;
	if (diff >= (long long)o->size)
		diff = -1;
	if (check_memory("COMPARE", 2, o->size))
		return 1;
	a = malloc(o->size + 1);
	b = malloc(o->size + 1);
	if (!a || !b) {
		fprintf(stderr, "svacc: out of memory\n");
		return 1;
	}
	svacc_fill_random(a, o->size, 0xabc);
	memcpy(b, a, o->size);
	if (diff >= 0)
		b[diff] ^= 0x5a;
	delta_begin(s, &cd);
	ctx.src = a;
	ctx.dst = b;
	ret = run_chunked(s, o, build_compare, &ctx, o->size, false, &res, &ns);
	if (ret) {
		fprintf(stderr, "svacc: COMPARE: %s\n", strerror(-ret));
		return 1;
	}
	ok = res.status == SVACC_STATUS_SUCCESS &&
	     res.result == (diff >= 0) &&
	     (diff < 0 || res.value == (unsigned long long)diff);
	report("COMPARE", o->size, &res, ns, ok);
	if (diff >= 0)
		printf("  expected difference at %lld, ", diff);
	else
		printf("  expected equal, ");
	if (res.result)
		printf("device: different at %llu\n",
		       (unsigned long long)res.value);
	else
		printf("device: equal\n");
	delta_print(s, &cd, "");
	free(a);
	free(b);
	return ok ? 0 : 1;
}

static int cmd_demo(struct svacc *s, const struct opts *o)
{
	struct counters_delta total, cd;
	int fails = 0;

	printf("svacc demo\n");
	print_device(s);
	printf("submission path: %s\n",
	       o->path == SVACC_PATH_PORTAL ? "portal (dedicated WQ)" :
					      "ioctl (shared WQ)");
	if (o->path == SVACC_PATH_PORTAL)
		printf("dedicated WQ %d, depth %u\n", s->wq, s->wq_size);
	delta_begin(s, &total);

	printf("\n1. copy into a freshly malloc'd, never-touched buffer\n");
	delta_begin(s, &cd);
	fails += do_copy(s, o, "   MEMMOVE");
	delta_print(s, &cd, "   ");

	printf("\n2. CRC32C of a freshly malloc'd, never-touched buffer\n");
	delta_begin(s, &cd);
	fails += do_crc(s, o, true, "   CRC32C");
	delta_print(s, &cd, "   ");

	printf("\ntotal:\n");
	delta_print(s, &total, "   ");
	printf("\ndemo: %s\n", fails ? "FAILED" : "OK");
	return fails ? 1 : 0;
}

static const struct cmd cmds[] = {
	{ "info", cmd_info, "device, mode and reason, PASID, WQs, counters" },
	{ "copy", cmd_copy, "MEMMOVE into never-touched memory, verified" },
	{ "fill", cmd_fill, "MEMFILL never-touched memory, verified" },
	{ "crc", cmd_crc, "CRC32C, verified against the CPU" },
	{ "compare", cmd_compare, "COMPARE with a known difference" },
	{ "demo", cmd_demo, "copy + CRC32C on never-touched memory" },
	{ "bench", cmd_bench, "device, driver and offload figures, CSV on stdout" },
	{ "bench-host", cmd_bench_host,
	  "the CPU parts of bench, without a device (run on the host)" },
};

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: svacc COMMAND [options]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\noptions:\n"
		"  --size N       bytes (suffix K, M, G); default 1M (demo 2M)\n"
		"  --portal       submit through a dedicated WQ portal\n"
		"  --ioctl        submit with DRM_IOCTL_SVACC_SUBMIT (default)\n"
		"  --no-bof       no block-on-fault: the CPU touches each\n"
		"                 faulting page and the rest is resubmitted\n"
		"  --pattern X    MEMFILL pattern (64-bit)\n"
		"  --diff-at N    COMPARE: offset of the difference, -1 none\n"
		"  --dev PATH     device node (default: first svacc, $SVACC_DEV)\n"
		"  --json         info: one JSON object on one line (device, mode,\n"
		"                 mode_reason[_text], mode_errno, mode_error, mode_detail,\n"
		"                 pasid, num_wqs, wqs, max_transfer[_shift], max_batch, ops,\n"
		"                 counters)\n"
		"\nexit status: 0 verified, 1 failed or refused, 2 usage error\n");
}

/* A command line error: say what was wrong, then the usage; exit status 2 */
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "svacc: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n\n");
	print_usage(stderr);
	return 2;
}

static int parse_size(const char *arg, size_t *size)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *arg == '-')
		return -EINVAL;
	switch (*end) {
	case 'G': case 'g':
		shift += 10;
		fallthrough;
	case 'M': case 'm':
		shift += 10;
		fallthrough;
	case 'K': case 'k':
		shift += 10;
		end++;
		break;
	default:
		break;
	}
	/* +1: the buffers are allocated one byte larger */
	if (*end || v > (SIZE_MAX - 1) >> shift)
		return -EINVAL;
	*size = v << shift;
	return 0;
}

/* A whole number, decimal or 0x hex; -EINVAL for anything else */
static int parse_num(const char *arg, bool is_signed, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = is_signed ? (unsigned long long)strtoll(arg, &end, 0) :
			 strtoull(arg, &end, 0);
	if (errno || end == arg || *end || (!is_signed && *arg == '-'))
		return -EINVAL;
	return 0;
}

/*
 * Options after the command (argv[0]). Return: 0, -1 for --help, or 2
 * (usage error, already explained).
 */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "portal", no_argument, NULL, 'p' },
		{ "ioctl", no_argument, NULL, 'i' },
		{ "no-bof", no_argument, NULL, 'n' },
		{ "pattern", required_argument, NULL, 'P' },
		{ "diff-at", required_argument, NULL, 'D' },
		{ "dev", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int c;

	opterr = 0;	/* the messages below name the command, not argv[0] */
	while ((c = getopt_long(argc, argv, ":s:pinP:D:d:hj", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_size(optarg, &o->size))
				return usage_error("--size: '%s' is not a size (N, NK, NM, NG)",
						   optarg);
			break;
		case 'p':
			o->path = SVACC_PATH_PORTAL;
			break;
		case 'i':
			o->path = SVACC_PATH_IOCTL;
			break;
		case 'n':
			o->bof = false;
			break;
		case 'P':
			if (parse_num(optarg, false, &v))
				return usage_error("--pattern: '%s' is not a number",
						   optarg);
			o->pattern = v;
			break;
		case 'D':
			if (parse_num(optarg, true, &v))
				return usage_error("--diff-at: '%s' is not an offset",
						   optarg);
			o->diff_at = (long long)v;
			break;
		case 'd':
			o->dev = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			return -1;
		case ':':
			return usage_error("%s: option '%s' needs a value", argv[0],
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("%s: unknown option '-%c'", argv[0], optopt);
			return usage_error("%s: unknown option '%s'", argv[0],
					   argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage_error("%s: unexpected argument '%s'", argv[0], argv[optind]);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.size = DEFAULT_SIZE,
		.path = SVACC_PATH_IOCTL,
		.bof = true,
		.pattern = DEFAULT_PATTERN,
		.diff_at = LLONG_MIN,
	};
	const struct cmd *cmd = NULL;
	struct svacc s;
	size_t i;
	int ret;

	/*
	 * A fixed mmap threshold: every large malloc() is a fresh mapping the
	 * CPU never touched (the dynamic threshold would recycle freed ones).
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if (argc < 2)
		return usage_error("no command given");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			cmd = &cmds[i];
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return 0;
	}
	if (!cmd)
		return usage_error("unknown command '%s'", argv[1]);
	if (cmd->fn == cmd_demo)
		o.size = DEMO_SIZE;
	ret = parse_opts(argc - 1, argv + 1, &o);
	if (ret < 0) {
		print_usage(stdout);
		return 0;
	}
	if (ret)
		return ret;
	if (cmd->fn == cmd_bench_host)
		return cmd->fn(NULL, &o);
	if (o.json && cmd->fn != cmd_info)
		return usage_error("%s: --json applies to 'info' only", cmd->name);
	ret = svacc_open(&s, o.dev);
	if (ret) {
		fprintf(stderr, "svacc: cannot open %s: %s\n",
			s.path[0] ? s.path : "an svacc device", strerror(-ret));
		return 1;
	}
	s.path_kind = o.path;
	if (o.path == SVACC_PATH_PORTAL) {
		ret = svacc_wq_claim(&s, SVACC_WQ_ANY);
		if (ret) {
			fprintf(stderr, "svacc: cannot claim a dedicated WQ: %s\n",
				strerror(-ret));
			svacc_close(&s);
			return 1;
		}
	}
	ret = cmd->fn(&s, &o);
	svacc_close(&s);
	return ret;
}
