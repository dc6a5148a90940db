// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc structure-aware fuzzer.
 *
 * One seeded random stream drives every step: descriptors of every opcode
 * (well formed, mutated or random bytes; BATCH arrays with bad elements
 * and arrays running into an inaccessible page) submitted through the
 * ioctl and through the portal; portal stores of every size, alignment and
 * offset; random ioctl numbers, sizes and arguments; mmap, munmap,
 * mprotect, madvise and mremap of the buffers the descriptors name and of
 * the portal; fork() and SCM_RIGHTS children that try the file; closing
 * and reopening the context.
 *
 * Oracles, checked as the run goes:
 *  - every call returns 0 or an errno the uapi documents for it (a
 *    kernel-internal errno such as ERESTARTSYS is always a bug);
 *  - the submit ioctl accepts or refuses exactly as uapi.rst's validation
 *    rules say (a user-space model of them), and a refused descriptor is
 *    never executed (its record stays zero);
 *  - portal commits report the status and commit count of
 *    hardware.rst's descriptor assembly (a model of the staging buffer);
 *  - every accepted descriptor with a record completes within the
 *    deadline with a status the spec allows for it (CRC32C and COMPARE of
 *    read-only memory are checked against the CPU), unless its context
 *    was closed, after which its record is never written;
 *  - the device never writes where no descriptor may: records, batch
 *    arrays and read-only memory are fenced off by construction, so a
 *    write there shows up as a wrong record.
 * At the end the device still does a verified copy on both paths and the
 * kernel log has no splat.
 *
 * $SVACC_SEED repeats a run's sequence of actions (the device's timing may
 * differ); the seed is printed first and with every failure.
 * $SVACC_FUZZ_SECONDS bounds the run (short form 20 s); the full form
 * (TORTURE_FORM=full, make fuzz) runs until $SVACC_FUZZ_SUBMISSIONS
 * descriptors (default 1000000) were handed to the device.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_assert.h"
#include "svacc_torture.h"

#ifndef MREMAP_FIXED
#define MREMAP_FIXED		2
#endif

/* hardware.rst: the staging buffer is 0x00..0x3F, SUBMIT_STATUS at 0x40 */
#define STAGE_BYTES		0x40
#define COMMIT_QWORD		7

/* The top of user space: TASK_SIZE with 4-level paging, and with 5-level */
#define USER_TOP_4LEVEL		0x7ffffffff000ULL
#define USER_TOP_5LEVEL		0xfffffffffff000ULL

#define REC_SLOTS		8192
#define SCRATCH_RECS		1024
#define BATCH_SLOTS		64
#define BATCH_MAX_ELEMS		64
#define DATA_CHUNKS		64
#define CHUNK			(64 * 1024UL)
#define GOLDEN_LEN		(256 * 1024UL)
#define MAX_KIDS		4
#define DEADLINE_NS		(120 * NS_PER_SEC)
#define PROBATION_NS		(300 * 1000 * 1000LL)
#define LOG_LINES		32

/* What a data chunk is now */
enum chunk_state { C_RW, C_RO, C_NONE };

/* An address class the generators pick from */
enum where {
	W_DATA,		/* the data arena (its chunks' states vary) */
	W_GOLDEN,	/* read-only, known content */
	W_NULLPAGE,	/* below mmap_min_addr: never mapped */
	W_GUARD,	/* PROT_NONE page after the batch arena */
	W_KERNEL,	/* a kernel address */
	W_NONCANON,	/* not canonical */
	W_TOP,		/* ranges at and across the top of user space */
	W_COUNT,
};

/* How an address range can be accessed, as far as the fuzzer knows */
enum acc { ACC_OK, ACC_FAULT, ACC_MAYBE };

/* A tracked completion record */
enum pend_kind {
	P_FREE,
	P_LIVE,		/* submitted: must complete with a status in @mask */
	P_NEVER,	/* never submitted or discarded: must stay zero */
};

struct pend {
	uint8_t kind;
	uint8_t opcode;
	uint8_t verify;		/* V_* below */
	bool count_elems;	/* BATCH: bytes_completed must count successes */
	uint8_t result;		/* expected COMPARE result */
	uint16_t mask;		/* allowed statuses, bit per status */
	uint16_t batch;		/* batch array + 1 of a BATCH descriptor, or 0 */
	uint16_t parent;	/* element: its BATCH's record slot + 1, or 0 */
	uint64_t elem_at;	/* element: its address in a batch array, or 0 */
	int gen;		/* context generation it was submitted in */
	bool portal;		/* through the portal of our dedicated WQ */
	uint32_t size;
	uint32_t nelem;		/* BATCH: elements with tracked records */
	uint64_t value;		/* expected RESULT_VALUE */
	uint64_t lo, hi;	/* addresses a PAGE_FAULT may name */
	uint64_t src, dst;	/* for the failure report */
	uint64_t submitted;	/* step */
	uint64_t chunks;	/* data chunks touched, a bit each */
	uint64_t chunk_sum;	/* their versions at submission */
	int64_t deadline;
	const char *never;	/* P_NEVER: why it must stay unwritten */
	uint64_t never_step;	/* and since which step */
	int elems[BATCH_MAX_ELEMS]; /* BATCH: element record slots, -1 none */
};

enum { V_NONE, V_VALUE, V_COMPARE };

/* The fuzzer's model of its dedicated WQ portal */
struct portal_model {
	void *addr;		/* mapped portal, or NULL */
	bool writable;		/* PROT_WRITE (else a store raises SIGSEGV) */
	bool revoked;		/* the WQ was released: stores raise SIGBUS */
	int wq;			/* claimed WQ, or -1 */
	uint64_t offset;	/* its mmap offset */
	uint8_t mask;		/* quadwords staged since the last commit */
	bool unknown;		/* the mask is unknown until the next commit */
	uint16_t count;		/* commit count of the last commit */
	uint64_t q[8];		/* staged quadwords */
	int qslot[8];		/* record slot a staged quadword 1 names, or -1 */
};

struct fz {
	struct __test_metadata *md;
	uint64_t user_top;	/* the kernel's TASK_SIZE for us */
	bool core_ioctls;	/* random ioctls include the DRM core's */
	struct rng r;
	uint64_t seed;
	uint64_t step;
	struct svacc s;
	int gen;
	uint64_t max_xfer;
	uint32_t max_batch;
	uint64_t ops;

	uint8_t *data;
	uint8_t chunk[DATA_CHUNKS];
	uint32_t chunk_ver[DATA_CHUNKS];
	uint8_t *golden;
	struct drm_svacc_completion *recs;
	struct drm_svacc_completion *scratch;
	struct drm_svacc_desc *batch;	/* BATCH_SLOTS arrays, then the guard */
	uint8_t *guard;
	uint8_t batch_busy[BATCH_SLOTS];
	uint8_t *argbuf;		/* random ioctl arguments */

	struct pend *pend;
	struct slot_history {
		uint8_t opcode;		/* of the slot's previous descriptor */
		uint8_t status;		/* the status it completed with */
		uint64_t freed;		/* step it was freed at */
	} *hist;
	uint8_t *where;		/* S_FREE, S_TAKEN or S_BUSY */
	struct submitted_batch {
		uint64_t step, src;
		uint32_t size;
		bool portal;
	} blog[64];		/* the last BATCH descriptors handed over */
	unsigned int blogi;
	int *free_slots;
	int nfree;
	int *busy;
	int nbusy;

	/* the kernel's special mappings ([vvar], [vdso]...): see sanitize() */
	struct { uint64_t lo, hi; } special[8];
	int nspecial;

	struct portal_model pm;
	pid_t kids[MAX_KIDS];
	bool kid_killed[MAX_KIDS];

	uint64_t submissions, ioctl_descs, portal_commits, completed;
	uint64_t einval_calls, ioctl_random, mm_ops, forks, closes;
	char log[LOG_LINES][160];
	unsigned int logi;
	int failed;
	char why[768];
};

/* The action log: the last LOG_LINES actions, printed with a failure */
static __printf(2, 3) void note(struct fz *f, const char *fmt, ...)
{
	char *line = f->log[f->logi++ % LOG_LINES];
	int n;
	va_list ap;

	n = snprintf(line, 160, "%llu: ", (unsigned long long)f->step);
	va_start(ap, fmt);
	vsnprintf(line + n, 160 - n, fmt, ap);
	va_end(ap);
}

static __printf(2, 3) void fail(struct fz *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->failed++)
		return;
	n = snprintf(f->why, sizeof(f->why), "seed 0x%llx step %llu: ",
		     (unsigned long long)f->seed, (unsigned long long)f->step);
	va_start(ap, fmt);
	vsnprintf(f->why + n, sizeof(f->why) - n, fmt, ap);
	va_end(ap);
}

static bool errno_kernel_internal(int err)
{
	return err >= 512;	/* ERESTARTSYS, ENOIOCTLCMD, ... leaked */
}

/* -@err must be 0 or one of @allowed (0-terminated list of errnos) */
static void check_errno(struct fz *f, const char *what, int ret, ...)
{
	va_list ap;
	int e;

	if (!ret)
		return;
	if (errno_kernel_internal(-ret)) {
		fail(f, "%s: kernel-internal errno %d leaked", what, -ret);
		return;
	}
	va_start(ap, ret);
	while ((e = va_arg(ap, int)))
		if (-ret == e) {
			va_end(ap);
			return;
		}
	va_end(ap);
	fail(f, "%s: %s (%d) is not a documented answer", what, strerror(-ret), ret);
}

/* ---- memory the descriptors name ---------------------------------------- */

static bool in(uint64_t a, uint64_t len, const void *base, uint64_t blen)
{
	uint64_t b = (uintptr_t)base;

	return a >= b && len <= blen && a - b <= blen - len;
}

static bool overlaps(uint64_t a, uint64_t len, const void *base, uint64_t blen)
{
	uint64_t b = (uintptr_t)base;

	if (!len)
		return false;
	return a < b + blen && b < a + len && a + len > a;
}

static bool canonical(uint64_t a)
{
	return a < (1ULL << 47) || a >= ~((1ULL << 47) - 1);
}

/*
 * Places a device access may fault on but can never hurt: nothing the
 * process uses lives there, whatever mappings come and go.
 */
static bool fault_only(struct fz *f, uint64_t a, uint64_t len)
{
	if (len && a + len < a)
		return true;		/* wraps: never translated */
	if (a + len <= 0x10000)
		return true;		/* below mmap_min_addr */
	if (a >= f->user_top)
		return true;		/* kernel or non-canonical */
	return in(a, len, f->guard, PAGE) || in(a, len, f->golden, GOLDEN_LEN);
}

/* May the device write [a, a + len)? Only the data arena and fault-only places */
static bool write_ok(struct fz *f, uint64_t a, uint64_t len)
{
	return in(a, len, f->data, DATA_CHUNKS * CHUNK) || fault_only(f, a, len);
}

/* Where a record may be written without confusing the tracking */
static bool record_ok(struct fz *f, uint64_t a)
{
	return in(a, 32, f->scratch, SCRATCH_RECS * 32) ||
	       in(a, 32, f->data, DATA_CHUNKS * CHUNK) || fault_only(f, a, 32);
}

static uint64_t pick_fault_addr(struct fz *f)
{
	switch (rng_below(&f->r, 4)) {
	case 0:
		return rng_below(&f->r, 0x10000 - 64) & ~63ULL;
	case 1:
		return 0xffff888000000000ULL + (rng_below(&f->r, 1 << 20) << 12);
	case 2:
		return 0x0000900000000000ULL | (rng_next(&f->r) & 0xffffffff000ULL);
	default:
		return (uintptr_t)f->guard;
	}
}

static uint64_t scratch_rec(struct fz *f)
{
	return (uintptr_t)&f->scratch[rng_below(&f->r, SCRATCH_RECS)];
}

/* A range of @len in a class of places */
static uint64_t pick_addr(struct fz *f, enum where w, uint64_t len, bool write)
{
	uint64_t span;

	switch (w) {
	case W_DATA:
		span = DATA_CHUNKS * CHUNK;
		if (len >= span)
			return (uintptr_t)f->data;
		return (uintptr_t)f->data + rng_below(&f->r, span - len + 1);
	case W_GOLDEN:
		if (len >= GOLDEN_LEN || write)
			return (uintptr_t)f->golden;
		return (uintptr_t)f->golden + rng_below(&f->r, GOLDEN_LEN - len + 1);
	case W_NULLPAGE:
		return rng_below(&f->r, 0x8000);
	case W_GUARD:
		/* start in the last batch array's page, run into the guard */
		return (uintptr_t)f->guard - rng_below(&f->r, 2 * PAGE);
	case W_KERNEL:
		return 0xffff888000000000ULL + rng_below(&f->r, 1ULL << 30);
	case W_NONCANON:
		return 0x0000800000000000ULL + rng_below(&f->r, 1ULL << 40);
	case W_TOP:
	default:
		return f->user_top - rng_below(&f->r, 3) * PAGE - rng_below(&f->r, 64);
	}
}

