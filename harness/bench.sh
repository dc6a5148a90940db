#!/bin/bash
# `make bench`: the svacc performance ratios of issue 6, measured in one run.
#   1. host: bench-host (native) measures host memcpy at 64 MiB;
#   2. each mode boots once and runs `svacc bench` (CSV rows on stdout);
#   3. engine_vs_host = the guest's engine_memmove_64M / host_memcpy_64M;
#   4. out/bench/results.csv (figure,mode,value,unit), a table with the
#      targets on stdout, out/bench/throughput.png (gnuplot).
# Guests get -smp 2, as in harness/modes (a copy of it, without the device's
# inject-* options); SVACC_BENCH_SMP=n overrides.
# SVACC_BENCH_MODES="sva hmm" limits the modes; SVACC_BENCH_REPS is passed to
# the guest. A mode that fails to boot or run is reported and the others go on.
# See Documentation/accel/svacc/bench.rst.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$OUT/bench
mkdir -p "$dir"
smp=${SVACC_BENCH_SMP:-2}
modes=${SVACC_BENCH_MODES:-$(grep -oE '^[a-z0-9_-]+' "$MODES_FILE" | tr '\n' ' ')}
csv=$dir/results.csv
rows=$dir/rows.tmp
: >"$rows"

# 1. Host memcpy (before any VM runs, so QEMU does not compete with it).
# SVACC_BENCH_REUSE=1 (for working on this script) re-reads the logs of the
# last run instead of booting.
cc -O2 -Wall -Wextra -o "$dir/bench-host" "$HARNESS/bench-host.c"
"$dir/bench-host" 9 >>"$rows" 2>"$dir/host.log" || die "bench-host failed: $(cat "$dir/host.log")"
cat "$dir/host.log" >&2

# 2. One boot per mode.
# Error injection slows the device on purpose: the bench measures it without.
sed -E -e "s/-smp [0-9]+/-smp $smp/" -e "s/,inject-[a-z-]+=[0-9]+//g" "$MODES_FILE" >"$dir/modes"
failed=""
for m in $modes; do
	rc=0
	if [ "${SVACC_BENCH_REUSE:-0}" = 1 ] && [ -s "$dir/$m.log" ]; then
		log "bench: mode $m: reusing $dir/$m.log"
	else
		log "bench: mode $m (-smp $smp)"
		SVACC_MODES_FILE=$dir/modes SVACC_VM_TIMEOUT=${SVACC_VM_TIMEOUT:-900} \
			"$HARNESS/vm.sh" "$m" cmd "SVACC_BENCH_REPS=${SVACC_BENCH_REPS:-5} svacc bench" \
			>"$dir/$m.log" 2>"$dir/$m.host.log" || rc=$?
	fi
	# The guest's stdout and stderr share one channel: keep only the rows.
	grep -E "^[A-Za-z0-9_]+,$m,[-+0-9.eE]+,[^,]+\$" "$dir/$m.log" >>"$rows" || true
	grep -E '^bench: ' "$dir/$m.log" >&2 || true
	if [ "$rc" != 0 ]; then
		log "bench: mode $m: exit $rc (logs: $dir/$m.log, $dir/$m.host.log)"
		failed="$failed $m"
	fi
done

# 3. engine_vs_host, 4. results.csv
awk -F, '$1 == "host_memcpy_64M" { host = $3 }
	$1 == "engine_memmove_64M" { eng[$2] = $3; order[++n] = $2 }
	END { for (i = 1; i <= n; i++) if (host > 0)
		printf "engine_vs_host,%s,%.4g,ratio\n", order[i], eng[order[i]] / host }' \
	"$rows" >"$dir/evh.tmp"
cat "$dir/evh.tmp" >>"$rows"; rm -f "$dir/evh.tmp"
{ echo "figure,mode,value,unit"; cat "$rows"; } >"$csv"
rm -f "$rows"

