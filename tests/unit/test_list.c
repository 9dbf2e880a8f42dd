// SPDX-License-Identifier: MIT
/* Intrusive lists: insertion order, removal, splicing, safe iteration while deleting, and the
 * variants for lock-free readers (careful removal, RCU). */
#include <kernel/ktest.h>
#include <kernel/list.h>
#include <kernel/rcu.h>

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

/* A sleeper's entry taken off by its waker: the sleeper reads it without the lock. One whose
 * next pointer is already back at itself but whose prev is not yet (the waker half-way through)
 * must not read as off the queue, or the sleeper's stack frame could go while the waker still
 * writes to it. */
KTEST(list, careful_removal_reads_as_done_only_when_done)
{
	LIST_HEAD(h);
	struct item a = { .v = 1 }, b = { .v = 2 };
	int got[4];

	list_add_tail(&a.node, &h);
	list_add_tail(&b.node, &h);
	EXPECT_FALSE(list_empty_careful(&a.node));

	struct list_head *prev = a.node.prev;
	a.node.next = &a.node;		/* the state half-way through a removal */
	EXPECT_TRUE(list_empty(&a.node));
	EXPECT_FALSE(list_empty_careful(&a.node));
	a.node.next = &b.node;
	a.node.prev = prev;

	list_del_init_careful(&a.node);
	EXPECT_TRUE(list_empty_careful(&a.node));
	ASSERT_EQ(collect(&h, got, 4), 1);
	EXPECT_EQ(got[0], 2);
}

/* An RCU reader standing on a node that a writer unlinks walks on to the rest of the list. */
KTEST(list, rcu_reader_on_a_removed_node_walks_on)
{
	LIST_HEAD(h);
	struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 }, d = { .v = 4 };
	struct item *it;
	int seen = 0;

	list_add_tail_rcu(&a.node, &h);
	list_add_tail_rcu(&b.node, &h);
	list_add_tail_rcu(&c.node, &h);
	list_for_each_entry_rcu(it, &h, node) {
		seen = seen * 10 + it->v;
		if (it == &b) {
			list_del_rcu(&b.node);		/* the reader stands on b */
			list_del_rcu(&a.node);
			list_add_tail_rcu(&d.node, &h);
		}
	}
	EXPECT_EQ(seen, 1234);
	int got[4];
	ASSERT_EQ(collect(&h, got, 4), 2);
	EXPECT_EQ(got[0], 3);
	EXPECT_EQ(got[1], 4);
}
