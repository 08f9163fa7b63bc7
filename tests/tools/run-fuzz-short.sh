#!/bin/sh
# The short fuzzing pass of `make test`: every host fuzzer of
# tests/fuzz/fuzz.mk for a few seconds (FUZZ_SECONDS, default 5), under
# ASan and UBSan. One PASS/FAIL line per fuzzer, then
# "fuzz: N passed, M failed". `make fuzz` runs them longer (60 s each).
set -u
cd "$(dirname "$0")/../.." || exit 1
MAKE=${MAKE:-make}
seconds=${FUZZ_SECONDS:-5}
passed=0
failed=0
names=$($MAKE --no-print-directory -s fuzz-names) || names=
[ -n "$names" ] || { echo "fuzz: no fuzzers listed"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
for name in $names; do
	f=fuzz-$name
	if out=$($MAKE --no-print-directory "$f" FUZZ_SECONDS="$seconds" 2>&1) &&
		printf '%s\n' "$out" | grep -q "^$f: ok$"; then
		echo "PASS $f ($seconds s)"
		passed=$((passed + 1))
	else
		printf '%s\n' "$out" | tail -20
		echo "FAIL $f"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
