// SPDX-License-Identifier: MIT
/* Wait queues. Non-exclusive entries sit at the head, exclusive ones at the tail, so one walk
 * wakes every non-exclusive waiter and then at most nr_exclusive exclusive ones. */
#include <kernel/sched.h>
#include <kernel/wait.h>

void wait_queue_head_init(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->head);
}

void wait_entry_init(struct wait_entry *we, wait_func_t func, void *private)
{
	we->flags = 0;
	we->private = private;
	we->func = func;
	list_init(&we->entry);
}

void add_wait_queue(struct wait_queue_head *wq, struct wait_entry *we)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	we->flags &= ~WQ_FLAG_EXCLUSIVE;
	list_add(&we->entry, &wq->head);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void add_wait_queue_exclusive(struct wait_queue_head *wq, struct wait_entry *we)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	we->flags |= WQ_FLAG_EXCLUSIVE;
	list_add_tail(&we->entry, &wq->head);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void remove_wait_queue(struct wait_queue_head *wq, struct wait_entry *we)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	list_del_init(&we->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

int wake_up_key_locked(struct wait_queue_head *wq, int nr_exclusive, void *key)
{
	struct wait_entry *we, *tmp;
	int woken = 0;

	/* _safe: a wake function may take its own entry off the queue. */
	list_for_each_entry_safe(we, tmp, &wq->head, entry) {
		unsigned flags = we->flags;
		int ret = we->func(we, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE, 0, key);
		if (ret < 0)
			break;	/* the function asked to stop the walk */
		if (ret)
			woken++;
		if (ret && (flags & WQ_FLAG_EXCLUSIVE) && !--nr_exclusive)
			break;
	}
	return woken;
}

int wake_up_key(struct wait_queue_head *wq, int nr_exclusive, void *key)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	int woken = wake_up_key_locked(wq, nr_exclusive, key);
	spin_unlock_irqrestore(&wq->lock, flags);
	return woken;
}

int default_wake_function(struct wait_entry *we, unsigned mode, int flags, void *key)
{
	(void)mode;
	(void)flags;
	(void)key;
	return wake_up_process(we->private);
}

int autoremove_wake_function(struct wait_entry *we, unsigned mode, int flags, void *key)
{
	int ret = default_wake_function(we, mode, flags, key);
	if (ret)
		list_del_init_careful(&we->entry);	/* the last touch of the sleeper's entry */
	return ret;
}

static void prepare(struct wait_queue_head *wq, struct wait_entry *we, int state, bool exclusive)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	if (list_empty(&we->entry)) {
		if (exclusive) {
			we->flags |= WQ_FLAG_EXCLUSIVE;
			list_add_tail(&we->entry, &wq->head);
		} else {
			we->flags &= ~WQ_FLAG_EXCLUSIVE;
			list_add(&we->entry, &wq->head);
		}
	}
	set_current_state(state);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_entry *we, int state)
{
	prepare(wq, we, state, false);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_entry *we, int state)
{
	prepare(wq, we, state, true);
}

void finish_wait(struct wait_queue_head *wq, struct wait_entry *we)
{
	set_current_state(TASK_RUNNING);
	/* Unlocked peek: an entry a wake-up took off fully (list_del_init_careful) stays off and
	 * the waker is done with it; one it is still taking off is not seen as empty, and the lock
	 * then waits for the waker. */
	if (!list_empty_careful(&we->entry))
		remove_wait_queue(wq, we);
}
