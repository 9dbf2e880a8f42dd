/* SPDX-License-Identifier: MIT */
/* Read-copy update, as far as eventpoll and the file layer need it: readers walk lists without
 * taking the writers' locks, and writers free what they unlinked only after every reader that
 * could still see it is done (a grace period).
 *
 * Contract:
 *  - A reader brackets its walk with rcu_read_lock()/rcu_read_unlock() and must not sleep
 *    inside (the section disables preemption). Pointers it found inside stay valid until the
 *    unlock. Sections nest and may run in any context.
 *  - A writer unlinks under its own lock with list_del_rcu (the node keeps its forward link, so
 *    a reader standing on it walks on), publishes with list_add_tail_rcu, and hands the memory to
 *    call_rcu, whose callback runs after a grace period, in softirq context.
 *  - A grace period ends when every CPU has passed a quiescent state after call_rcu: a context
 *    switch, the idle loop, or any point in thread context with preemption, bottom halves and
 *    interrupts on (rcu_qs). With one CPU, its quiescent state ends the grace period. */
#ifndef KERNEL_RCU_H
#define KERNEL_RCU_H

#include <kernel/compiler.h>
#include <kernel/list.h>
#include <kernel/preempt.h>

struct rcu_head {
	struct rcu_head *next;			/* on the pending list */
	void (*func)(struct rcu_head *head);	/* called after the grace period */
};

static inline void rcu_read_lock(void)
{
	preempt_disable();
}

static inline void rcu_read_unlock(void)
{
	preempt_enable();
}

/* A pointer that a concurrent writer may change: read it once, with the ordering that makes the
 * object it points to (initialised before rcu_assign_pointer published it) visible. */
#define rcu_dereference(p)	__atomic_load_n(&(p), __ATOMIC_CONSUME)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

/** list_add_tail_rcu - list_add_tail that readers may race with: @n is complete before it is
 * reachable. The writer holds the list's lock. */
static inline void list_add_tail_rcu(struct list_head *n, struct list_head *h)
{
	struct list_head *prev = h->prev;
	n->next = h;
	n->prev = prev;
	rcu_assign_pointer(prev->next, n);
	h->prev = n;
}

/** list_del_rcu - unlink @n for writers; a reader standing on @n still reaches the rest of the
 * list through n->next. @n may be freed only after a grace period. */
static inline void list_del_rcu(struct list_head *n)
{
	n->next->prev = n->prev;
	WRITE_ONCE(n->prev->next, n->next);
	n->prev = NULL;		/* writers must not use it again; readers never read prev */
}

#define list_for_each_entry_rcu(pos, h, member) \
	for (pos = list_entry(rcu_dereference((h)->next), typeof(*pos), member); \
	     &pos->member != (h); \
	     pos = list_entry(rcu_dereference(pos->member.next), typeof(*pos), member))

/** call_rcu - run @func(@head) after a grace period. Any context. */
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
/** synchronize_rcu - sleep until a grace period has passed and every callback queued before
 * this call has run (an rcu_barrier too). Thread context, no locks held. */
void synchronize_rcu(void);
/** rcu_qs - this CPU is in a quiescent state (thread context, nothing disabled); the scheduler
 * calls it at every switch. Callers elsewhere only let callbacks run sooner. */
void rcu_qs(void);
/** rcu_note_context_switch - the scheduler switches this CPU: a quiescent state. */
void rcu_note_context_switch(void);
/** rcu_init - install the softirq that runs callbacks. */
void rcu_init(void);
/** rcu_pending - callbacks queued and not yet run (tests, leak checks). */
long rcu_pending(void);

#endif
