// SPDX-License-Identifier: MIT
/* The kernel's page tables (the layout is arch/memory.h's). The direct map covers the low 4 GiB
 * with 2 MiB pages: RAM cached, everything else uncached (device registers: LAPIC, IOAPIC, PCI
 * BARs), all of it not executable. The kernel image is mapped twice with 4 KiB pages: at
 * KERNEL_BASE with each section's rights (text RX, rodata R, data/bss RW), and in the direct map
 * never executable and never writable where it is text or rodata, so no alias breaks W^X. Page 0
 * and the guard pages below the boot-time stacks are left unmapped in both. Device memory above
 * 4 GiB (64-bit PCI BARs) is added to the direct map on demand by arch_map_mmio. User space is
 * empty: the PML4's lower half belongs to whoever maps user pages. */
#include <arch/boot.h>
#include <arch/context.h>
#include <arch/memory.h>
#include <arch/mmu.h>
#include <kernel/errno.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <string.h>
#include "x86.h"

#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_PWT		(1ULL << 3)
#define PTE_PCD		(1ULL << 4)
#define PTE_PS		(1ULL << 7)
#define PTE_G		(1ULL << 8)
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR	0x000ffffffffff000ULL
#define EFER_NXE	(1ULL << 11)

#define PAGE_2M		(2ULL << 20)
#define KERNEL_PTS	8		/* 4 KiB tables for the first 16 MiB: the image must fit */
#define IDX(va, level)	(((va) >> (12 + 9 * (level))) & 511)	/* level 3: PML4 ... 0: PT */

extern char __kernel_phys_start[], __kernel_start[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __kernel_end[];

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt_direct[512] __attribute__((aligned(4096)));
static uint64_t pd_direct[4][512] __attribute__((aligned(4096)));
static uint64_t pt_direct[KERNEL_PTS][512] __attribute__((aligned(4096)));
static uint64_t pdpt_kernel[512] __attribute__((aligned(4096)));
static uint64_t pd_kernel[512] __attribute__((aligned(4096)));
static uint64_t pt_kernel[KERNEL_PTS][512] __attribute__((aligned(4096)));

static uint64_t nx;	/* PTE_NX when the CPU has it enabled, else 0 (the bit would be reserved) */
static bool smep;	/* CR4.SMEP is on */

bool arch_mmu_smep(void)
{
	return smep;
}

/* The entry that points at table @t (a kernel-image or direct-map address). */
static uint64_t table_entry(const void *t)
{
	return virt_to_phys(t) | PTE_P | PTE_W;
}

static bool range_has_ram(uint64_t base, uint64_t len)
{
	for (int i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		if (r->type == MEM_RAM && r->base < base + len && base < r->base + r->size)
			return true;
	}
	return false;
}

/* Whether physical page @pa is the guard page of a boot-time stack (boot/idle, IST). */
static bool is_static_guard(uint64_t pa)
{
	struct arch_stack st[4];
	int n = arch_static_stacks(st, 4);
	for (int i = 0; i < n && i < 4; i++)
		if (pa == virt_to_phys((void *)st[i].guard))
			return true;
	return false;
}

static uint64_t image_phys(const char *sym)
{
	return virt_to_phys(sym);
}

/* Rights of physical page @pa seen at KERNEL_BASE (@image) or in the direct map. */
static uint64_t small_page_flags(uint64_t pa, bool image)
{
	bool text = pa >= image_phys(__text_start) && pa < image_phys(__text_end);
	bool rodata = pa >= image_phys(__rodata_start) && pa < image_phys(__data_start);
	bool in_image = pa >= image_phys(__kernel_start) && pa < image_phys(__kernel_end);

	if (pa == 0 || is_static_guard(pa))
		return 0;				/* NULL, stack guards */
	if (image) {
		if (!in_image)
			return 0;			/* KERNEL_BASE maps the image only */
		if (text)
			return PTE_P | PTE_G;		/* RX */
		if (rodata)
			return PTE_P | PTE_G | nx;	/* R */
		return PTE_P | PTE_W | PTE_G | nx;	/* RW data, bss */
	}
	if (text || rodata)
		return PTE_P | PTE_G | nx;		/* the image's alias: read-only */
	if (range_has_ram(pa, 4096))
		return PTE_P | PTE_W | PTE_G | nx;	/* RW data, bss, free RAM */
	return PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx;	/* legacy VGA and BIOS area: device */
}

/* Rights of one 2 MiB page of the direct map. A 2 MiB page that holds any RAM is cached: QEMU's
 * device windows (LAPIC, IOAPIC, PCI holes) never share a 2 MiB page with RAM. */
static uint64_t large_page_flags(uint64_t pa)
{
	uint64_t f = PTE_P | PTE_W | PTE_PS | nx;
	return range_has_ram(pa, PAGE_2M) ? f | PTE_G : f | PTE_PCD | PTE_PWT;
}

void mmu_init(void)
{
	uint64_t kend = ALIGN_UP(image_phys(__kernel_end), PAGE_2M);

	if (kend / PAGE_2M > KERNEL_PTS)
		panic("kernel image ends at %p: more than the %d MiB mmu_init maps with 4 KiB pages",
		      __kernel_end, KERNEL_PTS * 2);
	if (rdmsr(MSR_EFER) & EFER_NXE)
		nx = PTE_NX;

	/* The image at KERNEL_BASE: 4 KiB pages over its 2 MiB pages, nothing else. */
	pml4[IDX(KERNEL_BASE, 3)] = table_entry(pdpt_kernel);
	pdpt_kernel[IDX(KERNEL_BASE, 2)] = table_entry(pd_kernel);
	for (uint64_t pa = 0; pa < kend; pa += PAGE_2M) {
		uint64_t *t = pt_kernel[pa / PAGE_2M];
		for (int j = 0; j < 512; j++) {
			uint64_t p = pa + (uint64_t)j * 4096;
			uint64_t f = small_page_flags(p, true);
			t[j] = f ? p | f : 0;
		}
		pd_kernel[pa / PAGE_2M] = table_entry(t);
	}

	/* The direct map of the low 4 GiB. */
	pml4[IDX(DIRECT_BASE, 3)] = table_entry(pdpt_direct);
	for (int g = 0; g < 4; g++) {
		pdpt_direct[g] = table_entry(pd_direct[g]);
		for (int i = 0; i < 512; i++) {
			uint64_t pa = ((uint64_t)g << 30) + (uint64_t)i * PAGE_2M;
			if (pa < kend) {
				uint64_t *t = pt_direct[pa / PAGE_2M];
				for (int j = 0; j < 512; j++) {
					uint64_t p = pa + (uint64_t)j * 4096;
					uint64_t f = small_page_flags(p, false);
					t[j] = f ? p | f : 0;
				}
				pd_direct[g][i] = table_entry(t);
			} else {
				pd_direct[g][i] = pa | large_page_flags(pa);
			}
		}
	}
	write_cr4(read_cr4() | (1ULL << 7));	/* CR4.PGE: kernel mappings are global */
	/* SMEP: the kernel never executes an application's pages (a jump there faults). */
	if (cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & (1u << 7))) {
		write_cr4(read_cr4() | (1ULL << 20));
		smep = true;
	}
	write_cr3(virt_to_phys(pml4));
}

