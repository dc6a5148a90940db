#!/bin/bash
# `make series`: the repo's kernel and QEMU parts as patch series for review,
# `git format-patch --cover-letter` output against the trees the harness
# builds (mainline Linux from the orig tarball; QEMU 10.2.2 from Debian's
# source package):
#   out/series/kernel/   the driver, uapi, docs, tools and selftests
#   out/series/qemu/     qemu/patches/000[1-4] as they are, then the device
#
#   series.sh [kernel|qemu|all]   write out/series/<t>/
#   series.sh edit <t> [dir]      the split as a small git repo, one commit
#                                 per patch (default out/series/<t>-split)
#   series.sh save <t> [dir]      write harness/series/<t>/ back from it
#
# The split lives in harness/series/<t>/: per patch NN-<name>.txt (Subject:,
# Files: the paths the patch adds or first touches, then the commit message
# body) and, when the patch changes files an earlier patch added, NN-<name>.diff
# (exactly those changes). The last patch's tree is the repo; each earlier
# tree is the next one minus its Files and its .diff. When a repo change no
# longer fits the split, `make series` says which patch; re-split with
# `series.sh edit`, then rebase/amend in that repo, then `series.sh save`.
#
# Scratch git trees of the vanilla sources live in $CACHE/series/ (created
# once); a lock serialises users of one tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SPEC=$HARNESS/series
# Repo paths that make up the kernel series (files, or directories).
KERNEL_PATHS=(Documentation/accel/svacc Documentation/ABI/testing/sysfs-driver-svacc
	include/uapi/drm/svacc_accel.h drivers/accel/svacc tools/accel/svacc
	tools/testing/selftests/drivers/accel/svacc)
# Vanilla kernel files the series wires itself into (see wire_kernel).
KERNEL_WIRED=(drivers/accel/Kconfig drivers/accel/Makefile Documentation/accel/index.rst
	tools/testing/selftests/Makefile)
# Fixed dates make the output reproducible: the base commit's, and the
# repo's last commit for the series' own commits.
BASE_DATE="2000-01-01T00:00:00 +0000"

# ---- scratch trees ------------------------------------------------------------

# git in a scratch tree, with an identity of its own
sgit() {
	GIT_AUTHOR_NAME="svacc series" GIT_AUTHOR_EMAIL="series@svacc.invalid" \
	GIT_COMMITTER_NAME="svacc series" GIT_COMMITTER_EMAIL="series@svacc.invalid" \
		git -c core.autocrlf=false -c advice.detachedHead=false "$@"
}

# git_base <dir> <message>: commit everything in <dir> once, tagged "base"
git_base() {
	sgit -C "$1" init -q
	sgit -C "$1" config feature.manyFiles true
	sgit -C "$1" config gc.auto 0
	sgit -C "$1" add -A -f .
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE sgit -C "$1" commit -q -m "$2"
	sgit -C "$1" tag base
}

# One user of a scratch tree at a time (series-check.sh holds the locks
# for its whole run and says so in SVACC_SERIES_LOCKED).
lock_tree() {
	[ -n "${SVACC_SERIES_LOCKED:-}" ] && return 0
	exec 7>"$TREE.lock"
	flock 7
}

# The vanilla sources of a scratch tree, unpacked into $TREE
populate_kernel() {
	tar -xf "$CACHE/dl/linux/linux_$KVER.orig.tar.xz" -C "$TREE" --strip-components=1
}
populate_qemu() {	# Debian's unpacked tree, its own debian/ and quilt state left out
	(cd "$CACHE/qemu/$QVER/pristine" && tar -cf - --exclude=./debian --exclude=./.pc --exclude=./.svacc-done .) |
		tar -xf - -C "$TREE"
}

