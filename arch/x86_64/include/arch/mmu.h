/* SPDX-License-Identifier: MIT */
/* What generic code may ask of the page tables. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct page_rights {
	bool present;
	bool writable;
	bool executable;
	bool uncached;
};

/** arch_mmu_query - the rights the current page tables give the virtual address @va. */
struct page_rights arch_mmu_query(uintptr_t va);

/** arch_mmu_smep - whether the kernel is kept from executing user pages (SMEP). */
bool arch_mmu_smep(void);

/**
 * arch_tlb_reload - load the page-table root again. On hardware this drops the TLB's non-global
 * entries (the application's); QEMU's TCG drops its whole software TLB and, at that moment
 * only, resizes it to the number of pages used since the previous reload (256 entries at first,
 * doubled while more than 70% were used). Any context.
 */
void arch_tlb_reload(void);

/** arch_kernel_range_ok - whether [@va, @va + @len) lies in the kernel image or the direct map
 * of the low 4 GiB (it may still hold unmapped guard pages). */
bool arch_kernel_range_ok(uintptr_t va, size_t len);

/**
 * arch_map_mmio - make the device memory [@phys, @phys + @len) accessible, uncached, and return
 * its virtual address. Below 4 GiB this is the direct map boot set up; above, 2 MiB pages are
 * added to the direct map (page tables come from page_alloc and are never freed).
 * Returns NULL when @len is 0, the range straddles 4 GiB, lies beyond the CPU's physical address
 * width, or no page is left for a table. Thread context (takes the page-table lock).
 */
void *arch_map_mmio(uint64_t phys, size_t len);

/* User space's page tables. The caller (the kernel's memory manager) serializes all changes to
 * them; every function may run with interrupts off. */
#define ARCH_PROT_READ	0x1
#define ARCH_PROT_WRITE	0x2
#define ARCH_PROT_EXEC	0x4

/** arch_user_map - map the 4 KiB page at user address @va to physical @pa with @prot (ARCH_PROT_*;
 * a page is always readable). Returns 0, or -ENOMEM when a table page cannot be allocated. */
int arch_user_map(uintptr_t va, uint64_t pa, unsigned prot);
/** arch_user_unmap - unmap @va; returns the physical page it mapped, or 0 when none. */
uint64_t arch_user_unmap(uintptr_t va);
/** arch_user_protect - change the rights of the page at @va; false when nothing maps it. */
bool arch_user_protect(uintptr_t va, unsigned prot);
/** arch_user_lookup - the physical page at @va and its rights; false when nothing maps it. */
bool arch_user_lookup(uintptr_t va, uint64_t *pa, unsigned *prot);

#endif
