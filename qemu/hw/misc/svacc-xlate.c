/*
 * svacc: address translation
 *
 * ATS mode: an ATC filled with PCIe ATS translation requests tagged with
 * the descriptor's PASID; missing pages are requested with PRI page
 * request groups, several in flight, pages ahead of need; the IOMMU's
 * invalidations arrive through an IOTLB notifier.  There is no translated
 * request path in QEMU, so the guest-physical answer is used directly on
 * system memory and the ATC must stay coherent by itself.
 *
 * DEVPT mode: a context table and four-level page table read with bus
 * addresses, a device TLB, fault records in the fault queue and the
 * driver's answers to them (FAULT_RESP).
 *
 * A translation that has to wait says what for (SVACC_XLATE_PARK_*); the
 * engine parks the job, and unparks it when told of an answer.
 *
 * Copyright (c) 2026 The svacc authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/main-loop.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "system/dma.h"
#include "svacc.h"
#include "trace.h"

#define SVACC_HUGE_SIZE         (2 * MiB)
#define SVACC_PRI_BACKOFF_MIN   (50 * SCALE_US)
#define SVACC_PRI_BACKOFF_MAX   (5 * SCALE_MS)
#define SVACC_PRI_MAX_RETRIES   4
#define SVACC_ATS_PREFETCH      16

static bool svacc_ats_mode(SvaccState *s)
{
    return ((s->genctrl & SVACC_GENCTRL_MODE_MASK) >>
            SVACC_GENCTRL_MODE_SHIFT) == SVACC_MODE_ATS;
}

/* ---------------------------------------------------------------------- */
/* Translation caches */

static uint64_t svacc_tlb_span(const SvaccTlbEntry *e)
{
    return e->mask + 1;
}

static SvaccTlbEntry *svacc_tlb_lookup(SvaccTlbEntry *tlb, unsigned n,
                                       uint32_t pasid, bool priv, bool cmp_priv,
                                       uint64_t va)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        SvaccTlbEntry *e = &tlb[i];

        if (e->valid && e->pasid == pasid && (!cmp_priv || e->priv == priv) &&
            (va & ~(svacc_tlb_span(e) - 1)) == e->va) {
            return e;
        }
    }
    return NULL;
}

static SvaccTlbEntry *svacc_tlb_insert(SvaccTlbEntry *tlb, unsigned n,
                                       unsigned *next, uint32_t pasid,
                                       bool priv, bool cmp_priv, uint64_t va)
{
    SvaccTlbEntry *e = svacc_tlb_lookup(tlb, n, pasid, priv, cmp_priv, va);

    if (!e) {
        e = &tlb[*next];
        *next = (*next + 1) % n;
    }
    memset(e, 0, sizeof(*e));
    e->valid = true;
    e->pasid = pasid;
    e->priv = priv;
    return e;
}

static void svacc_tlb_flush_range(SvaccTlbEntry *tlb, unsigned n,
                                  bool all_pasids, uint32_t pasid,
                                  uint64_t start, uint64_t last)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        SvaccTlbEntry *e = &tlb[i];

        if (e->valid && (all_pasids || e->pasid == pasid) &&
            e->va <= last && e->va + svacc_tlb_span(e) - 1 >= start) {
            e->valid = false;
        }
    }
}

void svacc_devtlb_invalidate(SvaccState *s)
{
    bool all = s->inv_pasid & SVACC_INV_PASID_ALL;
    uint32_t pasid = s->inv_pasid & SVACC_DESC_PASID_MASK;
    uint64_t last = UINT64_MAX;

    if (s->inv_pages) {
        last = s->inv_addr + s->inv_pages * SVACC_PAGE_SIZE - 1;
        if (last < s->inv_addr) {
            last = UINT64_MAX;
        }
    }
    trace_svacc_devtlb_invalidate(s->inv_pasid, s->inv_addr, s->inv_pages);
    /* once the fence returns, no access that used an entry is in flight */
    svacc_dma_fence(s);
    svacc_tlb_flush_range(s->devtlb, s->devtlb_entries, all, pasid,
                          s->inv_pages ? s->inv_addr : 0, last);
}

/* ---------------------------------------------------------------------- */
/* Per-PASID IOMMU registrations */

