# shellcheck shell=bash
# Sourced by the harness scripts: shared paths and small helpers. Not executable.
# Every path a script writes lives under $CACHE (outside the tree, survives
# clean clones) or $OUT (in the tree, gitignored, per-run results).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=$REPO/harness
CACHE=${SVACC_CACHE:-/var/cache/svacc}
OUT=${SVACC_OUT:-$REPO/out}
JOBS=${SVACC_JOBS:-$(nproc)}

# Pinned inputs. Mainline falls back newest first when the archive lacks a version.
QEMU_SRC_VERSION=1:10.2.2+ds-1
LINUX_VERSIONS=(7.2.8 7.2.6 7.1.13 7.1.8 6.18.15)
LTS_SERIES=6.12

log() { printf 'svacc: %s\n' "$*" >&2; }
die() { printf 'svacc: error: %s\n' "$*" >&2; exit 1; }

# Hash of files and directory trees (names inside a tree + contents, never the
# absolute path, so two clones share the cache), so a cache key changes exactly
# when an input does. Missing paths hash as absent.
hash_inputs() {
	local p i=0
	for p in "$@"; do
		i=$((i + 1))
		if [ -d "$p" ]; then
			(cd "$p" && find . -type f ! -name '*.o' ! -name '*.ko' ! -name '.*.cmd' -print0 |
				LC_ALL=C sort -z | xargs -0r sha256sum)
		elif [ -e "$p" ]; then	# a file, or a <(...) pipe
			sha256sum <"$p"
		else
			echo "absent"
		fi
		echo "== input $i"
	done | sha256sum | cut -c1-16
}

# Verify every file a .dsc lists against its Checksums-Sha256; silent on success.
# A stamp of names, sizes and mtimes avoids re-hashing 200 MB on every call.
dsc_verify() {
	local dsc=$1 dir files stamp
	dir=$(dirname "$dsc")
	[ -f "$dsc" ] || return 1
	files=$(awk '/^Checksums-Sha256:/ {f=1; next} /^[^ ]/ {f=0} f && NF==3 {print $3}' "$dsc")
	stamp=$(cd "$dir" && stat -c '%n %s %Y' "$(basename "$dsc")" $files 2>/dev/null) || return 1
	[ "$stamp" = "$(cat "$dsc.verified" 2>/dev/null)" ] && return 0
	awk '/^Checksums-Sha256:/ {f=1; next} /^[^ ]/ {f=0} f && NF==3 {print $1 "  " $3}' "$dsc" |
		(cd "$dir" && sha256sum --quiet -c - >/dev/null 2>&1) || return 1
	echo "$stamp" >"$dsc.verified"
}

# Copy $1 to $2 only when content differs, so make/ninja see unchanged mtimes.
install_if_changed() {
	cmp -s "$1" "$2" 2>/dev/null || { mkdir -p "$(dirname "$2")"; cp "$1" "$2"; }
}

# The modes table (see harness/modes); override to try a variant without
# editing it, e.g. SVACC_MODES_FILE=/tmp/my-modes make vm MODE=x.
MODES_FILE=${SVACC_MODES_FILE:-$HARNESS/modes}

# mode_field <mode> <n>: field n (1 name, 2 kernel, 3 QEMU options, 4 cmdline),
# trimmed; empty when the mode does not exist.
mode_field() {
	awk -F'|' -v m="$1" -v n="$2" '$1 ~ "^" m "[ \t]*$" { v = $n; gsub(/^[ \t]+|[ \t]+$/, "", v); print v; exit }' "$MODES_FILE"
}
