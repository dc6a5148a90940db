// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc reset and recovery.
 *
 * The driver resets the device whenever it can no longer trust it to stop
 * on command: a device command that does not complete (ABORT_PASID behind
 * page requests the OS never answers, DISABLE_WQ behind a fault that never
 * resolves), a device-TLB invalidation that does not complete, a halt, an
 * FLR asked for through sysfs, or a PCI error. Nothing the device was doing
 * survives a reset: queued and running descriptors are dropped without
 * records. Contexts stay open and keep their PASIDs and claimed WQs; the
 * reset epoch moves on, so that DRM_IOCTL_SVACC_WAIT returns -ECANCELED
 * for a record submitted under an older epoch that will never be written.
 *
 * Stopping is one register write and allowed in any context; it is what
 * makes a teardown safe when a command failed. Bringing the device back
 * sleeps: it runs from a work item, or from reset_done() after an FLR.
 */
#include <linux/bitfield.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/srcu.h>

#include <drm/drm_drv.h>

#include "svacc_drv.h"
#include "svacc_trace.h"
#include "svacc_xlate.h"

/**
 * svacc_hw_stop() - reset the device now and recover it later
 * @sdev: device
 *
 * When this returns the device makes no memory access, accepts nothing
 * and has dropped every descriptor. Callable in atomic context. Unless an
 * FLR is under way, the device is brought back by the recovery work.
 */
void svacc_hw_stop(struct svacc_device *sdev)
{
	unsigned long flags;
	unsigned int i;

	/*
	 * Stopped first: a submitter that finds its commit dropped or
	 * rejected by the reset below knows why (svacc_wq_submit()); the
	 * MMIO write orders the store before the reset.
	 */
	WRITE_ONCE(sdev->stopped, true);
	spin_lock_irqsave(&sdev->reset_lock, flags);
	writel(1, sdev->regs + SVACC_RESET);
	/* The reset is complete once the write is: flush it. */
	readl(sdev->regs + SVACC_VERSION);
	atomic_inc(&sdev->reset_epoch);
	spin_unlock_irqrestore(&sdev->reset_lock, flags);
	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq *wq = &sdev->wqs[i];

		spin_lock(&wq->portal_lock);
		wq->hw_enabled = false;
		spin_unlock(&wq->portal_lock);
	}
	/* Again: a restart that ended since the first store cleared it. */
	WRITE_ONCE(sdev->stopped, true);
	wake_up_all(&sdev->compl_wait);
	if (!READ_ONCE(sdev->in_flr))
		queue_work(svacc_workqueue, &sdev->recover_work);
}

/*
 * The device cannot be used: a restart failed, or the PCI core gave it up.
 * Until an FLR through sysfs restarts it, submissions and claims fail
 * with -EIO, portal accesses get SIGBUS (the pages go from every mapping)
 * and waiters return -EIO. Contexts stay open. Caller holds wq_mutex.
 */
static void svacc_hw_failed(struct svacc_device *sdev)
{
	lockdep_assert_held(&sdev->wq_mutex);
	if (!READ_ONCE(sdev->failed))
		dev_err(svacc_dev(sdev), "device failed: user calls fail with -EIO until an FLR restarts it\n");
	WRITE_ONCE(sdev->failed, true);
	svacc_wq_unmap_portals(sdev);
	wake_up_all(&sdev->compl_wait);
}

/*
 * The restart that began at reset epoch @epoch is over. Unless the device
 * was stopped again meanwhile (a command of the restart timed out, a halt
 * came in), it runs: clear @stopped. If it was, @stopped stays set and the
 * restart runs once more; svacc_hw_stop() left that to us when an FLR was
 * under way. Returns true when the device runs.
 */
static bool svacc_hw_restarted(struct svacc_device *sdev, int epoch)
{
	bool again;

	spin_lock_irq(&sdev->reset_lock);
	again = atomic_read(&sdev->reset_epoch) != epoch;
	if (!again)
		WRITE_ONCE(sdev->stopped, false);
	spin_unlock_irq(&sdev->reset_lock);
	if (!again) {
		sdev->restart_retries = 0;
		return true;
	}
	if (++sdev->restart_retries > SVACC_RESTART_RETRIES) {
		dev_err(svacc_dev(sdev), "device stopped again while restarting, %u times: it stays stopped\n",
			sdev->restart_retries);
		svacc_hw_failed(sdev);
		return false;
	}
	dev_warn(svacc_dev(sdev), "device stopped again while restarting: restarting it again\n");
	queue_work(svacc_workqueue, &sdev->recover_work);
	return false;
}

/*
 * Bring a stopped (or just reset) device back: the translation mode, the
 * WQ configuration and every claim as they were. Caller holds mode_lock
 * and wq_mutex: no claim or release touches a WQ while it runs, and one
 * that follows sees the device stopped or restarted, never in between.
 */
