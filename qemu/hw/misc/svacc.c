/*
 * svacc: shared-virtual-addressing PCI accelerator
 *
 * PCI device, register file (BAR0), work-queue portals (BAR2), device
 * commands and reset.  The programming interface is specified in
 * Documentation/accel/svacc/hardware.rst of the svacc project.
 *
 * Copyright (c) 2026 The svacc authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pcie_aer.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "system/dma.h"
#include "svacc.h"
#include "trace.h"

#define SVACC_PCIE_CAP_OFFSET   0x80
#define SVACC_EXT_CAP_OFFSET    0x100
#define SVACC_PRI_MIN_CAPACITY  32

static uint32_t svacc_cap_xlate(SvaccState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint32_t v = SVACC_XLATE_DEVPT |
                 (SVACC_VA_BITS << SVACC_XLATE_VA_BITS_SHIFT);

    /* a PCIe device on a conventional bus loses its extended capabilities */
    v |= pdev->exp.pasid_cap ? SVACC_XLATE_PASID : 0;
    v |= pdev->exp.ats_cap ? SVACC_XLATE_ATS : 0;
    v |= pdev->exp.pri_cap ? SVACC_XLATE_PRI : 0;
    if (pdev->exp.pasid_cap && pdev->exp.ats_cap && pdev->exp.pri_cap) {
        v |= SVACC_XLATE_ATS_MODE;
    }
    return v;
}

/* ---------------------------------------------------------------------- */
/* Commands */

static uint8_t svacc_wq_enable(SvaccState *s, unsigned n)
{
    SvaccWQ *wq = &s->wq[n];
    uint32_t size = wq->cfg0 & SVACC_WQCFG0_SIZE_MASK;
    uint32_t prio = (wq->cfg0 & SVACC_WQCFG0_PRIO_MASK) >>
                    SVACC_WQCFG0_PRIO_SHIFT;
    uint32_t sum = size;
    uint32_t err = 0;
    int i;

    if (wq->enabled) {
        return SVACC_CMDSTS_SUCCESS;
    }
    for (i = 0; i < s->num_wqs; i++) {
        if (s->wq[i].enabled) {
            sum += s->wq[i].cfg0 & SVACC_WQCFG0_SIZE_MASK;
        }
    }
    if (!svacc_enabled(s)) {
        err = SVACC_WQERR_DEV_DISABLED;
    } else if (!size || sum > s->total_depth) {
        err = SVACC_WQERR_SIZE;
    } else if (!prio) {
        err = SVACC_WQERR_PRIORITY;
    } else if ((wq->cfg0 & SVACC_WQCFG0_DEDICATED) &&
               (wq->cfg1 & SVACC_WQCFG1_PASID_MASK) >= svacc_pasid_limit(s)) {
        err = SVACC_WQERR_PASID;
    }
    wq->err = err;
    if (err == SVACC_WQERR_DEV_DISABLED) {
        return SVACC_CMDSTS_NOT_ENABLED;
    }
    if (err) {
        svacc_log_swerr(s, SVACC_SWERR_WQ_CONFIG, n, 0, 0, false, 0, n, err);
        return SVACC_CMDSTS_INVALID;
    }
    g_free(wq->ring);
    wq->ring = g_new0(SvaccQueued, size);
    wq->ring_size = size;
    wq->head = 0;
    wq->count = 0;
    wq->enabled = true;
    wq->disabling = false;
    svacc_portals_clear(s, n);
    return SVACC_CMDSTS_SUCCESS;
}

