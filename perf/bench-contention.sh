#!/bin/sh
# Scheduling latency under contention: the latency guest (2 vCPUs, one per
# hart of a 2-hart machine, bootargs "contention": wake-ups from idle only)
# beside busy VMs whose vCPUs spin forever, with 0, 1, 3 and 7 busy vCPUs
# sharing each of its harts; per scheduling policy and time slice. The
# policies: round-robin, fair, and fair with the latency VM in the latency
# class (fair+lat: latency-us = <BENCH_CONTENTION_LATENCY_US>). Busy 0 is the
# isolated control. Each run also boots the guest alone natively (the same
# image and bootargs), once per policy and slice, right before their
# hartvisor runs: the ratio is hartvisor over that native run.
# MTTCG only (noisy; reported, never asserted).
#
#   perf/bench-contention.sh
#
# Environment: BUILD (build), BENCH_RUNS (3), BENCH_CONTENTION_SAMPLES
# (samples per metric, 50; the latency benchmark's BENCH_SAMPLES does not
# apply here), BENCH_CONTENTION_POLICIES ("round-robin fair fair+lat"),
# BENCH_SLICES_US ("1000 10000"), BENCH_BUSY ("0 1 3 7"),
# BENCH_CONTENTION_LATENCY_US (1000). Results: $BUILD/bench/contention{.csv,.txt,
# -summary.csv}, contention.png (p50 and p99 wake-to-run lateness of the
# Sstc timer against busy vCPUs per hart).
set -eu
. "$(dirname "$0")/lib.sh"
bench_init contention
samples=${BENCH_CONTENTION_SAMPLES:-50}
policies=${BENCH_CONTENTION_POLICIES:-round-robin fair fair+lat}
slices=${BENCH_SLICES_US:-1000 10000}
busy_counts=${BENCH_BUSY:-0 1 3 7}
latency_us=${BENCH_CONTENTION_LATENCY_US:-1000}
limit=${BENCH_TIMEOUT:-300}
image=$BUILD/guests/latency.img
hv_elf=$BUILD/hartvisor.elf
[ -f "$image" ] || bench_die "$image missing (make BUILD=$BUILD bench-contention builds it)"
[ -f "$hv_elf" ] || bench_die "$hv_elf missing (make BUILD=$BUILD hv)"
bootargs="samples=$samples contention"

# cells N VALUE: "VALUE VALUE ..." N times (per-vCPU hart affinity).
cells() {
	i=0 out=""
	while [ "$i" -lt "$1" ]; do out="$out $2"; i=$((i + 1)); done
	echo "${out# }"
}

# write_config POLICY SLICE BUSY: the latency VM and, for BUSY > 0, one
# busy VM pinned to each hart.
write_config() {
	policy=${1%+lat}
	lat=""
	[ "$1" = "${1%+lat}" ] || lat="latency-us = <$latency_us>;"
	dts=$BENCH_WORK/$1-$2-$3.dts
	{
		echo "/dts-v1/;"
		echo "/ {"
		echo "	compatible = \"hartvisor,config-v1\";"
		echo "	hypervisor { scheduler = \"$policy\"; time-slice-us = <$2>; };"
		echo "	vms {"
		echo "		latency { vcpus = <2>; memory-mib = <16>; kernel = \"latency.img\";"
		echo "			bootargs = \"$bootargs\"; hart-affinity = <0 1>; $lat };"
		if [ "$3" -gt 0 ]; then
			for h in 0 1; do
				echo "		busy$h { vcpus = <$3>; memory-mib = <16>; kernel = \"latency.img\";"
				echo "			bootargs = \"busy\"; hart-affinity = <$(cells "$3" "$h")>; };"
			done
		fi
		echo "	};"
		echo "};"
	} >"$dts"
	guests/configs/pack.sh "$dts" "${dts%.dts}.cpio" "$BUILD/guests"
}