static void svacc_atc_inv_notify(IOMMUNotifier *n, IOMMUTLBEntry *entry)
{
    SvaccPasidState *ps = container_of(n, SvaccPasidState, iotlb_notifier);
    SvaccState *s = ps->s;

    if (!s) {
        return;
    }
    trace_svacc_atc_invalidate(ps->pasid, entry->iova, entry->addr_mask);
    s->counters[SVACC_CNT_ATC_INV]++;
    /* synchronous: once the fence returns nothing in flight uses them */
    svacc_dma_fence(s);
    svacc_tlb_flush_range(s->atc, s->atc_entries, false, ps->pasid,
                          entry->iova & ~entry->addr_mask,
                          entry->iova | entry->addr_mask);
}

static void svacc_pri_response(SvaccState *s, uint32_t pasid,
                               IOMMUPRIResponse *resp);

static void svacc_pri_notify(IOMMUPRINotifier *notifier,
                             IOMMUPRIResponse *resp)
{
    SvaccPasidState *ps = container_of(notifier, SvaccPasidState,
                                       pri_notifier);
    SvaccState *s = ps->s;
    SvaccPriDelayed *d;

    if (!s) {
        return;
    }
    if (s->inject_pri_delay_us) {
        d = g_new0(SvaccPriDelayed, 1);
        d->deadline = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                      (int64_t)s->inject_pri_delay_us * SCALE_US;
        d->pasid = ps->pasid;
        d->resp = *resp;
        g_queue_push_tail(&s->pri_delayed, d);
        if (!timer_pending(s->pri_delay_timer)) {
            timer_mod(s->pri_delay_timer, d->deadline);
        }
        return;
    }
    svacc_pri_response(s, ps->pasid, resp);
}

static void svacc_pri_delay_timer(void *opaque)
{
    SvaccState *s = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    SvaccPriDelayed *d;

    while ((d = g_queue_peek_head(&s->pri_delayed))) {
        if (d->deadline > now) {
            timer_mod(s->pri_delay_timer, d->deadline);
            return;
        }
        g_queue_pop_head(&s->pri_delayed);
        svacc_pri_response(s, d->pasid, &d->resp);
        g_free(d);
    }
}

static SvaccPasidState *svacc_pasid_state(SvaccState *s, uint32_t pasid)
{
    SvaccPasidState *ps = g_hash_table_lookup(s->pasids,
                                              GUINT_TO_POINTER(pasid));

    if (!ps) {
        ps = g_new0(SvaccPasidState, 1);
        ps->s = s;
        ps->pasid = pasid;
        ps->pri_notifier.notify = svacc_pri_notify;
        g_hash_table_insert(s->pasids, GUINT_TO_POINTER(pasid), ps);
    }
    return ps;
}

/*
 * Registrations are made lazily, the first time a PASID is used, and kept
 * across resets: after an FLR the PASID capability is disabled and the
 * IOMMU refuses to unregister (-EPERM), so re-registering would duplicate.
 */
static void svacc_pasid_register(SvaccState *s, SvaccPasidState *ps)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (!ps->iotlb_registered &&
        !pci_iommu_init_iotlb_notifier(pdev, &ps->iotlb_notifier,
                                       svacc_atc_inv_notify, ps) &&
        !pci_iommu_register_iotlb_notifier(pdev, ps->pasid,
                                           &ps->iotlb_notifier)) {
        ps->iotlb_registered = true;
    }
}

static void svacc_pasid_register_pri(SvaccState *s, SvaccPasidState *ps)
{
    if (!ps->pri_registered &&
        !pci_pri_register_notifier(PCI_DEVICE(s), ps->pasid,
                                   &ps->pri_notifier)) {
        ps->pri_registered = true;
    }
}

/* ---------------------------------------------------------------------- */
/* Page request groups */

static void svacc_prg_free(SvaccState *s, SvaccPrg *g)
{
    g->state = SVACC_PRG_FREE;
    g->job = NULL;
}

static void svacc_pri_backoff(SvaccState *s)
{
    s->pri_backoff_ns = MIN(MAX(s->pri_backoff_ns * 2, SVACC_PRI_BACKOFF_MIN),
                            SVACC_PRI_BACKOFF_MAX);
    if (!timer_pending(s->pri_retry_timer)) {
        timer_mod(s->pri_retry_timer,
                  qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + s->pri_backoff_ns);
    }
}

