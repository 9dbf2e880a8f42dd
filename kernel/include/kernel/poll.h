/* SPDX-License-Identifier: MIT */
/* poll_table: how a file's poll() tells its caller which wait queues to listen on. The caller
 * supplies a queue procedure; poll_wait() hands it each wait queue. eventpoll's procedure hangs
 * ep_poll_callback there; poll(2)'s hangs a plain thread wake-up. */
#ifndef KERNEL_POLL_H
#define KERNEL_POLL_H

#include <kernel/wait.h>
#include <uapi/eventpoll.h>

struct file;
struct poll_table;

typedef void (*poll_queue_proc)(struct file *f, struct wait_queue_head *wq, struct poll_table *pt);

struct poll_table {
	poll_queue_proc qproc;	/* NULL: just report the mask, queue nothing */
	uint32_t key;		/* events the caller cares about (a hint for the file) */
};

static inline void poll_table_init(struct poll_table *pt, poll_queue_proc qproc, uint32_t key)
{
	pt->qproc = qproc;
	pt->key = key;
}

/** poll_wait - called by a file's poll() for each wait queue that can signal a change. */
static inline void poll_wait(struct file *f, struct wait_queue_head *wq, struct poll_table *pt)
{
	if (pt && pt->qproc && wq)
		pt->qproc(f, wq, pt);
}

/** vfs_poll - the file's current mask (EPOLLNVAL-free); files without poll are always ready. */
uint32_t vfs_poll(struct file *f, struct poll_table *pt);

/* Wake-up keys are event masks carried in the wait queue's void *key. */
static inline void *poll_to_key(uint32_t mask) { return (void *)(uintptr_t)mask; }
static inline uint32_t key_to_poll(void *key) { return (uint32_t)(uintptr_t)key; }

#endif
