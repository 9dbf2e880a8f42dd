// SPDX-License-Identifier: MIT
/* The eventpoll core at object level (ep_create/ep_ctl/ep_wait), on the host under ASan/UBSan and
 * in the guest. A fake pollable file ("tfile") sets its own mask and wakes its queue with a chosen
 * key; its poll() can also run a hook while epoll is copying events out, which is how a wake-up
 * is injected into the middle of a transfer to exercise the overflow list. */
#include <kernel/errno.h>
#include <kernel/eventpoll.h>
#include <kernel/file.h>
#include <kernel/ktest.h>
#include <kernel/poll.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/wait.h>

struct tfile {
	struct wait_queue_head wq;	/* woken by tfile_set */
	uint32_t mask;			/* what poll() reports */
	int polls;			/* poll() calls */
	int hooked;			/* poll() calls that registered a wait queue */
	void (*during_transfer)(struct tfile *t);	/* run by poll() without a queue proc */
	void *hook_arg;
	bool released;
};

static uint32_t tfile_poll(struct file *f, struct poll_table *pt)
{
	struct tfile *t = f->private_data;
	poll_wait(f, &t->wq, pt);
	t->polls++;
	if (pt && pt->qproc)
		t->hooked++;
	if ((!pt || !pt->qproc) && t->during_transfer) {
		void (*hook)(struct tfile *) = t->during_transfer;
		t->during_transfer = NULL;	/* once */
		hook(t);
	}
	return t->mask;
}

static void tfile_release(struct file *f)
{
	struct tfile *t = f->private_data;
	t->released = true;
}

static const struct file_operations tfile_ops = {
	.poll = tfile_poll,
	.release = tfile_release,
	.name = "tfile",
};

static const struct file_operations nopoll_ops = {
	.name = "nopoll",
};

static struct file *tfile_new(struct tfile *t, uint32_t mask)
{
	wait_queue_head_init(&t->wq);
	t->mask = mask;
	t->polls = t->hooked = 0;
	t->during_transfer = NULL;
	t->released = false;
	return file_alloc(&tfile_ops, t, O_RDWR);
}

/* Change readiness and wake the queue with @key as the event mask (0: no key). */
static void tfile_set(struct tfile *t, uint32_t mask, uint32_t key)
{
	t->mask = mask;
	wake_up_key(&t->wq, 0, poll_to_key(key));
}

/* Created at boot by eventpoll_init: made lazily by the first epoll_create1, two threads creating
 * their first instances at once could see one cache made and the other not yet. */
KTEST(eventpoll, caches_exist_before_the_first_instance)
{
	EXPECT_TRUE(kmem_cache_lookup("epitem") != NULL);
	EXPECT_TRUE(kmem_cache_lookup("eppoll_entry") != NULL);
}

static struct file *ep_new(void)
{
	int err = 0;
	return ep_create(0, &err);
}

static int ctl(struct file *ep, int op, struct file *f, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	return ep_ctl(ep, op, f, fd, &ev);
}

/* Non-blocking wait; fills @ev. */
static int poll_now(struct file *ep, struct epoll_event *ev, int max)
{
	return ep_wait(ep, ev, max, 0);
}

struct leak_mark {
	long files;
	long watches;
};

static struct leak_mark leak_mark(void)
{
	struct leak_mark m = { files_alive(), ep_watches() };
	return m;
}

#define EXPECT_NO_LEAK(m) do { \
	EXPECT_EQ(files_alive(), (m).files); \
	EXPECT_EQ(ep_watches(), (m).watches); \
} while (0)

KTEST(eventpoll, epoll_event_is_packed_12_bytes)
{
	EXPECT_EQ(sizeof(struct epoll_event), 12);
	EXPECT_EQ(offsetof(struct epoll_event, data), 4);
}

