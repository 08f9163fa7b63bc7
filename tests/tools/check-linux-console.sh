#!/bin/sh
# Check a Linux guest's console log for the HVTEST protocol of
# guests/linux/init and guests/linux/tests/*.sh.
#
#   tests/tools/check-linux-console.sh [--prefix P] [--test NAME]
#                                      [--require-data] <console-log>
#
#   --prefix P       only lines starting with P belong to this guest (several
#                    VMs sharing one console, e.g. --prefix '[linux0] '); P
#                    is stripped, other lines are ignored.
#   --test NAME      require exactly one "HVTEST RESULT NAME: PASS" (default:
#                    exactly one RESULT line, any name). --test smp implies
#                    --require-data.
#   --require-data   require the "HVTEST DATA" block (>= 1 MiB).
#   --min-data N     with --require-data: at least N bytes instead of 1 MiB.
#
# Passes when: exactly one RESULT line and it says PASS, no CHECK line says
# FAIL, and, when an "HVTEST DATA lines=<n> bytes=<n> md5=<md5>" line is
# present, the HVDATA lines received (each with "\n") have exactly that
# count, size and md5, and the kernel's "hvtest: console drained" warning
# (guests/linux/hvtest-lib.sh) follows it on a line of its own: kernel
# messages came back on only once the data had gone out. Carriage returns
# are dropped first (the guest's tty turns "\n" into "\r\n"). Exit status 0
# on pass, 1 on fail, 2 on misuse.
set -eu

usage() {
	echo "usage: $0 [--prefix P] [--test NAME] [--require-data] [--min-data BYTES] <console-log>" >&2
	exit 2
}

prefix=""
test_name=""
require_data=0
min_data=1048576
log=""
while [ $# -gt 0 ]; do
	case "$1" in
	--prefix) [ $# -ge 2 ] || usage; prefix=$2; shift 2 ;;
	--test) [ $# -ge 2 ] || usage; test_name=$2; shift 2 ;;
	--require-data) require_data=1; shift ;;
	--min-data) [ $# -ge 2 ] || usage; min_data=$2; shift 2 ;;
	-*) usage ;;
	*) [ -z "$log" ] || usage; log=$1; shift ;;
	esac
done
[ -n "$log" ] || usage
[ -r "$log" ] || { echo "check-linux-console: cannot read $log" >&2; exit 2; }
[ "$test_name" = smp ] && require_data=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Normalise: keep this guest's lines, strip the prefix and every CR.
PREFIX=$prefix awk 'BEGIN { p = ENVIRON["PREFIX"]; lp = length(p) }
{
	if (lp > 0) {
		if (substr($0, 1, lp) != p) next
		$0 = substr($0, lp + 1)
	}
	gsub(/\r/, "")
	print
}' "$log" >"$tmp/console"

problems=0
fail() {
	echo "check-linux-console: FAIL $*"
	problems=$((problems + 1))
}

# RESULT lines
grep -a '^HVTEST RESULT ' "$tmp/console" >"$tmp/results" || true
nresults=$(wc -l <"$tmp/results")
if [ -n "$test_name" ]; then
	n=$(grep -a -c "^HVTEST RESULT $test_name: " "$tmp/results" || true)
	[ "$n" -eq 1 ] || fail "expected one 'HVTEST RESULT $test_name:' line, found $n"
fi
if [ "$nresults" -ne 1 ]; then
	fail "expected exactly one HVTEST RESULT line, found $nresults"
fi
while IFS= read -r line; do
	case "$line" in
	"HVTEST RESULT "*": PASS" | "HVTEST RESULT "*": PASS "*) ;;
	*) fail "$line" ;;
	esac
done <"$tmp/results"

# CHECK lines
grep -a '^HVTEST CHECK ' "$tmp/console" >"$tmp/checks" || true
nchecks=$(wc -l <"$tmp/checks")
while IFS= read -r line; do
	case "$line" in
	"HVTEST CHECK "*": PASS"*) ;;
	*) fail "$line" ;;
	esac
done <"$tmp/checks"

# DATA block
data_note=""
ndata=$(grep -a -c '^HVTEST DATA ' "$tmp/console" || true)
if [ "$ndata" -gt 1 ]; then
	fail "more than one HVTEST DATA line"
elif [ "$ndata" -eq 1 ]; then
	set -- $(grep -a '^HVTEST DATA ' "$tmp/console" | sed -n \
		's/^HVTEST DATA lines=\([0-9]*\) bytes=\([0-9]*\) md5=\([0-9a-f]*\)$/\1 \2 \3/p')
	if [ $# -ne 3 ]; then
		fail "malformed HVTEST DATA line"
	else
		want_lines=$1 want_bytes=$2 want_md5=$3
		grep -a '^HVDATA ' "$tmp/console" >"$tmp/data" || true
		got_lines=$(wc -l <"$tmp/data")
		got_bytes=$(wc -c <"$tmp/data")
		got_md5=$(md5sum <"$tmp/data" | cut -d' ' -f1)
		if [ "$got_lines" -ne "$want_lines" ] || [ "$got_bytes" -ne "$want_bytes" ] ||
			[ "$got_md5" != "$want_md5" ]; then
			fail "console data: received lines=$got_lines bytes=$got_bytes md5=$got_md5," \
				"guest sent lines=$want_lines bytes=$want_bytes md5=$want_md5"
		elif [ "$require_data" -eq 1 ] && [ "$got_bytes" -lt "$min_data" ]; then
			fail "console data: only $got_bytes bytes (need at least $min_data)"
		else
			data_note=", data $got_bytes bytes md5 ok"
		fi
		# The marker the guest prints once the data has drained: after
		# the DATA line, whole ("[ <time>] hvtest: console drained").
		data_at=$(grep -a -n '^HVTEST DATA ' "$tmp/console" | cut -d: -f1)
		marker_at=$(grep -a -n '^\[ *[0-9.]*\] hvtest: console drained$' \
			"$tmp/console" | tail -n 1 | cut -d: -f1)
		if [ -z "$marker_at" ]; then
			fail "no whole 'hvtest: console drained' kernel line (the console" \
				"drain before kernel messages came back)"
		elif [ "$marker_at" -lt "$data_at" ]; then
			fail "'hvtest: console drained' (line $marker_at) before the DATA line ($data_at)"
		fi
	fi
elif [ "$require_data" -eq 1 ]; then
	fail "no HVTEST DATA line"
fi

if [ "$problems" -ne 0 ]; then
	echo "check-linux-console: $log: $problems problem(s)"
	exit 1
fi
echo "check-linux-console: PASS $(sed 's/^HVTEST RESULT //; s/:.*//' "$tmp/results")" \
	"($nchecks checks$data_note)"
