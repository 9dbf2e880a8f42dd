// SPDX-License-Identifier: MIT
/* Pipes against Linux 6.x: readiness masks by slots (not bytes), merging of small writes, the
 * wait queue each end's poll registers, the wake-up keys every operation delivers, HUP/ERR/EPIPE/
 * EAGAIN/EOF, atomic writes, packet mode, blocking readers and writers woken by threads, pipe2's
 * errors and descriptor hygiene, and that nothing leaks. */
#include <arch/context.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/ktest.h>
#include <kernel/page.h>
#include <kernel/pipe.h>
#include <kernel/poll.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/syscall.h>
#include <kernel/wait.h>
#include "key_rec.h"

#define IN	(EPOLLIN | EPOLLRDNORM)
#define OUT	(EPOLLOUT | EPOLLWRNORM)
#define SLOT	((size_t)PIPE_SLOT_SIZE)
#define CAP	(PIPE_DEF_BUFFERS * SLOT)

/* A poll table whose queue procedure records every wait queue and, like eventpoll's, hangs a
 * key recorder there. */
struct q_rec {
	struct poll_table pt;
	int n;
	struct wait_queue_head *wq[4];
	struct key_rec *attach;
};

static void q_rec_proc(struct file *f, struct wait_queue_head *wq, struct poll_table *pt)
{
	(void)f;
	struct q_rec *q = container_of(pt, struct q_rec, pt);
	if (q->n < 4)
		q->wq[q->n] = wq;
	q->n++;
	if (q->attach) {
		q->attach->wq = wq;
		add_wait_queue(wq, &q->attach->we);
	}
}

/* Watch @f's queue with @r, as epoll_ctl(ADD) would; returns the poll mask. */
static uint32_t watch(struct file *f, struct key_rec *r)
{
	struct q_rec q = { .n = 0, .attach = r };
	wait_entry_init(&r->we, key_rec_wake, NULL);
	r->n = 0;
	r->wq = NULL;
	poll_table_init(&q.pt, q_rec_proc, ~0u);
	return f->f_op->poll(f, &q.pt);
}

static void unwatch(struct key_rec *r)
{
	if (r->wq)
		remove_wait_queue(r->wq, &r->we);
	r->wq = NULL;
}

static uint32_t mask(struct file *f)
{
	return f->f_op->poll(f, NULL);
}

static ssize_t wr(struct file *f, const void *buf, size_t len)
{
	return f->f_op->write(f, buf, len);
}

static ssize_t rd(struct file *f, void *buf, size_t len)
{
	return f->f_op->read(f, buf, len);
}

/* A pointer into the unmapped first page, hidden from the compiler's bounds checks. */
static void *low_ptr(uintptr_t a)
{
	__asm__("" : "+r"(a));
	return (void *)a;
}

static uint8_t src[4 * 65536];
static uint8_t dst[4 * 65536];

static void fill_src(void)
{
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + i / 251);
}

/* Writes of @chunk bytes until the pipe refuses (non-blocking); returns the writes that took. */
static int write_until_full(struct file *w, size_t chunk)
{
	int n = 0;
	while (wr(w, src, chunk) == (ssize_t)chunk)
		n++;
	return n;
}

/* A blocking read or write run by a thread. */
struct io_job {
	struct file *f;
	void *buf;
	size_t len;
	volatile ssize_t ret;
	volatile int done;
};

static void *reader_fn(void *arg)
{
	struct io_job *j = arg;
	j->ret = rd(j->f, j->buf, j->len);
	j->done = 1;
	return NULL;
}

static void *writer_fn(void *arg)
{
	struct io_job *j = arg;
	j->ret = wr(j->f, j->buf, j->len);
	j->done = 1;
	return NULL;
}

/* Wait (up to ~2 s) until @t sleeps on a wait queue (TASK_INTERRUPTIBLE: pipe waits use it,
 * the pipe mutex and msleep do not). */
static bool asleep_on_queue(struct thread *t)
{
	for (int i = 0; i < 2000; i++) {
		if (READ_ONCE(t->state) == TASK_INTERRUPTIBLE)
			return true;
		msleep(1);
	}
	return false;
}

static void close_pair(struct file *p[2])
{
	if (p[0])
		file_put(p[0]);
	if (p[1])
		file_put(p[1]);
	p[0] = p[1] = NULL;
}

