# vCPU timers and interrupt sync on the fake arch (FAKE_CORE_SRCS:
# test_sched_core.mk).
UNIT_TESTS += test_vcpu_timer
test_vcpu_timer_SRCS = tests/unit/test_vcpu_timer.c $(FAKE_CORE_SRCS)
