# Shell functions shared by the Linux guest's tests (guests/linux/tests/),
# installed as /usr/lib/hvtest.sh in the initramfs. A test sources it:
#   . /usr/lib/hvtest.sh
# It defines $failed (the failed checks so far) and:
#   check NAME PASS|FAIL DETAIL  print "HVTEST CHECK NAME: ... [t=<uptime>s]"
#   uptime_s                     the guest's uptime in whole seconds
#   online_cpus                  the online CPUs, e.g. "0 1 2 3 "
#   boot_count                   /chosen/hartvisor,boot-count (1 if absent)
#   console_quiet / console_loud keep kernel messages off the console while
#                                test data goes out, then drain it, let them
#                                through again and print the kernel warning
#                                "hvtest: console drained"
#   kernel_warnings              the first RCU stall, late timer wakeup or
#                                lockup reports in dmesg (empty if none)

failed=""

check() { # check <name> <PASS|FAIL> <detail>; appends the guest uptime
	read -r hvtest_now _idle </proc/uptime
	echo "HVTEST CHECK $1: $2 $3 [t=${hvtest_now}s]"
	[ "$2" = PASS ] || failed="$failed $1"
}

uptime_s() {
	read -r hvtest_now _idle </proc/uptime
	echo "${hvtest_now%.*}"
}

# The kernel's list of online CPUs ("0-3", "0,2-3") as "0 1 2 3 ".
online_cpus() {
	awk -F, '{
		for (k = 1; k <= NF; k++) {
			n = split($k, r, "-")
			for (c = r[1]; c <= r[n]; c++) printf "%d ", c
		}
	}' /sys/devices/system/cpu/online
}

# Which boot of the VM this is: hartvisor counts a VM's starts in its DTB
# (big-endian u32). Natively there is no such property: boot 1.
boot_count() {
	hvtest_prop=/proc/device-tree/chosen/hartvisor,boot-count
	if [ -r "$hvtest_prop" ]; then
		od -An -tu1 "$hvtest_prop" |
			awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'
	else
		echo 1
	fi
}

# Kernel messages print straight to the UART, past the tty's transmit
# buffer, so one printed while data is still queued splits a data line.
# console_quiet lowers the console log level to 1 (emergencies only).
# console_loud first waits until the console has sent everything written
# to it (setting its own attributes back is a TCSADRAIN: the tty buffer
# and the UART's FIFO must empty), then restores the level. Restoring it
# as soon as `cat` returned let a warning cut a line that was still
# queued (a failure seen in linux-fair-4vcpu-2harts).
console_quiet() {
	read -r hvtest_loglevel _rest </proc/sys/kernel/printk
	echo 1 >/proc/sys/kernel/printk
}

console_loud() {
	stty -F /dev/console "$(stty -F /dev/console -g)" 2>/dev/null
	echo "${hvtest_loglevel:-7}" >/proc/sys/kernel/printk
	# A kernel warning right away: the host's check requires it on a line
	# of its own after the data (tests/tools/check-linux-console.sh), so a
	# drain that returned early would cut a queued data line here.
	echo "<4>hvtest: console drained" >/dev/kmsg
}

# An RCU stall, a late timer wakeup or a lockup report means a vCPU went
# without its interrupts for seconds. ("hrtimer: interrupt took <n> ns"
# is not among them: QEMU's host stalls cause it natively too, up to
# 124 ms measured on this machine; see docs/design.md.)
kernel_warnings() {
	dmesg | grep -e 'rcu: INFO' -e 'timer wakeup didn.t happen' \
		-e 'LOCKUP' -e 'soft lockup' | head -n 3 | tr '\n' ' '
}
