// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc device control: reset, capabilities, enable, device commands and
 * work queue configuration, with sysfs knobs for the WQ configuration in
 * the spirit of accel-config (/sys/bus/pci/devices/.../wq/wqN/).
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include <drm/drm_managed.h>

#include "svacc_drv.h"
#include "svacc_trace.h"

/* Commands wait for queued work (DISABLE_WQ) and page requests: be generous. */
#define SVACC_CMD_TIMEOUT_US	(10 * USEC_PER_SEC)
#define SVACC_CMD_POLL_US	20
#define SVACC_WQ_DEFAULT_PRIO	8

static void __iomem *svacc_wqcfg(struct svacc_wq *wq, unsigned int reg)
{
	return wq->sdev->regs + SVACC_WQCFG(wq->idx) + reg;
}

static void svacc_wq_write_cfg0(struct svacc_wq *wq)
{
	u32 cfg = FIELD_PREP(SVACC_WQCFG0_SIZE, wq->size) |
		  FIELD_PREP(SVACC_WQCFG0_PRIORITY, wq->priority);

	if (wq->dedicated)
		cfg |= SVACC_WQCFG0_DEDICATED;
	writel(cfg, svacc_wqcfg(wq, SVACC_WQCFG0));
}

/**
 * svacc_cmd() - run one device command and wait for it
 * @sdev: device
 * @cmd: SVACC_CMD_*
 * @arg: CMDARG operand
 *
 * Return: 0, or a negative errno for a refused, failed or timed out command.
 */
int svacc_cmd(struct svacc_device *sdev, u32 cmd, u64 arg)
{
	u32 sts;
	int ret;

	mutex_lock(&sdev->cmd_lock);
	if (readl(sdev->regs + SVACC_GENSTS) & SVACC_GENSTS_HALTED) {
		ret = -EIO;
		goto out;
	}
	/* A previous command that timed out may still be running. */
	ret = readl_poll_timeout(sdev->regs + SVACC_CMDSTS, sts,
				 !(sts & SVACC_CMDSTS_ACTIVE), SVACC_CMD_POLL_US,
				 SVACC_CMD_TIMEOUT_US);
	if (ret)
		goto out;

	writeq(arg, sdev->regs + SVACC_CMDARG);
	writel(cmd, sdev->regs + SVACC_CMD);
	ret = readl_poll_timeout(sdev->regs + SVACC_CMDSTS, sts,
				 !(sts & SVACC_CMDSTS_ACTIVE), SVACC_CMD_POLL_US,
				 SVACC_CMD_TIMEOUT_US);
	if (ret)
		goto out;

	switch (FIELD_GET(SVACC_CMDSTS_RESULT, sts)) {
	case SVACC_CMD_OK:
		ret = 0;
		break;
	case SVACC_CMD_UNKNOWN:
		ret = -EOPNOTSUPP;
		break;
	case SVACC_CMD_BAD_OPERAND:
		ret = -EINVAL;
		break;
	default:
		ret = -ENODEV;
		break;
	}
out:
	mutex_unlock(&sdev->cmd_lock);
	if (ret)
		dev_dbg(svacc_dev(sdev), "command %#x (%#llx) failed: %d\n",
			cmd, arg, ret);
	return ret;
}

/**
 * svacc_wq_hw_enable() - program and enable a WQ
 * @wq: WQ, configuration in place
 * @pasid: PASID for a dedicated WQ (ignored for shared WQs)
 *
 * Caller holds &svacc_device.wq_mutex.
 *
 * Return: 0 or a negative errno (WQERR explained in the log).
 */
