/* SPDX-License-Identifier: MIT */
/* eventpoll's kernel-internal interface: the object-level core the syscall layer and the unit
 * tests call, and the hook the file layer calls on the last close. (The ABI is uapi/eventpoll.h.) */
#ifndef KERNEL_EVENTPOLL_H
#define KERNEL_EVENTPOLL_H

#include <kernel/file.h>
#include <stdbool.h>
#include <stdint.h>
#include <uapi/eventpoll.h>

struct eventpoll;

/** eventpoll_init - create eventpoll's caches; at boot, before any thread can call ep_create. */
int eventpoll_init(void);
/** ep_create - a new epoll instance wrapped in a file (one reference). ERR via *err. */
struct file *ep_create(unsigned flags, int *err);
/** is_file_epoll - whether @f is an epoll file. */
bool is_file_epoll(const struct file *f);

/**
 * ep_ctl - EPOLL_CTL_ADD/DEL/MOD of (@tf, @fd) on the epoll file @ef, with Linux's checks in
 * Linux's order from the EPERM test on. Returns 0 or a negative errno.
 */
int ep_ctl(struct file *ef, int op, struct file *tf, int fd, const struct epoll_event *ev);

/**
 * ep_wait - wait for events on @ef: @timeout_ns < 0 waits forever, 0 does not wait. Copies at
 * most @maxevents into @events. Returns the count, 0 on timeout, or a negative errno.
 */
int ep_wait(struct file *ef, struct epoll_event *events, int maxevents, int64_t timeout_ns);

/** eventpoll_release - @f is being released: take it out of every epoll set that watches it. */
void eventpoll_release(struct file *f);

/** ep_set_max_watches - the limit past which ADD fails with ENOSPC (0: the default). */
void ep_set_max_watches(long max);
long ep_watches(void);

#endif