static void svacc_cmd_write(SvaccState *s, uint32_t val)
{
    unsigned n = s->cmdarg & 0xff;
    uint32_t pasid = s->cmdarg & SVACC_DESC_PASID_MASK;

    if (s->cmdsts & SVACC_CMDSTS_ACTIVE) {
        return;
    }
    s->cmd = val & 0xff;
    s->cmdsts = SVACC_CMDSTS_ACTIVE;
    trace_svacc_cmd(s->cmd, s->cmdarg);

    switch (s->cmd) {
    case SVACC_CMD_ENABLE_WQ:
        if (n >= s->num_wqs || (s->cmdarg >> 8)) {
            svacc_cmd_done(s, SVACC_CMDSTS_INVALID);
        } else {
            svacc_cmd_done(s, svacc_wq_enable(s, n));
            svacc_engine_kick(s);
        }
        return;
    case SVACC_CMD_DISABLE_WQ:
    case SVACC_CMD_DRAIN_WQ:
        if (n >= s->num_wqs || (s->cmdarg >> 8)) {
            svacc_cmd_done(s, SVACC_CMDSTS_INVALID);
            return;
        }
        if (!s->wq[n].enabled) {
            svacc_cmd_done(s, SVACC_CMDSTS_SUCCESS);
            return;
        }
        if (s->cmd == SVACC_CMD_DISABLE_WQ) {
            s->wq[n].disabling = true;
        }
        break;
    case SVACC_CMD_ABORT_WQ:
        if (n >= s->num_wqs || (s->cmdarg >> 8)) {
            svacc_cmd_done(s, SVACC_CMDSTS_INVALID);
            return;
        }
        /* the job is freed after the copies in flight (a fence) */
        svacc_wq_flush(s, n);
        svacc_portals_clear(s, n);
        svacc_cmd_done(s, SVACC_CMDSTS_SUCCESS);
        svacc_engine_kick(s);
        return;
    case SVACC_CMD_DRAIN_PASID:
    case SVACC_CMD_ABORT_PASID:
        if (s->cmdarg > SVACC_DESC_PASID_MASK) {
            svacc_cmd_done(s, SVACC_CMDSTS_INVALID);
            return;
        }
        if (s->cmd == SVACC_CMD_ABORT_PASID) {
            /* no new page request with the PASID from here on */
            svacc_abort_pasid(s, pasid);
            svacc_cmd_done(s, SVACC_CMDSTS_SUCCESS);
            svacc_engine_kick(s);
            return;
        }
        break;
    case SVACC_CMD_RESET_COUNTERS:
        memset(s->counters, 0, sizeof(s->counters));
        svacc_cmd_done(s, SVACC_CMDSTS_SUCCESS);
        return;
    default:
        svacc_cmd_done(s, SVACC_CMDSTS_UNKNOWN);
        return;
    }
    s->cmd_pending = true;
    s->cmd_seq = s->next_seq;
    svacc_check_commands(s);
}

/* ---------------------------------------------------------------------- */
/* General control */

static void svacc_genctrl_write(SvaccState *s, uint32_t val)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint8_t reason = SVACC_REASON_NONE;
    unsigned mode;
    int i;

    if (s->gensts & SVACC_GENSTS_HALTED) {
        return;
    }
    s->gensts &= ~(SVACC_GENSTS_ERR | (0xffu << SVACC_GENSTS_REASON_SHIFT));

    if (s->gensts & SVACC_GENSTS_ENABLED) {
        if (val & SVACC_GENCTRL_ENABLE) {
            return;
        }
        for (i = 0; i < s->num_wqs; i++) {
            if (s->wq[i].enabled) {
                s->gensts |= SVACC_GENSTS_ERR |
                    (SVACC_REASON_WQ_ENABLED << SVACC_GENSTS_REASON_SHIFT);
                return;
            }
        }
        s->genctrl &= ~SVACC_GENCTRL_ENABLE;
        s->gensts &= ~SVACC_GENSTS_ENABLED;
        svacc_xlate_reset(s);
        return;
    }

    s->genctrl = val & (SVACC_GENCTRL_ENABLE | SVACC_GENCTRL_MODE_MASK);
    if (!(val & SVACC_GENCTRL_ENABLE)) {
        return;
    }
    mode = svacc_mode(s);
    if (s->inject_enable_fail) {
        reason = SVACC_REASON_HW_ERROR;
    } else if (mode == SVACC_MODE_ATS) {
        if (!(svacc_cap_xlate(s) & SVACC_XLATE_ATS_MODE)) {
            reason = SVACC_REASON_BAD_MODE;
        } else if (!pcie_pasid_enabled(pdev) || !pcie_ats_enabled(pdev)) {
            reason = SVACC_REASON_NO_PASID_ATS;
        }
    } else if (mode == SVACC_MODE_DEVPT) {
        if (!s->ctx_base || (s->ctx_base & ~SVACC_PAGE_MASK) ||
            !s->ctx_size || s->ctx_size > SVACC_CTX_MAX) {
            reason = SVACC_REASON_CTX_INVALID;
        } else if ((s->fq_ctl & SVACC_FQ_CTL_ENABLE) &&
                   (!s->fq_base || (s->fq_base & ~SVACC_PAGE_MASK) ||
                    !is_power_of_2(s->fq_size) ||
                    s->fq_size < SVACC_FQ_SIZE_MIN ||
                    s->fq_size > SVACC_FQ_SIZE_MAX)) {
            reason = SVACC_REASON_FQ_INVALID;
        }
    } else {
        reason = SVACC_REASON_BAD_MODE;
    }
    if (reason) {
        s->genctrl &= ~SVACC_GENCTRL_ENABLE;
        s->gensts |= SVACC_GENSTS_ERR | (reason << SVACC_GENSTS_REASON_SHIFT);
        return;
    }
    svacc_xlate_reset(s);
    s->gensts |= SVACC_GENSTS_ENABLED;
}

