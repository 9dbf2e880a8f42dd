/* SPDX-License-Identifier: MIT */
/* Deferred work ("bottom halves"): hard interrupt handlers raise a softirq and return; its
 * handler runs at interrupt exit with interrupts enabled, or right away when raised from a thread
 * with bottom halves enabled. local_bh_disable() keeps them out of a critical section. */
#ifndef KERNEL_SOFTIRQ_H
#define KERNEL_SOFTIRQ_H

#include <stdbool.h>

enum softirq_nr {
	SOFTIRQ_NET_RX = 0,	/* network receive and lwIP input */
	SOFTIRQ_NET_TIMER,	/* lwIP timers */
	SOFTIRQ_NET_TX,		/* NIC transmit doorbells, after what sends in the same round */
	SOFTIRQ_RCU,		/* callbacks whose grace period is over (kernel/rcu.c) */
	SOFTIRQ_TEST,		/* in-guest tests */
	SOFTIRQ_NR
};

typedef void (*softirq_fn)(void);

/*
 * Around every hardware interrupt handler the arch calls irq_enter before it and irq_exit after
 * it. irq_exit runs the softirqs the handler raised, then, with @ack, acknowledges the interrupt
 * (arch_irq_eoi): at once, or owed until bottom halves are back on when it came in a section
 * with them off (the EOI is then paid by do_softirq or local_bh_enable, after the bottom half it
 * raised). Last comes a thread switch if one is due and allowed.
 */
void irq_enter(void);
void irq_exit(bool ack);

/** open_softirq - install the handler of @nr. */
void open_softirq(enum softirq_nr nr, softirq_fn fn);
/** raise_softirq - mark @nr pending. Safe from any context. */
void raise_softirq(enum softirq_nr nr);
/** do_softirq - run what is pending (called at interrupt exit; budgeted). */
void do_softirq(void);
/** softirq_pending - whether some softirq waits to run. */
bool softirq_pending(void);
/** softirq_init - start ksoftirqd, which takes over work left after do_softirq's budget. */
int softirq_init(void);
void local_bh_disable(void);
/** local_bh_enable - re-enable; runs pending softirqs when the last disable is dropped. */
void local_bh_enable(void);

#endif
