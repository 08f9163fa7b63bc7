// SPDX-License-Identifier: MIT
/*
 * The paused vCPU's state API (hv/vcpu/state.c) on the fake arch: every
 * register class round-trips through memory, the masked fields keep
 * their masks, writes reach the hart when the VM resumes, and the API
 * refuses a VM that is not paused, a vCPU with no registers, unknown
 * registers and stimecmp without Sstc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/vcpu_state.h>
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL

static struct vm *vm;
static struct vcpu *v0;
static unsigned nentries;
static unsigned long entry_pc, entry_sstatus;

/* Waits in wfi; records where it entered. */
static void guest_wfi(struct vcpu *vcpu)
{
	nentries++;
	entry_pc = vcpu->arch.sepc;
	entry_sstatus = vcpu->arch.sstatus;
	fake_guest_write_sie(vcpu, VIRQ_SOFT);
	vcpu->arch.virq_injected &= ~VIRQ_SOFT;
	fake_exit_wfi(vcpu);
}

/* v0 ran on hart 0 and waits there; hart 1 paused the VM. */
static int setup(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	vm = fake_vm_create("a", 2, 0);
	v0 = &vm->vcpus[0];
	nentries = 0;
	fake_guest = guest_wfi;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	fake_set_hart(1);
	assert_int_equal(vm_pause(vm), HV_OK);
	return 0;
}

static uint64_t read_reg(enum vcpu_reg reg)
{
	uint64_t value = 0xbad;

	assert_int_equal(vcpu_state_read(v0, reg, &value), HV_OK);
	return value;
}

static void write_reg(enum vcpu_reg reg, uint64_t value)
{
	assert_int_equal(vcpu_state_write(v0, reg, value), HV_OK);
}

/* Resume, wake v0 and run it once on hart 0. */
static void resume_and_run(void)
{
	vm_resume(vm);
	vcpu_post_ipi(v0);
	assert_ptr_equal(fake_step(0), v0);
}

static void test_refused_unless_paused(void **state)
{
	(void)state;
	uint64_t value;

	vm_resume(vm);
	assert_int_equal(vcpu_state_read(v0, VCPU_REG_X0 + 1, &value),
			 HV_ESTATE);
	assert_int_equal(vcpu_state_write(v0, VCPU_REG_PC, 0), HV_ESTATE);
	assert_int_equal(vm_pause(vm), HV_OK);
	assert_int_equal(vcpu_state_read(v0, VCPU_REG_X0 + 1, &value), HV_OK);
	/* The second vCPU never started: it has no registers. */
	assert_int_equal(
		vcpu_state_read(&vm->vcpus[1], VCPU_REG_X0 + 1, &value),
		HV_ESTOPPED);
}

static void test_gprs_and_pc(void **state)
{
	(void)state;
	for (unsigned i = 1; i < 32; i++)
		write_reg(VCPU_REG_X0 + i, 0x1000 + i);
	for (unsigned i = 1; i < 32; i++) {
		assert_int_equal(read_reg(VCPU_REG_X0 + i), 0x1000 + i);
		assert_int_equal(v0->arch.gpr[i], 0x1000 + i);
	}
	/* x0 is hard-wired: the write is accepted and has no effect. */
	write_reg(VCPU_REG_X0, 0x77);
	assert_int_equal(read_reg(VCPU_REG_X0), 0);
	assert_int_equal(v0->arch.gpr[0], 0);
	assert_int_equal(read_reg(VCPU_REG_PC), ENTRY + 4);
	write_reg(VCPU_REG_PC, 0x80007000UL);
	resume_and_run();
	assert_int_equal(entry_pc, 0x80007000UL);
	assert_int_equal(v0->arch.gpr[17], 0x1000 + 17);
}

static void test_fp_registers_reach_the_hart(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 32; i++)
		write_reg(VCPU_REG_F0 + i, 0xf000000000000000ULL | i);
	for (unsigned i = 0; i < 32; i++)
		assert_int_equal(read_reg(VCPU_REG_F0 + i),
				 0xf000000000000000ULL | i);
	resume_and_run();
	fake_set_hart(0);
	for (unsigned i = 0; i < 32; i++)
		assert_int_equal(fake_guest_read_fp(v0, i),
				 0xf000000000000000ULL | i);
}

