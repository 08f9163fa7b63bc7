UNIT_TESTS += test_gdb_rsp
test_gdb_rsp_SRCS := tests/unit/test_gdb_rsp.c tests/unit/test_gdb_fake.c \
	gdbstub/rsp.c gdbstub/session.c $(sort $(wildcard gdbstub/packets_*.c))
