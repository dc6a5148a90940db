// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc DEVPT mode: the CPU page table mirrored into the device's own with
 * HMM, for when SVA is not available (no PASID/ATS/PRI, no IOMMU, or a
 * kernel that refuses SVA).
 *
 * Each context gets a context-table entry (its id plays the PASID's role)
 * and a four-level device page table in DMA-coherent memory holding DMA
 * addresses of the process's pages. Device faults arrive as records in the
 * fault queue; the misc interrupt thread only queues a work item, which
 * resolves them in batches with hmm_range_fault() (with fault-around), maps
 * the pages with the DMA API and resumes the parked descriptors. Resolving
 * may sleep for long (reclaim, swap-in, file I/O): it runs in an ordered
 * workqueue, not in the real-time interrupt thread that also reports
 * software errors and halts. An interval notifier over the whole
 * address space clears device entries, invalidates the device TLB and
 * unmaps the pages whenever the CPU mapping changes.
 *
 * One notifier per context covers the whole user address space rather
 * than one per range the device touched: the device faults anywhere, like
 * a CPU, and per-range notifiers would have to be inserted from the fault
 * path and kept in step with VMAs that come and go. The cost is a callback
 * for every CPU invalidation of the process, which walks only the
 * populated part of the device table (as lib/test_hmm.c does).
 *
 * A fault fills its fault-around window (faulting pages in, like GPU
 * mirrors), with write access only for a write fault on a writable VMA: a
 * read fault never breaks COW nor grants the device write access. Faults
 * that cannot be allowed (no VMA, no permission, the mm is gone) answer
 * FAIL and the descriptor completes with PAGE_FAULT, as in SVA mode;
 * transient failures answer RETRY.
 *
 * Locking follows Documentation/mm/hmm.rst: mmu_interval_read_begin(),
 * hmm_range_fault(), take pt_lock, mmu_interval_read_retry(), update the
 * device table, unlock; the invalidate callback takes the same pt_lock.
 * Nothing under pt_lock may enter reclaim (reclaim invalidates through
 * that callback): page-table pages come from a reserve filled outside it.
 */
#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/idr.h>
#include <linux/iopoll.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/pci.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "svacc_drv.h"
#include "svacc_xlate.h"

static unsigned int svacc_fault_around = 16;
module_param_named(fault_around, svacc_fault_around, uint, 0644);
MODULE_PARM_DESC(fault_around,
		 "Pages faulted in and mapped per device fault: rounded up to a power of 2, aligned, clipped to the VMA (1..512, default 16, writable)");

#define SVACC_HMM_CTX_ENTRIES	256
#define SVACC_HMM_FQ_ENTRIES	256
#define SVACC_CTX_ENTRY_SIZE	16
#define SVACC_FAULT_REC_SIZE	32
#define SVACC_PT_ENTRIES	512
#define SVACC_PT_LEVELS		4
#define SVACC_PT_RESERVE	8
#define SVACC_MAX_AROUND	512
#define SVACC_INV_TIMEOUT_US	(1 * USEC_PER_SEC)

/* Context entry and page-table entry bits (hardware.rst, DEVPT mode) */
#define SVACC_CTXE_VALID	BIT_ULL(0)
#define SVACC_CTXE_PRIV_OK	BIT_ULL(1)
#define SVACC_PTE_VALID		BIT_ULL(0)
#define SVACC_PTE_WRITE		BIT_ULL(1)
#define SVACC_PTE_LEAF		BIT_ULL(7)
#define SVACC_PTE_ADDR		GENMASK_ULL(51, 12)

/* Fault record fields */
#define SVACC_FR_WRITE		BIT(0)
#define SVACC_FR_READ		BIT(1)
#define SVACC_FR_PRIV		BIT(2)

struct svacc_fault_rec {
	__le64 addr;
	__le32 pasid;
	__le16 flags;
	__le16 id;
	__le64 rsvd[2];
};

/* One 4 KiB device page table and, above level 1, its children. */
struct svacc_pt {
	__le64 *cpu;
	dma_addr_t dma;
	struct svacc_pt **child;
};

struct svacc_hmm_dev {
	struct svacc_device *sdev;
	__le64 *ctx_table;
	dma_addr_t ctx_dma;
	struct svacc_fault_rec *fq;
	dma_addr_t fq_dma;
	u32 fq_head;
	u32 nctx;			/* context-table entries; ids 1 .. nctx - 1 */
	struct ida ids;
	struct xarray ctxs;		/* id -> struct svacc_hmm_ctx */
	struct mutex fault_lock;	/* fault queue; ctxs lookups vs unbind */
	spinlock_t inv_lock;		/* INV_* registers */
	unsigned long *pfns;		/* hmm_range_fault() output, under fault_lock */
	struct workqueue_struct *fault_wq;
	struct work_struct fault_work;	/* drains the fault queue */
};

struct svacc_hmm_ctx {
	struct svacc_hmm_dev *hdev;
	struct svacc_ctx *ctx;
	u32 id;
	struct mmu_interval_notifier notifier;
	struct mutex pt_lock;		/* the device page table */
	struct svacc_pt *root;
	struct svacc_pt *reserve[SVACC_PT_RESERVE];
	unsigned int nreserve;
};

static struct device *hdev_dev(struct svacc_hmm_dev *h)
{
	return svacc_dev(h->sdev);
}

static struct svacc_pt *svacc_pt_alloc(struct svacc_hmm_dev *h, unsigned int level)
{
	struct svacc_pt *pt = kzalloc_obj(*pt);

	if (!pt)
		return NULL;
	pt->cpu = dma_alloc_coherent(hdev_dev(h), PAGE_SIZE, &pt->dma, GFP_KERNEL);
	if (!pt->cpu)
		goto err;
	if (level > 1) {
		pt->child = kcalloc(SVACC_PT_ENTRIES, sizeof(*pt->child), GFP_KERNEL);
		if (!pt->child)
			goto err_dma;
	}
	return pt;

err_dma:
	dma_free_coherent(hdev_dev(h), PAGE_SIZE, pt->cpu, pt->dma);
err:
	kfree(pt);
	return NULL;
}

static void svacc_pt_free(struct svacc_hmm_dev *h, struct svacc_pt *pt)
{
	kfree(pt->child);
	dma_free_coherent(hdev_dev(h), PAGE_SIZE, pt->cpu, pt->dma);
	kfree(pt);
}

/* Reserve tables are allocated for level > 1 (with a child array); fine for any level. */
static int svacc_pt_refill(struct svacc_hmm_ctx *hc)
{
	while (hc->nreserve < SVACC_PT_RESERVE) {
		struct svacc_pt *pt = svacc_pt_alloc(hc->hdev, 2);

		if (!pt)
			return -ENOMEM;
		mutex_lock(&hc->pt_lock);
		hc->reserve[hc->nreserve++] = pt;
		mutex_unlock(&hc->pt_lock);
	}
	return 0;
}

static unsigned int svacc_pt_index(unsigned long va, unsigned int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (SVACC_PT_ENTRIES - 1);
}

/*
 * Table at @level (1: 4 KiB leaves, 2: 2 MiB leaves) covering @va, created
 * from the reserve. Under pt_lock. ERR_PTR(-ENOMEM) when the reserve ran
 * dry; NULL when a 2 MiB leaf already covers @va.
 */
static struct svacc_pt *svacc_pt_table(struct svacc_hmm_ctx *hc, unsigned long va,
				       unsigned int level)
{
	struct svacc_pt *pt = hc->root;
	unsigned int l;

	for (l = SVACC_PT_LEVELS; l > level; l--) {
		unsigned int i = svacc_pt_index(va, l);

		if (le64_to_cpu(pt->cpu[i]) & SVACC_PTE_LEAF)
			return NULL;
		if (!pt->child[i]) {
			struct svacc_pt *next;

			if (!hc->nreserve)
				return ERR_PTR(-ENOMEM);
			next = hc->reserve[--hc->nreserve];
			pt->child[i] = next;
			pt->cpu[i] = cpu_to_le64(SVACC_PTE_VALID | (next->dma & SVACC_PTE_ADDR));
		}
		pt = pt->child[i];
	}
	return pt;
}

static void svacc_devtlb_inv(struct svacc_hmm_dev *h, u32 id, unsigned long start,
			     u64 npages)
{
	void __iomem *regs = h->sdev->regs;
	u32 ctl;

	spin_lock(&h->inv_lock);
	writel(FIELD_PREP(SVACC_INV_PASID_PASID, id), regs + SVACC_INV_PASID);
	writeq(start, regs + SVACC_INV_ADDR);
	writeq(npages, regs + SVACC_INV_PAGES);
	writel(SVACC_INV_CTL_START, regs + SVACC_INV_CTL);
	/*
	 * Bounded by the spec even with faults pending: fine in atomic context.
	 * A halted device makes no access any more, and one that is gone reads
	 * all ones: neither is waited for (a timeout per invalidation, spinning
	 * with the lock held, would stall every munmap of every client).
	 */
	if (readl_poll_timeout_atomic(regs + SVACC_INV_CTL, ctl,
				      !(ctl & SVACC_INV_CTL_BUSY) || ctl == U32_MAX ||
				      (readl(regs + SVACC_GENSTS) & SVACC_GENSTS_HALTED),
				      1, SVACC_INV_TIMEOUT_US))
		dev_err_ratelimited(hdev_dev(h), "device-TLB invalidation timed out\n");
	spin_unlock(&h->inv_lock);
}

static bool svacc_pte_is_leaf(u64 e, unsigned int level)
{
	return level == 1 || (level == 2 && (e & SVACC_PTE_LEAF));
}

/*
 * Clear the VALID bit of every leaf overlapping [start, end) but keep the
 * address, so that the DMA mappings can be undone once the device TLB is
 * clean. Returns whether anything was cleared.
 */
static bool svacc_pt_clear(struct svacc_pt *pt, unsigned int level, unsigned long base,
			   unsigned long start, unsigned long end)
{
	unsigned long span = 1UL << (PAGE_SHIFT + 9 * (level - 1));
	bool cleared = false;
	unsigned int i;

	for (i = 0; i < SVACC_PT_ENTRIES; i++) {
		unsigned long va = base + i * span;
		u64 e;

		if (va + span <= start)
			continue;
		if (va >= end)
			break;
		e = le64_to_cpu(pt->cpu[i]);
		if (svacc_pte_is_leaf(e, level)) {
			if (e & SVACC_PTE_VALID) {
				pt->cpu[i] = cpu_to_le64(e & ~SVACC_PTE_VALID);
				cleared = true;
			}
		} else if (pt->child[i]) {
			cleared |= svacc_pt_clear(pt->child[i], level - 1, va, start, end);
		}
	}
	return cleared;
}

/* Second pass: unmap and zero the invalidated leaves; optionally free tables. */
static void svacc_pt_unmap(struct svacc_hmm_dev *h, struct svacc_pt *pt,
			   unsigned int level, unsigned long base,
			   unsigned long start, unsigned long end, bool free)
{
	unsigned long span = 1UL << (PAGE_SHIFT + 9 * (level - 1));
	unsigned int i;

	for (i = 0; i < SVACC_PT_ENTRIES; i++) {
		unsigned long va = base + i * span;
		u64 e;

		if (va + span <= start)
			continue;
		if (va >= end)
			break;
		e = le64_to_cpu(pt->cpu[i]);
		if (svacc_pte_is_leaf(e, level)) {
			if (e && !(e & SVACC_PTE_VALID)) {
				dma_unmap_page(hdev_dev(h), e & SVACC_PTE_ADDR, span,
					       DMA_BIDIRECTIONAL);
				pt->cpu[i] = 0;
			}
		} else if (pt->child[i]) {
			svacc_pt_unmap(h, pt->child[i], level - 1, va, start, end, free);
			if (free) {
				svacc_pt_free(h, pt->child[i]);
				pt->child[i] = NULL;
				pt->cpu[i] = 0;
			}
		}
	}
}

static void svacc_hmm_zap(struct svacc_hmm_ctx *hc, unsigned long start, unsigned long end)
{
	lockdep_assert_held(&hc->pt_lock);
	if (!svacc_pt_clear(hc->root, SVACC_PT_LEVELS, 0, start, end))
		return;
	/* A 2 MiB leaf is one device-TLB entry: invalidate whole blocks. */
	start = ALIGN_DOWN(start, SZ_2M);
	end = ALIGN(end, SZ_2M);
	svacc_devtlb_inv(hc->hdev, hc->id, start, (end - start) >> PAGE_SHIFT);
	svacc_pt_unmap(hc->hdev, hc->root, SVACC_PT_LEVELS, 0, start, end, false);
}

static bool svacc_hmm_invalidate(struct mmu_interval_notifier *mni,
				 const struct mmu_notifier_range *range,
				 unsigned long cur_seq)
{
	struct svacc_hmm_ctx *hc = container_of(mni, struct svacc_hmm_ctx, notifier);

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&hc->pt_lock);
	else if (!mutex_trylock(&hc->pt_lock))
		return false;

	mmu_interval_set_seq(mni, cur_seq);
	svacc_hmm_zap(hc, range->start, min(range->end, TASK_SIZE_MAX));
	atomic64_inc(&hc->hdev->sdev->hmm.invalidations);
	mutex_unlock(&hc->pt_lock);
	return true;
}

