#!/bin/bash
# The gdb stub with the real gdb-multiarch, against the debug guest
# (guests/baremetal/debug) in guests/configs/debug-gdb.dts: one hartvisor
# boot, several gdb sessions one after the other (each connects, stops the
# VM, works, detaches), and raw protocol checks over the socket. A second
# VM ("bystander") runs beside the debugged one throughout.
#
#   run-gdb.sh [CASE...]     (default: all; prints "gdb: N passed, M failed")
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export BUILD
. tests/integration/qemu-gdb.sh
LOGS=$BUILD/test-logs/gdb
ELF=$BUILD/guests/debug.elf
mkdir -p "$LOGS"
passed=0
failed=0
QLOG=$LOGS/qemu.log

pass() { echo "PASS gdb-$1"; passed=$((passed + 1)); }
fail() { echo "FAIL gdb-$1: $2 (log: $3)"; failed=$((failed + 1)); }

# gdb_session NAME COMMANDS...: one batch session; its output in
# $LOGS/NAME.out. Each argument is a gdb command line.
gdb_session() {
	local name=$1 args=()
	shift
	for cmd in "$@"; do
		args+=(-ex "$cmd")
	done
	timeout 120 gdb-multiarch -nx -batch -ex "set pagination off" \
		-ex "set confirm off" -ex "target remote 127.0.0.1:$GDB_PORT" \
		"${args[@]}" "$ELF" >"$LOGS/$name.out" 2>&1
}

# expect NAME REGEX...: every extended REGEX matches a line of the output.
expect() {
	local name=$1 re
	shift
	for re in "$@"; do
		if ! grep -aqE -- "$re" "$LOGS/$name.out"; then
			fail "$name" "no line matches /$re/" "$LOGS/$name.out"
			return 1
		fi
	done
	pass "$name"
}

count_lines() { tr -d '\r' <"$QLOG" | grep -ac "^\[$1\] DEBUG iteration"; }

case_connect() {
	gdb_session connect "info threads" "print debug_spin" \
		"info registers pc priv" "monitor vcpus" "monitor vms" \
		"monitor sched" "monitor bogus" "detach"
	expect connect 'Thread 1 "debug/vcpu0"' 'Thread 4 "debug/vcpu3"' \
		'^\$1 = 1$' '^pc .*<spin_forever' 'prv:1 \[Supervisor\]' \
		'^thread 1 debug/vcpu0: hart [0-9]' '\* 0 debug' \
		'^hart [0-9]+: round-robin' 'unknown command "bogus"' \
		'Inferior 1 .* detached'
}