static void test_fcsr_fields_keep_their_masks(void **state)
{
	(void)state;
	write_reg(VCPU_REG_FCSR, 0xfff); /* only frm (7:5) and fflags (4:0) */
	assert_int_equal(read_reg(VCPU_REG_FCSR), 0xff);
	assert_int_equal(read_reg(VCPU_REG_FFLAGS), 0x1f);
	assert_int_equal(read_reg(VCPU_REG_FRM), 0x7);
	write_reg(VCPU_REG_FFLAGS, 0x3a); /* fflags only, 5 bits */
	assert_int_equal(read_reg(VCPU_REG_FCSR), 0xfa);
	write_reg(VCPU_REG_FRM, 0xa); /* frm only, 3 bits */
	assert_int_equal(read_reg(VCPU_REG_FCSR), 0x5a);
	assert_int_equal(read_reg(VCPU_REG_FRM), 0x2);
	assert_int_equal(read_reg(VCPU_REG_FFLAGS), 0x1a);
	resume_and_run();
	fake_set_hart(0);
	assert_int_equal(fake_harts[0].live.fcsr, 0x5a);
}

static void test_privilege(void **state)
{
	(void)state;
	assert_int_equal(read_reg(VCPU_REG_PRIV), 1); /* it trapped in S */
	write_reg(VCPU_REG_PRIV, 0);
	assert_int_equal(read_reg(VCPU_REG_PRIV), 0);
	assert_false(vcpu_in_guest_kernel(v0));
	assert_int_equal(vcpu_state_write(v0, VCPU_REG_PRIV, 2), HV_EINVAL);
	assert_int_equal(read_reg(VCPU_REG_PRIV), 0);
	write_reg(VCPU_REG_PRIV, 1);
	assert_true(vcpu_in_guest_kernel(v0));
}

/* Each s* CSR is its VS register, which the hart loads on resume. */
static void test_supervisor_csrs(void **state)
{
	(void)state;
	static const enum vcpu_reg regs[] = {
		VCPU_REG_SSTATUS,  VCPU_REG_SIE,  VCPU_REG_STVEC,
		VCPU_REG_SSCRATCH, VCPU_REG_SEPC, VCPU_REG_SCAUSE,
		VCPU_REG_STVAL,	   VCPU_REG_SATP,
	};
	unsigned long *const fields[] = {
		&v0->arch.vsstatus,  &v0->arch.vsie,  &v0->arch.vstvec,
		&v0->arch.vsscratch, &v0->arch.vsepc, &v0->arch.vscause,
		&v0->arch.vstval,    &v0->arch.vsatp,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		write_reg(regs[i], 0xc500 + i);
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		assert_int_equal(read_reg(regs[i]), 0xc500 + i);
		assert_int_equal(*fields[i], 0xc500 + i);
	}
	write_reg(VCPU_REG_SIE, VIRQ_SOFT); /* so that it can be woken */
	resume_and_run();
	struct fake_live_state *live = &fake_harts[0].live;

	assert_int_equal(live->vsstatus, 0xc500);
	assert_int_equal(live->vstvec, 0xc502);
	assert_int_equal(live->vsscratch, 0xc503);
	assert_int_equal(live->vsepc, 0xc504);
	assert_int_equal(live->vscause, 0xc505);
	assert_int_equal(live->vstval, 0xc506);
	assert_int_equal(live->vsatp, 0xc507);
}

/* sip shows what is injected and what is posted but not folded in yet;
 * only its software bit is writable, as for the guest. */
static void test_sip(void **state)
{
	(void)state;
	assert_int_equal(read_reg(VCPU_REG_SIP), 0);
	vcpu_set_ext_irq(v0, true);
	vcpu_post_ipi(v0);
	assert_int_equal(read_reg(VCPU_REG_SIP), VIRQ_SOFT | VIRQ_EXTERNAL);
	__atomic_store_n(&v0->ipi_pending, 0, __ATOMIC_SEQ_CST);
	v0->arch.virq_injected |= VIRQ_TIMER;
	assert_int_equal(read_reg(VCPU_REG_SIP), VIRQ_TIMER | VIRQ_EXTERNAL);
	write_reg(VCPU_REG_SIP, VIRQ_ALL);
	assert_int_equal(v0->arch.virq_injected, VIRQ_TIMER | VIRQ_SOFT);
	write_reg(VCPU_REG_SIP, 0);
	assert_int_equal(v0->arch.virq_injected, VIRQ_TIMER);
	assert_int_equal(read_reg(VCPU_REG_SIP), VIRQ_TIMER | VIRQ_EXTERNAL);
}

