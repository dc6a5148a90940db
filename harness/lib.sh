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

# mode_field <mode> <n>: field n (1 name, 2 kernel, 3 QEMU options, 4 cmdline,
# 5 suites, optional), trimmed; empty when the mode or the field does not exist.
mode_field() {
	awk -F'|' -v m="$1" -v n="$2" '$1 ~ "^" m "[ \t]*$" { v = $n; gsub(/^[ \t]+|[ \t]+$/, "", v); print v; exit }' "$MODES_FILE"
}

# suite_applies <suite> <mode>: a suite whose file has a line
# "# svacc-modes: <glob>..." runs only in the modes matching one of the
# globs (e.g. the inject suite needs a device with error injection).
suite_applies() {
	local globs g f=$HARNESS/guest/suites/$1
	globs=$(sed -n 's/^# svacc-modes: *//p' "$f" 2>/dev/null | head -n 1)
	[ -n "$globs" ] || return 0
	for g in $globs; do
		# shellcheck disable=SC2254
		case $2 in $g) return 0 ;; esac
	done
	return 1
}

# mode_suites <mode> <suite>...: the suites the mode runs, in the order given:
# those that apply to it (suite_applies) and, when the mode has a fifth
# field (a mode built for a few suites, e.g. one with error injection),
# those it names; $SVACC_SUITES narrows the list further (`make fuzz` runs
# one suite per mode).
mode_suites() {
	local mode=$1 want s out=()
	shift
	want=$(mode_field "$mode" 5)
	for s in "$@"; do
		[ -z "$want" ] || [[ " $want " == *" $s "* ]] || continue
		[ -z "${SVACC_SUITES:-}" ] || [[ " $SVACC_SUITES " == *" $s "* ]] || continue
		suite_applies "$s" "$mode" || continue
		out+=("$s")
	done
	echo "${out[*]}"
}

# plain_modes: the modes that run every suite (no fifth field): the ones a
# benchmark or a long run means by "every mode".
plain_modes() {
	awk -F'|' '/^[a-z0-9_-]+[ \t]*\|/ && NF < 5 { v = $1; gsub(/[ \t]+/, "", v); print v }' "$MODES_FILE"
}

# report <mode> <expected suites> <results file>: one line per suite
# ("svacc: <suite> <mode>: N passed, N failed, N skipped") and one per failed
# test; adds to the caller's tp, tf and ts, and the failures to its
# all_fails array (for a recap at the end of a long log).
report() {
	local mode=$1 expect=$2 file=$3 kind a b c d
	while IFS=$'\t' read -r kind a b c d; do
		case $kind in
		S) echo "svacc: $a $mode: $b passed, $c failed, $d skipped"
		   tp=$((tp + b)); tf=$((tf + c)); ts=$((ts + d)) ;;
		F) echo "svacc:   FAIL $a $mode: $b"
		   all_fails+=("$a $mode: $b") ;;
		esac
	done < <(tr -d '\r' <"$file" 2>/dev/null | awk -v expect="$expect" -f "$HARNESS/tap-summary.awk")
}

# kernel_time_factor <kernel>: how many times longer the guest suites may take
# on that kernel than on mainline. run-vm.sh scales the suite timeout and the
# VM watchdog by it (the debug kernel runs the same tests 4-8x slower under
# TCG); SVACC_DEBUG_TIME_FACTOR overrides it for the debug kernel.
kernel_time_factor() {
	case $1 in
	debug) echo "${SVACC_DEBUG_TIME_FACTOR:-4}" ;;
	*) echo 1 ;;
	esac
}

# The wrapper build-qemu.sh writes beside the build dir $1 it printed.
qemu_bin() { echo "$(dirname "$1")/bin${SVACC_QEMU_TAG:+-$SVACC_QEMU_TAG}/qemu-system-x86_64"; }
