/* SPDX-License-Identifier: MIT */
/*
 * What the GDB remote protocol layer (gdbstub/session.c, rsp.c and
 * packets_*.c) asks of the thing it debugs. The protocol layer is pure
 * logic: it parses packets, calls these operations and formats replies,
 * so it is unit-tested and fuzzed on the host against a fake target.
 * gdbstub/target.c implements them for a hartvisor VM (threads are
 * vCPUs).
 *
 * Threads are numbered 1..num_threads (gdb thread ids; vCPU id + 1).
 * Register numbers are the remote numbers our target description
 * (gdbstub/packets_xfer.c) gives gdb for riscv64, each explicit:
 * 0-31 x0-x31, 32 pc, 33-64 f0-f31, 65 fflags, 66 frm, 67 fcsr,
 * 68 priv (org.gnu.gdb.riscv.virtual), and 69 + CSR number for the CSRs
 * listed in the target description (GDB_REG_CSR_BASE + csr).
 * Every operation returns 0 or a negative HV_E* code (hv/errno.h).
 * The session maps errors to gdb's: HV_EFAULT -> E14, HV_EINVAL and
 * HV_ESTOPPED -> E22 (see rsp_errno_from_hv() in gdbstub/rsp.c), with
 * the exceptions given at read_reg.
 *
 * Every register is 64 bits on the wire (the target description says
 * bitsize 64 for all of them, fflags, frm, fcsr and priv included).
 */
#ifndef GDBSTUB_TARGET_H
#define GDBSTUB_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define GDB_REG_PC 32
#define GDB_REG_F0 33
#define GDB_REG_FFLAGS 65
#define GDB_REG_FRM 66
#define GDB_REG_FCSR 67
#define GDB_REG_PRIV 68
#define GDB_REG_CSR_BASE 69

enum gdb_stop_reason {
	GDB_STOP_NONE,
	GDB_STOP_SIGINT,     /* Ctrl-C: T02 */
	GDB_STOP_BREAKPOINT, /* software breakpoint: T05 swbreak */
	GDB_STOP_HW_BREAKPOINT,
	GDB_STOP_STEP,	 /* a single step completed: T05 */
	GDB_STOP_WATCH,	 /* write watchpoint hit: T05 watch:ADDR */
	GDB_STOP_RWATCH, /* read watchpoint */
	GDB_STOP_AWATCH, /* access watchpoint */
	GDB_STOP_EXITED, /* the VM stopped for good: W00 */
};

struct gdb_stop {
	enum gdb_stop_reason reason;
	unsigned thread;    /* the thread that stopped (1-based) */
	uint64_t data_addr; /* for watchpoints */
};

/* Breakpoint and watchpoint types, as in Z/z packets. */
enum gdb_break_type {
	GDB_BREAK_SOFTWARE = 0,
	GDB_BREAK_HARDWARE = 1,
	GDB_WATCH_WRITE = 2,
	GDB_WATCH_READ = 3,
	GDB_WATCH_ACCESS = 4,
};

/* A resume action for one thread (vCont), or the default for the rest. */
enum gdb_resume_action {
	GDB_RESUME_NONE = 0, /* stays stopped */
	GDB_RESUME_CONTINUE,
	GDB_RESUME_STEP,
	GDB_RESUME_STOP, /* vCont t: stays stopped */
};

#define GDB_MAX_THREADS 8

/* thread_info: the thread is on no physical hart (core= is left out). */
#define GDB_CORE_NONE (~0u)

/*
 * Operations marked "optional" may be NULL: thread_info (threads get no
 * name), insert_break / remove_break (Z/z get an empty reply), monitor
 * (qRcmd gets an empty reply) and attach. The others are required.
 */
