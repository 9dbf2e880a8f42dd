// SPDX-License-Identifier: MIT
/* Slab caches and kmalloc. A slab is one page_alloc block (2^order pages, tagged PAGE_OWNER_SLAB)
 * that starts with a struct slab header followed by equal objects; its free objects are chained
 * through their first word. kmalloc serves up to 2048 bytes from power-of-two caches and bigger
 * sizes from whole page blocks (tagged PAGE_OWNER_KMALLOC), so kfree finds its way from the page
 * metadata alone.
 *
 * Locking: each cache's lock (irqsave) protects its slab lists, the free list of each of its
 * slabs and its counters. kmem_caches_lock protects the list of caches. Order: kmem_caches_lock,
 * then a cache lock, then the page allocator's lock. Pages go back to the page allocator after the
 * cache lock is dropped. Every function may run in interrupt context. */
#include <kernel/errno.h>
#include <kernel/list.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/slab.h>
#include <kernel/spinlock.h>
#include <string.h>

#define SLAB_MIN_ALIGN	8			/* a free object holds a pointer */
#define SLAB_FREE_MARK	0x5ab1f4eed0ddba11ULL	/* second word of a free object, xor its address */
#define KMEM_F_STATIC	1			/* a kmalloc size class: not kmalloc'ed, not destroyable */
#define KMALLOC_CLASSES	8			/* 16 ... 2048 */

/* The header at the start of every slab. */
struct slab {
	struct list_head node;		/* on the cache's partial, full or empty list */
	struct kmem_cache *cache;	/* the cache the slab belongs to */
	void *free;			/* first free object; each free object starts with the next */
	unsigned in_use;		/* objects handed out */
};

/* The fields the allocation fast path touches come first (one cache line). */
struct kmem_cache {
	struct spinlock lock;		/* see the locking note above */
	unsigned objs;			/* objects per slab; 0 until the cache is set up */
	size_t stride;			/* distance between objects: size rounded up to the alignment */
	struct list_head partial;	/* slabs with free and used objects; allocation takes the first */
	struct list_head full;		/* slabs with no free object */
	size_t in_use;			/* objects handed out */
	uint64_t total_allocs;		/* objects handed out since creation */
	struct list_head empty;		/* at most one slab with no object in use, kept for reuse */
	size_t offset;			/* first object's distance from the slab start */
	unsigned order;			/* a slab is 2^order pages */
	unsigned flags;			/* KMEM_F_* */
	/* Object-boundary test without a division: stride = odd << shift, and off is a multiple of
	 * stride iff its low shift bits are 0 and (off >> shift) * inv <= lim (inv: the inverse of
	 * odd modulo 2^64, lim: UINT64_MAX / odd). */
	unsigned shift;
	uint64_t inv;
	uint64_t lim;
	size_t size;			/* object size asked for */
	size_t align;			/* object alignment */
	size_t nr_slabs;		/* slabs held, on any list */
	size_t nr_pages;		/* pages held */
	struct list_head node;		/* on kmem_caches */
	char name[KMEM_NAME_MAX];	/* NUL-terminated copy */
};

/* Counters of the kmalloc blocks too big for the caches (updated atomically). */
struct kmalloc_large_stats {
	size_t blocks;			/* blocks allocated now */
	size_t pages;			/* pages those blocks hold */
	uint64_t total_allocs;		/* blocks allocated since boot */
};

/* Plain globals for meminfo_print and debuggers (tools/gdb): every cache is on kmem_caches
 * through kmem_cache.node; the size classes are kmalloc_caches[]; big blocks kmalloc_large. */
LIST_HEAD(kmem_caches);
struct kmem_cache kmalloc_caches[KMALLOC_CLASSES];
struct kmalloc_large_stats kmalloc_large;
static struct spinlock kmem_caches_lock = SPINLOCK_INIT;

