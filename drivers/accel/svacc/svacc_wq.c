// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc dedicated WQs: claim, portal mapping, release.
 *
 * A claimed dedicated WQ serves exactly one address space: the kernel
 * programs the context's PASID into WQCFG1, so the device ignores the
 * PASID in descriptors written to its user portal, and user space may
 * map that portal page and submit without a system call.
 *
 * Portal pages are never inserted by mmap() itself: ->mmap runs before the
 * new VMA is linked into the file's address_space, where a concurrent
 * release could not find it to revoke it. The page is inserted by the
 * fault handler instead, under wq_mutex, and only for the claim the VMA
 * was created for; every mapped page can therefore be zapped, and a stale
 * mapping only ever faults (SIGBUS). Releasing a WQ revokes the mapping
 * first, then lets the queued work complete for a bounded time (closing
 * does not), then discards what is left and unprograms the PASID.
 */
#include <linux/bitfield.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/mm.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "svacc_drv.h"

/* How long WQ_RELEASE lets the released WQ's queued work run on */
#define SVACC_RELEASE_DRAIN_MS	10000

/* The portal is mapped as the device has it: the uapi must describe that */
static_assert(SVACC_PORTAL_MMAP_SIZE == SVACC_PORTAL_PAGE_SIZE);
static_assert(SVACC_PORTAL_STATUS_OFFSET == SVACC_PORTAL_STATUS);
static_assert(SVACC_PORTAL_STATUS_CODE == SVACC_SUBMIT_STATUS);
static_assert(SVACC_SUBMIT_COUNT ==
	      GENMASK(SVACC_PORTAL_STATUS_COUNT_SHIFT + 15, SVACC_PORTAL_STATUS_COUNT_SHIFT));
static_assert(SVACC_PORTAL_ACCEPTED == SVACC_SUBMIT_ACCEPTED);
static_assert(SVACC_PORTAL_RETRY == SVACC_SUBMIT_RETRY);
static_assert(SVACC_PORTAL_REJECTED == SVACC_SUBMIT_REJECTED);

static loff_t svacc_portal_offset(struct svacc_wq *wq)
{
	return (loff_t)(SVACC_PORTAL_PGOFF + wq->idx) << PAGE_SHIFT;
}

/* No new portal page (the fault handler checks the owner), none mapped */
static void svacc_wq_revoke(struct svacc_wq *wq)
{
	struct svacc_device *sdev = wq->sdev;

	lockdep_assert_held(&sdev->wq_mutex);
	WRITE_ONCE(wq->owner, NULL);
	unmap_mapping_range(sdev->drm.anon_inode->i_mapping,
			    svacc_portal_offset(wq), PAGE_SIZE, 1);
}

/* Revoke, discard what is queued, free the WQ. Caller holds wq_mutex. */
static int svacc_wq_unclaim(struct svacc_wq *wq)
{
	svacc_wq_revoke(wq);
	return svacc_wq_hw_disable(wq, true);
}

/*
 * Let a released WQ's queued work complete, for a while: its portal is
 * revoked, so nothing new arrives. Without wq_mutex (claims and portal
 * faults of others go on), interruptible. Returns 0 once the WQ is idle,
 * as it is while an FLR holds the device in reset.
 */
static int svacc_wq_drain(struct svacc_wq *wq)
{
	void __iomem *sts = wq->sdev->regs + SVACC_WQCFG(wq->idx) + SVACC_WQSTS;
	unsigned long end = jiffies + msecs_to_jiffies(SVACC_RELEASE_DRAIN_MS);
	int idx;
	u32 v;

	for (;;) {
		idx = svacc_regs_lock();
		v = svacc_regs_off(wq->sdev) ? 0 : readl(sts);
		svacc_regs_unlock(idx);
		if (!FIELD_GET(SVACC_WQSTS_OCCUPANCY, v) || v == U32_MAX ||
		    !(v & SVACC_WQSTS_ENABLED))
			return 0;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		if (msleep_interruptible(20))
			return -EINTR;
	}
}

/**
 * svacc_ctx_release_wqs() - release every WQ a context claimed
 * @ctx: context being torn down; the device still present
 */
void svacc_ctx_release_wqs(struct svacc_ctx *ctx)
{
	struct svacc_device *sdev = ctx->sdev;
	unsigned int i;

	mutex_lock(&sdev->wq_mutex);
	for (i = 0; i < sdev->num_wqs; i++)
		if (sdev->wqs[i].owner == ctx)
			svacc_wq_unclaim(&sdev->wqs[i]);
	mutex_unlock(&sdev->wq_mutex);
}

static bool svacc_wq_claimable(struct svacc_wq *wq)
{
	return wq->dedicated && wq->enabled && !wq->owner && !wq->releasing;
}

/*
 * A user other than an administrator may hold at most
 * svacc_max_wqs_per_user dedicated WQs of a device (0: half of them,
 * rounded up), so that no user can take them all. A WQ its owner
 * released counts until its drain is over (up to
 * SVACC_RELEASE_DRAIN_MS): a user cannot take one WQ after another by
 * releasing each behind work that takes long. Caller holds wq_mutex.
 */
