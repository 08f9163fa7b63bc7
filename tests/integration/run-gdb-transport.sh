#!/bin/bash
# The gdb stub's UART (QEMU pci-serial, gdbstub/transport.c) under QEMU.
# One VM runs the echo guest, which spins on SBI console reads: on a
# single hart, the hypervisor only ever sees the UART's interrupt as a
# guest exit.
#   gdb-uart-off  without the device, boot says the stub is off, and the
#                 guest runs and powers the machine off.
#   gdb-uart-rx   with the device on a TCP port, a client sends Ctrl-C,
#                 "$?#3f" and "$D#44" (detach) while the guest runs; the
#                 bytes must reach the hypervisor by interrupt: the stub,
#                 attached to the one VM, acknowledges a packet and
#                 answers (the discard path, with no stub attached, is
#                 tests/unit/'s: no config reaches it here). The guest
#                 keeps echoing console input and powers off cleanly
#                 afterwards.
# Prints PASS/FAIL lines and "gdb-transport: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BUILD
. tests/integration/qemu-gdb.sh
LOGS=$BUILD/test-logs
dir=$BUILD/test-configs/gdb-transport
mkdir -p "$LOGS" "$dir"
passed=0
failed=0

pass() {
	echo "PASS $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $1"
	failed=$((failed + 1))
}

expect() { # expect NAME LOG REGEX [SECONDS]
	if gdb_wait_log "$2" "$3" "${4:-60}"; then
		pass "$1"
	else
		fail "$1: no '$3' within ${4:-60} s (log: $2)"
	fi
}

# Type a line to the guest, then require its echo and, after "quit", a
# clean power-off (QEMU exits 0 by itself).
echo_and_quit() { # echo_and_quit CASE LOG PID
	printf 'hello\r' >&3
	expect "$1: guest still echoes" "$2" '^(\[[a-z0-9]+\] )?ECHO hello$'
	printf 'quit\r' >&3
	expect "$1: powers off" "$2" 'all VMs have stopped; powering off'
	exec 3>&-
	if wait "$3"; then
		pass "$1: QEMU exits 0"
	else
		fail "$1: QEMU exit status $? (log: $2)"
	fi
}

cp "$BUILD/guests/echo.img" "$dir/echo.img" || exit 1
cat >"$dir/config.dts" <<'DTS'
/dts-v1/;
/ {
	compatible = "hartvisor,config-v1";
	vms {
		echo { vcpus = <1>; memory-mib = <16>; kernel = "echo.img"; };
	};
};
DTS
dtc -q -I dts -O dtb -o "$dir/config.dtb" "$dir/config.dts" || exit 1
(cd "$dir" && printf 'config.dtb\necho.img\n' | cpio --quiet -o -H newc >boot.cpio)
rm -f "$dir/in"
mkfifo "$dir/in"
# The console's input. Opened read-write, so that neither this open nor
# QEMU's (reading) one waits for the other side.
exec 3<>"$dir/in"

# gdb-uart-off: no device.
log=$LOGS/gdb-uart-off.log
timeout -k 10 120 qemu-system-riscv64 -M virt -cpu rv64,h=true -smp 1 \
	-m 1G -nographic -bios default -kernel "$BUILD/hartvisor.elf" \
	-initrd "$dir/boot.cpio" <"$dir/in" >"$log" 2>&1 &
pid=$!
expect "gdb-uart-off: stub off" "$log" \
	'^hartvisor: gdb: no pci-serial device; the gdb stub is off$'
expect "gdb-uart-off: guest runs" "$log" 'ECHO READY'
echo_and_quit gdb-uart-off "$log" "$pid"

# gdb-uart-rx: the device on a TCP port, a client while the guest runs.
log=$LOGS/gdb-uart-rx.log
exec 3<>"$dir/in"
if ! gdb_qemu_start "$log" "$dir/boot.cpio" 1 "$dir/in"; then
	fail "gdb-uart-rx: QEMU did not start"
else
	expect "gdb-uart-rx: stub on" "$log" \
		'^hartvisor: gdb: stub on pci-serial [0-9a-f]{2}:[0-9a-f]{2}\.[0-7], I/O port 0x[0-9a-f]+, PLIC source [0-9]+$'
	expect "gdb-uart-rx: stub attached" "$log" \
		'^hartvisor: gdb: debugging VM "echo"$'
	expect "gdb-uart-rx: guest runs" "$log" 'ECHO READY'
	# Ctrl-C, the stop reason, then detach (the VM runs on), with acks.
	# shellcheck disable=SC2016 # '$' frames packets
	reply=$(gdb_exchange "$GDB_PORT" 3 '\003$?#3f+$D#44+' |
		od -An -c | tr -d ' \n')
	# With one VM the stub always attaches to it: only its reply passes.
	case $reply in
	*+\$*)
		pass "gdb-uart-rx: stub acknowledged and replied ($reply)"
		;;
	*)
		fail "gdb-uart-rx: no reply from the stub ('$reply', log: $log)"
		;;
	esac
	echo_and_quit gdb-uart-rx "$log" "$GDB_QEMU_PID"
fi

echo "gdb-transport: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
