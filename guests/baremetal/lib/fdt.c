// SPDX-License-Identifier: MIT
#include "fdt.h"
#include "util.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static uint32_t header_field(const void *fdt, unsigned index)
{
	return fdt_be32((const uint8_t *)fdt + 4 * index);
}

uint32_t fdt_total_size(const void *fdt)
{
	return header_field(fdt, 1);
}

bool fdt_valid(const void *fdt)
{
	uint32_t total = header_field(fdt, 1);

	return header_field(fdt, 0) == FDT_MAGIC &&
	       header_field(fdt, 2) < total && /* off_dt_struct */
	       header_field(fdt, 3) < total && /* off_dt_strings */
	       header_field(fdt, 2) + header_field(fdt, 9) <= total;
}

/* Does node name match one path component (not NUL-terminated)? */
static bool component_matches(const char *name, const char *comp, size_t len)
{
	bool comp_has_unit = false;

	for (size_t i = 0; i < len; i++)
		comp_has_unit |= comp[i] == '@';
	if (strncmp(name, comp, len))
		return false;
	return name[len] == '\0' || (name[len] == '@' && !comp_has_unit);
}

/* Pointer to the idx-th component of path and its length, or NULL. */
static const char *path_component(const char *path, unsigned idx, size_t *len)
{
	for (;;) {
		while (*path == '/')
			path++;
		if (!*path)
			return NULL;
		size_t n = 0;
		while (path[n] && path[n] != '/')
			n++;
		if (!idx--) {
			*len = n;
			return path;
		}
		path += n;
	}
}

struct fdt_query {
	const char *path;
	const char *prop;	  /* property to find, or NULL */
	const char *child_prefix; /* children to count, or NULL */
	const void *value;
	int len;
	unsigned children;
};

/*
 * One pass over the structure block. matched is the depth of the deepest
 * open node whose ancestry matches the path so far (the root is depth 1).
 */
static void fdt_walk(const void *fdt, struct fdt_query *q)
{
	const uint8_t *base = fdt;
	const uint8_t *p = base + header_field(fdt, 2);
	const uint8_t *end = p + header_field(fdt, 9);
	const char *strings = (const char *)base + header_field(fdt, 3);
	unsigned ncomp = 0, depth = 0, matched = 0;
	size_t clen = 0;

	while (path_component(q->path, ncomp, &clen))
		ncomp++;
	while (p + 4 <= end) {
		uint32_t token = fdt_be32(p);

		p += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			size_t nlen = strlen(name);

			p += (nlen + 4) & ~3UL;
			depth++;
			if (q->child_prefix && matched == depth - 1 &&
			    depth == ncomp + 2 &&
			    !strncmp(name, q->child_prefix,
				     strlen(q->child_prefix)))
				q->children++;
			if (depth == 1) {
				matched = 1;
			} else if (matched == depth - 1 && depth - 1 <= ncomp) {
				const char *comp = path_component(
					q->path, depth - 2, &clen);
				if (component_matches(name, comp, clen))
					matched = depth;
			}
		} else if (token == FDT_END_NODE) {
			if (matched == depth)
				matched--;
			if (!depth--)
				return;
		} else if (token == FDT_PROP) {
			if (p + 8 > end)
				return;
			uint32_t len = fdt_be32(p);
			const char *name = strings + fdt_be32(p + 4);

			if (q->prop && matched == depth && depth == ncomp + 1 &&
			    !strcmp(name, q->prop) && p + 8 + len <= end) {
				q->value = p + 8;
				q->len = (int)len;
				return;
			}
			p += 8 + ((len + 3) & ~3UL);
		} else if (token != FDT_NOP) {
			return; /* FDT_END or garbage */
		}
	}
}

const void *fdt_get_prop(const void *fdt, const char *path, const char *prop,
			 int *len)
{
	struct fdt_query q = {.path = path, .prop = prop};

	if (!fdt_valid(fdt))
		return NULL;
	fdt_walk(fdt, &q);
	if (len)
		*len = q.len;
	return q.value;
}

const char *fdt_get_string(const void *fdt, const char *path, const char *prop)
{
	int len;
	const char *s = fdt_get_prop(fdt, path, prop, &len);

	if (!s || len < 1 || s[len - 1] != '\0')
		return NULL;
	return s;
}

uint64_t fdt_get_u64(const void *fdt, const char *path, const char *prop,
		     uint64_t fallback)
{
	int len;
	const uint8_t *v = fdt_get_prop(fdt, path, prop, &len);

	if (v && len == 4)
		return fdt_be32(v);
	if (v && len == 8)
		return (uint64_t)fdt_be32(v) << 32 | fdt_be32(v + 4);
	return fallback;
}

unsigned fdt_count_children(const void *fdt, const char *path,
			    const char *prefix)
{
	struct fdt_query q = {.path = path, .child_prefix = prefix};

	if (!fdt_valid(fdt))
		return 0;
	fdt_walk(fdt, &q);
	return q.children;
}
