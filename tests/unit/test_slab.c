// SPDX-License-Identifier: MIT
/* Slab caches and kmalloc against the live allocators (host arena or guest RAM): counters are
 * compared with what they were when the case started, and every page must come back. */
#include <kernel/ktest.h>
#include <kernel/page.h>
#include <kernel/preempt.h>
#include <kernel/slab.h>
#include <kernel/softirq.h>
#include <string.h>

static struct kmem_cache_stats cstats(struct kmem_cache *c)
{
	struct kmem_cache_stats s;
	kmem_cache_stats(c, &s);
	return s;
}

/* Free pages once every cache has dropped its cached empty slab. */
static size_t free_pages_settled(void)
{
	struct page_stats ps;
	kmem_cache_shrink_all();
	page_stats(&ps);
	return ps.free;
}

/* A pattern that depends on the block's seed and on the position, written over all @size bytes. */
static void pattern_fill(void *p, size_t size, uint64_t seed)
{
	uint64_t *w = p;
	size_t i = 0;
	for (; i < size / 8; i++)
		w[i] = seed ^ (i * 0x9e3779b97f4a7c15ULL);
	for (i *= 8; i < size; i++)
		((uint8_t *)p)[i] = (uint8_t)(seed >> (i % 8 * 8)) ^ (uint8_t)i;
}

static bool pattern_ok(const void *p, size_t size, uint64_t seed)
{
	const uint64_t *w = p;
	size_t i = 0;
	for (; i < size / 8; i++)
		if (w[i] != (seed ^ (i * 0x9e3779b97f4a7c15ULL)))
			return false;
	for (i *= 8; i < size; i++)
		if (((const uint8_t *)p)[i] != ((uint8_t)(seed >> (i % 8 * 8)) ^ (uint8_t)i))
			return false;
	return true;
}

KTEST(slab, cache_create_destroy)
{
	static void *objs[10];
	size_t free0 = free_pages_settled();

	EXPECT_TRUE(kmem_cache_create("bad", 0, 0) == NULL);
	EXPECT_TRUE(kmem_cache_create("bad", 64, 3) == NULL);
	EXPECT_TRUE(kmem_cache_create("bad", 64, 2 * PAGE_SIZE) == NULL);
	EXPECT_TRUE(kmem_cache_create("bad", KMALLOC_MAX_SIZE + 1, 0) == NULL);
	EXPECT_TRUE(kmem_cache_create(NULL, 64, 0) == NULL);

	struct kmem_cache *c = kmem_cache_create("test-obj", 100, 0);
	ASSERT_TRUE(c != NULL);
	struct kmem_cache_stats s = cstats(c);
	EXPECT_STREQ(s.name, "test-obj");
	EXPECT_EQ(s.size, 100);
	EXPECT_EQ(s.in_use, 0);
	EXPECT_EQ(s.total_allocs, 0);
	EXPECT_EQ(s.slabs, 0);
	EXPECT_EQ(s.pages, 0);
	for (int i = 0; i < 10; i++) {
		objs[i] = kmem_cache_alloc(c);
		ASSERT_TRUE(objs[i] != NULL);
		EXPECT_EQ((uintptr_t)objs[i] % 8, 0);
		memset(objs[i], i, 100);
		for (int j = 0; j < i; j++)
			EXPECT_TRUE(objs[j] != objs[i]);
	}
	s = cstats(c);
	EXPECT_EQ(s.in_use, 10);
	EXPECT_EQ(s.total_allocs, 10);
	EXPECT_EQ(s.slabs, 1);
	EXPECT_EQ(s.pages, 1);
	for (int i = 0; i < 10; i++) {
		EXPECT_EQ(((uint8_t *)objs[i])[99], i);
		kmem_cache_free(c, objs[i]);
	}
	s = cstats(c);
	EXPECT_EQ(s.in_use, 0);
	EXPECT_EQ(s.total_allocs, 10);
	EXPECT_EQ(s.slabs, 1);	/* one empty slab stays cached */
	kmem_cache_destroy(c);

	c = kmem_cache_create("a-cache-name-that-is-longer-than-31-bytes", 8, 0);
	ASSERT_TRUE(c != NULL);
	EXPECT_STREQ(cstats(c).name, "a-cache-name-that-is-longer-tha");
	kmem_cache_destroy(c);
	kmem_cache_destroy(NULL);
	EXPECT_EQ(free_pages_settled(), free0);
}

