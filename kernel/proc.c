// SPDX-License-Identifier: MIT
/*
 * The application process: one per machine, pid 1, its threads in user mode (ring 3) in the
 * kernel's address space. Its main thread starts at the executable's entry point with Linux's
 * initial stack (kernel/exec.c); clone adds threads the way pthread_create asks for them
 * (CLONE_VM | CLONE_THREAD and friends); a thread's exit marks the robust futexes it holds
 * (kernel/futex.c), then clears its CLONE_CHILD_CLEARTID word and wakes the futex on it; the last
 * thread's exit, exit_group, or a fatal fault end the process, and with it the machine (QEMU
 * exits with the status): no thread is left to see its robust futexes, so none are walked.
 *
 * Every user thread is a kernel thread with a kernel stack, whose top holds the registers saved
 * at its entries from user mode (arch_user_frame). Threads are detached: the scheduler frees them.
 * Locking: proc.lock protects the thread count and tid allocation.
 */
#include <arch/cpu.h>
#include <arch/memory.h>
#include <arch/signal.h>
#include <kernel/app.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/futex.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <string.h>
#include <uapi/signal.h>

#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_PIDFD		0x00001000
#define CLONE_PTRACE		0x00002000
#define CLONE_VFORK		0x00004000
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_NEWNS		0x00020000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_UNTRACED		0x00800000
#define CLONE_CHILD_SETTID	0x01000000
#define CSIGNAL			0x000000ff
/* What a thread of this process may ask for; the namespace, cgroup and tracing flags are not. */
#define CLONE_THREAD_FLAGS	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
				 CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
				 CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID)

static struct {
	struct spinlock lock;
	int threads;		/* user threads alive */
	int next_tid;		/* the next thread's id (the main thread's is the pid) */
	char name[32];		/* the program, for reports */
	uint64_t start_ns;	/* ktime when it started */
} proc = { .lock = SPINLOCK_INIT, .next_tid = PROC_PID };

const char *proc_name(void)
{
	return proc.name;
}

int proc_threads(void)
{
	return READ_ONCE(proc.threads);
}

uint64_t proc_start_ns(void)
{
	return READ_ONCE(proc.start_ns);
}

static void copy_name(struct thread *t, void *out)
{
	memcpy(out, t->name, THREAD_NAME_MAX);	/* the scheduler's lock is held */
}

void proc_comm(char name[THREAD_NAME_MAX])
{
	if (!proc_thread_call(PROC_PID, copy_name, name)) {
		size_t n = strnlen(proc.name, THREAD_NAME_MAX - 1);
		memcpy(name, proc.name, n);
		memset(name + n, 0, THREAD_NAME_MAX - n);
	}
	name[THREAD_NAME_MAX - 1] = '\0';
}

/* A new user thread's first run: leave for user mode with the registers prepared for it. */
static void *user_thread_start(void *arg)
{
	(void)arg;
	struct thread *me = current_thread();
	arch_user_enter(arch_user_frame((void *)me->ctx.kstack_top));
}

/*
 * A user thread, not yet started, that will enter user mode with @regs, the FPU state of
 * @from's context (NULL: initial), TLS base @fs. NULL when memory runs out.
 */
static struct thread *user_thread_new(const struct trap_frame *regs,
				      const struct arch_context *from, uint64_t fs)
{
	struct thread *t = thread_create_stopped(proc.name, user_thread_start, NULL, 0,
						 sizeof(struct trap_frame));
	if (!t)
		return NULL;
	void *top = thread_stack_top(t);
	if (arch_user_context_init(&t->ctx, from, top, fs)) {
		thread_discard(t);
		return NULL;
	}
	*arch_user_frame(top) = *regs;
	t->user = true;
	t->detached = true;
	unsigned long flags = spin_lock_irqsave(&proc.lock);
	t->tid = proc.next_tid++;
	proc.threads++;
	spin_unlock_irqrestore(&proc.lock, flags);
	if (from)	/* a new thread blocks what its creator blocks (Linux's clone) */
		t->sigmask = container_of(from, struct thread, ctx)->sigmask;
	signal_thread_add(t);
	return t;
}

