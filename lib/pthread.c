// SPDX-License-Identifier: MIT
/* POSIX threads over the kernel's objects: a pthread_t is a struct thread, a pthread_mutex_t
 * holds a struct mutex, a pthread_cond_t a wait queue head.
 *
 * Static initializers: the kernel's wait queues are lists that link to themselves, which a
 * static initializer cannot write without the object's name. So PTHREAD_MUTEX_INITIALIZER and
 * PTHREAD_COND_INITIALIZER leave "ready" at 0 and the first operation initializes the object,
 * under lazy_lock (checked again under it, so two first users cannot both do it).
 *
 * Condition variables: a waiter queues an exclusive entry on the cond's wait queue while it
 * still holds the mutex, then unlocks and sleeps. Signal and broadcast dequeue entries and wake
 * their threads (cond_wake): a dequeued entry is the waiter's proof it was signalled, so a
 * signal is never lost to a waiter that happened to be running at that instant. A waiter that
 * times out takes itself off the queue under the queue's lock; if a signal got there first, it
 * reports success instead. Waiters are woken in arrival order. */
#include <errno.h>
#include <kernel/mutex.h>
#include <kernel/page.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>

_Static_assert(sizeof(struct mutex) <= sizeof(((pthread_mutex_t *)0)->impl),
	       "pthread_mutex_t.impl holds a struct mutex");
_Static_assert(_Alignof(struct mutex) <= _Alignof(uint64_t), "struct mutex alignment");
_Static_assert(sizeof(struct wait_queue_head) <= sizeof(((pthread_cond_t *)0)->impl),
	       "pthread_cond_t.impl holds a struct wait_queue_head");
_Static_assert(_Alignof(struct wait_queue_head) <= _Alignof(uint64_t), "wait queue alignment");

#define WAIT_MAX_NS	(1ULL << 62)	/* longest timed wait: about 146 years */

static struct spinlock lazy_lock = SPINLOCK_INIT;	/* first-use setup of static objects */
static struct wait_queue_head once_wq = WAIT_QUEUE_HEAD_INIT(once_wq);	/* pthread_once waiters */

/* ---- threads ---- */

int pthread_attr_init(pthread_attr_t *attr)
{
	attr->detachstate = PTHREAD_CREATE_JOINABLE;
	attr->stacksize = 0;
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
	if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
		return EINVAL;
	attr->detachstate = state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
	*state = attr->detachstate;
	return 0;
}

/* Usable bytes of a kernel stack of 2^order pages: the lowest page is the guard. */
static size_t stack_bytes(unsigned order)
{
	return (((size_t)1 << order) - 1) * PAGE_SIZE;
}

/* The smallest stack order with at least @size usable bytes (never below the default), or 0
 * when no stack is that large. */
static unsigned stack_order_for(size_t size)
{
	for (unsigned order = THREAD_STACK_ORDER; order <= PAGE_MAX_ORDER; order++)
		if (stack_bytes(order) >= size)
			return order;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
	if (size < PTHREAD_STACK_MIN || !stack_order_for(size))
		return EINVAL;
	attr->stacksize = size;
	return 0;
}

/* The size the thread will really get. */
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
	*size = stack_bytes(stack_order_for(attr->stacksize));
	return 0;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	unsigned order = THREAD_STACK_ORDER;
	bool detach = false;

	if (attr) {
		order = stack_order_for(attr->stacksize);
		if (!order || (attr->detachstate != PTHREAD_CREATE_JOINABLE &&
			       attr->detachstate != PTHREAD_CREATE_DETACHED))
			return EINVAL;
		detach = attr->detachstate == PTHREAD_CREATE_DETACHED;
	}
	struct thread *t = thread_create("pthread", fn, arg, order);
	if (!t)
		return EAGAIN;
	*thread = t;
	/* It may already be running, even finished: thread_detach handles both. */
	if (detach)
		thread_detach(t);
	return 0;
}

int pthread_join(pthread_t thread, void **retval)
{
	if (thread == current_thread())
		return EDEADLK;
	if (READ_ONCE(thread->detached))
		return EINVAL;
	void *ret = thread_join(thread);
	if (retval)
		*retval = ret;
	return 0;
}

int pthread_detach(pthread_t thread)
{
	if (READ_ONCE(thread->detached))
		return EINVAL;
	thread_detach(thread);
	return 0;
}

void pthread_exit(void *retval)
{
	thread_exit(retval);
}

