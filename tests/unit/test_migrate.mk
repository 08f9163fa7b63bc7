# Migration between harts on the fake arch (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_migrate
test_migrate_SRCS = tests/unit/test_migrate.c $(FAKE_CORE_SRCS)