int proc_start(const char *path, const void *image, size_t size, char *const argv[],
	       char *const envp[], char *err, size_t errlen)
{
	struct exec_image img;
	struct trap_frame regs;

	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strnlen(base, sizeof(proc.name) - 1);
	memcpy(proc.name, base, n);
	proc.name[n] = '\0';

	int rc = exec_load(path, image, size, argv, envp, &img, err, errlen);
	if (rc)
		return rc;
	WRITE_ONCE(proc.start_ns, ktime_ns());
	arch_user_frame_init(&regs, img.entry, img.sp);
	struct thread *t = user_thread_new(&regs, NULL, 0);
	if (!t) {
		ksnprintf(err, errlen, "out of memory for the main thread");
		return -ENOMEM;
	}
	wake_up_process(t);
	return 0;
}

void proc_user_return_slow(struct trap_frame *f)
{
	struct thread *me = current_thread();
	for (;;) {
		arch_irq_enable();
		if (__atomic_load_n(&me->sig_active, __ATOMIC_ACQUIRE) || me->sig_restore_mask ||
		    proc_restart_code(arch_syscall_ret(f)))
			signal_deliver(f);
		if (this_cpu.need_resched)
			schedule();
		arch_irq_disable();
		if (!this_cpu.need_resched && !__atomic_load_n(&me->sig_active, __ATOMIC_ACQUIRE))
			return;
	}
}

/* ---- faults ---- */

static const struct {
	int signo;
	const char *name;
} fault_signals[32] = {
	[0] = { SIGFPE, "divide error" },
	[1] = { SIGTRAP, "debug trap" },
	[3] = { SIGTRAP, "breakpoint" },
	[4] = { SIGSEGV, "overflow" },
	[5] = { SIGSEGV, "bound range exceeded" },
	[6] = { SIGILL, "invalid opcode" },
	[7] = { SIGSEGV, "device not available" },
	[10] = { SIGSEGV, "invalid TSS" },
	[11] = { SIGBUS, "segment not present" },
	[12] = { SIGBUS, "stack-segment fault" },
	[13] = { SIGSEGV, "general protection fault" },
	[14] = { SIGSEGV, "page fault" },
	[16] = { SIGFPE, "x87 floating-point exception" },
	[17] = { SIGBUS, "alignment check" },
	[19] = { SIGFPE, "SIMD floating-point exception" },
};

bool proc_fault(struct trap_frame *f, unsigned vec, uint64_t addr, bool user_mode)
{
	struct thread *me = current_thread();

	if (!me->user)
		return false;
	if (vec == 14 && addr < USER_TOP && mm_fault(addr, f->error & 2, f->error & 16))
		return true;
	if (!user_mode && !(vec == 14 && addr < USER_TOP))
		return false;
	int signo = vec < 32 && fault_signals[vec].signo ? fault_signals[vec].signo : SIGSEGV;
	const char *what = vec < 32 && fault_signals[vec].name ? fault_signals[vec].name : "exception";
	if (user_mode) {
		/* A handler for it, not blocked: it runs on the way back (the fault repeats after it
		 * unless the handler changes something). Linux's si_code and si_addr. */
		int code = SI_KERNEL;
		uint64_t at = 0;
		if (vec == 14) {
			code = (f->error & 1) ? SEGV_ACCERR : SEGV_MAPERR;
			at = addr;
		} else if (vec == 0) {
			code = FPE_INTDIV;
			at = f->rip;
		} else if (vec == 6) {
			code = ILL_ILLOPN;
			at = f->rip;
		} else if (vec == 3) {
			code = SI_KERNEL;
		}
		if (signal_fault(signo, code, at))
			return true;
	}
	printk("epunk: %s (thread %d) killed by %s: %s%s at %#llx (rip %#llx, rsp %#llx)\n",
	       proc.name, me->tid, signal_name(signo), what,
	       user_mode ? "" : " in a system call's access to user memory",
	       (unsigned long long)addr, (unsigned long long)f->rip, (unsigned long long)f->rsp);
	app_exit(128 + signo);
}

