UNIT_TESTS += test_gdb_run
test_gdb_run_SRCS := tests/unit/test_gdb_run.c tests/unit/test_gdb_fake.c \
	gdbstub/rsp.c gdbstub/session.c $(sort $(wildcard gdbstub/packets_*.c))
