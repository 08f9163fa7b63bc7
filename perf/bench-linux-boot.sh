#!/bin/sh
# Linux boot benchmark: boot the Linux guest with hvtest=boot natively (QEMU,
# no hypervisor) and under hartvisor, interleaved (native 1, hartvisor 1,
# native 2, ...) so that drift of the host lands on both sides alike, and
# compare medians (perf/lib.sh).
#
#   perf/bench-linux-boot.sh [-n RUNS] [--native-only]
#
# Metrics per run (a run that does not print "HVTEST RESULT boot: PASS" is an
# error, never a number):
#   guest-clock     the guest's /proc/uptime when boot.sh runs (HVTEST UPTIME)
#   guest-poweroff  the kernel's timestamp on "reboot: Power down"
#   wall            host time from starting QEMU to "reboot: Power down"
#                   appearing on the console
# Output, one line per metric (medians; the ratio is the median of the
# per-run ratios):
#   linux-boot/mttcg/guest-clock/value: native 2.81 s, hartvisor 3.10 s, ratio 1.10
# and $BUILD/bench/linux-boot.{csv,txt,png}. Under hartvisor, the exits of
# each boot by cause, summed over the vCPUs (the hypervisor's statistics at
# power-off), go to linux-boot-exits.{csv,txt}.
#
# Environment: BUILD (default build), BENCH_RUNS (default 3),
# HV_BENCH_CONFIG (hartvisor VM-config archive, default
# $BUILD/bench/linux-boot/boot.cpio, which make bench-boot writes with
# guests/linux/make-config.sh), BENCH_TIMEOUT (seconds per run, 180).
set -eu
. "$(dirname "$0")/lib.sh"

die() {
	echo "bench-linux-boot: error: $*" >&2
	exit 1
}

bench_init linux-boot
runs=$RUNS
native_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	-n) [ $# -ge 2 ] || die "-n needs a number"; runs=$2; shift 2 ;;
	--native-only) native_only=1; shift ;;
	*) die "usage: $0 [-n RUNS] [--native-only]" ;;
	esac
done
case "$runs" in '' | *[!0-9]* | 0) die "RUNS must be a positive integer, not '$runs'" ;; esac
timeout_s=${BENCH_TIMEOUT:-180}

image=$BUILD/linux/Image
initramfs=$BUILD/linux/initramfs.cpio.gz
hv_elf=$BUILD/hartvisor.elf
hv_config=${HV_BENCH_CONFIG:-$BUILD/bench/linux-boot/boot.cpio}

command -v qemu-system-riscv64 >/dev/null 2>&1 || die "qemu-system-riscv64 not found (make deps)"
[ -f "$image" ] && [ -f "$initramfs" ] || die "no Linux guest in $BUILD/linux: run 'make linux-guest'"

# Check for hartvisor before spending minutes on the native runs.
if [ "$native_only" -eq 0 ]; then
	[ -f "$hv_elf" ] || die "hartvisor is not built ($hv_elf missing): run 'make hv', or use --native-only for the baseline alone"
	[ -f "$hv_config" ] || die "no VM config $hv_config for the benchmark: run 'make bench-boot' (it writes one), set HV_BENCH_CONFIG, or use --native-only"
fi

work=$BENCH_WORK
qemu_pid=""
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }

