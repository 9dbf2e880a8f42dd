// SPDX-License-Identifier: MIT
/* Threads and the scheduler.
 *
 * Locking: rq.lock (irqsave) protects the run queue, every thread's state and run_node, and the
 * all-threads list. It is held across arch_context_switch and released by the thread that gets
 * the CPU (in schedule() after the switch, or in thread_start for a new thread). Wait-queue locks
 * nest outside it (wake_up_key -> default_wake_function -> wake_up_process).
 *
 * Preemption: the slice timer sets need_resched when the running thread has used its time slice
 * and someone else is runnable; the switch happens at interrupt exit (irq_exit) or when a
 * lock is dropped (preempt_enable), never while preempt_count > 0. */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kernel/errno.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/rcu.h>
#include <arch/user.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <string.h>

struct cpu_state this_cpu;

static struct {
	struct spinlock lock;
	struct list_head queue;		/* runnable threads other than the running one */
	struct list_head all;		/* every thread */
	struct thread *switched_from;	/* the thread the last switch left; finished by the next */
	struct thread idle;		/* the boot context, runs when nothing else can */
	struct ktimer slice_timer;	/* ends the current time slice */
	uint64_t timeslice_ns;
	struct ktimer tlb_timer;	/* reloads the page-table root while the CPU works */
	uint64_t tlb_refresh_ns;	/* 0: never */
	uint64_t tlb_reloads;
	int next_id;
	int nr_threads;
	uint64_t switches;
} rq = {
	.lock = SPINLOCK_INIT,
	.queue = LIST_HEAD_INIT(rq.queue),
	.all = LIST_HEAD_INIT(rq.all),
	.timeslice_ns = 10 * NSEC_PER_MSEC,
	.tlb_refresh_ns = 100 * NSEC_PER_MSEC,
};

