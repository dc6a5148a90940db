// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc ENQCMD-style submission, to shared WQs and to the caller's own
 * dedicated WQs.
 *
 * User space cannot write a shared WQ's portal: the kernel copies the
 * descriptors in, validates every one of them, stamps the context's PASID
 * and writes them to the WQ's privileged portal, reading SUBMIT_STATUS
 * after each commit to get ENQCMD's accepted/retry answer. A dedicated WQ
 * takes the same path from its owner (its portal mapping is the other).
 */
#include <linux/bitfield.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "svacc_drv.h"
#include "svacc_trace.h"

static_assert(sizeof(struct drm_svacc_desc) == SVACC_DESC_SIZE);
static_assert(sizeof(struct drm_svacc_completion) == SVACC_COMPL_ALIGN);

/**
 * svacc_user_range_ok() - may a descriptor name [addr, addr + len)?
 * @sdev: device
 * @addr: start
 * @len: bytes
 *
 * The range must be user space of the caller and below the device's
 * virtual address width: with 5-level paging a process can map far above
 * the 2^47 the device translates.
 *
 * Return: whether the whole range is inside both.
 */
bool svacc_user_range_ok(struct svacc_device *sdev, u64 addr, u64 len)
{
	u64 limit = min_t(u64, TASK_SIZE, BIT_ULL(sdev->va_bits));

	return addr <= limit && len <= limit - addr;
}

/**
 * svacc_desc_validate() - check one user descriptor
 * @sdev: device (capabilities and limits)
 * @d: descriptor as copied in
 * @bytes: out: data bytes the descriptor names, for accounting
 *
 * Return: 0, or -EINVAL for anything the device would reject or that
 * names memory outside the caller's user address space.
 */
