/* SPDX-License-Identifier: MIT */
/*
 * A minimal flattened-device-tree reader: walks the structure block to find
 * a property by node path. A path component without '@' matches a node
 * name with any unit address ("/memory" finds "memory@80000000").
 */
#ifndef GUEST_FDT_H
#define GUEST_FDT_H

#include <stdbool.h>
#include <stdint.h>

/* Checks the magic and that the blocks lie inside totalsize. */
bool fdt_valid(const void *fdt);
uint32_t fdt_total_size(const void *fdt);
/* Property value and length, or NULL. */
const void *fdt_get_prop(const void *fdt, const char *path, const char *prop,
			 int *len);
/* A string property, or NULL if missing or not NUL-terminated. */
const char *fdt_get_string(const void *fdt, const char *path, const char *prop);
/* A 1- or 2-cell integer property, or fallback. */
uint64_t fdt_get_u64(const void *fdt, const char *path, const char *prop,
		     uint64_t fallback);
/* Number of direct children of path whose names start with prefix. */
unsigned fdt_count_children(const void *fdt, const char *path,
			    const char *prefix);
uint32_t fdt_be32(const void *p);

#endif
