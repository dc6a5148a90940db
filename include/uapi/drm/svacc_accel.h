/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * svacc: shared-virtual-addressing accelerator, user-space interface.
 *
 * Descriptors carry process virtual addresses. The address space is the
 * one that opened the device file; the kernel (or the device, for a
 * dedicated WQ) supplies the PASID. See Documentation/accel/svacc/.
 */
#ifndef _UAPI_DRM_SVACC_ACCEL_H_
#define _UAPI_DRM_SVACC_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * enum drm_svacc_opcode - descriptor operations
 * @SVACC_OP_NOP: nothing; completes
 * @SVACC_OP_DRAIN: completes after all earlier descriptors of this context
 *	(on a shared WQ, waiting at most as long as a fault may hold it:
 *	%SVACC_STATUS_HOLD_EXPIRED)
 * @SVACC_OP_MEMMOVE: copy @size bytes from @src to @dst, overlap-safe
 * @SVACC_OP_MEMFILL: fill @size bytes at @dst with the 8-byte pattern @op0
 * @SVACC_OP_COMPARE: compare @size bytes at @src and @dst
 * @SVACC_OP_COMPARE_PATTERN: compare @size bytes at @src with pattern @op0
 * @SVACC_OP_CRC32C: CRC-32C of @size bytes at @src, seed in bits 31:0 of @op0
 * @SVACC_OP_BATCH: run @size descriptors from the 64-byte aligned array @src
 */
enum drm_svacc_opcode {
	SVACC_OP_NOP = 0x00,
	SVACC_OP_DRAIN = 0x01,
	SVACC_OP_MEMMOVE = 0x02,
	SVACC_OP_MEMFILL = 0x03,
	SVACC_OP_COMPARE = 0x04,
	SVACC_OP_COMPARE_PATTERN = 0x05,
	SVACC_OP_CRC32C = 0x06,
	SVACC_OP_BATCH = 0x07,
};

/* Descriptor flags (struct drm_svacc_desc.flags). */
/** @SVACC_DESC_F_CRAV: write a completion record at @completion_addr */
#define SVACC_DESC_F_CRAV	(1 << 0)
/** @SVACC_DESC_F_RCI: raise a completion interrupt (wakes poll/wait) */
#define SVACC_DESC_F_RCI	(1 << 1)
/** @SVACC_DESC_F_FENCE: start only after earlier descriptors completed */
#define SVACC_DESC_F_FENCE	(1 << 2)
/** @SVACC_DESC_F_BOF: block on fault instead of partial completion */
#define SVACC_DESC_F_BOF	(1 << 3)
#define SVACC_DESC_F_ALL	(SVACC_DESC_F_CRAV | SVACC_DESC_F_RCI | \
				 SVACC_DESC_F_FENCE | SVACC_DESC_F_BOF)

/**
 * struct drm_svacc_desc - a 64-byte descriptor, as the device reads it
 * @pasid_priv: must be 0 from user space; the kernel stamps the PASID
 * @opcode: one of &enum drm_svacc_opcode
 * @rsvd0: must be 0
 * @flags: SVACC_DESC_F_* bits
 * @completion_addr: 32-byte aligned address of a &struct drm_svacc_completion
 * @src: source address (BATCH: descriptor array)
 * @dst: destination, or second source for COMPARE
 * @size: bytes, or descriptor count for BATCH
 * @rsvd1: must be 0
 * @op0: MEMFILL/COMPARE_PATTERN pattern, CRC32C seed
 * @rsvd2: must be 0
 */
struct drm_svacc_desc {
	__u32 pasid_priv;
	__u8 opcode;
	__u8 rsvd0;
	__u16 flags;
	__u64 completion_addr;
	__u64 src;
	__u64 dst;
	__u32 size;
	__u32 rsvd1;
	__u64 op0;
	__u64 rsvd2[2];
};

/**
 * enum drm_svacc_status - completion record status
 * @SVACC_STATUS_NONE: not yet completed
 * @SVACC_STATUS_SUCCESS: done
 * @SVACC_STATUS_PAGE_FAULT: partial completion, see @bytes_completed and
 *	@fault_addr; resubmit the rest after making the page accessible
 * @SVACC_STATUS_INVALID_OPCODE: unknown or disallowed opcode
 * @SVACC_STATUS_INVALID_FLAGS: reserved flag or field not zero
 * @SVACC_STATUS_MISALIGNED: BATCH array not 64-byte aligned
 * @SVACC_STATUS_ACCESS_DENIED: address space not usable or privilege
 *	not allowed
 * @SVACC_STATUS_BATCH_ERROR: at least one batch element failed
 * @SVACC_STATUS_INVALID_SIZE: size above the limit, or bad batch count
 * @SVACC_STATUS_HOLD_EXPIRED: a DRAIN on a shared WQ stopped waiting for
 *	the context's earlier descriptors, which others' work queued behind
 *	it could not wait for any longer: they may not have completed
 */
