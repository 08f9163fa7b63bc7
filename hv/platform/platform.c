// SPDX-License-Identifier: MIT
/*
 * Host DTB parsing. Only the properties the hypervisor needs; anything
 * missing that it cannot do without is an error with a reason.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <hv/errno.h>
#include <hv/fdt_sanity.h>
#include <hv/platform.h>
#include <hv/secret_wipe.h>

bool platform_isa_has_letter(const char *isa, char letter)
{
	if (strncmp(isa, "rv64", 4) && strncmp(isa, "rv32", 4))
		return false;
	/* Single letters run from after "rv64" to the first '_'. */
	for (const char *p = isa + 4; *p && *p != '_'; p++)
		if (*p == letter)
			return true;
	return false;
}

bool platform_isa_has_extension(const char *isa, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = strchr(isa, '_'); p; p = strchr(p + 1, '_'))
		if (!strncmp(p + 1, name, len) &&
		    (p[1 + len] == '_' || p[1 + len] == '\0'))
			return true;
	return false;
}

static uint64_t read_cells(const fdt32_t *cells, int count)
{
	uint64_t value = 0;

	for (int i = 0; i < count; i++)
		value = (value << 32) | fdt32_to_cpu(cells[i]);
	return value;
}

/* First (base, size) of a node's reg with the root's 2/2 cells. */
static bool read_reg(const void *dtb, int node, uint64_t *base, uint64_t *size)
{
	int len;
	const fdt32_t *reg = fdt_getprop(dtb, node, "reg", &len);

	if (!reg || len < 16)
		return false;
	*base = read_cells(reg, 2);
	if (size)
		*size = read_cells(reg + 2, 2);
	return true;
}

/* A string property, or NULL if absent or not NUL-terminated within its
 * length: a DTB string must never be read past its property. */
static const char *get_string(const void *dtb, int node, const char *name)
{
	int len;
	const char *value = fdt_getprop(dtb, node, name, &len);

	if (!value || len <= 0 || value[len - 1] != '\0')
		return NULL;
	return value;
}

/* The reasons, as the boot report prints them after "hart N: not used, ". */
#define AS_STRING(x) #x
#define EXPANDED_AS_STRING(x) AS_STRING(x)

const char *platform_hart_unused_reason(enum platform_hart_unused reason)
{
	switch (reason) {
	case PLATFORM_HART_DISABLED:
		return "disabled in the DTB";
	case PLATFORM_HART_NO_H:
		return "no H extension";
	case PLATFORM_HART_DUPLICATE:
		return "its hart id is listed twice";
	case PLATFORM_HART_NO_SLOT:
		return "hartvisor supports " EXPANDED_AS_STRING(
			HV_MAX_HARTS) " harts";
	}
	return "unknown reason";
}

/* Counted always, listed while there is room, so the report can say how
 * many more there were. */
static void note_unused(struct platform *out, unsigned hartid,
			enum platform_hart_unused reason)
{
	if (out->num_unused < PLATFORM_MAX_UNUSED)
		out->unused[out->num_unused] =
			(struct platform_unused_hart){hartid, reason};
	out->num_unused++;
}

/*
 * A usable hart gets the next index, except the boot hart, whose index 0 is
 * kept free for it from the start: it is running this code, so it must get
 * a slot wherever the DTB lists it. Slots 1.. follow DTB order.
 */
static void add_usable_hart(struct platform *out, unsigned long boot_hartid,
			    unsigned hartid, bool *boot_seen)
{
	bool duplicate = hartid == boot_hartid && *boot_seen;

	for (unsigned i = 1; i < out->num_harts; i++)
		duplicate |= out->hartids[i] == hartid;
	if (duplicate) {
		note_unused(out, hartid, PLATFORM_HART_DUPLICATE);
	} else if (hartid == boot_hartid) {
		out->hartids[0] = hartid;
		*boot_seen = true;
	} else if (out->num_harts == HV_MAX_HARTS) {
		note_unused(out, hartid, PLATFORM_HART_NO_SLOT);
	} else {
		out->hartids[out->num_harts++] = hartid;
	}
}

static void parse_cpu_node(const void *dtb, int node, unsigned long boot_hartid,
			   struct platform *out, bool *boot_seen)
{
	int len;
	const char *type = get_string(dtb, node, "device_type");
	const fdt32_t *reg = fdt_getprop(dtb, node, "reg", &len);
	const char *isa = get_string(dtb, node, "riscv,isa");
	const char *status = get_string(dtb, node, "status");

	if (!type || strcmp(type, "cpu") || !reg || len < 4 || !isa)
		return;
	unsigned hartid = fdt32_to_cpu(reg[0]);

