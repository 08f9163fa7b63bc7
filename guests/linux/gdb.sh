#!/bin/bash
# make gdb: SMP Linux under hartvisor with the gdb stub's UART on a local
# TCP port, and gdb-multiarch attached to it with the kernel's symbols.
#
#   guests/linux/gdb.sh BUILD HARTS CONFIG_CPIO [GDB_ARGS...]
#
# QEMU runs in the background with the Linux console on its own TCP port
# (connect a second terminal with the command printed below); gdb runs in
# the foreground. Leaving gdb stops QEMU. The VM keeps running between
# gdb's stops; `continue`, Ctrl-C and `detach` work as with any target.
set -eu
build=$1 harts=$2 cpio=$3
shift 3
. tests/integration/qemu-gdb.sh
dir=$build/gdb
mkdir -p "$dir"
port=${GDB_PORT:-$(gdb_free_port)}
console=${GDB_CONSOLE_PORT:-$((port + 1))}

# shellcheck disable=SC2046 # the arguments are words on purpose
qemu-system-riscv64 -M virt -cpu rv64,h=true -smp "$harts" -m 2G \
	-display none -bios default -kernel "$build/hartvisor.elf" \
	-initrd "$cpio" $(gdb_qemu_args "$port") \
	-serial "tcp:127.0.0.1:$console,server=on,wait=off" \
	>"$dir/qemu.log" 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null; wait $qemu 2>/dev/null' EXIT
for _ in $(seq 100); do
	gdb_port_in_use "$port" && gdb_port_in_use "$console" && break
	sleep 0.1
done
cat <<EOF2
hartvisor: Linux under hartvisor, $harts harts. The gdb stub is on port $port.
  Linux console (another terminal):  socat -,rawer tcp:127.0.0.1:$console
  In gdb: 'break do_sys_openat2', 'continue', run a command in the
  console, then 'bt'; 'monitor help' lists the hypervisor's commands.
  Leaving gdb stops the machine. QEMU's output: $dir/qemu.log
EOF2
gdb-multiarch -q -ex "set pagination off" \
	-ex "target remote 127.0.0.1:$port" "$@" "$build/linux/vmlinux"
