/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * svacc: driver-wide types.
 *
 * Lifetimes: struct svacc_device embeds the drm_device and lives until the
 * last open file is gone (drm-managed). Hardware resources (BARs, IRQs) are
 * device-managed and go away at remove; everything that touches them runs
 * inside drm_dev_enter()/drm_dev_exit(). A struct svacc_ctx is one open
 * file; its hardware state (PASID binding, claimed WQs) is torn down at
 * close or, if the device goes first, at remove.
 */
#ifndef _SVACC_DRV_H_
#define _SVACC_DRV_H_

#include <linux/device.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/svacc_accel.h>

#include "svacc_regs.h"

struct fault_attr;
struct svacc_ctx;
struct svacc_xlate_ops;

/* mmap offsets of portal pages: page SVACC_PORTAL_PGOFF + WQ index */
#define SVACC_PORTAL_PGOFF		0x100000UL

/* Restarts in a row a device may be stopped again during before we give up */
#define SVACC_RESTART_RETRIES		3

/**
 * struct svacc_wq - one work queue
 * @sdev: the device
 * @idx: WQ index
 * @dedicated: mode (WQCFG0.MODE); changed under wq_mutex and portal_lock
 * @size: depth (WQCFG0.SIZE)
 * @priority: WQCFG0.PRIORITY
 * @enabled: shared: enabled in hardware; dedicated: may be claimed
 * @hw_enabled: WQSTS.ENABLED as last set by the driver
 * @owner: dedicated: the claiming context, or NULL
 * @claim_gen: bumped by every claim; a portal mapping serves one claim
 * @releasing: released by its owner, its queued work still draining
 * @releaser: while @releasing, the user of the owner that released it
 * @portal_lock: serialises the privileged portal (shared WQs)
 * @pcommits: commit count of the privileged portal after our last commit
 * @irq_cpu: CPU the WQ's completion vector is steered to, or -1
 * @uportal: kernel mapping of the user portal page
 * @pportal: kernel mapping of the privileged portal page
 * @sysfs: its sysfs attribute group, wqN
 *
 * Configuration and claims are protected by &svacc_device.wq_mutex.
 */
struct svacc_wq {
	struct svacc_device *sdev;
	unsigned int idx;
	bool dedicated;
	u16 size;
	u8 priority;
	bool enabled;
	bool hw_enabled;
	struct svacc_ctx *owner;
	u64 claim_gen;
	bool releasing;
	kuid_t releaser;
	spinlock_t portal_lock; /* privileged portal + SUBMIT_STATUS */
	u16 pcommits;
	int irq_cpu;
	void __iomem *uportal;
	void __iomem *pportal;
	struct svacc_wq_sysfs *sysfs;
};

#define SVACC_WQ_NR_ATTRS	6

/**
 * struct svacc_wq_sysfs - the attribute group wqN of one WQ
 * @attrs: its attributes, each pointing at the WQ
 * @ptrs: @attrs for the group, NULL-terminated
 * @group: the group, named @name
 * @name: "wqN"
 */
struct svacc_wq_sysfs {
	struct dev_ext_attribute attrs[SVACC_WQ_NR_ATTRS];
	struct attribute *ptrs[SVACC_WQ_NR_ATTRS + 1];
	struct attribute_group group;
	char name[16];
};

