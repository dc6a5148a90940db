/*
 * QTest for the svacc shared-virtual-addressing accelerator
 *
 * Runs the device in device-page-table (DEVPT) mode with context and page
 * tables built in guest memory by the test, and checks every operation
 * byte for byte, faults and resume, partial completion, the documented
 * error statuses, portal assembly rules and the device commands.
 *
 * Copyright (c) 2026 The svacc authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "libqos/libqos-pc.h"
#include "libqos/pci.h"
#include "hw/pci/pci_regs.h"
#include "hw/misc/svacc_regs.h"
#include "hw/i386/intel_iommu_internal.h"
#include "hw/pci-host/q35.h"

#define PAGE            4096ull
#define DEVFN           QPCI_DEVFN(4, 0)
#define CTX_ENTRIES     16
#define FQ_ENTRIES      16
#define WQ_SHARED       0
#define WQ_DED          1
#define PASID_A         1
#define PASID_B         2
#define PASID_NOCTX     5
#define CR_VA           0x10000000ull
#define ARRAY_VA        0x10010000ull
#define BUF_VA          0x20000000ull

typedef struct T {
    QOSState *qs;
    QTestState *qts;
    QPCIDevice *dev;
    QPCIBar regs;
    QPCIBar portals;
    uint64_t ctx;
    uint64_t fq;
    int crs;
    /* ATS mode: intel-iommu with first-level tables for PASID_A */
    bool ats;
    uint64_t ecam;
    uint16_t pasid_cap, ats_cap, pri_cap;
    uint64_t pml4;
    uint64_t iq;
    uint32_t iq_tail;
    uint64_t prq;
    uint32_t prq_head;
    int page_reqs;
    int groups;
} T;

/* ---------------------------------------------------------------------- */
/* Helpers */

static uint32_t rd32(T *t, uint64_t off)
{
    return qpci_io_readl(t->dev, t->regs, off);
}

static uint64_t rd64(T *t, uint64_t off)
{
    return qpci_io_readq(t->dev, t->regs, off);
}

static void wr32(T *t, uint64_t off, uint32_t v)
{
    qpci_io_writel(t->dev, t->regs, off, v);
}

static void wr64(T *t, uint64_t off, uint64_t v)
{
    qpci_io_writeq(t->dev, t->regs, off, v);
}

static uint64_t galloc(T *t, uint64_t size)
{
    uint64_t a = guest_alloc(&t->qs->alloc, size + PAGE);

    a = ROUND_UP(a, PAGE);
    qtest_memset(t->qts, a, 0, size);
    return a;
}

/* Map one 4 KiB page (or a 2 MiB page with @huge) in the PASID's table */
static void map_page(T *t, uint32_t pasid, uint64_t va, uint64_t pa,
                     bool write, bool huge)
{
    uint64_t ce_addr = t->ctx + pasid * SVACC_CTX_ENTRY_SIZE;
    uint64_t ce = qtest_readq(t->qts, ce_addr);
    uint64_t table, e;
    int level;

    if (!(ce & SVACC_CTX_VALID)) {
        ce = galloc(t, PAGE) | SVACC_CTX_VALID | SVACC_CTX_PRIV_OK;
        qtest_writeq(t->qts, ce_addr, ce);
    }
    table = ce & SVACC_PTE_ADDR_MASK;
    for (level = 4; level > (huge ? 2 : 1); level--) {
        uint64_t slot = table + ((va >> (12 + 9 * (level - 1))) & 511) * 8;

        e = qtest_readq(t->qts, slot);
        if (!(e & SVACC_PTE_VALID)) {
            e = galloc(t, PAGE) | SVACC_PTE_VALID;
            qtest_writeq(t->qts, slot, e);
        }
        table = e & SVACC_PTE_ADDR_MASK;
    }
    qtest_writeq(t->qts, table + ((va >> (huge ? 21 : 12)) & 511) * 8,
                 pa | SVACC_PTE_VALID | (write ? SVACC_PTE_WRITE : 0) |
                 (huge ? SVACC_PTE_LEAF : 0));
}

static uint64_t fl_va2pa(T *t, uint64_t va);

/* Test-side walk: VA -> guest physical, 0 when unmapped */
static uint64_t va2pa(T *t, uint32_t pasid, uint64_t va)
{
    if (t->ats) {
        return fl_va2pa(t, va);
    }
    uint64_t e = qtest_readq(t->qts, t->ctx + pasid * SVACC_CTX_ENTRY_SIZE);
    int level;

    for (level = 4; level >= 1; level--) {
        if (!(e & SVACC_PTE_VALID)) {
            return 0;
        }
        e = qtest_readq(t->qts, (e & SVACC_PTE_ADDR_MASK) +
                        ((va >> (12 + 9 * (level - 1))) & 511) * 8);
        if (level == 2 && (e & SVACC_PTE_LEAF)) {
            return (e & SVACC_PTE_VALID) ?
                   (e & SVACC_PTE_ADDR_MASK) + (va & (2 * MiB - 1)) : 0;
        }
    }
    return (e & SVACC_PTE_VALID) ?
           (e & SVACC_PTE_ADDR_MASK) + (va & (PAGE - 1)) : 0;
}

static void set_pte(T *t, uint32_t pasid, uint64_t va, uint64_t val)
{
    uint64_t e = qtest_readq(t->qts, t->ctx + pasid * SVACC_CTX_ENTRY_SIZE);
    int level;

    for (level = 4; level > 1; level--) {
        e = qtest_readq(t->qts, (e & SVACC_PTE_ADDR_MASK) +
                        ((va >> (12 + 9 * (level - 1))) & 511) * 8);
    }
    qtest_writeq(t->qts, (e & SVACC_PTE_ADDR_MASK) +
                 ((va >> 12) & 511) * 8, val);
}

/* Back [va, va + npages) with separately allocated (scattered) pages */
static void map_buf(T *t, uint32_t pasid, uint64_t va, int npages,
                    bool write)
{
    int i;

    for (i = 0; i < npages; i++) {
        map_page(t, pasid, va + i * PAGE, galloc(t, PAGE), write, false);
    }
}

static void vwrite(T *t, uint32_t pasid, uint64_t va, const void *buf,
                   size_t len)
{
    const uint8_t *p = buf;

    while (len) {
        size_t n = MIN(len, PAGE - (va & (PAGE - 1)));
        uint64_t pa = va2pa(t, pasid, va);

        g_assert(pa);
        qtest_memwrite(t->qts, pa, p, n);
        va += n;
        p += n;
        len -= n;
    }
}

static void vread(T *t, uint32_t pasid, uint64_t va, void *buf, size_t len)
{
    uint8_t *p = buf;

    while (len) {
        size_t n = MIN(len, PAGE - (va & (PAGE - 1)));
        uint64_t pa = va2pa(t, pasid, va);

        g_assert(pa);
        qtest_memread(t->qts, pa, p, n);
        va += n;
        p += n;
        len -= n;
    }
}

static void mkdesc(uint8_t *d, uint32_t pasid_priv, uint8_t op,
                   uint16_t flags, uint64_t cr, uint64_t src, uint64_t dst,
                   uint32_t size, uint64_t op0)
{
    memset(d, 0, SVACC_DESC_SIZE);
    stl_le_p(d + SVACC_DESC_PASID_PRIV, pasid_priv);
    d[SVACC_DESC_OPCODE] = op;
    stw_le_p(d + SVACC_DESC_FLAGS, flags);
    stq_le_p(d + SVACC_DESC_COMPL_ADDR, cr);
    stq_le_p(d + SVACC_DESC_SRC, src);
    stq_le_p(d + SVACC_DESC_DST, dst);
    stl_le_p(d + SVACC_DESC_XFER_SIZE, size);
    stq_le_p(d + SVACC_DESC_OP0, op0);
}

static uint64_t portal(int wq, bool priv)
{
    return wq * SVACC_WQ_PORTALS_SIZE + (priv ? SVACC_PORTAL_PRIV_OFFSET : 0);
}

static uint32_t submit_status(T *t, int wq, bool priv)
{
    return qpci_io_readl(t->dev, t->portals,
                         portal(wq, priv) + SVACC_PORTAL_SUBMIT_STATUS);
}

/* Write the eight quadwords, return the submission status byte */
static uint8_t submit(T *t, int wq, bool priv, const uint8_t *d)
{
    int i;

    for (i = 0; i < 8; i++) {
        qpci_io_writeq(t->dev, t->portals, portal(wq, priv) + i * 8,
                       ldq_le_p(d + i * 8));
    }
    return submit_status(t, wq, priv) & 0xff;
}

/* A fresh, zeroed completion record address in PASID_A's space */
static uint64_t new_cr(T *t)
{
    uint64_t va = CR_VA + (t->crs++) * SVACC_CR_SIZE;
    uint8_t zero[SVACC_CR_SIZE] = { 0 };

    g_assert(t->crs * SVACC_CR_SIZE <= PAGE);
    vwrite(t, PASID_A, va, zero, sizeof(zero));
    return va;
}

static uint8_t poll_cr(T *t, uint32_t pasid, uint64_t cr, uint8_t *rec,
                       int tries)
{
    uint64_t pa = va2pa(t, pasid, cr);
    uint8_t st = 0;
    int i;

    for (i = 0; i < tries && !st; i++) {
        st = qtest_readb(t->qts, pa);
    }
    if (rec) {
        qtest_memread(t->qts, pa, rec, SVACC_CR_SIZE);
    }
    return st;
}

/* Wait for a record; returns its status */
static uint8_t wait_cr(T *t, uint32_t pasid, uint64_t cr, uint8_t *rec)
{
    return poll_cr(t, pasid, cr, rec, 100000);
}

/* A record that must stay unwritten: look a few times */
static uint8_t peek_cr(T *t, uint32_t pasid, uint64_t cr)
{
    return poll_cr(t, pasid, cr, NULL, 50);
}

static uint8_t wait_cmd(T *t)
{
    int i;
    uint32_t st = SVACC_CMDSTS_ACTIVE;

    for (i = 0; i < 100000 && (st & SVACC_CMDSTS_ACTIVE); i++) {
        st = rd32(t, SVACC_CMDSTS);
    }
    g_assert_false(st & SVACC_CMDSTS_ACTIVE);
    return st & 0xff;
}

static uint8_t cmd(T *t, uint32_t c, uint64_t arg)
{
    wr64(t, SVACC_CMDARG, arg);
    wr32(t, SVACC_CMD, c);
    return wait_cmd(t);
}

static void wqcfg(T *t, int wq, uint32_t size, bool ded, uint32_t prio,
                  uint32_t cfg1)
{
    wr32(t, SVACC_WQCFG_BASE + SVACC_WQCFG_STRIDE * wq + SVACC_WQCFG0,
         size | (ded ? SVACC_WQCFG0_DEDICATED : 0) |
         (prio << SVACC_WQCFG0_PRIO_SHIFT));
    wr32(t, SVACC_WQCFG_BASE + SVACC_WQCFG_STRIDE * wq + SVACC_WQCFG1, cfg1);
}

static uint32_t wqsts(T *t, int wq)
{
    return rd32(t, SVACC_WQCFG_BASE + SVACC_WQCFG_STRIDE * wq + SVACC_WQSTS);
}

static T *start_with(const char *iommu, const char *extra)
{
    T *t = g_new0(T, 1);
    uint64_t size;

    t->qs = qtest_pc_boot("-M q35 -nic none %s -device svacc,addr=04.0%s",
                          iommu, extra);
    t->qts = t->qs->qts;
    t->dev = qpci_device_find(t->qs->pcibus, DEVFN);
    g_assert(t->dev);
    t->regs = qpci_iomap(t->dev, SVACC_BAR_REGS, &size);
    g_assert_cmpuint(size, ==, SVACC_REGS_SIZE);
    t->portals = qpci_iomap(t->dev, SVACC_BAR_PORTALS, &size);
    qpci_msix_enable(t->dev);
    qpci_device_enable(t->dev);
    return t;
}

static T *start(const char *extra)
{
    return start_with("", extra);
}

static void stop(T *t)
{
    g_free(t->dev);
    qtest_shutdown(t->qs);
    g_free(t);
}

/* DEVPT mode, WQ0 shared and WQ1 dedicated to PASID_A, CR page mapped */
static T *start_devpt(const char *extra)
{
    T *t = start(extra);

    t->ctx = galloc(t, CTX_ENTRIES * SVACC_CTX_ENTRY_SIZE);
    t->fq = galloc(t, FQ_ENTRIES * SVACC_FR_SIZE);
    wr64(t, SVACC_CTX_BASE, t->ctx);
    wr32(t, SVACC_CTX_SIZE, CTX_ENTRIES);
    wr64(t, SVACC_FQ_BASE, t->fq);
    wr32(t, SVACC_FQ_SIZE, FQ_ENTRIES);
    wr32(t, SVACC_FQ_CTL, SVACC_FQ_CTL_ENABLE);
    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE |
         (SVACC_MODE_DEVPT << SVACC_GENCTRL_MODE_SHIFT));
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ENABLED);
    wqcfg(t, WQ_SHARED, 16, false, 5, 0);
    wqcfg(t, WQ_DED, 16, true, 5, PASID_A);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, WQ_SHARED), ==, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, WQ_DED), ==, 0);
    map_buf(t, PASID_A, CR_VA, 1, true);
    map_page(t, PASID_B, CR_VA, va2pa(t, PASID_A, CR_VA), true, false);
    return t;
}

/* Run one descriptor through the dedicated WQ, return its status */
static uint8_t run(T *t, uint8_t op, uint16_t flags, uint64_t src,
                   uint64_t dst, uint32_t size, uint64_t op0, uint8_t *rec)
{
    uint8_t d[SVACC_DESC_SIZE];
    uint64_t cr = new_cr(t);

    mkdesc(d, 0, op, flags | SVACC_FLAG_CRAV, cr, src, dst, size, op0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==,
                     SVACC_SUBMIT_ACCEPTED);
    return wait_cr(t, PASID_A, cr, rec);
}

static uint32_t ref_crc32c(uint32_t crc, const uint8_t *p, size_t len)
{
    int k;

    while (len--) {
        crc ^= *p++;
        for (k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1));
        }
    }
    return crc;
}

static void fill_random(uint8_t *p, size_t n, uint32_t seed)
{
    size_t i;

    for (i = 0; i < n; i++) {
        seed = seed * 1103515245 + 12345;
        p[i] = seed >> 16;
    }
}

/* ---------------------------------------------------------------------- */
/* Tests */

