/* SPDX-License-Identifier: MIT */
/* Sleeping mutual exclusion for thread context: waiters sleep exclusively, unlock wakes one. */
#ifndef KERNEL_MUTEX_H
#define KERNEL_MUTEX_H

#include <kernel/wait.h>

struct thread;

struct mutex {
	unsigned long owner;		/* the holder's struct thread * (0: free), with bit 0 set
					 * while threads sleep on wq (kernel/mutex.c) */
	struct wait_queue_head wq;	/* sleepers, exclusive */
	uint64_t contended;		/* times a locker had to sleep */
};

#define MUTEX_INIT(name) { 0, WAIT_QUEUE_HEAD_INIT((name).wq), 0 }

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
/** mutex_owner - the thread holding @m, or NULL. */
struct thread *mutex_owner(const struct mutex *m);
/** mutex_unlock - must be called by the owner; panics otherwise. */
void mutex_unlock(struct mutex *m);

#endif
