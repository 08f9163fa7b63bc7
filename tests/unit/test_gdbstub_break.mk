# The gdb stub: breakpoints (GDBSTUB_TEST_SRCS: test_gdbstub_target.mk).
UNIT_TESTS += test_gdbstub_break
test_gdbstub_break_SRCS = tests/unit/test_gdbstub_break.c $(GDBSTUB_TEST_SRCS)
