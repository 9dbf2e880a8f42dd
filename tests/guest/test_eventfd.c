// SPDX-License-Identifier: MIT
/* eventfd against Linux 6.x: the counter, semaphore mode, the limits at UINT64_MAX - 1 and
 * UINT64_MAX, -EINVAL/-EAGAIN/-EFAULT and their order, the poll mask and the wake-up keys,
 * blocking readers and writers woken by threads and by a timer interrupt, eventfd2's flags and
 * descriptors, and that nothing leaks. */
#include <kernel/errno.h>
#include <kernel/eventfd.h>
#include <kernel/file.h>
#include <kernel/ktest.h>
#include <kernel/poll.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/wait.h>
#include "key_rec.h"

struct q_rec {
	struct poll_table pt;
	int n;				/* queues registered */
	struct wait_queue_head *wq;	/* the last one */
	struct key_rec *attach;		/* hung on each, as eventpoll would */
};

static void q_rec_proc(struct file *f, struct wait_queue_head *wq, struct poll_table *pt)
{
	(void)f;
	struct q_rec *q = container_of(pt, struct q_rec, pt);
	q->n++;
	q->wq = wq;
	if (q->attach)
		add_wait_queue(wq, &q->attach->we);
}

/* A pointer into the unmapped first page, hidden from the compiler's bounds checks. */
static void *low_ptr(uintptr_t a)
{
	__asm__("" : "+r"(a));
	return (void *)a;
}

static uint32_t mask(struct file *f)
{
	return f->f_op->poll(f, NULL);
}

static ssize_t put(struct file *f, uint64_t v)
{
	return f->f_op->write(f, &v, sizeof(v));
}

/* Read the counter through read(2); *v gets the value. */
static ssize_t take(struct file *f, uint64_t *v)
{
	return f->f_op->read(f, v, sizeof(*v));
}

static struct file *efd(uint64_t init, unsigned flags)
{
	int err = 0;
	struct file *f = eventfd_create(init, flags, &err);
	return f;
}

struct io_job {
	struct file *f;
	uint64_t v;
	volatile ssize_t ret;
	volatile int done;
};

static void *reader_fn(void *arg)
{
	struct io_job *j = arg;
	j->ret = take(j->f, &j->v);
	j->done = 1;
	return NULL;
}

static void *writer_fn(void *arg)
{
	struct io_job *j = arg;
	j->ret = put(j->f, j->v);
	j->done = 1;
	return NULL;
}

static bool asleep_on_queue(struct thread *t)
{
	for (int i = 0; i < 2000; i++) {
		if (READ_ONCE(t->state) == TASK_INTERRUPTIBLE)
			return true;
		msleep(1);
	}
	return false;
}

KTEST(eventfd, create_flags_and_initial_poll)
{
	long files0 = files_alive();
	int err = 0;

	struct file *f = eventfd_create(0, 0, &err);
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(f->f_flags, O_RDWR);
	EXPECT_TRUE(is_file_eventfd(f));
	EXPECT_STREQ(f->f_op->name, "eventfd");
	struct q_rec q = { .n = 0 };
	poll_table_init(&q.pt, q_rec_proc, ~0u);
	EXPECT_EQ(f->f_op->poll(f, &q.pt), EPOLLOUT);	/* no WRNORM: Linux's eventfd */
	EXPECT_EQ(q.n, 1);
	EXPECT_EQ(eventfd_count(f), 0);
	file_put(f);

	f = eventfd_create(5, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC, &err);
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(f->f_flags, O_RDWR | O_NONBLOCK);
	EXPECT_EQ(mask(f), EPOLLIN | EPOLLOUT);
	EXPECT_EQ(eventfd_count(f), 5);
	file_put(f);

	err = 0;
	EXPECT_TRUE(eventfd_create(0, 2, &err) == NULL);
	EXPECT_EQ(err, -EINVAL);
	err = 0;
	EXPECT_TRUE(eventfd_create(0, O_APPEND, &err) == NULL);
	EXPECT_EQ(err, -EINVAL);
	EXPECT_EQ(files_alive(), files0);
}

