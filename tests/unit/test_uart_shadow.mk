# The UART's shadow page on the fake machine (FAKE_CORE_SRCS:
# test_sched_core.mk, hence `=`).
UNIT_TESTS += test_uart_shadow
test_uart_shadow_SRCS = tests/unit/test_uart_shadow.c $(VDEV_SRCS) \
	hv/mm/guest_protect.c $(FAKE_CORE_SRCS)
