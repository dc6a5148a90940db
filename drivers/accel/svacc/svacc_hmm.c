// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc DEVPT mode: the CPU page table mirrored into the device's own with
 * HMM, for when SVA is not available (no PASID/ATS/PRI, no IOMMU, or a
 * kernel or IOMMU that refuses SVA).
 *
 * Each context gets a context-table entry (its id plays the PASID's role)
 * and a four-level device page table in DMA-coherent memory holding DMA
 * addresses of the process's pages. Device faults arrive as records in the
 * fault queue. A dispatcher work item only reads the queue and hands each
 * record to its context; each context resolves its own faults in its own
 * work item, in batches, with hmm_range_fault() (and fault-around), maps
 * the pages with the DMA API and resumes the parked descriptors. Resolving
 * may sleep for long, or forever (a FUSE file whose server never answers):
 * one context's fault never holds up another's, and nothing that tears a
 * context down waits for its faults. A torn-down context is marked dead:
 * its late results and responses are dropped, and it is freed when its
 * last fault work lets go of it.
 *
 * An interval notifier over the address space the device can reach clears
 * device entries, invalidates the device TLB and unmaps the pages whenever
 * the CPU mapping changes; page-table pages left empty are freed then.
 * Page-table pages are charged to the memory cgroup of the address space
 * and capped per context: a context over the cap starts afresh (its whole
 * device table is dropped and refaulted), and one its cgroup refuses
 * memory gets PAGE_FAULT.
 *
 * One notifier per context covers the whole range rather than one per
 * range the device touched: the device faults anywhere, like a CPU, and
 * per-range notifiers would have to be inserted from the fault path and
 * kept in step with VMAs that come and go. The cost is a callback for
 * every CPU invalidation of the process, which walks only the populated
 * part of the device table (as lib/test_hmm.c does).
 *
 * A fault fills its fault-around window (faulting pages in, like GPU
 * mirrors), with write access only for a write fault on a writable VMA: a
 * read fault never breaks COW nor grants the device write access.
 * Read-only pages are mapped DMA_TO_DEVICE (so mapping one page at many
 * addresses is fine); the shared zero page, which reads of untouched
 * anonymous memory return, is mapped once per device.
 * Faults that cannot be allowed (no VMA, no permission, beyond the
 * device's address width, the mm is gone, no memory for the table) answer
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
#include <linux/kref.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/pci.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>

#include "svacc_drv.h"
#include "svacc_trace.h"
#include "svacc_xlate.h"

static unsigned int svacc_fault_around = 16;
module_param_named(fault_around, svacc_fault_around, uint, 0644);
MODULE_PARM_DESC(fault_around,
		 "Pages faulted in and mapped per device fault: rounded up to a power of 2, aligned, clipped to the VMA (1..512, default 16, writable)");

static unsigned int svacc_max_pt_pages = 8192;
module_param_named(max_pt_pages, svacc_max_pt_pages, uint, 0644);
MODULE_PARM_DESC(max_pt_pages,
		 "Device page-table pages one context may use before its table is dropped and refaulted (default 8192)");

#define SVACC_HMM_CTX_ENTRIES	256
#define SVACC_HMM_FQ_ENTRIES	256
/* Attempts at a fault whose allocations failed before it is failed */
#define SVACC_HMM_ALLOC_TRIES	8
#define SVACC_PT_RESERVE	8
#define SVACC_MAX_AROUND	512
#define SVACC_INV_TIMEOUT_US	(1 * USEC_PER_SEC)

/*
 * A device page-table entry bit for software (hardware.rst: the device
 * ignores bits 11:9): the page is DMA-mapped for the device to write as
 * well as read, whether or not the entry grants WRITE now.
 */
#define SVACC_PTE_SW_DMA_RW	BIT_ULL(9)

/*
 * One 4 KiB device page table and, above level 1, its children; at level
 * 1, the page each leaf maps. @nvalid counts the entries in use: tables,
 * valid leaves and kept leaves (VALID clear, still DMA-mapped: see
 * svacc_pt_clear()). A table left with none is freed.
 */
struct svacc_pt {
	__le64 *cpu;
	dma_addr_t dma;
	union {
		struct svacc_pt **child;	/* levels 2 to 4 */
		struct page **page;		/* level 1 */
	};
	unsigned int nvalid;
	struct list_head free_node;
};

/* The device's fault queue and the contexts its records are for. */
struct svacc_hmm_dev {
	struct svacc_device *sdev;
	struct device *dev;		/* for the DMA API */
	__le64 *ctx_table;
	dma_addr_t ctx_dma;
	struct svacc_fault_rec *fq;
	dma_addr_t fq_dma;
	u32 fq_head;
	u32 nctx;			/* context-table entries; ids 1 .. nctx - 1 */
	dma_addr_t zero_dma;		/* the shared zero page, read-only */
	struct ida ids;
	struct xarray ctxs;		/* id -> struct svacc_hmm_ctx */
	struct mutex fq_lock;		/* the fault queue */
	spinlock_t inv_lock;		/* INV_* registers */
	struct work_struct fault_work;	/* dispatches the fault queue */
};

/* One fault record, as handed to its context */
struct svacc_fault {
	u64 addr;
	u16 flags;
	u16 fault_id;
	int epoch;			/* &svacc_device.reset_epoch when read */
	int ret;
};

/*
 * One context's mirror. Referenced by its binding and by its fault work
 * while that runs; the last reference frees it.
 */
struct svacc_hmm_ctx {
	struct kref ref;
	struct svacc_hmm_dev *hdev;
	struct svacc_device *sdev;	/* holds a drm_dev reference */
	struct mm_struct *mm;		/* grabbed */
	struct mem_cgroup *memcg;	/* page tables are charged here */
	u32 id;
	bool dead;			/* unbound: under sdev->reset_lock */
	struct mmu_interval_notifier notifier;
	struct mutex pt_lock;		/* the device page table */
	struct svacc_pt *root;
	struct svacc_pt *reserve[SVACC_PT_RESERVE];
	unsigned int nreserve;
	unsigned long npt;		/* table pages, reserve included */
	unsigned long *pfns;		/* hmm_range_fault() output */
	spinlock_t pend_lock;		/* @pend, @npend */
	struct svacc_fault *pend;	/* records waiting for @fault_work */
	unsigned int npend;
	unsigned int max_pend;
	struct svacc_fault *batch;	/* @fault_work's copy of @pend */
	struct work_struct fault_work;
};

static struct device *hdev_dev(struct svacc_hmm_dev *h)
{
	return h->dev;
}

static u64 svacc_hmm_limit(struct svacc_device *sdev)
{
	return min_t(u64, TASK_SIZE_MAX & PAGE_MASK, BIT_ULL(sdev->va_bits));
}

static struct svacc_pt *svacc_pt_alloc(struct svacc_hmm_ctx *hc)
{
	struct device *dev = hdev_dev(hc->hdev);
	struct mem_cgroup *old = set_active_memcg(hc->memcg);
	/* Fail rather than reclaim hard or OOM: the fault answers FAIL. */
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NORETRY | __GFP_NOWARN;
	struct svacc_pt *pt;

	pt = kzalloc_obj(*pt, gfp);
	if (!pt)
		goto out;
	pt->cpu = dma_alloc_coherent(dev, PAGE_SIZE, &pt->dma, gfp);
	pt->child = kcalloc(SVACC_PT_ENTRIES, sizeof(*pt->child), gfp);
	if (!pt->cpu || !pt->child) {
		if (pt->cpu)
			dma_free_coherent(dev, PAGE_SIZE, pt->cpu, pt->dma);
		kfree(pt->child);
		kfree(pt);
		pt = NULL;
	}
out:
	set_active_memcg(old);
	return pt;
}

static void svacc_pt_free(struct svacc_hmm_ctx *hc, struct svacc_pt *pt)
{
	kfree(pt->child);
	dma_free_coherent(hdev_dev(hc->hdev), PAGE_SIZE, pt->cpu, pt->dma);
	kfree(pt);
	hc->npt--;
	atomic64_dec(&hc->sdev->hmm.pt_pages);
}

/*
 * Top the reserve up, outside pt_lock. -ENOSPC: the context reached its
 * cap; -ENOMEM: its memory cgroup (or the system) refused.
 */
static int svacc_pt_refill(struct svacc_hmm_ctx *hc)
{
	unsigned int cap = max(READ_ONCE(svacc_max_pt_pages), 4U * SVACC_PT_RESERVE);
	struct svacc_pt *pt;
	int idx;

	for (;;) {
		mutex_lock(&hc->pt_lock);
		if (hc->dead || hc->nreserve == SVACC_PT_RESERVE) {
			mutex_unlock(&hc->pt_lock);
			return 0;
		}
		if (hc->npt >= cap) {
			mutex_unlock(&hc->pt_lock);
			return -ENOSPC;
		}
		hc->npt++;	/* counted before it exists: the cap holds */
		mutex_unlock(&hc->pt_lock);

		/* DMA memory of a device still there (a dead context's work may run on) */
		pt = NULL;
		if (drm_dev_enter(&hc->sdev->drm, &idx)) {
			pt = svacc_pt_alloc(hc);
			drm_dev_exit(idx);
		}

		mutex_lock(&hc->pt_lock);
		if (!pt) {
			hc->npt--;
			mutex_unlock(&hc->pt_lock);
			return -ENOMEM;
		}
		atomic64_inc(&hc->sdev->hmm.pt_pages);
		if (hc->dead || hc->nreserve == SVACC_PT_RESERVE)
			svacc_pt_free(hc, pt);
		else
			hc->reserve[hc->nreserve++] = pt;
		mutex_unlock(&hc->pt_lock);
	}
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
			pt->nvalid++;
		}
		pt = pt->child[i];
	}
	return pt;
}

