#!/bin/sh
# bench-smoke: run every benchmark once in a tiny configuration, to prove
# it still works. Nothing here is about speed: a case passes when the
# benchmark exits 0 and wrote its figures (the metric lines with numbers
# on both sides, the CSV and the plots), whatever the figures are.
#
#   run-bench-smoke.sh [CASE...]
#
# Cases: latency, contention (round-robin and fair in the latency class,
# busy 0 and 1), share (2 windows per scenario), sched-cost, boot (one
# Linux boot per side), rt-tests (the Linux guest's rt-tests overlay was
# built and holds cyclictest, hackbench, their libraries and scripts) and
# linux (cyclictest 1 s natively, alone under hartvisor, beside a busy VM
# and beside it in the latency class, and hackbench 5 loops, once per
# side: about 3.5 minutes on a quiet 2-core host).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BUILD
MAKE=${MAKE:-make}
logdir=$BUILD/test-logs
mkdir -p "$logdir"
passed=0
failed=0
cases=${*:-latency contention share sched-cost boot rt-tests linux}

result() { # result NAME REASON ("" = pass)
	if [ -z "$2" ]; then
		echo "PASS bench-$1"
		passed=$((passed + 1))
	else
		echo "FAIL bench-$1: $2"
		failed=$((failed + 1))
	fi
}

# missing_lines FILE PATTERN...: the first pattern no line of FILE matches.
missing_lines() {
	file=$1
	shift
	for pattern in "$@"; do
		grep -Eq "$pattern" "$file" 2>/dev/null || { echo "no line '$pattern' in $file"; return; }
	done
}

# nonempty FILE...: the first file that is missing or empty.
nonempty() {
	for f in "$@"; do
		[ -s "$f" ] || { echo "$f missing or empty"; return; }
	done
}

# A figure on both sides and a ratio (or n/a when native is 0).
num='[0-9][0-9.e+]*'
pair="native $num [a-z]+, hartvisor $num [a-z]+, ratio ($num|n/a)"

if ! $MAKE --no-print-directory BUILD="$BUILD" bench-prereqs >"$logdir/bench-prereqs.log" 2>&1; then
	tail -n 20 "$logdir/bench-prereqs.log"
	result prereqs "make bench-prereqs failed (log: $logdir/bench-prereqs.log)"
	echo "bench-smoke: $passed passed, $failed failed"
	exit 1
fi
# Results away from $BUILD/bench, which keeps the last real figures.
out=$BUILD/bench-smoke
rm -rf "$out" # only this run's files can pass a case
BENCH_DIR=$out
export BENCH_DIR

