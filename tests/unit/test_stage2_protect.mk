UNIT_TESTS += test_stage2_protect
test_stage2_protect_SRCS := tests/unit/test_stage2_protect.c hv/mm/stage2.c
