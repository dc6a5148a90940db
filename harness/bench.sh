#!/bin/bash
# `make bench`: what the svacc device, driver and emulator cost, in one run.
#   1. `svacc bench-host` (the guest's own static binary, run natively)
#      measures the host's memcpy at the guest's sizes, pools and cache
#      states, its null syscall and the 8-process copy pattern, before any
#      VM runs;
#   2. each mode boots once and runs `svacc bench` (CSV rows on stdout);
#   3. device figures are divided by the host's: engine_vs_host_*,
#      scale_8_bg_vs_host, crossover_bytes_host;
#   4. out/bench/results.csv (figure,mode,value,unit,samples,min,max), the
#      table (goals, where each mode stands, which figures are emulator-only)
#      on stdout and in out/bench/table.txt, and out/bench/bench.png.
# Guests get -smp 2, as in harness/modes (a copy of it, without the device's
# x-inject-* options); SVACC_BENCH_SMP=n overrides. SVACC_BENCH_MODES="sva hmm"
# limits the modes (default: those not on the debug kernel, whose sanitizers
# make timings meaningless); SVACC_BENCH_{REPS,LAT_N,FAULT_N,SCALE_MS,ONLY,QUICK} go
# to both sides. SVACC_BENCH_REUSE=1 rebuilds table and plot from the logs of
# the last run. A mode that fails to boot or run, or whose kernel log holds
# a splat (harness/splat-scan.sh), is reported and the others go on.
# Definitions: tools/accel/svacc/bench.rst.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$OUT/bench
mkdir -p "$dir"
smp=${SVACC_BENCH_SMP:-2}
# (Modes built for a few suites, e.g. with error injection, are variants of
# these; the debug kernel's modes are left out unless named.)
modes=${SVACC_BENCH_MODES:-$(for m in $(plain_modes); do
	[ "$(mode_field "$m" 2)" = debug ] || printf '%s ' "$m"; done)}
csv=$dir/results.csv
rows=$dir/rows.tmp
reuse=${SVACC_BENCH_REUSE:-0}
# The guest's CPU copies with glibc's vector loops: TCG runs `rep movsb` and
# `rep stosb` a byte per iteration, which would measure the emulator only.
tunables=glibc.cpu.x86_rep_movsb_threshold=1000000000:glibc.cpu.x86_rep_stosb_threshold=1000000000
benv=""
for v in REPS LAT_N FAULT_N SCALE_MS ONLY QUICK; do
	eval "val=\${SVACC_BENCH_$v:-}"
	# shellcheck disable=SC2154 # val is set by the eval
	[ -z "$val" ] || benv="$benv SVACC_BENCH_$v=$val"
done
: >"$rows"

# Rows of one log: figure,<mode>,value,unit,samples,min,max
rows_of() {
	grep -E "^[A-Za-z0-9_]+,$1,[-+0-9.eE]+,[^,]+,[0-9]+,[-+0-9.eEinf]+,[-+0-9.eEinf]+\$" "$2" || true
}

# 1. The host, natively, before any VM runs (QEMU would compete with it).
if [ "$reuse" = 1 ] && [ -s "$dir/host.csv" ]; then
	log "bench: host: reusing $dir/host.csv"
else
	user=$("$HARNESS/build-user.sh")
	log "bench: host (native svacc bench-host)"
	# shellcheck disable=SC2086 # benv is a list of VAR=value words
	env $benv "$user/root/usr/bin/svacc" bench-host >"$dir/host.csv" 2>"$dir/host.log" ||
		die "svacc bench-host failed: $(tail -5 "$dir/host.log")"
fi
rows_of host "$dir/host.csv" >>"$rows"
grep -E '^bench: ' "$dir/host.log" >&2 || true