static void test_identity(void)
{
    T *t = start("");
    QPCIDevice *d = t->dev;

    g_assert_cmphex(qpci_config_readw(d, PCI_VENDOR_ID), ==, SVACC_VENDOR_ID);
    g_assert_cmphex(qpci_config_readw(d, PCI_DEVICE_ID), ==, SVACC_DEVICE_ID);
    g_assert_cmphex(qpci_config_readb(d, PCI_REVISION_ID), ==,
                    SVACC_REVISION);
    g_assert_cmphex(qpci_config_readw(d, PCI_CLASS_DEVICE), ==, 0x1200);
    g_assert_cmphex(qpci_config_readb(d, PCI_CLASS_PROG), ==, 0);
    g_assert_cmphex(qpci_config_readw(d, PCI_SUBSYSTEM_VENDOR_ID), ==,
                    SVACC_SUBSYS_VENDOR_ID);
    g_assert_cmphex(qpci_config_readw(d, PCI_SUBSYSTEM_ID), ==,
                    SVACC_SUBSYS_ID);
    g_assert_cmphex(qpci_config_readl(d, PCI_BASE_ADDRESS_0) & 0xf, ==,
                    PCI_BASE_ADDRESS_MEM_TYPE_64);
    g_assert_cmphex(qpci_config_readl(d, PCI_BASE_ADDRESS_2) & 0xf, ==,
                    PCI_BASE_ADDRESS_MEM_TYPE_64);
    g_assert_cmphex(qpci_config_readl(d, PCI_BASE_ADDRESS_4) & 0xf, ==,
                    PCI_BASE_ADDRESS_MEM_TYPE_64);
    g_assert_cmpuint(qpci_msix_table_size(d), ==, 5);
    g_assert_cmphex(qpci_find_capability(d, PCI_CAP_ID_EXP, 0), !=, 0);

    g_assert_cmphex(rd32(t, SVACC_VERSION), ==, SVACC_VERSION_1_0);
    g_assert_cmphex(rd32(t, SVACC_CAP_OPS), ==, 0xff);
    g_assert_cmphex(rd32(t, SVACC_CAP_WQ), ==, 4 | (128 << 16));
    g_assert_cmphex(rd32(t, SVACC_CAP_XLATE), ==,
                    0x1f | (SVACC_VA_BITS << SVACC_XLATE_VA_BITS_SHIFT));
    g_assert_cmphex(rd32(t, SVACC_CAP_TLB), ==, 64 | (64 << 16));
    g_assert_cmphex(rd32(t, SVACC_CAP_LIMITS) & 0xff, >=, 20);
    g_assert_cmphex(rd32(t, SVACC_CAP_LIMITS) >> 16, >=, 1);
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, 0);
    g_assert_cmphex(rd32(t, 0x1ffc), ==, 0);        /* undefined offset */
    stop(t);

    t = start(",pasid=off,ats=off,pri=off,num-wqs=2,wq-depth=32");
    g_assert_cmphex(rd32(t, SVACC_CAP_XLATE), ==,
                    SVACC_XLATE_DEVPT |
                    (SVACC_VA_BITS << SVACC_XLATE_VA_BITS_SHIFT));
    g_assert_cmphex(rd32(t, SVACC_CAP_WQ), ==, 2 | (32 << 16));
    g_assert_cmpuint(qpci_msix_table_size(t->dev), ==, 3);
    stop(t);
}

static void test_enable_and_config(void)
{
    T *t = start("");
    uint64_t ctx, fq;

    /* invalid mode */
    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE);
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ERR |
                    (SVACC_REASON_BAD_MODE << 8));
    /* ATS mode while the guest has not enabled PASID / ATS */
    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE | (SVACC_MODE_ATS << 4));
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ERR |
                    (SVACC_REASON_NO_PASID_ATS << 8));
    /* DEVPT without a context table */
    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE | (SVACC_MODE_DEVPT << 4));
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ERR |
                    (SVACC_REASON_CTX_INVALID << 8));
    ctx = galloc(t, PAGE);
    fq = galloc(t, PAGE);
    wr64(t, SVACC_CTX_BASE, ctx);
    wr32(t, SVACC_CTX_SIZE, 16);
    /* fault queue enabled but of invalid size */
    wr64(t, SVACC_FQ_BASE, fq);
    wr32(t, SVACC_FQ_SIZE, 24);
    wr32(t, SVACC_FQ_CTL, SVACC_FQ_CTL_ENABLE);
    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE | (SVACC_MODE_DEVPT << 4));
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ERR |
                    (SVACC_REASON_FQ_INVALID << 8));
    wr32(t, SVACC_FQ_SIZE, 16);
    g_assert_cmphex(rd64(t, SVACC_CTX_BASE), ==, ctx);

    /* ENABLE_WQ before the device is enabled */
    wqcfg(t, 0, 8, false, 1, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 0), ==,
                     SVACC_CMDSTS_NOT_ENABLED);
    g_assert_cmpuint(rd32(t, SVACC_WQCFG_BASE + SVACC_WQERR), ==,
                     SVACC_WQERR_DEV_DISABLED);

    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE | (SVACC_MODE_DEVPT << 4));
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ENABLED);
    g_assert_true(rd32(t, SVACC_INTCAUSE) & SVACC_INT_CMD_DONE);
    wr32(t, SVACC_INTCAUSE, SVACC_INT_ALL);
    g_assert_cmphex(rd32(t, SVACC_INTCAUSE), ==, 0);

    /* WQ configuration errors: size, priority, PASID, total depth */
    wqcfg(t, 0, 0, false, 1, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 0), ==,
                     SVACC_CMDSTS_INVALID);
    g_assert_cmpuint(rd32(t, SVACC_WQCFG_BASE + SVACC_WQERR), ==,
                     SVACC_WQERR_SIZE);
    g_assert_cmphex(rd64(t, SVACC_SWERR0) & 0xff01, ==,
                    (SVACC_SWERR_WQ_CONFIG << 8) | 1);
    g_assert_cmpuint(rd64(t, SVACC_SWERR2), ==, 0);
    wr32(t, SVACC_SWERR0, 1);
    g_assert_cmphex(rd64(t, SVACC_SWERR0) & 3, ==, 0);
    wqcfg(t, 0, 8, false, 0, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 0), ==,
                     SVACC_CMDSTS_INVALID);
    g_assert_cmpuint(rd32(t, SVACC_WQCFG_BASE + SVACC_WQERR), ==,
                     SVACC_WQERR_PRIORITY);
    wqcfg(t, 0, 8, true, 1, 256);   /* pasid-width 8 */
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 0), ==,
                     SVACC_CMDSTS_INVALID);
    g_assert_cmpuint(rd32(t, SVACC_WQCFG_BASE + SVACC_WQERR), ==,
                     SVACC_WQERR_PASID);
    wqcfg(t, 0, 100, true, 1, 255);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 0), ==, 0);
    g_assert_cmphex(wqsts(t, 0), ==, SVACC_WQSTS_ENABLED);
    wqcfg(t, 1, 29, false, 1, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 1), ==,
                     SVACC_CMDSTS_INVALID);
    g_assert_cmpuint(rd32(t, SVACC_WQCFG_BASE + SVACC_WQCFG_STRIDE +
                          SVACC_WQERR), ==, SVACC_WQERR_SIZE);
    wqcfg(t, 1, 28, false, 1, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 1), ==, 0);
    /* config is read-only while enabled */
    wqcfg(t, 0, 4, false, 2, 0);
    g_assert_cmphex(rd32(t, SVACC_WQCFG_BASE), ==,
                    100 | SVACC_WQCFG0_DEDICATED | (1 << 20));
    /* bad command operands */
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 4), ==,
                     SVACC_CMDSTS_INVALID);
    g_assert_cmpuint(cmd(t, 0x7f, 0), ==, SVACC_CMDSTS_UNKNOWN);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ABORT_PASID, 1 << 20), ==,
                     SVACC_CMDSTS_INVALID);

    /* disabling the device with WQs enabled is refused */
    wr32(t, SVACC_GENCTRL, 0);
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ENABLED |
                    SVACC_GENSTS_ERR | (SVACC_REASON_WQ_ENABLED << 8));
    g_assert_cmpuint(cmd(t, SVACC_CMD_DISABLE_WQ, 0), ==, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_DISABLE_WQ, 1), ==, 0);
    g_assert_cmphex(wqsts(t, 0), ==, 0);
    wr32(t, SVACC_GENCTRL, 0);
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, 0);

    /* RESET returns everything to reset values */
    wr32(t, SVACC_INTMASK, 0x3);
    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE | (SVACC_MODE_DEVPT << 4));
    wr32(t, SVACC_RESET, 1);
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, 0);
    g_assert_cmphex(rd32(t, SVACC_GENCTRL), ==, 0);
    g_assert_cmphex(rd32(t, SVACC_INTMASK), ==, 0);
    g_assert_cmphex(rd64(t, SVACC_CTX_BASE), ==, 0);
    g_assert_cmphex(rd32(t, SVACC_WQCFG_BASE), ==, 0);
    g_assert_cmphex(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_SWERRS), ==, 0);
    g_assert_cmphex(qpci_config_readw(t->dev, PCI_VENDOR_ID), ==,
                    SVACC_VENDOR_ID);
    stop(t);
}

static void test_ops(void)
{
    T *t = start_devpt("");
    enum { N = 3 * PAGE + 700 };
    g_autofree uint8_t *a = g_malloc(N), *b = g_malloc(N), *c = g_malloc(N);
    uint64_t src = BUF_VA + 100, dst = BUF_VA + 0x10000 + 3000;
    uint64_t pat = 0x0123456789abcdefull;
    uint8_t rec[SVACC_CR_SIZE];
    size_t i;

    map_buf(t, PASID_A, BUF_VA, 16, true);
    map_buf(t, PASID_A, BUF_VA + 0x10000, 16, true);

    /* NOP */
    g_assert_cmpuint(run(t, SVACC_OP_NOP, 0, 0, 0, 0, 0, rec), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(rec[SVACC_CR_OPCODE], ==, SVACC_OP_NOP);

    /* MEMMOVE across scattered pages */
    fill_random(a, N, 1);
    vwrite(t, PASID_A, src, a, N);
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, src, dst, N, 0, rec), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(ldl_le_p(rec + SVACC_CR_BYTES_COMPLETED), ==, N);
    g_assert_cmpuint(rec[SVACC_CR_OPCODE], ==, SVACC_OP_MEMMOVE);
    vread(t, PASID_A, dst, b, N);
    g_assert(!memcmp(a, b, N));

    /* MEMMOVE, overlapping, destination above the source */
    vwrite(t, PASID_A, src, a, N);
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, src, src + 5000, N, 0,
                         rec), ==, SVACC_STATUS_SUCCESS);
    vread(t, PASID_A, src + 5000, b, N);
    g_assert(!memcmp(a, b, N));
    /* and below it */
    vwrite(t, PASID_A, src + 5000, a, N);
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, src + 5000, src + 11, N, 0,
                         rec), ==, SVACC_STATUS_SUCCESS);
    vread(t, PASID_A, src + 11, b, N);
    g_assert(!memcmp(a, b, N));

    /* SIZE 0 */
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, 0xdead0000, 0xbeef0000, 0,
                         0, rec), ==, SVACC_STATUS_SUCCESS);

    /* MEMFILL from an odd offset */
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, dst + 3, N - 3, pat,
                         rec), ==, SVACC_STATUS_SUCCESS);
    vread(t, PASID_A, dst + 3, b, N - 3);
    for (i = 0; i < N - 3; i++) {
        g_assert_cmphex(b[i], ==, (uint8_t)(pat >> (8 * (i % 8))));
    }

    /* COMPARE equal, then different at a known offset */
    vwrite(t, PASID_A, src, a, N);
    vwrite(t, PASID_A, dst, a, N);
    g_assert_cmpuint(run(t, SVACC_OP_COMPARE, 0, src, dst, N, 0, rec), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(rec[SVACC_CR_RESULT], ==, 0);
    c[0] = a[9000] ^ 0x40;
    vwrite(t, PASID_A, dst + 9000, c, 1);
    g_assert_cmpuint(run(t, SVACC_OP_COMPARE, 0, src, dst, N, 0, rec), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(rec[SVACC_CR_RESULT], ==, 1);
    g_assert_cmpuint(ldq_le_p(rec + SVACC_CR_RESULT_VALUE), ==, 9000);

    /* COMPARE_PATTERN */
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, dst, N, pat, rec), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(run(t, SVACC_OP_COMPARE_PATTERN, 0, dst, 0, N, pat,
                         rec), ==, SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(rec[SVACC_CR_RESULT], ==, 0);
    c[0] = 0;
    vwrite(t, PASID_A, dst + 4097, c, 1);
    g_assert_cmpuint(run(t, SVACC_OP_COMPARE_PATTERN, 0, dst, 0, N, pat,
                         rec), ==, SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(rec[SVACC_CR_RESULT], ==, 1);
    g_assert_cmpuint(ldq_le_p(rec + SVACC_CR_RESULT_VALUE), ==, 4097);

    /* CRC32C: seeded, no inversion; the standard CRC is ~crc(~0, buf) */
    g_assert_cmpuint(run(t, SVACC_OP_CRC32C, 0, src, 0, N, 0x1234567890ull,
                         rec), ==, SVACC_STATUS_SUCCESS);
    g_assert_cmphex(ldq_le_p(rec + SVACC_CR_RESULT_VALUE), ==,
                    ref_crc32c(0x34567890, a, N));
    vwrite(t, PASID_A, src, "123456789", 9);
    g_assert_cmpuint(run(t, SVACC_OP_CRC32C, 0, src, 0, 9, 0xffffffff, rec),
                     ==, SVACC_STATUS_SUCCESS);
    g_assert_cmphex(~ldq_le_p(rec + SVACC_CR_RESULT_VALUE) & 0xffffffff, ==,
                    0xe3069283);

    /* counters */
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_DESC_COMPLETED),
                     ==, 13);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_ERRORS), ==, 0);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_DEVTLB_HIT), >,
                     0);
    wr32(t, SVACC_COUNTERS + 8 * SVACC_CNT_DESC_COMPLETED, 0);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_DESC_COMPLETED),
                     ==, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_RESET_COUNTERS, 0), ==, 0);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_BYTES), ==, 0);
    stop(t);
}

static void test_huge_page(void)
{
    T *t = start_devpt("");
    uint64_t pa = ROUND_UP(galloc(t, 4 * MiB), 2 * MiB);
    enum { N = 3 * PAGE };
    g_autofree uint8_t *a = g_malloc(N), *b = g_malloc(N);

    map_page(t, PASID_A, 0x40000000, pa, true, true);
    map_buf(t, PASID_A, BUF_VA, 4, true);
    fill_random(a, N, 7);
    vwrite(t, PASID_A, BUF_VA, a, N);
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, BUF_VA, 0x40000000 + 5,
                         N, 0, NULL), ==, SVACC_STATUS_SUCCESS);
    qtest_memread(t->qts, pa + 5, b, N);
    g_assert(!memcmp(a, b, N));
    stop(t);
}

