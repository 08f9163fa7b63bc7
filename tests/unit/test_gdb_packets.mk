UNIT_TESTS += test_gdb_packets
test_gdb_packets_SRCS := tests/unit/test_gdb_packets.c tests/unit/test_gdb_fake.c \
	gdbstub/rsp.c gdbstub/session.c $(sort $(wildcard gdbstub/packets_*.c))
