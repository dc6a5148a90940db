#!/bin/bash
# splat-scan.sh [-n MAX] LOG...: does a guest console log hold a kernel splat
# (oops, BUG, WARNING, KASAN, UBSAN, lockdep, hung task, soft lockup, RCU
# stall, DMA-API debug error, kmemleak error, list/page corruption)?
# Prints the first MAX (default 5) offending lines of each log as
# "<log>:<line>: <text>" and, when there are more, how many; exits 1 when any
# log holds one, 2 when a log cannot be read, 0 when all are clean.
# Every place that judges a console log uses this script (make check, make
# bench), and harness/test-splat-scan.sh tests it.
#
# One pass of awk over the whole file: no pipeline whose reader can quit
# early (grep | head under pipefail once turned a log with thousands of
# KASAN lines into "clean" when grep died of SIGPIPE).
#
# The debug kernel prints a few information lines that contain the same
# words (lockdep, kmemleak, DMA-API) at boot; those exact lines are allowed
# below, each with the reason. Nothing else is: a new harmless line is added
# here by its exact text, never by loosening a pattern.
set -uo pipefail

max=5
if [ "${1:-}" = -n ]; then max=${2:?-n needs a number}; shift 2; fi
[ $# -gt 0 ] || { echo "usage: splat-scan.sh [-n MAX] LOG..." >&2; exit 2; }

rc=0
for log in "$@"; do
	if [ ! -f "$log" ] || [ ! -r "$log" ]; then echo "$log: cannot read the log" >&2; rc=2; continue; fi
	awk -v max="$max" -v name="$log" '
	BEGIN {
		# What a kernel bug report looks like (the message text, after
		# the printk time stamp). Case matters: "kasan:" at boot is not
		# "KASAN", "BUG" must be a word.
		splat = "WARNING:|(^|[^A-Za-z_])BUG([: ]|$)|Oops|general protection|Kernel panic|"
		splat = splat "KASAN|UBSAN|lockdep|locking dependency|Call Trace|"
		splat = splat "blocked for more than|soft lockup|hard LOCKUP|detected stall|"
		splat = splat "DMA-API|kmemleak|unreferenced object|refcount_t|corruption"

		na = 0
		# lockdep: PROVE_RCU says it is on.
		allow[++na] = "^rcu:[ \t]+RCU lockdep checking is enabled\\.$"
		# kmemleak: start-up; and the one-line summary of a scan the
		# harness asks for (the "kmemleak" guest suite reads the report
		# itself and fails on any leak that is svacc'\''s).
		allow[++na] = "^kmemleak: Kernel memory leak detector initialized \\(mem pool available: [0-9]+\\)$"
		allow[++na] = "^kmemleak: [0-9]+ new suspected memory leaks \\(see /sys/kernel/debug/kmemleak\\)$"
		# kmemleak could not allocate the record of a scan area (fault
		# injection fails its own allocations too) and scans the whole
		# object instead: less precise, nothing missed.
		allow[++na] = "^kmemleak: Cannot allocate a scan area, scanning the full object$"
		# DMA-API debug: start-up, and its entry pool growing on demand.
		allow[++na] = "^DMA-API: preallocated [0-9]+ debug entries$"
		allow[++na] = "^DMA-API: debugging enabled by kernel config$"
		allow[++na] = "^DMA-API: dma_debug_entry pool grown to [0-9]+ \\([0-9]+%\\)$"
		# A user-space program that took a #GP (a test child doing it on
		# purpose): the kernel reports it as "traps: comm[pid] general
		# protection fault ip:..."; a kernel #GP is an "Oops:".
		allow[++na] = "^traps: [^ ]+\\[[0-9]+\\] general protection fault ip:"
	}
	{
		sub(/\r$/, "")
		msg = $0
		sub(/^\[ *[0-9]+\.[0-9]+\] /, "", msg)
		if (msg !~ splat)
			next
		for (i = 1; i <= na; i++)
			if (msg ~ allow[i])
				next
		if (++n <= max)
			printf "%s:%d: %s\n", name, NR, $0
	}
	END {
		if (n > max)
			printf "%s: %d more splat line(s)\n", name, n - max
		exit n > 0
	}' "$log"
	case $? in
	0) ;;
	1) [ "$rc" = 2 ] || rc=1 ;;
	*) rc=2 ;;
	esac
done
exit "$rc"
