#!/bin/bash
# Build the mainline guest kernel (bzImage + in-tree modules) from the vanilla
# orig tarball with harness/kernel/mainline.config. The svacc Kconfig is
# grafted into the tree the way the upstream series will add it, so its
# `select HMM_MIRROR` works; the driver module itself is built by
# build-module.sh (M=), so a driver edit never rebuilds the kernel.
# Source and O= dirs are fixed per version and reused: an input change reruns
# olddefconfig + an incremental make. Prints the build dir on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$HARNESS/fetch-sources.sh" linux
read -r up _ <"$CACHE/dl/linux/selected"
ksrc=$CACHE/src/linux-$up
kbuild=$CACHE/build/linux-$up-mainline
frag=$HARNESS/kernel/mainline.config
drvk=$REPO/drivers/accel/svacc/Kconfig
[ -f "$drvk" ] || die "$drvk missing: the mainline config needs the driver's Kconfig"

# One builder at a time (engineers run make vm/check concurrently); the
# others wait here and then find the key up to date.
mkdir -p "$CACHE/build"
exec 9>"$CACHE/build/linux-$up-mainline.lock"
flock 9

key=$(hash_inputs <(echo "$up") "$frag" "$drvk")
if [ -f "$kbuild/.svacc-key" ] && [ "$(cat "$kbuild/.svacc-key")" = "$key" ] && [ -f "$kbuild/arch/x86/boot/bzImage" ]; then
	echo "$kbuild"; exit 0
fi

if [ ! -f "$ksrc/.svacc-extracted" ]; then
	log "extracting linux $up"
	rm -rf "$ksrc"; mkdir -p "$ksrc"
	tar -xf "$CACHE/dl/linux/linux_$up.orig.tar.xz" -C "$ksrc" --strip-components=1
	touch "$ksrc/.svacc-extracted"
fi

# Graft the driver's Kconfig; the in-tree Makefile is an empty stub because the
# module is built from the repo with M= (keeps kernel and driver builds apart).
install_if_changed "$drvk" "$ksrc/drivers/accel/svacc/Kconfig"
[ -f "$ksrc/drivers/accel/svacc/Makefile" ] ||
	echo '# svacc is built out of the repo with M=; see harness/build-module.sh' >"$ksrc/drivers/accel/svacc/Makefile"
if ! grep -q 'drivers/accel/svacc/Kconfig' "$ksrc/drivers/accel/Kconfig"; then
	# After the last in-tree accel driver, inside the `if DRM_ACCEL` block.
	n=$(grep -n '^source "drivers/accel/' "$ksrc/drivers/accel/Kconfig" | tail -1 | cut -d: -f1)
	[ -n "$n" ] && sed -i "${n}a source \"drivers/accel/svacc/Kconfig\"" "$ksrc/drivers/accel/Kconfig"
fi
grep -q 'drivers/accel/svacc/Kconfig' "$ksrc/drivers/accel/Kconfig" || die "could not hook svacc into drivers/accel/Kconfig"
# (printf: upstream's Makefile may lack a final newline.)
grep -q 'CONFIG_DRM_ACCEL_SVACC' "$ksrc/drivers/accel/Makefile" ||
	printf '\nobj-$(CONFIG_DRM_ACCEL_SVACC)\t+= svacc/\n' >>"$ksrc/drivers/accel/Makefile"

mkdir -p "$kbuild"
kmake() { make -s -C "$ksrc" O="$kbuild" "$@"; }
log "configuring linux $up (O=$kbuild)"
kmake defconfig >/dev/null
kmake kvm_guest.config >/dev/null
"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$kbuild" "$kbuild/.config" "$frag" >/dev/null
kmake olddefconfig >/dev/null

# Fail loudly when a fragment line did not take (missing dependency, renamed symbol).
bad=0
while read -r line; do
	case $line in
	CONFIG_*=*) sym=${line%%=*}; want=${line#*=}
		grep -qx "$sym=$want" "$kbuild/.config" || { log "config: wanted $line, got: $(grep -E "^(# )?${sym}[= ]" "$kbuild/.config" || echo unset)"; bad=1; } ;;
	"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
		! grep -qE "^$sym=[ym]" "$kbuild/.config" || { log "config: wanted $sym off, got $(grep "^$sym=" "$kbuild/.config")"; bad=1; } ;;
	esac
done <"$frag"
[ "$bad" = 0 ] || die "mainline config does not match $frag"

log "building linux $up bzImage + modules ($JOBS jobs; ~10-13 min fresh)"
kmake -j"$JOBS" bzImage modules
rm -rf "$kbuild/modroot"
kmake INSTALL_MOD_PATH="$kbuild/modroot" INSTALL_MOD_STRIP=1 modules_install >/dev/null
echo "$key" >"$kbuild/.svacc-key"
echo "$kbuild"
