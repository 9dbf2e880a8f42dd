// SPDX-License-Identifier: MIT
/* Red-black trees: shapes built in every order, walks both ways, erase of every kind of node, the
 * cached leftmost, and a long random run against a bitmap with the full invariants checked. */
#include <kernel/ktest.h>
#include <kernel/rbtree.h>
#include <string.h>

#define NKEYS		4096
#define RANDOM_OPS	100000
#define CHECK_EVERY	1000

/* Node i always holds key i, so "is key k in the tree" is "is nodes[k] in the tree". */
struct tnode {
	uint32_t key;
	struct rb_node rb;
};

static struct tnode nodes[NKEYS];
static uint32_t order[NKEYS];
static uint64_t present[NKEYS / 64];


static void reset_nodes(void)
{
	for (uint32_t i = 0; i < NKEYS; i++) {
		nodes[i].key = i;
		RB_CLEAR_NODE(&nodes[i].rb);
	}
	memset(present, 0, sizeof(present));
}

/* order[0..n) = 0..n-1 shuffled (Fisher-Yates). */
static void shuffle_keys(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = ktest_rand_below(i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

static uint32_t key_of(const struct rb_node *n)
{
	return rb_entry(n, struct tnode, rb)->key;
}

/*
 * No tree of NKEYS nodes is deeper than 2 * log2(NKEYS + 1) < 26; the walks below give up past
 * MAX_DEPTH so that a broken tree fails the case instead of hanging it in a cycle.
 */
#define MAX_DEPTH	64

/* Insert by the caller-side walk the API expects; false if the key was already there. */
static bool tree_insert(struct rb_root_cached *root, struct tnode *t)
{
	struct rb_node **link = &root->root.node, *parent = NULL;
	bool leftmost = true;

	for (int depth = 0; *link; depth++) {
		if (depth > MAX_DEPTH)
			return false;
		parent = *link;
		if (t->key < key_of(parent)) {
			link = &parent->left;
		} else if (t->key > key_of(parent)) {
			link = &parent->right;
			leftmost = false;
		} else {
			return false;
		}
	}
	rb_link_node(&t->rb, parent, link);
	rb_insert_color_cached(&t->rb, root, leftmost);
	return true;
}

static struct tnode *tree_find(const struct rb_root *root, uint32_t key)
{
	struct rb_node *n = root->node;

	for (int depth = 0; n && depth <= MAX_DEPTH; depth++) {
		if (key < key_of(n))
			n = n->left;
		else if (key > key_of(n))
			n = n->right;
		else
			return rb_entry(n, struct tnode, rb);
	}
	return NULL;
}

/* --- The invariant checker: reports the first broken rule and stops. --- */

struct check {
	struct ktest_ctx *ctx;
	const struct rb_node *prev;	/* last node seen in order */
	const struct rb_node *first;	/* first node seen in order */
	uint32_t count;			/* nodes seen */
	bool failed;			/* a rule was already reported */
};

static void check_fail(struct check *c, int line, const char *what, const struct rb_node *n)
{
	if (c->failed)
		return;
	c->failed = true;
	ktest_fail(c->ctx, __FILE__, line, "rbtree invariant: %s (at key %u)", what,
		   n ? key_of(n) : 0xffffffffu);
}

/* Returns the black height of the subtree at @n (NULL counts as 0), or -1 once broken. */
static int check_subtree(struct check *c, const struct rb_node *n, const struct rb_node *parent,
			 int depth)
{
	if (!n)
		return 0;
	if (depth > MAX_DEPTH) {
		check_fail(c, __LINE__, "too deep (a cycle?)", n);
		return -1;
	}
	if (rb_parent(n) != parent) {
		check_fail(c, __LINE__, "parent pointer does not match", n);
		return -1;
	}
	if (RB_EMPTY_NODE(n)) {
		check_fail(c, __LINE__, "node in the tree marked empty", n);
		return -1;
	}
	if (rb_is_red(n) && ((n->left && rb_is_red(n->left)) || (n->right && rb_is_red(n->right)))) {
		check_fail(c, __LINE__, "red node with a red child", n);
		return -1;
	}
	int lh = check_subtree(c, n->left, n, depth + 1);
	if (lh < 0)
		return -1;
	/* In-order visit. */
	if (c->prev && key_of(c->prev) >= key_of(n)) {
		check_fail(c, __LINE__, "in-order keys not increasing", n);
		return -1;
	}
	if (!c->first)
		c->first = n;
	c->prev = n;
	c->count++;
	int rh = check_subtree(c, n->right, n, depth + 1);
	if (rh < 0)
		return -1;
	if (lh != rh) {
		check_fail(c, __LINE__, "black heights differ", n);
		return -1;
	}
	return lh + !rb_is_red(n);
}

/* Full check of @root holding @count nodes; the cached leftmost too when @cached is given. */
static bool check_tree_at(struct ktest_ctx *ktest_ctx, int line, const struct rb_root *root,
			  const struct rb_root_cached *cached, uint32_t count)
{
	struct check c = { .ctx = ktest_ctx };

	if (root->node && rb_is_red(root->node))
		check_fail(&c, line, "red root", root->node);
	if (!c.failed)
		check_subtree(&c, root->node, NULL, 0);
	if (!c.failed && c.count != count)
		check_fail(&c, line, "wrong node count", NULL);
	if (!c.failed && rb_first(root) != c.first)
		check_fail(&c, line, "rb_first is not the smallest node", rb_first(root));
	if (!c.failed && rb_last(root) != c.prev)
		check_fail(&c, line, "rb_last is not the largest node", rb_last(root));
	if (!c.failed && cached && rb_first_cached(cached) != c.first)
		check_fail(&c, line, "cached leftmost is stale", rb_first_cached(cached));
	if (!c.failed && RB_EMPTY_ROOT(root) != (count == 0))
		check_fail(&c, line, "RB_EMPTY_ROOT disagrees with the count", NULL);
	return !c.failed;
}

#define check_tree(root, cached, count) check_tree_at(ktest_ctx, __LINE__, root, cached, count)

/* Keys in order by rb_next and by rb_prev must be exactly @n consecutive keys from 0. */
static bool walk_is_0_to_n(const struct rb_root *root, uint32_t n)
{
	uint32_t k = 0;
	for (struct rb_node *p = rb_first(root); p; p = rb_next(p), k++)
		if (k >= n || key_of(p) != k)
			return false;
	if (k != n)
		return false;
	for (struct rb_node *p = rb_last(root); p; p = rb_prev(p))
		if (k == 0 || key_of(p) != --k)
			return false;
	return k == 0;
}

/* --- Cases --- */

KTEST(rbtree, empty_tree)
{
	struct rb_root root = RB_ROOT;
	struct rb_root_cached croot = RB_ROOT_CACHED;
	struct rb_node lone;

	EXPECT_TRUE(RB_EMPTY_ROOT(&root));
	EXPECT_TRUE(rb_first(&root) == NULL);
	EXPECT_TRUE(rb_last(&root) == NULL);
	EXPECT_TRUE(RB_EMPTY_ROOT(&croot.root));
	EXPECT_TRUE(rb_first_cached(&croot) == NULL);
	RB_CLEAR_NODE(&lone);
	EXPECT_TRUE(RB_EMPTY_NODE(&lone));
	EXPECT_TRUE(rb_next(&lone) == NULL);
	EXPECT_TRUE(rb_prev(&lone) == NULL);
	EXPECT_TRUE(check_tree(&root, NULL, 0));
}

KTEST(rbtree, single_node)
{
	struct rb_root_cached root = RB_ROOT_CACHED;

	reset_nodes();
	ASSERT_TRUE(tree_insert(&root, &nodes[7]));
	EXPECT_FALSE(RB_EMPTY_NODE(&nodes[7].rb));
	EXPECT_FALSE(rb_is_red(root.root.node));
	EXPECT_TRUE(rb_first(&root.root) == &nodes[7].rb);
	EXPECT_TRUE(rb_last(&root.root) == &nodes[7].rb);
	EXPECT_TRUE(rb_next(&nodes[7].rb) == NULL);
	EXPECT_TRUE(rb_prev(&nodes[7].rb) == NULL);
	EXPECT_FALSE(tree_insert(&root, &nodes[7]));	/* duplicate refused by the walk */
	EXPECT_TRUE(check_tree(&root.root, &root, 1));
	rb_erase_cached(&nodes[7].rb, &root);
	EXPECT_TRUE(RB_EMPTY_NODE(&nodes[7].rb));
	EXPECT_TRUE(check_tree(&root.root, &root, 0));
}

KTEST(rbtree, ascending_insert)
{
	struct rb_root_cached root = RB_ROOT_CACHED;

	reset_nodes();
	for (uint32_t i = 0; i < NKEYS; i++) {
		ASSERT_TRUE(tree_insert(&root, &nodes[i]));
		EXPECT_TRUE(rb_first_cached(&root) == &nodes[0].rb);
		if ((i & 255) == 0)
			ASSERT_TRUE(check_tree(&root.root, &root, i + 1));
	}
	ASSERT_TRUE(check_tree(&root.root, &root, NKEYS));
	EXPECT_TRUE(walk_is_0_to_n(&root.root, NKEYS));
}

KTEST(rbtree, descending_insert)
{
	struct rb_root_cached root = RB_ROOT_CACHED;

	reset_nodes();
	for (uint32_t i = NKEYS; i-- > 0;) {
		ASSERT_TRUE(tree_insert(&root, &nodes[i]));
		EXPECT_TRUE(rb_first_cached(&root) == &nodes[i].rb);
		if ((i & 255) == 0)
			ASSERT_TRUE(check_tree(&root.root, &root, NKEYS - i));
	}
	ASSERT_TRUE(check_tree(&root.root, &root, NKEYS));
	EXPECT_TRUE(walk_is_0_to_n(&root.root, NKEYS));
}

KTEST(rbtree, random_insert)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	uint32_t min = NKEYS;

	reset_nodes();
	ktest_rand_seed(1);
	shuffle_keys(NKEYS);
	for (uint32_t i = 0; i < NKEYS; i++) {
		ASSERT_TRUE(tree_insert(&root, &nodes[order[i]]));
		min = MIN(min, order[i]);
		EXPECT_EQ(key_of(rb_first_cached(&root)), min);
		if ((i & 255) == 0)
			ASSERT_TRUE(check_tree(&root.root, &root, i + 1));
	}
	ASSERT_TRUE(check_tree(&root.root, &root, NKEYS));
	EXPECT_TRUE(walk_is_0_to_n(&root.root, NKEYS));
	for (uint32_t k = 0; k < NKEYS; k += 97)
		EXPECT_TRUE(tree_find(&root.root, k) == &nodes[k]);
}

KTEST(rbtree, next_prev_walk)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	uint32_t n = 1000, k;

	reset_nodes();
	ktest_rand_seed(2);
	shuffle_keys(n);
	/* Even keys only, so the walk also proves the gaps are skipped. */
	for (uint32_t i = 0; i < n; i++)
		if (!(order[i] & 1))
			ASSERT_TRUE(tree_insert(&root, &nodes[order[i]]));
	k = 0;
	for (struct rb_node *p = rb_first(&root.root); p; p = rb_next(p), k += 2)
		ASSERT_EQ(key_of(p), k);
	EXPECT_EQ(k, n);
	for (struct rb_node *p = rb_last(&root.root); p; p = rb_prev(p)) {
		k -= 2;
		ASSERT_EQ(key_of(p), k);
	}
	EXPECT_EQ(k, 0);
	/* Every node's neighbors, from the node itself (not only in a running walk). */
	for (k = 0; k < n; k += 2) {
		struct rb_node *nx = rb_next(&nodes[k].rb), *pv = rb_prev(&nodes[k].rb);
		if (k + 2 < n)
			EXPECT_TRUE(nx == &nodes[k + 2].rb);
		else
			EXPECT_TRUE(nx == NULL);
		if (k > 0)
			EXPECT_TRUE(pv == &nodes[k - 2].rb);
		else
			EXPECT_TRUE(pv == NULL);
	}
	EXPECT_TRUE(rb_next(&nodes[1].rb) == NULL);	/* odd keys are in no tree */
}