# 2. One boot per mode. Error injection slows the device on purpose.
sed -E -e "s/-smp [0-9]+/-smp $smp/" -e "s/,x-inject-[a-z-]+=[0-9]+//g" "$MODES_FILE" >"$dir/modes"
failed=""
for m in $modes; do
	rc=0
	if [ "$reuse" = 1 ] && [ -s "$dir/$m.log" ]; then
		log "bench: mode $m: reusing $dir/$m.log"
	else
		log "bench: mode $m (-smp $smp)"
		SVACC_MODES_FILE=$dir/modes SVACC_VM_TIMEOUT=${SVACC_VM_TIMEOUT:-1200} \
			"$HARNESS/vm.sh" "$m" cmd "GLIBC_TUNABLES=$tunables$benv svacc bench" \
			>"$dir/$m.log" 2>"$dir/$m.host.log" || rc=$?
	fi
	# The guest's stdout and stderr share one channel: keep only the rows.
	rows_of "$m" "$dir/$m.log" >>"$rows"
	grep -E '^bench: ' "$dir/$m.log" >&2 || true
	# The run's own output dir, as vm.sh announced it.
	vmdir=$(sed -n 's/^svacc: outputs in //p' "$dir/$m.host.log" | tail -1)
	splats=
	if [ -z "$vmdir" ] || ! splats=$("$HARNESS/splat-scan.sh" -n 3 "$vmdir/$m/guest.log" 2>&1); then
		log "bench: mode $m: kernel log not clean: ${splats:-no console log}"
		[ "$rc" != 0 ] || rc=1
	fi
	if [ "$rc" != 0 ]; then
		log "bench: mode $m: exit $rc (logs: $dir/$m.log, $dir/$m.host.log)"
		failed="$failed $m"
	fi
done

# 3. Device / host, per mode. For a ratio a/b: value = a/b of the medians;
# min = min(a)/max(b), max = max(a)/min(b) (independent samples).
awk -F, -v OFS=, '
	{ v[$1, $2] = $3; n[$1, $2] = $5; lo[$1, $2] = $6; hi[$1, $2] = $7
	  if ($2 != "host" && !($2 in seen)) { seen[$2] = 1; order[++nm] = $2 } }
	function ratio(out, a, ma, b, mb) {
		if (!((a, ma) in v) || !((b, mb) in v) || v[b, mb] == 0 || lo[b, mb] == 0) return 0
		rv = v[a, ma] / v[b, mb]; rlo = lo[a, ma] / hi[b, mb]; rhi = hi[a, ma] / lo[b, mb]
		rn = n[a, ma] < n[b, mb] ? n[a, ma] : n[b, mb]
		print out, ma, sprintf("%.6g", rv), "ratio", rn, sprintf("%.6g", rlo), sprintf("%.6g", rhi)
		return 1
	}
	function bytes(s) { b = s + 0; if (s ~ /K$/) b *= 1024; else if (s ~ /M$/) b *= 1048576; return b }
	# The smallest size from which the device stays at or below the host
	# memcpy up to 1 MiB (0: never), with the device on the host footing:
	# its fixed part (f, the 64-byte latency) divided by k, the guest/host
	# syscall ratio, the rest (the copy) as measured. D, H: which statistic.
	function xo(m, D, H,    i, s, x, d) {
		x = 0
		for (i = nxo; i >= 1; i--) {
			s = xos[i]
			if (!((("xo_dev_" s) SUBSEP m) in D) || !((("xo_cpu_" s) SUBSEP "host") in H)) break
			d = D["xo_dev_" s, m] - f + f / k
			if (d > H["xo_cpu_" s, "host"]) break
			x = bytes(s)
		}
		return x
	}
	END {
		split("4K 16K 64K 256K 1M 4M 16M 64M", thr, " ")
		nxo = split("64 128 256 512 1K 2K 4K 8K 16K 32K 64K 128K 256K 512K 1M", xos, " ")
		for (j = 1; j <= nm; j++) {
			m = order[j]
			for (c = 1; c <= 2; c++) {
				st = c == 1 ? "hot" : "cold"; best = ""
				for (i = 1; i <= 8; i++) {
					fig = "engine_vs_host_" st "_" thr[i]
					if (!ratio(fig, "thr_dev_" st "_" thr[i], m, "thr_cpu_" st "_" thr[i], "host")) continue
					if (bytes(thr[i]) >= 1048576 && (best == "" || rv < bv)) {
						best = thr[i]; bv = rv; bl = rlo; bh = rhi; bn = rn
					}
				}
				# the headline: the worst size at or above 1 MiB
				if (best != "")
					print "engine_vs_host_" st, m, sprintf("%.6g", bv), "ratio", bn, sprintf("%.6g", bl), sprintf("%.6g", bh)
			}
			ratio("engine_vs_host", "thr_dev_hot_64M", m, "thr_cpu_hot_64M", "host")
			ratio("scale_8_bg_vs_host", "scale_bg_8proc", m, "scale_bg_8proc", "host")
			if (ratio("tcg_syscall_factor", "null_syscall_ns", m, "null_syscall_ns", "host") &&
			    ("xo_dev_64", m) in v) {
				k = rv; f = v["xo_dev_64", m]
				print "crossover_bytes_host", m, xo(m, v, v), "bytes", n["xo_dev_64", m], xo(m, lo, hi), xo(m, hi, lo)
			}
		}
	}' "$rows" >"$dir/cross.tmp"
