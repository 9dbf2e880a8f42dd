// SPDX-License-Identifier: MIT
/*
 * Mutexes. The owner word holds the holder (NULL: free) and MUTEX_WAITERS while someone sleeps
 * on the wait queue. Uncontended lock and unlock are one compare-and-swap each. Everything else
 * happens under the wait queue's lock: a locker that must sleep first sets MUTEX_WAITERS (so the
 * holder's unlock cannot take the fast path and miss it), queues exclusively and retries after
 * each wake-up; an unlock that finds MUTEX_WAITERS frees the word under that lock, keeping the
 * flag while sleepers remain, and wakes one.
 */
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/sched.h>

#define MUTEX_WAITERS	1UL

static struct thread *owner_of(unsigned long word)
{
	return (struct thread *)(word & ~MUTEX_WAITERS);
}

void mutex_init(struct mutex *m)
{
	m->owner = 0;
	m->contended = 0;
	wait_queue_head_init(&m->wq);
}

/* Take the mutex if it is free, keeping MUTEX_WAITERS as it is. */
static bool try_take(struct mutex *m, struct thread *me)
{
	unsigned long old = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
	while (!owner_of(old)) {
		if (__atomic_compare_exchange_n(&m->owner, &old, (unsigned long)me | (old & MUTEX_WAITERS),
						false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

bool mutex_trylock(struct mutex *m)
{
	return try_take(m, current_thread());
}

struct thread *mutex_owner(const struct mutex *m)
{
	return owner_of(__atomic_load_n(&m->owner, __ATOMIC_RELAXED));
}

static void mutex_lock_slow(struct mutex *m, struct thread *me)
{
	struct wait_entry we;

	wait_entry_init(&we, default_wake_function, me);
	const char *chan = me->wait_chan;
	me->wait_chan = "mutex";
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	m->contended++;
	we.flags = WQ_FLAG_EXCLUSIVE;
	list_add_tail(&we.entry, &m->wq.head);
	for (;;) {
		/* Announce the sleeper before the last try: from here on the holder's unlock takes
		 * the slow path, which needs this lock, so its wake-up cannot be missed. */
		__atomic_fetch_or(&m->owner, MUTEX_WAITERS, __ATOMIC_SEQ_CST);
		if (try_take(m, me))
			break;
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(&m->wq.lock, flags);
		schedule();
		flags = spin_lock_irqsave(&m->wq.lock);
	}
	list_del_init(&we.entry);
	if (list_empty(&m->wq.head))
		__atomic_fetch_and(&m->owner, ~MUTEX_WAITERS, __ATOMIC_RELAXED);
	set_current_state(TASK_RUNNING);
	spin_unlock_irqrestore(&m->wq.lock, flags);
	me->wait_chan = chan;
}

void mutex_lock(struct mutex *m)
{
	struct thread *me = current_thread();
	unsigned long free = 0;

	BUG_ON(in_atomic());
	/* A thread that set a sleep state to test a condition would come back RUNNING from a
	 * contended lock and sleep no more (or sleep here in the wrong state): lock first. */
	BUG_ON(me->state != TASK_RUNNING);
	if (likely(__atomic_compare_exchange_n(&m->owner, &free, (unsigned long)me, false,
					       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)))
		return;
	mutex_lock_slow(m, me);
}

void mutex_unlock(struct mutex *m)
{
	struct thread *me = current_thread();
	unsigned long mine = (unsigned long)me;

	if (likely(__atomic_compare_exchange_n(&m->owner, &mine, 0, false, __ATOMIC_RELEASE,
					       __ATOMIC_RELAXED)))
		return;
	if (owner_of(mine) != me)
		panic("mutex_unlock of %p by %s, owned by %s", (void *)m, me->name,
		      owner_of(mine) ? owner_of(mine)->name : "nobody");
	/* Sleepers: free the word, keeping MUTEX_WAITERS (the woken one clears it when it is the
	 * last), and wake one to retry. */
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	__atomic_store_n(&m->owner, MUTEX_WAITERS, __ATOMIC_RELEASE);
	wake_up_key_locked(&m->wq, 1, NULL);
	spin_unlock_irqrestore(&m->wq.lock, flags);
}
