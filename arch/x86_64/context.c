// SPDX-License-Identifier: MIT
/* Thread contexts: new stacks are laid out so the first switch "returns" into the trampoline; a
 * switch to a user thread also points entries from user mode at its kernel stack and gives it
 * its TLS bases and FPU state (kernel threads use none of them, so they keep what is there). */
#include <arch/context.h>
#include "x86.h"

extern char arch_thread_trampoline[];
/* switch.S: push the callee-saved registers, store the stack pointer in @prev, load @next's. */
void arch_switch_stacks(struct arch_context *prev, struct arch_context *next);

/* The bases the FS_BASE and KERNEL_GS_BASE MSRs hold (this CPU), so a switch writes only a
 * change. */
static uint64_t loaded_fs, loaded_gs;

void arch_context_init(struct arch_context *ctx, void *stack_top, void (*start)(void))
{
	uint64_t *sp = (uint64_t *)((uintptr_t)stack_top & ~15ULL);

	/* After the switch pops the six registers and returns, rsp is back at the aligned top, so
	 * the trampoline's call enters @start with the ABI's alignment. */
	*--sp = (uint64_t)arch_thread_trampoline;
	*--sp = 0;				/* rbp */
	*--sp = 0;				/* rbx */
	*--sp = (uint64_t)start;		/* r12 */
	*--sp = 0;				/* r13 */
	*--sp = 0;				/* r14 */
	*--sp = 0;				/* r15 */
	ctx->sp = (uint64_t)sp;
}

void arch_user_bases_set(uint64_t fs, uint64_t gs)
{
	if (loaded_fs != fs) {
		wrmsr(MSR_FS_BASE, fs);
		loaded_fs = fs;
	}
	if (loaded_gs != gs) {
		wrmsr(MSR_KERNEL_GS_BASE, gs);	/* SWAPGS brings it in on the way to user mode */
		loaded_gs = gs;
	}
}

void arch_context_switch(struct arch_context *prev, struct arch_context *next)
{
	if (next->kstack_top) {
		cpu_set_kernel_stack(next->kstack_top);
		arch_user_bases_set(next->fs_base, next->gs_base);
		fpu_switch_to(next);
	}
	arch_switch_stacks(prev, next);
}