KTEST(pipe, create_modes_flags_and_queues)
{
	struct file *p[2];
	long files0 = files_alive(), pipes0 = pipes_alive();

	ASSERT_EQ(pipe_create(p, 0), 0);
	EXPECT_EQ(files_alive(), files0 + 2);
	EXPECT_EQ(pipes_alive(), pipes0 + 1);
	EXPECT_EQ(p[0]->f_flags, O_RDONLY);
	EXPECT_EQ(p[1]->f_flags, O_WRONLY);
	EXPECT_TRUE(is_file_pipe(p[0]) && is_file_pipe(p[1]));
	EXPECT_STREQ(p[0]->f_op->name, "pipe");

	/* Each end registers exactly one queue, the one matching its mode, and they differ. */
	struct q_rec qr = { .n = 0 }, qw = { .n = 0 };
	poll_table_init(&qr.pt, q_rec_proc, ~0u);
	poll_table_init(&qw.pt, q_rec_proc, ~0u);
	EXPECT_EQ(p[0]->f_op->poll(p[0], &qr.pt), 0);
	EXPECT_EQ(p[1]->f_op->poll(p[1], &qw.pt), OUT);
	EXPECT_EQ(qr.n, 1);
	EXPECT_EQ(qw.n, 1);
	EXPECT_TRUE(qr.wq[0] != qw.wq[0]);
	close_pair(p);

	/* O_NONBLOCK on both ends; O_DIRECT (packet mode) only on the write end; O_CLOEXEC is the
	 * descriptor's and is not kept. */
	ASSERT_EQ(pipe_create(p, O_NONBLOCK | O_DIRECT | O_CLOEXEC), 0);
	EXPECT_EQ(p[0]->f_flags, O_RDONLY | O_NONBLOCK);
	EXPECT_EQ(p[1]->f_flags, O_WRONLY | O_NONBLOCK | O_DIRECT);
	close_pair(p);
	EXPECT_EQ(files_alive(), files0);
	EXPECT_EQ(pipes_alive(), pipes0);
}

KTEST(pipe, masks_empty_partial_and_drained)
{
	struct file *p[2];
	char c = 'x', out[8];

	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
	EXPECT_EQ(mask(p[0]), 0);
	EXPECT_EQ(mask(p[1]), OUT);
	EXPECT_EQ(wr(p[1], &c, 1), 1);
	EXPECT_EQ(mask(p[0]), IN);
	EXPECT_EQ(mask(p[1]), OUT);
	EXPECT_EQ(pipe_nread(p[0]), 1);
	EXPECT_EQ(pipe_slots_used(p[0]), 1);
	EXPECT_EQ(rd(p[0], out, sizeof(out)), 1);
	EXPECT_EQ(out[0], 'x');
	EXPECT_EQ(mask(p[0]), 0);
	EXPECT_EQ(mask(p[1]), OUT);
	EXPECT_EQ(pipe_slots_used(p[0]), 0);
	EXPECT_EQ(pipe_nread(p[1]), 0);
	close_pair(p);
}

KTEST(pipe, small_writes_merge_into_the_last_slot)
{
	struct file *p[2];
	fill_src();
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);

	/* 16 writes of 1 byte share one slot: the pipe is nowhere near full. */
	for (int i = 0; i < 16; i++)
		EXPECT_EQ(wr(p[1], src + i, 1), 1);
	EXPECT_EQ(pipe_slots_used(p[0]), 1);
	EXPECT_EQ(pipe_nread(p[0]), 16);
	EXPECT_EQ(mask(p[1]), OUT);

	/* Up to 4096 bytes in that slot, then a new one. */
	for (int i = 16; i < 4096; i++)
		ASSERT_EQ(wr(p[1], src + i, 1), 1);
	EXPECT_EQ(pipe_slots_used(p[0]), 1);
	EXPECT_EQ(wr(p[1], src + 4096, 1), 1);
	EXPECT_EQ(pipe_slots_used(p[0]), 2);

	/* A write of 4096 + 10 bytes: its first 10 bytes merge, the 4096 others take a slot. */
	EXPECT_EQ(wr(p[1], src + 4097, 4106), 4106);
	EXPECT_EQ(pipe_slots_used(p[0]), 3);
	EXPECT_EQ(pipe_nread(p[0]), 4097 + 4106);
	EXPECT_EQ(rd(p[0], dst, sizeof(dst)), 4097 + 4106);
	EXPECT_EQ(memcmp(dst, src, 4097 + 4106), 0);
	close_pair(p);
}

KTEST(pipe, full_by_16_writes_of_4096)
{
	struct file *p[2];
	fill_src();
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
	for (int i = 0; i < 16; i++) {
		EXPECT_EQ(mask(p[1]), OUT);
		EXPECT_EQ(wr(p[1], src + i * SLOT, SLOT), (ssize_t)SLOT);
	}
	EXPECT_EQ(pipe_slots_used(p[0]), 16);
	EXPECT_EQ(pipe_nread(p[0]), 65536);
	EXPECT_EQ(mask(p[1]), 0);
	EXPECT_EQ(mask(p[0]), IN);
	EXPECT_EQ(wr(p[1], src, 1), -EAGAIN);
	EXPECT_EQ(rd(p[0], dst, sizeof(dst)), 65536);
	EXPECT_EQ(memcmp(dst, src, 65536), 0);
	close_pair(p);
}

