/* SPDX-License-Identifier: MIT */
/*
 * RISC-V "Image" header checks and the guest-physical layout of a boot:
 * where the kernel, initrd and DTB go in a VM's RAM. Pure logic.
 */
#ifndef HV_IMAGE_H
#define HV_IMAGE_H

#include <hv/types.h>

#define RISCV_IMAGE_HEADER_SIZE 64
#define RISCV_IMAGE_MAGIC2 0x05435352U /* "RSC\x05" at offset 0x38 */

struct riscv_image_info {
	uint64_t text_offset; /* load offset from the start of RAM */
	uint64_t
		image_size; /* bytes the image occupies once loaded (incl. bss) */
};

/* Validate the 64-byte header of an Image of file_size bytes. On failure
 * returns HV_EFORMAT and writes a reason ("bad magic", "truncated", ...). */
int image_parse_header(const void *data, size_t file_size,
		       struct riscv_image_info *info, char *err,
		       size_t err_len);

struct boot_layout_request {
	uint64_t ram_base;
	uint64_t ram_size;
	struct riscv_image_info kernel;
	uint64_t kernel_file_size;
	uint64_t initrd_size; /* 0 = no initrd */
	uint64_t fdt_size;    /* room to reserve for the guest DTB */
};

struct boot_layout {
	gpa_t kernel;
	gpa_t initrd; /* valid only when initrd_size != 0 */
	gpa_t fdt;
};

/*
 * Place the kernel at ram_base + text_offset, the DTB at the top of RAM
 * (2 MiB aligned, as QEMU does), and the initrd below the DTB, above the
 * kernel's image_size. Returns HV_ERANGE with a reason if it doesn't fit.
 */
int image_plan_layout(const struct boot_layout_request *req,
		      struct boot_layout *out, char *err, size_t err_len);

#endif