/*
 * Access class of [a, a + len) for a read or a write, and the data chunks
 * it touches (their versions tell whether they changed in flight).
 */
static enum acc classify(struct fz *f, uint64_t a, uint64_t len, bool write,
			 uint64_t *chunks)
{
	uint64_t base = (uintptr_t)f->data, end, c;
	enum acc worst = ACC_OK;

	if (!len)
		return ACC_OK;
	if (a + len < a || !canonical(a) || !canonical(a + len - 1) ||
	    a >= (1ULL << 47) || a + len > (1ULL << 47))
		return ACC_FAULT;
	if (a + len <= 0x10000 || overlaps(a, len, f->guard, PAGE))
		return ACC_FAULT;
	if (in(a, len, f->golden, GOLDEN_LEN))
		return write ? ACC_FAULT : ACC_OK;
	if (in(a, len, f->batch, BATCH_SLOTS * BATCH_MAX_ELEMS * 64))
		return write ? ACC_MAYBE : ACC_OK;
	if (!in(a, len, f->data, DATA_CHUNKS * CHUNK))
		return ACC_MAYBE;	/* other memory of the process */
	end = a + len - 1;
	for (c = (a - base) / CHUNK; c <= (end - base) / CHUNK; c++) {
		*chunks |= 1ULL << c;
		if (f->chunk[c] == C_NONE || (write && f->chunk[c] == C_RO))
			return ACC_FAULT;
	}
	return worst;
}

static uint64_t chunk_sum(struct fz *f, uint64_t chunks)
{
	uint64_t sum = 0;
	int c;

	for (c = 0; c < DATA_CHUNKS; c++)
		if (chunks & (1ULL << c))
			sum += f->chunk_ver[c];
	return sum;
}

/* ---- record slots ------------------------------------------------------ */

/* The fuzzer's own bookkeeping must hold: a slot is free, handed out, or busy */
enum { S_FREE, S_TAKEN, S_BUSY };

static void slot_move(struct fz *f, int slot, uint8_t from, uint8_t to)
{
	if (f->where[slot] != from)
		fail(f, "fuzzer bug: record slot %d is in state %u, not %u", slot,
		     f->where[slot], from);
	f->where[slot] = to;
}

static int slot_get(struct fz *f)
{
	int slot;

	if (!f->nfree)
		return -1;
	slot = f->free_slots[--f->nfree];
	slot_move(f, slot, S_FREE, S_TAKEN);
	memset(&f->pend[slot], 0, sizeof(f->pend[slot]));
	return slot;
}

static void slot_busy(struct fz *f, int slot)
{
	slot_move(f, slot, S_TAKEN, S_BUSY);
	f->busy[f->nbusy++] = slot;
}

static void slot_put(struct fz *f, int slot)
{
	/* (a completed record's history was kept when it completed) */
	if (f->pend[slot].kind == P_LIVE || f->recs[slot].status) {
		f->hist[slot].opcode = f->pend[slot].opcode;
		f->hist[slot].status = f->recs[slot].status;
		f->hist[slot].freed = f->step;
	}
	memset(&f->recs[slot], 0, sizeof(f->recs[slot]));
	f->pend[slot].kind = P_FREE;
	slot_move(f, slot, S_BUSY, S_FREE);
	f->free_slots[f->nfree++] = slot;
}

static uint64_t slot_addr(struct fz *f, int slot)
{
	return (uintptr_t)&f->recs[slot];
}

/* From now on the record must stay unwritten, for a while at least */
static void set_never(struct fz *f, struct pend *p, const char *why)
{
	p->kind = P_NEVER;
	p->parent = 0;
	p->deadline = svacc_now_ns() + PROBATION_NS;
	p->never = why;
	p->never_step = f->step;
}

/* A slot that will not be submitted after all: it must stay unwritten */
static void slot_never(struct fz *f, int slot, const char *why)
{
	struct pend *p = &f->pend[slot];

	set_never(f, p, why);
	p->batch = 0;
	slot_busy(f, slot);
}

/* ---- expectations ------------------------------------------------------ */

#define ST(x)		(1u << SVACC_STATUS_##x)
#define DATA_OPS	((1u << SVACC_OP_MEMMOVE) | (1u << SVACC_OP_MEMFILL) | \
			 (1u << SVACC_OP_COMPARE) | (1u << SVACC_OP_COMPARE_PATTERN) | \
			 (1u << SVACC_OP_CRC32C))

static bool rsvd_clear(const struct drm_svacc_desc *d)
{
	return !d->rsvd0 && !d->rsvd1 && !d->rsvd2[0] && !d->rsvd2[1] &&
	       !(d->flags & ~SVACC_DESC_F_ALL);
}

/* Golden-range results the CPU can compute */
static void expect_values(struct fz *f, const struct drm_svacc_desc *d,
			  struct pend *p)
{
	const uint8_t *a = (const uint8_t *)(uintptr_t)d->src;
	const uint8_t *b = (const uint8_t *)(uintptr_t)d->dst;
	uint8_t pat[8];
	uint32_t i;

	p->verify = V_NONE;
	if (d->size == 0 || !in(d->src, d->size, f->golden, GOLDEN_LEN))
		return;
	switch (d->opcode) {
	case SVACC_OP_CRC32C:
		p->verify = V_VALUE;
		p->value = svacc_crc32c((uint32_t)d->op0, a, d->size);
		break;
	case SVACC_OP_COMPARE:
		if (!in(d->dst, d->size, f->golden, GOLDEN_LEN))
			return;
		for (i = 0; i < d->size && a[i] == b[i]; i++)
			;
		p->verify = V_COMPARE;
		p->result = i < d->size;
		p->value = i < d->size ? i : 0;
		break;
	case SVACC_OP_COMPARE_PATTERN:
		memcpy(pat, &d->op0, 8);
		for (i = 0; i < d->size && a[i] == pat[i % 8]; i++)
			;
		p->verify = V_COMPARE;
		p->result = i < d->size;
		p->value = i < d->size ? i : 0;
		break;
	}
}

/*
 * What the device may answer for @d (hardware.rst: opcode, then reserved
 * fields and flags, then SIZE and batch alignment, then the address
 * space). @elem: a batch element. Fills @p's mask, fault range and
 * verification.
 */
static void predict(struct fz *f, const struct drm_svacc_desc *d, bool elem,
		    bool portal, struct pend *p)
{
	uint64_t chunks = 0;
	enum acc r = ACC_OK, w = ACC_OK, worst;
	bool bof = d->flags & SVACC_DESC_F_BOF;
	uint16_t extra = 0;

	p->opcode = d->opcode;
	p->size = d->size;
	p->src = d->src;
	p->dst = d->dst;
	p->submitted = f->step;
	p->verify = V_NONE;
	p->lo = 0;
	p->hi = ~0ULL;
	/* a dedicated WQ ignores PASID_PRIV; whether its reserved bits count is not said */
	if (portal && !elem && (d->pasid_priv & 0x7ff00000))
		extra = ST(INVALID_FLAGS);

	if (d->opcode > SVACC_OP_BATCH || !(f->s.info.ops & (1ULL << d->opcode)) ||
	    (elem && (d->opcode == SVACC_OP_BATCH || d->opcode == SVACC_OP_DRAIN))) {
		p->mask = ST(INVALID_OPCODE);
		return;
	}
	if (!rsvd_clear(d)) {
		p->mask = ST(INVALID_FLAGS);
		return;
	}
	switch (d->opcode) {
	case SVACC_OP_NOP:
		p->mask = ST(SUCCESS) | extra;
		return;
	case SVACC_OP_DRAIN:
		/*
		 * Through the ioctl (a shared WQ, mostly): a drain whose wait
		 * others queue behind stops at the fault hold (uapi.rst)
		 */
		p->mask = ST(SUCCESS) | (portal ? 0 : ST(HOLD_EXPIRED)) | extra;
		return;
	case SVACC_OP_BATCH:
		if (!d->size || d->size > f->max_batch) {
			p->mask = ST(INVALID_SIZE) | extra;
			return;
		}
		if (d->src % 64) {
			p->mask = ST(MISALIGNED) | extra;
			return;
		}
		r = classify(f, d->src, (uint64_t)d->size * 64, false, &chunks);
		p->lo = d->src;
		p->hi = d->src + (uint64_t)d->size * 64;
		/* the elements' own outcomes decide between these */
		p->mask = (r == ACC_FAULT ? ST(PAGE_FAULT) :
			   r == ACC_MAYBE ? ST(PAGE_FAULT) | ST(SUCCESS) | ST(BATCH_ERROR) :
			   ST(SUCCESS) | ST(BATCH_ERROR)) | extra;
		if (r != ACC_OK || !bof)
			p->mask |= ST(PAGE_FAULT);
		return;
	}
	if (d->size > f->max_xfer) {
		p->mask = ST(INVALID_SIZE) | extra;
		return;
	}
	if (!d->size) {
		p->mask = ST(SUCCESS) | extra;
		return;
	}
	if (d->opcode != SVACC_OP_MEMFILL)
		r = classify(f, d->src, d->size, false, &chunks);
	if (d->opcode == SVACC_OP_MEMMOVE || d->opcode == SVACC_OP_MEMFILL)
		w = classify(f, d->dst, d->size, true, &chunks);
	else if (d->opcode == SVACC_OP_COMPARE)
		w = classify(f, d->dst, d->size, false, &chunks);
	/* any access that must fault ends it; one that may, might */
	worst = r == ACC_FAULT || w == ACC_FAULT ? ACC_FAULT :
		r == ACC_MAYBE || w == ACC_MAYBE ? ACC_MAYBE : ACC_OK;
	p->chunks = chunks;
	p->chunk_sum = chunk_sum(f, chunks);
	if (worst == ACC_FAULT)
		p->mask = ST(PAGE_FAULT);
	else if (worst == ACC_MAYBE || !bof)
		p->mask = ST(PAGE_FAULT) | ST(SUCCESS);
	else
		p->mask = ST(SUCCESS);
	/* COMPARE* may find a difference before a faulting page */
	if (d->opcode == SVACC_OP_COMPARE || d->opcode == SVACC_OP_COMPARE_PATTERN)
		p->mask |= ST(SUCCESS);
	p->mask |= extra;
	if (p->mask == ST(SUCCESS))
		expect_values(f, d, p);
}

/* ---- descriptor generators ---------------------------------------------- */

static enum where pick_where(struct fz *f)
{
	unsigned int x = rng_below(&f->r, 100);

	if (x < 60)
		return W_DATA;
	if (x < 80)
		return W_GOLDEN;
	return W_NULLPAGE + rng_below(&f->r, W_COUNT - W_NULLPAGE);
}

static uint32_t pick_size(struct fz *f)
{
	switch (rng_below(&f->r, 10)) {
	case 0:
		return 0;
	case 1:
		return 1 + rng_below(&f->r, 16);
	case 2:
		return PAGE - 8 + rng_below(&f->r, 16);
	case 3:
		return f->max_xfer + rng_below(&f->r, 2);	/* the limit */
	case 4:
		return rng_below(&f->r, 16 * PAGE);
	default:
		return 1 + rng_below(&f->r, 3 * PAGE);
	}
}

