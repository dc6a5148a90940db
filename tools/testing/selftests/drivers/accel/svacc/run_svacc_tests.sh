#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the svacc selftests that apply to one mode and report per-mode totals.
#
#   run_svacc_tests.sh [MODE]        run (MODE: sva, hmm, nommu, lts;
#                                    default $SVACC_MODE, else detected)
#   run_svacc_tests.sh --list MODE   print the programs of MODE
#
# A test that cannot apply to a mode is not in that mode's list. Skips are
# counted separately and fail the run like failures do: 0 failed and 0
# skipped is the only pass. Logs go to $SVACC_LOG_DIR (default: none kept).
# Exit status: 0 pass, 1 fail (kselftest's KSFT_FAIL).

COMMON="svacc_ops svacc_faults svacc_submit svacc_security svacc_lifetime"

tests_for() {
	case "$1" in
	sva)		echo "$COMMON" ;;
	# svacc_hmm: the HMM mirror's own scenarios, where the driver mirrors
	hmm|nommu)	echo "$COMMON svacc_hmm" ;;
	# The 6.12 kernel refuses SVA: the driver falls back to the HMM
	# mirror; svacc_lts_refusal checks that fallback and its one log line.
	lts)		echo "svacc_lts_refusal $COMMON svacc_hmm" ;;
	*)		return 1 ;;
	esac
}

# The GET_INFO mode the tests must see ($SVACC_EXPECT_MODE)
expect_for() {
	case "$1" in
	sva)		echo sva ;;
	hmm|nommu|lts)	echo hmm ;;
	*)		echo "" ;;
	esac
}

DIR=$(cd "$(dirname "$0")" && pwd)

if [ "$1" = "--list" ]; then
	tests_for "$2" || { echo "unknown mode '$2'" >&2; exit 2; }
	exit 0
fi

MODE=${1:-$SVACC_MODE}
if [ -z "$MODE" ]; then
	MODE=$("$DIR/svacc_mode")
	echo "# svacc: detected mode: $MODE"
fi
TESTS=$(tests_for "$MODE") || { echo "# svacc: unknown mode '$MODE'" >&2; exit 1; }
SVACC_EXPECT_MODE=$(expect_for "$MODE")
export SVACC_EXPECT_MODE

total_pass=0; total_fail=0; total_skip=0; total_error=0; bad=""
for t in $TESTS; do
	log=${SVACC_LOG_DIR:-/tmp}/svacc-$t.tap
	[ -n "$SVACC_LOG_DIR" ] && mkdir -p "$SVACC_LOG_DIR"
	echo "# svacc: running $t (mode $MODE)"
	# stream the TAP (a hang still shows the last "# RUN"), keep a copy
	{ "$DIR/$t" 2>&1; echo $? > "$log.rc"; } | tee "$log"
	rc=$(cat "$log.rc" 2>/dev/null || echo 1)
	rm -f "$log.rc"
	totals=$(grep '^# Totals:' "$log" | tail -n 1)
	if [ -z "$totals" ]; then
		echo "# svacc: $t exited $rc without totals: counted as an error"
		total_error=$((total_error + 1)); bad="$bad $t"
		continue
	fi
	p=$(echo "$totals" | sed -n 's/.* pass:\([0-9]*\).*/\1/p')
	f=$(echo "$totals" | sed -n 's/.* fail:\([0-9]*\).*/\1/p')
	s=$(echo "$totals" | sed -n 's/.* skip:\([0-9]*\).*/\1/p')
	e=$(echo "$totals" | sed -n 's/.* error:\([0-9]*\).*/\1/p')
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
	total_skip=$((total_skip + s)); total_error=$((total_error + e))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ] || [ "$s" -ne 0 ] || [ "$e" -ne 0 ]; then
		bad="$bad $t"
	fi
	[ -z "$SVACC_LOG_DIR" ] && rm -f "$log"
done

echo "# svacc selftests: mode=$MODE pass=$total_pass fail=$total_fail skip=$total_skip error=$total_error"
if [ -n "$bad" ] || [ "$total_pass" -eq 0 ]; then
	echo "# svacc selftests: FAILED in mode $MODE:$bad"
	exit 1
fi
echo "# svacc selftests: PASSED in mode $MODE"
exit 0