	/* "ok" is the older spelling some firmware still writes. */
	if (status && strcmp(status, "okay") && strcmp(status, "ok")) {
		note_unused(out, hartid, PLATFORM_HART_DISABLED);
		return;
	}
	if (!platform_isa_has_letter(isa, 'h')) {
		note_unused(out, hartid, PLATFORM_HART_NO_H);
		return;
	}
	add_usable_hart(out, boot_hartid, hartid, boot_seen);
	if (!out->isa[0]) {
		const char *mmu = get_string(dtb, node, "mmu-type");

		snprintf(out->isa, sizeof(out->isa), "%s", isa);
		snprintf(out->mmu_type, sizeof(out->mmu_type), "%s",
			 mmu ? mmu : "riscv,sv39");
	}
}

static int parse_cpus(const void *dtb, unsigned long boot_hartid,
		      struct platform *out, char *err, size_t err_len)
{
	int cpus_node = fdt_path_offset(dtb, "/cpus");
	int node, len;
	bool boot_seen = false;

	if (cpus_node < 0) {
		snprintf(err, err_len, "no /cpus node");
		return HV_EFORMAT;
	}
	const fdt32_t *tb =
		fdt_getprop(dtb, cpus_node, "timebase-frequency", &len);

	if (!tb || (len != 4 && len != 8)) {
		snprintf(err, err_len, "no /cpus/timebase-frequency");
		return HV_EFORMAT;
	}
	out->timebase_frequency = read_cells(tb, len / 4);
	out->num_harts = 1; /* index 0 is the boot hart's */
	fdt_for_each_subnode(node, dtb, cpus_node)
		parse_cpu_node(dtb, node, boot_hartid, out, &boot_seen);
	if (!out->isa[0] || !boot_seen) {
		out->num_harts = 0;
		if (!out->isa[0])
			snprintf(err, err_len,
				 "no enabled hart has the H extension");
		else
			snprintf(err, err_len,
				 "boot hart %lu is not an enabled hart with "
				 "the H extension",
				 boot_hartid);
		return HV_EFORMAT;
	}
	out->has_sstc = platform_isa_has_extension(out->isa, "sstc");
	return HV_OK;
}

/* Returns the PLIC's node, or a negative libfdt error. */
static int parse_devices(const void *dtb, struct platform *out)
{
	int plic;
	int node, len;

	node = fdt_node_offset_by_compatible(dtb, -1, "ns16550a");
	if (node >= 0) {
		read_reg(dtb, node, &out->uart_base, NULL);
		const fdt32_t *irq = fdt_getprop(dtb, node, "interrupts", &len);

		out->uart_irq = irq && len >= 4 ? fdt32_to_cpu(irq[0]) : 0;
	}
	node = fdt_node_offset_by_compatible(dtb, -1, "riscv,plic0");
	if (node < 0)
		node = fdt_node_offset_by_compatible(dtb, -1,
						     "sifive,plic-1.0.0");
	if (node >= 0)
		read_reg(dtb, node, &out->plic_base, &out->plic_size);
	plic = node;
	node = fdt_node_offset_by_compatible(dtb, -1, "pci-host-ecam-generic");
	if (node >= 0) {
		read_reg(dtb, node, &out->pci_ecam_base, &out->pci_ecam_size);
		/* ranges: (flags, pci addr hi, lo, cpu addr hi, lo, size hi, lo) */
		const fdt32_t *ranges = fdt_getprop(dtb, node, "ranges", &len);

		for (int i = 0; ranges && (i + 1) * 28 <= len; i++) {
			const fdt32_t *r = ranges + i * 7;

			if (((fdt32_to_cpu(r[0]) >> 24) & 3) == 1) /* I/O */
				out->pci_io_base = read_cells(r + 3, 2);
		}
	}
	return plic;
}

#define IRQ_S_EXTERNAL 9 /* a cpu-intc's supervisor external interrupt */

/* The hart id of the cpu node that holds interrupt controller intc, or
 * -1 if intc is no riscv,cpu-intc under a cpu node. */
static long intc_hartid(const void *dtb, int intc)
{
	int cpu = fdt_parent_offset(dtb, intc), len;
	const char *type = cpu >= 0 ? get_string(dtb, cpu, "device_type") : 0;
	const fdt32_t *reg =
		cpu >= 0 ? fdt_getprop(dtb, cpu, "reg", &len) : NULL;

	if (fdt_node_check_compatible(dtb, intc, "riscv,cpu-intc") || !type ||
	    strcmp(type, "cpu") || !reg || len < 4)
		return -1;
	return fdt32_to_cpu(reg[0]);
}

