UNIT_TESTS += test_policy_rr
test_policy_rr_SRCS := tests/unit/test_policy_rr.c sched/policy_rr.c
