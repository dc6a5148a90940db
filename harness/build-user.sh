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
ksrc=$(readlink -f "$("$HARNESS/build-mainline.sh" source)")

mkdir -p "$CACHE/user"
exec 9>"$CACHE/user/.lock"
flock 9
key=$(hash_inputs "$tools" "$tests" "$REPO/include" "$0" <(echo "$ksrc"))
out=$CACHE/user/$key
if [ -f "$out/.done" ]; then echo "$out"; exit 0; fi

rm -rf "$out"; mkdir -p "$out/root"
# A component that fails to build does not take the others with it (a
# broken selftest must not leave the guest without the CLI): what built is
# installed, the directory is printed, and the exit status says it failed.
failed=0
for d in "$tools" "$tests"; do
	[ -f "$d/Makefile" ] || continue
	name=$(basename "$(dirname "$d")")-$(basename "$d")
	log "building $(realpath --relative-to="$REPO" "$d")"
	# OUT= keeps objects out of the repo; `all` first so a failure names the step.
	if ! make -s -C "$d" KSRC="$ksrc" OUT="$out/$name" -j"$JOBS" all >&2; then
		log "error: build of $d failed"; failed=1; continue
	fi
	make -s -C "$d" KSRC="$ksrc" OUT="$out/$name" DESTDIR="$out/root" install >&2 ||
		{ log "error: install of $d failed"; failed=1; }
done
[ "$failed" = 1 ] || touch "$out/.done"
echo "$out"
exit "$failed"