/*
 * Invalidate the device TLB for @npages pages of context @id from @start
 * (0 pages: the whole context). Bounded by the spec even with faults
 * pending, so fine in atomic context. A device that does not confirm it
 * in time is stopped (svacc_hw_stop()): either way no access through the
 * old translations follows, and the caller may free what they pointed to.
 * A halted or vanished device makes no access and is not waited for.
 */
static void svacc_devtlb_inv(struct svacc_hmm_dev *h, u32 id, unsigned long start,
			     u64 npages)
{
	void __iomem *regs = h->sdev->regs;
	bool off;
	int idx;
	u32 ctl;

	idx = svacc_regs_lock();
	/* Held in reset by an FLR or PCI error recovery: its TLB is empty */
	off = svacc_regs_off(h->sdev);
	trace_svacc_devtlb_inv(h->sdev, id, start, npages, !off);
	if (off)
		goto out;
	spin_lock(&h->inv_lock);
	writel(FIELD_PREP(SVACC_INV_PASID_PASID, id), regs + SVACC_INV_PASID);
	writeq(start, regs + SVACC_INV_ADDR);
	writeq(npages, regs + SVACC_INV_PAGES);
	writel(SVACC_INV_CTL_START, regs + SVACC_INV_CTL);
	if (readl_poll_timeout_atomic(regs + SVACC_INV_CTL, ctl,
				      !(ctl & SVACC_INV_CTL_BUSY) || ctl == U32_MAX ||
				      (readl(regs + SVACC_GENSTS) & SVACC_GENSTS_HALTED),
				      1, SVACC_INV_TIMEOUT_US)) {
		/* The pages are about to be freed: the device must stop now. */
		dev_err_ratelimited(hdev_dev(h), "device-TLB invalidation timed out: resetting the device\n");
		svacc_hw_stop(h->sdev);
	}
	spin_unlock(&h->inv_lock);
out:
	svacc_regs_unlock(idx);
}