enum drm_svacc_status {
	SVACC_STATUS_NONE = 0x00,
	SVACC_STATUS_SUCCESS = 0x01,
	SVACC_STATUS_PAGE_FAULT = 0x03,
	SVACC_STATUS_INVALID_OPCODE = 0x04,
	SVACC_STATUS_INVALID_FLAGS = 0x05,
	SVACC_STATUS_MISALIGNED = 0x06,
	SVACC_STATUS_ACCESS_DENIED = 0x07,
	SVACC_STATUS_BATCH_ERROR = 0x08,
	SVACC_STATUS_INVALID_SIZE = 0x09,
	SVACC_STATUS_HOLD_EXPIRED = 0x0a,
};

/** @SVACC_FAULT_WRITE: fault_info bit: the faulting access was a write */
#define SVACC_FAULT_WRITE	(1 << 0)
/** @SVACC_FAULT_READ: fault_info bit: the faulting access was a read */
#define SVACC_FAULT_READ	(1 << 1)

/**
 * struct drm_svacc_completion - 32-byte completion record
 * @status: &enum drm_svacc_status, written last by the device
 * @result: COMPARE and COMPARE_PATTERN: 0 equal, 1 different
 * @fault_info: SVACC_FAULT_* for PAGE_FAULT
 * @opcode: the descriptor's opcode
 * @bytes_completed: bytes done before a fault; BATCH: elements succeeded
 * @fault_addr: first address that could not be accessed
 * @result_value: CRC32C value, or offset of the first difference
 * @rsvd: written as 0
 */
struct drm_svacc_completion {
	__u8 status;
	__u8 result;
	__u8 fault_info;
	__u8 opcode;
	__u32 bytes_completed;
	__u64 fault_addr;
	__u64 result_value;
	__u64 rsvd;
};

/**
 * enum drm_svacc_mode - how the device translates this context's addresses
 * @SVACC_MODE_SVA: PASID + ATS + PRI through the IOMMU (shared page table)
 * @SVACC_MODE_HMM: device page table mirrored from the CPU's with HMM
 */
enum drm_svacc_mode {
	SVACC_MODE_SVA = 1,
	SVACC_MODE_HMM = 2,
};

/**
 * enum drm_svacc_mode_reason - why the device is not in SVA mode
 * @SVACC_REASON_NONE: it is in SVA mode
 * @SVACC_REASON_FORCED: the force_hmm module parameter
 * @SVACC_REASON_NO_DEVICE_CAPS: the device lacks PASID, ATS or PRI
 * @SVACC_REASON_NO_IOMMU: no IOMMU translates for the device
 * @SVACC_REASON_SVA_REFUSED: the kernel or the IOMMU driver refused to bind
 *	an address space to the device; &drm_svacc_info.mode_errno is the
 *	errno of the refusal (EOPNOTSUPP: the kernel does not offer SVA on
 *	this platform; ENODEV, EINVAL: the IOMMU cannot share page tables
 *	with this device)
 */
enum drm_svacc_mode_reason {
	SVACC_REASON_NONE = 0,
	SVACC_REASON_FORCED = 1,
	SVACC_REASON_NO_DEVICE_CAPS = 2,
	SVACC_REASON_NO_IOMMU = 3,
	SVACC_REASON_SVA_REFUSED = 4,
};

/**
 * struct drm_svacc_info - DRM_IOCTL_SVACC_GET_INFO
 * @version: device VERSION register
 * @mode: &enum drm_svacc_mode of this device
 * @mode_reason: &enum drm_svacc_mode_reason
 * @mode_errno: positive errno behind @mode_reason, or 0
 * @pasid: this context's PASID (or device context id in HMM mode)
 * @num_wqs: work queues on the device
 * @shared_wqs: bitmap of shared WQs (the others are dedicated)
 * @max_transfer_shift: log2 of the largest @size of a data operation
 * @max_batch: largest BATCH descriptor count
 * @reset_epoch: 1 + the number of device resets since the driver bound the
 *	device. A reset drops the work the device held, without records; a
 *	waiter that passes this value to DRM_IOCTL_SVACC_WAIT learns of it.
 * @ops: bitmap of supported opcodes
 */
