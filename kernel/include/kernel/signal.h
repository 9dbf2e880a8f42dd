/* SPDX-License-Identifier: MIT */
/*
 * Signals (kernel/signal.c), as Linux has them for one process: the process's action table, a
 * blocked mask and a pending set per thread, a pending set for the process, delivery on the way
 * back to user mode (a handler frame on the user stack, rt_sigreturn), default actions, and
 * interrupted system calls (EINTR, or a restart under SA_RESTART as Linux decides per call).
 *
 * A sleeping call that a signal may interrupt sleeps in TASK_INTERRUPTIBLE, tests
 * signal_pending() (kernel/sched.h) with its condition, and returns one of the -ERESTART* codes (uapi/signal.h)
 * or -EINTR, as its Linux counterpart does.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <kernel/sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uapi/signal.h>

struct trap_frame;

/**
 * signal_send - send @sig (1..64) to the thread @tid of the process, or to the process when
 * @tid is 0, with siginfo's @code and @data (a fault address, a timer overrun). Returns 0, or
 * -ESRCH when there is no such thread. A signal the process ignores is dropped, and one already
 * pending is not queued twice (standard signals never are; real-time ones are not, here). Any
 * context.
 */
int signal_send(int tid, int sig, int code, uint64_t data);

/** signal_name - "SIGSEGV" and so on, for reports. */
const char *signal_name(int sig);

/** signal_thread_add, signal_thread_remove - a user thread starts or ends (kernel/proc.c); its
 * pending signals go with it. */
void signal_thread_add(struct thread *t);
void signal_thread_remove(struct thread *t);

/**
 * signal_deliver - on the way back to user mode to @f, with interrupts on: finish an
 * interrupted system call (EINTR or a restart), run the default action of pending signals or
 * push their handlers' frames, put back a mask a call changed for its duration. A default
 * action that ends the process does not return.
 */
void signal_deliver(struct trap_frame *f);

/**
 * signal_fault - a fault in user mode that Linux turns into @sig (@code, @addr): true when the
 * application has a handler for it that is not blocked (it runs on the way back); false when the
 * default action applies (the caller ends the application).
 */
bool signal_fault(int sig, int code, uint64_t addr);

/**
 * signal_set_temp_mask - for epoll_pwait, ppoll, pselect: block @umask (user memory, @size
 * bytes; NULL: no change) for the call's duration. 0, -EINVAL or -EFAULT.
 * signal_end_temp_mask - at the call's end: the old mask comes back now, or, when the call
 * was interrupted (@interrupted), after the handler that interrupted it ran.
 */
int signal_set_temp_mask(const sigset_t *umask, size_t size);
void signal_end_temp_mask(bool interrupted);

/** signal_raise_sigpipe - for EPIPE: send SIGPIPE to the calling thread, as Linux's write paths
 * do unless MSG_NOSIGNAL. */
void signal_raise_sigpipe(void);

long sys_rt_sigaction(int sig, const void *act, void *oact, size_t sigsetsize);
long sys_rt_sigprocmask(int how, const sigset_t *set, sigset_t *oset, size_t sigsetsize);
long sys_rt_sigpending(sigset_t *set, size_t sigsetsize);
long sys_rt_sigsuspend(const sigset_t *mask, size_t sigsetsize);
long sys_rt_sigtimedwait(const sigset_t *set, siginfo_t *info, const void *timeout,
			 size_t sigsetsize);
long sys_rt_sigreturn(void);
long sys_sigaltstack(const void *ss, void *old);
long sys_kill(int pid, int sig);
long sys_tkill(int tid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_pause(void);
long sys_alarm(unsigned seconds);
long sys_setitimer(int which, const void *value, void *ovalue);
long sys_getitimer(int which, void *value);

#endif
