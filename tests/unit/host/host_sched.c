// SPDX-License-Identifier: MIT
/* Host stand-in for the scheduler: one thread that never sleeps. Code under test may call
 * schedule() only after a wake-up made it runnable again, or schedule_timeout() (which returns
 * at once, "timed out"); sleeping for real would hang, so it aborts with a message instead. */
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <stdio.h>
#include <stdlib.h>

static struct thread host_thread = { .name = "host", .state = TASK_RUNNING };

void set_current_state(int state)
{
	host_thread.state = state;
}

int wake_up_process(struct thread *t)
{
	if (t->state == TASK_RUNNING)
		return 0;
	t->state = TASK_RUNNING;
	return 1;
}

void schedule(void)
{
	if (host_thread.state != TASK_RUNNING) {
		fprintf(stderr, "host_sched: schedule() would sleep forever (no other thread)\n");
		abort();
	}
}

void yield(void)
{
}

uint64_t schedule_timeout(uint64_t ns)
{
	(void)ns;
	host_thread.state = TASK_RUNNING;
	return 0;
}

void nsleep(uint64_t ns)
{
	(void)ns;
}

void msleep(unsigned ms)
{
	(void)ms;
}

/* Plugging: the flag only (no softirqs on the host); the epoll tests check who sets it. */
void sched_plug(void)
{
	host_thread.plugged = true;
}

bool sched_plug_defer(enum softirq_nr nr)
{
	bool held = host_thread.plugged && (host_thread.plug_passed & (1u << nr));
	if (held)
		host_thread.plug_softirqs |= 1u << nr;
	else if (host_thread.plugged)
		host_thread.plug_passed |= 1u << nr;
	return held;
}

void sched_unplug(void)
{
	host_thread.plugged = false;
	host_thread.plug_softirqs = 0;
	host_thread.plug_passed = 0;
}

struct cpu_state this_cpu = { .current = &host_thread };

/* Bottom halves are only counted on the host (softirqs run when raised, below). Weak: the fuzz
 * targets' fake network environment (tests/fuzz/fake_net_env.c) runs softirqs of its own. */
__attribute__((weak)) void local_bh_disable(void)
{
	this_cpu.bh_count++;
}

__attribute__((weak)) void local_bh_enable(void)
{
	this_cpu.bh_count--;
}

/* Softirqs on the host: one thread, no interrupts, so a raised one runs at once. Weak, as above. */
static softirq_fn host_softirqs[SOFTIRQ_NR];

__attribute__((weak)) void open_softirq(enum softirq_nr nr, softirq_fn fn)
{
	host_softirqs[nr] = fn;
}

__attribute__((weak)) void raise_softirq(enum softirq_nr nr)
{
	if (host_softirqs[nr])
		host_softirqs[nr]();
}

