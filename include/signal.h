/* SPDX-License-Identifier: MIT */
/* <signal.h>: signal numbers (Linux's) and sigset_t operations, for the masks that ppoll and
 * epoll_pwait take. epunk delivers no signals: there is no signal(), sigaction() or kill(). */
#ifndef EPUNK_SIGNAL_H
#define EPUNK_SIGNAL_H

#include <uapi/signal.h>

/* SIGHUP ... SIGSTOP and SIG_BLOCK/SIG_UNBLOCK: uapi/signal.h. */
#define SIGSTKFLT	16
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
#define NSIG		65	/* signals are 1..64 */

/* Each returns 0 (sigismember: 1 or 0), or -1 with errno EINVAL for a NULL set or a signal
 * number outside 1..64. */
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int signo);
int sigdelset(sigset_t *set, int signo);
int sigismember(const sigset_t *set, int signo);

#endif
