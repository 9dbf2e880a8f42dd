/* SPDX-License-Identifier: MIT */
/* Sleeping mutual exclusion for thread context: waiters sleep exclusively, unlock wakes one. */
#ifndef KERNEL_MUTEX_H
#define KERNEL_MUTEX_H

#include <kernel/wait.h>

struct thread;

struct mutex {
	struct thread *owner;		/* holder, NULL when free */
	struct wait_queue_head wq;	/* sleepers, exclusive */
	uint64_t contended;		/* times a locker had to sleep */
};

#define MUTEX_INIT(name) { NULL, WAIT_QUEUE_HEAD_INIT((name).wq), 0 }

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
/** mutex_unlock - must be called by the owner; panics otherwise. */
void mutex_unlock(struct mutex *m);

#endif
