// SPDX-License-Identifier: GPL-2.0-only
/*
 * libsvacc: user-space library for the svacc accelerator.
 *
 * See libsvacc.h for the interface and
 * Documentation/accel/svacc/hardware.rst for the device semantics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libsvacc.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

#define SVACC_MAX_NODES		64

uint64_t svacc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/**
 * svacc_sysfs_read_ul() - read a number from a sysfs file
 * @path: file
 * @base: as strtoul()'s (16 for the PCI IDs, 0 for "0x" or decimal)
 * @val: out: the number
 *
 * Return: 0 or a negative errno.
 */
int svacc_sysfs_read_ul(const char *path, int base, unsigned long *val)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*val = strtoul(buf, NULL, base);
	return 0;
}

static bool node_driver_is_svacc(const char *devpath)
{
	struct drm_version v;
	char name[32] = "";
	bool ok;
	int fd;

	fd = open(devpath, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	memset(&v, 0, sizeof(v));
	v.name = name;
	v.name_len = sizeof(name) - 1;
	ok = ioctl(fd, DRM_IOCTL_VERSION, &v) == 0 &&
	     strcmp(name, SVACC_DRIVER_NAME) == 0;
	close(fd);
	return ok;
}

/**
 * svacc_node_is_svacc() - is accel node @node ("accelN") an svacc device?
 * @node: name under /sys/class/accel and /dev/accel
 *
 * Checks the PCI vendor and device IDs in sysfs (this works even when
 * open() is refused); falls back to the DRM driver name.
 */
bool svacc_node_is_svacc(const char *node)
{
	unsigned long vendor, device;
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/accel/%s/device/vendor", node);
	if (svacc_sysfs_read_ul(path, 16, &vendor) == 0) {
		snprintf(path, sizeof(path),
			 "/sys/class/accel/%s/device/device", node);
		if (svacc_sysfs_read_ul(path, 16, &device) == 0)
			return vendor == SVACC_VENDOR_ID &&
			       device == SVACC_DEVICE_ID;
	}
	snprintf(path, sizeof(path), "/dev/accel/%s", node);
	return node_driver_is_svacc(path);
}

/**
 * svacc_find() - path of the first svacc accel node
 * @path: out
 * @len: size of @path
 *
 * $SVACC_DEV overrides the search. Return: 0 or -ENODEV.
 */
int svacc_find(char *path, size_t len)
{
	const char *env = getenv("SVACC_DEV");
	char node[16];
	int i;

	if (env && *env) {
		snprintf(path, len, "%s", env);
		return 0;
	}
	for (i = 0; i < SVACC_MAX_NODES; i++) {
		snprintf(node, sizeof(node), "accel%d", i);
		if (svacc_node_is_svacc(node)) {
			snprintf(path, len, "/dev/accel/%s", node);
			return 0;
		}
	}
	return -ENODEV;
}

int svacc_get_info(int fd, struct drm_svacc_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, DRM_IOCTL_SVACC_GET_INFO, info) ? -errno : 0;
}

int svacc_get_counters(int fd, struct drm_svacc_counters *c)
{
	memset(c, 0, sizeof(*c));
	return ioctl(fd, DRM_IOCTL_SVACC_GET_COUNTERS, c) ? -errno : 0;
}

/**
 * svacc_open() - open a context
 * @s: out
 * @path: device node, or NULL to use svacc_find()
 *
 * Return: 0, or the negative errno of the failing step (open() of the
 * node gives the driver's refusal, e.g. -EOPNOTSUPP).
 */
int svacc_open(struct svacc *s, const char *path)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->wq = -1;
	s->shared_wq = SVACC_WQ_ANY;
	if (path) {
		snprintf(s->path, sizeof(s->path), "%s", path);
	} else {
		ret = svacc_find(s->path, sizeof(s->path));
		if (ret)
			return ret;
	}
	s->fd = open(s->path, O_RDWR | O_CLOEXEC);
	if (s->fd < 0)
		return -errno;
	ret = svacc_get_info(s->fd, &s->info);
	if (ret) {
		close(s->fd);
		s->fd = -1;
	}
	return ret;
}

