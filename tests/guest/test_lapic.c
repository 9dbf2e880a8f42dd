// SPDX-License-Identifier: MIT
/* The LAPIC timer raises its vector at (never before) the programmed TSC deadline. */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/timer.h>
#include <kernel/ktest.h>
#include <kernel/time.h>

static volatile uint64_t fired_at;
static volatile int fired;

static void on_timer(void *arg)
{
	(void)arg;
	fired_at = arch_cycles();
	fired++;
}

/* Wait with interrupts on (sti; hlt) until the handler ran or @ms passed. */
static void wait_for_fire(uint64_t ms)
{
	uint64_t end = arch_cycles() + ns_to_cycles(ms * NSEC_PER_MSEC);
	while (!fired && arch_cycles() < end)
		arch_cpu_relax();
}

KTEST(lapic, timer_fires_once_not_early)
{
	arch_irq_set_handler(IRQ_VECTOR_TIMER, on_timer, NULL);
	for (int round = 0; round < 5; round++) {
		fired = 0;
		uint64_t deadline = arch_cycles() + ns_to_cycles(2 * NSEC_PER_MSEC);
		arch_timer_arm(deadline);
		wait_for_fire(1000);
		ASSERT_EQ(fired, 1);
		EXPECT_GE(fired_at, deadline);
		wait_for_fire(5);	/* one-shot: nothing more */
		EXPECT_EQ(fired, 1);
	}
	arch_irq_set_handler(IRQ_VECTOR_TIMER, NULL, NULL);
}

KTEST(lapic, disarm_cancels)
{
	arch_irq_set_handler(IRQ_VECTOR_TIMER, on_timer, NULL);
	fired = 0;
	arch_timer_arm(arch_cycles() + ns_to_cycles(3 * NSEC_PER_MSEC));
	arch_timer_disarm();
	uint64_t end = arch_cycles() + ns_to_cycles(20 * NSEC_PER_MSEC);
	while (arch_cycles() < end)
		arch_cpu_relax();
	EXPECT_EQ(fired, 0);
	arch_irq_set_handler(IRQ_VECTOR_TIMER, NULL, NULL);
}

KTEST(lapic, halted_cpu_wakes_on_timer)
{
	arch_irq_set_handler(IRQ_VECTOR_TIMER, on_timer, NULL);
	fired = 0;
	uint64_t count0 = arch_irq_count(IRQ_VECTOR_TIMER);
	arch_timer_arm(arch_cycles() + ns_to_cycles(NSEC_PER_MSEC));
	unsigned long flags = arch_irq_save();
	while (!fired)
		arch_safe_halt();	/* sti; hlt: the timer interrupt ends the halt */
	arch_irq_restore(flags);
	EXPECT_EQ(fired, 1);
	EXPECT_EQ(arch_irq_count(IRQ_VECTOR_TIMER), count0 + 1);
	arch_irq_set_handler(IRQ_VECTOR_TIMER, NULL, NULL);
}
