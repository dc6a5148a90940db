/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * svacc tracepoints: submission, completion interrupts, software errors,
 * PASID/WQ drains, device-TLB invalidations and the register gate of a
 * reset.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM svacc

#if !defined(_SVACC_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _SVACC_TRACE_H_

#include <linux/tracepoint.h>

#include "svacc_drv.h"

TRACE_EVENT(svacc_submit,
	    TP_PROTO(struct svacc_device *sdev, unsigned int wq, u32 pasid,
		     u8 opcode, u16 flags, u32 size, u32 status),
	    TP_ARGS(sdev, wq, pasid, opcode, flags, size, status),
	    TP_STRUCT__entry(__string(dev, dev_name(&sdev->pdev->dev))
			     __field(unsigned int, wq)
			     __field(u32, pasid)
			     __field(u8, opcode)
			     __field(u16, flags)
			     __field(u32, size)
			     __field(u32, status)
	    ),
	    TP_fast_assign(__assign_str(dev);
			   __entry->wq = wq;
			   __entry->pasid = pasid;
			   __entry->opcode = opcode;
			   __entry->flags = flags;
			   __entry->size = size;
			   __entry->status = status;
	    ),
	    TP_printk("%s wq=%u pasid=%u opcode=%#x flags=%#x size=%u status=%s",
		      __get_str(dev), __entry->wq, __entry->pasid, __entry->opcode,
		      __entry->flags, __entry->size,
		      __print_symbolic(__entry->status,
				       { SVACC_SUBMIT_ACCEPTED, "accepted" },
				       { SVACC_SUBMIT_RETRY, "retry" },
				       { SVACC_SUBMIT_REJECTED, "rejected" }))
);

TRACE_EVENT(svacc_complete,
	    TP_PROTO(struct svacc_device *sdev, unsigned int wq, u64 seq),
	    TP_ARGS(sdev, wq, seq),
	    TP_STRUCT__entry(__string(dev, dev_name(&sdev->pdev->dev))
			     __field(unsigned int, wq)
			     __field(u64, seq)
	    ),
	    TP_fast_assign(__assign_str(dev);
			   __entry->wq = wq;
			   __entry->seq = seq;
	    ),
	    TP_printk("%s wq=%u seq=%llu", __get_str(dev), __entry->wq, __entry->seq)
);

TRACE_EVENT(svacc_error,
	    TP_PROTO(struct svacc_device *sdev, u32 code, u32 wq, u32 opcode,
		     u32 pasid, u64 addr),
	    TP_ARGS(sdev, code, wq, opcode, pasid, addr),
	    TP_STRUCT__entry(__string(dev, dev_name(&sdev->pdev->dev))
			     __field(u32, code)
			     __field(u32, wq)
			     __field(u32, opcode)
			     __field(u32, pasid)
			     __field(u64, addr)
	    ),
	    TP_fast_assign(__assign_str(dev);
			   __entry->code = code;
			   __entry->wq = wq;
			   __entry->opcode = opcode;
			   __entry->pasid = pasid;
			   __entry->addr = addr;
	    ),
	    TP_printk("%s swerr=%#x wq=%u opcode=%#x pasid=%u addr=%#llx",
		      __get_str(dev), __entry->code, __entry->wq, __entry->opcode,
		      __entry->pasid, __entry->addr)
);

TRACE_EVENT(svacc_drain,
	    TP_PROTO(struct svacc_device *sdev, u32 cmd, u32 arg, int ret),
	    TP_ARGS(sdev, cmd, arg, ret),
	    TP_STRUCT__entry(__string(dev, dev_name(&sdev->pdev->dev))
			     __field(u32, cmd)
			     __field(u32, arg)
			     __field(int, ret)
	    ),
	    TP_fast_assign(__assign_str(dev);
			   __entry->cmd = cmd;
			   __entry->arg = arg;
			   __entry->ret = ret;
	    ),
	    TP_printk("%s %s %u ret=%d", __get_str(dev),
		      __print_symbolic(__entry->cmd,
				       { SVACC_CMD_DISABLE_WQ, "disable_wq" },
				       { SVACC_CMD_DRAIN_WQ, "drain_wq" },
				       { SVACC_CMD_DRAIN_PASID, "drain_pasid" },
				       { SVACC_CMD_ABORT_PASID, "abort_pasid" }),
		      __entry->arg, __entry->ret)
);

TRACE_EVENT(svacc_devtlb_inv,
	    TP_PROTO(struct svacc_device *sdev, u32 id, u64 start, u64 npages,
		     bool sent),
	    TP_ARGS(sdev, id, start, npages, sent),
	    TP_STRUCT__entry(__string(dev, dev_name(&sdev->pdev->dev))
			     __field(u32, id)
			     __field(u64, start)
			     __field(u64, npages)
			     __field(bool, sent)
	    ),
	    TP_fast_assign(__assign_str(dev);
			   __entry->id = id;
			   __entry->start = start;
			   __entry->npages = npages;
			   __entry->sent = sent;
	    ),
	    TP_printk("%s ctx=%u start=%#llx pages=%llu %s", __get_str(dev),
		      __entry->id, __entry->start, __entry->npages,
		      __entry->sent ? "sent" : "skipped (held in reset)")
);

TRACE_EVENT(svacc_regs,
	    TP_PROTO(struct svacc_device *sdev, bool off),
	    TP_ARGS(sdev, off),
	    TP_STRUCT__entry(__string(dev, dev_name(&sdev->pdev->dev))
			     __field(bool, off)
	    ),
	    TP_fast_assign(__assign_str(dev);
			   __entry->off = off;
	    ),
	    TP_printk("%s %s", __get_str(dev),
		      __entry->off ? "off" : "on")
);

#endif /* _SVACC_TRACE_H_ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE svacc_trace
#include <trace/define_trace.h>
