// SPDX-License-Identifier: MIT
/* Checking system calls' pointers (kernel/uaccess.h): user ranges against the application's
 * regions, kernel buffers from kernel threads. */
#include <arch/mmu.h>
#include <kernel/page.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>

bool uaccess_kernel_ok(const void *p, size_t len)
{
	return !current_thread()->user && arch_kernel_range_ok((uintptr_t)p, len);
}

bool uaccess_user_mapped(const void *p, size_t len, bool write)
{
	return mm_range_ok(p, len, write);
}

/* Checked a page at a time: a string may end just before memory that cannot be read. */
long uaccess_strncpy(char *dst, const char *src, size_t size)
{
	size_t n = 0;
	while (n < size) {
		size_t chunk = PAGE_SIZE - ((uintptr_t)(src + n) & (PAGE_SIZE - 1));
		if (chunk > size - n)
			chunk = size - n;
		if (!uaccess_ok(src + n, chunk))
			return -EFAULT;
		for (; chunk; chunk--, n++)
			if (!(dst[n] = src[n]))
				return (long)n;
	}
	return (long)size;
}
