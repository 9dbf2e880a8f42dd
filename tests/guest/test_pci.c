// SPDX-License-Identifier: MIT
/* PCI enumeration and BAR assignment as pci_init left them, q35 INTx routing, MSI-X mask bits,
 * the IOAPIC's checks, and device memory mapped above 4 GiB. */
#include <arch/memory.h>
#include <arch/ioapic.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <drivers/pci.h>
#include <arch/boot.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>

static bool on_q35(void)
{
	struct pci_dev *h = pci_get(0);
	return h && h->bus == 0 && h->slot == 0 && h->vendor == 0x8086 && h->device == 0x29c0;
}

static struct pci_dev *virtio_with_msix(void)
{
	for (struct pci_dev *d = pci_find_device(0x1af4, 0xffff, NULL); d;
	     d = pci_find_device(0x1af4, 0xffff, d))
		if (d->msix_table)
			return d;
	return NULL;
}

KTEST(pci, host_bridge_first)
{
	ASSERT_GE(pci_count(), 1);
	struct pci_dev *h = pci_get(0);
	EXPECT_EQ(h->bus, 0);
	EXPECT_EQ(h->slot, 0);
	EXPECT_EQ(h->class_code, 0x06);		/* bridge */
	EXPECT_EQ(h->subclass, 0x00);		/* host */
	EXPECT_TRUE(pci_get(pci_count()) == NULL);
	EXPECT_TRUE(pci_get(-1) == NULL);
	EXPECT_TRUE(on_q35());			/* tools/run/qemu.sh boots -machine q35 */
}

KTEST(pci, every_bar_has_a_sane_address)
{
	int bars = 0;
	for (int i = 0; i < pci_count(); i++) {
		struct pci_dev *d = pci_get(i);
		for (int j = 0; j < PCI_NUM_BARS; j++) {
			struct pci_bar *b = &d->bar[j];
			if (!b->size)
				continue;
			bars++;
			EXPECT_NE(b->addr, 0);			/* firmware's or ours */
			EXPECT_EQ(b->size & (b->size - 1), 0);	/* a power of two */
			EXPECT_EQ(b->addr & (b->size - 1), 0);	/* naturally aligned */
			if (b->type == PCI_BAR_IO) {
				EXPECT_LE(b->addr + b->size, 0x10000);
				continue;
			}
			EXPECT_FALSE(boot_addr_is_ram(b->addr, 1));
			/* No two memory BARs overlap. */
			for (int k = 0; k <= i; k++) {
				struct pci_dev *o = pci_get(k);
				for (int m = 0; m < PCI_NUM_BARS; m++) {
					struct pci_bar *c = &o->bar[m];
					if ((k == i && m == j) || !c->size || c->type == PCI_BAR_IO)
						continue;
					EXPECT_FALSE(b->addr < c->addr + c->size &&
						     c->addr < b->addr + b->size);
				}
			}
		}
	}
	printk("    %d functions, %d BARs\n", pci_count(), bars);
}

KTEST(pci, capability_walk)
{
	struct pci_dev *d = pci_find_device(0x1af4, 0xffff, NULL);
	if (!d) {
		printk("    no virtio device: nothing to walk\n");
		return;
	}
	int vendor_caps = 0;
	for (uint8_t c = pci_find_cap(d, PCI_CAP_ID_VNDR, 0); c;
	     c = pci_find_cap(d, PCI_CAP_ID_VNDR, c)) {
		EXPECT_GE(c, 0x40);
		EXPECT_EQ(pci_read8(d, c), PCI_CAP_ID_VNDR);
		vendor_caps++;
	}
	EXPECT_GE(vendor_caps, 4);	/* common, notify, ISR, device (and PCI cfg) */
	EXPECT_EQ(pci_find_cap(d, PCI_CAP_ID_MSIX, 0), d->msix_cap);
	EXPECT_EQ(pci_find_cap(d, 0x42, 0), 0);		/* no such capability */
}