static const struct mmu_interval_notifier_ops svacc_hmm_notifier_ops = {
	.invalidate = svacc_hmm_invalidate,
};

/*
 * Install one leaf (@level 1: 4 KiB, 2: 2 MiB) for @page at @va. An existing
 * valid leaf is current (invalidations clear stale ones): keep it unless it
 * lacks write permission that is now granted.
 */
static int svacc_hmm_set_leaf(struct svacc_hmm_ctx *hc, struct svacc_pt *pt,
			      unsigned int level, unsigned long va,
			      struct page *page, bool write)
{
	struct svacc_hmm_dev *h = hc->hdev;
	struct device *dev = hdev_dev(h);
	size_t size = level == 1 ? PAGE_SIZE : SZ_2M;
	unsigned int idx = svacc_pt_index(va, level);
	u64 old = le64_to_cpu(pt->cpu[idx]);
	dma_addr_t dma;

	/*
	 * A level-1 table stays until unbind: the device may be walking it
	 * right now, and an invalidation only waits for accesses through
	 * cached leaves, not for walks. Such a block keeps 4 KiB leaves.
	 */
	if (level == 2 && pt->child[idx])
		return -ERANGE;
	if ((old & SVACC_PTE_VALID) && ((old & SVACC_PTE_WRITE) || !write))
		return 0;

