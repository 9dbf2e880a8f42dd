// SPDX-License-Identifier: MIT
/* Red-black tree rebalancing (insert and erase fix-ups, after CLRS chapter 13) and in-order
 * walks. Pure code, no allocation, no recursion: host-tested under ASan/UBSan. */
#include <kernel/rbtree.h>

/*
 * The rules kept: every node is red or black, the root is black, a red node has no red child,
 * and every path from a node down to a NULL slot crosses the same number of black nodes. Hence
 * height <= 2 * log2(n + 1). A NULL slot counts as black.
 */

static inline bool is_black(const struct rb_node *n)
{
	return !n || (n->parent_color & 1);
}

static inline void set_black(struct rb_node *n)
{
	n->parent_color |= RB_BLACK;
}

static inline void set_red(struct rb_node *n)
{
	n->parent_color &= ~(uintptr_t)1;
}

/* New parent, color unchanged. */
static inline void set_parent(struct rb_node *n, struct rb_node *p)
{
	n->parent_color = (uintptr_t)p | (n->parent_color & 1);
}

/* Make whatever pointed at @old (its parent's child field, or the root) point at @new. */
static inline void replace_child(struct rb_node *old, struct rb_node *new, struct rb_node *parent,
				 struct rb_root *root)
{
	if (!parent)
		root->node = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/*
 * Rotations keep the in-order sequence and every node's color; only the shape changes.
 *
 *      x                y
 *     / \     left     / \
 *    a   y    ---->   x   c
 *       / \          / \
 *      b   c        a   b
 */
static void rotate_left(struct rb_node *x, struct rb_root *root)
{
	struct rb_node *y = x->right, *p = rb_parent(x);

	x->right = y->left;
	if (y->left)
		set_parent(y->left, x);
	y->left = x;
	set_parent(y, p);
	set_parent(x, y);
	replace_child(x, y, p, root);
}

static void rotate_right(struct rb_node *x, struct rb_root *root)
{
	struct rb_node *y = x->left, *p = rb_parent(x);

	x->left = y->right;
	if (y->right)
		set_parent(y->right, x);
	y->right = x;
	set_parent(y, p);
	set_parent(x, y);
	replace_child(x, y, p, root);
}

void rb_insert_color(struct rb_node *n, struct rb_root *root)
{
	/* @n is red; the only rule that can be broken is "no red node with a red parent". */
	for (;;) {
		struct rb_node *p = rb_parent(n), *g, *uncle;

		if (!p) {
			set_black(n);		/* the root is black; this adds one to every path */
			return;
		}
		if (is_black(p))
			return;
		g = rb_parent(p);		/* a red parent is never the root, so g exists */
		if (p == g->left) {
			uncle = g->right;
			if (!is_black(uncle)) {
				/* Push g's black down to both children; the problem may move up to g. */
				set_black(p);
				set_black(uncle);
				set_red(g);
				n = g;
				continue;
			}
			if (n == p->right) {
				/* Turn the inner grandchild into an outer one; n and p swap roles. */
				rotate_left(p, root);
				p = n;
			}
			/* Outer grandchild under a black uncle: one rotation at g ends it. */
			set_black(p);
			set_red(g);
			rotate_right(g, root);
			return;
		}
		uncle = g->left;
		if (!is_black(uncle)) {
			set_black(p);
			set_black(uncle);
			set_red(g);
			n = g;
			continue;
		}
		if (n == p->left) {
			rotate_right(p, root);
			p = n;
		}
		set_black(p);
		set_red(g);
		rotate_left(g, root);
		return;
	}
}

/*
 * A black node was taken out from under @p, leaving the subtree at @x (NULL or black) one black
 * short of its sibling's. Borrow a black from the sibling side, or push the deficit up a level.
 */
static void erase_fixup(struct rb_node *x, struct rb_node *p, struct rb_root *root)
{
	while (p) {
		struct rb_node *s;

		/*
		 * @x may be NULL; the sibling cannot be (its side holds at least one black node), so
		 * comparing with p->left tells the sides apart.
		 */
		if (x == p->left) {
			s = p->right;
			if (!is_black(s)) {
				/* Red sibling: rotate it above p so x gets a black sibling. */
				set_black(s);
				set_red(p);
				rotate_left(p, root);
				s = p->right;
			}
			if (is_black(s->left) && is_black(s->right)) {
				/* Take a black off both sides at p: s turns red. */
				set_red(s);
				if (!is_black(p)) {
					set_black(p);	/* p's own black repays it */
					return;
				}
				x = p;
				p = rb_parent(p);
				continue;
			}
			if (is_black(s->right)) {
				/*
				 * Only s's inner child is red: rotate it up to be the sibling, with
				 * old s as its red outer child. No recoloring: the next step sets
				 * both colors anyway.
				 */
				rotate_right(s, root);
				s = p->right;
			}
			/* s's outer child is red: rotate s above p and recolor; balanced again. */
			s->parent_color = (s->parent_color & ~(uintptr_t)1) | (p->parent_color & 1);
			set_black(p);
			set_black(s->right);
			rotate_left(p, root);
			return;
		}
		s = p->left;
		if (!is_black(s)) {
			set_black(s);
			set_red(p);
			rotate_right(p, root);
			s = p->left;
		}
		if (is_black(s->left) && is_black(s->right)) {
			set_red(s);
			if (!is_black(p)) {
				set_black(p);
				return;
			}
			x = p;
			p = rb_parent(p);
			continue;
		}
		if (is_black(s->left)) {
			rotate_left(s, root);
			s = p->left;
		}
		s->parent_color = (s->parent_color & ~(uintptr_t)1) | (p->parent_color & 1);
		set_black(p);
		set_black(s->left);
		rotate_right(p, root);
		return;
	}
	/* The deficit reached the root: every path lost one black, which is fine. */
}

void rb_erase(struct rb_node *n, struct rb_root *root)
{
	struct rb_node *child, *parent;
	bool removed_black;

	if (!n->left || !n->right) {
		/* At most one child: it moves up into n's place. */
		child = n->left ? n->left : n->right;
		parent = rb_parent(n);
		removed_black = is_black(n);
		if (child)
			set_parent(child, parent);
		replace_child(n, child, parent, root);
	} else {
		/*
		 * Two children: n's successor (leftmost of its right subtree, which has no left
		 * child) takes n's place and color; the node that really leaves its position is the
		 * successor, replaced there by its right child.
		 */
		struct rb_node *succ = n->right, *np = rb_parent(n);

		while (succ->left)
			succ = succ->left;
		child = succ->right;
		removed_black = is_black(succ);
		if (succ == n->right) {
			parent = succ;
		} else {
			parent = rb_parent(succ);
			parent->left = child;
			if (child)
				set_parent(child, parent);
			succ->right = n->right;
			set_parent(n->right, succ);
		}
		succ->left = n->left;
		set_parent(n->left, succ);
		succ->parent_color = n->parent_color;
		replace_child(n, succ, np, root);
	}
	RB_CLEAR_NODE(n);
	if (!removed_black)
		return;
	/* A lone child under a black node is red (the black heights say so): it takes the black. */
	if (child)
		set_black(child);
	else
		erase_fixup(NULL, parent, root);
}

void rb_replace_node(struct rb_node *victim, struct rb_node *new, struct rb_root *root)
{
	struct rb_node *p = rb_parent(victim);

	*new = *victim;
	if (victim->left)
		set_parent(victim->left, new);
	if (victim->right)
		set_parent(victim->right, new);
	replace_child(victim, new, p, root);
	RB_CLEAR_NODE(victim);
}

void rb_insert_color_cached(struct rb_node *n, struct rb_root_cached *root, bool leftmost)
{
	if (leftmost)
		root->leftmost = n;
	rb_insert_color(n, &root->root);
}

void rb_erase_cached(struct rb_node *n, struct rb_root_cached *root)
{
	if (root->leftmost == n)
		root->leftmost = rb_next(n);
	rb_erase(n, &root->root);
}

void rb_replace_node_cached(struct rb_node *victim, struct rb_node *new,
			    struct rb_root_cached *root)
{
	if (root->leftmost == victim)
		root->leftmost = new;
	rb_replace_node(victim, new, &root->root);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	if (n)
		while (n->left)
			n = n->left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	if (n)
		while (n->right)
			n = n->right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *n)
{
	struct rb_node *p;

	if (RB_EMPTY_NODE(n))
		return NULL;
	if (n->right) {
		/* The smallest node of the right subtree. */
		n = n->right;
		while (n->left)
			n = n->left;
		return (struct rb_node *)n;
	}
	/* Else climb until we come up from a left child: that parent is next. */
	while ((p = rb_parent(n)) && n == p->right)
		n = p;
	return p;
}

struct rb_node *rb_prev(const struct rb_node *n)
{
	struct rb_node *p;

	if (RB_EMPTY_NODE(n))
		return NULL;
	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return (struct rb_node *)n;
	}
	while ((p = rb_parent(n)) && n == p->left)
		n = p;
	return p;
}
