#!/bin/sh
# `make demo` runs this inside the sva-mode guest; its output is the demo.
# Replace it with the real demo once the driver exists.

echo "== svacc demo: mode $MODE, kernel $(uname -r)"
dev=$(lspci -n -d 1234:5356 | awk '{print $1}' | head -1)
if [ -z "$dev" ]; then
	echo "no svacc PCI function (1234:5356) found"; exit 1
fi
echo "== the svacc PCI function"
lspci -vvv -nn -s "$dev"

for u in /sys/class/iommu/dmar*; do
	[ -e "$u" ] || { echo "== no DMAR unit (no vIOMMU)"; break; }
	e=$(cat $u/intel-iommu/ecap); c=$(cat $u/intel-iommu/cap)
	echo "== $(basename $u): cap 0x$c ecap 0x$e"
	# VT-d ECAP bits (VT-d spec, "Extended Capability Register").
	for b in "2 DT device-TLB (ATS)" "3 IR interrupt remap" "6 PT pass-through" \
		"29 PRS page requests" "33 NWFS" "40 PASID" "42 PDS page drain" \
		"43 SMTS scalable mode" "46 SLTS second-stage" "47 FLTS first-stage" "48 SMPWC"; do
		bit=${b%% *}
		[ $(( (0x$e >> bit) & 1 )) = 1 ] && v=yes || v=no
		printf '   ecap bit %2d %-24s %s\n' "$bit" "${b#* }" "$v"
	done
done
echo "== kernel IOMMU/SVA messages"
dmesg | grep -iE 'DMAR|iommu|SVM|svacc' | tail -20
exit 0
