/* SPDX-License-Identifier: MIT */
/* Kernel threads and the scheduler: round-robin run queue, preemption by a time slice that is
 * armed only while another thread waits to run (no tick when idle), Linux's task states. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <arch/context.h>
#include <kernel/list.h>
#include <kernel/preempt.h>
#include <kernel/softirq.h>
#include <kernel/timer.h>
#include <kernel/wait.h>
#include <stdbool.h>
#include <stdint.h>

struct robust_list_head;

enum task_state {
	TASK_RUNNING = 0,		/* on the CPU or on the run queue */
	TASK_INTERRUPTIBLE = 1,		/* asleep; a wake-up or a signal ends it */
	TASK_UNINTERRUPTIBLE = 2,	/* asleep; only a wake-up ends it */
	TASK_DEAD = 64,			/* exited; waiting to be joined or reaped */
};

#define THREAD_NAME_MAX		16
#define THREAD_STACK_ORDER	3	/* 8 pages: 28 KiB of stack above a 4 KiB guard page */

struct thread {
	struct arch_context ctx;	/* saved registers while switched out */
	int state;			/* enum task_state */
	int id;				/* small unique number, for reports */
	char name[THREAD_NAME_MAX];
	void *(*fn)(void *);		/* entry point */
	void *arg;
	void *retval;			/* what fn returned or thread_exit was given */
	void *stack;			/* lowest address: the guard page (idle: the boot stack's) */
	unsigned stack_order;		/* stack size is 2^order pages, guard included */
	bool detached;			/* freed by the scheduler on exit instead of by thread_join */
	bool exited;			/* switched out for the last time: safe to free */
	struct list_head run_node;	/* on the run queue while runnable and not running */
	struct list_head all_node;	/* on the list of all threads */
	struct wait_queue_head join_wq;	/* thread_join sleeps here */
	struct ktimer sleep_timer;	/* schedule_timeout's alarm */
	const char *wait_chan;		/* what it sleeps on, for reports and gdb */
	uint64_t switches;		/* times it was switched in */
	uint64_t runtime_ns;		/* CPU time consumed */
	uint64_t last_in;		/* TSC when last switched in */
	bool user;			/* runs an application in user mode (else a kernel thread) */
	int tid;			/* a user thread's id as the application sees it */
	uint32_t *clear_child_tid;	/* a user thread's CLONE_CHILD_CLEARTID word (0 and a futex
					 * wake when it exits) */
	struct robust_list_head *robust_list;	/* a user thread's set_robust_list head (user
						 * memory), walked when it exits */
	struct list_head proc_node;	/* a user thread: on the process's list (kernel/proc.c) */
	/* Signals (kernel/signal.c; the pending state under its lock). */
	unsigned long sigmask;		/* signals blocked (rt_sigprocmask) */
	unsigned long sig_pending;	/* signals sent to this thread, not yet delivered */
	unsigned long sig_saved_mask;	/* the mask a call with a temporary one put aside */
	bool sig_restore_mask;		/* put sig_saved_mask back on the way to user mode */
	bool sig_active;		/* an unblocked signal waits for it (its own or the
					 * process's): sleeps end, the return to user mode delivers */
	uint64_t altstack_sp;		/* sigaltstack's stack: base, size, SS_AUTODISARM */
	uint64_t altstack_size;		/* (0: none) */
	unsigned altstack_flags;
	struct sig_note {		/* what siginfo says of each pending signal */
		int code;
		int pid;
		uint64_t data;		/* the fault address, or the timer overrun */
	} sig_notes[64];
	bool plugged;			/* holds back batchable softirq work (sched_plug) */
	uint32_t plug_softirqs;		/* softirqs held back by the plug, raised by sched_unplug */
	uint32_t plug_passed;		/* softirqs that ran once under the plug (the first goes) */
	struct {			/* mm_range_ok's memo: two regions this thread's calls found
					 * (bounds, protection), valid while the regions' generation
					 * is gen */
		uintptr_t lo[2], hi[2];
		unsigned prot[2];
		unsigned long gen;
		unsigned next;
	} range_memo;
};

/** sched_init - make the boot context the idle thread; threads can be created afterwards. */
void sched_init(void);
/** sched_idle_loop - the boot thread's life after init: run others, halt when none is ready. */
NORETURN void sched_idle_loop(void);
/** sched_cpu_idle - whether the idle thread is the one running (nothing else could). */
bool sched_cpu_idle(void);

/**
 * thread_create - start a thread running @fn(@arg) with a guarded stack of 2^@stack_order pages
 * (0: the default). Returns the thread, or NULL when memory runs out.
 */
struct thread *thread_create(const char *name, void *(*fn)(void *), void *arg, unsigned stack_order);
/**
 * thread_create_stopped - as thread_create, but the thread runs only once wake_up_process(t)
 * (or thread_discard(t) frees it unstarted), and the top @reserve bytes of its stack are left
 * for the caller (a user thread's saved registers).
 */
