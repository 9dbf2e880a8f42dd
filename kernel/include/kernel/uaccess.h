/* SPDX-License-Identifier: MIT */
/* Checking the pointers system calls are given. An application's pointers must lie in user space
 * (below USER_TOP, clear of the unmapped first page): everything above, the non-canonical hole
 * and the upper half, is never user memory on Linux, which refuses it with EFAULT. A range to
 * copy must also lie in the application's mapped regions (kernel/mm.c), so that a bad pointer is
 * EFAULT, not a fault. Kernel threads (the in-guest tests, kernel services) call the same system
 * calls with kernel buffers: for them, memory the kernel maps (its image, the direct map) is
 * accepted too. Code checks where it copies, as Linux faults where it copies. */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <arch/memory.h>
#include <kernel/mm.h>
#include <kernel/sched.h>
#include <uapi/mman.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** uaccess_kernel_ok - whether the calling thread is a kernel thread and [@p, @p + @len) lies in
 * memory the kernel maps. */
bool uaccess_kernel_ok(const void *p, size_t len);
/** uaccess_user_mapped - whether the user range [@p, @p + @len) lies in mapped regions the
 * kernel may read, or with @write, write. */
bool uaccess_user_mapped(const void *p, size_t len, bool write);

static inline int uaccess_user_range(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	return len <= USER_TOP && a <= USER_TOP - len;
}

/* Linux's access_ok: the range lies below USER_TOP (NULL passes; the copy is what faults), or is
 * kernel memory passed by a kernel thread. */
static inline int uaccess_range_ok(const void *p, size_t len)
{
	return uaccess_user_range(p, len) || uaccess_kernel_ok(p, len);
}

/* The common case of uaccess_user_mapped, inline: the range lies in one of the two regions the
 * calling thread's memo holds (kernel/mm.c), still valid (mm_gen), with the access allowed. */
static inline bool uaccess_user_memo(const void *p, size_t len, bool write)
{
	const struct thread *me = current_thread();
	uintptr_t a = (uintptr_t)p, end = a + len;
	unsigned need = write ? PROT_WRITE : PROT_READ | PROT_WRITE | PROT_EXEC;

	if (me->range_memo.gen != __atomic_load_n(&mm_gen, __ATOMIC_ACQUIRE))
		return false;
	for (int i = 0; i < 2; i++)
		if (a >= me->range_memo.lo[i] && end <= me->range_memo.hi[i] &&
		    (me->range_memo.prot[i] & need))
			return true;
	return false;
}

/* A range that can be copied from: below USER_TOP, clear of the unmapped first page, in
 * regions that are not PROT_NONE; or kernel memory passed by a kernel thread. */
static inline int uaccess_ok(const void *p, size_t len)
{
	if ((uintptr_t)p >= 4096 && uaccess_user_range(p, len))
		return uaccess_user_memo(p, len, false) || uaccess_user_mapped(p, len, false);
	return uaccess_kernel_ok(p, len);
}

/* A range that can be copied to: as uaccess_ok, in writable regions. */
static inline int uaccess_write_ok(const void *p, size_t len)
{
	if ((uintptr_t)p >= 4096 && uaccess_user_range(p, len))
		return uaccess_user_memo(p, len, true) || uaccess_user_mapped(p, len, true);
	return uaccess_kernel_ok(p, len);
}

/**
 * uaccess_strncpy - copy the NUL-terminated string at @src (a system call's argument) into
 * @dst, at most @size bytes with its NUL. Returns its length; @size when no NUL came in @size
 * bytes (@dst is then not terminated); -EFAULT when a byte before its end cannot be read.
 */
long uaccess_strncpy(char *dst, const char *src, size_t size);

#endif