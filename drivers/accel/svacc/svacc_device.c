// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc device control: reset, capabilities, enable, device commands and
 * work queue configuration, with sysfs knobs for the WQ configuration in
 * the spirit of accel-config (/sys/bus/pci/devices/.../wqN/).
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/fault-inject.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include <drm/drm_managed.h>

#include "svacc_drv.h"
#include "svacc_trace.h"

/* Commands wait for queued work (DISABLE_WQ) and page requests: be generous. */
#define SVACC_CMD_TIMEOUT_US	(10 * USEC_PER_SEC)
#define SVACC_CMD_POLL_US	20
#define SVACC_WQ_DEFAULT_PRIO	8

/*
 * debugfs fail_cmd (CONFIG_FAULT_INJECTION_DEBUG_FS): a device command
 * fails as one that never completes would, without waiting for it.
 */
DECLARE_FAULT_ATTR(svacc_fail_cmd);

/*
 * Only while fail_cmd is armed (probability > 0): a task's fail-nth counts
 * every fault site it passes, and this one stands for the device failing,
 * which resets it under every user, not for an allocation of that task.
 */
static bool svacc_cmd_should_fail(void)
{
#ifdef CONFIG_FAULT_INJECTION
	if (!READ_ONCE(svacc_fail_cmd.probability))
		return false;
#endif
	return should_fail(&svacc_fail_cmd, 1);
}

static void __iomem *svacc_wqcfg(struct svacc_wq *wq, unsigned int reg)
{
	return wq->sdev->regs + SVACC_WQCFG(wq->idx) + reg;
}

/*
 * WQCFG0, and WQCFG2's FAULT_HOLD: a descriptor waiting for a fault holds
 * its WQ, so on a shared WQ one address space whose faults never resolve
 * (a file whose server does not answer) would stop every other. On a
 * dedicated WQ only its owner waits: no limit.
 */
static void svacc_wq_write_cfg(struct svacc_wq *wq)
{
	u32 cfg = FIELD_PREP(SVACC_WQCFG0_SIZE, wq->size) |
		  FIELD_PREP(SVACC_WQCFG0_PRIORITY, wq->priority);
	u32 hold = READ_ONCE(svacc_shared_wq_fault_hold_ms);

	if (wq->dedicated) {
		cfg |= SVACC_WQCFG0_DEDICATED;
		hold = 0;
	} else if (hold > FIELD_MAX(SVACC_WQCFG2_FAULT_HOLD)) {
		hold = FIELD_MAX(SVACC_WQCFG2_FAULT_HOLD);
	}
	writel(cfg, svacc_wqcfg(wq, SVACC_WQCFG0));
	writel(FIELD_PREP(SVACC_WQCFG2_FAULT_HOLD, hold),
	       svacc_wqcfg(wq, SVACC_WQCFG2));
}

/**
 * svacc_cmd() - run one device command and wait for it
 * @sdev: device
 * @cmd: SVACC_CMD_*
 * @arg: CMDARG operand
 *
 * A command that does not complete in time leaves the device in an
 * unknown state: it is stopped (svacc_hw_stop(): no further access, every
 * descriptor dropped) and recovered in the background, and -ETIMEDOUT is
 * returned. A device that is halted, not enabled, gone or being reset by
 * an FLR makes no access either (-EIO, -ENODEV).
 *
 * Return: 0, or a negative errno for a refused, failed or timed out command.
 */
int svacc_cmd(struct svacc_device *sdev, u32 cmd, u64 arg)
{
	int ret, idx;
	u32 sts;

	mutex_lock(&sdev->cmd_lock);
	idx = svacc_regs_lock();
	/* Being reset by an FLR or PCI error recovery: it makes no access */
	if (svacc_regs_off(sdev)) {
		ret = -ENODEV;
		goto out;
	}
	sts = readl(sdev->regs + SVACC_GENSTS);
	if (sts == U32_MAX) {
		ret = -ENODEV;
		goto out;
	}
	if (sts & SVACC_GENSTS_HALTED) {
		ret = -EIO;
		goto out;
	}

	if (svacc_cmd_should_fail()) {
		dev_err(svacc_dev(sdev), "command %#x (%#llx) failed by fault injection: resetting the device\n",
			cmd, arg);
		svacc_hw_stop(sdev);
		ret = -ETIMEDOUT;
		goto out;
	}

	writeq(arg, sdev->regs + SVACC_CMDARG);
	writel(cmd, sdev->regs + SVACC_CMD);
	ret = readl_poll_timeout(sdev->regs + SVACC_CMDSTS, sts,
				 !(sts & SVACC_CMDSTS_ACTIVE) || sts == U32_MAX,
				 SVACC_CMD_POLL_US, SVACC_CMD_TIMEOUT_US);
	if (ret) {
		dev_err(svacc_dev(sdev), "command %#x (%#llx) did not complete in %u s: resetting the device\n",
			cmd, arg, (unsigned int)(SVACC_CMD_TIMEOUT_US / USEC_PER_SEC));
		svacc_hw_stop(sdev);
		goto out;
	}
	if (sts == U32_MAX) {
		ret = -ENODEV;
		goto out;
	}

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
		ret = -EIO;
		break;
	}
