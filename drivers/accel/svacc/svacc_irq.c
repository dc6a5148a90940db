// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc interrupts and completion waiting.
 *
 * Vector 0 carries the misc causes (software errors, halt, DEVPT faults);
 * vector 1 + n the completion interrupts of WQ n. A completion interrupt
 * does not say whose descriptor completed: it bumps a device-wide sequence
 * and wakes every waiter, and each waiter checks its own completion record
 * in user memory.
 */
#include <linux/bitfield.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "svacc_drv.h"
#include "svacc_trace.h"
#include "svacc_xlate.h"

/* WAIT re-reads the record at least this often (descriptors without RCI). */
#define SVACC_WAIT_RECHECK_MS	10

static irqreturn_t svacc_compl_irq(int irq, void *data)
{
	struct svacc_wq *wq = data;
	struct svacc_device *sdev = wq->sdev;
	u64 seq = atomic64_inc_return(&sdev->compl_seq);

	trace_svacc_complete(sdev, wq->idx, seq);
	wake_up_all(&sdev->compl_wait);
	return IRQ_HANDLED;
}

static void svacc_handle_swerr(struct svacc_device *sdev)
{
	u64 e0 = readq(sdev->regs + SVACC_SWERR0);
	u64 e1, e2, e3;

	if (!(e0 & SVACC_SWERR_VALID))
		return;
	e1 = readq(sdev->regs + SVACC_SWERR1);
	e2 = readq(sdev->regs + SVACC_SWERR2);
	e3 = readq(sdev->regs + SVACC_SWERR3);
	/* Clearing VALID also clears OVERFLOW and re-arms the log. */
	writeq(SVACC_SWERR_VALID, sdev->regs + SVACC_SWERR0);
	atomic64_inc(&sdev->swerrs);

	trace_svacc_error(sdev, FIELD_GET(SVACC_SWERR_CODE, e0),
			  FIELD_GET(SVACC_SWERR_WQ, e0),
			  FIELD_GET(SVACC_SWERR_OPCODE, e0),
			  FIELD_GET(SVACC_SWERR_PASID, e0), e1);
	dev_err_ratelimited(svacc_dev(sdev),
			    "software error %#llx%s: wq %llu opcode %#llx pasid %llu%s, addr %#llx, info %#llx %#llx\n",
			    FIELD_GET(SVACC_SWERR_CODE, e0),
			    (e0 & SVACC_SWERR_OVERFLOW) ? " (more dropped)" : "",
			    FIELD_GET(SVACC_SWERR_WQ, e0),
			    FIELD_GET(SVACC_SWERR_OPCODE, e0),
			    FIELD_GET(SVACC_SWERR_PASID, e0),
			    (e0 & SVACC_SWERR_PRIV) ? " priv" : "", e1, e2, e3);
}

static irqreturn_t svacc_misc_cause(struct svacc_device *sdev)
{
	const struct svacc_xlate_ops *xlate = READ_ONCE(sdev->xlate);
	u32 cause = readl(sdev->regs + SVACC_INTCAUSE);

	/* all ones: the function is gone (surprise removal), nothing to do */
	if (!cause || cause == U32_MAX)
		return IRQ_NONE;
	/* Clear first: an event after this point raises the vector again. */
	writel(cause, sdev->regs + SVACC_INTCAUSE);
	atomic64_inc(&sdev->misc_irqs);

	if (cause & SVACC_INT_SWERR)
		svacc_handle_swerr(sdev);
	if (cause & SVACC_INT_HALT) {
		dev_err(svacc_dev(sdev), "device halted (GENSTS %#x): resetting it\n",
			readl(sdev->regs + SVACC_GENSTS));
		svacc_hw_stop(sdev);
	}
	if ((cause & (SVACC_INT_FAULT | SVACC_INT_FQ_FULL)) && xlate && xlate->fault_irq)
		xlate->fault_irq(sdev, cause);
	return IRQ_HANDLED;
}

/*
 * A threaded handler may run long after its vector fired: a cause raised
 * before an FLR is read only after it, or not at all, never while the
 * BARs may not decode. The reset discarded what it signalled; the
 * restart clears INTCAUSE and looks at the fault queue again.
 */
static irqreturn_t svacc_misc_irq(int irq, void *data)
{
	struct svacc_device *sdev = data;
	irqreturn_t ret = IRQ_NONE;
	int idx;

	idx = svacc_regs_lock();
	if (!svacc_regs_off(sdev))
		ret = svacc_misc_cause(sdev);
	svacc_regs_unlock(idx);
	return ret;
}

/**
 * svacc_irq_init() - allocate MSI-X vectors and request their handlers
 * @sdev: device
 *
 * Return: 0 or a negative errno (nothing left allocated).
 */
int svacc_irq_init(struct svacc_device *sdev)
{
	struct pci_dev *pdev = sdev->pdev;
	unsigned int nvec = 1 + sdev->num_wqs, i;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, nvec, nvec, PCI_IRQ_MSIX);
	if (ret < 0) {
		dev_err(&pdev->dev, "cannot allocate %u MSI-X vectors: %d\n", nvec, ret);
		return ret;
	}
	sdev->nvecs = ret;

	ret = request_threaded_irq(pci_irq_vector(pdev, SVACC_VEC_MISC), NULL,
				   svacc_misc_irq, IRQF_ONESHOT, "svacc-misc", sdev);
	if (ret)
		goto err;
	sdev->irqs_requested = 1;

	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq *wq = &sdev->wqs[i];
		unsigned int irq = pci_irq_vector(pdev, SVACC_VEC_WQ(i));

		ret = request_irq(irq, svacc_compl_irq, 0, "svacc-wq", wq);
		if (ret)
			goto err;
		sdev->irqs_requested++;
		/*
		 * Steer the WQs' completion vectors round-robin over the online
		 * CPUs; SVACC_WQ_ANY submissions prefer a WQ steered to the
		 * submitting CPU, so a completion interrupts the CPU that waits
		 * for it. Only a hint: user space and CPU hot-unplug may move it.
		 */
		wq->irq_cpu = cpumask_nth(i % num_online_cpus(), cpu_online_mask);
		if (wq->irq_cpu >= nr_cpu_ids ||
		    irq_set_affinity_and_hint(irq, cpumask_of(wq->irq_cpu)))
			wq->irq_cpu = -1;
	}
	return 0;

