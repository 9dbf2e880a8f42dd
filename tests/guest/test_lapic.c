// SPDX-License-Identifier: MIT
/* The LAPIC timer as the timer subsystem drives it: one interrupt per programmed deadline, never
 * early, a halted CPU woken by it, and no periodic tick while the guest is idle. */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/timer.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
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
	/* Every interrupt is a deadline: the sleep's, or another timer that fell due meanwhile
	 * (lwIP's, whose next timeout may come in the window, and the NIC's TX watchdog after a
	 * frame lwIP sent); the count-down mode may need one more for a long wait. A tick would
	 * be interrupts with nothing due, or a timer due every few milliseconds, in every window:
	 * a window busy with real timers (DHCP finishing as the suite starts) is followed by
	 * another, up to three. */
	uint64_t ti, fired0, fired1, prog, due = 0;
	msleep(5);	/* let anything left over from earlier cases settle */
	for (int w = 0; w < 3; w++) {
		uint64_t irqs0 = arch_irq_count(IRQ_VECTOR_TIMER);
		timer_stats(&ti, &fired0, &prog);
		msleep(100);	/* the only thread with work sleeps: the CPU halts */
		uint64_t n = arch_irq_count(IRQ_VECTOR_TIMER) - irqs0;
		timer_stats(&ti, &fired1, &prog);
		due = fired1 - fired0;
		printk("    timer interrupts during a 100 ms idle sleep: %llu, timers due %llu (%s)\n",
		       (unsigned long long)n, (unsigned long long)due, arch_timer_mode());
		EXPECT_LE(n, due + 1);
		if (due <= 4)
			break;
	}
	EXPECT_LE(due, 4);
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

/* Whether a 1 ms timer fires within 500 ms, spinning (interrupts on, whatever else is off). */
static bool eoi_timer_fires(void)
{
	fired = 0;
	timer_arm_after(&eoi_timer, NSEC_PER_MSEC);
	uint64_t end = arch_cycles() + ns_to_cycles(500 * NSEC_PER_MSEC);
	while (!fired && arch_cycles() < end)
		arch_cpu_relax();
	return fired;
}

static void eoi_softirq(void)
{
	eoi_in_service = arch_irq_in_service(eoi_vec);
	eoi_timer_in_bh = eoi_timer_fires();
	eoi_bh_ran = 1;
}

/* A vector whose handler raises SOFTIRQ_TEST, which runs eoi_softirq. */
static bool eoi_setup(void)
{
	timer_init(&eoi_timer, on_timer, NULL);
	eoi_vec = arch_irq_alloc_vector(eoi_irq, NULL);
	if (eoi_vec < IRQ_VECTOR_FIRST)
		return false;
	open_softirq(SOFTIRQ_TEST, eoi_softirq);
	eoi_bh_ran = eoi_in_service = eoi_timer_in_bh = 0;
	return true;
}

KTEST(lapic, device_eoi_follows_its_bottom_half)
{
	ASSERT_TRUE(eoi_setup());
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

/* Wait up to a second for the @n-th interrupt on @vec since its handler was installed. */
static bool irq_taken(int vec, uint64_t n)
{
	uint64_t end = arch_cycles() + ns_to_cycles(NSEC_PER_SEC);
	while (arch_irq_count(vec) < n && arch_cycles() < end)
		arch_cpu_relax();
	return arch_irq_count(vec) >= n;
}

static void eoi_quiet_irq(void *arg)
{
	(void)arg;	/* raises nothing */
}

/*
 * A device interrupt taken in a bottom-half-off section cannot run its bottom half there: its EOI
 * is owed until local_bh_enable, which runs the bottom half first (the vector still in service
 * meanwhile) and acknowledges after it, or at once when nothing was raised.
 */
KTEST(lapic, device_eoi_owed_through_a_bottom_half_off_section)
{
	ASSERT_TRUE(eoi_setup());
	local_bh_disable();
	arch_irq_self(eoi_vec);
	EXPECT_TRUE(irq_taken(eoi_vec, 1));
	EXPECT_FALSE(eoi_bh_ran);
	EXPECT_TRUE(arch_irq_in_service(eoi_vec));	/* owed, not acknowledged */
	EXPECT_TRUE(eoi_timer_fires());	/* the timer, in the top class, still interrupts */
	EXPECT_TRUE(arch_irq_in_service(eoi_vec));
	local_bh_enable();
	EXPECT_TRUE(eoi_bh_ran);
	EXPECT_TRUE(eoi_in_service);		/* its bottom half ran before the EOI */
	EXPECT_FALSE(arch_irq_in_service(eoi_vec));
	EXPECT_EQ(this_cpu.irq_acks_owed, 0);

	/* Nothing raised: the owed EOI is paid by local_bh_enable all the same. */
	arch_irq_set_handler(eoi_vec, eoi_quiet_irq, NULL);
	local_bh_disable();
	arch_irq_self(eoi_vec);
	EXPECT_TRUE(irq_taken(eoi_vec, 2));
	EXPECT_TRUE(arch_irq_in_service(eoi_vec));
	local_bh_enable();
	EXPECT_FALSE(arch_irq_in_service(eoi_vec));
	EXPECT_EQ(this_cpu.irq_acks_owed, 0);

	open_softirq(SOFTIRQ_TEST, NULL);
	arch_irq_set_handler(eoi_vec, NULL, NULL);
}
