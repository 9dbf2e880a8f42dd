/* SPDX-License-Identifier: MIT */
/* Host stand-in for arch/cpu.h: the unit-test binary runs kernel code as an ordinary process. */
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

#ifdef HOST_FAKE_CLOCK
/* The frame fuzzer's clock: a variable it advances (tests/fuzz/fake_net_env.c), so lwIP's timers
 * run when the input says and every run of an input is the same. */
extern uint64_t host_fake_clock_ns;

static inline uint64_t arch_cycles(void)
{
	return host_fake_clock_ns;
}
#else
/* A nanosecond clock stands in for the TSC: host tests run time_init(1000000, 0) (1 GHz).
 * host_env.c reads CLOCK_MONOTONIC (kernel code is built without the C library's headers). */
uint64_t arch_cycles(void);
#endif

__attribute__((noreturn)) void arch_exit(int status);
#define arch_frame_address() ((unsigned long)__builtin_frame_address(0))
void arch_backtrace(unsigned long rip, unsigned long rbp);

#endif
