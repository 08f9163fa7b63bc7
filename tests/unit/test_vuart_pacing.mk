# The emulated UART's transmit pacing (hv/vdev/vuart.c).
UNIT_TESTS += test_vuart_pacing
test_vuart_pacing_SRCS := tests/unit/test_vuart_pacing.c hv/vdev/vuart.c
