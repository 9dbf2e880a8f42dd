/* SPDX-License-Identifier: MIT */
/* The CPU contract generic code relies on: interrupt flag, cycle counter, halting, exiting. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* Status codes the kernel hands to arch_exit (0..126). tools/run/qemu.sh turns QEMU's exit code back
 * into this status. */
#define EXIT_SUCCESS_STATUS	0
#define EXIT_FAILURE_STATUS	1
#define EXIT_PANIC		100
#define EXIT_STATUS_MAX		126

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) :: "memory");
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & (1UL << 9))
		__asm__ __volatile__("sti" ::: "memory");
}

static inline void arch_irq_enable(void) { __asm__ __volatile__("sti" ::: "memory"); }
static inline void arch_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }

static inline bool arch_irqs_enabled(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags));
	return flags & (1UL << 9);
}

/* Time-stamp counter; ordered against earlier loads so measurements do not leak backwards. */
static inline uint64_t arch_cycles(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void arch_cpu_relax(void) { __asm__ __volatile__("pause" ::: "memory"); }

/* Enable interrupts and halt in one step: an interrupt pending at the sti is not missed. */
static inline void arch_safe_halt(void) { __asm__ __volatile__("sti; hlt" ::: "memory"); }

/** arch_exit - leave the machine with @status (QEMU's isa-debug-exit); halts forever without it. */
__attribute__((noreturn)) void arch_exit(int status);

/** arch_frame_address / arch_return_address - for backtraces from generic code. */
#define arch_frame_address() ((unsigned long)__builtin_frame_address(0))

/**
 * arch_boot_random - 64 unpredictable-enough bits for boot-time secrets (the stack-protector
 * guard): RDRAND when the CPU has it, else TSC readings mixed together. Sets *@how to the source.
 * Safe before any initialization: built without the stack protector, uses no stack buffer.
 */
uint64_t arch_boot_random(const char **how);

/** arch_hwcap - the CPU features an executable's AT_HWCAP carries (x86-64: CPUID 1's EDX). */
uint64_t arch_hwcap(void);

/** arch_backtrace - print a symbolized frame-pointer backtrace starting at frame @rbp. */
void arch_backtrace(unsigned long rip, unsigned long rbp);

#endif
