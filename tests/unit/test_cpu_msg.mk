# Per-hart messages on the fake arch (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_cpu_msg
test_cpu_msg_SRCS = tests/unit/test_cpu_msg.c $(FAKE_CORE_SRCS)
