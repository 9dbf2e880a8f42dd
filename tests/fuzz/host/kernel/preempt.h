/* SPDX-License-Identifier: MIT */
/* The frame fuzzer's kernel/preempt.h: one thread, no interrupts, but bottom halves are counted
 * in this_cpu.bh_count as in the kernel (fake_net_env.c), so net_lock()'s rule (in_softirq)
 * holds exactly where the kernel's would. */
#ifndef KERNEL_PREEMPT_H
#define KERNEL_PREEMPT_H

struct cpu_state {
	unsigned int preempt_count;
	unsigned int irq_depth;
	unsigned int bh_count;		/* > 0: softirqs disabled or running */
	int need_resched;
};

extern struct cpu_state this_cpu;

static inline void preempt_disable(void) { }
static inline void preempt_enable_no_resched(void) { }
static inline void preempt_enable(void) { }
static inline int in_irq(void) { return 0; }
static inline int in_softirq(void) { return this_cpu.bh_count != 0; }
static inline int in_atomic(void) { return this_cpu.bh_count != 0; }

#endif
