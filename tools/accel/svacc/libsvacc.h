/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libsvacc: a small user-space library for the svacc accelerator.
 *
 * Open the device, read its info and counters, claim a dedicated WQ and
 * map its portal, build descriptors, submit them through the portal or
 * through DRM_IOCTL_SVACC_SUBMIT, wait for completion records, and
 * resubmit after a partial (PAGE_FAULT) completion.
 *
 * Every function that can fail returns 0 (or a documented non-negative
 * value) on success and a negative errno on failure. Nothing here is
 * thread-safe per struct svacc: use one per thread, or a lock.
 */
#ifndef _LIBSVACC_H_
#define _LIBSVACC_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm/svacc_accel.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef fallthrough
#define fallthrough		__attribute__((__fallthrough__))
#endif

#define SVACC_VENDOR_ID		0x1234
#define SVACC_DEVICE_ID		0x5356
#define SVACC_DRIVER_NAME	"svacc"

#define SVACC_PAGE_SIZE		4096UL

/* Default timeouts */
#define SVACC_SUBMIT_TIMEOUT_NS	(10LL * 1000000000LL)
#define SVACC_WAIT_TIMEOUT_NS	(120LL * 1000000000LL)
/* Spin on a record this long before sleeping in DRM_IOCTL_SVACC_WAIT */
#define SVACC_SPIN_NS		(20LL * 1000LL)
/* Bounded number of fault-and-resubmit rounds in svacc_run() */
#define SVACC_MAX_RESUBMIT	4096

/**
 * enum svacc_path - how svacc_submit() hands descriptors to the device
 * @SVACC_PATH_IOCTL: DRM_IOCTL_SVACC_SUBMIT to a shared WQ
 * @SVACC_PATH_PORTAL: direct stores to the mapped portal of a claimed WQ
 */
enum svacc_path {
	SVACC_PATH_IOCTL = 0,
	SVACC_PATH_PORTAL = 1,
};

/**
 * struct svacc - one device context (one open file)
 * @fd: the open /dev/accel/accelN
 * @path: its path
 * @info: DRM_IOCTL_SVACC_GET_INFO at open
 * @wq: claimed dedicated WQ, or -1
 * @wq_size: its depth
 * @mmap_offset: its portal's mmap offset
 * @portal: mapped portal page, or NULL
 * @commit_count: expected SUBMIT_STATUS[31:16] of the next commit
 * @commit_epoch: reset epoch at which @commit_count was last in step
 * @path_kind: default submission path of svacc_submit()
 * @shared_wq: WQ index for the ioctl path (SVACC_WQ_ANY by default): a
 *	shared WQ, or the dedicated WQ @wq
 * @retries: portal RETRY statuses and ioctl -EAGAIN seen (statistics)
 */
struct svacc {
	int fd;
	char path[64];
	struct drm_svacc_info info;
	int wq;
	uint32_t wq_size;
	uint64_t mmap_offset;
	void *portal;
	uint16_t commit_count;
	uint32_t commit_epoch;
	enum svacc_path path_kind;
	uint32_t shared_wq;
	uint64_t retries;
};

/**
 * struct svacc_result - outcome of svacc_run()
 * @status: final completion status
 * @result: COMPARE*: 0 equal, 1 different
 * @value: CRC32C, or absolute offset of the first difference
 * @resubmits: PAGE_FAULT completions fixed up and resubmitted
 * @fault_addr: last fault address seen (0 if none)
 */
struct svacc_result {
	int status;
	int result;
	uint64_t value;
	unsigned int resubmits;
	uint64_t fault_addr;
};

/* Discovery and context */
int svacc_find(char *path, size_t len);
bool svacc_node_is_svacc(const char *node);
int svacc_sysfs_read_ul(const char *path, int base, unsigned long *val);
int svacc_open(struct svacc *s, const char *path);
void svacc_close(struct svacc *s);
int svacc_get_info(int fd, struct drm_svacc_info *info);
int svacc_get_counters(int fd, struct drm_svacc_counters *c);

/* Dedicated WQ and portal */
int svacc_wq_claim(struct svacc *s, uint32_t wq);
int svacc_wq_release(struct svacc *s);
void svacc_portal_write(void *portal, const struct drm_svacc_desc *d);
uint32_t svacc_portal_read_status(void *portal);
int svacc_portal_try(struct svacc *s, const struct drm_svacc_desc *d);
int svacc_portal_submit(struct svacc *s, const struct drm_svacc_desc *d);

