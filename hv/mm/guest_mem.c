// SPDX-License-Identifier: MIT
/*
 * Guest memory by guest-physical and guest-virtual address (see
 * hv/include/hv/guest_mem.h for the error contract). A VM's RAM is one
 * contiguous host block, so a guest-physical range is RAM exactly when it
 * lies inside [ram_base, ram_base + ram_size), and then it is contiguous
 * in the host too.
 */
#include <string.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/vdev.h>
#include <hv/vm.h>

/* Name the kind of non-RAM at addr: a device window or a hole. */
static int not_ram_error(struct vm *vm, gpa_t addr)
{
	return vdev_claims(vm, addr) ? HV_EIO : HV_EFAULT;
}

int guest_mem_range(struct vm *vm, gpa_t addr, uint64_t len, hpa_t *host)
{
	/* Offsets from ram_base, never end addresses: addr + len can wrap
	 * past 2^64, offset and ram_size - offset cannot. An addr below
	 * ram_base wraps to a huge offset and fails the first test. */
	uint64_t offset = addr.val - vm->ram_base.val;

	if (offset >= vm->ram_size)
		return not_ram_error(vm, addr);
	if (len > vm->ram_size - offset)
		return not_ram_error(vm, gpa(vm->ram_base.val + vm->ram_size));
	if (host)
		*host = hpa(vm->ram_host.val + offset);
	return HV_OK;
}

int guest_mem_read(struct vm *vm, gpa_t addr, void *buf, size_t len)
{
	hpa_t host;
	int ret = guest_mem_range(vm, addr, len, &host);

	if (!ret)
		memcpy(buf, hpa_to_ptr(host), len);
	return ret;
}

int guest_mem_write(struct vm *vm, gpa_t addr, const void *buf, size_t len)
{
	hpa_t host;
	int ret = guest_mem_range(vm, addr, len, &host);

	if (!ret)
		memcpy(hpa_to_ptr(host), buf, len);
	return ret;
}

/* Bytes from va to the end of its 4 KiB page, at most len. Translating
 * per 4 KiB page is right for every mapping size, superpages included. */
static size_t chunk_in_page(gva_t va, size_t len)
{
	uint64_t left = PAGE_SIZE - (va.val & (PAGE_SIZE - 1));

	return len < left ? len : (size_t)left;
}

int guest_mem_read_virt(struct vm *vm, const struct guest_walk_params *params,
			gva_t va, void *buf, size_t len)
{
	uint8_t *dst = buf;

	while (len) {
		size_t chunk = chunk_in_page(va, len);
		gpa_t addr;
		int ret = guest_translate(vm, params, va, GUEST_ACCESS_READ,
					  &addr, NULL);

		if (!ret)
			ret = guest_mem_read(vm, addr, dst, chunk);
		if (ret)
			return ret;
		dst += chunk;
		len -= chunk;
		va = gva(va.val + chunk); /* wraps at 2^64 as the hart's does */
	}
	return HV_OK;
}

int guest_mem_write_virt(struct vm *vm, const struct guest_walk_params *params,
			 gva_t va, const void *buf, size_t len)
{
	const uint8_t *src = buf;

	while (len) {
		size_t chunk = chunk_in_page(va, len);
		gpa_t addr;
		int ret = guest_translate(vm, params, va, GUEST_ACCESS_WRITE,
					  &addr, NULL);

		if (!ret)
			ret = guest_mem_write(vm, addr, src, chunk);
		if (ret)
			return ret;
		src += chunk;
		len -= chunk;
		va = gva(va.val + chunk);
	}
	return HV_OK;
}