struct drm_svacc_info {
	__u32 version;
	__u32 mode;
	__u32 mode_reason;
	__u32 mode_errno;
	__u32 pasid;
	__u32 num_wqs;
	__u32 shared_wqs;
	__u32 max_transfer_shift;
	__u32 max_batch;
	__u32 reset_epoch;
	__u64 ops;
};

/** @SVACC_WQ_ANY: let the kernel pick the shared WQ */
#define SVACC_WQ_ANY		0xffffffffu
/** @SVACC_SUBMIT_MAX: largest @count of one DRM_IOCTL_SVACC_SUBMIT */
#define SVACC_SUBMIT_MAX	64

/**
 * struct drm_svacc_submit - DRM_IOCTL_SVACC_SUBMIT (ENQCMD-style)
 * @descs: user pointer to @count &struct drm_svacc_desc
 * @count: 1..SVACC_SUBMIT_MAX
 * @wq: index of a shared WQ or of a dedicated WQ this file has claimed
 *	(&struct drm_svacc_wq_claim); SVACC_WQ_ANY: any shared WQ
 * @accepted: out: descriptors the device accepted, in order from the first
 * @flags: must be 0
 *
 * All descriptors are validated before any is submitted: a bad one fails
 * the call with -EINVAL and nothing is submitted, as does a @wq that is a
 * dedicated WQ claimed by another file, or by none. Returns 0 with
 * @accepted >= 1, or -EAGAIN when the WQ accepted none (full).
 */
struct drm_svacc_submit {
	__u64 descs;
	__u32 count;
	__u32 wq;
	__u32 accepted;
	__u32 flags;
};

/*
 * The portal of a claimed WQ, mapped with mmap() at
 * &drm_svacc_wq_claim.mmap_offset: SVACC_PORTAL_MMAP_SIZE bytes. A
 * descriptor is written as eight aligned 8-byte stores to offsets 0x00 to
 * 0x38, offset 0x38 last (the commit); the 32-bit word at
 * SVACC_PORTAL_STATUS_OFFSET then reads back the commit's status
 * (SVACC_PORTAL_STATUS_CODE: &enum drm_svacc_portal_status) and, from bit
 * SVACC_PORTAL_STATUS_COUNT_SHIFT up, the portal's commit count modulo
 * 2^16 (a device reset starts it again from 0).
 */
#define SVACC_PORTAL_MMAP_SIZE			4096
#define SVACC_PORTAL_STATUS_OFFSET		0x40
#define SVACC_PORTAL_STATUS_CODE		0xff
#define SVACC_PORTAL_STATUS_COUNT_SHIFT		16

/**
 * enum drm_svacc_portal_status - status of a portal commit
 * @SVACC_PORTAL_ACCEPTED: the descriptor is queued; its record will say
 *	how it ended
 * @SVACC_PORTAL_RETRY: the WQ was full: nothing was queued, write the
 *	descriptor again later
 * @SVACC_PORTAL_REJECTED: not queued and will not be (torn or misaligned
 *	stores, the WQ disabled or released, the device restarting)
 */
enum drm_svacc_portal_status {
	SVACC_PORTAL_ACCEPTED = 0,
	SVACC_PORTAL_RETRY = 1,
	SVACC_PORTAL_REJECTED = 2,
};

/**
 * struct drm_svacc_wq_claim - DRM_IOCTL_SVACC_WQ_CLAIM
 * @wq: in: dedicated WQ index or SVACC_WQ_ANY; out: the WQ claimed
 * @size: out: WQ depth (descriptors that fit before RETRY)
 * @mmap_offset: out: pass to mmap() to map the 4 KiB portal page
 *
 * Claims a free dedicated WQ for this context; the kernel programs the
 * context's PASID into it. Writes to the mapped portal submit directly
 * (see SVACC_PORTAL_MMAP_SIZE). Released by DRM_IOCTL_SVACC_WQ_RELEASE or
 * when the file is released.
 */
struct drm_svacc_wq_claim {
	__u32 wq;
	__u32 size;
	__u64 mmap_offset;
};

/**
 * struct drm_svacc_wq_release - DRM_IOCTL_SVACC_WQ_RELEASE
 * @wq: the claimed WQ; its portal mapping is revoked and its work drained
 * @pad: must be 0
 */
struct drm_svacc_wq_release {
	__u32 wq;
	__u32 pad;
};