/* Send what is left of a group; the last request carries "last in PRG". */
static void svacc_prg_send(SvaccState *s, SvaccPrg *g)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint64_t va;
    bool last;
    int ret;

    while (g->sent < g->npages) {
        va = g->va + g->sent * SVACC_PAGE_SIZE;
        last = g->sent + 1 == g->npages;
        ret = pci_pri_request_page(pdev, g->pasid, g->priv, false, va, last,
                                   g->prgi, true, g->write);
        trace_svacc_page_request(g->pasid, va, g->write, g->prgi, last, ret);
        if (ret == -ENOSPC) {
            /* the OS has no room: never a failure, try again later */
            svacc_pri_backoff(s);
            return;
        }
        if (ret) {
            s->pri_outstanding -= MIN(s->pri_outstanding, g->npages);
            g->state = SVACC_PRG_FAILED;
            if (!g->job) {
                svacc_prg_free(s, g);
            }
            return;
        }
        s->counters[SVACC_CNT_PAGE_REQ]++;
        g->sent++;
    }
    s->pri_backoff_ns = 0;
    s->counters[SVACC_CNT_PRG]++;
    g->state = SVACC_PRG_WAITING;
}

void svacc_pri_retry_timer(void *opaque)
{
    SvaccState *s = opaque;
    unsigned i;

    for (i = 0; i < SVACC_NUM_PRGI; i++) {
        if (s->prg[i].state == SVACC_PRG_SENDING) {
            svacc_prg_send(s, &s->prg[i]);
            if (s->prg[i].state == SVACC_PRG_SENDING) {
                break;
            }
        }
    }
    svacc_engine_pri_answered(s);
}

static void svacc_pri_response(SvaccState *s, uint32_t pasid,
                               IOMMUPRIResponse *resp)
{
    SvaccPrg *g = &s->prg[resp->prgi & PCI_PRI_PRGI_MASK];
    IOMMUPRIResponseCode code = resp->response_code;
    PCIDevice *pdev = PCI_DEVICE(s);

    s->pri_resp_count++;
    if (s->inject_pri_fail && !(s->pri_resp_count % s->inject_pri_fail)) {
        code = IOMMU_PRI_RESP_FAILURE;
    }
    trace_svacc_page_response(pasid, resp->prgi, code);
    if (g->state != SVACC_PRG_WAITING || g->pasid != pasid) {
        return;     /* stale: the group was dropped by a reset */
    }
    s->pri_outstanding -= MIN(s->pri_outstanding, g->npages);
    if (code == IOMMU_PRI_RESP_SUCCESS) {
        g->state = SVACC_PRG_OK;
    } else {
        g->state = SVACC_PRG_FAILED;
        if (code == IOMMU_PRI_RESP_FAILURE) {
            /* PCIe: no more page requests until PRI is re-enabled */
            s->pri_failed = true;
            if (pdev->exp.pri_cap) {
                pci_word_test_and_set_mask(pdev->config + pdev->exp.pri_cap +
                                           PCI_PRI_STATUS, PCI_PRI_STATUS_RF);
            }
        }
    }
    if (!g->job) {
        svacc_prg_free(s, g);
    }
    svacc_engine_pri_answered(s);
}

void svacc_pri_config_changed(SvaccState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    bool enabled = pcie_pri_enabled(pdev);
    uint8_t *ctrl = pdev->config + pdev->exp.pri_cap + PCI_PRI_CTRL;
    unsigned i;

    if (pdev->exp.pri_cap && (pci_get_word(ctrl) & PCI_PRI_CTRL_RESET)) {
        /* PRI Reset (acts while disabled, reads 0): forget the failure */
        pci_word_test_and_clear_mask(ctrl, PCI_PRI_CTRL_RESET);
        if (!enabled) {
            s->pri_failed = false;
            pci_word_test_and_clear_mask(pdev->config + pdev->exp.pri_cap +
                                         PCI_PRI_STATUS,
                                         PCI_PRI_STATUS_RF |
                                         PCI_PRI_STATUS_UPRGI);
        }
    }
    if (enabled == s->pri_was_enabled) {
        return;
    }
    s->pri_was_enabled = enabled;
    if (enabled) {
        s->pri_failed = false;
        pci_word_test_and_clear_mask(pdev->config + pdev->exp.pri_cap +
                                     PCI_PRI_STATUS, PCI_PRI_STATUS_STOPPED);
        return;
    }
    /* PRI turned off: outstanding groups will not be answered */
    for (i = 0; i < SVACC_NUM_PRGI; i++) {
        SvaccPrg *g = &s->prg[i];

        if (g->state == SVACC_PRG_SENDING || g->state == SVACC_PRG_WAITING) {
            g->state = SVACC_PRG_FAILED;
            if (!g->job) {
                svacc_prg_free(s, g);
            }
        }
    }
    s->pri_outstanding = 0;
    if (pdev->exp.pri_cap) {
        pci_word_test_and_set_mask(pdev->config + pdev->exp.pri_cap +
                                   PCI_PRI_STATUS, PCI_PRI_STATUS_STOPPED);
    }
    svacc_engine_pri_answered(s);
}

