# Exit dispatch and host interrupts on the fake arch (FAKE_CORE_SRCS:
# test_sched_core.mk).
UNIT_TESTS += test_exit_dispatch
test_exit_dispatch_SRCS = tests/unit/test_exit_dispatch.c $(FAKE_CORE_SRCS)
