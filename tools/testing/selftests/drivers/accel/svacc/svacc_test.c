// SPDX-License-Identifier: GPL-2.0-only
/*
 * Common helpers of the svacc selftests.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svacc_test.h"

int blocker_init(struct blocker *b, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->len = len;
	b->src = malloc(len);
	b->dst = svacc_alloc_untouched(len);
	b->rec = svacc_records_alloc(1);
	if (!b->src || !b->dst || !b->rec) {
		blocker_free(b);
		return -ENOMEM;
	}
	fill_random(b->src, len, 0xb10c);
	svacc_desc_memmove(&b->desc, b->dst, b->src, len, b->rec);
	b->desc.flags |= SVACC_DESC_F_BOF;
	return 0;
}

void blocker_free(struct blocker *b)
{
	free(b->src);
	svacc_free(b->dst, b->len);
	free(b->rec);
	memset(b, 0, sizeof(*b));
}

uint64_t fault_counter(const struct svacc *s,
		       const struct drm_svacc_counters *c)
{
	return s->info.mode == SVACC_MODE_SVA ? c->page_req : c->dev_fault;
}

const char *fault_counter_name(const struct svacc *s)
{
	return s->info.mode == SVACC_MODE_SVA ? "page_req" : "dev_fault";
}

int read_fault_counter(const struct svacc *s, uint64_t *val)
{
	struct drm_svacc_counters c;
	int ret;

	ret = svacc_get_counters(s->fd, &c);
	if (!ret)
		*val = fault_counter(s, &c);
	return ret;
}

/*
 * Submit one descriptor on the context's path; return its status. @c is
 * cleared first when it is @d's record, so a stale status never passes
 * for a new one.
 */
int submit_wait(struct svacc *s, struct drm_svacc_desc *d,
		struct drm_svacc_completion *c)
{
	int ret;

	if (d->completion_addr == (uintptr_t)c)
		memset(c, 0, sizeof(*c));
	ret = svacc_submit(s, d, 1);
	if (ret)
		return ret;
	return svacc_wait(s, c, TEST_WAIT_NS);
}

int wait_record(struct svacc *s, struct drm_svacc_completion *c,
		int64_t timeout_ns)
{
	return svacc_wait(s, c, timeout_ns);
}

/**
 * warm_records() - let the device write each page of a record array once
 * @s: context
 * @rec: records
 * @n: number of records
 *
 * A NOP with block-on-fault per page, so that later descriptors without
 * block-on-fault can write their records even where the device has its own
 * page table (the record write follows the descriptor's BOF flag; the
 * test record_write_nobof covers that case on its own).
 *
 * Return: 0 or the failing status / negative errno.
 */
int warm_records(struct svacc *s, struct drm_svacc_completion *rec, size_t n)
{
	struct drm_svacc_desc d;
	uintptr_t page = 0;
	size_t i;
	int st;

	for (i = 0; i < n; i++) {
		if (((uintptr_t)&rec[i] & ~(PAGE - 1)) == page)
			continue;
		page = (uintptr_t)&rec[i] & ~(PAGE - 1);
		svacc_desc_nop(&d, &rec[i]);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(s, &d, &rec[i]);
		if (st != SVACC_STATUS_SUCCESS)
			return st ? st : -EIO;
		memset(&rec[i], 0, sizeof(rec[i]));
	}
	return 0;
}

/* Does every byte of [p, p + len) read as @b? */
bool cpu_all(const void *p, uint8_t b, size_t len)
{
	const uint8_t *q = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (q[i] != b)
			return false;
	return true;
}

void fill_random(void *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
	for (; i < len; i++)
		p[i] = (uint8_t)(x >> (i % 8));
}

/**
 * map_file() - map a new unlinked file in $SVACC_TMPDIR (default /tmp)
 * @len: file and mapping size
 * @content: written with pwrite() before mapping, or NULL (zeros)
 * @content_len: bytes of @content
 * @prot: mmap protection
 * @flags: MAP_SHARED or MAP_PRIVATE
 * @fdp: out: the file (O_RDWR), for pread()
 *
 * The mapping is never touched by the CPU: its page table entries are
 * not present even though the page cache holds the data.
 */
