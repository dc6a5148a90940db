/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * svacc register interface: the twin of Documentation/accel/svacc/hardware.rst.
 * Names and layouts follow the spec's tables in order.
 */
#ifndef _SVACC_REGS_H_
#define _SVACC_REGS_H_

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/types.h>

/* PCI identity */
#define SVACC_PCI_VENDOR_ID		0x1234
#define SVACC_PCI_DEVICE_ID		0x5356

/* BARs */
#define SVACC_BAR_REGS			0
#define SVACC_BAR_PORTALS		2
#define SVACC_REGS_SIZE			0x10000

/* MSI-X: vector 0 misc, vector 1 + n completion of WQ n */
#define SVACC_VEC_MISC			0
#define SVACC_VEC_WQ(n)			(1 + (n))

/* Register file (BAR0) */
#define SVACC_VERSION			0x000
#define   SVACC_VERSION_MAJOR		GENMASK(31, 16)
#define   SVACC_VERSION_MINOR		GENMASK(15, 0)
#define SVACC_CAP_OPS			0x004
#define SVACC_CAP_WQ			0x008
#define   SVACC_CAP_WQ_NUM		GENMASK(7, 0)
#define   SVACC_CAP_WQ_TOTAL_DEPTH	GENMASK(31, 16)
#define SVACC_CAP_XLATE			0x00c
#define   SVACC_XLATE_DEVPT		BIT(0)
#define   SVACC_XLATE_ATS_MODE		BIT(1)
#define   SVACC_XLATE_PASID		BIT(2)
#define   SVACC_XLATE_ATS		BIT(3)
#define   SVACC_XLATE_PRI		BIT(4)
#define   SVACC_XLATE_VA_BITS		GENMASK(15, 8)
#define SVACC_CAP_TLB			0x010
#define   SVACC_CAP_TLB_ATC		GENMASK(15, 0)
#define   SVACC_CAP_TLB_DEVTLB		GENMASK(31, 16)
#define SVACC_CAP_LIMITS		0x014
#define   SVACC_LIMITS_XFER_SHIFT	GENMASK(7, 0)
#define   SVACC_LIMITS_MAX_BATCH	GENMASK(31, 16)

#define SVACC_GENCTRL			0x020
#define   SVACC_GENCTRL_ENABLE		BIT(0)
#define   SVACC_GENCTRL_MODE		GENMASK(5, 4)
#define     SVACC_MODE_ATS		1
#define     SVACC_MODE_DEVPT		2
#define SVACC_GENSTS			0x024
#define   SVACC_GENSTS_ENABLED		BIT(0)
#define   SVACC_GENSTS_HALTED		BIT(1)
#define   SVACC_GENSTS_ERR		BIT(2)
#define   SVACC_GENSTS_REASON		GENMASK(15, 8)
#define     SVACC_REASON_BAD_MODE	0x01
#define     SVACC_REASON_NO_PASID_ATS	0x02
#define     SVACC_REASON_CTX_INVALID	0x03
#define     SVACC_REASON_FQ_INVALID	0x04
#define     SVACC_REASON_WQ_ENABLED	0x05
#define     SVACC_REASON_HW_ERROR	0x06
#define     SVACC_REASON_HALT_PT	0x10
#define     SVACC_REASON_HALT_FQ	0x11
#define SVACC_RESET			0x028

#define SVACC_INTCAUSE			0x030
#define SVACC_INTMASK			0x034
#define   SVACC_INT_SWERR		BIT(0)
#define   SVACC_INT_FAULT		BIT(1)
#define   SVACC_INT_HALT		BIT(2)
#define   SVACC_INT_CMD_DONE		BIT(3)
#define   SVACC_INT_INV_DONE		BIT(4)
#define   SVACC_INT_FQ_FULL		BIT(5)
#define   SVACC_INT_ALL			GENMASK(5, 0)

#define SVACC_SWERR0			0x040
#define   SVACC_SWERR_VALID		BIT_ULL(0)
#define   SVACC_SWERR_OVERFLOW		BIT_ULL(1)
#define   SVACC_SWERR_CODE		GENMASK_ULL(15, 8)
#define   SVACC_SWERR_WQ		GENMASK_ULL(23, 16)
#define   SVACC_SWERR_OPCODE		GENMASK_ULL(31, 24)
#define   SVACC_SWERR_PASID		GENMASK_ULL(51, 32)
#define   SVACC_SWERR_PRIV		BIT_ULL(63)
#define SVACC_SWERR1			0x048
#define SVACC_SWERR2			0x050
#define SVACC_SWERR3			0x058

