// SPDX-License-Identifier: MIT
/*
 * PCI enumeration through ECAM (see drivers/pci.h). Runs once at boot on
 * one hart, before any other user of the devices it touches: no locks.
 */
#include <hv/errno.h>
#include "drivers/pci.h"

uint64_t pci_ecam_offset(struct pci_bdf bdf, unsigned reg)
{
	return (uint64_t)bdf.bus << 20 | (uint64_t)(bdf.dev & 0x1f) << 15 |
	       (uint64_t)(bdf.fn & 0x7) << 12 | (reg & 0xfff);
}

unsigned pci_ecam_num_buses(uint64_t size)
{
	uint64_t buses = size / PCI_ECAM_BUS_SIZE;

	return buses > PCI_MAX_BUSES ? PCI_MAX_BUSES : (unsigned)buses;
}

uint32_t pci_bar_size(uint32_t readback)
{
	/* Bits 0-1 of an I/O BAR and bits 0-3 of a memory BAR are flags. */
	uint32_t mask = readback & ((readback & PCI_BAR_IO) ? ~0x3U : ~0xfU);

	return mask & -mask; /* lowest writable address bit; 0 if none */
}

unsigned pci_virt_intx_plic_source(unsigned slot, unsigned pin)
{
	if (pin < 1 || pin > 4)
		return 0;
	return PCI_VIRT_INTX_PLIC_BASE + (slot + pin - 1) % 4;
}

/* The real window: config space is memory-mapped, so an access is a load
 * or store of the register's own width (ECAM allows 1, 2 and 4 bytes;
 * a wider access would touch neighbours, and RW1C status bits next to
 * the command register must not be written back). */
static uint32_t ecam_read(void *ctx, uint64_t offset, unsigned width)
{
	volatile uint8_t *addr = (volatile uint8_t *)ctx + offset;

	switch (width) {
	case 1:
		return *addr;
	case 2:
		return *(volatile uint16_t *)addr;
	default:
		return *(volatile uint32_t *)addr;
	}
}

static void ecam_write(void *ctx, uint64_t offset, unsigned width,
		       uint32_t value)
{
	volatile uint8_t *addr = (volatile uint8_t *)ctx + offset;

	switch (width) {
	case 1:
		*addr = (uint8_t)value;
		break;
	case 2:
		*(volatile uint16_t *)addr = (uint16_t)value;
		break;
	default:
		*(volatile uint32_t *)addr = value;
		break;
	}
}

static const struct pci_config_ops ecam_ops = {
	.read = ecam_read,
	.write = ecam_write,
};

void pci_host_init_ecam(struct pci_host *host, hpa_t base, uint64_t size)
{
	host->ops = &ecam_ops;
	host->ctx = hpa_to_ptr(base);
	host->num_buses = pci_ecam_num_buses(size);
}

uint8_t pci_read8(const struct pci_host *host, struct pci_bdf bdf, unsigned reg)
{
	return (uint8_t)host->ops->read(host->ctx, pci_ecam_offset(bdf, reg),
					1);
}

uint16_t pci_read16(const struct pci_host *host, struct pci_bdf bdf,
		    unsigned reg)
{
	return (uint16_t)host->ops->read(host->ctx,
					 pci_ecam_offset(bdf, reg & ~1U), 2);
}

uint32_t pci_read32(const struct pci_host *host, struct pci_bdf bdf,
		    unsigned reg)
{
	return host->ops->read(host->ctx, pci_ecam_offset(bdf, reg & ~3U), 4);
}

void pci_write16(const struct pci_host *host, struct pci_bdf bdf, unsigned reg,
		 uint16_t value)
{
	host->ops->write(host->ctx, pci_ecam_offset(bdf, reg & ~1U), 2, value);
}

void pci_write32(const struct pci_host *host, struct pci_bdf bdf, unsigned reg,
		 uint32_t value)
{
	host->ops->write(host->ctx, pci_ecam_offset(bdf, reg & ~3U), 4, value);
}

