// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc contexts: one per open file, bound to the opener's address space.
 *
 * Life of a context:
 *  open      bind the opener's mm through the translation mode -> PASID
 *  ioctls    only from the same mm (-EPERM otherwise: fork children and
 *            receivers of the fd over SCM_RIGHTS must not use it)
 *  mm exit   ABORT_PASID from the mm's release notifier, before the
 *            IOMMU tears the PASID entry down: the device stops working on
 *            an address space that is going away, the file may stay open
 *  close     ABORT_PASID (no further device access with the PASID), then
 *            disable and unprogram the context's dedicated WQs, then wait
 *            until the device has no page request of the PASID in flight
 *            (the PASID is stopped), then unbind; those two wait for the
 *            OS's fault handling, for as long as it takes, and hold up
 *            no other file. In SVA mode the PASID belongs to
 *            the address space, shared by every file its process opened:
 *            while another file of the same address space is open only
 *            the closing file's dedicated WQs are aborted, and its work
 *            on the shared WQs runs to completion. A command the device
 *            does not complete gets it reset (svacc_reset.c): the PASID
 *            or context id is never released with work behind it.
 *  remove    the same teardown for every context still open; the files
 *            stay valid and get -ENODEV
 *
 * The bind goes through the device's translation mode (svacc_mode.c).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "svacc_drv.h"
#include "svacc_xlate.h"

/*
 * Stop every device access with the context's PASID (once). When this
 * returns the PASID is quiet: ABORT_PASID completed, or the device was
 * reset because it did not.
 */
static void svacc_ctx_abort(struct svacc_ctx *ctx)
{
	struct svacc_device *sdev = ctx->sdev;
	int ret;

	if (ctx->aborted)
		return;
	ret = svacc_cmd_quiesce(sdev, SVACC_CMD_ABORT_PASID, ctx->pasid);
	if (ret && ret != -ENODEV)
		dev_warn(svacc_dev(sdev), "pasid %u: abort failed (%d), the device was stopped\n",
			 ctx->pasid, ret);
	ctx->aborted = true;
}

/* Does another open file use @ctx's PASID (SVA: the same address space)? */
static bool svacc_pasid_shared(struct svacc_ctx *ctx)
{
	struct svacc_ctx *other;

	lockdep_assert_held(&ctx->sdev->ctx_lock);
	list_for_each_entry(other, &ctx->sdev->ctxs, node)
		if (other != ctx && other->live && other->pasid == ctx->pasid)
			return true;
	return false;
}

/*
 * A user other than an administrator may have at most
 * svacc_max_contexts_per_user contexts open on a device (each holds a
 * context id in HMM mode, of which there are few). Caller holds ctx_lock.
 */
static bool svacc_user_may_open(struct svacc_ctx *ctx)
{
	struct svacc_ctx *other;
	unsigned int n = 0;

	lockdep_assert_held(&ctx->sdev->ctx_lock);
	if (capable(CAP_SYS_ADMIN))
		return true;
	list_for_each_entry(other, &ctx->sdev->ctxs, node)
		n += uid_eq(other->uid, ctx->uid);
	return n < READ_ONCE(svacc_max_contexts_per_user);
}

/*
 * The opener's address space is going away (exit, exec) while the file may
 * still be open. Our notifier was registered after the IOMMU's, so it runs
 * first: quiesce the PASID before its entry is torn down, rather than let
 * the device fault on a vanished PASID until the file is released.
 * Runs at most once, and never after svacc_ctx_shutdown() unregistered it.
 */
static void svacc_ctx_mm_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	svacc_ctx_abort(container_of(mn, struct svacc_ctx, mn));
}

static const struct mmu_notifier_ops svacc_ctx_mm_ops = {
	.release = svacc_ctx_mm_release,
};

/**
 * svacc_ctx_open() - &drm_driver.open: bind the opener's address space
 * @drm: device
 * @file: new DRM file
 *
 * Return: 0 or a negative errno for open().
 */
int svacc_ctx_open(struct drm_device *drm, struct drm_file *file)
{
	struct svacc_device *sdev = to_svacc(drm);
	struct svacc_ctx *ctx;
	int idx, ret;

	if (!current->mm || (current->flags & PF_KTHREAD))
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	ctx = kzalloc_obj(*ctx);
	if (!ctx) {
		ret = -ENOMEM;
		goto out;
	}
	ctx->sdev = sdev;
	ctx->file = file;
	ctx->mm = current->mm;
	ctx->uid = current_uid();
	mmgrab(ctx->mm);
	atomic64_set(&ctx->descs, 0);
	atomic64_set(&ctx->bytes, 0);

	/* Counted against the user's limit while it binds: no race past it */
	mutex_lock(&sdev->ctx_lock);
	if (!svacc_user_may_open(ctx)) {
		mutex_unlock(&sdev->ctx_lock);
		ret = -EDQUOT;
		goto err_free;
	}
	list_add_tail(&ctx->node, &sdev->ctxs);
	mutex_unlock(&sdev->ctx_lock);

	ret = svacc_mode_bind(ctx);
	if (ret)
		goto err_unlist;
	ctx->mn.ops = &svacc_ctx_mm_ops;
	ret = mmu_notifier_register(&ctx->mn, ctx->mm);
	if (ret) {
		/* Nothing was submitted with the new PASID yet. */
		sdev->xlate->unbind(ctx);
		goto err_unlist;
	}
	ctx->seen_seq = atomic64_read(&sdev->compl_seq);

	mutex_lock(&sdev->ctx_lock);
	ctx->live = true;
	mutex_unlock(&sdev->ctx_lock);
	file->driver_priv = ctx;

	drm_dbg_driver(drm, "pid %d bound, pasid %u\n", task_tgid_nr(current), ctx->pasid);
	drm_dev_exit(idx);
	return 0;

err_unlist:
	mutex_lock(&sdev->ctx_lock);
	list_del(&ctx->node);
	mutex_unlock(&sdev->ctx_lock);
err_free:
	mmdrop(ctx->mm);
	kfree(ctx);
out:
	drm_dev_exit(idx);
	return ret;
}

