#!/bin/bash
# Print the mainline Linux source tree the harness uses (vanilla, with the
# svacc Kconfig grafted in), for scripts/checkpatch.pl, scripts/kernel-doc and
# tools/testing/selftests/kselftest_harness.h. Builds it first if needed.
#   $(harness/ksrc.sh)/scripts/checkpatch.pl --strict -f drivers/accel/svacc/*.c
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$HARNESS/fetch-sources.sh" linux
read -r up _ <"$CACHE/dl/linux/selected"
ksrc=$CACHE/src/linux-$up
[ -f "$ksrc/.svacc-extracted" ] || "$HARNESS/build-mainline.sh" >/dev/null
echo "$ksrc"