void set_current_state(int state)
{
	/* A full barrier: the condition tested next is read after the state is visible to a
	 * waker on another CPU (which changes the condition, then reads the state). */
	__atomic_store_n(&this_cpu.current->state, state, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void slice_expired(struct ktimer *t)
{
	(void)t;
	if (!list_empty(&rq.queue))
		this_cpu.need_resched = 1;
}

/* With rq.lock held: start a slice for the thread being switched in if others wait. */
static void arm_slice(void)
{
	if (!list_empty(&rq.queue) && this_cpu.current != &rq.idle)
		timer_arm_after(&rq.slice_timer, rq.timeslice_ns);
	else
		timer_cancel(&rq.slice_timer);
}

/* With rq.lock held: queue runnable @t behind the others; the idle thread yields to it at once,
 * a running thread by the end of its slice. */
static void enqueue_locked(struct thread *t)
{
	list_add_tail(&t->run_node, &rq.queue);
	if (this_cpu.current == &rq.idle)
		this_cpu.need_resched = 1;
	else if (!timer_pending(&rq.slice_timer))
		timer_arm_after(&rq.slice_timer, rq.timeslice_ns);
}

void sched_set_timeslice(uint64_t ns)
{
	rq.timeslice_ns = ns ? ns : 1;
}

/* QEMU's TCG resizes its software TLB only when the guest flushes all of it, and a kernel that
 * never switches address spaces never does: it would keep its first 256 entries however many
 * pages the connections touch, and walk the page tables in emulated code for most of the rest.
 * So while the CPU works, the page-table root is reloaded every tlb_refresh_ns (on hardware, a
 * flush of the application's entries a few times a second). The timer stops when it finds the
 * CPU idle, and tlb_refresh_restart starts it again when the CPU leaves idle for a thread
 * (switch_locked): an idle guest takes no tick. */
static void tlb_refresh_restart(void)
{
	uint64_t ns = READ_ONCE(rq.tlb_refresh_ns);
	if (ns && !timer_pending(&rq.tlb_timer))
		timer_arm_after(&rq.tlb_timer, ns);
}

static void tlb_refresh_fired(struct ktimer *t)
{
	uint64_t ns = READ_ONCE(rq.tlb_refresh_ns);
	arch_tlb_reload();
	WRITE_ONCE(rq.tlb_reloads, rq.tlb_reloads + 1);
	if (ns && this_cpu.current != &rq.idle)
		timer_arm_after(t, ns);
}

uint64_t sched_set_tlb_refresh(uint64_t ns)
{
	uint64_t was = __atomic_exchange_n(&rq.tlb_refresh_ns, ns, __ATOMIC_RELAXED);
	/* Before sched_init (a boot option) the timer is not set up, so not pending either. */
	if (rq.tlb_timer.fn && timer_pending(&rq.tlb_timer)) {
		if (ns)
			timer_arm_after(&rq.tlb_timer, ns);	/* the new period from now */
		else
			timer_cancel(&rq.tlb_timer);
	}
	return was;
}

uint64_t sched_tlb_reloads(void)
{
	return READ_ONCE(rq.tlb_reloads);
}

static void free_thread(struct thread *t)
{
	arch_user_context_free(&t->ctx);
	arch_mmu_set_guard(t->stack, 0);
	page_free(t->stack, t->stack_order);
	kfree(t);
}

/* Runs on the thread that just got the CPU, rq.lock released, interrupts still off: the thread
 * we left may have exited, and only now is its stack out of use. */
static void finish_switch(void)
{
	struct thread *prev = rq.switched_from;

	rq.switched_from = NULL;
	if (!prev || prev->state != TASK_DEAD)
		return;
	WRITE_ONCE(prev->exited, true);
	if (prev->detached)
		free_thread(prev);
	else
		wake_up_all(&prev->join_wq);
}

/*
 * With rq.lock held and interrupts off: pick the next thread and switch to it. A voluntary call
 * takes a thread that is no longer RUNNING off the CPU for good (it sleeps). A @preempt switch
 * keeps it queued whatever its state: it may have set a sleep state and not yet tested its
 * condition, and putting it to sleep there could lose the wake-up it is about to look for.
 */
static void switch_locked(bool preempt)
{
	struct thread *prev = this_cpu.current, *next;

	this_cpu.need_resched = 0;
	if (prev != &rq.idle && prev->state != TASK_DEAD &&
	    (prev->state == TASK_RUNNING || preempt))
		list_add_tail(&prev->run_node, &rq.queue);
	if (list_empty(&rq.queue)) {
		next = &rq.idle;
	} else {
		next = list_first_entry(&rq.queue, struct thread, run_node);
		list_del_init(&next->run_node);
	}
	uint64_t now = arch_cycles();
	prev->runtime_ns += cycles_to_ns(now - prev->last_in);
	next->last_in = now;
	if (next == prev) {
		arm_slice();
		return;
	}
	if (prev == &rq.idle)
		tlb_refresh_restart();
	this_cpu.current = next;
	rq.switched_from = prev;
	next->switches++;
	rq.switches++;
	arm_slice();
	arch_context_switch(&prev->ctx, &next->ctx);
}

void sched_plug(void)
{
	this_cpu.current->plugged = true;
}

bool sched_plug_defer(enum softirq_nr nr)
{
	struct thread *t = this_cpu.current;	/* the thread the softirq runs on behalf of */
	unsigned long flags = arch_irq_save();
	bool held = t->plugged && (t->plug_passed & (1u << nr));
	if (held)
		t->plug_softirqs |= 1u << nr;
	else if (t->plugged)
		t->plug_passed |= 1u << nr;
	arch_irq_restore(flags);
	return held;
}

void sched_unplug(void)
{
	struct thread *t = this_cpu.current;
	if (!t->plugged)
		return;		/* only the thread itself plugs: no race on a false here */
	unsigned long flags = arch_irq_save();
	uint32_t held = t->plug_softirqs;
	t->plugged = false;
	t->plug_softirqs = 0;
	t->plug_passed = 0;
	arch_irq_restore(flags);
	if (!held)
		return;		/* what was raised meanwhile ran at its interrupt's exit */
	while (held) {
		raise_softirq((enum softirq_nr)__builtin_ctz(held));
		held &= held - 1;
	}
	/* Run them here when we may: else at the next interrupt exit, bh enable or idle. */
	if (arch_irqs_enabled())
		do_softirq();
}

static void do_schedule(bool preempt)
{
	BUG_ON(this_cpu.irq_depth);
	sched_unplug();		/* what it held back must not wait while it is off the CPU */
	unsigned long flags = arch_irq_save();
	rcu_note_context_switch();	/* interrupts off: it only raises the RCU softirq */
	preempt_disable();
	spin_lock_raw(&rq.lock);
	switch_locked(preempt);
	spin_unlock_raw(&rq.lock);
	finish_switch();
	preempt_enable_no_resched();
	arch_irq_restore(flags);
}

void schedule(void)
{
	do_schedule(false);
}

static void preempt_schedule(void)
{
	do_schedule(true);
}

void yield(void)
{
	schedule();	/* a RUNNING caller goes to the back of the queue */
}

/* preempt_enable's slow half: the count reached 0 with a reschedule due. */
void preempt_enable_resched(void)
{
	if (this_cpu.need_resched && !this_cpu.preempt_count && !this_cpu.irq_depth &&
	    !this_cpu.bh_count && arch_irqs_enabled())
		preempt_schedule();
}

void preempt_schedule_irq(void)
{
	if (this_cpu.need_resched && !this_cpu.preempt_count && !this_cpu.bh_count)
		preempt_schedule();
}

int wake_up_state(struct thread *t, int states)
{
	unsigned long flags = spin_lock_irqsave(&rq.lock);
	int woke = 0;

	if ((t->state == TASK_INTERRUPTIBLE && (states & TASK_INTERRUPTIBLE)) ||
	    (t->state == TASK_UNINTERRUPTIBLE && (states & TASK_UNINTERRUPTIBLE))) {
		t->state = TASK_RUNNING;
		woke = 1;
		/* Not queued yet unless a preemption left it queued in its sleep state. */
		if (t != this_cpu.current && list_empty(&t->run_node))
			enqueue_locked(t);
	}
	spin_unlock_irqrestore(&rq.lock, flags);
	return woke;
}

int wake_up_process(struct thread *t)
{
	return wake_up_state(t, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE);
}

static void sleep_timer_fired(struct ktimer *t)
{
	wake_up_process(t->data);
}

uint64_t schedule_timeout(uint64_t ns)
{
	struct thread *me = this_cpu.current;
	uint64_t end = ktime_ns() + ns;

	timer_arm(&me->sleep_timer, end);
	schedule();
	timer_cancel(&me->sleep_timer);
	uint64_t now = ktime_ns();
	return now < end ? end - now : 0;
}

void nsleep(uint64_t ns)
{
	uint64_t end = ktime_ns() + ns;
	const char *chan = this_cpu.current->wait_chan;

	this_cpu.current->wait_chan = "sleep";
	for (uint64_t now = ktime_ns(); now < end; now = ktime_ns()) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_timeout(end - now);
	}
	this_cpu.current->wait_chan = chan;
}

void msleep(unsigned ms)
{
	nsleep((uint64_t)ms * NSEC_PER_MSEC);
}

/* A new thread starts here, on its own stack, holding rq.lock from the switch that chose it. */
static NORETURN void thread_start(void)
{
	spin_unlock_raw(&rq.lock);
	finish_switch();
	preempt_enable_no_resched();
	arch_irq_enable();
	struct thread *me = this_cpu.current;
	thread_exit(me->fn(me->arg));
}

static void thread_setup(struct thread *t, const char *name)
{
	size_t n = strnlen(name, THREAD_NAME_MAX - 1);
	memcpy(t->name, name, n);
	t->name[n] = '\0';
	list_init(&t->run_node);
	wait_queue_head_init(&t->join_wq);
	timer_init(&t->sleep_timer, sleep_timer_fired, t);
}

static struct thread *create(const char *name, void *(*fn)(void *), void *arg, unsigned stack_order,
			     size_t reserve, bool start)
{
	if (!stack_order)
		stack_order = THREAD_STACK_ORDER;
	struct thread *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->stack = page_alloc(stack_order);
	if (!t->stack)
		goto out_free_thread;
	if (arch_mmu_set_guard(t->stack, 1))
		goto out_free_stack;
	t->stack_order = stack_order;
	t->fn = fn;
	t->arg = arg;
	thread_setup(t, name);
	arch_context_init(&t->ctx, (char *)thread_stack_top(t) - reserve, thread_start);

	unsigned long flags = spin_lock_irqsave(&rq.lock);
	t->id = ++rq.next_id;
	list_add_tail(&t->all_node, &rq.all);
	rq.nr_threads++;
	if (start) {
		t->state = TASK_RUNNING;
		enqueue_locked(t);
	} else {
		t->state = TASK_UNINTERRUPTIBLE;	/* until wake_up_process */
		t->wait_chan = "created";
	}
	spin_unlock_irqrestore(&rq.lock, flags);
	return t;

out_free_stack:
	page_free(t->stack, stack_order);
out_free_thread:
	kfree(t);
	return NULL;
}

struct thread *thread_create(const char *name, void *(*fn)(void *), void *arg, unsigned stack_order)
{
	return create(name, fn, arg, stack_order, 0, true);
}

struct thread *thread_create_stopped(const char *name, void *(*fn)(void *), void *arg,
				     unsigned stack_order, size_t reserve)
{
	return create(name, fn, arg, stack_order, reserve, false);
}

void thread_discard(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&rq.lock);
	BUG_ON(t->state != TASK_UNINTERRUPTIBLE || t->switches);
	list_del_init(&t->all_node);
	rq.nr_threads--;
	spin_unlock_irqrestore(&rq.lock, flags);
	free_thread(t);
}

