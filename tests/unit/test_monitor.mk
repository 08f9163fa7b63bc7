# The monitor's shared commands on the fake machine (FAKE_CORE_SRCS is
# test_sched_core.mk's: hence `=`).
UNIT_TESTS += test_monitor
test_monitor_SRCS = tests/unit/test_monitor.c hv/core/monitor_commands.c \
	$(FAKE_CORE_SRCS)