void *map_file(size_t len, const void *content, size_t content_len,
	       int prot, int flags, int *fdp)
{
	static const char * const dirs[] = { "/tmp", "/dev/shm", "." };
	const char *env = getenv("SVACC_TMPDIR");
	char path[256];
	size_t i;
	void *p;
	int fd = -1;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s/svacc-test-XXXXXX", env);
		fd = mkstemp(path);
	}
	for (i = 0; i < ARRAY_SIZE(dirs) && fd < 0; i++) {
		snprintf(path, sizeof(path), "%s/svacc-test-XXXXXX", dirs[i]);
		fd = mkstemp(path);
	}
	if (fd < 0)
		return NULL;
	unlink(path);
	if (ftruncate(fd, len) ||
	    (content && pwrite(fd, content, content_len, 0) != (ssize_t)content_len)) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, len, prot, flags, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	*fdp = fd;
	return p;
}

/* An address range with nothing mapped (reserved, then unmapped) */
void *reserve_hole(size_t len)
{
	void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, len);
	return p;
}

/* Mark the kernel log with the test about to run (best effort) */
void kmsg_mark(const char *name)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	dprintf(fd, "svacc-selftest: %s\n", name);
	close(fd);
}

/* /dev/kmsg positioned after the existing records; -errno if unreadable */
int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	lseek(fd, 0, SEEK_END);
	return fd;
}

/**
 * kmsg_scan_fn() - count the kernel log records @match accepts
 * @fd: an O_NONBLOCK /dev/kmsg descriptor; reads from its position on
 * @match: called with each record's message text
 * @arg: passed to @match
 * @first: out: the first matching record's text
 * @first_len: size of @first
 */
int kmsg_scan_fn(int fd, bool (*match)(const char *msg, const void *arg),
		 const void *arg, char *first, size_t first_len)
{
	char rec[8192];
	const char *msg;
	int count = 0;
	ssize_t n;

	if (first && first_len)
		first[0] = '\0';
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (!match(msg, arg))
			continue;
		if (!count && first && first_len)
			snprintf(first, first_len, "%s", msg);
		count++;
	}
	return count;
}

/* @needle, or with none a splat */
static bool kmsg_match(const char *msg, const void *needle)
{
	static const char * const splats[] = {
		"BUG:", "WARNING:", "Oops", "KASAN", "UBSAN", "kernel BUG",
		"general protection fault", "circular locking",
		"INFO: task", "refcount_t:", "list_add corruption",
		"list_del corruption", "unreferenced object", "Call Trace:",
		/* the IOMMU refused a device access: DMA after teardown */
		"DMAR: [DMA", "DMAR: DRHD: handling fault",
	};
	size_t i;

	if (needle)
		return strstr(msg, needle);
	for (i = 0; i < ARRAY_SIZE(splats); i++)
		if (strstr(msg, splats[i]))
			return true;
	return false;
}

/**
 * kmsg_scan() - count new kernel log records containing @needle
 * @fd: from kmsg_open()
 * @needle: substring, or NULL to match a splat (oops, warning, sanitizer
 *	or lockdep report, or an IOMMU fault report)
 * @first: out: the first matching record's text
 * @first_len: size of @first
 */
int kmsg_scan(int fd, const char *needle, char *first, size_t first_len)
{
	return kmsg_scan_fn(fd, kmsg_match, needle, first, first_len);
}

int kmsg_splats(int fd, char *first, size_t first_len)
{
	return kmsg_scan(fd, NULL, first, first_len);
}

/* A splat in a record that does not contain @allowed */
static bool kmsg_match_except(const char *msg, const void *allowed)
{
	return !strstr(msg, allowed) && kmsg_match(msg, NULL);
}

/*
 * kmsg_splats(), leaving out the records that contain @allowed (e.g. the
 * IOMMU's fault reports, in a test that provokes a bus error on purpose).
 */
int kmsg_splats_except(int fd, const char *allowed, char *first,
		       size_t first_len)
{
	return kmsg_scan_fn(fd, kmsg_match_except, allowed, first, first_len);
}

/* Address of a kernel symbol from /proc/kallsyms, 0 if hidden/absent */
uint64_t kernel_symbol(const char *name)
{
	unsigned long long addr;
	char type, sym[256];
	uint64_t found = 0;
	FILE *f;

	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return 0;
	while (fscanf(f, "%llx %c %255s%*[^\n]", &addr, &type, sym) == 3) {
		if (!strcmp(sym, name)) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * Wait for @pid at most @timeout_s seconds. Return 0 with *@status, or
 * -ETIMEDOUT after killing it (a hang is a failure, never a wait forever).
 */
int wait_child(pid_t pid, int timeout_s, int *status)
{
	uint64_t end = svacc_now_ns() + (uint64_t)timeout_s * NS_PER_SEC;
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0)
			return -errno;
		if (svacc_now_ns() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&ts, NULL);
	}
}

