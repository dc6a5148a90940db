#!/bin/bash
# Assemble the initramfs for one guest kernel (mainline|lts): busybox-static,
# /init and guest scripts from harness/guest, the modules the kernel needs
# (drm + deps on lts, then svacc.ko when built), static test binaries, lspci
# with its libraries and pci.ids. Keyed by the hash of all of that.
# Prints the .cpio.gz path; the suite names are in <path>.suites.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The caller builds svacc.ko and the user binaries (either may be "" when
# absent or broken: the VM still boots and the harness suite still runs).
kernel=${1:?usage: mkinitramfs.sh mainline|debug|lts [svacc.ko] [user-binaries-dir]}
ko=${2:-}
user=${3:-}
case $kernel in
mainline|debug)
	kbuild=$("$HARNESS/build-mainline.sh" "$kernel")
	rel=$(cat "$kbuild/include/config/kernel.release")
	moddir=$kbuild/modroot/lib/modules/$rel
	base_mods=()              # DRM is built in
	;;
lts)
	root=$("$HARNESS/fetch-lts.sh")
	rel=$(cat "$root/release")
	moddir=$root/lib/modules/$rel
	base_mods=(drm)           # DRM=m on Debian: drm.ko first
	;;
esac

# The user binaries' root is hashed by content so a rebuilt tool re-keys it.
key=$(hash_inputs "$HARNESS/guest" "$0" "${ko:-/nonexistent}" "${user:+$user/root}" <(echo "$rel ${user:-nouser} ${base_mods[*]}; $(dpkg-query -W busybox-static pciutils)"))
img=$CACHE/initramfs/$kernel-$key.cpio.gz
if [ -f "$img" ] && [ -f "$img.suites" ]; then echo "$img"; exit 0; fi

log "assembling initramfs for $kernel ($rel)"
# Images are small but one per input change: drop those unused for two days.
find "$CACHE/initramfs" -maxdepth 1 -type f -mtime +1 -delete 2>/dev/null || true
stage=$(mktemp -d "$CACHE/initramfs-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,svacc/suites,lib/modules/$rel}

cp /bin/busybox "$stage/bin/busybox"
for a in $(/bin/busybox --list); do [ -e "$stage/bin/$a" ] || ln -s busybox "$stage/bin/$a"; done

# lspci is dynamic: bring the exact libraries ldd names, plus the ID database.
copy_dyn() {
	cp "$1" "$stage$1" 2>/dev/null || { mkdir -p "$stage$(dirname "$1")"; cp "$1" "$stage$1"; }
	ldd "$1" | grep -oE '/[^ ]+' | while read -r lib; do
		mkdir -p "$stage$(dirname "$lib")"; cp -L "$lib" "$stage$lib"
	done
}
copy_dyn /usr/bin/lspci
mkdir -p "$stage/usr/share/misc"; cp /usr/share/misc/pci.ids "$stage/usr/share/misc/"

install -m 755 "$HARNESS/guest/init" "$stage/init"
# Every file in harness/guest/suites/ is a suite (TAP on stdout, MODE in env),
# but one with a "# svacc-kernels: <kernel>..." line only in those kernels'
# images (fault injection and the leak scan need the debug kernel): a suite
# that cannot run somewhere is absent there, never a skip.
for s in "$HARNESS"/guest/suites/*; do
	ks=$(sed -n 's/^# svacc-kernels://p' "$s")
	if [ -n "$ks" ] && ! grep -qw -e "$kernel" <<<"$ks"; then continue; fi
	install -m 755 "$s" "$stage/svacc/suites/"
done
install -m 755 "$HARNESS/guest/demo.sh" "$stage/svacc/demo.sh"
install -m 644 "$HARNESS/guest/suite-lib.sh" "$stage/svacc/suite-lib.sh"

# Modules: the base ones with their modules.dep closure (deps first), then svacc.
: >"$stage/svacc/modules"
add_mod() {	# $1 = path relative to $moddir (maybe .xz/.zst); appended once
	local rel_path=$1 name dst
	name=$(basename "$rel_path"); name=${name%.xz}; name=${name%.zst}
	dst=/lib/modules/$rel/$name
	grep -qx "$dst" "$stage/svacc/modules" && return 0
	case $rel_path in
	*.xz) xz -dc "$moddir/$rel_path" >"$stage$dst" ;;
	*.zst) zstd -qdc "$moddir/$rel_path" >"$stage$dst" ;;
	*) cp "$moddir/$rel_path" "$stage$dst" ;;
	esac
	echo "$dst" >>"$stage/svacc/modules"
}
closure() {	# $1 = module path in modules.dep; prints deps (deepest first) then itself
	local line deps d
	line=$(grep -E "^$1:" "$moddir/modules.dep") || die "$1 not in $moddir/modules.dep"
	deps=${line#*:}
	for d in $(echo $deps | tr ' ' '\n' | tac); do closure "$d"; done
	echo "$1"
}
modpath() {	# module name -> path in modules.dep (dash/underscore agnostic)
	local n=${1//-/[-_]}; n=${n//_/[-_]}
	grep -oE "^[^:]*/$n\.ko(\.xz|\.zst)?:" "$moddir/modules.dep" | head -1 | tr -d :
}
want=("${base_mods[@]}")
if [ -n "$ko" ]; then
	for d in $(modinfo -F depends "$ko" | tr , ' '); do want+=("$d"); done
fi
for m in "${want[@]}"; do
	p=$(modpath "$m"); [ -n "$p" ] || die "module $m (needed by svacc/$kernel) not found in $moddir"
	for q in $(closure "$p"); do add_mod "$q"; done
done
if [ -n "$ko" ]; then
	cp "$ko" "$stage/lib/modules/$rel/svacc.ko"
	echo "/lib/modules/$rel/svacc.ko" >>"$stage/svacc/modules"
fi

# User tools on PATH; each test binary is a suite, after the harness suite.
# modules.dep (+ the builtin lists) let lspci -k / modprobe in the guest work.
cp "$moddir"/modules.builtin* "$moddir"/modules.order "$stage/lib/modules/$rel/" 2>/dev/null || true
depmod -b "$stage" "$rel" 2>/dev/null || true

# User tools and selftests (root overlay from build-user.sh). The selftests'
# own runner decides which programs apply to a mode; suite "selftests" runs it.
[ -z "$user" ] || cp -a "$user/root/." "$stage/"
# Order: harness first (is this the machine the mode asks for?), then the
# selftests (they count the driver's log lines of one load), the rest by
# name (the torture suites remove, reset and reload the device), driver-modes
# (it reloads the driver with other parameters), and kmemleak last (the leak
# scan, once every test has closed its files).
(cd "$stage/svacc/suites" && { echo harness; [ ! -e selftests ] || echo selftests
	ls | grep -vx -e harness -e selftests -e driver-modes -e kmemleak || true
	for s in driver-modes kmemleak; do [ ! -e "$s" ] || echo "$s"; done; }) >"$stage/svacc/suites.list"

mkdir -p "$CACHE/initramfs"
# A private temporary name: two runs assembling the same key at once used to
# write one .tmp together (a corrupt image: "Initramfs unpacking failed").
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) >"$img.tmp.$$"
mv "$img.tmp.$$" "$img"
cp "$stage/svacc/suites.list" "$img.suites"
echo "$rel" >"$img.release"
echo "$img"
