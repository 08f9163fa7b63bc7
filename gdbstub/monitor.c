// SPDX-License-Identifier: MIT
/*
 * gdb's `monitor` commands (qRcmd): text about the hypervisor and the
 * debugged VM, and a few switches. Output goes back through O packets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/percpu.h>
#include <hv/vcpu_state.h>
#include <hv/vm.h>
#include "gdbstub/stub.h"

struct output {
	char *buf;
	size_t len, used;
};

__attribute__((format(printf, 2, 3))) static void say(struct output *o,
						      const char *fmt, ...)
{
	va_list ap;

	if (o->used >= o->len)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);

	va_end(ap);
	if (n > 0)
		o->used += MIN((size_t)n, o->len - o->used - 1);
}

static const char *vm_state(struct vm *vm)
{
	if (!vm_is_running(vm))
		return "stopped";
	return vm_is_paused(vm) ? "paused" : "running";
}

static void cmd_vms(struct output *o)
{
	for (unsigned i = 0; i < num_vms; i++)
		say(o, "%c %u %-12s %u vCPU(s), %llu MiB, %s\n",
		    &vms[i] == gdb_target.vm ? '*' : ' ', i, vms[i].name,
		    vms[i].num_vcpus,
		    (unsigned long long)(vms[i].ram_size >> 20),
		    vm_state(&vms[i]));
}

static void cmd_vcpus(struct output *o)
{
	struct vm *vm = gdb_target.vm;

	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		char name[40], extra[80], hart[16] = "-";
		unsigned core = GDB_CORE_NONE;

		gdb_target.ops.thread_info(NULL, i + 1, name, sizeof(name),
					   &core, extra, sizeof(extra));
		if (core != GDB_CORE_NONE)
			snprintf(hart, sizeof(hart), "%u", core);
		say(o,
		    "thread %u %s: hart %s, %s; run %llu, wait %llu ticks, "
		    "%llu switches, %llu migrations; exits: sbi %llu, wfi "
		    "blocks %llu\n",
		    i + 1, name, hart, extra,
		    (unsigned long long)v->stats.run_ticks,
		    (unsigned long long)v->stats.wait_ticks,
		    (unsigned long long)v->stats.switches_in,
		    (unsigned long long)v->stats.migrations,
		    (unsigned long long)v->stats.exits[EXC_ECALL_VS],
		    (unsigned long long)v->stats.wfi_blocks);
	}
}

static int cmd_vm(struct output *o, const char *name)
{
	for (unsigned i = 0; i < num_vms; i++) {
		if (strcmp(vms[i].name, name))
			continue;
		if (&vms[i] == gdb_target.vm) {
			say(o, "already debugging \"%s\"\n", name);
			return HV_OK;
		}
		/* Let the old VM go, and stop the new one for gdb. */
		gdb_run_detach(NULL);
		gdb_target_attach(&vms[i]);
		gdb_run_attach_stop();
		gdb_run_wait_stopped();
		say(o,
		    "debugging \"%s\" (stopped); `info threads` shows its "
		    "vCPUs\n",
		    name);
		return HV_OK;
	}
	say(o, "no VM named \"%s\"\n", name);
	return HV_EINVAL;
}

static int cmd_translate(struct output *o, const char *arg)
{
	struct vcpu *vcpu = &gdb_target.vm->vcpus[0];
	struct guest_walk_params params;
	struct guest_walk_trace trace;
	char *end;
	uint64_t va = strtoull(arg, &end, 0);
	gpa_t out;

	if (end == arg || *end) {
		say(o, "usage: translate GVA\n");
		return HV_EINVAL;
	}
	guest_walk_params_from_vcpu(vcpu, 0, &params);
	int err = guest_translate(gdb_target.vm, &params, gva(va),
				  GUEST_ACCESS_READ, &out, &trace);

	say(o, "vsatp %#llx, %u level(s)\n", (unsigned long long)params.vsatp,
	    trace.levels);
	for (unsigned i = 0; i < trace.steps; i++)
		say(o, "  level %u: pte at gpa %#llx = %#llx\n",
		    trace.levels - 1 - i,
		    (unsigned long long)trace.step[i].pte_addr.val,
		    (unsigned long long)trace.step[i].pte);
	if (err)
		say(o, "no translation: %s\n",
		    guest_walk_fault_name(trace.fault));
	else
		say(o, "gva %#llx -> gpa %#llx (page of %llu bytes)\n",
		    (unsigned long long)va, (unsigned long long)out.val,
		    (unsigned long long)trace.page_size);
	return HV_OK;
}

