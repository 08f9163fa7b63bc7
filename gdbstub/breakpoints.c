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
 *
 * Nor does the guest: the page of every planted breakpoint is made
 * execute-only at stage 2 (gdbstub/watch.c keeps the page's count, with
 * its watchpoints), so a guest load or store there faults and is
 * completed here on a copy of the bytes with the originals in place
 * (gdb_break_emulate). A store over a breakpoint's bytes goes into the
 * saved original and the breakpoint stays planted: gdb, which believes
 * it inserted a breakpoint there, still hits it, and its z0 writes back
 * what the guest stored, as it would have read on a machine with
 * hardware breakpoints. Instruction fetches still run the ebreak.
 *
 * Lock order: the session lock, then bp_lock or watch_lock (never both:
 * the page is protected before the instruction is planted, and after it
 * is restored given back).
 */
#include <string.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/guest_protect.h>
#include <hv/ram_access.h>
#include <hv/vm.h>
#include "gdbstub/step.h"
#include "gdbstub/stub.h"

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

/* The planted instruction's bytes, little-endian as the guest's. */
static uint32_t planted_insn(const struct gdb_breakpoint *bp)
{
	return bp->kind == 2 ? GDB_INSN_C_EBREAK : GDB_INSN_EBREAK;
}

/* Stage-2 permission changes made by the caller hold on every hart. */
static void protection_changed(bool changed)
{
	if (changed)
		guest_protect_flush_all(gdb_target.vm);
}

static int plant(struct gdb_breakpoint *bp)
{
	uint32_t insn = planted_insn(bp);
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

/* Insert a breakpoint at where, the guest-physical place of addr. */
static int insert(enum gdb_break_type type, uint64_t addr, gpa_t where,
		  unsigned kind, bool temporary)
{
	struct gdb_breakpoint *bp = NULL;
	int err;

	if (find(type, where, temporary))
		return HV_OK; /* gdb may insert twice */
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS && !bp; i++)
		if (!gdb_target.bps[i].used)
			bp = &gdb_target.bps[i];
	if (!bp)
		return HV_ENOMEM;
	/* The page first: the guest never reads the ebreak (no vCPU of
	 * the VM runs now, but a step's threads may run at once after). */
	err = gdb_watch_break_page(where, true);
	if (err && err != HV_ENOTSUP)
		return err;
	bool protecting = !err;

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
	if (err && protecting)
		gdb_watch_break_page(where, false);
	protection_changed(protecting);
	if (err)
		return err;
	set_trapping(true);
	gdb_target_code_changed();
	return HV_OK;
}

/* True if the page's protection changed (the caller flushes). */
static bool remove_one(struct gdb_breakpoint *bp)
{
	spin_lock(&gdb_target.bp_lock);
	if (!planted_elsewhere(bp, bp->where))
		guest_mem_write(gdb_target.vm, bp->where, bp->original,
				bp->kind);
	bp->used = false;
	gdb_target.num_bps--;
	spin_unlock(&gdb_target.bp_lock);
	return gdb_watch_break_page(bp->where, false) == HV_OK;
}

int gdb_break_insert(void *ctx, enum gdb_break_type type, uint64_t addr,
		     unsigned kind)
{
	gpa_t where;

	(void)ctx;
	if (type != GDB_BREAK_SOFTWARE && type != GDB_BREAK_HARDWARE)
		return gdb_watch_insert(type, addr, kind);
	if (kind != 2 && kind != 4)
		return HV_EINVAL;
	if (gdb_run_wait_stopped())
		return HV_ESTATE;
	if (gdb_target_translate(1, addr, &where))
		return HV_EFAULT;
	return insert(type, addr, where, kind, false);
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
	protection_changed(remove_one(bp));
	if (!gdb_target.num_bps)
		set_trapping(false);
	gdb_target_code_changed();
	return HV_OK;
}