/*
 * Tear down the hardware side of a context, up to its unbind. Called with
 * ctx_lock held, either at close or from remove before the device's
 * resources go away (remove waits for ctx_lock and for closes in
 * svacc_ctx_unbind(), so a live context always finds the hardware).
 * Returns whether svacc_ctx_unbind() is left to do.
 */
static bool svacc_ctx_shutdown(struct svacc_ctx *ctx)
{
	struct svacc_device *sdev = ctx->sdev;
	bool last;

	lockdep_assert_held(&sdev->ctx_lock);
	if (!ctx->live)
		return false;

	/*
	 * The PASID must be quiet before it is unbound (and possibly handed
	 * to another process): discard what is queued, wait out what runs
	 * and the page requests in flight. Unregistering runs the release
	 * notifier (the abort) unless the mm exit did already, and waits for
	 * one in progress. A PASID another open file of the same address
	 * space still uses is not aborted: releasing this file's WQs discards
	 * what it queued there, and its shared-WQ work completes.
	 */
	last = !svacc_pasid_shared(ctx);
	if (!last)
		ctx->aborted = true;	/* the PASID's other files go on */
	mmu_notifier_unregister(&ctx->mn, ctx->mm);
	svacc_ctx_abort(ctx);

	svacc_ctx_release_wqs(ctx);
	ctx->stop = last;
	ctx->live = false;
	return true;
}

/*
 * The rest of the teardown: wait until the PASID is stopped (the last
 * file of its address space) and unbind. In SVA mode both wait for the
 * OS: for the answers to the PASID's page requests, and for the IOMMU
 * core's handling of its faults, which takes as long as the faults do (a
 * file whose filesystem never answers: for ever). A closing file does
 * this without ctx_lock, so that no other file's open() or close() waits
 * for it; it stays on the list meanwhile (it counts against its user's
 * limit) and remove waits for it.
 */
static void svacc_ctx_unbind(struct svacc_ctx *ctx)
{
	struct svacc_device *sdev = ctx->sdev;

	if (ctx->stop && sdev->xlate->stop)
		sdev->xlate->stop(ctx);
	sdev->xlate->unbind(ctx);
}

/**
 * svacc_ctx_postclose() - &drm_driver.postclose: release a context
 * @drm: device
 * @file: DRM file being released
 */
void svacc_ctx_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct svacc_device *sdev = to_svacc(drm);
	struct svacc_ctx *ctx = file->driver_priv;
	bool unbind;

	if (!ctx)
		return;

	mutex_lock(&sdev->ctx_lock);
	unbind = svacc_ctx_shutdown(ctx);
	sdev->closing += unbind;
	mutex_unlock(&sdev->ctx_lock);

	if (unbind)
		svacc_ctx_unbind(ctx);

	mutex_lock(&sdev->ctx_lock);
	sdev->closing -= unbind;
	list_del(&ctx->node);
	mutex_unlock(&sdev->ctx_lock);
	if (unbind)
		wake_up_all(&sdev->close_wait);

	file->driver_priv = NULL;
	mmdrop(ctx->mm);
	kfree(ctx);
}

/**
 * svacc_ctx_shutdown_all() - device removal: tear down every open context
 * @sdev: device, already unplugged (no new context can appear)
 */
void svacc_ctx_shutdown_all(struct svacc_device *sdev)
{
	struct svacc_ctx *ctx;

	mutex_lock(&sdev->ctx_lock);
	list_for_each_entry(ctx, &sdev->ctxs, node)
		if (svacc_ctx_shutdown(ctx))
			svacc_ctx_unbind(ctx);
	/* and the closes that are unbinding */
	wait_event_cmd(sdev->close_wait, !sdev->closing,
		       mutex_unlock(&sdev->ctx_lock), mutex_lock(&sdev->ctx_lock));
	mutex_unlock(&sdev->ctx_lock);
}

/**
 * svacc_ctx_get() - the context of a file, if the caller may use it
 * @file: DRM file
 *
 * Return: the context, or ERR_PTR(-EPERM) when called from another address
 * space than the opener's.
 */
struct svacc_ctx *svacc_ctx_get(struct drm_file *file)
{
	struct svacc_ctx *ctx = file->driver_priv;

	if (!ctx || ctx->mm != current->mm)
		return ERR_PTR(-EPERM);
	return ctx;
}

/**
 * svacc_show_fdinfo() - &drm_driver.show_fdinfo: per-client usage
 * @p: printer
 * @file: DRM file
 *
 * Only what the kernel measures: descriptors and bytes that went through
 * the submit ioctl (portal stores bypass the kernel), and the PASID. No
 * drm-engine time: the device does not report one per client.
 */
void svacc_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct svacc_ctx *ctx = file->driver_priv;
	u64 descs, bytes;

	if (!ctx)
		return;
	descs = atomic64_read(&ctx->descs);
	bytes = atomic64_read(&ctx->bytes);

	drm_printf(p, "svacc-ioctl-descriptors:\t%llu\n", descs);
	drm_printf(p, "svacc-ioctl-bytes:\t%llu\n", bytes);
	drm_printf(p, "svacc-pasid:\t%u\n", ctx->pasid);
}
