/*
 * svacc: register, descriptor and record layout
 *
 * The twin of Documentation/accel/svacc/hardware.rst (version 1.0): one
 * definition per field, in the order the document lists them.  Shared by
 * the device model and its qtest.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_SVACC_REGS_H
#define HW_MISC_SVACC_REGS_H

/* PCI identity */
#define SVACC_VENDOR_ID             0x1234
#define SVACC_DEVICE_ID             0x5356
#define SVACC_REVISION              0x01
#define SVACC_CLASS_CODE            0x1200  /* processing accelerator */
#define SVACC_SUBSYS_VENDOR_ID      0x1af4
#define SVACC_SUBSYS_ID             0x1100

#define SVACC_BAR_REGS              0
#define SVACC_BAR_PORTALS           2
#define SVACC_BAR_MSIX              4
#define SVACC_REGS_SIZE             0x10000
#define SVACC_WQ_PORTALS_SIZE       0x2000
#define SVACC_PORTAL_PRIV_OFFSET    0x1000

#define SVACC_MSIX_MISC             0
#define SVACC_MSIX_WQ(n)            (1 + (n))

/* Register file (BAR0) */
#define SVACC_VERSION               0x000
#define   SVACC_VERSION_1_0         0x00010000
#define SVACC_CAP_OPS               0x004
#define SVACC_CAP_WQ                0x008
#define   SVACC_CAP_WQ_NUM_MASK     0xff
#define   SVACC_CAP_WQ_DEPTH_SHIFT  16
#define SVACC_CAP_XLATE             0x00c
#define   SVACC_XLATE_DEVPT         (1u << 0)
#define   SVACC_XLATE_ATS_MODE      (1u << 1)
#define   SVACC_XLATE_PASID         (1u << 2)
#define   SVACC_XLATE_ATS           (1u << 3)
#define   SVACC_XLATE_PRI           (1u << 4)
#define   SVACC_XLATE_VA_BITS_SHIFT 8
#define   SVACC_XLATE_VA_BITS_MASK  (0xffu << 8)
#define   SVACC_VA_BITS             47      /* translated: below 2^47 */
#define SVACC_CAP_TLB               0x010
#define   SVACC_CAP_TLB_DEVTLB_SHIFT 16
#define SVACC_CAP_LIMITS            0x014
#define   SVACC_CAP_LIMITS_BATCH_SHIFT 16
#define SVACC_GENCTRL               0x020
#define   SVACC_GENCTRL_ENABLE      (1u << 0)
#define   SVACC_GENCTRL_MODE_SHIFT  4
#define   SVACC_GENCTRL_MODE_MASK   (3u << 4)
#define   SVACC_MODE_ATS            1
#define   SVACC_MODE_DEVPT          2
#define SVACC_GENSTS                0x024
#define   SVACC_GENSTS_ENABLED      (1u << 0)
#define   SVACC_GENSTS_HALTED       (1u << 1)
#define   SVACC_GENSTS_ERR          (1u << 2)
#define   SVACC_GENSTS_REASON_SHIFT 8
#define   SVACC_REASON_NONE         0x00
#define   SVACC_REASON_BAD_MODE     0x01
#define   SVACC_REASON_NO_PASID_ATS 0x02
#define   SVACC_REASON_CTX_INVALID  0x03
#define   SVACC_REASON_FQ_INVALID   0x04
#define   SVACC_REASON_WQ_ENABLED   0x05
#define   SVACC_REASON_HW_ERROR     0x06
#define   SVACC_REASON_HALT_PT      0x10
#define   SVACC_REASON_HALT_FQ      0x11
#define SVACC_RESET                 0x028
#define SVACC_INTCAUSE              0x030
#define SVACC_INTMASK               0x034
#define   SVACC_INT_SWERR           (1u << 0)
#define   SVACC_INT_FAULT           (1u << 1)
#define   SVACC_INT_HALT            (1u << 2)
#define   SVACC_INT_CMD_DONE        (1u << 3)
#define   SVACC_INT_INV_DONE        (1u << 4)
#define   SVACC_INT_FQ_FULL         (1u << 5)
#define   SVACC_INT_ALL             0x3f
#define SVACC_SWERR0                0x040
#define   SVACC_SWERR0_VALID        (1ull << 0)
#define   SVACC_SWERR0_OVERFLOW     (1ull << 1)
#define   SVACC_SWERR0_CODE_SHIFT   8
#define   SVACC_SWERR0_WQ_SHIFT     16
#define   SVACC_SWERR0_OP_SHIFT     24
#define   SVACC_SWERR0_PASID_SHIFT  32
#define   SVACC_SWERR0_PRIV         (1ull << 63)
#define SVACC_SWERR1                0x048
#define SVACC_SWERR2                0x050
#define SVACC_SWERR3                0x058
#define SVACC_CMD                   0x060
#define SVACC_CMDSTS                0x064
#define   SVACC_CMDSTS_ACTIVE       (1u << 31)
#define SVACC_CMDARG                0x068
#define SVACC_FQ_BASE               0x080
#define SVACC_FQ_SIZE               0x088
#define SVACC_FQ_HEAD               0x08c
#define SVACC_FQ_TAIL               0x090
#define SVACC_FQ_CTL                0x094
#define   SVACC_FQ_CTL_ENABLE       (1u << 0)
#define SVACC_FAULT_RESP            0x098
#define   SVACC_FAULT_RESP_RETRY    0
#define   SVACC_FAULT_RESP_FAIL     1
#define SVACC_INV_PASID             0x0a0
#define   SVACC_INV_PASID_ALL       (1u << 31)
#define SVACC_INV_CTL               0x0a4
#define   SVACC_INV_CTL_START       (1u << 0)
#define   SVACC_INV_CTL_BUSY        (1u << 1)
#define SVACC_INV_ADDR              0x0a8
#define SVACC_INV_PAGES             0x0b0
#define SVACC_CTX_BASE              0x0c0
#define SVACC_CTX_SIZE              0x0c8
#define SVACC_PRS_PASID             0x0d0
#define SVACC_PRS_PENDING           0x0d4
#define SVACC_COUNTERS              0x200
#define SVACC_WQCFG_BASE            0x1000
#define SVACC_WQCFG_STRIDE          0x20

