#!/bin/bash
# Build the svacc module for one guest kernel: mainline or debug (against that
# flavor's O= build, where its Kconfig is grafted in) or lts (out of tree against Debian's headers,
# symbol forced =m on the make line: the "insmod on a distro kernel" case).
# The repo's drivers/accel/svacc and include/ are mirrored into the cache by
# content first, so build products never land in the repo and Kbuild sees only
# real changes; the driver's own relative include paths keep working.
# Prints the .ko path, or nothing when the driver has no sources yet.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: build-module.sh mainline|debug|lts}
drv=$REPO/drivers/accel/svacc
compgen -G "$drv/*.c" >/dev/null || exit 0

case $kernel in
mainline|debug)
	kbuild=$("$HARNESS/build-mainline.sh" "$kernel")
	kdir=$(readlink -f "$kbuild/source")
	# bookworm's sparse (0.6.4) cannot parse 7.x headers: a newer one,
	# built from Debian's source package (build-sparse.sh).
	sparse=$("$HARNESS/build-sparse.sh")
	kargs=(O="$kbuild" W=1 C=2 CHECK="$sparse")
	;;
lts)
	root=$("$HARNESS/fetch-lts.sh")
	kdir=$root/usr/src/linux-headers-$(cat "$root/release")
	# Debian's config wants BTF for modules, which needs pahole (not
	# installed): a module without BTF loads fine.
	kargs=(CONFIG_DRM_ACCEL_SVACC=m CONFIG_DEBUG_INFO_BTF_MODULES= W=1 C=2)
	;;
*) die "unknown kernel '$kernel'" ;;
esac

# One mirror per clone: two trees building at once must not swap sources.
mirror=$CACHE/module/$kernel-$(printf '%s' "$REPO" | sha256sum | cut -c1-8)
mkdir -p "$mirror"
exec 9>"$mirror/.lock"
flock 9
mkdir -p "$mirror/drivers/accel/svacc" "$mirror/include"
rsync -r --links --perms --checksum --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude=modules.order --exclude=Module.symvers \
	"$drv/" "$mirror/drivers/accel/svacc/"
[ -d "$REPO/include" ] && rsync -r --links --perms --checksum --delete "$REPO/include/" "$mirror/include/"

log "building svacc.ko for $kernel (${kargs[*]})"
# Kbuild prints paths inside the mirror; map them back to the repo for editors.
# (pipefail: a make failure fails the pipeline.) The driver must build
# warning-free with W=1 (and sparse, C=2, where it runs): a warning fails.
# C=2 checks every file, so sparse runs even when nothing was recompiled.
out=$(mktemp)
# Out of tree the uapi header is this repository's (it includes "drm.h" from
# its own directory, which is the kernel's): the driver's Makefile stays the
# in-tree one.
uapi=(KCPPFLAGS="-I$mirror/include/uapi -idirafter \$(srctree)/include/uapi/drm")
make -C "$kdir" "${kargs[@]}" "${uapi[@]}" M="$mirror/drivers/accel/svacc" -j"$JOBS" modules 2>&1 |
	sed "s|$mirror/|$REPO/|g" | tee "$out" >&2 || { rm -f "$out"; die "svacc.ko build for $kernel failed"; }
if grep -E '(warning|error):' "$out" >&2; then
	rm -f "$out"; die "svacc.ko for $kernel: compiler or sparse warnings (above)"
fi
rm -f "$out"
ko=$mirror/drivers/accel/svacc/svacc.ko
[ -f "$ko" ] || die "no svacc.ko produced for $kernel"
echo "$ko"
