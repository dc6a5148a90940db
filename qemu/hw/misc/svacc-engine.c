/*
 * svacc: descriptor execution engine
 *
 * A bottom half runs the work queues.  Each WQ executes at most one
 * descriptor (a "job") at a time; a job is a resumable state machine that
 * processes its buffers a page at a time, so it can be sliced (bounded work
 * per bottom-half run) and parked while a translation is being resolved
 * (PRI response, FAULT_RESP write).  Parked jobs never hold anything: when
 * they resume they simply redo the translation that stopped them.
 *
 * The engine runs in the bottom half and, right after a submission, in the
 * submitting vCPU's thread; work a vCPU unparks (a fault response) runs in
 * that vCPU's thread too, once it leaves the access.  A MEMMOVE copies
 * runs of up to SVACC_RUN_SEGS translated segments with the BQL dropped,
 * so that the copies of different jobs proceed in parallel (svacc.h has
 * the locking rules).
 *
 * Copyright (c) 2026 The svacc authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/crc32c.h"
#include "qemu/main-loop.h"
#include "hw/core/cpu.h"
#include "hw/pci/pci.h"
#include "hw/pci/msix.h"
#include "system/dma.h"
#include "svacc.h"
#include "trace.h"

/* Data processed per bottom-half run before yielding to the main loop */
#define SVACC_SLICE_BYTES   (4 * MiB)
/* Cost charged for a descriptor without data, and for a probed page */
#define SVACC_DESC_COST     256
/* Segments of a MEMMOVE translated and mapped before one copy run */
#define SVACC_RUN_SEGS      64
/* A shorter run is copied under the BQL: dropping it costs more */
#define SVACC_RUN_MIN       (16 * KiB)

typedef enum SvaccStep {
    SVACC_STEP_DONE,        /* op finished, record and interrupt done */
    SVACC_STEP_PARKED,      /* waiting on something else */
    SVACC_STEP_YIELD,       /* slice used up */
    SVACC_STEP_STOP,        /* engine cannot run (halt, bus mastering off) */
    SVACC_STEP_GONE,        /* job freed while its copy ran unlocked */
} SvaccStep;

/* Set while this thread runs the engine: its DMA must not re-enter it */
static __thread unsigned svacc_engine_depth;
/* Set while the engine runs at submission, in a vCPU thread */
static __thread bool svacc_engine_inline;

bool svacc_in_engine(void)
{
    return svacc_engine_depth;
}

void svacc_desc_parse(SvaccDesc *d, const uint8_t *raw)
{
    memcpy(d->raw, raw, SVACC_DESC_SIZE);
    d->pasid_priv = ldl_le_p(raw + SVACC_DESC_PASID_PRIV);
    d->opcode = raw[SVACC_DESC_OPCODE];
    d->flags = lduw_le_p(raw + SVACC_DESC_FLAGS);
    d->compl_addr = ldq_le_p(raw + SVACC_DESC_COMPL_ADDR);
    d->src = ldq_le_p(raw + SVACC_DESC_SRC);
    d->dst = ldq_le_p(raw + SVACC_DESC_DST);
    d->size = ldl_le_p(raw + SVACC_DESC_XFER_SIZE);
    d->op0 = ldq_le_p(raw + SVACC_DESC_OP0);
}

static void svacc_engine_resume_work(CPUState *cpu, run_on_cpu_data data)
{
    SvaccState *s = data.host_ptr;

    svacc_engine_submitted(s);
    object_unref(OBJECT(s));
}

/*
 * Parked work became runnable in a vCPU thread (a FAULT_RESP write, the
 * response to a page request group): run it in that thread as soon as it
 * leaves the current access, as a submission would, rather than waking
 * the main loop's thread for it.  Elsewhere (timers) the bottom half, and
 * always with x-inject-copy-delay-us, whose delay is for background runs.
 */
void svacc_engine_resume(SvaccState *s)
{
    if (current_cpu && s->inline_bytes && !s->inject_copy_delay_us) {
        object_ref(OBJECT(s));
        async_run_on_cpu(current_cpu, svacc_engine_resume_work,
                         RUN_ON_CPU_HOST_PTR(s));
        return;
    }
    svacc_engine_kick(s);
}

void svacc_job_free(SvaccState *s, SvaccJob *job)
{
    /* freed under a thread copying for it (abort, disable, reset)? */
    if (job->busy) {
        svacc_dma_fence(s);
    }
    svacc_job_release_prgs(s, job);
    g_free(job);
}

/* Drop everything queued or executing in WQ n, without records. */
void svacc_wq_flush(SvaccState *s, int n)
{
    SvaccWQ *wq = &s->wq[n];

    if (wq->job) {
        svacc_job_free(s, wq->job);
        wq->job = NULL;
    }
    wq->head = 0;
    wq->count = 0;
}

/* ---------------------------------------------------------------------- */
/* FAULT_HOLD */

/* The FAULT_HOLD of @job's WQ, in ns; 0: no limit */
static int64_t svacc_hold_limit_ns(SvaccState *s, const SvaccJob *job)
{
    return (int64_t)(s->wq[job->wq].cfg2 & SVACC_WQCFG2_FAULT_HOLD_MASK) *
           SCALE_MS;
}

/* Parked on a fault, or a DRAIN on older descriptors: FAULT_HOLD applies */
static bool svacc_parked_held(const SvaccJob *job)
{
    return job->park == SVACC_PARK_FAULT || job->park == SVACC_PARK_PRI ||
           job->park == SVACC_PARK_PRI_SEND || job->park == SVACC_PARK_DRAIN;
}

