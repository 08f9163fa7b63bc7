# The gdb stub: monitor commands (GDBSTUB_TEST_SRCS: test_gdbstub_target.mk).
UNIT_TESTS += test_gdbstub_monitor
test_gdbstub_monitor_SRCS = tests/unit/test_gdbstub_monitor.c $(GDBSTUB_TEST_SRCS)
