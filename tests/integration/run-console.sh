#!/bin/sh
# Console multiplexer test: two VMs running the echo guest share the
# console. Typed input must reach only the VM with focus; Ctrl-] n and
# Ctrl-] <digit> move focus; each VM's lines carry its name; Ctrl-] m
# opens the monitor, which answers its commands while the guests run.
# Prints PASS/FAIL lines and "console: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
LOGS=$BUILD/test-logs
dir=$BUILD/test-configs/console-focus
log=$LOGS/console-focus.log
mkdir -p "$LOGS" "$dir"
passed=0
failed=0
qemu_pid=""

finish() {
	exec 3>&- 2>/dev/null
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
	echo "console: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

check() { # check NAME PATTERN: wait up to 60 s for PATTERN in the log
	i=0
	while [ "$i" -lt 600 ]; do
		if tr -d '\r' <"$log" | grep -a -q -- "$2"; then
			echo "PASS $1"
			passed=$((passed + 1))
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "FAIL $1: no '$2' (log: $log)"
	failed=$((failed + 1))
	finish
}

qemu_exits_zero() { # qemu_exits_zero NAME: QEMU ended by itself, status 0
	exec 3>&-
	if wait "$qemu_pid"; then
		echo "PASS $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1: QEMU exit status $? (log: $log)"
		failed=$((failed + 1))
	fi
	qemu_pid=""
}

absent() { # absent NAME PATTERN: PATTERN must not be in the log
	if tr -d '\r' <"$log" | grep -a -q -- "$2"; then
		echo "FAIL $1: unexpected '$2' (log: $log)"
		failed=$((failed + 1))
	else
		echo "PASS $1"
		passed=$((passed + 1))
	fi
}

# boot_machine: pack $dir/config.dts with the echo guest and boot it on
# a 2-hart machine, its console read from the fifo $dir/in (fd 3 here)
# and written to $log.
boot_machine() {
	dtc -q -I dts -O dtb -o "$dir/config.dtb" "$dir/config.dts"
	(cd "$dir" && printf 'config.dtb\necho.img\n' |
		cpio --quiet -o -H newc >boot.cpio)
	rm -f "$dir/in"
	mkfifo "$dir/in"
	: >"$log" # check reads it before QEMU's redirection may have run
	timeout 120 qemu-system-riscv64 -M virt -cpu rv64,h=true -smp 2 -m 1G \
		-nographic -bios default -kernel "$BUILD/hartvisor.elf" \
		-initrd "$dir/boot.cpio" <"$dir/in" >"$log" 2>&1 &
	qemu_pid=$!
	exec 3>"$dir/in"
}

cp "$BUILD/guests/echo.img" "$dir/echo.img"
cat >"$dir/config.dts" <<'DTS'
/dts-v1/;
/ {
	compatible = "hartvisor,config-v1";
	vms {
		alpha { vcpus = <1>; memory-mib = <16>; kernel = "echo.img"; };
		beta { vcpus = <1>; memory-mib = <16>; kernel = "echo.img"; };
	};
};
DTS
boot_machine

check alpha-ready '^\[alpha\] ECHO READY'
check beta-ready '^\[beta\] ECHO READY'
printf 'hello\r' >&3
check input-to-first-vm '^\[alpha\] ECHO hello'
printf '\035n' >&3
check focus-next 'console input -> beta'
printf 'world\r' >&3
check input-to-focused-vm '^\[beta\] ECHO world'
absent no-input-to-unfocused '^\[beta\] ECHO hello'
printf 'quit\r' >&3
check focused-vm-quits 'VM "beta" stopped: shutdown'
printf '\0350' >&3
check focus-by-number 'console input -> alpha'
# The monitor (Ctrl-] m) while alpha runs: its answers, a control that
# takes effect, an error, pause and resume, and input going back to alpha.
printf '\035m' >&3
check monitor-opens 'hartvisor monitor: `help` lists the commands'
printf 'vms\r' >&3
check monitor-vms '^\* 0 alpha  *1 vCPU(s), 16 MiB, running$'
printf 'weight alpha 512\r' >&3
check monitor-weight '^weight of "alpha" is now 512$'
printf 'stats alpha\r' >&3
check monitor-stats '^vcpu0: run [0-9]* us, wait (steal) [0-9]* us, [0-9]* preemptions'
printf 'weight alpha 0\r' >&3
check monitor-error '^weight must be 1\.\.65536$'
printf 'pause alpha\r' >&3
check monitor-pause '^"alpha" paused$'
printf 'vms\r' >&3
check monitor-paused-state '^\* 0 alpha  *1 vCPU(s), 16 MiB, paused$'
printf 'resume alpha\r' >&3
check monitor-resume '^"alpha" resumed$'
printf 'quit\r' >&3
check monitor-quits 'hartvisor: monitor closed'
printf 'again\rquit\r' >&3
check input-after-refocus '^\[alpha\] ECHO again'
check powers-off 'all VMs have stopped; powering off'
absent no-input-to-unfocused-2 '^\[beta\] ECHO again'
qemu_exits_zero focus-qemu-exits-0

# Both VMs flood the shared console at once (DBCN, as fast as it takes
# bytes; the echo guest's "flood N"): every line of each must arrive whole
# and in order, and the hypervisor must report no dropped byte.
flood_lines=2000
flood_intact() { # flood_intact VM: its flood_lines lines, in order, exact
	result=$(tr -d '\r' <"$log" | awk -v p="[$1] F " -v want="$flood_lines" '
	index($0, p) == 1 {
		rest = substr($0, length(p) + 1)
		seq = substr(rest, 1, 5) + 0
		expect = sprintf("%05d ", n)
		for (k = 0; k < 55; k++)
			expect = expect sprintf("%c", 97 + (n * 7 + k) % 26)
		if (rest != expect) bad++
		n++
	}
	END { print (n == want && bad == 0) ? "ok" : n " lines, " bad + 0 " bad" }')
	if [ "$result" = ok ]; then
		echo "PASS flood-intact-$1"
		passed=$((passed + 1))
	else
		echo "FAIL flood-intact-$1: $result (log: $log)"
		failed=$((failed + 1))
	fi
}
log=$LOGS/console-flood.log
boot_machine
check flood-alpha-ready '^\[alpha\] ECHO READY'
check flood-beta-ready '^\[beta\] ECHO READY'
printf 'flood %d\r\035nflood %d\r' "$flood_lines" "$flood_lines" >&3
check flood-alpha-done '^\[alpha\] FLOOD DONE$'
check flood-beta-done '^\[beta\] FLOOD DONE$'
flood_intact alpha
flood_intact beta
printf 'quit\r\0350quit\r' >&3
check flood-powers-off 'all VMs have stopped; powering off'
absent flood-nothing-dropped 'the console dropped'
qemu_exits_zero flood-qemu-exits-0

# Input to guests that poll the UART itself, interrupts off, spinning
# without an exit: their status reads hit the UART's shadow page, so a
# typed byte reaches them only if hartvisor unmaps the page and flushes it
# from their hart (hv/vdev/uart_shadow.c). One VM on each hart, so one of
# them is away from the hart that takes the console's input.
log=$LOGS/console-uart-poll.log
cat >"$dir/config.dts" <<'DTS'
/dts-v1/;
/ {
	compatible = "hartvisor,config-v1";
	vms {
		gamma { vcpus = <1>; memory-mib = <16>; kernel = "echo.img";
			bootargs = "uart"; hart-affinity = <0>; };
		delta { vcpus = <1>; memory-mib = <16>; kernel = "echo.img";
			bootargs = "uart"; hart-affinity = <1>; };
	};
};
DTS
boot_machine
check uart-poll-gamma-ready '^\[gamma\] ECHO READY (UART)'
check uart-poll-delta-ready '^\[delta\] ECHO READY (UART)'
printf 'polled\r' >&3
check uart-poll-gamma '^\[gamma\] ECHO polled$'
printf '\035npolled too\r' >&3
check uart-poll-delta '^\[delta\] ECHO polled too$'
printf 'quit\r\0350quit\r' >&3
check uart-poll-powers-off 'all VMs have stopped; powering off'
qemu_exits_zero uart-poll-qemu-exits-0
finish
