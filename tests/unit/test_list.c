// SPDX-License-Identifier: MIT
/* Intrusive lists: insertion order, removal, splicing, and safe iteration while deleting. */
#include <kernel/ktest.h>
#include <kernel/list.h>

struct item {
	int v;
	struct list_head node;
};

static int collect(struct list_head *h, int *out, int max)
{
	struct item *it;
	int n = 0;
	list_for_each_entry(it, h, node) {
		if (n < max)
			out[n] = it->v;
		n++;
	}
	return n;
}

KTEST(list, add_and_add_tail)
{
	LIST_HEAD(h);
	struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 };
	int got[4];

	EXPECT_TRUE(list_empty(&h));
	list_add_tail(&a.node, &h);
	EXPECT_TRUE(list_is_singular(&h));
	list_add_tail(&b.node, &h);
	list_add(&c.node, &h);
	ASSERT_EQ(collect(&h, got, 4), 3);
	EXPECT_EQ(got[0], 3);
	EXPECT_EQ(got[1], 1);
	EXPECT_EQ(got[2], 2);
	EXPECT_EQ(list_first_entry(&h, struct item, node)->v, 3);
}

KTEST(list, del_init_and_move)
{
	LIST_HEAD(h);
	LIST_HEAD(other);
	struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 };
	int got[4];

	list_add_tail(&a.node, &h);
	list_add_tail(&b.node, &h);
	list_add_tail(&c.node, &h);
	list_del_init(&b.node);
	EXPECT_TRUE(list_empty(&b.node));
	ASSERT_EQ(collect(&h, got, 4), 2);
	EXPECT_EQ(got[0], 1);
	EXPECT_EQ(got[1], 3);
	list_move_tail(&a.node, &other);
	EXPECT_EQ(collect(&h, got, 4), 1);
	EXPECT_EQ(collect(&other, got, 4), 1);
	EXPECT_EQ(got[0], 1);
}

KTEST(list, splice)
{
	LIST_HEAD(h);
	LIST_HEAD(x);
	struct item it[6];
	int got[8];

	for (int i = 0; i < 6; i++) {
		it[i].v = i;
		list_add_tail(&it[i].node, i < 3 ? &h : &x);
	}
	list_splice_tail_init(&x, &h);
	EXPECT_TRUE(list_empty(&x));
	ASSERT_EQ(collect(&h, got, 8), 6);
	for (int i = 0; i < 6; i++)
		EXPECT_EQ(got[i], i);
	list_splice_init(&h, &x);
	EXPECT_TRUE(list_empty(&h));
	ASSERT_EQ(collect(&x, got, 8), 6);
	EXPECT_EQ(got[0], 0);
	EXPECT_EQ(got[5], 5);
	list_splice_init(&h, &x);	/* empty source: no change */
	EXPECT_EQ(collect(&x, got, 8), 6);
}

KTEST(list, safe_iteration_deletes_all)
{
	LIST_HEAD(h);
	struct item it[5], *pos, *tmp;
	int seen = 0;

	for (int i = 0; i < 5; i++) {
		it[i].v = i;
		list_add_tail(&it[i].node, &h);
	}
	list_for_each_entry_safe(pos, tmp, &h, node) {
		EXPECT_EQ(pos->v, seen);
		list_del_init(&pos->node);
		seen++;
	}
	EXPECT_EQ(seen, 5);
	EXPECT_TRUE(list_empty(&h));
}
