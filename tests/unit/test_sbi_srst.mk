UNIT_TESTS += test_sbi_srst
test_sbi_srst_SRCS = tests/unit/test_sbi_srst.c $(SBI_TEST_SRCS)
