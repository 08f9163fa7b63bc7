// SPDX-License-Identifier: MIT
/*
 * The statistics printed when a VM stops: per vCPU, what it ran and
 * waited, its exits by cause, and how the scheduler treated it (steal
 * time, preemptions, the wake-to-run latency histogram).
 */
#include <arch/arch.h>
#include <hv/platform.h>
#include <hv/printk.h>
#include <hv/vm.h>

static uint64_t ticks_to_ms(uint64_t ticks)
{
	return platform.timebase_frequency
		       ? ticks * 1000 / platform.timebase_frequency
		       : 0;
}

static unsigned long long ns_to_us(uint64_t ns)
{
	return (unsigned long long)(ns / 1000);
}

/* Run and wait time, exits by cause. The times are a live reading: the
 * vCPU that stops its VM is still running while it prints them. */
static void print_exits(struct vm *vm, unsigned i)
{
	const struct vcpu_stats *st = &vm->vcpus[i].stats;
	uint64_t run, wait;

	sched_vcpu_times(&vm->vcpus[i], arch_time_now(), &run, &wait);

	hv_printf("hartvisor: VM \"%s\" vCPU %u (hart %u): run %llu ms, "
		  "wait %llu ms, %llu switches, %llu migrations; "
		  "exits: sbi %llu, "
		  "mmio %llu, virtual-insn %llu, ipi %llu, timer %llu, "
		  "external %llu; wfi blocks %llu, waits in place %llu\n",
		  vm->name, i, vm->vcpus[i].cpu->hartid,
		  (unsigned long long)ticks_to_ms(run),
		  (unsigned long long)ticks_to_ms(wait),
		  (unsigned long long)st->switches_in,
		  (unsigned long long)st->migrations,
		  (unsigned long long)st->exits[EXC_ECALL_VS],
		  (unsigned long long)(st->exits[EXC_LOAD_GUEST_PAGE_FAULT] +
				       st->exits[EXC_STORE_GUEST_PAGE_FAULT]),
		  (unsigned long long)st->exits[EXC_VIRTUAL_INST],
		  (unsigned long long)st->irq_exits[1],
		  (unsigned long long)st->irq_exits[5],
		  (unsigned long long)st->irq_exits[9],
		  (unsigned long long)st->wfi_blocks,
		  (unsigned long long)st->wfi_waits);
}

/* Steal time (runnable, not running: what SBI STA reports), preemptions
 * and the wake-to-run latency of its wakeups. */
static void print_scheduling(struct vm *vm, unsigned i)
{
	const struct vcpu_stats *st = &vm->vcpus[i].stats;
	const struct sched_latency_histogram *h = &st->wake_latency;

	hv_printf("hartvisor: VM \"%s\" vCPU %u sched: steal %llu ms, "
		  "%llu preemptions; wake-to-run over %llu wakeups: "
		  "p50 %llu us, p99 %llu us, max %llu us\n",
		  vm->name, i, (unsigned long long)ticks_to_ms(st->wait_ticks),
		  (unsigned long long)st->preemptions,
		  (unsigned long long)h->total,
		  ns_to_us(sched_latency_percentile_ns(h, 500)),
		  ns_to_us(sched_latency_percentile_ns(h, 990)),
		  ns_to_us(h->max_ns));
}

void vm_print_stats(struct vm *vm)
{
	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		print_exits(vm, i);
		print_scheduling(vm, i);
	}
}