static void svacc_inv_start(SvaccState *s)
{
    svacc_devtlb_invalidate(s);
    s->counters[SVACC_CNT_DEVTLB_INV]++;
    svacc_raise_cause(s, SVACC_INT_INV_DONE);
}

/* ---------------------------------------------------------------------- */
/* Register file */

static uint32_t svacc_wqcfg_read(SvaccState *s, unsigned n, hwaddr off)
{
    SvaccWQ *wq = &s->wq[n];
    uint32_t occ;

    switch (off) {
    case SVACC_WQCFG0:
        return wq->cfg0;
    case SVACC_WQCFG1:
        return wq->cfg1;
    case SVACC_WQCFG2:
        return wq->cfg2;
    case SVACC_WQSTS:
        occ = wq->count + (wq->job ? 1 : 0);
        return (wq->enabled ? SVACC_WQSTS_ENABLED : 0) |
               (MIN(occ, 0xffff) << SVACC_WQSTS_OCC_SHIFT);
    case SVACC_WQERR:
        return wq->err;
    }
    return 0;
}

static void svacc_wqcfg_write(SvaccState *s, unsigned n, hwaddr off,
                              uint32_t val)
{
    SvaccWQ *wq = &s->wq[n];

    if (wq->enabled) {
        return;
    }
    switch (off) {
    case SVACC_WQCFG0:
        wq->cfg0 = val & (SVACC_WQCFG0_SIZE_MASK | SVACC_WQCFG0_DEDICATED |
                          SVACC_WQCFG0_PRIO_MASK);
        break;
    case SVACC_WQCFG1:
        wq->cfg1 = val & (SVACC_WQCFG1_PASID_MASK | SVACC_WQCFG1_PRIV);
        break;
    case SVACC_WQCFG2:
        wq->cfg2 = val & SVACC_WQCFG2_FAULT_HOLD_MASK;
        break;
    }
}

static uint32_t svacc_reg_read32(SvaccState *s, hwaddr addr)
{
    if (addr >= SVACC_WQCFG_BASE &&
        addr < SVACC_WQCFG_BASE + SVACC_WQCFG_STRIDE * s->num_wqs) {
        return svacc_wqcfg_read(s, (addr - SVACC_WQCFG_BASE) /
                                SVACC_WQCFG_STRIDE,
                                addr % SVACC_WQCFG_STRIDE);
    }
    if (addr >= SVACC_COUNTERS && addr < SVACC_COUNTERS + 8 * SVACC_CNT_NUM) {
        return s->counters[(addr - SVACC_COUNTERS) / 8] >> (addr & 4 ? 32 : 0);
    }
    switch (addr) {
    case SVACC_VERSION:
        return SVACC_VERSION_1_0;
    case SVACC_CAP_OPS:
        return (1u << SVACC_OP_NUM) - 1;
    case SVACC_CAP_WQ:
        return s->num_wqs | (s->total_depth << SVACC_CAP_WQ_DEPTH_SHIFT);
    case SVACC_CAP_XLATE:
        return svacc_cap_xlate(s);
    case SVACC_CAP_TLB:
        return s->atc_entries |
               (s->devtlb_entries << SVACC_CAP_TLB_DEVTLB_SHIFT);
    case SVACC_CAP_LIMITS:
        return SVACC_MAX_XFER_LOG2 |
               (SVACC_MAX_BATCH << SVACC_CAP_LIMITS_BATCH_SHIFT);
    case SVACC_GENCTRL:
        return s->genctrl;
    case SVACC_GENSTS:
        return s->gensts;
    case SVACC_INTCAUSE:
        return s->intcause;
    case SVACC_INTMASK:
        return s->intmask;
    case SVACC_SWERR0 ... SVACC_SWERR3 + 4:
        return s->swerr[(addr - SVACC_SWERR0) / 8] >> (addr & 4 ? 32 : 0);
    case SVACC_CMDSTS:
        return s->cmdsts;
    case SVACC_CMDARG:
        return s->cmdarg;
    case SVACC_CMDARG + 4:
        return s->cmdarg >> 32;
    case SVACC_FQ_BASE:
        return s->fq_base;
    case SVACC_FQ_BASE + 4:
        return s->fq_base >> 32;
    case SVACC_FQ_SIZE:
        return s->fq_size;
    case SVACC_FQ_HEAD:
        return s->fq_head;
    case SVACC_FQ_TAIL:
        return s->fq_tail;
    case SVACC_FQ_CTL:
        return s->fq_ctl;
    case SVACC_INV_PASID:
        return s->inv_pasid;
    case SVACC_INV_CTL:
        return 0;   /* invalidation completes before the START write returns */
    case SVACC_INV_ADDR:
        return s->inv_addr;
    case SVACC_INV_ADDR + 4:
        return s->inv_addr >> 32;
    case SVACC_INV_PAGES:
        return s->inv_pages;
    case SVACC_INV_PAGES + 4:
        return s->inv_pages >> 32;
    case SVACC_CTX_BASE:
        return s->ctx_base;
    case SVACC_CTX_BASE + 4:
        return s->ctx_base >> 32;
    case SVACC_CTX_SIZE:
        return s->ctx_size;
    case SVACC_PRS_PASID:
        return s->prs_pasid;
    case SVACC_PRS_PENDING:
        return svacc_pasid_prgs_pending(s, s->prs_pasid);
    }
    return 0;
}

