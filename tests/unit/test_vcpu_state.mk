# The paused vCPU's state API on the fake arch (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_vcpu_state
test_vcpu_state_SRCS = tests/unit/test_vcpu_state.c $(FAKE_CORE_SRCS)
