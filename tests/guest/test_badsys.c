// SPDX-License-Identifier: MIT
/* Bad system-call input, table-driven: every row of badsys_table.h (bad descriptors, NULL and
 * out-of-user-space pointers, bad flags, out-of-range sizes, unknown numbers) goes through the
 * system-call table, as an application's call does, and must fail with the errno Linux gives (the host stage of
 * make test runs the same rows on Linux). Also: every call in the table has a row, or is listed
 * as taking no input that can be wrong, and every number without an entry gives ENOSYS. */
#include <kernel/file.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <arch/syscall.h>
#include <kernel/syscall.h>
#include "badsys_table.h"

static struct badsys_fx badsys_fx;	/* ~0.5 KiB: kept off the 28 KiB thread stack */

KTEST(badsys, table)
{
	EXPECT_EQ(badsys_open(&badsys_fx), 0);
	int fds = fd_count();
	for (size_t i = 0; i < BADSYS_NROWS; i++) {
		const struct badsys_row *r = &badsys_rows[i];
		long ret;
		if (badsys_row_run(&badsys_fx, r, &ret))
			ktest_fail(ktest_ctx, __FILE__, __LINE__, "%s (%s): got %ld, Linux gives -%d",
				   r->name, r->what, ret, r->err);
	}
	EXPECT_EQ(fd_count(), fds);	/* no failing call left a descriptor behind */
	badsys_close(&badsys_fx);
}

static bool has_row(long nr)
{
	for (size_t i = 0; i < BADSYS_NROWS; i++)
		if (badsys_rows[i].nr == nr)
			return true;
	for (size_t i = 0; i < sizeof(badsys_no_bad_input) / sizeof(badsys_no_bad_input[0]); i++)
		if (badsys_no_bad_input[i] == nr)
			return true;
	return false;
}

KTEST(badsys, every_call_covered)
{
	int n = 0;
	for (long nr = 0; nr < SYSCALL_MAX; nr++) {
		if (!syscall_exists(nr))
			continue;
		n++;
		if (!has_row(nr))
			ktest_fail(ktest_ctx, __FILE__, __LINE__, "syscall %ld has no bad-input row", nr);
	}
	EXPECT_GT(n, 40);
}

/* Numbers with no entry (including those uapi/unistd.h only reserves) fail cleanly. */
KTEST(badsys, enosys)
{
	for (long nr = -2; nr < SYSCALL_MAX + 2; nr++) {
		if (syscall_exists(nr))
			continue;
		EXPECT_EQ(syscall_dispatch(nr, 0, 0, 0, 0, 0, 0), -ENOSYS);
	}
	EXPECT_EQ(syscall_dispatch(SYS_getrlimit, 0, 0, 0, 0, 0, 0), -ENOSYS);
	EXPECT_EQ(syscall_dispatch(LONG_MIN, 0, 0, 0, 0, 0, 0), -ENOSYS);
}
