/* SPDX-License-Identifier: MIT */
/* The application process (kernel/proc.c): its user-mode threads, their creation (clone), exit
 * and faults, and the start of the program itself. epunk runs one process, pid 1. */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <arch/cpu.h>
#include <arch/signal.h>
#include <arch/user.h>
#include <kernel/preempt.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROC_PID	1

/**
 * proc_start - load the static executable @image (@size bytes, named @path) and start its main
 * thread in user mode with @argv (NULL-terminated; argv[0] is the program's name) and @envp.
 * Returns 0, or a negative errno with a one-line reason in @err (not an ELF file, another
 * machine, dynamically linked, truncated...).
 */
int proc_start(const char *path, const void *image, size_t size, char *const argv[],
	       char *const envp[], char *err, size_t errlen);

/* Whether @ret is one of the -ERESTART* codes an interrupted call returns for signal_deliver to
 * settle (uapi/signal.h). */
static inline bool proc_restart_code(long ret)
{
	return (unsigned long)(ret + ERESTARTNOHAND) <= ERESTARTNOHAND - ERESTARTSYS;
}

void proc_user_return_slow(struct trap_frame *f);

/**
 * proc_user_return - what must happen before a thread returns to user mode to @f: softirqs
 * whose deadline has come (softirq_poll_point), a due thread switch, signals to deliver, an
 * interrupted call to settle. Called with interrupts on, returns with them off; the common case
 * (nothing to do) is a few loads, checked with interrupts off so that nothing can arrive between
 * the check and the return.
 */
static inline void proc_user_return(struct trap_frame *f)
{
	struct thread *me = current_thread();
	softirq_poll_point();
	arch_irq_disable();
	if (likely(!this_cpu.need_resched && !__atomic_load_n(&me->sig_active, __ATOMIC_ACQUIRE) &&
		   !me->sig_restore_mask && !proc_restart_code(arch_syscall_ret(f))))
		return;
	proc_user_return_slow(f);
}

/**
 * proc_fault - exception @vec of a user thread: in user mode (@user_mode), or a page fault on
 * user address @addr in kernel code acting for it. True when resolved (a page mapped on first
 * touch): the access is retried. Otherwise the application is ended as Linux's default action
 * for the signal ends it (a report on the console, exit status 128 + signal). False: not a user
 * thread's fault, the kernel's own.
 */
bool proc_fault(struct trap_frame *f, unsigned vec, uint64_t addr, bool user_mode);

/** proc_name - the program's name, for reports. */
const char *proc_name(void);
/** proc_threads - user threads alive. */
int proc_threads(void);
/** proc_start_ns - ktime_ns() when the program started (0 before). */
uint64_t proc_start_ns(void);
/** proc_comm - the process's name as Linux's comm: its main thread's (PR_SET_NAME changes it),
 * NUL-padded to 16 bytes. */
void proc_comm(char name[16]);

struct thread;
/**
 * proc_thread_call - call @fn(t, @arg) on the live user thread @t whose id is @tid, with the
 * scheduler's lock held (@fn must not sleep). Returns false, without calling, when there is none.
 */
bool proc_thread_call(int tid, void (*fn)(struct thread *t, void *arg), void *arg);

long sys_clone(unsigned long flags, unsigned long stack, int *parent_tid, int *child_tid,
	       unsigned long tls);
long sys_set_tid_address(int *tidptr);
long sys_exit(int status);
long sys_exit_group(int status);
long sys_getpid(void);
long sys_gettid(void);

#endif