KTEST(eventpoll, ready_at_add_and_after_wake)
{
	struct leak_mark m = leak_mark();
	static struct tfile ta, tb;
	struct file *ep = ep_new(), *a = tfile_new(&ta, EPOLLIN), *b = tfile_new(&tb, 0);
	struct epoll_event ev[4];

	ASSERT_TRUE(ep && a && b);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, a, 3, EPOLLIN, 0xaaaa), 0);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, b, 4, EPOLLIN, 0xbbbb), 0);
	EXPECT_EQ(ta.hooked, 1);		/* ADD hooked ep_poll_callback on the queue */
	ASSERT_EQ(poll_now(ep, ev, 4), 1);	/* a was ready at ADD */
	EXPECT_EQ(ev[0].events, EPOLLIN);
	EXPECT_EQ(ev[0].data.u64, 0xaaaa);
	ta.mask = 0;
	EXPECT_EQ(poll_now(ep, ev, 4), 0);	/* LT item re-polled: no longer ready, dropped */
	tfile_set(&tb, EPOLLIN | EPOLLOUT, EPOLLIN);
	ASSERT_EQ(poll_now(ep, ev, 4), 1);
	EXPECT_EQ(ev[0].events, EPOLLIN);	/* OUT was not asked for */
	EXPECT_EQ(ev[0].data.u64, 0xbbbb);
	file_put(a);
	file_put(b);
	file_put(ep);
	EXPECT_TRUE(ta.released && tb.released);
	EXPECT_NO_LEAK(m);
}

/* A wait that returns events starts the thread's batch (sched_plug: the NIC's doorbell may wait
 * for its end); the next wait ends it on entry, before it can sleep. */
KTEST(eventpoll, returned_events_plug_the_thread_until_its_next_wait)
{
	struct leak_mark m = leak_mark();
	static struct tfile ta;
	struct file *ep = ep_new(), *a = tfile_new(&ta, EPOLLIN);
	struct epoll_event ev[4];
	struct thread *me = current_thread();

	ASSERT_TRUE(ep && a);
	sched_unplug();
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, a, 3, EPOLLIN, 1), 0);
	EXPECT_FALSE(me->plugged);
	ASSERT_EQ(poll_now(ep, ev, 4), 1);
	EXPECT_TRUE(me->plugged);
	EXPECT_EQ(ep_wait(ep, ev, 0, 0), -EINVAL);	/* a refused call is no wait */
	EXPECT_TRUE(me->plugged);
	ta.mask = 0;
	EXPECT_EQ(poll_now(ep, ev, 4), 0);
	EXPECT_FALSE(me->plugged);
	file_put(a);
	file_put(ep);
	EXPECT_NO_LEAK(m);
}

KTEST(eventpoll, level_triggered_repeats_edge_triggered_does_not)
{
	struct leak_mark m = leak_mark();
	static struct tfile tl, te;
	struct file *ep = ep_new(), *l = tfile_new(&tl, 0), *e = tfile_new(&te, 0);
	struct epoll_event ev[4];

	ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, l, 1, EPOLLIN, 1), 0);
	ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, e, 2, EPOLLIN | EPOLLET, 2), 0);
	tfile_set(&tl, EPOLLIN, EPOLLIN);
	tfile_set(&te, EPOLLIN, EPOLLIN);
	EXPECT_EQ(poll_now(ep, ev, 4), 2);
	ASSERT_EQ(poll_now(ep, ev, 4), 1);	/* only the LT one again */
	EXPECT_EQ(ev[0].data.u64, 1);
	/* A new wake-up re-arms the edge even though the state did not change (Linux's ET). */
	tfile_set(&te, EPOLLIN, EPOLLIN);
	EXPECT_EQ(poll_now(ep, ev, 4), 2);
	file_put(l);
	file_put(e);
	file_put(ep);
	EXPECT_NO_LEAK(m);
}

KTEST(eventpoll, oneshot_disarms_until_mod)
{
	struct leak_mark m = leak_mark();
	static struct tfile t;
	struct file *ep = ep_new(), *f = tfile_new(&t, EPOLLIN);
	struct epoll_event ev[2];

	ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, f, 1, EPOLLIN | EPOLLONESHOT, 7), 0);
	EXPECT_EQ(poll_now(ep, ev, 2), 1);
	EXPECT_EQ(poll_now(ep, ev, 2), 0);
	tfile_set(&t, EPOLLIN, EPOLLIN);	/* disarmed: the callback ignores it */
	EXPECT_EQ(poll_now(ep, ev, 2), 0);
	ASSERT_EQ(ctl(ep, EPOLL_CTL_MOD, f, 1, EPOLLIN | EPOLLONESHOT, 8), 0);
	ASSERT_EQ(poll_now(ep, ev, 2), 1);	/* MOD re-polls: already-pending event reported */
	EXPECT_EQ(ev[0].data.u64, 8);
	file_put(f);
	file_put(ep);
	EXPECT_NO_LEAK(m);
}

