# The fair policy in the multi-hart simulation (FAKE_CORE_SRCS:
# test_sched_core.mk, hence `=`).
UNIT_TESTS += test_sched_fair
test_sched_fair_SRCS = tests/unit/test_sched_fair.c tests/unit/sched_sim.c \
	$(FAKE_CORE_SRCS)
