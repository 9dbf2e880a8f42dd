/* SPDX-License-Identifier: MIT */
/* Object caches (slabs carved from page_alloc blocks) and kmalloc, the general-purpose allocator
 * built on them. Every function here may be called from interrupt context. */
#ifndef KERNEL_SLAB_H
#define KERNEL_SLAB_H

#include <kernel/compiler.h>
#include <kernel/page.h>

#define KMEM_NAME_MAX		32	/* cache names longer than 31 bytes are cut */
#define KMALLOC_MIN_SIZE	16	/* smallest size class; also every allocation's alignment */
#define KMALLOC_MAX_CACHE_SIZE	2048	/* largest size class; above it kmalloc takes whole pages */
#define KMALLOC_MAX_SIZE	(PAGE_SIZE << PAGE_MAX_ORDER)	/* larger requests get NULL */

struct kmem_cache;

/* A snapshot of one cache's counters. */
struct kmem_cache_stats {
	const char *name;	/* the cache's own copy */
	size_t size;		/* object size */
	size_t in_use;		/* objects allocated now */
	uint64_t total_allocs;	/* objects allocated since the cache was created */
	size_t slabs;		/* slabs held (a cached empty one included) */
	size_t pages;		/* pages those slabs hold */
};

/**
 * kmem_cache_create - a cache of objects of @size bytes, each aligned to @align (0: 8 bytes;
 * otherwise a power of two up to PAGE_SIZE). @name is copied. Returns NULL on a bad size or
 * alignment, or when memory is short. Needs kmalloc_init to have run (the cache is kmalloc'ed).
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);

/**
 * kmem_cache_destroy - free an unused cache and its pages. Panics, naming the cache and the
 * count, if objects are still allocated. NULL is ignored.
 */
void kmem_cache_destroy(struct kmem_cache *c);

/** kmem_cache_lookup - the cache named @name (the first created with it), or NULL. */
struct kmem_cache *kmem_cache_lookup(const char *name);

/** kmem_cache_alloc - one object (contents undefined), or NULL when memory is short. */
void *kmem_cache_alloc(struct kmem_cache *c);
/** kmem_cache_zalloc - one zeroed object, or NULL. */
void *kmem_cache_zalloc(struct kmem_cache *c);

/**
 * kmem_cache_free - give back an object of @c (NULL is ignored). Panics on an address that is
 * not an object of @c, and on a double free (detected cheaply for objects of 16 bytes or more).
 */
void kmem_cache_free(struct kmem_cache *c, void *obj);

/**
 * kmem_cache_shrink - give the cache's empty slab (it keeps at most one for reuse) back to the
 * page allocator. Returns the number of pages released.
 */
size_t kmem_cache_shrink(struct kmem_cache *c);
/** kmem_cache_shrink_all - kmem_cache_shrink on every cache; returns the pages released. */
size_t kmem_cache_shrink_all(void);

/** kmem_cache_stats - a snapshot of @c's counters. */
void kmem_cache_stats(struct kmem_cache *c, struct kmem_cache_stats *s);

/**
 * kmalloc_init - set up the kmalloc size classes (caches "kmalloc-16" ... "kmalloc-2048") and
 * put them on the cache list. Call once, after the page allocator has memory and before any
 * kmalloc or kmem_cache_create; kmalloc before it panics.
 */
void kmalloc_init(void);

/**
 * kmalloc - @size bytes aligned to at least 16 (contents undefined), or NULL when memory is short
 * or @size > KMALLOC_MAX_SIZE. Up to 2048 bytes come from the size-class caches, above that from
 * whole pages. kmalloc(0) returns a unique 16-byte object (never NULL unless memory is short),
 * which kfree accepts like any other.
 */
void *kmalloc(size_t size);
/** kzalloc - kmalloc, zeroed. */
void *kzalloc(size_t size);

/**
 * krealloc - resize @p (NULL: like kmalloc) to @size bytes, keeping the contents up to the smaller
 * of the two sizes. Stays in place when @size falls in the same class; otherwise moves. Returns
 * the new pointer, or NULL with @p untouched when a move finds no memory (a shrink that cannot
 * move keeps @p and returns it).
 */
void *krealloc(void *p, size_t size);

/**
 * kfree - give back memory from kmalloc (or an object of any cache). NULL is ignored. Panics on
 * an address kmalloc did not return, and on a double free where it can tell.
 */
void kfree(void *p);

/** ksize - the usable size of the kmalloc block at @p (at least what was asked for); 0 for NULL. */
size_t ksize(const void *p);

/** kmalloc_cache - the cache kmalloc(@size) uses, or NULL when @size is served by whole pages. */
struct kmem_cache *kmalloc_cache(size_t size);

/* Totals over every cache and the big blocks (leak checks, the counters line of net_stats). */
struct kmem_usage {
	size_t objects;		/* cache objects allocated now */
	size_t bytes;		/* their object sizes summed */
	size_t slab_pages;	/* pages the caches' slabs hold (empty cached slabs included) */
	size_t large_blocks;	/* kmalloc blocks served by whole pages */
	size_t large_pages;	/* pages those blocks hold */
};

/** kmem_usage - a snapshot of the totals (each cache is read under the cache list's lock). */
void kmem_usage(struct kmem_usage *u);

/**
 * meminfo_print - the page counters (total/free/used in pages and KiB, free blocks by order) and
 * one line per cache: name, object size, in use, total allocations, slabs, pages.
 */
void meminfo_print(void);

#endif
