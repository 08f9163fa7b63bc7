// SPDX-License-Identifier: MIT
/*
 * Reader for "newc" cpio archives (magic "070701").
 *
 * An entry is a 110-byte ASCII header, the NUL-terminated name, padding to
 * a 4-byte boundary, the file data and padding to a 4-byte boundary again.
 * Every header field after the magic is 8 hexadecimal digits.
 *
 * The archive comes from outside the hypervisor (QEMU's -initrd), so every
 * length is treated as hostile: all arithmetic is done as "how much is
 * left" subtractions that cannot wrap, and nothing is read past
 * archive_size. Padding is measured from the start of the archive, which
 * is how `cpio -H newc` and the kernel's gen_init_cpio lay it out.
 */
#include <hv/types.h>
#include <hv/errno.h>
#include <hv/cpio.h>
#include <hv/hex.h>
#include <string.h>

#define CPIO_MAGIC "070701"
#define CPIO_MAGIC_LEN 6
#define CPIO_FIELD_LEN 8
#define CPIO_HEADER_SIZE 110
#define CPIO_TRAILER_NAME "TRAILER!!!"

/* Field order in the header, after the magic. */
enum cpio_field {
	CPIO_INO,
	CPIO_MODE,
	CPIO_UID,
	CPIO_GID,
	CPIO_NLINK,
	CPIO_MTIME,
	CPIO_FILESIZE,
	CPIO_DEVMAJOR,
	CPIO_DEVMINOR,
	CPIO_RDEVMAJOR,
	CPIO_RDEVMINOR,
	CPIO_NAMESIZE,
	CPIO_CHECK,
	CPIO_NUM_FIELDS,
};

#define CPIO_MODE_TYPE_MASK 0170000U
#define CPIO_MODE_REGULAR 0100000U

/* Parse exactly 8 hex digits; anything else (spaces, signs, "0x") is
 * rejected rather than silently read as a shorter number. */
static int parse_hex_field(const char *text, uint32_t *value)
{
	uint32_t result = 0;

	for (unsigned i = 0; i < CPIO_FIELD_LEN; i++) {
		int digit = hex_digit_value(text[i]);

		if (digit < 0)
			return HV_EFORMAT;
		result = (result << 4) | (uint32_t)digit;
	}
	*value = result;
	return HV_OK;
}

/* Round offset up to 4 and check the result still lies inside the
 * archive. offset <= archive_size on entry, so it cannot wrap. */
static int align_within(size_t offset, size_t archive_size, size_t *aligned)
{
	size_t padding = (4 - (offset & 3)) & 3;

	if (padding > archive_size - offset)
		return HV_EFORMAT;
	*aligned = offset + padding;
	return HV_OK;
}

int cpio_next(const void *archive, size_t archive_size, size_t *offset,
	      struct cpio_file *file)
{
	const char *base = archive;
	uint32_t fields[CPIO_NUM_FIELDS];
	size_t pos = *offset;
	size_t name_pos, data_pos, end_pos;

	if (!archive || pos > archive_size ||
	    archive_size - pos < CPIO_HEADER_SIZE)
		return HV_EFORMAT;
	if (memcmp(base + pos, CPIO_MAGIC, CPIO_MAGIC_LEN) != 0)
		return HV_EFORMAT;
	for (unsigned i = 0; i < CPIO_NUM_FIELDS; i++) {
		const char *text = base + pos + CPIO_MAGIC_LEN +
				   (size_t)i * CPIO_FIELD_LEN;

		if (parse_hex_field(text, &fields[i]) != HV_OK)
			return HV_EFORMAT;
	}

	/* namesize counts the NUL, which must be the name's only one. */
	uint32_t name_size = fields[CPIO_NAMESIZE];

	name_pos = pos + CPIO_HEADER_SIZE;
	if (name_size == 0 || name_size > archive_size - name_pos)
		return HV_EFORMAT;
	const char *name = base + name_pos;
	size_t name_len = name_size - 1;

	if (memchr(name, '\0', name_len) || name[name_len] != '\0')
		return HV_EFORMAT;

	if (name_len == strlen(CPIO_TRAILER_NAME) &&
	    memcmp(name, CPIO_TRAILER_NAME, name_len) == 0)
		return HV_ENOENT;

	if (align_within(name_pos + name_size, archive_size, &data_pos) !=
	    HV_OK)
		return HV_EFORMAT;
	uint32_t data_size = fields[CPIO_FILESIZE];

	if (data_size > archive_size - data_pos)
		return HV_EFORMAT;
	if (align_within(data_pos + data_size, archive_size, &end_pos) != HV_OK)
		return HV_EFORMAT;

	file->name = name;
	file->name_len = name_len;
	file->data = base + data_pos;
	file->size = data_size;
	file->mode = fields[CPIO_MODE];
	*offset = end_pos;
	return HV_OK;
}

/* Drop every leading "./" so "./etc/vm.dtb", "etc/vm.dtb" and
 * "././etc/vm.dtb" all name the same file. */
static void strip_dot_slash(const char **name, size_t *len)
{
	while (*len >= 2 && (*name)[0] == '.' && (*name)[1] == '/') {
		*name += 2;
		*len -= 2;
	}
}

int cpio_find(const void *archive, size_t archive_size, const char *name,
	      struct cpio_file *file)
{
	const char *wanted = name;
	size_t wanted_len;
	size_t offset = 0;
	struct cpio_file entry;
	int ret;

	if (!name)
		return HV_ENOENT;
	wanted_len = strlen(name);
	strip_dot_slash(&wanted, &wanted_len);
	if (wanted_len == 0)
		return HV_ENOENT;

	while ((ret = cpio_next(archive, archive_size, &offset, &entry)) ==
	       HV_OK) {
		const char *entry_name = entry.name;
		size_t entry_len = entry.name_len;

		if ((entry.mode & CPIO_MODE_TYPE_MASK) != CPIO_MODE_REGULAR)
			continue;
		strip_dot_slash(&entry_name, &entry_len);
		if (entry_len == wanted_len &&
		    memcmp(entry_name, wanted, wanted_len) == 0) {
			*file = entry;
			return HV_OK;
		}
	}
	return ret;
}
