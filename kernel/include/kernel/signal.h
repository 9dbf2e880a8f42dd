/* SPDX-License-Identifier: MIT */
/* Signal actions and masks (kernel/signal.c). They are kept as Linux keeps them; nothing
 * delivers a signal yet, so a handler is recorded and never called. */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <stddef.h>
#include <uapi/signal.h>

long sys_rt_sigaction(int sig, const void *act, void *oact, size_t sigsetsize);
long sys_rt_sigprocmask(int how, const sigset_t *set, sigset_t *oset, size_t sigsetsize);
long sys_sigaltstack(const void *ss, void *old);

#endif
