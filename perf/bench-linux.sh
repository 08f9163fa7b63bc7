#!/bin/sh
# Linux with real tools: Debian's rt-tests in the Linux guest
# (perf/linux/fetch-rt-tests.sh), natively (-smp 4, 512 MiB) and under
# hartvisor (one 4-vCPU VM with 512 MiB on 4 harts), runs interleaved:
#   cyclictest  one pinned SCHED_FIFO thread per CPU, 1 ms interval, a
#               histogram (perf/linux/cyclictest.sh): min, avg, p50, p99,
#               max in us over all CPUs
#   hackbench   its Time in s, 2 groups of 5+5 processes
#               (perf/linux/hackbench.sh)
# The same Image, initramfs (the guest's own plus the rt-tests overlay)
# and bootargs on both sides. MTTCG only: these are noisy, host-bound
# figures, reported and never asserted.
#
#   perf/bench-linux.sh
#
# Environment: BUILD (build), BENCH_RUNS (3), BENCH_CT_DURATION (seconds
# of cyclictest per run, 10), BENCH_HACKBENCH_LOOPS (50),
# BENCH_LINUX_TESTS ("cyclictest hackbench"). Results:
# $BUILD/bench/linux{.csv,.txt,-summary.csv}, linux-cyclictest.png.
set -eu
. "$(dirname "$0")/lib.sh"
bench_init linux
duration=${BENCH_CT_DURATION:-10}
loops=${BENCH_HACKBENCH_LOOPS:-50}
tests=${BENCH_LINUX_TESTS:-cyclictest hackbench}
limit=$((180 + 3 * duration))
linux=$BUILD/linux
image=$linux/Image
overlay=$linux/rt-tests/rt-tests.cpio.gz
hv_elf=$BUILD/hartvisor.elf
for f in "$image" "$linux/initramfs.cpio.gz" "$overlay" "$hv_elf"; do
	[ -f "$f" ] || bench_die "$f missing (make BUILD=$BUILD bench-linux builds it)"
done

# The guest's initramfs with the rt-tests archive appended: the kernel
# unpacks concatenated archives in order.
initrd=$BENCH_WORK/initramfs-rt.cpio.gz
cat "$linux/initramfs.cpio.gz" "$overlay" >"$initrd"

# hv_config TEST BOOTARGS: the boot archive of one 4-vCPU VM.
hv_config() {
	dir=$BENCH_WORK/config-$1
	mkdir -p "$dir"
	cat >"$dir/config.dts" <<DTS
/dts-v1/;
/ {
	compatible = "hartvisor,config-v1";
	vms {
		linux0 {
			vcpus = <4>;
			memory-mib = <512>;
			kernel = "Image";
			initrd = "initramfs.cpio.gz";
			bootargs = "$2";
			hart-affinity = <0 1 2 3>;
		};
	};
};
DTS
	dtc -q -I dts -O dtb -o "$dir/config.dtb" "$dir/config.dts"
	ln -sf "$(cd "$(dirname "$image")" && pwd)/Image" "$dir/Image"
	ln -sf "$(cd "$(dirname "$initrd")" && pwd)/$(basename "$initrd")" "$dir/initramfs.cpio.gz"
	(cd "$dir" && printf 'config.dtb\nImage\ninitramfs.cpio.gz\n' |
		cpio --quiet -o -L -H newc >boot.cpio)
	echo "$dir/boot.cpio"
}

# check_run LOG TEST SIDE RUN: the guest's verdict (status 1 if it failed).
check_run() {
	tr -d '\r' <"$1" | sed 's/^\[[^]]*\] //' >"$1.clean"
	grep -q "HVTEST RESULT $2: PASS" "$1.clean" || {
		echo "bench-linux: $3 run $4 of $2 failed; last lines of $1:" >&2
		tail -n 20 "$1.clean" >&2
		return 1
	}
}

# run_side SIDE LOG: one boot of the current test on one side.
run_side() {
	if [ "$1" = native ]; then
		bench_qemu "$2" "$limit" -M virt -cpu rv64,h=true -smp 4 -m 512M \
			-nographic -bios default -kernel "$image" -initrd "$initrd" \
			-append "$bootargs" || true
	else
		bench_qemu "$2" "$limit" -M virt -cpu rv64,h=true -smp 4 -m 1G \
			-nographic -bios default -kernel "$hv_elf" -initrd "$config" || true
	fi
}

