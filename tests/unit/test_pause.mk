# Pause and resume on the fake arch (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_pause
test_pause_SRCS = tests/unit/test_pause.c $(FAKE_CORE_SRCS)