/*
 * @job is parked on a fault or a drain, or a descriptor was queued behind
 * it: under a FAULT_HOLD its clock runs while both are true (until it runs
 * again), for the hold bounds how long it keeps others waiting.
 */
static void svacc_job_hold_start(SvaccState *s, SvaccJob *job)
{
    int64_t limit = svacc_hold_limit_ns(s, job), deadline;

    if (!limit || job->hold_clock || job->hold_spent ||
        !svacc_parked_held(job) || !s->wq[job->wq].count) {
        return;
    }
    job->hold_clock = true;
    job->hold_since = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    deadline = job->hold_since + limit - job->hold_used_ns;
    if (!timer_pending(s->hold_timer) ||
        timer_expire_time_ns(s->hold_timer) > deadline) {
        timer_mod(s->hold_timer, deadline);
    }
}

/* @job runs again: stop its FAULT_HOLD clock */
static void svacc_job_hold_stop(SvaccJob *job)
{
    if (job->hold_clock) {
        job->hold_used_ns += qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) -
                             job->hold_since;
        job->hold_clock = false;
    }
}

bool svacc_wq_submit(SvaccState *s, int n, const uint8_t *raw, uint8_t *st)
{
    SvaccWQ *wq = &s->wq[n];
    SvaccQueued *q;
    uint32_t pp;

    if (wq->count + (wq->job ? 1 : 0) >= wq->ring_size) {
        *st = SVACC_SUBMIT_RETRY;
        trace_svacc_submit(n, raw[SVACC_DESC_OPCODE], 0, *st);
        return false;
    }
    q = &wq->ring[(wq->head + wq->count) % wq->ring_size];
    memcpy(q->raw, raw, SVACC_DESC_SIZE);
    q->seq = s->next_seq++;
    if (wq->cfg0 & SVACC_WQCFG0_DEDICATED) {
        q->pasid = wq->cfg1 & SVACC_WQCFG1_PASID_MASK;
        q->priv = wq->cfg1 & SVACC_WQCFG1_PRIV;
    } else {
        pp = ldl_le_p(raw + SVACC_DESC_PASID_PRIV);
        q->pasid = pp & SVACC_DESC_PASID_MASK;
        q->priv = pp & SVACC_DESC_PRIV;
    }
    wq->count++;
    if (wq->job) {
        svacc_job_hold_start(s, wq->job);
    }
    *st = SVACC_SUBMIT_ACCEPTED;
    trace_svacc_submit(n, raw[SVACC_DESC_OPCODE], q->pasid, *st);
    /* no kick: the caller runs the engine, svacc_engine_submitted() */
    return true;
}

/* Is a descriptor with @pasid accepted before @before_seq still pending? */
bool svacc_pasid_busy(SvaccState *s, uint32_t pasid, uint64_t before_seq,
                      const SvaccJob *except)
{
    int n;
    uint32_t i;

    for (n = 0; n < s->num_wqs; n++) {
        SvaccWQ *wq = &s->wq[n];

        if (wq->job && wq->job != except && wq->job->pasid == pasid &&
            wq->job->seq < before_seq) {
            return true;
        }
        for (i = 0; i < wq->count; i++) {
            SvaccQueued *q = &wq->ring[(wq->head + i) % wq->ring_size];

            if (q->pasid == pasid && q->seq < before_seq) {
                return true;
            }
        }
    }
    return false;
}

void svacc_abort_pasid(SvaccState *s, uint32_t pasid)
{
    int n;
    uint32_t i, kept;

    for (n = 0; n < s->num_wqs; n++) {
        SvaccWQ *wq = &s->wq[n];

        if (wq->job && wq->job->pasid == pasid) {
            svacc_job_free(s, wq->job);
            wq->job = NULL;
        }
        kept = 0;
        for (i = 0; i < wq->count; i++) {
            SvaccQueued *q = &wq->ring[(wq->head + i) % wq->ring_size];

            if (q->pasid != pasid) {
                wq->ring[(wq->head + kept) % wq->ring_size] = *q;
                kept++;
            }
        }
        wq->count = kept;
    }
}

/*
 * The driver answered fault record @fault_id (FAULT_RESP): the job parked
 * on it translates again, and fails the access at once if @fail.
 */
void svacc_engine_fault_answered(SvaccState *s, uint16_t fault_id, bool fail)
{
    int n;

    for (n = 0; n < s->num_wqs; n++) {
        SvaccJob *job = s->wq[n].job;

        if (job && job->park == SVACC_PARK_FAULT && job->fault_id == fault_id) {
            job->park = SVACC_PARK_NONE;
            job->fail_armed = fail;
            svacc_engine_resume(s);
            return;
        }
    }
}

/*
 * A page request group was answered, or gave its PRI budget back: every
 * job parked on page requests translates again.
 */
void svacc_engine_pri_answered(SvaccState *s)
{
    int n;

    for (n = 0; n < s->num_wqs; n++) {
        SvaccJob *job = s->wq[n].job;

        if (job && (job->park == SVACC_PARK_PRI ||
                    job->park == SVACC_PARK_PRI_SEND)) {
            job->park = SVACC_PARK_NONE;
        }
    }
    svacc_engine_resume(s);
}

/*
 * Called whenever work completes: finishes a command that waits for the
 * engine's work (DISABLE_WQ, DRAIN_WQ, DRAIN_PASID) if it can.
 */
