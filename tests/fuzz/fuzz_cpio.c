// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the boot archive reader (hv/loader/cpio.c): the
 * input is the archive, in a buffer of exactly its size (ASan sees any
 * read past it). Every entry cpio_next returns must lie inside the
 * archive, with its name NUL-terminated there, and the walk must move
 * forward; cpio_find must agree with the walk.
 */
#include <stdlib.h>
#include <hv/errno.h>
#include <hv/cpio.h>
#include "fuzz_check.h"

static bool inside(const uint8_t *archive, size_t size, const void *p,
		   size_t len)
{
	const uint8_t *start = p;

	return start >= archive && start <= archive + size &&
	       len <= (size_t)(archive + size - start);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *archive = malloc(size ? size : 1);
	size_t offset = 0, previous;
	struct cpio_file file, found;
	int ret, entries = 0;
	char first_name[64] = "";

	check(archive);
	memcpy(archive, data, size);
	do {
		previous = offset;
		ret = cpio_next(archive, size, &offset, &file);
		check(ret == HV_OK || ret == HV_ENOENT || ret == HV_EFORMAT);
		if (ret != HV_OK) {
			check(offset == previous);
			break;
		}
		check(offset > previous && offset <= size);
		check(inside(archive, size, file.name, file.name_len + 1));
		check(file.name[file.name_len] == '\0');
		check(inside(archive, size, file.data, file.size));
		if (!entries++ && file.name_len < sizeof(first_name) &&
		    (file.mode & 0170000) == 0100000)
			memcpy(first_name, file.name, file.name_len + 1);
	} while (entries < 10000);

	/* The first regular file is found by its name (unless its name
	 * is empty or only "./"s, which names nothing). */
	ret = cpio_find(archive, size, first_name, &found);
	check(ret == HV_OK || ret == HV_ENOENT || ret == HV_EFORMAT);
	if (ret == HV_OK)
		check(inside(archive, size, found.data, found.size));
	free(archive);
	return 0;
}