# Sets TREE (the scratch work tree) and BASE_DESC for target $1, takes the
# lock, and creates the tree (commit tagged "base") the first time.
scratch_tree() {
	mkdir -p "$CACHE/series"
	case $1 in
	kernel)
		"$HARNESS/fetch-sources.sh" linux
		read -r KVER _ <"$CACHE/dl/linux/selected"
		TREE=$CACHE/series/linux-$KVER
		BASE_DESC="Linux $KVER"
		;;
	qemu)
		QVER=${QEMU_SRC_VERSION#*:}
		[ -f "$CACHE/qemu/$QVER/pristine/.svacc-done" ] || "$HARNESS/build-qemu.sh" >/dev/null
		TREE=$CACHE/series/qemu-$QVER
		BASE_DESC="QEMU ${QVER%%+*} (Debian's $QVER source, as the harness builds it)"
		;;
	*) die "series: unknown target '$1' (kernel or qemu)" ;;
	esac
	lock_tree
	git -C "$TREE" rev-parse -q --verify refs/tags/base >/dev/null 2>&1 && return 0
	log "series: creating the scratch git tree for $BASE_DESC (once, up to a few minutes)"
	rm -rf "$TREE"; mkdir -p "$TREE"
	"populate_$1"
	git_base "$TREE" "$BASE_DESC"
}

# ---- the split ----------------------------------------------------------------

specs() { compgen -G "$SPEC/$1/[0-9][0-9]-*.txt" | LC_ALL=C sort; }
spec_subject() { sed -n '1,/^$/s/^Subject: //p' "$1"; }
spec_files() { sed -n '1,/^$/s/^Files:[ \t]*//p' "$1"; }
spec_body() { sed '1,/^$/d' "$1"; }

# insert_sorted <file> <line> <ERE of sibling lines>: put <line> among its
# siblings in C order (after the last one when it sorts last); idempotent.
insert_sorted() {
	grep -qxF -- "$2" "$1" && return 0
	NEW=$2 RE=$3 awk '
		BEGIN { new = ENVIRON["NEW"]; re = ENVIRON["RE"] }
		!done && $0 ~ re { seen = 1; if ($0 > new) { print new; done = 1 } }
		!done && seen && $0 !~ re { print new; done = 1 }
		{ print }
		END { if (!done && seen) print new; else if (!done) exit 1 }' "$1" >"$1.tmp" ||
		die "series: no place for '$2' in $1"
	mv "$1.tmp" "$1"
}

# wire_kernel <dir>: the vanilla files the driver hooks into, as the series
# leaves them (<dir> holds them at base content)
wire_kernel() {
	insert_sorted "$1/drivers/accel/Kconfig" 'source "drivers/accel/svacc/Kconfig"' '^source "drivers/accel/'
	insert_sorted "$1/drivers/accel/Makefile" $'obj-$(CONFIG_DRM_ACCEL_SVACC)\t\t+= svacc/' '^obj-\$\(CONFIG_DRM_ACCEL_'
	insert_sorted "$1/Documentation/accel/index.rst" '   svacc/index' '^   [a-z0-9_-]+/index$'
	insert_sorted "$1/tools/testing/selftests/Makefile" 'TARGETS += drivers/accel/svacc' '^TARGETS \+= drivers/'
}

# final_state <t> <dir>: every path the series touches, as the last patch
# leaves it. Paths are those of the target tree.
final_state() {
	local t=$1 dir=$2 f p
	case $t in
	kernel)
		(cd "$REPO" && git ls-files -co --exclude-standard -- "${KERNEL_PATHS[@]}") |
			while read -r f; do
				[ -f "$REPO/$f" ] || continue
				install -D -m "$(stat -c %a "$REPO/$f")" "$REPO/$f" "$dir/$f"
			done
		for f in "${KERNEL_WIRED[@]}"; do
			mkdir -p "$dir/$(dirname "$f")"
			git -C "$TREE" show "base:$f" >"$dir/$f"
		done
		wire_kernel "$dir"
		;;
	qemu)
		# The device's hooks into QEMU's build come from its patch(es) in
		# qemu/patches; every other file under qemu/ is the device's own.
		for p in $(qemu_device_patches); do
			sed -n 's|^+++ b/||p' "$p" | cut -f1 | while read -r f; do
				[ ! -e "$dir/$f" ] || continue
				mkdir -p "$dir/$(dirname "$f")"
				git -C "$TREE" show "as-is:$f" >"$dir/$f" 2>/dev/null || rm -f "$dir/$f"
			done
			patch -d "$dir" -p1 -s --batch --forward --no-backup-if-mismatch <"$p" ||
				die "series: $(basename "$p") does not apply to QEMU"
		done
		(cd "$REPO/qemu" && find . -type f ! -path './patches/*' ! -name 'README*') |
			while read -r f; do install -D -m 644 "$REPO/qemu/$f" "$dir/${f#./}"; done
		;;
	esac
}