void *thread_stack_top(struct thread *t)
{
	return (char *)t->stack + ((size_t)PAGE_SIZE << t->stack_order);
}

void thread_exit(void *retval)
{
	struct thread *me = this_cpu.current;

	BUG_ON(me == &rq.idle);
	arch_irq_disable();
	me->retval = retval;
	spin_lock_raw(&rq.lock);
	preempt_disable();
	list_del_init(&me->all_node);
	rq.nr_threads--;
	me->state = TASK_DEAD;
	switch_locked(false);
	panic("dead thread %s resumed", me->name);
}

void *thread_join(struct thread *t)
{
	BUG_ON(t == this_cpu.current || t->detached);
	const char *chan = this_cpu.current->wait_chan;
	this_cpu.current->wait_chan = "join";
	wait_event(&t->join_wq, READ_ONCE(t->exited));
	this_cpu.current->wait_chan = chan;
	void *ret = t->retval;
	free_thread(t);
	return ret;
}

void thread_detach(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&rq.lock);
	bool gone = READ_ONCE(t->exited);
	t->detached = true;
	spin_unlock_irqrestore(&rq.lock, flags);
	if (gone)
		free_thread(t);	/* it exited before: nobody else will free it */
}

void thread_set_name(struct thread *t, const char *name)
{
	char n[THREAD_NAME_MAX] = { 0 };
	memcpy(n, name, strnlen(name, THREAD_NAME_MAX - 1));
	unsigned long flags = spin_lock_irqsave(&rq.lock);
	memcpy(t->name, n, sizeof(n));
	spin_unlock_irqrestore(&rq.lock, flags);
}