# Breakpoints, continue, bt, stepping (gdb's default OS ABI: gdb steps in
# software with Z0 and vCont;c:N), registers and memory read and written,
# another thread, and the bystander VM printing while this one is stopped
# (5 more lines within 60 s, while the stopped one prints none).
case_break() {
	gdb_session break "set var debug_iterations = 100000" \
		"set var debug_spin = 0" "break level3" "continue" "bt" \
		"shell tr -d '\\r' < $QLOG | grep -ac '^\\[debug\\] DEBUG it' > $LOGS/debug-before" \
		"shell tr -d '\\r' < $QLOG | grep -ac '^\\[bystander\\] DEBUG it' > $LOGS/bystander-before" \
		"shell tests/integration/wait-log-lines.sh $QLOG '^\\[bystander\\] DEBUG it' \$((\$(cat $LOGS/bystander-before) + 5)) 60" \
		"shell tr -d '\\r' < $QLOG | grep -ac '^\\[debug\\] DEBUG it' > $LOGS/debug-after" \
		"shell tr -d '\\r' < $QLOG | grep -ac '^\\[bystander\\] DEBUG it' > $LOGS/bystander-after" \
		"set \$saved = \$s11" "set var \$s11 = 0xfeedface" "p/x \$s11" \
		"set var \$s11 = \$saved" \
		"set \$fsaved = \$ft11" "set var \$ft11 = 2.5" "p \$ft11" \
		"set var \$ft11 = \$fsaved" "p/x \$satp" "p/x \$sscratch" \
		"set var watch_neighbor = 4242" "p watch_neighbor" \
		"x/1gx &watch_neighbor" "delete" "break bump_counter" "continue" \
		"stepi" "p/x \$pc" "next" "next" "thread 3" "bt 1" "thread 1" \
		"delete" "detach"
	local db da bb ba
	db=$(cat "$LOGS/debug-before" 2>/dev/null) da=$(cat "$LOGS/debug-after" 2>/dev/null)
	bb=$(cat "$LOGS/bystander-before" 2>/dev/null) ba=$(cat "$LOGS/bystander-after" 2>/dev/null)
	if [ -z "$db" ] || [ "$db" != "$da" ]; then
		fail break "the debugged VM printed while stopped ($db -> $da lines)" "$QLOG"
		return
	fi
	case "$bb$ba" in
	'' | *[!0-9]*) bb=x ;; # a count missing or garbled fails below
	esac
	if [ "$bb" = x ] || [ -z "$ba" ] || [ "$ba" -lt $((bb + 5)) ]; then
		fail break "the bystander VM did not keep printing ($bb -> $ba lines)" "$QLOG"
		return
	fi
	expect break 'hit Breakpoint 1, level3' '^#1 .* in level2' \
		'^#2 .* in level1' '^\$1 = 0xfeedface$' '^\$2 = .*double = 2.5' \
		'^\$3 = 0x8[0-9a-f]{15}$' '^\$5 = 4242$' ':[[:space:]]+0x0*1092$' \
		'hit Breakpoint 2, bump_counter' '\[Switching to thread 3' \
		'Inferior 1 .* detached'
}

# gdb without an OS ABI sends vCont;s: the stub steps itself (decoded
# next pc, temporary breakpoints), also over a whole lr/sc sequence.
case_step() {
	gdb_session step "set var debug_iterations = 100000" \
		"set var debug_spin = 0" "set osabi none" \
		"break atomic_add_lrsc" "continue" \
		"source tests/integration/gdb-step-lrsc.py" \
		"delete" "break level2" "continue" "stepi" "stepi" "next" \
		"delete" "detach"
	expect step 'hit Breakpoint 1, atomic_add_lrsc' '^LRSC-LEFT [0-9]+' \
		'hit Breakpoint 2, level2' \
		'^0x[0-9a-f]+[[:space:]]+108[[:space:]]+return level3' \
		'Inferior 1 .* detached'
}

# Ctrl-C while the guest runs: every vCPU stops, the reply is SIGINT.
case_interrupt() {
	gdb_session interrupt "set var debug_iterations = 100000" \
		"set var debug_spin = 0" \
		"source tests/integration/gdb-interrupt.py" \
		"continue" "info threads" "detach"
	expect interrupt 'received signal SIGINT' 'Thread 4 "debug/vcpu3"' \
		'Inferior 1 .* detached'
}

# Raw protocol: bad checksums get '-', garbage and oversized packets are
# survived, and the hypervisor and the bystander carry on.
case_protocol() {
	local out before after
	before=$(count_lines bystander)
	out=$(gdb_exchange "$GDB_PORT" 2 '$qSupported#00')
	case "$out" in
	-*) ;;
	*) fail protocol "bad checksum not answered with '-' (got '$out')" "$QLOG"; return ;;
	esac
	head -c 6000 /dev/zero | tr '\0' 'A' >"$LOGS/oversized"
	out=$(gdb_exchange "$GDB_PORT" 2 "garbage\$$(cat "$LOGS/oversized")#00\$?#3f")
	case "$out" in
	*'+$T'*) ;;
	*) fail protocol "no stop reply after garbage and an oversized packet (got '${out:0:80}')" "$QLOG"; return ;;
	esac
	out=$(gdb_exchange "$GDB_PORT" 2 '$qSupp')
	gdb_session reconnect "info threads" "detach"
	after=$(count_lines bystander)
	if [ "$after" -le "$before" ]; then
		fail protocol "the bystander VM stopped printing" "$QLOG"
		return
	fi
	expect reconnect 'Thread 1 "debug/vcpu0"' 'Inferior 1 .* detached'
}

