// SPDX-License-Identifier: MIT
/*
 * The gdb stub at boot and on input: which VM it debugs, and where the
 * debugger's bytes are processed.
 *
 * Bytes arrive by interrupt on the console hart, in whatever context that
 * hart is in, possibly an exit of a vCPU of the very VM gdb wants to stop.
 * That vCPU cannot park while its hart is busy here, so packets that need
 * the VM stopped could not wait for it. Then the bytes are kept, the stop
 * is set in motion without waiting (attach or Ctrl-C), and the hart
 * processes them once that vCPU is switched out (sched_defer).
 */
#include <string.h>
#include <hv/printk.h>
#include <hv/percpu.h>
#include <hv/vm.h>
#include "gdbstub/stub.h"
#include "gdbstub/transport.h"

#define GDB_DEFERRED_MAX 1024

/* Bytes waiting for the deferred pass (transport lock). */
static char deferred[GDB_DEFERRED_MAX];
static size_t deferred_len;
static uint64_t deferred_dropped;

static bool hart_runs_debugged_vm(void)
{
	struct vcpu *current = this_cpu()->current;

	return current && current->vm == gdb_target.vm;
}

/* Set the stop the bytes ask for in motion, without waiting. */
static void start_stop(const char *data, size_t len)
{
	/* A packet (not a stray byte) from a new debugger. */
	if (gdb_target.state == GDB_DETACHED && memchr(data, '$', len))
		gdb_run_attach_stop();
	else if (gdb_target.state == GDB_RUNNING && memchr(data, 0x03, len))
		gdb_run_interrupt(NULL);
}

static void process_deferred(void *arg)
{
	(void)arg;
	if (!gdb_transport_lock())
		return;
	if (deferred_len)
		gdb_session_receive(gdb_transport_session(), deferred,
				    deferred_len);
	deferred_len = 0;
	gdb_transport_unlock();
}

void gdb_stub_receive(struct gdb_session *session, const char *data, size_t len)
{
	start_stop(data, len);
	if (hart_runs_debugged_vm() || deferred_len) {
		size_t room = GDB_DEFERRED_MAX - deferred_len;
		size_t take = len < room ? len : room;

		memcpy(deferred + deferred_len, data, take);
		deferred_len += take;
		deferred_dropped += len - take;
		if (sched_defer(process_deferred, NULL))
			hv_info("gdb: cannot defer input processing");
		return;
	}
	gdb_session_receive(session, data, len);
}

/* The VM the stub debugs: the one marked `gdb;`, else the first. */
static struct vm *chosen_vm(void)
{
	for (unsigned i = 0; i < num_vms; i++)
		if (vms[i].config->gdb)
			return &vms[i];
	return num_vms ? &vms[0] : NULL;
}

void gdb_stub_init(void)
{
	struct vm *vm = chosen_vm();

	if (!vm)
		return;
	if (!gdb_transport_present()) {
		for (unsigned i = 0; i < num_vms; i++) {
			if (!vms[i].config->gdb_wait)
				continue;
			hv_info("gdb: VM \"%s\" waits for gdb, but there is no "
				"stub; starting it",
				vms[i].name);
			vm_resume(&vms[i]);
		}
		return;
	}
	for (unsigned i = 0; i < num_vms; i++) {
		if (&vms[i] == vm || !vms[i].config->gdb_wait)
			continue;
		hv_info("gdb: VM \"%s\" waits for gdb, which debugs \"%s\"; "
			"starting it",
			vms[i].name, vm->name);
		vm_resume(&vms[i]);
	}
	gdb_target_attach(vm);
	gdb_transport_attach(&gdb_target.ops, &gdb_target);
	hv_info("gdb: debugging VM \"%s\"%s", vm->name,
		vm->config->gdb_wait ? ", which waits for gdb" : "");
}