static void test_batch(void)
{
    T *t = start_devpt("");
    uint8_t d[SVACC_DESC_SIZE], rec[SVACC_CR_SIZE];
    uint64_t cr[4];
    uint8_t x[64], y[64];
    int i;

    map_buf(t, PASID_A, ARRAY_VA, 1, false);
    map_buf(t, PASID_A, BUF_VA, 2, true);
    for (i = 0; i < 4; i++) {
        cr[i] = new_cr(t);
    }
    fill_random(x, sizeof(x), 3);
    vwrite(t, PASID_A, BUF_VA, x, sizeof(x));
    /* element 0 copies, element 1 has a bad opcode, element 2 fills */
    mkdesc(d, 0x7ff00000, SVACC_OP_MEMMOVE, SVACC_FLAG_CRAV, cr[0], BUF_VA,
           BUF_VA + PAGE, 64, 0);
    vwrite(t, PASID_A, ARRAY_VA, d, sizeof(d));
    mkdesc(d, 0, SVACC_OP_BATCH, SVACC_FLAG_CRAV, cr[1], 0, 0, 1, 0);
    vwrite(t, PASID_A, ARRAY_VA + 64, d, sizeof(d));
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV, cr[2], 0,
           BUF_VA + PAGE + 64, 8, 0x1111111111111111ull);
    vwrite(t, PASID_A, ARRAY_VA + 128, d, sizeof(d));

    g_assert_cmpuint(run(t, SVACC_OP_BATCH, 0, ARRAY_VA, 0, 3, 0, rec), ==,
                     SVACC_STATUS_BATCH_ERROR);
    g_assert_cmpuint(ldl_le_p(rec + SVACC_CR_BYTES_COMPLETED), ==, 2);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr[0], NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr[1], NULL), ==,
                     SVACC_STATUS_INVALID_OPCODE);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr[2], NULL), ==,
                     SVACC_STATUS_SUCCESS);
    vread(t, PASID_A, BUF_VA + PAGE, y, sizeof(y));
    g_assert(!memcmp(x, y, sizeof(y)));
    vread(t, PASID_A, BUF_VA + PAGE + 64, y, 8);
    g_assert_cmphex(ldq_le_p(y), ==, 0x1111111111111111ull);

    /* all good: SUCCESS */
    g_assert_cmpuint(run(t, SVACC_OP_BATCH, 0, ARRAY_VA, 0, 1, 0, rec), ==,
                     SVACC_STATUS_SUCCESS);
    /* misaligned array, bad counts */
    g_assert_cmpuint(run(t, SVACC_OP_BATCH, 0, ARRAY_VA + 32, 0, 1, 0, rec),
                     ==, SVACC_STATUS_MISALIGNED);
    g_assert_cmpuint(run(t, SVACC_OP_BATCH, 0, ARRAY_VA, 0, 0, 0, rec), ==,
                     SVACC_STATUS_INVALID_SIZE);
    g_assert_cmpuint(run(t, SVACC_OP_BATCH, 0, ARRAY_VA, 0,
                         (rd32(t, SVACC_CAP_LIMITS) >> 16) + 1, 0, rec), ==,
                     SVACC_STATUS_INVALID_SIZE);
    /* array running into an unmapped page: PAGE_FAULT after 64 elements */
    for (i = 0; i < 64; i++) {
        mkdesc(d, 0, SVACC_OP_NOP, 0, 0, 0, 0, 0, 0);
        vwrite(t, PASID_A, ARRAY_VA + i * 64, d, sizeof(d));
    }
    g_assert_cmpuint(run(t, SVACC_OP_BATCH, 0, ARRAY_VA, 0, 70, 0, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmpuint(ldl_le_p(rec + SVACC_CR_BYTES_COMPLETED), ==, 64);
    g_assert_cmphex(ldq_le_p(rec + SVACC_CR_FAULT_ADDR), ==, ARRAY_VA + PAGE);
    g_assert_cmphex(rec[SVACC_CR_FAULT_INFO], ==, SVACC_FAULT_INFO_R);
    stop(t);
}

static void test_invalid(void)
{
    T *t = start_devpt("");
    uint8_t d[SVACC_DESC_SIZE], rec[SVACC_CR_SIZE];
    uint64_t cr;

    map_buf(t, PASID_A, BUF_VA, 1, true);
    g_assert_cmpuint(run(t, 0x08, 0, 0, 0, 0, 0, rec), ==,
                     SVACC_STATUS_INVALID_OPCODE);
    g_assert_cmpuint(run(t, 0xff, 0, 0, 0, 0, 0, rec), ==,
                     SVACC_STATUS_INVALID_OPCODE);
    g_assert_cmpuint(run(t, SVACC_OP_NOP, 0x10, 0, 0, 0, 0, rec), ==,
                     SVACC_STATUS_INVALID_FLAGS);
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, BUF_VA, BUF_VA, 0x80000001u,
                         0, rec), ==, SVACC_STATUS_INVALID_SIZE);

    /* reserved descriptor bytes */
    cr = new_cr(t);
    mkdesc(d, 0, SVACC_OP_NOP, SVACC_FLAG_CRAV, cr, 0, 0, 0, 0);
    d[0x3f] = 1;
    g_assert_cmpuint(submit(t, WQ_DED, true, d), ==, SVACC_SUBMIT_ACCEPTED);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, NULL), ==,
                     SVACC_STATUS_INVALID_FLAGS);
    /* reserved PASID_PRIV bits on the shared WQ */
    cr = new_cr(t);
    mkdesc(d, PASID_A | (1u << 20), SVACC_OP_NOP, SVACC_FLAG_CRAV, cr, 0, 0,
           0, 0);
    g_assert_cmpuint(submit(t, WQ_SHARED, true, d), ==,
                     SVACC_SUBMIT_ACCEPTED);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, NULL), ==,
                     SVACC_STATUS_INVALID_FLAGS);
    /* PASID of the shared WQ descriptor selects the space: B works */
    cr = new_cr(t);
    mkdesc(d, PASID_B, SVACC_OP_NOP, SVACC_FLAG_CRAV, cr, 0, 0, 0, 0);
    g_assert_cmpuint(submit(t, WQ_SHARED, true, d), ==,
                     SVACC_SUBMIT_ACCEPTED);
    g_assert_cmpuint(wait_cr(t, PASID_B, cr, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    /* PRIV without PRIV_OK in the context */
    qtest_writeq(t->qts, t->ctx + PASID_B * 16,
                 qtest_readq(t->qts, t->ctx + PASID_B * 16) &
                 ~SVACC_CTX_PRIV_OK);
    cr = new_cr(t);
    mkdesc(d, PASID_B | SVACC_DESC_PRIV, SVACC_OP_NOP, SVACC_FLAG_CRAV, cr,
           0, 0, 0, 0);
    g_assert_cmpuint(submit(t, WQ_SHARED, true, d), ==,
                     SVACC_SUBMIT_ACCEPTED);
    /* the record is in the same, refused, address space: SWERR 0x06 */
    while (!(rd64(t, SVACC_SWERR0) & SVACC_SWERR0_VALID)) {
        continue;
    }
    g_assert_cmphex((rd64(t, SVACC_SWERR0) >> 8) & 0xff, ==,
                    SVACC_SWERR_COMPL_WRITE);
    g_assert_cmphex(rd64(t, SVACC_SWERR0) >> 32 & 0xfffff, ==, PASID_B);
    g_assert_true(rd64(t, SVACC_SWERR0) & SVACC_SWERR0_PRIV);
    g_assert_cmphex(rd64(t, SVACC_SWERR1), ==, cr);
    g_assert_cmphex(rd64(t, SVACC_SWERR2), ==, SVACC_STATUS_ACCESS_DENIED);
    wr32(t, SVACC_SWERR0, 1);

    /* no context: ACCESS_DENIED, record not writable either */
    cr = new_cr(t);
    mkdesc(d, PASID_NOCTX, SVACC_OP_NOP, SVACC_FLAG_CRAV, cr, 0, 0, 0, 0);
    g_assert_cmpuint(submit(t, WQ_SHARED, true, d), ==,
                     SVACC_SUBMIT_ACCEPTED);
    while (!(rd64(t, SVACC_SWERR0) & SVACC_SWERR0_VALID)) {
        continue;
    }
    g_assert_cmphex(rd64(t, SVACC_SWERR2), ==, SVACC_STATUS_ACCESS_DENIED);
    wr32(t, SVACC_SWERR0, 1);

    /* misaligned record: executed, not written, SWERR 0x05 */
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV, CR_VA + 0x808, 0,
           BUF_VA, 8, 0x4242424242424242ull);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    while (!(rd64(t, SVACC_SWERR0) & SVACC_SWERR0_VALID)) {
        continue;
    }
    g_assert_cmphex((rd64(t, SVACC_SWERR0) >> 8) & 0xff, ==,
                    SVACC_SWERR_COMPL_ALIGN);
    g_assert_cmphex(rd64(t, SVACC_SWERR1), ==, CR_VA + 0x808);
    vread(t, PASID_A, BUF_VA, rec, 8);
    g_assert_cmphex(ldq_le_p(rec), ==, 0x4242424242424242ull);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_ERRORS), ==, 8);
    stop(t);
}

static void test_portals(void)
{
    T *t = start_devpt("");
    uint8_t d[SVACC_DESC_SIZE];
    uint32_t st, cnt;
    int i;

    mkdesc(d, PASID_A, SVACC_OP_NOP, 0, 0, 0, 0, 0, 0);
    st = submit_status(t, WQ_DED, false);
    cnt = st >> 16;

    /* torn: seven quadwords, then the commit */
    for (i = 1; i < 8; i++) {
        qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, false) + i * 8, 0);
    }
    st = submit_status(t, WQ_DED, false);
    g_assert_cmphex(st, ==, SVACC_SUBMIT_REJECTED | ((cnt + 1) << 16));
    g_assert_cmphex(rd64(t, SVACC_SWERR0) & 0xffff01, ==,
                    (WQ_DED << 16) | (SVACC_SWERR_TORN << 8) | 1);
    g_assert_cmphex(rd64(t, SVACC_SWERR1), ==, portal(WQ_DED, false));
    g_assert_true(rd32(t, SVACC_INTCAUSE) & SVACC_INT_SWERR);
    g_assert_true(qpci_msix_pending(t->dev, 0));

    /* a second error while VALID: OVERFLOW */
    qpci_io_writel(t->dev, t->portals, portal(WQ_DED, false), 0);
    g_assert_cmphex(submit_status(t, WQ_DED, false) & 0xff, ==,
                    SVACC_SUBMIT_REJECTED);
    g_assert_true(rd64(t, SVACC_SWERR0) & SVACC_SWERR0_OVERFLOW);
    g_assert_cmphex((rd64(t, SVACC_SWERR0) >> 8) & 0xff, ==,
                    SVACC_SWERR_TORN);
    wr32(t, SVACC_SWERR0, 1);
    g_assert_cmphex(rd64(t, SVACC_SWERR0) & 3, ==, 0);

    /* bad access: 4-byte write, and a write beyond the staging area */
    qpci_io_writel(t->dev, t->portals, portal(WQ_DED, false) + 8, 0);
    g_assert_cmphex((rd64(t, SVACC_SWERR0) >> 8) & 0xff, ==,
                    SVACC_SWERR_BAD_PORTAL);
    wr32(t, SVACC_SWERR0, 1);
    qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, false) + 0x40, 0);
    g_assert_cmphex((rd64(t, SVACC_SWERR0) >> 8) & 0xff, ==,
                    SVACC_SWERR_BAD_PORTAL);
    wr32(t, SVACC_SWERR0, 1);
    /* a bad access clears the staging mask: this commit is torn */
    for (i = 0; i < 4; i++) {
        qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, false) + i * 8, 0);
    }
    qpci_io_writew(t->dev, t->portals, portal(WQ_DED, false) + 0x20, 0);
    for (i = 4; i < 8; i++) {
        qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, false) + i * 8, 0);
    }
    g_assert_cmphex(submit_status(t, WQ_DED, false) & 0xff, ==,
                    SVACC_SUBMIT_REJECTED);
    g_assert_cmphex((rd64(t, SVACC_SWERR0) >> 8) & 0xff, ==,
                    SVACC_SWERR_BAD_PORTAL);
    wr32(t, SVACC_SWERR0, 1);

    /* any order of the first seven quadwords is fine */
    for (i = 6; i >= 0; i--) {
        qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, false) + i * 8,
                       ldq_le_p(d + i * 8));
    }
    qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, false) + 0x38, 0);
    g_assert_cmphex(submit_status(t, WQ_DED, false) & 0xff, ==,
                    SVACC_SUBMIT_ACCEPTED);

    /* user portal of a shared WQ */
    g_assert_cmphex(submit(t, WQ_SHARED, false, d), ==,
                    SVACC_SUBMIT_REJECTED);
    g_assert_cmphex((rd64(t, SVACC_SWERR0) >> 8) & 0xff, ==,
                    SVACC_SWERR_USER_SHARED);
    wr32(t, SVACC_SWERR0, 1);
    g_assert_cmphex(submit(t, WQ_SHARED, true, d), ==,
                    SVACC_SUBMIT_ACCEPTED);

    /* disabled WQ */
    g_assert_cmphex(submit(t, 2, true, d), ==, SVACC_SUBMIT_REJECTED);
    g_assert_cmphex((rd64(t, SVACC_SWERR0) >> 8) & 0xff, ==,
                    SVACC_SWERR_WQ_DISABLED);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_SWERRS), ==, 8);
    /* staging reads as zero */
    g_assert_cmphex(qpci_io_readq(t->dev, t->portals, portal(WQ_DED, true)),
                    ==, 0);
    stop(t);
}