KTEST(pci, q35_intx_routing)
{
	if (!on_q35()) {
		printk("    not a q35 machine: skipped\n");
		return;
	}
	/* Devices made up for the rule pci_intx_gsi documents. */
	struct pci_dev bridge = { .slot = 2, .header = 1, .irq_pin = 1 };
	struct pci_dev devs[] = {
		{ .slot = 1, .irq_pin = 1 },			/* PIRQF */
		{ .slot = 2, .irq_pin = 1 },			/* PIRQG */
		{ .slot = 3, .irq_pin = 2 },			/* (3+1)%4 -> PIRQE */
		{ .slot = 31, .irq_pin = 1 },			/* D31IR: PIRQA */
		{ .slot = 30, .irq_pin = 2 },			/* D30: PIRQF */
		{ .slot = 0, .irq_pin = 1, .parent = &bridge },	/* behind slot 2: PIRQG */
		{ .slot = 1, .irq_pin = 1, .parent = &bridge },	/* swizzled to INTB: PIRQH */
		{ .slot = 4, .irq_pin = 0 },			/* no pin */
	};
	const int gsi[] = { 21, 22, 20, 16, 21, 22, 23, -ENOENT };
	for (size_t i = 0; i < ARRAY_SIZE(devs); i++)
		EXPECT_EQ(pci_intx_gsi(&devs[i]), gsi[i]);
}

KTEST(pci, msix_mask_bits)
{
	struct pci_dev *d = virtio_with_msix();
	if (!d) {
		printk("    no device with MSI-X enabled: skipped\n");
		return;
	}
	volatile uint32_t *ctrl = (volatile uint32_t *)(d->msix_table + 12);	/* entry 0 */
	EXPECT_TRUE(d->msix_entries >= 3);
	EXPECT_EQ(*ctrl & 1, 0);		/* in use: unmasked */
	pci_msix_mask(d, 0);
	EXPECT_EQ(*ctrl & 1, 1);
	pci_msix_unmask(d, 0);
	EXPECT_EQ(*ctrl & 1, 0);
	EXPECT_EQ(pci_msix_set(d, d->msix_entries, 0x40), -EINVAL);
	uint16_t flags = pci_read16(d, d->msix_cap + 2);
	EXPECT_TRUE(flags & (1u << 15));	/* enabled */
	EXPECT_FALSE(flags & (1u << 14));	/* not function-masked */
}

KTEST(pci, ioapic_checks_its_arguments)
{
	unsigned pins = arch_ioapic_pins();
	EXPECT_EQ(pins, 24);			/* QEMU's IOAPIC */
	EXPECT_EQ(arch_ioapic_route(pins, IRQ_VECTOR_FIRST, IOAPIC_LEVEL), -EINVAL);
	EXPECT_EQ(arch_ioapic_route(0, 0x20, 0), -EINVAL);	/* below the device range */
	EXPECT_EQ(arch_ioapic_route(0, 0xf0, 0), -EINVAL);	/* above it */
}

KTEST(pci, map_mmio_above_4g)
{
	/* Below 4 GiB: the direct map boot set up. */
	EXPECT_TRUE(arch_map_mmio(0xfebf0000, 4096) == phys_to_virt(0xfebf0000UL));
	EXPECT_TRUE(arch_map_mmio(0xfebf0000, 0) == NULL);
	EXPECT_TRUE(arch_map_mmio(0xfffff000, 0x2000) == NULL);	/* straddles 4 GiB */
	/* 64 GiB: nothing decodes there in QEMU, but the mapping must exist, uncached. */
	uint64_t high = 64ULL << 30;
	volatile uint32_t *p = arch_map_mmio(high + 0x1000, 0x400000);
	ASSERT_TRUE(p != NULL);
	EXPECT_TRUE(p == phys_to_virt(high + 0x1000));
	(void)p[0];				/* no page fault */
	(void)p[0x3fe000 / 4];			/* nor in the second 2 MiB page */
	EXPECT_TRUE(arch_map_mmio(high + 0x1000, 0x400000) == p);	/* idempotent */
	EXPECT_TRUE(arch_map_mmio(1ULL << 56, 4096) == NULL);	/* beyond any CPU's reach */
}
