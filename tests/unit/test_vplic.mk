UNIT_TESTS += test_vplic
test_vplic_SRCS := tests/unit/test_vplic.c hv/vdev/vplic.c
