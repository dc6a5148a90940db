#!/bin/bash
# `make series-check`: the review gates over what `make series` writes,
# one line per gate, then exactly "N passed, N failed" (and the time).
#   series-check.sh          every gate
#   series-check.sh --fast   the quick ones (make check runs these):
#                            the series are generated, git am applies,
#                            checkpatch, kernel-doc
# Kernel gates: git am onto the vanilla tree; every patch builds (what it
# touches: the driver in tree, =m, with W=1 and sparse, and with its KUnit
# tests compiled in where it has them; the uapi header on its own; the
# docs with Sphinx, the ABI entries with get_abi.py; libsvacc and the CLI;
# the kselftests as kselftest builds them), the last patch with the driver
# =y too; checkpatch.pl --strict per patch; kernel-doc -Wall on the driver
# and uapi; htmldocs of Documentation/accel with no svacc warning.
# QEMU gates: git am onto the QEMU tree; every device patch builds
# (incremental ninja); QEMU's checkpatch.pl per patch.
# The driver builds use their own O= dir (config: the harness's mainline
# .config), built in full once (about as long as the harness's kernel),
# then incrementally; logs in out/series/check/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

fast=0
[ "${1:-}" = --fast ] && fast=1
t0=$(date +%s)
LOGS=$OUT/series/check
rm -rf "$LOGS"; mkdir -p "$LOGS"
# The gates as TAP too (suite "series"), for make check's summary
TAP=$OUT/series/check.tap
echo "# svacc-begin series" >"$TAP"
npass=0; nfail=0
# gate <name> <command...>: one gate; output in $LOGS/<name>.log
gate() {
	local name=$1 log
	shift
	log=$LOGS/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').log
	echo "# RUN $name" >>"$TAP"
	if "$@" >"$log" 2>&1; then
		npass=$((npass + 1)); echo "svacc: series-check: ok   $name"
		echo "ok $((npass + nfail)) $name" >>"$TAP"
	else
		nfail=$((nfail + 1)); echo "svacc: series-check: FAIL $name (log: ${log#"$REPO"/})"
		grep -E 'error|warning|WARNING|ERROR|FAIL|differ' "$log" | head -5 | sed 's/^/svacc:     /'
		echo "not ok $((npass + nfail)) $name (log: ${log#"$REPO"/})" >>"$TAP"
	fi
}
# finish: the TAP plan and end, the summary line; the exit status
finish() {
	printf '1..%d\n# svacc-end series rc=%d\n' $((npass + nfail)) $((nfail > 0)) >>"$TAP"
	echo "svacc: series-check$1 took $(( $(date +%s) - t0 )) s"
	echo "$npass passed, $nfail failed"
	[ "$nfail" = 0 ]
}
# Debian's python3 (the one on PATH may not see python3-ply, -git, -sphinx)
export PATH=/usr/bin:$PATH

