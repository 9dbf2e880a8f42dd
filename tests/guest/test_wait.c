// SPDX-License-Identifier: MIT
/* Wait queues: exclusive vs non-exclusive wake counts, the key reaching each wake function, real
 * threads woken one at a time, and wake-ups racing with sleep from a timer interrupt. */
#include <kernel/ktest.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/wait.h>

struct probe {
	struct wait_entry we;
	int calls;
	void *key;
	int ret;	/* what the wake function reports */
};

static int probe_wake(struct wait_entry *we, unsigned mode, int flags, void *key)
{
	(void)mode;
	(void)flags;
	struct probe *p = container_of(we, struct probe, we);
	p->calls++;
	p->key = key;
	return p->ret;
}

KTEST(wait, exclusive_and_nonexclusive_counts_and_key)
{
	static struct wait_queue_head wq;
	static struct probe p[7];

	wait_queue_head_init(&wq);
	for (int i = 0; i < 7; i++) {
		wait_entry_init(&p[i].we, probe_wake, NULL);
		p[i].calls = 0;
		p[i].ret = 1;
	}
	for (int i = 0; i < 3; i++)
		add_wait_queue(&wq, &p[i].we);		/* non-exclusive */
	for (int i = 3; i < 7; i++)
		add_wait_queue_exclusive(&wq, &p[i].we);
	p[3].ret = 0;	/* an exclusive entry that declines does not use up the budget */

	EXPECT_EQ(wake_up_key(&wq, 1, (void *)0x42), 4);	/* 3 non-exclusive + p[4] */
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(p[i].calls, 1);
		EXPECT_EQ((uintptr_t)p[i].key, 0x42);
	}
	EXPECT_EQ(p[3].calls, 1);
	EXPECT_EQ(p[4].calls, 1);
	EXPECT_EQ((uintptr_t)p[4].key, 0x42);
	EXPECT_EQ(p[5].calls, 0);
	EXPECT_EQ(p[6].calls, 0);

	EXPECT_EQ(wake_up_key(&wq, 2, (void *)0x7), 5);	/* 3 + p[4] + p[5] */
	EXPECT_EQ(p[6].calls, 0);
	EXPECT_EQ(wake_up_key(&wq, 0, NULL), 6);		/* 0: everyone */
	EXPECT_EQ(p[6].calls, 1);
	for (int i = 0; i < 7; i++)
		remove_wait_queue(&wq, &p[i].we);
	EXPECT_FALSE(waitqueue_active(&wq));
}

static struct wait_queue_head gate = WAIT_QUEUE_HEAD_INIT(gate);
static volatile int tickets;
static volatile int passed_gate;

static void *gate_waiter(void *arg)
{
	(void)arg;
	DEFINE_WAIT(we);
	for (;;) {
		prepare_to_wait_exclusive(&gate, &we, TASK_UNINTERRUPTIBLE);
		if (tickets > 0) {
			tickets--;
			break;
		}
		schedule();
	}
	finish_wait(&gate, &we);
	passed_gate++;
	return NULL;
}

KTEST(wait, exclusive_wake_up_wakes_one_thread)
{
	struct thread *t[4];
	tickets = 0;
	passed_gate = 0;
	for (int i = 0; i < 4; i++) {
		t[i] = thread_create("gate", gate_waiter, NULL, 0);
		ASSERT_TRUE(t[i] != NULL);
	}
	msleep(2);	/* all four asleep on the gate */
	EXPECT_EQ(passed_gate, 0);
	for (int round = 1; round <= 4; round++) {
		tickets++;
		EXPECT_EQ(wake_up(&gate), 1);
		msleep(2);
		EXPECT_EQ(passed_gate, round);
	}
	for (int i = 0; i < 4; i++)
		thread_join(t[i]);
}

static struct wait_queue_head race_wq = WAIT_QUEUE_HEAD_INIT(race_wq);
static volatile int race_flag;

static void race_fire(struct ktimer *t)
{
	(void)t;
	race_flag = 1;
	wake_up(&race_wq);
}

KTEST(wait, wakeup_racing_sleep_from_timer_is_never_lost)
{
	static struct ktimer t;
	ktest_rand_seed(12345);
	int lost = 0;

	timer_init(&t, race_fire, NULL);
	for (int i = 0; i < 1000; i++) {
		race_flag = 0;
		/* 0..30 us: the interrupt lands before, during or after the waiter goes to sleep. */
		timer_arm_after(&t, ktest_rand() % 30000);
		if (!wait_event_timeout(&race_wq, race_flag, NSEC_PER_SEC))
			lost++;
	}
	EXPECT_EQ(lost, 0);
}

KTEST(wait, wait_event_timeout_times_out)
{
	static struct wait_queue_head never = WAIT_QUEUE_HEAD_INIT(never);
	uint64_t t0 = ktime_ns();
	uint64_t left = wait_event_timeout(&never, 0, 2 * NSEC_PER_MSEC);
	uint64_t dt = ktime_ns() - t0;
	EXPECT_EQ(left, 0);
	EXPECT_GE(dt, 2 * NSEC_PER_MSEC);
}

static struct mutex lock = MUTEX_INIT(lock);
static volatile int inside;
static volatile int counter;
static volatile int overlap;

static void *locker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 500; i++) {
		mutex_lock(&lock);
		if (inside)
			overlap++;
		inside = 1;
		yield();	/* hand the CPU over while holding it: others must block */
		counter++;
		inside = 0;
		mutex_unlock(&lock);
	}
	return NULL;
}

KTEST(mutex, contention_keeps_mutual_exclusion)
{
	struct thread *t[4];
	counter = 0;
	overlap = 0;
	uint64_t contended0 = lock.contended;
	for (int i = 0; i < 4; i++) {
		t[i] = thread_create("locker", locker, NULL, 0);
		ASSERT_TRUE(t[i] != NULL);
	}
	for (int i = 0; i < 4; i++)
		thread_join(t[i]);
	EXPECT_EQ(counter, 2000);
	EXPECT_EQ(overlap, 0);
	EXPECT_GT(lock.contended - contended0, 0);
	EXPECT_TRUE(mutex_owner(&lock) == NULL);
	EXPECT_EQ(lock.owner, 0);	/* no sleeper left flagged */
	EXPECT_TRUE(mutex_trylock(&lock));
	mutex_unlock(&lock);
}
