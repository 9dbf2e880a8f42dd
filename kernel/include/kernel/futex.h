/* SPDX-License-Identifier: MIT */
/* Futexes (kernel/futex.c): user threads sleep on a 32-bit word of user memory and are woken by
 * address, as Linux's futex(2). */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include <stdint.h>
#include <uapi/time.h>

/** futex_init - at boot, before any thread can call futex. */
void futex_init(void);
/** futex_wake - wake up to @n threads waiting on @uaddr; returns how many. */
int futex_wake(uint32_t *uaddr, int n);

long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *timeout,
	       uint32_t *uaddr2, uint32_t val3);

#endif