KTEST(pipe, full_by_one_write_of_65536_and_partial_beyond)
{
	struct file *p[2];
	fill_src();
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
	EXPECT_EQ(wr(p[1], src, CAP), (ssize_t)CAP);
	EXPECT_EQ(pipe_slots_used(p[0]), 16);
	EXPECT_EQ(mask(p[1]), 0);
	EXPECT_EQ(wr(p[1], src, 1), -EAGAIN);
	close_pair(p);

	/* Non-blocking and too big: the part that fits, not -EAGAIN. */
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
	EXPECT_EQ(wr(p[1], src, CAP + 1), (ssize_t)CAP);
	EXPECT_EQ(rd(p[0], dst, sizeof(dst)), (ssize_t)CAP);
	EXPECT_EQ(memcmp(dst, src, CAP), 0);
	close_pair(p);
}

KTEST(pipe, full_by_slots_not_by_bytes)
{
	struct file *p[2];
	fill_src();
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);

	/* 4095-byte writes never merge (two do not fit a page): 16 slots hold 65520 bytes and the
	 * pipe is full although 16 bytes are unused. */
	EXPECT_EQ(write_until_full(p[1], 4095), 16);
	EXPECT_EQ(pipe_slots_used(p[0]), 16);
	EXPECT_EQ(pipe_nread(p[0]), 16 * 4095);
	EXPECT_EQ(mask(p[1]), 0);

	/* Yet, as in Linux, a 1-byte write still merges into the last slot while EPOLLOUT is off;
	 * 2 bytes do not fit there, and once that slot is full nothing does. */
	EXPECT_EQ(wr(p[1], src, 2), -EAGAIN);
	EXPECT_EQ(wr(p[1], src, 1), 1);
	EXPECT_EQ(wr(p[1], src, 1), -EAGAIN);
	EXPECT_EQ(mask(p[1]), 0);
	close_pair(p);
}

KTEST(pipe, packet_mode_one_slot_per_write)
{
	struct file *p[2];
	fill_src();
	ASSERT_EQ(pipe_create(p, O_NONBLOCK | O_DIRECT), 0);

	/* O_DIRECT: no merging, so 16 one-byte writes fill the ring. */
	for (int i = 0; i < 16; i++)
		EXPECT_EQ(wr(p[1], src + i, 1), 1);
	EXPECT_EQ(pipe_slots_used(p[0]), 16);
	EXPECT_EQ(pipe_nread(p[0]), 16);
	EXPECT_EQ(mask(p[1]), 0);
	EXPECT_EQ(wr(p[1], src, 1), -EAGAIN);

	/* A read returns one packet at most ... */
	EXPECT_EQ(rd(p[0], dst, 100), 1);
	EXPECT_EQ(dst[0], src[0]);
	EXPECT_EQ(mask(p[1]), OUT);
	for (int i = 1; i < 16; i++)
		EXPECT_EQ(rd(p[0], dst, 100), 1);

	/* ... and drops what it did not take. */
	EXPECT_EQ(wr(p[1], src, 10), 10);
	EXPECT_EQ(wr(p[1], src + 10, 3), 3);
	EXPECT_EQ(rd(p[0], dst, 4), 4);
	EXPECT_EQ(pipe_nread(p[0]), 3);
	EXPECT_EQ(rd(p[0], dst, 100), 3);
	EXPECT_EQ(memcmp(dst, src + 10, 3), 0);

	/* fcntl may clear O_DIRECT later: writes merge again. */
	p[1]->f_flags &= ~O_DIRECT;
	EXPECT_EQ(wr(p[1], src, 1), 1);
	EXPECT_EQ(wr(p[1], src, 1), 1);
	EXPECT_EQ(pipe_slots_used(p[0]), 1);
	close_pair(p);
}

