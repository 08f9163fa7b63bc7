/* SPDX-License-Identifier: MIT */
/*
 * The hartvisor side of the gdb stub, shared by gdbstub/target.c (threads,
 * registers, memory), breakpoints.c, run.c (resume, stop, detach) and
 * monitor.c. The protocol layer (session.c) knows none of this: it calls
 * gdb_vm_target_ops.
 *
 * Locking: the stub's state is protected by the transport's session lock
 * (gdbstub/transport.c), which every entry from the protocol layer holds.
 * Breakpoint exits read the breakpoint table under bp_lock (innermost),
 * since they run on any hart without the session lock.
 */
#ifndef GDBSTUB_STUB_H
#define GDBSTUB_STUB_H

#include <hv/debug.h>
#include <hv/spinlock.h>
#include <hv/types.h>
#include "gdbstub/gdbstub.h"
#include "gdbstub/session.h"
#include "gdbstub/target.h"

struct vcpu;
struct vm;

#define GDB_MAX_BREAKPOINTS 64
#define GDB_INSN_EBREAK 0x00100073U
#define GDB_INSN_C_EBREAK 0x9002U

struct gdb_breakpoint {
	bool used;
	bool temporary; /* planted by the stub for a step */
	enum gdb_break_type type;
	uint64_t addr; /* as gdb gave it */
	gpa_t where;   /* guest-physical */
	unsigned kind; /* 2 or 4 bytes */
	uint8_t original[4];
};

enum gdb_run_state {
	GDB_DETACHED, /* no session: the VM runs freely */
	GDB_STOPPED,  /* the target holds a pause; gdb looks */
	GDB_RUNNING,  /* resumed; a stop will be reported */
};

struct gdb_vm_target {
	struct vm *vm;
	struct gdb_target_ops ops; /* gdb_vm_target_ops, with the VM's
				      features */
	struct vm_debugger debugger;
	enum gdb_run_state state;
	bool phys; /* monitor phys on: addresses are guest-physical */
	/* The stop to report once the pause completes. Written by whoever
	 * stops the VM first (a breakpoint exit on any hart, Ctrl-C). */
	spinlock_t stop_lock;
	bool stop_pending;
	struct gdb_stop stop;
	spinlock_t bp_lock;
	struct gdb_breakpoint bps[GDB_MAX_BREAKPOINTS];
	unsigned num_bps;
	unsigned step_thread; /* thread being single-stepped, 0 if none */
	/* Breakpoint hits between their decision (under stop_lock) and
	 * the pause or park they ask for; a detach waits for none. */
	unsigned stopping;
};

extern struct gdb_vm_target gdb_target;
extern const struct gdb_target_ops gdb_vm_target_ops;

/* Attach the stub to a VM (boot, `monitor vm NAME`). */
void gdb_target_attach(struct vm *vm);
int gdb_target_translate(unsigned thread, uint64_t addr, gpa_t *out);
void gdb_target_code_changed(void);

/* breakpoints.c */
int gdb_break_insert(void *ctx, enum gdb_break_type type, uint64_t addr,
		     unsigned kind);
int gdb_break_remove(void *ctx, enum gdb_break_type type, uint64_t addr,
		     unsigned kind);
void gdb_break_remove_all(void);
/* Show the original bytes where breakpoints are planted. */
void gdb_breakpoints_hide(unsigned thread, uint64_t addr, void *buf,
			  size_t len);
/* Is there a stub breakpoint at this guest-physical address? */
bool gdb_break_at(gpa_t where, bool *temporary);
void gdb_break_remove_temporary(void);
struct ram_access;
/* Complete a guest load or store on a page holding breakpoints (made
 * execute-only) as if none were planted: loads see the original bytes, a
 * store over a breakpoint's bytes changes what it saved (the breakpoint
 * stays planted, and removing it puts the guest's bytes back). Returns
 * ram_access_emulate's codes. */
int gdb_break_emulate(struct vcpu *vcpu, gpa_t addr,
		      const struct ram_access *access);

/* watch.c: watchpoints (Z2/Z3/Z4) by stage-2 protection. */
#define GDB_MAX_WATCHPOINTS 64
int gdb_watch_insert(enum gdb_break_type type, uint64_t addr, unsigned len);
int gdb_watch_remove(enum gdb_break_type type, uint64_t addr, unsigned len);
void gdb_watch_remove_all(void);
/* A new VM to debug (the previous one detached): no watchpoints. */
void gdb_watch_forget(void);
/* gdb resumes the VM: pages suspended since the last stop are protected
 * again. */
void gdb_watch_resume(void);
/* A software breakpoint was planted at (planted) or removed from where:
 * the page is execute-only while any is planted on it, so the guest's
 * loads and stores there come to gdb_watch_guest_page_fault. HV_ENOTSUP
 * for a VM without a stage-2 table (nothing to do), HV_ENOMEM when the
 * page table is full. The caller flushes (guest_protect_flush_all). */
int gdb_watch_break_page(gpa_t where, bool planted);
/* vm_debugger.guest_page_fault */
bool gdb_watch_guest_page_fault(void *ctx, struct vcpu *vcpu, gpa_t addr,
				enum guest_access access,
				enum exit_action *action);

/* run.c */
/* Stop the VM for gdb with this stop (a watchpoint hit, on the vCPU's
 * hart): the first stop since the resume is reported, once every vCPU
 * is parked. */
void gdb_run_stop_for(const struct gdb_stop *stop);
int gdb_run_resume(void *ctx, const enum gdb_resume_action *actions,
		   unsigned count);
void gdb_run_interrupt(void *ctx);
void gdb_run_current_stop(void *ctx, struct gdb_stop *stop);
void gdb_run_detach(void *ctx);
/* Stop the VM for gdb (a new connection): pause and report nothing. */
void gdb_run_attach_stop(void);
void gdb_run_attach(void *ctx); /* the same, as gdb_target_ops.attach */
/* Wait until the stopped VM's pause is complete. HV_ESTATE if it is not
 * stopped, or when called from one of its vCPUs. */
int gdb_run_wait_stopped(void);

/* stub.c: boot (after the VMs exist), and the transport's receive path
 * (transport lock held). */
void gdb_stub_receive(struct gdb_session *session, const char *data,
		      size_t len);

/* monitor.c */
int gdb_monitor(void *ctx, const char *cmd, char *out, size_t out_len);

/* transport.c: report a stop through the session, from any hart. */
void gdb_transport_report_stop(const struct gdb_stop *stop);

#endif
