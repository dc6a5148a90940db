#!/bin/bash
# QEMU's own device tests (qtest, no guest OS): intel-iommu-test always, and
# svacc-test once the device model adds it. Prints framed TAP on stdout (same
# framing as the guest results: suite "qtest"); exit 1 when anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=$("$HARNESS/build-qemu.sh")
export QTEST_QEMU_BINARY=$(dirname "$build")/bin/qemu-system-x86_64
tests=(intel-iommu-test)
[ -x "$build/tests/qtest/svacc-test" ] && tests+=(svacc-test)

echo "# svacc-begin qtest"
n=0; failed=0
for t in "${tests[@]}"; do
	# Each glib test binary prints its own TAP; renumber into one plan.
	out=$(timeout -k 5 "${SVACC_QTEST_TIMEOUT:-300}" "$build/tests/qtest/$t" --tap -k 2>&1) && rc=0 || rc=$?
	while IFS= read -r l; do
		case $l in
		"ok "*|"not ok "*)
			n=$((n + 1))
			res=${l%% [0-9]*}; rest=${l#"$res "}; rest=${rest#* }
			echo "$res $n $t:$rest"
			[ "$res" = ok ] || failed=1 ;;
		1..*) ;;
		*) echo "# $t: $l" ;;
		esac
	done <<<"$out"
	if [ "$rc" != 0 ]; then
		n=$((n + 1)); failed=1
		echo "not ok $n $t exited with status $rc$([ "$rc" = 124 ] && echo ' (timed out)')"
	fi
done
echo "1..$n"
echo "# svacc-end qtest rc=$failed"
exit "$failed"