KTEST(slab, reuse_recently_freed)
{
	struct kmem_cache *c = kmem_cache_create("test-reuse", 64, 0);
	ASSERT_TRUE(c != NULL);

	void *a = kmem_cache_alloc(c), *b = kmem_cache_alloc(c), *d = kmem_cache_alloc(c);
	ASSERT_TRUE(a && b && d);
	EXPECT_EQ(cstats(c).in_use, 3);
	kmem_cache_free(c, b);
	EXPECT_EQ(cstats(c).in_use, 2);
	void *x = kmem_cache_alloc(c);
	EXPECT_TRUE(x == b);
	EXPECT_EQ(cstats(c).in_use, 3);
	EXPECT_EQ(cstats(c).total_allocs, 4);
	kmem_cache_free(c, a);
	kmem_cache_free(c, d);
	kmem_cache_free(c, x);
	EXPECT_EQ(cstats(c).in_use, 0);
	void *y = kmem_cache_alloc(c);
	EXPECT_TRUE(y == x);	/* last freed, first reused */
	kmem_cache_free(c, y);
	kmem_cache_destroy(c);

	/* The same through kmalloc, whatever state its cache is in. */
	struct kmem_cache *k = kmalloc_cache(100);
	ASSERT_TRUE(k != NULL);
	EXPECT_STREQ(cstats(k).name, "kmalloc-128");
	size_t in_use0 = cstats(k).in_use;
	uint64_t allocs0 = cstats(k).total_allocs;
	void *p = kmalloc(100);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(cstats(k).in_use, in_use0 + 1);
	kfree(p);
	EXPECT_EQ(cstats(k).in_use, in_use0);
	void *q = kmalloc(120);
	EXPECT_TRUE(q == p);
	kfree(q);
	EXPECT_EQ(cstats(k).in_use, in_use0);
	EXPECT_EQ(cstats(k).total_allocs, allocs0 + 2);
}

#define MANY 300
static void *many[MANY];

KTEST(slab, objects_across_slabs)
{
	size_t free0 = free_pages_settled();
	struct kmem_cache *c = kmem_cache_create("test-many", 200, 0);
	ASSERT_TRUE(c != NULL);

	for (int i = 0; i < MANY; i++) {
		many[i] = kmem_cache_alloc(c);
		ASSERT_TRUE(many[i] != NULL);
		memset(many[i], i & 0xff, 200);
	}
	struct kmem_cache_stats s = cstats(c);
	EXPECT_EQ(s.in_use, MANY);
	EXPECT_GE(s.slabs, MANY * 200 / PAGE_SIZE);
	EXPECT_GE(s.pages, s.slabs);
	for (int i = 0; i < MANY; i++) {	/* no object overlaps another */
		const uint8_t *o = many[i];
		EXPECT_TRUE(o[0] == (i & 0xff) && o[199] == (i & 0xff));
	}
	ktest_rand_seed(42);
	for (int i = MANY; i > 1; i--) {
		int j = (int)(ktest_rand() % (uint64_t)i);
		void *t = many[i - 1];
		many[i - 1] = many[j];
		many[j] = t;
	}
	for (int i = 0; i < MANY; i++)
		kmem_cache_free(c, many[i]);
	s = cstats(c);
	EXPECT_EQ(s.in_use, 0);
	EXPECT_EQ(s.total_allocs, MANY);
	EXPECT_EQ(s.slabs, 1);	/* the others went back to the page allocator */
	EXPECT_GT(kmem_cache_shrink(c), 0);
	s = cstats(c);
	EXPECT_EQ(s.slabs, 0);
	EXPECT_EQ(s.pages, 0);
	kmem_cache_destroy(c);
	EXPECT_EQ(free_pages_settled(), free0);
}

KTEST(slab, cache_alignment)
{
	static const size_t sizes[] = { 8, 24, 40, 100, 250, 3000, 5000 };
	static const size_t aligns[] = { 0, 8, 16, 32, 64, 128, 512, 4096 };
	void *held[20];
	size_t free0 = free_pages_settled();

	for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
		for (size_t ai = 0; ai < ARRAY_SIZE(aligns); ai++) {
			struct kmem_cache *c = kmem_cache_create("test-align", sizes[si], aligns[ai]);
			ASSERT_TRUE(c != NULL);
			size_t a = aligns[ai] ? aligns[ai] : 8;
			for (int i = 0; i < 20; i++) {
				held[i] = kmem_cache_alloc(c);
				ASSERT_TRUE(held[i] != NULL);
				EXPECT_EQ((uintptr_t)held[i] % a, 0);
				memset(held[i], 0x5a, sizes[si]);
			}
			for (int i = 0; i < 20; i++)
				kmem_cache_free(c, held[i]);
			kmem_cache_destroy(c);
		}
	}
	EXPECT_EQ(free_pages_settled(), free0);
}

