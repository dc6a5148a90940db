// SPDX-License-Identifier: GPL-2.0-only
/* svacc tracepoint definitions; see svacc_trace.h. */
#define CREATE_TRACE_POINTS
#include "svacc_trace.h"