KTEST(eventfd, write_adds_read_takes_all)
{
	struct file *f = efd(0, EFD_NONBLOCK);
	uint64_t v = 99;
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(take(f, &v), -EAGAIN);
	EXPECT_EQ(v, 99);
	EXPECT_EQ(put(f, 3), 8);
	EXPECT_EQ(mask(f), EPOLLIN | EPOLLOUT);
	EXPECT_EQ(put(f, 4), 8);
	EXPECT_EQ(put(f, 0), 8);
	EXPECT_EQ(eventfd_count(f), 7);
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(v, 7);
	EXPECT_EQ(eventfd_count(f), 0);
	EXPECT_EQ(mask(f), EPOLLOUT);
	EXPECT_EQ(take(f, &v), -EAGAIN);

	/* A longer read buffer is fine; only 8 bytes are written into it. */
	uint64_t big[2] = { 0, 0x1111 };
	EXPECT_EQ(put(f, 12), 8);
	EXPECT_EQ(f->f_op->read(f, big, sizeof(big)), 8);
	EXPECT_EQ(big[0], 12);
	EXPECT_EQ(big[1], 0x1111);

	/* O_NONBLOCK is read at each call. */
	f->f_flags &= ~O_NONBLOCK;
	EXPECT_EQ(put(f, 1), 8);
	EXPECT_EQ(take(f, &v), 8);
	f->f_flags |= O_NONBLOCK;
	EXPECT_EQ(take(f, &v), -EAGAIN);
	file_put(f);
}

KTEST(eventfd, semaphore_reads_one_at_a_time)
{
	struct file *f = efd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	uint64_t v = 0;
	ASSERT_TRUE(f != NULL);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(mask(f), EPOLLIN | EPOLLOUT);
		EXPECT_EQ(take(f, &v), 8);
		EXPECT_EQ(v, 1);
		EXPECT_EQ(eventfd_count(f), 2 - i);
	}
	EXPECT_EQ(take(f, &v), -EAGAIN);
	EXPECT_EQ(mask(f), EPOLLOUT);
	EXPECT_EQ(put(f, 2), 8);
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(v, 1);
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(v, 1);
	EXPECT_EQ(take(f, &v), -EAGAIN);
	file_put(f);
}

KTEST(eventfd, einval_cases_and_their_order)
{
	struct file *f = efd(0, EFD_NONBLOCK);
	uint64_t v = 1;
	uint8_t buf[16] = { 0 };
	ASSERT_TRUE(f != NULL);

	/* Read: a short buffer is refused before the empty counter is looked at. */
	EXPECT_EQ(f->f_op->read(f, buf, 7), -EINVAL);
	EXPECT_EQ(f->f_op->read(f, buf, 0), -EINVAL);
	EXPECT_EQ(f->f_op->read(f, NULL, 7), -EINVAL);

	/* Write: exactly 8 bytes (Linux >= 6.9 refuses longer ones too), checked before the copy. */
	EXPECT_EQ(f->f_op->write(f, &v, 7), -EINVAL);
	EXPECT_EQ(f->f_op->write(f, buf, 9), -EINVAL);
	EXPECT_EQ(f->f_op->write(f, buf, 16), -EINVAL);
	EXPECT_EQ(f->f_op->write(f, NULL, 7), -EINVAL);
	EXPECT_EQ(put(f, UINT64_MAX), -EINVAL);
	EXPECT_EQ(eventfd_count(f), 0);
	file_put(f);
}

KTEST(eventfd, limits_at_the_top_of_the_counter)
{
	struct file *f = efd(0, EFD_NONBLOCK);
	uint64_t v;
	ASSERT_TRUE(f != NULL);

	/* The largest count a write can reach is UINT64_MAX - 1, and there EPOLLOUT is off. */
	EXPECT_EQ(put(f, UINT64_MAX - 1), 8);
	EXPECT_EQ(mask(f), EPOLLIN);
	EXPECT_EQ(put(f, 1), -EAGAIN);
	EXPECT_EQ(put(f, 0), 8);	/* adding nothing always fits */
	EXPECT_EQ(eventfd_count(f), UINT64_MAX - 1);

	/* One below: EPOLLOUT back, and exactly 1 fits. */
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(v, UINT64_MAX - 1);
	EXPECT_EQ(put(f, UINT64_MAX - 2), 8);
	EXPECT_EQ(mask(f), EPOLLIN | EPOLLOUT);
	EXPECT_EQ(put(f, 2), -EAGAIN);
	EXPECT_EQ(put(f, 1), 8);
	EXPECT_EQ(mask(f), EPOLLIN);

	/* A kernel signal may go one further, to UINT64_MAX: EPOLLERR. It is clamped. */
	EXPECT_EQ(eventfd_signal(f, 5), 1);
	EXPECT_EQ(eventfd_count(f), UINT64_MAX);
	EXPECT_EQ(mask(f), EPOLLIN | EPOLLERR);
	EXPECT_EQ(eventfd_signal(f, 1), 0);
	EXPECT_EQ(put(f, 0), -EAGAIN);	/* not even 0 fits now */
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(v, UINT64_MAX);
	EXPECT_EQ(mask(f), EPOLLOUT);

	/* The semaphore counts down from the top one at a time. */
	file_put(f);
	f = efd(0, EFD_NONBLOCK | EFD_SEMAPHORE);
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(put(f, UINT64_MAX - 1), 8);
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(v, 1);
	EXPECT_EQ(eventfd_count(f), UINT64_MAX - 2);
	file_put(f);
}