	dma = dma_map_page(dev, page, 0, size, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(dev, dma))
		return -ENOMEM;
	if (!IS_ALIGNED(dma, size)) {
		dma_unmap_page(dev, dma, size, DMA_BIDIRECTIONAL);
		return -ERANGE;
	}

	pt->cpu[idx] = cpu_to_le64(SVACC_PTE_VALID | (write ? SVACC_PTE_WRITE : 0) |
				   (level == 2 ? SVACC_PTE_LEAF : 0) | (dma & SVACC_PTE_ADDR));
	if (old & SVACC_PTE_VALID) {
		/* Upgraded to writable: the old read-only translation must go. */
		svacc_devtlb_inv(h, hc->id, va, size >> PAGE_SHIFT);
		dma_unmap_page(dev, old & SVACC_PTE_ADDR, size, DMA_BIDIRECTIONAL);
	}
	return 1;
}

/*
 * Map the valid pages of @range into the device table. Under pt_lock, after
 * mmu_interval_read_retry() said the snapshot is current. A page the CPU
 * maps with a PMD gets one 2 MiB device leaf. Device write access only for
 * a write fault (@fault_write), where the CPU allows it.
 */
static int svacc_hmm_map(struct svacc_hmm_ctx *hc, struct hmm_range *range,
			 bool fault_write)
{
	struct svacc_device *sdev = hc->hdev->sdev;
	unsigned long npages = (range->end - range->start) >> PAGE_SHIFT;
	unsigned long i;
	u64 mapped = 0;
	int ret;

	for (i = 0; i < npages; i++) {
		unsigned long pfn = range->hmm_pfns[i];
		unsigned long va = range->start + (i << PAGE_SHIFT);
		bool write = fault_write && (pfn & HMM_PFN_WRITE);
		struct svacc_pt *pt;

		if (!(pfn & HMM_PFN_VALID) || (pfn & HMM_PFN_ERROR))
			continue;

		if (hmm_pfn_to_map_order(pfn) == PMD_SHIFT - PAGE_SHIFT) {
			unsigned long base = ALIGN_DOWN(va, SZ_2M);
			struct page *head = hmm_pfn_to_page(pfn) - ((va - base) >> PAGE_SHIFT);

			pt = svacc_pt_table(hc, base, 2);
			if (IS_ERR_OR_NULL(pt))
				return -ENOMEM;
			ret = svacc_hmm_set_leaf(hc, pt, 2, base, head, write);
			if (ret >= 0) {
				if (ret) {
					mapped += SZ_2M >> PAGE_SHIFT;
					atomic64_inc(&sdev->hmm.huge_mappings);
				}
				/* The rest of this block is covered. */
				i += ((base + SZ_2M - va) >> PAGE_SHIFT) - 1;
				continue;
			}
			if (ret != -ERANGE)
				return ret;
			/* A level-1 table there, or a misaligned DMA address */
		}

		pt = svacc_pt_table(hc, va, 1);
		if (IS_ERR(pt))
			return PTR_ERR(pt);
		if (!pt)
			continue;	/* covered by a 2 MiB leaf */
		ret = svacc_hmm_set_leaf(hc, pt, 1, va, hmm_pfn_to_page(pfn), write);
		if (ret < 0)
			return ret;
		mapped += ret;
	}
	atomic64_add(mapped, &sdev->hmm.pages_mapped);
	return 0;
}

