// SPDX-License-Identifier: MIT
/* Kernel threads may hand the system calls kernel buffers (kernel/uaccess.h). */
#include <arch/mmu.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>

bool uaccess_kernel_ok(const void *p, size_t len)
{
	return !current_thread()->user && arch_kernel_range_ok((uintptr_t)p, len);
}
