/* SPDX-License-Identifier: MIT */
/* Host stand-in for kernel/preempt.h: host unit tests run as one ordinary thread. */
#ifndef KERNEL_PREEMPT_H
#define KERNEL_PREEMPT_H

static inline void preempt_disable(void) { }
static inline void preempt_enable_no_resched(void) { }
static inline void preempt_enable(void) { }
static inline int in_irq(void) { return 0; }
static inline int in_softirq(void) { return 0; }
static inline int in_atomic(void) { return 0; }

#endif