static void test_stimecmp_only_with_sstc(void **state)
{
	(void)state;
	uint64_t value;

	write_reg(VCPU_REG_STIMECMP, 123456);
	assert_int_equal(read_reg(VCPU_REG_STIMECMP), 123456);
	assert_int_equal(v0->arch.vstimecmp, 123456);
	v0->arch.sstc = false;
	assert_int_equal(vcpu_state_read(v0, VCPU_REG_STIMECMP, &value),
			 HV_EINVAL);
	assert_int_equal(vcpu_state_write(v0, VCPU_REG_STIMECMP, 1), HV_EINVAL);
	assert_int_equal(v0->arch.vstimecmp, 123456);
}

static void test_unknown_registers(void **state)
{
	(void)state;
	uint64_t value;

	assert_int_equal(vcpu_state_read(v0, VCPU_REG_COUNT, &value),
			 HV_EINVAL);
	assert_int_equal(vcpu_state_write(v0, VCPU_REG_COUNT, 0), HV_EINVAL);
	assert_int_equal(vcpu_state_read(v0, (enum vcpu_reg)1000, &value),
			 HV_EINVAL);
}

static void test_register_names(void **state)
{
	(void)state;
	assert_string_equal(vcpu_reg_name(VCPU_REG_X0), "x0");
	assert_string_equal(vcpu_reg_name(VCPU_REG_X0 + 31), "x31");
	assert_string_equal(vcpu_reg_name(VCPU_REG_PC), "pc");
	assert_string_equal(vcpu_reg_name(VCPU_REG_F0), "f0");
	assert_string_equal(vcpu_reg_name(VCPU_REG_F0 + 31), "f31");
	assert_string_equal(vcpu_reg_name(VCPU_REG_FFLAGS), "fflags");
	assert_string_equal(vcpu_reg_name(VCPU_REG_FCSR), "fcsr");
	assert_string_equal(vcpu_reg_name(VCPU_REG_PRIV), "priv");
	assert_string_equal(vcpu_reg_name(VCPU_REG_SIP), "sip");
	assert_string_equal(vcpu_reg_name(VCPU_REG_STIMECMP), "stimecmp");
	assert_null(vcpu_reg_name(VCPU_REG_COUNT));
	for (unsigned reg = 0; reg < VCPU_REG_COUNT; reg++)
		assert_non_null(vcpu_reg_name(reg));
}

/* A stopped VM's vCPUs are dead: no registers, even while paused. */
static void test_dead_vcpu_has_no_registers(void **state)
{
	(void)state;
	uint64_t value;

	fake_vm_create("keep", 1, 0); /* the machine stays on */
	vm_stop(vm, false, "test");
	assert_int_equal(v0->state, VCPU_DEAD);
	assert_true(vm_is_paused(vm));
	assert_int_equal(vcpu_state_read(v0, VCPU_REG_PC, &value), HV_ESTOPPED);
	assert_int_equal(vcpu_state_write(v0, VCPU_REG_PC, 0), HV_ESTOPPED);
}

/*
 * Writes that make a blocked vCPU due take effect when the VM resumes, as
 * they would on a hart in wfi: enabling an interrupt that is pending, or
 * raising sip, wakes it; a new stimecmp reaches its hart's timer (the
 * hart, possibly asleep, is told).
 */
