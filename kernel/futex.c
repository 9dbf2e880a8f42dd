// SPDX-License-Identifier: MIT
/*
 * Futexes: FUTEX_WAIT/WAKE, their _BITSET forms, REQUEUE and CMP_REQUEUE, private or not (one
 * process: the same), with relative (WAIT) or absolute (WAIT_BITSET, CLOCK_MONOTONIC or
 * CLOCK_REALTIME) timeouts, Linux's errno.
 *
 * A waiter queues itself on its word's hash bucket and sets its sleep state under the bucket's
 * lock, after checking the word: a waker who changed the word and then takes the lock finds it
 * queued, and wake_up_process finds it asleep or about to be (no lost wake-up).
 * Locking: each bucket's lock (irqsave) protects its queue; two buckets (requeue) are taken in
 * address order.
 */
#include <kernel/errno.h>
#include <kernel/futex.h>
#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_ANY	0xffffffffu
#define NBUCKETS		64

struct futex_q {
	struct list_head node;		/* on its bucket */
	uint32_t *uaddr;		/* the word it waits on (changed by a requeue) */
	struct thread *t;
	uint32_t bitset;
	bool woken;			/* taken off by a waker: the wait succeeded */
};

static struct bucket {
	struct spinlock lock;
	struct list_head q;	/* struct futex_q, oldest first */
} buckets[NBUCKETS];

void futex_init(void)
{
	for (int i = 0; i < NBUCKETS; i++) {
		spin_lock_init(&buckets[i].lock);
		list_init(&buckets[i].q);
	}
}

static struct bucket *bucket_of(const uint32_t *uaddr)
{
	uintptr_t a = (uintptr_t)uaddr;
	return &buckets[((a >> 2) ^ (a >> 12)) % NBUCKETS];
}

static bool word_ok(const uint32_t *uaddr)
{
	return uaccess_ok(uaddr, sizeof(*uaddr));
}

/* Wake up to @n waiters on @uaddr whose bitset meets @bitset; bucket locked. */
static int wake_locked(struct bucket *b, uint32_t *uaddr, int n, uint32_t bitset)
{
	struct futex_q *q, *tmp;
	int woken = 0;
	list_for_each_entry_safe(q, tmp, &b->q, node) {
		if (woken >= n)
			break;
		if (q->uaddr != uaddr || !(q->bitset & bitset))
			continue;
		list_del_init(&q->node);
		WRITE_ONCE(q->woken, true);
		wake_up_process(q->t);
		woken++;
	}
	return woken;
}

int futex_wake(uint32_t *uaddr, int n)
{
	struct bucket *b = bucket_of(uaddr);
	unsigned long f = spin_lock_irqsave(&b->lock);
	int woken = wake_locked(b, uaddr, n, FUTEX_BITSET_ANY);
	spin_unlock_irqrestore(&b->lock, f);
	return woken;
}

/* Sleep on @uaddr while it holds @val, until woken or (when @deadline) ktime @deadline_ns. */
static long futex_wait(uint32_t *uaddr, uint32_t val, bool deadline, uint64_t deadline_ns,
		       uint32_t bitset)
{
	struct bucket *b = bucket_of(uaddr);
	struct thread *me = current_thread();
	struct futex_q q = { .uaddr = uaddr, .t = me, .bitset = bitset };

	unsigned long f = spin_lock_irqsave(&b->lock);
	if (__atomic_load_n(uaddr, __ATOMIC_SEQ_CST) != val) {
		spin_unlock_irqrestore(&b->lock, f);
		return -EAGAIN;
	}
	list_add_tail(&q.node, &b->q);
	const char *chan = me->wait_chan;
	me->wait_chan = "futex";
	bool interrupted = false;
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		spin_unlock_irqrestore(&b->lock, f);
		if (signal_pending()) {
			interrupted = true;
		} else if (!deadline) {
			schedule();
		} else {
			uint64_t now = ktime_ns();
			if (now < deadline_ns)
				schedule_timeout(deadline_ns - now);
		}
		set_current_state(TASK_RUNNING);
		f = spin_lock_irqsave(&b->lock);
		/* A requeue may have moved us to another bucket: follow the word. */
		struct bucket *nb = bucket_of(q.uaddr);
		if (nb != b) {
			spin_unlock_irqrestore(&b->lock, f);
			b = nb;
			f = spin_lock_irqsave(&b->lock);
			if (bucket_of(q.uaddr) != b)
				continue;
		}
		if (READ_ONCE(q.woken) || (deadline && ktime_ns() >= deadline_ns) || interrupted)
			break;
	}
	bool woken = READ_ONCE(q.woken);
	if (!woken)
		list_del_init(&q.node);
	spin_unlock_irqrestore(&b->lock, f);
	me->wait_chan = chan;
	if (woken)
		return 0;
	/* Interrupted: restarted under SA_RESTART when it has no time limit, as Linux's futex_wait;
	 * with one, EINTR whenever a handler ran. */
	if (interrupted)
		return deadline ? -ERESTARTNOHAND : -ERESTARTSYS;
	return -ETIMEDOUT;
}