pthread_t pthread_self(void)
{
	return current_thread();
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

enum { ONCE_NEW, ONCE_RUNNING, ONCE_DONE };

/* The first caller runs @fn; any other waits until it is done (a once routine may itself use
 * other once controls: the waiting is per control). */
int pthread_once(pthread_once_t *once, void (*fn)(void))
{
	if (__atomic_load_n(once, __ATOMIC_ACQUIRE) == ONCE_DONE)
		return 0;
	int expected = ONCE_NEW;
	if (__atomic_compare_exchange_n(once, &expected, ONCE_RUNNING, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		fn();
		__atomic_store_n(once, ONCE_DONE, __ATOMIC_RELEASE);
		wake_up_all(&once_wq);
		return 0;
	}
	wait_event(&once_wq, __atomic_load_n(once, __ATOMIC_ACQUIRE) == ONCE_DONE);
	return 0;
}

/* ---- mutexes ---- */

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
	attr->kind = PTHREAD_MUTEX_DEFAULT;
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int kind)
{
	if (kind != PTHREAD_MUTEX_NORMAL && kind != PTHREAD_MUTEX_RECURSIVE &&
	    kind != PTHREAD_MUTEX_ERRORCHECK)
		return EINVAL;
	attr->kind = kind;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *kind)
{
	*kind = attr->kind;
	return 0;
}

/* Run @init(@obj) unless *@ready says a first user already did; two first users do it once. */
static void lazy_init(unsigned int *ready, void (*init)(void *obj), void *obj)
{
	if (__atomic_load_n(ready, __ATOMIC_ACQUIRE))
		return;
	unsigned long flags = spin_lock_irqsave(&lazy_lock);
	if (!*ready) {
		init(obj);
		__atomic_store_n(ready, 1, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&lazy_lock, flags);
}

static void mutex_init_obj(void *m)
{
	mutex_init(m);
}

static struct mutex *mutex_of(pthread_mutex_t *pm)
{
	struct mutex *m = (struct mutex *)pm->impl;
	lazy_init(&pm->ready, mutex_init_obj, m);
	return m;
}

int pthread_mutex_init(pthread_mutex_t *pm, const pthread_mutexattr_t *attr)
{
	pm->kind = attr ? attr->kind : PTHREAD_MUTEX_DEFAULT;
	pm->depth = 0;
	mutex_init((struct mutex *)pm->impl);
	__atomic_store_n(&pm->ready, 1, __ATOMIC_RELEASE);
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *pm)
{
	if (READ_ONCE(mutex_of(pm)->owner))
		return EBUSY;
	pm->ready = 0;
	return 0;
}

/* The owner field changes only under the mutex's lock, and only the owner can see itself
 * there: an unlocked read is exact for "do I hold it". */
static bool held_by_me(struct mutex *m)
{
	return READ_ONCE(m->owner) == current_thread();
}

/* Relocking by the owner: counted for RECURSIVE, refused for the other kinds. */
static int relock(pthread_mutex_t *pm)
{
	if (pm->kind != PTHREAD_MUTEX_RECURSIVE)
		return EDEADLK;
	if (pm->depth == UINT_MAX)
		return EAGAIN;
	pm->depth++;
	return 0;
}

int pthread_mutex_lock(pthread_mutex_t *pm)
{
	struct mutex *m = mutex_of(pm);
	if (held_by_me(m))
		return relock(pm);
	mutex_lock(m);
	pm->depth = 1;
	return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *pm)
{
	struct mutex *m = mutex_of(pm);
	if (held_by_me(m))
		return pm->kind == PTHREAD_MUTEX_RECURSIVE ? relock(pm) : EBUSY;
	if (!mutex_trylock(m))
		return EBUSY;
	pm->depth = 1;
	return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *pm)
{
	struct mutex *m = mutex_of(pm);
	if (!held_by_me(m))
		return EPERM;
	if (--pm->depth)
		return 0;
	mutex_unlock(m);
	return 0;
}

/* ---- condition variables ---- */

int pthread_condattr_init(pthread_condattr_t *attr)
{
	attr->clock = CLOCK_REALTIME;
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return EINVAL;
	attr->clock = clock;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock)
{
	*clock = attr->clock;
	return 0;
}

static void wait_queue_init_obj(void *wq)
{
	wait_queue_head_init(wq);
}

static struct wait_queue_head *cond_wq(pthread_cond_t *pc)
{
	struct wait_queue_head *wq = (struct wait_queue_head *)pc->impl;
	lazy_init(&pc->ready, wait_queue_init_obj, wq);
	return wq;
}

int pthread_cond_init(pthread_cond_t *pc, const pthread_condattr_t *attr)
{
	pc->clock = attr ? attr->clock : CLOCK_REALTIME;
	wait_queue_head_init((struct wait_queue_head *)pc->impl);
	__atomic_store_n(&pc->ready, 1, __ATOMIC_RELEASE);
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *pc)
{
	struct wait_queue_head *wq = cond_wq(pc);
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	bool busy = waitqueue_active(wq);
	spin_unlock_irqrestore(&wq->lock, flags);
	if (busy)
		return EBUSY;
	pc->ready = 0;
	return 0;
}

/* Runs under the queue's lock: the signal belongs to this waiter whatever its state. */
static int cond_wake(struct wait_entry *we, unsigned mode, int flags, void *key)
{
	(void)mode;
	(void)flags;
	(void)key;
	list_del_init(&we->entry);
	wake_up_process(we->private);
	return 1;
}

static bool still_queued(struct wait_queue_head *wq, struct wait_entry *we)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	bool queued = !list_empty(&we->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
	return queued;
}

/* Take @we off the queue unless a signal did: true when it was still queued (no signal). */
static bool dequeue(struct wait_queue_head *wq, struct wait_entry *we)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	bool queued = !list_empty(&we->entry);
	if (queued)
		list_del_init(&we->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
	return queued;
}

/* Nanoseconds on @clk now, through the system call apps use. */
static uint64_t clock_now_ns(clockid_t clk)
{
	struct timespec ts;
	if (clock_gettime(clk, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/*
 * @deadline: ktime_ns() at which to give up, or 0 for never. The caller holds @pm; it is held
 * again on return (with the same recursion depth).
 */
static int cond_wait(pthread_cond_t *pc, pthread_mutex_t *pm, uint64_t deadline)
{
	struct wait_queue_head *wq = cond_wq(pc);
	struct mutex *m = mutex_of(pm);
	struct thread *me = current_thread();
	struct wait_entry we;
	int ret = 0;

	if (!held_by_me(m))
		return EPERM;
	wait_entry_init(&we, cond_wake, me);
	const char *chan = me->wait_chan;
	me->wait_chan = "pthread_cond";
	/* Queued before the mutex is dropped: a signal sent once it is free finds us. */
	prepare_to_wait_exclusive(wq, &we, TASK_UNINTERRUPTIBLE);
	unsigned depth = pm->depth;
	pm->depth = 0;
	mutex_unlock(m);
	for (;;) {
		if (!still_queued(wq, &we))
			break;				/* signalled */
		if (deadline) {
			uint64_t now = ktime_ns();
			if (now >= deadline) {
				if (dequeue(wq, &we))
					ret = ETIMEDOUT;
				break;
			}
			schedule_timeout(deadline - now);
		} else {
			schedule();
		}
		set_current_state(TASK_UNINTERRUPTIBLE);
	}
	set_current_state(TASK_RUNNING);
	me->wait_chan = chan;
	mutex_lock(m);
	pm->depth = depth;
	return ret;
}

int pthread_cond_wait(pthread_cond_t *pc, pthread_mutex_t *pm)
{
	return cond_wait(pc, pm, 0);
}

int pthread_cond_timedwait(pthread_cond_t *pc, pthread_mutex_t *pm, const struct timespec *abstime)
{
	if (abstime->tv_nsec < 0 || abstime->tv_nsec >= (long)NSEC_PER_SEC)
		return EINVAL;
	if (!held_by_me(mutex_of(pm)))
		return EPERM;
	if (abstime->tv_sec < 0)
		return ETIMEDOUT;
	/* Waits longer than WAIT_MAX_NS (146 years) are cut to it: "never" in practice, and the
	 * kernel's deadline arithmetic cannot overflow. */
	uint64_t sec = (uint64_t)abstime->tv_sec;
	if (sec > WAIT_MAX_NS / NSEC_PER_SEC * 2)
		sec = WAIT_MAX_NS / NSEC_PER_SEC * 2;
	uint64_t abs_ns = sec * NSEC_PER_SEC + (uint64_t)abstime->tv_nsec;
	uint64_t now = clock_now_ns(pc->clock);
	if (abs_ns <= now)
		return ETIMEDOUT;
	uint64_t left = abs_ns - now;
	if (left > WAIT_MAX_NS)
		left = WAIT_MAX_NS;
	return cond_wait(pc, pm, ktime_ns() + left);
}

int pthread_cond_signal(pthread_cond_t *pc)
{
	wake_up_key(cond_wq(pc), 1, NULL);
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *pc)
{
	wake_up_key(cond_wq(pc), 0, NULL);
	return 0;
}
