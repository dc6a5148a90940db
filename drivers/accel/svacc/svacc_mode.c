// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc translation mode: SVA through the IOMMU, or the HMM mirror.
 *
 * The mode is decided at probe from facts: the force_hmm policy, the
 * device's capabilities (CAP_XLATE and the PCIe PASID, ATS and PRI
 * capabilities) and whether an IOMMU translates for the device. No
 * address space is bound to decide it.
 *
 * One answer cannot be had at probe: whether the kernel and the IOMMU
 * driver will bind an address space to the device. The kernel has no
 * call that asks without binding (a kernel may refuse SVA on the whole
 * platform, an IOMMU may be unable to walk the CPU's page tables), so a
 * device that passes the facts starts in SVA mode, not yet confirmed,
 * and the first bind confirms it. If that bind is refused for the device
 * as a whole, the device falls back to the HMM mirror once, for good, and
 * records the refusal's errno; a bind refused for one process only fails
 * that process's open(). Everything the fallback needs was allocated at
 * probe: open() allocates nothing that lives with the device.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/pci.h>

#include <drm/drm_print.h>

#include "svacc_drv.h"
#include "svacc_xlate.h"

static bool svacc_force_hmm;
module_param_named(force_hmm, svacc_force_hmm, bool, 0444);
MODULE_PARM_DESC(force_hmm, "Do not use SVA even where available (device page table mode)");

const char *svacc_mode_reason_name(enum drm_svacc_mode_reason reason)
{
	switch (reason) {
	case SVACC_REASON_NONE:
		return "none";
	case SVACC_REASON_FORCED:
		return "forced by force_hmm";
	case SVACC_REASON_NO_DEVICE_CAPS:
		return "device lacks PASID/ATS/PRI";
	case SVACC_REASON_NO_IOMMU:
		return "no IOMMU";
	case SVACC_REASON_SVA_REFUSED:
		return "bind refused";
	}
	return "unknown";
}

/**
 * svacc_mode_choose() - the mode the facts call for
 * @f: facts about the device and the platform
 *
 * Return: %SVACC_REASON_NONE when SVA is to be used (pending the first
 * bind), otherwise why the HMM mirror is.
 */
enum drm_svacc_mode_reason svacc_mode_choose(const struct svacc_mode_facts *f)
{
	if (f->force_hmm)
		return SVACC_REASON_FORCED;
	if (!f->dev_sva)
		return SVACC_REASON_NO_DEVICE_CAPS;
	if (!f->iommu)
		return SVACC_REASON_NO_IOMMU;
	return SVACC_REASON_NONE;
}

static void svacc_mode_facts(struct svacc_device *sdev, struct svacc_mode_facts *f)
{
	struct pci_dev *pdev = sdev->pdev;

	f->force_hmm = svacc_force_hmm;
	f->dev_sva = (sdev->cap_xlate & SVACC_XLATE_ATS_MODE) &&
		     pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PASID) &&
		     pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_ATS) &&
		     pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PRI);
	f->iommu = device_iommu_mapped(&pdev->dev);
}

static void svacc_mode_confirmed(struct svacc_device *sdev)
{
	sdev->mode_decided = true;
	dev_info(svacc_dev(sdev), "%s mode: %u work queues, PASID-tagged ATS/PRI through the IOMMU\n",
		 sdev->xlate->name, sdev->num_wqs);
}

/*
 * SVA is out (@reason, @err): record why, then take the device into the
 * HMM mirror. One log line names the cause and the outcome.
 */
static void svacc_mode_fallback(struct svacc_device *sdev,
				enum drm_svacc_mode_reason reason, int err)
{
	const struct svacc_xlate_ops *ops = &svacc_hmm_ops;
	char why[48];
	int ret;

	sdev->xlate = NULL;
	sdev->mode_reason = reason;
	sdev->mode_errno = -err;
	sdev->mode_decided = true;
	if (err)
		snprintf(why, sizeof(why), "%s: %d", svacc_mode_reason_name(reason), err);
	else
		snprintf(why, sizeof(why), "%s", svacc_mode_reason_name(reason));