/*
 * Page request groups of @pasid sent whole and not answered (PRS_PENDING).
 * Once ABORT_PASID has stopped the PASID's work, software waits for this
 * to reach 0 before it releases the PASID: the OS must not be left
 * holding a request for an address space it is tearing down.
 */
uint32_t svacc_pasid_prgs_pending(SvaccState *s, uint32_t pasid)
{
    uint32_t n = 0;
    unsigned i;

    for (i = 0; i < SVACC_NUM_PRGI; i++) {
        n += s->prg[i].state == SVACC_PRG_WAITING && s->prg[i].pasid == pasid;
    }
    return n;
}

void svacc_job_release_prgs(SvaccState *s, SvaccJob *job)
{
    int i;

    for (i = 0; i < SVACC_MAX_PRG_INFLIGHT; i++) {
        SvaccPrg *g = job->prg[i];

        if (!g) {
            continue;
        }
        job->prg[i] = NULL;
        if (g->state == SVACC_PRG_WAITING) {
            g->job = NULL;  /* the response frees it */
            continue;
        }
        if (g->state == SVACC_PRG_SENDING) {
            /*
             * Stop sending (the PASID may be going away): without its
             * last request the group is never answered, so its requests
             * stop counting against the allocation now.
             */
            s->pri_outstanding -= MIN(s->pri_outstanding, g->npages);
        }
        svacc_prg_free(s, g);
    }
}

/*
 * A BATCH element starts afresh: the answers its predecessors got (and
 * how they were narrowed) say nothing about its own pages.  Groups still
 * waiting for an answer stay; the element may use them when it comes.
 */
void svacc_job_forget_answers(SvaccState *s, SvaccJob *job)
{
    int i;

    for (i = 0; i < SVACC_MAX_PRG_INFLIGHT; i++) {
        SvaccPrg *g = job->prg[i];

        if (g && (g->state == SVACC_PRG_OK || g->state == SVACC_PRG_FAILED)) {
            job->prg[i] = NULL;
            svacc_prg_free(s, g);
        }
    }
    job->pri_retries = 0;
    job->pri_narrow_end = 0;
}

static SvaccPrg *svacc_prg_alloc(SvaccState *s)
{
    unsigned i;

    for (i = 0; i < SVACC_NUM_PRGI; i++) {
        SvaccPrg *g = &s->prg[s->prgi_next];

        s->prgi_next = (s->prgi_next + 1) % SVACC_NUM_PRGI;
        if (g->state == SVACC_PRG_FREE) {
            g->prgi = g - s->prg;
            return g;
        }
    }
    return NULL;
}

static bool svacc_prg_covers(const SvaccPrg *g, uint64_t page)
{
    return page >= g->va && page < g->va + g->npages * SVACC_PAGE_SIZE;
}

/* Issue one new group of the job's at @start; NULL if none could be */
static SvaccPrg *svacc_prg_issue(SvaccState *s, SvaccJob *job, uint64_t start,
                                 uint64_t end, bool write, uint32_t alloc)
{
    uint64_t n = MIN((end - start) / SVACC_PAGE_SIZE, s->prg_pages);
    SvaccPrg *g;
    int slot;

    /*
     * Split the OS's allocation between the groups we keep in flight, so
     * that the engine works on one group while the OS serves the next.
     */
    n = MIN(n, MAX(alloc / s->prg_inflight, 1));
    n = MIN(n, alloc - s->pri_outstanding);
    if (start < job->pri_narrow_end) {
        n = MIN(n, 1);
    }
    for (slot = 0; slot < SVACC_MAX_PRG_INFLIGHT && job->prg[slot]; slot++) {
        continue;
    }
    if (!n || slot == SVACC_MAX_PRG_INFLIGHT) {
        return NULL;
    }
    g = svacc_prg_alloc(s);
    if (!g) {
        return NULL;
    }
    g->state = SVACC_PRG_SENDING;
    g->pasid = job->pasid;
    g->priv = job->priv;
    g->write = write;
    g->va = start;
    g->npages = n;
    g->sent = 0;
    g->job = job;
    job->prg[slot] = g;
    s->pri_outstanding += n;
    svacc_prg_send(s, g);
    return g;
}

/*
 * ATS answered without the permission we need and the descriptor blocks
 * on faults: ask the OS for the page, and keep up to prg-inflight groups
 * asking for the pages the descriptor will touch next.
 */
