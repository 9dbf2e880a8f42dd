// SPDX-License-Identifier: MIT
/*
 * The application's memory: the regions of user space (VMAs, Linux's word), pages mapped on
 * first touch, and the system calls that change them (mmap, munmap, mprotect, mremap, brk,
 * madvise) with Linux's rules and errno. There is one user address space, the kernel's lower
 * half: epunk runs one application.
 *
 * Layout (like Linux's, without randomisation): the executable's segments where it is linked,
 * the heap right after them (brk), the main thread's stack below MM_STACK_TOP, and mmap's
 * regions searched downwards from below the stack.
 *
 * Locking: mm.lock (irqsave: page faults arrive with interrupts off, also from kernel code
 * copying to a user buffer) protects the region tree, the heap bounds and the user page tables.
 * Pages are allocated and freed under it (the page allocator never sleeps).
 */
#include <arch/memory.h>
#include <arch/mmu.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/rbtree.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/spinlock.h>
#include <string.h>

#define PROT_KNOWN	(PROT_READ | PROT_WRITE | PROT_EXEC)
#define MAP_TYPE	0x0f
#define MAP_SHARED_VALIDATE 0x03
#define MAP_KNOWN	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | \
			 MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | \
			 MAP_STACK | MAP_FIXED_NOREPLACE)
#define MREMAP_MAYMOVE	1
#define MREMAP_FIXED	2
#define MREMAP_DONTUNMAP 4

struct vma {
	struct rb_node node;	/* in mm.vmas, by start */
	uintptr_t start;	/* first byte, page-aligned */
	uintptr_t end;		/* one past the last byte, page-aligned */
	unsigned prot;		/* PROT_READ | PROT_WRITE | PROT_EXEC */
	unsigned flags;		/* VMA_* */
};

static struct {
	struct spinlock lock;
	struct rb_root_cached vmas;	/* every region, by start, none overlapping */
	struct vma *hint;		/* the region the last lookup found */
	uintptr_t brk_start;		/* the heap: [brk_start, brk), page-aligned start */
	uintptr_t brk;
	long pages;			/* user pages mapped */
	long regions;			/* regions in the tree */
	struct kmem_cache *cache;	/* struct vma */
} mm = { .lock = SPINLOCK_INIT, .vmas = RB_ROOT_CACHED };

/* Changes (under mm.lock) whenever a region comes, goes, shrinks, grows or changes its
 * protection (mm_changed): threads' range memos taken at an older value are void. */
unsigned long mm_gen = 1;

static uintptr_t page_up(uintptr_t a)
{
	return ALIGN_UP(a, PAGE_SIZE);
}

int mm_init(void)
{
	mm.cache = kmem_cache_create("vma", sizeof(struct vma), 0);
	return mm.cache ? 0 : -ENOMEM;
}

/* ---- the region tree (mm.lock held) ---- */

/* The regions changed: what mm_range_ok remembered may be wrong now. Called for every change
 * (growth could keep the memos, but one rule is easier to keep right). */
static void mm_changed(void)
{
	__atomic_store_n(&mm_gen, mm_gen + 1, __ATOMIC_RELEASE);
}

/* The region holding @addr, or NULL. */
static struct vma *vma_find(uintptr_t addr)
{
	struct vma *h = mm.hint;
	if (h && addr >= h->start && addr < h->end)
		return h;
	struct rb_node *n = mm.vmas.root.node;
	while (n) {
		struct vma *v = rb_entry(n, struct vma, node);
		if (addr < v->start)
			n = n->left;
		else if (addr >= v->end)
			n = n->right;
		else
			return mm.hint = v;
	}
	return NULL;
}

