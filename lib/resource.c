// SPDX-License-Identifier: MIT
/* getrlimit/setrlimit over prlimit64, as glibc does. */
#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uapi/unistd.h>

int getrlimit(int resource, struct rlimit *rl)
{
	return (int)syscall(SYS_prlimit64, 0L, (long)resource, 0L, (long)rl);
}

int setrlimit(int resource, const struct rlimit *rl)
{
	return (int)syscall(SYS_prlimit64, 0L, (long)resource, (long)rl, 0L);
}