static SvaccXlate svacc_pri_miss(SvaccState *s, SvaccJob *job, uint64_t va,
                                 uint64_t stream_end, bool write)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint64_t page = va & SVACC_PAGE_MASK;
    /* never ask for a page beyond the virtual address width */
    uint64_t limit = MIN(ROUND_UP(MAX(stream_end, va + 1), SVACC_PAGE_SIZE),
                         1ULL << SVACC_VA_BITS);
    uint64_t start, next_start, g_end;
    SvaccPrg *g, *cover = NULL;
    uint32_t alloc, inflight;
    int i, active = 0;

    for (i = 0; i < SVACC_MAX_PRG_INFLIGHT; i++) {
        g = job->prg[i];
        if (!g || !svacc_prg_covers(g, page)) {
            continue;
        }
        if (g->state == SVACC_PRG_FAILED) {
            /* a read refused is a write refused; not the other way round */
            if (g->write && !write) {
                continue;
            }
            if (g->npages == 1 || s->pri_failed || !pcie_pri_enabled(pdev)) {
                return SVACC_XLATE_FAULT;
            }
            /*
             * The answer is the group's, not a page's: which of its pages
             * failed is unknown.  Ask again, one page per group, up to
             * the end of this one.
             */
            job->pri_narrow_end = MAX(job->pri_narrow_end,
                                      g->va + g->npages * SVACC_PAGE_SIZE);
            job->prg[i] = NULL;
            svacc_prg_free(s, g);
            continue;
        }
        if (write && !g->write) {
            continue;
        }
        if (g->state == SVACC_PRG_OK) {
            /* answered SUCCESS yet still not translatable: ask again */
            job->pri_retries++;
        } else {
            cover = g;
        }
    }
    if (!cover && job->pri_retries > SVACC_PRI_MAX_RETRIES) {
        return SVACC_XLATE_FAULT;
    }
    /* answered groups are done with; the rest counts as in flight */
    start = page;
    for (i = 0; i < SVACC_MAX_PRG_INFLIGHT; i++) {
        g = job->prg[i];
        if (g && g->state == SVACC_PRG_OK) {
            svacc_prg_free(s, g);
            job->prg[i] = NULL;
        } else if (g && g->state != SVACC_PRG_FAILED) {
            active++;
            g_end = g->va + g->npages * SVACC_PAGE_SIZE;
            if (cover && g->write == write && g->va <= limit &&
                g_end > start) {
                start = g_end;
            }
        }
    }
    if (!cover && (!pcie_pri_enabled(pdev) || s->pri_failed)) {
        return SVACC_XLATE_FAULT;
    }
    svacc_pasid_register_pri(s, svacc_pasid_state(s, job->pasid));

    /*
     * Top up: pages ahead of need, within the OS's allocation.  Over the
     * pages of a refused group, one page at a time and nothing ahead: the
     * OS stopped at the page it refused, and so does the device (a page
     * past it may be one the descriptor never reaches).
     */
    alloc = pcie_pri_get_req_alloc(pdev);
    inflight = page < job->pri_narrow_end ? 1 : s->prg_inflight;
    while (active < inflight && start < limit &&
           s->pri_outstanding < alloc && !s->pri_failed) {
        /* stop in front of a page another group of ours asks for */
        next_start = limit;
        for (i = 0; i < SVACC_MAX_PRG_INFLIGHT; i++) {
            g = job->prg[i];
            if (g && g->state != SVACC_PRG_FAILED && g->va >= start &&
                g->va < next_start) {
                next_start = g->va;
            }
        }
        g = next_start > start ?
            svacc_prg_issue(s, job, start, next_start, write, alloc) : NULL;
        if (!g) {
            break;
        }
        if (!cover && start == page) {
            cover = g;
        }
        active++;
        start = g->va + g->npages * SVACC_PAGE_SIZE;
        if (g->state != SVACC_PRG_WAITING) {
            break;  /* backing off, or refused */
        }
    }
    if (!cover) {
        /* no budget or group index now: a response will free some */
        svacc_pri_backoff(s);
        return SVACC_XLATE_PARK_PRI_SEND;
    }
    if (cover->state == SVACC_PRG_FAILED) {
        return SVACC_XLATE_FAULT;
    }
    return cover->state == SVACC_PRG_SENDING ? SVACC_XLATE_PARK_PRI_SEND :
                                               SVACC_XLATE_PARK_PRI;
}

