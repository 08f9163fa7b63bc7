// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the Linux Image header and the boot layout
 * (hv/loader/image.c). Input: the layout request's RAM base and size,
 * initrd and DTB sizes (8 bytes each, scaled to useful ranges by their
 * low byte), then the Image file itself, in a buffer of exactly its size.
 * A header that parses and a layout that succeeds must put every piece
 * inside RAM, in order, without overlap.
 */
#include <stdlib.h>
#include <hv/errno.h>
#include <hv/image.h>
#include "fuzz_check.h"

#define MIB (1ULL << 20)

/* Small multiples of 2 MiB most of the time, anything sometimes. */
static uint64_t shaped(uint64_t raw)
{
	switch (raw & 3) {
	case 0:
		return (raw >> 8) % 4096 * 2 * MIB;
	case 1:
		return (raw >> 8) % (64 * MIB);
	case 2:
		return 0;
	default:
		return raw;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	struct boot_layout_request req = {
		.ram_base = shaped(fuzz_take(&in, 8)),
		.ram_size = shaped(fuzz_take(&in, 8)),
		.initrd_size = shaped(fuzz_take(&in, 8)),
		.fdt_size = shaped(fuzz_take(&in, 8)),
	};
	size_t file_size = in.used < size ? size - in.used : 0;
	uint8_t *file = malloc(file_size ? file_size : 1);
	struct boot_layout out;
	char err[96];

	check(file);
	if (file_size)
		memcpy(file, data + in.used, file_size);
	if (image_parse_header(file, file_size, &req.kernel, err,
			       sizeof(err)) != HV_OK) {
		check(memchr(err, '\0', sizeof(err)) && err[0]);
		free(file);
		return 0;
	}
	check(req.kernel.image_size >= file_size);
	req.kernel_file_size = file_size;
	if (image_plan_layout(&req, &out, err, sizeof(err)) == HV_OK) {
		uint64_t ram_end = req.ram_base + req.ram_size;
		uint64_t kernel_end = out.kernel.val + req.kernel.image_size;

		check(ram_end > req.ram_base);
		check(out.kernel.val == req.ram_base + req.kernel.text_offset);
		check(kernel_end > out.kernel.val && kernel_end <= out.fdt.val);
		check(out.fdt.val % (2 * MIB) == 0);
		check(req.fdt_size <= ram_end - out.fdt.val);
		if (req.initrd_size) {
			check(out.initrd.val >= kernel_end);
			check(out.initrd.val % 4096 == 0);
			check(req.initrd_size <= out.fdt.val - out.initrd.val);
		}
	} else {
		check(memchr(err, '\0', sizeof(err)) && err[0]);
	}
	free(file);
	return 0;
}