/**
 * struct drm_svacc_wait - DRM_IOCTL_SVACC_WAIT
 * @completion_addr: user pointer to a 32-byte aligned &struct drm_svacc_completion
 * @timeout_ns: relative timeout; 0 only checks
 * @status: out: the record's status when it became non-zero
 * @reset_epoch: 0, or &drm_svacc_info.reset_epoch as read before the
 *	descriptor was submitted
 *
 * Sleeps until the record's status is non-zero (woken by completion
 * interrupts: submit with SVACC_DESC_F_RCI), -ETIME after @timeout_ns,
 * -EINTR on a signal, -ECANCELED when @reset_epoch is given and the device
 * was reset since: a descriptor the device accepted before that reset was
 * dropped and its record will never be written (one whose submission
 * raced the reset may still complete), -EIO when the device failed (no
 * record is written until it is back). Success also consumes the poll()
 * readiness of the file (see Documentation/accel/svacc/uapi.rst).
 */
struct drm_svacc_wait {
	__u64 completion_addr;
	__s64 timeout_ns;
	__u32 status;
	__u32 reset_epoch;
};

/**
 * struct drm_svacc_counters - DRM_IOCTL_SVACC_GET_COUNTERS
 * @desc_completed: device: descriptors completed
 * @bytes: device: bytes processed
 * @ats_req: device: ATS translation requests
 * @atc_hit: device: ATC hits
 * @atc_miss: device: ATC misses
 * @page_req: device: PRI page requests issued
 * @prg: device: PRI page request groups issued
 * @dev_fault: device: fault records written (device page table mode)
 * @devtlb_inv: device: device-TLB invalidations
 * @atc_inv: device: ATC invalidations received
 * @devtlb_hit: device: device-TLB hits
 * @devtlb_miss: device: device-TLB misses
 * @errors: device: completions with an error status
 * @swerrs: device: software errors logged
 * @hmm_faults: driver: device faults resolved with HMM
 * @hmm_fault_batches: driver: fault-queue batches handled
 * @hmm_pages_mapped: driver: device PTEs written by fault handling
 * @hmm_invalidations: driver: mmu notifier invalidations applied
 * @hmm_huge_mappings: driver: 2 MiB device mappings created
 * @hmm_pt_pages: driver: device page-table pages in use now, all contexts
 *
 * Device-wide counts since the driver bound the device. They describe
 * every user's work, so the ioctl needs CAP_PERFMON (or CAP_SYS_ADMIN)
 * and fails with -EACCES without it.
 */
struct drm_svacc_counters {
	__u64 desc_completed;
	__u64 bytes;
	__u64 ats_req;
	__u64 atc_hit;
	__u64 atc_miss;
	__u64 page_req;
	__u64 prg;
	__u64 dev_fault;
	__u64 devtlb_inv;
	__u64 atc_inv;
	__u64 devtlb_hit;
	__u64 devtlb_miss;
	__u64 errors;
	__u64 swerrs;
	__u64 hmm_faults;
	__u64 hmm_fault_batches;
	__u64 hmm_pages_mapped;
	__u64 hmm_invalidations;
	__u64 hmm_huge_mappings;
	__u64 hmm_pt_pages;
};

#define DRM_SVACC_GET_INFO		0x00
#define DRM_SVACC_SUBMIT		0x01
#define DRM_SVACC_WQ_CLAIM		0x02
#define DRM_SVACC_WQ_RELEASE		0x03
#define DRM_SVACC_WAIT			0x04
#define DRM_SVACC_GET_COUNTERS		0x05

#define DRM_IOCTL_SVACC_GET_INFO \
	DRM_IOR(DRM_COMMAND_BASE + DRM_SVACC_GET_INFO, struct drm_svacc_info)
#define DRM_IOCTL_SVACC_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVACC_SUBMIT, struct drm_svacc_submit)
#define DRM_IOCTL_SVACC_WQ_CLAIM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVACC_WQ_CLAIM, struct drm_svacc_wq_claim)
#define DRM_IOCTL_SVACC_WQ_RELEASE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_SVACC_WQ_RELEASE, struct drm_svacc_wq_release)
#define DRM_IOCTL_SVACC_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVACC_WAIT, struct drm_svacc_wait)
#define DRM_IOCTL_SVACC_GET_COUNTERS \
	DRM_IOR(DRM_COMMAND_BASE + DRM_SVACC_GET_COUNTERS, struct drm_svacc_counters)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_SVACC_ACCEL_H_ */
