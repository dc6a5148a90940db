#!/bin/bash
# Host self-test of harness/splat-scan.sh, run by `make check` as suite
# "splat-scan" (mode "host"): TAP framed like a guest suite on stdout.
# Canned logs in harness/testdata/splat-scan/: clean-*.log must scan clean,
# splat-*.log must each be caught; each is also tried with CRLF line ends and
# buried in a long clean log. Generated here: thousands of KASAN lines, one
# splat after many clean lines, an unreadable log.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

scan=${SVACC_SPLAT_SCAN:-$HARNESS/splat-scan.sh}
data=$HARNESS/testdata/splat-scan
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; fails=$((fails + 1)); shift; [ $# = 0 ] || printf '#   %s\n' "$@"; }

# expect <name> <status> <log>: the scanner exits <status> on <log>.
expect() {
	local name=$1 want=$2 log=$3 out rc
	echo "# RUN $name"
	out=$("$scan" "$log" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name"
	else not_ok "$name" "exit $rc, wanted $want" "$(head -3 <<<"$out")"; fi
}

echo "# svacc-begin splat-scan"
clean=$(find "$data" -name 'clean-*.log' | LC_ALL=C sort)
splats=$(find "$data" -name 'splat-*.log' | LC_ALL=C sort)
if [ -z "$clean" ] || [ -z "$splats" ]; then not_ok canned-logs-present "no clean-*.log or splat-*.log in $data"; fi

# One long clean log: every clean canned log in a row.
for f in $clean; do cat "$f"; done >"$tmp/all-clean.log"

for f in $clean; do
	b=$(basename "$f" .log)
	expect "$b" 0 "$f"
	sed 's/$/\r/' "$f" >"$tmp/$b-crlf.log"
	expect "$b-crlf" 0 "$tmp/$b-crlf.log"
done
for f in $splats; do
	b=$(basename "$f" .log)
	expect "$b" 1 "$f"
	sed 's/$/\r/' "$f" >"$tmp/$b-crlf.log"
	expect "$b-crlf" 1 "$tmp/$b-crlf.log"
	cat "$tmp/all-clean.log" "$f" "$tmp/all-clean.log" >"$tmp/$b-buried.log"
	expect "$b-buried" 1 "$tmp/$b-buried.log"
done

# Thousands of KASAN lines: the case a "grep | head" under pipefail lost.
awk 'BEGIN { for (i = 0; i < 4000; i++)
	printf "[  %4d.%06d] BUG: KASAN: slab-use-after-free in svacc_hmm_fault_work+0x%x/0x900 [svacc]\n", 100 + i / 100, i, i % 2048 }' >"$tmp/kasan-many.log"
expect kasan-4000-lines 1 "$tmp/kasan-many.log"
{ cat "$tmp/kasan-many.log" "$tmp/kasan-many.log"; } >"$tmp/kasan-more.log"
expect kasan-8000-lines 1 "$tmp/kasan-more.log"

# The only splat is the last line, after 20000 clean ones.
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "[  %4d.%06d] svacc 0000:00:03.0: clean line %d\n", i / 1000, i, i
	print "[ 9999.000000] WARNING: CPU: 1 PID: 77 at drivers/accel/svacc/svacc_wq.c:99 svacc_wq_put+0x1/0x2 [svacc]" }' >"$tmp/last-line.log"
expect splat-after-20000-clean-lines 1 "$tmp/last-line.log"

# The report names the first splat and counts the rest.
echo "# RUN reports-first-line-and-count"
out=$("$scan" -n 1 "$tmp/kasan-many.log" 2>&1)
if grep -q "kasan-many.log:1: .*BUG: KASAN: slab-use-after-free" <<<"$out" && grep -q ": 3999 more splat line" <<<"$out"; then
	ok reports-first-line-and-count
else
	not_ok reports-first-line-and-count "$out"
fi

# A log that is not there is not clean.
expect missing-log 2 "$tmp/no-such.log"
: >"$tmp/empty.log"
expect empty-log 0 "$tmp/empty.log"

echo "1..$n"
echo "# svacc-end splat-scan rc=$((fails > 0))"
[ "$fails" = 0 ]
