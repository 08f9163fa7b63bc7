# The gdb stub: stepping (GDBSTUB_TEST_SRCS: test_gdbstub_target.mk).
UNIT_TESTS += test_gdbstub_step
test_gdbstub_step_SRCS = tests/unit/test_gdbstub_step.c $(GDBSTUB_TEST_SRCS)