int platform_plic_s_context(const struct platform *p, unsigned long hartid)
{
	for (unsigned i = 0; i < p->num_harts; i++)
		if (p->hartids[i] == hartid)
			return p->plic_s_context[i];
	return -1;
}

/*
 * The PLIC's contexts, in order, are the (interrupt controller, cause)
 * pairs of its interrupts-extended: a hart's S-mode context is the one
 * wired to cause 9 of its cpu-intc. QEMU virt happens to make it 2h + 1
 * (an M-mode context first for every hart), but a machine without M-mode
 * contexts, or with harts listed in another order, does not.
 */
static int parse_plic_contexts(const void *dtb, int plic, struct platform *out,
			       char *err, size_t err_len)
{
	int len;
	const fdt32_t *cells =
		fdt_getprop(dtb, plic, "interrupts-extended", &len);

	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		out->plic_s_context[i] = -1;
	for (int context = 0; cells && (context + 1) * 8 <= len; context++) {
		int intc = fdt_node_offset_by_phandle(
			dtb, fdt32_to_cpu(cells[2 * context]));
		long hartid = intc >= 0 ? intc_hartid(dtb, intc) : -1;

		if (hartid < 0 ||
		    fdt32_to_cpu(cells[2 * context + 1]) != IRQ_S_EXTERNAL)
			continue;
		for (unsigned i = 0; i < out->num_harts; i++)
			if (out->hartids[i] == (unsigned long)hartid &&
			    out->plic_s_context[i] < 0)
				out->plic_s_context[i] = context;
	}
	/* The boot hart takes the host's interrupts (console, gdb). */
	if (out->plic_s_context[0] < 0) {
		snprintf(err, err_len,
			 "the PLIC's interrupts-extended wires no S-mode "
			 "context to boot hart %u",
			 out->hartids[0]);
		return HV_EFORMAT;
	}
	return HV_OK;
}

static void parse_chosen(const void *dtb, struct platform *out)
{
	int node = fdt_path_offset(dtb, "/chosen");
	int len, end_len;

	if (node < 0)
		return;
	const fdt32_t *start =
		fdt_getprop(dtb, node, "linux,initrd-start", &len);
	const fdt32_t *end =
		fdt_getprop(dtb, node, "linux,initrd-end", &end_len);

	/* Both the same width, or end would be read past its end. */
	if (start && end && (len == 4 || len == 8) && end_len == len) {
		out->initrd_start = read_cells(start, len / 4);
		out->initrd_end = read_cells(end, len / 4);
		if (out->initrd_end < out->initrd_start)
			out->initrd_start = out->initrd_end = 0;
	}
	const uint8_t *seed = fdt_getprop(dtb, node, "rng-seed", &len);

	if (seed && len > 0) {
		out->rng_seed_len = len < PLATFORM_RNG_SEED_MAX
					    ? (unsigned)len
					    : PLATFORM_RNG_SEED_MAX;
		memcpy(out->rng_seed, seed, out->rng_seed_len);
	}
}

void platform_wipe_rng_seed(void *dtb)
{
	int node = fdt_path_offset(dtb, "/chosen");
	int len = 0;
	void *seed =
		node < 0 ? NULL : fdt_getprop_w(dtb, node, "rng-seed", &len);

	if (seed && len > 0)
		secret_wipe(seed, (size_t)len);
}

static int add_reserved(struct platform *out, uint64_t base, uint64_t size,
			char *err, size_t err_len)
{
	if (size > UINT64_MAX - base) {
		snprintf(err, err_len,
			 "reserved region at %#llx wraps past the top",
			 (unsigned long long)base);
		return HV_EFORMAT;
	}
	if (out->num_reserved == PLATFORM_MAX_RESERVED) {
		snprintf(err, err_len, "more than %d reserved memory regions",
			 PLATFORM_MAX_RESERVED);
		return HV_EFORMAT;
	}
	out->reserved_base[out->num_reserved] = base;
	out->reserved_size[out->num_reserved++] = size;
	return HV_OK;
}

/* #address-cells or #size-cells of /reserved-memory: the binding wants
 * the root's values, so those stand in when a property is missing. */
static int reserved_cells(const void *dtb, int parent, const char *name)
{
	int len;
	const fdt32_t *cells = fdt_getprop(dtb, parent, name, &len);

	if (!cells)
		cells = fdt_getprop(dtb, 0, name, &len);
	if (!cells || len != 4)
		return -1;
	return (int)fdt32_to_cpu(cells[0]);
}

