// SPDX-License-Identifier: MIT
/* errno: one per thread, kept in the kernel's struct thread. */
#include <errno.h>
#include <kernel/sched.h>

int *epunk_errno_location(void)
{
	return &current_thread()->errno_value;
}
