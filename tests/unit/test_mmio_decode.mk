UNIT_TESTS += test_mmio_decode
test_mmio_decode_SRCS := tests/unit/test_mmio_decode.c hv/exit/mmio_decode.c
