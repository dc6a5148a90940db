#!/bin/bash
# Build the svacc module for one guest kernel: mainline (against the O= build,
# where its Kconfig is grafted in) or lts (out of tree against Debian's headers,
# symbol forced =m on the make line: the "insmod on a distro kernel" case).
# The repo's drivers/accel/svacc and include/ are mirrored into the cache by
# content first, so build products never land in the repo and Kbuild sees only
# real changes; the driver's own relative include paths keep working.
# Prints the .ko path, or nothing when the driver has no sources yet.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: build-module.sh mainline|lts}
drv=$REPO/drivers/accel/svacc
compgen -G "$drv/*.c" >/dev/null || exit 0

case $kernel in
mainline)
	kbuild=$("$HARNESS/build-mainline.sh")
	kdir=$(readlink -f "$kbuild/source")
	kargs=(O="$kbuild")
	;;
lts)
	root=$("$HARNESS/fetch-lts.sh")
	kdir=$root/usr/src/linux-headers-$(cat "$root/release")
	# Debian's config wants BTF for modules, which needs pahole (not
	# installed): a module without BTF loads fine.
	kargs=(CONFIG_DRM_ACCEL_SVACC=m CONFIG_DEBUG_INFO_BTF_MODULES=)
	;;
*) die "unknown kernel '$kernel'" ;;
esac

mirror=$CACHE/module/$kernel
mkdir -p "$mirror"
exec 9>"$mirror/.lock"
flock 9
mkdir -p "$mirror/drivers/accel/svacc" "$mirror/include"
rsync -r --links --perms --checksum --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude=modules.order --exclude=Module.symvers \
	"$drv/" "$mirror/drivers/accel/svacc/"
[ -d "$REPO/include" ] && rsync -r --links --perms --checksum --delete "$REPO/include/" "$mirror/include/"

log "building svacc.ko for $kernel"
# Kbuild prints paths inside the mirror; map them back to the repo for editors.
# (pipefail: a make failure fails the pipeline.)
make -C "$kdir" "${kargs[@]}" M="$mirror/drivers/accel/svacc" -j"$JOBS" modules 2>&1 |
	sed "s|$mirror/|$REPO/|g" >&2 || die "svacc.ko build for $kernel failed"
ko=$mirror/drivers/accel/svacc/svacc.ko
[ -f "$ko" ] || die "no svacc.ko produced for $kernel"
echo "$ko"
