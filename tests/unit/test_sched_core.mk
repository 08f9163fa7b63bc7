# The scheduler core, run loop, pause and migration on the fake arch.
FAKE_CORE_SRCS := tests/unit/fake_machine.c hv/arch/fake/cpu.c \
	hv/arch/fake/vcpu_arch.c hv/core/cpu_msg.c hv/core/percpu.c hv/core/host_irq.c \
	sched/core.c sched/ownership.c sched/migrate.c sched/policy_rr.c \
	sched/policy_migrate_random.c sched/policies.c sched/params.c sched/policy_fair.c sched/fair_tree.c sched/cap.c sched/timer_heap.c sched/balance.c sched/wait_in_place.c sched/wfi_in_guest.c \
	hv/vcpu/run.c hv/vcpu/wait.c \
	hv/vcpu/irq.c hv/vcpu/state.c hv/vm/pause.c hv/vm/vm.c hv/vm/stats.c hv/vm/reboot.c \
	hv/exit/dispatch.c hv/exit/virtual_instruction.c \
	hv/exit/host_interrupt.c hv/exit/breakpoint.c hv/sbi/steal_time.c
UNIT_TESTS += test_sched_core
test_sched_core_SRCS := tests/unit/test_sched_core.c $(FAKE_CORE_SRCS)