void gdb_break_remove_all(void)
{
	bool changed = false;

	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (gdb_target.bps[i].used)
			changed |= remove_one(&gdb_target.bps[i]);
	if (gdb_target.vm) {
		protection_changed(changed);
		set_trapping(false);
		gdb_target_code_changed();
	}
}

void gdb_break_remove_temporary(void)
{
	bool changed = false;

	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (gdb_target.bps[i].used && gdb_target.bps[i].temporary)
			changed |= remove_one(&gdb_target.bps[i]);
	protection_changed(changed);
	if (!gdb_target.num_bps)
		set_trapping(false);
	gdb_target_code_changed();
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

/* After a store into buf (the bytes of [where, where + len)): the bytes
 * that lie on a breakpoint become its saved original, and buf gets the
 * planted instruction's bytes back in their place. */
static void absorb_store(gpa_t where, uint8_t *buf, size_t len)
{
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		struct gdb_breakpoint *bp = &gdb_target.bps[i];
		uint32_t insn = planted_insn(bp);

		for (unsigned b = 0; bp->used && b < bp->kind; b++) {
			uint64_t byte = bp->where.val + b;

			if (byte < where.val || byte - where.val >= len)
				continue;
			bp->original[b] = buf[byte - where.val];
			buf[byte - where.val] = ((const uint8_t *)&insn)[b];
		}
	}
}

int gdb_break_emulate(struct vcpu *vcpu, gpa_t addr,
		      const struct ram_access *access)
{
	unsigned width = access->width;
	bool aligned = IS_ALIGNED(addr.val, width);
	uint64_t copy = 0; /* the access's bytes, breakpoints hidden */
	hpa_t host;
	int err;

	if (access->op == RAM_ACCESS_LR || access->op == RAM_ACCESS_SC)
		return HV_ENOTSUP;
	if ((addr.val & (PAGE_SIZE - 1)) + width > PAGE_SIZE ||
	    (access->op == RAM_ACCESS_AMO && !aligned) ||
	    guest_mem_range(vcpu->vm, addr, width, &host) != HV_OK)
		return HV_EFAULT;
	/* Every load and store the guest makes on this page comes here
	 * (the page is execute-only on every hart), and bp_lock makes each
	 * one whole against the others: an AMO stays atomic, a store is
	 * never half seen. */
	spin_lock(&gdb_target.bp_lock);
	memcpy(&copy, hpa_to_ptr(host), width);
	hide_in_page(addr, (uint8_t *)&copy, width);
	err = ram_access_perform(vcpu, &copy, true, access);
	if (!err && ram_access_writes(access)) {
		absorb_store(addr, (uint8_t *)&copy, width);
		memcpy(hpa_to_ptr(host), &copy, width);
	}
	spin_unlock(&gdb_target.bp_lock);
	return err;
}

int gdb_break_insert_temporary(unsigned thread, uint64_t pc)
{
	struct vcpu *vcpu = &gdb_target.vm->vcpus[thread - 1];
	uint16_t low;
	gpa_t where;

	/* The pc is guest-virtual, whatever `monitor phys` says of gdb's
	 * own addresses; the vCPU is paused, its saved vsatp valid. */
	if (vcpu_translate(vcpu, gva(pc), GUEST_ACCESS_READ, 0, &where) ||
	    guest_mem_read(gdb_target.vm, where, &low, 2))
		return HV_EFAULT;
	spin_lock(&gdb_target.bp_lock);
	hide_in_page(where, (uint8_t *)&low, 2);
	spin_unlock(&gdb_target.bp_lock);
	/* The breakpoint must be exactly as long as the instruction it
	 * replaces: a 4-byte ebreak over a 2-byte instruction would give
	 * the next one to other vCPUs half rewritten. */
	if (gdb_run_wait_stopped())
		return HV_ESTATE;
	return insert(GDB_BREAK_SOFTWARE, pc, where, step_insn_length(low),
		      true);
}