static void svacc_set_half(uint64_t *reg, hwaddr addr, uint32_t val)
{
    if (addr & 4) {
        *reg = deposit64(*reg, 32, 32, val);
    } else {
        *reg = deposit64(*reg, 0, 32, val);
    }
}

static void svacc_soft_reset(SvaccState *s);

static void svacc_reg_write32(SvaccState *s, hwaddr addr, uint32_t val)
{
    if (addr >= SVACC_WQCFG_BASE &&
        addr < SVACC_WQCFG_BASE + SVACC_WQCFG_STRIDE * s->num_wqs) {
        svacc_wqcfg_write(s, (addr - SVACC_WQCFG_BASE) / SVACC_WQCFG_STRIDE,
                          addr % SVACC_WQCFG_STRIDE, val);
        return;
    }
    if (addr >= SVACC_COUNTERS && addr < SVACC_COUNTERS + 8 * SVACC_CNT_NUM) {
        if (!val) {
            s->counters[(addr - SVACC_COUNTERS) / 8] = 0;
        }
        return;
    }
    switch (addr) {
    case SVACC_GENCTRL:
        svacc_genctrl_write(s, val);
        break;
    case SVACC_RESET:
        if (val & 1) {
            svacc_soft_reset(s);
        }
        break;
    case SVACC_INTCAUSE:
        s->intcause &= ~val;
        break;
    case SVACC_INTMASK:
        s->intmask = val & SVACC_INT_ALL;
        break;
    case SVACC_SWERR0:
        if (val & SVACC_SWERR0_VALID) {
            s->swerr[0] &= ~(SVACC_SWERR0_VALID | SVACC_SWERR0_OVERFLOW);
        }
        break;
    case SVACC_CMD:
        svacc_cmd_write(s, val);
        break;
    case SVACC_CMDARG:
    case SVACC_CMDARG + 4:
        if (!(s->cmdsts & SVACC_CMDSTS_ACTIVE)) {
            svacc_set_half(&s->cmdarg, addr, val);
        }
        break;
    case SVACC_FQ_BASE:
    case SVACC_FQ_BASE + 4:
        svacc_set_half(&s->fq_base, addr, val);
        break;
    case SVACC_FQ_SIZE:
        s->fq_size = val;
        break;
    case SVACC_FQ_HEAD:
        s->fq_head = s->fq_size ? val & (s->fq_size - 1) : 0;
        svacc_engine_kick(s);
        break;
    case SVACC_FQ_CTL:
        if ((val & SVACC_FQ_CTL_ENABLE) && !(s->fq_ctl & SVACC_FQ_CTL_ENABLE)) {
            s->fq_head = 0;
            s->fq_tail = 0;
        }
        s->fq_ctl = val & SVACC_FQ_CTL_ENABLE;
        break;
    case SVACC_FAULT_RESP:
        svacc_fault_resp(s, val);
        break;
    case SVACC_INV_PASID:
        s->inv_pasid = val & (SVACC_INV_PASID_ALL | SVACC_DESC_PASID_MASK);
        break;
    case SVACC_INV_CTL:
        if (val & SVACC_INV_CTL_START) {
            svacc_inv_start(s);
        }
        break;
    case SVACC_INV_ADDR:
    case SVACC_INV_ADDR + 4:
        svacc_set_half(&s->inv_addr, addr, val);
        s->inv_addr &= SVACC_PAGE_MASK;
        break;
    case SVACC_INV_PAGES:
    case SVACC_INV_PAGES + 4:
        svacc_set_half(&s->inv_pages, addr, val);
        break;
    case SVACC_CTX_BASE:
    case SVACC_CTX_BASE + 4:
        svacc_set_half(&s->ctx_base, addr, val);
        break;
    case SVACC_CTX_SIZE:
        s->ctx_size = val;
        break;
    case SVACC_PRS_PASID:
        s->prs_pasid = val & SVACC_DESC_PASID_MASK;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "svacc: write to 0x%" HWADDR_PRIx
                      " ignored\n", addr);
    }
}

