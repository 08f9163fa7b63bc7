#!/bin/sh
# hackbench in the Linux guest (hvtest=hackbench; perf/bench-linux.sh):
# process groups sending messages over sockets (each group 5 senders and 5
# receivers: the default 20 + 20 takes minutes under QEMU). Kernel command
# line: hvbench-groups=<n> (default 2), hvbench-loops=<n> (default 50).
# Prints "HVBENCH HACKBENCH time=<s>" and
# "HVTEST RESULT hackbench: PASS|FAIL ...".
set -u
export LD_LIBRARY_PATH=/lib/riscv64-linux-gnu
groups=2
loops=50
for word in $(cat /proc/cmdline); do
	case "$word" in
	hvbench-groups=*) groups=${word#hvbench-groups=} ;;
	hvbench-loops=*) loops=${word#hvbench-loops=} ;;
	esac
done
out=$(hackbench -g "$groups" -f 5 -l "$loops" 2>&1)
status=$?
echo "$out" | sed 's/^/hackbench: /'
time=$(echo "$out" | sed -n 's/^Time: *\([0-9.]*\).*/\1/p')
if [ "$status" -eq 0 ] && [ -n "$time" ]; then
	echo "HVBENCH HACKBENCH time=$time"
	echo "HVTEST RESULT hackbench: PASS groups=$groups loops=$loops"
else
	echo "HVTEST RESULT hackbench: FAIL status $status, no time"
fi
