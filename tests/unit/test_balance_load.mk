# The loads balancing reads, after moves by other harts (FAKE_CORE_SRCS:
# test_sched_core.mk, hence `=`).
UNIT_TESTS += test_balance_load
test_balance_load_SRCS = tests/unit/test_balance_load.c $(FAKE_CORE_SRCS)
