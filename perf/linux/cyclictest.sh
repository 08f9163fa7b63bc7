#!/bin/sh
# cyclictest in the Linux guest (hvtest=cyclictest; perf/bench-linux.sh):
# one SCHED_FIFO thread per CPU, pinned (-S), 1 ms interval, memory
# locked, a histogram of latencies in us up to 100 ms (under hartvisor on
# a loaded 2-core host the p99 is past 20 ms). Kernel command line:
# hvbench-duration=<seconds> (default 10).
# Prints the histogram's non-empty buckets as "HVBENCH CT <us> <count>",
# coarser past 1 ms (10 us bins, then 100 us past 10 ms: each line is
# named by its bin's lower edge; at most 2,800 lines), the summary lines as "HVBENCH CT # ...",
# and ends with "HVTEST RESULT cyclictest: PASS|FAIL ...".
set -u
export LD_LIBRARY_PATH=/lib/riscv64-linux-gnu
duration=10
for word in $(cat /proc/cmdline); do
	case "$word" in hvbench-duration=*) duration=${word#hvbench-duration=} ;; esac
done
cyclictest -m -S -p 90 -i 1000 -D "${duration}s" -h 100000 -q >/tmp/ct.out 2>/tmp/ct.err
status=$?
# Only the bins that counted something, summed over the threads: the
# console is slow (under a hypervisor every byte is an exit), and most of
# the 100000 buckets are 0.
awk '/^# (Total|Min Latencies|Avg Latencies|Max Latencies|Histogram Overflows):/ { print "HVBENCH CT " $0; next }
	/^[0-9]/ {
		us = $1 + 0
		bin = us < 1000 ? us : us < 10000 ? us - us % 10 : us - us % 100
		for (i = 2; i <= NF; i++) count[bin] += $i
		if (bin > top) top = bin
	}
	END { for (us = 0; us <= top; us++) if (count[us] > 0) print "HVBENCH CT " us " " count[us] }' /tmp/ct.out
if [ "$status" -eq 0 ] && grep -q '^# Max Latencies:' /tmp/ct.out; then
	echo "HVTEST RESULT cyclictest: PASS cpus=$(nproc) duration=${duration}s"
else
	sed 's/^/cyclictest: /' /tmp/ct.err | head -n 10
	echo "HVTEST RESULT cyclictest: FAIL status $status, no latency summary"
fi
