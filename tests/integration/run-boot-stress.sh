#!/bin/bash
# Secondary hart bring-up must not depend on host timing: boot 2- and
# 4-hart machines BOOTS times each (default 40; no VMs, so each boot ends
# right after the banner) and require every hart every time.
#
#   run-boot-stress.sh      prints "boot-stress: N passed, M failed"
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
BOOTS=${BOOTS:-40}
log=$BUILD/test-logs/boot-stress.log
mkdir -p "$(dirname "$log")"
passed=0
failed=0
for harts in 2 4; do
	bad=0
	for i in $(seq "$BOOTS"); do
		out=$(timeout 60 qemu-system-riscv64 -M virt -cpu rv64,h=true \
			-smp "$harts" -m 256M -nographic -bios default \
			-kernel "$BUILD/hartvisor.elf" </dev/null 2>&1)
		if ! printf '%s\n' "$out" | grep -aq "hartvisor 0.1 on $harts hart(s)"; then
			bad=$((bad + 1))
			{
				echo "=== $harts harts, boot $i"
				printf '%s\n' "$out" | grep -a "hartvisor"
			} >>"$log"
		fi
	done
	if [ "$bad" -eq 0 ]; then
		echo "PASS boot-$harts-harts ($BOOTS boots, every hart each time)"
		passed=$((passed + 1))
	else
		echo "FAIL boot-$harts-harts: $bad of $BOOTS boots lost a hart (log: $log)"
		failed=$((failed + 1))
	fi
done
echo "boot-stress: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