KTEST(eventpoll, wake_key_filters_and_err_hup_always_reported)
{
	struct leak_mark m = leak_mark();
	static struct tfile t;
	struct file *ep = ep_new(), *f = tfile_new(&t, 0);
	struct epoll_event ev[2];

	ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, f, 1, EPOLLIN, 1), 0);
	/* The waker says only OUT changed: an IN watcher is not queued, although poll says IN. */
	tfile_set(&t, EPOLLIN | EPOLLOUT, EPOLLOUT);
	EXPECT_EQ(poll_now(ep, ev, 2), 0);
	/* ERR and HUP are always of interest. */
	tfile_set(&t, EPOLLHUP, EPOLLHUP);
	ASSERT_EQ(poll_now(ep, ev, 2), 1);
	EXPECT_EQ(ev[0].events, EPOLLHUP);
	/* No key: anything may have changed. */
	ASSERT_EQ(ctl(ep, EPOLL_CTL_MOD, f, 1, 0, 2), 0);
	tfile_set(&t, EPOLLIN | EPOLLERR, 0);
	ASSERT_EQ(poll_now(ep, ev, 2), 1);
	EXPECT_EQ(ev[0].events, EPOLLERR);	/* interest 0: only ERR/HUP */
	file_put(f);
	file_put(ep);
	EXPECT_NO_LEAK(m);
}

/* During the transfer of @t's event, make the other tfile ready and wake it: that callback runs
 * while the ready list is taken, so it must land on the overflow list. */
static void wake_other(struct tfile *t)
{
	struct tfile *other = t->hook_arg;
	tfile_set(other, EPOLLIN, EPOLLIN);
}

KTEST(eventpoll, callback_during_transfer_goes_to_overflow_list)
{
	struct leak_mark m = leak_mark();
	static struct tfile ta, tb;
	struct file *ep = ep_new(), *a = tfile_new(&ta, 0), *b = tfile_new(&tb, 0);
	struct epoll_event ev[4];

	ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, a, 1, EPOLLIN | EPOLLET, 0xa), 0);
	ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, b, 2, EPOLLIN | EPOLLET, 0xb), 0);
	ta.during_transfer = wake_other;
	ta.hook_arg = &tb;
	tfile_set(&ta, EPOLLIN, EPOLLIN);
	/* This wait transfers a; b's callback fires in the middle and is not part of it. */
	ASSERT_EQ(poll_now(ep, ev, 4), 1);
	EXPECT_EQ(ev[0].data.u64, 0xa);
	EXPECT_EQ(tb.polls, 1);		/* b was polled only at ADD: not in this transfer */
	/* The overflow list was merged back at the end: the next wait delivers b. */
	ASSERT_EQ(poll_now(ep, ev, 4), 1);
	EXPECT_EQ(ev[0].data.u64, 0xb);
	EXPECT_EQ(poll_now(ep, ev, 4), 0);	/* both edge-triggered: consumed */
	file_put(a);
	file_put(b);
	file_put(ep);
	EXPECT_NO_LEAK(m);
}

KTEST(eventpoll, maxevents_rotates_fairly)
{
	struct leak_mark m = leak_mark();
	static struct tfile t[5];
	struct file *ep = ep_new(), *f[5];
	struct epoll_event ev[2];
	static const int want[4][2] = { { 0, 1 }, { 2, 3 }, { 4, 0 }, { 1, 2 } };

	for (int i = 0; i < 5; i++) {
		f[i] = tfile_new(&t[i], EPOLLIN);
		ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, f[i], i, EPOLLIN, (uint64_t)i), 0);
	}
	for (int round = 0; round < 4; round++) {
		ASSERT_EQ(poll_now(ep, ev, 2), 2);
		EXPECT_EQ(ev[0].data.u64, want[round][0]);
		EXPECT_EQ(ev[1].data.u64, want[round][1]);
	}
	for (int i = 0; i < 5; i++)
		file_put(f[i]);
	file_put(ep);
	EXPECT_NO_LEAK(m);
}

