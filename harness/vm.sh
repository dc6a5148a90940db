#!/bin/bash
# `make vm` / `make demo`: build what the mode's kernel needs (cached), then
# boot it once: run-vm.sh <mode> shell|cmd|demo [command].
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:?usage: vm.sh <mode> shell|cmd|demo [command]}
kernel=$(mode_field "$mode" 2)
[ -n "$kernel" ] || die "unknown mode '$mode'; modes: $(grep -oE '^[a-z0-9_-]+' "$MODES_FILE" | tr '\n' ' ')"

build=$("$HARNESS/build-qemu.sh")
export SVACC_QEMU=$(dirname "$build")/bin/qemu-system-x86_64
"$HARNESS/prepare-kernel.sh" "$kernel" >&2
exec "$HARNESS/run-vm.sh" "$@"
