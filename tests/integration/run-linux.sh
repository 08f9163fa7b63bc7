#!/bin/sh
# Linux guest integration tests: Debian's riscv64 kernel under hartvisor,
# running the in-guest test scripts of guests/linux/tests/, plus the
# bad-image cases. Prints one PASS/FAIL line per case and
# "linux: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
HV=$BUILD/hartvisor.elf
LOGS=$BUILD/test-logs
CFG=$BUILD/test-configs
CHECK=tests/tools/check-linux-console.sh
mkdir -p "$LOGS" "$CFG"
passed=0
failed=0

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2 (log: $3)"; failed=$((failed + 1)); }

# boot_hv CASE ARCHIVE HARTS CPU TIMEOUT: boot hartvisor; 0 if QEMU exited
# by itself (the hypervisor powered off) within TIMEOUT seconds.
boot_hv() {
	timeout "$5" qemu-system-riscv64 -M virt -cpu "$4" -smp "$3" -m 2G \
		-nographic -bios default -kernel "$HV" -initrd "$2" \
		</dev/null >"$LOGS/$1.log" 2>&1
	rc=$?
	[ "$rc" -ne 124 ]
}

# Reports of a CPU that went without its interrupts for seconds: any of
# them fails a case (the guest checks its dmesg too).
KERNEL_WARNINGS='rcu: INFO|timer wakeup didn.t happen|LOCKUP|soft lockup'

# linux_case CASE HARTS CPU VMS VCPUS TEST DATA_LINES [AFFINITY]
# DATA_LINES of 64 bytes of console data are checked by checksum. The
# lockup watchdog is on with WATCHDOG=on (the overcommitted case), off
# elsewhere: on a loaded 2-core host a 4-hart QEMU can leave a hart's
# thread unscheduled long enough for false reports.
linux_case() {
	name=$1 harts=$2 cpu=$3 vms=$4 vcpus=$5 test=$6 lines=$7
	affinity=${8:-}
	log=$LOGS/$name.log
	watchdog=nowatchdog
	[ "${WATCHDOG:-}" = on ] && watchdog=""
	guests/linux/make-config.sh "$CFG/$name" "$vms" "$vcpus" 256 \
		"console=ttyS0 $watchdog hvtest=$test hvcpus=$vcpus hvdatalines=$lines" \
		"$affinity" || {
		fail "$name" "cannot build the config" "$log"
		return
	}
	if ! boot_hv "$name" "$CFG/$name/boot.cpio" "$harts" "$cpu" 900; then
		fail "$name" "timed out" "$log"
		return
	fi
	if [ "$rc" -ne 0 ]; then
		fail "$name" "QEMU exited with status $rc" "$log"
		return
	fi
	i=0
	while [ "$i" -lt "$vms" ]; do
		prefix=""
		[ "$vms" -gt 1 ] && prefix="[linux$i] "
		if ! out=$($CHECK --prefix "$prefix" --test "$test" \
			--min-data $((lines * 64)) "$log" 2>&1); then
			fail "$name" "linux$i: $(echo "$out" | head -3 | tr '\n' ' ')" "$log"
			return
		fi
		if ! grep -q "VM \"linux$i\" stopped: shutdown (reason: none)" "$log"; then
			fail "$name" "linux$i did not power off cleanly" "$log"
			return
		fi
		i=$((i + 1))
	done
	if ! grep -q "all VMs have stopped; powering off" "$log"; then
		fail "$name" "the hypervisor did not power off" "$log"
		return
	fi
	if grep -aqE "$KERNEL_WARNINGS" "$log"; then
		fail "$name" "$(grep -aE "$KERNEL_WARNINGS" "$log" | head -2 | tr -d '\r' | tr '\n' ' ')" "$log"
		return
	fi
	# A line the case needs in the hypervisor's output (EXPECT_LOG).
	if [ -n "${EXPECT_LOG:-}" ] && ! grep -qF "$EXPECT_LOG" "$log"; then
		fail "$name" "no '$EXPECT_LOG' in the log" "$log"
		return
	fi
	if [ -n "${SCHEDULER:-}" ] && [ "$SCHEDULER" = migrate-random ]; then
		if ! why=$(tests/tools/check-migrations.sh "$log"); then
			fail "$name" "$why" "$log"
			return
		fi
	fi
	pass "$name"
}

