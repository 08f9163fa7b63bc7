#!/bin/sh
# Run the host unit tests (cmocka), then report lcov line coverage of the
# code under test. Usage: run-unit-tests.sh BUILD_UNIT_DIR TEST...
# Prints "unit: N passed, M failed" (counted per cmocka test case).
set -u
dir=$1
shift
passed=0
failed=0
find "$dir" -name '*.gcda' -delete 2>/dev/null
for t in "$@"; do
	# A hang (a wait that never ends) is a failure too, not a stuck run.
	out=$(timeout 60 "$dir/$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	p=${p:-0}
	f=${f:-0}
	# A crash or a binary that ran no case must count as a failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out" | grep -E 'FAILED|ERROR|Failure|error' | head -20
		echo "  FAIL  $t ($p passed, $f failed)"
	else
		echo "  PASS  $t ($p cases)"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
if command -v lcov >/dev/null 2>&1; then
	lcov --quiet --capture --directory "$dir" --output-file "$dir/coverage.info" \
		--rc lcov_branch_coverage=0 >/dev/null 2>&1 &&
		lcov --quiet --remove "$dir/coverage.info" '*/tests/*' '/usr/*' \
			--output-file "$dir/coverage.info" >/dev/null 2>&1 &&
		lcov --summary "$dir/coverage.info" 2>&1 | grep -E 'lines' |
		sed 's/^ */unit coverage (code under test): /'
fi
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