"$HARNESS/setup-packages.sh"
"$HARNESS/fetch-sources.sh"
read -r KVER _ <"$CACHE/dl/linux/selected"
KTREE=$CACHE/series/linux-$KVER
QVER=${QEMU_SRC_VERSION#*:}
QTREE=$CACHE/series/qemu-$QVER
KPATCHES=$OUT/series/kernel
QPATCHES=$OUT/series/qemu
# Both scratch trees are ours until the end (series.sh is told not to lock).
mkdir -p "$CACHE/series"
exec 5>"$KTREE.lock" 6>"$QTREE.lock"
flock 5; flock 6
export SVACC_SERIES_LOCKED=1

# ---- generate -------------------------------------------------------------------
gate "kernel: make series" "$HARNESS/series.sh" kernel
gate "qemu: make series" "$HARNESS/series.sh" qemu

patches() { find "$1" -maxdepth 1 -name '0*.patch' ! -name '0000-*' | LC_ALL=C sort; }

# ---- git am ---------------------------------------------------------------------
# am_check <tree> <patch dir>: branch "am" = base + the patches, and the
# same tree as the branch the patches were made from
am_check() {
	local tree=$1 dir=$2
	git -C "$tree" checkout -q -f -B am base
	git -C "$tree" clean -q -fdx -e /.git
	# shellcheck disable=SC2046
	git -c user.name=check -c user.email=check@svacc.invalid -C "$tree" am -q $(patches "$dir") ||
		{ git -C "$tree" am --abort || true; return 1; }
	git -C "$tree" diff --stat --exit-code series am || { echo "the applied series differs from the generated one"; return 1; }
	echo "applied $(patches "$dir" | wc -l) patches"
}
gate "kernel: git am onto $KVER" am_check "$KTREE" "$KPATCHES"
gate "qemu: git am onto $QVER" am_check "$QTREE" "$QPATCHES"

# ---- checkpatch -----------------------------------------------------------------
# A patch that adds files under a directory our MAINTAINERS entry already
# covers need not touch MAINTAINERS: checkpatch's FILE_PATH_CHANGES
# ("does MAINTAINERS need updating?") is answered here instead, by checking
# that every added file matches an F: pattern of the entry as the patch
# leaves it; the warning is ignored only for such patches.
covered() {	# covered <tree> <commit>: every file the commit adds has an F:
	local tree=$1 c=$2 f pats p ok
	pats=$(git -C "$tree" show "$c:MAINTAINERS" | awk -v t="$3" '$0 == t { e = 1; next } e && /^$/ { exit } e && /^F:/ { print $2 }')
	while read -r f; do
		ok=0
		for p in $pats; do
			# shellcheck disable=SC2053
			[[ $f == $p* ]] && ok=1
		done
		[ "$ok" = 1 ] || { echo "$f: no F: pattern of the entry covers it"; return 1; }
	done < <(git -C "$tree" diff-tree --no-commit-id -r --diff-filter=A --name-only "$c")
}
# A warning checkpatch gets wrong for one file is listed, with the reason,
# in harness/series/<t>/checkpatch-exceptions ("TYPE path reason"); only
# warnings of that type in that file are then not counted.
# cp_count <exceptions file> <checkpatch --show-types output>: prints
# "<errors> <warnings not excepted>", and each excepted warning on stderr
cp_count() {
	awk -v exf="$1" '
		BEGIN { while ((getline l < exf) > 0) if (l !~ /^#/ && split(l, a, " ") >= 2) ok[a[1] " " a[2]] = 1 }
		/^ERROR:/ { e++ }
		/^WARNING:/ { split($0, a, ":"); t = a[2]; pend = 1; next }
		pend && /^#[0-9]+: FILE: / {
			f = $3; sub(/:[0-9]+:$/, "", f)
			if ((t " " f) in ok) print "excepted: " t " in " f > "/dev/stderr"; else w++
			pend = 0
		}
		END { printf "%d %d\n", e, w }' "$2"
}
# checkpatch_one <tree> <commit> <patch> <exceptions> <checkpatch command...>
checkpatch_one() {
	local tree=$1 c=$2 p=$3 exf=$4 title key stamp ign=() n
	shift 4
	# (the kernel's only: every QEMU patch that adds files adds their F: lines)
	if [ "$tree" = "$KTREE" ] &&
	   ! git -C "$tree" diff-tree --no-commit-id -r --name-only "$c" | grep -qx MAINTAINERS; then
		title=$(awk 'NF' "$REPO/MAINTAINERS" | head -1)
		if covered "$tree" "$c" "$title"; then
			echo "new files are covered by the MAINTAINERS entry: FILE_PATH_CHANGES ignored"
			ign=(--ignore FILE_PATH_CHANGES)
		fi
	fi
	# checkpatch takes up to half a minute on a big patch: a patch that
	# passed is remembered by the hash of itself, the script, the options
	# and the exceptions
	key=$(cat "$p" "$tree/scripts/checkpatch.pl" <(echo "$* ${ign[*]}") <(cat "$exf" 2>/dev/null || true) |
		sha256sum | cut -c1-32)
	stamp=$CACHE/series/checkpatch-ok/$key
	if [ -f "$stamp" ]; then
		echo "passed before (cached: $stamp):"; cat "$stamp"; return 0
	fi
	# (the types name the exceptions; QEMU's checkpatch has none)
	grep -q -- --show-types "$tree/scripts/checkpatch.pl" && ign+=(--show-types)
	(cd "$tree" && "$@" "${ign[@]}" "$p") | tee "$LOGS/cp.out"
	# 0 errors and 0 warnings but the listed exceptions (CHECKs are
	# reported, not counted)
	n=$(cp_count "$exf" "$LOGS/cp.out") || return 1
	echo "counted: $n (errors, warnings)"
	[ "$n" = "0 0" ] || return 1
	mkdir -p "$(dirname "$stamp")"
	{ grep '^total:' "$LOGS/cp.out"; cp_count "$exf" "$LOGS/cp.out" 2>&1 >/dev/null; } >"$stamp"
}
for p in $(patches "$KPATCHES"); do
	n=$(basename "$p" | cut -c1-4)
	c=$(git -C "$KTREE" rev-list --reverse base..am | sed -n "$((10#$n))p")
	gate "kernel: checkpatch --strict $(basename "$p" .patch)" \
		checkpatch_one "$KTREE" "$c" "$p" "$HARNESS/series/kernel/checkpatch-exceptions" \
			./scripts/checkpatch.pl --strict
done
for p in $(patches "$QPATCHES"); do
	n=$(basename "$p" | cut -c1-4)
	c=$(git -C "$QTREE" rev-list --reverse base..am | sed -n "$((10#$n))p")
	gate "qemu: checkpatch $(basename "$p" .patch)" \
		checkpatch_one "$QTREE" "$c" "$p" "$HARNESS/series/qemu/checkpatch-exceptions" \
			./scripts/checkpatch.pl
done

# ---- kernel-doc -----------------------------------------------------------------
kerneldoc() {
	local out
	git -C "$KTREE" checkout -q -f am
	out=$(cd "$KTREE" && scripts/kernel-doc -Wall -none drivers/accel/svacc/*.[ch] include/uapi/drm/svacc_accel.h 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
	echo "kernel-doc -Wall: no warnings"
}
gate "kernel: kernel-doc -Wall driver and uapi" kerneldoc

if [ "$fast" = 1 ]; then
	finish " (the fast gates)"; exit
fi

# ---- docs -------------------------------------------------------------------------
# htmldocs of Documentation/accel only (the whole tree takes long); the
# warnings that concern svacc fail the gate, others are upstream's.
docs() {	# docs <commit>
	local o=$CACHE/series/linux-$KVER-docs
	git -C "$KTREE" checkout -q -f "$1"
	mkdir -p "$o"
	make -s -C "$KTREE" O="$o" SPHINXDIRS=accel htmldocs >"$LOGS/docs.out" 2>&1 || { cat "$LOGS/docs.out"; return 1; }
	cat "$LOGS/docs.out"
	# (the trees' own paths, under $SVACC_CACHE/series/, say svacc too)
	! sed -e "s|$CACHE/series/[^/ ]*/||g" "$LOGS/docs.out" |
		grep -iE 'svacc.*(warning|error)|(warning|error).*svacc'
}
# abi_check: the tree's ABI files parse, with no complaint about svacc's
abi_check() {
	(cd "$KTREE" && /usr/bin/python3 tools/docs/get_abi.py --dir Documentation/ABI validate) \
		>"$LOGS/abi.out" 2>&1 || { cat "$LOGS/abi.out"; return 1; }
	! sed -e "s|$CACHE/series/[^/ ]*/||g" "$LOGS/abi.out" | grep -i svacc
}

# ---- builds -------------------------------------------------------------------------
KB=$CACHE/series/linux-$KVER-build
SPARSE=$("$HARNESS/build-sparse.sh")
kmake() { make -s -C "$KTREE" O="$KB" -j"$JOBS" "$@"; }
# The derived O= dir: the harness's mainline config, the driver =m; a
# full build the first time (or when that config changed), incremental
# afterwards.
prepare_kbuild() {
	local hb key
	hb=$("$HARNESS/build-mainline.sh")
	key=$(sha256sum <"$hb/.config" | cut -c1-16)
	git -C "$KTREE" checkout -q -f am
	mkdir -p "$KB"
	if [ "$(cat "$KB/.svacc-config-key" 2>/dev/null)" != "$key" ]; then
		cp "$hb/.config" "$KB/.config"
		rm -f "$KB/.svacc-built"
		echo "$key" >"$KB/.svacc-config-key"
	fi
	"$KTREE/scripts/config" --file "$KB/.config" --module DRM_ACCEL_SVACC
	kmake olddefconfig
	if [ ! -f "$KB/.svacc-built" ]; then
		log "series-check: building linux $KVER in $KB once (vmlinux + modules; ~15-20 min)"
		kmake vmlinux modules
		touch "$KB/.svacc-built"
	fi
}
# The driver with its KUnit tests compiled in (KUNIT=m), W=1 and sparse:
# objects only, in an O= dir of its own (prepared in seconds from the
# derived config), since KUNIT in the other one would rebuild much of
# the kernel every time it changes.
KU=$CACHE/series/linux-$KVER-kunit
kunit_build() {
	mkdir -p "$KU"
	cp "$KB/.config" "$KU/.config"
	"$KTREE/scripts/config" --file "$KU/.config" --module KUNIT --module DRM_ACCEL_SVACC \
		--enable DRM_ACCEL_SVACC_KUNIT_TEST
	make -s -C "$KTREE" O="$KU" olddefconfig
	grep -qx 'CONFIG_DRM_ACCEL_SVACC_KUNIT_TEST=y' "$KU/.config" ||
		{ echo "DRM_ACCEL_SVACC_KUNIT_TEST=y did not take"; return 1; }
	make -s -C "$KTREE" O="$KU" -j"$JOBS" modules_prepare
	make -s -C "$KTREE" O="$KU" -j"$JOBS" W=1 C=1 CHECK="$SPARSE" drivers/accel/svacc/ 2>&1 |
		tee "$LOGS/kunit.out"
	! grep -E 'warning:|error:' "$LOGS/kunit.out" || return 1
	echo "with the KUnit tests: built"
}
# build_patch <commit>: build what the commit touches, at that commit
build_patch() {
	local c=$1 files
	git -C "$KTREE" checkout -q -f "$c"
	files=$(git -C "$KTREE" diff-tree --no-commit-id -r --name-only "$c")
	echo "$files"
	if grep -q '^drivers/accel/svacc/' <<<"$files"; then
		"$KTREE/scripts/config" --file "$KB/.config" --module DRM_ACCEL_SVACC
		kmake olddefconfig
		grep -qx 'CONFIG_DRM_ACCEL_SVACC=m' "$KB/.config" || { echo "DRM_ACCEL_SVACC=m did not take"; return 1; }
		kmake W=1 C=1 CHECK="$SPARSE" drivers/accel/svacc/svacc.ko 2>&1 | tee "$LOGS/kbuild.out"
		! grep -E 'warning:|error:' "$LOGS/kbuild.out" || return 1
		if [ -d "$KTREE/drivers/accel/svacc/tests" ]; then
			kunit_build || return 1
		fi
	fi
	if grep -q '^include/uapi/' <<<"$files"; then
		# the header as user space gets it (make headers), compiled on
		# its own against the tree's other uapi headers
		kmake headers
		[ -f "$KB/usr/include/drm/svacc_accel.h" ] || { echo "make headers did not install it"; return 1; }
		echo '#include <drm/svacc_accel.h>' | gcc -x c -fsyntax-only -Wall -Wextra -Werror \
			-I"$KB/usr/include" - || return 1
	fi
	if grep -q '^Documentation/' <<<"$files"; then
		docs "$c" || return 1
	fi
	if grep -q '^Documentation/ABI/' <<<"$files"; then
		abi_check || return 1
	fi
	if grep -q '^tools/accel/svacc/' <<<"$files"; then
		make -s -C "$KTREE/tools/accel/svacc" KSRC="$KTREE" OUT="$LOGS/tools" || return 1
	fi
	if grep -q '^tools/testing/selftests/' <<<"$files"; then
		kmake headers
		make -s -C "$KTREE/tools/testing/selftests" O="$KB" TARGETS=drivers/accel/svacc 2>&1 |
			tee "$LOGS/kselftest.out"
		! grep -E 'warning:|error:' "$LOGS/kselftest.out" || return 1
	fi
	echo "built"
}
build_y() {	# the last patch with the driver built in, vmlinux linked
	git -C "$KTREE" checkout -q -f am
	"$KTREE/scripts/config" --file "$KB/.config" --enable DRM_ACCEL_SVACC
	kmake olddefconfig
	grep -qx 'CONFIG_DRM_ACCEL_SVACC=y' "$KB/.config" || { echo "DRM_ACCEL_SVACC=y did not take"; return 1; }
	kmake W=1 C=1 CHECK="$SPARSE" drivers/accel/svacc/ 2>&1 | tee "$LOGS/kbuild-y.out"
	! grep -E 'warning:|error:' "$LOGS/kbuild-y.out" || return 1
	kmake vmlinux
	"$KTREE/scripts/config" --file "$KB/.config" --module DRM_ACCEL_SVACC
	echo "built in, vmlinux linked"
}

tb=$(date +%s)
gate "kernel: derived O= build dir ready" prepare_kbuild
for c in $(git -C "$KTREE" rev-list --reverse base..am); do
	gate "kernel: build $(git -C "$KTREE" log -1 --format=%s "$c")" build_patch "$c"
done
gate "kernel: build the last patch with the driver =y" build_y
git -C "$KTREE" checkout -q -f base
log "series-check: kernel builds took $(( $(date +%s) - tb )) s"

# ---- QEMU builds ------------------------------------------------------------------
QB=$CACHE/series/qemu-$QVER-build
qemu_build_patch() {	# qemu_build_patch <commit>
	git -C "$QTREE" checkout -q -f "$1"
	if [ ! -f "$QB/build.ninja" ]; then
		mkdir -p "$QB"
		(cd "$QB" && "$QTREE/configure" --python=/usr/bin/python3 --target-list=x86_64-softmmu \
			--without-default-features --enable-tcg --disable-kvm --enable-fdt=system \
			--disable-install-blobs --disable-docs) || return 1
	fi
	ninja -C "$QB" build.ninja >/dev/null
	# the emulator and whichever of the two qtests the tree has by then;
	# a warning in our files fails the build as an error does
	mapfile -t tests < <(ninja -C "$QB" -t targets all | cut -d: -f1 |
		grep -E '^tests/qtest/(svacc|intel-iommu)-test$' || true)
	ninja -C "$QB" -j"$JOBS" qemu-system-x86_64 "${tests[@]}" | tee "$LOGS/qbuild.out"
	! grep -E '(svacc|intel_iommu)[^ ]*: *(warning|error)' "$LOGS/qbuild.out"
}
tb=$(date +%s)
for c in $(git -C "$QTREE" rev-list --reverse base..am); do
	gate "qemu: build $(git -C "$QTREE" log -1 --format=%s "$c")" qemu_build_patch "$c"
done
git -C "$QTREE" checkout -q -f base
log "series-check: qemu builds took $(( $(date +%s) - tb )) s"

finish ""