static void svacc_hw_restart(struct svacc_device *sdev)
{
	int epoch = atomic_read(&sdev->reset_epoch);
	unsigned int i;
	int ret;

	lockdep_assert_held(&sdev->mode_lock);
	lockdep_assert_held(&sdev->wq_mutex);
	/* A clean slate, whatever stopped the device (a halt included). */
	writel(1, sdev->regs + SVACC_RESET);
	writel(SVACC_INT_CMD_DONE | SVACC_INT_INV_DONE, sdev->regs + SVACC_INTMASK);
	writel(SVACC_INT_ALL, sdev->regs + SVACC_INTCAUSE);
	sdev->hw_enabled = false;
	if (!sdev->xlate)
		return;
	if (sdev->xlate->restart)
		sdev->xlate->restart(sdev);
	ret = svacc_hw_enable(sdev, sdev->xlate->genctrl_mode);
	if (ret) {
		if (atomic_read(&sdev->reset_epoch) != epoch) {
			svacc_hw_restarted(sdev, epoch);
		} else {
			dev_err(svacc_dev(sdev), "device not restarted (%d): it stays stopped\n",
				ret);
			svacc_hw_failed(sdev);
		}
		return;
	}

	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq *wq = &sdev->wqs[i];

		if (!wq->owner)
			continue;
		ret = svacc_wq_hw_enable(wq, wq->owner->pasid);
		if (ret)
			dev_err(svacc_dev(sdev), "wq%u: claim not restored (%d)\n", i, ret);
	}
	if (!svacc_hw_restarted(sdev, epoch))
		return;
	WRITE_ONCE(sdev->failed, false);
	/*
	 * The shared WQs took work as soon as they were enabled above, and a
	 * fault it raised since found the fault work refusing to read the
	 * queue of a stopped device: look at the queue again now.
	 */
	if (sdev->xlate->fault_irq)
		sdev->xlate->fault_irq(sdev, 0);
	dev_info(svacc_dev(sdev), "device reset and restarted (reset epoch %d)\n",
		 atomic_read(&sdev->reset_epoch));
}

static void svacc_recover_work(struct work_struct *work)
{
	struct svacc_device *sdev = container_of(work, struct svacc_device,
						 recover_work);
	int idx;

	if (!drm_dev_enter(&sdev->drm, &idx))
		return;
	mutex_lock(&sdev->mode_lock);
	mutex_lock(&sdev->wq_mutex);
	/* An FLR or PCI error recovery restarts the device at its end */
	if (READ_ONCE(sdev->stopped) && !READ_ONCE(sdev->in_flr))
		svacc_hw_restart(sdev);
	mutex_unlock(&sdev->wq_mutex);
	mutex_unlock(&sdev->mode_lock);
	drm_dev_exit(idx);
}

/**
 * svacc_reset_init() - set up recovery
 * @sdev: device
 */
void svacc_reset_init(struct svacc_device *sdev)
{
	atomic_set(&sdev->reset_epoch, 1);
	spin_lock_init(&sdev->reset_lock);
	INIT_WORK(&sdev->recover_work, svacc_recover_work);
}

/**
 * svacc_reset_fini() - no recovery runs or will run
 * @sdev: device, unplugged
 */
void svacc_reset_fini(struct svacc_device *sdev)
{
	cancel_work_sync(&sdev->recover_work);
}

/*
 * An FLR or PCI error recovery owns the function from reset_prepare() or
 * error_detected() until reset_done() or slot_reset(). Meanwhile its
 * memory decode may be off (the PCI core clears the Command register
 * around an FLR), and an access to its BARs is an Unsupported Request,
 * which some platforms escalate to a fatal error. mode_lock and wq_mutex
 * keep the driver's own configuration paths out; what they do not cover
 * asks svacc_regs_off() first, and user space loses its portal
 * mappings: a portal fault waits for the end of the reset.
 */
DEFINE_STATIC_SRCU(svacc_regs_srcu);

/**
 * svacc_regs_lock() - begin register accesses that the reset's locks allow
 *
 * For paths that mode_lock and wq_mutex do not exclude: a device-TLB
 * invalidation from an MMU notifier, a closing context's command, the
 * fault queue work. Until svacc_regs_unlock() they may touch the
 * registers if svacc_regs_off() says no. While the BARs may not decode
 * the device is held in reset: it was reset before and is restarted
 * after, makes no access meanwhile and has discarded its TLB, so such a
 * path has nothing to do. Callable in atomic context.
 *
 * Return: the index for svacc_regs_unlock().
 */
int svacc_regs_lock(void)
	__acquires(svacc_regs)
{
	return srcu_read_lock(&svacc_regs_srcu);
}

/**
 * svacc_regs_unlock() - end what svacc_regs_lock() began
 * @idx: its return value
 */
void svacc_regs_unlock(int idx)
	__releases(svacc_regs)
{
	srcu_read_unlock(&svacc_regs_srcu, idx);
}

/*
 * Close or open the register gate, and wait for the accesses that began
 * under its previous state: none is left in flight when the BARs go, and
 * none that skipped its work (a device-TLB invalidation) is still running
 * when the restart lets the device walk the page tables again. The trace
 * says "off" once no access is in flight, "on" before any can begin.
 */
