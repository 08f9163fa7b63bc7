// SPDX-License-Identifier: MIT
/*
 * Builds a guest's device tree with libfdt's sequential-write API, in the
 * shape Linux expects on QEMU virt: 64-bit root cells, one cpu node per
 * vCPU with its local interrupt controller, and a /soc bus holding the
 * PLIC and the ns16550a console UART.
 *
 * Phandles are fixed by construction (vCPU i's interrupt controller is
 * i + 1, the PLIC comes after them), so nodes written earlier can refer
 * to nodes written later without a fix-up pass.
 *
 * guest_isa_filter() lives here too: the riscv,isa string it produces
 * only exists to be put into these cpu nodes.
 */
#include <hv/types.h>
#include <hv/errno.h>
#include <hv/guest_fdt.h>
#include <string.h>
#include <libfdt.h>

#define SUPERVISOR_EXTERNAL_INTERRUPT 9
#define UNIT_NAME_MAX 32 /* "interrupt-controller@" + 16 hex digits + NUL */
#define SOC_PATH "/soc/"

/* Propagate a libfdt error code; guest_fdt_build() translates it. */
#define FDT_TRY(expr)                    \
	do {                             \
		int fdt_err_ = (expr);   \
		if (fdt_err_ < 0)        \
			return fdt_err_; \
	} while (0)

static uint32_t cpu_intc_phandle(unsigned hart)
{
	return hart + 1;
}

static uint32_t plic_phandle(const struct guest_fdt_params *params)
{
	return params->num_vcpus + 1;
}

/* "prefix@<unit in lower-case hex>", the DT spec's unit-address form. */
static void format_unit_name(char *buf, const char *prefix, uint64_t unit)
{
	char digits[16];
	size_t len = strlen(prefix), count = 0;

	do {
		digits[count++] = "0123456789abcdef"[unit & 0xf];
		unit >>= 4;
	} while (unit);
	memcpy(buf, prefix, len);
	buf[len++] = '@';
	while (count)
		buf[len++] = digits[--count];
	buf[len] = '\0';
}

static int begin_unit_node(void *fdt, const char *prefix, uint64_t unit)
{
	char name[UNIT_NAME_MAX];

	format_unit_name(name, prefix, unit);
	return fdt_begin_node(fdt, name);
}

/* A property with no value ("interrupt-controller", an empty "ranges").
 * Not fdt_property(fdt, name, NULL, 0): that passes NULL to memcpy. */
static int property_empty(void *fdt, const char *name)
{
	void *value;

	return fdt_property_placeholder(fdt, name, 0, &value);
}

/* reg with #address-cells = #size-cells = 2. */
static int property_reg64(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int write_chosen(void *fdt, const struct guest_fdt_params *params)
{
	char stdout_path[sizeof(SOC_PATH) + UNIT_NAME_MAX];

	memcpy(stdout_path, SOC_PATH, sizeof(SOC_PATH));
	format_unit_name(stdout_path + strlen(SOC_PATH), "serial",
			 params->uart_base);

	FDT_TRY(fdt_begin_node(fdt, "chosen"));
	FDT_TRY(fdt_property_string(fdt, "bootargs",
				    params->bootargs ? params->bootargs : ""));
	if (params->initrd_end) {
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-start",
					 params->initrd_start));
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-end",
					 params->initrd_end));
	}
	FDT_TRY(fdt_property_string(fdt, "stdout-path", stdout_path));
	/* Which start of the VM this is (1 at power-on, +1 per SRST
	 * reboot): RAM is zeroed at every start, so this is how a guest
	 * can tell a reboot from a first boot. */
	FDT_TRY(fdt_property_u32(fdt, "hartvisor,boot-count",
				 params->boot_count ? params->boot_count : 1));
	/* Random bytes the guest's RNG may credit, as firmware passes them
	 * (Linux reads and then clears this property). */
	if (params->rng_seed_len)
		FDT_TRY(fdt_property(fdt, "rng-seed", params->rng_seed,
				     (int)params->rng_seed_len));
	return fdt_end_node(fdt);
}

