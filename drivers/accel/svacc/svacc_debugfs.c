// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc debugfs, under the accel device's directory
 * (/sys/kernel/debug/accel/<PCI device name>/): translation mode, WQ state, device and
 * driver counters, open contexts.
 */
#include <linux/bitfield.h>
#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/io.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>

#include "svacc_drv.h"
#include "svacc_xlate.h"

static const char * const svacc_counter_names[SVACC_NUM_COUNTERS] = {
	[SVACC_CNT_DESC_COMPLETED] = "desc_completed",
	[SVACC_CNT_BYTES] = "bytes",
	[SVACC_CNT_ATS_REQ] = "ats_req",
	[SVACC_CNT_ATC_HIT] = "atc_hit",
	[SVACC_CNT_ATC_MISS] = "atc_miss",
	[SVACC_CNT_PAGE_REQ] = "page_req",
	[SVACC_CNT_PRG] = "prg",
	[SVACC_CNT_DEV_FAULT] = "dev_fault",
	[SVACC_CNT_DEVTLB_INV] = "devtlb_inv",
	[SVACC_CNT_ATC_INV] = "atc_inv",
	[SVACC_CNT_DEVTLB_HIT] = "devtlb_hit",
	[SVACC_CNT_DEVTLB_MISS] = "devtlb_miss",
	[SVACC_CNT_ERRORS] = "errors",
	[SVACC_CNT_SWERRS] = "swerrs",
	[SVACC_CNT_FAULT_HOLD] = "fault_hold",
};

static struct svacc_device *svacc_seq_dev(struct seq_file *m)
{
	struct drm_debugfs_entry *entry = m->private;

	return to_svacc(entry->dev);
}

static int svacc_debugfs_mode(struct seq_file *m, void *data)
{
	struct svacc_device *sdev = svacc_seq_dev(m);

	mutex_lock(&sdev->mode_lock);
	seq_printf(m, "mode: %s\n", sdev->xlate ? sdev->xlate->name : "none");
	seq_printf(m, "decided: %s\n", sdev->mode_decided ? "yes" : "at the first bind");
	seq_printf(m, "reason: %s\n", svacc_mode_reason_name(sdev->mode_reason));
	seq_printf(m, "errno: %d\n", sdev->mode_errno);
	seq_printf(m, "cap_xlate: %#x\n", sdev->cap_xlate);
	mutex_unlock(&sdev->mode_lock);
	return 0;
}

static int svacc_debugfs_wqs(struct seq_file *m, void *data)
{
	struct svacc_device *sdev = svacc_seq_dev(m);
	unsigned int i;
	int idx;

	if (!drm_dev_enter(&sdev->drm, &idx))
		return -ENODEV;
	mutex_lock(&sdev->wq_mutex);
	seq_puts(m, "wq mode      size prio enabled hw owner_pasid occupancy wqerr\n");
	for (i = 0; i < sdev->num_wqs; i++) {
		struct svacc_wq *wq = &sdev->wqs[i];
		void __iomem *cfg = sdev->regs + SVACC_WQCFG(i);
		u32 sts = readl(cfg + SVACC_WQSTS);

		seq_printf(m, "%-2u %-9s %5u %4u %7d %2d ", i,
			   wq->dedicated ? "dedicated" : "shared", wq->size,
			   wq->priority, wq->enabled, !!(sts & SVACC_WQSTS_ENABLED));
		if (wq->owner)
			seq_printf(m, "%11u", wq->owner->pasid);
		else
			seq_printf(m, "%11s", "-");
		seq_printf(m, " %9lu %5u\n", FIELD_GET(SVACC_WQSTS_OCCUPANCY, sts),
			   readl(cfg + SVACC_WQERR));
	}
	mutex_unlock(&sdev->wq_mutex);
	drm_dev_exit(idx);
	return 0;
}

static int svacc_debugfs_counters(struct seq_file *m, void *data)
{
	struct svacc_device *sdev = svacc_seq_dev(m);
	unsigned int i;
	int idx;

	if (!drm_dev_enter(&sdev->drm, &idx))
		return -ENODEV;
	for (i = 0; i < SVACC_NUM_COUNTERS; i++)
		seq_printf(m, "%s: %llu\n", svacc_counter_names[i],
			   svacc_read_counter(sdev, i));
	drm_dev_exit(idx);
	seq_printf(m, "completion_irqs: %lld\n", atomic64_read(&sdev->compl_seq));
	seq_printf(m, "misc_irqs: %lld\n", atomic64_read(&sdev->misc_irqs));
	seq_printf(m, "swerrs_logged: %lld\n", atomic64_read(&sdev->swerrs));
	seq_printf(m, "hmm_faults: %lld\n", atomic64_read(&sdev->hmm.faults));
	seq_printf(m, "hmm_fault_batches: %lld\n", atomic64_read(&sdev->hmm.fault_batches));
	seq_printf(m, "hmm_pages_mapped: %lld\n", atomic64_read(&sdev->hmm.pages_mapped));
	seq_printf(m, "hmm_invalidations: %lld\n", atomic64_read(&sdev->hmm.invalidations));
	seq_printf(m, "hmm_huge_mappings: %lld\n", atomic64_read(&sdev->hmm.huge_mappings));
	seq_printf(m, "hmm_pt_pages: %lld\n", atomic64_read(&sdev->hmm.pt_pages));
	seq_printf(m, "hmm_dma_maps: %lld\n", atomic64_read(&sdev->hmm.dma_maps));
	seq_printf(m, "reset_epoch: %d\n", atomic_read(&sdev->reset_epoch));
	return 0;
}

static int svacc_debugfs_contexts(struct seq_file *m, void *data)
{
	struct svacc_device *sdev = svacc_seq_dev(m);
	struct svacc_ctx *ctx;

	mutex_lock(&sdev->ctx_lock);
	list_for_each_entry(ctx, &sdev->ctxs, node)
		seq_printf(m, "pasid %u live %d descs %lld bytes %lld\n",
			   ctx->pasid, ctx->live, atomic64_read(&ctx->descs),
			   atomic64_read(&ctx->bytes));
	mutex_unlock(&sdev->ctx_lock);
	return 0;
}

static const struct drm_debugfs_info svacc_debugfs_files[] = {
	{ "mode", svacc_debugfs_mode, 0 },
	{ "wqs", svacc_debugfs_wqs, 0 },
	{ "counters", svacc_debugfs_counters, 0 },
	{ "contexts", svacc_debugfs_contexts, 0 },
};

void svacc_debugfs_init(struct svacc_device *sdev)
{
	drm_debugfs_add_files(&sdev->drm, svacc_debugfs_files,
			      ARRAY_SIZE(svacc_debugfs_files));
	/* Test only: hold a portal mmap() open after the driver's part */
	debugfs_create_u32("test_portal_mmap_delay_ms", 0600,
			   sdev->drm.debugfs_root, &sdev->test_mmap_delay_ms);
	/* Fault injection: device commands that time out (one for all devices) */
	fault_create_debugfs_attr("fail_cmd", sdev->drm.debugfs_root, &svacc_fail_cmd);
}
