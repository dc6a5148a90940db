#!/bin/bash
# Boot one mode (harness/modes) once. prepare-kernel.sh must have run for the
# mode's kernel. Actions:
#   suites          run every suite in the initramfs; TAP in out/<mode>/results.tap
#   cmd '<shell>'   run one command, print its output, exit with its status
#   demo            run harness/guest/demo.sh, print its output
#   shell           interactive: guest console on this terminal (Ctrl-A X quits)
# Guest console -> out/<mode>/guest.log (ttyS0); results -> results.tap (ttyS1).
# Batch runs are bounded by a host watchdog (SVACC_VM_TIMEOUT, default 600 s),
# each suite by SVACC_SUITE_TIMEOUT (default 300 s), both times the kernel's
# kernel_time_factor (lib.sh); exit 124 when the watchdog fired (the
# collector then names the test that was running).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:?usage: run-vm.sh <mode> suites|cmd|demo|shell [command]}
action=${2:-suites}
cmd=${3:-}

kernel=$(mode_field "$mode" 2)
[ -n "$kernel" ] || die "unknown mode '$mode'; modes: $(grep -oE '^[a-z0-9_-]+' "$MODES_FILE" | tr '\n' ' ')"
read -r -a qopts <<<"$(mode_field "$mode" 3)"
factor=$(kernel_time_factor "$kernel")
cmdline=$(mode_field "$mode" 4)

env=$OUT/kernel-$kernel.env
[ -f "$env" ] || die "$env missing: run harness/prepare-kernel.sh $kernel first"
. "$env"
[ -f "$INITRD" ] && [ -f "$KIMAGE" ] || die "$KIMAGE or $INITRD vanished (concurrent rebuild?): rerun"
qemu=${SVACC_QEMU:-$(qemu_bin "$("$HARNESS/build-qemu.sh")")}

# What the harness suite should find, derived from the mode's own options.
case " ${qopts[*]} " in
*intel-iommu*svm=on*) expect_iommu=sva ;;
*intel-iommu*) expect_iommu=plain ;;
*) expect_iommu=none ;;
esac

# 5-level paging: on unless the CPU model turns LA57 off (TCG's "max" has it).
case " ${qopts[*]} " in
*la57=off*) expect_la57=off ;;
*) expect_la57=on ;;
esac

# The svacc device's own ATS/PRI properties (both default on).
devopt=$(printf '%s\n' "${qopts[@]}" | grep -E '^svacc(,|$)' || true)
case ",$devopt," in *,ats=off,*) expect_ats=off ;; *) expect_ats=on ;; esac
case ",$devopt," in *,pri=off,*) expect_pri=off ;; *) expect_pri=on ;; esac

# Guest environment from the host: SVACC_GUEST_ENV="NAME=value ..." (plain
# words), e.g. a fuzzer seed or the long form of a torture suite.
guest_env=()
for kv in ${SVACC_GUEST_ENV:-}; do
	[[ $kv =~ ^[A-Z_][A-Z0-9_]*=[A-Za-z0-9_.,:/+-]*$ ]] || die "SVACC_GUEST_ENV: '$kv' is not NAME=plain-value"
	guest_env+=("export $kv")
done

dir=$OUT/$mode
rm -rf "$dir"; mkdir -p "$dir/run/svacc"
# shellcheck disable=SC2086 # SUITES: a word list
suites=$(mode_suites "$mode" $SUITES)
cat >"$dir/run/svacc/run.conf" <<EOS
MODE=$mode
KERNEL=$kernel
EXPECT_RELEASE=$RELEASE
EXPECT_IOMMU=$expect_iommu
EXPECT_ATS=$expect_ats
EXPECT_PRI=$expect_pri
EXPECT_LA57=$expect_la57
SUITES="$suites"
ACTION=$action
SUITE_TIMEOUT=$(( ${SVACC_SUITE_TIMEOUT:-300} * factor ))
export SVACC_DEVICE_OPTS="$devopt"
export SVACC_QMP=$([ "$action" = shell ] && echo 0 || echo 1)
$(printf '%s\n' "${guest_env[@]}")
EOS
printf '%s\n' "$cmd" >"$dir/run/svacc/cmd"
# Per-run settings ride in a second cpio appended to the cached initramfs
# (the kernel unpacks concatenated archives in order).
(cd "$dir/run" && find . | cpio -o -H newc --quiet -R 0:0 | gzip -1) | cat "$INITRD" - >"$dir/initrd.img"
rm -rf "$dir/run"