static int write_memory(void *fdt, const struct guest_fdt_params *params)
{
	FDT_TRY(begin_unit_node(fdt, "memory", params->ram_base));
	FDT_TRY(fdt_property_string(fdt, "device_type", "memory"));
	FDT_TRY(property_reg64(fdt, params->ram_base, params->ram_size));
	return fdt_end_node(fdt);
}

static int write_cpu(void *fdt, const struct guest_fdt_params *params,
		     unsigned hart)
{
	FDT_TRY(begin_unit_node(fdt, "cpu", hart));
	FDT_TRY(fdt_property_string(fdt, "device_type", "cpu"));
	FDT_TRY(fdt_property_u32(fdt, "reg", hart));
	FDT_TRY(fdt_property_string(fdt, "status", "okay"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "riscv"));
	FDT_TRY(fdt_property_string(fdt, "riscv,isa", params->isa));
	FDT_TRY(fdt_property_string(fdt, "mmu-type", params->mmu_type));

	FDT_TRY(fdt_begin_node(fdt, "interrupt-controller"));
	/* #address-cells keeps dtc's interrupt_provider check quiet. */
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 0));
	FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	FDT_TRY(property_empty(fdt, "interrupt-controller"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
	FDT_TRY(fdt_property_u32(fdt, "phandle", cpu_intc_phandle(hart)));
	FDT_TRY(fdt_end_node(fdt));

	return fdt_end_node(fdt);
}

static int write_cpus(void *fdt, const struct guest_fdt_params *params)
{
	unsigned hart;

	FDT_TRY(fdt_begin_node(fdt, "cpus"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 0));
	FDT_TRY(fdt_property_u32(fdt, "timebase-frequency",
				 (uint32_t)params->timebase_frequency));
	for (hart = 0; hart < params->num_vcpus; hart++)
		FDT_TRY(write_cpu(fdt, params, hart));
	return fdt_end_node(fdt);
}

static int write_plic(void *fdt, const struct guest_fdt_params *params)
{
	static const char compatible[] = "sifive,plic-1.0.0\0riscv,plic0";
	fdt32_t *cells;
	unsigned hart;

	FDT_TRY(begin_unit_node(fdt, "plic", params->plic_base));
	FDT_TRY(fdt_property(fdt, "compatible", compatible,
			     sizeof(compatible)));
	FDT_TRY(property_reg64(fdt, params->plic_base, params->plic_size));
	FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 0));
	FDT_TRY(property_empty(fdt, "interrupt-controller"));
	FDT_TRY(fdt_property_u32(fdt, "riscv,ndev",
				 params->plic_num_sources - 1));
	/* PLIC context i is the supervisor external interrupt of vCPU i. */
	FDT_TRY(fdt_property_placeholder(fdt, "interrupts-extended",
					 (int)(params->num_vcpus * 8),
					 (void **)&cells));
	for (hart = 0; hart < params->num_vcpus; hart++) {
		cells[2 * hart] = cpu_to_fdt32(cpu_intc_phandle(hart));
		cells[2 * hart + 1] =
			cpu_to_fdt32(SUPERVISOR_EXTERNAL_INTERRUPT);
	}
	FDT_TRY(fdt_property_u32(fdt, "phandle", plic_phandle(params)));
	return fdt_end_node(fdt);
}

static int write_uart(void *fdt, const struct guest_fdt_params *params)
{
	FDT_TRY(begin_unit_node(fdt, "serial", params->uart_base));
	FDT_TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	FDT_TRY(property_reg64(fdt, params->uart_base, params->uart_size));
	FDT_TRY(fdt_property_u32(fdt, "clock-frequency",
				 params->uart_clock_frequency));
	FDT_TRY(fdt_property_u32(fdt, "interrupts", params->uart_irq));
	FDT_TRY(fdt_property_u32(fdt, "interrupt-parent",
				 plic_phandle(params)));
	return fdt_end_node(fdt);
}

