// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the host DTB parser (hv/platform/platform.c).
 * Input: one byte choosing the boot hart id, then the DTB, in a buffer
 * of exactly its size. The parser has no size argument (firmware hands
 * over a DTB as long as its header says), so a DTB whose totalsize is
 * larger than the input is not one firmware could give and is skipped.
 * A parse that succeeds must describe a machine boot can use: the boot
 * hart at index 0, distinct hart ids, a terminated ISA string with H,
 * RAM, a UART and a PLIC with an S-mode context for the boot hart, and
 * reserved regions that do not wrap.
 */
#include <stdlib.h>
#include <libfdt.h>
#include <hv/errno.h>
#include <hv/platform.h>
#include "fuzz_check.h"

struct platform platform; /* platform.h's global, unused here */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct platform out;
	unsigned long boot_hartid;
	char err[128];
	uint8_t *dtb;

	if (size < 1 + sizeof(struct fdt_header))
		return 0;
	/* Hart ids 0..7 as QEMU numbers them, sometimes a large one. */
	boot_hartid = data[0] < 0xf0 ? data[0] % 8 : data[0];
	data++;
	size--;
	dtb = malloc(size);
	check(dtb);
	memcpy(dtb, data, size);
	if (fdt_totalsize(dtb) > size) {
		free(dtb);
		return 0;
	}
	memset(err, 0, sizeof(err));
	if (platform_parse(dtb, boot_hartid, &out, err, sizeof(err)) == HV_OK) {
		check(out.num_harts >= 1 && out.num_harts <= HV_MAX_HARTS);
		check(out.hartids[0] == boot_hartid);
		for (unsigned i = 0; i < out.num_harts; i++)
			for (unsigned j = i + 1; j < out.num_harts; j++)
				check(out.hartids[i] != out.hartids[j]);
		check(memchr(out.isa, '\0', sizeof(out.isa)));
		check(memchr(out.mmu_type, '\0', sizeof(out.mmu_type)));
		check(platform_isa_has_letter(out.isa, 'h'));
		check(out.uart_base && out.plic_base);
		check(out.plic_s_context[0] >= 0);
		check(platform_plic_s_context(&out, boot_hartid) ==
		      out.plic_s_context[0]);
		check(out.dtb_size == fdt_totalsize(dtb));
		check(out.num_reserved <= PLATFORM_MAX_RESERVED);
		for (unsigned i = 0; i < out.num_reserved; i++)
			check(out.reserved_size[i] <=
			      UINT64_MAX - out.reserved_base[i]);
		check(out.initrd_end >= out.initrd_start);
		for (unsigned i = 0;
		     i < out.num_unused && i < PLATFORM_MAX_UNUSED; i++)
			check(platform_hart_unused_reason(
				out.unused[i].reason)[0]);
	} else {
		check(memchr(err, '\0', sizeof(err)) && err[0]);
	}
	free(dtb);
	return 0;
}
