// SPDX-License-Identifier: MIT
/*
 * RISC-V Linux "Image" header checks and the boot layout of a VM's RAM.
 *
 * Header (64 bytes, little-endian):
 *   0x00 code0, 0x04 code1   the first two instructions (unused here)
 *   0x08 text_offset         where the image wants to sit above RAM base
 *   0x10 image_size          bytes it occupies once running (bss included)
 *   0x18 flags               bit 0: 0 = little-endian kernel
 *   0x20 version, 0x24 res1, 0x28 res2
 *   0x30 magic               "RISCV\0\0\0", deprecated, not required
 *   0x38 magic2              "RSC\x05", the one that counts
 *   0x3c res3
 *
 * The file is guest-supplied input: the checks here are what lets the
 * layout code below trust text_offset and image_size.
 */
#include <hv/types.h>
#include <hv/errno.h>
#include <hv/image.h>
#include <string.h>
#include <stdio.h>

#define IMAGE_TEXT_OFFSET_AT 0x08
#define IMAGE_SIZE_AT 0x10
#define IMAGE_FLAGS_AT 0x18
#define IMAGE_MAGIC2_AT 0x38
#define IMAGE_FLAG_BIG_ENDIAN BIT(0)
#define FDT_REGION_ALIGN MEGAPAGE_SIZE

/* Byte-wise so the header may sit at any alignment in the archive. */
static uint64_t load_le(const uint8_t *bytes, unsigned count)
{
	uint64_t value = 0;

	for (unsigned i = count; i > 0; i--)
		value = (value << 8) | bytes[i - 1];
	return value;
}

static int image_error(char *err, size_t err_len, int code, const char *what,
		       uint64_t value)
{
	if (err && err_len)
		snprintf(err, err_len, "%s (0x%llx)", what,
			 (unsigned long long)value);
	return code;
}

int image_parse_header(const void *data, size_t file_size,
		       struct riscv_image_info *info, char *err, size_t err_len)
{
	const uint8_t *header = data;
	uint64_t text_offset, image_size, flags;
	uint32_t magic2;

	if (!data || file_size < RISCV_IMAGE_HEADER_SIZE)
		return image_error(err, err_len, HV_EFORMAT,
				   "truncated: file smaller than the 64-byte "
				   "Image header",
				   file_size);
	magic2 = (uint32_t)load_le(header + IMAGE_MAGIC2_AT, 4);
	if (magic2 != RISCV_IMAGE_MAGIC2)
		return image_error(err, err_len, HV_EFORMAT,
				   "bad magic: not a RISC-V Image", magic2);
	flags = load_le(header + IMAGE_FLAGS_AT, 8);
	if (flags & IMAGE_FLAG_BIG_ENDIAN)
		return image_error(err, err_len, HV_EFORMAT,
				   "big-endian kernel not supported", flags);
	text_offset = load_le(header + IMAGE_TEXT_OFFSET_AT, 8);
	if (!IS_ALIGNED(text_offset, PAGE_SIZE))
		return image_error(err, err_len, HV_EFORMAT,
				   "text_offset not 4 KiB aligned",
				   text_offset);
	image_size = load_le(header + IMAGE_SIZE_AT, 8);
	if (image_size == 0)
		return image_error(err, err_len, HV_EFORMAT, "image_size is 0",
				   image_size);
	/* bss comes after the file's bytes, so a running image is never
	 * smaller than its file; if it claims so, the header is wrong. */
	if (image_size < file_size)
		return image_error(err, err_len, HV_EFORMAT,
				   "image_size smaller than the file",
				   image_size);
	if (text_offset + image_size < text_offset)
		return image_error(err, err_len, HV_EFORMAT,
				   "text_offset + image_size overflows",
				   text_offset);

	info->text_offset = text_offset;
	info->image_size = image_size;
	if (err && err_len)
		err[0] = '\0';
	return HV_OK;
}

static int layout_error(char *err, size_t err_len, int code,
			const char *message)
{
	if (err && err_len)
		snprintf(err, err_len, "%s", message);
	return code;
}