void thread_get_name(struct thread *t, char name[THREAD_NAME_MAX])
{
	unsigned long flags = spin_lock_irqsave(&rq.lock);
	memcpy(name, t->name, THREAD_NAME_MAX);
	spin_unlock_irqrestore(&rq.lock, flags);
	name[THREAD_NAME_MAX - 1] = '\0';
}

uint64_t thread_cpu_time_ns(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&rq.lock);
	uint64_t ns = t->runtime_ns;
	if (t == this_cpu.current)
		ns += cycles_to_ns(arch_cycles() - t->last_in);
	spin_unlock_irqrestore(&rq.lock, flags);
	return ns;
}

int thread_count(void)
{
	return READ_ONCE(rq.nr_threads);
}

static const char *state_name(int s)
{
	switch (s) {
	case TASK_RUNNING: return "running";
	case TASK_INTERRUPTIBLE: return "sleeping";
	case TASK_UNINTERRUPTIBLE: return "sleeping (D)";
	case TASK_DEAD: return "dead";
	default: return "?";
	}
}

void sched_print_threads(void)
{
	unsigned long flags = spin_lock_irqsave(&rq.lock);
	struct thread *t;
	printk("  id  name             state          waits on      switches  cpu ms\n");
	list_for_each_entry(t, &rq.all, all_node) {
		printk("  %-3d %-16s %-14s %-12s %9llu  %llu%s\n", t->id, t->name, state_name(t->state),
		       t->state == TASK_RUNNING ? "-" : (t->wait_chan ? t->wait_chan : "wait queue"),
		       (unsigned long long)t->switches,
		       (unsigned long long)(t->runtime_ns / NSEC_PER_MSEC),
		       t == this_cpu.current ? "  <- current" : "");
	}
	spin_unlock_irqrestore(&rq.lock, flags);
}

