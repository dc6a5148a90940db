// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc: PCI driver and DRM accel device.
 *
 * Probe brings the function up (BARs, MSI-X, reset, capabilities, WQ
 * defaults), decides the translation mode, enables the device in it and
 * registers /dev/accel/accelN. Remove unplugs the DRM device first, so
 * open files get -ENODEV from then on, tears down every context while the
 * hardware is still there, and only then lets the resources go.
 */
#include <linux/capability.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/workqueue.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>

#include "svacc_drv.h"
#include "svacc_xlate.h"

unsigned int svacc_max_contexts_per_user = 64;
module_param_named(max_contexts_per_user, svacc_max_contexts_per_user, uint, 0644);
MODULE_PARM_DESC(max_contexts_per_user,
		 "Open files a user other than an administrator may have per device (default 64)");

unsigned int svacc_max_wqs_per_user;
module_param_named(max_wqs_per_user, svacc_max_wqs_per_user, uint, 0644);
MODULE_PARM_DESC(max_wqs_per_user,
		 "Dedicated WQs a user other than an administrator may claim per device (0: half of them, rounded up)");

unsigned int svacc_max_pasids_per_user;
module_param_named(max_pasids_per_user, svacc_max_pasids_per_user, uint, 0644);
MODULE_PARM_DESC(max_pasids_per_user,
		 "SVA: address spaces (each holds a PASID until it exits) a user other than an administrator may have bound at a time (0: a quarter of the device's PASIDs)");

unsigned int svacc_shared_wq_fault_hold_ms = 5000;
module_param_named(shared_wq_fault_hold_ms, svacc_shared_wq_fault_hold_ms, uint, 0644);
MODULE_PARM_DESC(shared_wq_fault_hold_ms,
		 "Longest a descriptor on a shared WQ may wait for its faults before it completes with PAGE_FAULT, in ms up to 65535 (0: no limit, which lets one user stop the shared WQs for all); read whenever a shared WQ is enabled (default 5000)");

