# Breakpoints the guest never sees (stage-2 execute-only pages, loads and
# stores emulated with the originals in place) and a detach that
# overtakes a hit, on the watchpoint tests' machine (WATCH_TEST_SRCS:
# test_gdbstub_watch.mk, hence `=`).
UNIT_TESTS += test_gdbstub_break_hidden
test_gdbstub_break_hidden_SRCS = tests/unit/test_gdbstub_break_hidden.c \
	$(WATCH_TEST_SRCS)
