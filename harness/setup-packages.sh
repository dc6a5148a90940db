#!/bin/bash
# Install the host packages the harness needs; a no-op (no apt call at all)
# when everything is already installed, so repeated `make check` stays fast.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "set-up needs root (apt); run as root or install the packages listed in $0"

# From the default suites.
pkgs=(dpkg-dev ninja-build libglib2.0-dev libpixman-1-dev libfdt-dev flex bison
	busybox-static pciutils cpio xz-utils gzip bc libelf-dev libssl-dev sparse
	gnuplot-nox seabios qemu-system-data rsync patch gcc make perl python3 file kmod pci.ids ipxe-qemu
	python3-sphinx python3-ply python3-git)	# make series-check: docs, checkpatch's spdxcheck.py
# From bookworm-backports (QEMU 10.2 needs meson >= 1.5).
bpo_pkgs=(meson python3-pycotap)

# One dpkg-query for the whole list; prints the packages not installed.
missing() {
	local have
	have=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null | awk '$2 == "installed" {print $1}')
	printf '%s\n' "$@" | grep -vxF -f <(echo "$have") | tr '\n' ' ' || true
}
# meson from bookworm itself (1.0) is too old even though "installed".
meson_ok() { dpkg --compare-versions "$(dpkg-query -W -f='${Version}' meson 2>/dev/null || echo 0)" ge 1.5; }

need=$(missing "${pkgs[@]}")
need_bpo=$(missing "${bpo_pkgs[@]}")
meson_ok || need_bpo="$need_bpo meson"
if [ -z "$need$need_bpo" ] && [ -f /etc/apt/sources.list.d/svacc-extra.sources ]; then
	exit 0
fi

"$HARNESS/apt-sources.sh"
export DEBIAN_FRONTEND=noninteractive
if [ -n "$need" ]; then
	log "installing: $need"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >&2
fi
if [ -n "${need_bpo// /}" ]; then
	log "installing from bookworm-backports: $need_bpo"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends -t bookworm-backports $need_bpo >&2
fi
