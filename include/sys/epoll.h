/* SPDX-License-Identifier: MIT */
/* <sys/epoll.h>: Linux's epoll API; struct epoll_event is packed as on Linux x86-64. The signal
 * masks of epoll_pwait/epoll_pwait2 are accepted (epunk delivers no signals). */
#ifndef EPUNK_SYS_EPOLL_H
#define EPUNK_SYS_EPOLL_H

#include <stdint.h>
#include <uapi/eventpoll.h>
#include <uapi/signal.h>
#include <uapi/time.h>

int epoll_create(int size);
int epoll_create1(int flags);
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
		const sigset_t *sigmask);
int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		 const struct timespec *timeout, const sigset_t *sigmask);

#endif
