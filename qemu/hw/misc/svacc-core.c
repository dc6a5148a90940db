/*
 * svacc: device state shared by the front end, the engine and translation
 *
 * What every part of the model reports or changes about the device as a
 * whole: whether it runs, interrupt causes, the software error log,
 * command completion, the fence for copies running without the BQL, and
 * the halt.  Nothing here calls into svacc.c, svacc-engine.c or
 * svacc-xlate.c: they call down to it.
 *
 * Copyright (c) 2026 The svacc authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/pci/pci.h"
#include "hw/pci/msix.h"
#include "system/dma.h"
#include "svacc.h"
#include "trace.h"

bool svacc_enabled(SvaccState *s)
{
    return (s->gensts & (SVACC_GENSTS_ENABLED | SVACC_GENSTS_HALTED)) ==
           SVACC_GENSTS_ENABLED;
}

uint32_t svacc_pasid_limit(SvaccState *s)
{
    return 1u << (s->prop_pasid ? s->pasid_width : 20);
}

/* GENCTRL.MODE: SVACC_MODE_ATS or SVACC_MODE_DEVPT */
unsigned svacc_mode(SvaccState *s)
{
    return (s->genctrl & SVACC_GENCTRL_MODE_MASK) >> SVACC_GENCTRL_MODE_SHIFT;
}

AddressSpace *svacc_data_as(SvaccState *s)
{
    /*
     * ATS answers are guest-physical and there is no translated-request
     * path in QEMU: use system memory directly.  DEVPT tables hold bus
     * addresses, which go through whatever DMA domain the IOMMU gives us.
     */
    if (svacc_mode(s) == SVACC_MODE_ATS) {
        return &address_space_memory;
    }
    return pci_get_address_space(PCI_DEVICE(s));
}

void svacc_raise_cause(SvaccState *s, uint32_t cause)
{
    uint32_t newly = cause & ~s->intcause;
    PCIDevice *pdev = PCI_DEVICE(s);

    s->intcause |= cause;
    if ((newly & ~s->intmask) && msix_enabled(pdev)) {
        msix_notify(pdev, SVACC_MSIX_MISC);
    }
}

void svacc_log_swerr(SvaccState *s, uint8_t code, int wq, uint8_t opcode,
                     uint32_t pasid, bool priv, uint64_t info1,
                     uint64_t info2, uint64_t info3)
{
    trace_svacc_swerr(code, wq, opcode, pasid, info1);
    s->counters[SVACC_CNT_SWERRS]++;
    if (s->swerr[0] & SVACC_SWERR0_VALID) {
        s->swerr[0] |= SVACC_SWERR0_OVERFLOW;
    } else {
        s->swerr[0] = SVACC_SWERR0_VALID |
                      ((uint64_t)code << SVACC_SWERR0_CODE_SHIFT) |
                      ((uint64_t)(wq & 0xff) << SVACC_SWERR0_WQ_SHIFT) |
                      ((uint64_t)opcode << SVACC_SWERR0_OP_SHIFT) |
                      ((uint64_t)(pasid & SVACC_DESC_PASID_MASK) <<
                       SVACC_SWERR0_PASID_SHIFT) |
                      (priv ? SVACC_SWERR0_PRIV : 0);
        s->swerr[1] = info1;
        s->swerr[2] = info2;
        s->swerr[3] = info3;
    }
    svacc_raise_cause(s, SVACC_INT_SWERR);
}

/* The pending device command ends with @result */
void svacc_cmd_done(SvaccState *s, uint8_t result)
{
    trace_svacc_cmd_done(s->cmd, result);
    s->cmd_pending = false;
    s->cmdsts = result;
    svacc_raise_cause(s, SVACC_INT_CMD_DONE);
}

/* Both portals of WQ n forget any partly staged descriptor. */
void svacc_portals_clear(SvaccState *s, unsigned n)
{
    s->portal[n][0].mask = 0;
    s->portal[n][1].mask = 0;
}

/*
 * Wait for every copy running without the BQL.  The caller holds the BQL
 * and copies only start under it, so none starts before the caller lets
 * go: whatever it removes next (a translation, a job) is no longer in use.
 */
void svacc_dma_fence(SvaccState *s)
{
    qemu_mutex_lock(&s->dma_lock);
    while (s->dma_inflight) {
        qemu_cond_wait(&s->dma_cond, &s->dma_lock);
    }
    qemu_mutex_unlock(&s->dma_lock);
}

/* Let the engine's bottom half run the work queues */
void svacc_engine_kick(SvaccState *s)
{
    qemu_bh_schedule(s->bh);
}

/* Fatal error: stop everything, no further memory access. */
void svacc_halt(SvaccState *s, uint8_t reason)
{
    int i;

    if (s->gensts & SVACC_GENSTS_HALTED) {
        return;
    }
    trace_svacc_halt(reason);
    svacc_dma_fence(s);
    s->gensts = (s->gensts & SVACC_GENSTS_ENABLED) | SVACC_GENSTS_HALTED |
                (reason << SVACC_GENSTS_REASON_SHIFT);
    for (i = 0; i < s->num_wqs; i++) {
        s->wq[i].enabled = false;
        s->wq[i].disabling = false;
    }
    svacc_engine_kick(s);   /* frees the jobs outside of any translation */
    svacc_raise_cause(s, SVACC_INT_HALT);
    if (s->cmd_pending) {
        svacc_cmd_done(s, SVACC_CMDSTS_NOT_ENABLED);
    }
}