# emit RUN SIDE KEY LOG: the idle wake-up metrics of one run, in ns.
emit() {
	tr -d '\r' <"$4" | sed 's/^\[[^]]*\] //' >"$4.clean"
	grep -q '^GUEST latency SUMMARY: passed=[1-9][0-9]* failed=0' "$4.clean" || {
		echo "bench-contention: $2 run $1 ($3) failed; last lines of $4:" >&2
		tail -n 15 "$4.clean" >&2
		exit 1
	}
	awk -v run="$1" -v side="$2" -v key="$3" '
	/^BENCH-CAL / {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); cal[kv[1]] = kv[2] }
		ns_per_cycle = 65536 * 1e9 / (cal["cycles_per_tick_q16"] * cal["timebase"])
	}
	/^BENCH [a-z]/ && $3 != "unavailable" {
		for (i = 3; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] ~ /^(p50|p99|max)$/)
				printf "%s,%s,mttcg,%s/%s,%s,%.1f,ns\n", run, side, key, $2, kv[1], kv[2] * ns_per_cycle
		}
	}' "$4.clean" >>"$BENCH_CSV"
}

keys=""
for p in $policies; do
	for s in $slices; do
		for b in $busy_counts; do
			write_config "$p" "$s" "$b"
			keys="$keys $p/slice-$s/busy-$b"
		done
	done
done

# Interleaving: each policy and slice gets its own native run right
# before its hartvisor runs (busy 0, 1, 3, 7), so that a pair is minutes
# apart at most, not the whole benchmark.
i=1
while [ "$i" -le "$RUNS" ]; do
	group=""
	for key in $keys; do
		if [ "${key%/busy-*}" != "$group" ]; then
			group=${key%/busy-*}
			native=$BENCH_WORK/native-$(echo "$group" | tr '/' '-')-$i.log
			bench_qemu "$native" "$limit" -M virt -cpu rv64,h=true -smp 2 -m 256M \
				-nographic -bios default -kernel "$image" -append "$bootargs" || true
		fi
		emit "$i" native "$key" "$native"
		set -- $(echo "$key" | tr '/' ' ')
		cfg=$BENCH_WORK/$1-${2#slice-}-${3#busy-}.cpio
		log=$BENCH_WORK/$1-${2#slice-}-${3#busy-}-$i.log
		bench_qemu_until "$log" "$limit" '^(\[[^]]*\] )?GUEST latency SUMMARY' \
			-M virt -cpu rv64,h=true -smp 2 -m 1G -nographic -bios default \
			-kernel "$hv_elf" -initrd "$cfg" || true
		emit "$i" hartvisor "$key" "$log"
		echo "  contention $key: run $i/$RUNS done" >&2
	done
	i=$((i + 1))
done

bench_summarize

# Lateness (p50 and p99) of the Sstc timer wake-up against busy vCPUs per
# hart: one panel per statistic, one line per policy and slice.
gp=$BENCH_WORK/contention.gp
{
	echo 'set terminal pngcairo size 1200,540 noenhanced'
	echo "set output \"$BENCH_OUT/contention.png\""
	echo 'set xlabel "busy vCPUs sharing each of the latency VM'"'"'s harts"'
	echo 'set logscale y'
	echo 'set xtics (0, 1, 3, 7)'
	echo 'set grid'
	echo 'set key top left'
	echo "set multiplot layout 1,2 title \"Wake-to-run lateness (Sstc timer, vCPU idle in wfi), $RUNS run(s)\""
	for stat in p50 p99; do
		echo "set title \"$stat\""
		echo "set ylabel \"lateness $stat (us, log scale)\""
		plot="plot"
		for p in $policies; do
			for s in $slices; do
				dat=$BENCH_OUT/contention-$p-$s-$stat.dat
				awk -F, -v p="$p" -v s="$s" -v stat="$stat" 'NR > 1 && $3 == stat {
					split($2, k, "/")
					if (k[1] == p && k[2] == "slice-" s && k[4] == "timer-sstc-idle") {
						b = k[3]; sub(/busy-/, "", b); print b, $5 / 1000
					}
				}' "$BENCH_OUT/contention-summary.csv" | sort -n >"$dat"
				plot="$plot \"$dat\" using 1:2 with linespoints title \"$p, $((s / 1000)) ms slice\","
			done
		done
		echo "${plot%,}"
	done
	echo 'unset multiplot'
} >"$gp"
bench_plot "$gp"
echo "contention: results in $BENCH_OUT/contention.{txt,csv,png}" >&2