static SvaccXlate svacc_ats_translate(SvaccState *s, SvaccJob *job,
                                      uint64_t va, uint64_t stream_end,
                                      bool write, bool bof, hwaddr *pa,
                                      uint64_t *len)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint64_t page = va & SVACC_PAGE_MASK, cur, end;
    IOMMUAccessFlags need = write ? IOMMU_WO : IOMMU_RO;
    IOMMUTLBEntry res[SVACC_ATS_PREFETCH];
    SvaccTlbEntry *e;
    uint32_t errs = 0;
    ssize_t ret, i;

    e = svacc_tlb_lookup(s->atc, s->atc_entries, job->pasid, job->priv, true,
                         va);
    if (e && (write ? e->write : e->read)) {
        s->counters[SVACC_CNT_ATC_HIT]++;
        *pa = e->pa + (va - e->va);
        *len = e->va + e->mask + 1 - va;
        return SVACC_XLATE_OK;
    }
    s->counters[SVACC_CNT_ATC_MISS]++;
    svacc_pasid_register(s, svacc_pasid_state(s, job->pasid));

    /*
     * One request for this page and the next few the access stream will
     * touch.  Ask for write only when writing: the IOMMU answers a write
     * request on a read-only page with no access at all.
     */
    end = ROUND_UP(MAX(stream_end, va + 1), SVACC_PAGE_SIZE);
    end = MIN(end, page + MIN(SVACC_ATS_PREFETCH, s->atc_entries / 4 + 1) *
              SVACC_PAGE_SIZE);
    /* nor beyond the virtual address width: those pages fault unasked */
    end = MIN(end, 1ULL << SVACC_VA_BITS);
    ret = pci_ats_request_translation(pdev, job->pasid, job->priv, false,
                                      page, end - page, !write, res,
                                      ARRAY_SIZE(res), &errs);
    s->counters[SVACC_CNT_ATS_REQ]++;
    if (ret < 1) {
        trace_svacc_translate(job->pasid, va, write, 0, (int)ret);
        if (!pdev->is_master) {
            return SVACC_XLATE_STOP;
        }
        /* PASID or ATS off: the address space is refused, else the page */
        return pcie_pasid_enabled(pdev) && pcie_ats_enabled(pdev) ?
               SVACC_XLATE_FAULT : SVACC_XLATE_DENIED;
    }
    trace_svacc_translate(job->pasid, va, write, res[0].translated_addr,
                          res[0].perm);
    /*
     * Cache the leading run of usable answers; an answer without the
     * permission is not cached and its address fields mean nothing.
     */
    for (i = 0, cur = page; i < ret; i++) {
        uint64_t mask = res[i].addr_mask | (SVACC_PAGE_SIZE - 1);

        if ((res[i].perm & need) != need) {
            break;
        }
        e = svacc_tlb_insert(s->atc, s->atc_entries, &s->atc_next,
                             job->pasid, job->priv, true, cur);
        e->mask = mask;
        e->va = cur & ~mask;
        e->pa = res[i].translated_addr & ~mask;
        e->read = res[i].perm & IOMMU_RO;
        e->write = res[i].perm & IOMMU_WO;
        cur = (cur & ~mask) + mask + 1;
    }
    if (i) {
        uint64_t mask = res[0].addr_mask | (SVACC_PAGE_SIZE - 1);

        job->pri_retries = 0;
        *pa = (res[0].translated_addr & ~mask) + (va & mask);
        *len = (va | mask) + 1 - va;
        return SVACC_XLATE_OK;
    }
    /* not present or not permitted: perm is all that may be used */
    if (!bof) {
        return SVACC_XLATE_FAULT;
    }
    return svacc_pri_miss(s, job, va, stream_end, write);
}

/* ---------------------------------------------------------------------- */
/* DEVPT mode */

