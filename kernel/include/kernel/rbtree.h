/* SPDX-License-Identifier: MIT */
/* Intrusive red-black trees: the node lives inside the object and the caller does its own
 * comparison walk to find a slot, so the tree code knows nothing about keys. */
#ifndef KERNEL_RBTREE_H
#define KERNEL_RBTREE_H

#include <kernel/compiler.h>
#include <stdbool.h>
#include <stdint.h>

#define RB_RED		0
#define RB_BLACK	1

/* Nodes are at least pointer-aligned, so bit 0 of the parent pointer is free for the color. */
struct rb_node {
	uintptr_t parent_color;	/* parent pointer | color in bit 0; the node itself when out of a tree */
	struct rb_node *left;	/* subtree of smaller keys, or NULL */
	struct rb_node *right;	/* subtree of larger (or equal, caller's choice) keys, or NULL */
};

struct rb_root {
	struct rb_node *node;	/* the root node, or NULL when the tree is empty */
};

/* A root that also remembers its leftmost node, for trees read mostly from the smallest key. */
struct rb_root_cached {
	struct rb_root root;	/* the tree itself */
	struct rb_node *leftmost;	/* the smallest node, or NULL when empty */
};

#define RB_ROOT		((struct rb_root) { NULL })
#define RB_ROOT_CACHED	((struct rb_root_cached) { { NULL }, NULL })

#define rb_entry(ptr, type, member)	container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) \
	({ typeof(ptr) rb_p_ = (ptr); rb_p_ ? rb_entry(rb_p_, type, member) : NULL; })

#define RB_EMPTY_ROOT(root)	(READ_ONCE((root)->node) == NULL)
/* A node in no tree points at itself: RB_CLEAR_NODE marks it, rb_erase leaves it so. */
#define RB_EMPTY_NODE(n)	((n)->parent_color == (uintptr_t)(n))
#define RB_CLEAR_NODE(n)	((n)->parent_color = (uintptr_t)(n))

/** rb_parent - the parent of @n, or NULL for the root. Only meaningful while @n is in a tree. */
static inline struct rb_node *rb_parent(const struct rb_node *n)
{
	return (struct rb_node *)(n->parent_color & ~(uintptr_t)1);
}

/** rb_is_red - whether @n is red (for tree checkers and debuggers; callers never need it). */
static inline bool rb_is_red(const struct rb_node *n)
{
	return (n->parent_color & 1) == RB_RED;
}

/**
 * rb_link_node - hang @n, as a red leaf, in the empty slot @link (the left or right field of
 * @parent, or &root->node with @parent NULL) that the caller's comparison walk ended on. Follow
 * with rb_insert_color() or rb_insert_color_cached() before touching the tree again.
 */
static inline void rb_link_node(struct rb_node *n, struct rb_node *parent, struct rb_node **link)
{
	n->parent_color = (uintptr_t)parent;	/* red */
	n->left = NULL;
	n->right = NULL;
	*link = n;
}

/** rb_insert_color - rebalance @root after rb_link_node() put @n in it. */
void rb_insert_color(struct rb_node *n, struct rb_root *root);

/** rb_erase - take @n out of @root and rebalance; @n is left RB_EMPTY_NODE(). */
void rb_erase(struct rb_node *n, struct rb_root *root);

/**
 * rb_replace_node - put @new in the place of @victim in @root without rebalancing: the caller
 * guarantees @new sorts where @victim did. @victim is left RB_EMPTY_NODE().
 */
void rb_replace_node(struct rb_node *victim, struct rb_node *new, struct rb_root *root);

/**
 * rb_insert_color_cached - rb_insert_color() for a cached root; @leftmost says whether the walk
 * that found the slot only ever went left (so @n is the new smallest node).
 */
void rb_insert_color_cached(struct rb_node *n, struct rb_root_cached *root, bool leftmost);

/** rb_erase_cached - rb_erase() for a cached root, moving the leftmost mark on if needed. */
void rb_erase_cached(struct rb_node *n, struct rb_root_cached *root);

/** rb_replace_node_cached - rb_replace_node() for a cached root. */
void rb_replace_node_cached(struct rb_node *victim, struct rb_node *new,
			    struct rb_root_cached *root);

/** rb_first / rb_last - the smallest / largest node of @root, or NULL when it is empty. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);

/**
 * rb_next / rb_prev - the in-order successor / predecessor of @n, or NULL at the end (and for a
 * node in no tree). O(1) amortized over a whole walk, O(log n) worst case.
 */
struct rb_node *rb_next(const struct rb_node *n);
struct rb_node *rb_prev(const struct rb_node *n);

/** rb_first_cached - the smallest node of a cached root in O(1), or NULL when it is empty. */
static inline struct rb_node *rb_first_cached(const struct rb_root_cached *root)
{
	return root->leftmost;
}

#endif
