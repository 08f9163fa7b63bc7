#!/bin/sh
# SMP test for the Linux guest, run by /init for hvtest=smp.
#
# Kernel command line: hvtest=smp hvcpus=<expected CPU count>.
# Checks, each printed as "HVTEST CHECK <name>: PASS|FAIL <detail>":
#   nproc        nproc equals hvcpus
#   rng-ready    the kernel's RNG was ready before user space ("random: crng
#                init done" before "Run /init"), from the rng-seed the
#                hypervisor puts in the guest's device tree
#   pinned-<n>   a workload pinned with taskset to CPU n ran there and got
#                the results the host computed (tests/expected.env)
#   tlbstorm     multi-threaded mmap/mprotect/munmap storm, one pinned thread
#                per CPU (guests/linux/tlbstorm.c)
#   timer-irqs   riscv-timer interrupts counted on every CPU
#   ipis         IPIs counted on every CPU
#   kernel-warnings  no RCU stall, late timer wakeup or lockup report
#   console-data at least 1 MiB of deterministic console output, followed by
#                "HVTEST DATA lines=<n> bytes=<n> md5=<md5 of the HVDATA lines>"
#                (tests/tools/check-linux-console.sh recomputes it on the host)
# and ends with "HVTEST RESULT smp: PASS" or "HVTEST RESULT smp: FAIL <checks>".
set -u

# --- worker mode: smp.sh --work <cpu>, started under taskset by the test ---
if [ "${1:-}" = "--work" ]; then
	. /tests/expected.env
	i=0 s=1
	while [ "$i" -lt "$ARITH_ROUNDS" ]; do
		s=$(((s * 1103515245 + 12345 + i) % 2147483648))
		i=$((i + 1))
	done
	md5=$(seq 1 "$SEQ_COUNT" | md5sum | cut -d' ' -f1)
	allowed=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$$/status")
	# field 39 of /proc/<pid>/stat: the CPU this shell last ran on
	last=$(awk '{ print $39 }' "/proc/$$/stat")
	echo "allowed=$allowed last=$last arith=$s md5=$md5"
	exit 0
fi

. /usr/lib/hvtest.sh
. /tests/expected.env || { echo "HVTEST RESULT smp: FAIL no /tests/expected.env"; exit 1; }