/* The engine's own DMA reaching BAR0 or BAR2 is dropped (reads as 0). */
static bool svacc_reentered(hwaddr addr, const char *bar)
{
    if (!svacc_in_engine()) {
        return false;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "svacc: DMA into its own %s at 0x%"
                  HWADDR_PRIx " dropped\n", bar, addr);
    return true;
}

static uint64_t svacc_regs_read(void *opaque, hwaddr addr, unsigned size)
{
    SvaccState *s = opaque;
    uint64_t v;

    if (svacc_reentered(addr, "registers")) {
        return 0;
    }
    v = svacc_reg_read32(s, addr);
    if (size == 8) {
        v |= (uint64_t)svacc_reg_read32(s, addr + 4) << 32;
    }
    return v;
}

static void svacc_regs_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    SvaccState *s = opaque;

    if (svacc_reentered(addr, "registers")) {
        return;
    }
    svacc_reg_write32(s, addr, val);
    if (size == 8) {
        svacc_reg_write32(s, addr + 4, val >> 32);
    }
}

static const MemoryRegionOps svacc_regs_ops = {
    .read = svacc_regs_read,
    .write = svacc_regs_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
};

/* ---------------------------------------------------------------------- */
/* Portals */

static uint64_t svacc_portal_read(void *opaque, hwaddr addr, unsigned size)
{
    SvaccState *s = opaque;
    unsigned n = addr / SVACC_WQ_PORTALS_SIZE;
    bool priv = addr & SVACC_PORTAL_PRIV_OFFSET;
    SvaccPortal *p = &s->portal[n][priv];

    if (svacc_reentered(addr, "portals")) {
        return 0;
    }
    if ((addr & 0xfff) == SVACC_PORTAL_SUBMIT_STATUS && size >= 4) {
        return p->status | ((uint32_t)p->count << SVACC_SUBMIT_COUNT_SHIFT);
    }
    return 0;
}

static void svacc_portal_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    SvaccState *s = opaque;
    unsigned n = addr / SVACC_WQ_PORTALS_SIZE;
    bool priv = addr & SVACC_PORTAL_PRIV_OFFSET;
    SvaccPortal *p = &s->portal[n][priv];
    SvaccWQ *wq = &s->wq[n];
    hwaddr off = addr & 0xfff;
    uint32_t pp;
    uint8_t code = 0;

    if (svacc_reentered(addr, "portals")) {
        return;
    }
    if (size != 8 || (off & 7) || off > SVACC_PORTAL_COMMIT) {
        p->mask = 0;
        p->status = SVACC_SUBMIT_REJECTED;
        svacc_log_swerr(s, SVACC_SWERR_BAD_PORTAL, n, 0, 0, priv, addr,
                        size, 0);
        return;
    }
    stq_le_p(p->staging + off, val);
    p->mask |= 1u << (off / 8);
    if (off != SVACC_PORTAL_COMMIT) {
        return;
    }

    /* commit */
    p->count++;
    pp = ldl_le_p(p->staging + SVACC_DESC_PASID_PRIV);
    if (p->mask != 0xff) {
        code = SVACC_SWERR_TORN;
    } else if (!wq->enabled || wq->disabling || !svacc_enabled(s)) {
        code = SVACC_SWERR_WQ_DISABLED;
    } else if (!priv && !(wq->cfg0 & SVACC_WQCFG0_DEDICATED)) {
        code = SVACC_SWERR_USER_SHARED;
    }
    p->mask = 0;
    if (code) {
        p->status = SVACC_SUBMIT_REJECTED;
        svacc_log_swerr(s, code, n, p->staging[SVACC_DESC_OPCODE],
                        pp & SVACC_DESC_PASID_MASK, pp & SVACC_DESC_PRIV,
                        addr & ~0x3full, 0, 0);
        return;
    }
    if (svacc_wq_submit(s, n, p->staging, &p->status)) {
        svacc_engine_submitted(s);
    }
}

