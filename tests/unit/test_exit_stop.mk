# Stopping a VM on the fake arch (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_exit_stop
test_exit_stop_SRCS = tests/unit/test_exit_stop.c $(FAKE_CORE_SRCS)