/* ---- threads ---- */

long sys_clone(unsigned long flags, unsigned long stack, int *parent_tid, int *child_tid,
	       unsigned long tls)
{
	struct thread *me = current_thread();

	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && (flags & CSIGNAL))
		return -EINVAL;
	if (!me->user)
		return -EINVAL;
	/* One address space: a new process (fork, vfork, posix_spawn) cannot be made. */
	if ((flags & (CLONE_VM | CLONE_THREAD)) != (CLONE_VM | CLONE_THREAD))
		return -ENOSYS;
	if (flags & ~(unsigned long)CLONE_THREAD_FLAGS)
		return -EINVAL;
	if ((flags & CLONE_PARENT_SETTID) && !uaccess_write_ok(parent_tid, sizeof(int)))
		return -EFAULT;
	if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && !uaccess_write_ok(child_tid, sizeof(int)))
		return -EFAULT;
	if ((flags & CLONE_SETTLS) && tls >= USER_TOP)
		return -EPERM;

	struct trap_frame regs = *arch_user_frame((void *)me->ctx.kstack_top);
	regs.rax = 0;			/* the child's return value */
	if (stack)
		regs.rsp = stack;
	struct thread *t = user_thread_new(&regs, &me->ctx,
					   flags & CLONE_SETTLS ? tls : me->ctx.fs_base);
	if (!t)
		return -ENOMEM;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = (uint32_t *)child_tid;
	if (flags & CLONE_CHILD_SETTID)
		*child_tid = t->tid;
	if (flags & CLONE_PARENT_SETTID)
		*parent_tid = t->tid;
	int tid = t->tid;
	wake_up_process(t);
	return tid;
}

long sys_set_tid_address(int *tidptr)
{
	struct thread *me = current_thread();
	me->clear_child_tid = (uint32_t *)tidptr;
	return me->user ? me->tid : me->id;
}

struct tid_call {
	int tid;
	void (*fn)(struct thread *t, void *arg);
	void *arg;
	bool found;
};

static void call_if_tid(struct thread *t, void *arg)
{
	struct tid_call *c = arg;
	if (t->user && t->tid == c->tid && !c->found) {
		c->fn(t, c->arg);
		c->found = true;
	}
}

bool proc_thread_call(int tid, void (*fn)(struct thread *t, void *arg), void *arg)
{
	struct tid_call c = { tid, fn, arg, false };
	sched_for_each_thread(call_if_tid, &c);
	return c.found;
}

long sys_getpid(void)
{
	return PROC_PID;
}

long sys_gettid(void)
{
	struct thread *me = current_thread();
	return me->user ? me->tid : me->id;
}

/* Ends the calling thread; the process ends with its last user thread. */
long sys_exit(int status)
{
	struct thread *me = current_thread();

	if (me->user) {
		futex_exit_robust_list(me);
		uint32_t *ctid = me->clear_child_tid;
		if (ctid && uaccess_write_ok(ctid, sizeof(*ctid))) {
			__atomic_store_n(ctid, 0, __ATOMIC_SEQ_CST);
			futex_wake(ctid, 1);
		}
		signal_thread_remove(me);
		unsigned long flags = spin_lock_irqsave(&proc.lock);
		bool last = --proc.threads == 0;
		spin_unlock_irqrestore(&proc.lock, flags);
		if (last)
			app_exit(status);
	}
	thread_exit(NULL);
}

/* Ends the application, hence the machine, exactly as returning @status from main() does:
 * app_exit keeps status & 0xff, as Linux does, and reports more than 126 (the most QEMU's exit
 * code carries) as 126. */
long sys_exit_group(int status)
{
	app_exit(status);
}