/**
 * struct svacc_device - one svacc PCI function
 * @drm: DRM accel device
 * @pdev: PCI device
 * @regs: BAR0
 * @portals: BAR2
 * @portal_phys: bus address of BAR2 (for user mappings)
 * @version: VERSION
 * @cap_ops: CAP_OPS
 * @cap_xlate: CAP_XLATE
 * @num_wqs: CAP_WQ.NUM_WQS
 * @total_wq_depth: CAP_WQ.TOTAL_WQ_DEPTH
 * @max_transfer_shift: CAP_LIMITS log2 max transfer
 * @max_batch: CAP_LIMITS max batch descriptors
 * @va_bits: CAP_XLATE.VA_BITS: the device translates addresses below 2^va_bits
 * @wqs: @num_wqs work queues
 * @wq_mutex: WQ configuration, enable state and claims
 * @cmd_lock: one device command at a time
 * @prs_lock: one PRS_PENDING query at a time
 * @xlate: translation mode in use, NULL when none is available
 * @mode_reason: &enum drm_svacc_mode_reason
 * @mode_errno: positive errno behind @mode_reason
 * @open_errno: negative errno of open() while @xlate is NULL
 * @hmm_init_errno: negative errno of the HMM mirror's setup at probe, or 0
 * @mode_lock: protects the mode, its confirmation by the first bind and
 *	a fallback from it; held across a bind only until the mode is decided
 * @mode_decided: @xlate/@mode_reason are final (SVA mode: a bind succeeded)
 * @hw_enabled: GENCTRL.ENABLE was set by the driver
 * @stopped: the device was reset and awaits its restart (svacc_reset.c)
 * @in_flr: an FLR or PCI error recovery is under way (no restart work)
 * @regs_off: the BARs may not decode (svacc_regs_lock())
 * @failed: the device could not be restarted, or the PCI core gave it up
 *	(permanent failure): user calls fail with -EIO until an FLR through
 *	sysfs restarts it (svacc_reset.c)
 * @reset_epoch: 1 + the number of device resets since probe
 * @reset_lock: orders device resets against fault responses (fault ids
 *	start again after a reset)
 * @recover_work: restarts a stopped device
 * @restart_retries: restarts in a row that the device was stopped again
 *	during (mode_lock)
 * @xlate_priv: the HMM mirror's per-device state, set up at probe
 * @ctx_lock: protects @ctxs and @closing
 * @ctxs: open contexts
 * @closing: contexts whose close is unbinding them (svacc_ctx.c)
 * @close_wait: woken when such a close is done
 * @compl_seq: bumped by every completion interrupt
 * @compl_wait: woken by every completion interrupt
 * @misc_irqs: misc interrupts handled
 * @swerrs: software errors logged by the driver
 * @hmm: HMM mirror statistics (&struct drm_svacc_counters hmm_*)
 * @nvecs: MSI-X vectors allocated
 * @irqs_requested: number of vectors with a handler
 * @test_mmap_delay_ms: debugfs, test only: sleep at the end of a portal
 *	mmap(), widening the window before the mapping is published
 */
struct svacc_device {
	struct drm_device drm;
	struct pci_dev *pdev;
	void __iomem *regs;
	void __iomem *portals;
	resource_size_t portal_phys;

	u32 version;
	u32 cap_ops;
	u32 cap_xlate;
	unsigned int num_wqs;
	unsigned int total_wq_depth;
	unsigned int max_transfer_shift;
	unsigned int max_batch;
	unsigned int va_bits;

	struct svacc_wq *wqs;
	struct mutex wq_mutex; /* WQ config and claims */
	struct mutex cmd_lock; /* CMD/CMDARG/CMDSTS */
	struct mutex prs_lock; /* PRS_PASID/PRS_PENDING */

	const struct svacc_xlate_ops *xlate;
	enum drm_svacc_mode_reason mode_reason;
	int mode_errno;
	int open_errno;
	int hmm_init_errno;
	struct mutex mode_lock; /* mode and its confirmation */
	bool mode_decided;
	bool hw_enabled;
	bool stopped;
	bool in_flr;
	bool regs_off;
	bool failed;
	atomic_t reset_epoch;
	spinlock_t reset_lock; /* reset vs. FAULT_RESP */
	struct work_struct recover_work;
	unsigned int restart_retries;
	void *xlate_priv;

	struct mutex ctx_lock; /* ctxs list */
	struct list_head ctxs;
	unsigned int closing;
	wait_queue_head_t close_wait;

	atomic64_t compl_seq;
	wait_queue_head_t compl_wait;
	atomic64_t misc_irqs;
	atomic64_t swerrs;
	struct {
		atomic64_t faults;
		atomic64_t fault_batches;
		atomic64_t pages_mapped;
		atomic64_t invalidations;
		atomic64_t huge_mappings;
		atomic64_t pt_pages;
		atomic64_t dma_maps;
	} hmm;

	unsigned int nvecs;
	unsigned int irqs_requested;
	u32 test_mmap_delay_ms;
};

/**
 * struct svacc_ctx - one open file: a client bound to one address space
 * @sdev: the device
 * @file: the DRM file
 * @mm: the opener's address space (grabbed); every call must come from it
 * @uid: the opener's user, for the per-user limits
 * @node: entry in &svacc_device.ctxs
 * @xlate_priv: per-context state of the translation mode
 * @pasid: PASID (SVA) or device context id (HMM)
 * @live: hardware state exists (bound, WQs may be claimed)
 * @aborted: ABORT_PASID was issued for @pasid (the mm exited, or close)
 * @stop: its teardown waits for @pasid to be stopped (the last file of
 *	its address space)
 * @mn: notices the end of @mm before the IOMMU tears the PASID down
 * @seen_seq: &svacc_device.compl_seq when this file last consumed a wake-up
 * @descs: descriptors accepted through the submit ioctl
 * @bytes: data bytes named by those descriptors
 * @next_wq: rotor for SVACC_WQ_ANY
 */
