#!/bin/sh
# CPU-share accuracy: two 1-vCPU VMs on a 1-hart machine, each counting
# loop iterations in one-second windows of guest time (the latency guest
# with bootargs "share=W"). A's share of window k is
# count_A(k) / (count_A(k) + count_B(k)): both VMs time-share the one hart,
# so this is the hart time A got. Scenarios (scheduler "fair"):
#   weights-1-3   weights 256 and 768: A is configured 0.25
#   weights-1-1   256 and 256: 0.5
#   cap-25        256 and 256, A capped at 25 %: 0.25
# Reported per scenario: configured and measured share (the mean over the
# windows and runs), the error, and the worst window. The last window is
# left out (one VM may already have stopped). The counts also carry any
# difference in speed between the two VMs' loops (docs/benchmarks.md
# measured up to 25 %, from QEMU, not the scheduler), so two measures of
# time follow, which carry only the scheduler:
#   share/SCENARIO/guest-run-time  A's share of the time the two vCPUs
#       ran by their own clocks, over the same windows (each guest adds
#       up the time between its checks, leaving out gaps of 200 us or
#       more, when it was switched out)
#   share/SCENARIO/hart-time  A's share of the two vCPUs' run time in the
#       hypervisor's statistics at VM stop (the whole run)
# There is no native side: the share is the scheduler's. MTTCG only
# (noisy: reported, never asserted).
#
#   perf/bench-share.sh
#
# Environment: BUILD (build), BENCH_RUNS (3), BENCH_SHARE_WINDOWS (windows
# of 1 s counted per run, 10), BENCH_SHARE_SCENARIOS. Results (and
# share-guest-run.csv, share-hart-time.csv):
# $BUILD/bench/share{.csv,.txt}, share.png (A's share per window).
set -eu
. "$(dirname "$0")/lib.sh"
bench_init share
windows=${BENCH_SHARE_WINDOWS:-10}
scenarios=${BENCH_SHARE_SCENARIOS:-weights-1-3 weights-1-1 cap-25}
image=$BUILD/guests/latency.img
hv_elf=$BUILD/hartvisor.elf
[ -f "$image" ] || bench_die "$image missing (make BUILD=$BUILD bench-share builds it)"
[ -f "$hv_elf" ] || bench_die "$hv_elf missing (make BUILD=$BUILD hv)"
limit=$((120 + 4 * windows))
echo "run,scenario,window,count_a,count_b,share_a,configured" >"$BENCH_CSV"
echo "run,scenario,run_a_ms,run_b_ms,share_a,configured" >"$BENCH_OUT/share-hart-time.csv"
echo "run,scenario,window,run_a_us,run_b_us,share_a,configured" >"$BENCH_OUT/share-guest-run.csv"

# write_config SCENARIO: prints A's configured share.
write_config() {
	case "$1" in
	weights-1-3) a="weight = <256>;" b="weight = <768>;" want=0.25 ;;
	weights-1-1) a="weight = <256>;" b="weight = <256>;" want=0.5 ;;
	cap-25) a="weight = <256>; cpu-cap-percent = <25>;" b="weight = <256>;" want=0.25 ;;
	*) bench_die "unknown scenario '$1'" ;;
	esac
	cat >"$BENCH_WORK/$1.dts" <<DTS
/dts-v1/;
/ {
	compatible = "hartvisor,config-v1";
	hypervisor { scheduler = "fair"; };
	vms {
		a { vcpus = <1>; memory-mib = <16>; kernel = "latency.img";
			bootargs = "share=$((windows + 1))"; hart-affinity = <0>; $a };
		b { vcpus = <1>; memory-mib = <16>; kernel = "latency.img";
			bootargs = "share=$((windows + 1))"; hart-affinity = <0>; $b };
	};
};
DTS
	guests/configs/pack.sh "$BENCH_WORK/$1.dts" "$BENCH_WORK/$1.cpio" "$BUILD/guests"
	echo "$want"
}

