// SPDX-License-Identifier: MIT
/*
 * The debugged VM as a gdb target (gdbstub/target.h): threads are its
 * vCPUs, registers come from the paused vCPUs' saved state
 * (hv/vcpu/state.c), memory is read through the selected vCPU's VS-stage
 * translation (hv/mm/guest_walk.c), ignoring permissions, or by
 * guest-physical address after `monitor phys on`.
 *
 * All-stop: while gdb looks, the target holds one pause of the VM. A
 * resume gives it up (every thread continues) or releases only the
 * threads gdb named (vm_release_vcpu). Any stop (a breakpoint, Ctrl-C)
 * parks every vCPU again; the stop is reported when the pause is complete
 * (vm_debugger.paused), from whichever hart completes it.
 */
#include <stdio.h>
#include <string.h>
#include <hv/errno.h>
#include <hv/monitor.h>
#include <hv/guest_mem.h>
#include <hv/vcpu_state.h>
#include <hv/vm.h>
#include "gdbstub/stub.h"

struct gdb_vm_target gdb_target;

static struct vcpu *thread_vcpu(unsigned thread)
{
	struct vm *vm = gdb_target.vm;

	return vm && thread >= 1 && thread <= vm->num_vcpus
		       ? &vm->vcpus[thread - 1]
		       : NULL;
}

static unsigned target_num_threads(void *ctx)
{
	(void)ctx;
	return gdb_target.vm ? gdb_target.vm->num_vcpus : 0;
}

static bool target_thread_alive(void *ctx, unsigned thread)
{
	(void)ctx;
	return thread_vcpu(thread) != NULL;
}

static void target_thread_info(void *ctx, unsigned thread, char *name,
			       size_t name_len, unsigned *core, char *extra,
			       size_t extra_len)
{
	struct vcpu *vcpu = thread_vcpu(thread);

	(void)ctx;
	if (!vcpu) {
		snprintf(name, name_len, "?");
		snprintf(extra, extra_len, "no such vCPU");
		return;
	}
	snprintf(name, name_len, "%s/vcpu%u", vcpu->vm->name, vcpu->id);
	if (vcpu->state != VCPU_OFFLINE && vcpu->state != VCPU_DEAD)
		*core = vcpu->cpu->hartid; /* else: on no hart */
	snprintf(extra, extra_len, "%s, %s-mode%s", monitor_vcpu_state(vcpu),
		 vcpu_in_guest_kernel(vcpu) ? "S" : "U",
		 vcpu->parked ? ", stopped" : "");
}

/* gdb register numbers to the vCPU state API's. */
static int map_register(unsigned regno, enum vcpu_reg *reg)
{
	static const struct {
		unsigned csr;
		enum vcpu_reg reg;
	} csrs[] = {
		{0x100, VCPU_REG_SSTATUS},  {0x104, VCPU_REG_SIE},
		{0x105, VCPU_REG_STVEC},    {0x140, VCPU_REG_SSCRATCH},
		{0x141, VCPU_REG_SEPC},	    {0x142, VCPU_REG_SCAUSE},
		{0x143, VCPU_REG_STVAL},    {0x144, VCPU_REG_SIP},
		{0x14d, VCPU_REG_STIMECMP}, {0x180, VCPU_REG_SATP},
	};

	if (regno <= GDB_REG_PC) {
		*reg = (enum vcpu_reg)(VCPU_REG_X0 + regno);
		return HV_OK;
	}
	if (regno >= GDB_REG_F0 && regno < GDB_REG_F0 + 32) {
		*reg = (enum vcpu_reg)(VCPU_REG_F0 + regno - GDB_REG_F0);
		return HV_OK;
	}
	switch (regno) {
	case GDB_REG_FFLAGS:
		*reg = VCPU_REG_FFLAGS;
		return HV_OK;
	case GDB_REG_FRM:
		*reg = VCPU_REG_FRM;
		return HV_OK;
	case GDB_REG_FCSR:
		*reg = VCPU_REG_FCSR;
		return HV_OK;
	case GDB_REG_PRIV:
		*reg = VCPU_REG_PRIV;
		return HV_OK;
	default:
		break;
	}
	for (size_t i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++) {
		if (regno == GDB_REG_CSR_BASE + csrs[i].csr) {
			*reg = csrs[i].reg;
			return HV_OK;
		}
	}
	return HV_EINVAL;
}

