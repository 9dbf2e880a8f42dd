/* SPDX-License-Identifier: MIT */
/* The physical page allocator: a buddy allocator over the RAM ranges the boot map lists. Memory
 * is identity-mapped, so a page's address is its physical address and a usable pointer. */
#ifndef KERNEL_PAGE_H
#define KERNEL_PAGE_H

#include <arch/boot.h>
#include <kernel/compiler.h>
#include <stdbool.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MAX_ORDER	12	/* largest block: 2^12 pages (16 MiB) */
#define PAGE_MAX_RANGES	16	/* RAM ranges page_range_add accepts */

struct page_stats {
	size_t total;				/* pages managed (metadata pages excluded) */
	size_t free;				/* pages free */
	size_t free_blocks[PAGE_MAX_ORDER + 1];	/* free blocks of each order */
};

/**
 * page_range_add - give the allocator the RAM in [@base, @base + @size).
 * The range is trimmed to whole pages (page 0 is never used: its address is NULL), and its
 * per-page metadata (one byte a page) is carved from its own end. Ranges may come in any order
 * but must not overlap. Returns 0; -EINVAL when nothing usable remains after trimming; -EEXIST
 * when it overlaps a range already added; -ENOSPC past PAGE_MAX_RANGES ranges.
 */
int page_range_add(uintptr_t base, size_t size);

/**
 * page_alloc - 2^@order contiguous pages, aligned to their size; NULL when no block is free or
 * @order > PAGE_MAX_ORDER. Never sleeps; callable from interrupt context.
 */
void *page_alloc(unsigned order);

/**
 * page_free - give back a block page_alloc returned, with the same @order. Freeing anything
 * else (not allocated, already free, wrong order, a slab's pages) panics naming the address.
 */
void page_free(void *p, unsigned order);

/** page_stats - a consistent snapshot of the counters. */
void page_stats(struct page_stats *s);

/* A page-aligned span of usable RAM, [base, end). */
struct page_span {
	uint64_t base;
	uint64_t end;
};

/**
 * page_boot_spans - the part of one boot memory region the allocator may use: MEM_RAM only,
 * minus page 0, minus [640 KiB, @kernel_end) (the legacy hole, then the kernel image that starts
 * at 1 MiB), clipped to the low 4 GiB (the only memory mapped), trimmed to whole pages.
 * Fills up to two spans in @out and returns how many. Pure: host-testable.
 */
int page_boot_spans(const struct mem_region *r, uint64_t kernel_end, struct page_span out[2]);

/**
 * page_init_from_boot - add every usable span of @bi's memory map (see page_boot_spans; the
 * image ends at physical address @kernel_end), minus the boot modules, at its direct-map address;
 * spans page_range_add refuses are reported with printk and skipped.
 * Returns the number of pages added, or -ENOMEM when none could be.
 */
int page_init_from_boot(const struct boot_info *bi, uint64_t kernel_end);

/*
 * For the allocators built on top (slab, kmalloc): a block can be tagged with its owner. Every
 * page of an owned block records the owner and the block's order, so page_owner_of finds the
 * block from any address inside it without taking a lock; page_free refuses an owned block.
 */
enum page_owner {
	PAGE_OWNER_NONE = 0,	/* free, or a plain page_alloc block */
	PAGE_OWNER_SLAB = 1,	/* a slab: its first bytes are the slab header */
	PAGE_OWNER_KMALLOC = 2,	/* a kmalloc allocation too big for the slab caches */
};

/** page_alloc_owned - page_alloc, tagging the block with @owner. */
void *page_alloc_owned(unsigned order, enum page_owner owner);
/** page_free_owned - page_free of a block tagged @owner (panics if the tag differs). */
void page_free_owned(void *p, unsigned order, enum page_owner owner);

/**
 * page_owner_of - the owner of the allocated block that contains @p, and that block's start and
 * order. PAGE_OWNER_NONE (outputs untouched) when @p is not inside an owned block. The caller must
 * own the block (it holds an object in it), so no lock is needed.
 */
enum page_owner page_owner_of(const void *p, void **block, unsigned *order);

#endif