/*
 * RAM, from low to high addresses:
 *
 *   ram_base | text_offset | kernel image_size | gap | initrd | DTB region
 *
 * The DTB region is fdt_size rounded up to 2 MiB and ends at the top of
 * RAM, as QEMU does it, so the kernel's early mapping of the DTB never
 * shares a megapage with the initrd. The initrd sits directly below it,
 * page aligned, leaving the whole gap above the kernel for the kernel's
 * own early allocations.
 */
int image_plan_layout(const struct boot_layout_request *req,
		      struct boot_layout *out, char *err, size_t err_len)
{
	char message[160];
	uint64_t ram_size = req->ram_size;
	uint64_t kernel_offset = req->kernel.text_offset;
	uint64_t image_size = req->kernel.image_size;
	uint64_t fdt_region, fdt_offset, kernel_end, initrd_offset = 0;

	if (!IS_ALIGNED(req->ram_base, MEGAPAGE_SIZE) ||
	    !IS_ALIGNED(ram_size, MEGAPAGE_SIZE) || ram_size == 0 ||
	    req->ram_base + ram_size < req->ram_base) {
		snprintf(message, sizeof(message),
			 "RAM 0x%llx+0x%llx is not a 2 MiB aligned range",
			 (unsigned long long)req->ram_base,
			 (unsigned long long)ram_size);
		return layout_error(err, err_len, HV_EINVAL, message);
	}
	if (!IS_ALIGNED(kernel_offset, PAGE_SIZE) || image_size == 0 ||
	    image_size < req->kernel_file_size) {
		snprintf(message, sizeof(message),
			 "kernel text_offset 0x%llx, image_size 0x%llx, file "
			 "0x%llx bytes: not a valid Image",
			 (unsigned long long)kernel_offset,
			 (unsigned long long)image_size,
			 (unsigned long long)req->kernel_file_size);
		return layout_error(err, err_len, HV_EINVAL, message);
	}
	if (kernel_offset > ram_size || image_size > ram_size - kernel_offset) {
		snprintf(message, sizeof(message),
			 "kernel image_size 0x%llx at offset 0x%llx does not "
			 "fit in 0x%llx bytes of RAM",
			 (unsigned long long)image_size,
			 (unsigned long long)kernel_offset,
			 (unsigned long long)ram_size);
		return layout_error(err, err_len, HV_ERANGE, message);
	}
	kernel_end = kernel_offset + image_size;

	/* ram_size is 2 MiB aligned, so rounding fdt_size up once it is
	 * known to be <= ram_size cannot wrap. */
	if (req->fdt_size == 0 || req->fdt_size > ram_size - kernel_end ||
	    ALIGN_UP(req->fdt_size, FDT_REGION_ALIGN) > ram_size - kernel_end) {
		snprintf(message, sizeof(message),
			 "DTB region of 0x%llx bytes (2 MiB aligned) does not "
			 "fit above the kernel end at offset 0x%llx in 0x%llx "
			 "bytes of RAM",
			 (unsigned long long)req->fdt_size,
			 (unsigned long long)kernel_end,
			 (unsigned long long)ram_size);
		return layout_error(err, err_len, HV_ERANGE, message);
	}
	fdt_region = ALIGN_UP(req->fdt_size, FDT_REGION_ALIGN);
	fdt_offset = ram_size - fdt_region;

	if (req->initrd_size) {
		/* fdt_offset is 2 MiB aligned and >= kernel_end, so the
		 * page-rounded kernel end cannot pass it. */
		uint64_t room = fdt_offset - ALIGN_UP(kernel_end, PAGE_SIZE);

		if (req->initrd_size > room) {
			snprintf(message, sizeof(message),
				 "initrd of 0x%llx bytes does not fit between "
				 "the kernel end at offset 0x%llx and the DTB "
				 "at offset 0x%llx",
				 (unsigned long long)req->initrd_size,
				 (unsigned long long)kernel_end,
				 (unsigned long long)fdt_offset);
			return layout_error(err, err_len, HV_ERANGE, message);
		}
		initrd_offset =
			ALIGN_DOWN(fdt_offset - req->initrd_size, PAGE_SIZE);
	}

	out->kernel = gpa(req->ram_base + kernel_offset);
	out->initrd = gpa(req->initrd_size ? req->ram_base + initrd_offset : 0);
	out->fdt = gpa(req->ram_base + fdt_offset);
	if (err && err_len)
		err[0] = '\0';
	return HV_OK;
}