# Watchpoints by stage-2 protection: six on pages of their own (more than
# any hardware trigger count) and two on one page next to watch_neighbor,
# which vCPU 0 writes between them and which is never reported. From the
# entry of touch_watch_vars, each continue reports the next access of its
# documented order (guests/baremetal/debug/main.c) before it is done:
# watch_0 write, watch_1 read, watch_2 read then write, watch_3 write,
# watch_4 read, watch_5 read then write, watch_a write, watch_b read, and
# the next iteration's watch_0. The finish case checks the final values
# (the guest's watch-vars and watch-page checks).
case_watch() {
	local continues=() i
	for i in $(seq 11); do
		continues+=("continue")
	done
	gdb_session watch "set var debug_iterations = 100000" \
		"set var debug_spin = 0" "break touch_watch_vars" "continue" \
		"delete" "watch watch_0" "rwatch watch_1" "awatch watch_2" \
		"watch watch_3" "rwatch watch_4" "awatch watch_5" \
		"watch watch_a" "rwatch watch_b" "${continues[@]:0:10}" \
		"p watch_neighbor - 7 * watch_a" "continue" "info watchpoints" \
		"delete" "detach"
	local want got
	want=$(printf '%s\n' 'Hardware watchpoint 2: watch_0' \
		'Hardware read watchpoint 3: watch_1' \
		'Hardware access (read/write) watchpoint 4: watch_2' \
		'Hardware watchpoint 5: watch_3' \
		'Hardware read watchpoint 6: watch_4' \
		'Hardware access (read/write) watchpoint 7: watch_5' \
		'Hardware watchpoint 8: watch_a' \
		'Hardware read watchpoint 9: watch_b' \
		'Hardware watchpoint 2: watch_0' \
		'Hardware read watchpoint 3: watch_1' \
		'Hardware access (read/write) watchpoint 4: watch_2' \
		'Hardware access (read/write) watchpoint 4: watch_2' \
		'Hardware watchpoint 5: watch_3' \
		'Hardware read watchpoint 6: watch_4' \
		'Hardware access (read/write) watchpoint 7: watch_5' \
		'Hardware access (read/write) watchpoint 7: watch_5' \
		'Hardware watchpoint 8: watch_a' \
		'Hardware read watchpoint 9: watch_b' \
		'Hardware watchpoint 2: watch_0')
	# The set-up echoes each one once, then each hit names it again.
	got=$(tr -d '\r' <"$LOGS/watch.out" |
		grep -aoE 'Hardware [a-z/() ]*watchpoint [0-9]+: [a-z_0-9]+')
	if [ "$got" != "$want" ]; then
		fail watch "watchpoint reports differ from the guest's access order: $(echo "$got" | tail -n +9 | tr '\n' '|')" "$LOGS/watch.out"
		return
	fi
	# watch_neighbor's stores were completed by the hypervisor, not by
	# giving the page back (which the console would report).
	if tr -d '\r' <"$QLOG" | grep -aq 'watchpoints on guest page'; then
		fail watch "a watched page was unprotected" "$QLOG"
		return
	fi
	expect watch 'hit Breakpoint 1, touch_watch_vars' '^Value = 4369$' \
		'^Value = 17476$' '^Value = 45232$' '^Old value = [0-9]+$' \
		'^New value = [0-9]+$' '^\$1 = 0$' 'Inferior 1 .* detached'
}