/* SWERR0.CODE */
#define SVACC_SWERR_TORN		0x01
#define SVACC_SWERR_BAD_PORTAL		0x02
#define SVACC_SWERR_WQ_DISABLED		0x03
#define SVACC_SWERR_USER_SHARED		0x04
#define SVACC_SWERR_COMPL_ALIGN		0x05
#define SVACC_SWERR_COMPL_WRITE		0x06
#define SVACC_SWERR_WQ_CONFIG		0x07
#define SVACC_SWERR_FQ_FULL		0x08

#define SVACC_CMD			0x060
#define SVACC_CMDSTS			0x064
#define   SVACC_CMDSTS_ACTIVE		BIT(31)
#define   SVACC_CMDSTS_RESULT		GENMASK(7, 0)
#define     SVACC_CMD_OK		0
#define     SVACC_CMD_UNKNOWN		1
#define     SVACC_CMD_BAD_OPERAND	2
#define     SVACC_CMD_NOT_ENABLED	3
#define SVACC_CMDARG			0x068

/* Device commands (CMD) */
#define SVACC_CMD_ENABLE_WQ		0x01
#define SVACC_CMD_DISABLE_WQ		0x02
#define SVACC_CMD_DRAIN_WQ		0x03
#define SVACC_CMD_DRAIN_PASID		0x04
#define SVACC_CMD_ABORT_PASID		0x05
#define SVACC_CMD_RESET_COUNTERS	0x06
#define SVACC_CMD_ABORT_WQ		0x07
#define   SVACC_CMDARG_WQ		GENMASK_ULL(7, 0)
#define   SVACC_CMDARG_PASID		GENMASK_ULL(19, 0)

/* DEVPT fault queue */
#define SVACC_FQ_BASE			0x080
#define SVACC_FQ_SIZE			0x088
#define SVACC_FQ_HEAD			0x08c
#define SVACC_FQ_TAIL			0x090
#define SVACC_FQ_CTL			0x094
#define   SVACC_FQ_CTL_ENABLE		BIT(0)
#define SVACC_FAULT_RESP		0x098
#define   SVACC_FAULT_RESP_ID		GENMASK(15, 0)
#define   SVACC_FAULT_RESP_CODE		GENMASK(31, 16)
#define     SVACC_FAULT_RETRY		0
#define     SVACC_FAULT_FAIL		1

/* DEVPT device-TLB invalidation */
#define SVACC_INV_PASID			0x0a0
#define   SVACC_INV_PASID_PASID		GENMASK(19, 0)
#define   SVACC_INV_PASID_ALL		BIT(31)
#define SVACC_INV_CTL			0x0a4
#define   SVACC_INV_CTL_START		BIT(0)
#define   SVACC_INV_CTL_BUSY		BIT(1)
#define SVACC_INV_ADDR			0x0a8
#define SVACC_INV_PAGES			0x0b0

/* DEVPT context table */
#define SVACC_CTX_BASE			0x0c0
#define SVACC_CTX_SIZE			0x0c8

/* ATS mode: page request groups in flight, per PASID */
#define SVACC_PRS_PASID			0x0d0
#define SVACC_PRS_PENDING		0x0d4

/* Counters, 64-bit each */
#define SVACC_CNT_BASE			0x200
#define SVACC_CNT_DESC_COMPLETED	0
#define SVACC_CNT_BYTES			1
#define SVACC_CNT_ATS_REQ		2
#define SVACC_CNT_ATC_HIT		3
#define SVACC_CNT_ATC_MISS		4
#define SVACC_CNT_PAGE_REQ		5
#define SVACC_CNT_PRG			6
#define SVACC_CNT_DEV_FAULT		7
#define SVACC_CNT_DEVTLB_INV		8
#define SVACC_CNT_ATC_INV		9
#define SVACC_CNT_DEVTLB_HIT		10
#define SVACC_CNT_DEVTLB_MISS		11
#define SVACC_CNT_ERRORS		12
#define SVACC_CNT_SWERRS		13
#define SVACC_CNT_FAULT_HOLD		14
#define SVACC_NUM_COUNTERS		15
#define SVACC_CNT(i)			(SVACC_CNT_BASE + 8 * (i))