/* The vCPU and state-API register behind a gdb thread and register
 * number, once the VM is fully stopped. */
static int lookup_register(unsigned thread, unsigned regno, struct vcpu **vcpu,
			   enum vcpu_reg *reg)
{
	*vcpu = thread_vcpu(thread);
	if (!*vcpu || map_register(regno, reg))
		return HV_EINVAL;
	return gdb_run_wait_stopped() ? HV_ESTATE : HV_OK;
}

static int target_read_reg(void *ctx, unsigned thread, unsigned regno,
			   uint64_t *value)
{
	struct vcpu *vcpu;
	enum vcpu_reg reg;
	int err = lookup_register(thread, regno, &vcpu, &reg);

	(void)ctx;
	return err ? err : vcpu_state_read(vcpu, reg, value);
}

static int target_write_reg(void *ctx, unsigned thread, unsigned regno,
			    uint64_t value)
{
	struct vcpu *vcpu;
	enum vcpu_reg reg;
	int err = lookup_register(thread, regno, &vcpu, &reg);

	(void)ctx;
	return err ? err : vcpu_state_write(vcpu, reg, value);
}

/* Guest-physical address of a debugger address for the thread. */
int gdb_target_translate(unsigned thread, uint64_t addr, gpa_t *out)
{
	struct vcpu *vcpu = thread_vcpu(thread);

	if (!vcpu)
		return HV_EINVAL;
	if (gdb_target.phys) {
		*out = gpa(addr);
		return HV_OK;
	}
	/* A debugger ignores permissions and A/D (it may look anywhere the
	 * guest could map). The vCPU's saved vsatp is valid: it is paused. */
	return vcpu_translate(vcpu, gva(addr), GUEST_ACCESS_READ, 0, out);
}

/* Copy in pieces that never cross a page: each may map elsewhere. */
static int access_memory(unsigned thread, uint64_t addr, void *buf,
			 const void *src, size_t len)
{
	while (len) {
		size_t chunk = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
		gpa_t where;
		int err;

		if (chunk > len)
			chunk = len;
		err = gdb_target_translate(thread, addr, &where);
		if (!err)
			err = src ? guest_mem_write(gdb_target.vm, where, src,
						    chunk)
				  : guest_mem_read(gdb_target.vm, where, buf,
						   chunk);
		if (err)
			return HV_EFAULT; /* holes and device windows alike */
		if (buf)
			buf = (char *)buf + chunk;
		if (src)
			src = (const char *)src + chunk;
		addr += chunk;
		len -= chunk;
	}
	return HV_OK;
}

static int target_read_mem(void *ctx, unsigned thread, uint64_t addr, void *buf,
			   size_t len)
{
	(void)ctx;
	if (gdb_run_wait_stopped())
		return HV_ESTATE;
	int err = access_memory(thread, addr, buf, NULL, len);

	if (!err)
		gdb_breakpoints_hide(thread, addr, buf, len);
	return err;
}

static int target_write_mem(void *ctx, unsigned thread, uint64_t addr,
			    const void *buf, size_t len)
{
	(void)ctx;
	if (gdb_run_wait_stopped())
		return HV_ESTATE;
	int err = access_memory(thread, addr, NULL, buf, len);

	if (!err)
		gdb_target_code_changed();
	return err;
}

/* Instructions may have changed: every vCPU runs fence.i before its
 * next entry, on whichever hart that is. */
void gdb_target_code_changed(void)
{
	struct vm *vm = gdb_target.vm;

	for (unsigned i = 0; i < vm->num_vcpus; i++)
		__atomic_fetch_or(&vm->vcpus[i].requests, VCPU_REQ_FENCE_I,
				  __ATOMIC_SEQ_CST);
}

const struct gdb_target_ops gdb_vm_target_ops = {
	.num_threads = target_num_threads,
	.thread_alive = target_thread_alive,
	.thread_info = target_thread_info,
	.read_reg = target_read_reg,
	.write_reg = target_write_reg,
	.read_mem = target_read_mem,
	.write_mem = target_write_mem,
	.insert_break = gdb_break_insert,
	.remove_break = gdb_break_remove,
	.resume = gdb_run_resume,
	.interrupt = gdb_run_interrupt,
	.current_stop = gdb_run_current_stop,
	.detach = gdb_run_detach,
	.attach = gdb_run_attach,
	.monitor = gdb_monitor,
	.has_fpu = true,
	.has_stimecmp = false, /* set at attach from the VM */
};
