// SPDX-License-Identifier: MIT
/* The LAPIC timer as the timer subsystem drives it: one interrupt per programmed deadline, never
 * early, a halted CPU woken by it, and no periodic tick while the guest is idle. */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/timer.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <kernel/timer.h>

static volatile uint64_t fired_at;
static volatile int fired;

static void on_timer(struct ktimer *t)
{
	(void)t;
	fired_at = arch_cycles();
	fired++;
}

KTEST(lapic, interrupt_at_deadline_not_before)
{
	static struct ktimer t;
	timer_init(&t, on_timer, NULL);
	for (int round = 0; round < 5; round++) {
		fired = 0;
		uint64_t irqs0 = arch_irq_count(IRQ_VECTOR_TIMER);
		timer_arm_after(&t, 2 * NSEC_PER_MSEC);
		uint64_t deadline = t.deadline;
		uint64_t end = arch_cycles() + ns_to_cycles(NSEC_PER_SEC);
		while (!fired && arch_cycles() < end)
			arch_cpu_relax();	/* busy: the interrupt must arrive by itself */
		ASSERT_EQ(fired, 1);
		EXPECT_GE(fired_at, deadline);
		EXPECT_GE(arch_irq_count(IRQ_VECTOR_TIMER), irqs0 + 1);
	}
}

KTEST(lapic, halted_cpu_wakes_on_timer)
{
	static struct ktimer t;
	timer_init(&t, on_timer, NULL);
	fired = 0;
	timer_arm_after(&t, NSEC_PER_MSEC);
	unsigned long flags = arch_irq_save();
	while (!fired)
		arch_safe_halt();	/* sti; hlt: only the timer interrupt ends this */
	arch_irq_restore(flags);
	EXPECT_EQ(fired, 1);
}

KTEST(lapic, no_periodic_tick_when_idle)
{
	msleep(5);	/* let anything left over from earlier cases settle */
	uint64_t irqs0 = arch_irq_count(IRQ_VECTOR_TIMER);
	msleep(100);	/* the only thread with work sleeps: the CPU halts */
	uint64_t n = arch_irq_count(IRQ_VECTOR_TIMER) - irqs0;
	printk("    timer interrupts during a 100 ms idle sleep: %llu (%s)\n",
	       (unsigned long long)n, arch_timer_mode());
	/* One deadline, one interrupt; the count-down mode may need one more for a long wait. */
	EXPECT_LE(n, 3);
}

/*
 * A device's EOI comes after the bottom half it raised (arch/x86_64/traps.c): during that
 * softirq the vector is still in service at the local APIC, the timer (the top priority class)
 * still interrupts, and once the interrupt has returned the vector is no longer in service.
 */
static int eoi_vec;
static volatile int eoi_in_service, eoi_timer_in_bh, eoi_bh_ran;
static struct ktimer eoi_timer;

static void eoi_irq(void *arg)
{
	(void)arg;
	raise_softirq(SOFTIRQ_TEST);
}

static void eoi_softirq(void)
{
	eoi_in_service = arch_irq_in_service(eoi_vec);
	fired = 0;
	timer_arm_after(&eoi_timer, NSEC_PER_MSEC);
	uint64_t end = arch_cycles() + ns_to_cycles(500 * NSEC_PER_MSEC);
	while (!fired && arch_cycles() < end)
		arch_cpu_relax();
	eoi_timer_in_bh = fired;
	eoi_bh_ran = 1;
}

KTEST(lapic, device_eoi_follows_its_bottom_half)
{
	timer_init(&eoi_timer, on_timer, NULL);
	eoi_vec = arch_irq_alloc_vector(eoi_irq, NULL);
	ASSERT_GE(eoi_vec, IRQ_VECTOR_FIRST);
	open_softirq(SOFTIRQ_TEST, eoi_softirq);
	eoi_bh_ran = eoi_in_service = eoi_timer_in_bh = 0;
	arch_irq_self(eoi_vec);
	uint64_t end = arch_cycles() + ns_to_cycles(NSEC_PER_SEC);
	while (!eoi_bh_ran && arch_cycles() < end)
		arch_cpu_relax();
	EXPECT_TRUE(eoi_bh_ran);
	EXPECT_TRUE(eoi_in_service);		/* not acknowledged before its bottom half */
	EXPECT_TRUE(eoi_timer_in_bh);		/* the timer was not held back meanwhile */
	EXPECT_FALSE(arch_irq_in_service(eoi_vec));	/* acknowledged after it */
	EXPECT_EQ(arch_irq_count(eoi_vec), 1);
	open_softirq(SOFTIRQ_TEST, NULL);
	arch_irq_set_handler(eoi_vec, NULL, NULL);
}
