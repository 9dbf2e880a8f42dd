/* SPDX-License-Identifier: MIT */
/* Intrusive circular doubly linked lists: the node lives inside the object, the head is a node
 * that points at itself when the list is empty. */
#ifndef KERNEL_LIST_H
#define KERNEL_LIST_H

#include <kernel/compiler.h>
#include <stdbool.h>

struct list_head {
	struct list_head *next;	/* following node, or the head */
	struct list_head *prev;	/* preceding node, or the head */
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void list_insert_between(struct list_head *n, struct list_head *prev,
				       struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* list_add - insert @n right after @h (stack order). */
static inline void list_add(struct list_head *n, struct list_head *h)
{
	list_insert_between(n, h, h->next);
}

/* list_add_tail - insert @n right before @h (queue order). */
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_insert_between(n, h->prev, h);
}

/* list_del_init - unlink @n and leave it pointing at itself, so list_empty(n) tells it is out. */
static inline void list_del_init(struct list_head *n)
{
	n->next->prev = n->prev;
	n->prev->next = n->next;
	list_init(n);
}

static inline bool list_empty(const struct list_head *h)
{
	return READ_ONCE(h->next) == h;
}

/*
 * list_del_init_careful / list_empty_careful - for an entry whose owner tests, without the list's
 * lock, whether someone else took it off (a sleeper's wait entry on its stack). The remover's
 * last store is the entry's next pointer, with release ordering; the owner reads it with acquire
 * ordering and also requires prev to point back, so an entry half-way out reads as still queued.
 * Once the owner sees it empty, the remover touches it no more and it may go out of scope.
 */
static inline void list_del_init_careful(struct list_head *n)
{
	n->next->prev = n->prev;
	n->prev->next = n->next;
	n->prev = n;
	__atomic_store_n(&n->next, n, __ATOMIC_RELEASE);
}

static inline bool list_empty_careful(const struct list_head *h)
{
	struct list_head *next = __atomic_load_n(&h->next, __ATOMIC_ACQUIRE);
	return next == h && next == READ_ONCE(h->prev);
}

static inline bool list_is_singular(const struct list_head *h)
{
	return !list_empty(h) && h->next == h->prev;
}

/* list_move_tail - take @n off its list and append it to @h. */
static inline void list_move_tail(struct list_head *n, struct list_head *h)
{
	n->next->prev = n->prev;
	n->prev->next = n->next;
	list_add_tail(n, h);
}

/* list_splice_init - move all of @from's nodes to the front of @to; @from ends empty. */
static inline void list_splice_init(struct list_head *from, struct list_head *to)
{
	if (list_empty(from))
		return;
	struct list_head *first = from->next, *last = from->prev, *at = to->next;
	first->prev = to;
	to->next = first;
	last->next = at;
	at->prev = last;
	list_init(from);
}

/* list_splice_tail_init - move all of @from's nodes to the back of @to; @from ends empty. */
static inline void list_splice_tail_init(struct list_head *from, struct list_head *to)
{
	if (list_empty(from))
		return;
	struct list_head *first = from->next, *last = from->prev, *at = to->prev;
	first->prev = at;
	at->next = first;
	last->next = to;
	to->prev = last;
	list_init(from);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)

#define list_for_each(pos, h) \
	for (pos = (h)->next; pos != (h); pos = pos->next)
#define list_for_each_entry(pos, h, member) \
	for (pos = list_entry((h)->next, typeof(*pos), member); &pos->member != (h); \
	     pos = list_entry(pos->member.next, typeof(*pos), member))
/* _safe: @pos may be unlinked inside the body. */
#define list_for_each_entry_safe(pos, tmp, h, member) \
	for (pos = list_entry((h)->next, typeof(*pos), member), \
	     tmp = list_entry(pos->member.next, typeof(*pos), member); \
	     &pos->member != (h); \
	     pos = tmp, tmp = list_entry(tmp->member.next, typeof(*tmp), member))

#endif
