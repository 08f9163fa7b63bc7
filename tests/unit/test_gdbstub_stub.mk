# The gdb stub: boot and input (GDBSTUB_TEST_SRCS: test_gdbstub_target.mk).
UNIT_TESTS += test_gdbstub_stub
test_gdbstub_stub_SRCS = tests/unit/test_gdbstub_stub.c $(GDBSTUB_TEST_SRCS)
