// SPDX-License-Identifier: MIT
/* Kernel timers: many random deadlines fire in order and never early; cancel works; and how
 * precisely schedule_timeout sleeps (reported, not asserted beyond "not early"). */
#include <arch/cpu.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/timer.h>

#define NTIMERS	1000

static struct ktimer timers[NTIMERS];
static uint64_t fired_at[NTIMERS];
static int fire_count[NTIMERS];
static int fire_order[NTIMERS];
static volatile int nr_fired;

static void on_fire(struct ktimer *t)
{
	int i = (int)(t - timers);
	fired_at[i] = arch_cycles();
	fire_count[i]++;
	fire_order[nr_fired++] = i;
}

KTEST(timer, thousand_random_timers_fire_in_order_none_early)
{
	ktest_rand_seed(0xdecafbad);
	uint64_t now = ktime_ns();
	int cancelled = 0, expected = 0;
	static bool was_cancelled[NTIMERS];

	nr_fired = 0;
	/* Armed and cancelled with interrupts off: none may fire before all are queued, however
	 * slowly this loop runs (a UBSan kernel on a loaded host took over 2 ms for it). */
	unsigned long flags = arch_irq_save();
	for (int i = 0; i < NTIMERS; i++) {
		timer_init(&timers[i], on_fire, NULL);
		fire_count[i] = 0;
		was_cancelled[i] = false;
		timer_arm(&timers[i], now + 2 * NSEC_PER_MSEC + ktest_rand() % (30 * NSEC_PER_MSEC));
		EXPECT_TRUE(timer_pending(&timers[i]));
	}
	for (int i = 0; i < NTIMERS; i += 7) {
		if (timer_cancel(&timers[i])) {
			was_cancelled[i] = true;
			cancelled++;
		}
		EXPECT_FALSE(timer_cancel(&timers[i]));	/* second cancel: nothing pending */
	}
	arch_irq_restore(flags);
	expected = NTIMERS - cancelled;
	EXPECT_GT(cancelled, 100);
	for (int tries = 0; tries < 200 && nr_fired < expected; tries++)
		msleep(1);
	msleep(5);
	ASSERT_EQ(nr_fired, expected);
	for (int i = 0; i < NTIMERS; i++) {
		EXPECT_EQ(fire_count[i], was_cancelled[i] ? 0 : 1);
		if (!was_cancelled[i])
			EXPECT_GE(fired_at[i], timers[i].deadline);	/* never early */
	}
	for (int k = 1; k < nr_fired; k++)
		EXPECT_LE(timers[fire_order[k - 1]].deadline, timers[fire_order[k]].deadline);
}

/* Counts only: on_fire indexes timers[], and this timer is not one of them (UBSan caught the
 * out-of-bounds stores into fired_at[] this case used to make). */
static void on_fire_count(struct ktimer *t)
{
	(void)t;
	nr_fired++;
}

KTEST(timer, rearm_moves_the_deadline)
{
	static struct ktimer t;
	nr_fired = 0;
	timer_init(&t, on_fire_count, NULL);
	timer_arm_after(&t, NSEC_PER_SEC);		/* far away */
	timer_arm_after(&t, NSEC_PER_MSEC);		/* re-armed: one timer, new deadline */
	msleep(5);
	EXPECT_EQ(nr_fired, 1);
	EXPECT_FALSE(timer_pending(&t));
}

KTEST(timer, schedule_timeout_accuracy)
{
	static const uint64_t waits[] = { 100 * NSEC_PER_USEC, NSEC_PER_MSEC, 10 * NSEC_PER_MSEC };
	for (unsigned i = 0; i < 3; i++) {
		uint64_t worst = 0, total = 0;
		for (int r = 0; r < 10; r++) {
			uint64_t t0 = ktime_ns();
			set_current_state(TASK_UNINTERRUPTIBLE);
			uint64_t left = schedule_timeout(waits[i]);
			uint64_t slept = ktime_ns() - t0;
			EXPECT_EQ(left, 0);
			EXPECT_GE(slept, waits[i]);
			uint64_t over = slept - waits[i];
			total += over;
			if (over > worst)
				worst = over;
		}
		printk("    schedule_timeout(%llu us): overshoot mean %llu us, worst %llu us\n",
		       (unsigned long long)(waits[i] / 1000), (unsigned long long)(total / 10000),
		       (unsigned long long)(worst / 1000));
	}
}
