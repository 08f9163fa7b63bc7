# Migration policy, TLB flushes and the owner re-check on the fake arch
# (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_migrate_policy
test_migrate_policy_SRCS = tests/unit/test_migrate_policy.c $(FAKE_CORE_SRCS)
test_migrate_policy_LIBS := -lpthread
