// SPDX-License-Identifier: MIT
/* The kernel's page tables: the low 4 GiB identity-mapped. The kernel image's 2 MiB pages are split
 * into 4 KiB pages so each section gets its own rights (text RX, rodata R, data/bss RW, all else
 * NX); page 0 is left unmapped so a NULL dereference faults; memory the map does not call RAM is
 * mapped uncached (device registers: LAPIC, IOAPIC, PCI BARs). Device memory above 4 GiB (64-bit
 * PCI BARs firmware put there) is identity-mapped on demand by arch_map_mmio. */
#include <arch/context.h>
#include <arch/boot.h>
#include <kernel/errno.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <arch/mmu.h>
#include "x86.h"

#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_PWT		(1ULL << 3)
#define PTE_PCD		(1ULL << 4)
#define PTE_PS		(1ULL << 7)
#define PTE_G		(1ULL << 8)
#define PTE_NX		(1ULL << 63)
#define EFER_NXE	(1ULL << 11)

#define MAP_LIMIT	(4ULL << 30)	/* identity map covers the low 4 GiB */
#define PAGE_2M		(2ULL << 20)
#define KERNEL_PTS	8		/* 4 KiB tables for the first 16 MiB: the image must fit */

extern char __kernel_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint64_t pt[KERNEL_PTS][512] __attribute__((aligned(4096)));

static uint64_t nx;	/* PTE_NX when the CPU has it enabled, else 0 (the bit would be reserved) */

static bool range_has_ram(uint64_t base, uint64_t len)
{
	for (int i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		if (r->type == MEM_RAM && r->base < base + len && base < r->base + r->size)
			return true;
	}
	return false;
}

/* Whether @a is the guard page of a boot-time stack (boot/idle, IST): left unmapped. */
static bool is_static_guard(uint64_t a)
{
	struct arch_stack s[4];
	int n = arch_static_stacks(s, 4);
	for (int i = 0; i < n && i < 4; i++)
		if (a == s[i].guard)
			return true;
	return false;
}

/* Rights of one 4 KiB page inside the kernel's tables. */
static uint64_t kernel_page_flags(uint64_t a)
{
	if (a == 0 || is_static_guard(a))
		return 0;				/* NULL guard, stack guards */
	if (a >= (uint64_t)__text_start && a < (uint64_t)__text_end)
		return PTE_P | PTE_G;			/* RX */
	if (a >= (uint64_t)__rodata_start && a < (uint64_t)__data_start)
		return PTE_P | PTE_G | nx;		/* R */
	if (range_has_ram(a, 4096))
		return PTE_P | PTE_W | PTE_G | nx;	/* RW data, bss, free RAM */
	return PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx;	/* legacy VGA and BIOS area: device */
}

/* Rights of one 2 MiB page elsewhere. A 2 MiB page that holds any RAM is cached: QEMU's device
 * windows (LAPIC, IOAPIC, PCI holes) never share a 2 MiB page with RAM. */
static uint64_t large_page_flags(uint64_t a)
{
	uint64_t f = PTE_P | PTE_W | PTE_PS | nx;
	return range_has_ram(a, PAGE_2M) ? f | PTE_G : f | PTE_PCD | PTE_PWT;
}

void mmu_init(void)
{
	uint64_t kend = ALIGN_UP((uint64_t)__kernel_end, PAGE_2M);

	if (kend / PAGE_2M > KERNEL_PTS)
		panic("kernel image ends at %p: more than the %d MiB mmu_init maps with 4 KiB pages",
		      __kernel_end, KERNEL_PTS * 2);
	if (rdmsr(MSR_EFER) & EFER_NXE)
		nx = PTE_NX;

	pml4[0] = (uint64_t)pdpt | PTE_P | PTE_W;
	for (int g = 0; g < 4; g++) {
		pdpt[g] = (uint64_t)pd[g] | PTE_P | PTE_W;
		for (int i = 0; i < 512; i++) {
			uint64_t a = ((uint64_t)g << 30) + (uint64_t)i * PAGE_2M;
			if (a < kend) {
				uint64_t *t = pt[a / PAGE_2M];
				for (int j = 0; j < 512; j++) {
					uint64_t pa = a + (uint64_t)j * 4096;
					uint64_t f = kernel_page_flags(pa);
					t[j] = f ? pa | f : 0;
				}
				pd[g][i] = (uint64_t)t | PTE_P | PTE_W;
			} else {
				pd[g][i] = a | large_page_flags(a);
			}
		}
	}
	write_cr4(read_cr4() | (1ULL << 7));	/* CR4.PGE: kernel mappings are global */
	write_cr3((uint64_t)pml4);
}

