#!/bin/sh
# Decision cost: the scheduling policies' code on the host (perf/sched_cost.c)
# at 1..256 runnable vCPUs per runqueue, ns per call, and a plot. A host
# micro-benchmark: there is no native side, only how the cost grows.
#
#   perf/bench-sched-cost.sh
#
# Environment: BUILD (build), BENCH_RUNS (runs of the whole set, 3: each
# figure is the median over them), BENCH_SCHED_ITERATIONS (calls per point,
# 20000), BENCH_POLICIES (policy names, "round-robin fair"; a name this
# build does not have is reported and skipped). Results:
# $BENCH_DIR (default $BUILD/bench)/sched-cost.{csv,txt,png}.
set -eu
. "$(dirname "$0")/lib.sh"
BUILD=${BUILD:-build}
out=${BENCH_DIR:-$BUILD/bench}
mkdir -p "$out"
bin=$BUILD/bench/sched-cost
[ -x "$bin" ] || bench_die "$bin missing (make BUILD=$BUILD bench-sched-cost builds it)"
iterations=${BENCH_SCHED_ITERATIONS:-20000}
runs=${BENCH_RUNS:-3}
case "$runs" in '' | *[!0-9]* | 0) bench_die "BENCH_RUNS must be a positive integer, not '$runs'" ;; esac
work=$out/work-sched-cost
rm -rf "$work"
mkdir -p "$work"
# BENCH_RUNS runs of the whole set, then per point the median of each
# figure over the runs.
i=1
while [ "$i" -le "$runs" ]; do
	# shellcheck disable=SC2086 # the policy list is a word list on purpose
	"$bin" "$work/run-$i.csv" "$iterations" ${BENCH_POLICIES:-round-robin fair} \
		>"$work/run-$i.txt" || bench_die "$bin failed (status $?)"
	echo "  sched-cost: run $i/$runs done" >&2
	i=$((i + 1))
done
{
	# The clock's cost and any policy the build lacks, from the first run.
	grep -v '^sched-cost/' "$work/run-1.txt"
	awk -F, -v runs="$runs" -v csv="$out/sched-cost.csv" "$BENCH_AWK_MEDIAN"'
	FNR == 1 { header = $0; next }
	{
		key = $1 SUBSEP $2 SUBSEP $3
		if (!(key in p50)) order[++nk] = key
		p50[key] = p50[key] " " $4; p99[key] = p99[key] " " $5; mean[key] = mean[key] " " $6
	}
	END {
		print header > csv
		for (k = 1; k <= nk; k++) {
			key = order[k]
			split(key, part, SUBSEP)
			a = median(p50[key]); b = median(p99[key]); c = median(mean[key])
			printf "%s,%s,%s,%.2f,%.2f,%.2f\n", part[1], part[2], part[3], a, b, c > csv
			printf "sched-cost/%s/n=%s/%s: p50 %.1f ns, p99 %.1f ns, mean below p99 %.1f ns (median of %d run(s))\n",
				part[1], part[2], part[3], a, b, c, runs
		}
	}' "$work"/run-*.csv
} >"$out/sched-cost.txt"
cat "$out/sched-cost.txt"
[ "$(wc -l <"$out/sched-cost.csv")" -gt 1 ] || bench_die "no figures in $out/sched-cost.csv"

# One panel per operation: trimmed-mean ns against runnable vCPUs, one
# line per policy (a data file per policy: n, then the six operations;
# NaN where a policy has no wake hook).
policies=$(awk -F, 'NR > 1 && !seen[$1]++ { printf "%s ", $1 }' "$out/sched-cost.csv")
for p in $policies; do
	awk -F, -v p="$p" 'NR > 1 && $1 == p {
		if (!($2 in row)) { order[++n] = $2; row[$2] = $2 }
		col[$2, $3] = $6
	}
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]
			print k, col[k, "pick"], col[k, "enqueue"], col[k, "dequeue"],
				col[k, "requeue"], col[k, "charge"], ((k, "wake") in col ? col[k, "wake"] : "NaN")
		}
	}' "$out/sched-cost.csv" >"$out/sched-cost-$p.dat"
done
gp=$out/sched-cost.gp
{
	echo 'set terminal pngcairo size 1200,700 noenhanced'
	echo "set output \"$out/sched-cost.png\""
	echo 'set logscale x 2'
	echo 'set xrange [0.8:320]'
	echo 'set yrange [0:*]'
	echo 'set grid'
	echo 'set key top left'
	echo 'set multiplot layout 2,3 title "Policy decision cost on the host (mean of the calls below p99)"'
	column=2
	# The wake panel only if some policy has the hook.
	ops="pick enqueue dequeue requeue charge"
	grep -q ',wake,' "$out/sched-cost.csv" && ops="$ops wake"
	for op in $ops; do
		echo "set title \"$op\""
		echo 'set xlabel "runnable vCPUs on the runqueue"'
		echo 'set ylabel "ns per call"'
		plot="plot"
		for p in $policies; do
			plot="$plot \"$out/sched-cost-$p.dat\" using 1:$column with linespoints title \"$p\","
		done
		echo "${plot%,}"
		column=$((column + 1))
	done
	echo 'unset multiplot'
} >"$gp"
bench_plot "$gp"
echo "sched-cost: results in $out/sched-cost.{txt,csv,png}" >&2