struct gdb_target_ops {
	/* At most GDB_MAX_THREADS are used. */
	unsigned (*num_threads)(void *ctx);
	/* Is the thread alive (exists)? An offline vCPU exists: it is listed
	 * (qfThreadInfo lists the threads for which this is true). */
	bool (*thread_alive)(void *ctx, unsigned thread);
	/* Optional. For qXfer:threads (all three) and qThreadExtraInfo (the
	 * state): a name such as "linux0/vcpu2", the physical hart (core;
	 * *core is GDB_CORE_NONE on entry, leave it for "on no hart"), and a
	 * state string (extra). name and extra are NUL-terminated by the
	 * caller too (cut to name_len - 1, extra_len - 1 bytes). */
	void (*thread_info)(void *ctx, unsigned thread, char *name,
			    size_t name_len, unsigned *core, char *extra,
			    size_t extra_len);
	/* HV_ESTOPPED for an offline vCPU (no registers), HV_EINVAL for an
	 * unknown register. g and p answer HV_ESTOPPED with gdb's
	 * "unavailable" ('x' digits: "info threads" still lists the vCPU,
	 * its registers show as <unavailable>); G and P get E22. An unknown
	 * register gets E45 from p and P. */
	int (*read_reg)(void *ctx, unsigned thread, unsigned regno,
			uint64_t *value);
	int (*write_reg)(void *ctx, unsigned thread, unsigned regno,
			 uint64_t value);
	/* Guest memory through the thread's translation (or guest-physical
	 * when the monitor switched to it). HV_EFAULT when unmapped. */
	int (*read_mem)(void *ctx, unsigned thread, uint64_t addr, void *buf,
			size_t len);
	int (*write_mem)(void *ctx, unsigned thread, uint64_t addr,
			 const void *buf, size_t len);
	/* Optional. kind: breakpoint length (2 or 4) or watched length.
	 * HV_ENOTSUP -> empty reply (gdb: "not supported"), other errors
	 * -> E<errno>. */
	int (*insert_break)(void *ctx, enum gdb_break_type type, uint64_t addr,
			    unsigned kind);
	int (*remove_break)(void *ctx, enum gdb_break_type type, uint64_t addr,
			    unsigned kind);
	/* Resume: actions[i] is for thread i + 1. Returns at once; the stop
	 * comes later through gdb_session_stopped(). The session counts as
	 * running before this is called, so the target may also report the
	 * stop from inside resume (gdb_session_stopped() re-entered).
	 * At least one action is CONTINUE or STEP (the session rejects a
	 * vCont that resumes nothing with E22). An error -> E<errno>, and
	 * the session stays stopped. */
	int (*resume)(void *ctx, const enum gdb_resume_action *actions,
		      unsigned count);
	/* Ctrl-C (only called while running): stop everything; the stop is
	 * reported later through gdb_session_stopped(), reason SIGINT. */
	void (*interrupt)(void *ctx);
	/* The stop that is in force now (after attach: every thread is
	 * stopped, reason SIGINT or the last stop). Called for '?', which
	 * gdb sends right after connecting: if threads run (a previous
	 * debugger vanished), stop them before answering. */
	void (*current_stop)(void *ctx, struct gdb_stop *stop);
	/* Detach (D) or kill (k, vKill): remove every breakpoint, resume.
	 * Also called when a debugger connects (qSupported) while the
	 * session still belongs to a previous one that never detached. */
	void (*detach)(void *ctx);
	/* Optional. "monitor CMD": write text output (without trailing NUL)
	 * to out, return its length, or a negative error for an unknown
	 * command. On an error, out may hold a NUL-terminated message (out[0]
	 * is NUL on entry); the session prints it, or a generic one, through
	 * O packets and replies E01. */
	int (*monitor)(void *ctx, const char *cmd, char *out, size_t out_len);
	/* Optional. A debugger connected (qSupported, the first packet gdb
	 * sends; the session state was reset just before): stop every
	 * thread, reporting nothing (the '?' that follows asks
	 * current_stop). For transports without connection events. */
	void (*attach)(void *ctx);
	/* Target description features: does the target have FP / Sstc? */
	bool has_fpu, has_stimecmp;
};

#endif
