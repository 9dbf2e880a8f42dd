// SPDX-License-Identifier: MIT
/* The physical page allocator: a binary buddy system over up to PAGE_MAX_RANGES RAM ranges, with
 * one metadata byte per page carved from each range. Free blocks are linked through their own
 * first bytes (memory is identity-mapped), one list per order.
 *
 * Locking: page_mem.lock (irqsave) protects the free lists, the counters and every metadata byte
 * of free blocks and block heads. page_owner_of reads metadata without it: the bytes it reads
 * belong to a block its caller holds, which nobody else changes. Callers may hold a slab cache
 * lock (order: cache lock, then page_mem.lock); nothing here calls out while holding it. */
#include <arch/memory.h>
#include <kernel/errno.h>
#include <kernel/list.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <string.h>

/* The metadata byte of each page. */
#define PM_ORDER	0x0f	/* order of the block (on its head; on every page of an owned block) */
#define PM_FREE		0x10	/* head of a free block, on free[order] */
#define PM_ALLOC	0x20	/* head of an allocated block */
#define PM_OWNER_SHIFT	6	/* enum page_owner, on every page of an owned block */
/* A page inside a block but not its head (and not owned) has metadata 0. */

#define LOW_MEM_END	0xa0000ULL	/* 640 KiB: the legacy hole and the kernel image follow */
#define MAP_LIMIT	(4ULL << 30)	/* only the low 4 GiB are mapped */

struct page_range {
	uintptr_t base;		/* first managed page */
	uintptr_t end;		/* end of the managed pages; the metadata pages follow */
	uintptr_t top;		/* end of the range as added (metadata included) */
	uint8_t *meta;		/* one PM_ byte per managed page */
};

/* The allocator's state, a plain global so a debugger can read it (tools/gdb: "page_mem"). */
struct page_mem {
	struct spinlock lock;				/* see the locking note above */
	bool ready;					/* free lists initialised */
	uint32_t free_mask;				/* bit k set: free[k] is not empty */
	struct list_head free[PAGE_MAX_ORDER + 1];	/* free blocks of each order (LIFO) */
	size_t nr_free[PAGE_MAX_ORDER + 1];		/* length of each free list */
	size_t total_pages;				/* managed pages */
	size_t free_pages;				/* pages on the free lists */
	int nr_ranges;					/* published with release after ranges[] */
	struct page_range ranges[PAGE_MAX_RANGES];	/* in the order they were added */
};

struct page_mem page_mem = { .lock = SPINLOCK_INIT };

static const char *const owner_name[4] = {
	"page_alloc", "the slab allocator", "kmalloc", "(bad owner)",
};

/* Ranges never move once published, so lookups need no lock. Usually one or two ranges. */
static struct page_range *range_of(uintptr_t a)
{
	int n = __atomic_load_n(&page_mem.nr_ranges, __ATOMIC_ACQUIRE);

	for (int i = 0; i < n; i++) {
		struct page_range *r = &page_mem.ranges[i];
		if (a - r->base < r->end - r->base)
			return r;
	}
	return NULL;
}

static inline uint8_t *meta_of(const struct page_range *r, uintptr_t a)
{
	return &r->meta[(a - r->base) >> PAGE_SHIFT];
}

static void free_list_add(struct page_range *r, uintptr_t a, unsigned k)
{
	*meta_of(r, a) = PM_FREE | k;
	list_add((struct list_head *)a, &page_mem.free[k]);
	page_mem.nr_free[k]++;
	page_mem.free_mask |= 1u << k;
}

static void free_list_del(struct page_range *r, uintptr_t a, unsigned k)
{
	*meta_of(r, a) = 0;
	list_del_init((struct list_head *)a);
	if (--page_mem.nr_free[k] == 0)
		page_mem.free_mask &= ~(1u << k);
}