static long futex_requeue(uint32_t *uaddr, int nwake, int nmove, uint32_t *uaddr2, bool cmp,
			  uint32_t cmpval)
{
	struct bucket *b1 = bucket_of(uaddr), *b2 = bucket_of(uaddr2);
	struct bucket *lo = b1 < b2 ? b1 : b2, *hi = b1 < b2 ? b2 : b1;

	unsigned long f = spin_lock_irqsave(&lo->lock);
	if (hi != lo)
		spin_lock_raw(&hi->lock);
	long ret;
	if (cmp && __atomic_load_n(uaddr, __ATOMIC_SEQ_CST) != cmpval) {
		ret = -EAGAIN;
		goto out;
	}
	ret = wake_locked(b1, uaddr, nwake, FUTEX_BITSET_ANY);
	struct futex_q *q, *tmp;
	int moved = 0;
	list_for_each_entry_safe(q, tmp, &b1->q, node) {
		if (moved >= nmove)
			break;
		if (q->uaddr != uaddr)
			continue;
		q->uaddr = uaddr2;
		if (b2 != b1) {
			list_del_init(&q->node);
			list_add_tail(&q->node, &b2->q);
		}
		moved++;
	}
	ret += moved;
out:
	if (hi != lo)
		spin_unlock_raw(&hi->lock);
	spin_unlock_irqrestore(&lo->lock, f);
	return ret;
}

static int timespec_ns(const struct timespec *ts, uint64_t *ns)
{
	if (!uaccess_ok(ts, sizeof(*ts)))
		return -EFAULT;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -EINVAL;
	*ns = (uint64_t)ts->tv_sec > (UINT64_MAX >> 1) / NSEC_PER_SEC ? UINT64_MAX >> 1 :
	      (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	return 0;
}

long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *timeout,
	       uint32_t *uaddr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	uint64_t ns = 0;

	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	if ((uintptr_t)uaddr & 3)
		return -EINVAL;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		uint32_t bitset = cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY : val3;
		if (!bitset)
			return -EINVAL;
		if (!word_ok(uaddr))
			return -EFAULT;
		bool has = timeout != NULL;
		uint64_t deadline = 0;
		if (has) {
			int err = timespec_ns(timeout, &ns);
			if (err)
				return err;
			if (cmd == FUTEX_WAIT) {
				deadline = ktime_ns() + ns;	/* relative, on the monotonic clock */
			} else {
				uint64_t now = realtime ? clock_realtime_ns() : ktime_ns();
				deadline = ktime_ns() + (ns > now ? ns - now : 0);
			}
		}
		return futex_wait(uaddr, val, has, deadline, bitset);
	}
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		uint32_t bitset = cmd == FUTEX_WAKE ? FUTEX_BITSET_ANY : val3;
		if (!bitset)
			return -EINVAL;
		if (!word_ok(uaddr))
			return -EFAULT;
		struct bucket *b = bucket_of(uaddr);
		unsigned long f = spin_lock_irqsave(&b->lock);
		int woken = wake_locked(b, uaddr, (int)MIN(val, (uint32_t)INT32_MAX), bitset);
		spin_unlock_irqrestore(&b->lock, f);
		return woken;
	}
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE: {
		/* The timeout argument carries the number to requeue. */
		long nmove = (long)(uintptr_t)timeout;
		if ((int)val < 0 || nmove < 0 || (uintptr_t)uaddr2 & 3)
			return -EINVAL;
		if (!word_ok(uaddr) || !word_ok(uaddr2))
			return -EFAULT;
		return futex_requeue(uaddr, (int)val, (int)MIN(nmove, (long)INT32_MAX), uaddr2,
				     cmd == FUTEX_CMP_REQUEUE, val3);
	}
	default:
		return -ENOSYS;
	}
}