static const char *const kmalloc_names[KMALLOC_CLASSES] = {
	"kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
	"kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};

static inline uint64_t free_mark(const void *obj)
{
	return SLAB_FREE_MARK ^ (uintptr_t)obj;
}

static int cache_setup(struct kmem_cache *c, const char *name, size_t size, size_t align,
		       unsigned flags)
{
	if (!name || !size || size > KMALLOC_MAX_SIZE || (align & (align - 1)) || align > PAGE_SIZE)
		return -EINVAL;
	align = MAX(align, (size_t)SLAB_MIN_ALIGN);
	size_t stride = ALIGN_UP(size, align);
	size_t offset = ALIGN_UP(sizeof(struct slab), align);

	/* The smallest slab that wastes at most an eighth of itself. */
	unsigned order = 0;
	size_t objs = 0;
	for (; order <= PAGE_MAX_ORDER; order++) {
		size_t bytes = PAGE_SIZE << order;
		if (bytes < offset + stride)
			continue;
		objs = (bytes - offset) / stride;
		if ((bytes - offset - objs * stride) * 8 <= bytes)
			break;
	}
	if (order > PAGE_MAX_ORDER)
		return -EINVAL;

	memset(c, 0, sizeof(*c));
	spin_lock_init(&c->lock);
	list_init(&c->partial);
	list_init(&c->full);
	list_init(&c->empty);
	list_init(&c->node);
	c->size = size;
	c->align = align;
	c->stride = stride;
	c->offset = offset;
	c->order = order;
	c->objs = (unsigned)objs;
	c->flags = flags;
	c->shift = (unsigned)__builtin_ctzll(stride);
	uint64_t odd = stride >> c->shift, inv = odd;
	for (int i = 0; i < 5; i++)	/* Newton: 3 correct low bits, doubled each step */
		inv *= 2 - odd * inv;
	c->inv = inv;
	c->lim = UINT64_MAX / odd;
	size_t n = strnlen(name, KMEM_NAME_MAX - 1);
	memcpy(c->name, name, n);
	c->name[n] = '\0';
	return 0;
}

static void cache_register(struct kmem_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&kmem_caches_lock);
	list_add_tail(&c->node, &kmem_caches);
	spin_unlock_irqrestore(&kmem_caches_lock, flags);
}

struct kmem_cache *kmem_cache_lookup(const char *name)
{
	struct kmem_cache *c, *found = NULL;
	unsigned long flags = spin_lock_irqsave(&kmem_caches_lock);
	list_for_each_entry(c, &kmem_caches, node) {
		if (!strcmp(c->name, name)) {
			found = c;
			break;
		}
	}
	spin_unlock_irqrestore(&kmem_caches_lock, flags);
	return found;
}

/* A new slab with every object on its free list, on the partial list. Called with c->lock. */
static struct slab *slab_grow(struct kmem_cache *c)
{
	struct slab *s = page_alloc_owned(c->order, PAGE_OWNER_SLAB);
	if (!s)
		return NULL;
	s->cache = c;
	s->in_use = 0;
	char *obj = (char *)s + c->offset;
	s->free = obj;
	for (unsigned i = 0; i < c->objs; i++, obj += c->stride) {
		void **o = (void **)obj;
		o[0] = i + 1 < c->objs ? obj + c->stride : NULL;
		if (c->stride >= 16)
			o[1] = (void *)(uintptr_t)free_mark(o);
	}
	list_add(&s->node, &c->partial);
	c->nr_slabs++;
	c->nr_pages += 1UL << c->order;
	return s;
}

/* Take the cached empty slab off the cache, if any. Called with c->lock. */
static struct slab *slab_take_empty(struct kmem_cache *c)
{
	if (list_empty(&c->empty))
		return NULL;
	struct slab *s = list_first_entry(&c->empty, struct slab, node);
	list_del_init(&s->node);
	c->nr_slabs--;
	c->nr_pages -= 1UL << c->order;
	return s;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct slab *s;

	if (likely(!list_empty(&c->partial))) {
		s = list_first_entry(&c->partial, struct slab, node);
	} else if (!list_empty(&c->empty)) {
		s = list_first_entry(&c->empty, struct slab, node);
		list_move_tail(&s->node, &c->partial);
	} else if (!(s = slab_grow(c))) {
		spin_unlock_irqrestore(&c->lock, flags);
		return NULL;
	}
	void **o = s->free;
	s->free = o[0];
	if (c->stride >= 16)
		o[1] = NULL;	/* clear the free mark: a later free must not mistake it */
	if (++s->in_use == c->objs)
		list_move_tail(&s->node, &c->full);
	c->in_use++;
	c->total_allocs++;
	spin_unlock_irqrestore(&c->lock, flags);
	return o;
}