# cyclictest's histogram: "HVBENCH CT <us> <count per thread...>", then
# "# Min/Avg/Max Latencies: <per thread>". Appends the run's figures to the
# CSV and its summed histogram to HIST.
parse_cyclictest() {
	awk -v run="$2" -v side="$3" -v hist="$4" '
	$1 == "HVBENCH" && $2 == "CT" && $3 ~ /^[0-9]+$/ {
		us = $3 + 0; c = 0
		for (i = 4; i <= NF; i++) c += $i
		count[us] += c; total += c; if (us > top) top = us
	}
	$1 == "HVBENCH" && $2 == "CT" && $3 == "#" && $5 == "Latencies:" {
		for (i = 6; i <= NF; i++) {
			v = $i + 0
			if ($4 == "Min" && (min == "" || v < min)) min = v
			if ($4 == "Avg") { avgsum += v; avgn++ }
			if ($4 == "Max" && v > max) max = v
		}
	}
	# Samples past the histogram (-h 2000) count at its end, so that the
	# percentiles see them.
	$1 == "HVBENCH" && $2 == "CT" && $3 == "#" && $4 == "Histogram" && $5 == "Overflows:" {
		for (i = 6; i <= NF; i++) { count[2000] += $i; total += $i }
		if (top < 2000 && total > 0) top = 2000
	}
	END {
		if (total == 0 || avgn == 0) exit 1
		for (us = 0; us <= top; us++) {
			seen += count[us]
			if (p50 == "" && seen >= total * 0.50) p50 = us
			if (p99 == "" && seen >= total * 0.99) p99 = us
			if (count[us]) printf "%s %d %d\n", side, us, count[us] >> hist
		}
		printf "%s,%s,mttcg,cyclictest,min,%d,us\n", run, side, min
		printf "%s,%s,mttcg,cyclictest,avg,%.1f,us\n", run, side, avgsum / avgn
		printf "%s,%s,mttcg,cyclictest,p50,%d,us\n", run, side, p50
		printf "%s,%s,mttcg,cyclictest,p99,%d,us\n", run, side, p99
		printf "%s,%s,mttcg,cyclictest,max,%d,us\n", run, side, max
	}' "$1" >>"$BENCH_CSV" || bench_die "no cyclictest histogram in $1"
}

hist=$BENCH_OUT/linux-cyclictest-hist.txt
: >"$hist"
for t in $tests; do
	case "$t" in
	cyclictest) bootargs="console=ttyS0 earlycon hvtest=cyclictest hvbench-duration=$duration" ;;
	hackbench) bootargs="console=ttyS0 earlycon hvtest=hackbench hvbench-loops=$loops" ;;
	*) bench_die "unknown test '$t' (cyclictest, hackbench)" ;;
	esac
	config=$(hv_config "$t" "$bootargs")
	i=1
	while [ "$i" -le "$RUNS" ]; do
		for side in native hartvisor; do
			log=$BENCH_WORK/$t-$side-$i.log
			run_side "$side" "$log"
			# One retry, said out loud: OpenSBI 1.1 (the native side's
			# firmware) rarely loses a secondary hart at start (see
			# ../shared/notes/platform.md), and Linux then hangs in
			# "smp: Bringing up secondary CPUs".
			if ! check_run "$log" "$t" "$side" "$i"; then
				echo "bench-linux: $side run $i of $t: retrying once" >&2
				run_side "$side" "$log"
				check_run "$log" "$t" "$side" "$i" || exit 1
			fi
			case "$t" in
			cyclictest) parse_cyclictest "$log.clean" "$i" "$side" "$hist" ;;
			hackbench)
				s=$(sed -n 's/^HVBENCH HACKBENCH time=\([0-9.]*\).*/\1/p' "$log.clean")
				echo "$i,$side,mttcg,hackbench,time,$s,s" >>"$BENCH_CSV" ;;
			esac
		done
		echo "  linux $t: run $i/$RUNS done" >&2
		i=$((i + 1))
	done
done

bench_summarize

if [ -s "$hist" ]; then
	# The latency distributions of all runs and CPUs, native against
	# hartvisor, as cumulative shares of the samples (the per-us buckets
	# are too sparse to read); overflows count at the histogram's end.
	for side in native hartvisor; do
		awk -v side="$side" '$1 == side { c[$2] += $3; t += $3 }
		END { for (us in c) printf "%d %d %d\n", us, c[us], t }' "$hist" |
			sort -n | awk '{ sum += $2; printf "%d %.6f\n", $1, sum / $3 }' \
			>"$BENCH_OUT/linux-cyclictest-$side.dat"
	done
	cat >"$BENCH_WORK/cyclictest.gp" <<GP
set terminal pngcairo size 900,520 noenhanced
set output "$BENCH_OUT/linux-cyclictest.png"
set title "cyclictest, 4 CPUs, 1 ms interval, ${duration} s x $RUNS run(s): cumulative distribution"
set xlabel "latency (us, log scale; 2000 = 2000 or more)"
set ylabel "share of samples at or below"
set logscale x
set yrange [0:1]
set grid
set key bottom right
plot "$BENCH_OUT/linux-cyclictest-native.dat" using 1:2 with steps title "native", \\
     "$BENCH_OUT/linux-cyclictest-hartvisor.dat" using 1:2 with steps title "hartvisor"
GP
	bench_plot "$BENCH_WORK/cyclictest.gp"
fi
echo "linux: results in $BENCH_OUT/linux.{txt,csv} and linux-cyclictest.png" >&2
