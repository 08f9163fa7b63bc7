# Watchpoints by stage-2 protection (gdbstub/watch.c) on the fake arch:
# the stub's target, run control and breakpoints, the guest-page-fault
# exit with the RAM access emulation, the VM's stage-2 table and guest
# memory, and the scheduler core (FAKE_CORE_SRCS, from test_sched_core.mk:
# hence `=`), whose hv/vcpu/run.c comes in through
# test_gdbstub_watch_vcpu_run.c.
WATCH_TEST_SRCS = tests/unit/test_gdbstub_watch_guest.c gdbstub/watch.c \
	gdbstub/target.c gdbstub/run.c gdbstub/breakpoints.c \
	gdbstub/monitor.c hv/core/monitor_commands.c gdbstub/step.c gdbstub/step_decode.c \
	hv/exit/guest_page_fault.c hv/exit/mmio_decode.c hv/exit/ram_access.c \
	hv/mm/guest_protect.c hv/mm/stage2.c hv/mm/guest_mem.c \
	hv/mm/guest_walk.c $(VDEV_SRCS) \
	tests/unit/test_gdbstub_watch_vcpu_run.c \
	$(filter-out hv/vcpu/run.c,$(FAKE_CORE_SRCS))
UNIT_TESTS += test_gdbstub_watch
test_gdbstub_watch_SRCS = tests/unit/test_gdbstub_watch.c $(WATCH_TEST_SRCS)
UNIT_TESTS += test_gdbstub_watch_suspend
test_gdbstub_watch_suspend_SRCS = tests/unit/test_gdbstub_watch_suspend.c \
	$(WATCH_TEST_SRCS)