out:
	svacc_regs_unlock(idx);
	mutex_unlock(&sdev->cmd_lock);
	if (ret)
		dev_dbg(svacc_dev(sdev), "command %#x (%#llx) failed: %d\n",
			cmd, arg, ret);
	return ret;
}

/**
 * svacc_cmd_quiesce() - a command after which the device must be quiet
 * @sdev: device
 * @cmd: SVACC_CMD_ABORT_PASID, SVACC_CMD_ABORT_WQ or SVACC_CMD_DISABLE_WQ
 * @arg: its operand
 *
 * For teardown: whatever the command's outcome, when this returns the
 * device makes no further access for @arg. A command that failed without
 * stopping the device (refused operand...) stops it now.
 *
 * Return: 0 when the command itself did it, else the errno of its failure.
 */
int svacc_cmd_quiesce(struct svacc_device *sdev, u32 cmd, u64 arg)
{
	int ret = svacc_cmd(sdev, cmd, arg);

	/* timed out: stopped already; halted, disabled or gone: quiet */
	if (ret == -EINVAL || ret == -EOPNOTSUPP) {
		dev_err(svacc_dev(sdev), "command %#x (%#llx) refused (%d): resetting the device\n",
			cmd, arg, ret);
		svacc_hw_stop(sdev);
	}
	trace_svacc_drain(sdev, cmd, arg, ret);
	return ret;
}

/**
 * svacc_wq_hw_enable() - program and enable a WQ
 * @wq: WQ, configuration in place
 * @pasid: PASID for a dedicated WQ (ignored for shared WQs)
 *
 * The configuration registers take writes only while the WQ is disabled:
 * both are read back, so that a WQ the device still runs under an older
 * PASID is never handed on.
 *
 * Caller holds &svacc_device.wq_mutex.
 *
 * Return: 0 or a negative errno (WQERR explained in the log).
 */
