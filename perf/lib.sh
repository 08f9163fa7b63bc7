#!/bin/sh
# Shared helpers of the benchmarks (sourced by perf/bench-*.sh).
#
# Every benchmark runs native and hartvisor in the same invocation,
# interleaved (native 1, hartvisor 1, native 2, ...), and writes under
# $BENCH_DIR (default $BUILD/bench; make test's smoke runs use another):
#   NAME.csv          every measurement: run,side,clock,metric,stat,value,unit
#   NAME.txt          one line per metric and statistic:
#                     "NAME/clock/metric/stat: native X, hartvisor Y, ratio R"
#                     (medians over the runs; R is the median of the
#                     per-run ratios hartvisor/native)
#   NAME-summary.csv  the same as CSV: clock,metric,stat,native,hartvisor,ratio,unit
#   NAME*.png         plots (gnuplot)
# Nothing here judges speed: a failed run is an error, a slow one a number.

bench_die() {
	echo "bench: error: $*" >&2
	exit 1
}

# bench_init NAME: sets BENCH_NAME, BENCH_OUT, BENCH_CSV, BENCH_WORK, RUNS.
bench_init() {
	BENCH_NAME=$1
	BUILD=${BUILD:-build}
	RUNS=${BENCH_RUNS:-3}
	case "$RUNS" in '' | *[!0-9]* | 0) bench_die "BENCH_RUNS must be a positive integer, not '$RUNS'" ;; esac
	BENCH_OUT=${BENCH_DIR:-$BUILD/bench}
	mkdir -p "$BENCH_OUT"
	BENCH_CSV=$BENCH_OUT/$BENCH_NAME.csv
	echo "run,side,clock,metric,stat,value,unit" >"$BENCH_CSV"
	BENCH_WORK=$BENCH_OUT/work-$BENCH_NAME
	rm -rf "$BENCH_WORK"
	mkdir -p "$BENCH_WORK"
	command -v qemu-system-riscv64 >/dev/null 2>&1 ||
		bench_die "qemu-system-riscv64 not found (make deps)"
}

# bench_qemu LOG TIMEOUT_S QEMU-ARGS...: run QEMU without input, console
# to LOG; returns QEMU's status (124 on timeout).
bench_qemu() {
	log=$1
	limit=$2
	shift 2
	timeout -k 10 "$limit" qemu-system-riscv64 "$@" </dev/null >"$log" 2>&1
}

# The awk function median(list): the median of a space-separated list of
# numbers, "" for none. Put it in front of an awk program that uses it:
# awk "$BENCH_AWK_MEDIAN"'...'.
BENCH_AWK_MEDIAN='
	function median(list,   n, v, i, j, t) {
		n = split(list, v, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		if (n == 0) return ""
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}'

# bench_summarize: BENCH_CSV -> NAME.txt and NAME-summary.csv, and the
# text on stdout.
bench_summarize() {
	awk -F, -v name="$BENCH_NAME" -v sumcsv="$BENCH_OUT/$BENCH_NAME-summary.csv" "$BENCH_AWK_MEDIAN"'
	function fmt(x) {
		if (x == "") return "-"
		if (x == int(x) && (x > 9999 || x < -9999)) return sprintf("%d", x)
		if (x >= 100 || x <= -100) return sprintf("%.0f", x)
		return sprintf("%.3g", x)
	}
	NR == 1 { next }
	{
		key = $3 SUBSEP $4 SUBSEP $5
		if (!(key in unit)) { order[++nkeys] = key; unit[key] = $7 }
		vals[key, $2] = vals[key, $2] " " $6
		val[key, $2, $1] = $6
		runs[$1] = 1
	}
	END {
		print "clock,metric,stat,native,hartvisor,ratio,unit" > sumcsv
		for (k = 1; k <= nkeys; k++) {
			key = order[k]
			split(key, part, SUBSEP)
			nat = median(vals[key, "native"])
			hv = median(vals[key, "hartvisor"])
			ratios = ""
			for (r in runs)
				if ((key, "native", r) in val && (key, "hartvisor", r) in val &&
				    val[key, "native", r] + 0 != 0)
					ratios = ratios " " val[key, "hartvisor", r] / val[key, "native", r]
			ratio = median(ratios)
			u = unit[key] == "" ? "" : " " unit[key]
			printf "%s/%s/%s/%s: native %s%s, hartvisor %s%s, ratio %s\n",
				name, part[1], part[2], part[3], fmt(nat), u, fmt(hv), u,
				ratio == "" ? "n/a" : sprintf("%.2f", ratio)
			printf "%s,%s,%s,%s,%s,%s,%s\n", part[1], part[2], part[3], nat,
				hv, ratio == "" ? "" : sprintf("%.4f", ratio), unit[key] > sumcsv
		}
	}' "$BENCH_CSV" | tee "$BENCH_OUT/$BENCH_NAME.txt"
}

# bench_plot SCRIPT: run a gnuplot script (a missing gnuplot is an error:
# make deps installs gnuplot-nox).
bench_plot() {
	command -v gnuplot >/dev/null 2>&1 || bench_die "gnuplot not found (make deps installs gnuplot-nox)"
	gnuplot "$1" || bench_die "gnuplot failed on $1"
}

# bench_complete_lines_match LOG PATTERN: a whole console line of LOG (a
# line its newline has ended) matches PATTERN (grep -E). The console is written a
# byte at a time: the last line may still be growing ("failed=1" of
# "failed=12"), so it does not count until its newline.
bench_complete_lines_match() {
	head -n "$(wc -l <"$1")" "$1" | grep -Eaq "$2"
}

# bench_qemu_until LOG TIMEOUT_S PATTERN QEMU-ARGS...: run QEMU until a
# whole console line matches PATTERN (grep -E), QEMU exits or the timeout,
# then stop it. For machines that never power off by themselves (busy VMs).
# Returns 0 if the pattern appeared.
bench_qemu_until() {
	log=$1
	limit=$2
	pattern=$3
	shift 3
	: >"$log"
	qemu-system-riscv64 "$@" </dev/null >"$log" 2>&1 &
	pid=$!
	end=$(($(date +%s) + limit))
	found=1
	while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
		if bench_complete_lines_match "$log" "$pattern"; then
			found=0
			break
		fi
		sleep 0.2
	done
	bench_complete_lines_match "$log" "$pattern" && found=0
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return "$found"
}
