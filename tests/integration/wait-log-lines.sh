#!/bin/sh
# wait-log-lines.sh LOG REGEX COUNT SECONDS: wait until LOG (CRs dropped)
# holds at least COUNT lines matching REGEX; status 1 if SECONDS pass
# first. For gdb's `shell`, where a fixed sleep would make a test timed.
log=$1 regex=$2 count=$3 limit=$4
n=0
while [ "$(tr -d '\r' <"$log" | grep -acE -- "$regex")" -lt "$count" ]; do
	[ "$n" -lt $((limit * 10)) ] || exit 1
	sleep 0.1
	n=$((n + 1))
done
