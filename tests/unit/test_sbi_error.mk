UNIT_TESTS += test_sbi_error
test_sbi_error_SRCS := tests/unit/test_sbi_error.c hv/sbi/error.c hv/core/errno.c
