UNIT_TESTS += test_sbi_dbcn
test_sbi_dbcn_SRCS = tests/unit/test_sbi_dbcn.c $(SBI_TEST_SRCS)
