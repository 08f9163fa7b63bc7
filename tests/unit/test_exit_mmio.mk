UNIT_TESTS += test_exit_mmio
test_exit_mmio_SRCS = tests/unit/test_exit_mmio.c hv/exit/guest_page_fault.c \
	hv/exit/ram_access.c \
	hv/exit/mmio_decode.c $(SBI_TEST_SRCS)
