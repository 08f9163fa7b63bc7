#!/bin/sh
# check-share.sh [-v] [--run-harts "H..."] [--run-tolerance PCT] LOG LIGHT HEAVY EXPECT_PCT TOLERANCE_PCT
#
# The weight split of two VMs whose vCPUs are pinned so that every hart
# runs exactly one vCPU of each (guests/configs/sched-share.dts, the Linux
# share case): on every hart, LIGHT's part of what the two vCPUs there got
# must be EXPECT_PCT +- TOLERANCE_PCT percentage points, measured twice,
# independently:
#   count  the work the guests counted in the same window of guest time
#          ("[VM] SHARE vcpu=i count=N"),
#   run    the run time in hartvisor's statistics at VM stop
#          ('VM "VM" vCPU i (hart h): run N ms'), which also tell on which
#          hart each vCPU ran.
# --run-tolerance sets another tolerance for the run-time split (default
# TOLERANCE_PCT). --run-harts limits the run-time check to those harts (the statistics
# cover a VM's whole life: a hart with a Linux vCPU 0 also carries the
# kernel's boot). Prints nothing and exits 0 when every split holds; else
# prints the reason (with all the splits) and exits 1. -v prints the
# splits anyway.
set -u
verbose=0 run_harts=all run_tol=""
while [ $# -gt 0 ]; do
	case $1 in
	-v) verbose=1; shift ;;
	--run-harts) run_harts=$2; shift 2 ;;
	--run-tolerance) run_tol=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ $# -ne 5 ]; then
	echo "usage: $0 [-v] [--run-harts \"H...\"] [--run-tolerance PCT] LOG LIGHT HEAVY EXPECT_PCT TOLERANCE_PCT" >&2
	exit 2
fi
[ -n "$run_tol" ] || run_tol=$5
# One record per fact: "COUNT vm vcpu count" and "RUN vm vcpu hart ms".
tr -d '\r' <"$1" | sed -nE \
	-e 's/^\[([^]]+)\] SHARE vcpu=([0-9]+) count=([0-9]+).*/COUNT \1 \2 \3/p' \
	-e 's/^hartvisor: VM "([^"]+)" vCPU ([0-9]+) \(hart ([0-9]+)\): run ([0-9]+) ms.*/RUN \1 \2 \3 \4/p' |
	awk -v light="$2" -v heavy="$3" -v want="$4" \
	-v tol="$5" -v run_tol="$run_tol" -v verbose="$verbose" \
	-v run_harts="$run_harts" '
	$1 == "COUNT" { count[$2, $3] = $4 }
	$1 == "RUN" {
		vcpus[$2] = vcpus[$2] " " $3
		hart_of[$2, $3] = $4; harts[$4] = 1
		run[$2, $4] += $5
	}
	function split_of(kind, a, b, h, t) {
		if (a == "" || b == "" || a + b == 0) {
			bad = bad sprintf("; no %s on hart %d", kind, h)
			return
		}
		pct = 100 * a / (a + b)
		report = report sprintf(" %s[hart%d]=%.1f%%", kind, h, pct)
		if (pct < want - t || pct > want + t)
			bad = bad sprintf("; %s split on hart %d is %.1f%%", kind, h, pct)
	}
	END {
		if (vcpus[light] == "" || vcpus[heavy] == "") {
			print "no statistics of VM " light " and " heavy; exit 1
		}
		for (vm in vcpus) {
			if (vm != light && vm != heavy) continue
			n = split(vcpus[vm], list, " ")
			for (k = 1; k <= n; k++) {
				if (count[vm, list[k]] == "") {
					bad = bad sprintf("; no count of %s vCPU %d", vm, list[k])
					continue
				}
				hcount[vm, hart_of[vm, list[k]]] += count[vm, list[k]]
				pinned[vm, hart_of[vm, list[k]]]++
			}
		}
		for (h = 0; h < 64; h++) {
			if (!(h in harts)) continue
			if (pinned[light, h] != 1 || pinned[heavy, h] != 1)
				bad = bad sprintf("; hart %d does not hold one vCPU of each VM", h)
			split_of("count", hcount[light, h], hcount[heavy, h], h, tol)
			if (run_harts == "all" || index(" " run_harts " ", " " h " "))
				split_of("run", run[light, h], run[heavy, h], h, run_tol)
		}
		if (bad != "") {
			printf "%s share not %s%% +- %s (run +- %s):%s%s\n", light, want, tol, run_tol, report, bad
			exit 1
		}
		if (verbose) printf "%s share:%s\n", light, report
	}'