static const MemoryRegionOps svacc_portal_ops = {
    .read = svacc_portal_read,
    .write = svacc_portal_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

/* ---------------------------------------------------------------------- */
/* Reset */

static void svacc_soft_reset(SvaccState *s)
{
    int i;

    trace_svacc_reset();
    for (i = 0; i < s->num_wqs; i++) {
        svacc_wq_flush(s, i);
        g_free(s->wq[i].ring);
    }
    memset(s->wq, 0, sizeof(s->wq));
    memset(s->portal, 0, sizeof(s->portal));
    timer_del(s->stall_timer);
    timer_del(s->hold_timer);
    timer_del(s->pri_retry_timer);
    svacc_xlate_reset(s);

    s->genctrl = 0;
    s->gensts = 0;
    s->intcause = 0;
    s->intmask = 0;
    memset(s->swerr, 0, sizeof(s->swerr));
    s->cmdsts = 0;
    s->cmdarg = 0;
    s->cmd_pending = false;
    s->fq_base = 0;
    s->fq_size = 0;
    s->fq_head = 0;
    s->fq_tail = 0;
    s->fq_ctl = 0;
    s->inv_pasid = 0;
    s->inv_addr = 0;
    s->inv_pages = 0;
    s->ctx_base = 0;
    s->ctx_size = 0;
    s->prs_pasid = 0;
    memset(s->counters, 0, sizeof(s->counters));
}

/* Reset (system reset and FLR): also the PCIe extended capabilities. */
static void svacc_reset_hold(Object *obj, ResetType type)
{
    SvaccState *s = SVACC(obj);
    PCIDevice *pdev = PCI_DEVICE(s);

    svacc_soft_reset(s);
    if (pdev->exp.pasid_cap) {
        pci_set_word(pdev->config + pdev->exp.pasid_cap + PCI_PASID_CTRL, 0);
    }
    if (pdev->exp.ats_cap) {
        pci_set_word(pdev->config + pdev->exp.ats_cap + PCI_ATS_CTRL, 0);
    }
    if (pdev->exp.pri_cap) {
        pci_set_word(pdev->config + pdev->exp.pri_cap + PCI_PRI_CTRL, 0);
        pci_set_word(pdev->config + pdev->exp.pri_cap + PCI_PRI_STATUS,
                     PCI_PRI_STATUS_STOPPED | PCI_PRI_STATUS_PASID);
        pci_set_long(pdev->config + pdev->exp.pri_cap + PCI_PRI_ALLOC_REQ, 0);
    }
    svacc_pri_config_changed(s);
}

static void svacc_config_write(PCIDevice *pdev, uint32_t addr, uint32_t val,
                               int len)
{
    SvaccState *s = SVACC(pdev);

    /* bus mastering may go off: no copy may outlive this write */
    svacc_dma_fence(s);
    pci_default_write_config(pdev, addr, val, len);
    if (pci_is_express(pdev)) {
        pcie_cap_flr_write_config(pdev, addr, val, len);
    }
    svacc_pri_config_changed(s);
    /* bus mastering may be back on */
    svacc_engine_kick(s);
}

/* ---------------------------------------------------------------------- */
/* Realize */

static void svacc_realize(PCIDevice *pdev, Error **errp)
{
    SvaccState *s = SVACC(pdev);
    uint16_t ext = SVACC_EXT_CAP_OFFSET;
    uint32_t pri_cap;
    int i;

    if (s->num_wqs < 1 || s->num_wqs > SVACC_MAX_WQS) {
        error_setg(errp, "num-wqs must be 1..%d", SVACC_MAX_WQS);
        return;
    }
    if (s->total_depth < 1 || s->total_depth > 0xffff) {
        error_setg(errp, "wq-depth must be 1..65535");
        return;
    }
    if (s->atc_entries < 1 || s->atc_entries > 0xffff ||
        s->devtlb_entries < 1 || s->devtlb_entries > 0xffff) {
        error_setg(errp, "atc-entries and devtlb-entries must be 1..65535");
        return;
    }
    if (s->prg_pages < 1 || s->prg_pages > 32) {
        error_setg(errp, "prg-pages must be 1..32");
        return;
    }
    if (s->prg_inflight < 1 || s->prg_inflight > SVACC_MAX_PRG_INFLIGHT) {
        error_setg(errp, "prg-inflight must be 1..%d",
                   SVACC_MAX_PRG_INFLIGHT);
        return;
    }
    if (s->pasid_width < 1 || s->pasid_width > PCI_EXT_CAP_PASID_MAX_WIDTH) {
        error_setg(errp, "pasid-width must be 1..%d",
                   PCI_EXT_CAP_PASID_MAX_WIDTH);
        return;
    }
    if (s->prop_pri && !s->prop_pasid) {
        /* PRG responses require the PASID (see the spec) */
        error_setg(errp, "pri=on requires pasid=on");
        return;
    }

    pci_config_set_interrupt_pin(pdev->config, 0);
    pci_set_word(pdev->config + PCI_SUBSYSTEM_VENDOR_ID,
                 SVACC_SUBSYS_VENDOR_ID);
    pci_set_word(pdev->config + PCI_SUBSYSTEM_ID, SVACC_SUBSYS_ID);

    memory_region_init_io(&s->regs, OBJECT(s), &svacc_regs_ops, s,
                          "svacc-regs", SVACC_REGS_SIZE);
    pci_register_bar(pdev, SVACC_BAR_REGS, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->regs);
    memory_region_init_io(&s->portals, OBJECT(s), &svacc_portal_ops, s,
                          "svacc-portals",
                          SVACC_WQ_PORTALS_SIZE * s->num_wqs);
    pci_register_bar(pdev, SVACC_BAR_PORTALS, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->portals);

    memory_region_init(&s->msix, OBJECT(s), "svacc-msix", 4 * KiB);
    if (msix_init(pdev, 1 + s->num_wqs, &s->msix, SVACC_BAR_MSIX, 0,
                  &s->msix, SVACC_BAR_MSIX, 2 * KiB, 0, errp)) {
        return;
    }
    pci_register_bar(pdev, SVACC_BAR_MSIX, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->msix);
    for (i = 0; i < 1 + s->num_wqs; i++) {
        msix_vector_use(pdev, i);
    }

    if (pci_is_express(pdev)) {
        if (pcie_endpoint_cap_init(pdev, SVACC_PCIE_CAP_OFFSET) < 0) {
            error_setg(errp, "failed to add the PCIe capability");
            return;
        }
        pcie_cap_flr_init(pdev);
        if (s->prop_pasid) {
            pcie_pasid_init(pdev, ext, s->pasid_width, false, false);
            ext += 0x10;
        }
        if (s->prop_ats) {
            pcie_ats_init(pdev, ext, true);
            ext += 0x10;
        }
        if (s->prop_pri) {
            pri_cap = MAX(SVACC_PRI_MIN_CAPACITY,
                          s->prg_pages * s->prg_inflight);
            pcie_pri_init(pdev, ext, pri_cap, true);
            ext += 0x10;
        }
        /* Errors the host injects (pcie_aer_inject_error) reach the OS */
        if (s->prop_aer) {
            pcie_cap_deverr_init(pdev);
            if (pcie_aer_init(pdev, PCI_ERR_VER, ext, PCI_ERR_SIZEOF,
                              errp) < 0) {
                return;
            }
        }
    }

    /*
     * Re-entrancy: the engine's own DMA into BAR0/BAR2 is refused by the
     * handlers (svacc_in_engine()).  The per-device guard cannot be used:
     * it would also refuse other vCPUs' accesses while a copy runs with
     * the BQL dropped.
     */
    s->regs.disable_reentrancy_guard = true;
    s->portals.disable_reentrancy_guard = true;
    qemu_mutex_init(&s->dma_lock);
    qemu_cond_init(&s->dma_cond);
    s->bh = qemu_bh_new(svacc_engine_bh, s);
    s->stall_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                  svacc_engine_stall_timer, s);
    s->hold_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                 svacc_engine_hold_timer, s);
    s->pri_retry_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                      svacc_pri_retry_timer, s);
    svacc_xlate_init(s);
}