int svacc_wq_hw_enable(struct svacc_wq *wq, u32 pasid)
{
	struct svacc_device *sdev = wq->sdev;
	u32 err;
	int ret;

	lockdep_assert_held(&sdev->wq_mutex);
	svacc_wq_write_cfg0(wq);
	writel(wq->dedicated ? FIELD_PREP(SVACC_WQCFG1_PASID, pasid) : 0,
	       svacc_wqcfg(wq, SVACC_WQCFG1));

	ret = svacc_cmd(sdev, SVACC_CMD_ENABLE_WQ, wq->idx);
	if (!ret && !(readl(svacc_wqcfg(wq, SVACC_WQSTS)) & SVACC_WQSTS_ENABLED))
		ret = -EIO;
	if (ret) {
		err = readl(svacc_wqcfg(wq, SVACC_WQERR));
		dev_dbg(svacc_dev(sdev), "wq%u: enable refused, WQERR %u\n",
			wq->idx, err);
		writel(0, svacc_wqcfg(wq, SVACC_WQCFG1));
		return err == SVACC_WQERR_SIZE ? -ENOSPC : -EIO;
	}
	spin_lock(&wq->portal_lock);
	wq->pcommits = FIELD_GET(SVACC_SUBMIT_COUNT,
				 readl(wq->pportal + SVACC_PORTAL_STATUS));
	wq->hw_enabled = true;
	spin_unlock(&wq->portal_lock);
	return 0;
}

/**
 * svacc_wq_hw_disable() - disable a WQ after its queued work completed
 * @wq: WQ
 *
 * DISABLE_WQ stops accepting and completes everything queued. Caller holds
 * &svacc_device.wq_mutex.
 *
 * Return: 0 or a negative errno from the command.
 */
int svacc_wq_hw_disable(struct svacc_wq *wq)
{
	int ret;

	lockdep_assert_held(&wq->sdev->wq_mutex);
	if (!wq->hw_enabled)
		return 0;
	ret = svacc_cmd(wq->sdev, SVACC_CMD_DISABLE_WQ, wq->idx);
	/* Even on failure no new descriptor may use this configuration. */
	spin_lock(&wq->portal_lock);
	wq->hw_enabled = false;
	spin_unlock(&wq->portal_lock);
	writel(0, svacc_wqcfg(wq, SVACC_WQCFG1));
	trace_svacc_drain(wq->sdev, SVACC_CMD_DISABLE_WQ, wq->idx, ret);
	return ret;
}

void svacc_wqs_enable_shared(struct svacc_device *sdev)
{
	unsigned int i;
	int ret;

	mutex_lock(&sdev->wq_mutex);
	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq *wq = &sdev->wqs[i];

		if (wq->dedicated || !wq->enabled || wq->hw_enabled)
			continue;
		ret = svacc_wq_hw_enable(wq, 0);
		if (ret)
			dev_warn(svacc_dev(sdev), "wq%u: cannot enable: %d\n", i, ret);
	}
	mutex_unlock(&sdev->wq_mutex);
}

u64 svacc_read_counter(struct svacc_device *sdev, unsigned int i)
{
	return readq(sdev->regs + SVACC_CNT(i));
}

/**
 * svacc_hw_init() - reset the device and read its capabilities
 * @sdev: device with BARs mapped
 *
 * Leaves the device disabled with a default WQ configuration: the first
 * half of the WQs (at least one) shared, the rest dedicated, the total
 * depth split evenly.
 *
 * Return: 0 or a negative errno.
 */