static bool svacc_pte_is_leaf(u64 e, unsigned int level)
{
	return level == 1 || (level == 2 && (e & SVACC_PTE_LEAF));
}

/*
 * Unmap the page of a cleared leaf (VALID clear, address set). LEAF marks
 * a 2 MiB leaf; SW_DMA_RW tells how it was mapped.
 */
static void svacc_pt_unmap_leaf(struct svacc_hmm_dev *h, u64 e)
{
	dma_addr_t dma = e & SVACC_PTE_ADDR;
	bool huge = e & SVACC_PTE_LEAF;

	if (!huge && dma == h->zero_dma)
		return;		/* mapped once per device */
	dma_unmap_page(hdev_dev(h), dma, huge ? SZ_2M : PAGE_SIZE,
		       (e & SVACC_PTE_SW_DMA_RW) ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE);
}

/*
 * First pass of a zap: clear the VALID bit of every leaf overlapping
 * [start, end) but keep its address, so that its DMA mapping can be undone
 * once the device TLB is clean. A table left with no entry in use is
 * unlinked from its parent and put on @gone, to be freed after the
 * invalidation (which also waits for walks in progress).
 *
 * With @keep (the CPU changed only the protection of [start, end): every
 * page stays where it is), 4 KiB leaves are *kept* instead: VALID and
 * WRITE clear, still counted in use and DMA-mapped, for the next fault to
 * validate again if hmm_range_fault() hands it the same page (no DMA
 * unmap now, no DMA map then). Without @keep, kept leaves in the range
 * are cleared for the second pass like valid ones. Returns whether the
 * device TLB must be invalidated and the second pass run.
 */
static bool svacc_pt_clear(struct svacc_pt *pt, unsigned int level, unsigned long base,
			   unsigned long start, unsigned long end, bool keep,
			   struct list_head *gone)
{
	unsigned long span = 1UL << (PAGE_SHIFT + 9 * (level - 1));
	bool cleared = false;
	unsigned int i;

	for (i = 0; i < SVACC_PT_ENTRIES; i++) {
		unsigned long va = base + i * span;
		struct svacc_pt *child;
		u64 e;

		if (va + span <= start)
			continue;
		if (va >= end)
			break;
		e = le64_to_cpu(pt->cpu[i]);
		if (svacc_pte_is_leaf(e, level)) {
			if (keep && level == 1) {
				if (e & SVACC_PTE_VALID) {
					pt->cpu[i] = cpu_to_le64(e & ~(SVACC_PTE_VALID |
								       SVACC_PTE_WRITE));
					cleared = true;
				}
			} else if (e) {
				/* valid, or kept since an earlier zap */
				pt->cpu[i] = cpu_to_le64(e & ~SVACC_PTE_VALID);
				pt->nvalid--;
				cleared = true;
			}
			continue;
		}
		child = pt->child[i];
		if (!child)
			continue;
		cleared |= svacc_pt_clear(child, level - 1, va, start, end, keep, gone);
		if (!child->nvalid) {
			pt->cpu[i] = 0;
			pt->child[i] = NULL;
			pt->nvalid--;
			list_add_tail(&child->free_node, gone);
			cleared = true;
		}
	}
	return cleared;
}

/*
 * Second pass: unmap and zero the cleared leaves of [start, end); with
 * @keep, leave the kept 4 KiB leaves alone.
 */
static void svacc_pt_unmap(struct svacc_hmm_dev *h, struct svacc_pt *pt,
			   unsigned int level, unsigned long base,
			   unsigned long start, unsigned long end, bool keep)
{
	unsigned long span = 1UL << (PAGE_SHIFT + 9 * (level - 1));
	unsigned int i;

	if (keep && level == 1)
		return;
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
				svacc_pt_unmap_leaf(h, e);
				pt->cpu[i] = 0;
			}
		} else if (pt->child[i]) {
			svacc_pt_unmap(h, pt->child[i], level - 1, va, start, end, keep);
		}
	}
}

/*
 * Free the tables a zap unlinked, now that the device TLB is clean and no
 * walk can be in them. What is left in them are cleared leaves: unmap.
 */
static void svacc_pt_free_gone(struct svacc_hmm_ctx *hc, struct list_head *gone)
{
	struct svacc_pt *pt, *next;
	unsigned int i;

	list_for_each_entry_safe(pt, next, gone, free_node) {
		list_del(&pt->free_node);
		for (i = 0; i < SVACC_PT_ENTRIES; i++)
			if (pt->cpu[i])
				svacc_pt_unmap_leaf(hc->hdev, le64_to_cpu(pt->cpu[i]));
		svacc_pt_free(hc, pt);
	}
}