void svacc_check_commands(SvaccState *s)
{
    unsigned n = s->cmdarg & 0xff;
    SvaccWQ *wq = &s->wq[n < SVACC_MAX_WQS ? n : 0];

    if (!s->cmd_pending) {
        return;
    }
    switch (s->cmd) {
    case SVACC_CMD_DISABLE_WQ:
        if (!wq->job && !wq->count) {
            svacc_wq_flush(s, n);
            wq->enabled = false;
            wq->disabling = false;
            svacc_portals_clear(s, n);
            svacc_cmd_done(s, SVACC_CMDSTS_SUCCESS);
        }
        break;
    case SVACC_CMD_DRAIN_WQ:
        if ((!wq->job || wq->job->seq >= s->cmd_seq) &&
            (!wq->count || wq->ring[wq->head].seq >= s->cmd_seq)) {
            svacc_cmd_done(s, SVACC_CMDSTS_SUCCESS);
        }
        break;
    case SVACC_CMD_DRAIN_PASID:
        if (!svacc_pasid_busy(s, s->cmdarg & SVACC_DESC_PASID_MASK,
                              s->cmd_seq, NULL)) {
            svacc_cmd_done(s, SVACC_CMDSTS_SUCCESS);
        }
        break;
    default:
        g_assert_not_reached();
    }
}

void svacc_engine_stall_timer(void *opaque)
{
    SvaccState *s = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t next = INT64_MAX;
    int n;

    for (n = 0; n < s->num_wqs; n++) {
        SvaccJob *job = s->wq[n].job;

        if (job && job->park == SVACC_PARK_STALL) {
            if (job->stall_until <= now) {
                job->park = SVACC_PARK_NONE;
            } else {
                next = MIN(next, job->stall_until);
            }
        }
    }
    if (next != INT64_MAX) {
        timer_mod(s->stall_timer, next);
    }
    svacc_engine_kick(s);
}

/* ---------------------------------------------------------------------- */
/* Data movement on translated (guest-physical or bus) addresses */

static void svacc_copy(SvaccState *s, hwaddr spa, hwaddr dpa, uint64_t n)
{
    AddressSpace *as = svacc_data_as(s);
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;

    while (n) {
        hwaddr l1 = n, l2 = n, l;
        void *sp = address_space_map(as, spa, &l1, false, attrs);
        void *dp = sp ? address_space_map(as, dpa, &l2, true, attrs) : NULL;

        if (sp && dp) {
            l = MIN(l1, l2);
            memmove(dp, sp, l);
            address_space_unmap(as, dp, l2, true, l);
            address_space_unmap(as, sp, l1, false, l);
        } else {
            uint8_t buf[SVACC_PAGE_SIZE];

            if (sp) {
                address_space_unmap(as, sp, l1, false, 0);
            }
            l = MIN(n, sizeof(buf));
            address_space_read(as, spa, attrs, buf, l);
            address_space_write(as, dpa, attrs, buf, l);
        }
        spa += l;
        dpa += l;
        n -= l;
    }
}

static void svacc_pattern(uint8_t *buf, size_t len, uint64_t pattern,
                          uint64_t phase)
{
    size_t i;

    for (i = 0; i < len; i++) {
        buf[i] = pattern >> (8 * ((phase + i) & 7));
    }
}

/* ---------------------------------------------------------------------- */
/* Descriptor execution */

static void svacc_op_finish(SvaccOp *op, uint8_t status)
{
    op->status = status;
    op->executed = true;
}

static void svacc_op_fault(SvaccOp *op, uint64_t va, bool write,
                           uint64_t done)
{
    op->fault_addr = va;
    op->fault_info = write ? SVACC_FAULT_INFO_W : SVACC_FAULT_INFO_R;
    op->bytes_completed = done;
    if (op->d.opcode == SVACC_OP_CRC32C) {
        op->result_value = op->crc;
    }
    svacc_op_finish(op, SVACC_STATUS_PAGE_FAULT);
}

/* A translation parked @job: what it waits for */
static void svacc_job_park(SvaccState *s, SvaccJob *job, SvaccXlate why)
{
    switch (why) {
    case SVACC_XLATE_PARK_FAULT:
        job->park = SVACC_PARK_FAULT;
        break;
    case SVACC_XLATE_PARK_PRI:
        job->park = SVACC_PARK_PRI;
        break;
    default:
        job->park = SVACC_PARK_PRI_SEND;
        break;
    }
    svacc_job_hold_start(s, job);
}

/*
 * FAULT_HOLD: a job whose waits for faults (or a DRAIN's for older
 * descriptors), while descriptors wait behind it, add up to its WQ's limit
 * stops waiting.  It runs again as if BOF were clear, so the translation it
 * waited for (and any later one that is missing) ends it with PAGE_FAULT at
 * that address; the answer it waited for is ignored when it comes (the
 * fault id is retired with the park, page request groups are the job's no
 * longer once it is freed).  A DRAIN ends with HOLD_EXPIRED.
 */
void svacc_engine_hold_timer(void *opaque)
{
    SvaccState *s = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t next = INT64_MAX, deadline;
    bool kick = false;
    int n;

    for (n = 0; n < s->num_wqs; n++) {
        SvaccJob *job = s->wq[n].job;

        if (!job || !job->hold_clock || !svacc_parked_held(job)) {
            continue;
        }
        deadline = job->hold_since + svacc_hold_limit_ns(s, job) -
                   job->hold_used_ns;
        if (deadline > now) {
            next = MIN(next, deadline);
            continue;
        }
        svacc_job_hold_stop(job);
        job->hold_spent = true;
        job->park = SVACC_PARK_NONE;
        s->counters[SVACC_CNT_FAULT_HOLD]++;
        trace_svacc_fault_hold(n, job->pasid, job->hold_used_ns);
        kick = true;
    }
    if (next != INT64_MAX) {
        timer_mod(s->hold_timer, next);
    }
    if (kick) {
        svacc_engine_kick(s);
    }
}