const char *sched_guard_owner(uint64_t addr)
{
	struct thread *t;
	/* No lock: called from a fault report, when the lock may be held by the faulting code. */
	list_for_each_entry(t, &rq.all, all_node)
		if (t->stack && addr >= (uintptr_t)t->stack && addr < (uintptr_t)t->stack + PAGE_SIZE)
			return t->name;
	struct arch_stack s[4];
	int n = arch_static_stacks(s, 4);
	for (int i = 0; i < n && i < 4; i++)	/* the exception stacks belong to no thread */
		if (addr >= s[i].guard && addr < s[i].guard + PAGE_SIZE)
			return s[i].name;
	return NULL;
}

void sched_for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg)
{
	unsigned long flags = spin_lock_irqsave(&rq.lock);
	struct thread *t;
	list_for_each_entry(t, &rq.all, all_node)
		fn(t, arg);
	spin_unlock_irqrestore(&rq.lock, flags);
}

void sched_init(void)
{
	struct thread *idle = &rq.idle;

	thread_setup(idle, "idle");
	/* The boot stack, which idle keeps, is laid out as a thread's: guard page, then stack. */
	struct arch_stack boot;
	arch_static_stacks(&boot, 1);
	BUG_ON(boot.top - boot.guard != (uintptr_t)PAGE_SIZE << THREAD_STACK_ORDER);
	idle->stack = (void *)boot.guard;
	idle->stack_order = THREAD_STACK_ORDER;
	idle->state = TASK_RUNNING;
	idle->last_in = arch_cycles();
	list_add_tail(&idle->all_node, &rq.all);
	rq.nr_threads = 1;
	this_cpu.current = idle;
	timer_init(&rq.slice_timer, slice_expired, NULL);
	timer_init(&rq.tlb_timer, tlb_refresh_fired, NULL);
}

bool sched_cpu_idle(void)
{
	return this_cpu.current == &rq.idle;
}

void sched_idle_loop(void)
{
	for (;;) {
		/* Deadlines of softirqs (raise_softirq_at): with the CPU about to idle, nothing sooner
		 * would reach them. */
		if (READ_ONCE(softirq_due_first))
			softirq_raise_due(true);
		arch_irq_disable();
		if (!this_cpu.need_resched && list_empty(&rq.queue) && !softirq_pending() &&
		    !softirq_due_first)
			arch_safe_halt();	/* sti; hlt: a wake-up in between is not missed */
		else
			arch_irq_enable();
		if (softirq_pending())
			do_softirq();		/* nothing else to do: finish deferred work first */
		schedule();
	}
}
