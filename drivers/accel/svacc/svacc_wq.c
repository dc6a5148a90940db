// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc dedicated WQs: claim, portal mapping, release.
 *
 * A claimed dedicated WQ serves exactly one address space: the kernel
 * programs the context's PASID into WQCFG1, so the device ignores the
 * PASID in descriptors written to its user portal, and user space may
 * map that portal page and submit without a system call. Releasing a WQ
 * revokes the mapping first (later accesses get SIGBUS), then lets the
 * queued work complete, then unprograms the PASID.
 */
#include <linux/io.h>
#include <linux/mm.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "svacc_drv.h"

static loff_t svacc_portal_offset(struct svacc_wq *wq)
{
	return (loff_t)(SVACC_PORTAL_PGOFF + wq->idx) << PAGE_SHIFT;
}

/* Caller holds wq_mutex. */
static int svacc_wq_unclaim(struct svacc_wq *wq)
{
	struct svacc_device *sdev = wq->sdev;

	lockdep_assert_held(&sdev->wq_mutex);
	/* No new mapping (mmap checks the owner), then revoke existing ones. */
	wq->owner = NULL;
	unmap_mapping_range(sdev->drm.anon_inode->i_mapping,
			    svacc_portal_offset(wq), PAGE_SIZE, 1);
	return svacc_wq_hw_disable(wq);
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
	return wq->dedicated && wq->enabled && !wq->owner;
}

/**
 * svacc_ioctl_wq_claim() - DRM_IOCTL_SVACC_WQ_CLAIM
 * @drm: device
 * @data: &struct drm_svacc_wq_claim
 * @file: caller
 *
 * Return: 0, -EBUSY when no (or not this) dedicated WQ is free, -EINVAL
 * for an index that is not a dedicated WQ.
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

	ret = svacc_wq_hw_enable(wq, ctx->pasid);
	if (ret)
		goto out;
	wq->owner = ctx;

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
 * Return: 0, -EINVAL when the caller does not own the WQ, or the error of
 * the device's DISABLE_WQ command (the WQ is released regardless).
 */
int svacc_ioctl_wq_release(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct svacc_device *sdev = to_svacc(drm);
	struct drm_svacc_wq_release *args = data;
	struct svacc_ctx *ctx;
	int idx, ret;

	ctx = svacc_ctx_get(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (args->pad || args->wq >= sdev->num_wqs)
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	mutex_lock(&sdev->wq_mutex);
	if (sdev->wqs[args->wq].owner == ctx)
		ret = svacc_wq_unclaim(&sdev->wqs[args->wq]);
	else
		ret = -EINVAL;
	mutex_unlock(&sdev->wq_mutex);
	drm_dev_exit(idx);
	return ret;
}

/* A revoked portal stays revoked: never fill the mapping again. */
static vm_fault_t svacc_portal_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct svacc_portal_vm_ops = {
	.fault = svacc_portal_fault,
};

/**
 * svacc_mmap() - map the user portal of a claimed dedicated WQ
 * @filp: the device file
 * @vma: one page, shared, not executable, at a claim's mmap_offset
 *
 * Return: 0 or a negative errno.
 */
int svacc_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct drm_file *file = filp->private_data;
	struct drm_device *drm = file->minor->dev;
	struct svacc_device *sdev = to_svacc(drm);
	struct svacc_ctx *ctx;
	unsigned long pfn;
	struct svacc_wq *wq;
	int idx, ret;

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
	pfn = PHYS_PFN(sdev->portal_phys + wq->idx * SVACC_PORTAL_STRIDE +
		       SVACC_PORTAL_USER);
	ret = io_remap_pfn_range(vma, vma->vm_start, pfn, PAGE_SIZE,
				 vma->vm_page_prot);
out:
	mutex_unlock(&sdev->wq_mutex);
	drm_dev_exit(idx);
	return ret;
}