static int write_soc(void *fdt, const struct guest_fdt_params *params)
{
	FDT_TRY(fdt_begin_node(fdt, "soc"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
	/* Empty ranges: bus addresses are guest-physical addresses. */
	FDT_TRY(property_empty(fdt, "ranges"));
	FDT_TRY(write_plic(fdt, params));
	FDT_TRY(write_uart(fdt, params));
	return fdt_end_node(fdt);
}

static int write_tree(void *fdt, size_t buf_size,
		      const struct guest_fdt_params *params)
{
	static const char model_prefix[] = "hartvisor,";
	size_t name_len = strlen(params->vm_name);
	char *model;

	FDT_TRY(fdt_create(fdt, (int)MIN(buf_size, (size_t)INT32_MAX)));
	FDT_TRY(fdt_finish_reservemap(fdt));
	FDT_TRY(fdt_begin_node(fdt, ""));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property_string(fdt, "compatible", "riscv-virtio"));
	FDT_TRY(fdt_property_placeholder(fdt, "model",
					 (int)(sizeof(model_prefix) + name_len),
					 (void **)&model));
	memcpy(model, model_prefix, sizeof(model_prefix) - 1);
	memcpy(model + sizeof(model_prefix) - 1, params->vm_name, name_len + 1);
	FDT_TRY(write_chosen(fdt, params));
	FDT_TRY(write_memory(fdt, params));
	FDT_TRY(write_cpus(fdt, params));
	FDT_TRY(write_soc(fdt, params));
	FDT_TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}

/* Reject what would make a tree Linux cannot use (or libfdt cannot
 * size): it is cheaper to say so here than to debug a silent guest. */
static bool params_are_valid(const struct guest_fdt_params *params)
{
	bool has_initrd = params->initrd_start || params->initrd_end;

	return params->vm_name && params->isa && params->mmu_type &&
	       strlen(params->vm_name) < 256 &&
	       strncmp(params->isa, "rv64", 4) == 0 && params->num_vcpus > 0 &&
	       params->num_vcpus <= INT32_MAX / 8 && params->ram_size > 0 &&
	       params->ram_base + params->ram_size > params->ram_base &&
	       params->timebase_frequency > 0 &&
	       params->timebase_frequency <= UINT32_MAX &&
	       (!has_initrd || params->initrd_end > params->initrd_start) &&
	       params->plic_num_sources >= 2 && params->uart_irq > 0 &&
	       params->uart_irq < params->plic_num_sources &&
	       (!params->rng_seed_len ||
		(params->rng_seed &&
		 params->rng_seed_len <= GUEST_FDT_MAX_RNG_SEED));
}

int guest_fdt_build(void *buf, size_t buf_size,
		    const struct guest_fdt_params *params)
{
	int err;

	if (!buf || !params || !params_are_valid(params))
		return HV_EINVAL;
	err = write_tree(buf, buf_size, params);
	if (err == -FDT_ERR_NOSPACE)
		return HV_ENOMEM;
	return err < 0 ? HV_EFAIL : HV_OK;
}

struct isa_writer {
	char *out;
	size_t len, used;
	bool overflow;
};

static void isa_append(struct isa_writer *writer, const char *text,
		       size_t count)
{
	/* Always keep room for the terminating NUL. */
	if (writer->overflow || writer->used + count >= writer->len) {
		writer->overflow = true;
		return;
	}
	memcpy(writer->out + writer->used, text, count);
	writer->used += count;
}

/*
 * The allow-list. An extension is offered to guests only if the
 * hypervisor gives a guest everything it needs and nothing it could use
 * against the hypervisor. Anything absent is dropped, so a new host
 * extension stays hidden until someone decides it is safe. Not offered,
 * for instance: h (no nesting), v, zve and zvl and q (sstatus.VS is off and
 * the FP save area holds 64-bit registers), svpbmt and zicbom/zicboz
 * (henvcfg.PBMTE/CBIE/CBZE are 0, so they would trap), svnapot and
 * svinval (the software VS-stage walker knows no NAPOT PTEs), zihpm and
 * sscofpmf (hcounteren and the SBI PMU do not expose them), zkr (seed
 * CSR), zawrs (wrs traps with hstatus.VTW), zacas/zabha/zcb (forms the
 * MMIO and RAM-access emulation cannot decode), and every vendor 'x'.
 */
static const char guest_single_letters[] = "imafdcgb";
static const char *const guest_extensions[] = {
	/* Base: CSR access and fence.i. */
	"zicsr",
	"zifencei",
	/* cycle, time and instret: hcounteren.CY/TM/IR are set. */
	"zicntr",
	/* Hints and stateless integer or crypto arithmetic. */
	"zihintpause",
	"zihintntl",
	"zicond",
	"zba",
	"zbb",
	"zbc",
	"zbs",
	"zbkb",
	"zbkc",
	"zbkx",
	"zknd",
	"zkne",
	"zknh",
	"zksed",
	"zksh",
	"zkt",
	/* More FP instructions: the f registers and fcsr the hypervisor
	 * saves and restores with the guest's FP state. */
	"zfh",
	"zfhmin",
	"zfa",
	/* Compressed subsets the decoders know (C without Zcb). */
	"zca",
	"zcd",
};

/* Length of a version suffix ("2", "2p0") at the start of text. */
static size_t version_length(const char *text, size_t max)
{
	size_t count = 0;

	while (count < max && text[count] >= '0' && text[count] <= '9')
		count++;
	if (count && count + 1 < max && text[count] == 'p' &&
	    text[count + 1] >= '0' && text[count + 1] <= '9') {
		count++;
		while (count < max && text[count] >= '0' && text[count] <= '9')
			count++;
	}
	return count;
}

/* The name of a multi-letter token without a trailing version. */
static size_t extension_name_length(const char *token, size_t count)
{
	size_t name = count;

	while (name && token[name - 1] >= '0' && token[name - 1] <= '9')
		name--;
	if (name >= 2 && name < count && token[name - 1] == 'p') {
		size_t major = name - 1;

		while (major && token[major - 1] >= '0' &&
		       token[major - 1] <= '9')
			major--;
		if (major < name - 1)
			name = major;
	}
	return name ? name : count;
}

static bool guest_may_have(const char *name, size_t len, bool allow_sstc)
{
	if (len == 4 && strncmp(name, "sstc", 4) == 0)
		return allow_sstc;
	for (size_t i = 0; i < ARRAY_SIZE(guest_extensions); i++)
		if (strlen(guest_extensions[i]) == len &&
		    strncmp(name, guest_extensions[i], len) == 0)
			return true;
	return false;
}

/* 'z', 'x' and 's' begin multi-letter extensions, except the "su" pair
 * that older QEMU listed among the single letters. */
static bool starts_multi_letter(const char *isa)
{
	return isa[0] == 'z' || isa[0] == 'x' ||
	       (isa[0] == 's' && isa[1] != 'u');
}

/* The single letters after "rv64", each with its version if any; returns
 * where the multi-letter part begins. */
static const char *filter_single_letters(struct isa_writer *writer,
					 const char *cursor)
{
	while (*cursor && *cursor != '_' && !starts_multi_letter(cursor)) {
		/* "su": S- and U-mode, which a guest has as VS and VU. */
		size_t count = *cursor == 's' ? 2 : 1;
		bool keep =
			count == 2 || (*cursor >= 'a' && *cursor <= 'z' &&
				       strchr(guest_single_letters, *cursor));

		count += version_length(cursor + count, strlen(cursor + count));
		if (keep)
			isa_append(writer, cursor, count);
		cursor += count;
	}
	return cursor;
}

int guest_isa_filter(const char *host_isa, bool allow_sstc, char *out,
		     size_t out_len)
{
	struct isa_writer writer = {out, out_len, 0, false};
	const char *cursor;

	if (!host_isa || strncmp(host_isa, "rv64", 4) != 0)
		return HV_EINVAL;
	isa_append(&writer, host_isa, 4);
	cursor = filter_single_letters(&writer, host_isa + 4);

	/* Multi-letter extensions, '_'-separated, kept with their version. */
	while (*cursor) {
		size_t count = strcspn(cursor, "_");

		if (count &&
		    guest_may_have(cursor, extension_name_length(cursor, count),
				   allow_sstc)) {
			isa_append(&writer, "_", 1);
			isa_append(&writer, cursor, count);
		}
		cursor += count;
		if (*cursor == '_')
			cursor++;
	}

	if (writer.overflow) {
		if (out_len)
			out[0] = '\0';
		return HV_ENOMEM;
	}
	out[writer.used] = '\0';
	return HV_OK;
}
