// SPDX-License-Identifier: MIT
/* User threads' contexts and the arch-specific system calls: register frames, TLS bases, the
 * SYSCALL entry's C half. The entry and exit themselves are user.S. */
#include <arch/memory.h>
#include <arch/syscall.h>
#include <arch/user.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>
#include <string.h>
#include "x86.h"

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004
#define RFLAGS_IF	(1ULL << 9)
#define RFLAGS_FIXED	(1ULL << 1)	/* always 1 */

void arch_user_init(void)
{
	fpu_init();
}

const char *arch_user_features(void)
{
	return fpu_describe();
}

void arch_user_frame_init(struct trap_frame *f, uint64_t entry, uint64_t sp)
{
	memset(f, 0, sizeof(*f));
	f->rip = entry;
	f->cs = USER_CS;
	f->rflags = RFLAGS_IF | RFLAGS_FIXED;
	f->rsp = sp;
	f->ss = USER_DS;
}

int arch_user_context_init(struct arch_context *ctx, const struct arch_context *from,
			   void *kstack_top, uint64_t fs_base)
{
	if (fpu_state_init(ctx, from))
		return -ENOMEM;
	ctx->kstack_top = (uintptr_t)kstack_top;
	ctx->fs_base = fs_base;
	ctx->gs_base = from ? from->gs_base : 0;
	return 0;
}

void arch_user_context_free(struct arch_context *ctx)
{
	if (ctx->fpu)
		fpu_state_free(ctx);
	ctx->kstack_top = 0;
}

/* The C half of the SYSCALL entry, interrupts on: run the call, then what must happen before
 * the return to user mode (proc_user_return turns interrupts off). */
void syscall_frame(struct trap_frame *f)
{
	f->rax = (uint64_t)syscall_dispatch((long)f->error, (long)f->rdi, (long)f->rsi,
					    (long)f->rdx, (long)f->r10, (long)f->r8, (long)f->r9);
	proc_user_return(f);
}

long sys_arch_prctl(int code, unsigned long addr)
{
	struct thread *me = current_thread();
	struct arch_context *ctx = &me->ctx;

	if (!ctx->kstack_top)
		return -EINVAL;		/* a kernel thread has no user bases */
	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= USER_TOP)
			return -EPERM;
		if (code == ARCH_SET_FS)
			ctx->fs_base = addr;
		else
			ctx->gs_base = addr;
		unsigned long flags = arch_irq_save();
		arch_user_bases_set(ctx->fs_base, ctx->gs_base);
		arch_irq_restore(flags);
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		if (!uaccess_write_ok((void *)addr, sizeof(unsigned long)))
			return -EFAULT;
		*(unsigned long *)addr = code == ARCH_GET_FS ? ctx->fs_base : ctx->gs_base;
		return 0;
	default:
		return -EINVAL;
	}
}