static SvaccXlate svacc_fault_record(SvaccState *s, SvaccJob *job,
                                     uint64_t va, bool write)
{
    uint8_t rec[SVACC_FR_SIZE] = { 0 };
    uint16_t flags;
    uint32_t mask = s->fq_size - 1;

    if (!(s->fq_ctl & SVACC_FQ_CTL_ENABLE) || !is_power_of_2(s->fq_size) ||
        s->fq_size < SVACC_FQ_SIZE_MIN || s->fq_size > SVACC_FQ_SIZE_MAX ||
        ((s->fq_tail + 1) & mask) == s->fq_head) {
        svacc_log_swerr(s, SVACC_SWERR_FQ_FULL, job->wq, job->top.d.opcode,
                        job->pasid, job->priv, va, 0, 0);
        if (s->fq_ctl & SVACC_FQ_CTL_ENABLE) {
            svacc_raise_cause(s, SVACC_INT_FQ_FULL);
        }
        return SVACC_XLATE_FAULT;
    }
    flags = (write ? SVACC_FR_WRITE : SVACC_FR_READ) |
            (job->priv ? SVACC_FR_PRIV : 0);
    job->fault_id = s->next_fault_id++;
    stq_le_p(rec + SVACC_FR_ADDR, va);
    stl_le_p(rec + SVACC_FR_PASID, job->pasid);
    stw_le_p(rec + SVACC_FR_FLAGS, flags);
    stw_le_p(rec + SVACC_FR_FAULT_ID, job->fault_id);
    trace_svacc_fault_record(job->pasid, va, write, job->fault_id,
                             s->fq_tail);
    if (pci_dma_write(PCI_DEVICE(s), s->fq_base + (uint64_t)s->fq_tail *
                      SVACC_FR_SIZE, rec, sizeof(rec)) != MEMTX_OK) {
        svacc_halt(s, SVACC_REASON_HALT_FQ);
        return SVACC_XLATE_HALT;
    }
    s->fq_tail = (s->fq_tail + 1) & mask;
    s->counters[SVACC_CNT_DEV_FAULT]++;
    job->fault_va = va;
    job->fault_write = write;
    svacc_raise_cause(s, SVACC_INT_FAULT);
    return SVACC_XLATE_PARK_FAULT;
}

/* FAULT_RESP: the driver's answer to a fault record */
void svacc_fault_resp(SvaccState *s, uint32_t val)
{
    uint16_t id = val & 0xffff;
    unsigned resp = (val >> 16) & 0xff;

    trace_svacc_fault_resp(id, resp);
    svacc_engine_fault_answered(s, id, resp == SVACC_FAULT_RESP_FAIL);
}

static SvaccXlate svacc_read_ctx(SvaccState *s, uint32_t pasid, bool priv,
                                 uint64_t *root)
{
    uint64_t ce;

    if (pasid >= s->ctx_size || pasid >= svacc_pasid_limit(s)) {
        return SVACC_XLATE_DENIED;
    }
    if (pci_dma_read(PCI_DEVICE(s), s->ctx_base +
                     (uint64_t)pasid * SVACC_CTX_ENTRY_SIZE, &ce,
                     sizeof(ce)) != MEMTX_OK) {
        svacc_halt(s, SVACC_REASON_HALT_PT);
        return SVACC_XLATE_HALT;
    }
    ce = le64_to_cpu(ce);
    if (!(ce & SVACC_CTX_VALID) || (priv && !(ce & SVACC_CTX_PRIV_OK))) {
        return SVACC_XLATE_DENIED;
    }
    *root = ce & SVACC_PTE_ADDR_MASK;
    return SVACC_XLATE_OK;
}

SvaccXlate svacc_check_context(SvaccState *s, uint32_t pasid, bool priv)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint64_t root;

    if (pasid >= svacc_pasid_limit(s)) {
        return SVACC_XLATE_DENIED;
    }
    if (svacc_ats_mode(s)) {
        return pcie_pasid_enabled(pdev) && pcie_ats_enabled(pdev) ?
               SVACC_XLATE_OK : SVACC_XLATE_DENIED;
    }
    if (!pdev->is_master) {
        return SVACC_XLATE_STOP;
    }
    return svacc_read_ctx(s, pasid, priv, &root);
}

