UNIT_TESTS += test_cpio
test_cpio_SRCS := tests/unit/test_cpio.c hv/loader/cpio.c