KTEST(pipe, epollout_returns_only_when_a_slot_frees)
{
	struct file *p[2];
	struct key_rec rr, rw;
	fill_src();
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
	EXPECT_EQ(wr(p[1], src, CAP), (ssize_t)CAP);
	EXPECT_EQ(watch(p[0], &rr), IN);
	EXPECT_EQ(watch(p[1], &rw), 0);

	/* 4095 bytes of the first slot: still full, no wake-up. */
	EXPECT_EQ(rd(p[0], dst, 4095), 4095);
	EXPECT_EQ(pipe_slots_used(p[0]), 16);
	EXPECT_EQ(mask(p[1]), 0);
	EXPECT_EQ(rw.n, 0);

	/* Its last byte frees the slot of a full pipe: EPOLLOUT, and the writers hear it. */
	EXPECT_EQ(rd(p[0], dst + 4095, 1), 1);
	EXPECT_EQ(pipe_slots_used(p[0]), 15);
	EXPECT_EQ(mask(p[1]), OUT);
	EXPECT_EQ(rw.n, 1);
	EXPECT_EQ(rw.keys[0], OUT);

	/* Freeing a slot of a pipe that was not full wakes nobody. */
	EXPECT_EQ(rd(p[0], dst + 4096, 4096), 4096);
	EXPECT_EQ(rw.n, 1);
	/* Reads never wake readers (no one slept). */
	EXPECT_EQ(rr.n, 0);
	EXPECT_EQ(memcmp(dst, src, 8192), 0);

	/* A read spanning several slots of a full pipe wakes once. */
	EXPECT_EQ(wr(p[1], src, 2 * SLOT), (ssize_t)(2 * SLOT));
	EXPECT_EQ(mask(p[1]), 0);
	rw.n = 0;
	EXPECT_EQ(rd(p[0], dst, 3 * SLOT), (ssize_t)(3 * SLOT));
	EXPECT_EQ(rw.n, 1);
	EXPECT_EQ(rw.keys[0], OUT);
	unwatch(&rr);
	unwatch(&rw);
	close_pair(p);
}

KTEST(pipe, every_write_wakes_readers_once_polled)
{
	struct file *p[2];
	struct key_rec rr, rw;
	fill_src();
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
	EXPECT_EQ(watch(p[0], &rr), 0);
	EXPECT_EQ(watch(p[1], &rw), OUT);

	/* Each write that adds data, empty pipe or not: EPOLLIN|EPOLLRDNORM (what makes EPOLLET
	 * report every write). */
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(wr(p[1], src, 10), 10);
		EXPECT_EQ(rr.n, i + 1);
		EXPECT_EQ(rr.keys[i], IN);
	}
	/* A null write returns before anything. */
	EXPECT_EQ(wr(p[1], src, 0), 0);
	EXPECT_EQ(rr.n, 3);
	/* Linux quirk, kept: a write refused with -EAGAIN on a full pipe wakes them too. */
	EXPECT_EQ(wr(p[1], src, CAP), (ssize_t)(CAP - SLOT));	/* 15 free slots */
	EXPECT_EQ(rr.n, 4);
	EXPECT_EQ(wr(p[1], src, SLOT), -EAGAIN);
	EXPECT_EQ(rr.n, 5);
	EXPECT_EQ(rr.keys[4], IN);
	/* Writers are not woken by writes. */
	EXPECT_EQ(rw.n, 0);
	unwatch(&rr);
	unwatch(&rw);
	close_pair(p);
}

KTEST(pipe, hup_when_the_last_writer_goes)
{
	struct file *p[2];
	struct key_rec rr, rw;
	char buf[16];
	ASSERT_EQ(pipe_create(p, 0), 0);	/* blocking: EOF must not wait */
	EXPECT_EQ(wr(p[1], "hello", 5), 5);
	EXPECT_EQ(watch(p[0], &rr), IN);
	EXPECT_EQ(watch(p[1], &rw), OUT);

	file_put(p[1]);
	p[1] = NULL;
	/* Both queues, NULL key (all events), once each. */
	EXPECT_EQ(rr.n, 1);
	EXPECT_EQ(rr.keys[0], 0);
	EXPECT_EQ(rw.n, 1);
	EXPECT_EQ(rw.keys[0], 0);
	unwatch(&rw);	/* the queue stays with the pipe, which the read end keeps */

	EXPECT_EQ(mask(p[0]), IN | EPOLLHUP);
	EXPECT_EQ(rd(p[0], buf, sizeof(buf)), 5);
	EXPECT_EQ(memcmp(buf, "hello", 5), 0);
	EXPECT_EQ(mask(p[0]), EPOLLHUP);
	EXPECT_EQ(rd(p[0], buf, sizeof(buf)), 0);	/* EOF, blocking file or not */
	p[0]->f_flags |= O_NONBLOCK;
	EXPECT_EQ(rd(p[0], buf, sizeof(buf)), 0);	/* EOF, not -EAGAIN */
	unwatch(&rr);
	close_pair(p);
}

