/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space through ECAM, just enough to find a device the
 * DTB does not describe (QEMU's pci-serial for the gdb stub), give its
 * I/O BAR a port and compute its legacy interrupt.
 *
 * Config accesses go through struct pci_config_ops so that host unit
 * tests can play the devices (tests/unit/test_pci.c); pci_host_init_ecam
 * sets up the real, memory-mapped ECAM window. Every loop is bounded by
 * the window's bus count and the fixed device/function counts. Nothing
 * here programs bridges: devices behind one stay invisible.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <hv/types.h>

#define PCI_MAX_BUSES 256
#define PCI_MAX_DEVICES 32
#define PCI_MAX_FUNCTIONS 8
#define PCI_ECAM_BUS_SIZE (1UL << 20) /* 32 devices x 8 functions x 4 KiB */

/* Type 0 header offsets. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_CLASS_REVISION 0x08 /* class << 8 | revision */
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_INTERRUPT_PIN 0x3d /* 0 none, 1..4 INTA..INTD */

#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_HEADER_LAYOUT_MASK 0x7f /* 0: device, 1: bridge, 2: cardbus */
#define PCI_BAR_IO 0x1
#define PCI_NUM_BARS 6
#define PCI_VENDOR_NONE 0xffff /* what an absent function reads as */

/* QEMU virt's PCI host routes INTx to PLIC sources 32..35, rotated by
 * slot (its DTB interrupt-map: mask 0x1800, i.e. slot mod 4). */
#define PCI_VIRT_INTX_PLIC_BASE 32

struct pci_bdf {
	uint8_t bus, dev, fn;
};

/* offset: from the start of the ECAM window (pci_ecam_offset); width: 1,
 * 2 or 4 bytes, naturally aligned. Reads of nothing return all-ones. */
struct pci_config_ops {
	uint32_t (*read)(void *ctx, uint64_t offset, unsigned width);
	void (*write)(void *ctx, uint64_t offset, unsigned width,
		      uint32_t value);
};

struct pci_host {
	const struct pci_config_ops *ops;
	void *ctx;
	unsigned num_buses; /* buses 0..num_buses-1 are in the window */
};

struct pci_device_info {
	struct pci_bdf bdf;
	uint16_t vendor, device;
	uint32_t class_code; /* base class << 16 | subclass << 8 | prog-if */
};

/* Pure helpers (unit-tested). */

/* Offset of config register reg (0..4095) of bdf in an ECAM window. */
uint64_t pci_ecam_offset(struct pci_bdf bdf, unsigned reg);
/* Buses an ECAM window of size bytes covers, at most PCI_MAX_BUSES. */
unsigned pci_ecam_num_buses(uint64_t size);
/* The size a 32-bit BAR decodes, from what it read back after all-ones
 * was written: 0 if the BAR is not implemented. I/O BARs may hardwire
 * their upper 16 bits to 0; the lowest writable address bit is the size
 * either way. */
uint32_t pci_bar_size(uint32_t readback);
/* PLIC source of a legacy INTx on QEMU virt: slot (device number) and pin
 * (1..4 = INTA..INTD) swizzled; 0 for pin 0 (no interrupt) or pin > 4. */
unsigned pci_virt_intx_plic_source(unsigned slot, unsigned pin);

/* Config space access. */

/* The real ECAM window at base, of size bytes (from the host DTB). */
void pci_host_init_ecam(struct pci_host *host, hpa_t base, uint64_t size);
uint8_t pci_read8(const struct pci_host *host, struct pci_bdf bdf,
		  unsigned reg);
uint16_t pci_read16(const struct pci_host *host, struct pci_bdf bdf,
		    unsigned reg);
uint32_t pci_read32(const struct pci_host *host, struct pci_bdf bdf,
		    unsigned reg);
void pci_write16(const struct pci_host *host, struct pci_bdf bdf, unsigned reg,
		 uint16_t value);
void pci_write32(const struct pci_host *host, struct pci_bdf bdf, unsigned reg,
		 uint32_t value);

/*
 * Find the first function (bus, device, function order) with this vendor
 * and device id. Function 0 of a device is always probed; functions 1..7
 * only when function 0 says the device is multi-function. HV_OK and *out
 * filled, or HV_ENOENT.
 */
int pci_find_device(const struct pci_host *host, uint16_t vendor,
		    uint16_t device, struct pci_device_info *out);

/*
 * Give I/O BAR bar (0..5) of a type 0 function the port at or above
 * min_port aligned to its size, inside an I/O window of window_size
 * ports, and turn on I/O decoding (memory decoding and INTx stay as they
 * were, except that INTx is not disabled). Decoding is off while the BAR
 * is sized. HV_OK with *port and *size set; HV_EINVAL if the BAR is not
 * an implemented I/O BAR or the function is not a type 0 header;
 * HV_ERANGE if it does not fit in the window.
 */
int pci_assign_io_bar(const struct pci_host *host, struct pci_bdf bdf,
		      unsigned bar, uint32_t min_port, uint32_t window_size,
		      uint32_t *port, uint32_t *size);

/* The function's interrupt pin (config 0x3d): 0 none, 1..4 INTA..INTD. */
unsigned pci_interrupt_pin(const struct pci_host *host, struct pci_bdf bdf);

#endif
