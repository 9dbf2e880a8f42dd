/* SPDX-License-Identifier: MIT */
/* Entering and leaving user mode. SYSCALL lands in syscall_entry with interrupts off (FMASK),
 * user RIP in RCX and RFLAGS in R11: it switches to the running thread's kernel stack and builds
 * the same struct trap_frame an interrupt from user mode builds (vector SYSCALL_VECTOR, the
 * system-call number in the error slot), then calls syscall_frame(frame) with interrupts on.
 * user_exit leaves for user mode from a frame at %rsp, interrupts off: with SYSRET when the frame
 * allows it, else through entry.S's IRETQ path. */

#include <arch/memory.h>
#include "segments.h"

	.text
	.code64

	.p2align 4
	.globl	syscall_entry
syscall_entry:
	swapgs
	movq	%rsp, %gs:PERCPU_USER_RSP
	movq	%gs:PERCPU_KERNEL_RSP, %rsp
	pushq	$USER_DS			/* ss */
	pushq	%gs:PERCPU_USER_RSP		/* rsp */
	pushq	%r11				/* rflags */
	pushq	$USER_CS			/* cs */
	pushq	%rcx				/* rip */
	pushq	%rax				/* error slot: the system-call number */
	pushq	$SYSCALL_VECTOR			/* vector */
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	xorl	%ebp, %ebp			/* backtraces end at the user boundary */
	sti
	call	syscall_frame			/* returns with interrupts off */
	/* fall through: leave from the frame at %rsp */

/* user_exit: %rsp = a trap frame of a user-mode context, interrupts off. SYSRET needs RCX and
 * R11 for RIP and RFLAGS and faults in kernel mode on a non-canonical RIP, so it is used only for
 * a system call's frame (whose RCX and R11 the call may clobber) with a canonical user RIP and
 * the user segments; anything else (a thread's first entry, rt_sigreturn's restored context)
 * returns through IRETQ, which restores every register. */
	.globl	user_exit
user_exit:
	cmpq	$SYSCALL_VECTOR, TF_VECTOR(%rsp)
	jne	1f
	movq	TF_RIP(%rsp), %rcx
	movq	$USER_TOP, %r11
	cmpq	%r11, %rcx
	jae	1f
	cmpq	$USER_CS, TF_CS(%rsp)
	jne	1f
	cmpq	$USER_DS, TF_SS(%rsp)
	jne	1f
	movq	TF_R15(%rsp), %r15
	movq	TF_R14(%rsp), %r14
	movq	TF_R13(%rsp), %r13
	movq	TF_R12(%rsp), %r12
	movq	TF_R10(%rsp), %r10
	movq	TF_R9(%rsp), %r9
	movq	TF_R8(%rsp), %r8
	movq	TF_RBP(%rsp), %rbp
	movq	TF_RDI(%rsp), %rdi
	movq	TF_RSI(%rsp), %rsi
	movq	TF_RDX(%rsp), %rdx
	movq	TF_RBX(%rsp), %rbx
	movq	TF_RAX(%rsp), %rax
	movq	TF_RFLAGS(%rsp), %r11
	movq	TF_RSP(%rsp), %rsp
	swapgs
	sysretq
1:	jmp	trap_return			/* entry.S: pops the frame, SWAPGS for RPL 3, IRETQ */

/* arch_user_enter(frame): leave the kernel for user mode with the registers of @frame (on this
 * thread's kernel stack, at its top). */
	.globl	arch_user_enter
arch_user_enter:
	cli
	movq	%rdi, %rsp
	jmp	user_exit

	.section .note.GNU-stack, "", @progbits
