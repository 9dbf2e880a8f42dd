// SPDX-License-Identifier: MIT
/* Read-copy update: callbacks wait on a queue until a grace period ends, then run from the RCU
 * softirq. Readers are preemption-off sections, so on this CPU a quiescent state (a switch, the
 * idle loop, thread context with nothing disabled) means no reader that began earlier still runs.
 *
 * Locking: rcu.lock (irqsave: call_rcu may run in interrupt context) protects both lists. The
 * scheduler calls rcu_qs with its run-queue lock held: rcu.lock nests inside it. Callbacks run
 * with no lock held. */
#include <arch/cpu.h>
#include <kernel/rcu.h>
#include <kernel/printk.h>
#include <kernel/softirq.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>

/* With more CPUs, "waiting" would end only when each of them reported a quiescent state for the
 * current grace period; with one, its own quiescent state ends it. */
static struct {
	struct spinlock lock;
	struct rcu_head *waiting;	/* queued, their grace period not over */
	struct rcu_head **waiting_tail;
	struct rcu_head *done;		/* grace period over: for the softirq to run */
	struct rcu_head **done_tail;
	long pending;			/* callbacks on either list */
} rcu = {
	.lock = SPINLOCK_INIT,
	.waiting_tail = &rcu.waiting,
	.done_tail = &rcu.done,
};

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	head->func = func;
	head->next = NULL;
	unsigned long flags = spin_lock_irqsave(&rcu.lock);
	*rcu.waiting_tail = head;
	rcu.waiting_tail = &head->next;
	rcu.pending++;
	spin_unlock_irqrestore(&rcu.lock, flags);
	rcu_qs();
}

/* This CPU passed a quiescent state: every callback queued so far may run. */
static void rcu_gp_end(void)
{
	unsigned long flags = spin_lock_irqsave(&rcu.lock);
	bool moved = rcu.waiting != NULL;
	if (moved) {
		*rcu.done_tail = rcu.waiting;
		rcu.done_tail = rcu.waiting_tail;
		rcu.waiting = NULL;
		rcu.waiting_tail = &rcu.waiting;
	}
	spin_unlock_irqrestore(&rcu.lock, flags);
	if (moved)
		raise_softirq(SOFTIRQ_RCU);
}

void rcu_qs(void)
{
	if (!in_atomic())	/* else a reader may be running below us */
		rcu_gp_end();
}

void rcu_note_context_switch(void)
{
	rcu_gp_end();
}

/* The RCU softirq: run every callback whose grace period is over, oldest first. */
static void rcu_softirq(void)
{
	unsigned long flags = spin_lock_irqsave(&rcu.lock);
	struct rcu_head *list = rcu.done;
	rcu.done = NULL;
	rcu.done_tail = &rcu.done;
	spin_unlock_irqrestore(&rcu.lock, flags);

	long n = 0;
	while (list) {
		struct rcu_head *next = list->next;
		list->func(list);
		list = next;
		n++;
	}
	if (n)
		__atomic_sub_fetch(&rcu.pending, n, __ATOMIC_RELAXED);
}

struct rcu_sync {
	struct rcu_head head;
	struct wait_queue_head wq;
	bool done;		/* written under wq.lock */
};

static void rcu_sync_done(struct rcu_head *head)
{
	struct rcu_sync *s = container_of(head, struct rcu_sync, head);
	unsigned long flags = spin_lock_irqsave(&s->wq.lock);
	WRITE_ONCE(s->done, true);
	wake_up_key_locked(&s->wq, 0, NULL);
	spin_unlock_irqrestore(&s->wq.lock, flags);	/* the last touch of *s */
}

void synchronize_rcu(void)
{
	struct rcu_sync s = { .done = false };

	BUG_ON(in_atomic());
	wait_queue_head_init(&s.wq);
	/* Callbacks run in queue order: when this one runs, every earlier one has. */
	call_rcu(&s.head, rcu_sync_done);
	wait_event(&s.wq, READ_ONCE(s.done));
	/* The callback may still be unlocking s.wq (on another CPU): wait for that. */
	unsigned long flags = spin_lock_irqsave(&s.wq.lock);
	spin_unlock_irqrestore(&s.wq.lock, flags);
}

long rcu_pending(void)
{
	return __atomic_load_n(&rcu.pending, __ATOMIC_RELAXED);
}

void rcu_init(void)
{
	open_softirq(SOFTIRQ_RCU, rcu_softirq);
}
