// SPDX-License-Identifier: MIT
/*
 * Host unit tests for guest memory by guest-physical address and the
 * page-splitting copies by guest-virtual address (hv/mm/guest_mem.c),
 * over a fake VM whose RAM is a malloc'd block. The device windows are
 * the real ones (hv/vdev/vdev.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "guest_mem_test_util.h" /* after cmocka.h: it asserts */

#define SENTINEL 0x5a5a5a5a5a5a5a5aUL

static int range(struct vm *vm, uint64_t addr, uint64_t len)
{
	hpa_t host = hpa(SENTINEL);
	int ret = guest_mem_range(vm, gpa(addr), len, &host);

	if (ret)
		assert_int_equal(host.val, SENTINEL); /* untouched */
	return ret;
}

static void test_range_bounds(void **state)
{
	hpa_t host = hpa(0);

	(void)state;
	assert_int_equal(
		guest_mem_range(&test_vm, gpa(RAM_BASE), RAM_SIZE, &host),
		HV_OK);
	assert_ptr_equal(hpa_to_ptr(host), test_ram);
	assert_int_equal(
		guest_mem_range(&test_vm, gpa(RAM_BASE + 0x1234), 16, &host),
		HV_OK);
	assert_ptr_equal(hpa_to_ptr(host), test_ram + 0x1234);
	assert_int_equal(guest_mem_range(&test_vm, gpa(RAM_END - 1), 1, &host),
			 HV_OK);
	assert_ptr_equal(hpa_to_ptr(host), test_ram + RAM_SIZE - 1);
	/* Only the check. */
	assert_int_equal(guest_mem_range(&test_vm, gpa(RAM_BASE), 8, NULL),
			 HV_OK);
	/* An empty range is valid where a byte would be. */
	assert_int_equal(range(&test_vm, RAM_BASE, 0), HV_OK);
	assert_int_equal(range(&test_vm, RAM_END, 0), HV_EFAULT);
	/* One byte too many at either end. */
	assert_int_equal(range(&test_vm, RAM_END - 1, 2), HV_EFAULT);
	assert_int_equal(range(&test_vm, RAM_BASE, RAM_SIZE + 1), HV_EFAULT);
	assert_int_equal(range(&test_vm, RAM_BASE - 1, 1), HV_EFAULT);
	assert_int_equal(range(&test_vm, RAM_BASE - 1, 2), HV_EFAULT);
	assert_int_equal(range(&test_vm, RAM_END, 1), HV_EFAULT);
}

/* A range whose end wraps past 2^64 is never RAM, even when the wrapped
 * end lands below the start (a naive addr + len <= end would pass). */
static void test_range_wraparound(void **state)
{
	uint64_t start = RAM_BASE + 16;

	(void)state;
	assert_int_equal(range(&test_vm, start, UINT64_MAX), HV_EFAULT);
	assert_int_equal(range(&test_vm, start, 0 - start + 0x100), HV_EFAULT);
	assert_int_equal(range(&test_vm, start, 0 - start), HV_EFAULT);
	assert_int_equal(range(&test_vm, UINT64_MAX, 1), HV_EFAULT);
	assert_int_equal(range(&test_vm, UINT64_MAX, 2), HV_EFAULT);
	assert_int_equal(range(&test_vm, UINT64_MAX - 7, UINT64_MAX),
			 HV_EFAULT);
}

/* Device windows are HV_EIO, holes HV_EFAULT: the first byte that is not
 * RAM decides. */
