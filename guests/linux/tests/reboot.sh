#!/bin/sh
# SRST reboot under hartvisor: the first boot reboots (busybox reboot -f:
# the kernel's SBI SRST cold reboot), hartvisor restarts the VM from its
# images, and the second boot reports and lets /init power off. Which boot
# this is comes from the DTB (/chosen/hartvisor,boot-count, big-endian
# u32): the VM's RAM is zeroed at every start, so nothing else survives.
set -u
. /usr/lib/hvtest.sh
prop=/proc/device-tree/chosen/hartvisor,boot-count
if [ ! -r "$prop" ]; then
	echo "HVTEST RESULT reboot: FAIL no $prop"
	exit 1
fi
boot=$(boot_count)
read -r uptime _idle </proc/uptime
echo "HVTEST REBOOT boot $boot, uptime $uptime"
case "$boot" in
1)
	sync
	reboot -f
	# Not reached when the reboot works: /init would power off instead.
	sleep 30
	echo "HVTEST RESULT reboot: FAIL reboot -f returned"
	exit 1
	;;
2)
	echo "HVTEST CHECK boot-count: PASS"
	echo "HVTEST RESULT reboot: PASS cpus=$(nproc)"
	;;
*)
	echo "HVTEST RESULT reboot: FAIL boot count $boot"
	exit 1
	;;
esac