static void cmd_csrs(struct output *o)
{
	static const enum vcpu_reg regs[] = {
		VCPU_REG_PRIV,	 VCPU_REG_SSTATUS,  VCPU_REG_SIE,
		VCPU_REG_STVEC,	 VCPU_REG_SSCRATCH, VCPU_REG_SEPC,
		VCPU_REG_SCAUSE, VCPU_REG_STVAL,    VCPU_REG_SIP,
		VCPU_REG_SATP,	 VCPU_REG_STIMECMP,
	};
	struct vm *vm = gdb_target.vm;

	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		say(o, "vcpu%u: pc %#llx", i,
		    (unsigned long long)vm->vcpus[i].arch.sepc);
		for (size_t r = 0; r < ARRAY_SIZE(regs); r++) {
			uint64_t value;

			if (!vcpu_state_read(&vm->vcpus[i], regs[r], &value))
				say(o, " %s %#llx", vcpu_reg_name(regs[r]),
				    (unsigned long long)value);
		}
		say(o, " htimedelta %#llx hgatp %#lx\n",
		    (unsigned long long)vm->vcpus[i].arch.htimedelta,
		    vm->vcpus[i].arch.hgatp);
	}
}

static void cmd_sched(struct output *o)
{
	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		struct cpu *cpu = &cpus[i];

		if (!cpu->online)
			continue;
		struct vcpu *current = cpu->current;

		say(o,
		    "hart %u: %s, %u queued, %u vCPUs owned; running %s/%u\n",
		    cpu->hartid, sched_policy_name(cpu), cpu->rq.nr_queued,
		    cpu->rq.nr_members, current ? current->vm->name : "-",
		    current ? current->id : 0);
	}
}

static const char help[] =
	"help              this text\n"
	"vms               the VMs (* = the one gdb debugs)\n"
	"vcpus             state, hart, times and exits of each vCPU\n"
	"vm NAME           debug another VM\n"
	"phys on|off       memory addresses are guest-physical / virtual\n"
	"translate GVA     walk the guest's page tables for an address\n"
	"csrs              the hypervisor's view of each vCPU\n"
	"sched             the runqueues\n";

int gdb_monitor(void *ctx, const char *cmd, char *out, size_t out_len)
{
	struct output o = {.buf = out, .len = out_len, .used = 0};
	int err = HV_OK;

	(void)ctx;
	if (out_len)
		out[0] = 0;
	if (!strcmp(cmd, "help"))
		say(&o, "%s", help);
	else if (!strcmp(cmd, "vms"))
		cmd_vms(&o);
	else if (!strcmp(cmd, "vcpus"))
		cmd_vcpus(&o);
	else if (!strncmp(cmd, "vm ", 3))
		err = cmd_vm(&o, cmd + 3);
	else if (!strcmp(cmd, "phys on") || !strcmp(cmd, "phys off")) {
		gdb_target.phys = !strcmp(cmd, "phys on");
		say(&o, "addresses are guest-%s\n",
		    gdb_target.phys ? "physical" : "virtual");
	} else if (!strncmp(cmd, "translate ", 10))
		err = cmd_translate(&o, cmd + 10);
	else if (!strcmp(cmd, "csrs"))
		cmd_csrs(&o);
	else if (!strcmp(cmd, "sched"))
		cmd_sched(&o);
	else {
		say(&o, "unknown command \"%s\"; try \"monitor help\"\n", cmd);
		err = HV_EINVAL;
	}
	return err ? err : (int)o.used;
}
