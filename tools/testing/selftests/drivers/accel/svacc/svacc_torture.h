/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the svacc torture programs (svacc_removal, svacc_reset,
 * svacc_inject, svacc_fuzz, svacc_storm): a seeded random generator, the
 * short and full forms, the svacc PCI function in sysfs, probes that the
 * device still works or is really gone, leak gauges, and requests to the
 * host's QMP agent.
 */
#ifndef _SVACC_TORTURE_H_
#define _SVACC_TORTURE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kselftest.h"
#include "svacc_test.h"

/* splitmix64: one 64-bit state, reproducible from its seed */
struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 when n is 0 */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

/* True with probability @pct percent */
static inline bool rng_pct(struct rng *r, unsigned int pct)
{
	return rng_below(r, 100) < pct;
}

uint64_t torture_seed(const char *prog);
long env_long(const char *name, long def);
bool torture_full(void);
long torture_scale(long short_form, long full_form, const char *env);
bool debug_kernel(void);

int svacc_pci_dir(char *dir, size_t len);
int sysfs_write_bounded(const char *path, const char *val, int timeout_s);
int sysfs_write_at(const char *dir, const char *file, const char *val);

int store_signal(uint64_t *addr, uint64_t val);
int device_works(void);
int wait_for_device(int timeout_s);

long meminfo_kb(const char *key);
long slab_settled_kb(void);
int debugfs_count_contexts(void);

void device_id(char *id, size_t len);
bool host_qmp_available(void);
int host_qmp(const char *request, char *answer, size_t len, int timeout_s);

/*
 * A failure report that children write to shared memory: the count and
 * the first message, for the parent to assert on and print.
 */
struct fail_log {
	int fails;
	char first[512];
};

void *shared_alloc(size_t len);
__printf(2, 3) void fail_note(struct fail_log *log, const char *fmt, ...);

/*
 * One MMIO access of 1, 2, 4 or 8 bytes as a single instruction: the
 * compiler neither merges, splits nor drops it (a portal or register
 * access has side effects the compiler cannot see).
 */
static inline void mmio_write(void *addr, uint64_t val, unsigned int size)
{
	switch (size) {
	case 1:
		__asm__ volatile("movb %b1, (%0)" : : "r"(addr), "q"(val) : "memory");
		break;
	case 2:
		__asm__ volatile("movw %w1, (%0)" : : "r"(addr), "r"(val) : "memory");
		break;
	case 4:
		__asm__ volatile("movl %k1, (%0)" : : "r"(addr), "r"(val) : "memory");
		break;
	default:
		__asm__ volatile("movq %1, (%0)" : : "r"(addr), "r"(val) : "memory");
		break;
	}
}

static inline uint64_t mmio_read(const void *addr, unsigned int size)
{
	uint64_t v = 0;

	switch (size) {
	case 1:
		__asm__ volatile("movzbq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
		break;
	case 2:
		__asm__ volatile("movzwq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
		break;
	case 4:
		__asm__ volatile("movl (%1), %k0" : "=r"(v) : "r"(addr) : "memory");
		break;
	default:
		__asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
		break;
	}
	return v;
}

#endif /* _SVACC_TORTURE_H_ */