/*
 * The fault-around window of @addr: svacc_fault_around pages rounded up to
 * a power of 2, aligned, clipped to @vma (so it never leaves the 2 MiB
 * block of @addr). Only the faulting page when !@around.
 */
static void svacc_hmm_window(struct vm_area_struct *vma, unsigned long addr,
			     bool around, struct hmm_range *range)
{
	unsigned int n = clamp(READ_ONCE(svacc_fault_around), 1U, SVACC_MAX_AROUND);
	unsigned long size = roundup_pow_of_two(around ? n : 1) << PAGE_SHIFT;
	unsigned long start = ALIGN_DOWN(addr, size);

	range->start = max(start, vma->vm_start);
	range->end = min(start + size, vma->vm_end);
}

/*
 * Resolve one device fault at @addr: fault in and map the window around it.
 * Returns 0 when the device may retry, -EFAULT or -EPERM when the access
 * cannot be allowed, another errno for a transient failure.
 */
static int svacc_hmm_resolve(struct svacc_hmm_ctx *hc, unsigned long addr, bool write)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	struct mm_struct *mm = hc->ctx->mm;
	struct hmm_range range = {
		.notifier = &hc->notifier,
		.hmm_pfns = hc->hdev->pfns,
	};
	struct vm_area_struct *vma;
	bool around = true;
	unsigned long i;
	int ret;

	if (addr >= TASK_SIZE_MAX || !mmget_not_zero(mm))
		return -EFAULT;		/* not a user address, or the process exits */

	for (;;) {
		ret = svacc_pt_refill(hc);
		if (ret)
			break;

		range.notifier_seq = mmu_interval_read_begin(&hc->notifier);
		mmap_read_lock(mm);
		vma = vma_lookup(mm, addr);
		if (!vma || (write && !(vma->vm_flags & VM_WRITE))) {
			mmap_read_unlock(mm);
			ret = vma ? -EPERM : -EFAULT;
			break;
		}
		svacc_hmm_window(vma, addr, around, &range);
		/*
		 * Fault the whole window in, with write access for a write
		 * fault only: a read fault never breaks COW. Should a
		 * neighbour be unfaultable (past the end of a file...), the
		 * faulting page alone is tried again.
		 */
		range.default_flags = HMM_PFN_REQ_FAULT | (write ? HMM_PFN_REQ_WRITE : 0);
		range.pfn_flags_mask = 0;
		for (i = 0; i < (range.end - range.start) >> PAGE_SHIFT; i++)
			range.hmm_pfns[i] = 0;
		ret = hmm_range_fault(&range);
		mmap_read_unlock(mm);
		if (ret == -EBUSY) {
			if (time_after(jiffies, timeout))
				break;
			continue;
		}
		if (ret) {
			if (!around || ret == -EPERM)
				break;
			around = false;
			continue;
		}

		mutex_lock(&hc->pt_lock);
		if (mmu_interval_read_retry(&hc->notifier, range.notifier_seq)) {
			mutex_unlock(&hc->pt_lock);
			if (time_after(jiffies, timeout)) {
				ret = -EBUSY;
				break;
			}
			continue;
		}
		ret = svacc_hmm_map(hc, &range, write);
		mutex_unlock(&hc->pt_lock);
		/* Table reserve ran dry: refill outside the lock and go again */
		if (ret != -ENOMEM || time_after(jiffies, timeout))
			break;
	}
	mmput(mm);
	return ret;
}

