// SPDX-License-Identifier: MIT
/* nosys: system calls epunk has no entry for, each made several times: every call must return
 * -1 with errno ENOSYS, and the kernel names each missing call once on its console (the
 * programs stage counts the lines). usage: nosys (status 0 when every call said ENOSYS) */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	/* acct is in Linux's table and not in epunk's; 9999 and 100000 are beyond any table. */
	static const long numbers[] = { SYS_acct, 9999, SYS_acct, 100000, 9999, SYS_acct };
	int bad = 0;

	for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		errno = 0;
		long r = syscall(numbers[i], 0, 0, 0, 0, 0, 0);
		if (r != -1 || errno != ENOSYS) {
			printf("nosys: system call %ld returned %ld, errno %d (want -1, ENOSYS)\n",
			       numbers[i], r, errno);
			bad = 1;
		}
	}
	printf("nosys: %s\n", bad ? "FAILED" : "every call returned ENOSYS");
	return bad;
}
