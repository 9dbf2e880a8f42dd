/* SPDX-License-Identifier: MIT */
/* PCI: configuration space, the devices found at boot, their BARs, capabilities, INTx and MSI-X.
 * The driver-facing side; pci_init enumerates and assigns addresses once, at boot. */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_MAX_DEVICES		64
#define PCI_NUM_BARS		6

/* Configuration space registers (type 0 and 1 headers share the first 16 bytes). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_CLASS_REVISION	0x08
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d

#define PCI_COMMAND_IO		(1u << 0)
#define PCI_COMMAND_MEMORY	(1u << 1)
#define PCI_COMMAND_MASTER	(1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
#define PCI_STATUS_CAP_LIST	(1u << 4)

/* Capability IDs. */
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_EXP		0x10
#define PCI_CAP_ID_MSIX		0x11

enum pci_bar_type {
	PCI_BAR_NONE = 0,	/* not implemented */
	PCI_BAR_IO,		/* I/O ports */
	PCI_BAR_MEM32,		/* memory, 32-bit address */
	PCI_BAR_MEM64,		/* memory, 64-bit address (takes two BAR slots) */
};

struct pci_bar {
	uint64_t addr;		/* bus address (== physical here); 0 while unassigned */
	uint64_t size;		/* bytes decoded; 0 when the BAR is not implemented */
	uint8_t type;		/* enum pci_bar_type */
	bool prefetch;		/* prefetchable memory */
	bool assigned;		/* pci_init chose the address (firmware had left it 0) */
};

struct pci_dev {
	uint8_t bus, slot, func;	/* bus/device/function */
	uint16_t vendor, device;	/* IDs */
	uint8_t class_code;		/* base class (0x02 network, 0x06 bridge, ...) */
	uint8_t subclass;
	uint8_t prog_if;
	uint8_t revision;
	uint8_t header;			/* header layout: 0 device, 1 PCI-PCI bridge */
	uint8_t irq_pin;		/* 1..4 = INTA..INTD, 0 = no INTx */
	uint8_t irq_line;		/* Interrupt Line as firmware left it (a PIC IRQ or 0xff) */
	uint8_t secondary;		/* bridges: the bus behind */
	struct pci_dev *parent;		/* the bridge this device sits behind; NULL on bus 0 */
	struct pci_bar bar[PCI_NUM_BARS];	/* a 64-bit BAR fills slot i; slot i+1 stays NONE */
	uint8_t msix_cap;		/* MSI-X capability offset, 0 when absent */
	uint16_t msix_entries;		/* table size, once pci_msix_enable ran */
	volatile uint8_t *msix_table;	/* mapped table, once pci_msix_enable ran */
};

/**
 * pci_init - enumerate bus 0 and every bus behind PCI-PCI bridges (numbering buses firmware left
 * unnumbered), size every BAR, give addresses to those firmware left at 0 (32-bit memory from the
 * hole between the top of the memory map and the IOAPIC, 0xc0000000 at the lowest; I/O from
 * 0xc000), open bridge windows around what sits behind them, and log one line per device.
 * Decoding and bus mastering stay as firmware left them: pci_enable turns them on per device.
 * Runs once (later calls return the same count). Returns the number of functions found.
 */
int pci_init(void);

/** pci_count / pci_get - the functions found, in scan order; pci_get returns NULL past the end. */
int pci_count(void);
struct pci_dev *pci_get(int index);

/**
 * pci_find_device - the next function after @from (NULL: from the start) with these IDs; 0xffff
 * matches any device ID. NULL when there is none.
 */
struct pci_dev *pci_find_device(uint16_t vendor, uint16_t device, struct pci_dev *from);

/* Configuration space of @d at byte offset @off (naturally aligned for the width). */
uint8_t pci_read8(const struct pci_dev *d, uint16_t off);
uint16_t pci_read16(const struct pci_dev *d, uint16_t off);
uint32_t pci_read32(const struct pci_dev *d, uint16_t off);
void pci_write8(const struct pci_dev *d, uint16_t off, uint8_t v);
void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v);
void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v);

/**
 * pci_find_cap - offset of the first capability @id that comes after offset @after (0: from the
 * list head), or 0 when there is none. A malformed list (a loop, an offset into the header)
 * ends the walk.
 */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t after);

/**
 * pci_bar_map - the memory BAR @bar mapped uncached (above 4 GiB through arch_map_mmio); NULL
 * when it is not an assigned memory BAR or cannot be mapped.
 */
volatile void *pci_bar_map(struct pci_dev *d, int bar);

/**
 * pci_enable - turn on memory and I/O decoding for the BAR kinds @d has, and bus mastering (DMA,
 * MSI writes); the same on every bridge above it, which must forward both ways.
 */
void pci_enable(struct pci_dev *d);

/**
 * pci_intx_gsi - the IOAPIC input @d's INTx pin drives. On q35 (host bridge 8086:29c0) it is
 * computed, never read from the Interrupt Line (firmware writes a PIC IRQ there): swizzle the
 * pin through each bridge ((pin + slot) mod 4), then the ICH9's default routing on bus 0 —
 * slots 0-24: PIRQ[E-H] by (slot + pin) mod 4; slots 25-29 and 31: PIRQ[A-D] = pin; slot 30:
 * PIRQ[E-H] = pin — and PIRQ A-H are wired to GSI 16-23. Elsewhere the Interrupt Line is taken
 * as the GSI (ISA IRQs are GSIs 1:1 on a PC). Returns the GSI, or -ENOENT without a usable pin.
 */
int pci_intx_gsi(const struct pci_dev *d);

/** pci_intx_enable - allow (@on) or forbid @d to assert INTx (Command bit 10). */
void pci_intx_enable(const struct pci_dev *d, bool on);

/**
 * pci_msix_enable - map @d's MSI-X table, mask every entry, and enable MSI-X: Enable is set with
 * Function Mask, the entries are masked one by one, then Function Mask is cleared, so no entry
 * fires before it is programmed and unmasked. INTx is disabled. Returns the number of entries;
 * -ENODEV without the capability; -ENOMEM when the table cannot be mapped.
 */
int pci_msix_enable(struct pci_dev *d);
/** pci_msix_disable - mask every entry and turn MSI-X off (the device falls back to INTx). */
void pci_msix_disable(struct pci_dev *d);
/**
 * pci_msix_set - point entry @entry at CPU vector @vector (arch_msi_compose). The entry's mask is
 * left as it was. Returns 0, or -EINVAL for an entry the table does not have.
 */
int pci_msix_set(struct pci_dev *d, unsigned entry, int vector);
/** pci_msix_mask / pci_msix_unmask - the per-entry mask bit (Vector Control bit 0). */
void pci_msix_mask(struct pci_dev *d, unsigned entry);
void pci_msix_unmask(struct pci_dev *d, unsigned entry);

/** pci_class_name - a short name for a class/subclass pair ("ethernet", "PCI bridge", ...). */
const char *pci_class_name(uint8_t class_code, uint8_t subclass);

#endif
