#!/bin/bash
# `make check`: set up, build what changed, run QEMU's qtests on the host and
# every suite in one VM boot per mode, then print one line per suite and mode
#   svacc: <suite> <mode>: N passed, N failed, N skipped
# and last exactly "N passed, N failed". Exit 1 on any failure, a mode that did
# not boot or finish, a watchdog, or a kernel splat in a guest log.
# SVACC_MODES="sva lts" restricts the modes (default: all in harness/modes).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

t0=$(date +%s)
phase() { log "[$(( $(date +%s) - t0 ))s] $*"; }

all_modes=$(grep -oE '^[a-z0-9_-]+' "$MODES_FILE")
modes=${SVACC_MODES:-$all_modes}
for m in $modes; do grep -qx "$m" <<<"$all_modes" || die "unknown mode $m"; done
kernels=$(for m in $modes; do mode_field "$m" 2; done | sort -u)

# One `make check` per tree at a time (they share out/<mode>); the second waits.
mkdir -p "$OUT"
exec 8>"$OUT/.check.lock"
flock -n 8 || { log "another make check is running in this tree; waiting for it"; flock 8; }

# Only this command's outputs: out/vm/ belongs to concurrent `make vm` runs.
for m in $all_modes; do rm -rf "${OUT:?}/$m"; done
rm -rf "$OUT/host" "$OUT/build" "$OUT"/kernel-*.env
mkdir -p "$OUT/host"
phase "set-up"
"$HARNESS/setup-packages.sh"
"$HARNESS/fetch-sources.sh"

phase "qemu"
qemu_ok=1
if SVACC_QEMU_BUILD=$("$HARNESS/build-qemu.sh"); then
	export SVACC_QEMU=$(qemu_bin "$SVACC_QEMU_BUILD")
else
	qemu_ok=0
fi

# The debug kernel is the longest build and only the last modes need it:
# when other kernels are needed too, it builds in the background at idle
# scheduling priority (SCHED_IDLE) while their VMs run, so on a fresh
# machine it takes only the CPU time those VMs leave unused and they run as
# fast as before. A cached kernel costs nothing either way.
declare -A kernel_ok
bg_kernel=; bg_pid=
if grep -qx debug <<<"$kernels" && [ "$(wc -l <<<"$kernels")" -gt 1 ]; then bg_kernel=debug; fi
for k in $kernels; do
	[ "$k" != "$bg_kernel" ] || continue
	phase "kernel $k"
	if "$HARNESS/prepare-kernel.sh" "$k"; then kernel_ok[$k]=1; else kernel_ok[$k]=0; log "kernel $k could not be prepared"; fi
done
if [ -n "$bg_kernel" ]; then
	phase "kernel $bg_kernel (in the background, log: $OUT/build/prepare-$bg_kernel.log)"
	mkdir -p "$OUT/build"
	chrt --idle 0 "$HARNESS/prepare-kernel.sh" "$bg_kernel" \
		>"$OUT/build/prepare-$bg_kernel.log" 2>&1 &
	bg_pid=$!
fi
# wait_bg_kernel: the background kernel's result, once
wait_bg_kernel() {
	[ -n "$bg_pid" ] || return 0
	phase "waiting for kernel $bg_kernel"
	if wait "$bg_pid"; then kernel_ok[$bg_kernel]=1
	else
		kernel_ok[$bg_kernel]=0
		log "kernel $bg_kernel could not be prepared"
		tail -20 "$OUT/build/prepare-$bg_kernel.log" >&2
	fi
	bg_pid=
	phase "kernel $bg_kernel ready"
}

phase "host tests"
"$HARNESS/host-tests.sh" >"$OUT/host/make.tap" || true
"$HARNESS/regs-check.py" >"$OUT/host/regs.tap" 2>&1 || true
phase "series (make series-check --fast)"
"$HARNESS/series-check.sh" --fast >"$OUT/host/series.log" 2>&1 || true

if [ "$qemu_ok" = 1 ]; then
	phase "qtest"
	"$HARNESS/qemu-test.sh" >"$OUT/host/results.tap" || true