/*
 * Translate one access of @op.  Returns true with *pa / *len when the
 * access can go ahead; otherwise the op is finished (fault, denied) or
 * *step says why the job cannot continue.
 */
static bool svacc_op_xlate(SvaccState *s, SvaccJob *job, SvaccOp *op,
                           uint64_t va, uint64_t end, bool write,
                           hwaddr *pa, uint64_t *len, SvaccStep *step)
{
    bool bof = (op->d.flags & SVACC_FLAG_BOF) && !job->hold_spent;
    uint64_t done = op->overlap ? 0 : op->done;
    SvaccXlate x = svacc_translate(s, job, va, end, write, bof, pa, len);

    switch (x) {
    case SVACC_XLATE_OK:
        return true;
    case SVACC_XLATE_PARK_FAULT:
    case SVACC_XLATE_PARK_PRI:
    case SVACC_XLATE_PARK_PRI_SEND:
        svacc_job_park(s, job, x);
        *step = SVACC_STEP_PARKED;
        return false;
    case SVACC_XLATE_FAULT:
        svacc_op_fault(op, va, write, done);
        break;
    case SVACC_XLATE_DENIED:
        svacc_op_finish(op, SVACC_STATUS_ACCESS_DENIED);
        break;
    case SVACC_XLATE_HALT:
    case SVACC_XLATE_STOP:
        *step = SVACC_STEP_STOP;
        return false;
    }
    *step = SVACC_STEP_DONE;
    return false;
}

static bool svacc_desc_rsvd(const SvaccDesc *d, bool check_pp)
{
    if ((d->flags & SVACC_FLAG_RSVD) || d->raw[5] ||
        ldl_le_p(d->raw + 0x24) || ldq_le_p(d->raw + 0x30) ||
        ldq_le_p(d->raw + 0x38)) {
        return true;
    }
    return check_pp && (d->pasid_priv & SVACC_DESC_PP_RSVD);
}

/* Static checks, then the address space.  Returns false if halted. */
static bool svacc_op_start(SvaccState *s, SvaccJob *job, SvaccOp *op,
                           bool elem)
{
    SvaccDesc *d = &op->d;

    op->started = true;
    if (d->opcode >= SVACC_OP_NUM ||
        (elem && (d->opcode == SVACC_OP_BATCH ||
                  d->opcode == SVACC_OP_DRAIN))) {
        svacc_op_finish(op, SVACC_STATUS_INVALID_OPCODE);
        return true;
    }
    if (svacc_desc_rsvd(d, job->shared && !elem)) {
        svacc_op_finish(op, SVACC_STATUS_INVALID_FLAGS);
        return true;
    }
    if (d->opcode == SVACC_OP_BATCH) {
        if (!d->size || d->size > SVACC_MAX_BATCH) {
            svacc_op_finish(op, SVACC_STATUS_INVALID_SIZE);
            return true;
        }
        if (d->src & (SVACC_DESC_SIZE - 1)) {
            svacc_op_finish(op, SVACC_STATUS_MISALIGNED);
            return true;
        }
    } else if (d->opcode >= SVACC_OP_MEMMOVE &&
               d->size > (1ull << SVACC_MAX_XFER_LOG2)) {
        svacc_op_finish(op, SVACC_STATUS_INVALID_SIZE);
        return true;
    }
    switch (svacc_check_context(s, job->pasid, job->priv)) {
    case SVACC_XLATE_OK:
        break;
    case SVACC_XLATE_HALT:
        return false;
    default:
        svacc_op_finish(op, SVACC_STATUS_ACCESS_DENIED);
        return true;
    }
    op->crc = d->op0;
    op->overlap = d->opcode == SVACC_OP_MEMMOVE && d->dst > d->src &&
                  d->dst < d->src + d->size;
    return true;
}

/* One translated, mapped piece of a copy run */
typedef struct SvaccSeg {
    void *sp;
    void *dp;
    hwaddr sl;              /* mapped lengths, for the unmap */
    hwaddr dl;
    uint64_t n;
} SvaccSeg;

/*
 * Copy a run of mapped segments of @job, without the BQL if the run is
 * long enough, then unmap them.  Returns false if the job was freed in the
 * meantime (abort, disable, reset): the caller must not touch it.
 */