/* A descriptor as the spec would have it, with addresses from the classes */
static void gen_wellformed(struct fz *f, struct drm_svacc_desc *d, bool elem)
{
	static const uint8_t ops[] = {
		SVACC_OP_NOP, SVACC_OP_DRAIN, SVACC_OP_MEMMOVE, SVACC_OP_MEMFILL,
		SVACC_OP_COMPARE, SVACC_OP_COMPARE_PATTERN, SVACC_OP_CRC32C,
	};
	uint32_t size = pick_size(f);

	memset(d, 0, sizeof(*d));
	d->opcode = ops[rng_below(&f->r, ARRAY_SIZE(ops))];
	if (elem && rng_pct(&f->r, 10))
		d->opcode = rng_pct(&f->r, 50) ? SVACC_OP_BATCH : SVACC_OP_DRAIN;
	d->flags = rng_below(&f->r, 16) & (SVACC_DESC_F_RCI | SVACC_DESC_F_FENCE |
					   SVACC_DESC_F_BOF);
	/* huge sizes only where nothing is touched or they fault at once */
	if (size > 64 * PAGE && d->opcode != SVACC_OP_NOP && d->opcode != SVACC_OP_DRAIN &&
	    rng_pct(&f->r, 90))
		size = rng_below(&f->r, 64 * PAGE);
	switch (d->opcode) {
	case SVACC_OP_MEMMOVE:
		d->src = pick_addr(f, pick_where(f), size, false);
		d->dst = pick_addr(f, rng_pct(&f->r, 80) ? W_DATA : pick_where(f), size, true);
		break;
	case SVACC_OP_MEMFILL:
		d->dst = pick_addr(f, rng_pct(&f->r, 80) ? W_DATA : pick_where(f), size, true);
		d->op0 = rng_next(&f->r);
		break;
	case SVACC_OP_COMPARE:
		d->src = pick_addr(f, pick_where(f), size, false);
		d->dst = rng_pct(&f->r, 30) ? d->src : pick_addr(f, pick_where(f), size, false);
		break;
	case SVACC_OP_COMPARE_PATTERN:
	case SVACC_OP_CRC32C:
		d->src = pick_addr(f, pick_where(f), size, false);
		d->op0 = rng_pct(&f->r, 50) ? rng_next(&f->r) : 0;
		if (d->opcode == SVACC_OP_CRC32C && rng_pct(&f->r, 80))
			d->op0 &= 0xffffffffULL;
		break;
	}
	if (d->opcode != SVACC_OP_NOP && d->opcode != SVACC_OP_DRAIN)
		d->size = size;
}

/* Flip bits, bytes or whole fields of a descriptor */
static void mutate(struct fz *f, struct drm_svacc_desc *d)
{
	uint8_t *b = (uint8_t *)d;
	int i, n = 1 + rng_below(&f->r, 3);

	for (i = 0; i < n; i++) {
		switch (rng_below(&f->r, 6)) {
		case 0:
			b[rng_below(&f->r, 64)] ^= 1 << rng_below(&f->r, 8);
			break;
		case 1:
			b[rng_below(&f->r, 64)] = rng_next(&f->r);
			break;
		case 2:
			d->opcode = rng_below(&f->r, 12);
			break;
		case 3:
			d->flags = rng_next(&f->r);
			break;
		case 4:
			d->size = rng_pct(&f->r, 50) ? rng_next(&f->r) : f->max_xfer + 1;
			break;
		default:
			((uint32_t *)d)[rng_below(&f->r, 16)] = rng_next(&f->r);
			break;
		}
	}
}

/*
 * Fence off what the device must never write: records are only written to
 * the tracked slot a generator chose (@own) or to harmless places, writes
 * only go to the data arena or fault, a BATCH array is only read from the
 * array built for it (@own_array) or from places that fault. Applies to
 * whatever the device will parse, mutated or random.
 */
/* Does [a, a + len) touch one of the kernel's special mappings? */
static bool special(struct fz *f, uint64_t a, uint64_t len)
{
	int i;

	for (i = 0; i < f->nspecial; i++)
		if (a < f->special[i].hi && a + (len ? len : 1) > f->special[i].lo)
			return true;
	return false;
}

/* The [vvar], [vvar_vclock], [vdso]... lines of /proc/self/maps */
static void find_special(struct fz *f)
{
	unsigned long long lo, hi;
	char line[512];
	FILE *m;

	m = fopen("/proc/self/maps", "r");
	if (!m)
		return;
	while (fgets(line, sizeof(line), m) && f->nspecial < (int)ARRAY_SIZE(f->special)) {
		if (!strchr(line, '[') || strstr(line, "[heap]") || strstr(line, "[stack]") ||
		    sscanf(line, "%llx-%llx", &lo, &hi) != 2)
			continue;
		f->special[f->nspecial].lo = lo;
		f->special[f->nspecial++].hi = hi;
		/* kept out of every descriptor: say where (a trace names addresses) */
		ksft_print_msg("kept out: %s", line);
	}
	fclose(m);
}

static void sanitize(struct fz *f, struct drm_svacc_desc *d, uint64_t own,
		     uint64_t own_array)
{
	uint64_t len = d->size;

	if (d->opcode == SVACC_OP_MEMMOVE || d->opcode == SVACC_OP_MEMFILL) {
		if (!write_ok(f, d->dst, len))
			d->dst = pick_fault_addr(f);
		/* no executable copies of descriptors or records */
		if (d->opcode == SVACC_OP_MEMMOVE &&
		    (overlaps(d->src, len, f->batch, BATCH_SLOTS * BATCH_MAX_ELEMS * 64) ||
		     overlaps(d->src, len, f->recs, REC_SLOTS * 32) ||
		     !in(d->src, len, f->data, DATA_CHUNKS * CHUNK)))
			if (!in(d->src, len, f->golden, GOLDEN_LEN) && !fault_only(f, d->src, len))
				d->src = (uintptr_t)f->golden;
	}
	if (d->opcode == SVACC_OP_BATCH &&
	    !(own_array && d->src == own_array) &&
	    !fault_only(f, d->src, (uint64_t)d->size * 64))
		d->src = pick_fault_addr(f) & ~63ULL;
	if (d->completion_addr != own && !record_ok(f, d->completion_addr & ~31ULL))
		d->completion_addr = scratch_rec(f);
	/*
	 * No reads of the kernel's special mappings: in SVA mode the IOMMU
	 * core's fault handler (iommu_sva_handle_iopf()) faults [vvar] in
	 * from a kworker, and the vvar fault handler warns ("vvar_page
	 * accessed remotely", a splat) -- a kernel bug outside svacc, which
	 * the HMM mirror (it refuses VM_IO|VM_PFNMAP) does not meet.
	 */
	if (special(f, d->src, d->opcode == SVACC_OP_BATCH ? (uint64_t)d->size * 64 : len))
		d->src = pick_fault_addr(f);
	if (special(f, d->dst, len))
		d->dst = pick_fault_addr(f);
	/*
	 * A fault address can start a range that runs on into the special
	 * mappings (the guard page with a large size, up through the arenas
	 * mapped above it), and a device reads ahead of the page it works
	 * on. The last resort is the null page: every range from there
	 * faults at once and ends far below them.
	 */
	if (special(f, d->src, d->opcode == SVACC_OP_BATCH ? (uint64_t)d->size * 64 : len))
		d->src = rng_below(&f->r, 0x8000) & ~63ULL;
	if (special(f, d->dst, len))
		d->dst = rng_below(&f->r, 0x8000) & ~63ULL;
}

/*
 * One descriptor for submission: well formed, mutated or random bytes. A
 * record in a tracked slot is set up when the descriptor keeps CRAV and a
 * sane record address; *@slot returns it (or -1).
 */
static void gen_desc(struct fz *f, struct drm_svacc_desc *d, int *slot,
		     bool elem)
{
	unsigned int kind = rng_below(&f->r, 100);
	uint64_t own = 0;

	*slot = -1;
	if (kind < 70 || elem) {
		gen_wellformed(f, d, elem);
		if (kind >= 60 && kind < 70)
			mutate(f, d);
	} else if (kind < 90) {
		gen_wellformed(f, d, elem);
		mutate(f, d);
	} else {
		uint64_t *q = (uint64_t *)d;
		int i;

		for (i = 0; i < 8; i++)
			q[i] = rng_next(&f->r);
		if (rng_pct(&f->r, 50)) {
			d->rsvd0 = 0;
			d->rsvd1 = 0;
			d->rsvd2[0] = 0;
			d->rsvd2[1] = 0;
			d->opcode &= 7;
		}
	}
	if (rng_pct(&f->r, 85)) {
		d->flags |= SVACC_DESC_F_CRAV;
		*slot = slot_get(f);
		if (*slot >= 0) {
			own = slot_addr(f, *slot);
			d->completion_addr = own;
		} else {
			d->completion_addr = scratch_rec(f);
		}
	} else if (rng_pct(&f->r, 50)) {
		d->completion_addr = scratch_rec(f) + rng_below(&f->r, 32);
	}
	sanitize(f, d, own, 0);
	if (special(f, d->src, d->opcode == SVACC_OP_BATCH ? (uint64_t)d->size * 64 : d->size) ||
	    special(f, d->dst, d->size))
		fail(f, "fuzzer bug: op %u src %#llx dst %#llx size %u runs into a special mapping",
		     d->opcode, (unsigned long long)d->src, (unsigned long long)d->dst, d->size);
	if (*slot >= 0)
		f->pend[*slot].opcode = d->opcode;
}

/* ---- pending records ---------------------------------------------------- */

static void track(struct fz *f, int slot, const struct drm_svacc_desc *d,
		  bool elem, bool portal)
{
	struct pend *p = &f->pend[slot];

	memset(p, 0, offsetof(struct pend, elems));
	p->kind = P_LIVE;
	p->gen = f->gen;
	p->portal = portal;
	p->deadline = svacc_now_ns() + DEADLINE_NS;
	predict(f, d, elem, portal, p);
	/* a misaligned record address is not written at all (SWERR 0x05) */
	if (!(d->flags & SVACC_DESC_F_CRAV) || d->completion_addr % 32)
		set_never(f, p, "no record asked for");
	slot_busy(f, slot);
}

/* Check a written record against its expectation; false: failed */
static bool check_record(struct fz *f, int slot)
{
	struct drm_svacc_completion c = f->recs[slot];
	struct pend *p = &f->pend[slot];
	uint16_t mask = p->mask;

	if (p->kind == P_NEVER && p->elem_at) {
		unsigned int i;

		/* which BATCH descriptors could have read that element? */
		for (i = 0; i < ARRAY_SIZE(f->blog); i++) {
			struct submitted_batch *b = &f->blog[(f->blogi + i) % ARRAY_SIZE(f->blog)];

			if (b->step && p->elem_at >= b->src &&
			    p->elem_at < b->src + (uint64_t)b->size * 64)
				note(f,
				     "BATCH of %u at %#llx handed over at step %llu (%s) covers it",
				     b->size, (unsigned long long)b->src,
				     (unsigned long long)b->step, b->portal ? "portal" : "ioctl");
		}
		note(f, "the element was at %#llx", (unsigned long long)p->elem_at);
	}
	if (p->kind == P_NEVER) {
		fail(f,
		     "record slot %d written (%s %s, %u bytes, fault %#llx, value %#llx): since step %llu it must not be (%s %s); before, a %s completed %s there, freed at step %llu",
		     slot, svacc_op_name(c.opcode), svacc_status_name(c.status),
		     c.bytes_completed, (unsigned long long)c.fault_addr,
		     (unsigned long long)c.result_value, (unsigned long long)p->never_step,
		     svacc_op_name(p->opcode), p->never, svacc_op_name(f->hist[slot].opcode),
		     svacc_status_name(f->hist[slot].status),
		     (unsigned long long)f->hist[slot].freed);
		return false;
	}
	/* memory it named changed while it ran: either outcome */
	if (p->chunks && chunk_sum(f, p->chunks) != p->chunk_sum &&
	    (mask & (ST(SUCCESS) | ST(PAGE_FAULT))))
		mask |= ST(SUCCESS) | ST(PAGE_FAULT);
	if (c.status > 15 || !(mask & (1u << c.status))) {
		fail(f,
		     "%s record: status %u (%s), allowed mask %#x, size %u, src %#llx dst %#llx (data arena %p), fault %#llx info %u after %u bytes, submitted at step %llu",
		     svacc_op_name(p->opcode), c.status, svacc_status_name(c.status),
		     mask, p->size, (unsigned long long)p->src, (unsigned long long)p->dst,
		     f->data, (unsigned long long)c.fault_addr, c.fault_info,
		     c.bytes_completed, (unsigned long long)p->submitted);
		return false;
	}
	if (c.opcode != p->opcode) {
		fail(f, "record opcode %u for a %s descriptor", c.opcode,
		     svacc_op_name(p->opcode));
		return false;
	}
	if (c.rsvd) {
		fail(f, "record reserved field %#llx", (unsigned long long)c.rsvd);
		return false;
	}
	if (c.status == SVACC_STATUS_SUCCESS && (DATA_OPS & (1u << p->opcode)) &&
	    c.bytes_completed != p->size) {
		fail(f, "%s SUCCESS with bytes_completed %u of %u", svacc_op_name(p->opcode),
		     c.bytes_completed, p->size);
		return false;
	}
	if (c.status == SVACC_STATUS_PAGE_FAULT && (DATA_OPS & (1u << p->opcode)) &&
	    c.bytes_completed > p->size) {
		fail(f, "PAGE_FAULT with bytes_completed %u > size %u", c.bytes_completed, p->size);
		return false;
	}
	if (c.status == SVACC_STATUS_SUCCESS && p->verify == V_VALUE &&
	    c.result_value != p->value) {
		fail(f, "%s of read-only memory: %#llx, the CPU says %#llx",
		     svacc_op_name(p->opcode), (unsigned long long)c.result_value,
		     (unsigned long long)p->value);
		return false;
	}
	if (c.status == SVACC_STATUS_SUCCESS && p->verify == V_COMPARE &&
	    (c.result != p->result || (p->result && c.result_value != p->value))) {
		fail(f, "%s: result %u at %llu, the CPU says %u at %llu",
		     svacc_op_name(p->opcode), c.result, (unsigned long long)c.result_value,
		     p->result, (unsigned long long)p->value);
		return false;
	}
	return true;
}