int svacc_hw_init(struct svacc_device *sdev)
{
	struct device *dev = svacc_dev(sdev);
	unsigned int i, nshared, size;
	u32 capwq, limits;

	writel(1, sdev->regs + SVACC_RESET);

	sdev->version = readl(sdev->regs + SVACC_VERSION);
	if (FIELD_GET(SVACC_VERSION_MAJOR, sdev->version) != 1) {
		dev_err(dev, "unsupported version %#x\n", sdev->version);
		return -ENODEV;
	}
	sdev->cap_ops = readl(sdev->regs + SVACC_CAP_OPS);
	capwq = readl(sdev->regs + SVACC_CAP_WQ);
	sdev->cap_xlate = readl(sdev->regs + SVACC_CAP_XLATE);
	limits = readl(sdev->regs + SVACC_CAP_LIMITS);

	sdev->num_wqs = FIELD_GET(SVACC_CAP_WQ_NUM, capwq);
	sdev->total_wq_depth = FIELD_GET(SVACC_CAP_WQ_TOTAL_DEPTH, capwq);
	sdev->max_transfer_shift = min_t(u32, FIELD_GET(SVACC_LIMITS_XFER_SHIFT, limits), 32);
	sdev->max_batch = FIELD_GET(SVACC_LIMITS_MAX_BATCH, limits);
	if (!sdev->num_wqs || sdev->total_wq_depth < sdev->num_wqs) {
		dev_err(dev, "no usable work queues (CAP_WQ %#x)\n", capwq);
		return -ENODEV;
	}
	if (pci_resource_len(sdev->pdev, SVACC_BAR_PORTALS) <
	    (resource_size_t)sdev->num_wqs * SVACC_PORTAL_STRIDE) {
		dev_err(dev, "portal BAR too small for %u WQs\n", sdev->num_wqs);
		return -ENODEV;
	}

	sdev->wqs = drmm_kcalloc(&sdev->drm, sdev->num_wqs, sizeof(*sdev->wqs),
				 GFP_KERNEL);
	if (!sdev->wqs)
		return -ENOMEM;

	nshared = max(1U, sdev->num_wqs / 2);
	size = min(sdev->total_wq_depth / sdev->num_wqs, (unsigned int)U16_MAX);
	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq *wq = &sdev->wqs[i];
		void __iomem *portal = sdev->portals + i * SVACC_PORTAL_STRIDE;

		wq->sdev = sdev;
		wq->idx = i;
		wq->dedicated = i >= nshared;
		wq->size = size;
		wq->priority = SVACC_WQ_DEFAULT_PRIO;
		wq->enabled = true;
		spin_lock_init(&wq->portal_lock);
		wq->irq_cpu = -1;
		wq->uportal = portal + SVACC_PORTAL_USER;
		wq->pportal = portal + SVACC_PORTAL_PRIV;
	}

	/* Commands are polled; only errors, faults and halts interrupt. */
	writel(SVACC_INT_CMD_DONE | SVACC_INT_INV_DONE, sdev->regs + SVACC_INTMASK);
	writel(SVACC_INT_ALL, sdev->regs + SVACC_INTCAUSE);

	dev_dbg(dev, "version %#x ops %#x wqs %u depth %u xlate %#x xfer 2^%u batch %u\n",
		sdev->version, sdev->cap_ops, sdev->num_wqs, sdev->total_wq_depth,
		sdev->cap_xlate, sdev->max_transfer_shift, sdev->max_batch);
	return 0;
}

/**
 * svacc_hw_enable() - enable the device in a translation mode
 * @sdev: device
 * @mode: GENCTRL.MODE (SVACC_MODE_ATS or SVACC_MODE_DEVPT)
 *
 * Return: 0, or -EIO when the device refused (reason logged).
 */
int svacc_hw_enable(struct svacc_device *sdev, u32 mode)
{
	unsigned int i;
	u32 sts;

	mutex_lock(&sdev->wq_mutex);
	for (i = 0; i < sdev->num_wqs; i++)
		svacc_wq_write_cfg0(&sdev->wqs[i]);
	mutex_unlock(&sdev->wq_mutex);

	writel(FIELD_PREP(SVACC_GENCTRL_MODE, mode), sdev->regs + SVACC_GENCTRL);
	writel(FIELD_PREP(SVACC_GENCTRL_MODE, mode) | SVACC_GENCTRL_ENABLE,
	       sdev->regs + SVACC_GENCTRL);
	sts = readl(sdev->regs + SVACC_GENSTS);
	if (!(sts & SVACC_GENSTS_ENABLED)) {
		dev_err(svacc_dev(sdev), "device refused enable in mode %u (reason %#lx)\n",
			mode, FIELD_GET(SVACC_GENSTS_REASON, sts));
		return -EIO;
	}
	sdev->hw_enabled = true;
	svacc_wqs_enable_shared(sdev);
	return 0;
}