KTEST(eventpoll, ctl_errors)
{
	struct leak_mark m = leak_mark();
	static struct tfile t;
	struct file *ep = ep_new(), *ep2 = ep_new(), *f = tfile_new(&t, 0);
	struct file *np = file_alloc(&nopoll_ops, NULL, O_RDWR);

	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, np, 1, EPOLLIN, 0), -EPERM);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, ep, 1, EPOLLIN, 0), -EINVAL);	/* itself */
	EXPECT_EQ(ctl(f, EPOLL_CTL_ADD, ep, 1, EPOLLIN, 0), -EINVAL);	/* not an epoll */
	EXPECT_EQ(ctl(ep, EPOLL_CTL_DEL, f, 1, 0, 0), -ENOENT);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_MOD, f, 1, EPOLLIN, 0), -ENOENT);
	EXPECT_EQ(ctl(ep, 99, f, 1, EPOLLIN, 0), -EINVAL);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, f, 1, EPOLLIN, 0), 0);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, f, 1, EPOLLIN, 0), -EEXIST);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, f, 2, EPOLLIN, 0), 0);	/* same file, other fd */
	EXPECT_EQ(ctl(ep, EPOLL_CTL_MOD, f, 1, EPOLLIN | EPOLLEXCLUSIVE, 0), -EINVAL);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, ep2, 3, EPOLLIN | EPOLLEXCLUSIVE, 0), -EINVAL);
	EXPECT_EQ(ctl(ep2, EPOLL_CTL_ADD, f, 1, EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 0), -EINVAL);
	EXPECT_EQ(ctl(ep2, EPOLL_CTL_ADD, f, 1, EPOLLIN | EPOLLEXCLUSIVE, 0), 0);
	EXPECT_EQ(ctl(ep2, EPOLL_CTL_MOD, f, 1, EPOLLIN, 0), -EINVAL);	/* an exclusive item */
	EXPECT_EQ(ctl(ep, EPOLL_CTL_DEL, f, 2, 0, 0), 0);
	file_put(np);
	file_put(f);
	file_put(ep2);
	file_put(ep);
	EXPECT_NO_LEAK(m);
}

/* A NULL or first-page array faults at the first event to store (found by fuzz_epoll: the
 * address was once computed as NULL + n, undefined behaviour), and the event stays queued. */
KTEST(eventpoll, bad_event_array_faults_and_keeps_the_event)
{
	struct leak_mark m = leak_mark();
	static struct tfile t;
	struct file *ep = ep_new(), *f = tfile_new(&t, EPOLLIN);
	struct epoll_event ev[2];

	ASSERT_TRUE(ep && f);
	EXPECT_EQ(poll_now(ep, NULL, 2), 0);		/* nothing ready: nothing copied, no fault */
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, f, 1, EPOLLIN | EPOLLET, 7), 0);
	EXPECT_EQ(poll_now(ep, NULL, 2), -EFAULT);
	EXPECT_EQ(poll_now(ep, (struct epoll_event *)64, 2), -EFAULT);
	ASSERT_EQ(poll_now(ep, ev, 2), 1);		/* the edge was not consumed by the faults */
	EXPECT_EQ(ev[0].data.u64, 7);
	EXPECT_EQ(poll_now(ep, ev, 2), 0);
	file_put(f);
	file_put(ep);
	EXPECT_NO_LEAK(m);
}

KTEST(eventpoll, close_of_watched_file_removes_it)
{
	struct leak_mark m = leak_mark();
	static struct tfile t;
	struct file *ep = ep_new(), *f = tfile_new(&t, EPOLLIN);
	struct epoll_event ev[2];

	ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, f, 1, EPOLLIN, 1), 0);
	file_get(f);			/* a second reference, like a dup'ed descriptor */
	file_put(f);
	EXPECT_EQ(poll_now(ep, ev, 2), 1);	/* still watched while a reference lives */
	EXPECT_EQ(ep_watches(), m.watches + 1);
	file_put(f);			/* the last reference: eventpoll_release removes it */
	EXPECT_TRUE(t.released);
	EXPECT_EQ(ep_watches(), m.watches);
	EXPECT_EQ(poll_now(ep, ev, 2), 0);
	file_put(ep);
	EXPECT_NO_LEAK(m);
}

