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
