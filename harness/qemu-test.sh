#!/bin/bash
# QEMU's own device tests (qtest, no guest OS): intel-iommu-test always, and
# svacc-test once the device model adds it. Each test case runs on its own
# (-p <path>) under a timeout, so a hang names its test and the others still
# run. Prints framed TAP on stdout (suite "qtest", the same framing as guest
# results); exit 1 when anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=$("$HARNESS/build-qemu.sh")
QTEST_QEMU_BINARY=$(qemu_bin "$build")
export QTEST_QEMU_BINARY
to=${SVACC_QTEST_TIMEOUT:-120}
tests=(intel-iommu-test)
[ -x "$build/tests/qtest/svacc-test" ] && tests+=(svacc-test)

echo "# svacc-begin qtest"
n=0; failed=0
for t in "${tests[@]}"; do
	bin=$build/tests/qtest/$t
	cases=$("$bin" -l 2>/dev/null | grep '^/' || true)
	[ -n "$cases" ] || { n=$((n + 1)); failed=1; echo "not ok $n $t: cannot list test cases"; continue; }
	for c in $cases; do
		n=$((n + 1))
		echo "# RUN $t:$c"
		out=$(timeout -k 5 "$to" "$bin" --tap -k -p "$c" 2>&1) && rc=0 || rc=$?
		line=$(grep -E '^(not )?ok ' <<<"$out" | head -1 || true)
		if [ "$rc" = 0 ] && [ -n "$line" ]; then
			echo "${line%% [0-9]*} $n $t:${line#* [0-9]* }"
			[ "${line%% *}" = ok ] || failed=1
		else
			failed=1
			why="exited with status $rc"; [ "$rc" = 124 ] && why="timed out after ${to}s"
			echo "not ok $n $t:$c $why"
			grep -vE '^(# starting QEMU|ok |not ok |1\.\.)' <<<"$out" | tail -5 | sed 's/^/#   /'
		fi
	done
done
echo "1..$n"
echo "# svacc-end qtest rc=$failed"
exit "$failed"
