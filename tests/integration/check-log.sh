# Sourced by run-baremetal.sh: decide whether one QEMU run passed.
#
#   check_log LOG QEMU_STATUS TIMEOUT_S VM:GUEST...
#
# Prints nothing when the run passed, else the reasons, "; "-separated.
# A VM written "!vm:guest" is the hostile VM of the fatal case.

# Lines of a VM: with several VMs hartvisor prefixes "[vm] "; a lone VM's
# lines may come bare, so the prefix is optional when only one is expected.
vm_prefix_re() {
	local vm=$1 single=$2
	if [ "$single" = 1 ]; then
		printf '^(\\[%s\\] )?' "$vm"
	else
		printf '^\\[%s\\] ' "$vm"
	fi
}

# hartvisor reports every VM end as 'VM "<name>" stopped: <why>'; an end
# the guest asked for reads "stopped: shutdown ...", anything else is a stop
# the hypervisor imposed.
abnormal_stop_re() {
	printf 'hartvisor: VM "%s" stopped: ([^s]|s[^h]|sh[^u])' "$1"
}

check_summary() {
	local log=$1 vm=$2 guest=$3 single=$4 pre lines passed failed pass_lines fail_lines
	pre=$(vm_prefix_re "$vm" "$single")
	lines=$(grep -aE "${pre}GUEST $guest SUMMARY: passed=[0-9]+ failed=[0-9]+\$" "$log")
	if [ -z "$lines" ]; then
		echo "VM $vm: no summary"
		return
	fi
	if [ "$(printf '%s\n' "$lines" | wc -l)" -ne 1 ]; then
		echo "VM $vm: more than one summary"
		return
	fi
	passed=$(printf '%s\n' "$lines" | sed -E 's/.*passed=([0-9]+).*/\1/')
	failed=$(printf '%s\n' "$lines" | sed -E 's/.*failed=([0-9]+).*/\1/')
	pass_lines=$(grep -acE "${pre}TEST $guest/[^ :]+: PASS\$" "$log")
	fail_lines=$(grep -acE "${pre}TEST $guest/[^ :]+: FAIL" "$log")
	if [ "$failed" -ne 0 ]; then
		echo "VM $vm: $failed failed ($(grep -aE "${pre}TEST $guest/[^ :]+: FAIL" "$log" |
			sed -E 's/.*TEST [^/]+\/([^:]+): FAIL.*/\1/' | head -5 | paste -sd, -))"
	elif [ "$passed" -eq 0 ]; then
		echo "VM $vm: passed=0"
	elif [ "$pass_lines" -ne "$passed" ] || [ "$fail_lines" -ne "$failed" ]; then
		echo "VM $vm: summary says $passed/$failed but log has $pass_lines PASS, $fail_lines FAIL lines"
	fi
}

check_fatal() {
	local log=$1 vm=$2 attempt after
	attempt=$(grep -anE "^\\[$vm\\] HOSTILE FATAL ATTEMPT\$" "$log" | head -1 | cut -d: -f1)
	if [ -z "$attempt" ]; then
		echo "VM $vm: no HOSTILE FATAL ATTEMPT"
		return
	fi
	if ! tail -n +"$attempt" "$log" | grep -aqE "$(abnormal_stop_re "$vm")"; then
		echo "VM $vm: hartvisor did not report stopping it"
	fi
	after=$(tail -n +"$((attempt + 1))" "$log" | grep -acE "^\\[$vm\\] ")
	if [ "$after" -ne 0 ]; then
		echo "VM $vm: printed $after line(s) after the fatal AMO"
	fi
}

check_log() {
	local log=$1 rc=$2 limit=$3
	shift 3
	local single=0 spec vm guest fatal clean reasons=()
	[ $# -eq 1 ] && single=1

	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		reasons+=("timeout after ${limit}s")
	elif [ "$rc" -ne 0 ]; then
		reasons+=("qemu exited with status $rc")
	fi
	# QEMU's console output has CRs; judge the text without them.
	clean=$(mktemp)
	tr -d '\r' <"$log" >"$clean"
	for spec in "$@"; do
		fatal=0
		case $spec in !*) fatal=1; spec=${spec#!} ;; esac
		vm=${spec%%:*}
		guest=${spec#*:}
		while IFS= read -r line; do
			[ -n "$line" ] && reasons+=("$line")
		done < <(check_summary "$clean" "$vm" "$guest" "$single"
			if [ "$fatal" = 1 ]; then
				check_fatal "$clean" "$vm"
			elif grep -aqE "$(abnormal_stop_re "$vm")" "$clean"; then
				echo "VM $vm: stopped by hartvisor"
			fi)
	done
	rm -f "$clean"
	local IFS=';'
	[ ${#reasons[@]} -eq 0 ] || printf '%s\n' "${reasons[*]}" | sed 's/;/; /g'
}