static void test_retry_and_stall(void)
{
    T *t = start_devpt(",x-inject-stall-us=1000");
    uint8_t d[SVACC_DESC_SIZE];
    uint64_t cr[3];
    int i;

    /* WQ2: two entries */
    wqcfg(t, 2, 2, true, 3, PASID_A);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 2), ==, 0);
    for (i = 0; i < 3; i++) {
        cr[i] = new_cr(t);
        mkdesc(d, 0, SVACC_OP_NOP, SVACC_FLAG_CRAV | SVACC_FLAG_RCI, cr[i],
               0, 0, 0, 0);
        g_assert_cmpuint(submit(t, 2, false, d), ==,
                         i < 2 ? SVACC_SUBMIT_ACCEPTED : SVACC_SUBMIT_RETRY);
    }
    g_assert_cmphex(wqsts(t, 2), ==, SVACC_WQSTS_ENABLED | (2 << 16));
    /* nothing runs while the engine is stalled */
    g_assert_cmpuint(peek_cr(t, PASID_A, cr[0]), ==, 0);
    /* DRAIN_WQ waits for both */
    wr64(t, SVACC_CMDARG, 2);
    wr32(t, SVACC_CMD, SVACC_CMD_DRAIN_WQ);
    g_assert_cmphex(rd32(t, SVACC_CMDSTS), ==, SVACC_CMDSTS_ACTIVE);
    /* a CMD write while ACTIVE is ignored */
    wr32(t, SVACC_CMD, SVACC_CMD_RESET_COUNTERS);
    g_assert_cmphex(rd32(t, SVACC_CMDSTS), ==, SVACC_CMDSTS_ACTIVE);
    qtest_clock_step(t->qts, 1000 * 1000);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr[0], NULL), ==,
                     SVACC_STATUS_SUCCESS);
    qtest_clock_step(t->qts, 1000 * 1000);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr[1], NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(wait_cmd(t), ==, 0);
    g_assert_cmphex(wqsts(t, 2), ==, SVACC_WQSTS_ENABLED);
    g_assert_true(qpci_msix_pending(t->dev, SVACC_MSIX_WQ(2)));
    g_assert_false(qpci_msix_pending(t->dev, SVACC_MSIX_WQ(3)));
    stop(t);
}

static uint64_t fq_entry(T *t, int i, uint32_t *pasid, uint16_t *flags,
                         uint16_t *id)
{
    uint64_t r = t->fq + i * SVACC_FR_SIZE;

    *pasid = qtest_readl(t->qts, r + SVACC_FR_PASID);
    *flags = qtest_readw(t->qts, r + SVACC_FR_FLAGS);
    *id = qtest_readw(t->qts, r + SVACC_FR_FAULT_ID);
    return qtest_readq(t->qts, r + SVACC_FR_ADDR);
}

static void test_fault_resume(void)
{
    T *t = start_devpt("");
    enum { N = 3 * PAGE };
    g_autofree uint8_t *a = g_malloc(N), *b = g_malloc(N);
    uint64_t src = BUF_VA, dst = BUF_VA + 0x10000 + 16;
    uint8_t d[SVACC_DESC_SIZE], rec[SVACC_CR_SIZE];
    uint64_t cr = new_cr(t), cr2;
    uint32_t pasid;
    uint16_t flags, id;
    int i;

    map_buf(t, PASID_A, src, 3, true);
    /* dst spans four pages; the third is missing, the fourth read-only */
    map_buf(t, PASID_A, BUF_VA + 0x10000, 2, true);
    map_buf(t, PASID_A, BUF_VA + 0x13000, 1, false);
    fill_random(a, N, 11);
    vwrite(t, PASID_A, src, a, N);

    mkdesc(d, 0, SVACC_OP_MEMMOVE, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr,
           src, dst, N, 0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    for (i = 0; i < 100000 && rd32(t, SVACC_FQ_TAIL) == 0; i++) {
        continue;
    }
    g_assert_cmpuint(rd32(t, SVACC_FQ_TAIL), ==, 1);
    g_assert_cmphex(fq_entry(t, 0, &pasid, &flags, &id), ==,
                    BUF_VA + 0x12000);
    g_assert_cmpuint(pasid, ==, PASID_A);
    g_assert_cmphex(flags, ==, SVACC_FR_WRITE);
    g_assert_true(rd32(t, SVACC_INTCAUSE) & SVACC_INT_FAULT);
    g_assert_cmphex(wqsts(t, WQ_DED), ==, SVACC_WQSTS_ENABLED | (1 << 16));
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);

    /* other WQs proceed while this one is parked */
    cr2 = new_cr(t);
    mkdesc(d, PASID_A, SVACC_OP_NOP, SVACC_FLAG_CRAV, cr2, 0, 0, 0, 0);
    g_assert_cmpuint(submit(t, WQ_SHARED, true, d), ==,
                     SVACC_SUBMIT_ACCEPTED);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr2, NULL), ==,
                     SVACC_STATUS_SUCCESS);

    /* unknown id: ignored */
    wr32(t, SVACC_FAULT_RESP, (uint16_t)(id + 100));
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);

    /* fix the page, RETRY: the next fault is the read-only page */
    map_buf(t, PASID_A, BUF_VA + 0x12000, 1, true);
    wr32(t, SVACC_FQ_HEAD, 1);
    wr32(t, SVACC_FAULT_RESP, id | (SVACC_FAULT_RESP_RETRY << 16));
    for (i = 0; i < 100000 && rd32(t, SVACC_FQ_TAIL) == 1; i++) {
        continue;
    }
    g_assert_cmpuint(rd32(t, SVACC_FQ_TAIL), ==, 2);
    g_assert_cmphex(fq_entry(t, 1, &pasid, &flags, &id), ==,
                    BUF_VA + 0x13000);
    g_assert_cmphex(flags, ==, SVACC_FR_WRITE);
    /* upgrade the leaf to writable: the device TLB holds no write grant */
    set_pte(t, PASID_A, BUF_VA + 0x13000,
            va2pa(t, PASID_A, BUF_VA + 0x13000) | SVACC_PTE_VALID |
            SVACC_PTE_WRITE);
    wr32(t, SVACC_FAULT_RESP, id);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, rec), ==, SVACC_STATUS_SUCCESS);
    vread(t, PASID_A, dst, b, N);
    g_assert(!memcmp(a, b, N));
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_DEV_FAULT), ==,
                     2);

    /* FAIL: PAGE_FAULT at the faulting address */
    cr = new_cr(t);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr, 0,
           BUF_VA + 0x20000 - 8, 16, 0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    for (i = 0; i < 100000 && rd32(t, SVACC_FQ_TAIL) == 2; i++) {
        continue;
    }
    fq_entry(t, 2, &pasid, &flags, &id);
    wr32(t, SVACC_FAULT_RESP, id | (SVACC_FAULT_RESP_FAIL << 16));
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmphex(ldq_le_p(rec + SVACC_CR_FAULT_ADDR), ==,
                    BUF_VA + 0x20000 - 8);
    g_assert_cmphex(rec[SVACC_CR_FAULT_INFO], ==, SVACC_FAULT_INFO_W);
    stop(t);
}

/* Wait until the fault queue holds @n records; the id of the last */
static uint16_t wait_fault(T *t, uint32_t n, uint64_t *va)
{
    uint32_t pasid;
    uint16_t flags, id;
    int i;

    for (i = 0; i < 100000 && rd32(t, SVACC_FQ_TAIL) < n; i++) {
        continue;
    }
    g_assert_cmpuint(rd32(t, SVACC_FQ_TAIL), ==, n);
    *va = fq_entry(t, n - 1, &pasid, &flags, &id);
    wr32(t, SVACC_FQ_HEAD, n);
    return id;
}

/*
 * FAULT_HOLD: the waits of one descriptor for its faults, with another
 * queued behind it, add up; past the WQ's limit it ends with PAGE_FAULT
 * where it waited, the descriptor behind it runs, and answers to its
 * retired fault ids are ignored. Alone, it waits as long as it takes; its
 * record gets a hold of its own. A DRAIN's wait is held the same way.
 */
static void test_fault_hold(void)
{
    T *t = start_devpt("");
    uint64_t cfg2 = SVACC_WQCFG_BASE + SVACC_WQCFG_STRIDE * 2 + SVACC_WQCFG2;
    uint64_t src = BUF_VA, dst = BUF_VA + 0x10000, va;
    uint8_t d[SVACC_DESC_SIZE], rec[SVACC_CR_SIZE];
    uint64_t cr, cr2;
    uint16_t id, id2;

    /* WQ2: shared, FAULT_HOLD 10 ms; RW only while disabled */
    wqcfg(t, 2, 4, false, 5, 0);
    wr32(t, cfg2, 0xffff0000 | 10);
    g_assert_cmphex(rd32(t, cfg2), ==, 10);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 2), ==, 0);
    wr32(t, cfg2, 20);
    g_assert_cmphex(rd32(t, cfg2), ==, 10);
    map_buf(t, PASID_A, src, 2, true);

    /* 6 ms on the first page, answered; 5 more on the second: done */
    cr = new_cr(t);
    mkdesc(d, PASID_A, SVACC_OP_MEMMOVE, SVACC_FLAG_CRAV | SVACC_FLAG_BOF,
           cr, src, dst, 2 * PAGE, 0);
    g_assert_cmpuint(submit(t, 2, true, d), ==, SVACC_SUBMIT_ACCEPTED);
    id = wait_fault(t, 1, &va);
    g_assert_cmphex(va, ==, dst);
    cr2 = new_cr(t);
    mkdesc(d, PASID_A, SVACC_OP_NOP, SVACC_FLAG_CRAV, cr2, 0, 0, 0, 0);
    g_assert_cmpuint(submit(t, 2, true, d), ==, SVACC_SUBMIT_ACCEPTED);
    qtest_clock_step(t->qts, 6 * 1000 * 1000);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    map_buf(t, PASID_A, dst, 1, true);
    wr32(t, SVACC_FAULT_RESP, id);
    id2 = wait_fault(t, 2, &va);
    g_assert_cmphex(va, ==, dst + PAGE);
    g_assert_cmpuint(id2, !=, id);
    qtest_clock_step(t->qts, 3 * 1000 * 1000);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr2), ==, 0);
    qtest_clock_step(t->qts, 2 * 1000 * 1000);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmphex(ldq_le_p(rec + SVACC_CR_FAULT_ADDR), ==, dst + PAGE);
    g_assert_cmpuint(ldl_le_p(rec + SVACC_CR_BYTES_COMPLETED), ==, PAGE);
    g_assert_cmphex(rec[SVACC_CR_FAULT_INFO], ==, SVACC_FAULT_INFO_W);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr2, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_FAULT_HOLD), ==,
                     1);
    /* no further fault record was written for it */
    g_assert_cmpuint(rd32(t, SVACC_FQ_TAIL), ==, 2);

    /* a late FAIL for the retired id fails nobody */
    cr = new_cr(t);
    mkdesc(d, PASID_A, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF,
           cr, 0, dst + PAGE, 8, 0x55);
    g_assert_cmpuint(submit(t, 2, true, d), ==, SVACC_SUBMIT_ACCEPTED);
    id = wait_fault(t, 3, &va);
    wr32(t, SVACC_FAULT_RESP, id2 | (SVACC_FAULT_RESP_FAIL << 16));
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    map_buf(t, PASID_A, dst + PAGE, 1, true);
    wr32(t, SVACC_FAULT_RESP, id);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, NULL), ==, SVACC_STATUS_SUCCESS);

    /* alone in its WQ, a descriptor waits as long as it takes */
    cr = new_cr(t);
    mkdesc(d, PASID_A, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF,
           cr, 0, dst + 3 * PAGE, 8, 0x55);
    g_assert_cmpuint(submit(t, 2, true, d), ==, SVACC_SUBMIT_ACCEPTED);
    id = wait_fault(t, 4, &va);
    qtest_clock_step(t->qts, 50 * 1000 * 1000);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    map_buf(t, PASID_A, dst + 3 * PAGE, 1, true);
    wr32(t, SVACC_FAULT_RESP, id);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, NULL), ==, SVACC_STATUS_SUCCESS);

    /*
     * Held up with its record's page missing too: the record gets a hold
     * of its own, and is written once that page comes
     */
    cr = CR_VA + 0x5000;
    mkdesc(d, PASID_A, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF,
           cr, 0, dst + 4 * PAGE, 8, 0x55);
    g_assert_cmpuint(submit(t, 2, true, d), ==, SVACC_SUBMIT_ACCEPTED);
    id = wait_fault(t, 5, &va);
    g_assert_cmphex(va, ==, dst + 4 * PAGE);
    cr2 = new_cr(t);
    mkdesc(d, PASID_A, SVACC_OP_NOP, SVACC_FLAG_CRAV, cr2, 0, 0, 0, 0);
    g_assert_cmpuint(submit(t, 2, true, d), ==, SVACC_SUBMIT_ACCEPTED);
    qtest_clock_step(t->qts, 11 * 1000 * 1000);
    id = wait_fault(t, 6, &va);
    g_assert_cmphex(va, ==, cr);
    qtest_clock_step(t->qts, 5 * 1000 * 1000);
    map_buf(t, PASID_A, cr & ~(uint64_t)(PAGE - 1), 1, true);
    wr32(t, SVACC_FAULT_RESP, id);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmphex(ldq_le_p(rec + SVACC_CR_FAULT_ADDR), ==, dst + 4 * PAGE);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr2, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_FAULT_HOLD), ==,
                     2);

    /* the dedicated WQ has no limit: 100 ms parked, then answered */
    cr = new_cr(t);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr, 0,
           dst + 2 * PAGE, 8, 0x55);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    mkdesc(d, 0, SVACC_OP_NOP, 0, 0, 0, 0, 0, 0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    id = wait_fault(t, 7, &va);
    qtest_clock_step(t->qts, 100 * 1000 * 1000);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    map_buf(t, PASID_A, dst + 2 * PAGE, 1, true);
    wr32(t, SVACC_FAULT_RESP, id);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, NULL), ==, SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_FAULT_HOLD), ==,
                     2);

    /*
     * A DRAIN on the shared WQ waits for its PASID's fault on the dedicated
     * WQ: alone as long as it takes, with another PASID's NOP behind it
     * for the hold, then it ends with HOLD_EXPIRED and the NOP runs
     */
    cr = new_cr(t);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr, 0,
           dst + 5 * PAGE, 8, 0x55);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    id = wait_fault(t, 8, &va);
    cr2 = new_cr(t);
    mkdesc(d, PASID_A, SVACC_OP_DRAIN, SVACC_FLAG_CRAV, cr2, 0, 0, 0, 0);
    g_assert_cmpuint(submit(t, 2, true, d), ==, SVACC_SUBMIT_ACCEPTED);
    qtest_clock_step(t->qts, 50 * 1000 * 1000);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr2), ==, 0);
    map_buf(t, PASID_B, CR_VA, 1, true);
    mkdesc(d, PASID_B, SVACC_OP_NOP, SVACC_FLAG_CRAV, CR_VA, 0, 0, 0, 0);
    g_assert_cmpuint(submit(t, 2, true, d), ==, SVACC_SUBMIT_ACCEPTED);
    qtest_clock_step(t->qts, 9 * 1000 * 1000);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr2), ==, 0);
    g_assert_cmpuint(peek_cr(t, PASID_B, CR_VA), ==, 0);
    qtest_clock_step(t->qts, 2 * 1000 * 1000);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr2, NULL), ==,
                     SVACC_STATUS_HOLD_EXPIRED);
    g_assert_cmpuint(wait_cr(t, PASID_B, CR_VA, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_FAULT_HOLD), ==,
                     3);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    map_buf(t, PASID_A, dst + 5 * PAGE, 1, true);
    wr32(t, SVACC_FAULT_RESP, id);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, NULL), ==, SVACC_STATUS_SUCCESS);
    stop(t);
}