# run_and_time <log> <qemu args...>: start QEMU, wait until the guest has
# powered off (console line) or QEMU exits, and print the wall time.
run_and_time() {
	log=$1
	shift
	: >"$log" # exists before the first poll
	start=$(now)
	"$@" </dev/null >"$log" 2>&1 &
	qemu_pid=$!
	deadline=$(($(date +%s) + timeout_s))
	end=""
	while :; do
		if grep -a -q 'reboot: Power down' "$log"; then
			end=$(now)
			break
		fi
		if ! kill -0 "$qemu_pid" 2>/dev/null; then
			end=$(now)
			break
		fi
		[ "$(date +%s)" -lt "$deadline" ] || break
		sleep 0.02
	done
	# Give QEMU a moment to exit by itself (the native machine does; a
	# hypervisor may not power the host off), then stop it.
	i=0
	while kill -0 "$qemu_pid" 2>/dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$qemu_pid" 2>/dev/null || true
	wait "$qemu_pid" 2>/dev/null || true
	qemu_pid=""
	[ -n "$end" ] || { echo "timeout"; return 0; }
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

# parse_run <log> <wall>: print "guest-clock guest-poweroff wall" or fail.
# Lines may carry a per-VM prefix and CRs (hypervisor console).
parse_run() {
	log=$1
	wall=$2
	tr -d '\r' <"$log" >"$log.clean"
	grep -a -q 'HVTEST RESULT boot: PASS' "$log.clean" || {
		echo "bench-linux-boot: run failed, last console lines:" >&2
		tail -n 15 "$log.clean" >&2
		return 1
	}
	[ "$wall" != timeout ] || { echo "bench-linux-boot: no power-off within ${timeout_s}s" >&2; return 1; }
	uptime=$(sed -n 's/.*HVTEST UPTIME \([0-9.]*\).*/\1/p' "$log.clean" | head -n 1)
	poweroff=$(sed -n 's/.*\[ *\([0-9]*\.[0-9]*\)\] reboot: Power down.*/\1/p' "$log.clean" | head -n 1)
	[ -n "$uptime" ] || { echo "bench-linux-boot: no HVTEST UPTIME line" >&2; return 1; }
	[ -n "$poweroff" ] || { echo "bench-linux-boot: no 'reboot: Power down' timestamp" >&2; return 1; }
	echo "$uptime $poweroff $wall"
}

native_once() {
	log=$1
	wall=$(run_and_time "$log" qemu-system-riscv64 -M virt -cpu rv64,h=true -smp 4 -m 512M \
		-nographic -bios default -kernel "$image" -initrd "$initramfs" \
		-append 'console=ttyS0 earlycon hvtest=boot')
	parse_run "$log" "$wall"
}

# ---------------------------------------------------------------------------
# The same guest under hartvisor: $hv_config (made by perf/perf.mk with
# guests/linux/make-config.sh) carries the same Image, initramfs and
# bootargs in one 4-vCPU VM with 512 MiB, on a 4-hart machine with 1 GiB
# (the hypervisor's own memory comes on top of the VM's).
# ---------------------------------------------------------------------------
hartvisor_once() {
	log=$1
	wall=$(run_and_time "$log" qemu-system-riscv64 -M virt -cpu rv64,h=true -smp 4 -m 1G \
		-nographic -bios default -kernel "$hv_elf" -initrd "$hv_config")
	parse_run "$log" "$wall"
}

# exits LOG RUN: the hypervisor's per-vCPU exit counts at power-off
# ("exits: sbi 538, mmio 0, ...; wfi blocks 199"), summed over the vCPUs.
exits() {
	awk -v run="$2" '/ exits: / {
		line = $0
		sub(/.* exits: /, "", line)
		gsub(/;/, ",", line)
		n = split(line, part, ", *")
		for (k = 1; k <= n; k++) {
			m = split(part[k], w, " ")
			if (m < 2) continue
			name = w[1]
			for (j = 2; j < m; j++) name = name "-" w[j]
			sum[name] += w[m]
			if (!(name in seen)) { seen[name] = 1; order[++no] = name }
		}
	}
	END { for (k = 1; k <= no; k++) printf "%s,%s,%s\n", run, order[k], sum[order[k]] }' "$1"
}

echo "linux-boot: $runs run(s) each, interleaved; guest $(sed -n 's/.*-> //p' "$BUILD/linux/versions.txt" 2>/dev/null || echo '?')" >&2
echo "run,cause,exits" >"$BENCH_OUT/linux-boot-exits.csv"
i=1
while [ "$i" -le "$runs" ]; do
	for side in native hartvisor; do
		[ "$side" = native ] || [ "$native_only" -eq 0 ] || continue
		log=$work/$side.$i.log
		# One retry, said out loud: OpenSBI 1.1 (the native side's firmware)
		# rarely loses a secondary hart at start (../shared/notes/platform.md)
		# and Linux then hangs in "smp: Bringing up secondary CPUs".
		result=$("${side}_once" "$log") || {
			echo "  $side run $i/$runs failed: retrying once" >&2
			result=$("${side}_once" "$log") || die "$side run $i failed twice (see above)"
		}
		set -- $result
		echo "  $side run $i/$runs: guest-clock $1 s, guest-poweroff $2 s, wall $3 s" >&2
		printf '%s,%s,mttcg,guest-clock,value,%s,s\n%s,%s,mttcg,guest-poweroff,value,%s,s\n%s,%s,mttcg,wall,value,%s,s\n' \
			"$i" "$side" "$1" "$i" "$side" "$2" "$i" "$side" "$3" >>"$BENCH_CSV"
		if [ "$side" = hartvisor ]; then
			# The statistics are how progress on exits is seen: a boot
			# without them is an error, not an empty table.
			counts=$(exits "$log" "$i")
			[ -n "$counts" ] || die "hartvisor run $i printed no exit statistics at power-off (see $log)"
			echo "$counts" >>"$BENCH_OUT/linux-boot-exits.csv"
		fi
	done
	i=$((i + 1))
done

bench_summarize
if [ "$native_only" -eq 0 ]; then
	# Exits per boot by cause: the median over the runs.
	awk -F, "$BENCH_AWK_MEDIAN"'
	NR > 1 { v[$2] = v[$2] " " $3; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
	END {
		for (k = 1; k <= n; k++)
			printf "linux-boot/exits/%s: hartvisor %s per boot (median of %d)\n", order[k],
				median(v[order[k]]), split(v[order[k]], x, " ")
	}' "$BENCH_OUT/linux-boot-exits.csv" | tee "$BENCH_OUT/linux-boot-exits.txt"
	data=$BENCH_OUT/linux-boot.dat
	awk -F, 'NR > 1 { printf "%s %s %s\n", $2, $4, $5 }' "$BENCH_OUT/linux-boot-summary.csv" >"$data"
	cat >"$work/linux-boot.gp" <<GP
set terminal pngcairo size 800,480 noenhanced
set output "$BENCH_OUT/linux-boot.png"
set title "Linux boot to power-off: median of $runs run(s), interleaved"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "seconds"
set yrange [0:*]
set grid ytics
set key top left
plot "$data" using 2:xtic(1) title "native", "" using 3 title "hartvisor"
GP
	bench_plot "$work/linux-boot.gp"
fi