static void test_writes_that_wake_a_blocked_vcpu(void **state)
{
	(void)state;
	vcpu_set_ext_irq(v0, true); /* pending, but SEIE is off */
	assert_int_equal(v0->state, VCPU_BLOCKED);
	write_reg(VCPU_REG_SIE, VIRQ_SOFT | VIRQ_EXTERNAL);
	unsigned ipis0 = fake_harts[0].ipis_received;

	vm_resume(vm);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_true(v0->se.queued);
	assert_int_equal(fake_harts[0].ipis_received, ipis0 + 1);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 2);

	/* It waits again (its guest turned SEIE off). Now sip.SSIP is
	 * written: a software interrupt the debugger raises. */
	assert_int_equal(v0->state, VCPU_BLOCKED);
	vcpu_set_ext_irq(v0, false);
	assert_int_equal(vm_pause(vm), HV_OK);
	write_reg(VCPU_REG_SIP, VIRQ_SOFT);
	vm_resume(vm);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 3);
}

static void test_stimecmp_write_reaches_the_hart_timer(void **state)
{
	(void)state;
	write_reg(VCPU_REG_SIE, VIRQ_TIMER);
	write_reg(VCPU_REG_STIMECMP, fake_time + 300); /* guest time */
	assert_int_equal(fake_harts[0].timer_deadline, UINT64_MAX);
	vm_resume(vm);
	uint64_t due = vcpu_timer_deadline(v0);

	assert_true(due < UINT64_MAX);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	/* Hart 0 is told, and arms its timer for the new deadline. */
	assert_true(fake_harts[0].pending & HOST_IRQ_IPI);
	assert_null(fake_step(0));
	assert_int_equal(fake_harts[0].timer_deadline, due);
	assert_null(fake_step(0)); /* sleeps until then: woken */
	assert_int_equal(fake_time, due);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
}

/*
 * A vCPU started (HSM) while its VM is paused, as a gdb-wait VM's boot
 * vCPU is: its registers are its boot state (entry, a0 = hart id, a1 =
 * opaque) from the start, and the debugger's writes before its first
 * entry survive that entry.
 */
static void test_vcpu_started_while_paused(void **state)
{
	(void)state;
	struct vcpu *v1 = &vm->vcpus[1];
	uint64_t a0 = 0, a1 = 0, pc = 0;

	assert_int_equal(sched_start_vcpu(v1, 0x80200000UL, 0xfd7), HV_OK);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(vcpu_state_read(v1, VCPU_REG_PC, &pc), HV_OK);
	assert_int_equal(vcpu_state_read(v1, VCPU_REG_X0 + 10, &a0), HV_OK);
	assert_int_equal(vcpu_state_read(v1, VCPU_REG_X0 + 11, &a1), HV_OK);
	assert_int_equal(pc, 0x80200000UL);
	assert_int_equal(a0, 1);
	assert_int_equal(a1, 0xfd7);
	assert_int_equal(vcpu_state_write(v1, VCPU_REG_X0 + 11, 0x1111), HV_OK);
	assert_int_equal(vcpu_state_write(v1, VCPU_REG_PC, 0x80300000UL),
			 HV_OK);
	vm_resume(vm);
	assert_ptr_equal(fake_step(1), v1);
	assert_int_equal(entry_pc, 0x80300000UL);
	assert_int_equal(v1->arch.gpr[11], 0x1111);
	assert_int_equal(v1->arch.gpr[10], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_refused_unless_paused, setup),
		cmocka_unit_test_setup(test_gprs_and_pc, setup),
		cmocka_unit_test_setup(test_fp_registers_reach_the_hart, setup),
		cmocka_unit_test_setup(test_fcsr_fields_keep_their_masks,
				       setup),
		cmocka_unit_test_setup(test_privilege, setup),
		cmocka_unit_test_setup(test_supervisor_csrs, setup),
		cmocka_unit_test_setup(test_sip, setup),
		cmocka_unit_test_setup(test_stimecmp_only_with_sstc, setup),
		cmocka_unit_test_setup(test_unknown_registers, setup),
		cmocka_unit_test_setup(test_register_names, setup),
		cmocka_unit_test_setup(test_dead_vcpu_has_no_registers, setup),
		cmocka_unit_test_setup(test_writes_that_wake_a_blocked_vcpu,
				       setup),
		cmocka_unit_test_setup(
			test_stimecmp_write_reaches_the_hart_timer, setup),
		cmocka_unit_test_setup(test_vcpu_started_while_paused, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