/*
 * Take [start, end) from the device: clear, invalidate the device TLB,
 * unmap and free what is left empty. @keep: see svacc_pt_clear().
 */
static void svacc_hmm_zap(struct svacc_hmm_ctx *hc, unsigned long start, unsigned long end,
			  bool keep)
{
	LIST_HEAD(gone);

	lockdep_assert_held(&hc->pt_lock);
	if (!svacc_pt_clear(hc->root, SVACC_PT_LEVELS, 0, start, end, keep, &gone))
		return;
	/*
	 * A 2 MiB leaf is one device-TLB entry: invalidate whole blocks. The
	 * second pass takes the range itself (it reaches every 2 MiB leaf
	 * the first pass cleared): kept leaves beside it stay as they are.
	 */
	svacc_devtlb_inv(hc->hdev, hc->id, ALIGN_DOWN(start, SZ_2M),
			 (ALIGN(end, SZ_2M) - ALIGN_DOWN(start, SZ_2M)) >> PAGE_SHIFT);
	svacc_pt_unmap(hc->hdev, hc->root, SVACC_PT_LEVELS, 0, start, end, keep);
	svacc_pt_free_gone(hc, &gone);
}

/*
 * Invalidations after which every page of the range is still the one the
 * CPU maps there: only its protection (or soft-dirty state) changed.
 */
static bool svacc_hmm_same_pages(const struct mmu_notifier_range *range)
{
	switch (range->event) {
	case MMU_NOTIFY_PROTECTION_VMA:
	case MMU_NOTIFY_PROTECTION_PAGE:
	case MMU_NOTIFY_SOFT_DIRTY:
		return true;
	default:
		return false;
	}
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
	if (!hc->dead) {
		svacc_hmm_zap(hc, range->start,
			      min_t(u64, range->end, svacc_hmm_limit(hc->sdev)),
			      svacc_hmm_same_pages(range));
		atomic64_inc(&hc->sdev->hmm.invalidations);
	}
	mutex_unlock(&hc->pt_lock);
	return true;
}

static const struct mmu_interval_notifier_ops svacc_hmm_notifier_ops = {
	.invalidate = svacc_hmm_invalidate,
};

