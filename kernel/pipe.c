// SPDX-License-Identifier: MIT
/* Anonymous pipes, behaving as Linux 6.x's fs/pipe.c does: a ring of 16 page-sized slots, writes
 * that merge into the last slot or fill new ones a page at a time, readiness by slots rather
 * than bytes, and the same wake-ups with the same keys (see the notes above pipe_write).
 *
 * Locking: pipe->mutex protects the ring, the counts of readers and writers and the spare page;
 * read, write and release take it and may sleep. poll() takes no lock (it must not sleep): it
 * reads head and tail in one 64-bit load and the counts with READ_ONCE, after registering its
 * wait queue, so a change it misses is followed by a wake-up it will see. Wake-ups go out after
 * the mutex is dropped (release: while held, as Linux) and only take the wait queue's spinlock,
 * so eventpoll's callback may run from them in any context. Nobody sleeps holding a spinlock:
 * readers and writers sleep with the mutex dropped, on rd_wait / wr_wait. */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/mutex.h>
#include <kernel/page.h>
#include <kernel/pipe.h>
#include <kernel/poll.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/slab.h>
#include <kernel/syscall.h>
#include <kernel/wait.h>
#include <string.h>
#include <uapi/stat.h>

#define SLOT_CAN_MERGE	0x01	/* a later small write may append to this slot */
#define SLOT_PACKET	0x02	/* written in packet mode (O_DIRECT): read as one message */

struct pipe_slot {
	void *page;		/* the data page, NULL when the slot is free */
	uint32_t offset;	/* first unread byte in the page */
	uint32_t len;		/* unread bytes from offset */
	unsigned flags;		/* SLOT_* */
};

/* head and tail run freely and are masked only to index: head - tail is the occupancy. They sit
 * in one 64-bit word so that poll() reads a consistent pair without the mutex. */
union pipe_index {
	uint64_t head_tail;
	struct {
		uint32_t tail;	/* next slot to read */
		uint32_t head;	/* next slot to fill */
	};
};

struct pipe {
	struct mutex mutex;		/* the ring, readers/writers, files, spare */
	struct wait_queue_head rd_wait;	/* readers, and pollers of the read end */
	struct wait_queue_head wr_wait;	/* writers, and pollers of the write end */
	union pipe_index idx;		/* ring positions */
	unsigned readers;		/* open read ends */
	unsigned writers;		/* open write ends */
	unsigned files;			/* files referring to the pipe; the last one frees it */
	bool poll_usage;		/* polled once: every write wakes rd_wait (Linux's epoll rule) */
	void *spare;			/* one freed page kept for the next write */
	struct pipe_slot slots[PIPE_DEF_BUFFERS];
};

static const struct file_operations pipe_fops;
static long nr_pipes;

static inline bool pipe_empty(uint32_t head, uint32_t tail)
{
	return head == tail;
}

static inline bool pipe_full(uint32_t head, uint32_t tail)
{
	return head - tail >= PIPE_DEF_BUFFERS;
}

static inline struct pipe_slot *pipe_slot(struct pipe *p, uint32_t i)
{
	return &p->slots[i & (PIPE_DEF_BUFFERS - 1)];
}

static inline union pipe_index pipe_index_snapshot(struct pipe *p)
{
	union pipe_index idx = { .head_tail = READ_ONCE(p->idx.head_tail) };
	return idx;
}

static inline bool file_readable(const struct file *f)
{
	return (f->f_flags & O_ACCMODE) != O_WRONLY;
}

static inline bool file_writable(const struct file *f)
{
	return (f->f_flags & O_ACCMODE) != O_RDONLY;
}

/* Sleep conditions, tested without the mutex. */
static bool pipe_readable(struct pipe *p)
{
	union pipe_index idx = pipe_index_snapshot(p);
	return !pipe_empty(idx.head, idx.tail) || !READ_ONCE(p->writers);
}

static bool pipe_writable(struct pipe *p)
{
	union pipe_index idx = pipe_index_snapshot(p);
	return !pipe_full(idx.head, idx.tail) || !READ_ONCE(p->readers);
}

/* Linux's wait_event_interruptible_exclusive (-ERESTARTSYS when a signal ends it): queue at the tail as an exclusive waiter, so one
 * data wake-up (nr_exclusive 1) starts one sleeper; that one wakes the next if it leaves data or
 * room behind (wake_next_reader / wake_next_writer). Called without the mutex. */
