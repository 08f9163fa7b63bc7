#!/bin/sh
# `make format-check` as a test stage: every C file as .clang-format says.
cd "$(dirname "$0")/../.." || exit 1
if ${MAKE:-make} --no-print-directory format-check; then
	echo "format: 1 passed, 0 failed"
else
	echo "format: 0 passed, 1 failed"
	exit 1
fi