/*
 * Install one leaf (@level 1: 4 KiB, 2: 2 MiB) for @page at @va. An existing
 * valid leaf is current (invalidations clear stale ones): keep it unless it
 * lacks write permission that is now granted. Read-only leaves are mapped
 * for the device to read only; the zero page is not mapped again, nor is
 * a page whose kept leaf (svacc_pt_clear()) is still mapped as needed.
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
	/* (the huge zero page is not exported: mapped read-only per leaf) */
	bool zero = level == 1 && is_zero_page(page);
	bool kept = level == 1 && old && !(old & SVACC_PTE_VALID);
	u64 rw = write ? SVACC_PTE_WRITE | SVACC_PTE_SW_DMA_RW : 0;
	dma_addr_t dma;

	/* A 2 MiB block with a table under it keeps 4 KiB leaves. */
	if (level == 2 && pt->child[idx])
		return -ERANGE;
	if ((old & SVACC_PTE_VALID) && ((old & SVACC_PTE_WRITE) || !write))
		return 0;

	/*
	 * The page the leaf already maps, DMA-mapped for this access: valid
	 * (a write upgrade of a page mapped for writing before) or kept.
	 */
	if ((kept && pt->page[idx] == page) || (old & SVACC_PTE_VALID)) {
		if (!write || (old & SVACC_PTE_SW_DMA_RW)) {
			pt->cpu[idx] = cpu_to_le64(old | SVACC_PTE_VALID |
						   (write ? SVACC_PTE_WRITE : 0));
			/* Upgraded to writable: the read-only translation goes */
			if (old & SVACC_PTE_VALID)
				svacc_devtlb_inv(h, hc->id, va, size >> PAGE_SHIFT);
			return 1;
		}
	}

	if (zero) {
		if (write)
			return -EFAULT;	/* hmm never hands out a writable zero page */
		dma = h->zero_dma;
	} else {
		dma = dma_map_page(dev, page, 0, size,
				   write ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			return -ENOMEM;
		if (!IS_ALIGNED(dma, size)) {
			dma_unmap_page(dev, dma, size,
				       write ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE);
			return -ERANGE;
		}
		atomic64_inc(&hc->sdev->hmm.dma_maps);
	}

	pt->cpu[idx] = cpu_to_le64(SVACC_PTE_VALID | rw | (level == 2 ? SVACC_PTE_LEAF : 0) |
				   (dma & SVACC_PTE_ADDR));
	if (level == 1)
		pt->page[idx] = page;
	if (old & SVACC_PTE_VALID) {
		/* Upgraded to writable: the old read-only translation must go. */
		svacc_devtlb_inv(h, hc->id, va, size >> PAGE_SHIFT);
		svacc_pt_unmap_leaf(h, old);
	} else if (kept) {
		/* another page, or mapped read-only: no TLB entry since kept */
		svacc_pt_unmap_leaf(h, old);
	} else {
		pt->nvalid++;
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
	struct svacc_device *sdev = hc->sdev;
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
			if (IS_ERR(pt))
				return PTR_ERR(pt);
			if (!pt)
				goto covered;
			ret = svacc_hmm_set_leaf(hc, pt, 2, base, head, write);
			if (ret >= 0) {
				if (ret) {
					mapped += SZ_2M >> PAGE_SHIFT;
					atomic64_inc(&sdev->hmm.huge_mappings);
				}
covered:
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
 * a power of 2, aligned, clipped to @vma and to the device's reach (so it
 * never leaves the 2 MiB block of @addr). Only the faulting page when
 * !@around.
 */
static void svacc_hmm_window(struct svacc_hmm_ctx *hc, struct vm_area_struct *vma,
			     unsigned long addr, bool around, struct hmm_range *range)
{
	unsigned int n = clamp(READ_ONCE(svacc_fault_around), 1U, SVACC_MAX_AROUND);
	unsigned long size = roundup_pow_of_two(around ? n : 1) << PAGE_SHIFT;
	unsigned long start = ALIGN_DOWN(addr, size);

	range->start = max(start, vma->vm_start);
	range->end = min3(start + size, vma->vm_end,
			  (unsigned long)svacc_hmm_limit(hc->sdev));
}

/* Over the cap or short of memory: drop the whole table, refault. */
static void svacc_hmm_evict(struct svacc_hmm_ctx *hc)
{
	mutex_lock(&hc->pt_lock);
	if (!hc->dead)
		svacc_hmm_zap(hc, 0, svacc_hmm_limit(hc->sdev), false);
	mutex_unlock(&hc->pt_lock);
}

/*
 * Resolve one device fault at @addr: fault in and map the window around it.
 * Returns 0 when the device may retry, -EFAULT or -EPERM when the access
 * cannot be allowed, -ENOMEM when no table memory can be had, another
 * errno for a transient failure.
 *
 * An allocation that fails (a table page, or a page the CPU fault needs:
 * hmm_range_fault() reports that as -EFAULT) is tried again a few times
 * before the fault is failed, as the CPU's own fault path would wait for
 * memory: a failed fault loses the completion record when the page it
 * names is the record's.
 */
static int svacc_hmm_resolve(struct svacc_hmm_ctx *hc, unsigned long addr, bool write)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	struct mm_struct *mm = hc->mm;
	struct hmm_range range = {
		.notifier = &hc->notifier,
		.hmm_pfns = hc->pfns,
	};
	struct vm_area_struct *vma;
	bool around = true, evicted = false;
	unsigned int tries = 0;
	unsigned long i;
	int ret;

	/* beyond the device's reach (5-level paging), or the process exits */
	if (addr >= svacc_hmm_limit(hc->sdev) || !mmget_not_zero(mm))
		return -EFAULT;

	for (;;) {
		ret = svacc_pt_refill(hc);
		if (ret) {
			if (!evicted) {
				svacc_hmm_evict(hc);
				evicted = true;
				continue;
			}
			if (++tries >= SVACC_HMM_ALLOC_TRIES)
				break;
			memalloc_retry_wait(GFP_KERNEL);
			continue;
		}

		range.notifier_seq = mmu_interval_read_begin(&hc->notifier);
		mmap_read_lock(mm);
		vma = vma_lookup(mm, addr);
		if (!vma || (vma->vm_flags & (VM_IO | VM_PFNMAP))) {
			/* nothing there, or nothing the mirror may map */
			mmap_read_unlock(mm);
			ret = -EFAULT;
			break;
		}
		if (!(vma->vm_flags & VM_READ) || (write && !(vma->vm_flags & VM_WRITE))) {
			mmap_read_unlock(mm);
			ret = -EPERM;
			break;
		}
		svacc_hmm_window(hc, vma, addr, around, &range);
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
			if (ret == -EPERM)
				break;
			if (around) {
				around = false;
				continue;
			}
			/* the VMA allows the access: most likely short of memory */
			if (++tries >= SVACC_HMM_ALLOC_TRIES)
				break;
			memalloc_retry_wait(GFP_KERNEL);
			continue;
		}

		mutex_lock(&hc->pt_lock);
		if (hc->dead) {
			mutex_unlock(&hc->pt_lock);
			ret = -EFAULT;
			break;
		}
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
	return ret == -ENOSPC ? -ENOMEM : ret;
}

static void svacc_hmm_ctx_release(struct kref *ref)
{
	struct svacc_hmm_ctx *hc = container_of(ref, struct svacc_hmm_ctx, ref);
	struct svacc_device *sdev = hc->sdev;

	mem_cgroup_put(hc->memcg);
	mmdrop(hc->mm);
	kfree(hc->batch);
	kfree(hc->pend);
	kfree(hc->pfns);
	mutex_destroy(&hc->pt_lock);
	kfree(hc);
	drm_dev_put(&sdev->drm);
}

static void svacc_hmm_ctx_put(struct svacc_hmm_ctx *hc)
{
	kref_put(&hc->ref, svacc_hmm_ctx_release);
}

/*
 * Does the answer to @a (resolved, a->ret set) answer @b too? Same page and
 * the same access; or @a a write that was granted, which grants a read. A
 * refused write says nothing about a read of a read-only page.
 */
static bool svacc_fault_covers(const struct svacc_fault *a, const struct svacc_fault *b)
{
	bool aw = a->flags & SVACC_FR_WRITE, bw = b->flags & SVACC_FR_WRITE;

	return (a->addr >> PAGE_SHIFT) == (b->addr >> PAGE_SHIFT) &&
	       (aw == bw || (aw && !a->ret));
}

/*
 * Resume the parked descriptor: RETRY (walk again) or FAIL (PAGE_FAULT).
 * Never for a context that is gone, nor across a device reset (fault ids
 * start again after one): checked under the lock svacc_hw_stop() takes.
 */
static void svacc_hmm_respond(struct svacc_hmm_ctx *hc, const struct svacc_fault *f)
{
	struct svacc_device *sdev = hc->sdev;
	/* Transient failures (-EBUSY): the device faults again */
	bool fail = f->ret == -EFAULT || f->ret == -EPERM || f->ret == -ENOMEM ||
		    f->ret == -ENOSPC;

	spin_lock_irq(&sdev->reset_lock);
	if (!hc->dead && f->epoch == atomic_read(&sdev->reset_epoch))
		writel(FIELD_PREP(SVACC_FAULT_RESP_ID, f->fault_id) |
		       FIELD_PREP(SVACC_FAULT_RESP_CODE,
				  fail ? SVACC_FAULT_FAIL : SVACC_FAULT_RETRY),
		       sdev->regs + SVACC_FAULT_RESP);
	spin_unlock_irq(&sdev->reset_lock);
}

/*
 * One context's faults, in batches; holds a reference while it runs. A
 * work item never runs twice at once, so @hc->batch is this work's alone.
 */
static void svacc_hmm_ctx_fault_work(struct work_struct *work)
{
	struct svacc_hmm_ctx *hc = container_of(work, struct svacc_hmm_ctx, fault_work);
	struct svacc_fault *batch = hc->batch;
	struct svacc_device *sdev = hc->sdev;
	unsigned int n, i, j;

	for (;;) {
		spin_lock(&hc->pend_lock);
		n = hc->npend;
		memcpy(batch, hc->pend, n * sizeof(*batch));
		hc->npend = 0;
		spin_unlock(&hc->pend_lock);
		if (!n)
			break;
		atomic64_inc(&sdev->hmm.fault_batches);

		for (i = 0; i < n; i++) {
			struct svacc_fault *f = &batch[i];
			bool write = f->flags & SVACC_FR_WRITE;

			/* An earlier fault of this batch may have mapped the page already. */
			for (j = 0; j < i; j++)
				if (svacc_fault_covers(&batch[j], f))
					break;
			if (j < i) {
				f->ret = batch[j].ret;
			} else if (READ_ONCE(hc->dead)) {
				f->ret = -EFAULT;
			} else {
				atomic64_inc(&sdev->hmm.faults);
				f->ret = svacc_hmm_resolve(hc, f->addr, write);
			}
			svacc_hmm_respond(hc, f);
			dev_dbg(svacc_dev(sdev), "fault ctx %u addr %#llx %s: %d\n",
				hc->id, f->addr, write ? "write" : "read", f->ret);
		}
	}
	svacc_hmm_ctx_put(hc);
}

/*
 * Hand a fault record to its context: queue it and kick the context's
 * work, which takes a reference of its own (dropped when it finishes).
 */
static void svacc_hmm_dispatch(struct svacc_hmm_dev *h, u32 id, struct svacc_fault *f)
{
	struct svacc_hmm_ctx *hc;
	bool queued = false;

	xa_lock(&h->ctxs);
	hc = xa_load(&h->ctxs, id);
	if (hc && !kref_get_unless_zero(&hc->ref))
		hc = NULL;
	xa_unlock(&h->ctxs);
	if (!hc || (f->flags & SVACC_FR_PRIV)) {
		/* No such context (or a supervisor access): fail it */
		if (hc)
			svacc_hmm_ctx_put(hc);
		f->ret = -EFAULT;
		spin_lock_irq(&h->sdev->reset_lock);
		if (f->epoch == atomic_read(&h->sdev->reset_epoch))
			writel(FIELD_PREP(SVACC_FAULT_RESP_ID, f->fault_id) |
			       FIELD_PREP(SVACC_FAULT_RESP_CODE, SVACC_FAULT_FAIL),
			       h->sdev->regs + SVACC_FAULT_RESP);
		spin_unlock_irq(&h->sdev->reset_lock);
		return;
	}

	spin_lock(&hc->pend_lock);
	if (hc->npend < hc->max_pend) {
		hc->pend[hc->npend++] = *f;
		queued = true;
	}
	spin_unlock(&hc->pend_lock);
	if (!queued) {
		/*
		 * No room: the context's work is held up (a fault that blocks
		 * in a filesystem) and holds records whose descriptors the
		 * device has ended since (the fault hold, an abort). Fail
		 * this one: the descriptor completes with PAGE_FAULT. A RETRY
		 * would have the device fault again at once, and this work
		 * would answer it again, for as long as the context stays
		 * held up.
		 */
		f->ret = -ENOSPC;
		svacc_hmm_respond(hc, f);
	}
	/* The work's reference is this one, unless it is queued already. */
	if (!queue_work(svacc_workqueue, &hc->fault_work))
		svacc_hmm_ctx_put(hc);
}

/*
 * Drain the fault queue: copy each record out, free its slot, hand it to
 * its context. Never blocks on a fault's resolution.
 */
static void svacc_hmm_fault_work(struct work_struct *work)
{
	struct svacc_hmm_dev *h = container_of(work, struct svacc_hmm_dev, fault_work);
	struct svacc_device *sdev = h->sdev;
	struct svacc_fault f = { };
	u32 tail, id;
	int idx;

	mutex_lock(&h->fq_lock);
	idx = svacc_regs_lock();
	for (;;) {
		/* A device being reset has no queue: the restart resets ours. */
		if (READ_ONCE(sdev->stopped) || svacc_regs_off(sdev))
			break;
		f.epoch = atomic_read(&sdev->reset_epoch);
		tail = readl(sdev->regs + SVACC_FQ_TAIL);
		if (tail >= SVACC_HMM_FQ_ENTRIES || tail == h->fq_head)
			break;
		while (h->fq_head != tail) {
			struct svacc_fault_rec *r = &h->fq[h->fq_head];

			f.addr = le64_to_cpu(r->addr);
			id = le32_to_cpu(r->pasid);
			f.flags = le16_to_cpu(r->flags);
			f.fault_id = le16_to_cpu(r->id);
			h->fq_head = (h->fq_head + 1) & (SVACC_HMM_FQ_ENTRIES - 1);
			svacc_hmm_dispatch(h, id, &f);
		}
		writel(h->fq_head, sdev->regs + SVACC_FQ_HEAD);
		/* the device may keep writing records: others get the CPU too */
		cond_resched();
	}
	svacc_regs_unlock(idx);
	mutex_unlock(&h->fq_lock);
}

/* Called from the misc interrupt thread on INTCAUSE.FAULT / FQ_FULL. */
static void svacc_hmm_fault_irq(struct svacc_device *sdev, u32 cause)
{
	struct svacc_hmm_dev *h = sdev->xlate_priv;

	if (cause & SVACC_INT_FQ_FULL)
		dev_warn_ratelimited(svacc_dev(sdev),
				     "fault queue full: a descriptor completed with PAGE_FAULT\n");
	/* Running already: it reads FQ_TAIL again before it stops */
	queue_work(svacc_workqueue, &h->fault_work);
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

/* Program the context table and the fault queue (probe, restart). */
static void svacc_hmm_program(struct svacc_device *sdev)
{
	struct svacc_hmm_dev *h = sdev->xlate_priv;

	mutex_lock(&h->fq_lock);
	h->fq_head = 0;
	writeq(h->ctx_dma, sdev->regs + SVACC_CTX_BASE);
	writel(h->nctx, sdev->regs + SVACC_CTX_SIZE);
	writeq(h->fq_dma, sdev->regs + SVACC_FQ_BASE);
	writel(SVACC_HMM_FQ_ENTRIES, sdev->regs + SVACC_FQ_SIZE);
	writel(0, sdev->regs + SVACC_FQ_HEAD);
	writel(SVACC_FQ_CTL_ENABLE, sdev->regs + SVACC_FQ_CTL);
	mutex_unlock(&h->fq_lock);
}

static void svacc_hmm_free_dev(struct drm_device *drm, void *data)
{
	struct svacc_hmm_dev *h = data;

	ida_destroy(&h->ids);
	xa_destroy(&h->ctxs);
	mutex_destroy(&h->fq_lock);
}

static void svacc_hmm_unmap_zero(void *data)
{
	struct svacc_hmm_dev *h = data;

	dma_unmap_page(h->dev, h->zero_dma, PAGE_SIZE, DMA_TO_DEVICE);
}

/* At probe, whichever mode the device starts in */
static int svacc_hmm_init(struct svacc_device *sdev)
{
	struct device *dev = svacc_dev(sdev);
	struct svacc_hmm_dev *h;
	int ret;

	if (!(sdev->cap_xlate & SVACC_XLATE_DEVPT))
		return -ENODEV;
	/* Outlives the PCI device: a context's fault work may still run */
	h = drmm_kzalloc(&sdev->drm, sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->sdev = sdev;
	h->dev = dev;
	h->nctx = svacc_hmm_nctx(sdev->pdev);
	if (h->nctx < 2)
		return -ENOSPC;
	h->ctx_table = dmam_alloc_coherent(dev, SVACC_HMM_CTX_ENTRIES * SVACC_CTX_ENTRY_SIZE,
					   &h->ctx_dma, GFP_KERNEL);
	h->fq = dmam_alloc_coherent(dev, SVACC_HMM_FQ_ENTRIES * SVACC_FR_SIZE,
				    &h->fq_dma, GFP_KERNEL);
	if (!h->ctx_table || !h->fq)
		return -ENOMEM;
	INIT_WORK(&h->fault_work, svacc_hmm_fault_work);
	ida_init(&h->ids);
	xa_init(&h->ctxs);
	mutex_init(&h->fq_lock);
	spin_lock_init(&h->inv_lock);
	ret = drmm_add_action_or_reset(&sdev->drm, svacc_hmm_free_dev, h);
	if (ret)
		return ret;
	h->zero_dma = dma_map_page(dev, ZERO_PAGE(0), 0, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, h->zero_dma))
		return -ENOMEM;
	/* Unmapped when the driver unbinds, while the device is still ours */
	ret = devm_add_action_or_reset(dev, svacc_hmm_unmap_zero, h);
	if (ret)
		return ret;

	sdev->xlate_priv = h;
	return 0;
}

/* Only after a successful svacc_hmm_init() (svacc_mode.c checks) */
static int svacc_hmm_enable(struct svacc_device *sdev)
{
	svacc_hmm_program(sdev);
	return 0;
}

static void svacc_hmm_remove(struct svacc_device *sdev)
{
	struct svacc_hmm_dev *h = sdev->xlate_priv;

	/*
	 * Interrupts are off or no longer reach this mode: no new dispatch.
	 * Contexts' fault work may still be blocked in a fault: it holds its
	 * context, never the device, and is dropped when it returns.
	 */
	cancel_work_sync(&h->fault_work);
	writel(0, sdev->regs + SVACC_FQ_CTL);
	writeq(0, sdev->regs + SVACC_CTX_BASE);
	writel(0, sdev->regs + SVACC_CTX_SIZE);
}

static int svacc_hmm_bind(struct svacc_ctx *ctx, enum drm_svacc_mode_reason *reason)
{
	struct svacc_device *sdev = ctx->sdev;
	struct svacc_hmm_dev *h = sdev->xlate_priv;
	struct svacc_hmm_ctx *hc;
	int id, ret;

	hc = kzalloc_obj(*hc);
	if (!hc)
		return -ENOMEM;
	kref_init(&hc->ref);
	hc->hdev = h;
	hc->sdev = sdev;
	hc->mm = ctx->mm;
	mmgrab(hc->mm);
	hc->memcg = get_mem_cgroup_from_mm(hc->mm);
	drm_dev_get(&sdev->drm);
	mutex_init(&hc->pt_lock);
	spin_lock_init(&hc->pend_lock);
	INIT_WORK(&hc->fault_work, svacc_hmm_ctx_fault_work);
	/* A descriptor parks on one fault at a time: one per WQ at most */
	hc->max_pend = sdev->num_wqs;
	hc->pend = kcalloc(hc->max_pend, sizeof(*hc->pend), GFP_KERNEL);
	/* the fault work allocates nothing: no fault is failed for want of memory */
	hc->batch = kcalloc(hc->max_pend, sizeof(*hc->batch), GFP_KERNEL);
	hc->pfns = kcalloc(SVACC_MAX_AROUND, sizeof(*hc->pfns), GFP_KERNEL);
	if (!hc->pend || !hc->batch || !hc->pfns) {
		ret = -ENOMEM;
		goto err_put;
	}

	id = ida_alloc_range(&h->ids, 1, h->nctx - 1, GFP_KERNEL);
	if (id < 0) {
		ret = id == -ENOSPC ? -EBUSY : id;
		goto err_put;
	}
	hc->id = id;
	hc->npt = 1;
	hc->root = svacc_pt_alloc(hc);
	if (!hc->root) {
		ret = -ENOMEM;
		goto err_id;
	}
	atomic64_inc(&sdev->hmm.pt_pages);
	ret = mmu_interval_notifier_insert(&hc->notifier, ctx->mm, 0,
					   svacc_hmm_limit(sdev), &svacc_hmm_notifier_ops);
	if (ret)
		goto err_root;
	ret = xa_err(xa_store(&h->ctxs, id, hc, GFP_KERNEL));
	if (ret)
		goto err_notifier;

	h->ctx_table[2 * id + 1] = 0;
	/* Make the table visible before the entry that points to it. */
	dma_wmb();
	h->ctx_table[2 * id] = cpu_to_le64(SVACC_CTX_VALID | (hc->root->dma & SVACC_PTE_ADDR));
	ctx->xlate_priv = hc;
	ctx->pasid = id;
	return 0;

err_notifier:
	mmu_interval_notifier_remove(&hc->notifier);
err_root:
	svacc_pt_free(hc, hc->root);
err_id:
	ida_free(&h->ids, id);
err_put:
	svacc_hmm_ctx_put(hc);
	return ret;
}

/*
 * The device has stopped every access with the context's id (ABORT_PASID
 * completed, or the device was reset). Its fault work may be blocked in a
 * fault for as long as that fault takes: the context is marked dead, so
 * that the work neither touches the (freed) table nor answers the device,
 * and it frees the context when it returns.
 */
static void svacc_hmm_unbind(struct svacc_ctx *ctx)
{
	struct svacc_hmm_ctx *hc = ctx->xlate_priv;
	struct svacc_hmm_dev *h = hc->hdev;
	struct svacc_device *sdev = hc->sdev;
	unsigned int i;

	xa_erase(&h->ctxs, hc->id);
	mutex_lock(&hc->pt_lock);
	spin_lock_irq(&sdev->reset_lock);
	hc->dead = true;
	spin_unlock_irq(&sdev->reset_lock);
	mutex_unlock(&hc->pt_lock);
	mmu_interval_notifier_remove(&hc->notifier);

	h->ctx_table[2 * hc->id] = 0;
	mutex_lock(&hc->pt_lock);
	svacc_hmm_zap(hc, 0, svacc_hmm_limit(sdev), false);
	svacc_devtlb_inv(h, hc->id, 0, 0);
	for (i = 0; i < hc->nreserve; i++)
		svacc_pt_free(hc, hc->reserve[i]);
	hc->nreserve = 0;
	svacc_pt_free(hc, hc->root);
	hc->root = NULL;
	mutex_unlock(&hc->pt_lock);

	ida_free(&h->ids, hc->id);
	ctx->xlate_priv = NULL;
	svacc_hmm_ctx_put(hc);
}

const struct svacc_xlate_ops svacc_hmm_ops = {
	.name = "hmm",
	.mode = SVACC_MODE_HMM,
	.genctrl_mode = SVACC_MODE_DEVPT,
	.init = svacc_hmm_init,
	.enable = svacc_hmm_enable,
	.remove = svacc_hmm_remove,
	.restart = svacc_hmm_program,
	.bind = svacc_hmm_bind,
	.unbind = svacc_hmm_unbind,
	.fault_irq = svacc_hmm_fault_irq,
};

#if IS_ENABLED(CONFIG_DRM_ACCEL_SVACC_KUNIT_TEST)
#include "tests/svacc_hmm_test.c"
#endif