static void test_partial(void)
{
    T *t = start_devpt("");
    enum { N = 3 * PAGE };
    g_autofree uint8_t *a = g_malloc(N), *b = g_malloc(N);
    uint64_t src = BUF_VA + 40, dst = BUF_VA + 0x10000;
    uint8_t rec[SVACC_CR_SIZE];

    map_buf(t, PASID_A, BUF_VA, 2, true);       /* third src page missing */
    map_buf(t, PASID_A, dst, 3, true);
    fill_random(a, N, 5);
    vwrite(t, PASID_A, src, a, 2 * PAGE - 40);

    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, src, dst, N, 0, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmpuint(ldl_le_p(rec + SVACC_CR_BYTES_COMPLETED), ==,
                     2 * PAGE - 40);
    g_assert_cmphex(ldq_le_p(rec + SVACC_CR_FAULT_ADDR), ==,
                    BUF_VA + 2 * PAGE);
    g_assert_cmphex(rec[SVACC_CR_FAULT_INFO], ==, SVACC_FAULT_INFO_R);
    vread(t, PASID_A, dst, b, 2 * PAGE - 40);
    g_assert(!memcmp(a, b, 2 * PAGE - 40));
    g_assert_cmpuint(rd32(t, SVACC_FQ_TAIL), ==, 0);

    /* resubmitting the rest after mapping the page finishes the job */
    map_buf(t, PASID_A, BUF_VA + 2 * PAGE, 1, true);
    vwrite(t, PASID_A, src + 2 * PAGE - 40, a + 2 * PAGE - 40, PAGE);
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, src + 2 * PAGE - 40,
                         dst + 2 * PAGE - 40, N - (2 * PAGE - 40), 0, rec),
                     ==, SVACC_STATUS_PAGE_FAULT);
    /* src + N is past the mapped range: 40 bytes short */
    g_assert_cmpuint(ldl_le_p(rec + SVACC_CR_BYTES_COMPLETED), ==, PAGE);

    /* CRC32C partial: result covers the processed bytes */
    g_assert_cmpuint(run(t, SVACC_OP_CRC32C, 0, src, 0, N, 0, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmpuint(ldl_le_p(rec + SVACC_CR_BYTES_COMPLETED), ==,
                     3 * PAGE - 40);
    vread(t, PASID_A, src, b, 3 * PAGE - 40);
    g_assert_cmphex(ldq_le_p(rec + SVACC_CR_RESULT_VALUE), ==,
                    ref_crc32c(0, b, 3 * PAGE - 40));

    /* overlapping move with a hole: nothing written, BYTES_COMPLETED 0 */
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, BUF_VA, BUF_VA + 100,
                         4 * PAGE, 0, rec), ==, SVACC_STATUS_PAGE_FAULT);
    g_assert_cmpuint(ldl_le_p(rec + SVACC_CR_BYTES_COMPLETED), ==, 0);
    g_assert_cmphex(ldq_le_p(rec + SVACC_CR_FAULT_ADDR), ==,
                    BUF_VA + 3 * PAGE);
    /* non-canonical address */
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, 1ull << 47, 8, 0, rec),
                     ==, SVACC_STATUS_PAGE_FAULT);

    /* fault queue disabled with BOF: PAGE_FAULT + SWERR 0x08 */
    wr32(t, SVACC_FQ_CTL, 0);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, SVACC_FLAG_BOF, 0,
                         BUF_VA + 5 * PAGE, 8, 0, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmphex((rd64(t, SVACC_SWERR0) >> 8) & 0xff, ==,
                    SVACC_SWERR_FQ_FULL);
    stop(t);
}

static void test_devtlb_invalidate(void)
{
    T *t = start_devpt("");
    uint64_t p1, p2, buf = BUF_VA;
    uint8_t v;

    map_buf(t, PASID_A, buf, 1, true);
    p1 = va2pa(t, PASID_A, buf);
    p2 = galloc(t, PAGE);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, buf, 1, 0x11, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmphex(qtest_readb(t->qts, p1), ==, 0x11);
    /* remap without invalidating: the device still uses the old page */
    set_pte(t, PASID_A, buf, p2 | SVACC_PTE_VALID | SVACC_PTE_WRITE);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, buf, 1, 0x22, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmphex(qtest_readb(t->qts, p1), ==, 0x22);
    /* invalidating another PASID or range changes nothing */
    wr32(t, SVACC_INV_PASID, PASID_B);
    wr64(t, SVACC_INV_ADDR, 0);
    wr64(t, SVACC_INV_PAGES, 0);
    wr32(t, SVACC_INV_CTL, SVACC_INV_CTL_START);
    wr32(t, SVACC_INV_PASID, PASID_A);
    wr64(t, SVACC_INV_ADDR, buf + PAGE);
    wr64(t, SVACC_INV_PAGES, 4);
    wr32(t, SVACC_INV_CTL, SVACC_INV_CTL_START);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, buf, 1, 0x33, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmphex(qtest_readb(t->qts, p1), ==, 0x33);
    /* the matching range */
    wr64(t, SVACC_INV_ADDR, buf);
    wr64(t, SVACC_INV_PAGES, 1);
    wr32(t, SVACC_INV_CTL, SVACC_INV_CTL_START);
    g_assert_false(rd32(t, SVACC_INV_CTL) & SVACC_INV_CTL_BUSY);
    g_assert_true(rd32(t, SVACC_INTCAUSE) & SVACC_INT_INV_DONE);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, buf, 1, 0x44, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmphex(qtest_readb(t->qts, p1), ==, 0x33);
    g_assert_cmphex(qtest_readb(t->qts, p2), ==, 0x44);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_DEVTLB_INV), ==,
                     3);
    /* whole-PASID invalidation */
    set_pte(t, PASID_A, buf, p1 | SVACC_PTE_VALID | SVACC_PTE_WRITE);
    wr32(t, SVACC_INV_PASID, SVACC_INV_PASID_ALL);
    wr64(t, SVACC_INV_PAGES, 0);
    wr32(t, SVACC_INV_CTL, SVACC_INV_CTL_START);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, buf, 1, 0x55, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    v = qtest_readb(t->qts, p1);
    g_assert_cmphex(v, ==, 0x55);
    stop(t);
}

/*
 * Park a MEMFILL of the dedicated WQ on a fault (BUF_VA is not mapped) and
 * queue two NOPs behind it; return once the fault record is in the queue.
 */
static void park_three(T *t, uint64_t cr[3])
{
    uint8_t d[SVACC_DESC_SIZE];
    int i;

    for (i = 0; i < 3; i++) {
        cr[i] = new_cr(t);
        mkdesc(d, 0, i ? SVACC_OP_NOP : SVACC_OP_MEMFILL,
               SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr[i], 0, BUF_VA, 8, 0);
        g_assert_cmpuint(submit(t, WQ_DED, false, d), ==,
                         SVACC_SUBMIT_ACCEPTED);
    }
    for (i = 0; i < 100000 && rd32(t, SVACC_FQ_TAIL) == 0; i++) {
        continue;
    }
}

static void test_commands(void)
{
    T *t = start_devpt("");
    uint8_t d[SVACC_DESC_SIZE];
    uint64_t cr[3];
    uint32_t pasid;
    uint16_t flags, id;
    int i;

    /* park a descriptor of PASID_A on a fault, queue two more behind it */
    park_three(t, cr);
    g_assert_cmphex(wqsts(t, WQ_DED), ==, SVACC_WQSTS_ENABLED | (3 << 16));

    /* a DRAIN descriptor of PASID_A on the shared WQ waits for them */
    cr[1] = new_cr(t);
    mkdesc(d, PASID_A, SVACC_OP_DRAIN, SVACC_FLAG_CRAV, cr[1], 0, 0, 0, 0);
    g_assert_cmpuint(submit(t, WQ_SHARED, true, d), ==,
                     SVACC_SUBMIT_ACCEPTED);
    /* DRAIN_PASID stays ACTIVE */
    wr64(t, SVACC_CMDARG, PASID_A);
    wr32(t, SVACC_CMD, SVACC_CMD_DRAIN_PASID);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr[1]), ==, 0);
    g_assert_cmphex(rd32(t, SVACC_CMDSTS), ==, SVACC_CMDSTS_ACTIVE);
    /* resolve the fault: everything completes, including the command */
    map_buf(t, PASID_A, BUF_VA, 1, true);
    fq_entry(t, 0, &pasid, &flags, &id);
    wr32(t, SVACC_FAULT_RESP, id);
    g_assert_cmpuint(wait_cmd(t), ==, 0);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr[1], NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmphex(wqsts(t, WQ_DED), ==, SVACC_WQSTS_ENABLED);

    /* ABORT_PASID: discards without records */
    wr32(t, SVACC_FQ_HEAD, 1);
    for (i = 0; i < 3; i++) {
        cr[i] = new_cr(t);
        mkdesc(d, 0, i ? SVACC_OP_NOP : SVACC_OP_MEMFILL,
               SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr[i], 0, BUF_VA + PAGE, 8,
               0);
        g_assert_cmpuint(submit(t, WQ_DED, false, d), ==,
                         SVACC_SUBMIT_ACCEPTED);
    }
    for (i = 0; i < 100000 && rd32(t, SVACC_FQ_TAIL) == 1; i++) {
        continue;
    }
    g_assert_cmpuint(cmd(t, SVACC_CMD_ABORT_PASID, PASID_A), ==, 0);
    g_assert_cmphex(wqsts(t, WQ_DED), ==, SVACC_WQSTS_ENABLED);
    for (i = 0; i < 3; i++) {
        g_assert_cmpuint(peek_cr(t, PASID_A, cr[i]), ==, 0);
    }

    /* DISABLE_WQ with a parked descriptor completes once it is resolved */
    wr32(t, SVACC_FQ_HEAD, 2);
    cr[0] = new_cr(t);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr[0],
           0, BUF_VA + PAGE, 8, 0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    for (i = 0; i < 100000 && rd32(t, SVACC_FQ_TAIL) == 2; i++) {
        continue;
    }
    wr64(t, SVACC_CMDARG, WQ_DED);
    wr32(t, SVACC_CMD, SVACC_CMD_DISABLE_WQ);
    g_assert_cmphex(rd32(t, SVACC_CMDSTS), ==, SVACC_CMDSTS_ACTIVE);
    g_assert_cmphex(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_REJECTED);
    fq_entry(t, 2, &pasid, &flags, &id);
    wr32(t, SVACC_FAULT_RESP, id | (SVACC_FAULT_RESP_FAIL << 16));
    g_assert_cmpuint(wait_cmd(t), ==, 0);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr[0], NULL), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmphex(wqsts(t, WQ_DED), ==, 0);
    stop(t);
}

/*
 * ABORT_WQ: a parked descriptor and those queued behind it are dropped
 * without records, the WQ stays enabled, staged quadwords are forgotten,
 * and the fault response for the dropped descriptor is ignored.
 */
static void test_abort_wq(void)
{
    T *t = start_devpt("");
    uint8_t d[SVACC_DESC_SIZE] = { 0 };     /* a NOP, were it submitted */
    uint64_t cr[3];
    uint32_t pasid;
    uint16_t flags, id;
    int i;

    park_three(t, cr);
    fq_entry(t, 0, &pasid, &flags, &id);
    /* seven quadwords staged in each portal of the WQ */
    for (i = 0; i < 7; i++) {
        qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, false) + i * 8,
                       ldq_le_p(d + i * 8));
        qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, true) + i * 8,
                       ldq_le_p(d + i * 8));
    }
    g_assert_cmpuint(cmd(t, SVACC_CMD_ABORT_WQ, WQ_DED), ==, 0);
    g_assert_cmphex(wqsts(t, WQ_DED), ==, SVACC_WQSTS_ENABLED);
    for (i = 0; i < 3; i++) {
        g_assert_cmpuint(peek_cr(t, PASID_A, cr[i]), ==, 0);
    }
    /* the commit alone is torn: nothing of the old staging survived */
    qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, false) +
                   SVACC_PORTAL_COMMIT, ldq_le_p(d + SVACC_PORTAL_COMMIT));
    g_assert_cmphex(submit_status(t, WQ_DED, false) & 0xff, ==,
                    SVACC_SUBMIT_REJECTED);
    qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, true) +
                   SVACC_PORTAL_COMMIT, ldq_le_p(d + SVACC_PORTAL_COMMIT));
    g_assert_cmphex(submit_status(t, WQ_DED, true) & 0xff, ==,
                    SVACC_SUBMIT_REJECTED);
    wr32(t, SVACC_SWERR0, SVACC_SWERR0_VALID);

    /* the late answer to the dropped fault changes nothing */
    wr32(t, SVACC_FQ_HEAD, 1);
    wr32(t, SVACC_FAULT_RESP, id);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr[0]), ==, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ABORT_WQ, 255), ==,
                     SVACC_CMDSTS_INVALID);

    /* the WQ keeps working */
    map_buf(t, PASID_A, BUF_VA, 1, true);
    cr[0] = new_cr(t);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr[0],
           0, BUF_VA, 8, 0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr[0], NULL), ==,
                     SVACC_STATUS_SUCCESS);
    stop(t);
}

/*
 * DISABLE_WQ and ENABLE_WQ forget staged quadwords too: a lone commit
 * afterwards is torn (SWERR code TORN), whatever the WQ's state.
 */
static void test_staging_cleared(void)
{
    T *t = start_devpt("");
    uint8_t d[SVACC_DESC_SIZE];
    uint64_t cr = new_cr(t);
    int i, round;

    map_buf(t, PASID_A, BUF_VA, 1, true);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV, cr, 0, BUF_VA, 8, 0);
    for (round = 0; round < 2; round++) {
        for (i = 0; i < 7; i++) {
            qpci_io_writeq(t->dev, t->portals,
                           portal(WQ_DED, false) + i * 8,
                           ldq_le_p(d + i * 8));
        }
        /* round 0: staged while enabled; round 1: while disabled */
        g_assert_cmpuint(cmd(t, round ? SVACC_CMD_ENABLE_WQ :
                             SVACC_CMD_DISABLE_WQ, WQ_DED), ==, 0);
        wr32(t, SVACC_SWERR0, SVACC_SWERR0_VALID);
        qpci_io_writeq(t->dev, t->portals, portal(WQ_DED, false) +
                       SVACC_PORTAL_COMMIT,
                       ldq_le_p(d + SVACC_PORTAL_COMMIT));
        g_assert_cmphex(submit_status(t, WQ_DED, false) & 0xff, ==,
                        SVACC_SUBMIT_REJECTED);
        g_assert_cmphex((rd64(t, SVACC_SWERR0) >> SVACC_SWERR0_CODE_SHIFT) &
                        0xff, ==, SVACC_SWERR_TORN);
        g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    }
    stop(t);
}

