// SPDX-License-Identifier: MIT
/* eventfd: a counter that write(2) adds to and read(2) takes from, as Linux 6.x's fs/eventfd.c.
 *
 * Locking: the wait queue's spinlock (irqsave, since eventfd_signal may run in interrupt context)
 * protects the counter. Wake-ups are issued with it held (wake_up_key_locked), as Linux does, so
 * eventpoll's callback runs under it. Blocking readers and writers sleep on the same queue as
 * non-exclusive waiters (Linux's wait_event_interruptible_locked_irq), dropping the lock around
 * schedule(); every wake-up wakes all of them and each re-tests the counter. */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/eventfd.h>
#include <kernel/file.h>
#include <kernel/poll.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/syscall.h>
#include <kernel/wait.h>
#include <string.h>

struct eventfd_ctx {
	struct wait_queue_head wqh;	/* readers, writers, pollers; its lock guards count */
	uint64_t count;			/* the counter */
	unsigned flags;			/* EFD_SEMAPHORE (the other EFD_ flags live in the file) */
};

static const struct file_operations eventfd_fops;

/* With wqh.lock held (*irq its saved flags): sleep once, non-exclusive, the lock dropped around
 * schedule(). The entry stays queued until woken (autoremove) or until eventfd_wait_done.
 * Returns false, without sleeping, when a signal is pending. */
static bool eventfd_sleep_locked(struct eventfd_ctx *ctx, struct wait_entry *we, unsigned long *irq)
{
	/* Linux queues these at the tail; our wait queues keep non-exclusive entries at the head
	 * so that an exclusive entry's budget never stops a walk before them. */
	if (list_empty(&we->entry)) {
		we->flags &= ~WQ_FLAG_EXCLUSIVE;
		list_add(&we->entry, &ctx->wqh.head);
	}
	set_current_state(TASK_INTERRUPTIBLE);
	if (signal_pending())
		return false;
	spin_unlock_irqrestore(&ctx->wqh.lock, *irq);
	schedule();
	*irq = spin_lock_irqsave(&ctx->wqh.lock);
	return true;
}

static void eventfd_wait_done(struct eventfd_ctx *ctx, struct wait_entry *we)
{
	(void)ctx;
	list_del_init(&we->entry);	/* lock held: the plain list operation */
	set_current_state(TASK_RUNNING);
}

static ssize_t eventfd_read(struct file *f, void *buf, size_t len)
{
	struct eventfd_ctx *ctx = f->private_data;
	uint64_t ucnt;

	if (len < sizeof(ucnt))
		return -EINVAL;
	unsigned long irq = spin_lock_irqsave(&ctx->wqh.lock);
	if (!ctx->count) {
		if (READ_ONCE(f->f_flags) & O_NONBLOCK) {
			spin_unlock_irqrestore(&ctx->wqh.lock, irq);
			return -EAGAIN;
		}
		DEFINE_WAIT(we);
		bool slept;
		do
			slept = eventfd_sleep_locked(ctx, &we, &irq);
		while (slept && !ctx->count);
		eventfd_wait_done(ctx, &we);
		if (!slept) {
			spin_unlock_irqrestore(&ctx->wqh.lock, irq);
			return -ERESTARTSYS;
		}
	}
	ucnt = (ctx->flags & EFD_SEMAPHORE) ? 1 : ctx->count;
	ctx->count -= ucnt;
	if (waitqueue_active(&ctx->wqh))
		wake_up_key_locked(&ctx->wqh, 1, poll_to_key(EPOLLOUT));
	spin_unlock_irqrestore(&ctx->wqh.lock, irq);

	/* As Linux, the copy comes last: a bad buffer loses the value already taken. */
	if (!uaccess_write_ok(buf, sizeof(ucnt)))
		return -EFAULT;
	memcpy(buf, &ucnt, sizeof(ucnt));
	return sizeof(ucnt);
}

