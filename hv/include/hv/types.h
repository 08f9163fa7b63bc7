/* SPDX-License-Identifier: MIT */
/*
 * Basic types shared by every layer of hartvisor.
 *
 * Addresses are wrapped in single-member structs so that a guest-physical
 * address can never be passed where a host-physical or guest-virtual one is
 * expected: the compiler rejects the mix instead of a reviewer having to
 * spot it.
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint64_t val;
} gpa_t; /* guest-physical address */

typedef struct {
	uint64_t val;
} hpa_t; /* host-physical address (the hypervisor runs with satp = Bare) */

typedef struct {
	uint64_t val;
} gva_t; /* guest-virtual address */

static inline gpa_t gpa(uint64_t val)
{
	return (gpa_t){val};
}

static inline hpa_t hpa(uint64_t val)
{
	return (hpa_t){val};
}

static inline gva_t gva(uint64_t val)
{
	return (gva_t){val};
}

/* The hypervisor runs with translation off, so a host-physical address is
 * directly usable as a pointer. This is the only place that says so. */
static inline void *hpa_to_ptr(hpa_t addr)
{
	return (void *)(uintptr_t)addr.val;
}

static inline hpa_t ptr_to_hpa(const void *ptr)
{
	return hpa((uint64_t)(uintptr_t)ptr);
}

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define MEGAPAGE_SIZE (1UL << 21)

#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a)-1)) == 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define BIT(n) (1UL << (n))

#define UNUSED __attribute__((unused))
#define NORETURN __attribute__((noreturn))

#endif