# `reboot -f` in a 2-vCPU guest (guests/linux/tests/reboot.sh): hartvisor
# restarts the VM from its images, the second boot passes and powers off.
reboot_case() {
	EXPECT_LOG='VM "linux0" restarted (boot 2)' \
		linux_case linux-reboot 2 rv64,h=true 1 2 reboot 0
}

# wait_log LOG PATTERN SECONDS: wait for PATTERN (CRs dropped) in LOG.
wait_log() {
	n=0
	while [ "$n" -lt $(($3 * 10)) ]; do
		tr -d '\r' <"$1" | grep -aq -- "$2" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# The weight split with Linux: two 4-vCPU VMs with weights 1:3 under the
# fair scheduler on 4 harts, free to move, each spinning on every CPU
# (guests/linux/tests/spin.sh) until the host types "stop" to it. While
# both spin, the console monitor's `stats` of both is read twice,
# WEIGHTS_WINDOW_S apart: of the run time hartvisor gave the two VMs in
# between, linux0 must have had 25 +- 7 points (inside the bare-metal share
# case's tolerance for run time, guests/configs/sched-share.dts: hartvisor
# charges a host stall of QEMU's thread to the vCPU that was running).
# Both VMs must then finish their work and pass.
weights_case() {
	name=linux-weights-1-3
	log=$LOGS/$name.log
	dir=$CFG/$name
	window=${WEIGHTS_WINDOW_S:-20}
	SCHEDULER=fair WEIGHTS="256 768" guests/linux/make-config.sh "$dir" \
		2 4 256 "console=ttyS0 nowatchdog hvtest=spin" || {
		fail "$name" "cannot build the config" "$log"
		return
	}
	rm -f "$dir/in"
	mkfifo "$dir/in"
	: >"$log"
	timeout 900 qemu-system-riscv64 -M virt -cpu rv64,h=true -smp 4 -m 2G \
		-nographic -bios default -kernel "$HV" -initrd "$dir/boot.cpio" \
		<"$dir/in" >"$log" 2>&1 &
	qemu=$!
	exec 4>"$dir/in"
	why=""
	for vm in linux0 linux1; do
		wait_log "$log" "^\[$vm\] HVTEST SPINNING cpus=4" 600 ||
			why="${why:-$vm never reported its 4 spinners}"
	done
	if [ -z "$why" ]; then
		sleep 3
		for sample in 1 2; do
			[ "$sample" -eq 2 ] && sleep "$window"
			printf '\035mstats linux0\rstats linux1\rquit\r' >&4
			n=0
			while [ "$(grep -ac '^hartvisor: monitor closed' "$log")" -lt "$sample" ] &&
				[ "$n" -lt 600 ]; do
				sleep 0.1
				n=$((n + 1))
			done
			[ "$n" -lt 600 ] ||
				why="${why:-the monitor did not answer (sample $sample)}"
		done
	fi
	# linux0 has the console's input focus; Ctrl-] 1 moves it to linux1.
	printf 'stop\r\0351stop\r' >&4
	exec 4>&-
	wait "$qemu"
	rc=$?
	[ -n "$why" ] && { fail "$name" "$why" "$log"; return; }
	[ "$rc" -eq 124 ] && { fail "$name" "timed out" "$log"; return; }
	[ "$rc" -ne 0 ] && { fail "$name" "QEMU exited with status $rc" "$log"; return; }
	grep -q "all VMs have stopped; powering off" "$log" ||
		{ fail "$name" "the hypervisor did not power off" "$log"; return; }
	for vm in linux0 linux1; do
		if ! out=$($CHECK --prefix "[$vm] " --test spin "$log" 2>&1); then
			fail "$name" "$vm: $(echo "$out" | head -3 | tr '\n' ' ')" "$log"
			return
		fi
		grep -q "VM \"$vm\" stopped: shutdown (reason: none)" "$log" || {
			fail "$name" "$vm did not power off cleanly" "$log"
			return
		}
	done
	# Run time per VM at each sample, from the monitor's answers
	# ("monitor> stats VM", then "vcpuN: run <us> us, ...").
	split=$(tr -d '\r' <"$log" | awk '
		/^monitor> stats linux[01]$/ { vm = substr($3, 6) + 0
			if (vm == 0) sample++; next }
		/^monitor> / { vm = -1; next }
		vm >= 0 && /^vcpu[0-9]+: run [0-9]+ us/ { run[sample, vm] += $3 }
		END {
			if (sample != 2) { print "no two samples"; exit 1 }
			light = run[2, 0] - run[1, 0]; heavy = run[2, 1] - run[1, 1]
			if (light <= 0 || heavy <= 0) { print "no run time"; exit 1 }
			printf "%.1f %d %d\n", 100 * light / (light + heavy), light / 1000, heavy / 1000
		}')
	set -- $split
	if [ $# -ne 3 ]; then
		fail "$name" "statistics: $split" "$log"
		return
	fi
	echo "linux-weights-1-3: linux0 (weight 256) had $1 % of the run time over ${window} s: $2 ms against $3 ms"
	if awk -v p="$1" 'BEGIN { exit !(p >= 18 && p <= 32) }'; then
		pass "$name"
	else
		fail "$name" "linux0 had $1 % of the run time, expected 25 +- 7" "$log"
	fi
}

# The interactive shell of `make run` itself (the README's command):
# typing, echo, Ctrl-C interrupting the foreground job, job control,
# poweroff, all through hartvisor's console.
shell_case() {
	name=$1
	log=$LOGS/$name.log
	if out=$(guests/linux/shell-test.sh --timeout 300 --log "$log" -- \
		${MAKE:-make} --no-print-directory run BUILD="$BUILD" 2>&1); then
		pass "$name"
	else
		fail "$name" "$(echo "$out" | grep -E 'FAIL|error' | head -3 | tr '\n' ' ')" "$log"
	fi
}

# A bad image in one VM: a clear error naming the VM and file, and the
# well-behaved VM beside it still runs to completion.
bad_image_case() {
	name=$1 file=$2 expect=$3 initrd=${4:-}
	dir=$CFG/$name log=$LOGS/$name.log
	mkdir -p "$dir"
	cp "$BUILD/guests/selftest.img" "$dir/selftest.img"
	{
		echo "/dts-v1/; / { compatible = \"hartvisor,config-v1\"; vms {"
		echo "bad { vcpus = <1>; memory-mib = <16>; kernel = \"$file\";"
		[ -n "$initrd" ] && echo "initrd = \"$initrd\";"
		echo "};"
		echo "good { vcpus = <2>; memory-mib = <16>; kernel = \"selftest.img\"; };"
		echo "}; };"
	} >"$dir/config.dts"
	rm -f "$dir/config.dtb" "$dir/boot.cpio" # nothing stale is tested
	if ! dtc -q -I dts -O dtb -o "$dir/config.dtb" "$dir/config.dts" ||
		! (cd "$dir" && ls | grep -v -e '\.dts$' -e '\.cpio$' |
			cpio --quiet -o -H newc >boot.cpio); then
		fail "$name" "cannot build the config" "$log"
	elif ! boot_hv "$name" "$dir/boot.cpio" 2 rv64,h=true 300; then
		fail "$name" "timed out" "$log"
	elif [ "$rc" -ne 0 ]; then
		fail "$name" "QEMU exited with status $rc" "$log"
	elif ! grep -q "all VMs have stopped; powering off" "$log"; then
		fail "$name" "the hypervisor did not power off" "$log"
	elif ! grep -q "VM \"bad\" not started: $expect" "$log"; then
		fail "$name" "expected error '$expect' not printed" "$log"
	elif ! grep -q "GUEST selftest SUMMARY: passed=[1-9][0-9]* failed=0" "$log"; then
		fail "$name" "the good VM did not pass" "$log"
	else
		pass "$name"
	fi
}

make_bad_images() {
	dir=$CFG/images
	mkdir -p "$dir"
	img=$BUILD/guests/selftest.img
	head -c 40 "$img" >"$dir/truncated.img"
	cp "$img" "$dir/badmagic.img"
	printf 'XXXX' | dd of="$dir/badmagic.img" bs=1 seek=56 conv=notrunc 2>/dev/null
	cp "$img" "$dir/oversized.img"
	# image_size (offset 16, little-endian) = 1 GiB: more than the VM has
	printf '\000\000\000\100' | dd of="$dir/oversized.img" bs=1 seek=16 conv=notrunc 2>/dev/null
	printf '\000\000\000\000' | dd of="$dir/oversized.img" bs=1 seek=20 conv=notrunc 2>/dev/null
}

bad_cases() {
	make_bad_images
	for kind in truncated badmagic oversized; do
		mkdir -p "$CFG/bad-$kind"
		cp "$CFG/images/$kind.img" "$CFG/bad-$kind/"
	done
	bad_image_case bad-truncated truncated.img 'file "truncated.img": '
	bad_image_case bad-badmagic badmagic.img 'file "badmagic.img": '
	bad_image_case bad-oversized oversized.img 'file "oversized.img": '
	mkdir -p "$CFG/bad-missing-initrd"
	bad_image_case bad-missing-initrd selftest.img \
		'file "missing.cpio.gz": not found' missing.cpio.gz
	mkdir -p "$CFG/bad-missing-kernel"
	bad_image_case bad-missing-kernel nosuch.img 'file "nosuch.img": not found'
}

case "${1:-all}" in
bad) bad_cases ;;
linux-4harts) linux_case linux-4vcpu-4harts 4 rv64,h=true 1 4 smp 16384 ;;
linux-2harts) WATCHDOG=on linux_case linux-4vcpu-2harts 2 rv64,h=true 1 4 smp 1024 "0 1 0 1" ;;
linux-2harts-nosstc) WATCHDOG=on linux_case linux-4vcpu-2harts-nosstc 2 rv64,h=true,sstc=false 1 4 smp 1024 "0 1 0 1" ;;
shell) shell_case make-run-shell ;;
linux-fair) SCHEDULER=fair WATCHDOG=on linux_case linux-fair-4vcpu-2harts 2 rv64,h=true 1 4 smp 1024 ;;
linux-migrate) SCHEDULER=migrate-random linux_case linux-migrate-2harts 2 rv64,h=true 1 4 smp 1024 ;;
linux-reboot) reboot_case ;;
linux-weights) weights_case ;;
linux-two-vms) linux_case linux-two-vms 4 rv64,h=true 2 2 smp 1024 ;;
*)
	bad_cases
	# The full 1 MiB console check runs once; the other set-ups send
	# 64 KiB through the same path.
	linux_case linux-4vcpu-4harts 4 rv64,h=true 1 4 smp 16384
	WATCHDOG=on linux_case linux-4vcpu-2harts 2 rv64,h=true 1 4 smp 1024 \
		"0 1 0 1"
	linux_case linux-two-vms 4 rv64,h=true 2 2 smp 1024
	# The fair scheduler overcommitted, vCPUs free to move (balancing),
	# with the lockup watchdog on.
	SCHEDULER=fair WATCHDOG=on linux_case linux-fair-4vcpu-2harts 2 \
		rv64,h=true 1 4 smp 1024
	# Two 4-vCPU VMs with weights 1:3 on 4 harts: the statistics show
	# the split.
	weights_case
	linux_case linux-sbi-timer 4 rv64,h=true,sstc=false 1 4 smp 1024
	# Every vCPU moves to a random hart at every switch (test-only
	# policy): the migration mechanism under a real SMP kernel.
	SCHEDULER=migrate-random linux_case linux-migrate-2harts 2 \
		rv64,h=true 1 4 smp 1024
	reboot_case
	shell_case make-run-shell
	;;
esac
echo "linux: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
