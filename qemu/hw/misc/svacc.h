/*
 * svacc: shared-virtual-addressing PCI accelerator, internal interfaces
 *
 * svacc.c         PCI device, registers, portals, commands, reset
 * svacc-engine.c  descriptor execution (work queues, ops, records)
 * svacc-xlate.c   address translation (ATC + PRI, device page table)
 *
 * Everything runs with the BQL held: MMIO handlers, the engine bottom
 * half, timers and the IOMMU's PRI / IOTLB notifiers.  The one exception
 * is the bulk of a MEMMOVE: the engine translates and maps a run of
 * segments under the BQL, marks its job busy, drops the BQL for the
 * memmove() and takes it back (svacc-engine.c).  Copies of different jobs
 * thus run in parallel, on the submitting vCPUs and in the bottom half.
 * svacc_dma_fence() waits for such copies; it is called, under the BQL,
 * before anything that removes a translation or a job (ATC and device-TLB
 * invalidation, job free, reset, bus master off), so an invalidation that
 * returns still has no access in flight that used the removed
 * translation.  A job is only ever run by one thread (SvaccJob.busy).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_SVACC_H
#define HW_MISC_SVACC_H

#include "hw/pci/pci_device.h"
#include "hw/misc/svacc_regs.h"
#include "qemu/timer.h"
#include "qemu/thread.h"

#define TYPE_SVACC "svacc"
OBJECT_DECLARE_SIMPLE_TYPE(SvaccState, SVACC)

#define SVACC_MAX_WQS           16
#define SVACC_MAX_XFER_LOG2     31
#define SVACC_MAX_BATCH         1024
#define SVACC_MAX_PRG_INFLIGHT  16
#define SVACC_NUM_PRGI          (PCI_PRI_PRGI_MASK + 1)
#define SVACC_PAGE_SIZE         4096ull
#define SVACC_PAGE_MASK         (~(SVACC_PAGE_SIZE - 1))

/* Parsed descriptor */
typedef struct SvaccDesc {
    uint8_t raw[SVACC_DESC_SIZE];
    uint32_t pasid_priv;
    uint8_t opcode;
    uint16_t flags;
    uint64_t compl_addr;
    uint64_t src;
    uint64_t dst;
    uint32_t size;
    uint64_t op0;
} SvaccDesc;

/* A descriptor waiting in a WQ */
typedef struct SvaccQueued {
    uint8_t raw[SVACC_DESC_SIZE];
    uint64_t seq;
    uint32_t pasid;
    bool priv;
} SvaccQueued;

/* Execution state of one descriptor (a top-level one or a batch element) */
typedef struct SvaccOp {
    SvaccDesc d;
    bool started;
    bool executed;          /* op finished, record/interrupt pending */
    bool overlap;           /* MEMMOVE with dst inside src: descending */
    uint8_t status;
    uint8_t result;
    uint8_t fault_info;
    uint32_t bytes_completed;
    uint64_t fault_addr;
    uint64_t result_value;
    uint64_t done;          /* bytes processed so far */
    uint64_t probe;         /* overlap MEMMOVE: bytes pre-translated */
    uint32_t crc;
    bool counted;
} SvaccOp;

typedef enum SvaccPark {
    SVACC_PARK_NONE,
    SVACC_PARK_STALL,       /* x-inject-stall-us timer */
    SVACC_PARK_DRAIN,       /* DRAIN op waiting for older descriptors */
    SVACC_PARK_FAULT,       /* DEVPT fault record written, FAULT_RESP due */
    SVACC_PARK_PRI,         /* page request group(s) in flight */
    SVACC_PARK_PRI_SEND,    /* waiting for PRI budget / -ENOSPC back-off */
} SvaccPark;

typedef enum SvaccPrgState {
    SVACC_PRG_FREE,
    SVACC_PRG_SENDING,      /* not every request of the group queued yet */
    SVACC_PRG_WAITING,      /* last request sent, response outstanding */
    SVACC_PRG_OK,
    SVACC_PRG_FAILED,
} SvaccPrgState;

typedef struct SvaccJob SvaccJob;

/* One page request group */
typedef struct SvaccPrg {
    SvaccPrgState state;
    uint16_t prgi;
    uint32_t pasid;
    bool priv;
    bool write;
    uint64_t va;            /* first page */
    uint32_t npages;
    uint32_t sent;
    SvaccJob *job;          /* NULL once the owner is gone */
} SvaccPrg;

