/* SPDX-License-Identifier: MIT */
/* Interrupt and exception entry: one stub per vector pushes (error code, vector) so that every
 * entry builds the same struct trap_frame, then trap_common saves the registers and calls
 * trap_dispatch(frame). The stubs' addresses form trap_stubs[256], which idt_init installs.
 * An entry from user mode (the saved CS has RPL 3) runs SWAPGS first and last, so that GS is the
 * per-CPU block while in the kernel. user.S's SYSCALL entry builds the same frame. */

	.text
	.code64

.macro TRAP_STUB vec
	.p2align 4
trap_stub_\vec:
	/* Vectors for which the CPU pushes an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX */
	.if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$\vec
	jmp	trap_common
.endm

	.globl	trap_stubs_begin
trap_stubs_begin:
	.altmacro
	.set	vec, 0
	.rept	256
	TRAP_STUB %vec
	.set	vec, vec + 1
	.endr

/* Stack at entry: ss, rsp, rflags, cs, rip, error, vector (the CPU aligned rsp to 16 before
 * pushing ss, so after the 15 registers below rsp is 16-byte aligned again for the call). */
	.p2align 4
	.globl	trap_common
trap_common:
	testb	$3, 24(%rsp)		/* the saved CS, above vector and error code */
	jz	1f
	swapgs
1:	pushq	%rax
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
	mov	%rsp, %rdi
	call	trap_dispatch
	.globl	trap_return
trap_return:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	testb	$3, 24(%rsp)
	jz	2f
	swapgs
2:	add	$16, %rsp		/* vector and error code */
	iretq

.macro STUB_ADDR vec
	.quad	trap_stub_\vec
.endm

	.section .rodata
	.p2align 3
	.globl	trap_stubs
trap_stubs:
	.set	vec, 0
	.rept	256
	STUB_ADDR %vec
	.set	vec, vec + 1
	.endr

	.section .note.GNU-stack, "", @progbits
