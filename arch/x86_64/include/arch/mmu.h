/* SPDX-License-Identifier: MIT */
/* What generic code may ask of the page tables. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stdbool.h>
#include <stdint.h>

struct page_rights {
	bool present;
	bool writable;
	bool executable;
	bool uncached;
};

/** arch_mmu_query - the rights the current page tables give the virtual address @va. */
struct page_rights arch_mmu_query(uintptr_t va);

#endif
