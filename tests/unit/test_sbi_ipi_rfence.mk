UNIT_TESTS += test_sbi_ipi_rfence
test_sbi_ipi_rfence_SRCS = tests/unit/test_sbi_ipi_rfence.c $(SBI_TEST_SRCS)