KTEST(pipe, err_and_epipe_when_the_last_reader_goes)
{
	struct file *p[2];
	struct key_rec rr, rw;
	ASSERT_EQ(pipe_create(p, 0), 0);
	EXPECT_EQ(watch(p[0], &rr), 0);
	EXPECT_EQ(watch(p[1], &rw), OUT);
	file_put(p[0]);
	p[0] = NULL;
	EXPECT_EQ(rr.n, 1);
	EXPECT_EQ(rr.keys[0], 0);
	EXPECT_EQ(rw.n, 1);
	EXPECT_EQ(rw.keys[0], 0);
	unwatch(&rr);

	EXPECT_EQ(mask(p[1]), OUT | EPOLLERR);
	EXPECT_EQ(wr(p[1], "x", 1), -EPIPE);
	EXPECT_EQ(wr(p[1], NULL, 100), -EPIPE);	/* readers are checked before the copy */
	EXPECT_EQ(wr(p[1], "x", 0), 0);		/* a null write succeeds even so */
	unwatch(&rw);
	close_pair(p);

	/* A full pipe whose reader went: EPOLLERR alone. */
	fill_src();
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
	EXPECT_EQ(wr(p[1], src, CAP), (ssize_t)CAP);
	file_put(p[0]);
	p[0] = NULL;
	EXPECT_EQ(mask(p[1]), EPOLLERR);
	EXPECT_EQ(wr(p[1], src, 1), -EPIPE);
	close_pair(p);
}

KTEST(pipe, eagain_null_reads_and_nonblock_changes)
{
	struct file *p[2];
	char buf[4];
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
	EXPECT_EQ(rd(p[0], buf, sizeof(buf)), -EAGAIN);
	EXPECT_EQ(rd(p[0], buf, 0), 0);
	close_pair(p);

	/* O_NONBLOCK is read at each call: a later fcntl takes effect. */
	ASSERT_EQ(pipe_create(p, 0), 0);
	p[0]->f_flags |= O_NONBLOCK;
	EXPECT_EQ(rd(p[0], buf, sizeof(buf)), -EAGAIN);
	fill_src();
	p[1]->f_flags |= O_NONBLOCK;
	EXPECT_EQ(wr(p[1], src, CAP), (ssize_t)CAP);
	EXPECT_EQ(wr(p[1], src, 1), -EAGAIN);
	close_pair(p);
}

KTEST(pipe, wrong_direction_and_bad_buffers)
{
	struct file *p[2];
	char buf[4];
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
	/* As Linux's vfs_read/vfs_write on a file not opened for it. */
	EXPECT_EQ(rd(p[1], buf, sizeof(buf)), -EBADF);
	EXPECT_EQ(wr(p[0], "x", 1), -EBADF);

	/* A bad buffer faults only when there is something to copy, as in Linux. */
	EXPECT_EQ(rd(p[0], NULL, 4), -EAGAIN);
	EXPECT_EQ(wr(p[1], NULL, 4), -EFAULT);
	EXPECT_EQ(wr(p[1], low_ptr(64), 4), -EFAULT);
	EXPECT_EQ(pipe_nread(p[0]), 0);
	EXPECT_EQ(wr(p[1], "abcd", 4), 4);
	EXPECT_EQ(wr(p[1], NULL, 4), -EFAULT);	/* the merge path checks too */
	EXPECT_EQ(rd(p[0], NULL, 4), -EFAULT);
	EXPECT_EQ(pipe_nread(p[0]), 4);		/* nothing consumed */
	EXPECT_EQ(rd(p[0], buf, 4), 4);
	EXPECT_EQ(memcmp(buf, "abcd", 4), 0);
	close_pair(p);
}

KTEST(pipe, writes_up_to_4096_are_atomic)
{
	struct file *p[2];
	fill_src();
	ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
	/* 15 full slots and a 16th holding 4000 bytes: 96 bytes of room, no free slot. */
	EXPECT_EQ(wr(p[1], src, 15 * SLOT), (ssize_t)(15 * SLOT));
	EXPECT_EQ(wr(p[1], src + 15 * SLOT, 4000), 4000);
	EXPECT_EQ(pipe_slots_used(p[0]), 16);
	EXPECT_EQ(wr(p[1], src, 97), -EAGAIN);		/* never 96 of 97 */
	EXPECT_EQ(wr(p[1], src, SLOT), -EAGAIN);	/* never part of a page */
	EXPECT_EQ(wr(p[1], src + 15 * SLOT + 4000, 96), 96);
	EXPECT_EQ(pipe_nread(p[0]), (long)CAP);

	/* One slot freed, 5000 bytes offered: the 904-byte head cannot merge into the full last
	 * slot, so the first 4096 go to the free slot and the write returns that. */
	EXPECT_EQ(rd(p[0], dst, SLOT), (ssize_t)SLOT);
	EXPECT_EQ(wr(p[1], src + CAP, 5000), (ssize_t)SLOT);
	EXPECT_EQ(rd(p[0], dst + SLOT, sizeof(dst) - SLOT), (ssize_t)CAP);
	EXPECT_EQ(memcmp(dst, src, CAP + SLOT), 0);
	close_pair(p);
}

