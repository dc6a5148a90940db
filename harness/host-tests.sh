#!/bin/bash
# Host-side tests of the top-level make targets a user types, without booting
# a VM: the harness directory is swapped (H=<dir>) for stubs that print what
# they were given. Prints framed TAP (suite "make"); exit 1 on a failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

stub=$(mktemp -d)
trap 'rm -rf "$stub"' EXIT
# vm.sh stub: one argument per line, in brackets.
cat >"$stub/vm.sh" <<'EOS'
#!/bin/sh
for a in "$@"; do printf '[%s]\n' "$a"; done
EOS
chmod +x "$stub/vm.sh"

n=0
failed=0
# check <name> <expected output> <make arguments...>
check() {
	local name=$1 want=$2 got
	shift 2
	n=$((n + 1))
	echo "# RUN $name"
	got=$(make -s --no-print-directory -C "$REPO" -o setup H="$stub" "$@" 2>&1) || true
	if [ "$got" = "$want" ]; then
		echo "ok $n $name"
	else
		failed=1
		echo "not ok $n $name"
		printf '#   make %s\n#   want: %s\n#   got:  %s\n' "$*" "${want//$'\n'/ }" "${got//$'\n'/ }"
	fi
}

echo "# svacc-begin make"
# shellcheck disable=SC2016 # the $ signs are the point: make must not expand them
check vm-cmd-verbatim $'[sva]\n[cmd]\n[echo $HOME $$ "a b" \'c\' $(H) `d`]' \
	vm MODE=sva 'CMD=echo $HOME $$ "a b" '\''c'\'' $(H) `d`'
check vm-no-cmd-is-shell $'[hmm]\n[shell]' vm MODE=hmm
check demo-runs-sva-demo $'[sva]\n[demo]' demo
# A failed test's summary line carries what it printed of why, so that the
# tail of a make check log (all a CI page may show) names the cause.
for t in "$HARNESS"/testdata/tap-summary/*.tap; do
	n=$((n + 1))
	name=tap-summary-$(basename "$t" .tap)
	echo "# RUN $name"
	if awk -v expect="$(awk '/^# svacc-begin/ { print $3; exit }' "$t")" \
	       -f "$HARNESS/tap-summary.awk" "$t" | cmp -s - "${t%.tap}.want"; then
		echo "ok $n $name"
	else
		failed=1
		echo "not ok $n $name"
	fi
done
echo "1..$n"
echo "# svacc-end make rc=$failed"
exit "$failed"
