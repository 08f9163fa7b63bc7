#!/bin/sh
# Run the host unit tests (cmocka), then report lcov line coverage over the
# real denominator. Usage: run-unit-tests.sh BUILD_UNIT_DIR TEST...
# Prints "unit: N passed, M failed" (counted per cmocka test case) last.
#
# Coverage counts every C file of hv/ (but the fake arch), sched/, drivers/
# and gdbstub/, tested or not. tests/tools/unit.mk compiles each file no
# test links into BUILD_UNIT_DIR/zero (a .gcno, all lines at 0) and leaves
# a stamp NAME.zero: "host|cross|lines SRC". "lines" means neither
# compiler could build it. Every file that ends up without data (that one,
# or one whose test was not run) has its lines counted by count_lines
# below, and is named in the output. UNIT_ZERO_SRCS lists the files no
# test links now (stale stamps are dropped).
#
# Headers under those folders count where a compiled file uses their
# inline functions (the lines that are code in some object).
#
# Two figures: all of it, and the generic code, which is everything but
# hv/arch/riscv/ and drivers/ (the code that also runs on the fake arch:
# the RISC-V arch layer and the device drivers only run on hardware).
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
	# A skipped case (cmocka's skip()) proves nothing: a failure.
	sk=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -1)
	p=${p:-0}
	f=$((${f:-0} + ${sk:-0}))
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