KTEST(pipe, blocking_read_woken_by_a_writer_thread)
{
	struct file *p[2];
	static char buf[64];
	static struct io_job j;
	struct key_rec rw;

	ASSERT_EQ(pipe_create(p, 0), 0);
	j = (struct io_job){ .f = p[0], .buf = buf, .len = sizeof(buf) };
	struct thread *t = thread_create("pipe-reader", reader_fn, &j, 0);
	ASSERT_TRUE(t != NULL);
	EXPECT_TRUE(asleep_on_queue(t));
	EXPECT_EQ(j.done, 0);
	EXPECT_EQ(watch(p[1], &rw), OUT);

	/* A writer thread would do the same: the main thread is one. */
	EXPECT_EQ(wr(p[1], "hello", 5), 5);
	thread_join(t);
	EXPECT_EQ(j.done, 1);
	EXPECT_EQ(j.ret, 5);
	EXPECT_EQ(memcmp(buf, "hello", 5), 0);
	EXPECT_EQ(rw.n, 0);
	unwatch(&rw);
	close_pair(p);
}

static void *delayed_writer_fn(void *arg)
{
	struct io_job *j = arg;
	msleep(3);
	j->ret = wr(j->f, j->buf, j->len);
	j->done = 1;
	return NULL;
}

KTEST(pipe, blocking_read_in_main_woken_by_writer_thread)
{
	struct file *p[2];
	static struct io_job j;
	char buf[16];
	ASSERT_EQ(pipe_create(p, 0), 0);
	j = (struct io_job){ .f = p[1], .buf = "from-thread", .len = 11 };
	struct thread *t = thread_create("pipe-writer", delayed_writer_fn, &j, 0);
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ(rd(p[0], buf, sizeof(buf)), 11);
	EXPECT_EQ(memcmp(buf, "from-thread", 11), 0);
	thread_join(t);
	EXPECT_EQ(j.ret, 11);
	close_pair(p);
}

KTEST(pipe, blocking_read_sees_eof_when_the_writer_closes)
{
	struct file *p[2];
	static char buf[8];
	static struct io_job j;
	ASSERT_EQ(pipe_create(p, 0), 0);
	j = (struct io_job){ .f = p[0], .buf = buf, .len = sizeof(buf) };
	struct thread *t = thread_create("pipe-reader", reader_fn, &j, 0);
	ASSERT_TRUE(t != NULL);
	EXPECT_TRUE(asleep_on_queue(t));
	file_put(p[1]);
	p[1] = NULL;
	thread_join(t);
	EXPECT_EQ(j.ret, 0);
	close_pair(p);
}

KTEST(pipe, blocked_readers_wake_one_after_another)
{
	struct file *p[2];
	static char buf[2][4];
	static struct io_job j[2];
	struct thread *t[2];
	ASSERT_EQ(pipe_create(p, 0), 0);
	for (int i = 0; i < 2; i++) {
		j[i] = (struct io_job){ .f = p[0], .buf = buf[i], .len = 1 };
		t[i] = thread_create("pipe-reader", reader_fn, &j[i], 0);
		ASSERT_TRUE(t[i] != NULL);
		EXPECT_TRUE(asleep_on_queue(t[i]));
	}
	/* Readers sleep exclusively: the write wakes one, which leaves a byte behind and so wakes
	 * the next (Linux's wake_next_reader). */
	EXPECT_EQ(wr(p[1], "ab", 2), 2);
	for (int i = 0; i < 2; i++) {
		thread_join(t[i]);
		EXPECT_EQ(j[i].ret, 1);
	}
	EXPECT_TRUE((buf[0][0] == 'a' && buf[1][0] == 'b') || (buf[0][0] == 'b' && buf[1][0] == 'a'));
	EXPECT_EQ(pipe_nread(p[0]), 0);
	close_pair(p);
}

KTEST(pipe, blocking_write_woken_when_a_reader_frees_a_slot)
{
	struct file *p[2];
	static struct io_job j;
	fill_src();
	ASSERT_EQ(pipe_create(p, 0), 0);
	EXPECT_EQ(wr(p[1], src, CAP), (ssize_t)CAP);	/* blocking, but there is room */
	j = (struct io_job){ .f = p[1], .buf = src + CAP, .len = SLOT };
	struct thread *t = thread_create("pipe-writer", writer_fn, &j, 0);
	ASSERT_TRUE(t != NULL);
	EXPECT_TRUE(asleep_on_queue(t));

	/* Bytes read without freeing a slot let no writer through. */
	EXPECT_EQ(rd(p[0], dst, SLOT - 1), (ssize_t)(SLOT - 1));
	msleep(5);
	EXPECT_EQ(j.done, 0);
	EXPECT_EQ(READ_ONCE(t->state), TASK_INTERRUPTIBLE);

	EXPECT_EQ(rd(p[0], dst + SLOT - 1, 1), 1);
	thread_join(t);
	EXPECT_EQ(j.ret, (ssize_t)SLOT);
	EXPECT_EQ(pipe_nread(p[0]), (long)CAP);
	EXPECT_EQ(rd(p[0], dst + SLOT, sizeof(dst) - SLOT), (ssize_t)CAP);
	EXPECT_EQ(memcmp(dst, src, CAP + SLOT), 0);
	close_pair(p);
}