/*
 * Addresses at or above 2^VA_BITS fault at once, with or without BOF,
 * without a fault record; ranges do not wrap to address 0.
 */
static void test_va_bits(void)
{
    static const uint64_t bad[] = {
        1ull << SVACC_VA_BITS, 0xffff800000000000ull, 0xfffffffffffff000ull,
        0xffffffffffffffc0ull,
    };
    T *t = start_devpt("");
    uint8_t rec[SVACC_CR_SIZE];
    unsigned i, bof;

    map_buf(t, PASID_A, 0, 1, true);      /* page 0 mapped: no wrap to it */
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        for (bof = 0; bof < 2; bof++) {
            uint32_t tail = rd32(t, SVACC_FQ_TAIL);

            g_assert_cmpuint(run(t, SVACC_OP_MEMFILL,
                                 bof ? SVACC_FLAG_BOF : 0, 0, bad[i], 128,
                                 0, rec), ==, SVACC_STATUS_PAGE_FAULT);
            g_assert_cmphex(ldq_le_p(rec + SVACC_CR_FAULT_ADDR), ==, bad[i]);
            g_assert_cmpuint(ldl_le_p(rec + SVACC_CR_BYTES_COMPLETED), ==,
                             0);
            g_assert_cmpuint(rd32(t, SVACC_FQ_TAIL), ==, tail);
        }
    }
    stop(t);
}

static void test_halt_and_flr(void)
{
    T *t = start_devpt("");
    uint8_t d[SVACC_DESC_SIZE];
    uint8_t pos;

    /* context table on an address nothing decodes: halt */
    wr32(t, SVACC_GENCTRL, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_DISABLE_WQ, WQ_SHARED), ==, 0);
    g_assert_cmpuint(cmd(t, SVACC_CMD_DISABLE_WQ, WQ_DED), ==, 0);
    wr32(t, SVACC_GENCTRL, 0);
    wr64(t, SVACC_CTX_BASE, 0xfffffff000000ull);
    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE | (SVACC_MODE_DEVPT << 4));
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, WQ_DED), ==, 0);
    mkdesc(d, 0, SVACC_OP_NOP, SVACC_FLAG_CRAV, CR_VA, 0, 0, 0, 0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    while (!(rd32(t, SVACC_GENSTS) & SVACC_GENSTS_HALTED)) {
        continue;
    }
    g_assert_cmphex(rd32(t, SVACC_GENSTS) >> 8, ==, SVACC_REASON_HALT_PT);
    g_assert_true(rd32(t, SVACC_INTCAUSE) & SVACC_INT_HALT);
    g_assert_cmphex(wqsts(t, WQ_DED), ==, 0);
    g_assert_cmphex(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_REJECTED);

    /* FLR clears it and the config space */
    pos = qpci_find_capability(t->dev, PCI_CAP_ID_EXP, 0);
    g_assert_true(qpci_config_readl(t->dev, pos + PCI_EXP_DEVCAP) &
                  PCI_EXP_DEVCAP_FLR);
    qpci_config_writew(t->dev, pos + PCI_EXP_DEVCTL,
                       qpci_config_readw(t->dev, pos + PCI_EXP_DEVCTL) |
                       PCI_EXP_DEVCTL_BCR_FLR);
    g_assert_cmphex(qpci_config_readw(t->dev, PCI_COMMAND) &
                    PCI_COMMAND_MEMORY, ==, 0);
    qpci_config_writel(t->dev, PCI_BASE_ADDRESS_0, t->regs.addr);
    qpci_device_enable(t->dev);
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, 0);
    g_assert_cmphex(rd64(t, SVACC_CTX_BASE), ==, 0);
    stop(t);
}

static void set_enable_fail(T *t, bool on)
{
    QDict *r = qtest_qmp(t->qts, "{'execute': 'qom-set', 'arguments': "
                         "{'path': 'acc', 'property': 'x-inject-enable-fail',"
                         " 'value': %i}}", on);

    g_assert_true(qdict_haskey(r, "return"));
    qobject_unref(r);
}

/*
 * x-inject-enable-fail, set at run time: every enable is refused with
 * HW_ERROR until it is cleared, across RESET; an enabled device is left
 * alone.
 */
static void test_enable_fail(void)
{
    T *t = start_devpt(",id=acc");
    uint32_t en = SVACC_GENCTRL_ENABLE | (SVACC_MODE_DEVPT << 4);
    int i;

    set_enable_fail(t, true);
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ENABLED);
    for (i = 0; i < 2; i++) {
        wr32(t, SVACC_RESET, 1);
        wr64(t, SVACC_CTX_BASE, t->ctx);
        wr32(t, SVACC_CTX_SIZE, CTX_ENTRIES);
        wr32(t, SVACC_GENCTRL, en);
        g_assert_cmphex(rd32(t, SVACC_GENSTS), ==,
                        SVACC_GENSTS_ERR | (SVACC_REASON_HW_ERROR << 8));
        g_assert_cmphex(rd32(t, SVACC_GENCTRL), ==,
                        en & ~SVACC_GENCTRL_ENABLE);
    }
    set_enable_fail(t, false);
    wr32(t, SVACC_GENCTRL, en);
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ENABLED);
    stop(t);
}

/* WQs are served by priority: the last writer of a byte tells the order */
static void test_priority(void)
{
    T *t = start_devpt("");
    uint16_t cmdreg = qpci_config_readw(t->dev, PCI_COMMAND);
    uint8_t d[SVACC_DESC_SIZE], v;
    uint64_t cr[2];
    int i, hi;

    map_buf(t, PASID_A, BUF_VA, 1, true);
    for (hi = 2; hi <= 3; hi++) {
        /* WQ2 and WQ3, one of them with the higher priority */
        g_assert_cmpuint(cmd(t, SVACC_CMD_DISABLE_WQ, 2), ==, 0);
        g_assert_cmpuint(cmd(t, SVACC_CMD_DISABLE_WQ, 3), ==, 0);
        wqcfg(t, 2, 4, true, hi == 2 ? 9 : 1, PASID_A);
        wqcfg(t, 3, 4, true, hi == 3 ? 9 : 1, PASID_A);
        g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 2), ==, 0);
        g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 3), ==, 0);
        /* queue both while the engine is stopped */
        qpci_config_writew(t->dev, PCI_COMMAND,
                           cmdreg & ~PCI_COMMAND_MASTER);
        for (i = 0; i < 2; i++) {
            cr[i] = new_cr(t);
            mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV, cr[i], 0, BUF_VA,
                   1, 0x20 + i);
            g_assert_cmpuint(submit(t, 2 + i, false, d), ==,
                             SVACC_SUBMIT_ACCEPTED);
        }
        qpci_config_writew(t->dev, PCI_COMMAND, cmdreg);
        for (i = 0; i < 2; i++) {
            g_assert_cmpuint(wait_cr(t, PASID_A, cr[i], NULL), ==,
                             SVACC_STATUS_SUCCESS);
        }
        /* the lower priority WQ ran last */
        vread(t, PASID_A, BUF_VA, &v, 1);
        g_assert_cmphex(v, ==, hi == 2 ? 0x21 : 0x20);
    }
    stop(t);
}

/* Bus mastering off stops the engine, back on continues; INTMASK */
static void test_bme_and_intmask(void)
{
    T *t = start_devpt(",x-inject-drop-irq=2");
    uint16_t cmdreg = qpci_config_readw(t->dev, PCI_COMMAND);
    uint8_t d[SVACC_DESC_SIZE];
    uint64_t cr = new_cr(t);
    int i;

    map_buf(t, PASID_A, BUF_VA, 1, true);
    qpci_config_writew(t->dev, PCI_COMMAND, cmdreg & ~PCI_COMMAND_MASTER);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV, cr, 0, BUF_VA, 8, 0x5a);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    qpci_config_writew(t->dev, PCI_COMMAND, cmdreg);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, NULL), ==, SVACC_STATUS_SUCCESS);

    /* x-inject-drop-irq=2: the second completion interrupt is dropped */
    for (i = 0; i < 2; i++) {
        cr = new_cr(t);
        mkdesc(d, 0, SVACC_OP_NOP, SVACC_FLAG_CRAV | SVACC_FLAG_RCI, cr, 0,
               0, 0, 0);
        g_assert_cmpuint(submit(t, i ? 2 : WQ_DED, false, d), ==,
                         i ? SVACC_SUBMIT_REJECTED : SVACC_SUBMIT_ACCEPTED);
        if (!i) {
            g_assert_cmpuint(wait_cr(t, PASID_A, cr, NULL), ==,
                             SVACC_STATUS_SUCCESS);
        }
    }
    g_assert_true(qpci_msix_pending(t->dev, SVACC_MSIX_WQ(WQ_DED)));
    wqcfg(t, 3, 2, true, 1, PASID_A);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, 3), ==, 0);
    cr = new_cr(t);
    mkdesc(d, 0, SVACC_OP_NOP, SVACC_FLAG_CRAV | SVACC_FLAG_RCI, cr, 0, 0, 0,
           0);
    g_assert_cmpuint(submit(t, 3, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, NULL), ==, SVACC_STATUS_SUCCESS);
    g_assert_false(qpci_msix_pending(t->dev, SVACC_MSIX_WQ(3)));
    stop(t);

    /* a masked cause does not signal vector 0 */
    t = start("");
    wr32(t, SVACC_INTMASK, SVACC_INT_SWERR);
    qpci_io_writel(t->dev, t->portals, 0, 0);
    g_assert_true(rd32(t, SVACC_INTCAUSE) & SVACC_INT_SWERR);
    g_assert_false(qpci_msix_pending(t->dev, SVACC_MSIX_MISC));
    wr32(t, SVACC_INTMASK, 0);
    wr32(t, SVACC_INTCAUSE, SVACC_INT_SWERR);
    qpci_io_writel(t->dev, t->portals, 0, 0);
    g_assert_true(qpci_msix_pending(t->dev, SVACC_MSIX_MISC));
    stop(t);
}

/*
 * The engine's own DMA into its BAR0 and BAR2 is dropped: a fill over the
 * register page (GENCTRL, commands, INTCAUSE) and over a portal (staging
 * and commit) changes nothing, and the device goes on working.
 */
static void test_self_dma(void)
{
    T *t = start_devpt("");
    uint64_t regs_va = BUF_VA, portal_va = BUF_VA + PAGE;
    uint32_t intmask = rd32(t, SVACC_INTMASK);
    uint64_t done_off = SVACC_COUNTERS + 8 * SVACC_CNT_DESC_COMPLETED;
    uint64_t done = rd64(t, done_off);
    uint8_t rec[SVACC_CR_SIZE];

    map_page(t, PASID_A, regs_va, t->regs.addr, true, false);
    map_page(t, PASID_A, portal_va, t->portals.addr + portal(WQ_SHARED, true),
             true, false);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, regs_va, PAGE,
                         0xffffffffffffffffull, rec), !=, 0);
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ENABLED);
    g_assert_cmphex(rd32(t, SVACC_INTMASK), ==, intmask);
    g_assert_cmphex(wqsts(t, WQ_SHARED) & SVACC_WQSTS_ENABLED, !=, 0);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, portal_va, PAGE,
                         0x0101010101010101ull, rec), !=, 0);
    /* the fill did not commit a descriptor through the shared WQ portal */
    g_assert_cmpuint(rd64(t, done_off), ==, done + 2);
    map_buf(t, PASID_A, BUF_VA + 2 * PAGE, 1, true);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, BUF_VA + 2 * PAGE, 64,
                         0x77, rec), ==, SVACC_STATUS_SUCCESS);
    g_assert_cmphex(qtest_readb(t->qts, va2pa(t, PASID_A, BUF_VA + 2 * PAGE)),
                    ==, 0x77);
    stop(t);
}

/* ---------------------------------------------------------------------- */
/* ATS mode with intel-iommu (scalable mode, first-level tables, svm=on) */

#define VTD(off)        (Q35_HOST_BRIDGE_IOMMU_ADDR + (off))
#define VTD_DID         1
#define SVACC_SID       PCI_BUILD_BDF(0, DEVFN)
#define FL_TABLE        (VTD_FL_P | VTD_FL_RW | VTD_FL_US | VTD_FL_A)

static uint64_t fl_slot(T *t, uint64_t va, bool alloc)
{
    uint64_t table = t->pml4, e;
    int level;

    for (level = 4; level > 1; level--) {
        uint64_t slot = table + ((va >> (12 + 9 * (level - 1))) & 511) * 8;

        e = qtest_readq(t->qts, slot);
        if (!(e & VTD_FL_P)) {
            if (!alloc) {
                return 0;
            }
            e = galloc(t, PAGE) | FL_TABLE;
            qtest_writeq(t->qts, slot, e);
        }
        table = e & SVACC_PTE_ADDR_MASK;
    }
    return table + ((va >> 12) & 511) * 8;
}

static void fl_map(T *t, uint64_t va, uint64_t pa, bool write)
{
    qtest_writeq(t->qts, fl_slot(t, va, true),
                 pa | VTD_FL_P | VTD_FL_US | VTD_FL_A |
                 (write ? VTD_FL_RW | VTD_FL_D : 0));
}

static uint64_t fl_va2pa(T *t, uint64_t va)
{
    uint64_t slot = fl_slot(t, va, false);
    uint64_t e = slot ? qtest_readq(t->qts, slot) : 0;

    return (e & VTD_FL_P) ? (e & SVACC_PTE_ADDR_MASK) + (va & (PAGE - 1)) : 0;
}

static void iq_submit(T *t, uint64_t lo, uint64_t hi)
{
    uint64_t d = t->iq + t->iq_tail * 32;

    qtest_writeq(t->qts, d, lo);
    qtest_writeq(t->qts, d + 8, hi);
    qtest_writeq(t->qts, d + 16, 0);
    qtest_writeq(t->qts, d + 24, 0);
    t->iq_tail = (t->iq_tail + 1) % (PAGE / 32);
    qtest_writeq(t->qts, VTD(DMAR_IQT_REG), (uint64_t)t->iq_tail << 5);
    g_assert_cmphex(qtest_readl(t->qts, VTD(DMAR_FSTS_REG)) & VTD_FSTS_IQE,
                    ==, 0);
}

