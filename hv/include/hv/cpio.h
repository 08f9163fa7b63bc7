/* SPDX-License-Identifier: MIT */
/*
 * Reader for "newc" cpio archives (the format of `cpio -H newc` and of
 * Linux initramfs). The hypervisor receives its VM configs and guest
 * images as one such archive through QEMU's -initrd. Pure logic: builds
 * on the host for unit tests.
 */
#ifndef HV_CPIO_H
#define HV_CPIO_H

#include <hv/types.h>

struct cpio_file {
	const char *name; /* not NUL-terminated: use name_len */
	size_t name_len;  /* without the terminating NUL */
	const void *data;
	size_t size;
	uint32_t mode;
};

/*
 * Read the entry at *offset. On HV_OK fills *file and advances *offset to
 * the next entry. Returns HV_ENOENT at the TRAILER!!! entry, HV_EFORMAT if
 * the archive is malformed or truncated (never reads past archive_size).
 */
int cpio_next(const void *archive, size_t archive_size, size_t *offset,
	      struct cpio_file *file);

/* Find a regular file by name ("./" prefixes are ignored on both sides).
 * HV_OK, HV_ENOENT or HV_EFORMAT. */
int cpio_find(const void *archive, size_t archive_size, const char *name,
	      struct cpio_file *file);

#endif