KTEST(pipe, blocking_write_of_200000_streams_through_a_reader)
{
	struct file *p[2];
	static struct io_job j;
	const size_t total = 200000;
	fill_src();
	ASSERT_EQ(pipe_create(p, 0), 0);
	j = (struct io_job){ .f = p[1], .buf = src, .len = total };
	struct thread *t = thread_create("pipe-writer", writer_fn, &j, 0);
	ASSERT_TRUE(t != NULL);
	size_t got = 0;
	unsigned sizes[] = { 1, 4095, 7, 10000, 4096, 333, 65536 };
	for (unsigned i = 0; got < total; i++) {
		ssize_t n = rd(p[0], dst + got, MIN(sizes[i % ARRAY_SIZE(sizes)], total - got));
		ASSERT_TRUE(n > 0);
		got += n;
	}
	thread_join(t);
	EXPECT_EQ(j.ret, (ssize_t)total);
	EXPECT_EQ(got, total);
	EXPECT_EQ(memcmp(dst, src, total), 0);
	EXPECT_EQ(pipe_nread(p[0]), 0);
	close_pair(p);
}

KTEST(pipe, blocked_writer_gets_epipe_or_its_count_when_the_reader_closes)
{
	struct file *p[2];
	static struct io_job j;
	fill_src();

	/* Nothing written yet: -EPIPE. */
	ASSERT_EQ(pipe_create(p, 0), 0);
	EXPECT_EQ(wr(p[1], src, CAP), (ssize_t)CAP);
	j = (struct io_job){ .f = p[1], .buf = src, .len = 10 };
	struct thread *t = thread_create("pipe-writer", writer_fn, &j, 0);
	ASSERT_TRUE(t != NULL);
	EXPECT_TRUE(asleep_on_queue(t));
	file_put(p[0]);
	p[0] = NULL;
	thread_join(t);
	EXPECT_EQ(j.ret, -EPIPE);
	close_pair(p);

	/* One slot was free: 4096 bytes went in before it slept, and that count is returned. */
	ASSERT_EQ(pipe_create(p, 0), 0);
	EXPECT_EQ(wr(p[1], src, 15 * SLOT), (ssize_t)(15 * SLOT));
	j = (struct io_job){ .f = p[1], .buf = src, .len = 2 * SLOT };
	t = thread_create("pipe-writer", writer_fn, &j, 0);
	ASSERT_TRUE(t != NULL);
	EXPECT_TRUE(asleep_on_queue(t));
	EXPECT_EQ(pipe_slots_used(p[0]), 16);
	file_put(p[0]);
	p[0] = NULL;
	thread_join(t);
	EXPECT_EQ(j.ret, (ssize_t)SLOT);
	close_pair(p);
}