KTEST(eventfd, wake_up_keys)
{
	struct file *f = efd(0, EFD_NONBLOCK);
	static struct key_rec r;
	uint64_t v;
	ASSERT_TRUE(f != NULL);

	struct q_rec q = { .n = 0, .attach = &r };
	wait_entry_init(&r.we, key_rec_wake, NULL);
	r.n = 0;
	poll_table_init(&q.pt, q_rec_proc, ~0u);
	EXPECT_EQ(f->f_op->poll(f, &q.pt), EPOLLOUT);

	EXPECT_EQ(put(f, 1), 8);
	EXPECT_EQ(r.n, 1);
	EXPECT_EQ(r.keys[0], EPOLLIN);
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(r.n, 2);
	EXPECT_EQ(r.keys[1], EPOLLOUT);
	EXPECT_EQ(put(f, 0), 8);		/* a zero write wakes too */
	EXPECT_EQ(r.n, 3);
	EXPECT_EQ(r.keys[2], EPOLLIN);

	/* Failures wake nobody. */
	EXPECT_EQ(take(f, &v), -EAGAIN);
	EXPECT_EQ(put(f, UINT64_MAX), -EINVAL);
	EXPECT_EQ(f->f_op->read(f, &v, 4), -EINVAL);
	EXPECT_EQ(put(f, UINT64_MAX - 1), 8);
	EXPECT_EQ(r.n, 4);
	EXPECT_EQ(put(f, 7), -EAGAIN);
	EXPECT_EQ(r.n, 4);

	/* A kernel signal: EPOLLIN, even when it adds nothing. */
	EXPECT_EQ(eventfd_signal(f, 1), 1);
	EXPECT_EQ(eventfd_signal(f, 1), 0);
	EXPECT_EQ(r.n, 6);
	EXPECT_EQ(r.keys[4], EPOLLIN);
	EXPECT_EQ(r.keys[5], EPOLLIN);

	/* The release says EPOLLHUP to whatever is still queued (the entry is gone with it). */
	file_put(f);
	EXPECT_EQ(r.n, 7);
	EXPECT_EQ(r.keys[6], EPOLLHUP);
}

KTEST(eventfd, bad_buffers_fault_where_linux_faults)
{
	struct file *f = efd(0, EFD_NONBLOCK);
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(f->f_op->write(f, NULL, 8), -EFAULT);
	EXPECT_EQ(f->f_op->write(f, low_ptr(8), 8), -EFAULT);
	/* Read: the counter is looked at first, the copy comes last. */
	EXPECT_EQ(f->f_op->read(f, NULL, 8), -EAGAIN);
	EXPECT_EQ(put(f, 5), 8);
	EXPECT_EQ(f->f_op->read(f, NULL, 8), -EFAULT);
	EXPECT_EQ(eventfd_count(f), 0);	/* Linux loses the value: it was taken before the copy */
	file_put(f);
}

KTEST(eventfd, blocking_read_woken_by_a_writer_thread)
{
	struct file *f = efd(0, 0);
	static struct io_job rj, wj;
	ASSERT_TRUE(f != NULL);
	rj = (struct io_job){ .f = f };
	struct thread *t = thread_create("efd-reader", reader_fn, &rj, 0);
	ASSERT_TRUE(t != NULL);
	EXPECT_TRUE(asleep_on_queue(t));
	EXPECT_EQ(rj.done, 0);

	wj = (struct io_job){ .f = f, .v = 42 };
	struct thread *w = thread_create("efd-writer", writer_fn, &wj, 0);
	ASSERT_TRUE(w != NULL);
	thread_join(w);
	thread_join(t);
	EXPECT_EQ(wj.ret, 8);
	EXPECT_EQ(rj.ret, 8);
	EXPECT_EQ(rj.v, 42);
	EXPECT_EQ(eventfd_count(f), 0);
	file_put(f);
}

