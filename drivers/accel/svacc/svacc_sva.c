// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc ATS mode: shared virtual addressing through the IOMMU.
 *
 * Each context binds its mm with iommu_sva_bind_device() and gets the
 * mm's PASID. The IOMMU driver enables PASID, ATS and PRI on the function
 * and the IOMMU core serves the device's page requests
 * (iommu_sva_handle_iopf -> handle_mm_fault); nothing here touches the
 * PCIe capabilities. A refusal by the kernel or the IOMMU is final: this
 * driver never reaches for lower-level IOMMU calls to get around it.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/pci-ats.h>
#include <linux/slab.h>

#include "svacc_drv.h"
#include "svacc_xlate.h"

/*
 * PASIDs held by users' address spaces.
 *
 * The kernel gives an address space its PASID at its first bind and takes
 * it back only when the mm_struct is freed: closing the file does not
 * return it. PASIDs are few (a device uses those below 2^width of its
 * PASID capability, 256 for an 8-bit one, and every SVA device of the
 * system draws from the same space), so a user whose processes each open
 * and close the device and live on would take them all, and the limit on
 * open files does not see those. Every address space that binds is
 * followed until it goes (an MMU notifier of its own, whose release drops
 * it), and a user other than an administrator may have at most
 * svacc_max_pasids_per_user of them at a time (0: a quarter of the PASIDs
 * the device can use).
 */
struct svacc_pasid_mm {
	struct mmu_notifier mn;
	struct list_head node;		/* on svacc_pasid_mms while followed */
	struct work_struct free_work;
	struct mm_struct *mm;		/* registered: held by the notifier */
	kuid_t uid;
	bool counted;			/* bound by a user other than an administrator */
};

static LIST_HEAD(svacc_pasid_mms);
static DEFINE_MUTEX(svacc_pasid_lock);

static void svacc_pasid_mm_free(struct work_struct *work)
{
	struct svacc_pasid_mm *e = container_of(work, struct svacc_pasid_mm, free_work);

	mmu_notifier_unregister(&e->mn, e->mm);
	kfree(e);
}

/* The address space goes: its PASID with it (once the notifier lets go). */
static void svacc_pasid_mm_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct svacc_pasid_mm *e = container_of(mn, struct svacc_pasid_mm, mn);
	bool listed;

	mutex_lock(&svacc_pasid_lock);
	listed = !list_empty(&e->node);
	list_del_init(&e->node);
	mutex_unlock(&svacc_pasid_lock);
	/* unregistering here would deadlock; svacc_pasid_exit() does it otherwise */
	if (listed)
		queue_work(svacc_workqueue, &e->free_work);
}

static const struct mmu_notifier_ops svacc_pasid_mm_ops = {
	.release = svacc_pasid_mm_release,
};

static unsigned int svacc_pasid_limit(struct svacc_device *sdev)
{
	unsigned int max = READ_ONCE(svacc_max_pasids_per_user);
	int n = pci_max_pasids(sdev->pdev);

	return max ?: max(1, n > 0 ? n / 4 : 1);
}

/*
 * Follow @ctx->mm, which is about to bind, unless it is followed already.
 * Returns 0, or -EDQUOT when its user holds its share of PASIDs.
 */
static int svacc_pasid_follow(struct svacc_ctx *ctx)
{
	bool admin = capable(CAP_SYS_ADMIN);
	unsigned int n = 0, limit = svacc_pasid_limit(ctx->sdev);
	struct svacc_pasid_mm *e, *new;
	int ret;

	new = kzalloc_obj(*new);
	if (!new)
		return -ENOMEM;
	mutex_lock(&svacc_pasid_lock);
	list_for_each_entry(e, &svacc_pasid_mms, node) {
		if (e->mm == ctx->mm) {
			mutex_unlock(&svacc_pasid_lock);
			kfree(new);
			return 0;
		}
		n += e->counted && uid_eq(e->uid, ctx->uid);
	}
	if (!admin && n >= limit) {
		mutex_unlock(&svacc_pasid_lock);
		kfree(new);
		return -EDQUOT;
	}
	/* listed (and counted) while it registers: no race past the limit */
	new->mm = ctx->mm;
	new->uid = ctx->uid;
	new->counted = !admin;
	new->mn.ops = &svacc_pasid_mm_ops;
	INIT_WORK(&new->free_work, svacc_pasid_mm_free);
	list_add_tail(&new->node, &svacc_pasid_mms);
	mutex_unlock(&svacc_pasid_lock);

	ret = mmu_notifier_register(&new->mn, ctx->mm);
	if (ret) {
		mutex_lock(&svacc_pasid_lock);
		list_del(&new->node);
		mutex_unlock(&svacc_pasid_lock);
		kfree(new);
	}
	return ret;
}