void *kmem_cache_zalloc(struct kmem_cache *c)
{
	void *p = kmem_cache_alloc(c);
	if (p)
		memset(p, 0, c->size);
	return p;
}

/* Whether @obj is on @s's free list: confirms a suspected double free (O(objects)). */
static bool slab_has_free(const struct slab *s, const void *obj)
{
	for (void *const *f = s->free; f; f = *f)
		if (f == obj)
			return true;
	return false;
}

/* The slab holding @obj, or a panic naming @who when @obj is not inside a slab. */
static struct slab *slab_of(const void *obj, const char *who)
{
	void *block;
	unsigned order;
	enum page_owner owner = page_owner_of(obj, &block, &order);

	if (unlikely(owner != PAGE_OWNER_SLAB))
		panic("%s(%p): address is not in a slab (%s)", who, obj,
		      owner == PAGE_OWNER_KMALLOC ? "it is inside a big kmalloc block" :
		      "not allocated by the slab allocator");
	return block;
}

static void slab_free(struct kmem_cache *c, struct slab *s, void *obj, const char *who)
{
	uintptr_t off = (uintptr_t)obj - ((uintptr_t)s + c->offset);

	if (unlikely(off >= (uintptr_t)c->objs * c->stride ||
		     (off & ((1UL << c->shift) - 1)) || (off >> c->shift) * c->inv > c->lim))
		panic("%s(%p): not the start of an object of cache %s (%zu-byte objects every %zu "
		      "bytes from %p)", who, obj, c->name, c->size, c->stride, (char *)s + c->offset);

	unsigned long flags = spin_lock_irqsave(&c->lock);
	void **o = obj;
	bool marked = c->stride >= 16 && (uintptr_t)o[1] == free_mark(o);
	if (unlikely(!s->in_use || (marked && slab_has_free(s, obj))))
		panic("%s(%p): double free of an object of cache %s", who, obj, c->name);
	o[0] = s->free;
	if (c->stride >= 16)
		o[1] = (void *)(uintptr_t)free_mark(o);
	s->free = o;
	struct slab *release = NULL;
	if (--s->in_use == 0) {
		/* Keep one empty slab for the next allocation; return any other. */
		if (list_empty(&c->empty)) {
			list_move_tail(&s->node, &c->empty);
		} else {
			list_del_init(&s->node);
			c->nr_slabs--;
			c->nr_pages -= 1UL << c->order;
			release = s;
		}
	} else if (s->in_use == c->objs - 1) {
		/* Was full: first on the partial list, so this object is the next one handed out. */
		list_del_init(&s->node);
		list_add(&s->node, &c->partial);
	}
	c->in_use--;
	spin_unlock_irqrestore(&c->lock, flags);
	if (release)
		page_free_owned(release, c->order, PAGE_OWNER_SLAB);
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	if (!obj)
		return;
	struct slab *s = slab_of(obj, "kmem_cache_free");
	if (unlikely(s->cache != c))
		panic("kmem_cache_free(%p): object of cache %s freed to cache %s",
		      obj, s->cache->name, c->name);
	slab_free(c, s, obj, "kmem_cache_free");
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
	struct kmem_cache *c = kmalloc(sizeof(*c));
	if (!c)
		return NULL;
	if (cache_setup(c, name, size, align, 0)) {
		kfree(c);
		return NULL;
	}
	cache_register(c);
	return c;
}

size_t kmem_cache_shrink(struct kmem_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct slab *s = slab_take_empty(c);
	spin_unlock_irqrestore(&c->lock, flags);
	if (!s)
		return 0;
	page_free_owned(s, c->order, PAGE_OWNER_SLAB);
	return 1UL << c->order;
}

