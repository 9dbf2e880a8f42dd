/* SPDX-License-Identifier: MIT */
/* Checking "user" pointers. Apps share the kernel's address space, so their pointers are kernel
 * pointers; what can be caught is a pointer into the unmapped first page (NULL and just above)
 * or a range that wraps. Code checks where it copies, as Linux faults where it copies. */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stddef.h>
#include <stdint.h>

static inline int uaccess_ok(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	return a >= 4096 && a + len >= a;
}

#endif