/**
 * svacc_pasid_exit() - stop following address spaces; at module exit
 *
 * Each entry is taken off the list under the lock before it is freed: a
 * ->release that runs meanwhile finds it unlisted and leaves it to us, or
 * took it first and queued its freeing (destroy_workqueue() runs that).
 */
void svacc_pasid_exit(void)
{
	struct svacc_pasid_mm *e;

	for (;;) {
		mutex_lock(&svacc_pasid_lock);
		e = list_first_entry_or_null(&svacc_pasid_mms,
					     struct svacc_pasid_mm, node);
		if (e)
			list_del_init(&e->node);
		mutex_unlock(&svacc_pasid_lock);
		if (!e)
			return;
		svacc_pasid_mm_free(&e->free_work);
	}
}

/*
 * What a failed bind says. These errors mean SVA cannot work on this
 * device at all: -EOPNOTSUPP from iommu_sva_bind_device() when the kernel
 * does not offer SVA on the platform, -ENODEV or -EINVAL from the IOMMU
 * driver when it cannot share page tables with the device. The others
 * belong to the process (-EBUSY: its page tables are not DMA compatible,
 * e.g. LAM; -EOVERFLOW: its PASID is too wide for the device; -ENOSPC,
 * -ENOMEM): that process gets the errno, the device keeps its mode
 * (SVACC_REASON_NONE).
 */
static enum drm_svacc_mode_reason svacc_sva_bind_error(int err)
{
	if (err == -EOPNOTSUPP || err == -ENODEV || err == -EINVAL)
		return SVACC_REASON_SVA_REFUSED;
	return SVACC_REASON_NONE;
}

static int svacc_sva_bind(struct svacc_ctx *ctx,
			  enum drm_svacc_mode_reason *reason)
{
	struct device *dev = svacc_dev(ctx->sdev);
	struct iommu_sva *handle;
	u32 pasid;
	int ret;

	ret = svacc_pasid_follow(ctx);
	if (ret)
		return ret;
	handle = iommu_sva_bind_device(dev, ctx->mm);
	if (IS_ERR(handle)) {
		*reason = svacc_sva_bind_error(PTR_ERR(handle));
		return PTR_ERR(handle);
	}

	pasid = iommu_sva_get_pasid(handle);
	if (pasid == IOMMU_PASID_INVALID || pasid > SVACC_DESC_PASID) {
		iommu_sva_unbind_device(handle);
		return -ENOSPC;
	}

	ctx->xlate_priv = handle;
	ctx->pasid = pasid;
	return 0;
}

/*
 * A PASID is stopped once every page request group the device sent with
 * it has been answered. Only then may it be unbound: the IOMMU core must
 * not be left holding a request for an address space it tears down (with
 * the fault work still queued, it would free the request under it). The
 * answers come from the IOMMU core; nothing else waits on this PASID, so
 * only this file's release waits, for as long as the OS takes (a fault on
 * a file whose filesystem never answers takes that long).
 */
static void svacc_sva_stop(struct svacc_ctx *ctx)
{
	struct svacc_device *sdev = ctx->sdev;
	unsigned long warn = jiffies + 10 * HZ;
	int idx;
	u32 n;

	for (;;) {
		mutex_lock(&sdev->prs_lock);
		idx = svacc_regs_lock();
		/* Held in reset by an FLR: it has dropped its page requests */
		n = 0;
		if (!svacc_regs_off(sdev)) {
			writel(ctx->pasid, sdev->regs + SVACC_PRS_PASID);
			n = readl(sdev->regs + SVACC_PRS_PENDING);
		}
		svacc_regs_unlock(idx);
		mutex_unlock(&sdev->prs_lock);
		if (!n || n == U32_MAX)
			return;
		if (time_after(jiffies, warn)) {
			dev_warn(svacc_dev(sdev), "pasid %u: %u page request group(s) not answered yet\n",
				 ctx->pasid, n);
			warn = jiffies + 60 * HZ;
		}
		usleep_range(500, 2000);
	}
}

static void svacc_sva_unbind(struct svacc_ctx *ctx)
{
	iommu_sva_unbind_device(ctx->xlate_priv);
	ctx->xlate_priv = NULL;
}

const struct svacc_xlate_ops svacc_sva_ops = {
	.name = "sva",
	.mode = SVACC_MODE_SVA,
	.genctrl_mode = SVACC_MODE_ATS,
	.bind = svacc_sva_bind,
	.stop = svacc_sva_stop,
	.unbind = svacc_sva_unbind,
};

#if IS_ENABLED(CONFIG_DRM_ACCEL_SVACC_KUNIT_TEST)
#include "tests/svacc_sva_test.c"
#endif
