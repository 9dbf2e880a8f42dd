// SPDX-License-Identifier: MIT
/* poll(2) and ppoll(2): poll each descriptor with a table whose queue procedure hangs a wake-up
 * for this thread on every wait queue offered; sleep until one of them fires with an interesting
 * key or the time runs out; poll again. Entries are freed when the call ends. */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/poll.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/slab.h>
#include <kernel/syscall.h>
#include <kernel/time.h>

struct poll_entry {
	struct wait_entry wait;		/* on the file's queue; func = pollwake */
	struct wait_queue_head *wq;
	struct file *file;		/* referenced while hooked */
	uint32_t key;			/* events this descriptor cares about */
	struct poll_entry *next;
};

struct poll_wqueues {
	struct poll_table pt;
	struct thread *waiter;
	struct poll_entry *entries;
	int triggered;			/* a wake-up arrived since the last poll pass (atomic) */
	int error;			/* -ENOMEM if an entry could not be allocated */
};

static int pollwake(struct wait_entry *we, unsigned mode, int flags, void *key)
{
	struct poll_entry *e = container_of(we, struct poll_entry, wait);
	struct poll_wqueues *pwq = we->private;

	(void)mode;
	(void)flags;
	if (key && !(key_to_poll(key) & e->key))
		return 0;
	__atomic_store_n(&pwq->triggered, 1, __ATOMIC_SEQ_CST);
	return wake_up_process(pwq->waiter);
}

static void pollwait_queue_proc(struct file *f, struct wait_queue_head *wq, struct poll_table *pt)
{
	struct poll_wqueues *pwq = container_of(pt, struct poll_wqueues, pt);
	struct poll_entry *e = kmalloc(sizeof(*e));

	if (!e) {
		pwq->error = -ENOMEM;
		return;
	}
	file_get(f);
	e->file = f;
	e->wq = wq;
	e->key = pt->key;
	e->next = pwq->entries;
	pwq->entries = e;
	wait_entry_init(&e->wait, pollwake, pwq);
	add_wait_queue(wq, &e->wait);
}

static void poll_freewait(struct poll_wqueues *pwq)
{
	while (pwq->entries) {
		struct poll_entry *e = pwq->entries;
		pwq->entries = e->next;
		remove_wait_queue(e->wq, &e->wait);
		file_put(e->file);
		kfree(e);
	}
}

/* One pass over the descriptors; hooks are installed only on the first pass (@pt non-NULL). */
static int poll_pass(struct pollfd *fds, nfds_t nfds, struct poll_wqueues *pwq, bool hook)
{
	int count = 0;

	for (nfds_t i = 0; i < nfds; i++) {
		struct pollfd *p = &fds[i];
		uint32_t mask = 0;
		if (p->fd >= 0) {
			struct file *f = fd_get(p->fd);
			if (!f) {
				mask = POLLNVAL;
			} else {
				uint32_t want = (uint16_t)p->events | POLLERR | POLLHUP;
				pwq->pt.key = want;
				mask = vfs_poll(f, hook && !count ? &pwq->pt : NULL) & want;
				file_put(f);
			}
		}
		p->revents = (short)mask;
		if (mask)
			count++;
	}
	return count;
}

static long do_poll(struct pollfd *fds, nfds_t nfds, int64_t timeout_ns)
{
	struct poll_wqueues pwq = { .waiter = current_thread() };
	uint64_t end = timeout_ns > 0 ? ktime_ns() + (uint64_t)timeout_ns : 0;
	bool first = true;
	int count;

	if (nfds > (nfds_t)fd_get_limit())
		return -EINVAL;
	if (nfds && !uaccess_write_ok(fds, nfds * sizeof(*fds)))
		return -EFAULT;
	poll_table_init(&pwq.pt, pollwait_queue_proc, 0);
	for (;;) {
		/* Poll in TASK_RUNNING: a poll method may sleep on a mutex (an epoll file's). A
		 * wake-up from here on sets triggered, tested after the sleep state is set. */
		__atomic_store_n(&pwq.triggered, 0, __ATOMIC_SEQ_CST);
		/* Hook only while nothing is ready and we may sleep: no wasted entries. */
		count = poll_pass(fds, nfds, &pwq, first && timeout_ns != 0);
		first = false;
		if (count || timeout_ns == 0 || pwq.error)
			break;
		if (signal_pending()) {
			pwq.error = -ERESTARTNOHAND;	/* EINTR once a handler ran (Linux's poll) */
			break;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (__atomic_load_n(&pwq.triggered, __ATOMIC_SEQ_CST) || signal_pending()) {
			set_current_state(TASK_RUNNING);
			continue;
		}
		if (timeout_ns < 0) {
			schedule();
		} else {
			uint64_t now = ktime_ns();
			if (now >= end || !schedule_timeout(end - now)) {
				set_current_state(TASK_RUNNING);
				break;
			}
		}
		set_current_state(TASK_RUNNING);
	}
	if (count == 0 && timeout_ns != 0 && !pwq.error)
		poll_pass(fds, nfds, &pwq, false);	/* final state after a time-out */
	poll_freewait(&pwq);
	return pwq.error && !count ? pwq.error : count;
}

long sys_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	return do_poll(fds, nfds, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000LL);
}

long sys_ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *ts, const sigset_t *mask,
	       size_t sigsetsize)
{
	int64_t ns = -1;

	if (ts) {
		if (!uaccess_ok(ts, sizeof(*ts)))
			return -EFAULT;
		if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
			return -EINVAL;
		ns = ts->tv_sec > INT64_MAX / 1000000000LL - 1 ? INT64_MAX
			: ts->tv_sec * 1000000000LL + ts->tv_nsec;
	}
	long err = signal_set_temp_mask(mask, sigsetsize);
	if (err)
		return err;
	long ret = do_poll(fds, nfds, ns);
	signal_end_temp_mask(ret == -ERESTARTNOHAND);
	return ret;
}