static int pipe_wait_exclusive(struct wait_queue_head *wq, bool (*cond)(struct pipe *), struct pipe *p)
{
	DEFINE_WAIT(we);
	int ret = 0;
	for (;;) {
		prepare_to_wait_exclusive(wq, &we, TASK_INTERRUPTIBLE);
		if (cond(p))
			break;
		if (signal_pending()) {
			ret = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(wq, &we);
	return ret;
}

static void pipe_wake(struct wait_queue_head *wq, uint32_t mask)
{
	/* Linux's wake_up_interruptible_sync_poll: every non-exclusive entry (pollers, eventpoll)
	 * and one exclusive sleeper. */
	wake_up_key(wq, 1, poll_to_key(mask));
}

/* With the mutex held. */
static void *pipe_get_page(struct pipe *p)
{
	void *page = p->spare;
	if (page) {
		p->spare = NULL;
		return page;
	}
	return page_alloc(0);
}

static void pipe_put_page(struct pipe *p, void *page)
{
	if (!p->spare)
		p->spare = page;
	else
		page_free(page, 0);
}

static ssize_t pipe_read(struct file *f, void *buf, size_t len)
{
	struct pipe *p = f->private_data;
	bool wake_writer = false, wake_next_reader = false;
	size_t left = len;
	ssize_t ret = 0;

	if (!file_readable(f))
		return -EBADF;
	if (!len)
		return 0;	/* a null read succeeds, whatever the state */

	mutex_lock(&p->mutex);
	for (;;) {
		uint32_t head = p->idx.head;
		uint32_t tail = p->idx.tail;

		if (!pipe_empty(head, tail)) {
			struct pipe_slot *s = pipe_slot(p, tail);
			size_t chars = MIN((size_t)s->len, left);

			/* The copy is what faults, as in Linux: a bad buffer is only
			 * noticed when there is something to copy. */
			if (!uaccess_write_ok(buf, len)) {
				if (!ret)
					ret = -EFAULT;
				break;
			}
			memcpy((char *)buf + ret, (char *)s->page + s->offset, chars);
			ret += chars;
			s->offset += chars;
			s->len -= chars;
			if (s->flags & SLOT_PACKET) {
				left = chars;	/* one message per read; the rest is dropped */
				s->len = 0;
			}
			if (!s->len) {
				/* Only a wholly consumed slot makes room. */
				wake_writer |= pipe_full(head, tail);
				pipe_put_page(p, s->page);
				s->page = NULL;
				p->idx.tail = ++tail;
			}
			left -= chars;
			if (!left)
				break;
			if (!pipe_empty(head, tail))
				continue;
		}
		if (!p->writers)
			break;		/* EOF, or what was read so far */
		if (ret)
			break;
		if (READ_ONCE(f->f_flags) & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		mutex_unlock(&p->mutex);
		if (pipe_wait_exclusive(&p->rd_wait, pipe_readable, p))
			return -ERESTARTSYS;	/* nothing was read, nobody to wake */
		wake_next_reader = true;
		mutex_lock(&p->mutex);
	}
	if (pipe_empty(p->idx.head, p->idx.tail))
		wake_next_reader = false;
	mutex_unlock(&p->mutex);

	if (wake_writer)
		pipe_wake(&p->wr_wait, EPOLLOUT | EPOLLWRNORM);
	if (wake_next_reader)
		pipe_wake(&p->rd_wait, EPOLLIN | EPOLLRDNORM);
	return ret;
}

/*
 * Writes follow Linux's anon_pipe_write step by step, because readiness depends on it:
 *  - len % 4096 bytes (the first ones) are appended to the last slot when the pipe is not empty,
 *    that slot is mergeable and they fit behind its data; the rest fills new slots a page at a
 *    time. So a write of <= 4096 bytes is atomic: it merges whole or takes one whole slot.
 *  - Non-blocking with no free slot: -EAGAIN, or the count written so far. Blocking: wake the
 *    readers if the pipe was empty, sleep on wr_wait (exclusive) until a slot frees or the last
 *    reader goes, and wake the next writer afterwards if room is left.
 *  - At the end rd_wait is woken with EPOLLIN|EPOLLRDNORM when the pipe was empty before the
 *    write or has ever been polled ("epoll nonsensically wants a wakeup whether the pipe was
 *    already empty or not"). As in Linux this includes writes that failed (-EAGAIN on a full
 *    pipe, -EPIPE): the wake-up does not check whether data was added.
 */
static ssize_t pipe_write(struct file *f, const void *buf, size_t len)
{
	struct pipe *p = f->private_data;
	bool was_empty = false, wake_next_writer = false;
	size_t done = 0;
	ssize_t ret = 0;

	if (!file_writable(f))
		return -EBADF;
	if (!len)
		return 0;	/* a null write succeeds, even without readers */

	mutex_lock(&p->mutex);
	if (!p->readers) {
		signal_raise_sigpipe();
		ret = -EPIPE;
		goto out;
	}

	uint32_t head = p->idx.head;
	was_empty = pipe_empty(head, p->idx.tail);
	size_t chars = len & (PIPE_SLOT_SIZE - 1);
	if (chars && !was_empty) {
		struct pipe_slot *s = pipe_slot(p, head - 1);
		size_t offset = s->offset + s->len;

		if ((s->flags & SLOT_CAN_MERGE) && offset + chars <= PIPE_SLOT_SIZE) {
			if (!uaccess_ok(buf, len)) {
				ret = -EFAULT;
				goto out;
			}
			memcpy((char *)s->page + offset, buf, chars);
			s->len += chars;
			done = chars;
			ret = chars;
			if (done == len)
				goto out;
		}
	}

	for (;;) {
		if (!p->readers) {
			signal_raise_sigpipe();
			if (!ret)
				ret = -EPIPE;
			break;
		}
		head = p->idx.head;
		if (!pipe_full(head, p->idx.tail)) {
			void *page = pipe_get_page(p);
			if (!page) {
				if (!ret)
					ret = -ENOMEM;
				break;
			}
			if (!uaccess_ok(buf, len)) {
				pipe_put_page(p, page);
				if (!ret)
					ret = -EFAULT;
				break;
			}
			size_t copied = MIN(len - done, (size_t)PIPE_SLOT_SIZE);
			memcpy(page, (const char *)buf + done, copied);

			struct pipe_slot *s = pipe_slot(p, head);
			s->page = page;
			s->offset = 0;
			s->len = copied;
			/* O_DIRECT is read at each write: fcntl may change it, as in Linux. */
			s->flags = (READ_ONCE(f->f_flags) & O_DIRECT) ? SLOT_PACKET : SLOT_CAN_MERGE;
			p->idx.head = head + 1;
			done += copied;
			ret += copied;
			if (done == len)
				break;
			continue;
		}

		if (READ_ONCE(f->f_flags) & O_NONBLOCK) {
			if (!ret)
				ret = -EAGAIN;
			break;
		}
		if (signal_pending()) {
			if (!ret)
				ret = -ERESTARTSYS;
			break;
		}
		mutex_unlock(&p->mutex);
		if (was_empty)
			pipe_wake(&p->rd_wait, EPOLLIN | EPOLLRDNORM);
		pipe_wait_exclusive(&p->wr_wait, pipe_writable, p);
		mutex_lock(&p->mutex);
		was_empty = pipe_empty(p->idx.head, p->idx.tail);
		wake_next_writer = true;
	}
out:
	if (pipe_full(p->idx.head, p->idx.tail))
		wake_next_writer = false;
	mutex_unlock(&p->mutex);

	if (was_empty || READ_ONCE(p->poll_usage))
		pipe_wake(&p->rd_wait, EPOLLIN | EPOLLRDNORM);
	if (wake_next_writer)
		pipe_wake(&p->wr_wait, EPOLLOUT | EPOLLWRNORM);
	return ret;
}

static uint32_t pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->private_data;
	uint32_t mask = 0;

	/* Linux sets this on any poll, with or without a queue procedure. */
	WRITE_ONCE(p->poll_usage, true);

	/* Queue first, test afterwards: a change after the test wakes the entry just queued. */
	if (file_readable(f))
		poll_wait(f, &p->rd_wait, pt);
	if (file_writable(f))
		poll_wait(f, &p->wr_wait, pt);

	union pipe_index idx = pipe_index_snapshot(p);
	if (file_readable(f)) {
		if (!pipe_empty(idx.head, idx.tail))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!READ_ONCE(p->writers))
			mask |= EPOLLHUP;
	}
	if (file_writable(f)) {
		if (!pipe_full(idx.head, idx.tail))
			mask |= EPOLLOUT | EPOLLWRNORM;
		if (!READ_ONCE(p->readers))
			mask |= EPOLLERR;
	}
	return mask;
}

static void pipe_free(struct pipe *p)
{
	for (unsigned i = 0; i < PIPE_DEF_BUFFERS; i++)
		if (p->slots[i].page)
			page_free(p->slots[i].page, 0);
	if (p->spare)
		page_free(p->spare, 0);
	kfree(p);
	__atomic_sub_fetch(&nr_pipes, 1, __ATOMIC_RELAXED);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->private_data;

	mutex_lock(&p->mutex);
	if (file_readable(f))
		p->readers--;
	if (file_writable(f))
		p->writers--;
	/* The last reader or the last writer, not both: the other side must hear of it (blocked
	 * readers see EOF, blocked writers EPIPE, pollers HUP or ERR). NULL key: all events. */
	if (!p->readers != !p->writers) {
		wake_up_key(&p->rd_wait, 0, NULL);
		wake_up_key(&p->wr_wait, 0, NULL);
	}
	bool last = --p->files == 0;
	mutex_unlock(&p->mutex);
	if (last)
		pipe_free(p);
}

static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.release = pipe_release,
	.name = "pipe",
	.mode = S_IFIFO | 0600,
};