static void svacc_regs_set_off(struct svacc_device *sdev, bool off)
{
	if (!off)
		trace_svacc_regs(sdev, false);
	WRITE_ONCE(sdev->regs_off, off);
	synchronize_srcu(&svacc_regs_srcu);
	if (off)
		trace_svacc_regs(sdev, true);
}

/*
 * No user access reaches the portals until the reset is over: @in_flr
 * makes svacc_portal_fault() wait, and every portal page goes from every
 * mapping (claims stand; the pages come back at the next access). Under
 * wq_mutex, which the fault handler takes to map a page.
 */
static void svacc_flr_begin(struct svacc_device *sdev)
{
	lockdep_assert_held(&sdev->wq_mutex);
	WRITE_ONCE(sdev->in_flr, true);
	svacc_wq_unmap_portals(sdev);
}

/*
 * The reset is over: restart, then let portal faults map pages again. Not
 * a function the PCI core gave up (permanent failure): its registers stay
 * off limits, and it stays failed until it is removed.
 */
static void svacc_flr_end(struct svacc_device *sdev)
{
	lockdep_assert_held(&sdev->mode_lock);
	lockdep_assert_held(&sdev->wq_mutex);
	if (sdev->pdev->error_state == pci_channel_io_perm_failure) {
		svacc_hw_failed(sdev);
		return;
	}
	svacc_regs_set_off(sdev, false);
	sdev->restart_retries = 0;
	svacc_hw_restart(sdev);
	WRITE_ONCE(sdev->in_flr, false);
	wake_up_all(&sdev->compl_wait);
}

/*
 * FLR through sysfs (pci_reset_function()): stop before it, restart after
 * it. mode_lock and wq_mutex are held from prepare to done, so that no
 * context is bound or torn down, and no WQ claimed, released or
 * configured, against a device in the middle of a reset: its registers
 * read as all ones then, which would pass for a WQ still enabled.
 */
static void svacc_reset_prepare(struct pci_dev *pdev)
{
	struct svacc_device *sdev = pci_get_drvdata(pdev);

	mutex_lock(&sdev->mode_lock);
	mutex_lock(&sdev->wq_mutex);
	svacc_flr_begin(sdev);
	/* Given up by the PCI core: stopped, its registers off already */
	if (pdev->error_state == pci_channel_io_perm_failure)
		return;
	svacc_hw_stop(sdev);
	svacc_regs_set_off(sdev, true);
}

static void svacc_reset_done(struct pci_dev *pdev)
{
	struct svacc_device *sdev = pci_get_drvdata(pdev);

	svacc_flr_end(sdev);
	mutex_unlock(&sdev->wq_mutex);
	mutex_unlock(&sdev->mode_lock);
}

/*
 * The PCI core gave the function up (recovery failed, here or for another
 * function below the same port): stop it if it may still be reached, keep
 * every path off its registers, and fail user calls. Whatever stage of a
 * recovery it comes in: after error_detected() without slot_reset() (the
 * link did not come back), or after a slot_reset().
 */
static void svacc_perm_failure(struct svacc_device *sdev)
{
	bool stop;

	mutex_lock(&sdev->wq_mutex);
	stop = !READ_ONCE(sdev->in_flr);
	if (stop)
		svacc_flr_begin(sdev);
	svacc_hw_failed(sdev);
	mutex_unlock(&sdev->wq_mutex);
	if (stop) {
		svacc_hw_stop(sdev);
		svacc_regs_set_off(sdev, true);
	}
	/* @in_flr stays set: no restart comes, portal faults see @failed */
}

/* A PCI error (AER): stop, let the core reset the link, restart. */
static pci_ers_result_t svacc_error_detected(struct pci_dev *pdev,
					     pci_channel_state_t state)
{
	struct svacc_device *sdev = pci_get_drvdata(pdev);

	dev_err(&pdev->dev, "PCI error (channel state %d)\n", state);
	if (state == pci_channel_io_perm_failure) {
		svacc_perm_failure(sdev);
		return PCI_ERS_RESULT_DISCONNECT;
	}
	mutex_lock(&sdev->wq_mutex);
	svacc_flr_begin(sdev);
	mutex_unlock(&sdev->wq_mutex);
	svacc_hw_stop(sdev);
	svacc_regs_set_off(sdev, true);
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t svacc_slot_reset(struct pci_dev *pdev)
{
	struct svacc_device *sdev = pci_get_drvdata(pdev);

	/* The state saved at probe; saved again for the next error */
	pci_restore_state(pdev);
	pci_save_state(pdev);
	mutex_lock(&sdev->mode_lock);
	mutex_lock(&sdev->wq_mutex);
	svacc_flr_end(sdev);
	mutex_unlock(&sdev->wq_mutex);
	mutex_unlock(&sdev->mode_lock);
	/* Not restarted: the core gives it up (and says so to the driver) */
	return READ_ONCE(sdev->failed) ? PCI_ERS_RESULT_DISCONNECT :
					 PCI_ERS_RESULT_RECOVERED;
}

const struct pci_error_handlers svacc_err_handlers = {
	.error_detected = svacc_error_detected,
	.slot_reset = svacc_slot_reset,
	.reset_prepare = svacc_reset_prepare,
	.reset_done = svacc_reset_done,
};
