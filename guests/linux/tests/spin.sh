#!/bin/sh
# CPU-bound work on every CPU until the host says stop, run by /init for
# hvtest=spin (tests/integration/run-linux.sh, the linux-weights case: two
# such VMs with weights 1:3 share the harts while the host reads
# hartvisor's run-time statistics through the console monitor).
#
# One counting loop per CPU, pinned with taskset. Prints
# "HVTEST SPINNING cpus=<n>" once every loop runs, then waits for a line
# "stop" on the console (the host types it), stops the loops and checks:
#   spinner-<n>  the loop pinned to CPU n ran (counted iterations, and on
#                CPU n)
#   stop         the line read was "stop"
# and ends with "HVTEST RESULT spin: PASS" or "... FAIL <checks>".
set -u

# --- worker mode: spin.sh --work <cpu>: count until SIGTERM ---
if [ "${1:-}" = "--work" ]; then
	n=0
	trap 'echo "count=$n cpu=$(awk "{ print \$39 }" /proc/$$/stat)" >"/tmp/spin.$2"; exit 0' TERM
	while :; do
		n=$((n + 1))
	done
fi

. /usr/lib/hvtest.sh
cpus=$(online_cpus)
pids=""
for c in $cpus; do
	taskset -c "$c" sh /tests/spin.sh --work "$c" &
	pids="$pids $!"
done
echo "HVTEST SPINNING cpus=$(echo $cpus | wc -w)"
line=""
read -r line || true
# The console shows a partial line of the VM that was typed to in the last
# 5 s (a prompt, an echo) as soon as the VM idles, and another VM's line
# can then cut it: let that window pass before printing the results, with
# the loops still running.
sleep 7
kill -TERM $pids
for p in $pids; do
	wait "$p" || true
done
case "$line" in
stop) check stop PASS "read '$line'" ;;
*) check stop FAIL "read '$line', expected 'stop'" ;;
esac
for c in $cpus; do
	got=$(cat "/tmp/spin.$c" 2>/dev/null)
	case "$got" in
	"count="[1-9]*" cpu=$c") check "spinner-$c" PASS "$got" ;;
	*) check "spinner-$c" FAIL "'$got' (want count=<n> cpu=$c)" ;;
	esac
done
if [ -z "$failed" ]; then
	echo "HVTEST RESULT spin: PASS"
else
	echo "HVTEST RESULT spin: FAIL$failed"
	exit 1
fi
