#!/bin/bash
# Build sparse from Debian's source package and print the path of the binary.
# bookworm's sparse (0.6.4) cannot parse the 7.x kernel headers; the sid
# deb-src entry written by apt-sources.sh serves a newer one. Only the
# `sparse` program is built (no GTK/sqlite/libxml/LLVM tools), with the
# system gcc (Debian's patch pins a gcc-NN that bookworm does not have).
# Cached under $CACHE/sparse/<version>/; a second call prints the path at once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Newest first; the first one the archive serves and whose checksums match wins.
SPARSE_VERSIONS=(0.6.5~rc1-2 0.6.5~rc1-1)

for ver in "${SPARSE_VERSIONS[@]}"; do
	bin=$CACHE/sparse/$ver/bin/sparse
	[ -x "$bin" ] && { echo "$bin"; exit 0; }
done

mkdir -p "$CACHE/sparse"
exec 9>"$CACHE/sparse/.lock"
flock 9

dl=$CACHE/dl/sparse
for ver in "${SPARSE_VERSIONS[@]}"; do
	top=$CACHE/sparse/$ver
	bin=$top/bin/sparse
	[ -x "$bin" ] && { echo "$bin"; exit 0; }
	dsc=$dl/sparse_$ver.dsc
	if ! dsc_verify "$dsc"; then
		mkdir -p "$dl"
		log "downloading source sparse=$ver"
		(cd "$dl" && apt-get source -qq --download-only -o APT::Sandbox::User=root "sparse=$ver" >&2) ||
			{ log "sparse=$ver not fetchable, trying the next version"; continue; }
		dsc_verify "$dsc" || { log "checksum mismatch for $dsc"; continue; }
	fi
	log "building sparse $ver"
	rm -rf "$top"; mkdir -p "$top/bin"
	dpkg-source -q -x "$dsc" "$top/src" 2>&1 | grep -v '^gpgv:' >&2 || true
	[ -f "$top/src/sparse.c" ] || die "dpkg-source -x of sparse $ver failed"
	make -C "$top/src" -j"$JOBS" CC=gcc HAVE_LIBXML=no HAVE_SQLITE=no HAVE_GTK=no \
		HAVE_LLVM=no HAVE_BOOLECTOR=no sparse >"$top/build.log" 2>&1 ||
		{ tail -20 "$top/build.log" >&2; die "sparse $ver did not build (log: $top/build.log)"; }
	install -m 755 "$top/src/sparse" "$bin.tmp"
	mv "$bin.tmp" "$bin"
	echo "$bin"
	exit 0
done
die "no sparse source of ${SPARSE_VERSIONS[*]} could be fetched (is the sid deb-src entry from harness/apt-sources.sh present?)"
