#!/bin/bash
# Build qemu-system-x86_64 (TCG only) + the qtests we run, from Debian's pinned
# QEMU source with the project's work from qemu/ on top:
#   qemu/patches/*.patch   applied in order with patch -p1 (git format-patch)
#   every other qemu/ file copied to the same relative path in the tree.
# The prepared tree is keyed by the hash of qemu/; on change it is rebuilt
# fresh, then synced into a fixed source dir by content so only changed files
# get new mtimes and ninja rebuilds incrementally. Prints the build dir.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$HARNESS/fetch-sources.sh" qemu
ver=${QEMU_SRC_VERSION#*:}
top=$CACHE/qemu/$ver
pristine=$top/pristine
# SVACC_QEMU_TAG gives a clone its own source and build dirs, for people who
# change qemu/ in two trees at once (the default shares one build).
src=$top/src${SVACC_QEMU_TAG:+-$SVACC_QEMU_TAG}
build=$top/build${SVACC_QEMU_TAG:+-$SVACC_QEMU_TAG}
proj=$REPO/qemu

# One builder at a time; concurrent callers wait, then find it up to date.
mkdir -p "$top"
exec 9>"$top/.lock${SVACC_QEMU_TAG:+-$SVACC_QEMU_TAG}"
flock 9

conf=(--python=/usr/bin/python3 --target-list=x86_64-softmmu --without-default-features
	--enable-tcg --disable-kvm --enable-fdt=system --disable-install-blobs --disable-docs
	--disable-werror)

# Debian's unpacked tree with its patch series applied (needed by the +ds tarball).
if [ ! -f "$pristine/.svacc-done" ]; then
	log "unpacking qemu $ver (dpkg-source -x)"
	rm -rf "$pristine"; mkdir -p "$top"
	# The archive signature cannot be checked without debian-keyring; apt
	# verified the download and dsc_verify the checksums, so drop gpgv's note.
	dpkg-source -q -x "$CACHE/dl/qemu/qemu_$ver.dsc" "$pristine" 2>&1 | grep -v '^gpgv:' >&2 || true
	[ -f "$pristine/debian/changelog" ] || die "dpkg-source -x of qemu $ver failed"
	touch "$pristine/.svacc-done"
fi

key=$(hash_inputs "$proj" <(echo "$ver")) 
if [ "$(cat "$src/.svacc-key" 2>/dev/null)" != "$key" ]; then
	log "preparing qemu source for qemu/ hash $key"
	stage=$top/stage${SVACC_QEMU_TAG:+-$SVACC_QEMU_TAG}
	rm -rf "$stage"
	# Hard links make the copy instant; every file about to be written is
	# first replaced by a private copy so the pristine tree is never touched.
	cp -al "$pristine" "$stage"
	unshare_file() { [ ! -f "$stage/$1" ] || { cp "$stage/$1" "$stage/$1.svacc-tmp" && mv "$stage/$1.svacc-tmp" "$stage/$1"; }; }
	if [ -d "$proj/patches" ]; then
		for p in "$proj"/patches/*.patch; do
			[ -e "$p" ] || continue
			log "  patch $(basename "$p")"
			for f in $(sed -n 's|^+++ b/||p' "$p" | cut -f1); do unshare_file "$f"; done
			patch -d "$stage" -p1 -s --batch --forward <"$p" >&2 || die "qemu patch $(basename "$p") does not apply to $ver"
		done
	fi
	if [ -d "$proj" ]; then
		(cd "$proj" && find . -type f ! -path './patches/*' ! -name 'README*' ! -name '*.orig' ! -name '*.rej') |
			while read -r f; do
				log "  copy ${f#./}"
				mkdir -p "$stage/$(dirname "$f")"
				rm -f "$stage/$f"
				cp "$proj/$f" "$stage/$f"
			done
	fi
	# Content sync without -t: unchanged files keep their old mtime.
	mkdir -p "$src"
	rsync -r --links --perms --checksum --delete --exclude=/.svacc-key "$stage/" "$src/"
	rm -rf "$stage"
	echo "$key" >"$src/.svacc-key"
fi

confkey=$(printf '%s\n' "${conf[@]}" | sha256sum | cut -c1-16)
if [ ! -f "$build/build.ninja" ] || [ "$(cat "$build/.svacc-conf" 2>/dev/null)" != "$confkey" ]; then
	log "configuring qemu"
	rm -rf "$build"; mkdir -p "$build"
	(cd "$build" && "$src/configure" "${conf[@]}" >configure.log 2>&1) || { tail -30 "$build/configure.log" >&2; die "qemu configure failed (log: $build/configure.log)"; }
	echo "$confkey" >"$build/.svacc-conf"
fi

# The emulator plus whichever of our qtests the tree defines.
targets=(qemu-system-x86_64)
# (Regenerate build.ninja first: a patch may have added meson targets.)
ninja -C "$build" build.ninja >"$build/ninja.log" 2>&1 || { tail -30 "$build/ninja.log" >&2; die "qemu reconfigure failed"; }
alltargets=$(ninja -C "$build" -t targets all 2>/dev/null | cut -d: -f1)
for t in tests/qtest/intel-iommu-test tests/qtest/svacc-test; do
	grep -qx "$t" <<<"$alltargets" && targets+=("$t")
done
log "building qemu: ${targets[*]}"
ninja -C "$build" -j"$JOBS" "${targets[@]}" >"$build/ninja.log" 2>&1 || { grep -E 'error|Error' -A3 "$build/ninja.log" | head -40 >&2; die "qemu build failed (log: $build/ninja.log)"; }
# Wrapper carrying the firmware search path (Debian's seabios, qemu-system-data
# and ipxe-qemu for the default NIC's option ROM; the +ds source has no blobs). qtest derives the target from the binary's name,
# so it must be called qemu-system-x86_64 and take no extra words.
bin=$top/bin${SVACC_QEMU_TAG:+-$SVACC_QEMU_TAG}
mkdir -p "$bin"
cat >"$bin/qemu-system-x86_64.tmp" <<EOS
#!/bin/sh
exec "$build/qemu-system-x86_64" -L /usr/share/seabios -L /usr/share/qemu -L /usr/lib/ipxe/qemu "\$@"
EOS
chmod +x "$bin/qemu-system-x86_64.tmp"
mv "$bin/qemu-system-x86_64.tmp" "$bin/qemu-system-x86_64"
echo "$build"