KTEST(eventpoll, nested_epoll_propagates_and_poll_reflects_et)
{
	struct leak_mark m = leak_mark();
	static struct tfile t;
	struct file *inner = ep_new(), *outer = ep_new(), *f = tfile_new(&t, 0);
	struct epoll_event ev[2];

	ASSERT_EQ(ctl(inner, EPOLL_CTL_ADD, f, 1, EPOLLIN | EPOLLET, 1), 0);
	ASSERT_EQ(ctl(outer, EPOLL_CTL_ADD, inner, 9, EPOLLIN, 0x99), 0);
	EXPECT_EQ(vfs_poll(inner, NULL), 0);
	tfile_set(&t, EPOLLIN, EPOLLIN);
	EXPECT_EQ(vfs_poll(inner, NULL), EPOLLIN | EPOLLRDNORM);
	ASSERT_EQ(poll_now(outer, ev, 2), 1);	/* the inner instance's wake reached the outer */
	EXPECT_EQ(ev[0].data.u64, 0x99);
	EXPECT_EQ(ev[0].events, EPOLLIN);
	ASSERT_EQ(poll_now(inner, ev, 2), 1);	/* consume the edge */
	EXPECT_EQ(vfs_poll(inner, NULL), 0);	/* poll of the epoll fd reflects it */
	EXPECT_EQ(poll_now(outer, ev, 2), 0);
	file_put(f);
	file_put(outer);
	file_put(inner);
	EXPECT_NO_LEAK(m);
}

KTEST(eventpoll, loops_and_depth_are_refused)
{
	struct leak_mark m = leak_mark();
	struct file *e[7];

	for (int i = 0; i < 7; i++)
		ASSERT_TRUE((e[i] = ep_new()) != NULL);
	ASSERT_EQ(ctl(e[0], EPOLL_CTL_ADD, e[1], 1, EPOLLIN, 0), 0);
	EXPECT_EQ(ctl(e[1], EPOLL_CTL_ADD, e[0], 0, EPOLLIN, 0), -ELOOP);	/* 2-cycle */
	/* A chain e0 <- e1 <- ... : five instances (four links) is the deepest allowed. */
	for (int i = 1; i < 4; i++)
		EXPECT_EQ(ctl(e[i], EPOLL_CTL_ADD, e[i + 1], i + 1, EPOLLIN, 0), 0);
	EXPECT_EQ(ctl(e[4], EPOLL_CTL_ADD, e[5], 5, EPOLLIN, 0), -ELOOP);	/* a fifth link */
	EXPECT_EQ(ctl(e[5], EPOLL_CTL_ADD, e[0], 0, EPOLLIN, 0), -ELOOP);	/* on top: too */
	EXPECT_EQ(ctl(e[3], EPOLL_CTL_ADD, e[0], 0, EPOLLIN, 0), -ELOOP);	/* longer cycle */
	for (int i = 0; i < 7; i++)
		file_put(e[i]);
	EXPECT_NO_LEAK(m);
}

KTEST(eventpoll, watch_limit_gives_enospc)
{
	struct leak_mark m = leak_mark();
	static struct tfile t[3];
	struct file *ep = ep_new(), *f[3];

	ep_set_max_watches(ep_watches() + 2);
	for (int i = 0; i < 3; i++)
		f[i] = tfile_new(&t[i], 0);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, f[0], 0, EPOLLIN, 0), 0);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, f[1], 1, EPOLLIN, 0), 0);
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, f[2], 2, EPOLLIN, 0), -ENOSPC);
	ep_set_max_watches(0);	/* back to the default */
	EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, f[2], 2, EPOLLIN, 0), 0);
	for (int i = 0; i < 3; i++)
		file_put(f[i]);
	file_put(ep);
	EXPECT_NO_LEAK(m);
}

KTEST(eventpoll, closing_the_epoll_unhooks_everything)
{
	struct leak_mark m = leak_mark();
	static struct tfile t;
	struct file *ep = ep_new(), *f = tfile_new(&t, 0);

	ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, f, 1, EPOLLIN, 0), 0);
	EXPECT_TRUE(waitqueue_active(&t.wq));
	file_put(ep);
	EXPECT_FALSE(waitqueue_active(&t.wq));	/* no callback left pointing at freed memory */
	tfile_set(&t, EPOLLIN, EPOLLIN);	/* harmless now (ASan would catch a use after free) */
	file_put(f);
	EXPECT_NO_LEAK(m);
}
