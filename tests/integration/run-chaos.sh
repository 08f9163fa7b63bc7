#!/bin/bash
# Replay the random hostile guest with one seed (make fuzz-guest):
#
#   run-chaos.sh SEED [ACTIONS_PER_VCPU] [trace]
#
# Builds a config like guests/configs/chaos-1.dts with that seed (the
# chaos VM beside a well-behaved selftest VM on 2 harts), boots it, and
# passes only as the integration cases do: both VMs report, nothing fails,
# and the machine powers off by itself. "trace" makes the guest print
# every action before it makes it. Log: build/test-logs/chaos-seed-N.log.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export BUILD
seed=${1:?usage: run-chaos.sh SEED [ACTIONS] [trace]}
actions=${2:-50000}
trace=${3:-}
TIMEOUT_S=${TIMEOUT_S:-600}
. tests/integration/check-log.sh

case $seed$actions in
*[!0-9]*)
	echo "run-chaos.sh: SEED and ACTIONS must be numbers" >&2
	exit 2
	;;
esac
name=chaos-seed-$seed
dts=$BUILD/configs/$name.dts
mkdir -p "$BUILD/configs"
sed -e "s/seed=[0-9]* actions=[0-9]*/seed=$seed actions=$actions $trace/" \
	guests/configs/chaos-1.dts >"$dts"
guests/configs/pack.sh "$dts" "$BUILD/configs/$name.cpio" "$BUILD/guests" ||
	exit 1
tests/integration/run-qemu.sh "$name" "$name" 2 on "$TIMEOUT_S"
rc=$?
reason=$(check_log "$BUILD/test-logs/$name.log" "$rc" "$TIMEOUT_S" \
	chaos:chaos victim:selftest)
if [ -n "$reason" ]; then
	echo "FAIL $name: $reason (log: $BUILD/test-logs/$name.log)"
	exit 1
fi
tr -d '\r' <"$BUILD/test-logs/$name.log" | grep -a 'chaos: vCPU [0-9]*:'
echo "PASS $name"
