#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the svacc selftests that apply to one mode and report per-mode totals.
#
#   run_svacc_tests.sh [MODE]        run (MODE: sva, hmm, nommu, lts, la57
#                                    or <mode>-debug on the debug kernel;
#                                    default $SVACC_MODE, else detected)
#   run_svacc_tests.sh --list MODE   print the programs of MODE
#
# A program that cannot apply to a mode is not in that mode's list; when
# the mode was detected (kselftest's run_tests), each of those is named
# with the reason it does not run. Without an svacc device there is
# nothing to test: exit status 4 (KSFT_SKIP) with the reason.
#
# A mode given by the caller (the VM harness) is one the machine must be
# in, so there a skip counts like a failure: 0 failed and 0 skipped is the
# only pass. Logs go to $SVACC_LOG_DIR (default: none kept).
# Exit status: 0 pass, 1 fail (KSFT_FAIL), 4 no device (KSFT_SKIP).

KSFT_SKIP=4

COMMON="svacc_ops svacc_faults svacc_submit svacc_security svacc_lifetime svacc_block"
MODES="sva hmm nommu la57 lts"

# svacc_uffd: a debug kernel (DEBUG_VM) warns, with a stack trace, about
# the userfaultfd faults it provokes; it runs on the other kernels only.
NODEBUG="svacc_uffd"
DEBUG_SET="svacc_security svacc_lifetime svacc_block svacc_hmm"

# The programs of a mode's kernel-independent list.
base_tests() {
	case "$1" in
	sva)		echo "$COMMON" ;;
	# svacc_hmm: the HMM mirror's own scenarios, where the driver mirrors
	# (lts: the 6.12 kernel refuses SVA and the driver falls back to it)
	hmm|nommu|la57|lts)	echo "$COMMON svacc_hmm" ;;
	*)		return 1 ;;
	esac
}

tests_for() {
	case "$1" in
	# The debug kernel's modes run their base mode's programs but $NODEBUG:
	# all of them with SVACC_DEBUG_FULL=1 (make check-debug), else those of
	# isolation and lifetime ($DEBUG_SET), which make check can afford there.
	*-debug)
		t=$(base_tests "${1%-debug}") || return 1
		[ "${SVACC_DEBUG_FULL:-0}" = 1 ] && { echo "$t"; return 0; }
		for p in $t; do
			case " $DEBUG_SET " in *" $p "*) printf '%s ' "$p" ;; esac
		done
		echo ;;
	*)		t=$(base_tests "$1") && echo "$t $NODEBUG" ;;
	esac
}

# The modes whose list has program $1
modes_of() {
	for m in $MODES; do
		case " $(tests_for "$m") " in *" $1 "*) printf '%s ' "$m" ;; esac
	done
}

# The GET_INFO mode the tests must see ($SVACC_EXPECT_MODE)
expect_for() {
	case "$1" in
	*-debug)	expect_for "${1%-debug}" ;;
	sva)		echo sva ;;
	hmm|nommu|lts|la57)	echo hmm ;;
	*)		echo "" ;;
	esac
}

DIR=$(cd "$(dirname "$0")" && pwd)

if [ "$1" = "--list" ]; then
	tests_for "$2" || { echo "unknown mode '$2'" >&2; exit 2; }
	exit 0
fi

MODE=${1:-$SVACC_MODE}
STRICT=1
if [ -z "$MODE" ]; then
	STRICT=0
	err=$("$DIR/svacc_mode" 2>&1 >/dev/null)
	MODE=$("$DIR/svacc_mode" 2>/dev/null)
	if [ "$MODE" = none ] && [ -z "$err" ]; then
		echo "# SKIP: no svacc device to test (is the svacc driver loaded and bound?)"
		exit $KSFT_SKIP
	fi
	[ "$MODE" != none ] || { echo "# svacc: $err"; exit 1; }
	echo "# svacc: detected mode: $MODE"
fi
TESTS=$(tests_for "$MODE") || { echo "# svacc: unknown mode '$MODE'" >&2; exit 1; }
SVACC_EXPECT_MODE=$(expect_for "$MODE")
export SVACC_EXPECT_MODE
if [ "$STRICT" = 0 ]; then
	for t in $(for m in $MODES; do tests_for "$m"; done | tr ' ' '\n' | sort -u); do
		case " $TESTS " in
		*" $t "*) ;;
		*) echo "# svacc: $t not run: its modes are $(modes_of "$t")(this is $MODE)" ;;
		esac
	done
fi

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
	failed=0
	[ "$f" -eq 0 ] && [ "$e" -eq 0 ] || failed=1
	# a program whose every test skipped exits 4 (KSFT_SKIP)
	[ "$rc" -eq 0 ] || [ "$rc" -eq $KSFT_SKIP ] || failed=1
	# where the caller named the mode, nothing may skip
	[ "$STRICT" = 0 ] || { [ "$s" -eq 0 ] && [ "$rc" -eq 0 ]; } || failed=1
	[ "$failed" = 0 ] || bad="$bad $t"
	[ -z "$SVACC_LOG_DIR" ] && rm -f "$log"
done

echo "# svacc selftests: mode=$MODE pass=$total_pass fail=$total_fail" \
     "skip=$total_skip error=$total_error"
if [ -n "$bad" ] || [ "$total_pass" -eq 0 ]; then
	echo "# svacc selftests: FAILED in mode $MODE:$bad"
	exit 1
fi
echo "# svacc selftests: PASSED in mode $MODE"
exit 0
