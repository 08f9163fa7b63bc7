# Suspend, stop and start on the fake arch (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_sched_block
test_sched_block_SRCS = tests/unit/test_sched_block.c $(FAKE_CORE_SRCS)
