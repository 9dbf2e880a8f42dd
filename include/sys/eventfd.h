/* SPDX-License-Identifier: MIT */
/* <sys/eventfd.h>: eventfd() and glibc's eventfd_read/eventfd_write helpers. */
#ifndef EPUNK_SYS_EVENTFD_H
#define EPUNK_SYS_EVENTFD_H

#include <stdint.h>
#include <uapi/eventfd.h>

typedef uint64_t eventfd_t;

/** eventfd - a counter file; @flags: EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE. */
int eventfd(unsigned int initval, int flags);
/** eventfd_read / eventfd_write - one 8-byte read or write; 0, or -1 with errno. */
int eventfd_read(int fd, eventfd_t *value);
int eventfd_write(int fd, eventfd_t value);

#endif
