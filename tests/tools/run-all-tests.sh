#!/bin/sh
# Everything `make test` runs: host unit tests, bare-metal guest
# integration tests and Linux guest integration tests under QEMU. Each
# stage prints "<stage>: N passed, M failed"; the last line is the total.
set -u
cd "$(dirname "$0")/../.." || exit 1
MAKE=${MAKE:-make}
logdir=build/test-logs
mkdir -p "$logdir"
total_passed=0
total_failed=0

# Run one stage; add up the counts from its summary line. A stage that
# dies without a summary, runs nothing, or exits with a failure status
# its summary does not show counts as one failure more.
run_stage() {
	name=$1
	shift
	echo "==> $name"
	# The stage's own status, which the pipe into tee would lose.
	{
		"$@" 2>&1
		echo $? >"$logdir/$name.rc"
	} | tee "$logdir/$name.out"
	rc=$(cat "$logdir/$name.rc" 2>/dev/null || echo 255)
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$logdir/$name.out" | tail -1)
	if [ -z "$line" ]; then
		echo "$name: no summary (stage crashed, rc $rc); counted as 1 failure"
		total_failed=$((total_failed + 1))
		return
	fi
	p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed.*/\1/')
	f=$(echo "$line" | sed 's/.*passed, \([0-9]*\) failed.*/\1/')
	if [ $((p + f)) -eq 0 ]; then
		echo "$name: ran nothing; counted as 1 failure"
		f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$name: exited with status $rc after reporting no failure; counted as 1 failure"
		f=1
	fi
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
}

run_stage format tests/tools/run-format-check.sh
run_stage unit $MAKE --no-print-directory unit
run_stage fuzz tests/tools/run-fuzz-short.sh
run_stage boot-stress tests/integration/run-boot-stress.sh
run_stage integration tests/integration/run-baremetal.sh
run_stage gdb-transport tests/integration/run-gdb-transport.sh
run_stage gdb tests/integration/run-gdb.sh
run_stage console tests/integration/run-console.sh
run_stage linux tests/integration/run-linux.sh
# The short soak: 3 minutes of guest uptime per VM, one reboot midway.
run_stage soak env SOAK_S=180 tests/integration/run-soak.sh
run_stage bench-smoke tests/integration/run-bench-smoke.sh

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
