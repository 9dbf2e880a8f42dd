/* SPDX-License-Identifier: MIT */
/* The application's memory (kernel/mm.c): regions of user space, pages on first touch, and the
 * memory system calls. */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <arch/memory.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uapi/mman.h>

#define MM_MIN_ADDR	0x10000ULL		/* nothing is mapped below (Linux's mmap_min_addr) */
#define MM_STACK_TOP	0x7ffffffde000ULL	/* the main thread's stack ends here */
#define MM_STACK_SIZE	(8ULL << 20)		/* and may grow this far (RLIMIT_STACK) */
#define MM_VDSO_BASE	(MM_STACK_TOP + (64ULL << 10))	/* the vDSO, above the stack's top */
#define MM_MMAP_TOP	(MM_STACK_TOP - MM_STACK_SIZE - (128ULL << 20))	/* mmap searches below */

#define VMA_STACK	0x1	/* a thread's stack */
#define VMA_BRK		0x2	/* the heap behind brk */

/** mm_init - at boot: the region cache. */
int mm_init(void);
/** mm_reset - unmap all of user space (before loading an executable). */
void mm_reset(void);

/**
 * mm_fault - a page fault at user address @addr (a @write, an instruction fetch when @exec):
 * true when it was resolved (a zeroed page mapped for a region that allows the access), false
 * when the access is not allowed. Any context, interrupts off.
 */
bool mm_fault(uintptr_t addr, bool write, bool exec);
/** mm_range_ok - whether every byte of [@p, @p + @len) lies in user regions the kernel may read
 * (any access but PROT_NONE, as on x86 Linux) or, with @write, write (PROT_WRITE). */
bool mm_range_ok(const void *p, size_t len, bool write);

/* The regions' generation (kernel/mm.c): a thread's range memo is valid while it equals it. */
extern unsigned long mm_gen;

/** mm_map_fixed - a region at [@start, @start + @len) (page-rounded) with @prot and VMA_* @vflags;
 * -EEXIST when something is mapped there already. Pages come on first touch. */
int mm_map_fixed(uintptr_t start, size_t len, unsigned prot, unsigned vflags);
/** mm_populate - map now every page of [@start, @start + @len); -EFAULT outside a region. */
int mm_populate(uintptr_t start, size_t len);
/** mm_write - copy @len bytes to user address @dst through the direct map (the pages must be
 * mapped: mm_populate), whatever the region's rights. */
int mm_write(uintptr_t dst, const void *src, size_t len);
/** mm_set_brk - the heap starts (and ends) at @start, page-rounded up. */
void mm_set_brk(uintptr_t start);

struct mm_stats {
	long pages;		/* user pages mapped */
	long regions;		/* regions */
	uintptr_t brk_start;	/* the heap's bounds */
	uintptr_t brk;
	uint64_t bytes;		/* the regions' total size (the virtual memory size) */
};
void mm_stats(struct mm_stats *s);

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off);
long sys_munmap(unsigned long addr, unsigned long len);
long sys_mprotect(unsigned long addr, unsigned long len, unsigned long prot);
long sys_mremap(unsigned long old, unsigned long old_len, unsigned long new_len,
		unsigned long flags, unsigned long new_addr);
long sys_brk(unsigned long addr);
long sys_madvise(unsigned long addr, unsigned long len, int advice);

#endif
