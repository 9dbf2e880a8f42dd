// SPDX-License-Identifier: MIT
/* Mutexes: the owner field is set under the wait queue's lock; sleepers queue exclusively so an
 * unlock wakes exactly one, which then retries. */
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/sched.h>

void mutex_init(struct mutex *m)
{
	m->owner = NULL;
	m->contended = 0;
	wait_queue_head_init(&m->wq);
}

static bool try_take(struct mutex *m, struct thread *me)
{
	if (m->owner)
		return false;
	m->owner = me;
	return true;
}

bool mutex_trylock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	bool ok = try_take(m, current_thread());
	spin_unlock_irqrestore(&m->wq.lock, flags);
	return ok;
}

void mutex_lock(struct mutex *m)
{
	struct thread *me = current_thread();
	struct wait_entry we;

	BUG_ON(in_atomic());
	/* A thread that set a sleep state to test a condition would come back RUNNING from a
	 * contended lock and sleep no more (or sleep here in the wrong state): lock first. */
	BUG_ON(me->state != TASK_RUNNING);
	if (mutex_trylock(m))
		return;
	wait_entry_init(&we, default_wake_function, me);
	const char *chan = me->wait_chan;
	me->wait_chan = "mutex";
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	m->contended++;
	we.flags = WQ_FLAG_EXCLUSIVE;
	list_add_tail(&we.entry, &m->wq.head);
	for (;;) {
		if (try_take(m, me))
			break;
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(&m->wq.lock, flags);
		schedule();
		flags = spin_lock_irqsave(&m->wq.lock);
	}
	list_del_init(&we.entry);
	set_current_state(TASK_RUNNING);
	spin_unlock_irqrestore(&m->wq.lock, flags);
	me->wait_chan = chan;
}

void mutex_unlock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	if (m->owner != current_thread())
		panic("mutex_unlock of %p by %s, owned by %s", (void *)m, current_thread()->name,
		      m->owner ? m->owner->name : "nobody");
	m->owner = NULL;
	wake_up_key_locked(&m->wq, 1, NULL);
	spin_unlock_irqrestore(&m->wq.lock, flags);
}
