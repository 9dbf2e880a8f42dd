// SPDX-License-Identifier: MIT
/*
 * Signal frames as Linux's x86-64 ABI lays them out (arch/signal.h). Below the interrupted
 * stack pointer's 128-byte red zone (or at the top of the alternate stack) go, from high to
 * low: the FPU state (XSAVE's standard format with Linux's software bytes and trailing magic,
 * or FXSAVE's, 64-byte aligned), then struct rt_sigframe: the handler's return address (the
 * action's restorer, which calls rt_sigreturn), a ucontext (flags, link, the alternate stack,
 * the registers as struct sigcontext, the blocked mask to restore) and the siginfo. The
 * handler starts with %rsp = the frame (so %rsp + 8 is 16-byte aligned, as after a call),
 * %rdi = the signal, %rsi = &info, %rdx = &uc, and the initial FPU state.
 */
#include <arch/memory.h>
#include <arch/signal.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/uaccess.h>
#include <stddef.h>
#include <string.h>
#include "x86.h"

#define RED_ZONE		128
#define FP_XSTATE_MAGIC1	0x46505853U
#define FP_XSTATE_MAGIC2	0x46505845U
#define FX_SW_BYTES		464	/* where the legacy area's software bytes start */
#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4
/* RFLAGS bits a frame may change: CF PF AF ZF SF TF DF OF RF AC (Linux's FIX_EFLAGS). */
#define RFLAGS_USER		0x50dd5UL
#define RFLAGS_TF		(1UL << 8)
#define RFLAGS_DF		(1UL << 10)
#define RFLAGS_RF		(1UL << 16)

struct sigcontext64 {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
	uint64_t rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;		/* user address of the FPU state, 0: none */
	uint64_t reserved1[8];
};

struct ucontext64 {
	uint64_t uc_flags;
	uint64_t uc_link;
	stack_t uc_stack;
	struct sigcontext64 uc_mcontext;
	uint64_t uc_sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext64 uc;
	siginfo_t info;
};

/* Linux's struct _fpx_sw_bytes, in the legacy area's bytes 464..511. */
struct fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;		/* the state plus the trailing magic */
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

_Static_assert(sizeof(struct sigcontext64) == 256, "struct sigcontext is 256 bytes");
_Static_assert(offsetof(struct rt_sigframe, info) == 312, "rt_sigframe.info at 312");
_Static_assert(sizeof(siginfo_t) == 128, "siginfo is 128 bytes");
_Static_assert(sizeof(struct fpx_sw_bytes) == 48, "the software bytes fill the legacy area");

bool arch_on_stack(const struct trap_frame *f, uint64_t sp, uint64_t size)
{
	return f->rsp - sp < size;
}

bool arch_frame_syscall(const struct trap_frame *f)
{
	return f->vector == SYSCALL_VECTOR;
}

void arch_syscall_done(struct trap_frame *f)
{
	f->vector = 0;		/* and so the return is IRETQ's, which restores every register */
}

void arch_syscall_restart(struct trap_frame *f)
{
	f->rax = f->error;	/* the number */
	f->rip -= 2;		/* the SYSCALL instruction again */
}

/* The size of the FPU part of a frame. */
static size_t fp_frame_size(void)
{
	return fpu_xsave() ? fpu_state_size() + sizeof(uint32_t) : 512;
}