void arch_tlb_reload(void)
{
	write_cr3(read_cr3());
}

/* The entry at @level of @va's walk (level 0: the page table entry), or NULL where the walk ends
 * early; *@leaf_level says at which level the mapping ended (a large page ends above 0). */
static uint64_t *walk(uintptr_t va, int *leaf_level)
{
	uint64_t *t = pml4;
	for (int level = 3;; level--) {
		uint64_t *e = &t[IDX(va, level)];
		if (level == 0 || !(*e & PTE_P) || (*e & PTE_PS)) {
			*leaf_level = level;
			return e;
		}
		t = phys_to_virt(*e & PTE_ADDR);
	}
}

struct page_rights arch_mmu_query(uintptr_t va)
{
	struct page_rights r = { 0 };
	int level;
	uint64_t e = *walk(va, &level);

	if (!(e & PTE_P) || (level > 0 && !(e & PTE_PS)))
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

/* The 4 KiB page table entry for mapped kernel address @va, splitting its 2 MiB mapping first if
 * needed; NULL when nothing maps it or no page is left for a table. mmu_lock held. */
static uint64_t *pte_for(uintptr_t va)
{
	int level;
	uint64_t *e = walk(va, &level);

	if (level == 1 && (*e & PTE_P) && (*e & PTE_PS)) {
		uint64_t *t = page_alloc(0);
		if (!t)
			return NULL;
		table_pages++;
		uint64_t base = *e & 0x000fffffffe00000ULL;
		uint64_t flags = *e & ~(0x000fffffffe00000ULL | PTE_PS);
		for (int j = 0; j < 512; j++)
			t[j] = (base + (uint64_t)j * 4096) | flags;
		*e = table_entry(t);
		/* The large mapping is cached as global: flush the whole 2 MiB range. */
		uintptr_t start = va & ~(PAGE_2M - 1);
		for (int j = 0; j < 512; j++)
			invlpg(start + (uint64_t)j * 4096);
		e = &t[IDX(va, 0)];
		level = 0;
	}
	return level == 0 ? e : NULL;
}

int arch_mmu_set_guard(void *page, int guard)
{
	uintptr_t va = (uintptr_t)page;

	if (va & 4095 || va < DIRECT_BASE || va >= DIRECT_BASE + DIRECT_LIMIT ||
	    (va >= (uintptr_t)phys_to_virt(image_phys(__kernel_start)) &&
	     va < (uintptr_t)phys_to_virt(image_phys(__kernel_end))))
		return -EINVAL;		/* direct-map pages only, never the kernel image's */
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

bool arch_kernel_range_ok(uintptr_t va, size_t len)
{
	uintptr_t end = va + len;

	if (end < va)
		return false;
	if (va >= DIRECT_BASE && end <= DIRECT_BASE + DIRECT_LIMIT)
		return true;
	return va >= (uintptr_t)__kernel_start && end <= (uintptr_t)__kernel_end;
}

/* Physical address bits the CPU implements (CPUID 0x80000008), at most 46: the direct map must
 * stay below KERNEL_BASE. */
static unsigned phys_bits(void)
{
	unsigned bits = 36;
	if (cpuid(0x80000000, 0).eax >= 0x80000008)
		bits = cpuid(0x80000008, 0).eax & 0xff;
	return bits > 46 ? 46 : bits;
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
		*entry = table_entry(t);
	}
	return phys_to_virt(*entry & PTE_ADDR);
}

void *arch_map_mmio(uint64_t phys, size_t len)
{
	if (!len || phys + len < phys)
		return NULL;
	if (phys + len <= DIRECT_LIMIT)
		return phys_to_virt(phys);	/* the direct map, uncached where it is not RAM */
	if (phys < DIRECT_LIMIT || phys + len > (1ULL << phys_bits()))
		return NULL;			/* straddles 4 GiB, or beyond what the CPU addresses */

	unsigned long flags = spin_lock_irqsave(&mmu_lock);
	for (uint64_t a = ALIGN_DOWN(phys, PAGE_2M); a < phys + len; a += PAGE_2M) {
		uintptr_t va = (uintptr_t)phys_to_virt(a);
		uint64_t *l3 = table_at(&pml4[IDX(va, 3)]);
		uint64_t *l2 = l3 ? table_at(&l3[IDX(va, 2)]) : NULL;
		if (!l2) {
			spin_unlock_irqrestore(&mmu_lock, flags);
			return NULL;	/* what was mapped so far stays: harmless device mappings */
		}
		uint64_t *pde = &l2[IDX(va, 1)];
		if (!(*pde & PTE_P))	/* new entries need no TLB flush */
			*pde = a | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT | nx;
	}
	spin_unlock_irqrestore(&mmu_lock, flags);
	return phys_to_virt(phys);
}

/* ---- user space ---- */

#define PTE_U		(1ULL << 2)

/* The user page-table entry for @va, allocating the tables on the way when @create (their
 * entries give user access; the leaf decides the rights). NULL when absent or out of memory. */
static uint64_t *user_pte(uintptr_t va, bool create)
{
	uint64_t *t = pml4;
	for (int level = 3; level > 0; level--) {
		uint64_t *e = &t[IDX(va, level)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			uint64_t *n = page_alloc(0);
			if (!n)
				return NULL;
			memset(n, 0, PAGE_SIZE);
			__atomic_add_fetch(&table_pages, 1, __ATOMIC_RELAXED);
			*e = virt_to_phys(n) | PTE_P | PTE_W | PTE_U;
		}
		t = phys_to_virt(*e & PTE_ADDR);
	}
	return &t[IDX(va, 0)];
}

static uint64_t user_flags(unsigned prot)
{
	uint64_t f = PTE_P | PTE_U;
	if (prot & ARCH_PROT_WRITE)
		f |= PTE_W;
	if (!(prot & ARCH_PROT_EXEC))
		f |= nx;
	return f;
}

int arch_user_map(uintptr_t va, uint64_t pa, unsigned prot)
{
	uint64_t *pte = user_pte(va, true);
	if (!pte)
		return -ENOMEM;
	bool was = *pte & PTE_P;
	*pte = pa | user_flags(prot);
	if (was)
		invlpg(va);
	return 0;
}

uint64_t arch_user_unmap(uintptr_t va)
{
	uint64_t *pte = user_pte(va, false);
	if (!pte || !(*pte & PTE_P))
		return 0;
	uint64_t pa = *pte & PTE_ADDR;
	*pte = 0;
	invlpg(va);
	return pa;
}

bool arch_user_protect(uintptr_t va, unsigned prot)
{
	uint64_t *pte = user_pte(va, false);
	if (!pte || !(*pte & PTE_P))
		return false;
	*pte = (*pte & PTE_ADDR) | user_flags(prot);
	invlpg(va);
	return true;
}

bool arch_user_lookup(uintptr_t va, uint64_t *pa, unsigned *prot)
{
	uint64_t *pte = user_pte(va, false);
	if (!pte || !(*pte & PTE_P))
		return false;
	*pa = *pte & PTE_ADDR;
	*prot = ARCH_PROT_READ | (*pte & PTE_W ? ARCH_PROT_WRITE : 0) |
		(*pte & nx ? 0 : ARCH_PROT_EXEC);
	return true;
}
