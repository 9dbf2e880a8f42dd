// SPDX-License-Identifier: MIT
/*
 * Signal actions (one table: the process's) and per-thread blocked masks, with Linux's checks and
 * errno: what C libraries and servers set up at start. Nothing delivers a signal yet: a handler
 * is recorded and returned by the next rt_sigaction, never called; a fault still ends the
 * process (kernel/proc.c).
 * Locking: sig_lock protects the action table; a thread's mask is its own.
 */
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/uaccess.h>
#include <string.h>

#define SIG_MAX		64
#define SIG_SETMASK_	2
#define SA_KNOWN	0x5c000007UL	/* NOCLDSTOP NOCLDWAIT SIGINFO RESTORER ONSTACK RESTART NODEFER RESETHAND */
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define MINSIGSTKSZ	2048

/* The kernel's struct sigaction on x86-64 (what rt_sigaction passes). */
struct k_sigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	sigset_t mask;
};

struct k_stack {
	void *sp;
	int flags;
	size_t size;
};

static struct spinlock sig_lock = SPINLOCK_INIT;
static struct k_sigaction actions[SIG_MAX];

static unsigned long unblockable(void)
{
	return (1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1));
}

long sys_rt_sigaction(int sig, const void *act, void *oact, size_t sigsetsize)
{
	struct k_sigaction new, old;

	if (sigsetsize != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (sig < 1 || sig > SIG_MAX || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	if (act) {
		if (!uaccess_ok(act, sizeof(new)))
			return -EFAULT;
		memcpy(&new, act, sizeof(new));
		new.mask.sig[0] &= ~unblockable();
	}
	if (oact && !uaccess_write_ok(oact, sizeof(old)))
		return -EFAULT;
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	old = actions[sig - 1];
	if (act)
		actions[sig - 1] = new;
	spin_unlock_irqrestore(&sig_lock, flags);
	if (oact)
		memcpy(oact, &old, sizeof(old));
	return 0;
}

long sys_rt_sigprocmask(int how, const sigset_t *set, sigset_t *oset, size_t sigsetsize)
{
	struct thread *me = current_thread();
	unsigned long mask = me->sigmask;

	if (sigsetsize != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (set) {
		if (how < SIG_BLOCK || how > SIG_SETMASK_)
			return -EINVAL;
		if (!uaccess_ok(set, sizeof(*set)))
			return -EFAULT;
	}
	if (oset && !uaccess_write_ok(oset, sizeof(*oset)))
		return -EFAULT;
	if (set) {
		unsigned long s = set->sig[0];
		if (how == SIG_BLOCK)
			mask |= s;
		else if (how == SIG_UNBLOCK)
			mask &= ~s;
		else
			mask = s;
	}
	if (oset)
		oset->sig[0] = me->sigmask;
	me->sigmask = mask & ~unblockable();
	return 0;
}

long sys_sigaltstack(const void *ss, void *old)
{
	struct thread *me = current_thread();
	struct k_stack cur = { me->altstack_sp, me->altstack_sp ? 0 : SS_DISABLE, me->altstack_size };

	if (ss) {
		struct k_stack n;
		if (!uaccess_ok(ss, sizeof(n)))
			return -EFAULT;
		memcpy(&n, ss, sizeof(n));
		if (n.flags & ~(SS_DISABLE | SS_ONSTACK))
			return -EINVAL;
		if (!(n.flags & SS_DISABLE) && n.size < MINSIGSTKSZ)
			return -ENOMEM;
	}
	if (old) {
		if (!uaccess_write_ok(old, sizeof(cur)))
			return -EFAULT;
		memcpy(old, &cur, sizeof(cur));
	}
	if (ss) {
		const struct k_stack *n = ss;
		me->altstack_sp = n->flags & SS_DISABLE ? NULL : n->sp;
		me->altstack_size = n->flags & SS_DISABLE ? 0 : n->size;
	}
	return 0;
}