int arch_signal_frame(struct trap_frame *f, const struct arch_sigframe_req *r)
{
	uint64_t top = f->rsp - RED_ZONE;
	bool on_alt = r->ss_size && arch_on_stack(f, r->ss_sp, r->ss_size);
	if ((r->flags & SA_ONSTACK) && r->ss_size && !on_alt)
		top = r->ss_sp + r->ss_size;
	uint64_t fp = ALIGN_DOWN(top - fp_frame_size(), 64);
	uint64_t frame = ALIGN_DOWN(fp - sizeof(struct rt_sigframe), 16) - 8;
	if (frame > top || !uaccess_write_ok((void *)frame, top - frame))
		return -EFAULT;

	struct arch_context *ctx = &current_thread()->ctx;
	fpu_sync(ctx);
	size_t n = fpu_state_size();
	memcpy((void *)fp, ctx->fpu, fpu_xsave() ? n : 512);
	struct fpx_sw_bytes sw = { 0 };
	if (fpu_xsave()) {
		sw.magic1 = FP_XSTATE_MAGIC1;
		sw.extended_size = (uint32_t)(n + sizeof(uint32_t));
		sw.xfeatures = fpu_xfeatures();
		sw.xstate_size = (uint32_t)n;
		uint32_t magic2 = FP_XSTATE_MAGIC2;
		memcpy((void *)(fp + n), &magic2, sizeof(magic2));
	}
	memcpy((void *)(fp + FX_SW_BYTES), &sw, sizeof(sw));

	struct rt_sigframe k;
	memset(&k, 0, sizeof(k));
	k.pretcode = r->restorer;
	k.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (fpu_xsave() ? UC_FP_XSTATE : 0);
	k.uc.uc_stack.ss_sp = r->ss_sp;
	k.uc.uc_stack.ss_size = r->ss_size;
	k.uc.uc_stack.ss_flags = (int)(r->ss_size ? (on_alt ? SS_ONSTACK : 0) | r->ss_flags
					 : SS_DISABLE);
	struct sigcontext64 *m = &k.uc.uc_mcontext;
	m->r8 = f->r8, m->r9 = f->r9, m->r10 = f->r10, m->r11 = f->r11;
	m->r12 = f->r12, m->r13 = f->r13, m->r14 = f->r14, m->r15 = f->r15;
	m->rdi = f->rdi, m->rsi = f->rsi, m->rbp = f->rbp, m->rbx = f->rbx;
	m->rdx = f->rdx, m->rax = f->rax, m->rcx = f->rcx, m->rsp = f->rsp;
	m->rip = f->rip;
	m->eflags = f->rflags;
	m->cs = USER_CS;
	m->ss = USER_DS;
	if (f->vector < 32) {		/* an exception: what the CPU said of it */
		m->trapno = f->vector;
		m->err = f->error;
		if (f->vector == 14)
			m->cr2 = r->info->u.addr;
	}
	m->oldmask = r->mask;
	m->fpstate = fp;
	k.uc.uc_sigmask = r->mask;
	k.info = *r->info;
	memcpy((void *)frame, &k, sizeof(k));

	fpu_reset(ctx);
	f->rdi = (uint64_t)r->sig;
	f->rsi = frame + offsetof(struct rt_sigframe, info);
	f->rdx = frame + offsetof(struct rt_sigframe, uc);
	f->rax = 0;
	f->rip = r->handler;
	f->rsp = frame;
	f->cs = USER_CS;
	f->ss = USER_DS;
	f->rflags &= ~(RFLAGS_DF | RFLAGS_RF | RFLAGS_TF);
	return 0;
}

/* The FPU state a frame saved at user address @fp (0: none, the initial state then). */
static int fp_restore(uint64_t fp, uint64_t uc_flags)
{
	struct arch_context *ctx = &current_thread()->ctx;
	if (!fp) {
		fpu_reset(ctx);
		return 0;
	}
	size_t n = fpu_xsave() ? fpu_state_size() : 512;
	if ((fp & 63) || !uaccess_ok((void *)fp, n))
		return -EFAULT;
	bool full = false;
	if (fpu_xsave() && (uc_flags & UC_FP_XSTATE)) {
		struct fpx_sw_bytes sw;
		uint32_t magic2;
		memcpy(&sw, (const void *)(fp + FX_SW_BYTES), sizeof(sw));
		full = sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size == n &&
		       sw.extended_size == n + sizeof(uint32_t) &&
		       uaccess_ok((void *)(fp + n), sizeof(magic2));
		if (full) {
			memcpy(&magic2, (const void *)(fp + n), sizeof(magic2));
			full = magic2 == FP_XSTATE_MAGIC2;
		}
	}
	void *image = kmalloc(n);
	if (!image)
		return -ENOMEM;
	memcpy(image, (const void *)fp, full ? n : 512);
	int rc = fpu_load(ctx, image, !full) ? -EFAULT : 0;
	kfree(image);
	return rc;
}

int arch_signal_return(struct trap_frame *f, uint64_t *mask, stack_t *ss)
{
	uint64_t frame = f->rsp - 8;	/* the handler's return popped pretcode */
	struct rt_sigframe k;

	if (!uaccess_ok((void *)frame, sizeof(k)))
		return -EFAULT;
	memcpy(&k, (const void *)frame, sizeof(k));
	const struct sigcontext64 *m = &k.uc.uc_mcontext;
	if (m->rip >= USER_TOP)
		return -EFAULT;		/* IRETQ to a non-canonical address would fault in the kernel */
	int rc = fp_restore(m->fpstate, k.uc.uc_flags);
	if (rc)
		return rc;
	f->r8 = m->r8, f->r9 = m->r9, f->r10 = m->r10, f->r11 = m->r11;
	f->r12 = m->r12, f->r13 = m->r13, f->r14 = m->r14, f->r15 = m->r15;
	f->rdi = m->rdi, f->rsi = m->rsi, f->rbp = m->rbp, f->rbx = m->rbx;
	f->rdx = m->rdx, f->rax = m->rax, f->rcx = m->rcx, f->rsp = m->rsp;
	f->rip = m->rip;
	f->rflags = (f->rflags & ~RFLAGS_USER) | (m->eflags & RFLAGS_USER);
	f->cs = USER_CS;
	f->ss = USER_DS;
	arch_syscall_done(f);
	*mask = k.uc.uc_sigmask;
	*ss = k.uc.uc_stack;
	return 0;
}
