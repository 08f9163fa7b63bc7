UNIT_TESTS += test_stage2
test_stage2_SRCS := tests/unit/test_stage2.c hv/mm/stage2.c
