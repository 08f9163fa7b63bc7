# Resume and debugger sides of a pause on the fake arch (FAKE_CORE_SRCS:
# test_sched_core.mk).
UNIT_TESTS += test_pause_resume
test_pause_resume_SRCS = tests/unit/test_pause_resume.c $(FAKE_CORE_SRCS)
