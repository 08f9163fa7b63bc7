UNIT_TESTS += test_guest_fdt
test_guest_fdt_SRCS := tests/unit/test_guest_fdt.c hv/loader/guest_fdt.c
test_guest_fdt_LIBS := -lfdt
