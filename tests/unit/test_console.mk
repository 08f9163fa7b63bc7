# The console multiplexer, its monitor, hypervisor messages and the device
# glue on the fake machine (FAKE_CORE_SRCS is test_sched_core.mk's: hence
# `=`).
UNIT_TESTS += test_console
test_console_SRCS = tests/unit/test_console.c hv/core/console.c \
	hv/core/console_input.c hv/core/console_monitor.c hv/core/monitor_commands.c \
	hv/core/printk.c hv/core/panic.c $(VDEV_SRCS) hv/mm/guest_protect.c \
	$(FAKE_CORE_SRCS)
