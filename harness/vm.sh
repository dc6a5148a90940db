#!/bin/bash
# `make vm` / `make demo`: build what the mode's kernel needs (cached), then
# boot it once: run-vm.sh <mode> shell|cmd|demo [command].
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:?usage: vm.sh <mode> shell|cmd|demo [command]}
kernel=$(mode_field "$mode" 2)
[ -n "$kernel" ] || die "unknown mode '$mode'; modes: $(grep -oE '^[a-z0-9_-]+' "$MODES_FILE" | tr '\n' ' ')"

# Private output dir per invocation: several engineers run `make vm` and
# `make check` in one tree at once. Runs older than a day are pruned.
mkdir -p "$OUT/vm"
find "$OUT/vm" -mindepth 1 -maxdepth 1 -mtime +0 -exec rm -rf {} + 2>/dev/null || true
export SVACC_OUT=$OUT/vm/$mode.$(date +%H%M%S).$$
log "outputs in $SVACC_OUT"

build=$("$HARNESS/build-qemu.sh")
export SVACC_QEMU=$(qemu_bin "$build")
"$HARNESS/prepare-kernel.sh" "$kernel" >&2
rc=0
"$HARNESS/run-vm.sh" "$@" || rc=$?
# make turns any failure into its own "Error N" / exit 2: say it plainly.
[ "$rc" = 0 ] || [ "${2:-}" = shell ] || log "$mode: exit status $rc$([ "$rc" = 124 ] && echo ' (host watchdog fired)')"
exit "$rc"
