#!/bin/bash
# Build the static user-space binaries that go into every initramfs, with the
# components' own Makefiles (standalone mode, KSRC = the mainline tree for
# kselftest_harness.h and drm.h), installed into one root overlay:
#   tools/accel/svacc                           -> /usr/bin/svacc (CLI)
#   tools/testing/selftests/drivers/accel/svacc -> /usr/lib/svacc-selftests/
# The output dir is keyed by the hash of all inputs; prints it. Its root/ is
# copied over the initramfs; suites are found there by mkinitramfs.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tools=$REPO/tools/accel/svacc
tests=$REPO/tools/testing/selftests/drivers/accel/svacc
kbuild=$("$HARNESS/build-mainline.sh")
ksrc=$(readlink -f "$kbuild/source")

mkdir -p "$CACHE/user"
exec 9>"$CACHE/user/.lock"
flock 9
key=$(hash_inputs "$tools" "$tests" "$REPO/include" "$0" <(echo "$ksrc"))
out=$CACHE/user/$key
if [ -f "$out/.done" ]; then echo "$out"; exit 0; fi

rm -rf "$out"; mkdir -p "$out/root"
for d in "$tools" "$tests"; do
	[ -f "$d/Makefile" ] || continue
	name=$(basename "$(dirname "$d")")-$(basename "$d")
	log "building $(realpath --relative-to="$REPO" "$d")"
	# OUT= keeps objects out of the repo; `all` first so a failure names the step.
	make -s -C "$d" KSRC="$ksrc" OUT="$out/$name" -j"$JOBS" all >&2 || die "build of $d failed"
	make -s -C "$d" KSRC="$ksrc" OUT="$out/$name" DESTDIR="$out/root" install >&2 || die "install of $d failed"
done
touch "$out/.done"
echo "$out"
