UNIT_TESTS += test_hart_mask
test_hart_mask_SRCS := tests/unit/test_hart_mask.c hv/sbi/hart_mask.c