fi
# The console-log scanner that judges every VM below, tested first.
"$HARNESS/test-splat-scan.sh" >"$OUT/host/splat-scan.tap" || true

for m in $modes; do
	k=$(mode_field "$m" 2)
	mkdir -p "$OUT/$m"
	[ "$k" != "$bg_kernel" ] || wait_bg_kernel
	if [ "$qemu_ok" = 1 ] && [ "${kernel_ok[$k]}" = 1 ]; then
		phase "vm $m"
		"$HARNESS/run-vm.sh" "$m" suites || true
	fi
done
wait_bg_kernel
phase "results"

# ---- collection ----
tp=0; tf=0; ts=0; all_fails=()
if [ "$qemu_ok" = 1 ]; then report host qtest "$OUT/host/results.tap"
else echo "svacc: qemu host: 0 passed, 1 failed, 0 skipped"; echo "svacc:   FAIL qemu host: build failed"; all_fails+=("qemu host: build failed"); tf=$((tf + 1)); fi
report host splat-scan "$OUT/host/splat-scan.tap"
report host make "$OUT/host/make.tap"
report host regs "$OUT/host/regs.tap"
report host series "$OUT/series/check.tap"
for k in $kernels; do [ -f "$OUT/build/$k.tap" ] && report "$k" build "$OUT/build/$k.tap"; done

for m in $modes; do
	k=$(mode_field "$m" 2)
	d=$OUT/$m
	if [ "$qemu_ok" != 1 ] || [ "${kernel_ok[$k]}" != 1 ]; then
		echo "svacc: vm $m: 0 passed, 1 failed, 0 skipped"
		echo "svacc:   FAIL vm $m: not run (qemu or kernel $k missing)"
		all_fails+=("vm $m: not run (qemu or kernel $k missing)")
		tf=$((tf + 1)); continue
	fi
	. "$OUT/kernel-$k.env"
	# shellcheck disable=SC2086 # SUITES: a word list
	report "$m" "$(mode_suites "$m" $SUITES)" "$d/results.tap"
	# The VM itself: finished, no watchdog, clean kernel log.
	p=0; f=0; fails=()
	done_line=$(tr -d '\r' <"$d/results.tap" | awk -v expect= -f "$HARNESS/tap-summary.awk" | grep '^D' || true)
	IFS=$'\t' read -r _ finished wd <<<"$done_line"
	if [ "$finished" = 1 ]; then p=$((p + 1)); else f=$((f + 1)); fails+=("booted-and-finished: the guest never reported done (qemu exit $(cat "$d/qemu.rc" 2>/dev/null) $(grep -m1 . "$d/qemu.out" 2>/dev/null | cut -c1-160 || true); console: $d/guest.log)"); fi
	if [ -z "$wd" ]; then p=$((p + 1)); else f=$((f + 1)); fails+=("watchdog: $wd"); fi
	if bad=$("$HARNESS/splat-scan.sh" -n 1 "$d/guest.log" 2>&1); then p=$((p + 1))
	else f=$((f + 1)); fails+=("kernel-log-clean: $(tr '\n' ' ' <<<"$bad")"); fi
	echo "svacc: vm $m: $p passed, $f failed, 0 skipped"
	for x in "${fails[@]}"; do echo "svacc:   FAIL vm $m: $x"; all_fails+=("vm $m: $x"); done
	tp=$((tp + p)); tf=$((tf + f))
	# Where the time went (stderr, beside the phase times).
	log "time $m: VM $(cat "$d/seconds" 2>/dev/null || echo ?) s; guest s per suite:$(tr -d '\r' <"$d/results.tap" |
		awk '$1 == "#" && $2 == "svacc-time" { printf " %s %s", $3, $4 }')"
done

phase "done"
# The failures again, with why, where the tail of a long log shows them
for x in "${all_fails[@]}"; do echo "svacc: failed: $x"; done
[ "$ts" = 0 ] || echo "svacc: $ts test(s) skipped (not counted as passed)"
echo "$tp passed, $tf failed"
[ "$tf" = 0 ]
