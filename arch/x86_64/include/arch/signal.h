/* SPDX-License-Identifier: MIT */
/* The CPU's side of signals (arch/x86_64/signal.c): the handler frame Linux's x86-64 ABI puts on
 * the user stack (struct rt_sigframe: return address, ucontext with the registers and the
 * blocked mask, siginfo, then the FPU/SSE/AVX state), taking it back at rt_sigreturn, and the
 * system call a frame returns from. */
#ifndef ARCH_SIGNAL_H
#define ARCH_SIGNAL_H

#include <arch/user.h>
#include <stdbool.h>
#include <stdint.h>
#include <uapi/signal.h>

/* A handler to enter. */
struct arch_sigframe_req {
	int sig;
	const siginfo_t *info;
	uint64_t handler, flags, restorer;	/* the action (flags: SA_*) */
	uint64_t mask;				/* the mask rt_sigreturn puts back */
	uint64_t ss_sp, ss_size;		/* the thread's alternate stack (size 0: none) */
	unsigned ss_flags;
};

/**
 * arch_signal_frame - make @f enter the handler of @r: its frame written below the user stack
 * pointer's red zone (or at the top of the alternate stack under SA_ONSTACK), the FPU state
 * saved in it and reset for the handler. Returns 0, or -EFAULT when the frame cannot be
 * written (@f unchanged).
 */
int arch_signal_frame(struct trap_frame *f, const struct arch_sigframe_req *r);

/**
 * arch_signal_return - rt_sigreturn: the registers, FPU state, blocked mask (@mask) and
 * alternate stack (@ss) saved by the frame below @f's stack pointer. Returns 0, or -EFAULT for
 * a frame that cannot be read or would not be a valid user context (@f unchanged then). After
 * it, @f returns through the path that restores every register.
 */
int arch_signal_return(struct trap_frame *f, uint64_t *mask, stack_t *ss);

/** arch_on_stack - whether @f's stack pointer lies in [@sp, @sp + @size). */
bool arch_on_stack(const struct trap_frame *f, uint64_t sp, uint64_t size);

/** arch_frame_syscall - whether @f is a system call's (its number in the frame, its result in
 * arch_syscall_ret); arch_syscall_done marks it as not any more (no restart after it). */
bool arch_frame_syscall(const struct trap_frame *f);
void arch_syscall_done(struct trap_frame *f);
/** arch_syscall_restart - make @f execute its system call again on the return to user mode. */
void arch_syscall_restart(struct trap_frame *f);

static inline long arch_syscall_ret(const struct trap_frame *f)
{
	return (long)f->rax;
}

static inline void arch_syscall_set_ret(struct trap_frame *f, long v)
{
	f->rax = (uint64_t)v;
}

#endif