/* The mode the run script expects ("sva", "hmm"), or NULL */
const char *expected_mode(void)
{
	const char *m = getenv("SVACC_EXPECT_MODE");

	return m && *m ? m : NULL;
}

/* Write @val to the file @path: 0 or a negative errno */
int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : (n < 0 ? -errno : -EIO);
}

/* An unsigned number from a file such as a module parameter: 0 or -errno */
int read_param(const char *path, unsigned int *val)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return -errno;
	ret = fscanf(f, "%u", val) == 1 ? 0 : -EINVAL;
	fclose(f);
	return ret;
}

/* A line "<name>: <value>" of the driver's debugfs counters; -1 if absent */
long long debugfs_counter(const char *name)
{
	char path[300], line[256];
	size_t nlen = strlen(name);
	long long v = -1;
	struct dirent *e;
	FILE *f;
	DIR *d;

	d = opendir("/sys/kernel/debug/accel");
	if (!d)
		return -1;
	while (v < 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/counters",
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, name, nlen) && line[nlen] == ':')
				v = strtoll(line + nlen + 1, NULL, 10);
		fclose(f);
	}
	closedir(d);
	return v;
}

/* Empty the file @path (a trace buffer): 0 or a negative errno */
int truncate_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* The PCI device name (<bdf>) of the device behind @node ("/dev/accel/accelN") */
int svacc_pci_name(const char *node, char *buf, size_t len)
{
	char link[256], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/%s/device",
		 strrchr(node, '/') + 1);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return -errno;
	target[n] = '\0';
	snprintf(buf, len, "%s", strrchr(target, '/') + 1);
	return 0;
}

/*
 * The path of @file in the debugfs directory of the device behind @node
 * ("/dev/accel/accelN"): /sys/kernel/debug/accel/<PCI device name>/.
 */
int svacc_debugfs_file(const char *node, const char *file, char *buf,
		       size_t len)
{
	char name[64];
	int ret = svacc_pci_name(node, name, sizeof(name));

	if (!ret)
		snprintf(buf, len, "/sys/kernel/debug/accel/%s/%s", name, file);
	return ret;
}

/**
 * copy_verified_by() - a MEMMOVE into never-touched memory, checked by the CPU
 * @s: context
 * @path: submission path (the portal needs a claimed WQ)
 * @len: bytes
 * @c: completion record
 * @submit: submits and waits (submit_wait(), or a caller's own policy)
 *
 * Return: 0, a negative errno of submission or waiting, or -EIO for a
 * status other than SUCCESS or a wrong destination.
 */
int copy_verified_by(struct svacc *s, enum svacc_path path, size_t len,
		     struct drm_svacc_completion *c,
		     int (*submit)(struct svacc *s, struct drm_svacc_desc *d,
				   struct drm_svacc_completion *c))
{
	struct drm_svacc_desc d;
	uint8_t *src, *dst;
	int st, ret = 0;

	src = malloc(len);
	dst = svacc_alloc_untouched(len);
	if (!src || !dst) {
		free(src);
		if (dst)
			svacc_free(dst, len);
		return -ENOMEM;
	}
	fill_random(src, len, svacc_now_ns());
	s->path_kind = path;
	svacc_desc_memmove(&d, dst, src, len, c);
	d.flags |= SVACC_DESC_F_BOF;
	st = submit(s, &d, c);
	if (st < 0)
		ret = st;
	else if (st != SVACC_STATUS_SUCCESS || memcmp(src, dst, len))
		ret = -EIO;
	free(src);
	svacc_free(dst, len);
	return ret;
}

/* copy_verified_by() with submit_wait() */
int copy_verified(struct svacc *s, enum svacc_path path, size_t len,
		  struct drm_svacc_completion *c)
{
	return copy_verified_by(s, path, len, c, submit_wait);
}

/* Pass @fd over the AF_UNIX socket @sock, with @offset as the data */
int send_fd(int sock, int fd, uint64_t offset)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &offset, .iov_len = sizeof(offset) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == sizeof(offset) ? 0 : -1;
}

/* The fd send_fd() passed, its offset in *@offset (may be NULL); or -1 */
int recv_fd(int sock, uint64_t *offset)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	uint64_t off;
	struct iovec iov = { .iov_base = &off, .iov_len = sizeof(off) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != sizeof(off))
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (offset)
		*offset = off;
	return fd;
}