static int svacc_ioctl_get_info(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct svacc_device *sdev = to_svacc(drm);
	struct drm_svacc_info *info = data;
	struct svacc_ctx *ctx;
	unsigned int i;

	ctx = svacc_ctx_get(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	memset(info, 0, sizeof(*info));
	info->version = sdev->version;
	mutex_lock(&sdev->mode_lock);
	info->mode = sdev->xlate ? sdev->xlate->mode : 0;
	info->mode_reason = sdev->mode_reason;
	info->mode_errno = sdev->mode_errno;
	mutex_unlock(&sdev->mode_lock);
	info->pasid = ctx->pasid;
	info->num_wqs = sdev->num_wqs;
	mutex_lock(&sdev->wq_mutex);
	for (i = 0; i < min(sdev->num_wqs, 32U); i++)
		if (!sdev->wqs[i].dedicated)
			info->shared_wqs |= BIT(i);
	mutex_unlock(&sdev->wq_mutex);
	info->max_transfer_shift = sdev->max_transfer_shift;
	info->max_batch = sdev->max_batch;
	info->reset_epoch = atomic_read(&sdev->reset_epoch);
	info->ops = sdev->cap_ops;
	return 0;
}

static int svacc_ioctl_get_counters(struct drm_device *drm, void *data,
				    struct drm_file *file)
{
	struct svacc_device *sdev = to_svacc(drm);
	struct drm_svacc_counters *c = data;
	struct svacc_ctx *ctx;
	int idx;

	ctx = svacc_ctx_get(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	/*
	 * Device-wide counts show what every other user of the device is
	 * doing (bytes, faults, invalidations): system-wide performance
	 * data, which perf gives only to CAP_PERFMON as well.
	 */
	if (!perfmon_capable())
		return -EACCES;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	memset(c, 0, sizeof(*c));
	c->desc_completed = svacc_read_counter(sdev, SVACC_CNT_DESC_COMPLETED);
	c->bytes = svacc_read_counter(sdev, SVACC_CNT_BYTES);
	c->ats_req = svacc_read_counter(sdev, SVACC_CNT_ATS_REQ);
	c->atc_hit = svacc_read_counter(sdev, SVACC_CNT_ATC_HIT);
	c->atc_miss = svacc_read_counter(sdev, SVACC_CNT_ATC_MISS);
	c->page_req = svacc_read_counter(sdev, SVACC_CNT_PAGE_REQ);
	c->prg = svacc_read_counter(sdev, SVACC_CNT_PRG);
	c->dev_fault = svacc_read_counter(sdev, SVACC_CNT_DEV_FAULT);
	c->devtlb_inv = svacc_read_counter(sdev, SVACC_CNT_DEVTLB_INV);
	c->atc_inv = svacc_read_counter(sdev, SVACC_CNT_ATC_INV);
	c->devtlb_hit = svacc_read_counter(sdev, SVACC_CNT_DEVTLB_HIT);
	c->devtlb_miss = svacc_read_counter(sdev, SVACC_CNT_DEVTLB_MISS);
	c->errors = svacc_read_counter(sdev, SVACC_CNT_ERRORS);
	c->swerrs = svacc_read_counter(sdev, SVACC_CNT_SWERRS);
	drm_dev_exit(idx);
	c->hmm_faults = atomic64_read(&sdev->hmm.faults);
	c->hmm_fault_batches = atomic64_read(&sdev->hmm.fault_batches);
	c->hmm_pages_mapped = atomic64_read(&sdev->hmm.pages_mapped);
	c->hmm_invalidations = atomic64_read(&sdev->hmm.invalidations);
	c->hmm_huge_mappings = atomic64_read(&sdev->hmm.huge_mappings);
	c->hmm_pt_pages = atomic64_read(&sdev->hmm.pt_pages);
	return 0;
}

static const struct drm_ioctl_desc svacc_ioctls[] = {
	DRM_IOCTL_DEF_DRV(SVACC_GET_INFO, svacc_ioctl_get_info, 0),
	DRM_IOCTL_DEF_DRV(SVACC_SUBMIT, svacc_ioctl_submit, 0),
	DRM_IOCTL_DEF_DRV(SVACC_WQ_CLAIM, svacc_ioctl_wq_claim, 0),
	DRM_IOCTL_DEF_DRV(SVACC_WQ_RELEASE, svacc_ioctl_wq_release, 0),
	DRM_IOCTL_DEF_DRV(SVACC_WAIT, svacc_ioctl_wait, 0),
	DRM_IOCTL_DEF_DRV(SVACC_GET_COUNTERS, svacc_ioctl_get_counters, 0),
};

/*
 * Core ioctls that assume what an accel file without GEM never has, and
 * that the DRM core lets any opener call: DRM_IOCTL_GET_UNIQUE and
 * DRM_IOCTL_GET_MAGIC read the file's DRM master (a NULL dereference);
 * the PRIME handle ioctls take the file's GEM handle table, which only
 * drm_gem_open() initialises (lockdep: a lock that was never initialised).
 * Refused here.
 */
static bool svacc_ioctl_refused(unsigned int cmd)
{
	unsigned int nr = DRM_IOCTL_NR(cmd);

	return DRM_IOCTL_TYPE(cmd) == DRM_IOCTL_BASE &&
	       (nr == DRM_IOCTL_NR(DRM_IOCTL_GET_UNIQUE) ||
		nr == DRM_IOCTL_NR(DRM_IOCTL_GET_MAGIC) ||
		nr == DRM_IOCTL_NR(DRM_IOCTL_PRIME_HANDLE_TO_FD) ||
		nr == DRM_IOCTL_NR(DRM_IOCTL_PRIME_FD_TO_HANDLE));
}

static long svacc_unlocked_ioctl(struct file *filp, unsigned int cmd,
				 unsigned long arg)
{
	if (svacc_ioctl_refused(cmd))
		return -EOPNOTSUPP;
	return drm_ioctl(filp, cmd, arg);
}

#ifdef CONFIG_COMPAT
static long svacc_compat_ioctl(struct file *filp, unsigned int cmd,
			       unsigned long arg)
{
	if (svacc_ioctl_refused(cmd))
		return -EOPNOTSUPP;
	return drm_compat_ioctl(filp, cmd, arg);
}
#else
#define svacc_compat_ioctl NULL
#endif

/* DRM_ACCEL_FOPS with our own poll and mmap; no GEM, no DRM events. */
static const struct file_operations svacc_fops = {
	.owner = THIS_MODULE,
	.open = accel_open,
	.release = drm_release,
	.unlocked_ioctl = svacc_unlocked_ioctl,
	.compat_ioctl = svacc_compat_ioctl,
	.poll = svacc_poll,
	.llseek = noop_llseek,
	.mmap = svacc_mmap,
	.show_fdinfo = drm_show_fdinfo,
	.fop_flags = FOP_UNSIGNED_OFFSET,
};

static const struct drm_driver svacc_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL,
	.open = svacc_ctx_open,
	.postclose = svacc_ctx_postclose,
	.show_fdinfo = svacc_show_fdinfo,
	.ioctls = svacc_ioctls,
	.num_ioctls = ARRAY_SIZE(svacc_ioctls),
	.fops = &svacc_fops,
	.name = "svacc",
	.desc = "svacc shared-virtual-addressing accelerator",
	.major = 1,
	.minor = 0,
};

/* Device attributes: the translation mode and why. */
static ssize_t xlate_mode_show(struct device *dev, struct device_attribute *attr,
			       char *buf)
{
	struct svacc_device *sdev = dev_get_drvdata(dev);
	ssize_t ret;

	mutex_lock(&sdev->mode_lock);
	ret = sysfs_emit(buf, "%s\n", sdev->xlate ? sdev->xlate->name : "none");
	mutex_unlock(&sdev->mode_lock);
	return ret;
}
static DEVICE_ATTR_RO(xlate_mode);

static ssize_t xlate_reason_show(struct device *dev, struct device_attribute *attr,
				 char *buf)
{
	struct svacc_device *sdev = dev_get_drvdata(dev);
	ssize_t ret;

	mutex_lock(&sdev->mode_lock);
	if (sdev->xlate && !sdev->mode_decided)
		ret = sysfs_emit(buf, "pending\n");
	else if (sdev->mode_errno)
		ret = sysfs_emit(buf, "%s (%d)\n",
				 svacc_mode_reason_name(sdev->mode_reason),
				 -sdev->mode_errno);
	else
		ret = sysfs_emit(buf, "%s\n",
				 svacc_mode_reason_name(sdev->mode_reason));
	mutex_unlock(&sdev->mode_lock);
	return ret;
}
static DEVICE_ATTR_RO(xlate_reason);

static struct attribute *svacc_dev_attrs[] = {
	&dev_attr_xlate_mode.attr,
	&dev_attr_xlate_reason.attr,
	NULL
};
ATTRIBUTE_GROUPS(svacc_dev);

static int svacc_map_bars(struct svacc_device *sdev)
{
	struct pci_dev *pdev = sdev->pdev;

	if (pci_resource_len(pdev, SVACC_BAR_REGS) < SVACC_REGS_SIZE)
		return -ENODEV;
	sdev->regs = pcim_iomap_region(pdev, SVACC_BAR_REGS, "svacc-regs");
	if (IS_ERR(sdev->regs))
		return PTR_ERR(sdev->regs);
	sdev->portals = pcim_iomap_region(pdev, SVACC_BAR_PORTALS, "svacc-portals");
	if (IS_ERR(sdev->portals))
		return PTR_ERR(sdev->portals);
	sdev->portal_phys = pci_resource_start(pdev, SVACC_BAR_PORTALS);
	return 0;
}

static int svacc_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct svacc_device *sdev;
	int ret;

	sdev = devm_drm_dev_alloc(&pdev->dev, &svacc_drm_driver,
				  struct svacc_device, drm);
	if (IS_ERR(sdev))
		return PTR_ERR(sdev);
	sdev->pdev = pdev;
	pci_set_drvdata(pdev, sdev);

	ret = drmm_mutex_init(&sdev->drm, &sdev->wq_mutex);
	ret = ret ?: drmm_mutex_init(&sdev->drm, &sdev->cmd_lock);
	ret = ret ?: drmm_mutex_init(&sdev->drm, &sdev->prs_lock);
	ret = ret ?: drmm_mutex_init(&sdev->drm, &sdev->mode_lock);
	ret = ret ?: drmm_mutex_init(&sdev->drm, &sdev->ctx_lock);
	if (ret)
		return ret;
	INIT_LIST_HEAD(&sdev->ctxs);
	init_waitqueue_head(&sdev->close_wait);
	init_waitqueue_head(&sdev->compl_wait);
	svacc_reset_init(sdev);
	atomic64_set(&sdev->compl_seq, 0);
	atomic64_set(&sdev->misc_irqs, 0);
	atomic64_set(&sdev->swerrs, 0);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	/* Bus addresses in the device's tables and registers: bits 51:0 */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(52));
	if (ret)
		return ret;
	ret = svacc_map_bars(sdev);
	if (ret)
		return ret;
	pci_set_master(pdev);

	ret = svacc_hw_init(sdev);
	if (ret)
		return ret;
	ret = svacc_irq_init(sdev);
	if (ret)
		return ret;
	svacc_mode_probe(sdev);
	ret = svacc_sysfs_init(sdev);
	if (ret)
		goto err_mode;
	svacc_debugfs_init(sdev);
	/*
	 * What slot_reset() restores after a PCI error: the configuration
	 * as it is now (bus mastering, MSI-X), not as enumeration left it.
	 */
	pci_save_state(pdev);

	ret = drm_dev_register(&sdev->drm, 0);
	if (ret)
		goto err_sysfs;
	return 0;

