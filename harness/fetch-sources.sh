#!/bin/bash
# Download the pinned QEMU and mainline Linux source packages into the cache
# (apt-get source, deb-src suites from apt-sources.sh). Skips anything already
# present whose checksums match its .dsc. Prints nothing on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# $1 = cache subdir, $2 = package, $3 = exact Debian version; 0 when verified.
fetch_src() {
	local dir=$CACHE/dl/$1 pkg=$2 ver=$3 dsc
	dsc=$dir/${pkg}_${ver#*:}.dsc
	dsc_verify "$dsc" && return 0
	mkdir -p "$dir"
	log "downloading source $pkg=$ver"
	# apt's sandbox user cannot write root's cache dir; -o silences that warning.
	(cd "$dir" && apt-get source -qq --download-only -o APT::Sandbox::User=root "$pkg=$ver" >&2) || return 1
	dsc_verify "$dsc" || { log "checksum mismatch for $dsc"; return 1; }
}

what=${1:-all}

if [ "$what" = all ] || [ "$what" = qemu ]; then
	fetch_src qemu qemu "$QEMU_SRC_VERSION" || die "cannot fetch qemu=$QEMU_SRC_VERSION (is the sid deb-src entry from harness/apt-sources.sh present?)"
fi

if [ "$what" = all ] || [ "$what" = linux ]; then
	# Already chosen earlier and still intact: no apt query needed.
	if read -r up ver 2>/dev/null <"$CACHE/dl/linux/selected" && [ "$up" = "${LINUX_VERSIONS[0]}" ] &&
		dsc_verify "$CACHE/dl/linux/linux_$ver.dsc"; then
		exit 0
	fi
	# Newest pinned upstream version whose source the archive actually serves.
	avail=$(apt-cache showsrc linux 2>/dev/null | awk '/^Version:/ {print $2}' | sort -rV -u)
	for up in "${LINUX_VERSIONS[@]}"; do
		for ver in $(grep -E "^${up//./\\.}-" <<<"$avail" || true); do
			if fetch_src linux linux "$ver"; then
				echo "$up $ver" >"$CACHE/dl/linux/selected"
				[ "$up" = "${LINUX_VERSIONS[0]}" ] || log "NOTE: mainline $up used; pinned ${LINUX_VERSIONS[0]} unavailable"
				exit 0
			fi
			log "linux=$ver not fetchable, trying next"
		done
	done
	die "none of the mainline Linux versions ${LINUX_VERSIONS[*]} could be downloaded and verified; update LINUX_VERSIONS in harness/lib.sh"
fi