static void svacc_exit(PCIDevice *pdev)
{
    SvaccState *s = SVACC(pdev);
    int i;

    for (i = 0; i < s->num_wqs; i++) {
        svacc_wq_flush(s, i);
        g_free(s->wq[i].ring);
        s->wq[i].ring = NULL;
    }
    svacc_dma_fence(s);
    s->unrealized = true;
    /* no copy is in flight, and none will start: nothing holds dma_lock */
    qemu_cond_destroy(&s->dma_cond);
    qemu_mutex_destroy(&s->dma_lock);
    svacc_xlate_exit(s);
    qemu_bh_delete(s->bh);
    timer_free(s->stall_timer);
    timer_free(s->hold_timer);
    timer_free(s->pri_retry_timer);
    msix_uninit(pdev, &s->msix, &s->msix);
    if (pci_is_express(pdev)) {
        if (s->prop_aer) {
            pcie_aer_exit(pdev);
        }
        pcie_cap_exit(pdev);
    }
}

static const Property svacc_properties[] = {
    DEFINE_PROP_BOOL("pasid", SvaccState, prop_pasid, true),
    DEFINE_PROP_BOOL("ats", SvaccState, prop_ats, true),
    DEFINE_PROP_BOOL("pri", SvaccState, prop_pri, true),
    DEFINE_PROP_BOOL("aer", SvaccState, prop_aer, true),
    DEFINE_PROP_UINT8("pasid-width", SvaccState, pasid_width, 8),
    DEFINE_PROP_UINT32("num-wqs", SvaccState, num_wqs, 4),
    DEFINE_PROP_UINT32("wq-depth", SvaccState, total_depth, 128),
    DEFINE_PROP_UINT32("atc-entries", SvaccState, atc_entries, 64),
    DEFINE_PROP_UINT32("devtlb-entries", SvaccState, devtlb_entries, 64),
    DEFINE_PROP_UINT32("prg-pages", SvaccState, prg_pages, 32),
    DEFINE_PROP_UINT32("prg-inflight", SvaccState, prg_inflight, 4),
    DEFINE_PROP_UINT32("x-inject-pri-fail", SvaccState, inject_pri_fail, 0),
    DEFINE_PROP_UINT32("x-inject-pri-delay-us", SvaccState,
                       inject_pri_delay_us, 0),
    DEFINE_PROP_UINT32("x-inject-drop-irq", SvaccState, inject_drop_irq, 0),
    DEFINE_PROP_UINT32("x-inject-stall-us", SvaccState, inject_stall_us, 0),
    /* background copy runs sleep this long unlocked: widens their races */
    DEFINE_PROP_UINT32("x-inject-copy-delay-us", SvaccState,
                       inject_copy_delay_us, 0),
    DEFINE_PROP_UINT32("inline-bytes", SvaccState, inline_bytes, 1 * MiB),
};