struct svacc_fault {
	u64 addr;
	u32 id;
	u16 flags;
	u16 fault_id;
	int ret;
};

/* Does resolving @a also resolve @b (same context and page, enough access)? */
static bool svacc_fault_covers(const struct svacc_fault *a, const struct svacc_fault *b)
{
	return a->id == b->id && (a->addr >> PAGE_SHIFT) == (b->addr >> PAGE_SHIFT) &&
	       ((a->flags & SVACC_FR_WRITE) || !(b->flags & SVACC_FR_WRITE));
}

static void svacc_hmm_fault_work(struct work_struct *work)
{
	struct svacc_hmm_dev *h = container_of(work, struct svacc_hmm_dev, fault_work);
	struct svacc_device *sdev = h->sdev;
	struct svacc_fault batch[32];
	unsigned int n, i, j;
	u32 tail;

	mutex_lock(&h->fault_lock);
	for (;;) {
		tail = readl(sdev->regs + SVACC_FQ_TAIL) & (SVACC_HMM_FQ_ENTRIES - 1);
		if (tail == h->fq_head)
			break;
		/* Copy out a batch and free the slots before the slow part. */
		for (n = 0; n < ARRAY_SIZE(batch) && h->fq_head != tail; n++) {
			struct svacc_fault_rec *r = &h->fq[h->fq_head];

			batch[n].addr = le64_to_cpu(r->addr);
			batch[n].id = le32_to_cpu(r->pasid);
			batch[n].flags = le16_to_cpu(r->flags);
			batch[n].fault_id = le16_to_cpu(r->id);
			h->fq_head = (h->fq_head + 1) & (SVACC_HMM_FQ_ENTRIES - 1);
		}
		writel(h->fq_head, sdev->regs + SVACC_FQ_HEAD);
		atomic64_inc(&sdev->hmm.fault_batches);

		for (i = 0; i < n; i++) {
			struct svacc_fault *f = &batch[i];
			bool write = f->flags & SVACC_FR_WRITE;
			struct svacc_hmm_ctx *hc;
			int ret = -EFAULT;

			/* An earlier fault of this batch may have mapped the page already. */
			for (j = 0; j < i; j++)
				if (svacc_fault_covers(&batch[j], f))
					break;
			hc = xa_load(&h->ctxs, f->id);
			if (j < i) {
				ret = batch[j].ret;
			} else if (hc && !(f->flags & SVACC_FR_PRIV)) {
				atomic64_inc(&sdev->hmm.faults);
				ret = svacc_hmm_resolve(hc, f->addr, write);
			}
			f->ret = ret;
			/* Transient failures (-EBUSY, -ENOMEM): the device faults again */
			writel(FIELD_PREP(SVACC_FAULT_RESP_ID, f->fault_id) |
			       FIELD_PREP(SVACC_FAULT_RESP_CODE,
					  ret == -EFAULT || ret == -EPERM ?
					  SVACC_FAULT_FAIL : SVACC_FAULT_RETRY),
			       sdev->regs + SVACC_FAULT_RESP);
			dev_dbg(svacc_dev(sdev), "fault ctx %u addr %#llx %s: %d\n",
				f->id, f->addr, write ? "write" : "read", ret);
		}
	}
	mutex_unlock(&h->fault_lock);
}

