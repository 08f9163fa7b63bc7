# The UART's transmit pauses wired to the vCPUs (hv/vdev/vdev.c, the run
# loop, wfi) on the fake machine (FAKE_CORE_SRCS: test_sched_core.mk).
UNIT_TESTS += test_vdev_pacing
test_vdev_pacing_SRCS = tests/unit/test_vdev_pacing.c $(VDEV_SRCS) \
	hv/mm/guest_protect.c $(FAKE_CORE_SRCS)
