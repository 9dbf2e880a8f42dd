// SPDX-License-Identifier: MIT
/* Checking system calls' pointers (kernel/uaccess.h): user ranges against the application's
 * regions, kernel buffers from kernel threads. */
#include <arch/mmu.h>
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