void svacc_close(struct svacc *s)
{
	if (s->portal)
		svacc_wq_release(s);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/**
 * svacc_wq_claim() - claim a dedicated WQ and map its portal
 * @s: context
 * @wq: WQ index or SVACC_WQ_ANY
 *
 * Return: 0 or a negative errno (claim or mmap failure).
 */
int svacc_wq_claim(struct svacc *s, uint32_t wq)
{
	struct drm_svacc_wq_claim claim = { .wq = wq };
	void *p;

	if (s->portal)
		return -EBUSY;
	if (ioctl(s->fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim))
		return -errno;
	p = mmap(NULL, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 s->fd, claim.mmap_offset);
	if (p == MAP_FAILED) {
		int err = -errno;
		struct drm_svacc_wq_release rel = { .wq = claim.wq };

		ioctl(s->fd, DRM_IOCTL_SVACC_WQ_RELEASE, &rel);
		return err;
	}
	s->wq = claim.wq;
	s->wq_size = claim.size;
	s->mmap_offset = claim.mmap_offset;
	s->portal = p;
	s->commit_count = svacc_portal_read_status(s->portal) >>
			  SVACC_PORTAL_STATUS_COUNT_SHIFT;
	if (!svacc_get_info(s->fd, &s->info))
		s->commit_epoch = s->info.reset_epoch;
	return 0;
}

int svacc_wq_release(struct svacc *s)
{
	struct drm_svacc_wq_release rel = { .wq = (uint32_t)s->wq };
	int ret = 0;

	if (!s->portal)
		return -ENXIO;
	munmap(s->portal, SVACC_PORTAL_MMAP_SIZE);
	s->portal = NULL;
	if (ioctl(s->fd, DRM_IOCTL_SVACC_WQ_RELEASE, &rel))
		ret = -errno;
	s->wq = -1;
	return ret;
}

/**
 * svacc_portal_write() - store a descriptor into a portal
 * @portal: mapped portal page
 * @d: descriptor
 *
 * On x86-64, four aligned 16-byte SSE stores; elsewhere eight aligned
 * 8-byte stores. Either way in ascending order, so quadword 7 (the
 * commit) is written last (hardware.rst, "Descriptor assembly"). Fewer,
 * wider stores are fewer bus transactions, and under emulation fewer
 * exits. The fence makes the caller's earlier writes (buffers, batch
 * arrays) visible before the device can see the descriptor.
 */
void svacc_portal_write(void *portal, const struct drm_svacc_desc *d)
{
	uint64_t q[8];

	memcpy(q, d, sizeof(q));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#if defined(__x86_64__)
	/* one movdqa each: never merged, split or reordered by the compiler */
	__asm__ volatile("movdqu  0(%1), %%xmm0\n\t"
			 "movdqa  %%xmm0, 0(%0)\n\t"
			 "movdqu 16(%1), %%xmm0\n\t"
			 "movdqa  %%xmm0, 16(%0)\n\t"
			 "movdqu 32(%1), %%xmm0\n\t"
			 "movdqa  %%xmm0, 32(%0)\n\t"
			 "movdqu 48(%1), %%xmm0\n\t"
			 "movdqa  %%xmm0, 48(%0)"
			 : : "r"(portal), "r"(q) : "xmm0", "memory");
#else
	/* atomic stores: never merged, split or reordered by the compiler */
	for (int i = 0; i < 8; i++)
		__atomic_store_n((uint64_t *)portal + i, q[i], __ATOMIC_RELAXED);
#endif
}

uint32_t svacc_portal_read_status(void *portal)
{
	uint32_t *st = (uint32_t *)((uint8_t *)portal + SVACC_PORTAL_STATUS_OFFSET);

	return __atomic_load_n(st, __ATOMIC_SEQ_CST);
}

/**
 * svacc_portal_try() - one portal submission attempt
 * @s: context with a claimed WQ
 * @d: descriptor
 *
 * A device reset starts the portal's commit count again from 0: when the
 * count is not the one expected and the reset epoch has moved since the
 * count was last in step (@s->commit_epoch; @s->info is refreshed), the
 * status is ours if ours is the first commit since the reset; with none
 * counted, the reset came after the commit and dropped it.
 *
 * Return: SVACC_PORTAL_ACCEPTED, _RETRY or _REJECTED; -ENXIO without a
 * portal; -ECANCELED when a device reset dropped the commit; -EPROTO when
 * the commit count shows the status is not ours.
 */
int svacc_portal_try(struct svacc *s, const struct drm_svacc_desc *d)
{
	uint16_t expect, count;
	uint32_t st;

	if (!s->portal)
		return -ENXIO;
	svacc_portal_write(s->portal, d);
	st = svacc_portal_read_status(s->portal);
	count = st >> SVACC_PORTAL_STATUS_COUNT_SHIFT;
	expect = s->commit_count + 1;
	s->commit_count = count;
	if (count == expect)
		return st & SVACC_PORTAL_STATUS_CODE;
	if (svacc_get_info(s->fd, &s->info) || s->info.reset_epoch == s->commit_epoch)
		return -EPROTO;
	s->commit_epoch = s->info.reset_epoch;
	if (count == 0)
		return -ECANCELED;
	return count == 1 ? (int)(st & SVACC_PORTAL_STATUS_CODE) : -EPROTO;
}

static void backoff(unsigned int attempt)
{
	struct timespec ts = { .tv_nsec = 20000 };

	if (attempt < 16)
		sched_yield();
	else
		nanosleep(&ts, NULL);
}

/**
 * svacc_portal_submit() - submit through the portal, retrying on RETRY
 * @s: context with a claimed WQ
 * @d: descriptor
 *
 * Return: 0 accepted, -EAGAIN still full after SVACC_SUBMIT_TIMEOUT_NS,
 * -EIO rejected, or an error of svacc_portal_try().
 */
int svacc_portal_submit(struct svacc *s, const struct drm_svacc_desc *d)
{
	uint64_t deadline = svacc_now_ns() + SVACC_SUBMIT_TIMEOUT_NS;
	unsigned int attempt = 0;
	int st;

	for (;;) {
		st = svacc_portal_try(s, d);
		if (st < 0)
			return st;
		if (st == SVACC_PORTAL_ACCEPTED)
			return 0;
		if (st != SVACC_PORTAL_RETRY)
			return -EIO;
		s->retries++;
		if (svacc_now_ns() > deadline)
			return -EAGAIN;
		backoff(attempt++);
	}
}

/**
 * svacc_ioctl_submit() - one DRM_IOCTL_SVACC_SUBMIT call
 * @fd: device file
 * @d: descriptors
 * @count: number of descriptors
 * @wq: shared WQ or SVACC_WQ_ANY
 * @accepted: out, may be NULL
 *
 * Return: 0 (then *@accepted >= 1) or the ioctl's negative errno.
 */
int svacc_ioctl_submit(int fd, const struct drm_svacc_desc *d, uint32_t count,
		       uint32_t wq, uint32_t *accepted)
{
	struct drm_svacc_submit sub = {
		.descs = (uintptr_t)d,
		.count = count,
		.wq = wq,
	};

	if (accepted)
		*accepted = 0;
	if (ioctl(fd, DRM_IOCTL_SVACC_SUBMIT, &sub))
		return -errno;
	if (accepted)
		*accepted = sub.accepted;
	return 0;
}

/**
 * svacc_ioctl_submit_all() - submit @count descriptors, retrying on -EAGAIN
 * @s: context
 * @d: descriptors
 * @count: any number; split into calls of at most SVACC_SUBMIT_MAX
 *
 * Return: 0 when all were accepted, -EAGAIN after SVACC_SUBMIT_TIMEOUT_NS
 * without progress, or another negative errno.
 */
int svacc_ioctl_submit_all(struct svacc *s, const struct drm_svacc_desc *d,
			   uint32_t count)
{
	uint64_t deadline = svacc_now_ns() + SVACC_SUBMIT_TIMEOUT_NS;
	unsigned int attempt = 0;
	uint32_t done = 0, n, acc;
	int ret;

	while (done < count) {
		n = count - done;
		if (n > SVACC_SUBMIT_MAX)
			n = SVACC_SUBMIT_MAX;
		ret = svacc_ioctl_submit(s->fd, d + done, n, s->shared_wq, &acc);
		if (ret == 0 && (acc == 0 || acc > n))
			return -EPROTO;
		if (ret == 0) {
			done += acc;
			deadline = svacc_now_ns() + SVACC_SUBMIT_TIMEOUT_NS;
			attempt = 0;
			continue;
		}
		if (ret != -EAGAIN && ret != -EINTR)
			return ret;
		s->retries++;
		if (svacc_now_ns() > deadline)
			return -EAGAIN;
		backoff(attempt++);
	}
	return 0;
}

int svacc_submit(struct svacc *s, const struct drm_svacc_desc *d,
		 uint32_t count)
{
	uint32_t i;
	int ret;

	if (s->path_kind == SVACC_PATH_IOCTL)
		return svacc_ioctl_submit_all(s, d, count);
	if (!s->portal) {
		ret = svacc_wq_claim(s, SVACC_WQ_ANY);
		if (ret)
			return ret;
	}
	for (i = 0; i < count; i++) {
		ret = svacc_portal_submit(s, &d[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * svacc_wait_ioctl() - one DRM_IOCTL_SVACC_WAIT call
 * @fd: device file
 * @c: completion record
 * @timeout_ns: relative timeout, 0 only checks
 * @status: out, may be NULL
 *
 * Return: 0 or the ioctl's negative errno (-ETIME, -EINTR, ...).
 */
int svacc_wait_ioctl(int fd, struct drm_svacc_completion *c,
		     int64_t timeout_ns, uint32_t *status)
{
	return svacc_wait_ioctl_epoch(fd, c, timeout_ns, 0, status);
}

/**
 * svacc_wait_ioctl_epoch() - one DRM_IOCTL_SVACC_WAIT call with a reset epoch
 * @fd: device file
 * @c: record
 * @timeout_ns: relative timeout
 * @epoch: drm_svacc_info.reset_epoch read before the descriptor was
 *	submitted, or 0
 * @status: out: the record's status (may be NULL)
 *
 * Return: 0, or a negative errno (-ETIME, -EINTR, -ECANCELED: the device
 * was reset after @epoch, and work submitted before that reset is lost).
 */
int svacc_wait_ioctl_epoch(int fd, struct drm_svacc_completion *c,
			   int64_t timeout_ns, uint32_t epoch, uint32_t *status)
{
	struct drm_svacc_wait w = {
		.completion_addr = (uintptr_t)c,
		.timeout_ns = timeout_ns,
		.reset_epoch = epoch,
	};

	if (ioctl(fd, DRM_IOCTL_SVACC_WAIT, &w))
		return -errno;
	if (status)
		*status = w.status;
	return 0;
}

/**
 * svacc_wait() - wait for a completion record
 * @s: context
 * @c: record of a descriptor submitted with CRAV|RCI
 * @timeout_ns: relative timeout
 *
 * Spins for SVACC_SPIN_NS, then sleeps in DRM_IOCTL_SVACC_WAIT, which
 * returns early when the device was reset after the epoch @s was last told
 * of (@s->info.reset_epoch, refreshed then).
 *
 * Return: the record's status (> 0), -ETIME, -ECANCELED (a device reset
 * may have dropped the descriptor: resubmit it), or another negative errno.
 */
int svacc_wait(struct svacc *s, struct drm_svacc_completion *c,
	       int64_t timeout_ns)
{
	uint64_t start = svacc_now_ns(), now;
	int64_t left;
	uint32_t st;
	int ret;

	do {
		if (svacc_status(c))
			return svacc_status(c);
	} while (svacc_now_ns() - start < SVACC_SPIN_NS);

	for (;;) {
		now = svacc_now_ns();
		left = timeout_ns - (int64_t)(now - start);
		if (left < 0)
			left = 0;
		ret = svacc_wait_ioctl_epoch(s->fd, c, left,
					     s->info.reset_epoch, &st);
		if (svacc_status(c))
			return svacc_status(c);
		if (ret == -EINTR)
			continue;
		if (ret == -ECANCELED)
			svacc_get_info(s->fd, &s->info);
		if (ret)
			return ret;
		/* 0 with a zero status: a spurious wake-up, wait again */
		if (left == 0)
			return -ETIME;
	}
}

/**
 * svacc_wait_poll() - wait for a record with poll() on the device file
 * @s: context
 * @c: record of a descriptor submitted with CRAV|RCI
 * @timeout_ms: relative timeout
 *
 * Return: the record's status, -ETIME or a negative errno.
 */
int svacc_wait_poll(struct svacc *s, struct drm_svacc_completion *c,
		    int timeout_ms)
{
	uint64_t end = svacc_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	uint64_t now;
	int ret;

	for (;;) {
		if (svacc_status(c))
			return svacc_status(c);
		now = svacc_now_ns();
		if (now >= end)
			return -ETIME;
		ret = poll(&pfd, 1, (int)((end - now + 999999) / 1000000));
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (ret > 0 && (pfd.revents & (POLLERR | POLLNVAL)))
			return -EIO;
		if (ret > 0) {
			uint32_t status = 0;

			/*
			 * Somebody's completion: check ours, which also
			 * re-arms poll() so it does not report this one again.
			 */
			ret = svacc_wait_ioctl(s->fd, c, 0, &status);
			if (!ret)
				return status;
			if (ret != -ETIME)
				return ret;
		}
	}
}

void svacc_desc_init(struct drm_svacc_desc *d, uint8_t opcode,
		     struct drm_svacc_completion *c)
{
	memset(d, 0, sizeof(*d));
	d->opcode = opcode;
	if (c) {
		memset(c, 0, sizeof(*c));
		d->completion_addr = (uintptr_t)c;
		d->flags = SVACC_DESC_F_CRAV | SVACC_DESC_F_RCI;
	}
}

void svacc_desc_nop(struct drm_svacc_desc *d, struct drm_svacc_completion *c)
{
	svacc_desc_init(d, SVACC_OP_NOP, c);
}

void svacc_desc_drain(struct drm_svacc_desc *d,
		      struct drm_svacc_completion *c)
{
	svacc_desc_init(d, SVACC_OP_DRAIN, c);
}

void svacc_desc_memmove(struct drm_svacc_desc *d, void *dst, const void *src,
			uint32_t size, struct drm_svacc_completion *c)
{
	svacc_desc_init(d, SVACC_OP_MEMMOVE, c);
	d->dst = (uintptr_t)dst;
	d->src = (uintptr_t)src;
	d->size = size;
}

void svacc_desc_memfill(struct drm_svacc_desc *d, void *dst, uint64_t pattern,
			uint32_t size, struct drm_svacc_completion *c)
{
	svacc_desc_init(d, SVACC_OP_MEMFILL, c);
	d->dst = (uintptr_t)dst;
	d->op0 = pattern;
	d->size = size;
}

void svacc_desc_compare(struct drm_svacc_desc *d, const void *a,
			const void *b, uint32_t size,
			struct drm_svacc_completion *c)
{
	svacc_desc_init(d, SVACC_OP_COMPARE, c);
	d->src = (uintptr_t)a;
	d->dst = (uintptr_t)b;
	d->size = size;
}

void svacc_desc_compare_pattern(struct drm_svacc_desc *d, const void *src,
				uint64_t pattern, uint32_t size,
				struct drm_svacc_completion *c)
{
	svacc_desc_init(d, SVACC_OP_COMPARE_PATTERN, c);
	d->src = (uintptr_t)src;
	d->op0 = pattern;
	d->size = size;
}

void svacc_desc_crc32c(struct drm_svacc_desc *d, const void *src,
		       uint32_t size, uint32_t seed,
		       struct drm_svacc_completion *c)
{
	svacc_desc_init(d, SVACC_OP_CRC32C, c);
	d->src = (uintptr_t)src;
	d->op0 = seed;
	d->size = size;
}

void svacc_desc_batch(struct drm_svacc_desc *d,
		      const struct drm_svacc_desc *array, uint32_t count,
		      struct drm_svacc_completion *c)
{
	svacc_desc_init(d, SVACC_OP_BATCH, c);
	d->src = (uintptr_t)array;
	d->size = count;
}

/**
 * svacc_touch() - make pages present from the CPU without faulting
 * @addr: first byte
 * @len: bytes
 * @write: populate writable
 *
 * Uses MADV_POPULATE_{READ,WRITE}, so an unmapped or read-only range is
 * an error return, not a signal.
 *
 * Return: 0 or -errno (-ENOMEM unmapped, -EFAULT not accessible).
 */
int svacc_touch(const void *addr, size_t len, bool write)
{
	uintptr_t start = (uintptr_t)addr & ~(SVACC_PAGE_SIZE - 1);
	uintptr_t end = ((uintptr_t)addr + len + SVACC_PAGE_SIZE - 1) &
			~(SVACC_PAGE_SIZE - 1);

	if (madvise((void *)start, end - start,
		    write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ))
		return -errno;
	return 0;
}

uint64_t svacc_pattern_rotate(uint64_t pattern, uint64_t bytes)
{
	unsigned int r = (bytes % 8) * 8;

	if (!r)
		return pattern;
	return (pattern >> r) | (pattern << (64 - r));
}

/**
 * svacc_fault_fixup() - prepare the resubmission after a PAGE_FAULT
 * @d: the descriptor that completed with @c; advanced in place
 * @c: its PAGE_FAULT record
 *
 * Touches the faulting page with the faulting access, then advances the
 * addresses and size by bytes_completed; MEMFILL/COMPARE_PATTERN patterns
 * are rotated to stay aligned to the original start, and CRC32C continues
 * from the partial CRC.
 *
 * Return: 0, -EINVAL for a record or opcode that cannot be resumed, or
 * the error of svacc_touch() (the page cannot be made accessible).
 */
int svacc_fault_fixup(struct drm_svacc_desc *d,
		      const struct drm_svacc_completion *c)
{
	uint32_t done = c->bytes_completed;
	int ret;

	if (c->status != SVACC_STATUS_PAGE_FAULT || done > d->size)
		return -EINVAL;
	ret = svacc_touch((const void *)(uintptr_t)c->fault_addr, 1,
			  c->fault_info & SVACC_FAULT_WRITE);
	if (ret)
		return ret;

	switch (d->opcode) {
	case SVACC_OP_MEMMOVE:
	case SVACC_OP_COMPARE:
		d->src += done;
		d->dst += done;
		break;
	case SVACC_OP_MEMFILL:
		d->dst += done;
		d->op0 = svacc_pattern_rotate(d->op0, done);
		break;
	case SVACC_OP_COMPARE_PATTERN:
		d->src += done;
		d->op0 = svacc_pattern_rotate(d->op0, done);
		break;
	case SVACC_OP_CRC32C:
		d->src += done;
		d->op0 = (uint32_t)c->result_value;
		break;
	default:
		return -EINVAL;
	}
	d->size -= done;
	return 0;
}

static bool is_compare(uint8_t op)
{
	return op == SVACC_OP_COMPARE || op == SVACC_OP_COMPARE_PATTERN;
}

/**
 * svacc_run() - submit one descriptor and see it through to the end
 * @s: context
 * @d: descriptor; completion_addr/flags are set to use @c; advanced in
 *	place across resubmissions
 * @c: completion record
 * @res: out
 *
 * PAGE_FAULT completions are fixed up with svacc_fault_fixup() and
 * resubmitted (at most SVACC_MAX_RESUBMIT times); a resubmission that
 * faults again at the same address without progress is retried with
 * SVACC_DESC_F_BOF.
 *
 * Return: 0 with @res filled (check @res->status), or a negative errno
 * from submission, waiting or fix-up (then @res->status is the last one).
 */
int svacc_run(struct svacc *s, struct drm_svacc_desc *d,
	      struct drm_svacc_completion *c, struct svacc_result *res)
{
	uint64_t offset = 0;
	int ret;

	memset(res, 0, sizeof(*res));
	for (;;) {
		memset(c, 0, sizeof(*c));
		d->completion_addr = (uintptr_t)c;
		d->flags |= SVACC_DESC_F_CRAV | SVACC_DESC_F_RCI;
		ret = svacc_submit(s, d, 1);
		if (ret)
			return ret;
		ret = svacc_wait(s, c, SVACC_WAIT_TIMEOUT_NS);
		if (ret < 0)
			return ret;
		res->status = ret;
		res->result = c->result;
		res->value = is_compare(d->opcode) ? offset + c->result_value :
						     c->result_value;
		if (ret != SVACC_STATUS_PAGE_FAULT || d->opcode == SVACC_OP_BATCH)
			return 0;
		if (is_compare(d->opcode) && c->result) {
			res->status = SVACC_STATUS_SUCCESS;
			return 0;
		}
		/*
		 * No progress at the same address: the CPU touch did not make
		 * the page visible to the device (a device page table is
		 * filled only by device faults), so let it block on the fault.
		 */
		if (res->resubmits && !c->bytes_completed &&
		    c->fault_addr == res->fault_addr)
			d->flags |= SVACC_DESC_F_BOF;
		res->fault_addr = c->fault_addr;
		if (res->resubmits >= SVACC_MAX_RESUBMIT)
			return -ELOOP;
		offset += c->bytes_completed;
		ret = svacc_fault_fixup(d, c);
		if (ret)
			return ret;
		res->resubmits++;
	}
}

static uint32_t crc32c_table[8][256];
static bool crc32c_ready;

static void crc32c_init(void)
{
	uint32_t crc;
	int i, j;

	for (i = 0; i < 256; i++) {
		crc = i;
		for (j = 0; j < 8; j++)
			crc = (crc >> 1) ^ (crc & 1 ? 0x82F63B78u : 0);
		crc32c_table[0][i] = crc;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			crc32c_table[j][i] = (crc32c_table[j - 1][i] >> 8) ^
				crc32c_table[0][crc32c_table[j - 1][i] & 0xff];
	crc32c_ready = true;
}

/**
 * svacc_crc32c() - CPU reference for SVACC_OP_CRC32C
 * @seed: initial value (OP0[31:0])
 * @buf: data
 * @len: bytes
 *
 * Reflected CRC-32C, no inversion: the kernel's crc32c(seed, buf, len).
 * The standard CRC-32C of a buffer is ~svacc_crc32c(~0, buf, len).
 */
uint32_t svacc_crc32c(uint32_t seed, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = seed;
	uint64_t v;

	if (!crc32c_ready)
		crc32c_init();
	while (len >= 8) {
		memcpy(&v, p, 8);
		v ^= crc;
		crc = crc32c_table[7][v & 0xff] ^
		      crc32c_table[6][(v >> 8) & 0xff] ^
		      crc32c_table[5][(v >> 16) & 0xff] ^
		      crc32c_table[4][(v >> 24) & 0xff] ^
		      crc32c_table[3][(v >> 32) & 0xff] ^
		      crc32c_table[2][(v >> 40) & 0xff] ^
		      crc32c_table[1][(v >> 48) & 0xff] ^
		      crc32c_table[0][v >> 56];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = crc32c_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

/**
 * svacc_fill_random() - fill @buf with a reproducible pseudo-random stream
 * @buf: destination
 * @size: bytes
 * @seed: the stream (xorshift64); the same seed gives the same bytes
 */
void svacc_fill_random(void *buf, size_t size, uint64_t seed)
{
	uint64_t x = seed | 1, *p = buf;
	size_t i;

	for (i = 0; i < size / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x;
	}
	for (i = size & ~7UL; i < size; i++)
		((uint8_t *)buf)[i] = (uint8_t)i;
}

/* CPU reference for MEMFILL: byte i = byte (i mod 8) of @pattern */
void svacc_fill_pattern(void *dst, uint64_t pattern, size_t size)
{
	uint8_t *p = dst;
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = pattern >> (8 * (i % 8));
}

/**
 * svacc_records_alloc() - @n zeroed, 32-byte aligned completion records
 * @n: number of records
 *
 * Return: the array (free() it) or NULL.
 */
struct drm_svacc_completion *svacc_records_alloc(size_t n)
{
	void *p;

	if (posix_memalign(&p, 64, n * sizeof(struct drm_svacc_completion)))
		return NULL;
	memset(p, 0, n * sizeof(struct drm_svacc_completion));
	return p;
}

/**
 * svacc_descs_alloc() - @n zeroed, 64-byte aligned descriptors
 * @n: number of descriptors (a BATCH array needs this alignment)
 *
 * Return: the array (free() it) or NULL.
 */
struct drm_svacc_desc *svacc_descs_alloc(size_t n)
{
	void *p;

	if (posix_memalign(&p, 64, n * sizeof(struct drm_svacc_desc)))
		return NULL;
	memset(p, 0, n * sizeof(struct drm_svacc_desc));
	return p;
}

/**
 * svacc_alloc_untouched() - anonymous memory the CPU has never touched
 * @size: bytes
 *
 * Transparent huge pages are disabled on it so that every 4 KiB page
 * needs its own first touch. Return: the mapping or NULL.
 */
void *svacc_alloc_untouched(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_NOHUGEPAGE);
	return p;
}

void svacc_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

/* Largest @size of one data descriptor */
uint64_t svacc_max_transfer(const struct svacc *s)
{
	unsigned int shift = s->info.max_transfer_shift;

	if (shift == 0 || shift > 31)
		shift = 31;
	return 1ULL << shift;
}

const char *svacc_status_name(unsigned int status)
{
	static const char * const names[] = {
		[SVACC_STATUS_NONE] = "NONE",
		[SVACC_STATUS_SUCCESS] = "SUCCESS",
		[SVACC_STATUS_PAGE_FAULT] = "PAGE_FAULT",
		[SVACC_STATUS_INVALID_OPCODE] = "INVALID_OPCODE",
		[SVACC_STATUS_INVALID_FLAGS] = "INVALID_FLAGS",
		[SVACC_STATUS_MISALIGNED] = "MISALIGNED",
		[SVACC_STATUS_ACCESS_DENIED] = "ACCESS_DENIED",
		[SVACC_STATUS_BATCH_ERROR] = "BATCH_ERROR",
		[SVACC_STATUS_INVALID_SIZE] = "INVALID_SIZE",
		[SVACC_STATUS_HOLD_EXPIRED] = "HOLD_EXPIRED",
	};

	if (status < ARRAY_SIZE(names) && names[status])
		return names[status];
	return "UNKNOWN";
}

const char *svacc_op_name(unsigned int op)
{
	static const char * const names[] = {
		[SVACC_OP_NOP] = "NOP",
		[SVACC_OP_DRAIN] = "DRAIN",
		[SVACC_OP_MEMMOVE] = "MEMMOVE",
		[SVACC_OP_MEMFILL] = "MEMFILL",
		[SVACC_OP_COMPARE] = "COMPARE",
		[SVACC_OP_COMPARE_PATTERN] = "COMPARE_PATTERN",
		[SVACC_OP_CRC32C] = "CRC32C",
		[SVACC_OP_BATCH] = "BATCH",
	};

	if (op < ARRAY_SIZE(names))
		return names[op];
	return "UNKNOWN";
}

const char *svacc_mode_name(unsigned int mode)
{
	switch (mode) {
	case SVACC_MODE_SVA:
		return "sva";
	case SVACC_MODE_HMM:
		return "hmm";
	default:
		return "unknown";
	}
}

const char *svacc_reason_name(unsigned int reason)
{
	switch (reason) {
	case SVACC_REASON_NONE:
		return "none";
	case SVACC_REASON_FORCED:
		return "forced by module parameter";
	case SVACC_REASON_NO_DEVICE_CAPS:
		return "device lacks PASID/ATS/PRI";
	case SVACC_REASON_NO_IOMMU:
		return "no IOMMU";
	case SVACC_REASON_SVA_REFUSED:
		return "bind refused";
	default:
		return "unknown";
	}
}

const char *svacc_reason_detail(unsigned int reason, unsigned int err)
{
	if (reason != SVACC_REASON_SVA_REFUSED)
		return NULL;
	switch (err) {
	case EOPNOTSUPP:
		return "the kernel does not offer SVA on this platform";
	case ENODEV:
	case EINVAL:
		return "the IOMMU cannot share the CPU's page tables with this device";
	default:
		return "the IOMMU core refused the bind";
	}
}