int pipe_create(struct file *files[2], unsigned flags)
{
	struct pipe *p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	mutex_init(&p->mutex);
	wait_queue_head_init(&p->rd_wait);
	wait_queue_head_init(&p->wr_wait);
	p->readers = 1;
	p->writers = 1;
	p->files = 2;

	/* As Linux: O_DIRECT (packet mode) only on the write end, where writes consult it. */
	struct file *r = file_alloc(&pipe_fops, p, O_RDONLY | (flags & O_NONBLOCK));
	if (!r)
		goto out_free_pipe;
	struct file *w = file_alloc(&pipe_fops, p, O_WRONLY | (flags & (O_NONBLOCK | O_DIRECT)));
	if (!w)
		goto out_free_read;
	w->f_ino = r->f_ino;	/* both ends are one inode, as on Linux */
	__atomic_add_fetch(&nr_pipes, 1, __ATOMIC_RELAXED);
	files[0] = r;
	files[1] = w;
	return 0;

out_free_read:
	file_put(r);	/* its release leaves files at 1: the pipe is freed here */
out_free_pipe:
	kfree(p);
	return -ENOMEM;
}

bool is_file_pipe(const struct file *f)
{
	return f->f_op == &pipe_fops;
}

long pipe_nread(struct file *f)
{
	if (!is_file_pipe(f))
		return -EINVAL;
	struct pipe *p = f->private_data;
	long n = 0;
	mutex_lock(&p->mutex);
	for (uint32_t i = p->idx.tail; i != p->idx.head; i++)
		n += pipe_slot(p, i)->len;
	mutex_unlock(&p->mutex);
	return n;
}

