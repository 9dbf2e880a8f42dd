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
 *
 * Robust futexes: a thread names its list of held robust locks (set_robust_list); when it exits,
 * every lock on the list whose word still holds its thread id is marked FUTEX_OWNER_DIED and one
 * waiter woken, so that the next locker gets EOWNERDEAD instead of waiting forever. The list is
 * user memory: every access is checked, and a bad list ends the walk silently, as on Linux.
 */
#include <kernel/errno.h>
#include <kernel/futex.h>
#include <kernel/list.h>
#include <kernel/proc.h>
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

/* The robust-list ABI (linux/futex.h). */
#define FUTEX_WAITERS		0x80000000u	/* the lock word: someone waits */
#define FUTEX_OWNER_DIED	0x40000000u	/* its owner exited holding it */
#define FUTEX_TID_MASK		0x3fffffffu	/* the owner's thread id */
#define ROBUST_LIST_LIMIT	2048		/* entries walked at most: a cycle ends */

struct robust_list {
	struct robust_list *next;	/* bit 0: the lock is a PI futex */
};

struct robust_list_head {
	struct robust_list list;		/* the first entry; the list ends back here */
	long futex_offset;			/* from an entry to its lock word */
	struct robust_list *list_op_pending;	/* a lock being taken or released, or NULL */
};

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

/* ---- robust lists ---- */

long sys_set_robust_list(struct robust_list_head *head, size_t len)
{
	if (len != sizeof(*head))
		return -EINVAL;
	WRITE_ONCE(current_thread()->robust_list, head);
	return 0;
}

static void read_robust_list(struct thread *t, void *arg)
{
	*(struct robust_list_head **)arg = READ_ONCE(t->robust_list);
}

/* @pid 0: the caller's; else the thread of this process with that id (ESRCH: none). */
long sys_get_robust_list(int pid, struct robust_list_head **head_ptr, size_t *len_ptr)
{
	struct robust_list_head *head;

	if (!pid)
		head = READ_ONCE(current_thread()->robust_list);
	else if (!proc_thread_call(pid, read_robust_list, &head))
		return -ESRCH;
	if (!uaccess_write_ok(len_ptr, sizeof(*len_ptr)))
		return -EFAULT;
	*len_ptr = sizeof(*head);
	if (!uaccess_write_ok(head_ptr, sizeof(*head_ptr)))
		return -EFAULT;
	*head_ptr = head;
	return 0;
}

/* Read the list pointer at @p (user memory) into @entry and its PI bit into @pi; false when
 * the application may not read it. */
static bool robust_fetch(struct robust_list *const *p, struct robust_list **entry, bool *pi)
{
	if (!uaccess_ok(p, sizeof(*p)))
		return false;
	uintptr_t v = (uintptr_t)READ_ONCE(*p);
	*entry = (struct robust_list *)(v & ~(uintptr_t)1);
	*pi = v & 1;
	return true;
}

/*
 * The lock word at @uaddr of a robust lock that thread @tid, exiting, may hold: if its owner bits
 * are @tid, set FUTEX_OWNER_DIED (keeping FUTEX_WAITERS, clearing the owner) and wake one waiter
 * when there were some (a PI lock's waiters are not futex waiters here: none). @pending: the lock
 * was being taken or released; if it is free, its release's wake-up may not have happened, so
 * one waiter is woken. False when the word cannot be read or written: the walk ends.
 */
static bool robust_owner_died(uint32_t *uaddr, int tid, bool pi, bool pending)
{
	if ((uintptr_t)uaddr & 3 || !word_ok(uaddr))
		return false;
	uint32_t val = __atomic_load_n(uaddr, __ATOMIC_RELAXED);
	for (;;) {
		uint32_t owner = val & FUTEX_TID_MASK;
		if (pending && !pi && !owner) {
			futex_wake(uaddr, 1);
			return true;
		}
		if (owner != (uint32_t)tid)
			return true;
		if (!uaccess_write_ok(uaddr, sizeof(*uaddr)))
			return false;
		uint32_t dead = (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (__atomic_compare_exchange_n(uaddr, &val, dead, false, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED))
			break;
	}
	if (!pi && (val & FUTEX_WAITERS))
		futex_wake(uaddr, 1);
	return true;
}

static uint32_t *robust_word(struct robust_list *entry, long offset)
{
	return (uint32_t *)((uintptr_t)entry + (uintptr_t)offset);
}

void futex_exit_robust_list(struct thread *t)
{
	struct robust_list_head *head = READ_ONCE(t->robust_list);
	struct robust_list *entry, *next, *pending;
	bool pi, next_pi, pending_pi;

	if (!head)
		return;
	if (!robust_fetch(&head->list.next, &entry, &pi) ||
	    !uaccess_ok(&head->futex_offset, sizeof(head->futex_offset)))
		return;
	long offset = READ_ONCE(head->futex_offset);
	if (!robust_fetch(&head->list_op_pending, &pending, &pending_pi))
		return;
	for (unsigned left = ROBUST_LIST_LIMIT; entry != &head->list && left; left--) {
		/* The next entry first: marking this one lets another thread unlink it. */
		bool next_ok = robust_fetch(&entry->next, &next, &next_pi);
		/* The pending lock may be on the list already: it is handled once, below. */
		if (entry != pending &&
		    !robust_owner_died(robust_word(entry, offset), t->tid, pi, false))
			return;
		if (!next_ok)
			return;
		entry = next;
		pi = next_pi;
	}
	if (pending)
		robust_owner_died(robust_word(pending, offset), t->tid, pending_pi, true);
}
