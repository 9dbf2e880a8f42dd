/* SPDX-License-Identifier: MIT */
/* Deferred work ("bottom halves"): hard interrupt handlers raise a softirq and return; its
 * handler runs at interrupt exit with interrupts enabled, or right away when raised from a thread
 * with bottom halves enabled. local_bh_disable() keeps them out of a critical section. */
#ifndef KERNEL_SOFTIRQ_H
#define KERNEL_SOFTIRQ_H

enum softirq_nr {
	SOFTIRQ_NET_RX = 0,	/* network receive and lwIP input */
	SOFTIRQ_NET_TIMER,	/* lwIP timers */
	SOFTIRQ_TEST,		/* in-guest tests */
	SOFTIRQ_NR
};

typedef void (*softirq_fn)(void);

/** open_softirq - install the handler of @nr. */
void open_softirq(enum softirq_nr nr, softirq_fn fn);
/** raise_softirq - mark @nr pending. Safe from any context. */
void raise_softirq(enum softirq_nr nr);
/** do_softirq - run what is pending (called at interrupt exit; budgeted). */
void do_softirq(void);
void local_bh_disable(void);
/** local_bh_enable - re-enable; runs pending softirqs when the last disable is dropped. */
void local_bh_enable(void);

#endif
