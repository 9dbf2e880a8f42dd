// SPDX-License-Identifier: MIT
/* The test harness checks itself: failed checks are counted, and a case that fails on purpose
 * (run only when named) makes the run fail. */
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <string.h>

KTEST(ktest, failed_checks_are_counted)
{
	struct ktest_ctx inner = { 0 };
	{
		struct ktest_ctx *ktest_ctx = &inner;	/* the checks below report into 'inner' */
		printk("    (two deliberate check failures follow)\n");
		EXPECT_EQ(1, 2);
		EXPECT_TRUE(0);
		EXPECT_EQ(3, 3);
		EXPECT_STREQ("a", "a");
	}
	EXPECT_EQ(inner.failures, 2);
}

/* `make test` runs this alone and expects the run to fail: proof that a failure is not lost. */
KTEST_EXPLICIT(selftest, must_fail)
{
	EXPECT_EQ(1 + 1, 3);
}
