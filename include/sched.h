/* SPDX-License-Identifier: MIT */
/* <sched.h>: sched_yield(). */
#ifndef EPUNK_SCHED_H
#define EPUNK_SCHED_H

/** sched_yield - let every other runnable thread run once; always 0. */
int sched_yield(void);

#endif
