/* SPDX-License-Identifier: MIT */
/* Thread context switching: what the scheduler needs from the CPU. */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stdint.h>

struct arch_context {
	uint64_t sp;		/* saved stack pointer; callee-saved registers live on that stack */
	uint64_t kstack_top;	/* a user thread's: where entries from user mode land; else 0 */
	uint64_t fs_base;	/* a user thread's TLS base (FS) */
	uint64_t gs_base;	/* a user thread's GS base */
	void *fpu;		/* a user thread's FPU/SSE/AVX state while it is off the CPU */
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
/* A stack the CPU code sets aside at build time (not a thread's page_alloc'd one). */
struct arch_stack {
	const char *name;
	uintptr_t guard;	/* the unmapped 4 KiB page right below the stack */
	uintptr_t top;		/* one past the highest byte */
};

/**
 * arch_static_stacks - the boot stack (the idle thread's) and the exception (IST) stacks, each
 * with a guard page mmu_init leaves unmapped. Fills up to @n entries of @out; returns how many
 * there are.
 */
int arch_static_stacks(struct arch_stack *out, int n);

/** arch_mmu_table_pages - pages taken from the page allocator for page tables (never returned). */
unsigned long arch_mmu_table_pages(void);

#endif