for c in $cases; do
	log=$logdir/bench-$c.log
	case "$c" in
	latency)
		if BENCH_RUNS=1 BENCH_SAMPLES=20 perf/bench-latency.sh >"$log" 2>&1; then
			reason=$(missing_lines "$out/latency.txt" \
				"^latency/mttcg/sbi-null/p50: $pair" \
				"^latency/mttcg/timer-sstc-idle/p99: $pair" \
				"^latency/mttcg/ipi-idle-roundtrip/max: $pair" \
				"^latency/mttcg/ipi-spin-oneway/min: $pair" \
				"^latency/icount/sbi-null/p50: $pair" \
				"^latency/icount/mmio-read/p50: $pair" \
				"^latency/icount/uart-status-read/p50: $pair" \
				"^latency/icount/tlb-refill/p50: $pair" \
				"^latency/mttcg/tlb-hit/p50: $pair" \
				"^latency/icount/timer-sbi-idle/p50: $pair")
			[ -n "$reason" ] || reason=$(nonempty "$out/latency.csv" \
				"$out/latency-summary.csv" "$out/latency-mttcg.png" "$out/latency-icount.png")
		else
			reason="perf/bench-latency.sh failed"
		fi ;;
	contention)
		if BENCH_RUNS=1 BENCH_CONTENTION_SAMPLES=10 BENCH_CONTENTION_POLICIES="round-robin fair+lat" \
			BENCH_SLICES_US=10000 BENCH_BUSY="0 1" perf/bench-contention.sh >"$log" 2>&1; then
			reason=$(missing_lines "$out/contention.txt" \
				"^contention/mttcg/round-robin/slice-10000/busy-0/timer-sstc-idle/p99: $pair" \
				"^contention/mttcg/fair\+lat/slice-10000/busy-1/ipi-idle-oneway/p50: $pair")
			[ -n "$reason" ] || reason=$(nonempty "$out/contention.csv" "$out/contention.png")
		else
			reason="perf/bench-contention.sh failed"
		fi ;;
	share)
		if BENCH_RUNS=1 BENCH_SHARE_WINDOWS=2 perf/bench-share.sh >"$log" 2>&1; then
			reason=$(missing_lines "$out/share.txt" \
				"^share/weights-1-3: configured 0.250, measured $num, error [-+]$num" \
				"^share/weights-1-1: configured 0.500, measured $num" \
				"^share/cap-25: configured 0.250, measured $num" \
				"^share/weights-1-3/hart-time: configured 0.250, measured $num" \
				"^share/cap-25/guest-run-time: configured 0.250, measured $num" \
				"^share/weights-1-3/windows-of-10s: configured 0.250, measured $num, error [-+]$num")
			[ -n "$reason" ] || reason=$(nonempty "$out/share.csv" \
				"$out/share-guest-run.csv" "$out/share.png")
		else
			reason="perf/bench-share.sh failed"
		fi ;;
	sched-cost)
		if BENCH_SCHED_ITERATIONS=500 perf/bench-sched-cost.sh >"$log" 2>&1; then
			reason=$(missing_lines "$out/sched-cost.txt" \
				"^sched-cost/round-robin/n=1/pick: p50 $num ns" \
				"^sched-cost/round-robin/n=256/enqueue: p50 $num ns" \
				"^sched-cost/fair/n=1/pick: p50 $num ns" \
				"^sched-cost/fair/n=256/enqueue: p50 $num ns")
			[ -n "$reason" ] || reason=$(nonempty "$out/sched-cost.csv" "$out/sched-cost.png")
		else
			reason="perf/bench-sched-cost.sh failed"
		fi ;;
	boot)
		if guests/linux/make-config.sh "$out/linux-boot" 1 4 512 \
			"console=ttyS0 earlycon hvtest=boot" >"$log" 2>&1 &&
			HV_BENCH_CONFIG=$out/linux-boot/boot.cpio \
				perf/bench-linux-boot.sh -n 1 >>"$log" 2>&1; then
			reason=$(missing_lines "$out/linux-boot.txt" \
				"^linux-boot/mttcg/guest-clock/value: $pair" \
				"^linux-boot/mttcg/wall/value: $pair")
			[ -n "$reason" ] || reason=$(missing_lines "$out/linux-boot-exits.txt" \
				"^linux-boot/exits/sbi: hartvisor $num per boot")
			[ -n "$reason" ] || reason=$(nonempty "$out/linux-boot.csv" "$out/linux-boot.png")
		else
			reason="perf/bench-linux-boot.sh failed"
		fi ;;
	rt-tests)
		overlay=$BUILD/linux/rt-tests/rt-tests.cpio.gz
		if listing=$(gzip -dc "$overlay" 2>/dev/null | cpio -t --quiet 2>/dev/null); then
			reason=""
			for f in usr/bin/cyclictest usr/bin/hackbench lib/ld-linux-riscv64-lp64d.so.1 \
				lib/riscv64-linux-gnu/libc.so.6 lib/riscv64-linux-gnu/libnuma.so.1 \
				tests/cyclictest.sh tests/hackbench.sh; do
				echo "$listing" | grep -qx "$f" || { reason="$overlay lacks $f"; break; }
			done
		else
			reason="$overlay missing or not a gzip'd cpio"
		fi
		echo "$reason" >"$log" ;;
	linux)
		if BENCH_RUNS=1 BENCH_CT_DURATION=1 BENCH_HACKBENCH_LOOPS=5 \
			perf/bench-linux.sh >"$log" 2>&1; then
			reason=$(missing_lines "$out/linux.txt" \
				"^linux/mttcg/cyclictest/p99: $pair" \
				"^linux/mttcg/cyclictest-busy/p99: $pair" \
				"^linux/mttcg/cyclictest-busy-lc/p99: $pair" \
				"^linux/mttcg/cyclictest-busy-lc-hvwake/p99: native - us, hartvisor $num us, ratio n/a" \
				"^linux/mttcg/hackbench/time: $pair")
			[ -n "$reason" ] || reason=$(nonempty "$out/linux.csv" "$out/linux-cyclictest.png")
		else
			reason="perf/bench-linux.sh failed"
		fi ;;
	*) reason="unknown case" ;;
	esac
	[ -z "$reason" ] || { tail -n 15 "$log"; reason="$reason (log: $log)"; }
	result "$c" "$reason"
done

echo "bench-smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
