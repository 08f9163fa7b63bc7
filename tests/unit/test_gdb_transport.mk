UNIT_TESTS += test_gdb_transport
test_gdb_transport_SRCS := tests/unit/test_gdb_transport.c \
	gdbstub/transport.c drivers/pci.c drivers/uart16550.c
