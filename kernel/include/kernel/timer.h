/* SPDX-License-Identifier: MIT */
/* One-shot kernel timers, ordered by deadline. The LAPIC is programmed for the earliest one only
 * (TSC-deadline or one-shot mode), so an idle guest takes no periodic tick. Callbacks run in
 * interrupt context, with interrupts off. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <kernel/rbtree.h>
#include <stdbool.h>
#include <stdint.h>

struct ktimer;
typedef void (*ktimer_fn)(struct ktimer *t);

struct ktimer {
	struct rb_node node;	/* in the timer queue while pending, RB_EMPTY_NODE otherwise */
	uint64_t deadline;	/* TSC value at which it fires */
	ktimer_fn fn;		/* what to run */
	void *data;		/* for fn */
};

void timer_init(struct ktimer *t, ktimer_fn fn, void *data);
/** timer_arm - (re)arm @t to fire at ktime @deadline_ns (in the past: at once). */
void timer_arm(struct ktimer *t, uint64_t deadline_ns);
/** timer_arm_after - (re)arm @t to fire @ns from now. */
void timer_arm_after(struct ktimer *t, uint64_t ns);
/** timer_cancel - disarm @t. Returns true if it was pending (and now will not fire). */
bool timer_cancel(struct ktimer *t);
bool timer_pending(const struct ktimer *t);

/** timers_init - hook the LAPIC timer vector. */
void timers_init(void);
/** timer_stats - interrupts taken, callbacks run and writes to the LAPIC timer (each one an exit
 * to the hypervisor), for tests and reports. */
void timer_stats(uint64_t *interrupts, uint64_t *fired, uint64_t *programmed);

#endif
