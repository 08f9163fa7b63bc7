# Scheduler statistics (FAKE_CORE_SRCS: test_sched_core.mk, hence `=`).
UNIT_TESTS += test_sched_stats
test_sched_stats_SRCS = tests/unit/test_sched_stats.c tests/unit/sched_sim.c \
	$(FAKE_CORE_SRCS)
