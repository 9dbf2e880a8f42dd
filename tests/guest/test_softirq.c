// SPDX-License-Identifier: MIT
/* Softirqs raised at a deadline (raise_softirq_at): not before it at a poll point, at the first
 * poll point past it, at once when the CPU is about to idle, and replaced by a later call. */
#include <arch/cpu.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <kernel/time.h>

static volatile int ran;
static volatile uint64_t ran_at;

static void count_run(void)
{
	ran++;
	ran_at = arch_cycles();
}

static void spin_ns(uint64_t ns)
{
	uint64_t until = arch_cycles() + ns_to_cycles(ns);
	while (arch_cycles() < until)
		arch_cpu_relax();
}

KTEST(softirq, deadline_runs_at_the_first_poll_point_past_it)
{
	open_softirq(SOFTIRQ_TEST, count_run);
	ran = 0;
	uint64_t due = arch_cycles() + ns_to_cycles(2 * NSEC_PER_MSEC);
	raise_softirq_at(SOFTIRQ_TEST, due);
	/* (The NIC's deferred poll may have an earlier deadline of its own.) */
	EXPECT_TRUE(softirq_due_first && softirq_due_first <= due);
	/* Bottom halves and interrupts on, no poll point: nothing runs it, however late. */
	spin_ns(4 * NSEC_PER_MSEC);
	EXPECT_EQ(ran, 0);
	softirq_poll_point();
	EXPECT_EQ(ran, 1);
	EXPECT_GE(ran_at, due);
	/* Before the deadline a poll point leaves it alone. */
	due = arch_cycles() + ns_to_cycles(50 * NSEC_PER_MSEC);
	raise_softirq_at(SOFTIRQ_TEST, due);
	softirq_poll_point();
	EXPECT_EQ(ran, 1);
	/* A later call replaces the deadline, and it runs once. */
	due = arch_cycles() + ns_to_cycles(NSEC_PER_MSEC);
	raise_softirq_at(SOFTIRQ_TEST, due);
	EXPECT_TRUE(softirq_due_first && softirq_due_first <= due);
	spin_ns(2 * NSEC_PER_MSEC);
	softirq_poll_point();
	softirq_poll_point();
	EXPECT_EQ(ran, 2);
	open_softirq(SOFTIRQ_TEST, NULL);
}

KTEST(softirq, deadline_runs_early_when_the_cpu_idles)
{
	open_softirq(SOFTIRQ_TEST, count_run);
	ran = 0;
	uint64_t t0 = arch_cycles();
	raise_softirq_at(SOFTIRQ_TEST, t0 + ns_to_cycles(NSEC_PER_SEC));
	/* Sleeping leaves the CPU to the idle loop, which raises it before halting. */
	msleep(1);
	EXPECT_EQ(ran, 1);
	EXPECT_LT(ran_at - t0, ns_to_cycles(500 * NSEC_PER_MSEC));
	open_softirq(SOFTIRQ_TEST, NULL);
}
