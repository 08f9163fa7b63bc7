// SPDX-License-Identifier: MIT
/*
 * Software breakpoints (Z0, and Z1 on any RAM address): the instruction
 * is replaced with ebreak (kind 4) or c.ebreak (kind 2) through guest
 * memory, kept by guest-physical address with the original bytes, and
 * every vCPU runs fence.i before its next entry. While any breakpoint is
 * set, the VM's breakpoint exceptions come to the hypervisor
 * (trap_breakpoints); run.c tells the stub's from the guest's own.
 * Reading memory shows the original bytes, so gdb never sees its own
 * breakpoints.
 */
#include <string.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/vm.h>
#include "gdbstub/step.h"
#include "gdbstub/stub.h"

#define INSN_EBREAK 0x00100073U
#define INSN_C_EBREAK 0x9002U

/* gdb's breakpoints and a step's temporary ones are kept apart: one gdb
 * sets where a temporary one is planted must outlive that one. */
static struct gdb_breakpoint *find(enum gdb_break_type type, gpa_t where,
				   bool temporary)
{
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		struct gdb_breakpoint *bp = &gdb_target.bps[i];

		if (bp->used && bp->type == type &&
		    bp->where.val == where.val && bp->temporary == temporary)
			return bp;
	}
	return NULL;
}

/* Is another breakpoint (of any software kind) planted at where? */
static bool planted_elsewhere(const struct gdb_breakpoint *self, gpa_t where)
{
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		const struct gdb_breakpoint *bp = &gdb_target.bps[i];

		if (bp != self && bp->used && bp->where.val == where.val)
			return true;
	}
	return false;
}

static void set_trapping(bool on)
{
	struct vm *vm = gdb_target.vm;

	/* The VM is paused: the flag is read at each vCPU's next entry. */
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		vm->vcpus[i].arch.trap_breakpoints = on;
}

static int plant(struct gdb_breakpoint *bp)
{
	uint32_t insn = bp->kind == 2 ? INSN_C_EBREAK : INSN_EBREAK;
	const struct gdb_breakpoint *other = NULL;

	/* A second breakpoint at the same place shares the first's
	 * original bytes: reading them back now would read our ebreak. */
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		const struct gdb_breakpoint *b = &gdb_target.bps[i];

		if (b != bp && b->used && b->where.val == bp->where.val)
			other = b;
	}
	if (other) {
		memcpy(bp->original, other->original, sizeof(bp->original));
		return HV_OK;
	}
	if (guest_mem_read(gdb_target.vm, bp->where, bp->original, bp->kind))
		return HV_EFAULT;
	if (guest_mem_write(gdb_target.vm, bp->where, &insn, bp->kind))
		return HV_EFAULT;
	return HV_OK;
}

static int insert(enum gdb_break_type type, uint64_t addr, unsigned kind,
		  unsigned thread, bool temporary)
{
	struct gdb_breakpoint *bp = NULL;
	gpa_t where;
	int err;

	if (kind != 2 && kind != 4)
		return HV_EINVAL;
	if (gdb_run_wait_stopped())
		return HV_ESTATE;
	err = gdb_target_translate(thread, addr, &where);
	if (err)
		return HV_EFAULT;
	if (find(type, where, temporary))
		return HV_OK; /* gdb may insert twice */
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS && !bp; i++)
		if (!gdb_target.bps[i].used)
			bp = &gdb_target.bps[i];
	if (!bp)
		return HV_ENOMEM;
	spin_lock(&gdb_target.bp_lock);
	*bp = (struct gdb_breakpoint){.type = type,
				      .addr = addr,
				      .where = where,
				      .kind = kind,
				      .temporary = temporary};
	err = plant(bp);
	if (!err) {
		bp->used = true;
		gdb_target.num_bps++;
	}
	spin_unlock(&gdb_target.bp_lock);
	if (err)
		return err;
	set_trapping(true);
	gdb_target_code_changed();
	return HV_OK;
}

