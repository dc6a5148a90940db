#!/bin/bash
# Print the mainline Linux source tree the harness uses (vanilla, with the
# svacc Kconfig grafted in), for scripts/checkpatch.pl, scripts/kernel-doc and
# tools/testing/selftests/kselftest_harness.h. Extracts it first if needed
# (no kernel build).
#   $(harness/ksrc.sh)/scripts/checkpatch.pl --strict -f drivers/accel/svacc/*.c
set -euo pipefail
. "$(dirname "$0")/lib.sh"

exec "$HARNESS/build-mainline.sh" source