static bool svacc_copy_run(SvaccState *s, SvaccJob *job, AddressSpace *as,
                           SvaccSeg *seg, int nseg, uint64_t total)
{
    SvaccWQ *wq = &s->wq[job->wq];
    uint64_t seq = job->seq;
    bool unlocked = total >= SVACC_RUN_MIN;
    bool alive = true;
    int i;

    if (unlocked) {
        job->busy = true;
        qemu_mutex_lock(&s->dma_lock);
        s->dma_inflight++;
        qemu_mutex_unlock(&s->dma_lock);
        bql_unlock();
        if (s->inject_copy_delay_us && !svacc_engine_inline) {
            /* a slow engine: invalidations meet this run in flight */
            g_usleep(s->inject_copy_delay_us);
        }
    }
    for (i = 0; i < nseg; i++) {
        memmove(seg[i].dp, seg[i].sp, seg[i].n);
    }
    if (unlocked) {
        qemu_mutex_lock(&s->dma_lock);
        if (!--s->dma_inflight) {
            qemu_cond_broadcast(&s->dma_cond);
        }
        qemu_mutex_unlock(&s->dma_lock);
        bql_lock();
        /* a new job may sit at the same address, never with the same seq */
        alive = !s->unrealized && wq->job == job && job->seq == seq;
        if (alive) {
            job->busy = false;
        }
    }
    for (i = 0; i < nseg; i++) {
        address_space_unmap(as, seg[i].dp, seg[i].dl, true, seg[i].n);
        address_space_unmap(as, seg[i].sp, seg[i].sl, false, seg[i].n);
    }
    s->counters[SVACC_CNT_BYTES] += total;
    return alive;
}

/*
 * Non-overlapping MEMMOVE: translate and map up to SVACC_RUN_SEGS
 * segments, then copy them in one run.  op->done counts mapped bytes, so
 * a fault met while gathering reports exactly the bytes before it, which
 * the run copies before the record is written.
 */
static SvaccStep svacc_memmove_runs(SvaccState *s, SvaccJob *job,
                                    SvaccOp *op, int64_t *budget)
{
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;
    AddressSpace *as = svacc_data_as(s);
    SvaccDesc *d = &op->d;
    SvaccSeg seg[SVACC_RUN_SEGS];
    SvaccStep step = SVACC_STEP_DONE;
    uint64_t slen, dlen, n, total;
    hwaddr spa, dpa;
    bool blocked;
    int nseg;

    while (op->done < d->size) {
        if (*budget <= 0) {
            return SVACC_STEP_YIELD;
        }
        nseg = 0;
        total = 0;
        blocked = false;
        while (nseg < SVACC_RUN_SEGS && op->done < d->size && *budget > 0) {
            SvaccSeg *g = &seg[nseg];

            if (!svacc_op_xlate(s, job, op, d->src + op->done,
                                d->src + d->size, false, &spa, &slen,
                                &step) ||
                !svacc_op_xlate(s, job, op, d->dst + op->done,
                                d->dst + d->size, true, &dpa, &dlen,
                                &step)) {
                blocked = true;
                break;
            }
            n = MIN(d->size - op->done, MIN(slen, dlen));
            g->sl = n;
            g->dl = n;
            g->sp = address_space_map(as, spa, &g->sl, false, attrs);
            g->dp = g->sp ? address_space_map(as, dpa, &g->dl, true, attrs) :
                    NULL;
            if (!g->dp) {
                /* no mapping (bounce buffer busy): the slow path, locked */
                if (g->sp) {
                    address_space_unmap(as, g->sp, g->sl, false, 0);
                }
                if (nseg) {
                    break;
                }
                svacc_copy(s, spa, dpa, n);
                op->done += n;
                s->counters[SVACC_CNT_BYTES] += n;
                *budget -= n;
                continue;
            }
            g->n = MIN(n, MIN(g->sl, g->dl));
            op->done += g->n;
            total += g->n;
            *budget -= g->n;
            nseg++;
        }
        if (nseg && !svacc_copy_run(s, job, as, seg, nseg, total)) {
            return SVACC_STEP_GONE;
        }
        if (blocked) {
            if (step == SVACC_STEP_PARKED && job->park == SVACC_PARK_NONE) {
                /* resolved while the run was copied */
                svacc_engine_kick(s);
            }
            return step;
        }
    }
    return SVACC_STEP_DONE;
}

static SvaccStep svacc_exec_memmove(SvaccState *s, SvaccJob *job,
                                    SvaccOp *op, int64_t *budget)
{
    SvaccDesc *d = &op->d;
    uint64_t slen, dlen, n, end, off;
    hwaddr spa, dpa;
    SvaccStep step;

    /*
     * Destination above an overlapping source: every page is translated
     * first (faults are reported with nothing written), then the copy runs
     * downwards so that the source is read before it is overwritten.
     */
    if (!op->overlap) {
        return svacc_memmove_runs(s, job, op, budget);
    }
    while (op->probe < d->size) {
        if (*budget <= 0) {
            return SVACC_STEP_YIELD;
        }
        if (!svacc_op_xlate(s, job, op, d->src + op->probe, d->src + d->size,
                            false, &spa, &slen, &step) ||
            !svacc_op_xlate(s, job, op, d->dst + op->probe, d->dst + d->size,
                            true, &dpa, &dlen, &step)) {
            return step;
        }
        op->probe += MIN(MIN(slen, dlen), d->size - op->probe);
        *budget -= SVACC_DESC_COST;
    }

    while (op->done < d->size) {
        if (*budget <= 0) {
            return SVACC_STEP_YIELD;
        }
        end = d->size - op->done;
        n = MIN(end, ((d->src + end - 1) & ~SVACC_PAGE_MASK) + 1);
        n = MIN(n, ((d->dst + end - 1) & ~SVACC_PAGE_MASK) + 1);
        off = end - n;
        if (!svacc_op_xlate(s, job, op, d->src + off, d->src + d->size,
                            false, &spa, &slen, &step) ||
            !svacc_op_xlate(s, job, op, d->dst + off, d->dst + d->size,
                            true, &dpa, &dlen, &step)) {
            return step;
        }
        n = MIN(n, MIN(slen, dlen));
        svacc_copy(s, spa, dpa, n);
        op->done += n;
        s->counters[SVACC_CNT_BYTES] += n;
        *budget -= n;
    }
    return SVACC_STEP_DONE;
}