/* Every (base, size) of a /reserved-memory child's reg. */
static int parse_reserved_node(const void *dtb, int node, int address_cells,
			       int size_cells, struct platform *out, char *err,
			       size_t err_len)
{
	int len, entry = 4 * (address_cells + size_cells);
	const fdt32_t *reg = fdt_getprop(dtb, node, "reg", &len);
	const char *name = fdt_get_name(dtb, node, NULL);
	const char *status = get_string(dtb, node, "status");

	if (status && strcmp(status, "okay") && strcmp(status, "ok"))
		return HV_OK; /* disabled: reserves nothing */
	if (!reg) {
		/* "size" without reg asks the OS to place a region; there
		 * is no OS under hartvisor to need it, so none is made. */
		if (fdt_getprop(dtb, node, "size", NULL))
			return HV_OK;
		snprintf(err, err_len, "reserved-memory node %s has no reg",
			 name ? name : "?");
		return HV_EFORMAT;
	}
	if (len == 0 || len % entry) {
		snprintf(err, err_len,
			 "reserved-memory node %s: reg of %d bytes",
			 name ? name : "?", len);
		return HV_EFORMAT;
	}
	for (int i = 0; i < len / entry; i++) {
		const fdt32_t *cells = reg + i * (address_cells + size_cells);
		int ret = add_reserved(
			out, read_cells(cells, address_cells),
			read_cells(cells + address_cells, size_cells), err,
			err_len);

		if (ret)
			return ret;
	}
	return HV_OK;
}

/*
 * Memory the allocator must never hand out: every /memreserve/ entry of
 * the header and every reg of every /reserved-memory child (firmware, a
 * secure monitor, a framebuffer...). Anything that cannot be honoured
 * exactly stops the boot: guessing would give a VM someone else's memory.
 */
static int parse_reserved(const void *dtb, struct platform *out, char *err,
			  size_t err_len)
{
	int count = fdt_num_mem_rsv(dtb), node, ret;

	if (count < 0) {
		snprintf(err, err_len, "bad /memreserve/ block");
		return HV_EFORMAT;
	}
	for (int i = 0; i < count; i++) {
		uint64_t base, size;

		if (fdt_get_mem_rsv(dtb, i, &base, &size)) {
			snprintf(err, err_len, "bad /memreserve/ entry %d", i);
			return HV_EFORMAT;
		}
		ret = add_reserved(out, base, size, err, err_len);
		if (ret)
			return ret;
	}
	int parent = fdt_path_offset(dtb, "/reserved-memory");

	if (parent < 0)
		return HV_OK;
	int address_cells = reserved_cells(dtb, parent, "#address-cells");
	int size_cells = reserved_cells(dtb, parent, "#size-cells");

	if (address_cells < 1 || address_cells > 2 || size_cells < 1 ||
	    size_cells > 2) {
		snprintf(err, err_len,
			 "/reserved-memory: #address-cells %d, #size-cells %d",
			 address_cells, size_cells);
		return HV_EFORMAT;
	}
	fdt_for_each_subnode(node, dtb, parent)
	{
		ret = parse_reserved_node(dtb, node, address_cells, size_cells,
					  out, err, err_len);
		if (ret)
			return ret;
	}
	return HV_OK;
}

int platform_parse(const void *dtb, unsigned long boot_hartid,
		   struct platform *out, char *err, size_t err_len)
{
	memset(out, 0, sizeof(*out));
	/* See fdt_sanity.h for what libfdt's own header check misses. */
	if (fdt_check_header(dtb) || !fdt_structure_is_sane(dtb)) {
		snprintf(err, err_len, "bad DTB header");
		return HV_EFORMAT;
	}
	int ret = parse_cpus(dtb, boot_hartid, out, err, err_len);

	if (ret)
		return ret;
	int mem = fdt_node_offset_by_prop_value(dtb, -1, "device_type",
						"memory", sizeof("memory"));

	if (mem < 0 || !read_reg(dtb, mem, &out->ram_base, &out->ram_size)) {
		snprintf(err, err_len, "no /memory node with a reg");
		return HV_EFORMAT;
	}
	int plic = parse_devices(dtb, out);

	if (!out->uart_base || !out->plic_base) {
		snprintf(err, err_len, "no ns16550a UART or PLIC");
		return HV_EFORMAT;
	}
	ret = parse_plic_contexts(dtb, plic, out, err, err_len);
	if (ret)
		return ret;
	parse_chosen(dtb, out);
	/* The DTB itself is as long as its header says. */
	out->dtb_size = fdt_totalsize(dtb);
	return parse_reserved(dtb, out, err, err_len);
}
