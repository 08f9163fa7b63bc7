# The run loop's bounded entry under a storm of posts (FAKE_CORE_SRCS:
# test_sched_core.mk).
UNIT_TESTS += test_vcpu_entry
test_vcpu_entry_SRCS = tests/unit/test_vcpu_entry.c $(FAKE_CORE_SRCS)
