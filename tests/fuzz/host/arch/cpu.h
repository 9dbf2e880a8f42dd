/* SPDX-License-Identifier: MIT */
/* The frame fuzzer's arch/cpu.h: as the unit tests' host shim (tests/unit/host/arch/cpu.h), but
 * time is a variable the harness advances, so lwIP's timers run when the input says and every
 * run of an input is the same. time_init(1000000, 0): one cycle is one nanosecond. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define EXIT_SUCCESS_STATUS	0
#define EXIT_FAILURE_STATUS	1
#define EXIT_PANIC		100
#define EXIT_STATUS_MAX		126

static inline unsigned long arch_irq_save(void) { return 0; }
static inline void arch_irq_restore(unsigned long flags) { (void)flags; }
static inline void arch_irq_enable(void) { }
static inline void arch_irq_disable(void) { }
static inline bool arch_irqs_enabled(void) { return true; }
static inline void arch_cpu_relax(void) { }

extern uint64_t fuzz_clock_ns;

static inline uint64_t arch_cycles(void)
{
	return fuzz_clock_ns;
}

__attribute__((noreturn)) void arch_exit(int status);
#define arch_frame_address() ((unsigned long)__builtin_frame_address(0))
void arch_backtrace(unsigned long rip, unsigned long rbp);

#endif
