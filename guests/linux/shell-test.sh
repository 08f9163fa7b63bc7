#!/bin/sh
# Drive the Linux guest's interactive shell through QEMU's serial console
# and check that it works, including job control and Ctrl-C.
#
#   guests/linux/shell-test.sh [--prefix P] [--timeout S] [--log FILE] -- <qemu command...>
#
# The QEMU command must boot the guest without hvtest= (the shell) with the
# console on stdio (-nographic). Input is fed through a FIFO, so Ctrl-C
# reaches the guest as a byte (0x03), as it would from a terminal.
#   --prefix P   the guest's console lines carry this prefix (shared console)
#   --timeout S  seconds to wait for the first prompt (default 120)
# Checks, printed as "SHELL CHECK <name>: PASS|FAIL": prompt, echo, ctrl-c,
# job-control, poweroff; then "SHELL RESULT: PASS|FAIL". Exit 0 on pass.
set -eu

die() {
	echo "shell-test: error: $*" >&2
	exit 2
}

prefix=""
boot_timeout=120
log=""
while [ $# -gt 0 ]; do
	case "$1" in
	--prefix) [ $# -ge 2 ] || die "--prefix needs a value"; prefix=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || die "--timeout needs a value"; boot_timeout=$2; shift 2 ;;
	--log) [ $# -ge 2 ] || die "--log needs a value"; log=$2; shift 2 ;;
	--) shift; break ;;
	*) die "usage: $0 [--prefix P] [--timeout S] [--log FILE] -- <qemu command...>" ;;
	esac
done
[ $# -gt 0 ] || die "no QEMU command given"

work=$(mktemp -d)
[ -n "$log" ] || log=$work/console.log
qemu_pid=""
cleanup() {
	exec 3>&- 2>/dev/null || true
	if [ -n "$qemu_pid" ]; then
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkfifo "$work/in"
: >"$log" # exists before the first poll
"$@" <"$work/in" >"$log" 2>&1 &
qemu_pid=$!
exec 3>"$work/in"

# The guest's lines, prefix stripped, CRs removed.
console() {
	PREFIX=$prefix awk 'BEGIN { p = ENVIRON["PREFIX"]; lp = length(p) }
	{
		gsub(/\r/, "")
		if (lp > 0) { if (substr($0, 1, lp) != p) next; $0 = substr($0, lp + 1) }
		print
	}' "$log"
}
prompts() { console | grep -a -c '^hartvisor-guest:.*# ' || true; }
# wait_for <seconds> <command...>: poll until the command succeeds.
wait_for() {
	limit=$1
	shift
	end=$(($(date +%s) + limit))
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		kill -0 "$qemu_pid" 2>/dev/null || return 1
		sleep 0.2
	done
}
more_prompts_than() { [ "$(prompts)" -gt "$1" ]; }
has_line() { console | grep -a -q -x -- "$1"; }
send() { printf '%s' "$1" >&3; }

failed=""
check() {
	echo "SHELL CHECK $1: $2"
	[ "$2" = PASS ] || failed="$failed $1"
}

if ! wait_for "$boot_timeout" more_prompts_than 0; then
	check prompt FAIL
	echo "shell-test: no shell prompt; last console lines:" >&2
	console | tail -n 15 >&2
	echo "SHELL RESULT: FAIL$failed"
	exit 1
fi
check prompt PASS

# The guest computes the answer, so the typed command's echo cannot match.
send 'echo $((6 * 7))-hv
'
if wait_for 10 has_line "42-hv"; then check echo PASS; else check echo FAIL; fi

# A foreground job, interrupted with Ctrl-C: the prompt must come back.
n=$(prompts)
send 'sleep 100
'
sleep 2
if [ "$(prompts)" -ne "$n" ]; then
	check ctrl-c FAIL # sleep did not run in the foreground
else
	send "$(printf '\003')"
	send 'echo status=$?
'
	if wait_for 10 has_line "status=130"; then check ctrl-c PASS; else check ctrl-c FAIL; fi
fi

# Job control: a background job shows up in `jobs` and can be killed by %1.
send 'sleep 77 &
jobs; kill %1; wait; echo jobs-done
'
if wait_for 10 has_line "jobs-done" && console | grep -a -q '^\[1\]+ *Running *sleep 77'; then
	check job-control PASS
else
	check job-control FAIL
fi

send 'poweroff -f
'
# The guest powers off, then the hypervisor, whose machine then stops:
# the command must end by itself, with status 0.
end=$(($(date +%s) + 30))
while kill -0 "$qemu_pid" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
	sleep 0.2
done
if ! kill -0 "$qemu_pid" 2>/dev/null; then
	wait "$qemu_pid"
	status=$?
	qemu_pid=""
	if [ "$status" -eq 0 ]; then check poweroff PASS; else check poweroff FAIL; fi
else
	check poweroff FAIL # still running 30 s after the guest's poweroff
fi

if [ -z "$failed" ]; then
	echo "SHELL RESULT: PASS"
	exit 0
fi
echo "shell-test: last console lines:" >&2
console | tail -n 20 >&2
echo "SHELL RESULT: FAIL$failed"
exit 1