struct thread *thread_create_stopped(const char *name, void *(*fn)(void *), void *arg,
				     unsigned stack_order, size_t reserve);
/** thread_discard - free a thread thread_create_stopped made and nobody started. */
void thread_discard(struct thread *t);
/** thread_stack_top - one past the highest byte of @t's stack. */
void *thread_stack_top(struct thread *t);
/** thread_join - wait for @t to exit, free it, and return what it returned. */
void *thread_join(struct thread *t);
/** thread_detach - @t frees itself when it exits; it must not be joined. */
void thread_detach(struct thread *t);
/** thread_exit - end the calling thread with @retval. */
NORETURN void thread_exit(void *retval);

/** current_thread - the thread running on this CPU. */
static inline struct thread *current_thread(void)
{
	return this_cpu.current;
}
/** set_current_state - set the running thread's state before testing a sleep condition. */
void set_current_state(int state);

/** schedule - give up the CPU; a thread that is not RUNNING sleeps until woken. */
void schedule(void);
/** preempt_schedule_irq - at the end of an interrupt: switch threads if a switch is due and the
 * interrupted code allows it (no preemption or bottom-half section). */
void preempt_schedule_irq(void);
/** yield - let every other runnable thread run once. */
void yield(void);
/** signal_pending - whether an unblocked signal waits for the running thread (kernel/signal.h):
 * an interruptible sleep tests it with its condition. */
static inline bool signal_pending(void)
{
	return __atomic_load_n(&current_thread()->sig_active, __ATOMIC_ACQUIRE);
}

/** wake_up_process - make @t runnable if it sleeps. Returns 1 if it was asleep. */
int wake_up_process(struct thread *t);
/** wake_up_state - wake_up_process for a thread asleep in one of @states (TASK_* bits). */
int wake_up_state(struct thread *t, int states);

/**
 * schedule_timeout - sleep in the state the caller set for at most @ns nanoseconds.
 * Returns the nanoseconds left when woken early, 0 when the time ran out.
 */
uint64_t schedule_timeout(uint64_t ns);
/** msleep / nsleep - sleep at least this long. */
void msleep(unsigned ms);
void nsleep(uint64_t ns);

/*
 * Plugging, as Linux plugs block I/O: while a thread works through a batch (epoll_wait returned
 * it events, until its next epoll_wait), a softirq may hold back work that batches well, the
 * NIC's transmit doorbell, with sched_plug_defer; sched_unplug raises it again. The plug ends at
 * the thread's next epoll_wait, when it blocks, and at any switch away from it, where what it
 * held back runs (after a preemption, with interrupts off, at the next interrupt exit or bottom
 * half enable instead); the NIC bounds the wait by time too (VNET_TX_PLUG_NS).
 */
/** sched_plug - the running thread starts a batch. */
void sched_plug(void);
/**
 * sched_plug_defer - from a softirq handler: if it runs on behalf of a plugged thread that
 * already let @nr's work through once in this batch, remember to raise @nr when the plug ends and
 * return true (the handler then leaves its work for that run). False when nothing is plugged, and
 * the first time in a batch: the first reply of a batch is not held back for a batch that may
 * never come, and the device works on it while the thread goes on.
 */
bool sched_plug_defer(enum softirq_nr nr);
/** sched_unplug - end the running thread's batch: raise and run what it held back. */
void sched_unplug(void);

/** sched_set_timeslice - preemption time slice in nanoseconds (default 10 ms). */
void sched_set_timeslice(uint64_t ns);
/** sched_set_tlb_refresh - nanoseconds between reloads of the page-table root while the CPU
 * works (default 100 ms; 0: never): QEMU's TCG sizes its software TLB only at such a flush.
 * Returns the previous setting. */
uint64_t sched_set_tlb_refresh(uint64_t ns);
/** sched_tlb_reloads - how many times the page-table root was reloaded so. */
uint64_t sched_tlb_reloads(void);
/** sched_print_threads - one line per thread: id, name, state, what it waits on. */
void sched_print_threads(void);
/**
 * sched_guard_owner - the name of the thread (or exception stack) whose stack guard page holds
 * @addr, or NULL.
 */
const char *sched_guard_owner(uint64_t addr);
/** sched_for_each_thread - call @fn on every thread, run-queue lock held (@fn must not sleep). */
void sched_for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg);
/** thread_set_name - @t's name becomes @name, cut to THREAD_NAME_MAX - 1 bytes (Linux's comm). */
void thread_set_name(struct thread *t, const char *name);
/** thread_get_name - a copy of @t's name, NUL-padded to THREAD_NAME_MAX bytes. */
void thread_get_name(struct thread *t, char name[THREAD_NAME_MAX]);
/** thread_cpu_time_ns - the time @t has run on the CPU, up to now if it is running. */
uint64_t thread_cpu_time_ns(struct thread *t);
/** thread_count - threads alive (idle included). */
int thread_count(void);

#endif