# qemu/patches that add the device (everything else there is applied as is)
qemu_device_patches() { grep -lis svacc "$REPO"/qemu/patches/*.patch | LC_ALL=C sort || true; }
qemu_asis_patches() {
	local p
	for p in "$REPO"/qemu/patches/*.patch; do
		grep -qis svacc "$p" || echo "$p"
	done
}

# in_base <path>: the path exists in the tree the split starts from
in_base() { git -C "$TREE" cat-file -e "$SPLIT_BASE:$1" 2>/dev/null; }

# states <t> <workdir>: <workdir>/<k>/ for k = 1..n holds every touched path
# as patch k leaves it (absent: as in the base tree, or not there);
# <workdir>/paths lists the touched paths. Dies naming the patch that does
# not fit.
states() {
	local t=$1 w=$2 k n f s specs_a=() cur
	mapfile -t specs_a < <(specs "$t")
	n=${#specs_a[@]}
	[ "$n" -gt 0 ] || die "series: no patches in $SPEC/$t/"
	mkdir -p "$w/final"
	final_state "$t" "$w/final"
	(cd "$w/final" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$w/paths"

	# Every touched path belongs to exactly one patch.
	: >"$w/owners"
	for ((k = 1; k <= n; k++)); do
		s=${specs_a[k - 1]}
		while read -r f; do
			[ -n "$f" ] || continue
			# a glob names every path it matches
			# shellcheck disable=SC2053
			mapfile -t m < <(while read -r p; do if [[ $p == $f ]]; then echo "$p"; fi; done <"$w/paths")
			[ "${#m[@]}" -gt 0 ] || die "series: $(basename "$s"): Files: $f matches nothing the series touches"
			printf "%s\t$k\n" "${m[@]}" >>"$w/owners"
		done < <(spec_files "$s")
	done
	dup=$(cut -f1 "$w/owners" | LC_ALL=C sort | uniq -d | head -3 | tr '\n' ' ')
	[ -z "$dup" ] || die "series: in more than one patch's Files: $dup"
	orphans=$(cut -f1 "$w/owners" | LC_ALL=C sort | comm -13 - "$w/paths" | tr '\n' ' ')
	[ -z "$orphans" ] || die "series: in no patch of $SPEC/$t/ (add them to the Files: of the patch that introduces them): $orphans"

	cur=$w/cur
	cp -a "$w/final" "$cur"
	for ((k = n; k >= 1; k--)); do
		s=${specs_a[k - 1]}
		cp -a "$cur" "$w/$k"
		# Before patch k: its Files as in the base tree (or absent)...
		while IFS=$'\t' read -r f o; do
			[ "$o" = "$k" ] || continue
			rm -f "$cur/$f"
		done <"$w/owners"
		# ...and without its changes to files earlier patches touched.
		if [ -f "${s%.txt}.diff" ]; then
			patch -d "$cur" -p1 -R -s --batch --fuzz=0 --no-backup-if-mismatch <"${s%.txt}.diff" >"$w/patch.log" 2>&1 || {
				cat "$w/patch.log" >&2
				die "series: $(basename "${s%.txt}.diff") no longer matches the files it changes; re-split: harness/series.sh edit $t, fix that commit, harness/series.sh save $t"
			}
		fi
	done
	left=$(cd "$cur" && find . -type f | sed 's|^\./||' | tr '\n' ' ')
	[ -z "$left" ] || die "series: before the first patch these still differ from the base tree (a .diff changes a file no earlier patch adds): $left"
	rm -rf "$cur"
	N_PATCHES=$n
	SPECS=("${specs_a[@]}")
}

# maintainers_at <t> <state dir> <out>: MAINTAINERS as patch k leaves it,
# the series' entry listing only the F: paths that exist by then
maintainers_at() {
	local t=$1 st=$2 out=$3 entry
	entry=$(mktemp)
	# (the M: line, @AUTHOR@, is whoever posts the series: git's author)
	case $t in
	kernel) cat "$REPO/MAINTAINERS" ;;
	qemu) cat "$SPEC/qemu/MAINTAINERS" ;;
	esac | AUTHOR=$(author) awk 'NF { gsub(/@AUTHOR@/, ENVIRON["AUTHOR"]); print }' |
	while IFS= read -r line; do
		case $line in
		F:*)
			p=${line#F:}; p=${p#"${p%%[! 	]*}"}
			# keep it when some path of this state matches (dir/ or glob)
			# shellcheck disable=SC2053
			(cd "$st" && find . -type f | sed 's|^\./||') | while read -r f; do
				if [[ $f == $p* ]]; then echo "$line"; break; fi
			done ;;
		*) echo "$line" ;;
		esac
	done >"$entry"
	git -C "$TREE" show "$SPLIT_BASE:MAINTAINERS" >"$out"
	if grep -q '^F:' "$entry"; then
		case $t in
		kernel)	# after the entry with the greatest title below ours (the
			# list is not strictly sorted: "first title above" misplaces it)
			ENTRY=$entry awk '
				BEGIN { ef = ENVIRON["ENTRY"]; getline title < ef; e = title "\n"
					while ((getline l < ef) > 0) e = e l "\n"; title = toupper(title) }
				{ line[NR] = $0 }
				/^Maintainers List/ { inlist = 1 }
				inlist && prev == "" && /^[A-Z0-9]/ && $0 !~ /^[A-Z]:\t/ {
					t = toupper($0); if (t < title && t > best) { best = t; at = NR } }
				{ prev = $0 }
				END {
					for (i = 1; i <= NR; i++) {
						print line[i]
						if (at && i > at && line[i] == "" && !done) { printf "%s\n", e; done = 1 }
					}
				}' "$out" >"$out.tmp" ;;
		qemu)	# after the EDU test device
			awk -v entryf="$entry" '
				BEGIN { while ((getline l < entryf) > 0) e = e l "\n" }
				{ print }
				$0 == "EDU" { inedu = 1 }
				inedu && $0 == "" { printf "%s\n", e; inedu = 0 }' "$out" >"$out.tmp" ;;
		esac
		mv "$out.tmp" "$out"
	fi
	rm -f "$entry"
}

# ---- commits and patches --------------------------------------------------------

author() { git -C "$REPO" var GIT_AUTHOR_IDENT | sed 's/ [0-9]* [-+][0-9]*$//'; }

# as_author <command...>: run it as the repo's author, at the repo's last
# commit date (the series' commits and cover letter are reproducible)
as_author() {
	local who name email date
	who=$(author)
	name=${who% <*}
	email=${who##*<}
	email=${email%>}
	date=$(git -C "$REPO" log -1 --format=%aI)
	GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email GIT_AUTHOR_DATE=$date \
	GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email GIT_COMMITTER_DATE=$date \
		git -c core.autocrlf=false "$@"
}

# commit_states <t> <workdir>: branch "series" = the split base + one
# commit per state. Built with a private index and git plumbing: the work
# tree is not touched (the builds of series-check check commits out).
commit_states() {
	local t=$1 w=$2 k f who msg parent tree ptree mode
	who=$(author)
	export GIT_INDEX_FILE=$w/index
	sgit -C "$TREE" read-tree "$SPLIT_BASE"
	parent=$(sgit -C "$TREE" rev-parse "$SPLIT_BASE^{commit}")
	for ((k = 1; k <= N_PATCHES; k++)); do
		maintainers_at "$t" "$w/$k" "$w/MAINTAINERS.$k"
		# one "mode sha<TAB>path" line per path: as the state has it...
		(cd "$w/$k" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$w/have"
		sed "s|^|$w/$k/|" "$w/have" | sgit -C "$TREE" hash-object -w --stdin-paths --no-filters >"$w/shas"
		paste "$w/shas" "$w/have" | while IFS=$'\t' read -r sha f; do
			mode=100644; [ -x "$w/$k/$f" ] && mode=100755
			printf '%s %s\t%s\n' "$mode" "$sha" "$f"
		done >"$w/index-info"
		# ...as the base has it, or not there at all (mode 0)
		comm -23 "$w/paths" "$w/have" >"$w/gone"
		: >"$w/based"
		[ ! -s "$w/gone" ] || xargs -d '\n' -a "$w/gone" git -C "$TREE" ls-tree "$SPLIT_BASE" -- |
			awk -F'\t' '{ split($1, a, " "); print a[1] " " a[3] "\t" $2 }' >"$w/based"
		cat "$w/based" >>"$w/index-info"
		cut -f2 "$w/based" | LC_ALL=C sort | comm -13 - "$w/gone" |
			awk '{ printf "0 %040d\t%s\n", 0, $0 }' >>"$w/index-info"
		sgit -C "$TREE" update-index --index-info <"$w/index-info"
		sgit -C "$TREE" update-index --cacheinfo \
			"100644,$(sgit -C "$TREE" hash-object -w "$w/MAINTAINERS.$k"),MAINTAINERS"
		tree=$(sgit -C "$TREE" write-tree)
		ptree=$(sgit -C "$TREE" rev-parse "$parent^{tree}")
		[ "$tree" != "$ptree" ] || die "series: $(basename "${SPECS[k - 1]}") changes nothing"
		msg=$(spec_subject "${SPECS[k - 1]}"; echo; spec_body "${SPECS[k - 1]}" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
			echo; echo "Signed-off-by: $who")
		parent=$(as_author -C "$TREE" commit-tree "$tree" -p "$parent" -m "$msg")
	done
	unset GIT_INDEX_FILE
	sgit -C "$TREE" update-ref refs/heads/series "$parent"
}

# results_summary: the latest test results in out/, one line per suite and mode
results_summary() {
	local m f when
	for m in host $(grep -oE '^[a-z0-9_-]+' "$MODES_FILE"); do
		f=$OUT/$m/results.tap
		[ -s "$f" ] || continue
		when=$(date -u -r "$f" '+%Y-%m-%d %H:%M UTC')
		tr -d '\r' <"$f" | awk -f "$HARNESS/tap-summary.awk" | awk -F'\t' -v m="$m" -v w="$when" '
			$1 == "S" { printf "  %-12s %-6s %4d passed, %d failed, %d skipped   (%s)\n", $2, m, $3, $4, $5, w }
			$1 == "F" { printf "    FAIL %s\n", $2 }'
	done
}

# cover_letter <t> <file>: fill in git's template from harness/series/<t>/cover.txt
cover_letter() {
	local t=$1 f=$2 tpl=$SPEC/$1/cover.txt body res
	[ -f "$tpl" ] || die "series: $tpl missing"
	res=$(results_summary)
	[ -n "$res" ] || res="  (no results in out/: run \`make check\` first, then \`make series\`)"
	# (ENVIRON, not -v: awk would interpret backslashes in -v values)
	body=$(spec_body "$tpl" | BASE=$BASE_DESC RES=$res awk '
		{ gsub(/@BASE@/, ENVIRON["BASE"]) }
		$0 == "@RESULTS@" { print ENVIRON["RES"]; next }
		{ print }')
	SUBJ=$(spec_subject "$tpl") BODY=$body awk '
		/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, ENVIRON["SUBJ"]) }
		/^\*\*\* BLURB HERE \*\*\*$/ { print ENVIRON["BODY"]; next }
		{ print }' "$f" >"$f.tmp"
	mv "$f.tmp" "$f"
}

# generate <t>: out/series/<t>/
generate() {
	local t=$1 w dest p
	scratch_tree "$t"
	prepare_base "$t"
	w=$(mktemp -d)
	states "$t" "$w"
	commit_states "$t" "$w"
	rm -rf "$w"
	dest=$OUT/series/$t
	rm -rf "$dest"; mkdir -p "$dest"
	as_author -C "$TREE" format-patch -q --cover-letter -o "$dest" base..series
	cover_letter "$t" "$dest/0000-cover-letter.patch"
	log "series: $t: $(find "$dest" -name '0*.patch' ! -name '0000-*' | wc -l) patches in ${dest#"$REPO"/}/"
	for p in "$dest"/0*.patch; do
		printf '  %s\n' "$(basename "$p")"
	done >&2
}

# prepare_base <t>: SPLIT_BASE = the commit the split starts from (for qemu:
# base + qemu/patches applied as they are, branch "as-is"); the series
# starts from "base"
prepare_base() {
	local p
	SPLIT_BASE=base
	[ "$1" = qemu ] || return 0
	sgit -C "$TREE" checkout -q -f -B as-is base
	sgit -C "$TREE" clean -q -fdx -e /.git
	for p in $(qemu_asis_patches); do
		sgit -C "$TREE" am -q --keep-cr "$p" >/dev/null 2>&1 ||
			{ sgit -C "$TREE" am --abort 2>/dev/null || true; die "series: $(basename "$p") does not apply to QEMU"; }
	done
	SPLIT_BASE=as-is
}

# ---- edit / save -----------------------------------------------------------------

edit() {
	local t=$1 dir=${2:-$OUT/series/$1-split} w k f
	[ ! -e "$dir" ] || die "series: $dir exists; remove it or name another directory"
	scratch_tree "$t"
	prepare_base "$t"
	w=$(mktemp -d)
	states "$t" "$w"
	mkdir -p "$dir"
	git -C "$dir" init -q
	# commit 0: the touched paths that exist in the base tree, as they are there
	while read -r f; do
		in_base "$f" || continue
		mkdir -p "$dir/$(dirname "$f")"
		git -C "$TREE" show "$SPLIT_BASE:$f" >"$dir/$f"
	done <"$w/paths"
	git -C "$dir" add -A . && git -C "$dir" commit -q --allow-empty -m "base: $BASE_DESC"
	for ((k = 1; k <= N_PATCHES; k++)); do
		while read -r f; do
			rm -f "$dir/$f"
			if [ -f "$w/$k/$f" ]; then
				install -D -m "$(stat -c %a "$w/$k/$f")" "$w/$k/$f" "$dir/$f"
			elif in_base "$f"; then
				git -C "$TREE" show "$SPLIT_BASE:$f" >"$dir/$f"
			fi
		done <"$w/paths"
		git -C "$dir" add -A .
		git -C "$dir" commit -q --allow-empty -F <(spec_subject "${SPECS[k - 1]}"; echo; spec_body "${SPECS[k - 1]}")
	done
	rm -rf "$w"
	log "series: $t split in $dir ($N_PATCHES commits on \"base\"); edit it (git rebase -i, amend), then: harness/series.sh save $t $dir"
}

save() {
	local t=$1 dir=${2:-$OUT/series/$1-split} k n name subj prev touched=() changed f
	git -C "$dir" rev-parse -q --verify HEAD >/dev/null || die "series: $dir is not a split repo (see series.sh edit)"
	mapfile -t commits < <(git -C "$dir" rev-list --reverse HEAD)
	n=$((${#commits[@]} - 1))
	[ "$n" -gt 0 ] || die "series: $dir has no patch commits"
	rm -f "$SPEC/$t"/[0-9][0-9]-*.txt "$SPEC/$t"/[0-9][0-9]-*.diff
	declare -A seen=()
	for ((k = 1; k <= n; k++)); do
		prev=${commits[k - 1]}
		subj=$(git -C "$dir" log -1 --format=%s "${commits[k]}")
		name=$(printf '%02d-%s' "$k" "$(echo "${subj#*: }" | tr '[:upper:]' '[:lower:]' | tr -cs 'a-z0-9' '-' | sed 's/^-//; s/-$//' | cut -c1-40 | sed 's/-$//')")
		mapfile -t changed < <(git -C "$dir" diff --name-only "$prev" "${commits[k]}")
		touched=()
		for f in "${changed[@]}"; do
			if [ -n "${seen[$f]:-}" ]; then touched+=("$f"); fi
		done
		{
			echo "Subject: $subj"
			for f in "${changed[@]}"; do
				if [ -z "${seen[$f]:-}" ]; then echo "Files: $f"; fi
			done
			echo
			git -C "$dir" log -1 --format=%b "${commits[k]}" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
		} >"$SPEC/$t/$name.txt"
		for f in "${changed[@]}"; do seen[$f]=1; done
		if [ "${#touched[@]}" -gt 0 ]; then
			git -C "$dir" diff "$prev" "${commits[k]}" -- "${touched[@]}" >"$SPEC/$t/$name.diff"
		fi
	done
	log "series: wrote $n patches to ${SPEC#"$REPO"/}/$t/; check with: harness/series.sh $t"
}

# ---- main ---------------------------------------------------------------------------

case ${1:-all} in
kernel|qemu) generate "$1" ;;
all) generate kernel; generate qemu ;;
edit) edit "${2:?usage: series.sh edit kernel|qemu [dir]}" "${3:-}" ;;
save) save "${2:?usage: series.sh save kernel|qemu [dir]}" "${3:-}" ;;
*) die "usage: series.sh [kernel|qemu|all] | edit <t> [dir] | save <t> [dir]" ;;
esac