static SvaccStep svacc_exec_memfill(SvaccState *s, SvaccJob *job,
                                    SvaccOp *op, int64_t *budget)
{
    SvaccDesc *d = &op->d;
    uint8_t buf[SVACC_PAGE_SIZE + 8];
    uint64_t dlen, n;
    hwaddr dpa;
    SvaccStep step;

    svacc_pattern(buf, sizeof(buf), d->op0, 0);
    while (op->done < d->size) {
        if (*budget <= 0) {
            return SVACC_STEP_YIELD;
        }
        if (!svacc_op_xlate(s, job, op, d->dst + op->done, d->dst + d->size,
                            true, &dpa, &dlen, &step)) {
            return step;
        }
        n = MIN(MIN(dlen, SVACC_PAGE_SIZE), d->size - op->done);
        address_space_write(svacc_data_as(s), dpa, MEMTXATTRS_UNSPECIFIED,
                            buf + (op->done & 7), n);
        op->done += n;
        s->counters[SVACC_CNT_BYTES] += n;
        *budget -= n;
    }
    return SVACC_STEP_DONE;
}

/* COMPARE, COMPARE_PATTERN and CRC32C: read-only passes over SRC */
static SvaccStep svacc_exec_read(SvaccState *s, SvaccJob *job, SvaccOp *op,
                                 int64_t *budget)
{
    SvaccDesc *d = &op->d;
    AddressSpace *as = svacc_data_as(s);
    uint8_t a[SVACC_PAGE_SIZE], b[SVACC_PAGE_SIZE];
    uint64_t slen, dlen, n, i;
    hwaddr spa, dpa;
    SvaccStep step;

    while (op->done < d->size) {
        if (*budget <= 0) {
            return SVACC_STEP_YIELD;
        }
        if (!svacc_op_xlate(s, job, op, d->src + op->done, d->src + d->size,
                            false, &spa, &slen, &step)) {
            return step;
        }
        n = MIN(MIN(slen, SVACC_PAGE_SIZE), d->size - op->done);
        if (d->opcode == SVACC_OP_COMPARE) {
            if (!svacc_op_xlate(s, job, op, d->dst + op->done,
                                d->dst + d->size, false, &dpa, &dlen,
                                &step)) {
                return step;
            }
            n = MIN(n, dlen);
            address_space_read(as, dpa, MEMTXATTRS_UNSPECIFIED, b, n);
        } else if (d->opcode == SVACC_OP_COMPARE_PATTERN) {
            svacc_pattern(b, n, d->op0, op->done);
        }
        address_space_read(as, spa, MEMTXATTRS_UNSPECIFIED, a, n);
        s->counters[SVACC_CNT_BYTES] += n;
        *budget -= n;
        if (d->opcode == SVACC_OP_CRC32C) {
            /* qemu's crc32c() inverts its result; the device does not */
            op->crc = ~crc32c(op->crc, a, n);
            op->done += n;
            continue;
        }
        if (memcmp(a, b, n)) {
            for (i = 0; a[i] == b[i]; i++) {
                continue;
            }
            op->result = 1;
            op->result_value = op->done + i;
            op->done = d->size;
            return SVACC_STEP_DONE;
        }
        op->done += n;
    }
    if (d->opcode == SVACC_OP_CRC32C) {
        op->result_value = op->crc;
    }
    return SVACC_STEP_DONE;
}

static SvaccStep svacc_op_step(SvaccState *s, SvaccJob *job, SvaccOp *op,
                               bool elem, int64_t *budget);

static SvaccStep svacc_exec_batch(SvaccState *s, SvaccJob *job,
                                  int64_t *budget)
{
    SvaccOp *op = &job->top;
    uint8_t raw[SVACC_DESC_SIZE];
    uint64_t va, len;
    hwaddr pa;
    SvaccStep step;

    for (;;) {
        if (job->elem_active) {
            step = svacc_op_step(s, job, &job->elem, true, budget);
            if (step != SVACC_STEP_DONE) {
                return step;
            }
            if (job->elem.status == SVACC_STATUS_SUCCESS) {
                job->bok++;
            }
            job->elem_active = false;
            job->bidx++;
        }
        if (job->bidx == op->d.size) {
            op->bytes_completed = job->bok;
            svacc_op_finish(op, job->bok == op->d.size ?
                            SVACC_STATUS_SUCCESS : SVACC_STATUS_BATCH_ERROR);
            return SVACC_STEP_DONE;
        }
        if (*budget <= 0) {
            return SVACC_STEP_YIELD;
        }
        va = op->d.src + (uint64_t)job->bidx * SVACC_DESC_SIZE;
        if (!svacc_op_xlate(s, job, op, va,
                            op->d.src + (uint64_t)op->d.size * SVACC_DESC_SIZE,
                            false, &pa, &len, &step)) {
            if (op->executed) {
                op->bytes_completed = job->bok;
            }
            return step;
        }
        if (address_space_read(svacc_data_as(s), pa, MEMTXATTRS_UNSPECIFIED,
                               raw, sizeof(raw)) != MEMTX_OK) {
            svacc_op_fault(op, va, false, job->bok);
            return SVACC_STEP_DONE;
        }
        memset(&job->elem, 0, sizeof(job->elem));
        svacc_desc_parse(&job->elem.d, raw);
        svacc_job_forget_answers(s, job);
        job->elem_active = true;
    }
}