/* A 63-node tree, then a leaf, an inner node with two children, and the root, each erased. */
KTEST(rbtree, erase_leaf_internal_root)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	uint32_t n = 63, count = n;
	struct rb_node *victim;

	reset_nodes();
	ktest_rand_seed(3);
	shuffle_keys(n);
	for (uint32_t i = 0; i < n; i++)
		ASSERT_TRUE(tree_insert(&root, &nodes[order[i]]));
	ASSERT_TRUE(check_tree(&root.root, &root, count));

	for (int round = 0; round < 3; round++) {
		/* A leaf: go down always-left from the root's right child. */
		victim = root.root.node->right;
		while (victim->left || victim->right)
			victim = victim->left ? victim->left : victim->right;
		rb_erase_cached(victim, &root);
		EXPECT_TRUE(RB_EMPTY_NODE(victim));
		EXPECT_TRUE(tree_find(&root.root, key_of(victim)) == NULL);
		ASSERT_TRUE(check_tree(&root.root, &root, --count));

		/* An internal node with two children, not the root. */
		victim = root.root.node->left;
		while (!(victim->left && victim->right))
			victim = victim->left ? victim->left : victim->right;
		ASSERT_TRUE(victim != root.root.node);
		rb_erase_cached(victim, &root);
		EXPECT_TRUE(RB_EMPTY_NODE(victim));
		EXPECT_TRUE(tree_find(&root.root, key_of(victim)) == NULL);
		ASSERT_TRUE(check_tree(&root.root, &root, --count));

		/* The root. */
		victim = root.root.node;
		rb_erase_cached(victim, &root);
		EXPECT_TRUE(RB_EMPTY_NODE(victim));
		EXPECT_TRUE(root.root.node != victim);
		EXPECT_TRUE(tree_find(&root.root, key_of(victim)) == NULL);
		ASSERT_TRUE(check_tree(&root.root, &root, --count));

		/* The smallest, through the cache. */
		victim = rb_first_cached(&root);
		rb_erase_cached(victim, &root);
		EXPECT_TRUE(RB_EMPTY_NODE(victim));
		ASSERT_TRUE(check_tree(&root.root, &root, --count));
	}
	/* Erased nodes go back in cleanly. */
	for (uint32_t k = 0; k < n; k++)
		if (RB_EMPTY_NODE(&nodes[k].rb))
			ASSERT_TRUE(tree_insert(&root, &nodes[k]));
	ASSERT_TRUE(check_tree(&root.root, &root, n));
	EXPECT_TRUE(walk_is_0_to_n(&root.root, n));
}

