/* SPDX-License-Identifier: MIT */
/*
 * A fake gdb target (struct gdb_target_ops) and byte-exact I/O helpers
 * for the gdb protocol layer's host tests (tests/unit/test_gdb_*.c).
 *
 * The fake has up to GDB_MAX_THREADS threads with 512 registers each
 * (gdb numbers 0..511; higher ones are unknown), FAKE_MEM_SIZE bytes of
 * memory at FAKE_MEM_BASE (anything else faults), and records every call
 * the session makes.
 */
#ifndef TEST_GDB_FAKE_H
#define TEST_GDB_FAKE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/errno.h>
#include "gdbstub/session.h"

#define FAKE_REGS 512
#define FAKE_MEM_BASE 0x80000000ull
#define FAKE_MEM_SIZE 0x4000
#define FAKE_MAX_BREAKS 16

struct fake_break {
	bool insert;
	enum gdb_break_type type;
	uint64_t addr;
	unsigned kind;
};

struct fake_target {
	unsigned num_threads;
	bool dead[GDB_MAX_THREADS + 1];	   /* thread_alive false */
	bool offline[GDB_MAX_THREADS + 1]; /* registers: HV_ESTOPPED */
	uint64_t regs[GDB_MAX_THREADS + 1][FAKE_REGS];
	int read_reg_error; /* forced read_reg result */
	uint8_t mem[FAKE_MEM_SIZE];
	unsigned mem_thread; /* thread of the last memory access */
	unsigned mem_writes;
	/* Thread text: name "vm0/vcpuN-1", core N-1, extra "state N". */
	char name[GDB_MAX_THREADS + 1][80];
	char extra[GDB_MAX_THREADS + 1][160];
	bool no_core[GDB_MAX_THREADS + 1];
	/* Breakpoints. */
	struct fake_break breaks[FAKE_MAX_BREAKS];
	unsigned num_breaks;
	int break_ret;
	/* Run control. */
	unsigned resumes;
	enum gdb_resume_action actions[GDB_MAX_THREADS];
	unsigned action_count;
	int resume_ret;
	bool stop_in_resume; /* report stop_now from inside resume */
	struct gdb_stop stop_now;
	unsigned interrupts;
	struct gdb_stop current;
	unsigned detaches;
	unsigned attaches;
	/* Monitor. */
	char monitor_cmd[256];
	const char *monitor_out;
	size_t monitor_len;
	int monitor_ret;
	const char *monitor_error_text;
};

extern struct fake_target fake;
extern struct gdb_target_ops fake_ops;
extern struct gdb_session session;

/* cmocka setup: a fresh fake with three threads and a fresh session. */
int gdb_test_setup(void **state);
void fake_reset(unsigned threads);

/* Bytes from "gdb". */
void feed(const char *bytes);
void feed_n(const char *bytes, size_t len);
/* "$data#xx" with the right checksum. */
void feed_packet(const char *data);
void feed_packet_n(const char *data, size_t len);

/* "$data#xx" (a static buffer, valid until the next call). */
const char *frame(const char *data);
const char *frame_n(const char *data, size_t len);
/* Lowercase hex of bytes. */
const char *hex_of(const void *data, size_t len);

/* Output checks: exactly these bytes since the last check. */
void expect_out(const char *expected);
void expect_out_n(const char *expected, size_t len);
/* "+" then the framed reply (ack mode). */
void expect_reply(const char *data);
void expect_nothing(void);
/* Everything written so far (and its length); then cleared by expect. */
const char *output(size_t *len);
void output_clear(void);

/* Connect like gdb 13 (qSupported with its features), output cleared. */
void connect_gdb(void);

#endif
