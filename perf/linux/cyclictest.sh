#!/bin/sh
# cyclictest in the Linux guest (hvtest=cyclictest; perf/bench-linux.sh):
# one SCHED_FIFO thread per CPU, pinned (-S), 1 ms interval, memory
# locked, a histogram of latencies in us. Kernel command line:
# hvbench-duration=<seconds> (default 10).
# Prints the histogram's non-empty buckets as "HVBENCH CT <line>" and ends with
# "HVTEST RESULT cyclictest: PASS|FAIL ...".
set -u
export LD_LIBRARY_PATH=/lib/riscv64-linux-gnu
duration=10
for word in $(cat /proc/cmdline); do
	case "$word" in hvbench-duration=*) duration=${word#hvbench-duration=} ;; esac
done
cyclictest -m -S -p 90 -i 1000 -D "${duration}s" -h 2000 -q >/tmp/ct.out 2>/tmp/ct.err
status=$?
# Only the buckets that counted something: the console is slow (under a
# hypervisor every byte is an exit), and most of the 2000 buckets are 0.
awk '/^# (Total|Min Latencies|Avg Latencies|Max Latencies|Histogram Overflows):/ { print "HVBENCH CT " $0; next }
	/^[0-9]/ { s = 0; for (i = 2; i <= NF; i++) s += $i; if (s > 0) print "HVBENCH CT " $0 }' /tmp/ct.out
if [ "$status" -eq 0 ] && grep -q '^# Max Latencies:' /tmp/ct.out; then
	echo "HVTEST RESULT cyclictest: PASS cpus=$(nproc) duration=${duration}s"
else
	sed 's/^/cyclictest: /' /tmp/ct.err | head -n 10
	echo "HVTEST RESULT cyclictest: FAIL status $status, no latency summary"
fi
