/* SPDX-License-Identifier: MIT */
/* The one-shot timer generic code programs: a TSC deadline, whatever the LAPIC can do. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdint.h>

/** arch_timer_arm - raise IRQ_VECTOR_TIMER once the TSC reaches @deadline (now if it has). */
void arch_timer_arm(uint64_t deadline);
/** arch_timer_disarm - cancel a pending arm; an interrupt already raised may still arrive. */
void arch_timer_disarm(void);
/** arch_timer_mode - how the timer is driven ("tsc-deadline", "x2apic one-shot", ...). */
const char *arch_timer_mode(void);

#endif