struct SvaccJob {
    int wq;
    bool busy;              /* a thread copies for it without the BQL */
    uint64_t seq;
    uint32_t pasid;
    bool priv;
    bool shared;            /* PASID_PRIV came from the descriptor */
    int64_t stall_until;
    SvaccOp top;
    /* BATCH */
    bool elem_active;
    uint32_t bidx;
    uint32_t bok;
    SvaccOp elem;
    /* parking */
    SvaccPark park;
    uint16_t fault_id;
    uint64_t fault_va;
    bool fault_write;
    bool fail_armed;        /* next translation of fault_va fails */
    /* WQCFG2.FAULT_HOLD: time spent parked on faults, and whether spent */
    bool hold_clock;        /* parked on a fault since hold_since */
    bool hold_spent;        /* missing translations now fault at once */
    bool hold_record;       /* spent once; the records got a second hold */
    int64_t hold_since;
    int64_t hold_used_ns;
    int pri_retries;
    uint64_t pri_narrow_end;    /* below this, ask for one page per group */
    SvaccPrg *prg[SVACC_MAX_PRG_INFLIGHT];
};

typedef struct SvaccWQ {
    uint32_t cfg0;
    uint32_t cfg1;
    uint32_t cfg2;
    uint32_t err;
    bool enabled;
    bool disabling;         /* DISABLE_WQ in progress: accept nothing */
    SvaccQueued *ring;
    uint32_t ring_size;
    uint32_t head;
    uint32_t count;         /* queued, not counting the job */
    SvaccJob *job;
} SvaccWQ;

typedef struct SvaccPortal {
    uint8_t staging[SVACC_DESC_SIZE];
    uint8_t mask;
    uint8_t status;
    uint16_t count;
} SvaccPortal;

/* ATC entry (ATS mode) / device-TLB entry (DEVPT mode) */
typedef struct SvaccTlbEntry {
    bool valid;
    bool priv;
    bool write;
    bool read;
    uint32_t pasid;
    uint64_t mask;          /* size - 1: 4 KiB, or a large page */
    uint64_t va;            /* aligned to the entry's size */
    uint64_t pa;
} SvaccTlbEntry;

/* Per-PASID registrations with the IOMMU (kept until unrealize) */
typedef struct SvaccPasidState {
    SvaccState *s;
    uint32_t pasid;
    bool pri_registered;
    bool iotlb_registered;
    IOMMUPRINotifier pri_notifier;
    IOMMUNotifier iotlb_notifier;
} SvaccPasidState;

/* A PRI response held back by x-inject-pri-delay-us */
typedef struct SvaccPriDelayed {
    int64_t deadline;
    uint32_t pasid;
    IOMMUPRIResponse resp;
} SvaccPriDelayed;

struct SvaccState {
    PCIDevice parent_obj;

    MemoryRegion regs;
    MemoryRegion portals;
    MemoryRegion msix;
    QEMUBH *bh;
    QEMUTimer *stall_timer;
    QEMUTimer *hold_timer;
    QEMUTimer *pri_retry_timer;
    QEMUTimer *pri_delay_timer;
    int64_t pri_backoff_ns;

    /* properties */
    bool prop_pasid;
    bool prop_ats;
    bool prop_pri;
    bool prop_aer;
    uint8_t pasid_width;
    uint32_t num_wqs;
    uint32_t total_depth;
    uint32_t atc_entries;
    uint32_t devtlb_entries;
    uint32_t prg_pages;
    uint32_t prg_inflight;
    uint32_t inject_pri_fail;
    uint32_t inject_pri_delay_us;
    uint32_t inject_drop_irq;
    uint32_t inject_stall_us;
    uint32_t inject_copy_delay_us;
    /* x-inject-enable-fail: settable at run time (qom-set) */
    bool inject_enable_fail;
    uint32_t inline_bytes;

    /* registers */
    uint32_t genctrl;
    uint32_t gensts;
    uint32_t intcause;
    uint32_t intmask;
    uint64_t swerr[4];
    uint32_t cmdsts;
    uint64_t cmdarg;
    uint64_t fq_base;
    uint32_t fq_size;
    uint32_t fq_head;
    uint32_t fq_tail;
    uint32_t fq_ctl;
    uint32_t inv_pasid;
    uint64_t inv_addr;
    uint64_t inv_pages;
    uint64_t ctx_base;
    uint32_t ctx_size;
    uint32_t prs_pasid;
    uint64_t counters[SVACC_CNT_NUM];

    /* copies in flight without the BQL (svacc_dma_fence) */
    QemuMutex dma_lock;
    QemuCond dma_cond;
    unsigned dma_inflight;
    bool unrealized;

