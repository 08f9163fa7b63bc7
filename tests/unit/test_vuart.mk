UNIT_TESTS += test_vuart
test_vuart_SRCS := tests/unit/test_vuart.c hv/vdev/vuart.c
