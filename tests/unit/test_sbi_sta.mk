UNIT_TESTS += test_sbi_sta
test_sbi_sta_SRCS = tests/unit/test_sbi_sta.c $(SBI_TEST_SRCS)
