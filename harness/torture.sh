#!/bin/bash
# `make fuzz`, `make storm`, `make torture`: the full forms of the torture
# suites (removal, reset, fuzz, storm), one VM boot per mode, the suites'
# own TORTURE_FORM=full sizes (README "Other commands"):
#   torture.sh fuzz              >= 1M fuzzed submissions per mode; prints
#                                "fuzz <mode>: N submissions in S s, K splats"
#   torture.sh storm             64 processes x 10k descriptors, 200 kills,
#                                100 driver reloads, a minute of memory pressure
#   torture.sh removal reset     20 removal cycles, 10 reset cycles
# Modes: $SVACC_MODES, else every mode a suite applies to. Results in
# out/torture/<mode>/; the suite lines as make check prints them, then
# "N passed, N failed". SVACC_GUEST_ENV adds guest settings (e.g.
# SVACC_SEED=0x... to replay a fuzz run).
set -euo pipefail
# shellcheck source=harness/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: torture.sh <suite>..."
suites="$*"
for s in $suites; do [ -x "$HARNESS/guest/suites/$s" ] || die "no suite $s"; done
export SVACC_OUT=$OUT/torture
OUT=$SVACC_OUT
export SVACC_SUITES="harness $suites"
export SVACC_GUEST_ENV="TORTURE_FORM=full ${SVACC_GUEST_ENV:-}"
export SVACC_SUITE_TIMEOUT=${SVACC_SUITE_TIMEOUT:-14400}
export SVACC_VM_TIMEOUT=${SVACC_VM_TIMEOUT:-15000}

all_modes=$(grep -oE '^[a-z0-9_-]+' "$MODES_FILE")
modes=""
for m in ${SVACC_MODES:-$all_modes}; do
	grep -qx "$m" <<<"$all_modes" || die "unknown mode $m"
	for s in $suites; do
		[ -n "$(SVACC_SUITES=$s mode_suites "$m" "$s")" ] && { modes="$modes $m"; break; }
	done
done
[ -n "$modes" ] || die "no mode runs $suites"

mkdir -p "$OUT"
"$HARNESS/setup-packages.sh"
"$HARNESS/fetch-sources.sh"
SVACC_QEMU=$(qemu_bin "$("$HARNESS/build-qemu.sh")")
export SVACC_QEMU
for k in $(for m in $modes; do mode_field "$m" 2; done | sort -u); do
	"$HARNESS/prepare-kernel.sh" "$k"
done

tp=0; tf=0; ts=0; summary=()
for m in $modes; do
	k=$(mode_field "$m" 2)
	# shellcheck disable=SC1090
	. "$OUT/kernel-$k.env"
	log "torture: mode $m: $suites (full form)"
	"$HARNESS/run-vm.sh" "$m" suites || true
	d=$OUT/$m
	# shellcheck disable=SC2086,SC2153 # SUITES: the list kernel-<k>.env set
	report "$m" "$(mode_suites "$m" $SUITES)" "$d/results.tap"
	done_line=$(tr -d '\r' <"$d/results.tap" | awk -v expect= -f "$HARNESS/tap-summary.awk" | grep '^D' || true)
	IFS=$'\t' read -r _ finished wd <<<"$done_line"
	if [ "$finished" != 1 ] || [ -n "$wd" ]; then
		echo "svacc:   FAIL vm $m: the guest never finished ${wd:+($wd) }(see $d/guest.log)"; tf=$((tf + 1))
	fi
	# judged by splat-scan.sh, as make check judges (it knows the debug
	# kernel's boot lines that name lockdep or kmemleak)
	splats=0
	if ! bad=$("$HARNESS/splat-scan.sh" -n 1000000 "$d/guest.log" 2>&1); then
		splats=$(grep -c . <<<"$bad")
		echo "svacc:   FAIL vm $m: $splats splat line(s), first: $(head -n 1 <<<"$bad")"
		tf=$((tf + 1))
	fi
	# the fuzzer's own count line: "# fuzz <mode>: N submissions in S s, K splats (...)"
	line=$(tr -d '\r' <"$d/results.tap" | sed -n "s/^# fuzz [^:]*: \([0-9]* submissions in [0-9]* s\), .*/\1/p" | tail -n 1)
	[ -z "$line" ] || summary+=("fuzz $m: $line, $splats splats")
done
for x in "${summary[@]}"; do echo "$x"; done
[ "$ts" = 0 ] || echo "svacc: $ts test(s) skipped (not counted as passed)"
echo "$tp passed, $tf failed"
[ "$tf" = 0 ]
