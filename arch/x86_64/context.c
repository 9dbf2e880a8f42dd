// SPDX-License-Identifier: MIT
/* New thread stacks are laid out so the first arch_context_switch "returns" into the trampoline. */
#include <arch/context.h>

extern char arch_thread_trampoline[];

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
