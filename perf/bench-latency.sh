#!/bin/sh
# Bare-metal latency benchmark: the latency guest (guests/baremetal/latency)
# natively, as QEMU's -kernel under OpenSBI, and as a hartvisor VM, runs
# interleaved, under two clocks:
#   mttcg   QEMU's default: 2 harts (2 vCPUs), figures in ns, host-bound
#           and noisy: reported, never asserted
#   icount  -icount shift=0,sleep=off: 1 hart (1 vCPU; the IPI metrics need
#           two and are left out), figures in instructions, deterministic
# Each run prints min/p50/p99/max per metric (see the guest's stats.c).
#
#   perf/bench-latency.sh
#
# Environment: BUILD (build), BENCH_RUNS (3), BENCH_SAMPLES (samples per
# metric and run, 500), BENCH_CLOCKS ("mttcg icount"), BENCH_TIMEOUT (per
# run, 300 s), HV_ELF (the hartvisor image, $BUILD/hartvisor.elf: set it
# to compare two builds against the same native runs). Results: $BUILD/bench/latency{.csv,.txt,-summary.csv},
# latency-<clock>.png.
set -eu
. "$(dirname "$0")/lib.sh"
bench_init latency
samples=${BENCH_SAMPLES:-500}
clocks=${BENCH_CLOCKS:-mttcg icount}
limit=${BENCH_TIMEOUT:-300}
image=$BUILD/guests/latency.img
hv_elf=${HV_ELF:-$BUILD/hartvisor.elf}
[ -f "$image" ] || bench_die "$image missing (make BUILD=$BUILD bench-latency builds it)"
[ -f "$hv_elf" ] || bench_die "$hv_elf missing (make BUILD=$BUILD hv)"

# write_config CLOCK HARTS: the VM the hypervisor runs, with the bootargs
# the native run gets through -append.
write_config() {
	harts=$1
	affinity=$(seq -s ' ' 0 $((harts - 1)))
	cat >"$BENCH_WORK/latency-$clock.dts" <<DTS
/dts-v1/;
/ {
	compatible = "hartvisor,config-v1";
	vms {
		latency {
			vcpus = <$harts>;
			memory-mib = <16>;
			kernel = "latency.img";
			bootargs = "samples=$samples";
			hart-affinity = <$affinity>;
		};
	};
};
DTS
	guests/configs/pack.sh "$BENCH_WORK/latency-$clock.dts" \
		"$BENCH_WORK/latency-$clock.cpio" "$BUILD/guests"
}

# parse RUN SIDE LOG: the BENCH lines of one run into the CSV.
parse() {
	run=$1 side=$2 log=$3
	tr -d '\r' <"$log" | sed 's/^\[[^]]*\] //' >"$log.clean"
	grep -q '^GUEST latency SUMMARY: passed=[1-9][0-9]* failed=0' "$log.clean" &&
		grep -q '^BENCH-END' "$log.clean" || {
		echo "bench-latency: $side run $run failed; last lines of $log:" >&2
		tail -n 15 "$log.clean" >&2
		exit 1
	}
	awk -v run="$run" -v side="$side" -v clock="$clock" '
	/^BENCH-CAL / {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); cal[kv[1]] = kv[2] }
		# ns per cycle from the cycles per tick (16.16) and the timebase
		ns_per_cycle = 65536 * 1e9 / (cal["cycles_per_tick_q16"] * cal["timebase"])
	}
	/^BENCH [a-z]/ && $3 != "unavailable" {
		for (i = 3; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] !~ /^(min|p50|p99|max)$/) continue
			if (clock == "icount")
				printf "%s,%s,%s,%s,%s,%d,insn\n", run, side, clock, $2, kv[1], kv[2]
			else
				printf "%s,%s,%s,%s,%s,%.1f,ns\n", run, side, clock, $2, kv[1], kv[2] * ns_per_cycle
		}
	}' "$log.clean" >>"$BENCH_CSV"
}

# same_metrics RUN: the native and the hartvisor run RUN of this clock
# measured the same metrics. A metric one side reports "unavailable" (no
# Sstc in the VM, say) would otherwise become a silent "-" in the table.
same_metrics() {
	awk -F, -v run="$1" -v clock="$clock" '
	NR > 1 && $1 == run && $3 == clock { have[$4, $2] = 1; names[$4] = 1 }
	END {
		for (m in names)
			if (!((m, "native") in have) || !((m, "hartvisor") in have)) {
				printf "%s (measured %s only)\n", m, ((m, "native") in have) ? "natively" : "under hartvisor"
				bad = 1
			}
		exit bad
	}' "$BENCH_CSV" >"$BENCH_WORK/one-sided" || {
		echo "bench-latency: $clock run $1 measured metrics on one side only:" >&2
		cat "$BENCH_WORK/one-sided" >&2
		exit 1
	}
}

for clock in $clocks; do
	case "$clock" in
	mttcg) harts=2 extra="" ;;
	icount) harts=1 extra="-icount shift=0,sleep=off" ;;
	*) bench_die "unknown clock '$clock' (mttcg, icount)" ;;
	esac
	write_config "$harts"
	i=1
	while [ "$i" -le "$RUNS" ]; do
		log=$BENCH_WORK/$clock-native-$i.log
		# shellcheck disable=SC2086 # extra is a word list on purpose
		bench_qemu "$log" "$limit" -M virt -cpu rv64,h=true -smp "$harts" \
			-m 256M -nographic -bios default $extra \
			-kernel "$image" -append "samples=$samples" || true
		parse "$i" native "$log"
		log=$BENCH_WORK/$clock-hartvisor-$i.log
		# shellcheck disable=SC2086
		bench_qemu "$log" "$limit" -M virt -cpu rv64,h=true -smp "$harts" \
			-m 512M -nographic -bios default $extra \
			-kernel "$hv_elf" -initrd "$BENCH_WORK/latency-$clock.cpio" || true
		parse "$i" hartvisor "$log"
		same_metrics "$i"
		echo "  latency $clock: run $i/$RUNS done" >&2
		i=$((i + 1))
	done
done

bench_summarize

# One bar chart per clock: the p50 of each metric, native against hartvisor.
for clock in $clocks; do
	data=$BENCH_OUT/latency-$clock-p50.dat
	awk -F, -v clock="$clock" 'NR > 1 && $1 == clock && $3 == "p50" {
		# a log axis has no 0
		printf "%s %s %s\n", $2, ($4 > 0 ? $4 : 0.5), ($5 > 0 ? $5 : 0.5); u = $7 }
		END { if (u == "") exit 1 }' "$BENCH_OUT/latency-summary.csv" >"$data" ||
		bench_die "no $clock figures to plot"
	unit=$(awk -F, -v clock="$clock" 'NR > 1 && $1 == clock { print $7; exit }' \
		"$BENCH_OUT/latency-summary.csv")
	cat >"$BENCH_WORK/latency-$clock.gp" <<GP
set terminal pngcairo size 1000,560 noenhanced
set output "$BENCH_OUT/latency-$clock.png"
set title "Latency guest, $clock: p50 of $RUNS run(s) x $samples samples"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.5:*]
set ylabel "$unit (log scale)"
set xtics rotate by -30
set grid ytics
set key top left
plot "$data" using 2:xtic(1) title "native", "" using 3 title "hartvisor"
GP
	bench_plot "$BENCH_WORK/latency-$clock.gp"
done
echo "latency: results in $BENCH_OUT/latency.{txt,csv} and latency-*.png" >&2