static SvaccXlate svacc_devpt_translate(SvaccState *s, SvaccJob *job,
                                        uint64_t va, bool write, bool bof,
                                        hwaddr *pa, uint64_t *len)
{
    SvaccTlbEntry *e;
    SvaccXlate r;
    uint64_t table, pte = 0;
    int level;
    bool leaf = false;

    e = svacc_tlb_lookup(s->devtlb, s->devtlb_entries, job->pasid, false,
                         false, va);
    if (e && (!write || e->write)) {
        s->counters[SVACC_CNT_DEVTLB_HIT]++;
        *pa = e->pa + (va - e->va);
        *len = e->va + e->mask + 1 - va;
        return SVACC_XLATE_OK;
    }
    s->counters[SVACC_CNT_DEVTLB_MISS]++;

    r = svacc_read_ctx(s, job->pasid, job->priv, &table);
    if (r != SVACC_XLATE_OK) {
        return r;
    }
    if (!(va >> SVACC_VA_BITS)) {
        for (level = 4; level >= 1; level--) {
            unsigned idx = (va >> (12 + 9 * (level - 1))) & 511;

            if (pci_dma_read(PCI_DEVICE(s), table + idx * 8, &pte,
                             sizeof(pte)) != MEMTX_OK) {
                svacc_halt(s, SVACC_REASON_HALT_PT);
                return SVACC_XLATE_HALT;
            }
            pte = le64_to_cpu(pte);
            if (!(pte & SVACC_PTE_VALID)) {
                break;
            }
            if (level == 1 || (level == 2 && (pte & SVACC_PTE_LEAF))) {
                leaf = true;
                break;
            }
            table = pte & SVACC_PTE_ADDR_MASK;
        }
    }
    trace_svacc_translate(job->pasid, va, write, leaf ? pte : 0, leaf);
    if (leaf && (!write || (pte & SVACC_PTE_WRITE))) {
        e = svacc_tlb_insert(s->devtlb, s->devtlb_entries, &s->devtlb_next,
                             job->pasid, false, false, va);
        e->mask = (level == 2 ? SVACC_HUGE_SIZE : SVACC_PAGE_SIZE) - 1;
        e->va = va & ~(svacc_tlb_span(e) - 1);
        e->pa = pte & SVACC_PTE_ADDR_MASK & ~(svacc_tlb_span(e) - 1);
        e->read = true;
        e->write = pte & SVACC_PTE_WRITE;
        *pa = e->pa + (va - e->va);
        *len = e->va + e->mask + 1 - va;
        return SVACC_XLATE_OK;
    }
    if (!bof) {
        return SVACC_XLATE_FAULT;
    }
    return svacc_fault_record(s, job, va, write);
}

SvaccXlate svacc_translate(SvaccState *s, SvaccJob *job, uint64_t va,
                           uint64_t stream_end, bool write, bool bof,
                           hwaddr *pa, uint64_t *len)
{
    if (!PCI_DEVICE(s)->is_master) {
        return SVACC_XLATE_STOP;
    }
    /*
     * Beyond the device's virtual address width (CAP_XLATE.VA_BITS): no
     * page table of either mode maps it, so it faults at once, without a
     * translation request, a page request or a fault record.  Ranges that
     * run past the top of the address space end here too.
     */
    if (va >> SVACC_VA_BITS) {
        return SVACC_XLATE_FAULT;
    }
    if (job->fail_armed &&
        !((va ^ job->fault_va) & SVACC_PAGE_MASK)) {
        /* FAULT_RESP FAIL: this access ends the descriptor */
        job->fail_armed = false;
        return SVACC_XLATE_FAULT;
    }
    /* a large page's translation serves up to the end of that page */
    if (svacc_ats_mode(s)) {
        return svacc_ats_translate(s, job, va, stream_end, write, bof, pa,
                                   len);
    }
    return svacc_devpt_translate(s, job, va, write, bof, pa, len);
}

/* ---------------------------------------------------------------------- */

void svacc_xlate_reset(SvaccState *s)
{
    unsigned i;

    svacc_dma_fence(s);
    memset(s->atc, 0, sizeof(*s->atc) * s->atc_entries);
    memset(s->devtlb, 0, sizeof(*s->devtlb) * s->devtlb_entries);
    for (i = 0; i < SVACC_NUM_PRGI; i++) {
        svacc_prg_free(s, &s->prg[i]);
    }
    s->pri_outstanding = 0;
    s->pri_backoff_ns = 0;
}

void svacc_xlate_init(SvaccState *s)
{
    s->atc = g_new0(SvaccTlbEntry, s->atc_entries);
    s->devtlb = g_new0(SvaccTlbEntry, s->devtlb_entries);
    s->pasids = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_queue_init(&s->pri_delayed);
    s->pri_delay_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                      svacc_pri_delay_timer, s);
}

void svacc_xlate_exit(SvaccState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    GHashTableIter it;
    SvaccPasidState *ps;
    gpointer key;

    g_hash_table_iter_init(&it, s->pasids);
    while (g_hash_table_iter_next(&it, &key, (gpointer *)&ps)) {
        if (ps->pri_registered) {
            pci_pri_unregister_notifier(pdev, ps->pasid);
        }
        if (ps->iotlb_registered &&
            pci_iommu_unregister_iotlb_notifier(pdev, ps->pasid,
                                                &ps->iotlb_notifier)) {
            /* still linked into the IOMMU: keep it, but make it inert */
            ps->s = NULL;
            continue;
        }
        g_free(ps);
    }
    g_hash_table_destroy(s->pasids);
    g_queue_clear_full(&s->pri_delayed, g_free);
    timer_free(s->pri_delay_timer);
    g_free(s->atc);
    g_free(s->devtlb);
}