	ret = sdev->hmm_init_errno ?: ops->enable(sdev);
	if (!ret) {
		mutex_lock(&sdev->wq_mutex);
		ret = svacc_hw_enable(sdev, ops->genctrl_mode);
		mutex_unlock(&sdev->wq_mutex);
		if (ret)
			ops->remove(sdev);
	}
	if (ret) {
		sdev->open_errno = err ?: ret;
		dev_info(svacc_dev(sdev), "SVA unavailable (%s), HMM mirror failed (%d): open() fails with %d\n",
			 why, ret, sdev->open_errno);
		return;
	}
	sdev->xlate = ops;
	dev_info(svacc_dev(sdev), "SVA unavailable (%s), using the HMM mirror (device page table): %u work queues\n",
		 why, sdev->num_wqs);
}

/**
 * svacc_mode_probe() - decide the translation mode and enable the device in it
 * @sdev: device, reset and capabilities read
 *
 * Never fails the probe because a mode is unavailable: the reason is
 * recorded for GET_INFO, sysfs and open().
 */
void svacc_mode_probe(struct svacc_device *sdev)
{
	struct svacc_mode_facts facts;
	enum drm_svacc_mode_reason reason;
	int ret;

	/* The fallback must not allocate at open(): prepare it now. */
	sdev->hmm_init_errno = svacc_hmm_ops.init(sdev);

	svacc_mode_facts(sdev, &facts);
	reason = svacc_mode_choose(&facts);
	if (reason != SVACC_REASON_NONE) {
		svacc_mode_fallback(sdev, reason, 0);
		return;
	}

	/* ATS mode needs PASID and ATS enabled by the IOMMU driver. */
	mutex_lock(&sdev->wq_mutex);
	ret = svacc_hw_enable(sdev, svacc_sva_ops.genctrl_mode);
	mutex_unlock(&sdev->wq_mutex);
	if (ret) {
		svacc_mode_fallback(sdev, SVACC_REASON_SVA_REFUSED, -ENODEV);
		return;
	}

	sdev->xlate = &svacc_sva_ops;
	sdev->mode_reason = SVACC_REASON_NONE;
	sdev->mode_errno = 0;
	sdev->mode_decided = false;
}

/**
 * svacc_mode_remove() - take the device out of its mode; no context is bound
 * @sdev: device
 */
void svacc_mode_remove(struct svacc_device *sdev)
{
	svacc_hw_disable(sdev);
	if (sdev->xlate && sdev->xlate->remove)
		sdev->xlate->remove(sdev);
	sdev->xlate = NULL;
}

/**
 * svacc_mode_bind() - bind a new context's address space in the device's mode
 * @ctx: context being opened
 *
 * The first bind in SVA mode confirms the mode, or (refused for the
 * device as a whole) moves the device to the HMM mirror for good: until
 * then binds run under mode_lock. Once the mode is decided it never
 * changes while the device is bound (removal waits for open() through
 * drm_dev_enter()), and binds run without the lock: a bind takes the
 * address space's mmap_lock for writing (registering its first MMU
 * notifier), which another thread of that process may hold for as long
 * as a fault of its own takes, and no other file may wait for that.
 *
 * Return: 0 or the negative errno for open().
 */
int svacc_mode_bind(struct svacc_ctx *ctx)
{
	struct svacc_device *sdev = ctx->sdev;
	enum drm_svacc_mode_reason reason = SVACC_REASON_NONE;
	const struct svacc_xlate_ops *ops;
	int ret;

	mutex_lock(&sdev->mode_lock);
	if (!sdev->xlate) {
		ret = sdev->open_errno;
		goto out;
	}
	if (sdev->mode_decided) {
		ops = sdev->xlate;
		mutex_unlock(&sdev->mode_lock);
		return ops->bind(ctx, &reason);
	}

	ret = sdev->xlate->bind(ctx, &reason);
	if (!ret) {
		svacc_mode_confirmed(sdev);
	} else if (reason != SVACC_REASON_NONE) {
		/* No context is bound yet: the device can change mode. */
		svacc_mode_remove(sdev);
		svacc_mode_fallback(sdev, reason, ret);
		ret = sdev->xlate ? sdev->xlate->bind(ctx, &reason) : sdev->open_errno;
	}
out:
	mutex_unlock(&sdev->mode_lock);
	return ret;
}

#if IS_ENABLED(CONFIG_DRM_ACCEL_SVACC_KUNIT_TEST)
#include "tests/svacc_mode_test.c"
#endif