err_sysfs:
	svacc_sysfs_fini(sdev);
err_mode:
	writel(SVACC_INT_ALL, sdev->regs + SVACC_INTMASK);
	svacc_irq_fini(sdev);
	svacc_mode_remove(sdev);
	svacc_reset_fini(sdev);
	return ret;
}

static void svacc_remove(struct pci_dev *pdev)
{
	struct svacc_device *sdev = pci_get_drvdata(pdev);

	svacc_sysfs_fini(sdev);
	/* From here on no file operation reaches the hardware. */
	drm_dev_unplug(&sdev->drm);
	wake_up_all(&sdev->compl_wait);

	svacc_ctx_shutdown_all(sdev);
	/* The fault handler uses the mode's state: stop interrupts first. */
	writel(SVACC_INT_ALL, sdev->regs + SVACC_INTMASK);
	svacc_irq_fini(sdev);
	mutex_lock(&sdev->mode_lock);
	svacc_mode_remove(sdev);
	mutex_unlock(&sdev->mode_lock);
	/* Last: anything above may stop the device and queue a restart */
	svacc_reset_fini(sdev);
}

static const struct pci_device_id svacc_pci_ids[] = {
	{ PCI_DEVICE(SVACC_PCI_VENDOR_ID, SVACC_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, svacc_pci_ids);

static struct pci_driver svacc_pci_driver = {
	.name = "svacc",
	.id_table = svacc_pci_ids,
	.probe = svacc_probe,
	.remove = svacc_remove,
	.err_handler = &svacc_err_handlers,
	.dev_groups = svacc_dev_groups,
};

/*
 * The driver's work: device recovery, the HMM fault queue dispatch and each
 * context's fault resolution. Unbound, so that contexts fault in parallel;
 * a module's own, because a context's fault work may outlive its device
 * (a fault that blocks in a filesystem holds module unload, never a device
 * removal or a close()).
 */
struct workqueue_struct *svacc_workqueue;

static int __init svacc_init(void)
{
	int ret;

	svacc_workqueue = alloc_workqueue("svacc", WQ_UNBOUND, 0);
	if (!svacc_workqueue)
		return -ENOMEM;
	ret = pci_register_driver(&svacc_pci_driver);
	if (ret)
		destroy_workqueue(svacc_workqueue);
	return ret;
}
module_init(svacc_init);

static void __exit svacc_exit(void)
{
	pci_unregister_driver(&svacc_pci_driver);
	svacc_pasid_exit();
	destroy_workqueue(svacc_workqueue);
}
module_exit(svacc_exit);

MODULE_DESCRIPTION("svacc shared-virtual-addressing accelerator");
MODULE_LICENSE("GPL");