struct page_rights arch_mmu_query(uintptr_t va)
{
	struct page_rights r = { 0 };
	if (va >= MAP_LIMIT)
		return r;
	uint64_t e = pd[va >> 30][(va >> 21) & 511];
	if ((e & PTE_P) && !(e & PTE_PS))
		e = ((uint64_t *)(uintptr_t)(e & 0x000ffffffffff000ULL))[(va >> 12) & 511];
	if (!(e & PTE_P))
		return r;
	r.present = true;
	r.writable = e & PTE_W;
	r.executable = !(e & PTE_NX);
	r.uncached = e & PTE_PCD;
	return r;
}

static struct spinlock mmu_lock = SPINLOCK_INIT;
static unsigned long table_pages;	/* page tables allocated for 2 MiB splits */

unsigned long arch_mmu_table_pages(void)
{
	return READ_ONCE(table_pages);
}

/* The 4 KiB page table entry for @va, splitting its 2 MiB mapping first if needed. */
static uint64_t *pte_for(uintptr_t va)
{
	uint64_t *pde = &pd[va >> 30][(va >> 21) & 511];

	if (*pde & PTE_PS) {
		uint64_t *t = page_alloc(0);
		if (!t)
			return NULL;
		table_pages++;
		uint64_t base = *pde & 0x000fffffffe00000ULL;
		uint64_t flags = *pde & ~(0x000fffffffe00000ULL | PTE_PS);
		for (int j = 0; j < 512; j++)
			t[j] = (base + (uint64_t)j * 4096) | flags;
		*pde = (uint64_t)(uintptr_t)t | PTE_P | PTE_W;
		/* The large mapping is cached as global: flush the whole 2 MiB range. */
		for (int j = 0; j < 512; j++)
			invlpg(base + (uint64_t)j * 4096);
	}
	uint64_t *t = (uint64_t *)(uintptr_t)(*pde & 0x000ffffffffff000ULL);
	return &t[(va >> 12) & 511];
}

int arch_mmu_set_guard(void *page, int guard)
{
	uintptr_t va = (uintptr_t)page;

	if (va & 4095 || va < 4096 || va >= MAP_LIMIT ||
	    (va >= (uintptr_t)__kernel_start && va < (uintptr_t)__kernel_end))
		return -EINVAL;		/* never unmap NULL's neighbours or the kernel image */
	unsigned long flags = spin_lock_irqsave(&mmu_lock);
	uint64_t *pte = pte_for(va);
	if (!pte) {
		spin_unlock_irqrestore(&mmu_lock, flags);
		return -ENOMEM;
	}
	if (guard)
		*pte &= ~PTE_P;
	else
		*pte |= PTE_P;
	invlpg(va);
	spin_unlock_irqrestore(&mmu_lock, flags);
	return 0;
}

/* Physical address bits the CPU implements (CPUID 0x80000008), at most 47 here: above 4 GiB we
 * map device memory at virtual == physical, and a virtual address must stay canonical. */
static unsigned phys_bits(void)
{
	unsigned bits = 36;
	if (cpuid(0x80000000, 0).eax >= 0x80000008)
		bits = cpuid(0x80000008, 0).eax & 0xff;
	return bits > 47 ? 47 : bits;
}

/* The table an entry points to, allocating a zeroed one when the entry is empty. */
static uint64_t *table_at(uint64_t *entry)
{
	if (!(*entry & PTE_P)) {
		uint64_t *t = page_alloc(0);
		if (!t)
			return NULL;
		for (int i = 0; i < 512; i++)
			t[i] = 0;
		table_pages++;
		*entry = (uint64_t)(uintptr_t)t | PTE_P | PTE_W;
	}
	return (uint64_t *)(uintptr_t)(*entry & 0x000ffffffffff000ULL);
}

void *arch_map_mmio(uint64_t phys, size_t len)
{
	if (!len || phys + len < phys)
		return NULL;
	if (phys + len <= MAP_LIMIT)
		return (void *)(uintptr_t)phys;	/* identity map, uncached where it is not RAM */
	if (phys < MAP_LIMIT || phys + len > (1ULL << phys_bits()))
		return NULL;			/* straddles 4 GiB, or beyond what the CPU addresses */

	unsigned long flags = spin_lock_irqsave(&mmu_lock);
	for (uint64_t a = ALIGN_DOWN(phys, PAGE_2M); a < phys + len; a += PAGE_2M) {
		uint64_t *l3 = table_at(&pml4[(a >> 39) & 511]);
		uint64_t *l2 = l3 ? table_at(&l3[(a >> 30) & 511]) : NULL;
		if (!l2) {
			spin_unlock_irqrestore(&mmu_lock, flags);
			return NULL;	/* what was mapped so far stays: harmless device mappings */
		}
		uint64_t *pde = &l2[(a >> 21) & 511];
		if (!(*pde & PTE_P))	/* new entries need no TLB flush */
			*pde = a | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT | nx;
	}
	spin_unlock_irqrestore(&mmu_lock, flags);
	return (void *)(uintptr_t)phys;
}
