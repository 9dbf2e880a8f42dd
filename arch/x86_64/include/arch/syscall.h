/* SPDX-License-Identifier: MIT */
/* The x86-64 system-call table: Linux's numbers (uapi/unistd.h) to the sys_* functions. */
#ifndef ARCH_SYSCALL_H
#define ARCH_SYSCALL_H

#include <stdbool.h>

/** syscall_dispatch - run system call @nr; -ENOSYS for a number with no entry. */
long syscall_dispatch(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
/** syscall_exists - whether @nr has an entry (tests use it to cover every call). */
bool syscall_exists(long nr);
/** syscall_unknown_count - calls of numbers with no entry since boot (each is named on the
 * console the first time). */
unsigned long syscall_unknown_count(void);

#endif