/* Empty a full tree three ways (smallest first, largest first, random), checking every step. */
KTEST(rbtree, erase_until_empty)
{
	for (int way = 0; way < 3; way++) {
		struct rb_root_cached root = RB_ROOT_CACHED;
		uint32_t n = 1024;

		reset_nodes();
		ktest_rand_seed(4 + way);
		shuffle_keys(n);
		for (uint32_t i = 0; i < n; i++)
			ASSERT_TRUE(tree_insert(&root, &nodes[order[i]]));
		ASSERT_TRUE(check_tree(&root.root, &root, n));
		if (way == 2)
			shuffle_keys(n);
		for (uint32_t i = 0; i < n; i++) {
			uint32_t k = way == 0 ? i : way == 1 ? n - 1 - i : order[i];
			rb_erase_cached(&nodes[k].rb, &root);
			EXPECT_TRUE(RB_EMPTY_NODE(&nodes[k].rb));
			ASSERT_TRUE(check_tree(&root.root, &root, n - 1 - i));
		}
		EXPECT_TRUE(RB_EMPTY_ROOT(&root.root));
		EXPECT_TRUE(rb_first_cached(&root) == NULL);
	}
}

/* Equal keys are the caller's business: going right on ties keeps insertion order. */
KTEST(rbtree, equal_keys_keep_insertion_order)
{
	struct rb_root root = RB_ROOT;
	static struct tnode dup[64];

	for (uint32_t i = 0; i < ARRAY_SIZE(dup); i++) {
		struct rb_node **link = &root.node, *parent = NULL;
		dup[i].key = i % 4;
		while (*link) {
			parent = *link;
			link = dup[i].key < key_of(parent) ? &parent->left : &parent->right;
		}
		rb_link_node(&dup[i].rb, parent, link);
		rb_insert_color(&dup[i].rb, &root);
	}
	uint32_t seen = 0, prev_idx = 0;
	for (struct rb_node *p = rb_first(&root); p; p = rb_next(p), seen++) {
		uint32_t idx = (uint32_t)(rb_entry(p, struct tnode, rb) - dup);
		EXPECT_EQ(idx % 4, seen / 16);			/* grouped by key */
		if (seen % 16)
			EXPECT_GT(idx, prev_idx);		/* ties in insertion order */
		prev_idx = idx;
	}
	EXPECT_EQ(seen, ARRAY_SIZE(dup));
}

