#!/bin/sh
# Soak test for the Linux guest, run by /init for hvtest=soak.
#
# Kernel command line: hvtest=soak hvsoak=<seconds> (default 1800).
# Until that much guest uptime has passed, rounds of
#   - a TLB shootdown storm (tlbstorm, one pinned thread per CPU),
#   - IPI-heavy work: on every CPU at once, short-lived processes forked and
#     reaped and a shell bounced between CPUs with taskset (wakeups and
#     migrations are IPIs),
#   - a chunk of console data: 64-byte "HVDATA" lines numbered across the
#     whole run, with the rest of the round's output kept off the console;
# then "HVTEST DATA lines=<n> bytes=<n> md5=<md5>" over every HVDATA line
# (tests/tools/check-linux-console.sh recomputes it on the host, so one
# lost or changed byte fails), and the checks:
#   rounds           every round's tlbstorm passed
#   kernel-warnings  no RCU stall, late timer wakeup or lockup report
# ending with "HVTEST RESULT soak: PASS" or "HVTEST RESULT soak: FAIL ...".
#
# hvsoakreboot=<seconds>: the VM reboots once, under load, midway. Its
# first boot (the DTB's /chosen/hartvisor,boot-count is 1) runs the storm
# and IPI rounds without console data for that long, checks them
# ("boot1-rounds", "boot1-kernel-warnings") and reboots (SBI SRST through
# busybox reboot -f); the second boot runs the rest of hvsoak as above.
set -u

# --- worker mode: soak.sh --ipi-work <cpu> <cpus>: forks and CPU bounces ---
if [ "${1:-}" = "--ipi-work" ]; then
	i=0
	while [ "$i" -lt 40 ]; do
		/bin/true
		taskset -p -c $((($2 + i) % $3)) $$ >/dev/null 2>&1
		i=$((i + 1))
	done
	exit 0
fi

. /usr/lib/hvtest.sh

duration=1800 reboot_after=""
for word in $(cat /proc/cmdline); do
	case "$word" in
	hvsoak=*) duration=${word#hvsoak=} ;;
	hvsoakreboot=*) reboot_after=${word#hvsoakreboot=} ;;
	esac
done
boot=$(boot_count)
first_of_two=""
if [ -n "$reboot_after" ]; then
	if [ "$boot" -eq 1 ]; then
		first_of_two=yes
		duration=$reboot_after
	elif [ "$duration" -gt $((reboot_after + 60)) ]; then
		duration=$((duration - reboot_after))
	else
		duration=60
	fi
fi
cpus=$(nproc)
lines_per_round=256
end=$(($(uptime_s) + duration))

# Kernel messages stay off the console so they cannot split a data line;
# the warnings that matter are read from dmesg at the end.
console_quiet

round=0 bad_rounds=0 first_bad=""
: >/tmp/hvdata
while [ "$(uptime_s)" -lt "$end" ]; do
	storm=$(tlbstorm 20 2>&1) || {
		bad_rounds=$((bad_rounds + 1))
		[ -n "$first_bad" ] || first_bad="round $round: $(echo "$storm" | tail -n 1)"
	}
	pids=""
	c=0
	while [ "$c" -lt "$cpus" ]; do
		taskset -c "$c" sh /tests/soak.sh --ipi-work "$c" "$cpus" &
		pids="$pids $!"
		c=$((c + 1))
	done
	for p in $pids; do
		wait "$p" || true
	done
	# The first of two boots sends no data: the check covers one boot.
	if [ -n "$first_of_two" ]; then
		round=$((round + 1))
		continue
	fi
	# The data: deterministic, numbered across the run.
	awk -v first=$((round * lines_per_round)) -v lines="$lines_per_round" 'BEGIN {
		a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		x = 12345 + first
		for (k = 0; k < lines; k++) {
			s = ""
			for (j = 0; j < 50; j++) {
				x = (x * 69069 + 1) % 4294967296
				s = s substr(a, int(x / 65536) % 62 + 1, 1)
			}
			printf "HVDATA %07d %s\n", first + k, substr(s, 1, 48)
		}
	}' >/tmp/hvchunk
	cat /tmp/hvchunk
	cat /tmp/hvchunk >>/tmp/hvdata
	round=$((round + 1))
done
if [ -n "$first_of_two" ]; then
	console_loud
	warnings=$(kernel_warnings)
	if [ "$bad_rounds" -eq 0 ] && [ "$round" -gt 0 ] && [ -z "$warnings" ]; then
		check boot1-rounds PASS "$round rounds of tlbstorm and IPI work"
		check boot1-kernel-warnings PASS "none"
		echo "HVTEST SOAK REBOOT boot $boot after $round rounds"
		sync
		reboot -f
		sleep 30
		echo "HVTEST RESULT soak: FAIL reboot -f returned"
		exit 1
	fi
	check boot1-rounds FAIL "$bad_rounds of $round rounds failed; first: $first_bad; warnings: $warnings"
	echo "HVTEST RESULT soak: FAIL on the first boot"
	exit 1
fi
data_lines=$(wc -l </tmp/hvdata)
data_bytes=$(wc -c </tmp/hvdata)
data_md5=$(md5sum </tmp/hvdata | cut -d' ' -f1)
echo "HVTEST DATA lines=$data_lines bytes=$data_bytes md5=$data_md5"
console_loud

if [ "$bad_rounds" -eq 0 ] && [ "$round" -gt 0 ]; then
	check rounds PASS "$round rounds of tlbstorm, IPI work and console data"
else
	check rounds FAIL "$bad_rounds of $round rounds failed; first: $first_bad"
fi
warnings=$(kernel_warnings)
if [ -z "$warnings" ]; then
	check kernel-warnings PASS "no RCU stall, late timer or lockup report"
else
	check kernel-warnings FAIL "$warnings"
fi
if [ -z "$failed" ]; then
	echo "HVTEST RESULT soak: PASS"
	exit 0
fi
echo "HVTEST RESULT soak: FAIL$failed"
exit 1