KTEST(pipe, sys_pipe2_flags_errors_and_descriptors)
{
	int fds[2] = { -1, -1 };
	int nfd = fd_count();
	long files0 = files_alive(), pipes0 = pipes_alive();

	/* Flags are checked first, then the pointer (after the descriptors, as do_pipe2). */
	EXPECT_EQ(sys_pipe2(fds, O_APPEND), -EINVAL);
	EXPECT_EQ(sys_pipe2(NULL, O_APPEND), -EINVAL);
	EXPECT_EQ(sys_pipe2(fds, O_RDWR), -EINVAL);
	EXPECT_EQ(sys_pipe2(NULL, 0), -EFAULT);
	EXPECT_EQ(sys_pipe2(low_ptr(16), O_NONBLOCK), -EFAULT);
	EXPECT_EQ(sys_pipe(NULL), -EFAULT);
	EXPECT_EQ(fd_count(), nfd);
	EXPECT_EQ(files_alive(), files0);
	EXPECT_EQ(pipes_alive(), pipes0);

	ASSERT_EQ(sys_pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
	EXPECT_TRUE(fds[0] >= 0 && fds[1] >= 0 && fds[0] != fds[1]);
	EXPECT_EQ(fd_count(), nfd + 2);
	EXPECT_EQ(fd_get_cloexec(fds[0]), 1);
	EXPECT_EQ(fd_get_cloexec(fds[1]), 1);
	struct file *r = fd_get(fds[0]), *w = fd_get(fds[1]);
	ASSERT_TRUE(r && w);
	EXPECT_EQ(r->f_flags, O_RDONLY | O_NONBLOCK);
	EXPECT_EQ(w->f_flags, O_WRONLY | O_NONBLOCK);
	EXPECT_EQ(wr(w, "ping", 4), 4);
	char buf[8];
	EXPECT_EQ(rd(r, buf, sizeof(buf)), 4);
	EXPECT_EQ(memcmp(buf, "ping", 4), 0);
	file_put(r);
	file_put(w);
	EXPECT_EQ(fd_close(fds[0]), 0);
	EXPECT_EQ(fd_close(fds[1]), 0);

	ASSERT_EQ(sys_pipe(fds), 0);
	EXPECT_EQ(fd_get_cloexec(fds[0]), 0);
	EXPECT_EQ(fd_get_cloexec(fds[1]), 0);
	r = fd_get(fds[0]);
	w = fd_get(fds[1]);
	ASSERT_TRUE(r && w);
	EXPECT_EQ(r->f_flags, O_RDONLY);
	EXPECT_EQ(w->f_flags, O_WRONLY);
	file_put(r);
	file_put(w);
	EXPECT_EQ(fd_close(fds[0]), 0);
	EXPECT_EQ(fd_close(fds[1]), 0);

	/* O_DIRECT is accepted: packet mode on the write end. */
	ASSERT_EQ(sys_pipe2(fds, O_DIRECT), 0);
	w = fd_get(fds[1]);
	ASSERT_TRUE(w != NULL);
	EXPECT_EQ(w->f_flags, O_WRONLY | O_DIRECT);
	file_put(w);
	EXPECT_EQ(fd_close(fds[0]), 0);
	EXPECT_EQ(fd_close(fds[1]), 0);

	EXPECT_EQ(fd_count(), nfd);
	EXPECT_EQ(files_alive(), files0);
	EXPECT_EQ(pipes_alive(), pipes0);
}

KTEST(pipe, sys_pipe2_emfile_leaks_no_descriptor)
{
	static int held[64];
	int nheld = 0, fds[2];
	int nfd = fd_count(), limit0 = fd_get_limit();
	long files0 = files_alive(), pipes0 = pipes_alive();

	/* Take descriptors until the pair's write end is at least 3 (fd_set_limit's minimum). */
	for (;;) {
		ASSERT_EQ(sys_pipe2(fds, 0), 0);
		ASSERT_TRUE(nheld < 62);
		held[nheld++] = fds[0];
		if (fds[1] >= 3)
			break;
		held[nheld++] = fds[1];
	}
	/* fds[1] was the lowest free descriptor: free it again and make it the only one allowed. */
	int last = fds[1];
	EXPECT_EQ(fd_close(last), 0);
	ASSERT_EQ(fd_set_limit(last + 1), 0);
	int before = fd_count();
	EXPECT_EQ(sys_pipe2(fds, 0), -EMFILE);	/* the second install fails */
	EXPECT_EQ(fd_count(), before);
	EXPECT_EQ(fd_get_cloexec(last), -EBADF);	/* the first one was undone */
	ASSERT_EQ(fd_set_limit(last), 0);
	EXPECT_EQ(sys_pipe2(fds, 0), -EMFILE);	/* the first install fails */
	EXPECT_EQ(fd_count(), before);
	EXPECT_EQ(sys_pipe2(NULL, 0), -EMFILE);	/* -EMFILE comes before -EFAULT */
	EXPECT_EQ(sys_pipe2(fds, O_APPEND), -EINVAL);
	ASSERT_EQ(fd_set_limit(limit0), 0);

	for (int i = 0; i < nheld; i++)
		EXPECT_EQ(fd_close(held[i]), 0);
	EXPECT_EQ(fd_count(), nfd);
	EXPECT_EQ(files_alive(), files0);
	EXPECT_EQ(pipes_alive(), pipes0);
}

/* Free pages plus page-table pages, after the caches let go of their empty slabs. */
static unsigned long pages_accounted(void)
{
	struct page_stats s;
	kmem_cache_shrink_all();
	page_stats(&s);
	return s.free + arch_mmu_table_pages();
}

KTEST(pipe, everything_is_freed)
{
	struct file *p[2];
	long files0 = files_alive(), pipes0 = pipes_alive();
	unsigned long pages0 = pages_accounted();
	fill_src();

	for (int round = 0; round < 3; round++) {
		ASSERT_EQ(pipe_create(p, O_NONBLOCK), 0);
		EXPECT_EQ(wr(p[1], src, CAP), (ssize_t)CAP);
		EXPECT_EQ(rd(p[0], dst, 3 * SLOT + 5), (ssize_t)(3 * SLOT + 5));
		EXPECT_EQ(wr(p[1], src, 2 * SLOT), (ssize_t)(2 * SLOT));
		/* Close the ends in either order, with data still inside. */
		if (round & 1) {
			file_put(p[0]);
			file_put(p[1]);
		} else {
			file_put(p[1]);
			file_put(p[0]);
		}
	}
	EXPECT_EQ(files_alive(), files0);
	EXPECT_EQ(pipes_alive(), pipes0);
	EXPECT_EQ(pages_accounted(), pages0);
}
