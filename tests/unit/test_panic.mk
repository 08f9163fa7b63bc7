# A hypervisor panic stops every hart and powers off, on the fake machine
# (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_panic
test_panic_SRCS = tests/unit/test_panic.c hv/core/panic.c hv/core/printk.c \
	$(FAKE_CORE_SRCS)
