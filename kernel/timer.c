// SPDX-License-Identifier: MIT
/* Kernel timers: pending timers sit in a red-black tree ordered by TSC deadline with the earliest
 * cached, so arming and cancelling are O(log n) with no allocation, and finding the next deadline
 * is O(1). (A binary heap would need an array that can run out; the tree lives in the timers.)
 * The LAPIC is armed for the earliest deadline only: no periodic tick.
 *
 * Locking: timer_lock (irqsave) protects the tree. Callbacks run from the timer interrupt with the
 * lock dropped, so they may re-arm their own timer or others. */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/timer.h>
#include <arch/boot.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/timer.h>

static struct spinlock timer_lock = SPINLOCK_INIT;
static struct rb_root_cached queue = RB_ROOT_CACHED;
static uint64_t programmed;	/* deadline the LAPIC holds, 0 when disarmed */
static uint64_t nr_interrupts, nr_fired, nr_programmed;

void timer_init(struct ktimer *t, ktimer_fn fn, void *data)
{
	RB_CLEAR_NODE(&t->node);
	t->deadline = 0;
	t->fn = fn;
	t->data = data;
}

bool timer_pending(const struct ktimer *t)
{
	return !RB_EMPTY_NODE(&t->node);
}

/* With timer_lock held: program the LAPIC for the earliest deadline, if it changed. */
static void reprogram(void)
{
	struct rb_node *first = rb_first_cached(&queue);
	uint64_t want = first ? rb_entry(first, struct ktimer, node)->deadline : 0;

	if (want == programmed)
		return;
	programmed = want;
	nr_programmed++;
	if (want)
		arch_timer_arm(want);
	else
		arch_timer_disarm();
}

static void dequeue(struct ktimer *t)
{
	rb_erase_cached(&t->node, &queue);
	RB_CLEAR_NODE(&t->node);
}

static void enqueue(struct ktimer *t)
{
	struct rb_node **link = &queue.root.node, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		/* Equal deadlines go right: timers armed for the same instant fire in arming order. */
		if (t->deadline < rb_entry(parent, struct ktimer, node)->deadline) {
			link = &parent->left;
		} else {
			link = &parent->right;
			leftmost = false;
		}
	}
	rb_link_node(&t->node, parent, link);
	rb_insert_color_cached(&t->node, &queue, leftmost);
}

static void arm_cycles(struct ktimer *t, uint64_t deadline)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	if (timer_pending(t))
		dequeue(t);
	t->deadline = deadline ? deadline : 1;
	enqueue(t);
	reprogram();
	spin_unlock_irqrestore(&timer_lock, flags);
}

void timer_arm(struct ktimer *t, uint64_t deadline_ns)
{
	/* ktime counts from boot_tsc: turn the ns deadline back into a TSC value. */
	arm_cycles(t, boot_info.boot_tsc + ns_to_cycles(deadline_ns));
}

void timer_arm_after(struct ktimer *t, uint64_t ns)
{
	arm_cycles(t, arch_cycles() + ns_to_cycles(ns));
}

bool timer_cancel(struct ktimer *t)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	bool was = timer_pending(t);
	if (was) {
		dequeue(t);
		reprogram();
	}
	spin_unlock_irqrestore(&timer_lock, flags);
	return was;
}

/* The LAPIC timer interrupt: run every expired timer, earliest first, then re-arm. */
static void timer_interrupt(void *arg)
{
	(void)arg;
	spin_lock_raw(&timer_lock);
	nr_interrupts++;
	programmed = 0;		/* the one-shot has fired */
	for (;;) {
		struct rb_node *first = rb_first_cached(&queue);
		if (!first)
			break;
		struct ktimer *t = rb_entry(first, struct ktimer, node);
		if (t->deadline > arch_cycles())
			break;
		dequeue(t);
		nr_fired++;
		spin_unlock_raw(&timer_lock);
		t->fn(t);
		spin_lock_raw(&timer_lock);
	}
	reprogram();
	spin_unlock_raw(&timer_lock);
}

void timers_init(void)
{
	arch_irq_set_handler(IRQ_VECTOR_TIMER, timer_interrupt, NULL);
}

void timer_stats(uint64_t *interrupts, uint64_t *fired, uint64_t *programmed_n)
{
	*interrupts = READ_ONCE(nr_interrupts);
	*fired = READ_ONCE(nr_fired);
	*programmed_n = READ_ONCE(nr_programmed);
}
