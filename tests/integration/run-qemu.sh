#!/bin/sh
# Boot hartvisor with one VM config archive under QEMU, no input, bounded
# by a timeout:
#
#   run-qemu.sh CASE CONFIG SMP SSTC [TIMEOUT_S]
#
# CONFIG names build/configs/CONFIG.cpio; SSTC is "on" or "off". The
# console goes to build/test-logs/CASE.log. Exits with QEMU's status, or
# 124 when the timeout killed it.
set -u

if [ $# -lt 4 ]; then
	echo "usage: $0 CASE CONFIG SMP on|off [TIMEOUT_S]" >&2
	exit 2
fi
case_name=$1
config=$2
smp=$3
sstc=$4
limit=${5:-120}
build=${BUILD:-build}

cpu="rv64,h=true"
[ "$sstc" = off ] && cpu="$cpu,sstc=false"

# The gdb stub's UART (QEMU pci-serial; see qemu-gdb.sh) with nothing
# behind it, so every case also runs with the stub on and no debugger
# (it costs about a millisecond of PCI enumeration at boot).
# GDB_UART=none leaves the device out (the stub is off).
gdb_uart="-device pci-serial,chardev=gdb0 -chardev null,id=gdb0"
[ "${GDB_UART:-null}" = none ] && gdb_uart=""

# ICOUNT=1: QEMU counts instructions (-icount shift=0,sleep=off; one
# thread runs the harts in turn, and runs are bit-identical).
icount=""
[ "${ICOUNT:-0}" = 1 ] && icount="-icount shift=0,sleep=off"

mkdir -p "$build/test-logs"
log="$build/test-logs/$case_name.log"

# -k: QEMU gets SIGTERM first and a KILL only if it hangs on to life.
# shellcheck disable=SC2086 # gdb_uart and icount are word lists
timeout -k 10 "$limit" qemu-system-riscv64 -M virt -cpu "$cpu" \
	-smp "$smp" -m 1G -nographic -bios default \
	-kernel "$build/hartvisor.elf" -initrd "$build/configs/$config.cpio" \
	$gdb_uart $icount </dev/null >"$log" 2>&1
