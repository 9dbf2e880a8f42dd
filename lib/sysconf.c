// SPDX-License-Identifier: MIT
/* sysconf: the handful of limits programs ask about. */
#include <errno.h>
#include <kernel/file.h>
#include <kernel/page.h>
#include <limits.h>
#include <unistd.h>

long sysconf(int name)
{
	switch (name) {
	case _SC_CLK_TCK:
		return 100;			/* what Linux reports; nothing here counts ticks */
	case _SC_OPEN_MAX:
		return fd_get_limit();
	case _SC_PAGESIZE:
		return PAGE_SIZE;
	case _SC_IOV_MAX:
		return IOV_MAX;
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN:
		return 1;
	default:
		errno = EINVAL;
		return -1;
	}
}
