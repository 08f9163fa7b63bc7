# The VMID allocator, on the fake machine (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_vmid
test_vmid_SRCS = tests/unit/test_vmid.c hv/mm/vmid.c $(FAKE_CORE_SRCS)
