// SPDX-License-Identifier: MIT
/*
 * Signals for the one process (kernel/signal.h): its action table, its pending set, its user
 * threads (each with a blocked mask and a pending set), ITIMER_REAL, and delivery.
 *
 * Sending marks the signal pending (on a thread, or on the process) and picks the thread that
 * will take it: the target of a thread-directed signal, else the first thread (the sender first)
 * that does not block it, as Linux's complete_signal does. That thread's sig_active is set and,
 * if it sleeps interruptibly, it is woken: its call returns -EINTR or an -ERESTART* code.
 * Delivery happens on the way back to user mode (signal_deliver): the lowest pending signal
 * first (the synchronous ones, faults, before the others), its default action, or a handler
 * frame (arch_signal_frame) with the action's mask blocked meanwhile; rt_sigreturn takes the
 * frame back. An interrupted call's -ERESTART* code becomes EINTR or a restart as Linux decides:
 * ERESTARTSYS restarts under SA_RESTART, ERESTARTNOHAND only when no handler ran,
 * ERESTARTNOINTR always.
 *
 * Locking: sig_lock (irqsave: ITIMER_REAL sends from a timer) protects the action table, every
 * pending set and note, the list of user threads, the process's timer, and each thread's
 * sigmask and sig_active writes. A thread reads its own mask without it.
 */
#include <arch/signal.h>
#include <kernel/app.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>
#include <string.h>
#include <uapi/time.h>

#define SIG_MAX		64
#define BIT(sig)	(1UL << ((sig) - 1))
#define SA_KNOWN	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTORER | SA_ONSTACK | \
			 SA_RESTART | SA_NODEFER | SA_RESETHAND | 0x08 /* SA_UNSUPPORTED */ | \
			 0x400 /* SA_EXPOSE_TAGBITS */)
#define UNBLOCKABLE	(BIT(SIGKILL) | BIT(SIGSTOP))
/* Default actions (Linux's sig_kernel_ignore, sig_kernel_stop); every other one terminates. */
#define DFL_IGNORE	(BIT(SIGCHLD) | BIT(SIGURG) | BIT(SIGWINCH) | BIT(SIGCONT))
#define DFL_STOP	(BIT(SIGSTOP) | BIT(SIGTSTP) | BIT(SIGTTIN) | BIT(SIGTTOU))
/* Faults, delivered before anything else pending (Linux's SYNCHRONOUS_MASK). */
#define SYNCHRONOUS	(BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) | BIT(SIGTRAP) | BIT(SIGFPE) | \
			 BIT(SIGSYS))
#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define ITIMER_PROF	2

/* The kernel's struct sigaction on x86-64 (what rt_sigaction passes). */
struct k_sigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	sigset_t mask;
};

struct itimerval_k {
	struct timeval interval;
	struct timeval value;
};

static struct spinlock sig_lock = SPINLOCK_INIT;
static struct k_sigaction actions[SIG_MAX];
static unsigned long proc_pending;		/* sent to the process */
static struct sig_note proc_notes[SIG_MAX];
static LIST_HEAD(threads);			/* user threads, by proc_node */
static struct {
	struct ktimer timer;
	uint64_t expires;			/* ktime of the next SIGALRM, 0: disarmed */
	uint64_t interval;			/* ns between them, 0: one only */
	bool init;
} itimer;

static bool stop_noted;

/* ---- pending state (sig_lock held) ---- */

static void recalc_locked(struct thread *t)
{
	bool active = t->user && ((t->sig_pending | proc_pending) & ~t->sigmask) != 0;
	__atomic_store_n(&t->sig_active, active, __ATOMIC_RELEASE);
}

