/* SPDX-License-Identifier: MIT */
/* Thread context switching: what the scheduler needs from the CPU. */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stdint.h>

struct arch_context {
	uint64_t sp;	/* saved stack pointer; callee-saved registers live on that stack */
};

/**
 * arch_context_switch - save the running thread's registers into @prev and resume @next.
 * Returns when some later switch resumes @prev.
 */
void arch_context_switch(struct arch_context *prev, struct arch_context *next);

/**
 * arch_context_init - prepare @ctx so that switching to it calls @start() on the stack whose
 * top (highest address, 16-byte aligned) is @stack_top. @start must never return.
 */
void arch_context_init(struct arch_context *ctx, void *stack_top, void (*start)(void));

/**
 * arch_mmu_set_guard - make the 4 KiB page at @page inaccessible (@guard true) or mapped again.
 * Splits a 2 MiB mapping when needed. Returns 0 or -ENOMEM (no page for the split).
 */
int arch_mmu_set_guard(void *page, int guard);
/** arch_mmu_table_pages - pages taken from the page allocator for page tables (never returned). */
unsigned long arch_mmu_table_pages(void);

#endif