size_t kmem_cache_shrink_all(void)
{
	struct kmem_cache *c;
	size_t pages = 0;
	unsigned long flags = spin_lock_irqsave(&kmem_caches_lock);

	list_for_each_entry(c, &kmem_caches, node)
		pages += kmem_cache_shrink(c);
	spin_unlock_irqrestore(&kmem_caches_lock, flags);
	return pages;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	if (!c)
		return;
	if (c->flags & KMEM_F_STATIC)
		panic("kmem_cache_destroy(%s): a kmalloc size class cannot be destroyed", c->name);

	unsigned long lflags = spin_lock_irqsave(&kmem_caches_lock);
	unsigned long flags = spin_lock_irqsave(&c->lock);
	if (c->in_use)
		panic("kmem_cache_destroy(%s): %zu objects still allocated", c->name, c->in_use);
	/* With nothing in use, the only slab left is the cached empty one. */
	struct slab *s = slab_take_empty(c);
	BUG_ON(c->nr_slabs || !list_empty(&c->partial) || !list_empty(&c->full));
	list_del_init(&c->node);
	spin_unlock_irqrestore(&c->lock, flags);
	spin_unlock_irqrestore(&kmem_caches_lock, lflags);
	if (s)
		page_free_owned(s, c->order, PAGE_OWNER_SLAB);
	kfree(c);
}

void kmem_cache_stats(struct kmem_cache *c, struct kmem_cache_stats *s)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	s->name = c->name;
	s->size = c->size;
	s->in_use = c->in_use;
	s->total_allocs = c->total_allocs;
	s->slabs = c->nr_slabs;
	s->pages = c->nr_pages;
	spin_unlock_irqrestore(&c->lock, flags);
}

void kmalloc_init(void)
{
	for (int i = 0; i < KMALLOC_CLASSES; i++) {
		struct kmem_cache *c = &kmalloc_caches[i];
		if (c->objs)
			continue;	/* already set up */
		int err = cache_setup(c, kmalloc_names[i], (size_t)KMALLOC_MIN_SIZE << i,
				      KMALLOC_MIN_SIZE, KMEM_F_STATIC);
		BUG_ON(err);
		cache_register(c);
	}
}

/* The size class of @size (at most KMALLOC_MAX_CACHE_SIZE): 0 for 16 bytes, 1 for 32, ... */
static inline unsigned kmalloc_index(size_t size)
{
	if (size <= KMALLOC_MIN_SIZE)
		return 0;
	return (unsigned)(64 - __builtin_clzll((unsigned long long)size - 1)) - 4;
}

/* The page order of a big block (KMALLOC_MAX_CACHE_SIZE < @size <= KMALLOC_MAX_SIZE). */
static inline unsigned kmalloc_order(size_t size)
{
	size_t pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	return pages <= 1 ? 0 : (unsigned)(64 - __builtin_clzll((unsigned long long)pages - 1));
}

struct kmem_cache *kmalloc_cache(size_t size)
{
	return size <= KMALLOC_MAX_CACHE_SIZE ? &kmalloc_caches[kmalloc_index(size)] : NULL;
}

static void *kmalloc_big(size_t size)
{
	if (size > KMALLOC_MAX_SIZE)
		return NULL;
	unsigned order = kmalloc_order(size);
	void *p = page_alloc_owned(order, PAGE_OWNER_KMALLOC);
	if (p) {
		__atomic_fetch_add(&kmalloc_large.blocks, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&kmalloc_large.pages, 1UL << order, __ATOMIC_RELAXED);
		__atomic_fetch_add(&kmalloc_large.total_allocs, 1, __ATOMIC_RELAXED);
	}
	return p;
}

void *kmalloc(size_t size)
{
	if (likely(size <= KMALLOC_MAX_CACHE_SIZE)) {
		struct kmem_cache *c = &kmalloc_caches[kmalloc_index(size)];
		if (unlikely(!c->objs))
			panic("kmalloc(%zu) before kmalloc_init()", size);
		return kmem_cache_alloc(c);
	}
	return kmalloc_big(size);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	void *block;
	unsigned order;

	if (!p)
		return;
	switch (page_owner_of(p, &block, &order)) {
	case PAGE_OWNER_SLAB: {
		struct slab *s = block;
		slab_free(s->cache, s, p, "kfree");
		return;
	}
	case PAGE_OWNER_KMALLOC:
		if (p != block)
			panic("kfree(%p): not the start of the %lu-byte kmalloc block at %p",
			      p, PAGE_SIZE << order, block);
		__atomic_fetch_sub(&kmalloc_large.blocks, 1, __ATOMIC_RELAXED);
		__atomic_fetch_sub(&kmalloc_large.pages, 1UL << order, __ATOMIC_RELAXED);
		page_free_owned(p, order, PAGE_OWNER_KMALLOC);
		return;
	default:
		panic("kfree(%p): not memory from kmalloc (or already freed)", p);
	}
}

