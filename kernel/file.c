// SPDX-License-Identifier: MIT
/* Files and the descriptor table.
 *
 * Locking: fd_lock (irqsave, since files can be put from softirq context) protects the table.
 * A file's refcount is atomic. The last file_put runs eventpoll_release (which takes each
 * watching epoll's mutex) and then f_op->release: it must happen in thread context. The struct
 * itself is freed after an RCU grace period: eventpoll's upward walks may still stand on it. */
#include <kernel/errno.h>
#include <kernel/eventpoll.h>
#include <kernel/file.h>
#include <kernel/poll.h>
#include <kernel/printk.h>
#include <kernel/rcu.h>
#include <kernel/slab.h>
#include <string.h>

#define FD_CLOEXEC_BIT	1UL	/* low bit of a table slot: the file pointers are aligned */

static struct spinlock fd_lock = SPINLOCK_INIT;
static uintptr_t *fd_table;	/* file pointer | FD_CLOEXEC_BIT, 0 when free */
static int fd_capacity;		/* slots allocated */
static int fd_limit = FD_DEFAULT_LIMIT;
static int fd_next_free;	/* no free descriptor below this */
static int fd_used;
static long nr_files;
static uint64_t last_ino = FILE_INO_FIRST - 1;

struct file *file_alloc(const struct file_operations *ops, void *private_data, unsigned flags)
{
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->refcount = 1;
	f->f_op = ops;
	f->f_flags = flags;
	f->private_data = private_data;
	f->f_ino = __atomic_add_fetch(&last_ino, 1, __ATOMIC_RELAXED);
	spin_lock_init(&f->f_lock);
	list_init(&f->f_ep_links);
	list_init(&f->f_tfile_llink);
	__atomic_add_fetch(&nr_files, 1, __ATOMIC_RELAXED);
	return f;
}

void file_get(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

bool file_get_unless_zero(struct file *f)
{
	long n = __atomic_load_n(&f->refcount, __ATOMIC_RELAXED);
	do {
		if (!n)
			return false;
	} while (!__atomic_compare_exchange_n(&f->refcount, &n, n + 1, true, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

static void file_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct file, f_rcu));
}

void file_put(struct file *f)
{
	long left = __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL);
	BUG_ON(left < 0);
	if (left)
		return;
	/* Unlocked peek, as Linux does: nobody can add an epitem to a file nobody references. */
	if (!list_empty(&f->f_ep_links))
		eventpoll_release(f);
	if (f->f_op->release)
		f->f_op->release(f);
	__atomic_sub_fetch(&nr_files, 1, __ATOMIC_RELAXED);
	call_rcu(&f->f_rcu, file_free_rcu);
}

long files_alive(void)
{
	return __atomic_load_n(&nr_files, __ATOMIC_RELAXED);
}

long long file_llseek_zero(struct file *f, long long off, int whence)
{
	(void)f;
	(void)off;
	(void)whence;
	return 0;
}

ssize_t file_pread_unpositioned(struct file *f, void *buf, size_t len, long long pos)
{
	(void)pos;
	return f->f_op->read(f, buf, len);
}

ssize_t file_pwrite_unpositioned(struct file *f, const void *buf, size_t len, long long pos)
{
	(void)pos;
	return f->f_op->write(f, buf, len);
}

uint32_t vfs_poll(struct file *f, struct poll_table *pt)
{
	if (!f->f_op->poll)
		return EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM;
	return f->f_op->poll(f, pt);
}

/* With fd_lock held: make room for descriptor @fd. Allocates with the lock dropped. */
static int grow_table(int fd, unsigned long *flags)
{
	while (fd >= fd_capacity) {
		int cap = fd_capacity ? fd_capacity * 2 : 64;
		if (cap > fd_limit)
			cap = fd_limit;
		spin_unlock_irqrestore(&fd_lock, *flags);
		uintptr_t *t = kzalloc((size_t)cap * sizeof(*t));
		*flags = spin_lock_irqsave(&fd_lock);
		if (!t)
			return -ENOMEM;
		if (cap <= fd_capacity) {	/* someone else grew it meanwhile */
			kfree(t);
			continue;
		}
		memcpy(t, fd_table, (size_t)fd_capacity * sizeof(*t));
		uintptr_t *old = fd_table;
		fd_table = t;
		fd_capacity = cap;
		spin_unlock_irqrestore(&fd_lock, *flags);
		kfree(old);
		*flags = spin_lock_irqsave(&fd_lock);
	}
	return 0;
}

/* With fd_lock held: the lowest free descriptor >= @min, or -EMFILE. */
static int find_free(int min, unsigned long *flags)
{
	int fd = min > fd_next_free ? min : fd_next_free;
	for (;; fd++) {
		if (fd >= fd_limit)
			return -EMFILE;
		if (fd >= fd_capacity) {
			int err = grow_table(fd, flags);
			if (err)
				return err;
			/* The table may have changed while unlocked: rescan from @min. */
			return find_free(min, flags);
		}
		if (!fd_table[fd])
			return fd;
	}
}