/* Mark @t as having a signal to take, and end an interruptible sleep of it. */
static void signal_wake_locked(struct thread *t)
{
	recalc_locked(t);
	if (!t->sig_active)
		return;
	/* Pairs with the sleeper's set_current_state before it tests signal_pending(). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wake_up_state(t, TASK_INTERRUPTIBLE);
}

static bool ignored_locked(int sig)
{
	unsigned long h = actions[sig - 1].handler;
	return h == SIG_IGN || (h == SIG_DFL && (BIT(sig) & DFL_IGNORE));
}

static struct thread *find_locked(int tid)
{
	struct thread *t;
	list_for_each_entry(t, &threads, proc_node)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* The thread that takes a signal sent to the process: the sender when it can, else the first
 * that does not block it; NULL when every thread blocks it (it waits on the process). */
static struct thread *pick_locked(int sig)
{
	struct thread *me = current_thread(), *t;
	if (me->user && !list_empty(&me->proc_node) && !(me->sigmask & BIT(sig)))
		return me;
	list_for_each_entry(t, &threads, proc_node)
		if (!(t->sigmask & BIT(sig)))
			return t;
	return NULL;
}

int signal_send(int tid, int sig, int code, uint64_t data)
{
	struct sig_note note = { .code = code, .pid = PROC_PID, .data = data };
	int ret = 0;

	if (sig < 1 || sig > SIG_MAX)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	struct thread *t = tid ? find_locked(tid) : NULL;
	if (tid && !t) {
		ret = -ESRCH;
		goto out;
	}
	/* Linux drops an ignored signal at once, unless the target thread blocks it (the action
	 * may change before it is unblocked). */
	if (ignored_locked(sig) && !(t && (t->sigmask & BIT(sig))))
		goto out;
	if (t) {
		if (t->sig_pending & BIT(sig))
			goto out;
		t->sig_pending |= BIT(sig);
		t->sig_notes[sig - 1] = note;
	} else {
		if (proc_pending & BIT(sig))
			goto out;
		proc_pending |= BIT(sig);
		proc_notes[sig - 1] = note;
		t = pick_locked(sig);
	}
	if (t)
		signal_wake_locked(t);
out:
	spin_unlock_irqrestore(&sig_lock, flags);
	return ret;
}

void signal_thread_add(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	list_add_tail(&t->proc_node, &threads);
	recalc_locked(t);
	spin_unlock_irqrestore(&sig_lock, flags);
}

void signal_thread_remove(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	list_del_init(&t->proc_node);
	t->sig_pending = 0;
	t->sig_active = false;
	/* A process signal it would have taken goes to another thread that can. */
	unsigned long left = proc_pending;
	while (left) {
		int sig = __builtin_ctzl(left) + 1;
		left &= left - 1;
		struct thread *o = pick_locked(sig);
		if (o && o != t)
			signal_wake_locked(o);
	}
	spin_unlock_irqrestore(&sig_lock, flags);
}

/* Take the next signal for @me: its own first, then the process's; faults before others. */
static int dequeue_locked(struct thread *me, struct sig_note *note)
{
	unsigned long *set = &me->sig_pending;
	struct sig_note *notes = me->sig_notes;
	unsigned long m = *set & ~me->sigmask;
	if (!m) {
		set = &proc_pending;
		notes = proc_notes;
		m = *set & ~me->sigmask;
	}
	if (!m)
		return 0;
	if (m & SYNCHRONOUS)
		m &= SYNCHRONOUS;
	int sig = __builtin_ctzl(m) + 1;
	*set &= ~BIT(sig);
	*note = notes[sig - 1];
	recalc_locked(me);
	return sig;
}

static void set_mask_locked(struct thread *me, unsigned long mask)
{
	me->sigmask = mask & ~UNBLOCKABLE;
	recalc_locked(me);
	/* What this thread no longer takes may have a taker elsewhere. */
	unsigned long left = proc_pending & me->sigmask;
	while (left) {
		int sig = __builtin_ctzl(left) + 1;
		left &= left - 1;
		struct thread *o = pick_locked(sig);
		if (o)
			signal_wake_locked(o);
	}
}

static void set_mask(unsigned long mask)
{
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	set_mask_locked(current_thread(), mask);
	spin_unlock_irqrestore(&sig_lock, flags);
}

/* ---- delivery ---- */

static const char *const signal_names[SIG_MAX + 1] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
	[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
	[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",
	[SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ",
	[SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
	[SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	static char buf[16];
	if (sig >= 1 && sig <= SIG_MAX && signal_names[sig])
		return signal_names[sig];
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		ksnprintf(buf, sizeof(buf), "SIGRT%d", sig - SIGRTMIN);
		return buf;
	}
	return "signal";
}

/* The default action ends the process, as Linux's does: status 128 + the signal. */
static NORETURN void die_by(int sig, const char *why)
{
	printk("epunk: %s (thread %d) killed by %s%s\n", proc_name(), current_thread()->tid,
	       signal_name(sig), why);
	app_exit(128 + sig);
}

static void fill_info(siginfo_t *info, int sig, const struct sig_note *n)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = n->code;
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) {
		if (n->code > 0) {
			info->u.addr = n->data;
			return;
		}
	}
	if (n->code == SI_TIMER) {
		info->u.timer.overrun = (int)n->data;
		return;
	}
	info->u.kill.pid = n->pid;
	info->u.kill.uid = 0;
}

static bool is_restart(long ret)
{
	return ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND;
}

void signal_deliver(struct trap_frame *f)
{
	struct thread *me = current_thread();
	bool syscall = arch_frame_syscall(f);

	for (;;) {
		struct sig_note note;
		struct k_sigaction ka;
		int sig = 0;

		if (__atomic_load_n(&me->sig_active, __ATOMIC_ACQUIRE)) {
			unsigned long flags = spin_lock_irqsave(&sig_lock);
			sig = dequeue_locked(me, &note);
			if (sig) {
				ka = actions[sig - 1];
				if (ka.handler > SIG_IGN && (ka.flags & SA_RESETHAND)) {
					actions[sig - 1].handler = SIG_DFL;
					actions[sig - 1].flags &= ~SA_SIGINFO;
				}
			}
			spin_unlock_irqrestore(&sig_lock, flags);
		}
		if (!sig) {
			/* Nothing (more) to deliver: a call to restart, a mask to put back. */
			if (syscall && is_restart(arch_syscall_ret(f)))
				arch_syscall_restart(f);
			syscall = false;
			if (me->sig_restore_mask) {
				me->sig_restore_mask = false;
				set_mask(me->sig_saved_mask);
				if (__atomic_load_n(&me->sig_active, __ATOMIC_ACQUIRE))
					continue;	/* the old mask lets a pending one through */
			}
			return;
		}
		if (ka.handler == SIG_IGN)
			continue;
		if (ka.handler == SIG_DFL) {
			if (BIT(sig) & DFL_IGNORE)
				continue;
			if (BIT(sig) & DFL_STOP) {
				/* Stopping the only process would leave nothing to continue it. */
				if (!stop_noted) {
					stop_noted = true;
					printk("epunk: %s's default action (stop) is not supported: "
					       "ignored\n", signal_name(sig));
				}
				continue;
			}
			die_by(sig, "");
		}

		/* A handler runs: first settle the call it interrupts. */
		if (syscall) {
			long ret = arch_syscall_ret(f);
			if (ret == -ERESTARTNOHAND ||
			    (ret == -ERESTARTSYS && !(ka.flags & SA_RESTART)))
				arch_syscall_set_ret(f, -EINTR);
			else if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR)
				arch_syscall_restart(f);
			arch_syscall_done(f);
			syscall = false;
		}
		siginfo_t info;
		fill_info(&info, sig, &note);
		struct arch_sigframe_req r = {
			.sig = sig, .info = &info, .handler = ka.handler, .flags = ka.flags,
			.restorer = ka.restorer,
			.mask = me->sig_restore_mask ? me->sig_saved_mask : me->sigmask,
			.ss_sp = me->altstack_sp, .ss_size = me->altstack_size,
			.ss_flags = me->altstack_flags,
		};
		if (!(ka.flags & SA_RESTORER) || arch_signal_frame(f, &r))
			die_by(SIGSEGV, ": its signal frame could not be written");
		me->sig_restore_mask = false;
		if ((me->altstack_flags & SS_AUTODISARM) && (ka.flags & SA_ONSTACK))
			me->altstack_size = me->altstack_sp = 0;
		unsigned long add = ka.mask.sig[0] | ((ka.flags & SA_NODEFER) ? 0 : BIT(sig));
		set_mask(me->sigmask | add);
	}
}

bool signal_fault(int sig, int code, uint64_t addr)
{
	struct thread *me = current_thread();
	bool handled;

	unsigned long flags = spin_lock_irqsave(&sig_lock);
	unsigned long h = actions[sig - 1].handler;
	handled = h > SIG_IGN && !(me->sigmask & BIT(sig)) && !(me->sig_pending & BIT(sig));
	if (handled) {
		me->sig_pending |= BIT(sig);
		me->sig_notes[sig - 1] = (struct sig_note){ .code = code, .data = addr };
		recalc_locked(me);
	}
	spin_unlock_irqrestore(&sig_lock, flags);
	return handled;
}

void signal_raise_sigpipe(void)
{
	struct thread *me = current_thread();
	if (me->user)	/* kernel threads (the in-guest tests) get only the EPIPE */
		signal_send(me->tid, SIGPIPE, SI_USER, 0);
}

int signal_set_temp_mask(const sigset_t *umask, size_t size)
{
	struct thread *me = current_thread();
	if (!umask)
		return 0;
	if (size != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (!uaccess_ok(umask, KERNEL_SIGSET_SIZE))
		return -EFAULT;
	unsigned long m = umask->sig[0];
	me->sig_saved_mask = me->sigmask;
	me->sig_restore_mask = true;
	set_mask(m);
	return 0;
}

void signal_end_temp_mask(bool interrupted)
{
	struct thread *me = current_thread();
	if (!me->sig_restore_mask || interrupted)
		return;		/* interrupted: signal_deliver puts it back after the handler */
	me->sig_restore_mask = false;
	set_mask(me->sig_saved_mask);
}

/* ---- system calls ---- */

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
		new.mask.sig[0] &= ~UNBLOCKABLE;
		new.flags &= SA_KNOWN & ~0x08UL;	/* Linux clears what it does not know */
	}
	if (oact && !uaccess_write_ok(oact, sizeof(old)))
		return -EFAULT;
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	old = actions[sig - 1];
	if (act) {
		actions[sig - 1] = new;
		/* A pending signal now ignored is discarded (Linux's sigaction does this). */
		if (ignored_locked(sig)) {
			proc_pending &= ~BIT(sig);
			struct thread *t;
			list_for_each_entry(t, &threads, proc_node) {
				t->sig_pending &= ~BIT(sig);
				recalc_locked(t);
			}
		}
	}
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
		if (how < SIG_BLOCK || how > SIG_SETMASK)
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
	if (set)
		set_mask(mask);
	return 0;
}