struct svacc_ctx {
	struct svacc_device *sdev;
	struct drm_file *file;
	struct mm_struct *mm;
	kuid_t uid;
	struct list_head node;
	void *xlate_priv;
	u32 pasid;
	bool live;
	bool aborted;
	bool stop;
	struct mmu_notifier mn;
	u64 seen_seq;
	atomic64_t descs;
	atomic64_t bytes;
	unsigned int next_wq;
};

static inline struct svacc_device *to_svacc(struct drm_device *drm)
{
	return container_of(drm, struct svacc_device, drm);
}

static inline struct device *svacc_dev(struct svacc_device *sdev)
{
	return &sdev->pdev->dev;
}

/* svacc_drv.c */
extern struct workqueue_struct *svacc_workqueue;
extern unsigned int svacc_max_contexts_per_user;
extern unsigned int svacc_max_wqs_per_user;
extern unsigned int svacc_shared_wq_fault_hold_ms;
extern unsigned int svacc_max_pasids_per_user;

/* svacc_device.c */
int svacc_hw_init(struct svacc_device *sdev);
int svacc_hw_enable(struct svacc_device *sdev, u32 mode);
void svacc_hw_disable(struct svacc_device *sdev);
int svacc_cmd(struct svacc_device *sdev, u32 cmd, u64 arg);
int svacc_cmd_quiesce(struct svacc_device *sdev, u32 cmd, u64 arg);
int svacc_wq_hw_enable(struct svacc_wq *wq, u32 pasid);
int svacc_wq_hw_disable(struct svacc_wq *wq, bool discard);
u64 svacc_read_counter(struct svacc_device *sdev, unsigned int i);
int svacc_sysfs_init(struct svacc_device *sdev);
void svacc_sysfs_fini(struct svacc_device *sdev);

/* svacc_device.c: fault injection */
extern struct fault_attr svacc_fail_cmd;

/* svacc_reset.c */
extern const struct pci_error_handlers svacc_err_handlers;
void svacc_hw_stop(struct svacc_device *sdev);
int svacc_regs_lock(void);
void svacc_regs_unlock(int idx);

/* Under svacc_regs_lock(): true if the BARs must not be accessed */
static inline bool svacc_regs_off(struct svacc_device *sdev)
{
	return READ_ONCE(sdev->regs_off);
}

/*
 * What a submission or claim that finds the device stopped returns: -EAGAIN
 * while it restarts, -EIO once it failed.
 */
static inline int svacc_stopped_errno(struct svacc_device *sdev)
{
	return READ_ONCE(sdev->stopped) && !READ_ONCE(sdev->failed) ? -EAGAIN : -EIO;
}
void svacc_reset_init(struct svacc_device *sdev);
void svacc_reset_fini(struct svacc_device *sdev);

/* svacc_ctx.c */
int svacc_ctx_open(struct drm_device *drm, struct drm_file *file);
void svacc_ctx_postclose(struct drm_device *drm, struct drm_file *file);
struct svacc_ctx *svacc_ctx_get(struct drm_file *file);
void svacc_ctx_shutdown_all(struct svacc_device *sdev);
void svacc_show_fdinfo(struct drm_printer *p, struct drm_file *file);

/* svacc_mode.c */
void svacc_mode_probe(struct svacc_device *sdev);
void svacc_mode_remove(struct svacc_device *sdev);
int svacc_mode_bind(struct svacc_ctx *ctx);
const char *svacc_mode_reason_name(enum drm_svacc_mode_reason reason);

/* svacc_sva.c */
void svacc_pasid_exit(void);

/* svacc_submit.c */
int svacc_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file);
bool svacc_user_range_ok(struct svacc_device *sdev, u64 addr, u64 len);

/* svacc_wq.c */
int svacc_ioctl_wq_claim(struct drm_device *drm, void *data, struct drm_file *file);
int svacc_ioctl_wq_release(struct drm_device *drm, void *data, struct drm_file *file);
int svacc_mmap(struct file *filp, struct vm_area_struct *vma);
void svacc_wq_unmap_portals(struct svacc_device *sdev);
void svacc_ctx_release_wqs(struct svacc_ctx *ctx);

/* svacc_irq.c */
int svacc_irq_init(struct svacc_device *sdev);
void svacc_irq_fini(struct svacc_device *sdev);
int svacc_ioctl_wait(struct drm_device *drm, void *data, struct drm_file *file);
__poll_t svacc_poll(struct file *filp, struct poll_table_struct *wait);

/* svacc_debugfs.c */
void svacc_debugfs_init(struct svacc_device *sdev);

#endif /* _SVACC_DRV_H_ */