static void test_device_windows(void **state)
{
	struct vm *moved = &test_vm;
	uint8_t buf[8];

	(void)state;
	assert_int_equal(range(&test_vm, GUEST_UART_BASE, 1), HV_EIO);
	assert_int_equal(
		range(&test_vm, GUEST_UART_BASE + VUART_MMIO_SIZE - 1, 1),
		HV_EIO);
	assert_int_equal(range(&test_vm, GUEST_UART_BASE + VUART_MMIO_SIZE, 1),
			 HV_EFAULT);
	assert_int_equal(range(&test_vm, GUEST_PLIC_BASE, 4), HV_EIO);
	assert_int_equal(
		range(&test_vm, GUEST_PLIC_BASE + VPLIC_MMIO_SIZE - 4, 4),
		HV_EIO);
	assert_int_equal(range(&test_vm, GUEST_PLIC_BASE - 1, 1), HV_EFAULT);
	assert_int_equal(range(&test_vm, 0, 8), HV_EFAULT);
	/* Starts in a hole, runs into the PLIC: the hole comes first. */
	assert_int_equal(range(&test_vm, GUEST_PLIC_BASE - 4, 8), HV_EFAULT);
	/* The PLIC's window ends where the UART's begins. */
	assert_int_equal(range(&test_vm, GUEST_UART_BASE - 4, 8), HV_EIO);
	/* Memory access never reaches a device. */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(guest_mem_read(&test_vm, gpa(GUEST_UART_BASE), buf,
					sizeof(buf)),
			 HV_EIO);
	assert_int_equal(buf[0], 0xee);
	assert_int_equal(guest_mem_write(&test_vm, gpa(GUEST_PLIC_BASE), buf,
					 sizeof(buf)),
			 HV_EIO);

	/* RAM ending right below the PLIC: RAM's end runs into a device. */
	moved->ram_base = gpa(GUEST_PLIC_BASE - RAM_SIZE);
	assert_int_equal(range(moved, GUEST_PLIC_BASE - 4, 4), HV_OK);
	assert_int_equal(range(moved, GUEST_PLIC_BASE - 4, 8), HV_EIO);
	assert_int_equal(range(moved, GUEST_PLIC_BASE - RAM_SIZE, RAM_SIZE),
			 HV_OK);
	assert_int_equal(range(moved, GUEST_PLIC_BASE - RAM_SIZE - 1, 2),
			 HV_EFAULT);
}

static void test_read_write(void **state)
{
	uint8_t pattern[100], back[100];

	(void)state;
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(guest_mem_write(&test_vm, gpa(RAM_BASE + 0x3001),
					 pattern, sizeof(pattern)),
			 HV_OK);
	assert_memory_equal(test_ram + 0x3001, pattern, sizeof(pattern));
	assert_int_equal(test_ram[0x3000], 0);
	assert_int_equal(test_ram[0x3001 + sizeof(pattern)], 0);
	memset(back, 0, sizeof(back));
	assert_int_equal(guest_mem_read(&test_vm, gpa(RAM_BASE + 0x3001), back,
					sizeof(back)),
			 HV_OK);
	assert_memory_equal(back, pattern, sizeof(pattern));
	/* Half past the end: nothing is copied either way. */
	assert_int_equal(guest_mem_write(&test_vm, gpa(RAM_END - 50), pattern,
					 sizeof(pattern)),
			 HV_EFAULT);
	for (size_t i = RAM_SIZE - 50; i < RAM_SIZE; i++)
		assert_int_equal(test_ram[i], 0);
	memset(back, 0xee, sizeof(back));
	assert_int_equal(
		guest_mem_read(&test_vm, gpa(RAM_END - 50), back, sizeof(back)),
		HV_EFAULT);
	assert_int_equal(back[0], 0xee);
	assert_int_equal(guest_mem_read(&test_vm, gpa(RAM_BASE), back, 0),
			 HV_OK);
}

/* Three virtual pages mapped to scattered, out-of-order guest pages. */
#define VA_BASE 0x40000000UL
static const uint64_t page_gpa[] = {DATA_BASE + 0x3000, DATA_BASE + 0x1000,
				    DATA_BASE + 0x8000};

