/* SPDX-License-Identifier: MIT */
/* <poll.h>: poll() and ppoll(). The ppoll signal mask is accepted (epunk delivers no signals). */
#ifndef EPUNK_POLL_H
#define EPUNK_POLL_H

#include <uapi/poll.h>
#include <uapi/signal.h>
#include <uapi/time.h>

int poll(struct pollfd *fds, nfds_t nfds, int timeout);
int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask);

#endif
