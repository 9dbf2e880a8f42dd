/* SPDX-License-Identifier: MIT */
/* Preemption control. The count is per CPU; spinlocks raise it, so a thread holding a lock is
 * never preempted by the timer. The scheduler preempts at interrupt exit and in preempt_enable
 * when need_resched is set and the count is zero. */
#ifndef KERNEL_PREEMPT_H
#define KERNEL_PREEMPT_H

#include <kernel/compiler.h>

struct thread;

struct cpu_state {
	struct thread *current;		/* the thread running here (current_thread) */
	unsigned int preempt_count;	/* > 0: no preemption (locks held, scheduler running) */
	unsigned int irq_depth;		/* > 0: inside a hardware interrupt handler */
	unsigned int bh_count;		/* > 0: softirqs disabled or running */
	unsigned int irq_acks_owed;	/* device EOIs due when bh_count returns to 0 */
	int need_resched;		/* the current thread should yield at the next chance */
};

extern struct cpu_state this_cpu;

static inline void preempt_disable(void)
{
	this_cpu.preempt_count++;
	barrier();
}

static inline void preempt_enable_no_resched(void)
{
	barrier();
	this_cpu.preempt_count--;
}

void preempt_enable_resched(void);

/** preempt_enable - drop a preempt_disable; yields here if a reschedule became due meanwhile. */
static inline void preempt_enable(void)
{
	barrier();
	if (--this_cpu.preempt_count == 0 && unlikely(this_cpu.need_resched))
		preempt_enable_resched();
}

static inline int in_irq(void) { return this_cpu.irq_depth != 0; }
static inline int in_softirq(void) { return this_cpu.bh_count != 0; }
/** in_atomic - no sleeping allowed here: interrupt, softirq, lock held or preemption off. */
static inline int in_atomic(void)
{
	return this_cpu.preempt_count || this_cpu.irq_depth || this_cpu.bh_count;
}

#endif