KTEST(slab, zalloc_zeroes)
{
	static const size_t sizes[] = { 1, 16, 100, 2048, 3000, 10000, 70000 };
	struct kmem_cache *c = kmem_cache_create("test-zero", 72, 0);
	ASSERT_TRUE(c != NULL);

	uint8_t *p = kmem_cache_alloc(c);
	ASSERT_TRUE(p != NULL);
	memset(p, 0xa5, 72);
	kmem_cache_free(c, p);
	uint8_t *z = kmem_cache_zalloc(c);
	ASSERT_TRUE(z != NULL);
	EXPECT_TRUE(z == p);	/* the dirty object came back, zeroed */
	for (int i = 0; i < 72; i++)
		EXPECT_EQ(z[i], 0);
	kmem_cache_free(c, z);
	kmem_cache_destroy(c);

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kmalloc(sizes[i]);
		ASSERT_TRUE(p != NULL);
		memset(p, 0xa5, sizes[i]);
		kfree(p);
		z = kzalloc(sizes[i]);
		ASSERT_TRUE(z != NULL);
		size_t nonzero = 0;
		for (size_t j = 0; j < sizes[i]; j++)
			nonzero += z[j] != 0;
		EXPECT_EQ(nonzero, 0);
		kfree(z);
	}
}

KTEST(slab, krealloc_keeps_contents)
{
	static const size_t steps[] = { 10, 100, 2000, 5000, 70000, 3000, 20, 1 };
	size_t have = 0;

	uint8_t *p = krealloc(NULL, 0);	/* NULL: like kmalloc */
	ASSERT_TRUE(p != NULL);
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		uint8_t *n = krealloc(p, steps[i]);
		ASSERT_TRUE(n != NULL);
		EXPECT_GE(ksize(n), steps[i]);
		EXPECT_EQ((uintptr_t)n % 16, 0);
		size_t keep = MIN(have, steps[i]);
		size_t bad = 0;
		for (size_t j = 0; j < keep; j++)
			bad += n[j] != (uint8_t)(j * 7 + 3);
		EXPECT_EQ(bad, 0);
		for (size_t j = 0; j < steps[i]; j++)
			n[j] = (uint8_t)(j * 7 + 3);
		p = n;
		have = steps[i];
	}
	kfree(p);

	p = kmalloc(20);	/* class 32: growing within it stays in place */
	ASSERT_TRUE(p != NULL);
	memset(p, 0x11, 20);
	EXPECT_TRUE(krealloc(p, 30) == p);
	EXPECT_TRUE(krealloc(p, KMALLOC_MAX_SIZE + 1) == NULL);	/* too big: p untouched */
	EXPECT_EQ(p[19], 0x11);
	kfree(p);
}

KTEST(slab, ksize_and_alignment)
{
	static const size_t sizes[] = {
		1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257,
		500, 512, 513, 1000, 1024, 1025, 1500, 2047, 2048, 2049, 4095, 4096, 4097, 8192,
		10000, 65536, 100000, 1 << 20, KMALLOC_MAX_SIZE,
	};

	EXPECT_EQ(ksize(NULL), 0);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i];
		void *p = kmalloc(n);
		if (!p && n >= (1 << 20))
			continue;	/* a free block that large is not guaranteed */
		ASSERT_TRUE(p != NULL);
		EXPECT_GE(ksize(p), n);
		EXPECT_LT(ksize(p), 2 * n + 16);	/* a power-of-two class, not more */
		EXPECT_EQ((uintptr_t)p % 16, 0);
		if (n > KMALLOC_MAX_CACHE_SIZE)
			EXPECT_EQ((uintptr_t)p % PAGE_SIZE, 0);
		((uint8_t *)p)[n - 1] = 1;
		kfree(p);
	}
}

KTEST(slab, kmalloc_zero_and_too_big)
{
	void *a = kmalloc(0), *b = kmalloc(0);
	EXPECT_TRUE(a != NULL && b != NULL);	/* documented: a unique object, not NULL */
	EXPECT_TRUE(a != b);
	EXPECT_EQ(ksize(a), 16);
	kfree(a);
	kfree(b);
	kfree(NULL);
	EXPECT_TRUE(kmalloc(KMALLOC_MAX_SIZE + 1) == NULL);
	EXPECT_TRUE(kmalloc(SIZE_MAX) == NULL);
	EXPECT_TRUE(kzalloc(SIZE_MAX) == NULL);
	EXPECT_TRUE(kmalloc_cache(KMALLOC_MAX_CACHE_SIZE + 1) == NULL);
	EXPECT_STREQ(cstats(kmalloc_cache(0)).name, "kmalloc-16");
	EXPECT_STREQ(cstats(kmalloc_cache(2048)).name, "kmalloc-2048");
}