/* Release a BATCH descriptor's array once it can no longer be read */
static void batch_done(struct fz *f, struct pend *p)
{
	if (p->batch)
		f->batch_busy[p->batch - 1] = 0;
	p->batch = 0;
}

/*
 * A BATCH descriptor's record arrived: its elements ran (all of them for
 * SUCCESS or BATCH_ERROR, those wholly below the fault for PAGE_FAULT)
 * and wrote their records before it, or did not run and never will.
 */
static void settle_elements(struct fz *f, int slot)
{
	struct pend *p = &f->pend[slot];
	const struct drm_svacc_completion *c = &f->recs[slot];
	bool all = c->status == SVACC_STATUS_SUCCESS ||
		   c->status == SVACC_STATUS_BATCH_ERROR;
	unsigned int i, ok = 0, seen = 0;
	int64_t now = svacc_now_ns();

	for (i = 0; i < p->nelem; i++) {
		int es = p->elems[i];
		struct pend *e;
		bool ran;

		if (es < 0)
			continue;
		e = &f->pend[es];
		if (e->parent != slot + 1)
			continue;
		e->parent = 0;
		ran = all || (c->status == SVACC_STATUS_PAGE_FAULT &&
			      c->fault_addr >= p->lo + (uint64_t)i * 64 + 64);
		if (ran && e->kind == P_LIVE) {
			if (!svacc_status(&f->recs[es]))
				fail(f, "BATCH %s before element %u wrote its record",
				     svacc_status_name(c->status), i);
			e->deadline = now;
			seen++;
			ok += svacc_status(&f->recs[es]) == SVACC_STATUS_SUCCESS;
		} else if (e->kind == P_LIVE) {
			set_never(f, e, "element of a BATCH that stopped before it");
		}
	}
	if (all && p->count_elems && seen == p->nelem && c->bytes_completed != ok)
		fail(f, "BATCH of %u: bytes_completed %u, %u elements succeeded",
		     p->nelem, c->bytes_completed, ok);
}

/* The BATCH will never say: its elements must stay unwritten */
static void orphan_elements(struct fz *f, int slot)
{
	struct pend *p = &f->pend[slot];
	unsigned int i;

	for (i = 0; i < p->nelem; i++) {
		int es = p->elems[i];

		if (es < 0 || f->pend[es].parent != slot + 1)
			continue;
		f->pend[es].parent = 0;
		/* written before the context closed: checked as any record */
		if (f->pend[es].kind == P_LIVE && !svacc_status(&f->recs[es]))
			set_never(f, &f->pend[es], "element of a BATCH that never ran");
	}
}

/*
 * Look at busy slots: check written records, free them; fail the ones past
 * their deadline. @all: every busy slot (else a few).
 */
static void reap(struct fz *f, bool all)
{
	int64_t now = svacc_now_ns();
	int i, n = all ? f->nbusy : (f->nbusy < 16 ? f->nbusy : 16);

	for (i = 0; i < n && i < f->nbusy;) {
		int slot = f->busy[i];
		struct pend *p = &f->pend[slot];
		uint8_t st = svacc_status(&f->recs[slot]);

		if (p->parent && p->kind == P_LIVE && p->gen == f->gen) {
			i++;		/* its BATCH's record settles it */
			continue;
		}
		if (st && p->kind == P_LIVE) {
			check_record(f, slot);
			if (p->nelem)
				settle_elements(f, slot);
			batch_done(f, p);
			f->completed++;
			/*
			 * A record is written once: keep the slot unused for a
			 * while, a second write shows up there.
			 */
			f->hist[slot].opcode = p->opcode;
			f->hist[slot].status = st;
			f->hist[slot].freed = f->step;
			memset(&f->recs[slot], 0, sizeof(f->recs[slot]));
			set_never(f, p, "completed already: written a second time");
			p->nelem = 0;
			i++;
			continue;
		} else if (st) {
			check_record(f, slot);
		} else if (p->kind == P_NEVER ? now < p->deadline :
			   now < p->deadline && p->gen == f->gen) {
			i++;
			continue;
		} else if (p->kind == P_LIVE && p->gen == f->gen) {
			fail(f, "%s descriptor (record slot %d) never completed in %lld s",
			     svacc_op_name(p->opcode), slot, DEADLINE_NS / NS_PER_SEC);
		} else if (p->kind == P_LIVE) {
			/* its context closed: from now on it must stay unwritten */
			set_never(f, p, "context closed before it completed");
			if (p->nelem)
				orphan_elements(f, slot);
			batch_done(f, p);
			i++;
			continue;
		}
		if (p->nelem)
			orphan_elements(f, slot);
		batch_done(f, p);
		f->busy[i] = f->busy[--f->nbusy];
		slot_put(f, slot);
		if (f->failed)
			return;
	}
}

/* Wait until every live record of this context is written */
static void reap_all(struct fz *f, int64_t timeout_ns)
{
	int64_t end = svacc_now_ns() + timeout_ns;

	while (f->nbusy && !f->failed) {
		reap(f, true);
		if ((int64_t)svacc_now_ns() > end)
			break;
		usleep(2000);
	}
	reap(f, true);
}

/* ---- actions ------------------------------------------------------------ */

/* [a, a + l) lies in user space */
static bool range_ok(struct fz *f, uint64_t a, uint64_t l)
{
	return a <= f->user_top && l <= f->user_top - a;
}

/* The kernel's validation (uapi.rst, "Shared WQs"): true if accepted */
static bool ioctl_valid(struct fz *f, const struct drm_svacc_desc *d)
{
	uint64_t max = f->max_xfer;

	if (d->pasid_priv || !rsvd_clear(d))
		return false;
	if (d->opcode > SVACC_OP_BATCH || !(f->s.info.ops & (1ULL << d->opcode)))
		return false;
	if ((d->flags & SVACC_DESC_F_CRAV) &&
	    (d->completion_addr % 32 || !range_ok(f, d->completion_addr, 32)))
		return false;
	switch (d->opcode) {
	case SVACC_OP_MEMMOVE:
	case SVACC_OP_COMPARE:
		return d->size <= max && range_ok(f, d->src, d->size) &&
		       range_ok(f, d->dst, d->size);
	case SVACC_OP_MEMFILL:
		return d->size <= max && range_ok(f, d->dst, d->size);
	case SVACC_OP_COMPARE_PATTERN:
	case SVACC_OP_CRC32C:
		return d->size <= max && range_ok(f, d->src, d->size);
	case SVACC_OP_BATCH:
		return d->size && d->size <= f->max_batch && !(d->src % 64) &&
		       range_ok(f, d->src, (uint64_t)d->size * 64);
	}
	return true;
}

/*
 * A BATCH descriptor over an array in the batch arena, its elements with
 * records of their own (some bad elements among them); one in ten arrays
 * is placed so that it runs into the guard page (the array read faults).
 * The elements are tracked once the batch's fate is known (track_batch).
 */
static void gen_batch(struct fz *f, struct drm_svacc_desc *d, int *slot)
{
	bool tail = rng_pct(&f->r, 10);
	struct drm_svacc_desc *arr;
	int b, i, n, room;
	struct pend *p;

	*slot = -1;
	if (tail) {
		b = BATCH_SLOTS - 1;
		if (f->batch_busy[b]) {
			gen_desc(f, d, slot, false);
			return;
		}
		room = rng_below(&f->r, 8);
		arr = (struct drm_svacc_desc *)(f->guard - 64 * room);
	} else {
		for (b = 0; b < BATCH_SLOTS - 1 && f->batch_busy[b]; b++)
			;
		if (b == BATCH_SLOTS - 1) {
			gen_desc(f, d, slot, false);
			return;
		}
		room = BATCH_MAX_ELEMS;
		arr = &f->batch[b * BATCH_MAX_ELEMS];
	}
	*slot = slot_get(f);
	if (*slot < 0) {
		svacc_desc_nop(d, NULL);
		return;
	}
	p = &f->pend[*slot];
	memset(p, 0, sizeof(*p));
	/* a tail array fills every element up to the guard page */
	n = tail ? room : 1 + (int)rng_below(&f->r, BATCH_MAX_ELEMS);
	p->nelem = n < room ? n : room;
	for (i = 0; i < (int)p->nelem; i++) {
		gen_desc(f, &arr[i], &p->elems[i], true);
		if (p->elems[i] >= 0)
			f->pend[p->elems[i]].elem_at = (uintptr_t)&arr[i];
	}
	/* a tail array claims more elements than fit before the guard */
	svacc_desc_batch(d, arr, tail ? p->nelem + 1 + rng_below(&f->r, 4) : p->nelem, NULL);
	d->flags = SVACC_DESC_F_CRAV |
		   (rng_below(&f->r, 16) & (SVACC_DESC_F_RCI | SVACC_DESC_F_BOF));
	d->completion_addr = slot_addr(f, *slot);
	if (rng_pct(&f->r, 5))
		d->src += 32;		/* misaligned */
	if (rng_pct(&f->r, 3))
		d->size = rng_pct(&f->r, 50) ? 0 : f->max_batch + 1;
	p->batch = b + 1;
	f->batch_busy[b] = 1;
}

/* After a batch descriptor's fate is known: track (or never) it and its elements */
static void track_batch(struct fz *f, int slot, const struct drm_svacc_desc *d,
			bool submitted, bool portal)
{
	if (submitted) {
		struct submitted_batch *b = &f->blog[f->blogi++ % ARRAY_SIZE(f->blog)];

		b->step = f->step;
		b->src = d->src;
		b->size = d->size;
		b->portal = portal;
	}
	const struct drm_svacc_desc *arr = (const void *)(uintptr_t)(d->src & ~63ULL);
	struct pend *p = &f->pend[slot];
	int elems[BATCH_MAX_ELEMS], i, n = p->nelem, batch = p->batch;
	bool all_tracked = true;

	memcpy(elems, p->elems, sizeof(elems));
	if (!submitted) {
		for (i = 0; i < n; i++)
			if (elems[i] >= 0)
				slot_never(f, elems[i], "element of a BATCH never submitted");
		if (batch)
			f->batch_busy[batch - 1] = 0;
		p->nelem = 0;
		slot_never(f, slot, "BATCH never submitted");
		return;
	}
	for (i = 0; i < n; i++) {
		if (elems[i] < 0) {
			all_tracked = false;
			continue;
		}
		track(f, elems[i], &arr[i], true, portal);
		f->pend[elems[i]].parent = slot + 1;
	}
	track(f, slot, d, false, portal);
	p->batch = batch;
	p->nelem = n;
	memcpy(p->elems, elems, sizeof(elems));
	/* bytes_completed counts the succeeding elements when all are seen */
	p->count_elems = all_tracked && d->size == (uint32_t)n && !(d->src % 64);
}

