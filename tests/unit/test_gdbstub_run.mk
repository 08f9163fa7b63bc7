# The gdb stub: run control (GDBSTUB_TEST_SRCS: test_gdbstub_target.mk).
UNIT_TESTS += test_gdbstub_run
test_gdbstub_run_SRCS = tests/unit/test_gdbstub_run.c $(GDBSTUB_TEST_SRCS)
