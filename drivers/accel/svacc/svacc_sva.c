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
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>

#include "svacc_compat.h"
#include "svacc_drv.h"
#include "svacc_xlate.h"

static enum drm_svacc_mode_reason svacc_sva_refusal(int err)
{
	/*
	 * -EOPNOTSUPP comes from iommu_sva_bind_device() itself when the
	 * kernel does not allow SVA at all (6.12 LTS on x86); anything else
	 * is the IOMMU driver's answer for this device.
	 */
	return err == -EOPNOTSUPP ? SVACC_REASON_KERNEL_REFUSED :
				    SVACC_REASON_IOMMU_REFUSED;
}

/* A user process probes us (insmod, sysfs bind): its mm can test a bind. */
static bool svacc_sva_can_probe_bind(void)
{
	return current->mm && !(current->flags & PF_KTHREAD);
}

static int svacc_sva_probe(struct svacc_device *sdev,
			   enum drm_svacc_mode_reason *reason, bool *verified)
{
	struct pci_dev *pdev = sdev->pdev;
	struct device *dev = &pdev->dev;
	struct iommu_sva *handle;
	int ret;

	if (!(sdev->cap_xlate & SVACC_XLATE_ATS) ||
	    !pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PASID) ||
	    !pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_ATS) ||
	    !pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PRI)) {
		*reason = SVACC_REASON_NO_DEVICE_CAPS;
		return -ENODEV;
	}
	if (!device_iommu_mapped(dev)) {
		*reason = SVACC_REASON_NO_IOMMU;
		return -ENODEV;
	}

	*verified = false;
	ret = svacc_compat_sva_enable(dev);
	if (ret) {
		/*
		 * Older kernels need IOMMU features enabled first; when that
		 * fails, still name a kernel-wide refusal as such.
		 */
		*reason = SVACC_REASON_IOMMU_REFUSED;
		if (svacc_sva_can_probe_bind()) {
			handle = iommu_sva_bind_device(dev, current->mm);
			if (!IS_ERR(handle))
				iommu_sva_unbind_device(handle);
			else if (PTR_ERR(handle) == -EOPNOTSUPP)
				*reason = SVACC_REASON_KERNEL_REFUSED;
		}
		return *reason == SVACC_REASON_KERNEL_REFUSED ? -EOPNOTSUPP : ret;
	}

	/*
	 * Ask the kernel now when the prober has an address space, so that
	 * a refusal is known (and logged) at probe time. Otherwise the first
	 * open decides.
	 */
	if (svacc_sva_can_probe_bind()) {
		handle = iommu_sva_bind_device(dev, current->mm);
		if (IS_ERR(handle)) {
			ret = PTR_ERR(handle);
			*reason = svacc_sva_refusal(ret);
			svacc_compat_sva_disable(dev);
			return ret;
		}
		iommu_sva_unbind_device(handle);
		*verified = true;
	}
	return 0;
}

static void svacc_sva_remove(struct svacc_device *sdev)
{
	svacc_compat_sva_disable(svacc_dev(sdev));
}

static int svacc_sva_bind(struct svacc_ctx *ctx,
			  enum drm_svacc_mode_reason *reason)
{
	struct device *dev = svacc_dev(ctx->sdev);
	struct iommu_sva *handle;
	u32 pasid;

	handle = iommu_sva_bind_device(dev, ctx->mm);
	if (IS_ERR(handle)) {
		int ret = PTR_ERR(handle);

		if (ret != -ENOMEM && ret != -ENOSPC)
			*reason = svacc_sva_refusal(ret);
		return ret;
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

static void svacc_sva_unbind(struct svacc_ctx *ctx)
{
	iommu_sva_unbind_device(ctx->xlate_priv);
	ctx->xlate_priv = NULL;
}

const struct svacc_xlate_ops svacc_sva_ops = {
	.name = "sva",
	.mode = SVACC_MODE_SVA,
	.genctrl_mode = SVACC_MODE_ATS,
	.probe = svacc_sva_probe,
	.remove = svacc_sva_remove,
	.bind = svacc_sva_bind,
	.unbind = svacc_sva_unbind,
};
