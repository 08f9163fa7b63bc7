#!/bin/sh
# The soak test (issue 7): two SMP Linux VMs overcommitted, 4 + 4 vCPUs on
# a 4-hart machine, with the kernel's lockup watchdog on, each running
# guests/linux/tests/soak.sh for SOAK_S seconds of guest uptime (default
# 1800): rounds of TLB-shootdown storms (tlbstorm), IPI-heavy work and
# numbered console data. It passes only if
#   - QEMU exits by itself (hartvisor powered off after both VMs did)
#     within SOAK_S plus the boot and drain margin (SOAK_MARGIN_S, 900),
#   - each VM's console has its PASS result, no FAIL check, and every
#     HVDATA line it sent, byte for byte (count, size and md5 over the whole
#     run, tests/tools/check-linux-console.sh),
#   - each VM stopped with "shutdown (reason: none)" and the hypervisor
#     printed "all VMs have stopped; powering off",
#   - no RCU stall, late timer wakeup or lockup report appears anywhere,
#     and the hypervisor reported no panic.
#   - linux1 rebooted once, under load, midway (SOAK_REBOOT_S, default
#     SOAK_S / 2: its first boot runs the storms and IPI work that long,
#     checks them and reboots; the second runs the rest with the data),
#     and hartvisor restarted it ('VM "linux1" restarted (boot 2)').
# `make test` runs it with SOAK_S=180; `make soak [SOAK_S=seconds]` runs
# the 30-minute one.
# Prints "soak: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
SOAK_S=${SOAK_S:-1800}
SOAK_MARGIN_S=${SOAK_MARGIN_S:-900}
SOAK_REBOOT_S=${SOAK_REBOOT_S:-$((SOAK_S / 2))}
HV=$BUILD/hartvisor.elf
LOGS=$BUILD/test-logs
CFG=$BUILD/test-configs/soak
CHECK=tests/tools/check-linux-console.sh
KERNEL_WARNINGS='rcu: INFO|timer wakeup didn.t happen|LOCKUP|soft lockup'
name=soak
log=$LOGS/$name.log
mkdir -p "$LOGS" "$CFG"

finish() { # finish <reason or empty>
	if [ -z "$1" ]; then
		echo "PASS $name (${SOAK_S}s per VM)"
		echo "soak: 1 passed, 0 failed"
		exit 0
	fi
	echo "FAIL $name: $1 (log: $log)"
	echo "soak: 0 passed, 1 failed"
	exit 1
}

case $SOAK_S in '' | *[!0-9]*) echo "SOAK_S must be a number of seconds" >&2; exit 2 ;; esac
EXTRA_BOOTARGS=";hvsoakreboot=$SOAK_REBOOT_S" \
	guests/linux/make-config.sh "$CFG" 2 4 256 \
	"console=ttyS0 hvtest=soak hvsoak=$SOAK_S" ||
	finish "cannot build the config"
timeout -k 10 $((SOAK_S + SOAK_MARGIN_S)) qemu-system-riscv64 -M virt \
	-cpu rv64,h=true -smp 4 -m 2G -nographic -bios default -kernel "$HV" \
	-initrd "$CFG/boot.cpio" </dev/null >"$log" 2>&1
rc=$?
[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] &&
	finish "hang: no power-off within $((SOAK_S + SOAK_MARGIN_S))s"
[ "$rc" -eq 0 ] || finish "qemu exited with status $rc"
reasons=""
for vm in linux0 linux1; do
	if ! out=$($CHECK --prefix "[$vm] " --test soak --require-data \
		--min-data 16384 "$log" 2>&1); then
		reasons="$reasons; $vm: $(echo "$out" | head -3 | tr '\n' ' ')"
	fi
	grep -q "VM \"$vm\" stopped: shutdown (reason: none)" "$log" ||
		reasons="$reasons; $vm did not power off cleanly"
done
grep -aq 'VM "linux1" restarted (boot 2)' "$log" ||
	reasons="$reasons; linux1 was not restarted by its reboot"
grep -aq '\[linux1\] HVTEST SOAK REBOOT boot 1' "$log" ||
	reasons="$reasons; linux1's first boot did not reach its reboot"
grep -q "all VMs have stopped; powering off" "$log" ||
	reasons="$reasons; the hypervisor did not power off"
grep -aqE "hartvisor: PANIC|Kernel panic" "$log" &&
	reasons="$reasons; $(grep -aE "hartvisor: PANIC|Kernel panic" "$log" | head -1 | tr -d '\r')"
grep -aqE "$KERNEL_WARNINGS" "$log" &&
	reasons="$reasons; $(grep -aE "$KERNEL_WARNINGS" "$log" | head -2 | tr -d '\r' | tr '\n' ' ')"
finish "${reasons#; }"