/* Counters, index n at SVACC_COUNTERS + 8 * n */
enum {
    SVACC_CNT_DESC_COMPLETED,
    SVACC_CNT_BYTES,
    SVACC_CNT_ATS_REQ,
    SVACC_CNT_ATC_HIT,
    SVACC_CNT_ATC_MISS,
    SVACC_CNT_PAGE_REQ,
    SVACC_CNT_PRG,
    SVACC_CNT_DEV_FAULT,
    SVACC_CNT_DEVTLB_INV,
    SVACC_CNT_ATC_INV,
    SVACC_CNT_DEVTLB_HIT,
    SVACC_CNT_DEVTLB_MISS,
    SVACC_CNT_ERRORS,
    SVACC_CNT_SWERRS,
    SVACC_CNT_FAULT_HOLD,
    SVACC_CNT_NUM
};

/* Software error codes (SWERR0[15:8]) */
#define SVACC_SWERR_TORN            0x01
#define SVACC_SWERR_BAD_PORTAL      0x02
#define SVACC_SWERR_WQ_DISABLED     0x03
#define SVACC_SWERR_USER_SHARED     0x04
#define SVACC_SWERR_COMPL_ALIGN     0x05
#define SVACC_SWERR_COMPL_WRITE     0x06
#define SVACC_SWERR_WQ_CONFIG       0x07
#define SVACC_SWERR_FQ_FULL         0x08

/* Device commands and CMDSTS results */
#define SVACC_CMD_ENABLE_WQ         0x01
#define SVACC_CMD_DISABLE_WQ        0x02
#define SVACC_CMD_DRAIN_WQ          0x03
#define SVACC_CMD_DRAIN_PASID       0x04
#define SVACC_CMD_ABORT_PASID       0x05
#define SVACC_CMD_RESET_COUNTERS    0x06
#define SVACC_CMD_ABORT_WQ          0x07
#define SVACC_CMDSTS_SUCCESS        0
#define SVACC_CMDSTS_UNKNOWN        1
#define SVACC_CMDSTS_INVALID        2
#define SVACC_CMDSTS_NOT_ENABLED    3

/* WQ configuration block, offsets inside 0x1000 + 0x20 * n */
#define SVACC_WQCFG0                0x00
#define   SVACC_WQCFG0_SIZE_MASK    0xffff
#define   SVACC_WQCFG0_DEDICATED    (1u << 16)
#define   SVACC_WQCFG0_PRIO_SHIFT   20
#define   SVACC_WQCFG0_PRIO_MASK    (0xfu << 20)
#define SVACC_WQCFG1                0x04
#define   SVACC_WQCFG1_PASID_MASK   0xfffff
#define   SVACC_WQCFG1_PRIV         (1u << 31)
#define SVACC_WQSTS                 0x08
#define   SVACC_WQSTS_ENABLED       (1u << 0)
#define   SVACC_WQSTS_OCC_SHIFT     16
#define SVACC_WQERR                 0x0c
#define   SVACC_WQERR_SIZE          1
#define   SVACC_WQERR_PRIORITY      2
#define   SVACC_WQERR_PASID         3
#define   SVACC_WQERR_DEV_DISABLED  4
#define SVACC_WQCFG2                0x10
#define   SVACC_WQCFG2_FAULT_HOLD_MASK 0xffff

