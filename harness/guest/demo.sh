#!/bin/sh
# `make demo` runs this inside the guest (sva mode): the svacc device, the
# driver's translation mode and PASID, then descriptors on plain process
# virtual addresses through both submission paths, verified against the CPU.

echo "== svacc demo: mode $MODE, kernel $(uname -r)"
dev=$(lspci -n -d 1234:5356 | awk '{print $1}' | head -1)
if [ -z "$dev" ]; then
	echo "no svacc PCI function (1234:5356) found"; exit 1
fi
echo "== the svacc PCI function and its PCIe capabilities"
lspci -vv -nn -s "$dev" | grep -E '^[0-9a-f]|Kernel driver|Process Address Space|Address Translation|Page Request|PASIDCap|PASIDCtl|ATSCap|ATSCtl|PRICtl|PRISta'

echo "== the driver's choice (one dmesg line)"
dmesg | grep -E 'svacc .*(SVA|HMM|mode)' | tail -3

rc=0
echo
echo "== svacc demo through the ENQCMD-style ioctl (shared WQ, kernel stamps the PASID)"
svacc demo --ioctl || rc=1
echo
echo "== svacc demo through a mapped portal (dedicated WQ, PASID programmed by the kernel)"
svacc demo --portal || rc=1
exit $rc