    /* pending asynchronous command */
    bool cmd_pending;
    uint8_t cmd;
    uint64_t cmd_seq;

    SvaccWQ wq[SVACC_MAX_WQS];
    SvaccPortal portal[SVACC_MAX_WQS][2];
    uint64_t next_seq;
    unsigned rr_next;
    uint16_t next_fault_id;
    uint64_t irq_count;

    SvaccTlbEntry *atc;
    unsigned atc_next;
    SvaccTlbEntry *devtlb;
    unsigned devtlb_next;

    /* PRI */
    SvaccPrg prg[SVACC_NUM_PRGI];
    unsigned prgi_next;
    uint32_t pri_outstanding;
    bool pri_failed;
    bool pri_was_enabled;
    uint64_t pri_resp_count;
    GHashTable *pasids;     /* pasid -> SvaccPasidState */
    GQueue pri_delayed;     /* SvaccPriDelayed, in deadline order */
};

/*
 * svacc-core.c: the device as a whole, called by every other part and
 * calling none of them
 */
bool svacc_enabled(SvaccState *s);
uint32_t svacc_pasid_limit(SvaccState *s);
unsigned svacc_mode(SvaccState *s);
AddressSpace *svacc_data_as(SvaccState *s);
void svacc_raise_cause(SvaccState *s, uint32_t cause);
void svacc_log_swerr(SvaccState *s, uint8_t code, int wq, uint8_t opcode,
                     uint32_t pasid, bool priv, uint64_t info1,
                     uint64_t info2, uint64_t info3);
void svacc_cmd_done(SvaccState *s, uint8_t result);
void svacc_portals_clear(SvaccState *s, unsigned n);
void svacc_dma_fence(SvaccState *s);
void svacc_engine_kick(SvaccState *s);
void svacc_halt(SvaccState *s, uint8_t reason);

/* svacc-engine.c: the only writer of a job's park state */
void svacc_engine_resume(SvaccState *s);
void svacc_engine_bh(void *opaque);
void svacc_engine_submitted(SvaccState *s);
void svacc_engine_stall_timer(void *opaque);
void svacc_engine_hold_timer(void *opaque);
void svacc_engine_fault_answered(SvaccState *s, uint16_t fault_id, bool fail);
void svacc_engine_pri_answered(SvaccState *s);
void svacc_check_commands(SvaccState *s);
bool svacc_in_engine(void);
void svacc_job_free(SvaccState *s, SvaccJob *job);
void svacc_wq_flush(SvaccState *s, int n);
bool svacc_wq_submit(SvaccState *s, int n, const uint8_t *raw, uint8_t *st);
void svacc_abort_pasid(SvaccState *s, uint32_t pasid);
bool svacc_pasid_busy(SvaccState *s, uint32_t pasid, uint64_t before_seq,
                      const SvaccJob *except);
void svacc_desc_parse(SvaccDesc *d, const uint8_t *raw);

/* svacc-xlate.c */
typedef enum SvaccXlate {
    SVACC_XLATE_OK,
    SVACC_XLATE_PARK_FAULT, /* fault record written: park for FAULT_RESP */
    SVACC_XLATE_PARK_PRI,   /* page request group(s) sent: park for them */
    SVACC_XLATE_PARK_PRI_SEND, /* no PRI budget now: park for a response */
    SVACC_XLATE_FAULT,      /* complete with PAGE_FAULT */
    SVACC_XLATE_DENIED,     /* complete with ACCESS_DENIED */
    SVACC_XLATE_HALT,       /* device halted */
    SVACC_XLATE_STOP,       /* bus mastering off: retry later */
} SvaccXlate;

SvaccXlate svacc_translate(SvaccState *s, SvaccJob *job, uint64_t va,
                           uint64_t stream_end, bool write, bool bof,
                           hwaddr *pa, uint64_t *len);
SvaccXlate svacc_check_context(SvaccState *s, uint32_t pasid, bool priv);
void svacc_xlate_reset(SvaccState *s);
void svacc_xlate_init(SvaccState *s);
void svacc_xlate_exit(SvaccState *s);
void svacc_devtlb_invalidate(SvaccState *s);
void svacc_job_release_prgs(SvaccState *s, SvaccJob *job);
void svacc_job_forget_answers(SvaccState *s, SvaccJob *job);
uint32_t svacc_pasid_prgs_pending(SvaccState *s, uint32_t pasid);
void svacc_pri_retry_timer(void *opaque);
void svacc_pri_config_changed(SvaccState *s);
void svacc_fault_resp(SvaccState *s, uint32_t val);

#endif
