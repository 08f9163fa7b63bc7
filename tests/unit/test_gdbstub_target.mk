# The gdb stub's hartvisor side on the fake arch (tests/unit/test_gdbstub_*.c):
# GDBSTUB_TEST_SRCS is what each of them links: the fixture (which plays the
# transport and the session), the stub's target, run control, breakpoints,
# monitor, input path and stepping, guest memory and the VS-stage walker,
# the device windows, and the scheduler core (FAKE_CORE_SRCS, from
# test_sched_core.mk: hence `=`), whose hv/vcpu/run.c the fixture builds
# (see its end).
GDBSTUB_TEST_SRCS = tests/unit/test_gdbstub_fixture.c gdbstub/target.c \
	gdbstub/run.c gdbstub/breakpoints.c gdbstub/monitor.c hv/core/monitor_commands.c gdbstub/stub.c \
	gdbstub/step.c gdbstub/step_decode.c gdbstub/watch.c hv/mm/guest_mem.c \
	hv/mm/guest_walk.c hv/mm/guest_protect.c hv/mm/stage2.c \
	hv/exit/ram_access.c hv/exit/mmio_decode.c $(VDEV_SRCS) \
	$(filter-out hv/vcpu/run.c,$(FAKE_CORE_SRCS))
UNIT_TESTS += test_gdbstub_target
test_gdbstub_target_SRCS = tests/unit/test_gdbstub_target.c $(GDBSTUB_TEST_SRCS)
# The fixture includes hv/vcpu/run.c: rebuild when it changes.
GDBSTUB_TESTS = break monitor run step stub target
$(addprefix $(BUILD)/unit/test_gdbstub_,$(GDBSTUB_TESTS)): hv/vcpu/run.c
