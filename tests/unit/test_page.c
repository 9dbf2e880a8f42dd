// SPDX-License-Identifier: MIT
/* The buddy page allocator, run against the live allocator (the host's arena, or the guest's RAM):
 * every case leaves the counters exactly as it found them. Cases that add ranges or drain all
 * memory run on the host only. */
#include <arch/boot.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/page.h>
#include <kernel/slab.h>
#include <string.h>

/* Same total, same free count and the same free blocks of every order. */
static bool stats_same(const struct page_stats *a, const struct page_stats *b)
{
	if (a->total != b->total || a->free != b->free)
		return false;
	for (int k = 0; k <= PAGE_MAX_ORDER; k++)
		if (a->free_blocks[k] != b->free_blocks[k])
			return false;
	return true;
}

#define SPLIT_PAGES	4096	/* more than a max-order block: forces splits of several */
static void *pages[SPLIT_PAGES];

KTEST(page, split_and_coalesce)
{
	struct page_stats before, mid, after;

	page_stats(&before);
	ASSERT_TRUE(before.total > 0);
	size_t n = MIN((size_t)SPLIT_PAGES, before.free / 2);
	bool had_max = before.free_blocks[PAGE_MAX_ORDER] > 0;

	for (size_t i = 0; i < n; i++) {
		pages[i] = page_alloc(0);
		ASSERT_TRUE(pages[i] != NULL);
		EXPECT_EQ((uintptr_t)pages[i] % PAGE_SIZE, 0);
		*(uint64_t *)pages[i] = i;
		*(uint64_t *)((char *)pages[i] + PAGE_SIZE - 8) = ~(uint64_t)i;
	}
	page_stats(&mid);
	EXPECT_EQ(mid.free, before.free - n);
	EXPECT_EQ(mid.total, before.total);
	for (size_t i = 0; i < n; i++) {	/* no page handed out twice */
		EXPECT_EQ(*(uint64_t *)pages[i], i);
		EXPECT_EQ(*(uint64_t *)((char *)pages[i] + PAGE_SIZE - 8), ~(uint64_t)i);
	}
	ktest_rand_seed(0x9a6e5);
	for (size_t i = n; i > 1; i--) {	/* free in random order */
		size_t j = ktest_rand() % i;
		void *t = pages[i - 1];
		pages[i - 1] = pages[j];
		pages[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		page_free(pages[i], 0);
	page_stats(&after);
	EXPECT_TRUE(stats_same(&before, &after));
	EXPECT_EQ(after.free, before.free);
	if (had_max) {
		void *big = page_alloc(PAGE_MAX_ORDER);
		EXPECT_TRUE(big != NULL);
		if (big)
			page_free(big, PAGE_MAX_ORDER);
	}
}

KTEST(page, every_order_aligned)
{
	struct page_stats before, now, after;
	void *held[3];

	page_stats(&before);
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		page_stats(&now);
		bool available = false;
		for (unsigned k = o; k <= PAGE_MAX_ORDER; k++)
			available |= now.free_blocks[k] > 0;
		for (int j = 0; j < 3; j++) {
			held[j] = page_alloc(o);
			if (j == 0)
				EXPECT_EQ(held[j] != NULL, available);
			if (!held[j])
				continue;
			EXPECT_EQ((uintptr_t)held[j] % (PAGE_SIZE << o), 0);
			char *p = held[j];
			p[0] = 1;	/* the whole block is usable */
			p[(PAGE_SIZE << o) - 1] = 2;
		}
		for (int j = 0; j < 3; j++)
			if (held[j])
				page_free(held[j], o);
	}
	page_stats(&after);
	EXPECT_TRUE(stats_same(&before, &after));
}

KTEST(page, bad_order_is_null)
{
	struct page_stats before, after;

	page_stats(&before);
	EXPECT_TRUE(page_alloc(PAGE_MAX_ORDER + 1) == NULL);
	EXPECT_TRUE(page_alloc(64) == NULL);
	EXPECT_TRUE(page_alloc(~0u) == NULL);
	page_stats(&after);
	EXPECT_TRUE(stats_same(&before, &after));
}

KTEST(page, range_add_rejects_bad_ranges)
{
	struct page_stats before, after;

	page_stats(&before);
	EXPECT_EQ(page_range_add(0x200000, 0), -EINVAL);
	EXPECT_EQ(page_range_add(0x200000, 100), -EINVAL);
	EXPECT_EQ(page_range_add(0x200001, PAGE_SIZE), -EINVAL);	/* no whole page */
	EXPECT_EQ(page_range_add(0x200000, PAGE_SIZE), -EINVAL);	/* all metadata */
	EXPECT_EQ(page_range_add(0, 2 * PAGE_SIZE - 1), -EINVAL);	/* page 0 is never used */
	EXPECT_EQ(page_range_add(UINTPTR_MAX - 100, 50), -EINVAL);
	EXPECT_EQ(page_range_add(PAGE_SIZE, UINTPTR_MAX), -EINVAL);	/* wraps */
	void *p = page_alloc(2);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(page_range_add((uintptr_t)p, 4 * PAGE_SIZE), -EEXIST);	/* already managed */
	page_free(p, 2);
	page_stats(&after);
	EXPECT_TRUE(stats_same(&before, &after));
}

KTEST(page, boot_spans)
{
	const uint64_t kend = 0x234567;	/* rounds up to 0x235000 */
	struct page_span s[2];
	struct mem_region r;

	r = (struct mem_region){ 0, 0x9fc00, MEM_RAM };
	ASSERT_EQ(page_boot_spans(&r, kend, s), 1);
	EXPECT_EQ(s[0].base, 0x1000);	/* page 0 stays out */
	EXPECT_EQ(s[0].end, 0x9f000);
	r = (struct mem_region){ 0x9fc00, 0x400, MEM_RESERVED };
	EXPECT_EQ(page_boot_spans(&r, kend, s), 0);
	r = (struct mem_region){ 0x100000, 0x7f00000, MEM_RAM };
	ASSERT_EQ(page_boot_spans(&r, kend, s), 1);
	EXPECT_EQ(s[0].base, 0x235000);	/* the kernel image stays out */
	EXPECT_EQ(s[0].end, 0x8000000);
	r = (struct mem_region){ 0, 0x8000000, MEM_RAM };	/* one region across the hole */
	ASSERT_EQ(page_boot_spans(&r, kend, s), 2);
	EXPECT_EQ(s[0].base, 0x1000);
	EXPECT_EQ(s[0].end, 0xa0000);
	EXPECT_EQ(s[1].base, 0x235000);
	EXPECT_EQ(s[1].end, 0x8000000);
	r = (struct mem_region){ 0xc0000000, 0x80000000, MEM_RAM };	/* crosses 4 GiB */
	ASSERT_EQ(page_boot_spans(&r, kend, s), 1);
	EXPECT_EQ(s[0].base, 0xc0000000);
	EXPECT_EQ(s[0].end, 0x100000000);
	r = (struct mem_region){ 0x100000000, 0x40000000, MEM_RAM };	/* not mapped */
	EXPECT_EQ(page_boot_spans(&r, kend, s), 0);
	r = (struct mem_region){ 0x12345, 0x3000, MEM_RAM };	/* unaligned: whole pages only */
	ASSERT_EQ(page_boot_spans(&r, kend, s), 1);
	EXPECT_EQ(s[0].base, 0x13000);
	EXPECT_EQ(s[0].end, 0x15000);
	r = (struct mem_region){ 0x12345, 0x800, MEM_RAM };
	EXPECT_EQ(page_boot_spans(&r, kend, s), 0);
	r = (struct mem_region){ 0x100000, 0x100000, MEM_RAM };	/* inside the image */
	EXPECT_EQ(page_boot_spans(&r, kend, s), 0);
	r = (struct mem_region){ 0xfffffffffffff000, 0x2000, MEM_RAM };	/* wraps */
	EXPECT_EQ(page_boot_spans(&r, kend, s), 0);
	r = (struct mem_region){ 0x200000, 0x100000, MEM_ACPI };
	EXPECT_EQ(page_boot_spans(&r, kend, s), 0);
}

#ifdef KTEST_HOST
/* Host only: these add memory for good, or drain it all (nothing else runs on the host). */

static uint8_t extra[PAGE_MAX_RANGES][3 * PAGE_SIZE] __attribute__((aligned(4096)));

KTEST(page, range_add_trims_and_limits)
{
	struct page_stats before, after;
	size_t added = 1;
	int err = 0;

	page_stats(&before);
	/* Unaligned: trimmed to 2 whole pages, one of which holds the metadata. */
	ASSERT_EQ(page_range_add((uintptr_t)extra[0] + 100, sizeof(extra[0]) - 100), 0);
	page_stats(&after);
	EXPECT_EQ(after.total, before.total + 1);
	EXPECT_EQ(after.free, before.free + 1);
	for (int i = 1; i < PAGE_MAX_RANGES; i++) {
		err = page_range_add((uintptr_t)extra[i], sizeof(extra[i]));
		if (err)
			break;
		added += 2;
	}
	EXPECT_EQ(err, -ENOSPC);	/* the arena holds one slot, so the table fills up */
	page_stats(&after);
	EXPECT_EQ(after.total, before.total + added);
	EXPECT_EQ(after.free, before.free + added);
}

/* Drained blocks are chained through their own first bytes. */
struct drained {
	struct drained *next;
	unsigned order;
	uint64_t check;		/* address ^ DRAIN_MAGIC, also in the block's last word */
};
#define DRAIN_MAGIC 0xd4a1d4a1d4a1d4a1ULL

KTEST(page, exhaustion_returns_null)
{
	struct page_stats before, empty, after;
	struct drained *head = NULL;
	size_t got = 0;

	page_stats(&before);
	for (int o = PAGE_MAX_ORDER; o >= 0; o--) {
		void *p;
		while ((p = page_alloc((unsigned)o))) {
			struct drained *d = p;
			d->next = head;
			d->order = (unsigned)o;
			d->check = (uintptr_t)p ^ DRAIN_MAGIC;
			*(uint64_t *)((char *)p + (PAGE_SIZE << o) - 8) = d->check;
			head = d;
			got += 1UL << o;
		}
	}
	page_stats(&empty);
	EXPECT_EQ(got, before.free);
	EXPECT_EQ(empty.free, 0);
	for (int k = 0; k <= PAGE_MAX_ORDER; k++)
		EXPECT_EQ(empty.free_blocks[k], 0);
	EXPECT_TRUE(page_alloc(0) == NULL);
	EXPECT_TRUE(page_alloc(PAGE_MAX_ORDER) == NULL);
	EXPECT_TRUE(kmalloc(2 * PAGE_SIZE) == NULL);
	while (head) {
		struct drained *next = head->next;
		unsigned o = head->order;
		EXPECT_EQ(head->check, (uintptr_t)head ^ DRAIN_MAGIC);
		EXPECT_EQ(*(uint64_t *)((char *)head + (PAGE_SIZE << o) - 8), head->check);
		page_free(head, o);
		head = next;
	}
	page_stats(&after);
	EXPECT_TRUE(stats_same(&before, &after));
}
#endif

/* Deliberate panics, run only when named (ktest=page.double_free_panics). */
KTEST_EXPLICIT(page, double_free_panics)
{
	void *p = page_alloc(0);
	ASSERT_TRUE(p != NULL);
	page_free(p, 0);
	page_free(p, 0);
}

KTEST_EXPLICIT(page, wrong_order_panics)
{
	void *p = page_alloc(1);
	ASSERT_TRUE(p != NULL);
	page_free(p, 0);
}