static void install(int fd, struct file *f, bool cloexec)
{
	fd_table[fd] = (uintptr_t)f | (cloexec ? FD_CLOEXEC_BIT : 0);
	fd_used++;
}

int fd_install_new(struct file *f, unsigned flags)
{
	unsigned long irq = spin_lock_irqsave(&fd_lock);
	int fd = find_free(0, &irq);
	if (fd >= 0) {
		install(fd, f, flags & O_CLOEXEC);
		fd_next_free = fd + 1;
	}
	spin_unlock_irqrestore(&fd_lock, irq);
	return fd;
}

int fd_install_or_put(struct file *f, unsigned flags)
{
	int fd = fd_install_new(f, flags);
	if (fd < 0)
		file_put(f);
	return fd;
}

static struct file *slot_file(uintptr_t slot)
{
	return (struct file *)(slot & ~FD_CLOEXEC_BIT);
}

struct file *fd_get(int fd)
{
	struct file *f = NULL;
	unsigned long irq = spin_lock_irqsave(&fd_lock);
	if (fd >= 0 && fd < fd_capacity && fd_table[fd]) {
		f = slot_file(fd_table[fd]);
		file_get(f);
	}
	spin_unlock_irqrestore(&fd_lock, irq);
	return f;
}

/* With fd_lock held: empty slot @fd and return the file it held. */
static struct file *take(int fd)
{
	struct file *f = slot_file(fd_table[fd]);
	fd_table[fd] = 0;
	fd_used--;
	if (fd < fd_next_free)
		fd_next_free = fd;
	return f;
}

int fd_close(int fd)
{
	unsigned long irq = spin_lock_irqsave(&fd_lock);
	if (fd < 0 || fd >= fd_capacity || !fd_table[fd]) {
		spin_unlock_irqrestore(&fd_lock, irq);
		return -EBADF;
	}
	struct file *f = take(fd);
	spin_unlock_irqrestore(&fd_lock, irq);
	file_put(f);
	return 0;
}

int fd_dup(int oldfd, int minfd, unsigned flags)
{
	if (minfd < 0 || minfd >= fd_limit)
		return -EINVAL;
	struct file *f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	unsigned long irq = spin_lock_irqsave(&fd_lock);
	int fd = find_free(minfd, &irq);
	if (fd >= 0) {
		install(fd, f, flags & O_CLOEXEC);
		if (fd == fd_next_free)
			fd_next_free = fd + 1;
	}
	spin_unlock_irqrestore(&fd_lock, irq);
	if (fd < 0)
		file_put(f);
	return fd;
}

int fd_dup3(int oldfd, int newfd, unsigned flags)
{
	if (newfd < 0 || newfd >= fd_limit)
		return -EBADF;
	struct file *f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	unsigned long irq = spin_lock_irqsave(&fd_lock);
	int err = grow_table(newfd, &irq);
	if (err) {
		spin_unlock_irqrestore(&fd_lock, irq);
		file_put(f);
		return err;
	}
	struct file *old = fd_table[newfd] ? take(newfd) : NULL;
	install(newfd, f, flags & O_CLOEXEC);
	if (newfd == fd_next_free)
		fd_next_free = newfd + 1;
	spin_unlock_irqrestore(&fd_lock, irq);
	if (old)
		file_put(old);
	return newfd;
}

int fd_get_cloexec(int fd)
{
	int ret = -EBADF;
	unsigned long irq = spin_lock_irqsave(&fd_lock);
	if (fd >= 0 && fd < fd_capacity && fd_table[fd])
		ret = (fd_table[fd] & FD_CLOEXEC_BIT) ? 1 : 0;
	spin_unlock_irqrestore(&fd_lock, irq);
	return ret;
}

int fd_set_cloexec(int fd, bool on)
{
	int ret = -EBADF;
	unsigned long irq = spin_lock_irqsave(&fd_lock);
	if (fd >= 0 && fd < fd_capacity && fd_table[fd]) {
		fd_table[fd] = (fd_table[fd] & ~FD_CLOEXEC_BIT) | (on ? FD_CLOEXEC_BIT : 0);
		ret = 0;
	}
	spin_unlock_irqrestore(&fd_lock, irq);
	return ret;
}

int fd_set_limit(int limit)
{
	if (limit < 3 || limit > (1 << 24))
		return -EINVAL;
	unsigned long irq = spin_lock_irqsave(&fd_lock);
	for (int fd = limit; fd < fd_capacity; fd++) {
		if (fd_table[fd]) {
			spin_unlock_irqrestore(&fd_lock, irq);
			return -EBUSY;	/* descriptors above the new limit are open */
		}
	}
	fd_limit = limit;
	spin_unlock_irqrestore(&fd_lock, irq);
	return 0;
}

int fd_get_limit(void)
{
	return READ_ONCE(fd_limit);
}

int fd_count(void)
{
	return READ_ONCE(fd_used);
}