static void pgresp(T *t, uint32_t pasid, uint16_t prgi, unsigned rc)
{
    iq_submit(t, VTD_INV_DESC_PGRESP | (1ull << 4) | ((uint64_t)rc << 12) |
              ((uint64_t)SVACC_SID << 16) | ((uint64_t)pasid << 32),
              (uint64_t)prgi << 3);
}

/* Invalidate the IOMMU's and the device's caches for one page of A */
static void inv_page(T *t, uint64_t va)
{
    iq_submit(t, VTD_INV_DESC_PIOTLB | VTD_INV_DESC_PIOTLB_ALL_IN_PASID |
              ((uint64_t)VTD_DID << 16) | ((uint64_t)PASID_A << 32), 0);
    iq_submit(t, VTD_INV_DESC_DEV_PIOTLB | ((uint64_t)SVACC_SID << 16) |
              ((uint64_t)PASID_A << 32), va & ~(PAGE - 1));
}

/*
 * Play the OS: take the page requests queued so far, map each page
 * (unless @refuse), answer each group when its last request arrives.
 */
static void serve_prq(T *t, unsigned rc)
{
    uint64_t tail = qtest_readq(t->qts, VTD(DMAR_PQT_REG));

    while (t->prq_head != tail) {
        uint64_t lo = qtest_readq(t->qts, t->prq + t->prq_head);
        uint64_t hi = qtest_readq(t->qts, t->prq + t->prq_head + 8);
        uint64_t va = hi & ~(PAGE - 1);
        uint32_t pasid = (lo >> 32) & 0xfffff;

        g_assert_cmpuint(pasid, ==, PASID_A);
        g_assert_cmphex((lo >> 16) & 0xffff, ==, SVACC_SID);
        g_assert_true(lo & VTD_PRD_PP(1));
        t->page_reqs++;
        if (!rc && !fl_va2pa(t, va)) {
            fl_map(t, va, galloc(t, PAGE), true);
        }
        if (hi & VTD_PRD_LPIG(1)) {
            t->groups++;
            pgresp(t, pasid, (hi >> 3) & 0x1ff, rc);
        }
        t->prq_head = (t->prq_head + VTD_PQA_ENTRY_SIZE) % PAGE;
        qtest_writeq(t->qts, VTD(DMAR_PQH_REG), t->prq_head);
    }
}

static uint8_t wait_cr_serving(T *t, uint64_t cr, unsigned rc, uint8_t *rec)
{
    uint64_t pa = fl_va2pa(t, cr);
    uint8_t st = 0;
    int i;

    for (i = 0; i < 20000 && !st; i++) {
        serve_prq(t, rc);
        st = qtest_readb(t->qts, pa);
    }
    if (rec) {
        qtest_memread(t->qts, pa, rec, SVACC_CR_SIZE);
    }
    return st;
}

static uint16_t ext_cap(T *t, uint16_t id)
{
    uint16_t off = 0x100;

    while (off) {
        uint32_t hdr = qtest_readl(t->qts, t->ecam + off);

        if ((hdr & 0xffff) == id) {
            return off;
        }
        off = hdr >> 20;
    }
    return 0;
}

static T *start_ats(const char *extra)
{
    T *t = start_with("-device intel-iommu,x-scalable-mode=on,x-flts=on,"
                      "x-pasid-mode=on,device-iotlb=on,aw-bits=48,svm=on",
                      extra);
    QPCIDevice *mch = qpci_device_find(t->qs->pcibus, 0);
    uint64_t root, ctxt, pdir, ptbl, pe;
    int i;

    t->ats = true;
    /* ECAM for the extended capabilities (no firmware runs here) */
    qpci_config_writel(mch, MCH_HOST_BRIDGE_PCIEXBAR,
                       MCH_HOST_BRIDGE_PCIEXBAR_DEFAULT | 1);
    qpci_config_writel(mch, MCH_HOST_BRIDGE_PCIEXBAR + 4, 0);
    g_free(mch);
    t->ecam = MCH_HOST_BRIDGE_PCIEXBAR_DEFAULT + (DEVFN << 12);
    t->pasid_cap = ext_cap(t, PCI_EXT_CAP_ID_PASID);
    t->ats_cap = ext_cap(t, PCI_EXT_CAP_ID_ATS);
    t->pri_cap = ext_cap(t, PCI_EXT_CAP_ID_PRI);
    g_assert(t->pasid_cap && t->ats_cap && t->pri_cap);

    /* IOMMU: root -> scalable context (PRE) -> PASID dir -> PASID table */
    t->pml4 = galloc(t, PAGE);
    root = galloc(t, PAGE);
    ctxt = galloc(t, PAGE);
    pdir = galloc(t, PAGE);
    ptbl = galloc(t, PAGE);
    qtest_writeq(t->qts, root, ctxt | VTD_ROOT_ENTRY_P);
    qtest_writeq(t->qts, ctxt + DEVFN * VTD_CTX_ENTRY_SCALABLE_SIZE,
                 pdir | VTD_CONTEXT_ENTRY_P | VTD_SM_CONTEXT_ENTRY_PRE);
    qtest_writeq(t->qts, pdir, ptbl | 1);
    for (i = 0; i <= PASID_A; i++) {        /* PASID 0 is RID_PASID */
        pe = ptbl + i * VTD_PASID_ENTRY_SIZE;
        /* AW 2: 48-bit, which the canonical check uses */
        qtest_writeq(t->qts, pe, VTD_PASID_ENTRY_P | VTD_SM_PASID_ENTRY_FLT |
                     (2 << 2));
        qtest_writeq(t->qts, pe + 8, VTD_DID);
        qtest_writeq(t->qts, pe + 16, t->pml4);
    }
    t->iq = galloc(t, PAGE);
    t->prq = galloc(t, PAGE);
    qtest_writeq(t->qts, VTD(DMAR_IQA_REG), t->iq | VTD_IQA_DW_MASK);
    qtest_writel(t->qts, VTD(DMAR_GCMD_REG), VTD_GCMD_QIE);
    qtest_writeq(t->qts, VTD(DMAR_RTADDR_REG), root | VTD_RTADDR_SMT);
    qtest_writel(t->qts, VTD(DMAR_GCMD_REG), VTD_GCMD_QIE | VTD_GCMD_SRTP);
    qtest_writel(t->qts, VTD(DMAR_GCMD_REG), VTD_GCMD_QIE | VTD_GCMD_TE);
    g_assert_cmphex(qtest_readl(t->qts, VTD(DMAR_GSTS_REG)) &
                    (VTD_GSTS_QIES | VTD_GSTS_TES), ==,
                    VTD_GSTS_QIES | VTD_GSTS_TES);
    qtest_writeq(t->qts, VTD(DMAR_PQA_REG), t->prq);
    qtest_writeq(t->qts, VTD(DMAR_PQH_REG), 0);
    qtest_writeq(t->qts, VTD(DMAR_PQT_REG), 0);

    /* what the OS's IOMMU driver does: PASID, ATS, PRI with 32 requests */
    qtest_writew(t->qts, t->ecam + t->pasid_cap + PCI_PASID_CTRL,
                 PCI_PASID_CTRL_ENABLE);
    qtest_writew(t->qts, t->ecam + t->ats_cap + PCI_ATS_CTRL,
                 PCI_ATS_CTRL_ENABLE);
    qtest_writel(t->qts, t->ecam + t->pri_cap + PCI_PRI_ALLOC_REQ, 32);
    qtest_writew(t->qts, t->ecam + t->pri_cap + PCI_PRI_CTRL,
                 PCI_PRI_CTRL_ENABLE);

    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE |
         (SVACC_MODE_ATS << SVACC_GENCTRL_MODE_SHIFT));
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ENABLED);
    wqcfg(t, WQ_DED, 16, true, 5, PASID_A);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, WQ_DED), ==, 0);
    fl_map(t, CR_VA, galloc(t, PAGE), true);
    return t;
}

static void test_ats_caps(void)
{
    T *t = start_ats("");
    uint16_t w;

    w = qtest_readw(t->qts, t->ecam + t->pasid_cap + PCI_PASID_CAP);
    g_assert_cmpuint((w >> 8) & 0x1f, ==, 8);
    g_assert_cmphex(w & (PCI_PASID_CAP_EXEC | PCI_PASID_CAP_PRIV), ==, 0);
    w = qtest_readw(t->qts, t->ecam + t->ats_cap + PCI_ATS_CAP);
    g_assert_true(w & PCI_ATS_CAP_PAGE_ALIGNED);
    w = qtest_readw(t->qts, t->ecam + t->pri_cap + PCI_PRI_STATUS);
    g_assert_true(w & PCI_PRI_STATUS_PASID);
    g_assert_false(w & PCI_PRI_STATUS_STOPPED);
    g_assert_cmpuint(qtest_readl(t->qts, t->ecam + t->pri_cap +
                                 PCI_PRI_MAX_REQ), >=, 32);
    stop(t);

    t = start_with("-device intel-iommu,x-scalable-mode=on,x-flts=on,"
                   "x-pasid-mode=on,device-iotlb=on,aw-bits=48,svm=on",
                   ",ats=off,pri=off");
    g_assert_cmphex(rd32(t, SVACC_CAP_XLATE) & ~SVACC_XLATE_VA_BITS_MASK, ==,
                    SVACC_XLATE_DEVPT | SVACC_XLATE_PASID);
    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE | (SVACC_MODE_ATS << 4));
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, SVACC_GENSTS_ERR |
                    (SVACC_REASON_BAD_MODE << 8));
    stop(t);
}

static void test_ats_present(void)
{
    T *t = start_ats("");
    enum { N = 3 * PAGE + 100 };
    g_autofree uint8_t *a = g_malloc(N), *b = g_malloc(N);
    uint64_t p1, p2, va;
    uint8_t rec[SVACC_CR_SIZE];

    for (va = BUF_VA; va < BUF_VA + 0x20000; va += PAGE) {
        fl_map(t, va, galloc(t, PAGE), true);
    }
    fill_random(a, N, 21);
    vwrite(t, PASID_A, BUF_VA + 7, a, N);
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, BUF_VA + 7,
                         BUF_VA + 0x10000 + 33, N, 0, rec), ==,
                     SVACC_STATUS_SUCCESS);
    vread(t, PASID_A, BUF_VA + 0x10000 + 33, b, N);
    g_assert(!memcmp(a, b, N));
    /* one request covers several pages of a stream */
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_ATS_REQ), >=, 2);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_ATC_MISS), >=, 2);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_ATC_HIT), >, 0);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_PAGE_REQ), ==, 0);

    /* the ATC keeps a translation until the IOMMU invalidates it */
    va = BUF_VA + 0x10000;
    p1 = fl_va2pa(t, va);
    p2 = galloc(t, PAGE);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, va, 8, 0x11, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    fl_map(t, va, p2, true);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, va, 8, 0x22, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmphex(qtest_readb(t->qts, p1), ==, 0x22);
    inv_page(t, va);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_ATC_INV), ==, 1);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, va, 8, 0x33, NULL), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmphex(qtest_readb(t->qts, p1), ==, 0x22);
    g_assert_cmphex(qtest_readb(t->qts, p2), ==, 0x33);

    /* read-only page: a write without BOF is a PAGE_FAULT */
    fl_map(t, va, p2, false);
    inv_page(t, va);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, va + 8, 8, 0, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmphex(rec[SVACC_CR_FAULT_INFO], ==, SVACC_FAULT_INFO_W);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_PAGE_REQ), ==, 0);
    g_assert_cmpuint(run(t, SVACC_OP_CRC32C, 0, va, 0, 8, 0, rec), ==,
                     SVACC_STATUS_SUCCESS);
    stop(t);
}

static void test_ats_page_requests(void)
{
    T *t = start_ats("");
    enum { N = 40 * PAGE };
    g_autofree uint8_t *a = g_malloc(N), *b = g_malloc(N);
    uint8_t d[SVACC_DESC_SIZE], rec[SVACC_CR_SIZE];
    uint64_t src = BUF_VA, dst = BUF_VA + 0x100000 + 64, va, cr;

    for (va = src; va < src + N; va += PAGE) {
        fl_map(t, va, galloc(t, PAGE), true);
    }
    fill_random(a, N, 31);
    vwrite(t, PASID_A, src, a, N);

    /* destination not present at all: the OS maps it on request */
    cr = new_cr(t);
    mkdesc(d, 0, SVACC_OP_MEMMOVE, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr,
           src, dst, N, 0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    g_assert_cmpuint(wait_cr_serving(t, cr, 0, rec), ==,
                     SVACC_STATUS_SUCCESS);
    vread(t, PASID_A, dst, b, N);
    g_assert(!memcmp(a, b, N));
    /* 41 pages, in groups of at most 32 / 4 = 8 pages */
    g_assert_cmpuint(t->page_reqs, >=, 41);
    g_assert_cmpuint(t->groups, >=, 6);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_PAGE_REQ), ==,
                     t->page_reqs);
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_PRG), ==,
                     t->groups);

    /* INVALID REQUEST: PAGE_FAULT at the first page still needed */
    cr = new_cr(t);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr, 0,
           BUF_VA + 0x200000 - 16, 64, 0);
    fl_map(t, BUF_VA + 0x200000 - PAGE, galloc(t, PAGE), true);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    g_assert_cmpuint(wait_cr_serving(t, cr, 1, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmpuint(ldl_le_p(rec + SVACC_CR_BYTES_COMPLETED), ==, 16);
    g_assert_cmphex(ldq_le_p(rec + SVACC_CR_FAULT_ADDR), ==,
                    BUF_VA + 0x200000);
    g_assert_cmphex(rec[SVACC_CR_FAULT_INFO], ==, SVACC_FAULT_INFO_W);

    /* BOF clear: no page request at all */
    cr = t->page_reqs;
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, BUF_VA + 0x300000, 8, 0,
                         rec), ==, SVACC_STATUS_PAGE_FAULT);
    serve_prq(t, 0);
    g_assert_cmpuint(t->page_reqs, ==, cr);

    /*
     * ABORT_PASID while a group is outstanding: the descriptor is gone at
     * once and no request follows; PRS_PENDING counts the group until the
     * OS has answered it (then the PASID may be released).
     */
    cr = new_cr(t);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr, 0,
           BUF_VA + 0x400000, 8, 0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    while (qtest_readq(t->qts, VTD(DMAR_PQT_REG)) == t->prq_head) {
        continue;
    }
    va = qtest_readq(t->qts, VTD(DMAR_PQT_REG));
    wr32(t, SVACC_PRS_PASID, PASID_A);
    g_assert_cmpuint(rd32(t, SVACC_PRS_PENDING), ==, 1);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ABORT_PASID, PASID_A), ==, 0);
    g_assert_cmphex(wqsts(t, WQ_DED), ==, SVACC_WQSTS_ENABLED);
    g_assert_cmpuint(rd32(t, SVACC_PRS_PENDING), ==, 1);
    g_assert_cmphex(qtest_readq(t->qts, VTD(DMAR_PQT_REG)), ==, va);
    wr32(t, SVACC_PRS_PASID, PASID_B);
    g_assert_cmpuint(rd32(t, SVACC_PRS_PENDING), ==, 0);
    wr32(t, SVACC_PRS_PASID, PASID_A);
    serve_prq(t, 0);
    g_assert_cmpuint(rd32(t, SVACC_PRS_PENDING), ==, 0);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    g_assert_cmphex(qtest_readq(t->qts, VTD(DMAR_PQT_REG)), ==, va);
    cr = new_cr(t);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr, 0,
           BUF_VA + 0x500000, 8, 0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    g_assert_cmpuint(wait_cr_serving(t, cr, 0, rec), ==,
                     SVACC_STATUS_SUCCESS);

    /*
     * Every miss above was an ATS translation of a not-present or
     * read-only page: answered "no access", never a recorded DMAR fault.
     */
    g_assert_cmphex(qtest_readl(t->qts, VTD(DMAR_FSTS_REG)) & VTD_FSTS_PPF,
                    ==, 0);
    stop(t);
}