int svacc_wq_hw_enable(struct svacc_wq *wq, u32 pasid)
{
	struct svacc_device *sdev = wq->sdev;
	u32 cfg1 = wq->dedicated ? FIELD_PREP(SVACC_WQCFG1_PASID, pasid) : 0;
	u32 err;
	int ret;

	lockdep_assert_held(&sdev->wq_mutex);
	/* Callers keep out of a reset (in_flr): its BARs may not decode */
	if (WARN_ON_ONCE(svacc_regs_off(sdev)))
		return -EIO;
	if (readl(svacc_wqcfg(wq, SVACC_WQSTS)) & SVACC_WQSTS_ENABLED) {
		dev_err(svacc_dev(sdev), "wq%u still enabled in the device: resetting it\n",
			wq->idx);
		svacc_hw_stop(sdev);
		return -EIO;
	}
	svacc_wq_write_cfg(wq);
	writel(cfg1, svacc_wqcfg(wq, SVACC_WQCFG1));
	if (readl(svacc_wqcfg(wq, SVACC_WQCFG1)) != cfg1)
		return -EIO;

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
 * svacc_wq_hw_disable() - disable a WQ
 * @wq: WQ
 * @discard: drop its queued work (ABORT_WQ) instead of completing it
 *
 * When this returns the device makes no further access for the WQ's
 * descriptors, whatever happened: a command that fails stops the device.
 * Caller holds &svacc_device.wq_mutex.
 *
 * Return: 0 or a negative errno from the commands.
 */
int svacc_wq_hw_disable(struct svacc_wq *wq, bool discard)
{
	struct svacc_device *sdev = wq->sdev;
	int ret = 0;

	lockdep_assert_held(&sdev->wq_mutex);
	/* No new descriptor may use this configuration from now on. */
	spin_lock(&wq->portal_lock);
	wq->hw_enabled = false;
	spin_unlock(&wq->portal_lock);
	/*
	 * An FLR or PCI error recovery has the function (set under
	 * wq_mutex): it was reset, its BARs may not decode, and the restart
	 * enables only claimed WQs. A PCI error recovery, unlike an FLR,
	 * lets wq_mutex go between error_detected() and slot_reset().
	 */
	if (READ_ONCE(sdev->in_flr))
		return 0;
	WARN_ON_ONCE(svacc_regs_off(sdev));
	/*
	 * Never enabled, or the device is stopped: nothing runs (a reset
	 * disabled every WQ, and the restart enables only claimed ones).
	 */
	if (READ_ONCE(sdev->stopped) ||
	    !(readl(svacc_wqcfg(wq, SVACC_WQSTS)) & SVACC_WQSTS_ENABLED)) {
		writel(0, svacc_wqcfg(wq, SVACC_WQCFG1));
		return 0;
	}

	if (discard)
		ret = svacc_cmd_quiesce(sdev, SVACC_CMD_ABORT_WQ, wq->idx);
	ret = ret ?: svacc_cmd_quiesce(sdev, SVACC_CMD_DISABLE_WQ, wq->idx);
	if (!ret && (readl(svacc_wqcfg(wq, SVACC_WQSTS)) & SVACC_WQSTS_ENABLED)) {
		dev_err(svacc_dev(sdev), "wq%u still enabled after DISABLE_WQ: resetting the device\n",
			wq->idx);
		svacc_hw_stop(sdev);
		ret = -EIO;
	}
	writel(0, svacc_wqcfg(wq, SVACC_WQCFG1));
	return ret;
}

static void svacc_wqs_enable_shared(struct svacc_device *sdev)
{
	unsigned int i;
	int ret;

	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq *wq = &sdev->wqs[i];

		if (wq->dedicated || !wq->enabled || wq->hw_enabled)
			continue;
		ret = svacc_wq_hw_enable(wq, 0);
		if (ret)
			dev_warn(svacc_dev(sdev), "wq%u: cannot enable: %d\n", i, ret);
	}
}

/* A device counter; 0, its reset value, while an FLR has the function */
u64 svacc_read_counter(struct svacc_device *sdev, unsigned int i)
{
	int idx = svacc_regs_lock();
	u64 v = 0;

	if (!svacc_regs_off(sdev))
		v = readq(sdev->regs + SVACC_CNT(i));
	svacc_regs_unlock(idx);
	return v;
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
	/* 0: a device from before the field, which translated 47 bits */
	sdev->va_bits = min_t(u32, FIELD_GET(SVACC_XLATE_VA_BITS, sdev->cap_xlate) ?: 47, 56);
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
 * Caller holds &svacc_device.wq_mutex.
 *
 * Return: 0, or -EIO when the device refused (reason logged).
 */
int svacc_hw_enable(struct svacc_device *sdev, u32 mode)
{
	unsigned int i;
	u32 sts;

	lockdep_assert_held(&sdev->wq_mutex);
	for (i = 0; i < sdev->num_wqs; i++)
		svacc_wq_write_cfg(&sdev->wqs[i]);

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
		svacc_wq_hw_disable(&sdev->wqs[i], true);
	mutex_unlock(&sdev->wq_mutex);

	ctrl = readl(sdev->regs + SVACC_GENCTRL);
	writel(ctrl & ~SVACC_GENCTRL_ENABLE, sdev->regs + SVACC_GENCTRL);
	sdev->hw_enabled = false;
}

/*
 * sysfs: one attribute group per WQ, wqN/{mode,size,priority,enabled,
 * state,occupancy}, on the PCI device. The number of WQs is the device's,
 * so the groups are made at probe, each attribute a dev_ext_attribute
 * whose var is its WQ.
 */

static struct svacc_wq *attr_to_wq(struct device_attribute *attr)
{
	return container_of(attr, struct dev_ext_attribute, attr)->var;
}

static ssize_t mode_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", attr_to_wq(attr)->dedicated ? "dedicated" : "shared");
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

static ssize_t mode_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct svacc_wq *wq = attr_to_wq(attr);
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
	/* the submit path reads it under the portal lock */
	spin_lock(&wq->portal_lock);
	wq->dedicated = dedicated;
	spin_unlock(&wq->portal_lock);
	mutex_unlock(&wq->sdev->wq_mutex);
	return count;
}