static void act_ioctl_submit(struct fz *f)
{
	struct drm_svacc_desc d[SVACC_SUBMIT_MAX];
	int slots[SVACC_SUBMIT_MAX], i, n, ret;
	uint32_t acc = 0, wq = SVACC_WQ_ANY;
	bool valid = true;

	n = 1 + rng_below(&f->r, rng_pct(&f->r, 20) ? SVACC_SUBMIT_MAX : 8);
	for (i = 0; i < n; i++) {
		if (rng_pct(&f->r, 10))
			gen_batch(f, &d[i], &slots[i]);
		else
			gen_desc(f, &d[i], &slots[i], false);
		valid &= ioctl_valid(f, &d[i]);
	}
	if (rng_pct(&f->r, 5))
		wq = rng_below(&f->r, f->s.info.num_wqs + 2);
	note(f, "ioctl submit %d descs wq %#x, %s", n, wq, valid ? "valid" : "invalid");
	ret = svacc_ioctl_submit(f->s.fd, d, n, wq, &acc);
	f->submissions += n;
	f->ioctl_descs += n;
	if (!valid && ret != -EINVAL)
		fail(f, "submit of %d with an invalid descriptor: %d (accepted %u), not -EINVAL",
		     n, ret, acc);
	else if (valid && wq == SVACC_WQ_ANY && ret && ret != -EAGAIN)
		fail(f, "submit of %d valid descriptors: %d", n, ret);
	else
		check_errno(f, "SUBMIT", ret, EINVAL, EAGAIN, 0);
	if (ret == -EINVAL)
		f->einval_calls++;
	if (!ret && (acc < 1 || acc > (uint32_t)n))
		fail(f, "submit returned 0 with accepted %u of %d", acc, n);
	if (ret)
		acc = 0;
	for (i = 0; i < n; i++) {
		if (slots[i] < 0)
			continue;
		if (f->pend[slots[i]].batch)
			track_batch(f, slots[i], &d[i], i < (int)acc, false);
		else if (i < (int)acc)
			track(f, slots[i], &d[i], false, false);
		else
			slot_never(f, slots[i], ret ? "submit call refused" :
						      "after the accepted ones");
	}
}

/* ---- the portal ----------------------------------------------------------- */

static void pm_reset_model(struct fz *f)
{
	int i;

	f->pm.mask = 0;
	f->pm.unknown = true;
	for (i = 0; i < 8; i++) {
		if (f->pm.qslot[i] >= 0)
			slot_never(f, f->pm.qslot[i], "portal staging cleared");
		f->pm.qslot[i] = -1;
	}
}

static int portal_claim(struct fz *f)
{
	int ret = svacc_wq_claim(&f->s, SVACC_WQ_ANY);

	check_errno(f, "WQ_CLAIM", ret, EBUSY, 0);
	if (ret)
		return ret;
	f->pm.addr = f->s.portal;
	f->pm.writable = true;
	f->pm.revoked = false;
	f->pm.wq = f->s.wq;
	f->pm.offset = f->s.mmap_offset;
	f->pm.count = svacc_portal_read_status(f->pm.addr) >>
		      SVACC_PORTAL_STATUS_COUNT_SHIFT;
	pm_reset_model(f);
	return 0;
}

/*
 * A commit happens: the model's staged descriptor is submitted if all
 * eight quadwords were written, else the commit is torn. Checks
 * SUBMIT_STATUS against the model and tracks the record.
 */
static void portal_after_commit(struct fz *f, bool unknown, uint8_t mask)
{
	uint32_t st = svacc_portal_read_status(f->pm.addr);
	uint16_t expect = f->pm.count + 1;
	unsigned int status = st & SVACC_PORTAL_STATUS_CODE;
	struct drm_svacc_desc d;
	int slot = f->pm.qslot[1], i;

	f->portal_commits++;
	f->submissions++;
	f->pm.count = st >> SVACC_PORTAL_STATUS_COUNT_SHIFT;
	memcpy(&d, f->pm.q, sizeof(d));
	if ((uint16_t)(st >> 16) != expect)
		fail(f, "portal commit count %u, expected %u", st >> 16, expect);
	else if (!unknown && mask != 0xff && status != SVACC_PORTAL_REJECTED)
		fail(f, "torn portal commit (mask %#x): status %u, expected REJECTED",
		     mask, status);
	else if (!unknown && mask == 0xff && status == SVACC_PORTAL_REJECTED)
		fail(f, "complete portal commit: REJECTED");
	else if (status > SVACC_PORTAL_REJECTED)
		fail(f, "portal status %u", status);
	for (i = 0; i < 8; i++)
		if (i != 1 && f->pm.qslot[i] >= 0)
			slot_never(f, f->pm.qslot[i], "portal staging cleared");
	if (slot >= 0) {
		if (f->pend[slot].batch) {
			track_batch(f, slot, &d, status == SVACC_PORTAL_ACCEPTED, true);
		} else if (status == SVACC_PORTAL_ACCEPTED &&
			   d.completion_addr == slot_addr(f, slot)) {
			track(f, slot, &d, false, true);
		} else {
			slot_never(f, slot, status == SVACC_PORTAL_RETRY ? "portal RETRY" :
				   status == SVACC_PORTAL_REJECTED ? "portal REJECTED" :
				   "portal commit of other data");
		}
	}
	for (i = 0; i < 8; i++)
		f->pm.qslot[i] = -1;
	f->pm.mask = 0;
	f->pm.unknown = false;
}

/*
 * Would these quadwords, staged on top of what is there, commit a
 * descriptor the device must not run? Then the caller clears the staging
 * first.
 */
static bool commit_safe(struct fz *f, const uint64_t *q, uint8_t newmask)
{
	struct drm_svacc_desc d;
	uint64_t before[8];
	int i;

	if (f->pm.unknown)
		return false;
	if ((f->pm.mask | newmask) != 0xff)
		return true;		/* torn: nothing runs */
	for (i = 0; i < 8; i++)
		before[i] = newmask & (1 << i) ? q[i] : f->pm.q[i];
	memcpy(&d, before, sizeof(d));
	/* raw stores never carry a tracked record: nothing of ours to own */
	sanitize(f, &d, 0, 0);
	return !memcmp(before, &d, sizeof(d));
}

/* A store the spec calls bad: clears the staging, status REJECTED */
static void portal_bad_store(struct fz *f)
{
	uint8_t *p = f->pm.addr;

	mmio_write(p + rng_below(&f->r, STAGE_BYTES), rng_next(&f->r), 1);
	pm_reset_model(f);
	f->pm.unknown = false;
	if ((svacc_portal_read_status(f->pm.addr) & SVACC_PORTAL_STATUS_CODE) !=
	    SVACC_PORTAL_REJECTED)
		fail(f, "a 1-byte portal store: status %u, expected REJECTED",
		     svacc_portal_read_status(f->pm.addr) & SVACC_PORTAL_STATUS_CODE);
}

/* Submit one generated descriptor through the portal, in one of several ways */
static void act_portal_submit(struct fz *f)
{
	struct drm_svacc_desc d;
	uint64_t q[8];
	int slot, i, order[8], j, tmp;
	unsigned int how = rng_below(&f->r, 4);
	uint8_t mask;

	if (!f->pm.addr || !f->pm.writable || f->pm.revoked)
		return;
	if (f->pm.unknown || f->pm.mask)
		portal_bad_store(f);
	if (rng_pct(&f->r, 15))
		gen_batch(f, &d, &slot);
	else
		gen_desc(f, &d, &slot, false);
	memcpy(q, &d, sizeof(q));
	for (i = 0; i < 8; i++)
		f->pm.qslot[i] = -1;
	f->pm.qslot[1] = slot;
	memcpy(f->pm.q, q, sizeof(q));
	note(f, "portal submit op %u size %u how %u", d.opcode, d.size, how);
	switch (how) {
	case 0:		/* the library's four 16-byte stores */
		svacc_portal_write(f->pm.addr, &d);
		f->pm.mask = 0xff;
		break;
	case 1:		/* eight 8-byte stores, 0x38 last, others shuffled */
	case 2:		/* eight 8-byte stores in any order: maybe torn */
		for (i = 0; i < 8; i++)
			order[i] = i;
		for (i = 6 + (how == 2); i > 0; i--) {
			j = rng_below(&f->r, i + 1);
			tmp = order[i];
			order[i] = order[j];
			order[j] = tmp;
		}
		mask = 0;
		for (i = 0; i < 8; i++) {
			__atomic_store_n((uint64_t *)f->pm.addr + order[i], q[order[i]],
					 __ATOMIC_SEQ_CST);
			mask |= 1 << order[i];
			if (order[i] == COMMIT_QWORD && i < 7) {
				/* torn: committed early, the rest stay staged */
				f->pm.mask = mask;
				portal_after_commit(f, false, mask);
				mask = 0;
				for (j = i + 1; j < 8; j++)
					mask |= 1 << order[j];
				for (j = i + 1; j < 8; j++)
					__atomic_store_n((uint64_t *)f->pm.addr + order[j],
							 q[order[j]], __ATOMIC_SEQ_CST);
				memcpy(f->pm.q, q, sizeof(q));
				f->pm.mask = mask;
				f->pm.unknown = false;
				return;
			}
		}
		f->pm.mask = mask;
		break;
	default:	/* 32-byte stores, where the CPU has them */
		if (!__builtin_cpu_supports("avx")) {
			svacc_portal_write(f->pm.addr, &d);
		} else {
			__asm__ volatile("vmovdqu  0(%1), %%ymm0\n\t"
					 "vmovdqa  %%ymm0, 0(%0)\n\t"
					 "vmovdqu 32(%1), %%ymm0\n\t"
					 "vmovdqa  %%ymm0, 32(%0)\n\t"
					 "vzeroupper"
					 : : "r"(f->pm.addr), "r"(q) : "xmm0", "memory");
		}
		f->pm.mask = 0xff;
		break;
	}
	portal_after_commit(f, false, f->pm.mask);
}

/* Raw stores of every size, alignment and offset, and reads */
static void act_portal_raw(struct fz *f)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8, 8, 8, 16, 16, 32 };
	unsigned int size = sizes[rng_below(&f->r, ARRAY_SIZE(sizes))];
	unsigned int off, first, nq, i;
	uint8_t *p = f->pm.addr;
	uint64_t q[4];
	uint8_t newmask = 0;
	bool aligned, commit, split;

	if (!p || !f->pm.writable || f->pm.revoked)
		return;
	if (rng_pct(&f->r, 70))
		off = rng_below(&f->r, STAGE_BYTES / size) * size;	/* aligned, staging */
	else
		off = rng_below(&f->r, SVACC_PORTAL_MMAP_SIZE - size + 1);
	for (i = 0; i < 4; i++)
		q[i] = rng_pct(&f->r, 50) ? rng_next(&f->r) : 0;
	if (rng_pct(&f->r, 20)) {
		/* a read: the staging reads 0, SUBMIT_STATUS the last commit */
		uint64_t v;

		if (size > 8) {
			size = 8;
			off &= ~7U;
		}
		v = mmio_read(p + off, size);
		if (off + size <= STAGE_BYTES && v)
			fail(f, "portal read of staging offset %#x: %#llx, expected 0",
			     off, (unsigned long long)v);
		note(f, "portal read %u@%#x", size, off);
		return;
	}
	aligned = (size == 8 || size == 16 || size == 32) && !(off % size) &&
		  off + size <= STAGE_BYTES;
	/*
	 * A 16- or 32-byte store that is not naturally aligned may reach the
	 * device split into aligned quadwords (TCG splits wide MMIO stores):
	 * start it from an empty staging buffer so that it cannot complete
	 * a descriptor, and accept either outcome.
	 */
	split = !aligned && (size == 16 || size == 32) && !(off % 8) && off < STAGE_BYTES;
	if (split && (f->pm.mask || f->pm.unknown))
		portal_bad_store(f);
	first = off / 8;
	nq = size / 8;
	commit = aligned && first + nq - 1 == COMMIT_QWORD;
	if (aligned) {
		for (i = 0; i < nq; i++)
			newmask |= 1 << (first + i);
		/* values a commit would submit must be safe */
		if (commit) {
			uint64_t full[8];

			memcpy(full, f->pm.q, sizeof(full));
			for (i = 0; i < nq; i++)
				full[first + i] = q[i];
			if (!commit_safe(f, full, newmask)) {
				portal_bad_store(f);
				return;
			}
		}
	}
	note(f, "portal store %u@%#x%s", size, off, commit ? " (commit)" : "");
	switch (size) {
	case 1:
	case 2:
	case 4:
	case 8:
		mmio_write(p + off, q[0], size);
		break;
	case 16:
		__asm__ volatile("movdqu (%1), %%xmm0\n\tmovdqu %%xmm0, (%0)"
				 : : "r"(p + off), "r"(q) : "xmm0", "memory");
		break;
	default:
		if (!__builtin_cpu_supports("avx"))
			return;
		__asm__ volatile("vmovdqu (%1), %%ymm0\n\tvmovdqu %%ymm0, (%0)\n\tvzeroupper"
				 : : "r"(p + off), "r"(q) : "xmm0", "memory");
		break;
	}
	if (!aligned) {
		/*
		 * Not an aligned 8/16/32-byte store into the staging: a bad
		 * access (mask cleared, REJECTED, no commit counted).
		 */
		uint32_t st = svacc_portal_read_status(p);

		if (split) {
			if ((uint16_t)(st >> 16) != f->pm.count) {
				f->pm.count = st >> SVACC_PORTAL_STATUS_COUNT_SHIFT;
				f->portal_commits++;
			}
			pm_reset_model(f);
			return;
		}
		if ((uint16_t)(st >> 16) != f->pm.count)
			fail(f, "bad portal store %u@%#x advanced the commit count", size, off);
		else if ((st & SVACC_PORTAL_STATUS_CODE) != SVACC_PORTAL_REJECTED)
			fail(f, "bad portal store %u@%#x: status %u, expected REJECTED",
			     size, off, st & SVACC_PORTAL_STATUS_CODE);
		pm_reset_model(f);
		f->pm.unknown = false;
		return;
	}
	for (i = 0; i < nq; i++) {
		f->pm.q[first + i] = q[i];
		if (first + i == 1 && f->pm.qslot[1] >= 0) {
			slot_never(f, f->pm.qslot[1], "portal quadword 1 overwritten");
			f->pm.qslot[1] = -1;
		}
	}
	f->pm.mask |= newmask;
	if (commit)
		portal_after_commit(f, f->pm.unknown, f->pm.mask);
}