for sc in $scenarios; do
	want=$(write_config "$sc")
	i=1
	while [ "$i" -le "$RUNS" ]; do
		log=$BENCH_WORK/$sc-$i.log
		bench_qemu "$log" "$limit" -M virt -cpu rv64,h=true -smp 1 -m 1G -nographic \
			-bios default -kernel "$hv_elf" -initrd "$BENCH_WORK/$sc.cpio" || true
		tr -d '\r' <"$log" >"$log.clean"
		for vm in a b; do
			grep -q "^\[$vm\] GUEST latency SUMMARY: passed=[1-9][0-9]* failed=0" "$log.clean" || {
				echo "bench-share: $sc run $i: VM $vm failed; last lines of $log:" >&2
				tail -n 15 "$log.clean" >&2
				exit 1
			}
		done
		# per_window FIELD: per window, A's and B's FIELD (count,
		# run_us) and A's share of the sum, as CSV.
		per_window() {
			awk -v run="$i" -v sc="$sc" -v want="$want" -v last="$windows" -v field="$1" '
			/^\[[ab]\] BENCH-SHARE / {
				vm = substr($1, 2, 1)
				split($3, w, "=")
				for (f = 4; f <= NF; f++) {
					split($f, kv, "=")
					if (kv[1] == field) value[vm, w[2]] = kv[2]
				}
			}
			END {
				for (k = 1; k <= last; k++) {
					a = value["a", k]; b = value["b", k]
					if (a + b == 0) exit 1
					printf "%s,%s,%d,%d,%d,%.4f,%s\n", run, sc, k, a, b, a / (a + b), want
				}
			}' "$log.clean"
		}
		per_window count >>"$BENCH_CSV" || bench_die "$sc run $i: missing windows in $log"
		per_window run_us >>"$BENCH_OUT/share-guest-run.csv" ||
			bench_die "$sc run $i: no run times (run_us) in the windows of $log"
		# The scheduler's side: each vCPU's run time in the hypervisor's
		# statistics when its VM stops ("... (hart 0): run 2750 ms, ...").
		awk -v run="$i" -v sc="$sc" -v want="$want" '
		/^hartvisor: VM "[ab]" vCPU 0 .*: run [0-9]+ ms/ {
			vm = substr($3, 2, 1)
			for (k = 1; k < NF; k++) if ($k == "run") ms[vm] = $(k + 1)
		}
		END {
			if (!("a" in ms) || !("b" in ms) || ms["a"] + ms["b"] == 0) exit 1
			printf "%s,%s,%d,%d,%.4f,%s\n", run, sc, ms["a"], ms["b"],
				ms["a"] / (ms["a"] + ms["b"]), want
		}' "$log.clean" >>"$BENCH_OUT/share-hart-time.csv" ||
			bench_die "$sc run $i: no run times in the hypervisor's statistics in $log"
		echo "  share $sc: run $i/$RUNS done" >&2
		i=$((i + 1))
	done
done

awk -F, 'NR > 1 {
	if (!($2 in n)) order[++ns] = $2
	n[$2]++; sum[$2] += $6; want[$2] = $7
	err = $6 - $7; if (err < 0) err = -err
	if (err > worst[$2]) worst[$2] = err
}
END {
	for (k = 1; k <= ns; k++) {
		s = order[k]; m = sum[s] / n[s]
		printf "share/%s: configured %.3f, measured %.3f, error %+.3f, worst window off by %.3f (%d windows of 1 s)\n",
			s, want[s], m, m - want[s], worst[s], n[s]
	}
}' "$BENCH_CSV" | tee "$BENCH_OUT/share.txt"
# The same share in time: by the guests' clocks, then as the hypervisor
# accounted it. The counts also carry any difference in speed between the
# two VMs' loops; these carry only the scheduler.
# time_share CSV COLUMN NAME WHAT UNIT: the mean of A's share (CSV column
# COLUMN, the configured share in the next) per scenario, as
# "share/SCENARIO/NAME: ... (WHAT, <rows> UNIT)".
time_share() {
	awk -F, -v col="$2" -v name="$3" -v what="$4" -v unit="$5" 'NR > 1 {
		if (!($2 in n)) order[++ns] = $2
		n[$2]++; sum[$2] += $col; want[$2] = $(col + 1)
	}
	END {
		for (k = 1; k <= ns; k++) {
			s = order[k]; m = sum[s] / n[s]
			printf "share/%s/%s: configured %.3f, measured %.4f, error %+.4f (%s, %d %s)\n",
				s, name, want[s], m, m - want[s], what, n[s], unit
		}
	}' "$1" | tee -a "$BENCH_OUT/share.txt"
}
time_share "$BENCH_OUT/share-guest-run.csv" 6 guest-run-time \
	"the time each guest ran by its own clock" "windows of 1 s"
