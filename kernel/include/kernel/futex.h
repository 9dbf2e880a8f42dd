/* SPDX-License-Identifier: MIT */
/* Futexes (kernel/futex.c): user threads sleep on a 32-bit word of user memory and are woken by
 * address, as Linux's futex(2). */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include <stddef.h>
#include <stdint.h>
#include <uapi/time.h>

/** futex_init - at boot, before any thread can call futex. */
void futex_init(void);
/** futex_wake - wake up to @n threads waiting on @uaddr; returns how many. */
int futex_wake(uint32_t *uaddr, int n);

struct thread;
struct robust_list_head;

/**
 * futex_exit_robust_list - thread @t exits: every robust lock on the list it registered
 * (set_robust_list) that it still holds is marked FUTEX_OWNER_DIED and one of its waiters
 * woken. Call from @t itself, before its CLONE_CHILD_CLEARTID word is cleared.
 */
void futex_exit_robust_list(struct thread *t);

long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *timeout,
	       uint32_t *uaddr2, uint32_t val3);
long sys_set_robust_list(struct robust_list_head *head, size_t len);
long sys_get_robust_list(int pid, struct robust_list_head **head_ptr, size_t *len_ptr);

#endif