/* munmap/mmap/mprotect of the portal, mmap with bad arguments */
/*
 * WQ_RELEASE discarded what its drain left: once it returned, the device
 * makes no further access for the WQ, so a portal descriptor's record is
 * there now or never.
 */
static void portal_discarded(struct fz *f)
{
	int i, slot;

	for (i = 0; i < f->nbusy; i++) {
		slot = f->busy[i];
		if (f->pend[slot].kind != P_LIVE || !f->pend[slot].portal ||
		    f->pend[slot].parent || svacc_status(&f->recs[slot]))
			continue;
		set_never(f, &f->pend[slot], "discarded by WQ_RELEASE");
		if (f->pend[slot].nelem)
			orphan_elements(f, slot);
	}
}

static void act_portal_map(struct fz *f)
{
	int ret, k = rng_below(&f->r, 7);
	uint64_t off;
	void *p;

	if (f->pm.addr && f->pm.revoked) {
		/* a WQ released under the mapping: the portal is revoked */
		note(f, "store to the revoked portal");
		if (store_signal((uint64_t *)f->pm.addr + 8, 0) != SIGBUS)
			fail(f, "a store to a released WQ's portal did not raise SIGBUS");
		munmap(f->pm.addr, SVACC_PORTAL_MMAP_SIZE);
		f->pm.addr = NULL;
		f->s.portal = NULL;
		return;
	}
	if (!f->pm.addr && k < 4)
		k = 4;
	switch (k) {
	case 0:		/* unmap and map again: the staging lives in the device */
		note(f, "portal remap");
		munmap(f->pm.addr, SVACC_PORTAL_MMAP_SIZE);
		p = mmap(NULL, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 f->s.fd, f->pm.offset);
		ret = p == MAP_FAILED ? -errno : 0;
		if (ret)
			fail(f, "mmap of our claimed portal: %d", ret);
		f->pm.addr = ret ? NULL : p;
		f->s.portal = f->pm.addr;
		f->pm.writable = true;
		return;
	case 1:		/* read-only: a store raises SIGSEGV */
		note(f, "portal mprotect RO, store");
		if (mprotect(f->pm.addr, SVACC_PORTAL_MMAP_SIZE, PROT_READ))
			fail(f, "mprotect(PROT_READ) of the portal: %d", -errno);
		if (store_signal((uint64_t *)f->pm.addr + 7, 0) != SIGSEGV)
			fail(f, "a store to a read-only portal mapping did not raise SIGSEGV");
		if (mprotect(f->pm.addr, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE))
			fail(f, "mprotect back to RW: %d", -errno);
		return;
	case 2:		/* never executable */
		ret = mprotect(f->pm.addr, SVACC_PORTAL_MMAP_SIZE,
			       PROT_READ | PROT_EXEC) ? -errno : 0;
		note(f, "portal mprotect EXEC: %d", ret);
		if (ret != -EACCES)
			fail(f, "mprotect(PROT_EXEC) of the portal: %d, expected -EACCES", ret);
		if (!ret)
			mprotect(f->pm.addr, SVACC_PORTAL_MMAP_SIZE, PROT_READ | PROT_WRITE);
		return;
	case 3:		/* release: the mapping is revoked */
		note(f, "WQ release");
		ret = svacc_wq_release(&f->s);
		note(f, "WQ release: %d", ret);
		/* -ETIMEDOUT: what the 10 s drain left was discarded */
		check_errno(f, "WQ_RELEASE", ret, ETIMEDOUT, 0);
		if (ret == -ETIMEDOUT)
			portal_discarded(f);
		pm_reset_model(f);
		f->pm.addr = NULL;
		f->pm.wq = -1;
		return;
	default:	/* mmap with arguments the driver refuses */
		off = rng_pct(&f->r, 50) ? f->pm.offset :
		      ((0x100000ULL + rng_below(&f->r, f->s.info.num_wqs + 2)) << 12);
		{
			int flags = rng_pct(&f->r, 50) ? MAP_PRIVATE : MAP_SHARED;
			int prot = PROT_READ | (rng_pct(&f->r, 50) ? PROT_EXEC : PROT_WRITE);
			size_t len = rng_pct(&f->r, 50) ? 2 * PAGE : PAGE;

			p = mmap(NULL, len, prot, flags, f->s.fd, off);
			ret = p == MAP_FAILED ? -errno : 0;
			note(f, "mmap len %zu prot %#x flags %#x off %#llx: %d", len, prot,
			     flags, (unsigned long long)off, ret);
			if (!ret) {
				/* only a one-page shared non-exec map of our portal */
				if (len != PAGE || flags != MAP_SHARED || (prot & PROT_EXEC) ||
				    !f->pm.addr || off != f->pm.offset)
					fail(f, "mmap accepted: len %zu prot %#x flags %#x",
					     len, prot, flags);
				munmap(p, len);
			} else {
				check_errno(f, "mmap", ret, EINVAL, EACCES, 0);
			}
		}
		return;
	}
}

/* ---- the buffers ----------------------------------------------------------- */

static void act_mm(struct fz *f)
{
	int c = rng_below(&f->r, DATA_CHUNKS), c2, k = rng_below(&f->r, 7);
	uint8_t *p = f->data + c * CHUNK, *p2;
	void *r;

	f->mm_ops++;
	f->chunk_ver[c]++;
	switch (k) {
	case 0:		/* fresh, never-touched pages in place of the old ones */
		note(f, "munmap+mmap chunk %d", c);
		munmap(p, CHUNK);
		r = mmap(p, CHUNK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (r != p)
			fail(f, "mmap back chunk %d: %s", c, strerror(errno));
		f->chunk[c] = C_RW;
		break;
	case 1:
		note(f, "mprotect RO chunk %d", c);
		mprotect(p, CHUNK, PROT_READ);
		f->chunk[c] = C_RO;
		break;
	case 2:
		note(f, "mprotect NONE chunk %d", c);
		mprotect(p, CHUNK, PROT_NONE);
		f->chunk[c] = C_NONE;
		break;
	case 3:
		note(f, "mprotect RW chunk %d", c);
		mprotect(p, CHUNK, PROT_READ | PROT_WRITE);
		f->chunk[c] = C_RW;
		break;
	case 4:
		note(f, "madvise DONTNEED chunk %d", c);
		madvise(p, CHUNK, MADV_DONTNEED);
		break;
	case 5:		/* CPU writes: present pages */
		if (f->chunk[c] == C_RW) {
			note(f, "CPU fill chunk %d", c);
			memset(p, (int)rng_below(&f->r, 256), CHUNK);
		}
		break;
	default:	/* swap two chunks' pages with mremap */
		c2 = rng_below(&f->r, DATA_CHUNKS);
		if (c2 == c || f->chunk[c] != f->chunk[c2])
			break;
		note(f, "mremap chunks %d <-> %d", c, c2);
		f->chunk_ver[c2]++;
		p2 = f->data + c2 * CHUNK;
		/* through the guard page's neighbour: park c, move c2, move back */
		r = mremap(p, CHUNK, CHUNK, MREMAP_MAYMOVE | MREMAP_FIXED, f->guard + PAGE);
		if (r == MAP_FAILED) {
			fail(f, "mremap: %s", strerror(errno));
			break;
		}
		if (mremap(p2, CHUNK, CHUNK, MREMAP_MAYMOVE | MREMAP_FIXED, p) == MAP_FAILED ||
		    mremap(f->guard + PAGE, CHUNK, CHUNK, MREMAP_MAYMOVE | MREMAP_FIXED,
			   p2) == MAP_FAILED)
			fail(f, "mremap back: %s", strerror(errno));
		/* keep the parking place reserved, so nothing else lands there */
		if (mmap(f->guard + PAGE, CHUNK, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED)
			fail(f, "mmap of the parking place: %s", strerror(errno));
		break;
	}
}

/* ---- random ioctls ---------------------------------------------------------- */

static void on_alarm(int sig)
{
	(void)sig;
}

static void act_ioctl_random(struct fz *f)
{
	unsigned int nr, dir, size, type;
	unsigned long cmd;
	void *arg;
	int ret;

	f->ioctl_random++;
	type = rng_pct(&f->r, 90) ? 'd' : rng_below(&f->r, 256);
	nr = rng_pct(&f->r, 70) ? 0x40 + rng_below(&f->r, 8) : rng_below(&f->r, 0x100);
	/* $SVACC_FUZZ_CORE_IOCTLS=0 leaves the DRM core's ioctls out */
	if ((nr < 0x40 || nr >= 0xa0) && !f->core_ioctls)
		nr = 0x40 + nr % 0x60;
	dir = rng_below(&f->r, 4);
	size = rng_pct(&f->r, 70) ? rng_below(&f->r, 64) : rng_below(&f->r, 1 << 14);
	cmd = _IOC(dir, type, nr, size);
	fill_random(f->argbuf, 256, rng_next(&f->r));
	switch (rng_below(&f->r, 5)) {
	case 0:
		arg = NULL;
		break;
	case 1:
		arg = (void *)(uintptr_t)pick_fault_addr(f);
		break;
	default:
		arg = f->argbuf;
		/* plausible fields: small counts and WQ numbers, our records */
		if (rng_pct(&f->r, 50)) {
			((uint32_t *)arg)[0] = rng_below(&f->r, 8);
			((uint64_t *)arg)[0] = slot_addr(f, rng_below(&f->r, REC_SLOTS));
		}
		break;
	}
	/* a submit's descriptor pointer must not reach real descriptors */
	if (nr == 0x41 && arg == f->argbuf)
		((uint64_t *)arg)[0] = pick_fault_addr(f);
	/* claims only of WQs that cannot be claimed (act_portal_map claims) */
	if (nr == 0x42 && arg == f->argbuf)
		((uint32_t *)arg)[0] = rng_pct(&f->r, 50) ? 0 : f->s.info.num_wqs +
					rng_below(&f->r, 1000);
	note(f, "ioctl %#lx arg %p", cmd, arg);
	{
		struct itimerval it = { .it_value = { .tv_usec = 20000 } };

		setitimer(ITIMER_REAL, &it, NULL);
		ret = ioctl(f->s.fd, cmd, arg) ? -errno : 0;
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, NULL);
	}
	if (type == 'd' && nr >= 0x40 && nr < 0x46)
		check_errno(f, "svacc ioctl (random)", ret, EINVAL, EFAULT, EAGAIN,
			    EBUSY, ETIME, EINTR, ENOMEM, ETIMEDOUT, EIO, ECANCELED, 0);
	else if (type != 'd' && errno_kernel_internal(-ret))
		/* the VFS answers some other types itself: any real errno */
		fail(f, "ioctl %#lx: kernel-internal errno %d leaked", cmd, -ret);
	else if (type == 'd')
		check_errno(f, "DRM ioctl (random)", ret, EINVAL, ENOTTY, EFAULT, ENOSYS,
			    EOPNOTSUPP, EPERM, EACCES, ENOENT, ENOMEM, ENODEV,
			    EBUSY, ENOSPC, E2BIG, EINTR, ERANGE, ENXIO, EAGAIN,
			    EBADF, 0);
	if (type == 'd' && nr == 0x42 && !ret)
		fail(f, "a claim of WQ %u went through", ((uint32_t *)f->argbuf)[0]);
	/*
	 * A release that went through may have been of our WQ: a store to
	 * SUBMIT_STATUS (a bad access either way) tells whether the portal
	 * is revoked.
	 */
	if (type == 'd' && nr == 0x43 && !ret && f->pm.addr && !f->pm.revoked) {
		int sig = store_signal((uint64_t *)f->pm.addr + 8, 0);

		if (sig == SIGBUS) {
			f->pm.revoked = true;
			f->pm.wq = -1;
			f->s.wq = -1;
		}
		pm_reset_model(f);
		f->pm.unknown = false;
	}
}

/* WAIT and poll() with odd arguments */
static void act_wait(struct fz *f)
{
	struct pollfd pfd = { .fd = f->s.fd, .events = POLLIN };
	uint32_t st, epoch, cur;
	uint64_t addr;
	bool zero;
	int ret;

	switch (rng_below(&f->r, 4)) {
	case 0:
		addr = slot_addr(f, rng_below(&f->r, REC_SLOTS)) + (rng_pct(&f->r, 20) ? 8 : 0);
		break;
	case 1:
		addr = pick_fault_addr(f) & ~31ULL;
		break;
	default:
		addr = f->nbusy ? slot_addr(f, f->busy[rng_below(&f->r, f->nbusy)]) :
				  slot_addr(f, 0);
		break;
	}
	/* no epoch, the current one, or an older one (as after a reset) */
	cur = f->s.info.reset_epoch;
	switch (rng_below(&f->r, 4)) {
	case 0:
		epoch = cur - 1 - (uint32_t)rng_below(&f->r, 3);
		break;
	case 1:
		epoch = cur;
		break;
	default:
		epoch = 0;
		break;
	}
	/* one of our record slots, still unwritten (always readable) */
	zero = in(addr, 32, f->recs, REC_SLOTS * 32) && addr % 32 == 0 &&
	       !svacc_status((struct drm_svacc_completion *)(uintptr_t)addr);
	ret = svacc_wait_ioctl_epoch(f->s.fd, (void *)(uintptr_t)addr,
				     rng_pct(&f->r, 80) ? 0 : rng_below(&f->r, 2000000),
				     epoch, &st);
	note(f, "WAIT %#llx epoch %u (device's %u): %d", (unsigned long long)addr,
	     epoch, cur, ret);
	check_errno(f, "WAIT", ret, ETIME, EFAULT, EINVAL, EINTR, ECANCELED, 0);
	/* nothing the fuzzer does may reset the device (it drops records) */
	if (ret == -ECANCELED && (!epoch || epoch == cur)) {
		svacc_get_info(f->s.fd, &f->s.info);
		fail(f, "WAIT(epoch %u) returned -ECANCELED; the device's epoch is %u",
		     epoch, f->s.info.reset_epoch);
	}
	if (zero && epoch && epoch != cur && ret != -ECANCELED && ret != -EINTR &&
	    !(ret == 0 && st))
		fail(f, "WAIT(epoch %u, device at %u) of an open record: %d", epoch, cur, ret);
	ret = poll(&pfd, 1, 0);
	if (ret < 0 || (ret && (pfd.revents & ~(POLLIN | POLLRDNORM))))
		fail(f, "poll of our own file: %d revents %#x", ret, pfd.revents);
}

/* ---- other processes ------------------------------------------------------------ */

/* A child's check: print what failed (the parent counts the exit status) */
#define KID_CHECK(bad, cond, fmt, ...) do {				\
	if (!(cond)) {							\
		printf("# fuzz child %d: " fmt "\n", getpid(), ##__VA_ARGS__); \
		(bad)++;						\
	}								\
} while (0)

/* What another address space gets from our file: -EPERM everywhere */
static int foreign_checks(int fd, uint64_t offset)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct drm_svacc_wq_claim claim = { .wq = SVACC_WQ_ANY };
	struct drm_svacc_info info;
	struct drm_svacc_desc d;
	int bad = 0, ret;
	void *p;

	svacc_desc_nop(&d, NULL);
	ret = svacc_get_info(fd, &info);
	KID_CHECK(bad, ret == -EPERM, "GET_INFO of a foreign file: %d", ret);
	ret = svacc_ioctl_submit(fd, &d, 1, SVACC_WQ_ANY, NULL);
	KID_CHECK(bad, ret == -EPERM, "SUBMIT to a foreign file: %d", ret);
	ret = ioctl(fd, DRM_IOCTL_SVACC_WQ_CLAIM, &claim) ? -errno : 0;
	KID_CHECK(bad, ret == -EPERM, "WQ_CLAIM on a foreign file: %d", ret);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
	ret = p == MAP_FAILED ? -errno : 0;
	KID_CHECK(bad, ret == -EPERM, "mmap of a foreign file: %d", ret);
	ret = poll(&pfd, 1, 0);
	KID_CHECK(bad, ret == 1 && (pfd.revents & POLLERR),
		  "poll of a foreign file: %d revents %#x", ret, pfd.revents);
	fflush(stdout);
	return bad;
}

