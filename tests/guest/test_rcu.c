// SPDX-License-Identifier: MIT
/* RCU: a callback waits for the readers that could see what it frees, callbacks run in the order
 * they were queued, synchronize_rcu waits for all earlier ones, and a pass through the scheduler
 * is a quiescent state while a reader's section (preemption off) is not. */
#include <kernel/ktest.h>
#include <kernel/rcu.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>

struct probe {
	struct rcu_head head;
	int *order;		/* where the callback records its turn */
	int *next_turn;
};

static void probe_cb(struct rcu_head *head)
{
	struct probe *p = container_of(head, struct probe, head);
	*p->order = ++*p->next_turn;
}

KTEST(rcu, callback_waits_for_the_reader_that_queued_it)
{
	int turn = 0, order = 0;
	struct probe p = { .order = &order, .next_turn = &turn };

	rcu_read_lock();
	call_rcu(&p.head, probe_cb);
	/* Neither a quiescent-state report nor a softirq run may end the grace period here. */
	rcu_qs();
	raise_softirq(SOFTIRQ_RCU);
	do_softirq();
	EXPECT_EQ(order, 0);
	rcu_read_unlock();
	synchronize_rcu();
	EXPECT_EQ(order, 1);
	EXPECT_EQ(rcu_pending(), 0);
}

KTEST(rcu, callbacks_run_in_queue_order_before_synchronize_returns)
{
	int turn = 0, order[8] = { 0 };
	struct probe p[8];

	rcu_read_lock();
	for (int i = 0; i < 8; i++) {
		p[i] = (struct probe){ .order = &order[i], .next_turn = &turn };
		call_rcu(&p[i].head, probe_cb);
	}
	rcu_read_unlock();
	synchronize_rcu();
	for (int i = 0; i < 8; i++)
		EXPECT_EQ(order[i], i + 1);
}

/* call_rcu from a section with bottom halves off is no quiescent state; passing through the
 * scheduler is, and the callback then runs with the next softirq. */
KTEST(rcu, a_pass_through_the_scheduler_ends_the_grace_period)
{
	int turn = 0, order = 0;
	struct probe p = { .order = &order, .next_turn = &turn };

	local_bh_disable();
	call_rcu(&p.head, probe_cb);
	local_bh_enable();
	EXPECT_EQ(order, 0);
	yield();
	local_bh_disable();
	local_bh_enable();	/* runs the softirq the switch raised */
	EXPECT_EQ(order, 1);
	EXPECT_EQ(rcu_pending(), 0);
}