static bool svacc_wq_user_may_claim(struct svacc_ctx *ctx)
{
	struct svacc_device *sdev = ctx->sdev;
	unsigned int i, dedicated = 0, held = 0, max;

	lockdep_assert_held(&sdev->wq_mutex);
	if (capable(CAP_SYS_ADMIN))
		return true;
	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq *wq = &sdev->wqs[i];

		dedicated += wq->dedicated;
		held += (wq->owner && uid_eq(wq->owner->uid, ctx->uid)) ||
			(wq->releasing && uid_eq(wq->releaser, ctx->uid));
	}
	max = READ_ONCE(svacc_max_wqs_per_user) ?: DIV_ROUND_UP(dedicated, 2);
	return held < max;
}

/**
 * svacc_ioctl_wq_claim() - DRM_IOCTL_SVACC_WQ_CLAIM
 * @drm: device
 * @data: &struct drm_svacc_wq_claim
 * @file: caller
 *
 * Return: 0, -EBUSY when no (or not this) dedicated WQ is free, -EDQUOT
 * when the caller's user holds its share of the dedicated WQs, -EINVAL
 * for an index that is not a dedicated WQ, -EAGAIN while the device is
 * being reset and restarted.
 */
int svacc_ioctl_wq_claim(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct svacc_device *sdev = to_svacc(drm);
	struct drm_svacc_wq_claim *args = data;
	struct svacc_wq *wq = NULL;
	struct svacc_ctx *ctx;
	unsigned int i;
	int idx, ret;

	ctx = svacc_ctx_get(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (args->wq != SVACC_WQ_ANY &&
	    (args->wq >= sdev->num_wqs || !sdev->wqs[args->wq].dedicated))
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	mutex_lock(&sdev->wq_mutex);
	if (args->wq == SVACC_WQ_ANY) {
		for (i = 0; i < sdev->num_wqs && !wq; i++)
			if (svacc_wq_claimable(&sdev->wqs[i]))
				wq = &sdev->wqs[i];
	} else if (svacc_wq_claimable(&sdev->wqs[args->wq])) {
		wq = &sdev->wqs[args->wq];
	}
	if (!wq) {
		ret = -EBUSY;
		goto out;
	}
	if (!svacc_wq_user_may_claim(ctx)) {
		ret = -EDQUOT;
		goto out;
	}
	/*
	 * Stopped, or a PCI error recovery has the function: the restart has
	 * not run yet (it enables what is owned)
	 */
	if (READ_ONCE(sdev->stopped) || READ_ONCE(sdev->in_flr)) {
		ret = READ_ONCE(sdev->failed) ? -EIO : -EAGAIN;
		goto out;
	}

	ret = svacc_wq_hw_enable(wq, ctx->pasid);
	if (ret) {
		/* the device was stopped under us */
		if (READ_ONCE(sdev->stopped))
			ret = svacc_stopped_errno(sdev);
		goto out;
	}
	WRITE_ONCE(wq->owner, ctx);
	wq->claim_gen++;

	args->wq = wq->idx;
	args->size = wq->size;
	args->mmap_offset = svacc_portal_offset(wq);
	drm_dbg_driver(drm, "wq%u claimed by pasid %u\n", wq->idx, ctx->pasid);
out:
	mutex_unlock(&sdev->wq_mutex);
	drm_dev_exit(idx);
	return ret;
}

/**
 * svacc_ioctl_wq_release() - DRM_IOCTL_SVACC_WQ_RELEASE
 * @drm: device
 * @data: &struct drm_svacc_wq_release
 * @file: caller
 *
 * Revokes the portal mapping, lets the queued work complete for up to
 * SVACC_RELEASE_DRAIN_MS (or until a signal), discards what is left and
 * frees the WQ. Should the device not confirm the discard, it is reset
 * (every context's running work is lost, the reset epoch moves on) and the
 * WQ is free all the same: nothing queued under this claim ever runs under
 * the next one, and a descriptor blocked on a fault that never resolves
 * does not hold the release.
 *
 * Return: 0 when the queued work completed; -ETIMEDOUT or -EINTR when what
 * was left was discarded; -EINVAL when the caller does not own the WQ; or
 * the error of the device's commands. The WQ is released in every case but
 * -EINVAL.
 */
int svacc_ioctl_wq_release(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct svacc_device *sdev = to_svacc(drm);
	struct drm_svacc_wq_release *args = data;
	struct svacc_ctx *ctx;
	struct svacc_wq *wq;
	int idx, ret, drained;

	ctx = svacc_ctx_get(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (args->pad || args->wq >= sdev->num_wqs)
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	wq = &sdev->wqs[args->wq];
	mutex_lock(&sdev->wq_mutex);
	if (wq->owner != ctx) {
		mutex_unlock(&sdev->wq_mutex);
		drm_dev_exit(idx);
		return -EINVAL;
	}
	svacc_wq_revoke(wq);
	wq->releasing = true;
	wq->releaser = ctx->uid;
	mutex_unlock(&sdev->wq_mutex);

	drained = svacc_wq_drain(wq);

	mutex_lock(&sdev->wq_mutex);
	ret = svacc_wq_hw_disable(wq, true);
	wq->releasing = false;
	mutex_unlock(&sdev->wq_mutex);
	drm_dev_exit(idx);
	return drained ?: ret;
}

/*
 * Insert the portal page of the claim the VMA was made for, if that claim
 * still stands; anything else (released, reclaimed by anyone, device
 * removed or failed) gets SIGBUS. While an FLR or PCI error recovery has
 * the function, its BARs may not decode: wait for the end of it.
 */
static vm_fault_t svacc_portal_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct drm_file *file = vma->vm_file->private_data;
	struct svacc_device *sdev = to_svacc(file->minor->dev);
	struct svacc_wq *wq = &sdev->wqs[vma->vm_pgoff - SVACC_PORTAL_PGOFF];
	vm_fault_t ret = VM_FAULT_SIGBUS;
	unsigned long pfn;
	int idx;

	/*
	 * Killed meanwhile: fail the access (a uaccess then returns -EFAULT
	 * rather than retrying it until the reset is over); the task exits.
	 */
	if (wait_event_killable(sdev->compl_wait, !READ_ONCE(sdev->in_flr) ||
				READ_ONCE(sdev->failed) ||
				drm_dev_is_unplugged(&sdev->drm)))
		return VM_FAULT_SIGBUS;
	if (!drm_dev_enter(&sdev->drm, &idx))
		return VM_FAULT_SIGBUS;
	mutex_lock(&sdev->wq_mutex);
	if (READ_ONCE(sdev->failed)) {
		ret = VM_FAULT_SIGBUS;
	} else if (READ_ONCE(sdev->in_flr)) {
		/* A reset began after the wait: fault again, and wait for it */
		ret = VM_FAULT_NOPAGE;
	} else if (wq->owner && wq->owner == file->driver_priv &&
		   wq->claim_gen == (uintptr_t)vma->vm_private_data) {
		pfn = PHYS_PFN(sdev->portal_phys + wq->idx * SVACC_PORTAL_STRIDE +
			       SVACC_PORTAL_USER);
		ret = vmf_insert_pfn(vma, vmf->address, pfn);
	}
	mutex_unlock(&sdev->wq_mutex);
	drm_dev_exit(idx);
	return ret;
}

/**
 * svacc_wq_unmap_portals() - take every portal page out of every mapping
 * @sdev: device
 *
 * Claims stand: the next access faults, and svacc_portal_fault() decides.
 * Caller holds &svacc_device.wq_mutex, which that handler takes to map a
 * page, and has set what makes it refuse to.
 */
void svacc_wq_unmap_portals(struct svacc_device *sdev)
{
	lockdep_assert_held(&sdev->wq_mutex);
	unmap_mapping_range(sdev->drm.anon_inode->i_mapping,
			    svacc_portal_offset(&sdev->wqs[0]),
			    (loff_t)sdev->num_wqs << PAGE_SHIFT, 1);
}

static const struct vm_operations_struct svacc_portal_vm_ops = {
	.fault = svacc_portal_fault,
};

/**
 * svacc_mmap() - map the user portal of a claimed dedicated WQ
 * @filp: the device file
 * @vma: one page, shared, not executable, at a claim's mmap_offset
 *
 * The page itself is inserted at the first access (svacc_portal_fault()).
 *
 * Return: 0 or a negative errno.
 */
int svacc_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct drm_file *file = filp->private_data;
	struct drm_device *drm = file->minor->dev;
	struct svacc_device *sdev = to_svacc(drm);
	struct svacc_ctx *ctx;
	struct svacc_wq *wq;
	int idx, ret = 0;

	ctx = svacc_ctx_get(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	/* A larger page would expose the privileged portal next to it. */
	if (PAGE_SIZE != SVACC_PORTAL_PAGE_SIZE)
		return -EOPNOTSUPP;
	if (vma->vm_end - vma->vm_start != PAGE_SIZE ||
	    vma->vm_pgoff < SVACC_PORTAL_PGOFF ||
	    vma->vm_pgoff - SVACC_PORTAL_PGOFF >= sdev->num_wqs)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED) || (vma->vm_flags & VM_EXEC))
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	wq = &sdev->wqs[vma->vm_pgoff - SVACC_PORTAL_PGOFF];
	mutex_lock(&sdev->wq_mutex);
	if (wq->owner != ctx) {
		ret = -EACCES;
		goto out;
	}
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND |
		     VM_DONTDUMP);
	vm_flags_clear(vma, VM_MAYEXEC);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_ops = &svacc_portal_vm_ops;
	vma->vm_private_data = (void *)(uintptr_t)wq->claim_gen;
out:
	mutex_unlock(&sdev->wq_mutex);
	drm_dev_exit(idx);
	if (!ret && READ_ONCE(sdev->test_mmap_delay_ms))
		msleep(READ_ONCE(sdev->test_mmap_delay_ms));
	return ret;
}