/* A short life of its own: own context, a few verified golden CRCs */
/*
 * A child's own descriptor on the shared WQs, behind whatever the parent
 * floods them with: -EAGAIN (WQ full) means submit again, as ENQCMD
 * software does, and the wait allows for a full queue of the parent's
 * slow work ahead of it (KID_WAIT_NS); a lost descriptor still never
 * completes.
 */
#define KID_WAIT_NS	(180 * NS_PER_SEC)

static int kid_submit_wait(struct svacc *s, struct drm_svacc_desc *d,
			   struct drm_svacc_completion *c)
{
	uint64_t end = svacc_now_ns() + KID_WAIT_NS;
	int ret;

	memset(c, 0, sizeof(*c));
	while ((ret = svacc_submit(s, d, 1)) == -EAGAIN && svacc_now_ns() < end)
		usleep(1000);
	if (ret)
		return ret;
	return svacc_wait(s, c, end - svacc_now_ns());
}

static int child_work(struct fz *f, uint64_t seed)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	struct rng r = { .s = seed };
	struct drm_svacc_desc d;
	struct svacc s;
	int i, bad = 0, st;
	uint32_t off, len;

	if (!c || svacc_open(&s, NULL))
		return 1;
	for (i = 0; i < 4; i++) {
		len = 1 + rng_below(&r, 2 * PAGE);
		off = rng_below(&r, GOLDEN_LEN - len);
		svacc_desc_crc32c(&d, f->golden + off, len, 0, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = kid_submit_wait(&s, &d, c);
		KID_CHECK(bad, st == SVACC_STATUS_SUCCESS &&
			  c->result_value == svacc_crc32c(0, f->golden + off, len),
			  "CRC32C of %u bytes in its own context: %d, %#llx", len, st,
			  (unsigned long long)c->result_value);
	}
	fflush(stdout);
	if (rng_pct(&r, 50)) {
		/* exit with work queued */
		svacc_desc_memfill(&d, f->data, 0x77, DATA_CHUNKS * CHUNK, NULL);
		svacc_submit(&s, &d, 1);
		_exit(bad);
	}
	svacc_close(&s);
	free(c);
	return bad;
}

static void reap_kids(struct fz *f, bool block)
{
	int i, status;

	for (i = 0; i < MAX_KIDS; i++) {
		pid_t r;

		if (!f->kids[i])
			continue;
		if (block) {
			if (wait_child(f->kids[i], 4 * KID_WAIT_NS / NS_PER_SEC + 60,
				       &status)) {
				fail(f, "child %d hung", f->kids[i]);
				f->kids[i] = 0;
				continue;
			}
			r = f->kids[i];
		} else {
			r = waitpid(f->kids[i], &status, WNOHANG);
		}
		if (r != f->kids[i])
			continue;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && f->kid_killed[i])
			;
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			fail(f, "child %d: status %#x", r, status);
		f->kids[i] = 0;
	}
}

static int kid_slot(struct fz *f)
{
	int i;

	reap_kids(f, false);
	for (i = 0; i < MAX_KIDS; i++)
		if (!f->kids[i])
			return i;
	return -1;
}

/* fork(): the child may not use our file, has no portal, works on its own */
static void act_fork(struct fz *f)
{
	int k = kid_slot(f);
	uint64_t seed = rng_next(&f->r);
	pid_t pid;

	if (k < 0)
		return;
	f->forks++;
	note(f, "fork");
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fail(f, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		int bad = foreign_checks(f->s.fd, f->pm.offset), sig;

		if (f->pm.addr) {
			/* the portal mapping is not inherited */
			sig = store_signal((uint64_t *)f->pm.addr + 7, 0);
			KID_CHECK(bad, sig == SIGSEGV,
				  "store to the parent's portal address: signal %d", sig);
		}
		bad += child_work(f, seed);
		_exit(bad > 100 ? 100 : bad);
	}
	f->kids[k] = pid;
	f->kid_killed[k] = false;
	if (rng_pct(&f->r, 30)) {
		usleep(rng_below(&f->r, 20000));
		kill(pid, SIGKILL);
		f->kid_killed[k] = true;
	}
}

/* fds both ways over SCM_RIGHTS: each side gets -EPERM from the other's */
static void act_scm(struct fz *f)
{
	int sv[2], k = kid_slot(f), fd;
	pid_t pid;

	if (k < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return;
	f->forks++;
	note(f, "SCM_RIGHTS exchange");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct svacc own;
		int bad = 0, theirs, ret;

		close(sv[0]);
		if (svacc_open(&own, NULL) || send_fd(sv[1], own.fd, 0))
			_exit(90);
		theirs = recv_fd(sv[1], NULL);
		if (theirs < 0)
			_exit(91);
		bad += foreign_checks(theirs, 0x100000ULL << 12);
		close(theirs);
		/* the owner still works after passing its file */
		ret = copy_verified_by(&own, SVACC_PATH_IOCTL, PAGE,
				       svacc_records_alloc(1), kid_submit_wait);
		KID_CHECK(bad, !ret, "its own copy after passing its file: %d", ret);
		svacc_close(&own);
		_exit(bad);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return;
	}
	f->kids[k] = pid;
	f->kid_killed[k] = false;
	fd = recv_fd(sv[0], NULL);
	if (fd < 0) {
		fail(f, "no fd from the SCM_RIGHTS child");
	} else {
		if (foreign_checks(fd, 0x100000ULL << 12))
			fail(f, "a file received over SCM_RIGHTS was usable here");
		close(fd);
	}
	if (send_fd(sv[0], f->s.fd, 0))
		fail(f, "sendmsg(SCM_RIGHTS): %s", strerror(errno));
	close(sv[0]);
}

/* close() with work in flight: what was not written must never be */
static void act_reopen(struct fz *f)
{
	int ret;

	/* children that hold the file (fork, SCM_RIGHTS) go first: ours is the last close */
	reap_kids(f, true);
	f->closes++;
	note(f, "close and reopen");
	reap(f, true);
	svacc_close(&f->s);
	f->gen++;
	reap(f, true);	/* moves the old context's records to never-written */
	ret = svacc_open(&f->s, NULL);
	if (ret) {
		fail(f, "reopen: %s", strerror(-ret));
		return;
	}
	pm_reset_model(f);
	memset(&f->pm, 0, sizeof(f->pm));
	f->pm.wq = -1;
	for (ret = 0; ret < 8; ret++)
		f->pm.qslot[ret] = -1;
	portal_claim(f);
}

/* A dedicated WQ again, when the fuzzer has none */
static void act_claim(struct fz *f)
{
	if (!f->pm.addr)
		portal_claim(f);
}

/* ---- the run ------------------------------------------------------------------ */

/*
 * With 5-level paging (the la57 mode) user space reaches 2^56 and the
 * kernel accepts ranges up to there; a mapping hint above 2^47 tells.
 */
