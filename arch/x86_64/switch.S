/* SPDX-License-Identifier: MIT */
/* arch_switch_stacks(prev, next): push the callee-saved registers, swap stack pointers, pop. */

	.text
	.code64
	.globl	arch_switch_stacks
arch_switch_stacks:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

/* A new thread's first "return" lands here with its start function in %r12. A zero frame
 * pointer ends backtraces at the thread's entry. */
	.globl	arch_thread_trampoline
arch_thread_trampoline:
	xorl	%ebp, %ebp
	call	*%r12
	ud2

	.section .note.GNU-stack, "", @progbits
