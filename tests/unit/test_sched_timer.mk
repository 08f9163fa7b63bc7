# Hart timer and preemption on the fake arch (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_sched_timer
test_sched_timer_SRCS = tests/unit/test_sched_timer.c $(FAKE_CORE_SRCS)
