// SPDX-License-Identifier: MIT
/* Softirqs: a pending bitmask, handlers run at interrupt exit with interrupts enabled and
 * bottom halves marked busy (so a nested interrupt only raises bits), up to a budget of rounds.
 * Work left over after the budget is handed to the ksoftirqd thread, which competes for the CPU
 * like any thread: a flood cannot starve the applications, and nothing waits for an unrelated
 * interrupt to be processed (the NIC's own interrupt is off while its queue is being polled). */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>

#define SOFTIRQ_ROUNDS	10	/* then leave the rest for the next interrupt exit or bh enable */

static softirq_fn handlers[SOFTIRQ_NR];
static uint32_t pending;
static uint64_t runs[SOFTIRQ_NR];
static struct thread *ksoftirqd;
static uint64_t deferred;	/* times leftover work went to ksoftirqd */

/* The EOIs of device interrupts taken while bottom halves were off (irq_exit), once they are on
 * again and what those interrupts raised has run. Interrupts off. */
static void pay_irq_acks(void)
{
	while (this_cpu.irq_acks_owed) {
		this_cpu.irq_acks_owed--;
		arch_irq_eoi();
	}
}

void open_softirq(enum softirq_nr nr, softirq_fn fn)
{
	handlers[nr] = fn;
}

void do_softirq(void)
{
	if (this_cpu.bh_count || this_cpu.irq_depth)
		return;
	unsigned long flags = arch_irq_save();
	if (!pending) {
		arch_irq_restore(flags);
		return;
	}
	this_cpu.bh_count++;
	for (int round = 0; round < SOFTIRQ_ROUNDS && pending; round++) {
		uint32_t todo = pending;
		pending = 0;
		arch_irq_enable();
		while (todo) {	/* the raised ones only, lowest number first */
			unsigned nr = (unsigned)__builtin_ctz(todo);
			todo &= todo - 1;
			if (handlers[nr]) {
				runs[nr]++;
				handlers[nr]();
			}
		}
		arch_irq_disable();
	}
	this_cpu.bh_count--;
	pay_irq_acks();		/* bottom halves are on again (they were on at entry) */
	bool leftover = pending != 0;
	arch_irq_restore(flags);
	if (leftover && ksoftirqd) {
		deferred++;
		wake_up_process(ksoftirqd);
	}
}

bool softirq_pending(void)
{
	return READ_ONCE(pending) != 0;
}

static void *ksoftirqd_main(void *arg)
{
	(void)arg;
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!softirq_pending()) {
			schedule();
			continue;
		}
		set_current_state(TASK_RUNNING);
		do_softirq();
		yield();	/* one budget at a time: let the applications run in between */
	}
	return NULL;
}

int softirq_init(void)
{
	ksoftirqd = thread_create("ksoftirqd", ksoftirqd_main, NULL, 0);
	if (!ksoftirqd)
		return -1;
	ksoftirqd->wait_chan = "softirq work";
	return 0;
}

void irq_enter(void)
{
	this_cpu.irq_depth++;
}

void irq_exit(bool ack)
{
	this_cpu.irq_depth--;
	do_softirq();
	/* A device's EOI waits for the bottom half it raised: taken while bottom halves were off
	 * (a thread's section, a softirq running), it is owed until they are back on. */
	if (ack) {
		if (this_cpu.bh_count)
			this_cpu.irq_acks_owed++;
		else
			arch_irq_eoi();
	}
	preempt_schedule_irq();
}

/* From a thread with bottom halves enabled, nothing else would run what was raised soon: run it
 * now. */
static void run_now_if_allowed(void)
{
	if (!this_cpu.irq_depth && !this_cpu.bh_count && arch_irqs_enabled())
		do_softirq();
}

void raise_softirq(enum softirq_nr nr)
{
	unsigned long flags = arch_irq_save();
	pending |= 1u << nr;
	arch_irq_restore(flags);
	run_now_if_allowed();
}

/* Softirqs raised at a deadline (raise_softirq_at): per number, 0 for none, and the earliest of
 * them, which the poll points read without a lock. Interrupts off to change. */
static uint64_t due_at[SOFTIRQ_NR];
uint64_t softirq_due_first;

void raise_softirq_at(enum softirq_nr nr, uint64_t tsc)
{
	unsigned long flags = arch_irq_save();
	due_at[nr] = tsc ? tsc : 1;
	if (!softirq_due_first || due_at[nr] < softirq_due_first)
		softirq_due_first = due_at[nr];
	arch_irq_restore(flags);
}

void softirq_raise_due(bool all)
{
	unsigned long flags = arch_irq_save();
	uint64_t now = arch_cycles(), first = 0;
	for (int nr = 0; nr < SOFTIRQ_NR; nr++) {
		if (!due_at[nr])
			continue;
		if (all || due_at[nr] <= now) {
			pending |= 1u << nr;
			due_at[nr] = 0;
		} else if (!first || due_at[nr] < first) {
			first = due_at[nr];
		}
	}
	softirq_due_first = first;
	arch_irq_restore(flags);
	run_now_if_allowed();
}

void local_bh_disable(void)
{
	this_cpu.bh_count++;
	barrier();
}

void local_bh_enable(void)
{
	barrier();
	BUG_ON(!this_cpu.bh_count);
	this_cpu.bh_count--;
	if (this_cpu.bh_count || this_cpu.irq_depth)
		return;
	if (READ_ONCE(pending) && arch_irqs_enabled())
		do_softirq();	/* pays the EOIs owed after the work */
	if (unlikely(READ_ONCE(this_cpu.irq_acks_owed))) {
		unsigned long flags = arch_irq_save();
		pay_irq_acks();
		arch_irq_restore(flags);
	}
}