int pipe_slots_used(struct file *f)
{
	if (!is_file_pipe(f))
		return -EINVAL;
	union pipe_index idx = pipe_index_snapshot(f->private_data);
	return (int)(idx.head - idx.tail);
}

long pipes_alive(void)
{
	return __atomic_load_n(&nr_pipes, __ATOMIC_RELAXED);
}

/*
 * pipe2: Linux's do_pipe2 order: flags (-EINVAL), the pipe (-ENOMEM; Linux says -ENFILE when the
 * inode cannot be had), the two descriptors (-EMFILE), then the copy to @fds (-EFAULT). Linux
 * reserves descriptors and installs them after the copy; fd_install_new installs at once, so
 * every failure after the first install closes what was installed: no descriptor leaks.
 * O_DIRECT is accepted: the write end is in packet mode, as in Linux.
 */
long sys_pipe2(int fds[2], int flags)
{
	struct file *files[2];

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	int err = pipe_create(files, (unsigned)flags);
	if (err)
		return err;

	int fdr = fd_install_new(files[0], (unsigned)flags);
	if (fdr < 0) {
		file_put(files[0]);
		file_put(files[1]);
		return fdr;
	}
	int fdw = fd_install_new(files[1], (unsigned)flags);
	if (fdw < 0) {
		fd_close(fdr);
		file_put(files[1]);
		return fdw;
	}
	if (!uaccess_write_ok(fds, 2 * sizeof(int))) {
		fd_close(fdr);
		fd_close(fdw);
		return -EFAULT;
	}
	fds[0] = fdr;
	fds[1] = fdw;
	return 0;
}

long sys_pipe(int fds[2])
{
	return sys_pipe2(fds, 0);
}