static bool svacc_op_record(SvaccState *s, SvaccJob *job, SvaccOp *op,
                            SvaccStep *step)
{
    uint64_t va = op->d.compl_addr, len;
    uint8_t cr[SVACC_CR_SIZE];
    uint8_t code = 0;
    SvaccXlate x;
    hwaddr pa;

    if (va & (SVACC_CR_SIZE - 1)) {
        code = SVACC_SWERR_COMPL_ALIGN;
    } else if (op->status == SVACC_STATUS_ACCESS_DENIED) {
        /* the record lives in the refused address space */
        code = SVACC_SWERR_COMPL_WRITE;
    } else {
        /*
         * A record is never dropped for a page the OS could provide: a
         * job whose FAULT_HOLD ran out gets one more for its records,
         * and only then drops them.
         */
        if (job->hold_spent && !job->hold_record) {
            job->hold_record = true;
            job->hold_spent = false;
            job->hold_used_ns = 0;
        }
        x = svacc_translate(s, job, va, va + SVACC_CR_SIZE, true,
                            !job->hold_spent, &pa, &len);
        switch (x) {
        case SVACC_XLATE_OK:
            memset(cr, 0, sizeof(cr));
            cr[SVACC_CR_RESULT] = op->result;
            cr[SVACC_CR_FAULT_INFO] = op->fault_info;
            cr[SVACC_CR_OPCODE] = op->d.opcode;
            stl_le_p(cr + SVACC_CR_BYTES_COMPLETED, op->bytes_completed);
            stq_le_p(cr + SVACC_CR_FAULT_ADDR, op->fault_addr);
            stq_le_p(cr + SVACC_CR_RESULT_VALUE, op->result_value);
            cr[SVACC_CR_STATUS] = op->status;
            /* status byte last: a reader that sees it sees the record */
            if (address_space_write(svacc_data_as(s), pa + 1,
                                    MEMTXATTRS_UNSPECIFIED, cr + 1,
                                    SVACC_CR_SIZE - 1) != MEMTX_OK ||
                address_space_write(svacc_data_as(s), pa,
                                    MEMTXATTRS_UNSPECIFIED, cr, 1) !=
                MEMTX_OK) {
                code = SVACC_SWERR_COMPL_WRITE;
            }
            break;
        case SVACC_XLATE_PARK_FAULT:
        case SVACC_XLATE_PARK_PRI:
        case SVACC_XLATE_PARK_PRI_SEND:
            svacc_job_park(s, job, x);
            *step = SVACC_STEP_PARKED;
            return false;
        case SVACC_XLATE_HALT:
        case SVACC_XLATE_STOP:
            *step = SVACC_STEP_STOP;
            return false;
        default:
            code = SVACC_SWERR_COMPL_WRITE;
        }
    }
    if (code) {
        svacc_log_swerr(s, code, job->wq, op->d.opcode, job->pasid,
                        job->priv, va, op->status, 0);
    }
    return true;
}

static void svacc_op_complete(SvaccState *s, SvaccJob *job, SvaccOp *op)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    trace_svacc_complete(job->wq, op->d.opcode, op->status,
                         op->bytes_completed);
    if (!(op->d.flags & SVACC_FLAG_RCI)) {
        return;
    }
    s->irq_count++;
    if (s->inject_drop_irq && !(s->irq_count % s->inject_drop_irq)) {
        return;
    }
    if (msix_enabled(pdev)) {
        msix_notify(pdev, SVACC_MSIX_WQ(job->wq));
    }
}

static SvaccStep svacc_op_step(SvaccState *s, SvaccJob *job, SvaccOp *op,
                               bool elem, int64_t *budget)
{
    SvaccStep step = SVACC_STEP_DONE;

    if (!op->started && !svacc_op_start(s, job, op, elem)) {
        return SVACC_STEP_STOP;
    }
    if (!op->executed) {
        switch (op->d.opcode) {
        case SVACC_OP_NOP:
            *budget -= SVACC_DESC_COST;
            break;
        case SVACC_OP_DRAIN:
            if (svacc_pasid_busy(s, job->pasid, job->seq, job)) {
                if (!job->hold_spent) {
                    job->park = SVACC_PARK_DRAIN;
                    svacc_job_hold_start(s, job);
                    return SVACC_STEP_PARKED;
                }
                svacc_op_finish(op, SVACC_STATUS_HOLD_EXPIRED);
            }
            *budget -= SVACC_DESC_COST;
            break;
        case SVACC_OP_MEMMOVE:
            step = svacc_exec_memmove(s, job, op, budget);
            break;
        case SVACC_OP_MEMFILL:
            step = svacc_exec_memfill(s, job, op, budget);
            break;
        case SVACC_OP_BATCH:
            step = svacc_exec_batch(s, job, budget);
            break;
        default:
            step = svacc_exec_read(s, job, op, budget);
            break;
        }
        if (step != SVACC_STEP_DONE) {
            return step;
        }
        if (!op->executed) {
            if (op->d.opcode >= SVACC_OP_MEMMOVE &&
                op->d.opcode != SVACC_OP_BATCH) {
                op->bytes_completed = op->d.size;
            }
            svacc_op_finish(op, SVACC_STATUS_SUCCESS);
        }
    }
    if (!op->counted) {
        op->counted = true;
        s->counters[SVACC_CNT_DESC_COMPLETED]++;
        if (op->status != SVACC_STATUS_SUCCESS) {
            s->counters[SVACC_CNT_ERRORS]++;
        }
    }
    if ((op->d.flags & SVACC_FLAG_CRAV) &&
        !svacc_op_record(s, job, op, &step)) {
        return step;
    }
    svacc_op_complete(s, job, op);
    return SVACC_STEP_DONE;
}