size_t ksize(const void *p)
{
	void *block;
	unsigned order;

	if (!p)
		return 0;
	switch (page_owner_of(p, &block, &order)) {
	case PAGE_OWNER_SLAB:
		return ((struct slab *)block)->cache->size;
	case PAGE_OWNER_KMALLOC:
		if (p == block)
			return PAGE_SIZE << order;
		break;
	default:
		break;
	}
	panic("ksize(%p): not memory from kmalloc", p);
}

void *krealloc(void *p, size_t size)
{
	if (!p)
		return kmalloc(size);
	if (size > KMALLOC_MAX_SIZE)
		return NULL;
	size_t old = ksize(p);
	size_t cap = size <= KMALLOC_MAX_CACHE_SIZE ? (size_t)KMALLOC_MIN_SIZE << kmalloc_index(size)
						    : PAGE_SIZE << kmalloc_order(size);
	if (cap == old)
		return p;
	void *n = kmalloc(size);
	if (!n)
		return size <= old ? p : NULL;
	memcpy(n, p, MIN(old, size));
	kfree(p);
	return n;
}

void kmem_usage(struct kmem_usage *u)
{
	struct kmem_cache_stats cs;
	struct kmem_cache *c;

	u->objects = u->bytes = u->slab_pages = 0;
	unsigned long flags = spin_lock_irqsave(&kmem_caches_lock);
	list_for_each_entry(c, &kmem_caches, node) {
		kmem_cache_stats(c, &cs);
		u->objects += cs.in_use;
		u->bytes += cs.in_use * cs.size;
		u->slab_pages += cs.pages;
	}
	spin_unlock_irqrestore(&kmem_caches_lock, flags);
	u->large_blocks = __atomic_load_n(&kmalloc_large.blocks, __ATOMIC_RELAXED);
	u->large_pages = __atomic_load_n(&kmalloc_large.pages, __ATOMIC_RELAXED);
}

void meminfo_print(void)
{
	struct page_stats ps;
	struct kmem_cache_stats cs;
	struct kmem_cache *c;

	page_stats(&ps);
	size_t used = ps.total - ps.free;
	printk("meminfo: pages: total %zu (%zu KiB), free %zu (%zu KiB), used %zu (%zu KiB)\n",
	       ps.total, ps.total * (PAGE_SIZE / 1024), ps.free, ps.free * (PAGE_SIZE / 1024),
	       used, used * (PAGE_SIZE / 1024));
	printk("meminfo: free blocks by order:");
	for (int k = 0; k <= PAGE_MAX_ORDER; k++)
		printk(" %d:%zu", k, ps.free_blocks[k]);
	printk("\n");
	printk("  %-20s %8s %10s %12s %8s %8s\n", "cache", "objsize", "in use", "allocs", "slabs",
	       "pages");
	unsigned long flags = spin_lock_irqsave(&kmem_caches_lock);
	list_for_each_entry(c, &kmem_caches, node) {
		kmem_cache_stats(c, &cs);
		printk("  %-20s %8zu %10zu %12llu %8zu %8zu\n", cs.name, cs.size, cs.in_use,
		       (unsigned long long)cs.total_allocs, cs.slabs, cs.pages);
	}
	spin_unlock_irqrestore(&kmem_caches_lock, flags);
	printk("  %-20s %8s %10zu %12llu %8s %8zu\n", "kmalloc-large", "-",
	       __atomic_load_n(&kmalloc_large.blocks, __ATOMIC_RELAXED),
	       (unsigned long long)__atomic_load_n(&kmalloc_large.total_allocs, __ATOMIC_RELAXED),
	       "-", __atomic_load_n(&kmalloc_large.pages, __ATOMIC_RELAXED));
}
