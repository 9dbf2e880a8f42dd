/* SPDX-License-Identifier: MIT */
/* <errno.h>: the E* numbers (Linux's values) and errno, one per thread. */
#ifndef EPUNK_ERRNO_H
#define EPUNK_ERRNO_H

#include <uapi/errno.h>

/* The address of the calling thread's errno; constant within a thread, hence attribute const
 * (as glibc declares its own). */
int *epunk_errno_location(void) __attribute__((const));

#define errno (*epunk_errno_location())

#endif
