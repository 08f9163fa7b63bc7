#!/bin/sh
# Minimal boot test for the Linux boot benchmark (perf/bench-linux-boot.sh):
# report the guest's own uptime and pass. /init powers off afterwards.
set -eu
read -r uptime _idle </proc/uptime
echo "HVTEST UPTIME $uptime"
echo "HVTEST RESULT boot: PASS cpus=$(nproc)"