static struct guest_walk_params map_scattered(unsigned flags,
					      uint64_t last_page_bits)
{
	uint64_t root = new_table();

	for (unsigned i = 0; i < ARRAY_SIZE(page_gpa); i++)
		map_leaf(root, 3, VA_BASE + i * PAGE_SIZE, page_gpa[i], 0,
			 i == 2 ? last_page_bits
				: PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
	return walk_params(MODE_SV39, root, GUEST_PRIV_SUPERVISOR, 0, flags);
}

static void test_virt_page_crossing(void **state)
{
	static uint8_t out[16 + 4096 + 100], back[sizeof(out)];
	struct guest_walk_params p = map_scattered(
		GUEST_WALK_CHECK_ALL, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
	uint64_t va = VA_BASE + PAGE_SIZE - 16;

	(void)state;
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i ^ (i >> 8));
	assert_int_equal(
		guest_mem_write_virt(&test_vm, &p, gva(va), out, sizeof(out)),
		HV_OK);
	assert_memory_equal(host_of(page_gpa[0] + PAGE_SIZE - 16), out, 16);
	assert_memory_equal(host_of(page_gpa[1]), out + 16, PAGE_SIZE);
	assert_memory_equal(host_of(page_gpa[2]), out + 16 + PAGE_SIZE, 100);
	assert_int_equal(*(uint8_t *)host_of(page_gpa[2] + 100), 0);
	assert_int_equal(
		guest_mem_read_virt(&test_vm, &p, gva(va), back, sizeof(back)),
		HV_OK);
	assert_memory_equal(back, out, sizeof(out));
	assert_int_equal(guest_mem_read_virt(&test_vm, &p, gva(va), back, 0),
			 HV_OK);
	/* Running into the unmapped fourth page: the first part is copied,
	 * then the walk fails. */
	memset(back, 0xee, sizeof(back));
	assert_int_equal(guest_mem_read_virt(&test_vm, &p,
					     gva(VA_BASE + 3 * PAGE_SIZE - 16),
					     back, 32),
			 HV_EFAULT);
	assert_memory_equal(back, host_of(page_gpa[2] + PAGE_SIZE - 16), 16);
	assert_int_equal(back[16], 0xee);
}

/* A checked write honours the guest's protection; a debugger's unchecked
 * one writes read-only pages (breakpoints in text). */
static void test_virt_checks(void **state)
{
	struct guest_walk_params p = map_scattered(
		GUEST_WALK_CHECK_ALL, PTE_V | PTE_R | PTE_X | PTE_A | PTE_D);
	uint8_t bytes[4] = {1, 2, 3, 4}, back[4];
	uint64_t va = VA_BASE + 2 * PAGE_SIZE + 0x10;

	(void)state;
	assert_int_equal(guest_mem_write_virt(&test_vm, &p, gva(va), bytes,
					      sizeof(bytes)),
			 HV_EFAULT);
	assert_int_equal(*(uint8_t *)host_of(page_gpa[2] + 0x10), 0);
	assert_int_equal(
		guest_mem_read_virt(&test_vm, &p, gva(va), back, sizeof(back)),
		HV_OK);
	p.flags = 0;
	assert_int_equal(guest_mem_write_virt(&test_vm, &p, gva(va), bytes,
					      sizeof(bytes)),
			 HV_OK);
	assert_memory_equal(host_of(page_gpa[2] + 0x10), bytes, sizeof(bytes));
}

/* A mapping onto a device window is HV_EIO; a bad vsatp HV_EINVAL. */
static void test_virt_errors(void **state)
{
	uint64_t root = new_table();
	struct guest_walk_params p =
		walk_params(MODE_SV39, root, GUEST_PRIV_SUPERVISOR, 0, 0);
	uint8_t buf[8] = {0};

	(void)state;
	map_leaf(root, 3, VA_BASE, GUEST_UART_BASE, 0, PTE_V | PTE_R | PTE_W);
	assert_int_equal(guest_mem_read_virt(&test_vm, &p, gva(VA_BASE), buf,
					     sizeof(buf)),
			 HV_EIO);
	assert_int_equal(guest_mem_write_virt(&test_vm, &p, gva(VA_BASE), buf,
					      sizeof(buf)),
			 HV_EIO);
	p.vsatp = 5UL << 60;
	assert_int_equal(guest_mem_read_virt(&test_vm, &p, gva(VA_BASE), buf,
					     sizeof(buf)),
			 HV_EINVAL);
	assert_int_equal(guest_mem_write_virt(&test_vm, &p, gva(VA_BASE), buf,
					      sizeof(buf)),
			 HV_EINVAL);
}

/* Bare: virtual is physical, still split (harmlessly) at 4 KiB. */
static void test_virt_bare(void **state)
{
	struct guest_walk_params p =
		walk_params(MODE_BARE, 0, GUEST_PRIV_USER, 0, 0);
	uint8_t bytes[6] = {9, 8, 7, 6, 5, 4}, back[6];

	(void)state;
	assert_int_equal(guest_mem_write_virt(&test_vm, &p,
					      gva(DATA_BASE + 0xffd), bytes,
					      sizeof(bytes)),
			 HV_OK);
	assert_memory_equal(host_of(DATA_BASE + 0xffd), bytes, sizeof(bytes));
	assert_int_equal(guest_mem_read_virt(&test_vm, &p,
					     gva(DATA_BASE + 0xffd), back,
					     sizeof(back)),
			 HV_OK);
	assert_memory_equal(back, bytes, sizeof(bytes));
	/* Past RAM's end. */
	assert_int_equal(guest_mem_read_virt(&test_vm, &p, gva(RAM_END - 2),
					     back, sizeof(back)),
			 HV_EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_vm, teardown_vm)
		T(test_range_bounds),	    T(test_range_wraparound),
		T(test_device_windows),	    T(test_read_write),
		T(test_virt_page_crossing), T(test_virt_checks),
		T(test_virt_errors),	    T(test_virt_bare),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