/**
 * svacc_hw_disable() - disable every WQ, then the device
 * @sdev: device
 */
void svacc_hw_disable(struct svacc_device *sdev)
{
	unsigned int i;
	u32 ctrl;

	if (!sdev->hw_enabled)
		return;
	mutex_lock(&sdev->wq_mutex);
	for (i = 0; i < sdev->num_wqs; i++)
		svacc_wq_hw_disable(&sdev->wqs[i]);
	mutex_unlock(&sdev->wq_mutex);

	ctrl = readl(sdev->regs + SVACC_GENCTRL);
	writel(ctrl & ~SVACC_GENCTRL_ENABLE, sdev->regs + SVACC_GENCTRL);
	sdev->hw_enabled = false;
}

/* sysfs: wq/wqN/{mode,size,priority,enabled,state,occupancy} */

struct svacc_wq_kobj {
	struct kobject kobj;
	struct svacc_wq *wq;
};

static struct svacc_wq *kobj_to_wq(struct kobject *kobj)
{
	return container_of(kobj, struct svacc_wq_kobj, kobj)->wq;
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", kobj_to_wq(kobj)->dedicated ? "dedicated" : "shared");
}

/* Configuration may change only while the WQ is disabled and unclaimed. */
static int svacc_wq_lock_idle(struct svacc_wq *wq)
{
	mutex_lock(&wq->sdev->wq_mutex);
	if (wq->enabled || wq->hw_enabled || wq->owner) {
		mutex_unlock(&wq->sdev->wq_mutex);
		return -EBUSY;
	}
	return 0;
}

static ssize_t mode_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct svacc_wq *wq = kobj_to_wq(kobj);
	bool dedicated;
	int ret;

	if (sysfs_streq(buf, "dedicated"))
		dedicated = true;
	else if (sysfs_streq(buf, "shared"))
		dedicated = false;
	else
		return -EINVAL;

	ret = svacc_wq_lock_idle(wq);
	if (ret)
		return ret;
	wq->dedicated = dedicated;
	mutex_unlock(&wq->sdev->wq_mutex);
	return count;
}

static ssize_t size_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", kobj_to_wq(kobj)->size);
}

static ssize_t size_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct svacc_wq *wq = kobj_to_wq(kobj);
	u16 size;
	int ret;

	ret = kstrtou16(buf, 0, &size);
	if (ret)
		return ret;
	if (!size || size > wq->sdev->total_wq_depth)
		return -EINVAL;

	ret = svacc_wq_lock_idle(wq);
	if (ret)
		return ret;
	wq->size = size;
	mutex_unlock(&wq->sdev->wq_mutex);
	return count;
}

static ssize_t priority_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", kobj_to_wq(kobj)->priority);
}

static ssize_t priority_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t count)
{
	struct svacc_wq *wq = kobj_to_wq(kobj);
	u8 prio;
	int ret;

	ret = kstrtou8(buf, 0, &prio);
	if (ret)
		return ret;
	if (!prio || prio > SVACC_WQ_MAX_PRIORITY)
		return -EINVAL;

	ret = svacc_wq_lock_idle(wq);
	if (ret)
		return ret;
	wq->priority = prio;
	mutex_unlock(&wq->sdev->wq_mutex);
	return count;
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", kobj_to_wq(kobj)->enabled);
}

/*
 * Shared WQ: enable or disable it in hardware (disabling completes the
 * queued work first). Dedicated WQ: allow or forbid claims.
 */
