# Block, wake and kick on the fake arch (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_sched_wake
test_sched_wake_SRCS = tests/unit/test_sched_wake.c $(FAKE_CORE_SRCS)