/* In ATS mode too: no translation or page request beyond 2^VA_BITS */
static void test_ats_va_bits(void)
{
    T *t = start_ats("");
    uint8_t d[SVACC_DESC_SIZE], rec[SVACC_CR_SIZE];
    uint64_t bad[] = { 1ull << SVACC_VA_BITS, 0xfffffffffffff000ull };
    uint64_t ats = rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_ATS_REQ), cr;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        cr = new_cr(t);
        mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr,
               0, bad[i], 8192, 0);
        g_assert_cmpuint(submit(t, WQ_DED, false, d), ==,
                         SVACC_SUBMIT_ACCEPTED);
        g_assert_cmpuint(wait_cr_serving(t, cr, 0, rec), ==,
                         SVACC_STATUS_PAGE_FAULT);
        g_assert_cmphex(ldq_le_p(rec + SVACC_CR_FAULT_ADDR), ==, bad[i]);
    }
    g_assert_cmpuint(t->page_reqs, ==, 0);
    /* only the records' own (present) page was ever translated */
    g_assert_cmpuint(rd64(t, SVACC_COUNTERS + 8 * SVACC_CNT_ATS_REQ), <=,
                     ats + ARRAY_SIZE(bad));
    stop(t);
}

/* The OS's page request queue is full: back off, never fail */
static void test_ats_prq_full(void)
{
    T *t = start_ats("");
    uint8_t d[SVACC_DESC_SIZE], rec[SVACC_CR_SIZE];
    uint64_t cr = new_cr(t);
    int i;

    /* head one entry ahead of tail: the queue is full */
    t->prq_head = VTD_PQA_ENTRY_SIZE;
    qtest_writeq(t->qts, VTD(DMAR_PQH_REG), t->prq_head);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr, 0,
           BUF_VA, 8, 0x77);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    for (i = 0; i < 100; i++) {
        qtest_clock_step(t->qts, 100 * 1000);
    }
    g_assert_true(qtest_readl(t->qts, VTD(DMAR_PRS_REG)) & VTD_PR_STATUS_PRO);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    /* the OS drains its queue and clears the overflow */
    t->prq_head = 0;
    qtest_writeq(t->qts, VTD(DMAR_PQH_REG), 0);
    qtest_writel(t->qts, VTD(DMAR_PRS_REG), VTD_PR_STATUS_PRO);
    for (i = 0; i < 100 && !qtest_readq(t->qts, VTD(DMAR_PQT_REG)); i++) {
        qtest_clock_step(t->qts, 1000 * 1000);
    }
    g_assert_cmpuint(wait_cr_serving(t, cr, 0, rec), ==,
                     SVACC_STATUS_SUCCESS);
    g_assert_cmphex(qtest_readb(t->qts, fl_va2pa(t, BUF_VA)), ==, 0x77);
    stop(t);
}

/*
 * x-inject-pri-fail: a FAILURE response stops page requests until PRI is
 * re-enabled; an FLR later leaves the device usable again
 */
static void test_ats_pri_failure_and_flr(void)
{
    T *t = start_ats(",x-inject-pri-fail=1,x-inject-pri-delay-us=500");
    uint8_t d[SVACC_DESC_SIZE], rec[SVACC_CR_SIZE];
    uint64_t cr = new_cr(t), pri_status, regs_addr = t->regs.addr;
    uint16_t pos;
    int i, reqs;

    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr, 0,
           BUF_VA, 8, 0x99);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    /*
     * The OS answers INVALID REQUEST (and maps nothing); the injection
     * turns it into a FAILURE, held back 500 us (virtual time).
     */
    for (i = 0; i < 50 && !t->groups; i++) {
        serve_prq(t, 1);
    }
    g_assert_cmpuint(t->groups, ==, 1);
    g_assert_cmpuint(peek_cr(t, PASID_A, cr), ==, 0);
    qtest_clock_step(t->qts, 1000 * 1000);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    g_assert_cmphex(ldq_le_p(rec + SVACC_CR_FAULT_ADDR), ==, BUF_VA);
    pri_status = qtest_readw(t->qts, t->ecam + t->pri_cap + PCI_PRI_STATUS);
    g_assert_true(pri_status & PCI_PRI_STATUS_RF);
    /* no more page requests: present pages work, missing ones fault */
    reqs = t->page_reqs;
    fl_map(t, BUF_VA, galloc(t, PAGE), true);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, SVACC_FLAG_BOF, 0, BUF_VA, 8,
                         0x99, rec), ==, SVACC_STATUS_SUCCESS);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, SVACC_FLAG_BOF, 0,
                         BUF_VA + PAGE, 8, 0x99, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    serve_prq(t, 0);
    g_assert_cmpuint(t->page_reqs, ==, reqs);

    /* PRI off, Reset, on again: page requests flow again */
    qtest_writew(t->qts, t->ecam + t->pri_cap + PCI_PRI_CTRL, 0);
    g_assert_true(qtest_readw(t->qts, t->ecam + t->pri_cap +
                              PCI_PRI_STATUS) & PCI_PRI_STATUS_STOPPED);
    qtest_writew(t->qts, t->ecam + t->pri_cap + PCI_PRI_CTRL,
                 PCI_PRI_CTRL_RESET);
    g_assert_cmphex(qtest_readw(t->qts, t->ecam + t->pri_cap + PCI_PRI_CTRL),
                    ==, 0);
    g_assert_false(qtest_readw(t->qts, t->ecam + t->pri_cap +
                               PCI_PRI_STATUS) & PCI_PRI_STATUS_RF);
    qtest_writew(t->qts, t->ecam + t->pri_cap + PCI_PRI_CTRL,
                 PCI_PRI_CTRL_ENABLE);
    cr = new_cr(t);
    mkdesc(d, 0, SVACC_OP_MEMFILL, SVACC_FLAG_CRAV | SVACC_FLAG_BOF, cr, 0,
           BUF_VA + 2 * PAGE, 8, 0);
    g_assert_cmpuint(submit(t, WQ_DED, false, d), ==, SVACC_SUBMIT_ACCEPTED);
    for (i = 0; i < 50 && t->page_reqs == reqs; i++) {
        serve_prq(t, 1);
    }
    g_assert_cmpuint(t->page_reqs, ==, reqs + 1);
    qtest_clock_step(t->qts, 1000 * 1000);
    g_assert_cmpuint(wait_cr(t, PASID_A, cr, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);

    /* FLR: everything back to reset values, PASID/ATS/PRI disabled */
    pos = qpci_find_capability(t->dev, PCI_CAP_ID_EXP, 0);
    qpci_config_writew(t->dev, pos + PCI_EXP_DEVCTL,
                       qpci_config_readw(t->dev, pos + PCI_EXP_DEVCTL) |
                       PCI_EXP_DEVCTL_BCR_FLR);
    g_assert_cmphex(qtest_readw(t->qts, t->ecam + t->pasid_cap +
                                PCI_PASID_CTRL), ==, 0);
    g_assert_cmphex(qtest_readw(t->qts, t->ecam + t->ats_cap + PCI_ATS_CTRL),
                    ==, 0);
    g_assert_cmphex(qtest_readw(t->qts, t->ecam + t->pri_cap + PCI_PRI_CTRL),
                    ==, 0);
    qpci_config_writel(t->dev, PCI_BASE_ADDRESS_0, regs_addr);
    qpci_config_writel(t->dev, PCI_BASE_ADDRESS_2, t->portals.addr);
    qpci_device_enable(t->dev);
    g_assert_cmphex(rd32(t, SVACC_GENSTS), ==, 0);
    qtest_writew(t->qts, t->ecam + t->pasid_cap + PCI_PASID_CTRL,
                 PCI_PASID_CTRL_ENABLE);
    qtest_writew(t->qts, t->ecam + t->ats_cap + PCI_ATS_CTRL,
                 PCI_ATS_CTRL_ENABLE);
    wr32(t, SVACC_GENCTRL, SVACC_GENCTRL_ENABLE | (SVACC_MODE_ATS << 4));
    wqcfg(t, WQ_DED, 16, true, 5, PASID_A);
    g_assert_cmpuint(cmd(t, SVACC_CMD_ENABLE_WQ, WQ_DED), ==, 0);
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, 0, 0, BUF_VA, 8, 0x42, rec),
                     ==, SVACC_STATUS_SUCCESS);
    g_assert_cmphex(qtest_readb(t->qts, fl_va2pa(t, BUF_VA)), ==, 0x42);
    /* PRI is off now: a missing page with BOF faults without a request */
    g_assert_cmpuint(run(t, SVACC_OP_MEMFILL, SVACC_FLAG_BOF, 0,
                         BUF_VA + PAGE, 8, 0, rec), ==,
                     SVACC_STATUS_PAGE_FAULT);
    stop(t);
}

/* Throughput of MEMMOVE (run with -m perf) */
static void test_perf(void)
{
    T *t = start_devpt(" -m 512M");
    uint64_t huge = ROUND_UP(galloc(t, 130 * MiB), 2 * MiB);
    uint64_t small = galloc(t, 16 * MiB);
    uint64_t va;
    gint64 t0;
    double secs;

    for (va = 0; va < 64 * MiB; va += 2 * MiB) {
        map_page(t, PASID_A, 0x40000000 + va, huge + va, true, true);
        map_page(t, PASID_A, 0x80000000 + va, huge + 64 * MiB + va, true,
                 true);
    }
    for (va = 0; va < 8 * MiB; va += PAGE) {
        map_page(t, PASID_A, BUF_VA + va, small + va, true, false);
        map_page(t, PASID_A, BUF_VA + 8 * MiB + va, small + 8 * MiB + va,
                 true, false);
    }
    t0 = g_get_monotonic_time();
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, 0x40000000, 0x80000000,
                         64 * MiB, 0, NULL), ==, SVACC_STATUS_SUCCESS);
    secs = (g_get_monotonic_time() - t0) / 1e6;
    g_test_message("MEMMOVE 64 MiB, 2 MiB pages: %.3f s, %.0f MB/s", secs,
                   64 * MiB / secs / 1e6);
    t0 = g_get_monotonic_time();
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, BUF_VA, BUF_VA + 8 * MiB,
                         8 * MiB, 0, NULL), ==, SVACC_STATUS_SUCCESS);
    secs = (g_get_monotonic_time() - t0) / 1e6;
    g_test_message("MEMMOVE 8 MiB, 4 KiB pages: %.3f s, %.0f MB/s", secs,
                   8 * MiB / secs / 1e6);
    stop(t);
}

/* ATS-mode throughput (run with -m perf) */
static void test_ats_perf(void)
{
    T *t = start_ats(" -m 512M");
    uint64_t mem = galloc(t, 32 * MiB);
    uint64_t va;
    gint64 t0;
    double secs;

    for (va = 0; va < 16 * MiB; va += PAGE) {
        fl_map(t, BUF_VA + va, mem + va, true);
        fl_map(t, BUF_VA + 32 * MiB + va, mem + 16 * MiB + va, true);
    }
    t0 = g_get_monotonic_time();
    g_assert_cmpuint(run(t, SVACC_OP_MEMMOVE, 0, BUF_VA, BUF_VA + 32 * MiB,
                         16 * MiB, 0, NULL), ==, SVACC_STATUS_SUCCESS);
    secs = (g_get_monotonic_time() - t0) / 1e6;
    g_test_message("ATS MEMMOVE 16 MiB, 4 KiB pages: %.3f s, %.0f MB/s",
                   secs, 16 * MiB / secs / 1e6);
    stop(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/svacc/identity", test_identity);
    qtest_add_func("/svacc/enable-and-config", test_enable_and_config);
    qtest_add_func("/svacc/ops", test_ops);
    qtest_add_func("/svacc/huge-page", test_huge_page);
    qtest_add_func("/svacc/batch", test_batch);
    qtest_add_func("/svacc/invalid", test_invalid);
    qtest_add_func("/svacc/portals", test_portals);
    qtest_add_func("/svacc/retry-and-stall", test_retry_and_stall);
    qtest_add_func("/svacc/fault-resume", test_fault_resume);
    qtest_add_func("/svacc/fault-hold", test_fault_hold);
    qtest_add_func("/svacc/partial", test_partial);
    qtest_add_func("/svacc/devtlb-invalidate", test_devtlb_invalidate);
    qtest_add_func("/svacc/commands", test_commands);
    qtest_add_func("/svacc/abort-wq", test_abort_wq);
    qtest_add_func("/svacc/staging-cleared", test_staging_cleared);
    qtest_add_func("/svacc/va-bits", test_va_bits);
    qtest_add_func("/svacc/halt-and-flr", test_halt_and_flr);
    qtest_add_func("/svacc/enable-fail", test_enable_fail);
    qtest_add_func("/svacc/bme-and-intmask", test_bme_and_intmask);
    qtest_add_func("/svacc/priority", test_priority);
    qtest_add_func("/svacc/self-dma", test_self_dma);
    qtest_add_func("/svacc/ats/caps", test_ats_caps);
    qtest_add_func("/svacc/ats/present", test_ats_present);
    qtest_add_func("/svacc/ats/page-requests", test_ats_page_requests);
    qtest_add_func("/svacc/ats/prq-full", test_ats_prq_full);
    qtest_add_func("/svacc/ats/va-bits", test_ats_va_bits);
    qtest_add_func("/svacc/ats/pri-failure-and-flr",
                   test_ats_pri_failure_and_flr);
    if (g_test_perf()) {
        qtest_add_func("/svacc/perf", test_perf);
        qtest_add_func("/svacc/ats/perf", test_ats_perf);
    }
    return g_test_run();
}