/* Ioctl submission */
int svacc_ioctl_submit(int fd, const struct drm_svacc_desc *d, uint32_t count,
		       uint32_t wq, uint32_t *accepted);
int svacc_ioctl_submit_all(struct svacc *s, const struct drm_svacc_desc *d,
			   uint32_t count);

/* Either path, as chosen by s->path_kind */
int svacc_submit(struct svacc *s, const struct drm_svacc_desc *d,
		 uint32_t count);

/* Completion */
int svacc_wait_ioctl(int fd, struct drm_svacc_completion *c,
		     int64_t timeout_ns, uint32_t *status);
int svacc_wait_ioctl_epoch(int fd, struct drm_svacc_completion *c,
			   int64_t timeout_ns, uint32_t epoch,
			   uint32_t *status);
int svacc_wait(struct svacc *s, struct drm_svacc_completion *c,
	       int64_t timeout_ns);
int svacc_wait_poll(struct svacc *s, struct drm_svacc_completion *c,
		    int timeout_ms);
static inline uint8_t svacc_status(const struct drm_svacc_completion *c)
{
	return __atomic_load_n(&c->status, __ATOMIC_ACQUIRE);
}

/* Descriptor builders: zero @d, set CRAV|RCI when @c is given, clear @c */
void svacc_desc_init(struct drm_svacc_desc *d, uint8_t opcode,
		     struct drm_svacc_completion *c);
void svacc_desc_nop(struct drm_svacc_desc *d, struct drm_svacc_completion *c);
void svacc_desc_drain(struct drm_svacc_desc *d,
		      struct drm_svacc_completion *c);
void svacc_desc_memmove(struct drm_svacc_desc *d, void *dst, const void *src,
			uint32_t size, struct drm_svacc_completion *c);
void svacc_desc_memfill(struct drm_svacc_desc *d, void *dst, uint64_t pattern,
			uint32_t size, struct drm_svacc_completion *c);
void svacc_desc_compare(struct drm_svacc_desc *d, const void *a,
			const void *b, uint32_t size,
			struct drm_svacc_completion *c);
void svacc_desc_compare_pattern(struct drm_svacc_desc *d, const void *src,
				uint64_t pattern, uint32_t size,
				struct drm_svacc_completion *c);
void svacc_desc_crc32c(struct drm_svacc_desc *d, const void *src,
		       uint32_t size, uint32_t seed,
		       struct drm_svacc_completion *c);
void svacc_desc_batch(struct drm_svacc_desc *d,
		      const struct drm_svacc_desc *array, uint32_t count,
		      struct drm_svacc_completion *c);

/* Partial completion */
int svacc_touch(const void *addr, size_t len, bool write);
int svacc_fault_fixup(struct drm_svacc_desc *d,
		      const struct drm_svacc_completion *c);
int svacc_run(struct svacc *s, struct drm_svacc_desc *d,
	      struct drm_svacc_completion *c, struct svacc_result *res);

/* CPU references */
uint32_t svacc_crc32c(uint32_t seed, const void *buf, size_t len);
void svacc_fill_pattern(void *dst, uint64_t pattern, size_t size);
void svacc_fill_random(void *buf, size_t size, uint64_t seed);
uint64_t svacc_pattern_rotate(uint64_t pattern, uint64_t bytes);

/* Memory helpers */
struct drm_svacc_completion *svacc_records_alloc(size_t n);
struct drm_svacc_desc *svacc_descs_alloc(size_t n);
void *svacc_alloc_untouched(size_t size);
void svacc_free(void *p, size_t size);
uint64_t svacc_now_ns(void);
uint64_t svacc_max_transfer(const struct svacc *s);

/* Names */
const char *svacc_status_name(unsigned int status);
const char *svacc_op_name(unsigned int op);
const char *svacc_mode_name(unsigned int mode);
const char *svacc_reason_name(unsigned int reason);
/* Why a refusal (@reason with positive errno @err) happened, or NULL */
const char *svacc_reason_detail(unsigned int reason, unsigned int err);

#endif /* _LIBSVACC_H_ */
