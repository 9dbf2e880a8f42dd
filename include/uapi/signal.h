/* SPDX-License-Identifier: MIT */
/* Signal numbers, and signal sets as rt_sigprocmask and epoll_pwait pass them (x86-64). */
#ifndef UAPI_SIGNAL_H
#define UAPI_SIGNAL_H

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
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1

#endif