static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	struct svacc_wq *wq = kobj_to_wq(kobj);
	struct svacc_device *sdev = wq->sdev;
	bool enable;
	int ret;

	ret = kstrtobool(buf, &enable);
	if (ret)
		return ret;

	mutex_lock(&sdev->wq_mutex);
	if (wq->owner) {
		ret = -EBUSY;
	} else if (!wq->dedicated && sdev->hw_enabled) {
		if (enable && !wq->hw_enabled)
			ret = svacc_wq_hw_enable(wq, 0);
		else if (!enable)
			ret = svacc_wq_hw_disable(wq);
	}
	if (!ret)
		wq->enabled = enable;
	mutex_unlock(&sdev->wq_mutex);
	return ret ?: count;
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct svacc_wq *wq = kobj_to_wq(kobj);

	if (wq->owner)
		return sysfs_emit(buf, "claimed\n");
	return sysfs_emit(buf, "%s\n", wq->hw_enabled ? "enabled" : "disabled");
}

static ssize_t occupancy_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	struct svacc_wq *wq = kobj_to_wq(kobj);
	u32 sts = readl(svacc_wqcfg(wq, SVACC_WQSTS));

	return sysfs_emit(buf, "%lu\n", FIELD_GET(SVACC_WQSTS_OCCUPANCY, sts));
}

static struct kobj_attribute svacc_wq_attr_mode = __ATTR_RW(mode);
static struct kobj_attribute svacc_wq_attr_size = __ATTR_RW(size);
static struct kobj_attribute svacc_wq_attr_priority = __ATTR_RW(priority);
static struct kobj_attribute svacc_wq_attr_enabled = __ATTR_RW(enabled);
static struct kobj_attribute svacc_wq_attr_state = __ATTR_RO(state);
static struct kobj_attribute svacc_wq_attr_occupancy = __ATTR_RO(occupancy);

static struct attribute *svacc_wq_attrs[] = {
	&svacc_wq_attr_mode.attr,
	&svacc_wq_attr_size.attr,
	&svacc_wq_attr_priority.attr,
	&svacc_wq_attr_enabled.attr,
	&svacc_wq_attr_state.attr,
	&svacc_wq_attr_occupancy.attr,
	NULL
};
ATTRIBUTE_GROUPS(svacc_wq);

static void svacc_wq_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct svacc_wq_kobj, kobj));
}

static const struct kobj_type svacc_wq_ktype = {
	.release = svacc_wq_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = svacc_wq_groups,
};

/**
 * svacc_sysfs_init() - create wq/wqN directories under the PCI device
 * @sdev: device
 *
 * Return: 0 or a negative errno.
 */
int svacc_sysfs_init(struct svacc_device *sdev)
{
	unsigned int i;
	int ret;

	sdev->wq_root = kobject_create_and_add("wq", &svacc_dev(sdev)->kobj);
	if (!sdev->wq_root)
		return -ENOMEM;

	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq_kobj *wk = kzalloc_obj(*wk);

		if (!wk) {
			ret = -ENOMEM;
			goto err;
		}
		wk->wq = &sdev->wqs[i];
		ret = kobject_init_and_add(&wk->kobj, &svacc_wq_ktype,
					   sdev->wq_root, "wq%u", i);
		if (ret) {
			kobject_put(&wk->kobj);
			goto err;
		}
		sdev->wqs[i].kobj = &wk->kobj;
	}
	return 0;

err:
	svacc_sysfs_fini(sdev);
	return ret;
}

/**
 * svacc_sysfs_fini() - remove the wq directories
 * @sdev: device
 *
 * Waits for running show/store calls: afterwards none touches @sdev.
 */
void svacc_sysfs_fini(struct svacc_device *sdev)
{
	unsigned int i;

	for (i = 0; i < sdev->num_wqs; i++) {
		if (!sdev->wqs[i].kobj)
			continue;
		kobject_del(sdev->wqs[i].kobj);
		kobject_put(sdev->wqs[i].kobj);
		sdev->wqs[i].kobj = NULL;
	}
	kobject_put(sdev->wq_root);
	sdev->wq_root = NULL;
}
