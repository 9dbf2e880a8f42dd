// SPDX-License-Identifier: MIT
/* Host stand-in for kernel/signal.c: the host thread never has a signal pending (signal_pending()
 * reads its sig_active, 0); a call's temporary mask is checked as the kernel checks it, then has
 * nothing to do. Only kernel headers here: glibc's sigset_t is not the kernel's. */
#include <kernel/errno.h>
#include <kernel/signal.h>
#include <kernel/uaccess.h>

int signal_set_temp_mask(const sigset_t *umask, size_t size)
{
	if (!umask)
		return 0;
	if (size != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (!uaccess_ok(umask, KERNEL_SIGSET_SIZE))
		return -EFAULT;
	return 0;
}

void signal_end_temp_mask(bool interrupted)
{
	(void)interrupted;
}

void signal_raise_sigpipe(void)
{
}