cat "$dir/cross.tmp" >>"$rows"; rm -f "$dir/cross.tmp"
{ echo "figure,mode,value,unit,samples,min,max"; cat "$rows"; } >"$csv"
rm -f "$rows"

# 4. The table: figures with goals, then the others by kind. Goals are
# goals, not assertions. Scope "hmm": judged only where the device runs in
# DEVPT mode with the HMM mirror. Kind: whether a figure carries over to
# hardware (tools/accel/svacc/bench.rst, "Kinds of figures").
awk -F, -v modes="$modes" '
	BEGIN {
		ns = split("\
engine_vs_host_cold|>= 0.8|model|;\
engine_vs_host_hot|>= 0.8|model|;\
fault_latency_vs_cpu|<= 3|mixed|;\
mirror_tax_munmap|<= 1.5|real|hmm;\
submit_ioctl_vs_null|<= 2|mixed|;\
scale_8_bg_vs_host|>= 0.9|model|;\
bytes_verified|= 1|check|;\
submit_ioctl_sw_vs_null||real|;\
mirror_tax_munmap_unused||real|;\
mirror_tax_mprotect||real|;\
first_touch_64m_vs_cpu||mixed|;\
fault_latency_vs_cpu_p99||mixed|;\
fault_latency_vs_cpu_polled||mixed|;\
devtlb_miss_cost||mixed|;\
open_bind_submit_vs_null||mixed|;\
scale_8_bg||model|;\
scale_8_bg_fairness||model|;\
crossover_bytes_host||estimate|;\
submit_latency_portal_p50_ns||emulator|;\
submit_latency_portal_p99_ns||emulator|;\
submit_latency_ioctl_p50_ns||emulator|;\
submit_latency_ioctl_p99_ns||emulator|;\
submit_latency_ioctl_ded_p50_ns||emulator|;\
submit_latency_ioctl_ded_p99_ns||emulator|;\
ioctl_vs_portal_same_wq||emulator|;\
ioctl_shared_vs_dedicated||emulator|;\
crossover_bytes||emulator|;\
scale_8inflight_bg||emulator|;\
qd32_vs_qd1||emulator|;\
batch32_vs_qd1||emulator|;\
open_bind_submit_us||emulator|;\
tcg_syscall_factor||emulator|;\
offload_ratio||emulator|;\
engine_vs_host||emulator|;\
fault_cost_ratio||emulator|;\
faultaround_gain||emulator|;\
portal_vs_ioctl||emulator|;\
scale_8||emulator|", spec, ";")
		nm = split(modes, mode, " ")
	}
	NR > 1 { v[$1, $2] = $3; lo[$1, $2] = $6; hi[$1, $2] = $7 }
	# a crossover of 0: the device never caught up within 64 B .. 1 MiB
	function num(id, x) { return id ~ /^crossover/ && x == 0 ? "never" : sprintf("%.3g", x) }
	END {
		printf "%-32s %-7s %-9s", "figure", "goal", "kind"
		for (j = 1; j <= nm; j++) printf " %-24s", mode[j]
		printf "\n"
		for (i = 1; i <= ns; i++) {
			split(spec[i], f, "|"); id = f[1]; goal = f[2]; kind = f[3]; scope = f[4]
			group = goal != "" ? "goal" : kind
			if (group != last) { if (last != "") printf "\n"; last = group }
			printf "%-32s %-7s %-9s", id, goal, kind == "emulator" ? "emul.info" : kind
			for (j = 1; j <= nm; j++) {
				m = mode[j]
				if (!((id, m) in v)) { printf " %-24s", "-"; continue }
				x = v[id, m] + 0; cell = num(id, x)
				if (lo[id, m] != hi[id, m]) cell = cell " [" num(id, lo[id, m]) "-" num(id, hi[id, m]) "]"
				if (goal != "") {
					split(goal, g, " ")
					ok = g[1] == ">=" ? x >= g[2] : g[1] == "<=" ? x <= g[2] : x == g[2]
					mark = ok ? " met" : " MISSED"
					if (scope == "hmm" && v["xlate_mode", m] != 2) mark = " (info)"
					cell = cell mark
				}
				printf " %-24s", cell
			}
			printf "\n"
		}
		printf "\nvalue [min-max]. kind, i.e. what carries over to hardware (bench.rst):\n"
		printf "  real      guest-kernel path / guest-kernel path, both slowed alike by TCG: carries over\n"
		printf "  mixed     as real, but one side also waits for emulated hardware steps (MMIO exits,\n"
		printf "            vIOMMU queues, interrupts, host thread wake-ups) that TCG does not slow alike:\n"
		printf "            carries over only as far as the kernel work dominates\n"
		printf "  model     the device model (host speed) / native host code, same size and cache state:\n"
		printf "            a property of the model; on hardware the same ratio measures the silicon\n"
		printf "  estimate  a guest figure put on the host footing by a measured factor\n"
		printf "  check     correctness, not performance\n"
		printf "  emul.info measures the emulator (TCG), never the device or the driver\n"
		printf "One run of make bench; samples and spreads per row in out/bench/results.csv.\n"
		printf "host memcpy cold 64 MiB: %.0f MB/s, hot 4 KiB: %.0f MB/s\n",
			v["thr_cpu_cold_64M", "host"], v["thr_cpu_hot_4K", "host"]
	}' "$csv" | tee "$dir/table.txt"

