# A blocked vCPU leaves no VS interrupt pending in the idle hart's hvip
# (FAKE_CORE_SRCS: test_sched_core.mk, hence `=`).
UNIT_TESTS += test_vcpu_idle_hvip
test_vcpu_idle_hvip_SRCS = tests/unit/test_vcpu_idle_hvip.c $(FAKE_CORE_SRCS)
