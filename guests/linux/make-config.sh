#!/bin/sh
# Write a VM config for Linux guests and pack the boot archive hartvisor
# reads through QEMU's -initrd (config.dtb + Image + initramfs).
#
#   make-config.sh OUTDIR VMS VCPUS MEMORY_MIB BOOTARGS [AFFINITY]
#
# VMS Linux VMs named linux0, linux1, ... share one Image and initramfs.
# AFFINITY, if given, is the hart-affinity cell list for every VM.
# SCHEDULER (environment), if set, names the scheduling policy;
# WFI_ALWAYS_BLOCKS=1 turns the wait in place off and WFI_ALWAYS_EXITS=1 the
# wfi in the guest (docs/vm-config.md); WEIGHTS,
# if set, lists one weight per VM ("256 768"); EXTRA_BOOTARGS, if set,
# lists words added to each VM's bootargs, ";" between VMs (";hvx=1":
# linux1 alone).
set -eu
[ $# -ge 5 ] || { echo "usage: $0 OUTDIR VMS VCPUS MEMORY_MIB BOOTARGS [AFFINITY]" >&2; exit 2; }
out=$1 vms=$2 vcpus=$3 mem=$4 bootargs=$5 affinity=${6:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${BUILD:-$top/build}" && pwd) # absolute: the links below must resolve
mkdir -p "$out"
{
	echo "/dts-v1/;"
	echo "/ {"
	echo "	compatible = \"hartvisor,config-v1\";"
	if [ -n "${SCHEDULER:-}" ] || [ "${WFI_ALWAYS_BLOCKS:-0}" = 1 ] ||
		[ "${WFI_ALWAYS_EXITS:-0}" = 1 ]; then
		echo "	hypervisor {"
		[ -z "${SCHEDULER:-}" ] || echo "		scheduler = \"$SCHEDULER\";"
		[ "${WFI_ALWAYS_BLOCKS:-0}" != 1 ] || echo "		wfi-always-blocks;"
		[ "${WFI_ALWAYS_EXITS:-0}" != 1 ] || echo "		wfi-always-exits;"
		echo "	};"
	fi
	echo "	vms {"
	i=0
	while [ "$i" -lt "$vms" ]; do
		echo "		linux$i {"
		echo "			vcpus = <$vcpus>;"
		echo "			memory-mib = <$mem>;"
		echo "			kernel = \"Image\";"
		echo "			initrd = \"initramfs.cpio.gz\";"
		extra=$(echo "${EXTRA_BOOTARGS:-}" | awk -F';' -v k=$((i + 1)) '{ print $k }')
		echo "			bootargs = \"$bootargs${extra:+ $extra}\";"
		[ -n "$affinity" ] && echo "			hart-affinity = <$affinity>;"
		[ "$i" -eq 0 ] && echo "			console-focus;"
		if [ -n "${WEIGHTS:-}" ]; then
			weight=$(echo "$WEIGHTS" | awk -v k=$((i + 1)) '{ print $k }')
			[ -n "$weight" ] || { echo "make-config.sh: no weight for VM $i in WEIGHTS" >&2; exit 2; }
			echo "			weight = <$weight>;"
		fi
		echo "		};"
		i=$((i + 1))
	done
	echo "	};"
	echo "};"
} >"$out/config.dts"
dtc -q -I dts -O dtb -o "$out/config.dtb" "$out/config.dts"
ln -sf "$build/guests/linux-Image" "$out/Image"
ln -sf "$build/guests/linux-initramfs.cpio.gz" "$out/initramfs.cpio.gz"
(cd "$out" && printf 'config.dtb\nImage\ninitramfs.cpio.gz\n' |
	cpio --quiet -o -L -H newc >boot.cpio)