long sys_rt_sigpending(sigset_t *set, size_t sigsetsize)
{
	struct thread *me = current_thread();

	if (sigsetsize > KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (!uaccess_write_ok(set, sigsetsize))
		return -EFAULT;
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	unsigned long p = (me->sig_pending | proc_pending) & me->sigmask;
	spin_unlock_irqrestore(&sig_lock, flags);
	memcpy(set, &p, sigsetsize);
	return 0;
}

/* Sleep until a signal is pending (a handler will run, or the default action ends us). */
static void sleep_until_signal(void)
{
	const char *chan = current_thread()->wait_chan;
	current_thread()->wait_chan = "signal";
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending())
			break;
		schedule();
	}
	set_current_state(TASK_RUNNING);
	current_thread()->wait_chan = chan;
}

long sys_rt_sigsuspend(const sigset_t *mask, size_t sigsetsize)
{
	if (sigsetsize != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (!mask)
		return -EFAULT;
	int err = signal_set_temp_mask(mask, sigsetsize);
	if (err)
		return err;
	sleep_until_signal();
	signal_end_temp_mask(true);
	return -ERESTARTNOHAND;
}

long sys_pause(void)
{
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

long sys_rt_sigtimedwait(const sigset_t *uset, siginfo_t *uinfo, const void *utimeout,
			 size_t sigsetsize)
{
	struct thread *me = current_thread();
	struct timespec ts;
	uint64_t end = 0;

	if (sigsetsize != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (!uaccess_ok(uset, sizeof(*uset)))
		return -EFAULT;
	unsigned long want = uset->sig[0] & ~UNBLOCKABLE;
	if (utimeout) {
		if (!uaccess_ok(utimeout, sizeof(ts)))
			return -EFAULT;
		memcpy(&ts, utimeout, sizeof(ts));
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
			return -EINVAL;
		end = ktime_ns() + (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	}
	if (uinfo && !uaccess_write_ok(uinfo, sizeof(siginfo_t)))
		return -EFAULT;
	const char *chan = me->wait_chan;
	long ret;
	for (;;) {
		struct sig_note note;
		/* Take one of @want as Linux does: a dequeue under the mask ~want. */
		unsigned long flags = spin_lock_irqsave(&sig_lock);
		unsigned long blocked = me->sigmask;
		me->sigmask = ~want;
		int sig = dequeue_locked(me, &note);
		me->sigmask = blocked;
		recalc_locked(me);
		spin_unlock_irqrestore(&sig_lock, flags);
		if (sig) {
			if (uinfo) {
				siginfo_t info;
				fill_info(&info, sig, &note);
				memcpy(uinfo, &info, sizeof(info));
			}
			ret = sig;
			break;
		}
		if (signal_pending()) {
			ret = -EINTR;		/* another signal, deliverable: its handler runs */
			break;
		}
		uint64_t now = ktime_ns();
		if (utimeout && now >= end) {
			ret = -EAGAIN;
			break;
		}
		/* Sleep with @want unblocked, so that sending one of them ends the sleep. */
		flags = spin_lock_irqsave(&sig_lock);
		me->sigmask = blocked & ~want;
		recalc_locked(me);
		set_current_state(TASK_INTERRUPTIBLE);
		bool wake = me->sig_active;
		spin_unlock_irqrestore(&sig_lock, flags);
		me->wait_chan = "sigtimedwait";
		if (!wake) {
			if (utimeout)
				schedule_timeout(end - now);
			else
				schedule();
		}
		set_current_state(TASK_RUNNING);
		flags = spin_lock_irqsave(&sig_lock);
		me->sigmask = blocked;
		recalc_locked(me);
		spin_unlock_irqrestore(&sig_lock, flags);
	}
	me->wait_chan = chan;
	return ret;
}

long sys_rt_sigreturn(void)
{
	struct thread *me = current_thread();
	struct trap_frame *f = arch_user_frame((void *)me->ctx.kstack_top);
	uint64_t mask;
	stack_t ss;

	if (!me->user)
		return -ENOSYS;
	if (arch_signal_return(f, &mask, &ss))
		die_by(SIGSEGV, ": rt_sigreturn found no valid signal frame");
	set_mask(mask);
	/* The frame's alternate stack comes back too (Linux's restore_altstack), when valid. */
	if (!(ss.ss_flags & ~(SS_DISABLE | SS_ONSTACK | SS_AUTODISARM)) &&
	    !arch_on_stack(f, me->altstack_sp, me->altstack_size)) {
		bool off = ss.ss_flags & SS_DISABLE;
		if (off || ss.ss_size >= MINSIGSTKSZ) {
			me->altstack_sp = off ? 0 : ss.ss_sp;
			me->altstack_size = off ? 0 : ss.ss_size;
			me->altstack_flags = off ? 0 : ((unsigned)ss.ss_flags & SS_AUTODISARM);
		}
	}
	return arch_syscall_ret(f);	/* the restored %rax */
}

long sys_sigaltstack(const void *uss, void *uold)
{
	struct thread *me = current_thread();
	struct trap_frame *f = me->user ? arch_user_frame((void *)me->ctx.kstack_top) : NULL;
	bool on = f && me->altstack_size && arch_on_stack(f, me->altstack_sp, me->altstack_size);
	stack_t cur = {
		.ss_sp = me->altstack_sp, .ss_size = me->altstack_size,
		.ss_flags = (int)(me->altstack_size ? (on ? SS_ONSTACK : 0) | me->altstack_flags
				  : SS_DISABLE),
	};
	stack_t n;

	if (uss) {
		if (!uaccess_ok(uss, sizeof(n)))
			return -EFAULT;
		memcpy(&n, uss, sizeof(n));
		if (on)
			return -EPERM;		/* changing the stack one runs on */
		unsigned mode = (unsigned)n.ss_flags & ~SS_AUTODISARM;
		if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
			return -EINVAL;
		if (mode != SS_DISABLE && n.ss_size < MINSIGSTKSZ)
			return -ENOMEM;
	}
	if (uold) {
		if (!uaccess_write_ok(uold, sizeof(cur)))
			return -EFAULT;
		memcpy(uold, &cur, sizeof(cur));
	}
	if (uss) {
		bool off = ((unsigned)n.ss_flags & ~SS_AUTODISARM) == SS_DISABLE;
		me->altstack_sp = off ? 0 : n.ss_sp;
		me->altstack_size = off ? 0 : n.ss_size;
		me->altstack_flags = off ? 0 : ((unsigned)n.ss_flags & SS_AUTODISARM);
	}
	return 0;
}

static int check_sig(int sig)
{
	return sig < 0 || sig > SIG_MAX ? -EINVAL : 0;
}

/* Linux's order of checks: a bad pid or tid, then a missing target (ESRCH), then the signal
 * number (EINVAL); signal 0 only asks whether the target exists. */
long sys_kill(int pid, int sig)
{
	/* Our pid, our process group (0, -1 * pgid): us. -1 is every process but init and the
	 * caller; we are init, alone. */
	if (pid != PROC_PID && pid != 0 && pid != -PROC_PID)
		return -ESRCH;
	if (check_sig(sig))
		return -EINVAL;
	return sig ? signal_send(0, sig, SI_USER, 0) : 0;
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (tgid != PROC_PID)
		return -ESRCH;
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	bool found = find_locked(tid) != NULL;
	spin_unlock_irqrestore(&sig_lock, flags);
	if (!found)
		return -ESRCH;
	if (check_sig(sig))
		return -EINVAL;
	return sig ? signal_send(tid, sig, SI_TKILL, 0) : 0;
}

long sys_tkill(int tid, int sig)
{
	if (tid <= 0)
		return -EINVAL;
	return sys_tgkill(PROC_PID, tid, sig);
}

/* ---- ITIMER_REAL ---- */

static void itimer_fired(struct ktimer *t)
{
	(void)t;
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	bool fire = itimer.expires != 0;
	if (fire) {
		if (itimer.interval) {
			itimer.expires += itimer.interval;
			timer_arm(&itimer.timer, itimer.expires);
		} else {
			itimer.expires = 0;
		}
	}
	spin_unlock_irqrestore(&sig_lock, flags);
	if (fire)
		signal_send(0, SIGALRM, SI_KERNEL, 0);
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * NSEC_PER_USEC;
}

static struct timeval ns_tv(uint64_t ns)
{
	return (struct timeval){ .tv_sec = (time_t)(ns / NSEC_PER_SEC),
				 .tv_usec = (long)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}

/* Set ITIMER_REAL to fire in @value ns (0: disarm), then every @interval ns; the old setting
 * in *@ov. */
static void itimer_set(uint64_t value, uint64_t interval, struct itimerval_k *ov)
{
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	if (!itimer.init) {
		timer_init(&itimer.timer, itimer_fired, NULL);
		itimer.init = true;
	}
	uint64_t now = ktime_ns();
	if (ov) {
		uint64_t left = itimer.expires > now ? itimer.expires - now : itimer.expires ? 1 : 0;
		/* A timer due now reports the smallest non-zero time, as Linux's does. */
		ov->value = ns_tv(left ? (left < NSEC_PER_USEC ? NSEC_PER_USEC : left) : 0);
		ov->interval = ns_tv(itimer.interval);
	}
	timer_cancel(&itimer.timer);
	itimer.expires = value ? now + value : 0;
	itimer.interval = value ? interval : 0;
	if (value)
		timer_arm(&itimer.timer, itimer.expires);
	spin_unlock_irqrestore(&sig_lock, flags);
}

long sys_setitimer(int which, const void *uvalue, void *uovalue)
{
	struct itimerval_k v = { 0 }, ov;

	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
		return -EINVAL;		/* CPU-time timers: not provided */
	if (which != ITIMER_REAL)
		return -EINVAL;
	if (uvalue) {
		if (!uaccess_ok(uvalue, sizeof(v)))
			return -EFAULT;
		memcpy(&v, uvalue, sizeof(v));
		if (v.value.tv_sec < 0 || v.value.tv_usec < 0 || v.value.tv_usec >= 1000000 ||
		    v.interval.tv_sec < 0 || v.interval.tv_usec < 0 || v.interval.tv_usec >= 1000000)
			return -EINVAL;
	}
	if (uovalue && !uaccess_write_ok(uovalue, sizeof(ov)))
		return -EFAULT;
	itimer_set(tv_ns(&v.value), tv_ns(&v.interval), &ov);
	if (uovalue)
		memcpy(uovalue, &ov, sizeof(ov));
	return 0;
}

long sys_getitimer(int which, void *uvalue)
{
	struct itimerval_k v = { 0 };

	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF || which != ITIMER_REAL)
		return -EINVAL;
	if (!uaccess_write_ok(uvalue, sizeof(v)))
		return -EFAULT;
	unsigned long flags = spin_lock_irqsave(&sig_lock);
	uint64_t now = ktime_ns();
	if (itimer.expires) {
		uint64_t left = itimer.expires > now ? itimer.expires - now : NSEC_PER_USEC;
		v.value = ns_tv(left < NSEC_PER_USEC ? NSEC_PER_USEC : left);
		v.interval = ns_tv(itimer.interval);
	}
	spin_unlock_irqrestore(&sig_lock, flags);
	memcpy(uvalue, &v, sizeof(v));
	return 0;
}

long sys_alarm(unsigned seconds)
{
	struct itimerval_k ov;
	itimer_set((uint64_t)seconds * NSEC_PER_SEC, 0, &ov);
	/* The seconds left, rounded as Linux's alarm rounds them. */
	long left = (long)ov.value.tv_sec;
	if ((!left && ov.value.tv_usec) || ov.value.tv_usec >= 500000)
		left++;
	return left;
}