time_share "$BENCH_OUT/share-hart-time.csv" 5 hart-time \
	"the hypervisor's run time" "run(s)"
# The issue's measure: A's share of the guests' run time over windows of
# 10 s (ten of the 1 s windows of one run, added up; a run with fewer
# windows makes one shorter window), the median over those windows and
# the worst of them.
awk -F, "$BENCH_AWK_MEDIAN"'
NR > 1 {
	key = $1 SUBSEP $2 SUBSEP int(($3 - 1) / 10)
	if (!(key in a)) { keys[++nk] = key; scen[key] = $2 }
	a[key] += $4; b[key] += $5; secs[key]++; want[$2] = $7
	if (!($2 in seen)) { seen[$2] = 1; order[++ns] = $2 }
}
END {
	for (k = 1; k <= nk; k++) {
		key = keys[k]; s = scen[key]
		if (a[key] + b[key] == 0) continue
		share = a[key] / (a[key] + b[key])
		list[s] = list[s] " " share
		if (secs[key] > longest[s]) longest[s] = secs[key]
		err = share - want[s]; if (err < 0) err = -err
		if (err > worst[s]) worst[s] = err
	}
	for (k = 1; k <= ns; k++) {
		s = order[k]
		n = split(list[s], v, " ")
		if (n == 0) continue
		m = median(list[s])
		printf "share/%s/windows-of-10s: configured %.3f, measured %.4f, error %+.4f, worst window off by %.4f (the guests'"'"' run time, median of %d window(s) of up to %d s)\n",
			s, want[s], m, m - want[s], worst[s], n, longest[s]
	}
}' "$BENCH_OUT/share-guest-run.csv" | tee -a "$BENCH_OUT/share.txt"

gp=$BENCH_WORK/share.gp
plot="plot"
for sc in $scenarios; do
	# Columns: window, A's share by counts, configured, by guest run time.
	awk -F, -v sc="$sc" -v w="$windows" '
	FNR == 1 { file++ }
	FNR > 1 && $2 == sc {
		x = ($1 - 1) * w + $3
		if (file == 1) { count[x] = $6; want[x] = $7; xs[++n] = x } else run[x] = $6
	}
	END { for (k = 1; k <= n; k++) print xs[k], count[xs[k]], want[xs[k]], run[xs[k]] }' \
		"$BENCH_CSV" "$BENCH_OUT/share-guest-run.csv" >"$BENCH_OUT/share-$sc.dat"
	plot="$plot \"$BENCH_OUT/share-$sc.dat\" using 1:4 with linespoints title \"$sc, guest run time\", \"\" using 1:2 with points title \"$sc, counts\", \"\" using 1:3 with lines dashtype 2 title \"$sc configured\","
done
cat >"$gp" <<GP
set terminal pngcairo size 900,520 noenhanced
set output "$BENCH_OUT/share.png"
set title "Share of one hart, VM A against VM B (fair scheduler), 1 s windows"
set xlabel "window (runs one after another)"
set ylabel "A's share"
set yrange [0:1]
set grid
set key outside right
${plot%,}
GP
bench_plot "$gp"
echo "share: results in $BENCH_OUT/share.{txt,csv,png}" >&2
