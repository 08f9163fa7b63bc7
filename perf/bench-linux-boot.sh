#!/bin/sh
# Linux boot benchmark: boot the Linux guest with hvtest=boot natively (QEMU,
# no hypervisor) and under hartvisor, N times each, and compare medians.
#
#   perf/bench-linux-boot.sh [-n RUNS] [--native-only]
#
# Metrics per run (a run that does not print "HVTEST RESULT boot: PASS" is an
# error, never a number):
#   guest-clock     the guest's /proc/uptime when boot.sh runs (HVTEST UPTIME)
#   guest-poweroff  the kernel's timestamp on "reboot: Power down"
#   wall            host time from starting QEMU to "reboot: Power down"
#                   appearing on the console
# Output, one line per metric:
#   linux-boot guest-clock: native 2.81 s, hartvisor 3.10 s, ratio 1.10
#
# Environment: BUILD (default build), BENCH_RUNS (default 3),
# HV_BENCH_CONFIG (hartvisor VM-config archive, default
# $BUILD/configs/linux-boot.cpio), BENCH_TIMEOUT (seconds per run, 300).
set -eu

die() {
	echo "bench-linux-boot: error: $*" >&2
	exit 1
}

BUILD=${BUILD:-build}
runs=${BENCH_RUNS:-3}
native_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	-n) [ $# -ge 2 ] || die "-n needs a number"; runs=$2; shift 2 ;;
	--native-only) native_only=1; shift ;;
	*) die "usage: $0 [-n RUNS] [--native-only]" ;;
	esac
done
case "$runs" in '' | *[!0-9]* | 0) die "RUNS must be a positive integer, not '$runs'" ;; esac
timeout_s=${BENCH_TIMEOUT:-300}

image=$BUILD/linux/Image
initramfs=$BUILD/linux/initramfs.cpio.gz
hv_elf=$BUILD/hartvisor.elf
hv_config=${HV_BENCH_CONFIG:-$BUILD/configs/linux-boot.cpio}

command -v qemu-system-riscv64 >/dev/null 2>&1 || die "qemu-system-riscv64 not found (make deps)"
[ -f "$image" ] && [ -f "$initramfs" ] || die "no Linux guest in $BUILD/linux: run 'make linux-guest'"

# Check for hartvisor before spending minutes on the native runs.
if [ "$native_only" -eq 0 ]; then
	[ -f "$hv_elf" ] || die "hartvisor is not built ($hv_elf missing): run 'make hv', or use --native-only for the baseline alone"
	[ -f "$hv_config" ] || die "no VM config $hv_config for the benchmark (set HV_BENCH_CONFIG), or use --native-only"
fi

work=$(mktemp -d)
qemu_pid=""
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	rm -rf "$work"
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

median() { # median of the numbers on stdin
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

run_series() { # run_series <native|hartvisor>: fills $work/<kind>.results
	kind=$1
	: >"$work/$kind.results"
	i=1
	while [ "$i" -le "$runs" ]; do
		log=$work/$kind.$i.log
		result=$("${kind}_once" "$log") || die "$kind run $i failed (see above)"
		echo "$result" >>"$work/$kind.results"
		set -- $result
		echo "  $kind run $i/$runs: guest-clock $1 s, guest-poweroff $2 s, wall $3 s" >&2
		i=$((i + 1))
	done
}

echo "linux-boot: $runs run(s) each; guest $(sed -n 's/.*-> //p' "$BUILD/linux/versions.txt" 2>/dev/null || echo '?')" >&2
run_series native
[ "$native_only" -eq 1 ] || run_series hartvisor

metric=1
for name in guest-clock guest-poweroff wall; do
	nat=$(awk -v f="$metric" '{ print $f }' "$work/native.results" | median)
	if [ "$native_only" -eq 1 ]; then
		printf "linux-boot %s: native %.2f s (hartvisor not run: --native-only)\n" "$name" "$nat"
	else
		hv=$(awk -v f="$metric" '{ print $f }' "$work/hartvisor.results" | median)
		awk -v n="$name" -v a="$nat" -v b="$hv" 'BEGIN {
			printf "linux-boot %s: native %.2f s, hartvisor %.2f s, ratio %.2f\n", n, a, b, b / a }'
	fi
	metric=$((metric + 1))
done
