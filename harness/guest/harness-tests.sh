#!/bin/sh
# Suite "harness": proves the VM the harness built is the one the mode asks
# for, before any driver test is trusted. Plain TAP; each test is announced with
# "# RUN <name>" so a hang is attributable. Inputs from /init's environment:
#   MODE, EXPECT_RELEASE (uname -r the mode's kernel must report),
#   EXPECT_IOMMU = none | plain | sva (derived from the mode's QEMU options).

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

dmar() { ls -d /sys/class/iommu/dmar* 2>/dev/null; }

kernel_is_mode_kernel() {
	[ "$(uname -r)" = "$EXPECT_RELEASE" ] || { echo "uname -r $(uname -r), mode $MODE wants $EXPECT_RELEASE"; return 1; }
}
modules_loaded() {
	[ ! -s /tmp/modload.err ] || { cat /tmp/modload.err; return 1; }
}
svacc_pci_present() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x5356 ] && return 0
	done
	echo "no PCI function 1234:5356"; return 1
}
lspci_sees_svacc() {
	lspci -n -d 1234:5356 | grep -q . || { echo "lspci: $(lspci -n 2>&1 | head -20)"; return 1; }
}
no_dmar_unit() {
	[ -z "$(dmar)" ] || { echo "unexpected DMAR unit(s): $(dmar)"; return 1; }
}
dmar_unit_present() {
	[ -n "$(dmar)" ] || { echo "no /sys/class/iommu/dmar*"; return 1; }
}
# ecap_bit <bit> <name>: every DMAR unit advertises it.
ecap_bit() {
	[ -n "$(dmar)" ] || { echo "no DMAR unit"; return 1; }
	for u in $(dmar); do
		e=$(cat $u/intel-iommu/ecap)
		[ $(( (0x$e >> $1) & 1 )) = 1 ] || { echo "$u ecap 0x$e lacks $2 (bit $1)"; return 1; }
	done
}
no_svm_disabled() {
	! dmesg | grep -i 'SVM disabled' || return 1
}

t kernel-is-mode-kernel kernel_is_mode_kernel
t modules-loaded modules_loaded
t svacc-pci-present svacc_pci_present
t lspci-sees-svacc lspci_sees_svacc
case $EXPECT_IOMMU in
none)
	t no-dmar-unit no_dmar_unit
	;;
plain)
	t dmar-unit-present dmar_unit_present
	;;
sva)
	t dmar-unit-present dmar_unit_present
	t dmar-ecap-prs ecap_bit 29 PRS
	t dmar-ecap-pasid ecap_bit 40 PASID
	t dmar-ecap-flts ecap_bit 47 FLTS
	t dmesg-no-svm-disabled no_svm_disabled
	;;
esac
echo "1..$n"
[ "$fails" = 0 ]
