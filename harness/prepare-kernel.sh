#!/bin/bash
# Everything one guest kernel needs before a VM can boot: the kernel image,
# svacc.ko (if the driver has sources), the static test binaries and the
# initramfs. Writes $OUT/kernel-<k>.env (KIMAGE, INITRD, RELEASE, SUITES).
# A broken module or test build does not stop the VM (the harness suite still
# runs): each build step that has sources is a TAP test in suite "build",
# framed like guest results in $OUT/build/<k>.tap, counted by check.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: prepare-kernel.sh mainline|debug|lts}
mkdir -p "$OUT/build"
tap=$OUT/build/$kernel.tap
n=0
echo "# svacc-begin build" >"$tap"
result() { n=$((n + 1)); echo "$1 $n $2" >>"$tap"; }

case $kernel in
mainline|debug) kbuild=$("$HARNESS/build-mainline.sh" "$kernel"); kimage=$kbuild/arch/x86/boot/bzImage ;;
lts) root=$("$HARNESS/fetch-lts.sh"); kimage=$root/boot/vmlinuz-$(cat "$root/release") ;;
*) die "unknown kernel '$kernel' (see harness/modes)" ;;
esac

# Build logs stay in out/build/ so a failure can be read after the summary.
ko=
mlog=$OUT/build/svacc.ko-$kernel.log
if ko=$("$HARNESS/build-module.sh" "$kernel" 2>"$mlog"); then
	[ -z "$ko" ] || result ok "svacc.ko-$kernel"
else
	log "svacc.ko for $kernel failed to build; log: $mlog"
	grep -E 'error|Error' "$mlog" | head -20 >&2 || true
	result "not ok" "svacc.ko-$kernel (log: $mlog)"
	ko=
fi
user=
ulog=$OUT/build/user-$kernel.log
if user=$("$HARNESS/build-user.sh" 2>"$ulog"); then
	[ -z "$(find "$user/root" -type f)" ] || result ok "user-binaries"
else
	log "user binaries failed to build; log: $ulog"
	grep -E 'error' "$ulog" | head -20 >&2 || true
	result "not ok" "user-binaries (log: $ulog)"
	# What did build still goes into the guest (e.g. the CLI without the
	# selftests); the selftests suite then fails on what is missing.
	[ -n "$user" ] && [ -d "$user/root" ] || user=
fi
echo "1..$n" >>"$tap"
echo "# svacc-end build rc=0" >>"$tap"
initrd=$("$HARNESS/mkinitramfs.sh" "$kernel" "$ko" "$user")

cat >"$OUT/kernel-$kernel.env" <<EOS
KIMAGE=$kimage
INITRD=$initrd
RELEASE=$(cat "$initrd.release")
SUITES="$(tr '\n' ' ' <"$initrd.suites" | sed 's/ $//')"
EOS