/* The first region ending after @addr (holding it or above it), or NULL. */
static struct vma *vma_next_from(uintptr_t addr)
{
	struct rb_node *n = mm.vmas.root.node;
	struct vma *best = NULL;
	while (n) {
		struct vma *v = rb_entry(n, struct vma, node);
		if (addr < v->end) {
			best = v;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

static struct vma *vma_after(struct vma *v)
{
	struct rb_node *n = rb_next(&v->node);
	return n ? rb_entry(n, struct vma, node) : NULL;
}

static void vma_link(struct vma *v)
{
	struct rb_node **p = &mm.vmas.root.node, *parent = NULL;
	bool leftmost = true;
	while (*p) {
		parent = *p;
		if (v->start < rb_entry(parent, struct vma, node)->start) {
			p = &parent->left;
		} else {
			p = &parent->right;
			leftmost = false;
		}
	}
	rb_link_node(&v->node, parent, p);
	rb_insert_color_cached(&v->node, &mm.vmas, leftmost);
	mm.regions++;
	mm_changed();
}

static void vma_unlink(struct vma *v)
{
	rb_erase_cached(&v->node, &mm.vmas);
	mm_changed();
	if (mm.hint == v)
		mm.hint = NULL;
	mm.regions--;
	kmem_cache_free(mm.cache, v);
}

static struct vma *vma_new(uintptr_t start, uintptr_t end, unsigned prot, unsigned flags)
{
	struct vma *v = kmem_cache_alloc(mm.cache);
	if (!v)
		return NULL;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	return v;
}

/* Whether no region overlaps [start, end). */
static bool range_free(uintptr_t start, uintptr_t end)
{
	struct vma *v = vma_next_from(start);
	return !v || v->start >= end;
}

/* Unmap and free the pages of [start, end) (inside regions being removed or changed). */
static void pages_drop(uintptr_t start, uintptr_t end)
{
	for (uintptr_t a = start; a < end; a += PAGE_SIZE) {
		uint64_t pa = arch_user_unmap(a);
		if (pa) {
			page_free(phys_to_virt(pa), 0);
			mm.pages--;
		}
	}
}

/* Split @v at @at (inside it): @v keeps [start, at), a new region gets [at, end). */
static int vma_split(struct vma *v, uintptr_t at)
{
	struct vma *n = vma_new(at, v->end, v->prot, v->flags);
	if (!n)
		return -ENOMEM;
	v->end = at;
	vma_link(n);	/* mm_changed */
	return 0;
}

/* Remove [start, end) from every region, freeing its pages. */
static int unmap_range(uintptr_t start, uintptr_t end)
{
	struct vma *v = vma_next_from(start);
	while (v && v->start < end) {
		if (v->start < start) {
			if (vma_split(v, start))
				return -ENOMEM;
			v = vma_after(v);
			continue;
		}
		if (v->end > end && vma_split(v, end))
			return -ENOMEM;
		struct vma *next = vma_after(v);
		pages_drop(v->start, v->end);
		vma_unlink(v);
		v = next;
	}
	return 0;
}

/* A free range of @len bytes below @top, the highest one, or 0. */
static uintptr_t find_free_below(uintptr_t top, size_t len)
{
	uintptr_t end = top;
	struct rb_node *n = mm.vmas.root.node ? rb_last(&mm.vmas.root) : NULL;
	/* Walk regions from the top down; a gap between two is a candidate. */
	for (; n; n = rb_prev(n)) {
		struct vma *v = rb_entry(n, struct vma, node);
		if (v->start >= end)
			continue;
		if (v->end <= end && end - v->end >= len)
			return end - len;
		if (v->start < end)
			end = v->start;
	}
	return end >= MM_MIN_ADDR + len ? end - len : 0;
}

/* ---- faults and checks ---- */

/* Map a zeroed page at @va for @v. mm.lock held. */
static int page_in(struct vma *v, uintptr_t va)
{
	void *page = page_alloc(0);
	if (!page)
		return -ENOMEM;
	memset(page, 0, PAGE_SIZE);
	if (arch_user_map(va, virt_to_phys(page), v->prot)) {
		page_free(page, 0);
		return -ENOMEM;
	}
	mm.pages++;
	return 0;
}

bool mm_fault(uintptr_t addr, bool write, bool exec)
{
	uintptr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	uint64_t pa;
	unsigned prot;
	bool ok = false;

	if (addr >= USER_TOP)
		return false;
	unsigned long flags = spin_lock_irqsave(&mm.lock);
	struct vma *v = vma_find(addr);
	if (!v || !(v->prot & PROT_READ) || (write && !(v->prot & PROT_WRITE)) ||
	    (exec && !(v->prot & PROT_EXEC)))
		goto out;
	if (arch_user_lookup(va, &pa, &prot)) {
		ok = true;	/* another thread mapped it meanwhile: retry the access */
		goto out;
	}
	ok = page_in(v, va) == 0;
out:
	spin_unlock_irqrestore(&mm.lock, flags);
	return ok;
}

bool mm_range_ok(const void *p, size_t len, bool write)
{
	uintptr_t a = (uintptr_t)p, end = a + len;
	unsigned need = write ? PROT_WRITE : PROT_READ | PROT_WRITE | PROT_EXEC;
	bool ok = true;

	if (!len)
		return true;
	if (end < a || end > USER_TOP)
		return false;
	/*
	 * The memo first: a system call's buffers are most often where the last ones were. It is
	 * the calling thread's own, and the generation read here is at least the one it was taken
	 * at, so a change of the regions since then voids it. A region that goes while the call
	 * copies is the same race as with the lock: the copy faults (proc_fault).
	 */
	struct thread *me = current_thread();
	if (me->range_memo.gen == __atomic_load_n(&mm_gen, __ATOMIC_ACQUIRE)) {
		for (int i = 0; i < 2; i++)
			if (a >= me->range_memo.lo[i] && end <= me->range_memo.hi[i] &&
			    (me->range_memo.prot[i] & need))
				return true;
	}
	unsigned long flags = spin_lock_irqsave(&mm.lock);
	struct vma *first = NULL;
	while (a < end) {
		struct vma *v = vma_find(a);
		if (!v || !(v->prot & need)) {
			ok = false;
			break;
		}
		first = first ? first : v;
		a = v->end;
	}
	if (ok && first && end <= first->end) {
		/* One region holds it: remember that region for the next calls. */
		if (me->range_memo.gen != mm_gen) {
			me->range_memo.hi[0] = me->range_memo.hi[1] = 0;
			me->range_memo.gen = mm_gen;
		}
		unsigned i = me->range_memo.next++ & 1;
		me->range_memo.lo[i] = first->start;
		me->range_memo.hi[i] = first->end;
		me->range_memo.prot[i] = first->prot;
	}
	spin_unlock_irqrestore(&mm.lock, flags);
	return ok;
}

/* ---- building the image (exec) ---- */

int mm_map_fixed(uintptr_t start, size_t len, unsigned prot, unsigned vflags)
{
	uintptr_t end = page_up(start + len);
	start = ALIGN_DOWN(start, PAGE_SIZE);
	if (start < MM_MIN_ADDR || end > USER_TOP || end <= start)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&mm.lock);
	int err = -EEXIST;
	if (range_free(start, end)) {
		struct vma *v = vma_new(start, end, prot, vflags);
		err = v ? 0 : -ENOMEM;
		if (v)
			vma_link(v);
	}
	spin_unlock_irqrestore(&mm.lock, flags);
	return err;
}

int mm_populate(uintptr_t start, size_t len)
{
	uintptr_t end = page_up(start + len);
	uint64_t pa;
	unsigned prot;
	int err = 0;

	unsigned long flags = spin_lock_irqsave(&mm.lock);
	for (uintptr_t a = ALIGN_DOWN(start, PAGE_SIZE); a < end && !err; a += PAGE_SIZE) {
		struct vma *v = vma_find(a);
		if (!v)
			err = -EFAULT;
		else if (!arch_user_lookup(a, &pa, &prot))
			err = page_in(v, a);
	}
	spin_unlock_irqrestore(&mm.lock, flags);
	return err;
}

int mm_write(uintptr_t dst, const void *src, size_t len)
{
	const uint8_t *s = src;
	while (len) {
		uint64_t pa;
		unsigned prot;
		size_t off = dst & (PAGE_SIZE - 1), n = MIN(len, PAGE_SIZE - off);
		unsigned long flags = spin_lock_irqsave(&mm.lock);
		bool mapped = arch_user_lookup(ALIGN_DOWN(dst, PAGE_SIZE), &pa, &prot);
		spin_unlock_irqrestore(&mm.lock, flags);
		if (!mapped)
			return -EFAULT;
		memcpy((uint8_t *)phys_to_virt(pa) + off, s, n);
		dst += n;
		s += n;
		len -= n;
	}
	return 0;
}

void mm_set_brk(uintptr_t start)
{
	unsigned long flags = spin_lock_irqsave(&mm.lock);
	mm.brk_start = mm.brk = page_up(start);
	spin_unlock_irqrestore(&mm.lock, flags);
}

void mm_reset(void)
{
	unsigned long flags = spin_lock_irqsave(&mm.lock);
	struct rb_node *n;
	while ((n = rb_first_cached(&mm.vmas))) {
		struct vma *v = rb_entry(n, struct vma, node);
		pages_drop(v->start, v->end);
		vma_unlink(v);
	}
	mm.brk_start = mm.brk = 0;
	spin_unlock_irqrestore(&mm.lock, flags);
}

void mm_stats(struct mm_stats *s)
{
	unsigned long flags = spin_lock_irqsave(&mm.lock);
	s->pages = mm.pages;
	s->regions = mm.regions;
	s->brk_start = mm.brk_start;
	s->brk = mm.brk;
	s->bytes = 0;
	for (struct rb_node *n = mm.vmas.root.node ? rb_first(&mm.vmas.root) : NULL; n; n = rb_next(n)) {
		const struct vma *v = rb_entry(n, struct vma, node);
		s->bytes += v->end - v->start;
	}
	spin_unlock_irqrestore(&mm.lock, flags);
}

/* ---- system calls ---- */

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off)
{
	unsigned type = flags & MAP_TYPE;

	if (!len)
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
		return -EOPNOTSUPP;
	if (prot & ~(unsigned long)PROT_KNOWN)
		return -EINVAL;
	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		struct file *f = fd_get((int)fd);
		if (!f)
			return -EBADF;
		file_put(f);
		return -ENODEV;		/* no file can be mapped */
	}
	size_t size = page_up(len);
	if (!size || size > USER_TOP - MM_MIN_ADDR)
		return -ENOMEM;
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	if (fixed && (addr & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (fixed && addr < MM_MIN_ADDR)
		return -EPERM;
	if (fixed && (addr > USER_TOP || size > USER_TOP - addr))
		return -ENOMEM;

	unsigned long irq = spin_lock_irqsave(&mm.lock);
	long ret;
	uintptr_t start = 0;
	if (fixed) {
		start = addr;
		if (!range_free(start, start + size)) {
			ret = -EEXIST;
			if (flags & MAP_FIXED_NOREPLACE)
				goto out;
			ret = unmap_range(start, start + size);
			if (ret)
				goto out;
		}
	} else {
		addr = page_up(addr);
		if (addr >= MM_MIN_ADDR && addr <= USER_TOP && size <= USER_TOP - addr &&
		    range_free(addr, addr + size))
			start = addr;	/* the hint is free */
		else
			start = find_free_below(MM_MMAP_TOP, size);
		ret = -ENOMEM;
		if (!start)
			goto out;
	}
	struct vma *v = vma_new(start, start + size, (unsigned)prot,
				flags & MAP_STACK ? VMA_STACK : 0);
	ret = -ENOMEM;
	if (!v)
		goto out;
	vma_link(v);
	ret = (long)start;
	if (flags & MAP_POPULATE)
		for (uintptr_t a = start; a < start + size; a += PAGE_SIZE)
			if (page_in(v, a))
				break;	/* best effort, as Linux's */
out:
	spin_unlock_irqrestore(&mm.lock, irq);
	return ret;
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	if ((addr & (PAGE_SIZE - 1)) || !len || addr > USER_TOP || page_up(len) > USER_TOP - addr)
		return -EINVAL;
	unsigned long irq = spin_lock_irqsave(&mm.lock);
	long ret = unmap_range(addr, addr + page_up(len));
	spin_unlock_irqrestore(&mm.lock, irq);
	return ret;
}

long sys_mprotect(unsigned long addr, unsigned long len, unsigned long prot)
{
	if ((addr & (PAGE_SIZE - 1)) || (prot & ~(unsigned long)PROT_KNOWN))
		return -EINVAL;
	size_t size = page_up(len);
	if (!len)
		return 0;
	if (!size || addr > USER_TOP || size > USER_TOP - addr)
		return -ENOMEM;
	uintptr_t end = addr + size;

	unsigned long irq = spin_lock_irqsave(&mm.lock);
	long ret = -ENOMEM;
	/* Every byte must be mapped, or nothing changes. */
	for (uintptr_t a = addr; a < end;) {
		struct vma *v = vma_find(a);
		if (!v)
			goto out;
		a = v->end;
	}
	struct vma *v = vma_find(addr);
	if (v->start < addr) {
		if (vma_split(v, addr))
			goto out;
		v = vma_after(v);
	}
	while (v && v->start < end) {
		if (v->end > end && vma_split(v, end))
			goto out;
		v->prot = (unsigned)prot;
		mm_changed();
		for (uintptr_t a = v->start; a < v->end; a += PAGE_SIZE)
			arch_user_protect(a, v->prot);
		v = vma_after(v);
	}
	ret = 0;
out:
	spin_unlock_irqrestore(&mm.lock, irq);
	return ret;
}

long sys_brk(unsigned long addr)
{
	unsigned long irq = spin_lock_irqsave(&mm.lock);
	uintptr_t old = mm.brk, start = mm.brk_start;

	if (!start || addr < start || addr > USER_TOP)
		goto out;
	uintptr_t old_end = page_up(old), new_end = page_up(addr);
	if (new_end > old_end) {
		if (!range_free(old_end, new_end))
			goto out;	/* the heap would run into a mapping: refused */
		struct vma *v = old_end > start ? vma_find(old_end - 1) : NULL;
		if (v && v->end == old_end && (v->flags & VMA_BRK)) {
			v->end = new_end;
			mm_changed();
		} else {
			v = vma_new(old_end, new_end, PROT_READ | PROT_WRITE, VMA_BRK);
			if (!v)
				goto out;
			vma_link(v);
		}
	} else if (new_end < old_end) {
		if (unmap_range(new_end, old_end))
			goto out;
	}
	mm.brk = addr;
out:
	addr = mm.brk;
	spin_unlock_irqrestore(&mm.lock, irq);
	return (long)addr;
}

long sys_madvise(unsigned long addr, unsigned long len, int advice)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTNEED: case MADV_FREE: case MADV_REMOVE: case MADV_DONTFORK:
	case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK:
	case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT:
		break;
	default:
		return -EINVAL;
	}
	size_t size = page_up(len);
	if (!len)
		return 0;
	if (!size || addr > USER_TOP || size > USER_TOP - addr)
		return -EINVAL;
	uintptr_t end = addr + size;
	unsigned long irq = spin_lock_irqsave(&mm.lock);
	long ret = 0;
	for (uintptr_t a = addr; a < end;) {
		struct vma *v = vma_find(a);
		if (!v) {
			ret = -ENOMEM;
			break;
		}
		uintptr_t stop = MIN(v->end, end);
		if (advice == MADV_DONTNEED || advice == MADV_FREE || advice == MADV_REMOVE)
			pages_drop(a, stop);	/* the next touch finds a zeroed page */
		a = stop;
	}
	spin_unlock_irqrestore(&mm.lock, irq);
	return ret;
}

