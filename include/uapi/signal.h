/* SPDX-License-Identifier: MIT */
/* Signals as Linux's x86-64 system calls see them: numbers, sets, sigaction flags, siginfo and
 * the alternate stack. */
#ifndef UAPI_SIGNAL_H
#define UAPI_SIGNAL_H

#include <stdint.h>

/* The kernel's sigset_t on x86-64: 64 signals, 8 bytes (glibc passes this size). */
#define KERNEL_SIGSET_SIZE	8

typedef struct {
	unsigned long sig[1];
} sigset_t;

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGSTKFLT	16
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGIO		29
#define SIGPWR		30
#define SIGSYS		31
#define SIGRTMIN	32
#define SIGRTMAX	64

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

#define SIG_DFL		0UL
#define SIG_IGN		1UL

#define SA_NOCLDSTOP	0x00000001UL
#define SA_NOCLDWAIT	0x00000002UL
#define SA_SIGINFO	0x00000004UL
#define SA_RESTORER	0x04000000UL
#define SA_ONSTACK	0x08000000UL
#define SA_RESTART	0x10000000UL
#define SA_NODEFER	0x40000000UL
#define SA_RESETHAND	0x80000000UL

/* si_code values. */
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_QUEUE	(-1)
#define SI_TIMER	(-2)
#define SI_TKILL	(-6)
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRERR	2
#define ILL_ILLOPN	2
#define FPE_INTDIV	1
#define TRAP_BRKPT	1

/* The kernel's siginfo (128 bytes): the fields epunk fills. */
typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	int pad0;
	union {
		struct {		/* kill, tkill, sigqueue */
			int pid;
			unsigned uid;
			uint64_t value;
		} kill;
		struct {		/* POSIX timers, ITIMER_REAL */
			int tid;
			int overrun;
			uint64_t value;
		} timer;
		uint64_t addr;		/* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
		int pad[28];
	} u;
} siginfo_t;

/* stack_t, as sigaltstack and ucontext hold it. */
typedef struct {
	uint64_t ss_sp;
	int ss_flags;
	int pad;
	uint64_t ss_size;
} stack_t;

#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SS_AUTODISARM	(1U << 31)
#define MINSIGSTKSZ	2048

/* Returned by interrupted calls inside the kernel; the return to user mode turns them into EINTR
 * or restarts the call (kernel/signal.c). Never seen by an application. */
#define ERESTARTSYS		512	/* restart if the handler has SA_RESTART, else EINTR */
#define ERESTARTNOINTR		513	/* always restart */
#define ERESTARTNOHAND		514	/* restart when no handler ran, else EINTR */

#endif