/* ---------------------------------------------------------------------- */
/* Scheduling */

static bool svacc_wq_runnable(SvaccState *s, SvaccWQ *wq)
{
    SvaccJob *job = wq->job;

    if (!wq->enabled) {
        return false;
    }
    if (!job) {
        return wq->count > 0;
    }
    if (job->busy) {
        return false;
    }
    if (job->park == SVACC_PARK_DRAIN &&
        !svacc_pasid_busy(s, job->pasid, job->seq, job)) {
        job->park = SVACC_PARK_NONE;
    }
    return job->park == SVACC_PARK_NONE;
}

/* Highest priority first, round-robin among equals. */
static int svacc_pick_wq(SvaccState *s)
{
    int best = -1, best_prio = -1;
    unsigned i;

    for (i = 0; i < s->num_wqs; i++) {
        unsigned n = (s->rr_next + i) % s->num_wqs;
        SvaccWQ *wq = &s->wq[n];
        int prio = (wq->cfg0 & SVACC_WQCFG0_PRIO_MASK) >>
                   SVACC_WQCFG0_PRIO_SHIFT;

        if (prio > best_prio && svacc_wq_runnable(s, wq)) {
            best = n;
            best_prio = prio;
        }
    }
    if (best >= 0) {
        s->rr_next = (best + 1) % s->num_wqs;
    }
    return best;
}

/* Is there work the bottom half could run now? */
static bool svacc_engine_pending(SvaccState *s)
{
    unsigned n;

    for (n = 0; n < s->num_wqs; n++) {
        if (svacc_wq_runnable(s, &s->wq[n])) {
            return true;
        }
    }
    return false;
}

static SvaccJob *svacc_job_start(SvaccState *s, int n)
{
    SvaccWQ *wq = &s->wq[n];
    SvaccQueued *q = &wq->ring[wq->head];
    SvaccJob *job = g_new0(SvaccJob, 1);

    job->wq = n;
    job->seq = q->seq;
    job->pasid = q->pasid;
    job->priv = q->priv;
    job->shared = !(wq->cfg0 & SVACC_WQCFG0_DEDICATED);
    svacc_desc_parse(&job->top.d, q->raw);
    wq->head = (wq->head + 1) % wq->ring_size;
    wq->count--;
    wq->job = job;

    if (s->inject_stall_us) {
        job->park = SVACC_PARK_STALL;
        job->stall_until = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                           (int64_t)s->inject_stall_us * SCALE_US;
        if (!timer_pending(s->stall_timer) ||
            timer_expire_time_ns(s->stall_timer) > job->stall_until) {
            timer_mod(s->stall_timer, job->stall_until);
        }
    }
    return job;
}

/* Run the engine for up to @budget bytes; returns what is left of it. */
static int64_t svacc_engine_run(SvaccState *s, int64_t budget)
{
    SvaccStep step;
    SvaccWQ *wq;
    int n;

    /* a copy that runs unlocked may outlive an unplug: keep @s */
    object_ref(OBJECT(s));
    svacc_engine_depth++;
    while (budget > 0 && !s->unrealized && svacc_enabled(s) &&
           PCI_DEVICE(s)->is_master) {
        n = svacc_pick_wq(s);
        if (n < 0) {
            break;
        }
        wq = &s->wq[n];
        if (!wq->job && svacc_job_start(s, n)->park != SVACC_PARK_NONE) {
            continue;
        }
        svacc_job_hold_stop(wq->job);
        step = svacc_op_step(s, wq->job, &wq->job->top, false, &budget);
        if (step == SVACC_STEP_STOP) {
            break;
        }
        if (step == SVACC_STEP_GONE) {
            continue;
        }
        if (step == SVACC_STEP_DONE && wq->job) {
            svacc_job_free(s, wq->job);
            wq->job = NULL;
            svacc_check_commands(s);
        }
    }
    svacc_engine_depth--;
    /* unplugged while a copy ran unlocked: the bottom half is gone */
    if (s->unrealized) {
        object_unref(OBJECT(s));
        return budget;
    }
    if (s->gensts & SVACC_GENSTS_HALTED) {
        /* jobs are freed here, never under a translation that halted */
        for (n = 0; n < s->num_wqs; n++) {
            svacc_wq_flush(s, n);
        }
    } else if (budget <= 0 && svacc_engine_pending(s)) {
        qemu_bh_schedule(s->bh);
    }
    object_unref(OBJECT(s));
    return budget;
}

void svacc_engine_bh(void *opaque)
{
    svacc_engine_run(opaque, SVACC_SLICE_BYTES);
}

/*
 * A portal commit was accepted: start executing right away, in the
 * submitting vCPU's thread, for up to inline-bytes, as an idle engine
 * would.  Waiting for the bottom half costs a wake-up of the main loop
 * thread, which dominated small descriptors, and copies started here run
 * in parallel with those of other vCPUs.  What is left runs in the bottom
 * half (the run schedules it when the slice is used up); anything that
 * cannot run now is kicked by whatever unblocks it, as before.
 */
void svacc_engine_submitted(SvaccState *s)
{
    if (s->inline_bytes) {
        svacc_engine_inline = true;
        svacc_engine_run(s, s->inline_bytes);
        svacc_engine_inline = false;
    } else {
        svacc_engine_kick(s);
    }
}
