/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * svacc translation modes behind one interface.
 *
 * The device resolves descriptor addresses either through the IOMMU (ATS
 * mode, shared virtual addressing: svacc_sva.c) or through its own page
 * table mirrored from the CPU's (DEVPT mode: svacc_hmm.c). The rest of the
 * driver only sees a PASID per context and these hooks.
 */
#ifndef _SVACC_XLATE_H_
#define _SVACC_XLATE_H_

#include "svacc_drv.h"

/**
 * struct svacc_xlate_ops - one translation mode
 * @name: for logs, sysfs and debugfs
 * @mode: &enum drm_svacc_mode reported to user space
 * @genctrl_mode: GENCTRL.MODE to enable the device with
 * @probe: decide at probe whether the mode is usable. Returns 0, or a
 *	negative errno with *@reason set (&enum drm_svacc_mode_reason) after
 *	undoing its own work. @verified tells whether the mode was proven to
 *	work; if not, the first @bind decides.
 * @remove: optional; undo a successful @probe; every context is unbound
 *	already
 * @restart: optional; program the device again after a reset (mode_lock)
 * @bind: bind @ctx->mm and set @ctx->pasid. Called at open. On failure,
 *	*@reason is set when the failure means the mode cannot work at all
 *	(as opposed to a transient error such as -ENOMEM).
 * @stop: optional; @ctx->pasid was aborted and is about to be released:
 *	wait until the device has nothing of it left in flight elsewhere
 *	(ATS mode: page request groups the OS has yet to answer)
 * @unbind: release what @bind took. The device has stopped every access
 *	with @ctx->pasid (ABORT_PASID completed, or the device was reset)
 *	before this is called.
 * @fault_irq: optional; INTCAUSE.FAULT/FQ_FULL seen (DEVPT fault queue),
 *	called from the misc interrupt thread
 */
struct svacc_xlate_ops {
	const char *name;
	enum drm_svacc_mode mode;
	u32 genctrl_mode;
	int (*probe)(struct svacc_device *sdev, enum drm_svacc_mode_reason *reason,
		     bool *verified);
	void (*remove)(struct svacc_device *sdev);
	void (*restart)(struct svacc_device *sdev);
	int (*bind)(struct svacc_ctx *ctx, enum drm_svacc_mode_reason *reason);
	void (*stop)(struct svacc_ctx *ctx);
	void (*unbind)(struct svacc_ctx *ctx);
	void (*fault_irq)(struct svacc_device *sdev, u32 cause);
};

extern const struct svacc_xlate_ops svacc_sva_ops;
extern const struct svacc_xlate_ops svacc_hmm_ops;

#endif /* _SVACC_XLATE_H_ */