KTEST(eventfd, blocked_readers_all_wake)
{
	struct file *f = efd(0, EFD_SEMAPHORE);
	static struct io_job j[3];
	struct thread *t[3];
	ASSERT_TRUE(f != NULL);
	for (int i = 0; i < 3; i++) {
		j[i] = (struct io_job){ .f = f };
		t[i] = thread_create("efd-reader", reader_fn, &j[i], 0);
		ASSERT_TRUE(t[i] != NULL);
		EXPECT_TRUE(asleep_on_queue(t[i]));
	}
	/* Non-exclusive sleepers: one write of 3 lets all three semaphore readers through. */
	EXPECT_EQ(put(f, 3), 8);
	for (int i = 0; i < 3; i++) {
		thread_join(t[i]);
		EXPECT_EQ(j[i].ret, 8);
		EXPECT_EQ(j[i].v, 1);
	}
	EXPECT_EQ(eventfd_count(f), 0);
	file_put(f);
}

static void signal_fire(struct ktimer *t)
{
	eventfd_signal(t->data, 3);	/* interrupt context */
}

KTEST(eventfd, blocking_read_woken_by_a_signal_from_a_timer_interrupt)
{
	struct file *f = efd(0, 0);
	static struct ktimer tm;
	uint64_t v = 0;
	ASSERT_TRUE(f != NULL);
	timer_init(&tm, signal_fire, f);
	timer_arm_after(&tm, 2 * NSEC_PER_MSEC);
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(v, 3);
	EXPECT_FALSE(timer_pending(&tm));
	file_put(f);
}

KTEST(eventfd, blocking_write_woken_by_a_reader)
{
	struct file *f = efd(0, 0);
	static struct io_job wj;
	uint64_t v;
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(put(f, UINT64_MAX - 1), 8);
	wj = (struct io_job){ .f = f, .v = 5 };
	struct thread *w = thread_create("efd-writer", writer_fn, &wj, 0);
	ASSERT_TRUE(w != NULL);
	EXPECT_TRUE(asleep_on_queue(w));
	EXPECT_EQ(wj.done, 0);
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(v, UINT64_MAX - 1);
	thread_join(w);
	EXPECT_EQ(wj.ret, 8);
	EXPECT_EQ(eventfd_count(f), 5);
	file_put(f);
}

KTEST(eventfd, sys_eventfd2_flags_and_descriptors)
{
	int nfd = fd_count();
	long files0 = files_alive();

	EXPECT_EQ(sys_eventfd2(0, 2), -EINVAL);
	EXPECT_EQ(sys_eventfd2(0, O_APPEND), -EINVAL);
	EXPECT_EQ(sys_eventfd2(0, O_RDWR), -EINVAL);
	EXPECT_EQ(fd_count(), nfd);

	long fd = sys_eventfd2(0xffffffffu, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(fd_get_cloexec(fd), 1);
	struct file *f = fd_get(fd);
	ASSERT_TRUE(f != NULL);
	EXPECT_TRUE(is_file_eventfd(f));
	EXPECT_EQ(f->f_flags, O_RDWR | O_NONBLOCK);
	EXPECT_EQ(eventfd_count(f), 0xffffffffu);
	uint64_t v;
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(v, 1);	/* semaphore */
	file_put(f);
	EXPECT_EQ(fd_close(fd), 0);

	fd = sys_eventfd(7);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(fd_get_cloexec(fd), 0);
	f = fd_get(fd);
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(f->f_flags, O_RDWR);
	EXPECT_EQ(take(f, &v), 8);
	EXPECT_EQ(v, 7);
	file_put(f);
	EXPECT_EQ(fd_close(fd), 0);

	/* No descriptor left: -EMFILE and the file is released. */
	int limit0 = fd_get_limit();
	int held[4], nheld = 0;
	while ((fd = sys_eventfd(0)) < 3) {
		ASSERT_GE(fd, 0);
		ASSERT_TRUE(nheld < 4);
		held[nheld++] = fd;
	}
	int last = fd;
	EXPECT_EQ(fd_close(last), 0);
	ASSERT_EQ(fd_set_limit(last), 0);
	long files1 = files_alive();
	EXPECT_EQ(sys_eventfd2(0, 0), -EMFILE);
	EXPECT_EQ(sys_eventfd2(0, 8), -EINVAL);	/* flags before descriptors */
	EXPECT_EQ(files_alive(), files1);
	ASSERT_EQ(fd_set_limit(limit0), 0);
	for (int i = 0; i < nheld; i++)
		EXPECT_EQ(fd_close(held[i]), 0);

	EXPECT_EQ(fd_count(), nfd);
	EXPECT_EQ(files_alive(), files0);
}