/*
 * x-inject-enable-fail, unlike the other x-inject-* knobs, may be set at
 * run time (QMP qom-set): while it is on, the device refuses every enable
 * with HW_ERROR, as a device whose internal check failed at reset would.
 * A reset does not clear it.
 */
static bool svacc_get_enable_fail(Object *obj, Error **errp)
{
    return SVACC(obj)->inject_enable_fail;
}

static void svacc_set_enable_fail(Object *obj, bool value, Error **errp)
{
    SVACC(obj)->inject_enable_fail = value;
}

static const VMStateDescription vmstate_svacc = {
    .name = TYPE_SVACC,
    .unmigratable = 1,
};

static void svacc_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    k->realize = svacc_realize;
    k->exit = svacc_exit;
    k->config_write = svacc_config_write;
    k->vendor_id = SVACC_VENDOR_ID;
    k->device_id = SVACC_DEVICE_ID;
    k->revision = SVACC_REVISION;
    k->class_id = SVACC_CLASS_CODE;
    rc->phases.hold = svacc_reset_hold;
    dc->desc = "svacc shared-virtual-addressing accelerator";
    dc->vmsd = &vmstate_svacc;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    device_class_set_props(dc, svacc_properties);
    object_class_property_add_bool(klass, "x-inject-enable-fail",
                                   svacc_get_enable_fail,
                                   svacc_set_enable_fail);
    object_class_property_set_description(klass, "x-inject-enable-fail",
        "refuse every enable with HW_ERROR (settable at run time)");
}

static const TypeInfo svacc_types[] = {
    {
        .name = TYPE_SVACC,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(SvaccState),
        .class_init = svacc_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { }
        },
    },
};

DEFINE_TYPES(svacc_types)
