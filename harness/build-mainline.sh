#!/bin/bash
# Build a mainline guest kernel (bzImage + in-tree modules) from the vanilla
# orig tarball. Flavor (the kernel field of harness/modes):
#   mainline  harness/kernel/mainline.config (the default)
#   debug     the same plus harness/kernel/debug.config (KASAN, lockdep, ...)
#   source    no build: prepare the source tree and print it (for user-space
#             builds that need only its headers)
# The svacc Kconfig is grafted into the tree the way the upstream series
# will add it, so its `select HMM_MIRROR` works; the driver module itself is
# built by build-module.sh (M=), so a driver edit never rebuilds the kernel.
# The source dir is fixed per version and shared by the flavors; the O= dir
# is per flavor and input key (see below), seeded from the flavor's newest
# one: an input change reruns olddefconfig + an incremental make. Prints the
# build dir on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$HARNESS/fetch-sources.sh" linux
read -r up _ <"$CACHE/dl/linux/selected"
flavor=${1:-mainline}
case $flavor in
mainline) frags=("$HARNESS/kernel/mainline.config") ;;
debug) frags=("$HARNESS/kernel/mainline.config" "$HARNESS/kernel/debug.config") ;;
source) ;;
*) die "unknown kernel flavor '$flavor' (mainline|debug|source)" ;;
esac
ksrc=$CACHE/src/linux-$up
drvk=$REPO/drivers/accel/svacc/Kconfig
[ -f "$drvk" ] || die "$drvk missing: the mainline config needs the driver's Kconfig"

# The shared source tree: extracted once, the driver's Kconfig grafted in
# (under its own lock: the flavors' builds only read it).
prepare_source() {
	exec 7>"$CACHE/build/linux-$up-src.lock"
	flock 7
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
	exec 7>&-
}
mkdir -p "$CACHE/build"
if [ "$flavor" = source ]; then prepare_source; echo "$ksrc"; exit 0; fi

# One O= dir per flavor and input key: trees whose fragments or Kconfig
# differ (two clones, or an edit under way) keep their own builds instead of
# reconfiguring one dir back and forth. A new key starts from a copy of the
# flavor's newest build of this version, so an edit still rebuilds
# incrementally.
key=$(hash_inputs <(echo "$up") "${frags[@]}" "$drvk")
kbuild=$CACHE/build/linux-$up-$flavor-$key

# One builder per flavor at a time (engineers run make vm/check
# concurrently); the others wait here and then find the key up to date. The
# flavors build in parallel from one source tree, which only prepare_source
# writes.
exec 9>"$CACHE/build/linux-$up-$flavor.lock"
flock 9

if [ -f "$kbuild/.svacc-key" ] && [ -f "$kbuild/arch/x86/boot/bzImage" ]; then
	touch "$kbuild/.svacc-key"	# in use: spared by the pruning below
	echo "$kbuild"; exit 0
fi
if [ ! -d "$kbuild" ]; then
	seed=$(find "$CACHE/build" -maxdepth 1 -type d -name "linux-$up-$flavor*" ! -name "*.tmp" -printf '%T@ %p\n' |
		sort -rn | head -1 | cut -d' ' -f2-)
	if [ -n "$seed" ] && [ -f "$seed/arch/x86/boot/bzImage" ]; then
		log "new $flavor build inputs $key: starting from $seed"
		cp -a "$seed" "$kbuild.tmp" && mv "$kbuild.tmp" "$kbuild"
	fi
fi
# Builds of other keys unused for a day go, the newest three stay.
find "$CACHE/build" -maxdepth 1 -type d -name "linux-$up-$flavor-*" -printf '%T@ %p\n' |
	sort -rn | tail -n +4 | cut -d' ' -f2- |
	while read -r d; do [ -z "$(find "$d/.svacc-key" -mtime +0 2>/dev/null)" ] || rm -rf "$d"; done

prepare_source

mkdir -p "$kbuild"
kmake() { make -s -C "$ksrc" O="$kbuild" "$@"; }
log "configuring linux $up $flavor (O=$kbuild)"
kmake defconfig >/dev/null
kmake kvm_guest.config >/dev/null
"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$kbuild" "$kbuild/.config" "${frags[@]}" >/dev/null
kmake olddefconfig >/dev/null

# Fail loudly when a fragment line did not take (missing dependency, renamed
# symbol). Checked against the fragments' merged wish: for a symbol named in
# both, the later fragment's line (as merge_config.sh applies them).
wanted() {
	cat "$@" | awk '/^CONFIG_[A-Za-z0-9_]+=/ { s = $0; sub(/=.*/, "", s) }
		/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { s = $2 }
		s != "" { if (!(s in line)) order[++n] = s; line[s] = $0; s = "" }
		END { for (i = 1; i <= n; i++) print line[order[i]] }'
}
bad=0
while read -r line; do
	case $line in
	CONFIG_*=*) sym=${line%%=*}; want=${line#*=}
		grep -qx "$sym=$want" "$kbuild/.config" || { log "config: wanted $line, got: $(grep -E "^(# )?${sym}[= ]" "$kbuild/.config" || echo unset)"; bad=1; } ;;
	"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
		! grep -qE "^$sym=[ym]" "$kbuild/.config" || { log "config: wanted $sym off, got $(grep "^$sym=" "$kbuild/.config")"; bad=1; } ;;
	esac
done < <(wanted "${frags[@]}")
[ "$bad" = 0 ] || die "$flavor config does not match ${frags[*]}"

log "building linux $up $flavor bzImage + modules ($JOBS jobs; fresh: ~10-13 min mainline, ~21 min debug)"
kmake -j"$JOBS" bzImage modules
rm -rf "$kbuild/modroot"
kmake INSTALL_MOD_PATH="$kbuild/modroot" INSTALL_MOD_STRIP=1 modules_install >/dev/null
echo "$key" >"$kbuild/.svacc-key"
echo "$kbuild"