int page_range_add(uintptr_t base, size_t size)
{
	if (base > UINTPTR_MAX - PAGE_SIZE || size > UINTPTR_MAX - base)
		return -EINVAL;
	uintptr_t start = MAX(ALIGN_UP(base, PAGE_SIZE), PAGE_SIZE);	/* page 0 would be NULL */
	uintptr_t top = ALIGN_DOWN(base + size, PAGE_SIZE);
	if (start >= top)
		return -EINVAL;
	size_t pages = (top - start) >> PAGE_SHIFT;
	size_t meta_pages = (pages + PAGE_SIZE) / (PAGE_SIZE + 1);	/* ceil(pages / 4097) */
	size_t n = pages - meta_pages;
	if (!n)
		return -EINVAL;
	uintptr_t end = start + (n << PAGE_SHIFT);

	unsigned long flags = spin_lock_irqsave(&page_mem.lock);
	int err = 0;
	for (int i = 0; i < page_mem.nr_ranges; i++) {
		const struct page_range *o = &page_mem.ranges[i];
		if (start < o->top && o->base < top) {
			err = -EEXIST;
			goto out_unlock;
		}
	}
	if (page_mem.nr_ranges == PAGE_MAX_RANGES) {
		err = -ENOSPC;
		goto out_unlock;
	}
	if (!page_mem.ready) {
		for (int k = 0; k <= PAGE_MAX_ORDER; k++)
			list_init(&page_mem.free[k]);
		page_mem.ready = true;
	}
	struct page_range *r = &page_mem.ranges[page_mem.nr_ranges];
	r->base = start;
	r->end = end;
	r->top = top;
	r->meta = (uint8_t *)end;
	memset(r->meta, 0, n);
	__atomic_store_n(&page_mem.nr_ranges, page_mem.nr_ranges + 1, __ATOMIC_RELEASE);

	/* Cut the range into the largest naturally aligned blocks that fit. */
	for (uintptr_t a = start; a < end;) {
		unsigned k = PAGE_MAX_ORDER;
		while (k && ((a & ((PAGE_SIZE << k) - 1)) || end - a < (PAGE_SIZE << k)))
			k--;
		free_list_add(r, a, k);
		a += PAGE_SIZE << k;
	}
	page_mem.total_pages += n;
	page_mem.free_pages += n;
out_unlock:
	spin_unlock_irqrestore(&page_mem.lock, flags);
	return err;
}

void *page_alloc_owned(unsigned order, enum page_owner owner)
{
	if (order > PAGE_MAX_ORDER)
		return NULL;

	unsigned long flags = spin_lock_irqsave(&page_mem.lock);
	uint32_t avail = page_mem.free_mask >> order;
	if (!avail) {
		spin_unlock_irqrestore(&page_mem.lock, flags);
		return NULL;
	}
	unsigned k = order + (unsigned)__builtin_ctz(avail);
	uintptr_t a = (uintptr_t)page_mem.free[k].next;
	struct page_range *r = range_of(a);
	free_list_del(r, a, k);
	while (k > order) {	/* split: the upper halves go back on the free lists */
		k--;
		free_list_add(r, a + (PAGE_SIZE << k), k);
	}
	uint8_t *m = meta_of(r, a);
	m[0] = (uint8_t)(PM_ALLOC | order | (unsigned)owner << PM_OWNER_SHIFT);
	if (owner != PAGE_OWNER_NONE)
		memset(m + 1, (int)(order | (unsigned)owner << PM_OWNER_SHIFT), (1UL << order) - 1);
	page_mem.free_pages -= 1UL << order;
	spin_unlock_irqrestore(&page_mem.lock, flags);
	return (void *)a;
}

void *page_alloc(unsigned order)
{
	return page_alloc_owned(order, PAGE_OWNER_NONE);
}

void page_free_owned(void *p, unsigned order, enum page_owner owner)
{
	uintptr_t a = (uintptr_t)p;
	unsigned long flags = spin_lock_irqsave(&page_mem.lock);
	struct page_range *r = range_of(a);

	/* The checks run under the lock: panic never returns, and nobody else takes it after. */
	if (!r)
		panic("page_free(%p, order %u): address is in no page range", p, order);
	if (a & (PAGE_SIZE - 1))
		panic("page_free(%p, order %u): address is not page-aligned", p, order);
	uint8_t *m = meta_of(r, a);
	if (!(*m & PM_ALLOC))
		panic("page_free(%p, order %u): page is not allocated (already free, or inside a block)",
		      p, order);
	if ((*m & PM_ORDER) != order)
		panic("page_free(%p, order %u): the block was allocated with order %u",
		      p, order, *m & PM_ORDER);
	if (*m >> PM_OWNER_SHIFT != (unsigned)owner)
		panic("page_free(%p, order %u): the block belongs to %s, freed as %s's",
		      p, order, owner_name[*m >> PM_OWNER_SHIFT], owner_name[owner & 3]);

	memset(m, 0, owner != PAGE_OWNER_NONE ? 1UL << order : 1);
	unsigned k = order;
	for (; k < PAGE_MAX_ORDER; k++) {	/* coalesce with free buddies */
		uintptr_t b = a ^ (PAGE_SIZE << k);
		if (b < r->base || b >= r->end || r->end - b < (PAGE_SIZE << k))
			break;
		if (*meta_of(r, b) != (PM_FREE | k))
			break;
		free_list_del(r, b, k);
		a = MIN(a, b);
	}
	free_list_add(r, a, k);
	page_mem.free_pages += 1UL << order;
	spin_unlock_irqrestore(&page_mem.lock, flags);
}

