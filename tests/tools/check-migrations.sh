#!/bin/sh
# check-migrations.sh LOG: prints a reason, and fails, unless every vCPU's
# statistics line in LOG reports at least 3 migrations. The test-only
# "migrate-random" policy moves vCPUs at every switch; with a hart per
# vCPU switches are few, and a move may pick the same hart, hence only 3.
set -u
counts=$(grep -aoE '[0-9]+ migrations' "$1" | awk '{print $1}')
if [ -z "$counts" ]; then
	echo "no vCPU statistics with migrations"
	exit 1
fi
if printf '%s\n' "$counts" | awk '$1 < 3 { bad = 1 } END { exit !bad }'; then
	echo "a vCPU migrated fewer than 3 times ($(printf '%s\n' "$counts" | paste -sd, -))"
	exit 1
fi