# Detach for good: the guest finishes its run and prints its result.
case_finish() {
	gdb_session finish "set var debug_iterations = 20" "delete" "detach"
	if ! gdb_wait_log "$QLOG" '^\[debug\] GUEST debug SUMMARY: passed=[0-9]+ failed=0$' 60; then
		fail finish "the debug guest did not finish with failed=0" "$QLOG"
		return
	fi
	expect finish 'Inferior 1 .* detached'
}

# make gdb's set-up with Linux: a breakpoint on a kernel function, hit by
# a command typed in the guest's shell, a backtrace with the kernel's
# symbols (build/linux/vmlinux, make linux-symbols), a 25 s stop that the
# guest must not see as an RCU stall (its clock stands still), and the
# shell still working after gdb detached.
case_linux() {
	local cfg=$BUILD/test-configs/gdb-linux log=$LOGS/linux-qemu.log
	local fifo=$LOGS/linux-console.fifo pid
	guests/linux/make-config.sh "$cfg" 1 2 256 "console=ttyS0 nowatchdog" ||
		{ fail linux "cannot build the config" "$cfg"; return; }
	rm -f "$fifo"
	mkfifo "$fifo"
	exec 7<>"$fifo" # read-write: opening never blocks
	if ! gdb_qemu_start "$log" "$cfg/boot.cpio" 2 "$fifo"; then
		fail linux "QEMU did not start" "$log"
		exec 7>&-
		return
	fi
	pid=$GDB_QEMU_PID
	if ! gdb_wait_log "$log" 'busybox shell with job control' 300; then
		fail linux "no shell" "$log"
	else
		sleep 2
		GDB_FIFO=$fifo timeout 300 gdb-multiarch -nx -batch \
			-ex "set pagination off" -ex "set confirm off" \
			-ex "target remote 127.0.0.1:$GDB_PORT" \
			-ex "break do_sys_openat2" \
			-ex "source tests/integration/gdb-linux-type.py" \
			-ex "continue" -ex "bt 8" -ex "info threads" \
			-ex "shell sleep 25" -ex "delete" \
			-ex "detach" "$BUILD/linux/vmlinux" >"$LOGS/linux.out" 2>&1
		printf 'echo shell-after-gdb-%s\n' "$$" >&7
		if ! gdb_wait_log "$log" "^shell-after-gdb-$$" 60; then
			fail linux "the shell did not answer after gdb detached" "$log"
		elif grep -aqE 'rcu: INFO|rcu_.*stall|soft lockup|hard LOCKUP' "$log"; then
			# Stopped for 25 s, longer than RCU's 21 s stall timeout:
			# guest time must not have advanced meanwhile.
			fail linux "the guest saw the stop as a stall" "$log"
		else
			expect linux 'hit Breakpoint 1(\.[0-9]+)?, .*do_sys_openat2' \
				'^#[0-9]+ .* in (__riscv_sys_openat|__se_sys_openat|__do_sys_openat|do_sys_open)' \
				'Thread 2 "linux0/vcpu1"' 'Inferior 1 .* detached'
		fi
	fi
	printf 'poweroff -f\n' >&7
	sleep 2
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	exec 7>&-
}

main() {
	local cases=("$@") c debug=()
	[ ${#cases[@]} -eq 0 ] && cases=(connect break step interrupt protocol watch finish linux)
	for c in "${cases[@]}"; do
		[ "$c" = linux ] || debug+=("$c")
	done
	if [ ${#debug[@]} -gt 0 ]; then
		if gdb_qemu_start "$QLOG" "$BUILD/configs/debug-gdb.cpio" 2 &&
			gdb_wait_log "$QLOG" 'holding in spin_forever' 60; then
			for c in "${debug[@]}"; do
				"case_$c"
			done
		else
			fail boot "hartvisor with the debug guest did not come up" "$QLOG"
		fi
		kill "$GDB_QEMU_PID" 2>/dev/null
		wait "$GDB_QEMU_PID" 2>/dev/null
	fi
	for c in "${cases[@]}"; do
		[ "$c" != linux ] || case_linux
	done
	echo "gdb: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

main "$@"