static ssize_t size_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", attr_to_wq(attr)->size);
}

static ssize_t size_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct svacc_wq *wq = attr_to_wq(attr);
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

static ssize_t priority_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", attr_to_wq(attr)->priority);
}

static ssize_t priority_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct svacc_wq *wq = attr_to_wq(attr);
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

static ssize_t enabled_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", attr_to_wq(attr)->enabled);
}

/*
 * Shared WQ: enable or disable it in hardware (disabling completes the
 * queued work first). Dedicated WQ: allow or forbid claims.
 */
static ssize_t enabled_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct svacc_wq *wq = attr_to_wq(attr);
	struct svacc_device *sdev = wq->sdev;
	bool enable;
	int ret;

	ret = kstrtobool(buf, &enable);
	if (ret)
		return ret;

	mutex_lock(&sdev->wq_mutex);
	if (wq->owner) {
		ret = -EBUSY;
	} else if (READ_ONCE(sdev->in_flr) && enable) {
		/* a reset has the function; its restart enables what is owned */
		ret = -EAGAIN;
	} else if (!wq->dedicated && sdev->hw_enabled) {
		if (enable && !wq->hw_enabled)
			ret = svacc_wq_hw_enable(wq, 0);
		else if (!enable)
			ret = svacc_wq_hw_disable(wq, false);
	}
	if (!ret)
		wq->enabled = enable;
	mutex_unlock(&sdev->wq_mutex);
	return ret ?: count;
}

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct svacc_wq *wq = attr_to_wq(attr);

	if (wq->owner)
		return sysfs_emit(buf, "claimed\n");
	return sysfs_emit(buf, "%s\n", wq->hw_enabled ? "enabled" : "disabled");
}

static ssize_t occupancy_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct svacc_wq *wq = attr_to_wq(attr);
	int idx = svacc_regs_lock();
	u32 sts = 0;

	/* held in reset by an FLR: nothing is queued */
	if (!svacc_regs_off(wq->sdev))
		sts = readl(svacc_wqcfg(wq, SVACC_WQSTS));
	svacc_regs_unlock(idx);
	return sysfs_emit(buf, "%lu\n", FIELD_GET(SVACC_WQSTS_OCCUPANCY, sts));
}

/* Every WQ's group has these, in this order */
static const struct device_attribute svacc_wq_attrs[SVACC_WQ_NR_ATTRS] = {
	__ATTR_RW(mode),
	__ATTR_RW(size),
	__ATTR_RW(priority),
	__ATTR_RW(enabled),
	__ATTR_RO(state),
	__ATTR_RO(occupancy),
};

/**
 * svacc_sysfs_init() - add the wqN attribute groups to the PCI device
 * @sdev: device
 *
 * Return: 0 or a negative errno.
 */
int svacc_sysfs_init(struct svacc_device *sdev)
{
	unsigned int i, j;
	int ret;

	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq *wq = &sdev->wqs[i];
		struct svacc_wq_sysfs *ws = kzalloc_obj(*ws);

		if (!ws) {
			ret = -ENOMEM;
			goto err;
		}
		for (j = 0; j < SVACC_WQ_NR_ATTRS; j++) {
			ws->attrs[j].attr = svacc_wq_attrs[j];
			sysfs_attr_init(&ws->attrs[j].attr.attr);
			ws->attrs[j].var = wq;
			ws->ptrs[j] = &ws->attrs[j].attr.attr;
		}
		snprintf(ws->name, sizeof(ws->name), "wq%u", i);
		ws->group.name = ws->name;
		ws->group.attrs = ws->ptrs;
		ret = sysfs_create_group(&svacc_dev(sdev)->kobj, &ws->group);
		if (ret) {
			kfree(ws);
			goto err;
		}
		wq->sysfs = ws;
	}
	return 0;

err:
	svacc_sysfs_fini(sdev);
	return ret;
}

/**
 * svacc_sysfs_fini() - remove the wqN attribute groups
 * @sdev: device
 *
 * Waits for running show/store calls: afterwards none touches @sdev.
 */
void svacc_sysfs_fini(struct svacc_device *sdev)
{
	unsigned int i;

	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq *wq = &sdev->wqs[i];

		if (!wq->sysfs)
			continue;
		sysfs_remove_group(&svacc_dev(sdev)->kobj, &wq->sysfs->group);
		kfree(wq->sysfs);
		wq->sysfs = NULL;
	}
}