/* Called from the misc interrupt thread on INTCAUSE.FAULT / FQ_FULL. */
static void svacc_hmm_fault_irq(struct svacc_device *sdev, u32 cause)
{
	struct svacc_hmm_dev *h = sdev->xlate_priv;

	if (cause & SVACC_INT_FQ_FULL)
		dev_warn_ratelimited(svacc_dev(sdev),
				     "fault queue full: a descriptor completed with PAGE_FAULT\n");
	/* Running already: it reads FQ_TAIL again before it stops */
	queue_work(h->fault_wq, &h->fault_work);
}

/*
 * Context ids are PASIDs to the device: with a PASID capability, only those
 * its Max PASID Width can represent are valid (hardware.rst).
 */
static u32 svacc_hmm_nctx(struct pci_dev *pdev)
{
	int pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PASID);
	u16 cap;

	if (!pos)
		return SVACC_HMM_CTX_ENTRIES;
	pci_read_config_word(pdev, pos + PCI_PASID_CAP, &cap);
	return min_t(u32, SVACC_HMM_CTX_ENTRIES, 1U << FIELD_GET(PCI_PASID_CAP_WIDTH, cap));
}

static int svacc_hmm_probe(struct svacc_device *sdev,
			   enum drm_svacc_mode_reason *reason, bool *verified)
{
	struct device *dev = svacc_dev(sdev);
	struct svacc_hmm_dev *h;