KTEST(rbtree, replace_node)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	static struct tnode spare[3];
	uint32_t n = 100;

	reset_nodes();
	for (uint32_t i = 0; i < n; i++)
		ASSERT_TRUE(tree_insert(&root, &nodes[i]));
	/* The root, a middle node, and the leftmost (the cache must follow). */
	uint32_t keys[3] = { key_of(root.root.node), 50, 0 };
	for (int i = 0; i < 3; i++) {
		spare[i].key = keys[i];
		rb_replace_node_cached(&nodes[keys[i]].rb, &spare[i].rb, &root);
		EXPECT_TRUE(RB_EMPTY_NODE(&nodes[keys[i]].rb));
		EXPECT_TRUE(tree_find(&root.root, keys[i]) == &spare[i]);
		ASSERT_TRUE(check_tree(&root.root, &root, n));
	}
	EXPECT_TRUE(rb_first_cached(&root) == &spare[2].rb);
	EXPECT_TRUE(walk_is_0_to_n(&root.root, n));
}

static bool is_present(uint32_t k)
{
	return present[k / 64] >> (k % 64) & 1;
}

static void flip_present(uint32_t k)
{
	present[k / 64] ^= 1ULL << (k % 64);
}

/*
 * 100,000 operations on keys 0..4095 against a presence bitmap. The bias toward insert or erase
 * swings every 10,000 operations, so the tree sweeps between nearly empty and nearly full.
 */