/* 100,000 random kmalloc/kfree operations, 1 byte to 64 KiB, every block patterned and checked. */
#define STRESS_SLOTS	512
#define STRESS_OPS	100000
static struct {
	void *p;
	size_t size;
	uint64_t seed;
} slots[STRESS_SLOTS];

static size_t stress_size(void)
{
	uint64_t r = ktest_rand();
	/* Mostly small (size classes), a quarter up to 64 KiB (whole pages). */
	unsigned bits = (unsigned)((r & 3) ? (r >> 8) % 11 : (r >> 8) % 17);
	size_t lo = (size_t)1 << bits;
	return MIN(lo + (size_t)(r >> 32) % lo, (size_t)65536);
}

KTEST(slab, stress_kmalloc_kfree)
{
	size_t in_use0[8], free0;
	int failures = 0, max_live = 0, live = 0;

	/* The caches are shared: other threads and softirqs (lwIP's timers freeing an earlier
	 * suite's connections) allocate and free meanwhile. Keep them out, so that the counts
	 * compared at the end change by this test's own operations only. */
	local_bh_disable();
	preempt_disable();
	free0 = free_pages_settled();
	for (int i = 0; i < 8; i++)
		in_use0[i] = cstats(kmalloc_cache((size_t)16 << i)).in_use;
	ktest_rand_seed(0x5eed1234);
	for (int op = 0; op < STRESS_OPS && failures < 10; op++) {
		int i = (int)(ktest_rand() % STRESS_SLOTS);
		if (slots[i].p) {
			if (!pattern_ok(slots[i].p, slots[i].size, slots[i].seed)) {
				EXPECT_TRUE(pattern_ok(slots[i].p, slots[i].size, slots[i].seed));
				failures++;
			}
			kfree(slots[i].p);
			slots[i].p = NULL;
			live--;
			continue;
		}
		size_t n = stress_size();
		void *p = kmalloc(n);
		if (!p || (uintptr_t)p % 16 || ksize(p) < n) {
			EXPECT_TRUE(p != NULL && (uintptr_t)p % 16 == 0 && ksize(p) >= n);
			failures++;
			continue;
		}
		slots[i].p = p;
		slots[i].size = n;
		slots[i].seed = ktest_rand();
		pattern_fill(p, n, slots[i].seed);
		max_live = MAX(max_live, ++live);
	}
	for (int i = 0; i < STRESS_SLOTS; i++) {
		if (!slots[i].p)
			continue;
		EXPECT_TRUE(pattern_ok(slots[i].p, slots[i].size, slots[i].seed));
		kfree(slots[i].p);
		slots[i].p = NULL;
	}
	EXPECT_EQ(failures, 0);
	EXPECT_GT(max_live, STRESS_SLOTS / 4);
	for (int i = 0; i < 8; i++)
		EXPECT_EQ(cstats(kmalloc_cache((size_t)16 << i)).in_use, in_use0[i]);
	EXPECT_EQ(free_pages_settled(), free0);
	preempt_enable();
	local_bh_enable();
}

KTEST(slab, meminfo_prints)
{
	void *p = kmalloc(5000);	/* shows up on the kmalloc-large line */
	meminfo_print();
	kfree(p);
}

/* Deliberate panics, run only when named (ktest=slab.NAME). */
KTEST_EXPLICIT(slab, double_free_panics)
{
	void *p = kmalloc(64);
	ASSERT_TRUE(p != NULL);
	kfree(p);
	kfree(p);
}

KTEST_EXPLICIT(slab, wrong_cache_panics)
{
	struct kmem_cache *a = kmem_cache_create("test-a", 64, 0);
	struct kmem_cache *b = kmem_cache_create("test-b", 64, 0);
	ASSERT_TRUE(a && b);
	kmem_cache_free(b, kmem_cache_alloc(a));
}

KTEST_EXPLICIT(slab, interior_free_panics)
{
	char *p = kmalloc(64);
	ASSERT_TRUE(p != NULL);
	kfree(p + 16);
}

KTEST_EXPLICIT(slab, destroy_busy_panics)
{
	struct kmem_cache *c = kmem_cache_create("test-busy", 64, 0);
	ASSERT_TRUE(c != NULL);
	ASSERT_TRUE(kmem_cache_alloc(c) != NULL);
	ASSERT_TRUE(kmem_cache_alloc(c) != NULL);
	kmem_cache_destroy(c);
}

KTEST_EXPLICIT(slab, kfree_foreign_panics)
{
	static uint64_t not_heap[4];
	kfree(not_heap);
}
