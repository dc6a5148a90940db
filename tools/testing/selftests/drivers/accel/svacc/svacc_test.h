/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Common helpers of the svacc selftests.
 *
 * The tests are written mode-agnostic: they read the translation mode
 * from DRM_IOCTL_SVACC_GET_INFO and assert the counter that proves device
 * faulting in that mode (PRI page requests in SVA mode, device fault
 * records in HMM mode). $SVACC_EXPECT_MODE (sva, hmm), set by the run
 * script, makes a silent mode fallback a failure.
 */
#ifndef _SVACC_TEST_H_
#define _SVACC_TEST_H_

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "libsvacc.h"

#define SZ_4K			4096UL
#define SZ_1M			(1024UL * 1024UL)
#define PAGE			SZ_4K
#define NS_PER_SEC		1000000000LL
#define TEST_WAIT_NS		(60 * NS_PER_SEC)

/* Runaway bound for loops that fill a WQ */
#define FILL_MAX_DESCS		70000

/* Size of the "slow" descriptor that keeps a WQ busy */
#define BLOCKER_SIZE		(32 * SZ_1M)

/**
 * struct blocker - a long-running MEMMOVE into never-touched memory (BOF)
 * @src: CPU-written source
 * @dst: never-touched destination
 * @len: bytes
 * @rec: its completion record
 * @desc: the descriptor
 */
struct blocker {
	void *src;
	void *dst;
	size_t len;
	struct drm_svacc_completion *rec;
	struct drm_svacc_desc desc;
};

int blocker_init(struct blocker *b, size_t len);
void blocker_free(struct blocker *b);

/* Mode-relevant fault counter: page_req (SVA) or dev_fault (HMM) */
uint64_t fault_counter(const struct svacc *s,
		       const struct drm_svacc_counters *c);
const char *fault_counter_name(const struct svacc *s);
int read_fault_counter(const struct svacc *s, uint64_t *val);

int submit_wait(struct svacc *s, struct drm_svacc_desc *d,
		struct drm_svacc_completion *c);
int wait_record(struct svacc *s, struct drm_svacc_completion *c,
		int64_t timeout_ns);

int warm_records(struct svacc *s, struct drm_svacc_completion *rec, size_t n);
void fill_random(void *buf, size_t len, uint64_t seed);
bool cpu_all(const void *p, uint8_t b, size_t len);
void *map_file(size_t len, const void *content, size_t content_len,
	       int prot, int flags, int *fdp);
void *reserve_hole(size_t len);

void kmsg_mark(const char *name);
int kmsg_open(void);
int kmsg_scan_fn(int fd, bool (*match)(const char *msg, const void *arg),
		 const void *arg, char *first, size_t first_len);
int kmsg_scan(int fd, const char *needle, char *first, size_t first_len);
int kmsg_splats(int fd, char *first, size_t first_len);
int kmsg_splats_except(int fd, const char *allowed, char *first,
		       size_t first_len);

uint64_t kernel_symbol(const char *name);
int write_str(const char *path, const char *val);
int truncate_file(const char *path);
int read_param(const char *path, unsigned int *val);
long long debugfs_counter(const char *name);
int copy_verified(struct svacc *s, enum svacc_path path, size_t len,
		  struct drm_svacc_completion *c);
int copy_verified_by(struct svacc *s, enum svacc_path path, size_t len,
		     struct drm_svacc_completion *c,
		     int (*submit)(struct svacc *s, struct drm_svacc_desc *d,
				   struct drm_svacc_completion *c));
int send_fd(int sock, int fd, uint64_t offset);
int recv_fd(int sock, uint64_t *offset);
int svacc_pci_name(const char *node, char *buf, size_t len);
int svacc_debugfs_file(const char *node, const char *file, char *buf,
		       size_t len);

int wait_child(pid_t pid, int timeout_s, int *status);
const char *expected_mode(void);

#endif /* _SVACC_TEST_H_ */
