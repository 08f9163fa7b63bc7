UNIT_TESTS += test_sbi_hsm
test_sbi_hsm_SRCS = tests/unit/test_sbi_hsm.c $(SBI_TEST_SRCS)
