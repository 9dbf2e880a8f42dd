/* SPDX-License-Identifier: MIT */
/* Wait queues: a locked list of entries, each carrying a wake function and a private pointer.
 * That callback is the hinge eventpoll hangs on: ep_poll_callback is just another wake function.
 *
 * Contract: whoever changes a condition a sleeper may test calls wake_up*() after the change.
 * A sleeper sets its state before it tests the condition (prepare_to_wait), so a wake-up that
 * lands between the test and schedule() makes it runnable again and is not lost.
 * wake_up*() may be called from interrupt context. */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <stdint.h>

struct wait_entry;

/* Returns non-zero when it woke its waiter: that counts against nr_exclusive. */
typedef int (*wait_func_t)(struct wait_entry *we, unsigned mode, int flags, void *key);

#define WQ_FLAG_EXCLUSIVE	0x01	/* wake_up_key wakes at most nr_exclusive of these */

struct wait_queue_head {
	struct spinlock lock;		/* protects head; taken with interrupts off */
	struct list_head head;		/* wait_entry.entry: non-exclusive first, exclusive at the tail */
};

struct wait_entry {
	unsigned flags;			/* WQ_FLAG_EXCLUSIVE */
	void *private;			/* the waiting thread, or the wake function's own data */
	wait_func_t func;		/* called by wake_up_key with the key */
	struct list_head entry;		/* on wait_queue_head.head, or self-linked when off */
};

#define WAIT_QUEUE_HEAD_INIT(name) { SPINLOCK_INIT, LIST_HEAD_INIT((name).head) }

void wait_queue_head_init(struct wait_queue_head *wq);
void wait_entry_init(struct wait_entry *we, wait_func_t func, void *private);

/** add_wait_queue - add a non-exclusive entry (woken by every wake-up). */
void add_wait_queue(struct wait_queue_head *wq, struct wait_entry *we);
/** add_wait_queue_exclusive - add an exclusive entry at the tail. */
void add_wait_queue_exclusive(struct wait_queue_head *wq, struct wait_entry *we);
void remove_wait_queue(struct wait_queue_head *wq, struct wait_entry *we);

/**
 * wake_up_key - call every non-exclusive entry's function, and those of exclusive entries until
 * @nr_exclusive of them reported a wake (0: all). @key (an event mask for files) is passed to
 * each. Returns the number of entries that reported a wake.
 */
int wake_up_key(struct wait_queue_head *wq, int nr_exclusive, void *key);
/** wake_up_key_locked - the same with wq->lock already held by the caller. */
int wake_up_key_locked(struct wait_queue_head *wq, int nr_exclusive, void *key);
#define wake_up(wq)		wake_up_key(wq, 1, NULL)
#define wake_up_all(wq)		wake_up_key(wq, 0, NULL)
#define wake_up_poll(wq, mask)	wake_up_key(wq, 1, (void *)(uintptr_t)(mask))

static inline int waitqueue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->head);
}

/* Wake functions. default_wake_function wakes the thread in we->private; autoremove also takes
 * the entry off the queue so the sleeper need not. */
int default_wake_function(struct wait_entry *we, unsigned mode, int flags, void *key);
int autoremove_wake_function(struct wait_entry *we, unsigned mode, int flags, void *key);

/**
 * prepare_to_wait - queue @we (for the current thread) if not queued and set the thread's @state.
 * Call in a loop: prepare, test the condition, schedule(); then finish_wait.
 */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_entry *we, int state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_entry *we, int state);
/** finish_wait - back to RUNNING and off the queue. */
void finish_wait(struct wait_queue_head *wq, struct wait_entry *we);

/* A wait entry for the current thread, woken by autoremove_wake_function. */
#define DEFINE_WAIT(name) \
	struct wait_entry name = { 0, current_thread(), autoremove_wake_function, \
				   LIST_HEAD_INIT((name).entry) }

/*
 * wait_event(wq, cond) - sleep (uninterruptible) until @cond is true.
 * wait_event_timeout(wq, cond, ns) - the same for at most @ns nanoseconds; evaluates to the
 * nanoseconds left (at least 1) when @cond became true, 0 on timeout.
 */
#define wait_event(wq, cond) do { \
	if (cond) \
		break; \
	DEFINE_WAIT(we_); \
	for (;;) { \
		prepare_to_wait(wq, &we_, TASK_UNINTERRUPTIBLE); \
		if (cond) \
			break; \
		schedule(); \
	} \
	finish_wait(wq, &we_); \
} while (0)

#define wait_event_timeout(wq, cond, ns) ({ \
	uint64_t left_ = (ns); \
	if (!(cond)) { \
		DEFINE_WAIT(we_); \
		uint64_t end_ = ktime_ns() + left_; \
		for (;;) { \
			prepare_to_wait(wq, &we_, TASK_UNINTERRUPTIBLE); \
			if (cond) \
				break; \
			uint64_t now_ = ktime_ns(); \
			if (now_ >= end_) { \
				left_ = 0; \
				break; \
			} \
			schedule_timeout(end_ - now_); \
		} \
		finish_wait(wq, &we_); \
		if (left_) { \
			uint64_t now_ = ktime_ns(); \
			left_ = now_ < end_ ? end_ - now_ : 1; \
		} \
	} \
	left_; \
})

/* The macros above use the scheduler's and the clock's functions. */
#include <kernel/sched.h>
#include <kernel/time.h>

#endif