	if (!(sdev->cap_xlate & SVACC_XLATE_DEVPT))
		return -ENODEV;
	h = devm_kzalloc(dev, sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->sdev = sdev;
	h->nctx = svacc_hmm_nctx(sdev->pdev);
	if (h->nctx < 2)
		return -ENOSPC;
	h->ctx_table = dmam_alloc_coherent(dev, SVACC_HMM_CTX_ENTRIES * SVACC_CTX_ENTRY_SIZE,
					   &h->ctx_dma, GFP_KERNEL);
	h->fq = dmam_alloc_coherent(dev, SVACC_HMM_FQ_ENTRIES * SVACC_FAULT_REC_SIZE,
				    &h->fq_dma, GFP_KERNEL);
	h->pfns = devm_kcalloc(dev, SVACC_MAX_AROUND, sizeof(*h->pfns), GFP_KERNEL);
	if (!h->ctx_table || !h->fq || !h->pfns)
		return -ENOMEM;
	h->fault_wq = alloc_ordered_workqueue("svacc-fault/%s", 0, dev_name(dev));
	if (!h->fault_wq)
		return -ENOMEM;
	INIT_WORK(&h->fault_work, svacc_hmm_fault_work);
	ida_init(&h->ids);
	xa_init(&h->ctxs);
	mutex_init(&h->fault_lock);
	spin_lock_init(&h->inv_lock);

	writeq(h->ctx_dma, sdev->regs + SVACC_CTX_BASE);
	writel(h->nctx, sdev->regs + SVACC_CTX_SIZE);
	writeq(h->fq_dma, sdev->regs + SVACC_FQ_BASE);
	writel(SVACC_HMM_FQ_ENTRIES, sdev->regs + SVACC_FQ_SIZE);
	writel(0, sdev->regs + SVACC_FQ_HEAD);
	writel(SVACC_FQ_CTL_ENABLE, sdev->regs + SVACC_FQ_CTL);

	sdev->xlate_priv = h;
	*verified = true;
	return 0;
}

static void svacc_hmm_remove(struct svacc_device *sdev)
{
	struct svacc_hmm_dev *h = sdev->xlate_priv;

	/* Interrupts are off or no longer reach this mode: no new work */
	cancel_work_sync(&h->fault_work);
	destroy_workqueue(h->fault_wq);
	writel(0, sdev->regs + SVACC_FQ_CTL);
	writeq(0, sdev->regs + SVACC_CTX_BASE);
	writel(0, sdev->regs + SVACC_CTX_SIZE);
	ida_destroy(&h->ids);
	xa_destroy(&h->ctxs);
	mutex_destroy(&h->fault_lock);
	sdev->xlate_priv = NULL;
}

static int svacc_hmm_bind(struct svacc_ctx *ctx, enum drm_svacc_mode_reason *reason)
{
	struct svacc_hmm_dev *h = ctx->sdev->xlate_priv;
	struct svacc_hmm_ctx *hc;
	int id, ret;

	hc = kzalloc_obj(*hc);
	if (!hc)
		return -ENOMEM;
	hc->hdev = h;
	hc->ctx = ctx;
	mutex_init(&hc->pt_lock);

	id = ida_alloc_range(&h->ids, 1, h->nctx - 1, GFP_KERNEL);
	if (id < 0) {
		ret = id == -ENOSPC ? -EBUSY : id;
		goto err_free;
	}
	hc->id = id;
	hc->root = svacc_pt_alloc(h, SVACC_PT_LEVELS);
	if (!hc->root) {
		ret = -ENOMEM;
		goto err_id;
	}
	ret = mmu_interval_notifier_insert(&hc->notifier, ctx->mm, 0,
					   TASK_SIZE_MAX & PAGE_MASK, &svacc_hmm_notifier_ops);
	if (ret)
		goto err_root;
	ret = xa_err(xa_store(&h->ctxs, id, hc, GFP_KERNEL));
	if (ret)
		goto err_notifier;

	h->ctx_table[2 * id + 1] = 0;
	/* Make the table visible before the entry that points to it. */
	dma_wmb();
	h->ctx_table[2 * id] = cpu_to_le64(SVACC_CTXE_VALID | (hc->root->dma & SVACC_PTE_ADDR));
	ctx->xlate_priv = hc;
	ctx->pasid = id;
	return 0;

err_notifier:
	mmu_interval_notifier_remove(&hc->notifier);
err_root:
	svacc_pt_free(h, hc->root);
err_id:
	ida_free(&h->ids, id);
err_free:
	kfree(hc);
	return ret;
}

static void svacc_hmm_unbind(struct svacc_ctx *ctx)
{
	struct svacc_hmm_ctx *hc = ctx->xlate_priv;
	struct svacc_hmm_dev *h = hc->hdev;
	unsigned int i;

	/* No fault handling for this context from now on. */
	mutex_lock(&h->fault_lock);
	xa_erase(&h->ctxs, hc->id);
	mutex_unlock(&h->fault_lock);
	mmu_interval_notifier_remove(&hc->notifier);

	h->ctx_table[2 * hc->id] = 0;
	mutex_lock(&hc->pt_lock);
	svacc_pt_clear(hc->root, SVACC_PT_LEVELS, 0, 0, TASK_SIZE_MAX);
	svacc_devtlb_inv(h, hc->id, 0, 0);
	svacc_pt_unmap(h, hc->root, SVACC_PT_LEVELS, 0, 0, TASK_SIZE_MAX, true);
	mutex_unlock(&hc->pt_lock);

	svacc_pt_free(h, hc->root);
	for (i = 0; i < hc->nreserve; i++)
		svacc_pt_free(h, hc->reserve[i]);
	ida_free(&h->ids, hc->id);
	mutex_destroy(&hc->pt_lock);
	kfree(hc);
	ctx->xlate_priv = NULL;
}

const struct svacc_xlate_ops svacc_hmm_ops = {
	.name = "hmm",
	.mode = SVACC_MODE_HMM,
	.genctrl_mode = SVACC_MODE_DEVPT,
	.probe = svacc_hmm_probe,
	.remove = svacc_hmm_remove,
	.bind = svacc_hmm_bind,
	.unbind = svacc_hmm_unbind,
	.fault_irq = svacc_hmm_fault_irq,
};