static void remove_one(struct gdb_breakpoint *bp)
{
	spin_lock(&gdb_target.bp_lock);
	if (!planted_elsewhere(bp, bp->where))
		guest_mem_write(gdb_target.vm, bp->where, bp->original,
				bp->kind);
	bp->used = false;
	gdb_target.num_bps--;
	spin_unlock(&gdb_target.bp_lock);
}

int gdb_break_insert(void *ctx, enum gdb_break_type type, uint64_t addr,
		     unsigned kind)
{
	(void)ctx;
	if (type != GDB_BREAK_SOFTWARE && type != GDB_BREAK_HARDWARE)
		return gdb_watch_insert(type, addr, kind);
	return insert(type, addr, kind, 1, false);
}

int gdb_break_remove(void *ctx, enum gdb_break_type type, uint64_t addr,
		     unsigned kind)
{
	gpa_t where;

	(void)ctx;
	if (type != GDB_BREAK_SOFTWARE && type != GDB_BREAK_HARDWARE)
		return gdb_watch_remove(type, addr, kind);
	if (gdb_target_translate(1, addr, &where))
		return HV_EFAULT;
	struct gdb_breakpoint *bp = find(type, where, false);

	if (!bp)
		return HV_OK; /* removing twice is harmless */
	remove_one(bp);
	if (!gdb_target.num_bps)
		set_trapping(false);
	gdb_target_code_changed();
	return HV_OK;
}

void gdb_break_remove_all(void)
{
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (gdb_target.bps[i].used)
			remove_one(&gdb_target.bps[i]);
	if (gdb_target.vm) {
		set_trapping(false);
		gdb_target_code_changed();
	}
}

void gdb_break_remove_temporary(void)
{
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (gdb_target.bps[i].used && gdb_target.bps[i].temporary)
			remove_one(&gdb_target.bps[i]);
	if (!gdb_target.num_bps)
		set_trapping(false);
	gdb_target_code_changed();
}

int gdb_break_insert_temporary(unsigned thread, uint64_t addr, unsigned kind)
{
	return insert(GDB_BREAK_SOFTWARE, addr, kind, thread, true);
}

bool gdb_break_at(gpa_t where, bool *temporary)
{
	bool found = false, only_temporary = true;

	spin_lock(&gdb_target.bp_lock);
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		const struct gdb_breakpoint *bp = &gdb_target.bps[i];

		if (bp->used && bp->where.val == where.val) {
			found = true;
			only_temporary &= bp->temporary; /* gdb's one wins */
		}
	}
	spin_unlock(&gdb_target.bp_lock);
	if (found && temporary)
		*temporary = only_temporary;
	return found;
}

/* Where a breakpoint's byte lies in [where, where + len) of guest RAM,
 * put back its original in buf (which holds that range). */
static void hide_in_page(gpa_t where, uint8_t *buf, size_t len)
{
	/* Breakpoints are few; compare each one's bytes with the range. */
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		const struct gdb_breakpoint *bp = &gdb_target.bps[i];

		for (unsigned b = 0; bp->used && b < bp->kind; b++) {
			uint64_t byte = bp->where.val + b;

			if (byte >= where.val && byte - where.val < len)
				buf[byte - where.val] = bp->original[b];
		}
	}
}

void gdb_breakpoints_hide(unsigned thread, uint64_t addr, void *buf, size_t len)
{
	/* By guest-physical address, a page at a time: a planted byte is
	 * hidden however it is reached (this thread's mapping, another
	 * thread's, or `monitor phys on`), not only at gdb's address. */
	while (len) {
		size_t chunk = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
		gpa_t where;

		if (chunk > len)
			chunk = len;
		if (!gdb_target_translate(thread, addr, &where))
			hide_in_page(where, buf, chunk);
		buf = (uint8_t *)buf + chunk;
		addr += chunk;
		len -= chunk;
	}
}
