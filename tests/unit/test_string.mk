UNIT_TESTS += test_string
test_string_SRCS := tests/unit/test_string.c hv/core/string.c