err:
	svacc_irq_fini(sdev);
	return ret;
}

/**
 * svacc_irq_fini() - release handlers, then vectors
 * @sdev: device
 *
 * The order matters: freeing vectors with a handler still requested
 * leaves a stale /proc/irq entry behind.
 */
void svacc_irq_fini(struct svacc_device *sdev)
{
	struct pci_dev *pdev = sdev->pdev;
	unsigned int i;

	for (i = sdev->irqs_requested; i-- > 0;) {
		/* free_irq() refuses to run with an affinity hint set */
		if (i != SVACC_VEC_MISC)
			irq_update_affinity_hint(pci_irq_vector(pdev, i), NULL);
		free_irq(pci_irq_vector(pdev, i),
			 i == SVACC_VEC_MISC ? (void *)sdev : &sdev->wqs[i - 1]);
	}
	sdev->irqs_requested = 0;
	if (sdev->nvecs)
		pci_free_irq_vectors(pdev);
	sdev->nvecs = 0;
}

/**
 * svacc_poll() - &file_operations.poll
 * @filp: device file
 * @wait: poll table
 *
 * EPOLLIN when a completion interrupt happened since this file last
 * consumed one with DRM_IOCTL_SVACC_WAIT.
 *
 * Return: poll mask.
 */
__poll_t svacc_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct drm_file *file = filp->private_data;
	struct svacc_device *sdev = to_svacc(file->minor->dev);
	struct svacc_ctx *ctx = svacc_ctx_get(file);

	if (IS_ERR(ctx))
		return EPOLLERR;
	poll_wait(filp, &sdev->compl_wait, wait);
	if (drm_dev_is_unplugged(&sdev->drm))
		return EPOLLERR | EPOLLHUP;
	if (READ_ONCE(sdev->failed))
		return EPOLLERR;
	if (atomic64_read(&sdev->compl_seq) != READ_ONCE(ctx->seen_seq))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

/**
 * svacc_ioctl_wait() - DRM_IOCTL_SVACC_WAIT
 * @drm: device
 * @data: &struct drm_svacc_wait
 * @file: caller
 *
 * Return: 0 with @status set, -ETIME, -EINTR, -EFAULT, -ECANCELED (the
 * device was reset after @reset_epoch), -EIO (the device failed: the
 * record is not written) or -ENODEV.
 */
int svacc_ioctl_wait(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct svacc_device *sdev = to_svacc(drm);
	struct drm_svacc_wait *args = data;
	u8 __user *status = u64_to_user_ptr(args->completion_addr);
	struct svacc_ctx *ctx;
	ktime_t deadline;
	bool reset;
	long ret;
	u64 seq;
	u8 st;

	ctx = svacc_ctx_get(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (args->timeout_ns < 0 ||
	    !IS_ALIGNED(args->completion_addr, SVACC_COMPL_ALIGN))
		return -EINVAL;
	args->status = 0;
	deadline = ktime_add_ns(ktime_get(), args->timeout_ns);

	for (;;) {
		unsigned long sleep;
		s64 left;

		/* Sample the sequence first: a later interrupt ends the sleep. */
		seq = atomic64_read(&sdev->compl_seq);
		/*
		 * And the epoch before the record: a reset has stopped the
		 * device before the epoch moves, so a record written before
		 * the reset is seen below and is not reported as cancelled.
		 */
		reset = args->reset_epoch &&
			args->reset_epoch != atomic_read(&sdev->reset_epoch);
		smp_rmb();	/* pairs with the reset's unlock, after the device stopped */
		if (get_user(st, status))
			return -EFAULT;
		if (st) {
			args->status = st;
			WRITE_ONCE(ctx->seen_seq, seq);
			return 0;
		}
		if (drm_dev_is_unplugged(drm))
			return -ENODEV;
		/* a reset dropped it: this record is never written */
		if (reset)
			return -ECANCELED;
		if (READ_ONCE(sdev->failed))
			return -EIO;
		left = ktime_to_ns(ktime_sub(deadline, ktime_get()));
		if (left <= 0) {
			/*
			 * The record was read after @seq was sampled: any
			 * interrupt that could complete it since moves the
			 * sequence again, so poll() may stop reporting @seq.
			 */
			WRITE_ONCE(ctx->seen_seq, seq);
			return -ETIME;
		}

		sleep = min(nsecs_to_jiffies(left) + 1,
			    msecs_to_jiffies(SVACC_WAIT_RECHECK_MS));
		ret = wait_event_interruptible_timeout(sdev->compl_wait,
						       atomic64_read(&sdev->compl_seq) != seq ||
						       drm_dev_is_unplugged(drm) ||
						       READ_ONCE(sdev->failed) ||
						       (args->reset_epoch &&
							args->reset_epoch !=
							atomic_read(&sdev->reset_epoch)),
						       sleep);
		if (ret < 0)
			return -EINTR;
	}
}
