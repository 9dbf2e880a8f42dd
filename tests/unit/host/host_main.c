// SPDX-License-Identifier: MIT
/* The host unit-test binary: kernel code built as a process, with printk on stdout.
 * usage: unittest [all | SUITE | SUITE.CASE[,...]] */
#include <kernel/ktest.h>
#include <stdio.h>

#include "host_env.h"

int main(int argc, char **argv)
{
	if (host_env_init(64UL << 20))
		return 1;
	int failed = ktest_run(argc > 1 ? argv[1] : "all");
	return failed ? 1 : 0;
}
