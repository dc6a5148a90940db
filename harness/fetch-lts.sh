#!/bin/bash
# Fetch Debian's newest 6.12 LTS kernel image + headers (+ common, kbuild) from
# the default sources and extract them into a private root (not installed over
# the host kernel). Prints the root dir; release in <root>/release.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Newest N of linux-image-6.12.N+deb12-amd64-unsigned known to apt.
img=$(apt-cache search --names-only "^linux-image-${LTS_SERIES//./\\.}\\.[0-9]+\\+deb12-amd64-unsigned\$" |
	awk '{print $1}' | sort -V | tail -1)
[ -n "$img" ] || die "no linux-image-$LTS_SERIES.*+deb12-amd64-unsigned in apt's lists (default sources)"
rel=${img#linux-image-}; rel=${rel%-unsigned}          # 6.12.N+deb12-amd64
abi=${rel%-amd64}                                      # 6.12.N+deb12
root=$CACHE/lts/$rel/root
if [ -f "$root/.svacc-done" ]; then echo "$root"; exit 0; fi

pkgs=("$img" "linux-headers-$rel" "linux-headers-$abi-common" "linux-kbuild-$abi")
dl=$CACHE/dl/lts/$rel
mkdir -p "$dl"
# apt-get download verifies each .deb against the signed index before keeping it.
log "preparing Debian LTS kernel $rel"
have=0
for p in "${pkgs[@]}"; do ls "$dl/${p}_"*.deb >/dev/null 2>&1 && have=$((have + 1)); done
[ "$have" = "${#pkgs[@]}" ] ||
	(cd "$dl" && apt-get download -qq -o APT::Sandbox::User=root "${pkgs[@]}" >&2) || die "apt-get download ${pkgs[*]} failed"

rm -rf "$root"; mkdir -p "$root"
for p in "${pkgs[@]}"; do
	deb=$(ls "$dl/${p}_"*.deb | tail -1)
	dpkg-deb -x "$deb" "$root"
done
# Links like lib/modules/R/build -> /usr/src/... or headers -> /usr/lib/linux-kbuild-*
# point at the host; re-aim them inside the private root.
find "$root" -type l -lname '/*' | while read -r l; do
	ln -sfn "$root$(readlink "$l")" "$l"
done
# The -amd64 headers' Makefile includes the -common one by absolute path.
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$root/usr/src/linux-headers-$rel/Makefile"
# Debian generates modules.dep at install time; the initramfs needs it for drm.ko.
depmod -b "$root" "$rel"
[ -f "$root/boot/vmlinuz-$rel" ] || die "vmlinuz-$rel missing after extraction"
echo "$rel" >"$root/release"
touch "$root/.svacc-done"
echo "$root"