# 5. bench.png: throughput (device hot/cold per mode, host memcpy hot/cold,
# guest memcpy) and time per copy (device, guest CPU, host), both log-log.
dat=$dir/bench.dat
: >"$dat"
curve() {	# curve <figure prefix> <mode>: "bytes value" lines of one block
	awk -F, -v p="$1" -v m="$2" '$2 == m && index($1, p) == 1 {
		s = substr($1, length(p) + 1)
		b = s + 0; if (s ~ /K$/) b *= 1024; else if (s ~ /M$/) b *= 1048576
		print b, $3 }' "$csv" | sort -n
	printf '\n\n'
}
colors=('#009e73' '#0072b2' '#e69f00' '#cc3377' '#56b4e9' '#d55e00')
idx=0
thr=""
lat=""
add() {	# add <var> <prefix> <mode> <title> <style>
	[ -n "$(curve "$2" "$3" | tr -d '\n')" ] || return 0
	curve "$2" "$3" >>"$dat"
	printf -v "$1" '%s%s' "${!1}" "${!1:+, }'$dat' index $idx using 1:2 with linespoints $5 title '$4'"
	idx=$((idx + 1))
}
j=0
for m in $modes; do
	c=${colors[$((j % ${#colors[@]}))]}
	add thr thr_dev_hot_ "$m" "$m: device, hot" "dt 1 pt 7 lw 2 lc rgb '$c'"
	add thr thr_dev_cold_ "$m" "$m: device, cold" "dt 2 pt 6 lw 2 lc rgb '$c'"
	add thr thr_cpu_hot_ "$m" "$m: guest memcpy, hot" "dt 3 pt 0 lw 1 lc rgb '$c'"
	add lat xo_dev_ "$m" "$m: device (submit to record)" "dt 1 pt 7 lw 2 lc rgb '$c'"
	add lat xo_cpu_ "$m" "$m: guest memcpy" "dt 3 pt 0 lw 1 lc rgb '$c'"
	j=$((j + 1))
done
add thr thr_cpu_hot_ host "host memcpy, hot" "dt 1 pt 5 lw 2 lc rgb 'black'"
add thr thr_cpu_cold_ host "host memcpy, cold" "dt 2 pt 4 lw 2 lc rgb 'black'"
add lat xo_cpu_ host "host memcpy" "dt 1 pt 5 lw 2 lc rgb 'black'"
if [ -n "$thr" ] && command -v gnuplot >/dev/null; then
	term=pngcairo
	gnuplot -e 'set terminal' 2>&1 | grep -qw pngcairo || term=png
	gnuplot <<EOF || log "bench: gnuplot failed"
set terminal $term size 1200,1300 font ",10"
set output '$dir/bench.png'
set multiplot layout 2,1
set logscale xy
set grid xtics ytics
set key outside right top
set xtics ("64" 64, "256" 256, "1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, "4M" 4194304, "16M" 16777216, "64M" 67108864)
set title "copy throughput: device MEMMOVE (one descriptor at a time, record polled) vs memcpy, hot and cold (TCG guest, -smp $smp)"
set xlabel "bytes per copy"
set ylabel "MB/s (10^6 bytes/s)"
set xrange [3000:90000000]
plot $thr
set title "time of one copy, hot: device (submission to completion record) vs memcpy"
set ylabel "ns"
set xrange [48:1400000]
plot ${lat:-1/0 notitle}
unset multiplot
EOF
	log "bench: plot in $dir/bench.png"
fi
if [ -n "$failed" ]; then
	log "bench: modes that did not finish:$failed"
	exit 1
fi
