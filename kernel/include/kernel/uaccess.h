/* SPDX-License-Identifier: MIT */
/* Checking "user" pointers. Apps share the kernel's address space, so their pointers are kernel
 * pointers; what can be caught is a pointer into the unmapped first page (NULL and just above),
 * a range that wraps, and a range reaching Linux's user-space ceiling (USER_TOP: everything
 * above, the non-canonical hole and the upper half, is never user memory on Linux, which
 * refuses it with EFAULT; here it would be a #GP or a kernel address). Code checks where it
 * copies, as Linux faults where it copies. */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stddef.h>
#include <stdint.h>

#define USER_TOP	0x00007ffffffff000ULL	/* Linux x86-64 TASK_SIZE_MAX (4-level paging) */

/* Linux's access_ok: the range lies below USER_TOP (NULL passes; the copy is what faults). */
static inline int uaccess_range_ok(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	return len <= USER_TOP && a <= USER_TOP - len;
}

/* A range that can be copied: below USER_TOP and clear of the unmapped first page. */
static inline int uaccess_ok(const void *p, size_t len)
{
	return (uintptr_t)p >= 4096 && uaccess_range_ok(p, len);
}

#endif
