# Load balancing in the multi-hart simulation (FAKE_CORE_SRCS:
# test_sched_core.mk, hence `=`).
UNIT_TESTS += test_sched_balance
test_sched_balance_SRCS = tests/unit/test_sched_balance.c \
	tests/unit/sched_sim.c $(FAKE_CORE_SRCS)