/* Per-WQ configuration */
#define SVACC_WQCFG_BASE		0x1000
#define SVACC_WQCFG_STRIDE		0x20
#define SVACC_WQCFG(n)			(SVACC_WQCFG_BASE + SVACC_WQCFG_STRIDE * (n))
#define SVACC_WQCFG0			0x00
#define   SVACC_WQCFG0_SIZE		GENMASK(15, 0)
#define   SVACC_WQCFG0_DEDICATED	BIT(16)
#define   SVACC_WQCFG0_PRIORITY		GENMASK(23, 20)
#define SVACC_WQCFG1			0x04
#define   SVACC_WQCFG1_PASID		GENMASK(19, 0)
#define   SVACC_WQCFG1_PRIV		BIT(31)
#define SVACC_WQSTS			0x08
#define   SVACC_WQSTS_ENABLED		BIT(0)
#define   SVACC_WQSTS_OCCUPANCY		GENMASK(31, 16)
#define SVACC_WQERR			0x0c
#define   SVACC_WQERR_SIZE		1
#define   SVACC_WQERR_PRIORITY		2
#define   SVACC_WQERR_PASID		3
#define   SVACC_WQERR_NOT_ENABLED	4
#define SVACC_WQCFG2			0x10
#define   SVACC_WQCFG2_FAULT_HOLD	GENMASK(15, 0)
#define SVACC_MAX_WQS			255
#define SVACC_WQ_MAX_PRIORITY		15

/* Portals (BAR2): per WQ a user page then a privileged page */
#define SVACC_PORTAL_STRIDE		0x2000
#define SVACC_PORTAL_USER		0x0000
#define SVACC_PORTAL_PRIV		0x1000
#define SVACC_PORTAL_PAGE_SIZE		0x1000
#define SVACC_PORTAL_QWORD(i)		(8 * (i))
#define SVACC_PORTAL_COMMIT_QWORD	7
#define SVACC_PORTAL_STATUS		0x40
#define   SVACC_SUBMIT_STATUS		GENMASK(7, 0)
#define   SVACC_SUBMIT_COUNT		GENMASK(31, 16)
#define     SVACC_SUBMIT_ACCEPTED	0
#define     SVACC_SUBMIT_RETRY		1
#define     SVACC_SUBMIT_REJECTED	2

/* Descriptor (64 bytes), as eight little-endian quadwords */
#define SVACC_DESC_SIZE			64
#define SVACC_DESC_QWORDS		8
#define SVACC_DESC_PASID		GENMASK(19, 0)
#define SVACC_DESC_PASID_RSVD		GENMASK(30, 20)
#define SVACC_DESC_PRIV			BIT(31)
#define SVACC_COMPL_ALIGN		32
#define SVACC_BATCH_ALIGN		64

/* DEVPT context table entry (16 bytes, indexed by PASID) */
#define SVACC_CTX_ENTRY_SIZE		16
#define   SVACC_CTX_VALID		BIT_ULL(0)
#define   SVACC_CTX_PRIV_OK		BIT_ULL(1)

/* DEVPT page table: four levels of 512 entries */
#define SVACC_PT_LEVELS			4
#define SVACC_PT_ENTRIES		512
#define   SVACC_PTE_VALID		BIT_ULL(0)
#define   SVACC_PTE_WRITE		BIT_ULL(1)
#define   SVACC_PTE_LEAF		BIT_ULL(7)
#define   SVACC_PTE_ADDR		GENMASK_ULL(51, 12)

/* DEVPT fault record (32 bytes) */
#define SVACC_FR_SIZE			32
#define   SVACC_FR_WRITE		BIT(0)
#define   SVACC_FR_READ			BIT(1)
#define   SVACC_FR_PRIV			BIT(2)

/**
 * struct svacc_fault_rec - a fault record, as the device writes it
 * @addr: faulting virtual address (not page aligned)
 * @pasid: PASID of the faulting descriptor
 * @flags: SVACC_FR_*
 * @id: FAULT_ID, names the parked descriptor in FAULT_RESP
 * @rsvd: reserved, 0
 */
struct svacc_fault_rec {
	__le64 addr;
	__le32 pasid;
	__le16 flags;
	__le16 id;
	__le64 rsvd[2];
};

static_assert(sizeof(struct svacc_fault_rec) == SVACC_FR_SIZE);

#endif /* _SVACC_REGS_H_ */