# --- (a) CPU count ---
want=""
for word in $(cat /proc/cmdline); do
	case "$word" in hvcpus=*) want=${word#hvcpus=} ;; esac
done
have=$(nproc)
if [ -z "$want" ]; then
	check nproc FAIL "no hvcpus=<n> on the kernel command line (nproc=$have)"
elif [ "$have" = "$want" ]; then
	check nproc PASS "nproc=$have"
else
	check nproc FAIL "nproc=$have, expected hvcpus=$want"
fi

# --- (b) the RNG ready before /init ran: else every getrandom serialises
# on the kernel's base RNG lock until it is (docs/benchmarks.md) ---
log=$(dmesg)
crng_line=$(echo "$log" | grep -n 'random: crng init done' | head -n 1 | cut -d: -f1)
init_line=$(echo "$log" | grep -n 'Run /init' | head -n 1 | cut -d: -f1)
if [ -n "$crng_line" ] && [ -n "$init_line" ] && [ "$crng_line" -lt "$init_line" ]; then
	check rng-ready PASS "$(echo "$log" | grep 'random: crng init done' | head -n 1)"
else
	check rng-ready FAIL "no 'random: crng init done' before 'Run /init' (lines ${crng_line:-none}, ${init_line:-none})"
fi

cpus=$(online_cpus)

# --- (c) one pinned workload per CPU, all running at once ---
pids=""
for c in $cpus; do
	taskset -c "$c" sh /tests/smp.sh --work "$c" >"/tmp/work.$c" 2>&1 &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || true
done
for c in $cpus; do
	got=$(cat "/tmp/work.$c")
	want_line="allowed=$c last=$c arith=$ARITH_RESULT md5=$SEQ_MD5"
	if [ "$got" = "$want_line" ]; then
		check "pinned-$c" PASS "$got"
	else
		check "pinned-$c" FAIL "got '$got', expected '$want_line'"
	fi
done

# --- (d) TLB shootdown storm ---
storm=$(tlbstorm 60 2>&1)
status=$?
storm_summary=$(echo "$storm" | tail -n 1)
if [ "$status" -eq 0 ]; then
	check tlbstorm PASS "$storm_summary"
else
	echo "$storm" | sed 's/^/tlbstorm: /' | head -n 12
	check tlbstorm FAIL "exit status $status: $storm_summary"
fi

# --- (b) per-CPU timer interrupts and IPIs (after the work above) ---
# 6.12 format: a header "CPU0 CPU1 ...", then e.g.
#  " 10:  262  237 ...  RISC-V INTC   5 Edge      riscv-timer"
#  "IPI0:  30   40 ...  Rescheduling interrupts"
irq_report=$(awk '
	NR == 1 { ncpu = NF; next }
	$NF == "riscv-timer" { for (k = 1; k <= ncpu; k++) timer[k] += $(k + 1); seen_timer = 1 }
	$1 ~ /^IPI[0-9]+:$/ { for (k = 1; k <= ncpu; k++) ipi[k] += $(k + 1); seen_ipi = 1 }
	END {
		t = "timer"; i = "ipi"; tz = 0; iz = 0
		for (k = 1; k <= ncpu; k++) {
			t = t " " timer[k]; i = i " " ipi[k]
			if (timer[k] + 0 == 0) tz++
			if (ipi[k] + 0 == 0) iz++
		}
		printf "%d %d %d %d %d|%s|%s\n", ncpu, seen_timer, tz, seen_ipi, iz, t, i
	}' /proc/interrupts)
IFS='|' read -r irq_counts timer_line ipi_line <<EOF_IRQ
$irq_report
EOF_IRQ
set -- $irq_counts
irq_ncpu=$1 seen_timer=$2 timer_zero=$3 seen_ipi=$4 ipi_zero=$5
if [ "$irq_ncpu" != "$have" ]; then
	check timer-irqs FAIL "/proc/interrupts lists $irq_ncpu CPUs, nproc=$have"
	check ipis FAIL "/proc/interrupts lists $irq_ncpu CPUs, nproc=$have"
else
	if [ "$seen_timer" -ne 1 ]; then
		check timer-irqs FAIL "no riscv-timer line in /proc/interrupts"
	elif [ "$timer_zero" -ne 0 ]; then
		check timer-irqs FAIL "$timer_zero CPU(s) without timer interrupts: $timer_line"
	else
		check timer-irqs PASS "$timer_line"
	fi
	if [ "$seen_ipi" -ne 1 ]; then
		check ipis FAIL "no IPI lines in /proc/interrupts"
	elif [ "$ipi_zero" -ne 0 ]; then
		check ipis FAIL "$ipi_zero CPU(s) without IPIs: $ipi_line"
	else
		check ipis PASS "$ipi_line"
	fi
fi

# --- (e) 1 MiB of deterministic console output and its checksum ---
# 16384 lines of 64 bytes: "HVDATA <5-digit index> <50 characters>\n",
# the characters cut from a pseudo-random string (LCG, exact in awk's doubles).
# hvdatalines=<n> on the kernel command line sets a smaller amount (the
# full 1 MiB is checked in one test case; others check the same path with
# less data to keep the suite short).
data_lines=16384
for word in $(cat /proc/cmdline); do
	case "$word" in hvdatalines=*) data_lines=${word#hvdatalines=} ;; esac
done
data_min=$((data_lines * 64))
awk -v lines="$data_lines" 'BEGIN {
	a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	x = 12345
	for (k = 0; k < 4096; k++) {
		x = (x * 69069 + 1) % 4294967296
		s = s substr(a, int(x / 65536) % 62 + 1, 1)
	}
	for (k = 0; k < lines; k++)
		printf "HVDATA %05d %s\n", k, substr(s, (k * 37) % 4000 + 1, 50)
}' >/tmp/hvdata
data_bytes=$(wc -c </tmp/hvdata)
data_md5=$(md5sum </tmp/hvdata | cut -d' ' -f1)
# Keep kernel messages off the console while the data goes out, so they
# cannot split a line: the checksum tests the console path, not what the
# kernel has to say. Warnings that matter are read from dmesg once the
# console has drained.
console_quiet
cat /tmp/hvdata
echo "HVTEST DATA lines=$data_lines bytes=$data_bytes md5=$data_md5"
console_loud
warnings=$(kernel_warnings)
if [ -z "$warnings" ]; then
	check kernel-warnings PASS "no RCU stall, late timer or lockup report"
else
	check kernel-warnings FAIL "$warnings"
fi
rm -f /tmp/hvdata
if [ "$data_bytes" -ge "$data_min" ] && [ "$data_bytes" -gt 0 ]; then
	check console-data PASS "lines=$data_lines bytes=$data_bytes md5=$data_md5 (verify on the host)"
else
	check console-data FAIL "only $data_bytes bytes generated"
fi

# --- (f) result ---
if [ -z "$failed" ]; then
	echo "HVTEST RESULT smp: PASS"
	exit 0
fi
echo "HVTEST RESULT smp: FAIL$failed"
exit 1