static ssize_t eventfd_write(struct file *f, const void *buf, size_t len)
{
	struct eventfd_ctx *ctx = f->private_data;
	uint64_t ucnt;
	ssize_t res;

	/* Exactly 8 bytes: Linux >= 6.9 refuses longer writes too (before: only shorter ones). */
	if (len != sizeof(ucnt))
		return -EINVAL;
	if (!uaccess_ok(buf, sizeof(ucnt)))
		return -EFAULT;
	memcpy(&ucnt, buf, sizeof(ucnt));
	if (ucnt == UINT64_MAX)
		return -EINVAL;

	unsigned long irq = spin_lock_irqsave(&ctx->wqh.lock);
	res = -EAGAIN;
	if (UINT64_MAX - ctx->count > ucnt) {
		res = sizeof(ucnt);
	} else if (!(READ_ONCE(f->f_flags) & O_NONBLOCK)) {
		DEFINE_WAIT(we);
		bool slept;
		do
			slept = eventfd_sleep_locked(ctx, &we, &irq);
		while (slept && !(UINT64_MAX - ctx->count > ucnt));
		eventfd_wait_done(ctx, &we);
		res = slept ? (ssize_t)sizeof(ucnt) : -ERESTARTSYS;
	}
	if (res > 0) {
		ctx->count += ucnt;	/* 0 included: it still wakes */
		if (waitqueue_active(&ctx->wqh))
			wake_up_key_locked(&ctx->wqh, 1, poll_to_key(EPOLLIN));
	}
	spin_unlock_irqrestore(&ctx->wqh.lock, irq);
	return res;
}

static uint32_t eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd_ctx *ctx = f->private_data;
	uint32_t events = 0;

	/* Queue first (under wqh.lock), read afterwards: a write after the read wakes us. */
	poll_wait(f, &ctx->wqh, pt);
	uint64_t count = READ_ONCE(ctx->count);
	if (count > 0)
		events |= EPOLLIN;
	if (count == UINT64_MAX)
		events |= EPOLLERR;
	if (UINT64_MAX - 1 > count)
		events |= EPOLLOUT;
	return events;	/* no RDNORM/WRNORM: Linux's eventfd reports only these */
}

static void eventfd_release(struct file *f)
{
	struct eventfd_ctx *ctx = f->private_data;

	/* Linux's eventfd_release: a last EPOLLHUP to whatever is still queued (eventpoll's items
	 * have been removed by then; kernel users' entries may remain). */
	wake_up_key(&ctx->wqh, 1, poll_to_key(EPOLLHUP));
	kfree(ctx);
}

static const struct file_operations eventfd_fops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.release = eventfd_release,
	.llseek = file_llseek_zero,	/* Linux's noop_llseek: there is no position */
	.name = "eventfd",
	.mode = 0600,		/* an anonymous inode */
};

struct file *eventfd_create(uint64_t initval, unsigned flags, int *err)
{
	if (flags & ~EFD_FLAGS_SET) {
		*err = -EINVAL;
		return NULL;
	}
	struct eventfd_ctx *ctx = kmalloc(sizeof(*ctx));
	if (!ctx)
		goto out_nomem;
	wait_queue_head_init(&ctx->wqh);
	ctx->count = initval;
	ctx->flags = flags & EFD_SEMAPHORE;

	struct file *f = file_alloc(&eventfd_fops, ctx, O_RDWR | (flags & EFD_NONBLOCK));
	if (!f)
		goto out_free_ctx;
	return f;

out_free_ctx:
	kfree(ctx);
out_nomem:
	*err = -ENOMEM;
	return NULL;
}

bool is_file_eventfd(const struct file *f)
{
	return f->f_op == &eventfd_fops;
}

uint64_t eventfd_signal(struct file *f, uint64_t n)
{
	if (!is_file_eventfd(f))
		return 0;
	struct eventfd_ctx *ctx = f->private_data;
	unsigned long irq = spin_lock_irqsave(&ctx->wqh.lock);
	if (UINT64_MAX - ctx->count < n)
		n = UINT64_MAX - ctx->count;
	ctx->count += n;
	if (waitqueue_active(&ctx->wqh))
		wake_up_key_locked(&ctx->wqh, 1, poll_to_key(EPOLLIN));
	spin_unlock_irqrestore(&ctx->wqh.lock, irq);
	return n;
}

uint64_t eventfd_count(struct file *f)
{
	if (!is_file_eventfd(f))
		return 0;
	struct eventfd_ctx *ctx = f->private_data;
	unsigned long irq = spin_lock_irqsave(&ctx->wqh.lock);
	uint64_t count = ctx->count;
	spin_unlock_irqrestore(&ctx->wqh.lock, irq);
	return count;
}

/* Linux's do_eventfd order: flags (-EINVAL), the context (-ENOMEM), the descriptor (-EMFILE). */
long sys_eventfd2(unsigned int initval, int flags)
{
	int err;

	if (flags & ~EFD_FLAGS_SET)
		return -EINVAL;
	struct file *f = eventfd_create(initval, (unsigned)flags, &err);
	if (!f)
		return err;
	return fd_install_or_put(f, (unsigned)flags & EFD_CLOEXEC);
}

long sys_eventfd(unsigned int initval)
{
	return sys_eventfd2(initval, 0);
}