# (Firmware search path: the wrapper from build-qemu.sh adds -L.)
# no_timer_check: under TCG on a loaded host the IO-APIC timer check can miss
# its window and panic the boot ("timer doesn't work through
# Interrupt-remapped IO-APIC"); the check proves nothing about svacc.
# QEMU trace events for debugging: SVACC_QEMU_TRACE="svacc_page_* svacc_complete"
# writes them to the run's qemu-trace.log (the log backend is built in).
trace=()
for ev in ${SVACC_QEMU_TRACE:-}; do
	[[ $ev =~ ^[A-Za-z0-9_*]+$ ]] || die "SVACC_QEMU_TRACE: '$ev' is not a trace event pattern"
	trace+=(-trace "$ev")
done
[ ${#trace[@]} -eq 0 ] || trace+=(-D "$dir/qemu-trace.log")
args=(-nodefaults -display none -no-reboot
	"${qopts[@]}" "${trace[@]}"
	-kernel "$KIMAGE" -initrd "$dir/initrd.img"
	-append "console=ttyS0 panic=-1 no_timer_check $cmdline")
printf '%q ' "$qemu" "${args[@]}" >"$dir/qemu.cmd"; echo >>"$dir/qemu.cmd"

if [ "$action" = shell ]; then
	exec "$qemu" "${args[@]}" \
		-chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon chardev=con,mode=readline \
		-chardev file,id=res,path="$dir/results.tap" -serial chardev:res
fi

# The guest asks the host for QMP commands (device_del/device_add of the
# svacc device) with "# svacc-qmp <id> <request>" lines on the results port;
# harness/qmp-agent.py runs them and answers on the guest's ttyS2.
: >"$dir/results.tap"
"$HARNESS/qmp-agent.py" "$dir/results.tap" "$dir/qmp.sock" "$dir/agent.sock" \
	>"$dir/qmp-agent.log" 2>&1 &
agent=$!
to=$(( ${SVACC_VM_TIMEOUT:-600} * factor ))
start=$(date +%s)
rc=0
timeout -k 10 "$to" "$qemu" "${args[@]}" \
	-chardev file,id=con,path="$dir/guest.log" -serial chardev:con \
	-chardev file,id=res,path="$dir/results.tap" -serial chardev:res \
	-chardev socket,id=agent,path="$dir/agent.sock",server=on,wait=off -serial chardev:agent \
	-qmp unix:"$dir/qmp.sock",server=on,wait=off \
	</dev/null >"$dir/qemu.out" 2>&1 || rc=$?
kill "$agent" 2>/dev/null || true
wait "$agent" 2>/dev/null || true
echo "$(( $(date +%s) - start ))" >"$dir/seconds"
touch "$dir/results.tap" "$dir/guest.log"
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "# svacc-watchdog fired after ${to}s" >>"$dir/results.tap"
	rc=124
elif [ "$rc" != 0 ]; then
	log "$mode: qemu exited $rc: $(tail -3 "$dir/qemu.out")"
fi
echo "$rc" >"$dir/qemu.rc"

case $action in
cmd|demo)
	# Print the command's output (results channel only) and return its status.
	tr -d '\r' <"$dir/results.tap" | sed -n "/^# svacc-begin $action\$/,/^# svacc-end $action rc=/p" | sed '1d;$d'
	crc=$(tr -d '\r' <"$dir/results.tap" | sed -n "s/^# svacc-end $action rc=\([0-9]*\)\$/\1/p")
	if [ -z "$crc" ]; then
		log "$mode: the guest never finished the command (qemu rc $rc; console log $dir/guest.log)"
		tail -20 "$dir/guest.log" >&2
		exit "$([ "$rc" = 124 ] && echo 124 || echo 125)"
	fi
	exit "$crc"
	;;
esac
exit "$rc"
