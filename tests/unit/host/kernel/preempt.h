/* SPDX-License-Identifier: MIT */
/* Host stand-in for kernel/preempt.h: one ordinary thread, no interrupts and no preemption, but
 * bottom halves are counted in this_cpu.bh_count as in the kernel (the host's local_bh_* and the
 * frame fuzzer's softirqs keep it), so in_softirq() and net_lock()'s rule hold where the
 * kernel's would. */
#ifndef KERNEL_PREEMPT_H
#define KERNEL_PREEMPT_H

struct thread;

struct cpu_state {
	struct thread *current;
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