# Table: the targets of issue 6 (goals, not assertions), one column per mode.
awk -F, -v modes="$modes" '
	BEGIN {
		nf = split("offload_ratio engine_vs_host fault_cost_ratio faultaround_gain portal_vs_ioctl scale_8", fig, " ")
		split(">= 2.0,>= 0.5,<= 5,>= 8,>= 2,>= 1.8", tgt, ",")
		scope["offload_ratio"] = "sva"
		nm = split(modes, mode, " ")
	}
	NR > 1 { v[$1, $2] = $3; if ($1 == "host_memcpy_64M") host = $3 }
	END {
		printf "%-18s %-14s", "figure", "target"
		for (j = 1; j <= nm; j++) printf " %-14s", mode[j]
		printf "\n"
		for (i = 1; i <= nf; i++) {
			f = fig[i]; split(tgt[i], t, " ")
			printf "%-18s %-14s", f, tgt[i] (f in scope ? " (" scope[f] ")" : "")
			for (j = 1; j <= nm; j++) {
				if (!((f, mode[j]) in v)) { printf " %-14s", "-"; continue }
				x = v[f, mode[j]] + 0
				ok = t[1] == ">=" ? x >= t[2] : x <= t[2]
				mark = ok ? "met" : "MISSED"
				if (f in scope && scope[f] != mode[j]) mark = "(info)"
				printf " %-14s", sprintf("%.3g %s", x, mark)
			}
			printf "\n"
		}
		printf "\nhost memcpy 64 MiB: %.0f MB/s; table and rows: out/bench/results.csv\n", host
	}' "$csv" | tee "$dir/table.txt"

# 5. throughput.png: MB/s vs transfer size, CPU memcpy vs device MEMMOVE per mode.
dat=$dir/throughput.dat
: >"$dat"
plot=""
i=0
colors=('#009e73' '#0072b2' '#e69f00' '#cc3377' '#555555' '#56b4e9')
for m in $modes; do
	for k in cpu dev; do
		n=$(awk -F, -v m="$m" -v k="$k" '$2 == m && $1 ~ "^throughput_" k "_" { c++ } END { print c + 0 }' "$csv")
		[ "$n" -gt 0 ] || continue
		{
			echo "# $m $k"
			awk -F, -v m="$m" -v k="$k" '$2 == m && $1 ~ "^throughput_" k "_" {
				s = $1; sub("^throughput_" k "_", "", s)
				b = s + 0; if (s ~ /K$/) b *= 1024; else if (s ~ /M$/) b *= 1048576
				print b, $3 }' "$csv" | sort -n
			printf '\n\n'
		} >>"$dat"
		lbl=$([ "$k" = cpu ] && echo "CPU memcpy" || echo "device MEMMOVE")
		dt=$([ "$k" = cpu ] && echo 2 || echo 1)
		pt=$([ "$k" = cpu ] && echo 6 || echo 7)
		plot="$plot${plot:+, }'$dat' index $i using 1:2 with linespoints dt $dt pt $pt lw 2 lc rgb '${colors[$(( ($(echo " $modes " | tr ' ' '\n' | grep -n -x "$m" | cut -d: -f1) - 2) % ${#colors[@]} ))]}' title '$m: $lbl'"
		i=$((i + 1))
	done
done
if [ -n "$plot" ] && command -v gnuplot >/dev/null; then
	term=pngcairo
	gnuplot -e 'set terminal' 2>&1 | grep -qw pngcairo || term=png
	gnuplot <<EOF || log "bench: gnuplot failed"
set terminal $term size 1100,700 font ",11"
set output '$dir/throughput.png'
set title "svacc: copy throughput vs transfer size (TCG guest, -smp $smp; warm memory)"
set logscale xy
set xlabel "transfer size"
set ylabel "MB/s (10^6 bytes/s)"
set xtics ("4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, "4M" 4194304, "16M" 16777216, "64M" 67108864)
set xrange [3000:90000000]
set grid xtics ytics mytics
set key outside right top
set label 1 "CPU below 1 MiB: glibc uses rep movsb,\nwhich TCG emulates a byte at a time" at 5000,60 font ",9"
plot $plot
EOF
	log "bench: plot in $dir/throughput.png"
fi
if [ -n "$failed" ]; then
	log "bench: modes that did not finish:$failed"
	exit 1
fi
