// SPDX-License-Identifier: MIT
/* Busy polling (kernel/busy_poll.h): the loop, around the poller the network stack registers. */
#include <arch/cpu.h>
#include <kernel/busy_poll.h>
#include <kernel/compiler.h>
#include <kernel/preempt.h>
#include <kernel/sched.h>
#include <kernel/time.h>

static const struct busy_poll_ops *poller;
uint32_t busy_poll_default_usecs;

void busy_poll_register(const struct busy_poll_ops *ops)
{
	WRITE_ONCE(poller, ops);
}

bool busy_poll_loop(uint32_t usecs, unsigned budget, bool prefer, bool (*done)(void *arg), void *arg)
{
	const struct busy_poll_ops *ops = READ_ONCE(poller);
	bool got = false;

	if (!ops || !usecs)
		return false;
	if (!budget)
		budget = BUSY_POLL_BUDGET_DEFAULT;
	uint64_t end = ktime_ns() + (uint64_t)usecs * NSEC_PER_USEC;
	for (;;) {
		ops->poll(budget, prefer);
		if (done(arg)) {
			got = true;
			break;
		}
		if (signal_pending() || READ_ONCE(this_cpu.need_resched) || ktime_ns() >= end)
			break;
		arch_cpu_relax();
	}
	ops->end(prefer);
	return got;
}
