/* SPDX-License-Identifier: MIT */
/* eventfd: a 64-bit counter behind a file, with Linux's read/write/poll semantics. The
 * object-level core for the syscall layer, kernel users and tests; sys_eventfd/sys_eventfd2 are
 * declared in kernel/syscall.h and the flags in uapi/eventfd.h. */
#ifndef KERNEL_EVENTFD_H
#define KERNEL_EVENTFD_H

#include <kernel/file.h>
#include <stdbool.h>
#include <stdint.h>
#include <uapi/eventfd.h>

#define EFD_FLAGS_SET		(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)
#define EVENTFD_MAX_COUNT	(UINT64_MAX - 1)	/* the most a write(2) can bring it to */

/**
 * eventfd_create - a new eventfd file (O_RDWR, one reference) whose counter starts at @initval.
 * @flags: EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC (the last one is the descriptor's business and
 * is ignored here). Returns the file, or NULL with *@err set to -EINVAL (other flag bits) or
 * -ENOMEM.
 */
struct file *eventfd_create(uint64_t initval, unsigned flags, int *err);

/** is_file_eventfd - whether @f is an eventfd. */
bool is_file_eventfd(const struct file *f);

/**
 * eventfd_signal - add @n to @f's counter for a kernel user, clamped so that it stops at
 * UINT64_MAX (which poll reports as EPOLLERR), and wake the queue with EPOLLIN. Never sleeps;
 * callable from interrupt context. Returns the amount added (0 for a non-eventfd file).
 */
uint64_t eventfd_signal(struct file *f, uint64_t n);

/** eventfd_count - the current counter of @f (0 for a non-eventfd file). For tests. */
uint64_t eventfd_count(struct file *f);

#endif
