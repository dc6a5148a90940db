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
 * @init: optional; at device probe, whichever mode is chosen: allocate
 *	what the mode needs, so that a fallback decided at open() allocates
 *	nothing that lives with the device. Returns 0 or a negative errno
 *	(the mode is then unavailable).
 * @enable: optional; take the device into this mode (program what @init
 *	prepared). Returns 0 or a negative errno.
 * @remove: optional; undo @enable; every context is unbound already
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
	int (*init)(struct svacc_device *sdev);
	int (*enable)(struct svacc_device *sdev);
	void (*remove)(struct svacc_device *sdev);
	void (*restart)(struct svacc_device *sdev);
	int (*bind)(struct svacc_ctx *ctx, enum drm_svacc_mode_reason *reason);
	void (*stop)(struct svacc_ctx *ctx);
	void (*unbind)(struct svacc_ctx *ctx);
	void (*fault_irq)(struct svacc_device *sdev, u32 cause);
};

extern const struct svacc_xlate_ops svacc_sva_ops;
extern const struct svacc_xlate_ops svacc_hmm_ops;

/**
 * struct svacc_mode_facts - what the translation mode is decided from
 * @force_hmm: the force_hmm module parameter is set
 * @dev_sva: the device offers ATS mode (CAP_XLATE) and the PCIe PASID,
 *	ATS and PRI capabilities
 * @iommu: an IOMMU translates for the device
 */
struct svacc_mode_facts {
	bool force_hmm;
	bool dev_sva;
	bool iommu;
};

enum drm_svacc_mode_reason svacc_mode_choose(const struct svacc_mode_facts *f);

#endif /* _SVACC_XLATE_H_ */
