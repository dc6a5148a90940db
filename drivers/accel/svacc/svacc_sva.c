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
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/jiffies.h>

#include "svacc_drv.h"
#include "svacc_xlate.h"

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
