/* SPDX-License-Identifier: MIT */
/* Deferred work ("bottom halves"): hard interrupt handlers raise a softirq and return; its
 * handler runs at interrupt exit with interrupts enabled, or right away when raised from a thread
 * with bottom halves enabled. local_bh_disable() keeps them out of a critical section. */
#ifndef KERNEL_SOFTIRQ_H
#define KERNEL_SOFTIRQ_H

#include <arch/cpu.h>
#include <kernel/compiler.h>
#include <stdbool.h>
#include <stdint.h>

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
/**
 * raise_softirq_at - raise @nr once the TSC reaches @tsc: at the first poll point past it (a
 * return to user mode: softirq_poll_point), or sooner, before the CPU halts for want of work
 * (the idle loop raises every deadline at once, so a caller must accept an early run). No
 * interrupt backs the deadline: a caller that needs its softirq by some time keeps its own
 * timer. A later call for the same @nr replaces its deadline. Safe from any context.
 */
void raise_softirq_at(enum softirq_nr nr, uint64_t tsc);
/** softirq_raise_due - raise what raise_softirq_at made due by now (every one with @all), and
 * run it when bottom halves and interrupts allow. */
void softirq_raise_due(bool all);
extern uint64_t softirq_due_first;	/* the earliest deadline, 0: none (read by poll points) */

/** softirq_poll_point - where a thread passes often (the return to user mode): raise and run the
 * softirqs whose deadline has come. One load when none is set. Interrupts and bottom halves on. */
static inline void softirq_poll_point(void)
{
	uint64_t first = READ_ONCE(softirq_due_first);
	if (unlikely(first) && arch_cycles() >= first)
		softirq_raise_due(false);
}

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