static uint64_t probe_user_top(void)
{
	void *p = mmap((void *)(1ULL << 50), PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t top = USER_TOP_4LEVEL;

	if (p == MAP_FAILED)
		return top;
	if ((uintptr_t)p >= 1ULL << 47)
		top = USER_TOP_5LEVEL;
	munmap(p, PAGE);
	return top;
}

static void *map_fixed_region(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int fz_init(struct fz *f)
{
	size_t batch_len = BATCH_SLOTS * BATCH_MAX_ELEMS * 64;
	uint8_t *b;
	int i, ret;

	/*
	 * What the kernel accepts ends at user space's top or at the device's
	 * reach (2^47, the device's virtual address width in uapi.rst), whichever is lower:
	 * with 5-level paging, the device's.
	 */
	f->user_top = probe_user_top();
	if (f->user_top > 1ULL << 47)
		f->user_top = 1ULL << 47;
	find_special(f);
	f->core_ioctls = env_long("SVACC_FUZZ_CORE_IOCTLS", 1);
	ret = svacc_open(&f->s, NULL);
	if (ret)
		return ret;
	f->max_xfer = svacc_max_transfer(&f->s);
	f->max_batch = f->s.info.max_batch;
	f->data = map_fixed_region(DATA_CHUNKS * CHUNK);
	f->golden = map_fixed_region(GOLDEN_LEN);
	f->recs = svacc_records_alloc(REC_SLOTS);
	f->scratch = svacc_records_alloc(SCRATCH_RECS);
	/* batch arrays, a PROT_NONE guard, room to park a chunk in mremap */
	b = map_fixed_region(batch_len + PAGE + CHUNK);
	f->pend = calloc(REC_SLOTS, sizeof(*f->pend));
	f->hist = calloc(REC_SLOTS, sizeof(*f->hist));
	f->where = calloc(REC_SLOTS, 1);
	f->free_slots = calloc(REC_SLOTS, sizeof(int));
	f->busy = calloc(REC_SLOTS, sizeof(int));
	f->argbuf = calloc(1, 1 << 14);
	if (!f->data || !f->golden || !f->recs || !f->scratch || !b || !f->pend ||
	    !f->hist || !f->where || !f->free_slots || !f->busy || !f->argbuf)
		return -ENOMEM;
	f->batch = (struct drm_svacc_desc *)b;
	f->guard = b + batch_len;
	/* the guard page, then the (reserved) mremap parking place */
	mprotect(f->guard, PAGE + CHUNK, PROT_NONE);
	fill_random(f->golden, GOLDEN_LEN, f->seed);
	mprotect(f->golden, GOLDEN_LEN, PROT_READ);
	memset(f->data, 0x5a, DATA_CHUNKS * CHUNK / 2);	/* half present */
	for (i = REC_SLOTS - 1; i >= 0; i--)
		f->free_slots[f->nfree++] = i;
	f->pm.wq = -1;
	for (i = 0; i < 8; i++)
		f->pm.qslot[i] = -1;
	portal_claim(f);
	return 0;
}

/* The actions and their weights (per mille); $SVACC_FUZZ_SKIP names some to leave out */
static const struct action {
	const char *name;
	unsigned int weight;
	void (*run)(struct fz *f);
} actions[] = {
	{ "submit", 450, act_ioctl_submit },
	{ "portal", 250, act_portal_submit },
	{ "raw", 100, act_portal_raw },
	{ "mm", 50, act_mm },
	{ "ioctl", 50, act_ioctl_random },
	{ "wait", 50, act_wait },
	{ "map", 25, act_portal_map },
	{ "claim", 10, act_claim },
	{ "fork", 5, act_fork },
	{ "scm", 5, act_scm },
	{ "reopen", 2, act_reopen },
};

static bool skipped(const char *name)
{
	const char *skip = getenv("SVACC_FUZZ_SKIP");
	size_t len = strlen(name);
	const char *p;

	for (p = skip; p && (p = strstr(p, name)); p += len)
		if ((p == skip || p[-1] == ',') && (!p[len] || p[len] == ','))
			return true;
	return false;
}

static void fz_step(struct fz *f)
{
	unsigned int x = rng_below(&f->r, 1000), i;

	for (i = 0; i < ARRAY_SIZE(actions); i++) {
		if (x < actions[i].weight) {
			if (!skipped(actions[i].name))
				actions[i].run(f);
			break;
		}
		x -= actions[i].weight;
	}
	reap(f, !(f->step % 64));
	/* wait for room rather than run out of record slots */
	while (f->nfree < 2 * SVACC_SUBMIT_MAX * (BATCH_MAX_ELEMS + 1) / 8 && !f->failed) {
		reap(f, true);
		usleep(1000);
	}
}

/* The driver's view of the device when a check failed (debugfs) */
static void dump_device_state(struct fz *f)
{
	static const char * const files[] = { "wqs", "counters", "contexts" };
	char path[300], line[256];
	unsigned int i;
	FILE *in;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		if (svacc_debugfs_file(f->s.path, files[i], path, sizeof(path)))
			continue;
		in = fopen(path, "r");
		if (!in)
			continue;
		printf("# %s:\n", path);
		while (fgets(line, sizeof(line), in))
			printf("#   %s", line);
		fclose(in);
	}
	fflush(stdout);
}

FIXTURE(fuzz) {
	int kmsg;
};

FIXTURE_SETUP(fuzz)
{
	kmsg_mark(_metadata->name);
	self->kmsg = kmsg_open();
	ASSERT_LE(0, self->kmsg) TH_LOG("the fuzzer needs /dev/kmsg");
}

FIXTURE_TEARDOWN(fuzz)
{
	if (self->kmsg >= 0)
		close(self->kmsg);
}

TEST_F_TIMEOUT(fuzz, mixed, 7200)
{
	long seconds = torture_scale(20, 3000, "SVACC_FUZZ_SECONDS");
	long target = env_long("SVACC_FUZZ_SUBMISSIONS", torture_full() ? 1000000 : 0);
	struct sigaction sa = { .sa_handler = on_alarm };
	struct fz *f = calloc(1, sizeof(*f));
	char first[512];
	uint64_t t0, end;
	int splats, i;

	ASSERT_NE(NULL, f);
	f->md = _metadata;
	f->seed = torture_seed("svacc_fuzz");
	f->r.s = f->seed;
	if (debug_kernel() && !getenv("SVACC_FUZZ_SECONDS") && !torture_full())
		seconds = 20;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: WAIT gets -EINTR */
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, fz_init(f)) TH_LOG("set-up failed");

	t0 = svacc_now_ns();
	end = t0 + (uint64_t)seconds * NS_PER_SEC;
	for (f->step = 0; !f->failed; f->step++) {
		fz_step(f);
		if (target ? f->submissions >= (uint64_t)target || svacc_now_ns() > end :
			     svacc_now_ns() > end)
			break;
	}
	if (!f->failed) {
		reap_kids(f, true);
		reap_all(f, DEADLINE_NS);
	}
	if (!f->failed && f->nbusy) {
		/* only never-written records on probation can be left */
		for (i = 0; i < f->nbusy; i++)
			if (f->pend[f->busy[i]].kind == P_LIVE)
				fail(f, "%d records still pending at the end", f->nbusy);
	}
	if (f->failed) {
		dump_device_state(f);
		TH_LOG("FAILED: %s", f->why);
		TH_LOG("last actions (replay with SVACC_SEED=0x%llx):",
		       (unsigned long long)f->seed);
		for (i = 0; i < LOG_LINES; i++) {
			const char *line = f->log[(f->logi + i) % LOG_LINES];

			if (*line)
				TH_LOG("  %s", line);
		}
	}
	ASSERT_EQ(0, f->failed) TH_LOG("seed 0x%llx", (unsigned long long)f->seed);

	svacc_close(&f->s);
	splats = kmsg_splats(self->kmsg, first, sizeof(first));
	printf("# fuzz %s: %llu submissions in %llu s, %d splats (seed 0x%llx)\n",
	       getenv("MODE") ? getenv("MODE") : "?",
	       (unsigned long long)f->submissions,
	       (unsigned long long)((svacc_now_ns() - t0) / NS_PER_SEC), splats,
	       (unsigned long long)f->seed);
	printf("# fuzz: %llu steps, %llu ioctl descriptors, %llu portal commits, %llu records\n",
	       (unsigned long long)f->step, (unsigned long long)f->ioctl_descs,
	       (unsigned long long)f->portal_commits, (unsigned long long)f->completed);
	printf("# fuzz: %llu -EINVAL, %llu random ioctls, %llu mm ops, %llu forks, %llu reopens\n",
	       (unsigned long long)f->einval_calls, (unsigned long long)f->ioctl_random,
	       (unsigned long long)f->mm_ops, (unsigned long long)f->forks,
	       (unsigned long long)f->closes);
	fflush(stdout);
	EXPECT_EQ(0, splats) TH_LOG("kernel log: %s", first);
	EXPECT_EQ(0, device_works()) TH_LOG("the device after fuzzing (seed 0x%llx)",
					    (unsigned long long)f->seed);
}

/*
 * Found by fuzz.mixed: DRM_IOCTL_GET_UNIQUE and DRM_IOCTL_GET_MAGIC on an
 * accel file dereference the file's DRM master, which accel files never
 * have (drm_getunique(), drm_getmagic()): an oops that also leaves the
 * device's master_mutex held. And in sva-debug, the PRIME handle ioctls:
 * they take the file's GEM handle table, never initialised without GEM
 * (lockdep: "trying to register non-static key", which turns lockdep off).
 * The driver refuses all four (-EOPNOTSUPP). In a child: an oops kills it,
 * not the test.
 */
TEST_F_TIMEOUT(fuzz, drm_core_without_master, 60)
{
	static const unsigned long cmds[] = {
		DRM_IOCTL_GET_UNIQUE, DRM_IOCTL_GET_MAGIC,
		DRM_IOCTL_PRIME_HANDLE_TO_FD, DRM_IOCTL_PRIME_FD_TO_HANDLE,
	};
	char first[512];
	int status, i;
	pid_t pid;

	for (i = 0; i < (int)ARRAY_SIZE(cmds); i++) {
		fflush(stdout);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			union {
				struct drm_unique u;
				struct drm_auth a;
				struct drm_prime_handle p;
			} arg;
			struct svacc s;

			memset(&arg, 0, sizeof(arg));
			if (svacc_open(&s, NULL))
				_exit(100);
			_exit(ioctl(s.fd, cmds[i], &arg) ? errno : 0);
		}
		ASSERT_EQ(0, wait_child(pid, 30, &status)) TH_LOG("ioctl %#lx hung", cmds[i]);
		ASSERT_TRUE(WIFEXITED(status))
			TH_LOG("ioctl %#lx on an accel file killed the caller (status %#x)",
			       cmds[i], status);
		EXPECT_EQ(EOPNOTSUPP, WEXITSTATUS(status)) TH_LOG("ioctl %#lx", cmds[i]);
	}
	EXPECT_EQ(0, kmsg_splats(self->kmsg, first, sizeof(first)))
		TH_LOG("kernel log: %s", first);
	EXPECT_EQ(0, device_works());
}

/*
 * Found by fuzz.mixed: a copy into a range that runs from the top of user
 * space into non-canonical addresses. hardware.rst: a non-canonical address
 * is never translated, no page request is sent for it; the descriptor
 * completes with PAGE_FAULT at the boundary. Any page request for such an
 * address reaches the IOMMU as an invalid one ("Address is not canonical").
 */
TEST_F_TIMEOUT(fuzz, noncanonical_boundary, 120)
{
	const uint64_t top = 1ULL << 47;
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	struct drm_svacc_desc d;
	uint8_t *src = malloc(16 * PAGE);
	char first[512];
	struct svacc s;
	int i, st, bad;

	ASSERT_TRUE(c && src);
	memset(src, 0x42, 16 * PAGE);
	ASSERT_EQ(0, svacc_open(&s, NULL));
	/* only the portal takes such a range: the submit ioctl refuses it */
	s.path_kind = SVACC_PATH_PORTAL;
	for (i = 0; i < 4; i++) {
		/* the last user pages (never mapped), then non-canonical ones */
		svacc_desc_memmove(&d, (void *)(uintptr_t)(top - PAGE * (1 + i)), src,
				   8 * PAGE, c);
		d.flags |= SVACC_DESC_F_BOF;
		st = submit_wait(&s, &d, c);
		EXPECT_EQ(SVACC_STATUS_PAGE_FAULT, st)
			TH_LOG("copy to %#llx: status %d", (unsigned long long)d.dst, st);
	}
	svacc_close(&s);
	bad = kmsg_scan(self->kmsg, "not canonical", first, sizeof(first));
	EXPECT_EQ(0, bad) TH_LOG("%d page request(s) for non-canonical addresses: %s",
				 bad, first);
	EXPECT_EQ(0, device_works()) TH_LOG("the device after the copies");
	free(src);
	free(c);
}

TEST_HARNESS_MAIN