KTEST(rbtree, random_ops_against_bitmap)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	uint32_t count = 0, inserts = 0, erases = 0, max_count = 0, min_after_fill = NKEYS;

	reset_nodes();
	ktest_rand_seed(0x5eed);
	for (uint32_t op = 1; op <= RANDOM_OPS; op++) {
		uint32_t k = ktest_rand_below(NKEYS);
		bool grow = (op / 10000) % 2 == 0;
		bool want_insert = ktest_rand_below(100) < (grow ? 80u : 20u);
		struct tnode *found = tree_find(&root.root, k);

		if (!!found != is_present(k) || (found && found != &nodes[k]) ||
		    RB_EMPTY_NODE(&nodes[k].rb) == is_present(k)) {
			ktest_fail(ktest_ctx, __FILE__, __LINE__,
				   "op %u: key %u: tree and bitmap disagree", op, k);
			return;
		}
		if (want_insert && !found) {
			ASSERT_TRUE(tree_insert(&root, &nodes[k]));
			flip_present(k);
			count++, inserts++;
		} else if (!want_insert && found) {
			rb_erase_cached(&found->rb, &root);
			ASSERT_TRUE(RB_EMPTY_NODE(&found->rb));
			flip_present(k);
			count--, erases++;
		}
		ASSERT_TRUE(root.leftmost == rb_first(&root.root));
		max_count = MAX(max_count, count);
		if (op > 10000)
			min_after_fill = MIN(min_after_fill, count);
		if (op % CHECK_EVERY == 0)
			ASSERT_TRUE(check_tree(&root.root, &root, count));
	}
	ASSERT_TRUE(check_tree(&root.root, &root, count));
	/* The bitmap and the tree hold the same keys, in order. */
	struct rb_node *p = rb_first(&root.root);
	for (uint32_t k = 0; k < NKEYS; k++) {
		if (!is_present(k))
			continue;
		ASSERT_TRUE(p == &nodes[k].rb);
		p = rb_next(p);
	}
	EXPECT_TRUE(p == NULL);
	/* The run really swept the sizes and did real work both ways. */
	EXPECT_GT(max_count, NKEYS * 3 / 4);
	EXPECT_LT(min_after_fill, NKEYS / 4);
	EXPECT_GT(inserts, 20000);
	EXPECT_GT(erases, 20000);
	/* Drain, so the last erases are checked too. */
	while ((p = rb_first_cached(&root))) {
		rb_erase_cached(p, &root);
		count--;
		if (count % 64 == 0)
			ASSERT_TRUE(check_tree(&root.root, &root, count));
	}
	EXPECT_EQ(count, 0);
}
