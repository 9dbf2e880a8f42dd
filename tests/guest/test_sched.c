// SPDX-License-Identifier: MIT
/* Threads and the scheduler: create/join, stack sizes, preemption of busy threads, yield order,
 * idle. */
#include <arch/cpu.h>
#include <kernel/ktest.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <string.h>

/* Free pages plus the page tables guard pages needed (those stay allocated for good), after the
 * caches let go of their spare empty slabs: what must be equal before and after a test. */
static unsigned long pages_accounted(void)
{
	struct page_stats s;
	kmem_cache_shrink_all();
	page_stats(&s);
	return s.free + arch_mmu_table_pages();
}

static void *double_it(void *arg)
{
	return (void *)((uintptr_t)arg * 2);
}

KTEST(sched, create_join_100_threads)
{
	static struct thread *t[100];
	int base = thread_count();
	unsigned long before = pages_accounted();

	for (int i = 0; i < 100; i++) {
		t[i] = thread_create("worker", double_it, (void *)(uintptr_t)i, 0);
		ASSERT_TRUE(t[i] != NULL);
	}
	EXPECT_GE(thread_count(), base + 1);
	for (int i = 0; i < 100; i++)
		EXPECT_EQ((uintptr_t)thread_join(t[i]), (uintptr_t)i * 2);
	EXPECT_EQ(thread_count(), base);
	EXPECT_EQ(pages_accounted(), before);	/* every stack and thread came back */
}

static volatile int stop_spinning;
static volatile uint64_t spins[2];

static void *spinner(void *arg)
{
	int me = (int)(uintptr_t)arg;
	while (!stop_spinning)
		spins[me]++;	/* never yields: only preemption lets the other one run */
	return NULL;
}

KTEST(sched, preemption_lets_busy_threads_share)
{
	stop_spinning = 0;
	spins[0] = spins[1] = 0;
	struct thread *a = thread_create("spin-a", spinner, (void *)0, 0);
	struct thread *b = thread_create("spin-b", spinner, (void *)1, 0);
	ASSERT_TRUE(a && b);
	uint64_t sw0 = a->switches + b->switches;
	msleep(100);			/* 10 time slices */
	stop_spinning = 1;
	uint64_t sw = a->switches + b->switches - sw0;
	thread_join(a);
	thread_join(b);
	printk("    spins: %llu and %llu, switches %llu\n", (unsigned long long)spins[0],
	       (unsigned long long)spins[1], (unsigned long long)sw);
	EXPECT_GT(spins[0], 0);
	EXPECT_GT(spins[1], 0);
	EXPECT_GE(sw, 4);		/* they took turns, more than once each */
}

/*
 * The page-table root is reloaded every tlb_refresh_ms while the CPU works (QEMU's TCG resizes
 * its software TLB only then), and the reloads stop while it idles: after going idle at most
 * one more, and then one per wake-up by another timer, never a tick of their own.
 */
KTEST(sched, tlb_reloads_while_busy_and_not_when_idle)
{
	uint64_t was = sched_set_tlb_refresh(5 * NSEC_PER_MSEC);
	msleep(1);			/* a wake-up from idle starts them */
	uint64_t r0 = sched_tlb_reloads();
	for (uint64_t end = ktime_ns() + 50 * NSEC_PER_MSEC; ktime_ns() < end;)
		arch_cpu_relax();	/* busy, no idle in between */
	uint64_t r1 = sched_tlb_reloads();
	uint64_t ti, fired1, fired2, prog;
	timer_stats(&ti, &fired1, &prog);
	msleep(50);			/* idle */
	timer_stats(&ti, &fired2, &prog);
	uint64_t r2 = sched_tlb_reloads();
	sched_set_tlb_refresh(was);
	uint64_t others = (fired2 - fired1) - (r2 - r1);
	printk("    reloads: %llu in 50 ms busy, %llu in 50 ms idle (other timers fired: %llu)\n",
	       (unsigned long long)(r1 - r0), (unsigned long long)(r2 - r1),
	       (unsigned long long)others);
	EXPECT_GE(r1 - r0, 5);		/* 10 due: one every 5 ms */
	EXPECT_LE(r2 - r1, others + 1);
}

static char order[32];
static volatile int order_len;

static void *yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		order[order_len++] = (char)(uintptr_t)arg;
		yield();
	}
	return NULL;
}

KTEST(sched, yield_is_round_robin)
{
	order_len = 0;
	struct thread *t[3];
	/* Created in one go, without the creator yielding: they start in creation order. */
	for (int i = 0; i < 3; i++) {
		t[i] = thread_create("yielder", yielder, (void *)(uintptr_t)('A' + i), 0);
		ASSERT_TRUE(t[i] != NULL);
	}
	for (int i = 0; i < 3; i++)
		thread_join(t[i]);
	order[order_len] = '\0';
	EXPECT_STREQ(order, "ABCABCABC");
}

static void *sleeper(void *arg)
{
	msleep((unsigned)(uintptr_t)arg);
	return NULL;
}

KTEST(sched, detached_threads_free_themselves)
{
	unsigned long before = pages_accounted();
	int base = thread_count();
	for (int i = 0; i < 10; i++) {
		struct thread *t = thread_create("detached", sleeper, (void *)(uintptr_t)(i % 3), 0);
		ASSERT_TRUE(t != NULL);
		thread_detach(t);
	}
	for (int tries = 0; tries < 100 && thread_count() != base; tries++)
		msleep(1);
	msleep(1);	/* the last one is freed by the switch away from it */
	EXPECT_EQ(thread_count(), base);
	EXPECT_EQ(pages_accounted(), before);
}

/* Uses 40 KiB of stack: more than the default 28 KiB, so it needs a larger stack order. */
static void *deep_frame(void *arg)
{
	volatile char big[40 * 1024];
	memset((char *)big, 0x5a, sizeof(big));
	(void)arg;
	return (void *)(uintptr_t)big[sizeof(big) - 1];
}

KTEST(sched, stack_order_sizes_the_stack)
{
	int base = thread_count();
	struct thread *t = thread_create("default", double_it, (void *)1, 0);
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ((char *)thread_stack_top(t) - (char *)t->stack, PAGE_SIZE << THREAD_STACK_ORDER);
	thread_join(t);

	t = thread_create("deep", deep_frame, NULL, 4);	/* 64 KiB, guard page included */
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ((char *)thread_stack_top(t) - (char *)t->stack, PAGE_SIZE << 4);
	EXPECT_EQ((uintptr_t)thread_join(t), 0x5a);
	EXPECT_EQ(thread_count(), base);
}

static volatile int recurse_limit = 1 << 30;	/* never reached: the stack runs out first */

static int recurse(int depth)
{
	volatile char pad[512];
	pad[0] = (char)depth;
	if (depth >= recurse_limit)
		return 0;
	return recurse(depth + 1) + pad[0];
}

static void *overflow(void *arg)
{
	(void)arg;
	return (void *)(uintptr_t)recurse(0);
}

/* A thread that recurses without bound must hit its guard page and be reported. */
KTEST_EXPLICIT(crash, stack_overflow)
{
	struct thread *t = thread_create("deep-recursion", overflow, NULL, 0);
	ASSERT_TRUE(t != NULL);
	thread_join(t);
}
