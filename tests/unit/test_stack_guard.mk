UNIT_TESTS += test_stack_guard
test_stack_guard_SRCS := tests/unit/test_stack_guard.c