# An lcov record for SRC with its executable lines, all at 0, guessed from
# the text: after removing comments and preprocessor lines, every
# non-blank line inside a function body (a top-level { whose declaration
# ends in ")"), but for lines of only braces, "else" or a goto label and the
# continuations of a statement (the line before ends in an operator, a
# comma or an open parenthesis), plus the function's closing brace (its
# return). Within a few percent of what gcc instruments for this tree.
count_lines() {
	awk -v sf="$1" '
	BEGIN { print "TN:"; print "SF:" sf; depth = 0; infn = 0; sig = "" }
	{
		line = $0; code = ""
		while (line != "") {
			if (incomment) {
				i = index(line, "*/")
				if (!i) { line = ""; break }
				line = substr(line, i + 2); incomment = 0; continue
			}
			i = index(line, "/*"); j = index(line, "//")
			if (j && (!i || j < i)) { code = code substr(line, 1, j - 1); break }
			if (i) { code = code substr(line, 1, i - 1); line = substr(line, i + 2); incomment = 1; continue }
			code = code line; line = ""
		}
		if (code ~ /^[ \t]*#/) next
		text = code; gsub(/[ \t]/, "", text)
		counted = 0
		stmt = text != "" && text !~ /^([{}]+;?|else)$/
		label = text ~ /^[A-Za-z_][A-Za-z_0-9]*:$/ && text !~ /^(case|default:)/
		if (depth > 0 && infn && stmt && !label && prev !~ /[,(=?|&+*\/-]$/) {
			counted = 1; n++; print "DA:" NR ",0"
		}
		if (text != "") prev = text
		for (k = 1; k <= length(code); k++) {
			c = substr(code, k, 1)
			if (c == "{") {
				if (depth == 0) { s = sig; gsub(/[ \t]+$/, "", s); infn = (s ~ /\)$/) }
				depth++
			} else if (c == "}") {
				depth--
				if (depth == 0 && infn) {
					if (!counted) { n++; print "DA:" NR ",0" }
					infn = 0
				}
				if (depth == 0) sig = ""
			} else if (depth == 0) {
				if (c == ";") sig = ""; else sig = sig c
			}
		}
	}
	END { print "LF:" n; print "LH:0"; print "end_of_record" }' "$1"
}

# Totals over the files of an lcov tracefile whose path matches (egrep)
# include and not exclude: "NN.N% (hit of found lines, N files)".
summarize() {
	awk -v inc="$2" -v exc="$3" '
	/^SF:/ { f = substr($0, 4); keep = (f ~ inc) && !(exc != "" && f ~ exc); if (keep) files++ }
	/^DA:/ && keep { split(substr($0, 4), a, ","); found++; if (a[2] > 0) hit++ }
	END { printf "%.1f%% (%d of %d lines, %d files)\n", found ? 100 * hit / found : 0, hit, found, files }' "$1"
}

# The least covered files (matching include, not exclude): "path NN%".
least_covered() {
	awk -v inc="$2" -v exc="$3" -v root="$4/" '
	/^SF:/ { f = substr($0, 4); keep = (f ~ inc) && !(exc != "" && f ~ exc) }
	/^DA:/ && keep { split(substr($0, 4), a, ","); found[f]++; if (a[2] > 0) hit[f]++ }
	END { for (f in found) printf "%d %s %.0f%%\n", found[f] - hit[f], substr(f, length(root) + 1), 100 * hit[f] / found[f] }' "$1" |
		sort -rn | head -"$5" | awk '{ printf "%s%s %s (%d uncovered)", (NR > 1 ? ", " : ""), $2, $3, $1 }'
}

coverage() {
	root=$(pwd)
	zero="$dir/zero"
	cov="$dir/coverage"
	rm -rf "$cov"
	mkdir -p "$cov"
	# Only the current tests and zero files count: their data files are
	# linked into one directory for lcov (a test or file that went away
	# may have left its own behind).
	data="$cov/data"
	mkdir -p "$data"
	for t in "$@"; do
		for g in "$dir/$t"-*.gcno; do
			[ -e "$g" ] || continue
			ln -f "$g" "$data/" 2>/dev/null || cp "$g" "$data/"
			g=${g%.gcno}.gcda
			[ -e "$g" ] && { ln -f "$g" "$data/" 2>/dev/null || cp "$g" "$data/"; }
		done
	done
	heuristic=""
	n_zero=0
	n_cross=0
	find "$zero" -name '*.zero' >"$cov/stamps" 2>/dev/null
	while read -r stamp; do
		read -r way src <"$stamp"
		case " ${UNIT_ZERO_SRCS:-} " in
		*" $src "*) ;;
		*) rm -f "$stamp" "${stamp%.zero}.gcno"; continue ;;
		esac
		n_zero=$((n_zero + 1))
		g=${stamp%.zero}.gcno
		[ -e "$g" ] && { ln -f "$g" "$data/zero-$n_zero.gcno" 2>/dev/null ||
			cp "$g" "$data/zero-$n_zero.gcno"; }
		[ "$way" = cross ] && n_cross=$((n_cross + 1))
	done <"$cov/stamps"
	# The baseline (every instrumented line, run or not) and the runs,
	# captured side by side.
	lcov --quiet --capture --initial --directory "$data" --output-file "$cov/base.info" \
		--rc lcov_branch_coverage=0 >"$cov/base.log" 2>&1 &
	base_pid=$!
	lcov --quiet --capture --directory "$data" --output-file "$cov/run.info" \
		--rc lcov_branch_coverage=0 >"$cov/lcov.log" 2>&1 || return 1
	wait "$base_pid" || { cat "$cov/base.log" >>"$cov/lcov.log"; return 1; }
	lcov --quiet -a "$cov/base.info" -a "$cov/run.info" --output-file "$dir/coverage.info" \
		--rc lcov_branch_coverage=0 >>"$cov/lcov.log" 2>&1 || return 1
	# Any file of the denominator still without data (no compiler took
	# it, or a test that links it was not run) gets a record from its text.
	grep '^SF:' "$dir/coverage.info" | sed 's/^SF://' | sort >"$cov/have"
	for src in $(find hv sched drivers gdbstub -name '*.c' ! -path 'hv/arch/fake/*' 2>/dev/null | sort); do
		if ! grep -qxF "$root/$src" "$cov/have"; then
			heuristic="$heuristic $src"
			count_lines "$root/$src" >>"$dir/coverage.info"
		fi
	done
	all="^$root/(hv|sched|drivers|gdbstub)/"
	fake="^$root/hv/arch/fake/"
	generic_excl="^$root/(hv/arch/(fake|riscv)|drivers)/"
	echo "unit coverage, all of hv/ sched/ drivers/ gdbstub/: $(summarize "$dir/coverage.info" "$all" "$fake")"
	echo "unit coverage, generic code (not hv/arch/riscv/, drivers/): $(summarize "$dir/coverage.info" "$all" "$generic_excl")"
	echo "  least covered generic files: $(least_covered "$dir/coverage.info" "$all" "$generic_excl" "$root" 6)"
	echo "  $n_zero files built by no unit test counted at 0 ($n_cross through the cross compiler)"
	if [ -n "$heuristic" ]; then
		echo "  counted by a line heuristic (no compiler output):$heuristic"
	fi
}

if command -v lcov >/dev/null 2>&1; then
	coverage "$@" || echo "unit coverage: lcov failed (see $dir/coverage/lcov.log)"
else
	echo "unit coverage: lcov not installed"
fi
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
