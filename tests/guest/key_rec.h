/* SPDX-License-Identifier: MIT */
/* Test helper: a wait entry that records the keys it is woken with, so a test can check which
 * event masks a file's wake-ups carry (0 stands for a NULL key: "all events"). */
#ifndef TESTS_KEY_REC_H
#define TESTS_KEY_REC_H

#include <kernel/wait.h>

#define KEYS_MAX 64

struct key_rec {
	struct wait_entry we;
	struct wait_queue_head *wq;	/* where it hangs, for tests that need to unhook it */
	int n;				/* wake-ups seen */
	uintptr_t keys[KEYS_MAX];	/* their keys; 0 for NULL */
};

static inline int key_rec_wake(struct wait_entry *we, unsigned mode, int flags, void *key)
{
	(void)mode;
	(void)flags;
	struct key_rec *r = container_of(we, struct key_rec, we);
	if (r->n < KEYS_MAX)
		r->keys[r->n] = (uintptr_t)key;
	r->n++;
	return 1;
}

#endif
