/* SPDX-License-Identifier: MIT */
/* User mode: what the kernel needs from the CPU to run an application's threads in ring 3, in
 * the kernel's address space (the lower half, arch/memory.h). */
#ifndef ARCH_USER_H
#define ARCH_USER_H

#include <arch/context.h>
#include <kernel/compiler.h>
#include <stdbool.h>
#include <stdint.h>

/* The registers saved at every entry into the kernel (interrupt, exception, system call). A
 * thread that entered from user mode has its frame at the top of its kernel stack. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;	/* pushed by the stub; SYSCALL_VECTOR for a system call */
	uint64_t error;		/* CPU error code, 0, or the system-call number */
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU (or the SYSCALL entry) */
};

/** arch_user_init - prepare for user threads (their FPU state); after kmalloc_init. */
void arch_user_init(void);
/** arch_user_features - the register state user threads get saved, for the banner. */
const char *arch_user_features(void);

/** arch_user_frame - the user registers of a thread whose kernel stack ends at @kstack_top. */
static inline struct trap_frame *arch_user_frame(void *kstack_top)
{
	return (struct trap_frame *)kstack_top - 1;
}

/** arch_user_frame_init - registers of a thread starting at @entry with stack pointer @sp:
 * user segments, interrupts enabled, every general register 0. */
void arch_user_frame_init(struct trap_frame *f, uint64_t entry, uint64_t sp);

/** arch_user_enter - leave the kernel for user mode with @f's registers. @f is the running
 * thread's frame (arch_user_frame of its kernel stack top, set with arch_user_context_init). */
NORETURN void arch_user_enter(struct trap_frame *f);

/**
 * arch_user_context_init - make @ctx a user thread's: entries from user mode land below
 * @kstack_top; its FPU/SSE state is a copy of @from's (NULL: the initial state), its TLS base
 * @fs_base. Returns 0 or -ENOMEM.
 */
int arch_user_context_init(struct arch_context *ctx, const struct arch_context *from,
			   void *kstack_top, uint64_t fs_base);
/** arch_user_context_free - release what arch_user_context_init took (nothing for a kernel
 * thread's context). */
void arch_user_context_free(struct arch_context *ctx);

/** sys_arch_prctl - ARCH_SET_FS/GET_FS/SET_GS/GET_GS for the running user thread. */
long sys_arch_prctl(int code, unsigned long addr);

#endif