static int svacc_desc_validate(struct svacc_device *sdev,
			       const struct drm_svacc_desc *d, u64 *bytes)
{
	u64 max = 1ULL << sdev->max_transfer_shift;
	u64 size = d->size;

	*bytes = 0;
	/* The kernel supplies PASID and privilege; user space never does. */
	if (d->pasid_priv || d->rsvd0 || d->rsvd1 || d->rsvd2[0] || d->rsvd2[1])
		return -EINVAL;
	if (d->flags & ~SVACC_DESC_F_ALL)
		return -EINVAL;
	if (d->opcode > SVACC_OP_BATCH || !(sdev->cap_ops & BIT(d->opcode)))
		return -EINVAL;
	if ((d->flags & SVACC_DESC_F_CRAV) &&
	    (!IS_ALIGNED(d->completion_addr, SVACC_COMPL_ALIGN) ||
	     !svacc_user_range_ok(sdev, d->completion_addr, SVACC_COMPL_ALIGN)))
		return -EINVAL;

	switch (d->opcode) {
	case SVACC_OP_NOP:
	case SVACC_OP_DRAIN:
		return 0;
	case SVACC_OP_MEMMOVE:
	case SVACC_OP_COMPARE:
		if (size > max || !svacc_user_range_ok(sdev, d->src, size) ||
		    !svacc_user_range_ok(sdev, d->dst, size))
			return -EINVAL;
		break;
	case SVACC_OP_MEMFILL:
		if (size > max || !svacc_user_range_ok(sdev, d->dst, size))
			return -EINVAL;
		break;
	case SVACC_OP_COMPARE_PATTERN:
	case SVACC_OP_CRC32C:
		if (size > max || !svacc_user_range_ok(sdev, d->src, size))
			return -EINVAL;
		break;
	case SVACC_OP_BATCH:
		/* Elements are read and checked by the device in our PASID. */
		if (!size || size > sdev->max_batch ||
		    !IS_ALIGNED(d->src, SVACC_BATCH_ALIGN) ||
		    !svacc_user_range_ok(sdev, d->src, size * SVACC_DESC_SIZE))
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
	*bytes = size;
	return 0;
}

/* Eight aligned 8-byte stores, quadword 7 (the commit) last. */
static void svacc_portal_write(void __iomem *portal,
			       const struct drm_svacc_desc *d, u32 pasid)
{
	u64 q[SVACC_DESC_QWORDS] = {
		FIELD_PREP(SVACC_DESC_PASID, pasid) | (u64)d->opcode << 32 |
			(u64)d->flags << 48,
		d->completion_addr,
		d->src,
		d->dst,
		d->size,
		d->op0,
		0,
		0,
	};
	unsigned int i;

	for (i = 0; i < SVACC_DESC_QWORDS; i++)
		writeq(q[i], portal + SVACC_PORTAL_QWORD(i));
}

/*
 * Was the device reset since @epoch was read? svacc_hw_stop() writes
 * RESET and moves the epoch under reset_lock: a caller that has seen the
 * reset's effect in the device (a commit count started again) sees the
 * new epoch once it has taken the lock.
 */
static bool svacc_reset_since(struct svacc_device *sdev, int epoch)
{
	unsigned long flags;
	bool reset;

	spin_lock_irqsave(&sdev->reset_lock, flags);
	reset = atomic_read(&sdev->reset_epoch) != epoch;
	spin_unlock_irqrestore(&sdev->reset_lock, flags);
	return reset;
}

/*
 * Submit up to @count descriptors to a shared WQ, or to a dedicated WQ
 * @ctx owns, in order; stop at the first one not accepted. Returns the
 * number accepted, -EINVAL for a dedicated WQ @ctx does not own, -EAGAIN
 * when the WQ was full for the first one, -ECANCELED when the device
 * halted or was stopped for a reset under it (nothing of this call is
 * queued anywhere), -EIO when it was rejected or disabled, and with @try,
 * -EBUSY when another CPU is writing the WQ's portal.
 */
static int svacc_wq_submit(struct svacc_wq *wq, struct svacc_ctx *ctx,
			   const struct drm_svacc_desc *descs, unsigned int count,
			   bool try)
{
	struct svacc_device *sdev = wq->sdev;
	unsigned int n = 0;
	u32 sts, status = SVACC_SUBMIT_ACCEPTED;
	int epoch, ret = 0;
	bool reset = false;
	u16 commits;

	if (!try)
		spin_lock(&wq->portal_lock);
	else if (!spin_trylock(&wq->portal_lock))
		return -EBUSY;
	/*
	 * A dedicated WQ runs what it gets under its owner's PASID, whatever
	 * is stamped: only the owner may submit here. Checked under the
	 * portal lock, which a WQ's change of mode and every enable and
	 * disable take: the owner seen here has the WQ programmed with its
	 * PASID until this commit is done (a release clears the owner before
	 * it disables, a claim sets it after it enables).
	 */
	if (wq->dedicated && READ_ONCE(wq->owner) != ctx) {
		ret = -EINVAL;
		goto out;
	}
	if (!wq->hw_enabled) {
		/* a reset is under way: the WQ comes back */
		ret = svacc_stopped_errno(sdev);
		goto out;
	}
	/* Only this lock's holders commit here: the count is known. */
	commits = wq->pcommits;
	epoch = atomic_read(&sdev->reset_epoch);
	for (n = 0; n < count; n++) {
		svacc_portal_write(wq->pportal, &descs[n], ctx->pasid);
		sts = readl(wq->pportal + SVACC_PORTAL_STATUS);
		commits++;
		wq->pcommits = FIELD_GET(SVACC_SUBMIT_COUNT, sts);
		status = FIELD_GET(SVACC_SUBMIT_STATUS, sts);
		if ((wq->pcommits != commits || status != SVACC_SUBMIT_ACCEPTED) &&
		    (READ_ONCE(sdev->stopped) || svacc_reset_since(sdev, epoch))) {
			/*
			 * A reset (halt, timeout, FLR) under this commit, or
			 * one under way since before it (svacc_hw_stop() sets
			 * stopped before it resets the device): dropped with
			 * the rest; submit again once the device is back
			 * (uapi.rst, "Device resets").
			 */
			reset = true;
		} else if (wq->pcommits != commits) {
			/* Not our commit's status: nobody else may use this portal. */
			dev_warn_ratelimited(svacc_dev(sdev), "wq%u: portal commit count %u, expected %u\n",
					     wq->idx, wq->pcommits, commits);
			status = SVACC_SUBMIT_REJECTED;
		} else if (status == SVACC_SUBMIT_REJECTED &&
			   (readl(sdev->regs + SVACC_GENSTS) & SVACC_GENSTS_HALTED)) {
			/* halted: the misc interrupt's reset is on its way */
			reset = true;
		}
		if (reset)
			status = SVACC_SUBMIT_RETRY;
		trace_svacc_submit(sdev, wq->idx, ctx->pasid, descs[n].opcode,
				   descs[n].flags, descs[n].size, status);
		if (status != SVACC_SUBMIT_ACCEPTED)
			break;
	}
out:
	spin_unlock(&wq->portal_lock);
	if (ret)
		return ret;
	if (n)
		return n;
	if (reset)
		return -ECANCELED;
	return status == SVACC_SUBMIT_RETRY ? -EAGAIN : -EIO;
}

/* A hint only: svacc_wq_submit() checks again under the portal lock. */
static bool svacc_wq_is_shared(struct svacc_wq *wq)
{
	return !READ_ONCE(wq->dedicated) && READ_ONCE(wq->hw_enabled);
}

/*
 * SVACC_WQ_ANY: try the enabled shared WQs in turn, starting after the
 * one this context used last, until one accepts something. The first
 * pass only tries WQs whose completion vector is steered to this CPU, the
 * second any WQ; both skip portals another CPU is writing, so that
 * submitters on different CPUs use different WQs (and the device runs
 * their work in parallel) instead of queueing on one portal lock. Only if
 * a portal was busy does the third pass wait for its lock.
 */
static int svacc_submit_any(struct svacc_ctx *ctx, const struct drm_svacc_desc *descs,
			    unsigned int count)
{
	struct svacc_device *sdev = ctx->sdev;
	unsigned int i, pass, start = ctx->next_wq;
	int cpu = raw_smp_processor_id();
	bool busy = false;
	int ret = svacc_stopped_errno(sdev);

	for (pass = 0; pass < 3; pass++) {
		if (pass == 2 && !busy)
			break;
		for (i = 0; i < sdev->num_wqs; i++) {
			unsigned int w = (start + i) % sdev->num_wqs;
			struct svacc_wq *wq = &sdev->wqs[w];
			int r;

			if (!svacc_wq_is_shared(wq) || (pass == 0 && wq->irq_cpu != cpu))
				continue;
			r = svacc_wq_submit(wq, ctx, descs, count, pass < 2);
			if (r > 0) {
				ctx->next_wq = w + 1;
				return r;
			}
			/*
			 * The device is being reset: not on another WQ either.
			 * Once it is back, a commit there would run these
			 * descriptors after the reset although the caller read
			 * the epoch before it.
			 */
			if (r == -ECANCELED)
				return r;
			/* -EBUSY is not an answer: the last pass waits */
			if (r == -EBUSY)
				busy = true;
			else if (r != -EINVAL)	/* turned dedicated meanwhile */
				ret = r;
		}
	}
	return ret;
}

/**
 * svacc_ioctl_submit() - DRM_IOCTL_SVACC_SUBMIT
 * @drm: device
 * @data: &struct drm_svacc_submit
 * @file: caller
 *
 * Return: 0 with @accepted >= 1; -EINVAL before anything was submitted if
 * any descriptor is invalid; -EAGAIN when the WQ accepted none.
 */
int svacc_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct svacc_device *sdev = to_svacc(drm);
	struct drm_svacc_submit *args = data;
	struct drm_svacc_desc *descs;
	u64 bytes[SVACC_SUBMIT_MAX], total = 0;
	struct svacc_ctx *ctx;
	unsigned int i;
	int idx, ret;

	ctx = svacc_ctx_get(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	args->accepted = 0;
	if (args->flags || !args->count || args->count > SVACC_SUBMIT_MAX)
		return -EINVAL;

	descs = memdup_array_user(u64_to_user_ptr(args->descs), args->count,
				  sizeof(*descs));
	if (IS_ERR(descs))
		return PTR_ERR(descs);

	for (i = 0; i < args->count; i++) {
		ret = svacc_desc_validate(sdev, &descs[i], &bytes[i]);
		if (ret) {
			drm_dbg_driver(drm, "descriptor %u rejected\n", i);
			goto out_free;
		}
	}

	if (!drm_dev_enter(drm, &idx)) {
		ret = -ENODEV;
		goto out_free;
	}
	if (args->wq == SVACC_WQ_ANY)
		ret = svacc_submit_any(ctx, descs, args->count);
	else if (args->wq < sdev->num_wqs)
		ret = svacc_wq_submit(&sdev->wqs[args->wq], ctx, descs, args->count, false);
	else
		ret = -EINVAL;
	drm_dev_exit(idx);
	/* dropped by a reset: to the caller, submit again later */
	if (ret == -ECANCELED)
		ret = -EAGAIN;

	if (ret > 0) {
		args->accepted = ret;
		for (i = 0; i < args->accepted; i++)
			total += bytes[i];
		atomic64_add(args->accepted, &ctx->descs);
		atomic64_add(total, &ctx->bytes);
		ret = 0;
	}
out_free:
	kfree(descs);
	return ret;
}

#if IS_ENABLED(CONFIG_DRM_ACCEL_SVACC_KUNIT_TEST)
#include "tests/svacc_submit_test.c"
#endif
