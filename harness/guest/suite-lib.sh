# Shared by the shell suites in harness/guest/suites/ (sourced, not run):
# plain TAP, each test announced with "# RUN <name>" so a hang is
# attributable, and where the svacc PCI function is.

n=0
fails=0
t() {	# t <name> <command...>: one TAP test
	name=$1; shift
	n=$((n + 1))
	echo "# RUN $name"
	if out=$("$@" 2>&1); then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		[ -n "$out" ] && echo "$out" | sed 's/^/#   /'
		fails=$((fails + 1))
	fi
}
t_done() {	# the plan line; the suite's exit status
	echo "1..$n"
	[ "$fails" = 0 ]
}

# svacc_sysfs: the sysfs directory of the svacc PCI function (1234:5356).
svacc_sysfs() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x5356 ] && { echo $d; return 0; }
	done
	return 1
}

# The torture suites' programs (svacc selftests that run_svacc_tests.sh
# leaves out) and the driver module they reload.
# shellcheck disable=SC2034 # used by the suites that source this file
ST=/usr/lib/svacc-selftests
svacc_ko() { grep '/svacc\.ko$' /svacc/modules 2>/dev/null | tail -n 1; }

# svacc_restore <after>: when a verified copy fails, reload the driver so
# that one broken test does not fail the suites after it; says so in TAP.
svacc_restore() {
	svacc copy --size 64K --ioctl >/dev/null 2>&1 && return 0
	echo "# $1 left the device unusable: reloading the driver"
	rmmod svacc 2>/dev/null
	insmod "$(svacc_ko)" 2>&1 | sed 's/^/# /'
	svacc copy --size 64K --ioctl >/dev/null 2>&1 ||
		echo "# the device still does not work after the reload"
}

# kmemleak_scan: the kernel's leak report after two scans (as kmemleak's
# documentation advises: an object may look unreferenced in one scan while
# its pointer is in flight; and objects younger than 5 s are not reported
# at all, hence the pause). Empty when there is no leak.
kmemleak_scan() {
	k=/sys/kernel/debug/kmemleak
	[ -w $k ] || { echo "# no $k: kmemleak is off" >&2; return 1; }
	echo scan >$k || return 1
	sleep 6
	echo scan >$k || return 1
	cat $k
}

# kmemleak_split: a kmemleak report on stdin, one object per paragraph;
# prints each line prefixed "S " when the object is svacc's, "O " otherwise.
# svacc's: allocated with a svacc function on the backtrace, or with an
# unnamed module address there (svacc after an rmmod: the only module that
# comes and goes), or by a svacc program (the tests, the CLI).
kmemleak_split() {
	awk 'function flush(i) {
		for (i = 1; i <= nl; i++) print (svacc ? "S " : "O ") rec[i]
		nl = 0; svacc = 0; bt = 0
	}
	/^unreferenced object/ { flush() }
	{ rec[++nl] = $0 }
	/^  comm "svacc/ { svacc = 1 }
	/^  backtrace/ { bt = 1; next }
	bt && (/\[svacc\]/ || /^ +(\[<[0-9a-f]+>\] )?0x[0-9a-f]+$/) { svacc = 1 }
	END { flush() }'
}