long sys_mremap(unsigned long old, unsigned long old_len, unsigned long new_len,
		unsigned long flags, unsigned long new_addr)
{
	(void)new_addr;
	if ((old & (PAGE_SIZE - 1)) || (flags & ~(unsigned long)(MREMAP_MAYMOVE | MREMAP_FIXED |
								  MREMAP_DONTUNMAP)))
		return -EINVAL;
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;		/* not supported: a documented gap */
	size_t osize = page_up(old_len), nsize = page_up(new_len);
	if (!nsize || !osize || old > USER_TOP || osize > USER_TOP - old)
		return -EINVAL;

	unsigned long irq = spin_lock_irqsave(&mm.lock);
	long ret = -EFAULT;
	struct vma *v = vma_find(old);
	if (!v || old + osize > v->end)
		goto out;
	if (nsize <= osize) {
		ret = unmap_range(old + nsize, old + osize);
		if (!ret)
			ret = (long)old;
		goto out;
	}
	/* Growing: in place when the region ends here and the room after it is free. */
	if (v->end == old + osize && range_free(old + osize, old + nsize) &&
	    nsize <= USER_TOP - old) {
		v->end = old + nsize;
		mm_changed();
		ret = (long)old;
		goto out;
	}
	ret = -ENOMEM;
	if (!(flags & MREMAP_MAYMOVE))
		goto out;
	uintptr_t to = find_free_below(MM_MMAP_TOP, nsize);
	if (!to)
		goto out;
	struct vma *n = vma_new(to, to + nsize, v->prot, v->flags);
	if (!n)
		goto out;
	/* Move the pages, not their contents: each mapping goes to its new address. */
	for (size_t off = 0; off < osize; off += PAGE_SIZE) {
		uint64_t pa = arch_user_unmap(old + off);
		if (pa && arch_user_map(to + off, pa, n->prot)) {
			page_free(phys_to_virt(pa), 0);	/* no table page: that part reads as zero */
			mm.pages--;
		}
	}
	if (unmap_range(old, old + osize)) {
		kmem_cache_free(mm.cache, n);
		goto out;
	}
	vma_link(n);
	ret = (long)to;
out:
	spin_unlock_irqrestore(&mm.lock, irq);
	return ret;
}