void page_free(void *p, unsigned order)
{
	page_free_owned(p, order, PAGE_OWNER_NONE);
}

enum page_owner page_owner_of(const void *p, void **block, unsigned *order)
{
	uintptr_t a = (uintptr_t)p;
	const struct page_range *r = range_of(a);
	if (!r)
		return PAGE_OWNER_NONE;
	uint8_t m = READ_ONCE(*meta_of(r, a));
	unsigned owner = m >> PM_OWNER_SHIFT;
	if (owner == PAGE_OWNER_NONE)
		return PAGE_OWNER_NONE;
	*order = m & PM_ORDER;
	*block = (void *)ALIGN_DOWN(a, PAGE_SIZE << *order);
	return (enum page_owner)owner;
}

void page_stats(struct page_stats *s)
{
	unsigned long flags = spin_lock_irqsave(&page_mem.lock);
	s->total = page_mem.total_pages;
	s->free = page_mem.free_pages;
	for (int k = 0; k <= PAGE_MAX_ORDER; k++)
		s->free_blocks[k] = page_mem.nr_free[k];
	spin_unlock_irqrestore(&page_mem.lock, flags);
}

int page_boot_spans(const struct mem_region *r, uint64_t kernel_end, struct page_span out[2])
{
	if (r->type != MEM_RAM || !r->size)
		return 0;
	uint64_t lo = r->base;
	uint64_t hi = r->base + r->size < r->base ? UINT64_MAX : r->base + r->size;
	hi = ALIGN_DOWN(MIN(hi, MAP_LIMIT), PAGE_SIZE);
	if (lo >= hi)
		return 0;
	lo = MAX(ALIGN_UP(lo, PAGE_SIZE), PAGE_SIZE);
	uint64_t kend = MAX(ALIGN_UP(kernel_end, PAGE_SIZE), LOW_MEM_END);
	int n = 0;

	if (lo < MIN(hi, LOW_MEM_END))
		out[n++] = (struct page_span){ lo, MIN(hi, LOW_MEM_END) };
	if (MAX(lo, kend) < hi)
		out[n++] = (struct page_span){ MAX(lo, kend), hi };
	return n;
}

/* Add [base, end) minus the boot modules from @m on (sorted by base), piece by piece. */
static void add_span(uint64_t base, uint64_t end, const struct boot_module *m, int nm)
{
	for (; nm && base < end; m++, nm--) {
		uint64_t mlo = ALIGN_DOWN(m->base, PAGE_SIZE), mhi = ALIGN_UP(m->base + m->size, PAGE_SIZE);
		if (mhi <= base || mlo >= end)
			continue;
		if (mlo > base)
			add_span(base, mlo, m + 1, nm - 1);
		base = MAX(base, mhi);
	}
	if (base >= end)
		return;
	int err = page_range_add((uintptr_t)phys_to_virt(base), (size_t)(end - base));
	if (err)
		printk("page: RAM 0x%llx-0x%llx left unused (error %d)\n", (unsigned long long)base,
		       (unsigned long long)end - 1, err);
}

int page_init_from_boot(const struct boot_info *bi, uint64_t kernel_end)
{
	struct page_stats before, after;
	struct boot_module mods[BOOT_MAX_MODULES];
	int nm = bi->nr_modules;

	/* The boot modules stay where the loader put them: sorted, they are carved out. */
	for (int i = 0; i < nm; i++) {
		int j = i;
		for (; j > 0 && mods[j - 1].base > bi->modules[i].base; j--)
			mods[j] = mods[j - 1];
		mods[j] = bi->modules[i];
	}
	page_stats(&before);
	for (int i = 0; i < bi->nr_mem; i++) {
		struct page_span s[2];
		int n = page_boot_spans(&bi->mem[i], kernel_end, s);
		for (int j = 0; j < n; j++)
			add_span(s[j].base, s[j].end, mods, nm);
	}
	page_stats(&after);
	return after.total > before.total ? (int)(after.total - before.total) : -ENOMEM;
}