/* Portal page (BAR2) */
#define SVACC_PORTAL_DESC           0x00
#define SVACC_PORTAL_COMMIT         0x38
#define SVACC_PORTAL_SUBMIT_STATUS  0x40
#define   SVACC_SUBMIT_ACCEPTED     0
#define   SVACC_SUBMIT_RETRY        1
#define   SVACC_SUBMIT_REJECTED     2
#define   SVACC_SUBMIT_COUNT_SHIFT  16

/* Descriptor (64 bytes) */
#define SVACC_DESC_SIZE             64
#define SVACC_DESC_PASID_PRIV       0x00
#define   SVACC_DESC_PASID_MASK     0xfffff
#define   SVACC_DESC_PRIV           (1u << 31)
#define   SVACC_DESC_PP_RSVD        0x7ff00000u
#define SVACC_DESC_OPCODE           0x04
#define SVACC_DESC_FLAGS            0x06
#define   SVACC_FLAG_CRAV           (1u << 0)
#define   SVACC_FLAG_RCI            (1u << 1)
#define   SVACC_FLAG_FENCE          (1u << 2)
#define   SVACC_FLAG_BOF            (1u << 3)
#define   SVACC_FLAG_RSVD           0xfff0u
#define SVACC_DESC_COMPL_ADDR       0x08
#define SVACC_DESC_SRC              0x10
#define SVACC_DESC_DST              0x18
#define SVACC_DESC_XFER_SIZE        0x20
#define SVACC_DESC_OP0              0x28

/* Opcodes */
#define SVACC_OP_NOP                0x00
#define SVACC_OP_DRAIN              0x01
#define SVACC_OP_MEMMOVE            0x02
#define SVACC_OP_MEMFILL            0x03
#define SVACC_OP_COMPARE            0x04
#define SVACC_OP_COMPARE_PATTERN    0x05
#define SVACC_OP_CRC32C             0x06
#define SVACC_OP_BATCH              0x07
#define SVACC_OP_NUM                8

/* Completion record (32 bytes, 32-byte aligned) */
#define SVACC_CR_SIZE               32
#define SVACC_CR_STATUS             0x00
#define SVACC_CR_RESULT             0x01
#define SVACC_CR_FAULT_INFO         0x02
#define   SVACC_FAULT_INFO_W        (1u << 0)
#define   SVACC_FAULT_INFO_R        (1u << 1)
#define SVACC_CR_OPCODE             0x03
#define SVACC_CR_BYTES_COMPLETED    0x04
#define SVACC_CR_FAULT_ADDR         0x08
#define SVACC_CR_RESULT_VALUE       0x10

/* Completion status */
#define SVACC_STATUS_NONE           0x00
#define SVACC_STATUS_SUCCESS        0x01
#define SVACC_STATUS_PAGE_FAULT     0x03
#define SVACC_STATUS_INVALID_OPCODE 0x04
#define SVACC_STATUS_INVALID_FLAGS  0x05
#define SVACC_STATUS_MISALIGNED     0x06
#define SVACC_STATUS_ACCESS_DENIED  0x07
#define SVACC_STATUS_BATCH_ERROR    0x08
#define SVACC_STATUS_INVALID_SIZE   0x09
#define SVACC_STATUS_HOLD_EXPIRED   0x0a

/* DEVPT context entry (16 bytes) */
#define SVACC_CTX_ENTRY_SIZE        16
#define   SVACC_CTX_VALID           (1ull << 0)
#define   SVACC_CTX_PRIV_OK         (1ull << 1)
#define   SVACC_CTX_MAX             (1u << 20)

/* DEVPT page table entry */
#define SVACC_PTE_VALID             (1ull << 0)
#define SVACC_PTE_WRITE             (1ull << 1)
#define SVACC_PTE_LEAF              (1ull << 7)
#define SVACC_PTE_ADDR_MASK         0x000ffffffffff000ull

/* Fault record (32 bytes) */
#define SVACC_FR_SIZE               32
#define SVACC_FR_ADDR               0x00
#define SVACC_FR_PASID              0x08
#define SVACC_FR_FLAGS              0x0c
#define   SVACC_FR_WRITE            (1u << 0)
#define   SVACC_FR_READ             (1u << 1)
#define   SVACC_FR_PRIV             (1u << 2)
#define SVACC_FR_FAULT_ID           0x0e
#define SVACC_FQ_SIZE_MIN           16
#define SVACC_FQ_SIZE_MAX           65536

#endif