/* True (and *out filled) if bdf is present and has the wanted ids. */
static bool probe_function(const struct pci_host *host, struct pci_bdf bdf,
			   uint16_t vendor, uint16_t device,
			   struct pci_device_info *out)
{
	uint32_t ids = pci_read32(host, bdf, PCI_VENDOR_ID);

	if ((ids & 0xffff) != vendor || ids >> 16 != device)
		return false;
	out->bdf = bdf;
	out->vendor = vendor;
	out->device = device;
	out->class_code = pci_read32(host, bdf, PCI_CLASS_REVISION) >> 8;
	return true;
}

int pci_find_device(const struct pci_host *host, uint16_t vendor,
		    uint16_t device, struct pci_device_info *out)
{
	/* An absent function reads all-ones: never a valid vendor. */
	if (vendor == PCI_VENDOR_NONE)
		return HV_ENOENT;
	for (unsigned bus = 0; bus < host->num_buses; bus++) {
		for (unsigned dev = 0; dev < PCI_MAX_DEVICES; dev++) {
			struct pci_bdf bdf = {(uint8_t)bus, (uint8_t)dev, 0};
			unsigned functions = 1;

			if (pci_read16(host, bdf, PCI_VENDOR_ID) ==
			    PCI_VENDOR_NONE)
				continue;
			/* Single-function devices may answer on every
			 * function number with function 0's registers. */
			if (pci_read8(host, bdf, PCI_HEADER_TYPE) &
			    PCI_HEADER_MULTIFUNCTION)
				functions = PCI_MAX_FUNCTIONS;
			for (unsigned fn = 0; fn < functions; fn++) {
				bdf.fn = (uint8_t)fn;
				if (probe_function(host, bdf, vendor, device,
						   out))
					return HV_OK;
			}
		}
	}
	return HV_ENOENT;
}

int pci_assign_io_bar(const struct pci_host *host, struct pci_bdf bdf,
		      unsigned bar, uint32_t min_port, uint32_t window_size,
		      uint32_t *port, uint32_t *size)
{
	unsigned reg = PCI_BAR0 + 4 * bar;
	uint16_t command;
	uint32_t original, readback, bar_size, base;

	if (bar >= PCI_NUM_BARS ||
	    (pci_read8(host, bdf, PCI_HEADER_TYPE) & PCI_HEADER_LAYOUT_MASK))
		return HV_EINVAL;
	original = pci_read32(host, bdf, reg);
	if (!(original & PCI_BAR_IO))
		return HV_EINVAL;
	/* Sizing moves the BAR through all-ones: no decoding meanwhile. */
	command = pci_read16(host, bdf, PCI_COMMAND);
	pci_write16(host, bdf, PCI_COMMAND,
		    command & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	pci_write32(host, bdf, reg, 0xffffffff);
	readback = pci_read32(host, bdf, reg);
	bar_size = pci_bar_size(readback);
	base = (uint32_t)ALIGN_UP((uint64_t)min_port, bar_size ? bar_size : 1);
	if (!bar_size || !(readback & PCI_BAR_IO) ||
	    (uint64_t)base + bar_size > window_size) {
		pci_write32(host, bdf, reg, original);
		pci_write16(host, bdf, PCI_COMMAND, command);
		return bar_size && (readback & PCI_BAR_IO) ? HV_ERANGE
							   : HV_EINVAL;
	}
	pci_write32(host, bdf, reg, base | PCI_BAR_IO);
	pci_write16(host, bdf, PCI_COMMAND,
		    (command | PCI_COMMAND_IO) & ~PCI_COMMAND_INTX_DISABLE);
	*port = base;
	*size = bar_size;
	return HV_OK;
}

unsigned pci_interrupt_pin(const struct pci_host *host, struct pci_bdf bdf)
{
	return pci_read8(host, bdf, PCI_INTERRUPT_PIN);
}
