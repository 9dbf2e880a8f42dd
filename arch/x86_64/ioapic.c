// SPDX-License-Identifier: MIT
/* The IOAPIC: routes wired interrupts (GSIs) to LAPIC vectors, and the MSI message format. QEMU's
 * q35 and pc machines put the one IOAPIC at 0xfec00000 with 24 inputs, as does most hardware, so
 * the ACPI MADT is not read. Set up on first use: every input is masked then. */
#include <arch/io.h>
#include <arch/ioapic.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>
#include "x86.h"

#define IOAPIC_BASE	0xfec00000UL
#define IOREGSEL	0x00
#define IOWIN		0x10
#define REG_VERSION	0x01
#define REG_REDTBL(n)	(0x10 + 2 * (n))

#define RTE_ACTIVE_LOW	(1u << 13)
#define RTE_LEVEL	(1u << 15)
#define RTE_MASKED	(1u << 16)

#define MSI_ADDR_BASE	0xfee00000UL

static struct spinlock ioapic_lock = SPINLOCK_INIT;
static volatile uint8_t *regs;	/* NULL until set up */
static unsigned pins;		/* redirection entries; 0 when no IOAPIC answered */
static bool probed;

static uint32_t ioapic_read(uint32_t reg)
{
	mmio_write32(regs + IOREGSEL, reg);
	return mmio_read32(regs + IOWIN);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(regs + IOREGSEL, reg);
	mmio_write32(regs + IOWIN, v);
}

/* Caller holds ioapic_lock. */
static void ioapic_probe(void)
{
	if (probed)
		return;
	probed = true;
	regs = arch_map_mmio(IOAPIC_BASE, 4096);	/* below 4 GiB, not RAM: mapped uncached */
	uint32_t ver = ioapic_read(REG_VERSION);
	if (ver == 0xffffffffu || !ver)
		return;				/* nothing decodes the address */
	pins = ((ver >> 16) & 0xff) + 1;
	for (unsigned i = 0; i < pins; i++) {
		ioapic_write(REG_REDTBL(i) + 1, 0);
		ioapic_write(REG_REDTBL(i), RTE_MASKED);
	}
}

unsigned arch_ioapic_pins(void)
{
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);
	ioapic_probe();
	unsigned n = pins;
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return n;
}

int arch_ioapic_route(unsigned gsi, int vector, unsigned how)
{
	if (vector < IRQ_VECTOR_FIRST || vector > IRQ_VECTOR_LAST)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);
	ioapic_probe();
	if (!pins) {
		spin_unlock_irqrestore(&ioapic_lock, flags);
		return -ENODEV;
	}
	if (gsi >= pins) {
		spin_unlock_irqrestore(&ioapic_lock, flags);
		return -EINVAL;
	}
	uint32_t lo = (uint32_t)vector | RTE_MASKED;	/* fixed delivery, physical destination */
	if (how & IOAPIC_LEVEL)
		lo |= RTE_LEVEL;
	if (how & IOAPIC_ACTIVE_LOW)
		lo |= RTE_ACTIVE_LOW;
	ioapic_write(REG_REDTBL(gsi), RTE_MASKED);	/* masked while the halves disagree */
	ioapic_write(REG_REDTBL(gsi) + 1, (lapic_id() & 0xff) << 24);
	ioapic_write(REG_REDTBL(gsi), lo);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

static void ioapic_set_mask(unsigned gsi, bool masked)
{
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);
	ioapic_probe();
	if (gsi < pins) {
		uint32_t lo = ioapic_read(REG_REDTBL(gsi));
		ioapic_write(REG_REDTBL(gsi), masked ? lo | RTE_MASKED : lo & ~RTE_MASKED);
	}
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

void arch_ioapic_mask(unsigned gsi)
{
	ioapic_set_mask(gsi, true);
}

void arch_ioapic_unmask(unsigned gsi)
{
	ioapic_set_mask(gsi, false);
}

/* An MSI is a memory write the LAPIC block at 0xfeeXXXXX decodes: destination APIC ID in address
 * bits 19:12 (physical mode), vector in the data's low byte, fixed delivery, edge-triggered. */
void arch_msi_compose(int vector, uint64_t *addr, uint32_t *data)
{
	*addr = MSI_ADDR_BASE | ((uint64_t)(lapic_id() & 0xff) << 12);
	*data = (uint32_t)vector & 0xff;
}
