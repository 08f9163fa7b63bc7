// SPDX-License-Identifier: MIT
/*
 * The VMID allocator (hv/include/hv/vmid.h): a bitmap of VMIDs in use
 * and one of VMIDs that a VM ran with and gave back ("dirty": some hart
 * may still cache translations tagged with it). Reusing a dirty one
 * costs one hfence.gvma on every online hart, done before the new owner
 * gets it; clean ones are preferred, so the cost is paid only when the
 * VMID space is exhausted by VMs that came and went.
 */
#include <arch/arch.h>
#include <hv/cpu_msg.h>
#include <hv/errno.h>
#include <hv/spinlock.h>
#include <hv/vmid.h>

#define VMID_MAX_BITS 14 /* hgatp.VMID on RV64 */
#define VMID_COUNT (1U << VMID_MAX_BITS)
#define VMID_WORDS (VMID_COUNT / 64)

static uint64_t in_use[VMID_WORDS];
static uint64_t dirty[VMID_WORDS];
static spinlock_t vmid_lock = SPINLOCK_INIT;

static bool test_bit(const uint64_t *map, unsigned n)
{
	return map[n / 64] & (1ULL << (n % 64));
}

static void set_bit_to(uint64_t *map, unsigned n, bool value)
{
	if (value)
		map[n / 64] |= 1ULL << (n % 64);
	else
		map[n / 64] &= ~(1ULL << (n % 64));
}

void vmid_init(void)
{
	spin_lock(&vmid_lock);
	for (unsigned i = 0; i < VMID_WORDS; i++)
		in_use[i] = dirty[i] = 0;
	spin_unlock(&vmid_lock);
}

/* The lowest free VMID below limit, clean ones first; 0 if none. */
static unsigned find_free(unsigned limit, bool *was_dirty)
{
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned n = 1; n < limit; n++) {
			if (test_bit(in_use, n) ||
			    test_bit(dirty, n) != (pass == 1))
				continue;
			*was_dirty = pass == 1;
			return n;
		}
	}
	return 0;
}

static void flush_here(void *arg)
{
	arch_stage2_flush_vmid((unsigned)(uintptr_t)arg);
}

int vmid_alloc(unsigned vmid_bits, unsigned *vmid)
{
	unsigned limit = 1U << MIN(vmid_bits, VMID_MAX_BITS);
	bool was_dirty = false;
	unsigned n;

	spin_lock(&vmid_lock);
	n = find_free(limit, &was_dirty);
	if (n) {
		set_bit_to(in_use, n, true);
		set_bit_to(dirty, n, false);
	}
	spin_unlock(&vmid_lock);
	if (!n)
		return HV_ERANGE;
	/* Ours now, and no hart runs with it: flush it everywhere before
	 * anyone can load it into hgatp again. */
	if (was_dirty)
		cpu_msg_call_online(~0UL, flush_here, (void *)(uintptr_t)n);
	*vmid = n;
	return HV_OK;
}

void vmid_release(unsigned vmid, bool used)
{
	if (!vmid || vmid >= VMID_COUNT)
		return;
	spin_lock(&vmid_lock);
	if (test_bit(in_use, vmid)) {
		set_bit_to(in_use, vmid, false);
		set_bit_to(dirty, vmid, used);
	}
	spin_unlock(&vmid_lock);
}
