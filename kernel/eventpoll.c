// SPDX-License-Identifier: MIT
/*
 * eventpoll: Linux's epoll, in epunk's words.
 *
 * An epoll instance (struct eventpoll) keeps the files it watches in a red-black tree of epitems
 * keyed by (file, fd). ADD polls the file with a poll_table whose queue procedure hangs an
 * eppoll_entry, whose wake function is ep_poll_callback, on each of the file's wait queues. From
 * then on, whoever changes the file's readiness wakes that queue with the event mask as key, and
 * ep_poll_callback puts the epitem on the ready list (or, while epoll_wait is copying events out,
 * on the overflow list) and wakes one epoll_wait sleeper. epoll_wait re-polls each ready item for
 * its current mask: level-triggered items go back on the ready list, edge-triggered ones do not,
 * one-shot ones are disarmed until EPOLL_CTL_MOD. Nothing ever scans every watched file.
 *
 * Locking, outermost first:
 *   epnested_mutex  serializes ADDs that need the loop and path checks (an epoll target, or an
 *                   instance that is itself watched); held while walking other instances. The
 *                   upward walks (a file's watchers, their instances' files, their watchers...)
 *                   take no instance's lock: they run under rcu_read_lock, and epitems,
 *                   instances and files are freed through call_rcu.
 *   ep->mtx         sleeping; serializes ctl operations and event transfer of one instance, and
 *                   protects its tree. Nested instances are locked outer before inner, and ADD
 *                   refuses loops, so these never cycle.
 *   file->f_lock    spinlock; the list of epitems watching a file (f_ep_links) for writers;
 *                   readers walk it under RCU.
 *   (a watched file's wait queue lock: ep_poll_callback runs under it)
 *   ep->lock        spinlock, irqsave; the ready list, the overflow list, ep->wq membership.
 *   ep->wq.lock, ep->poll_wait.lock, then the scheduler's run-queue lock (thread wake-ups).
 * Interrupt context: only ep_poll_callback and the wake-ups it issues run there; everything else
 * runs in threads (it sleeps on ep->mtx).
 */
#include <kernel/busy_poll.h>
#include <kernel/errno.h>
#include <kernel/eventpoll.h>
#include <kernel/file.h>
#include <kernel/mutex.h>
#include <kernel/page.h>
#include <kernel/poll.h>
#include <kernel/printk.h>
#include <kernel/rbtree.h>
#include <kernel/rcu.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/uaccess.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <kernel/wait.h>
#include <limits.h>
#include <string.h>

#define EP_MAX_NESTS		4
#define EP_PRIVATE_BITS		(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLINOUT_BITS		(EPOLLIN | EPOLLOUT)
#define EPOLLEXCLUSIVE_OK_BITS	(EPOLLINOUT_BITS | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | \
				 EPOLLEXCLUSIVE)
#define EP_MAX_EVENTS		(INT_MAX / (int)sizeof(struct epoll_event))
/* ovflist value while no transfer runs (NULL means "active and empty"). */
#define EP_OVF_INACTIVE		((struct epitem *)-1L)

struct eventpoll {
	struct mutex mtx;		/* ctl and transfer serialization; guards rbr */
	struct spinlock lock;		/* rdllist, ovflist, wq membership; irqsave */
	struct wait_queue_head wq;	/* epoll_wait sleepers (exclusive) */
	struct wait_queue_head poll_wait; /* poll() users of this epoll file (nesting, poll(2)) */
	struct list_head rdllist;	/* ready epitems, via epitem.rdllink */
	struct epitem *ovflist;		/* LIFO of epitems made ready during a transfer */
	struct rb_root_cached rbr;	/* every epitem, ordered by (file, fd) */
	struct file *file;		/* the epoll file; NULL once it is being released */
	long refcount;			/* the file's reference + one per epitem */
	uint64_t gen;			/* loop_check_gen when last visited by a check */
	int loop_check_depth;		/* the depth that visit found */
	long nitems;			/* epitems in rbr */
	struct list_head all_node;	/* on eventpoll_all, for debuggers (tools/gdb) */
	struct rcu_head rcu;		/* frees it after the upward walks that may see it */
	/* Busy polling (EPIOCSPARAMS; read without a lock, as Linux reads them). */
	uint32_t busy_poll_usecs;	/* 0: busy_poll_default_usecs */
	uint16_t busy_poll_budget;	/* 0: BUSY_POLL_BUDGET_DEFAULT */
	bool prefer_busy_poll;
};

/* One hook of an epitem on one of the watched file's wait queues. */
struct eppoll_entry {
	struct list_head llink;		/* on epitem.pwqlist */
	struct epitem *base;		/* the epitem it belongs to */
	struct wait_entry wait;		/* func = ep_poll_callback */
	struct wait_queue_head *whead;	/* the queue it hangs on */
};

struct epitem {
	struct rb_node rbn;		/* in ep->rbr */
	struct list_head rdllink;	/* on ep->rdllist (or a transfer list); self-linked when off */
	struct epitem *next;		/* ovflist chain; EP_OVF_INACTIVE when not on it */
	struct file *file;		/* watched file (no reference held: it removes us on release) */
	int fd;				/* the descriptor it was added with */
	int nwait;			/* hooks installed; -1 if one could not be allocated */
	bool dying;			/* its file is being released: leave it to eventpoll_release */
	struct list_head pwqlist;	/* its eppoll_entries */
	struct eventpoll *ep;		/* the instance it belongs to */
	struct list_head fllink;	/* on file->f_ep_links (RCU list) */
	struct epoll_event event;	/* interest mask and user data */
	struct rcu_head rcu;		/* frees it after the upward walks that may see it */
};

static struct kmem_cache *epi_cache, *pwq_cache;
static struct mutex epnested_mutex = MUTEX_INIT(epnested_mutex);
static uint64_t loop_check_gen;
static struct eventpoll *inserting_into;	/* the instance a loop check adds to */
static LIST_HEAD(tfile_check_list);		/* non-epoll files whose wake-up paths to check */
static long max_watches;			/* 0 until computed from RAM */
static long nr_watches;
/* Every instance, for debuggers only (tools/gdb "epunk epoll"): touched at create and free. */
LIST_HEAD(eventpoll_all);
static struct spinlock eventpoll_all_lock = SPINLOCK_INIT;

static const struct file_operations eventpoll_fops;

bool is_file_epoll(const struct file *f)
{
	return f->f_op == &eventpoll_fops;
}

static bool ep_is_linked(const struct epitem *epi)
{
	return !list_empty(&epi->rdllink);
}

static bool ep_events_available(struct eventpoll *ep)
{
	return !list_empty(&ep->rdllist) || READ_ONCE(ep->ovflist) != EP_OVF_INACTIVE;
}

int eventpoll_init(void)
{
	epi_cache = kmem_cache_create("epitem", sizeof(struct epitem), 0);
	pwq_cache = kmem_cache_create("eppoll_entry", sizeof(struct eppoll_entry), 0);
	return epi_cache && pwq_cache ? 0 : -ENOMEM;
}

void ep_set_max_watches(long max)
{
	max_watches = max > 0 ? max : 0;
}

long ep_watches(void)
{
	return READ_ONCE(nr_watches);
}

/* Like Linux: about 4% of RAM's worth of epitems plus their hooks. */
static long watch_limit(void)
{
	if (!max_watches) {
		struct page_stats s;
		page_stats(&s);
		long bytes = (long)(s.total * PAGE_SIZE) / 25;
		max_watches = bytes / (long)(sizeof(struct epitem) + sizeof(struct eppoll_entry));
		if (max_watches < 1024)
			max_watches = 1024;
	}
	return max_watches;
}

/* ---- lifetime ------------------------------------------------------------------------------ */

static void ep_get(struct eventpoll *ep)
{
	__atomic_add_fetch(&ep->refcount, 1, __ATOMIC_RELAXED);
}

/* Returns true when the caller dropped the last reference and must free @ep. */
static bool ep_put(struct eventpoll *ep)
{
	return __atomic_sub_fetch(&ep->refcount, 1, __ATOMIC_ACQ_REL) == 0;
}

static void ep_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct eventpoll, rcu));
}

static void ep_free(struct eventpoll *ep)
{
	unsigned long flags = spin_lock_irqsave(&eventpoll_all_lock);
	list_del_init(&ep->all_node);
	spin_unlock_irqrestore(&eventpoll_all_lock, flags);
	call_rcu(&ep->rcu, ep_free_rcu);
}

static void epi_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(epi_cache, container_of(head, struct epitem, rcu));
}

/* ---- the wake-up path ---------------------------------------------------------------------- */

/* Wake the users of this epoll file (an outer epoll, or poll(2)). Nesting is bounded by the
 * checks at ADD, so this recursion is at most EP_MAX_NESTS deep. */
static void ep_poll_safewake(struct eventpoll *ep)
{
	wake_up_key(&ep->poll_wait, 0, poll_to_key(EPOLLIN));
}

#define EP_WOKE_WAITER	1	/* ep_make_ready woke an epoll_wait sleeper */
#define EP_WAKE_POLLERS	2	/* poll() users of the epoll file wait: ep_poll_safewake, unlocked */

/* With ep->lock held: queue @epi as ready (on the overflow list while a transfer owns the ready
 * list) and wake one epoll_wait sleeper. Returns EP_* flags saying whom it woke or who waits. */
static int ep_make_ready(struct eventpoll *ep, struct epitem *epi)
{
	int ret = 0;

	if (ep->ovflist != EP_OVF_INACTIVE) {
		if (epi->next == EP_OVF_INACTIVE) {
			epi->next = ep->ovflist;
			ep->ovflist = epi;
		}
	} else if (!ep_is_linked(epi)) {
		list_add_tail(&epi->rdllink, &ep->rdllist);
	}
	if (waitqueue_active(&ep->wq)) {
		wake_up(&ep->wq);
		ret |= EP_WOKE_WAITER;
	}
	if (waitqueue_active(&ep->poll_wait))
		ret |= EP_WAKE_POLLERS;
	return ret;
}

/*
 * The wake function hung on every watched wait queue. @key is the event mask the waker passed
 * (NULL: "anything may have changed"). May run in interrupt context. Returns non-zero when it
 * counts as a wake-up for an exclusive entry (EPOLLEXCLUSIVE): then the waker stops waking
 * other exclusive entries.
 */
static int ep_poll_callback(struct wait_entry *wait, unsigned mode, int flags, void *key)
{
	struct eppoll_entry *pwq = container_of(wait, struct eppoll_entry, wait);
	struct epitem *epi = pwq->base;
	struct eventpoll *ep = epi->ep;
	uint32_t pollflags = key_to_poll(key);
	int pwake = 0, ewake = 0;

	(void)mode;
	(void)flags;
	unsigned long irq = spin_lock_irqsave(&ep->lock);

	/* A disarmed one-shot item, or an event nobody asked for: nothing to do. */
	if (!(epi->event.events & ~EP_PRIVATE_BITS))
		goto out_unlock;
	if (pollflags && !(pollflags & epi->event.events))
		goto out_unlock;

	trace_point(TRACE_EP_CALLBACK, epi, pollflags);
	int woke = ep_make_ready(ep, epi);
	if ((woke & EP_WOKE_WAITER) && (epi->event.events & EPOLLEXCLUSIVE)) {
		switch (pollflags & EPOLLINOUT_BITS) {
		case EPOLLIN:
			ewake = !!(epi->event.events & EPOLLIN);
			break;
		case EPOLLOUT:
			ewake = !!(epi->event.events & EPOLLOUT);
			break;
		case 0:
			ewake = 1;
			break;
		}
	}
	pwake = woke & EP_WAKE_POLLERS;

out_unlock:
	spin_unlock_irqrestore(&ep->lock, irq);
	if (pwake)
		ep_poll_safewake(ep);
	if (!(epi->event.events & EPOLLEXCLUSIVE))
		ewake = 1;
	return ewake;
}

/* The queue procedure of ADD's poll table: hook the new item on @whead. */
struct ep_pqueue {
	struct poll_table pt;
	struct epitem *epi;	/* NULL after an allocation failed */
};

static void ep_ptable_queue_proc(struct file *f, struct wait_queue_head *whead, struct poll_table *pt)
{
	struct ep_pqueue *epq = container_of(pt, struct ep_pqueue, pt);
	struct epitem *epi = epq->epi;
	struct eppoll_entry *pwq;

	(void)f;
	if (!epi)
		return;
	pwq = kmem_cache_alloc(pwq_cache);
	if (!pwq) {
		epq->epi = NULL;
		epi->nwait = -1;
		return;
	}
	wait_entry_init(&pwq->wait, ep_poll_callback, NULL);
	pwq->whead = whead;
	pwq->base = epi;
	if (epi->event.events & EPOLLEXCLUSIVE)
		add_wait_queue_exclusive(whead, &pwq->wait);
	else
		add_wait_queue(whead, &pwq->wait);
	list_add_tail(&pwq->llink, &epi->pwqlist);
	epi->nwait++;
}

static void ep_unregister_pollwait(struct epitem *epi)
{
	struct eppoll_entry *pwq, *tmp;

	list_for_each_entry_safe(pwq, tmp, &epi->pwqlist, llink) {
		remove_wait_queue(pwq->whead, &pwq->wait);
		list_del_init(&pwq->llink);
		kmem_cache_free(pwq_cache, pwq);
	}
	epi->nwait = 0;
}

/* ---- polling items --------------------------------------------------------------------------- */

static uint32_t ep_eventpoll_poll_depth(struct file *f, struct poll_table *pt, int depth);

/* The item's current events, limited to its interest (ERR and HUP are always of interest). */
static uint32_t ep_item_poll(struct epitem *epi, struct poll_table *pt, int depth)
{
	uint32_t res;

	if (pt)
		pt->key = epi->event.events;
	if (!is_file_epoll(epi->file))
		res = vfs_poll(epi->file, pt);
	else
		res = ep_eventpoll_poll_depth(epi->file, pt, depth);
	return res & epi->event.events;
}

/* Take the ready list for a transfer; callbacks go to the overflow list meanwhile. */
static void ep_start_scan(struct eventpoll *ep, struct list_head *txlist)
{
	unsigned long irq = spin_lock_irqsave(&ep->lock);
	list_splice_init(&ep->rdllist, txlist);
	WRITE_ONCE(ep->ovflist, NULL);
	spin_unlock_irqrestore(&ep->lock, irq);
}

/* End a transfer: items that became ready meanwhile join the ready list, and what was not
 * consumed goes back in front of it. Wake another waiter if events remain. */
static void ep_done_scan(struct eventpoll *ep, struct list_head *txlist)
{
	struct epitem *epi, *nepi;
	unsigned long irq = spin_lock_irqsave(&ep->lock);

	/* The overflow list is LIFO: adding each at the head restores arrival order. */
	for (nepi = ep->ovflist; (epi = nepi) != NULL; nepi = epi->next, epi->next = EP_OVF_INACTIVE) {
		if (!ep_is_linked(epi))
			list_add(&epi->rdllink, &ep->rdllist);
	}
	WRITE_ONCE(ep->ovflist, EP_OVF_INACTIVE);
	list_splice_init(txlist, &ep->rdllist);
	if (!list_empty(&ep->rdllist) && waitqueue_active(&ep->wq))
		wake_up(&ep->wq);
	spin_unlock_irqrestore(&ep->lock, irq);
}

/* poll() of an epoll file: readable when some ready item really has events. Items that were
 * queued but are not ready (an edge already consumed, say) are dropped from the list here. */
static uint32_t ep_eventpoll_poll_depth(struct file *f, struct poll_table *pt, int depth)
{
	struct eventpoll *ep = f->private_data;
	struct epitem *epi, *tmp;
	struct poll_table nopt;
	LIST_HEAD(txlist);
	uint32_t res = 0;

	poll_wait(f, &ep->poll_wait, pt);
	poll_table_init(&nopt, NULL, 0);
	mutex_lock(&ep->mtx);
	ep_start_scan(ep, &txlist);
	list_for_each_entry_safe(epi, tmp, &txlist, rdllink) {
		if (ep_item_poll(epi, &nopt, depth + 1)) {
			res = EPOLLIN | EPOLLRDNORM;
			break;
		}
		list_del_init(&epi->rdllink);
	}
	ep_done_scan(ep, &txlist);
	mutex_unlock(&ep->mtx);
	return res;
}

static uint32_t ep_eventpoll_poll(struct file *f, struct poll_table *pt)
{
	return ep_eventpoll_poll_depth(f, pt, 0);
}

/* ---- the tree ---------------------------------------------------------------------------------- */

static int ep_cmp(const struct file *f1, int fd1, const struct file *f2, int fd2)
{
	if (f1 != f2)
		return (uintptr_t)f1 < (uintptr_t)f2 ? -1 : 1;
	return fd1 < fd2 ? -1 : fd1 > fd2;
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct rb_node *n = ep->rbr.root.node;

	while (n) {
		struct epitem *epi = rb_entry(n, struct epitem, rbn);
		int c = ep_cmp(f, fd, epi->file, epi->fd);
		if (!c)
			return epi;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

static void ep_rbtree_insert(struct eventpoll *ep, struct epitem *epi)
{
	struct rb_node **p = &ep->rbr.root.node, *parent = NULL;
	bool leftmost = true;

	while (*p) {
		parent = *p;
		struct epitem *cur = rb_entry(parent, struct epitem, rbn);
		if (ep_cmp(epi->file, epi->fd, cur->file, cur->fd) > 0) {
			p = &parent->right;
			leftmost = false;
		} else {
			p = &parent->left;
		}
	}
	rb_link_node(&epi->rbn, parent, p);
	rb_insert_color_cached(&epi->rbn, &ep->rbr, leftmost);
}

/* ---- removal ---------------------------------------------------------------------------------- */

/*
 * Take @epi out of @ep (ep->mtx held). Unless @force, an item whose file is being released is
 * left for eventpoll_release, which owns it then. Returns true when the item was removed; the
 * caller then drops the item's reference on @ep (ep_put) and frees @ep if that was the last.
 */
static bool ep_remove_item(struct eventpoll *ep, struct epitem *epi, bool force)
{
	struct file *f = epi->file;

	ep_unregister_pollwait(epi);
	unsigned long irq = spin_lock_irqsave(&f->f_lock);
	if (epi->dying && !force) {
		spin_unlock_irqrestore(&f->f_lock, irq);
		return false;
	}
	list_del_rcu(&epi->fllink);
	spin_unlock_irqrestore(&f->f_lock, irq);

	rb_erase_cached(&epi->rbn, &ep->rbr);
	irq = spin_lock_irqsave(&ep->lock);
	if (ep_is_linked(epi))
		list_del_init(&epi->rdllink);
	spin_unlock_irqrestore(&ep->lock, irq);
	ep->nitems--;
	call_rcu(&epi->rcu, epi_free_rcu);
	__atomic_sub_fetch(&nr_watches, 1, __ATOMIC_RELAXED);
	return true;
}

/* Remove while the instance's file still holds a reference: @ep cannot be freed here. */
static void ep_remove_safe(struct eventpoll *ep, struct epitem *epi)
{
	if (ep_remove_item(ep, epi, false))
		BUG_ON(ep_put(ep));
}

void eventpoll_release(struct file *f)
{
	for (;;) {
		unsigned long irq = spin_lock_irqsave(&f->f_lock);
		if (list_empty(&f->f_ep_links)) {
			spin_unlock_irqrestore(&f->f_lock, irq);
			return;
		}
		struct epitem *epi = list_first_entry(&f->f_ep_links, struct epitem, fllink);
		epi->dying = true;
		spin_unlock_irqrestore(&f->f_lock, irq);

		/* The item's reference keeps @ep alive even if its file is closing meanwhile. */
		struct eventpoll *ep = epi->ep;
		mutex_lock(&ep->mtx);
		bool removed = ep_remove_item(ep, epi, true);
		mutex_unlock(&ep->mtx);
		if (removed && ep_put(ep))
			ep_free(ep);
	}
}

/* The epoll file's release: drop every item, waking poll() users first. */
static void ep_eventpoll_release(struct file *f)
{
	struct eventpoll *ep = f->private_data;
	struct rb_node *n;

	if (waitqueue_active(&ep->poll_wait))
		ep_poll_safewake(ep);
	mutex_lock(&ep->mtx);
	WRITE_ONCE(ep->file, NULL);
	/* Unhook everything first, so no callback touches an item being freed below. */
	for (n = rb_first_cached(&ep->rbr); n; n = rb_next(n))
		ep_unregister_pollwait(rb_entry(n, struct epitem, rbn));
	for (n = rb_first_cached(&ep->rbr); n;) {
		struct epitem *epi = rb_entry(n, struct epitem, rbn);
		n = rb_next(n);
		if (ep_remove_item(ep, epi, false))
			BUG_ON(ep_put(ep));	/* the file's own reference is still held */
	}
	mutex_unlock(&ep->mtx);
	if (ep_put(ep))
		ep_free(ep);
}

/* ---- loop and path checks ------------------------------------------------------------------------ */

/* Remember @f for the path check. A file whose last reference is already gone is on its way
 * out of every epoll set: it adds no path. */
static void list_file(struct file *f)
{
	if (list_empty(&f->f_tfile_llink) && file_get_unless_zero(f))
		list_add(&f->f_tfile_llink, &tfile_check_list);
}

static void clear_tfile_check_list(void)
{
	while (!list_empty(&tfile_check_list)) {
		struct file *f = list_first_entry(&tfile_check_list, struct file, f_tfile_llink);
		list_del_init(&f->f_tfile_llink);
		file_put(f);
	}
}

/* How deep the epoll nesting below @ep goes (from @depth), or > EP_MAX_NESTS when it reaches
 * the instance being added to (a loop) or is too deep. Non-epoll files met on the way are
 * listed for the wake-up path check. */
static int ep_loop_check_proc(struct eventpoll *ep, int depth)
{
	int result = 0;

	if (ep->gen == loop_check_gen)
		return ep->loop_check_depth;
	mutex_lock(&ep->mtx);
	ep->gen = loop_check_gen;
	for (struct rb_node *n = rb_first_cached(&ep->rbr); n; n = rb_next(n)) {
		struct epitem *epi = rb_entry(n, struct epitem, rbn);
		if (is_file_epoll(epi->file)) {
			struct eventpoll *to = epi->file->private_data;
			int sub;
			if (to == inserting_into || depth > EP_MAX_NESTS)
				sub = EP_MAX_NESTS + 1;
			else
				sub = ep_loop_check_proc(to, depth + 1) + 1;
			if (sub > result)
				result = sub;
			if (result > EP_MAX_NESTS)
				break;
		} else {
			list_file(epi->file);
		}
	}
	ep->loop_check_depth = result;
	mutex_unlock(&ep->mtx);
	return result;
}

/* How many epoll levels sit above @ep (instances watching it, transitively). Under
 * rcu_read_lock: another thread may be removing the items and instances it walks. */
static int ep_get_upwards_depth_proc(struct eventpoll *ep, int depth)
{
	int result = 0;
	struct epitem *epi;
	struct file *ef = READ_ONCE(ep->file);

	if (ep->gen == loop_check_gen)
		return ep->loop_check_depth;
	if (depth > EP_MAX_NESTS || !ef)
		return depth > EP_MAX_NESTS ? EP_MAX_NESTS + 1 : 0;
	list_for_each_entry_rcu(epi, &ef->f_ep_links, fllink) {
		int up = ep_get_upwards_depth_proc(epi->ep, depth + 1) + 1;
		if (up > result)
			result = up;
	}
	ep->gen = loop_check_gen;
	ep->loop_check_depth = result;
	return result;
}

/* Adding epoll @to into @ep: refuse loops and chains longer than EP_MAX_NESTS levels. */
static int ep_loop_check(struct eventpoll *ep, struct eventpoll *to)
{
	inserting_into = ep;
	int depth = ep_loop_check_proc(to, 0);
	if (depth > EP_MAX_NESTS)
		return -1;
	rcu_read_lock();
	int upwards = ep_get_upwards_depth_proc(ep, 0);
	rcu_read_unlock();
	return depth + 1 + upwards > EP_MAX_NESTS ? -1 : 0;
}

/* Wake-up storms: at most this many paths of each length from one file to top-level epolls. */
static const int path_limits[EP_MAX_NESTS + 1] = { 1000, 500, 100, 50, 10 };
static int path_count[EP_MAX_NESTS + 1];

static int path_count_inc(int nests)
{
	if (nests == 0)
		return 0;	/* any number of direct watchers */
	if (++path_count[nests] > path_limits[nests])
		return -1;
	return 0;
}

/* Count the paths from the watchers on @refs up to top-level instances. Under rcu_read_lock:
 * another thread's DEL or close may be taking items and instances off these lists meanwhile
 * (that only removes paths). */
static int reverse_path_check_proc(struct list_head *refs, int depth)
{
	struct epitem *epi;
	int error = 0;

	if (depth > EP_MAX_NESTS)
		return -1;
	list_for_each_entry_rcu(epi, refs, fllink) {
		struct file *ef = READ_ONCE(epi->ep->file);
		if (!ef)
			continue;	/* that instance is being closed */
		struct list_head *up = &ef->f_ep_links;
		if (list_empty(up))
			error = path_count_inc(depth);
		else
			error = reverse_path_check_proc(up, depth + 1);
		if (error)
			break;
	}
	return error;
}

static int reverse_path_check(void)
{
	struct file *f;
	int error = 0;

	rcu_read_lock();
	list_for_each_entry(f, &tfile_check_list, f_tfile_llink) {
		for (int i = 0; i <= EP_MAX_NESTS; i++)
			path_count[i] = 0;
		error = reverse_path_check_proc(&f->f_ep_links, 0);
		if (error)
			break;
	}
	rcu_read_unlock();
	return error;
}

/* ---- ctl --------------------------------------------------------------------------------------------- */

static int ep_insert(struct eventpoll *ep, const struct epoll_event *event, struct file *tf, int fd,
		     bool full_check)
{
	struct eventpoll *tep = is_file_epoll(tf) ? tf->private_data : NULL;
	struct ep_pqueue epq;
	struct epitem *epi;
	bool pwake = false;

	if (READ_ONCE(nr_watches) >= watch_limit())
		return -ENOSPC;
	epi = kmem_cache_zalloc(epi_cache);
	if (!epi)
		return -ENOMEM;
	__atomic_add_fetch(&nr_watches, 1, __ATOMIC_RELAXED);
	list_init(&epi->rdllink);
	list_init(&epi->pwqlist);
	epi->ep = ep;
	epi->file = tf;
	epi->fd = fd;
	epi->event = *event;
	epi->next = EP_OVF_INACTIVE;

	if (tep)
		mutex_lock(&tep->mtx);
	unsigned long irq = spin_lock_irqsave(&tf->f_lock);
	list_add_tail_rcu(&epi->fllink, &tf->f_ep_links);
	spin_unlock_irqrestore(&tf->f_lock, irq);
	if (full_check && !tep)
		list_file(tf);
	ep_rbtree_insert(ep, epi);
	ep->nitems++;
	if (tep)
		mutex_unlock(&tep->mtx);
	ep_get(ep);

	/* Too many wake-up paths would make one event fan out without bound. */
	if (full_check && reverse_path_check()) {
		ep_remove_safe(ep, epi);
		return -EINVAL;
	}

	/* Hook the item on the file's wait queues and read its current events; from here on
	 * ep_poll_callback can hit it. */
	epq.epi = epi;
	poll_table_init(&epq.pt, ep_ptable_queue_proc, 0);
	uint32_t revents = ep_item_poll(epi, &epq.pt, 1);
	if (!epq.epi) {
		ep_remove_safe(ep, epi);
		return -ENOMEM;
	}

	irq = spin_lock_irqsave(&ep->lock);
	if (revents && !ep_is_linked(epi))
		pwake = ep_make_ready(ep, epi) & EP_WAKE_POLLERS;
	spin_unlock_irqrestore(&ep->lock, irq);
	if (pwake)
		ep_poll_safewake(ep);
	return 0;
}

static int ep_modify(struct eventpoll *ep, struct epitem *epi, const struct epoll_event *event)
{
	struct poll_table pt;
	bool pwake = false;

	poll_table_init(&pt, NULL, 0);
	/* The new interest first, then the poll: an event between the two is not missed. */
	WRITE_ONCE(epi->event.events, event->events);
	epi->event.data = event->data;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (ep_item_poll(epi, &pt, 1)) {
		unsigned long irq = spin_lock_irqsave(&ep->lock);
		if (!ep_is_linked(epi))
			pwake = ep_make_ready(ep, epi) & EP_WAKE_POLLERS;
		spin_unlock_irqrestore(&ep->lock, irq);
	}
	if (pwake)
		ep_poll_safewake(ep);
	return 0;
}

static bool ep_op_has_event(int op)
{
	return op != EPOLL_CTL_DEL;
}

int ep_ctl(struct file *ef, int op, struct file *tf, int fd, const struct epoll_event *ev)
{
	struct epoll_event epds;
	struct eventpoll *ep;
	struct epitem *epi;
	bool full_check = false;
	int error;

	if (!file_can_poll(tf))
		return -EPERM;
	if (ep_op_has_event(op))
		epds = *ev;	/* EPOLLWAKEUP needs no privilege here: it is accepted as is */
	if (ef == tf || !is_file_epoll(ef))
		return -EINVAL;
	if (ep_op_has_event(op) && (epds.events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD &&
		    (is_file_epoll(tf) || (epds.events & ~EPOLLEXCLUSIVE_OK_BITS)))
			return -EINVAL;
	}
	ep = ef->private_data;

	mutex_lock(&ep->mtx);
	if (op == EPOLL_CTL_ADD) {
		/* Nesting in either direction needs the global checks. */
		if (!list_empty(&ef->f_ep_links) || ep->gen == loop_check_gen || is_file_epoll(tf)) {
			mutex_unlock(&ep->mtx);
			mutex_lock(&epnested_mutex);
			loop_check_gen++;
			full_check = true;
			if (is_file_epoll(tf) && ep_loop_check(ep, tf->private_data)) {
				error = -ELOOP;
				goto out_nested;
			}
			mutex_lock(&ep->mtx);
		}
	}

	epi = ep_find(ep, tf, fd);
	error = -EINVAL;
	switch (op) {
	case EPOLL_CTL_ADD:
		if (!epi) {
			epds.events |= EPOLLERR | EPOLLHUP;
			error = ep_insert(ep, &epds, tf, fd, full_check);
		} else {
			error = -EEXIST;
		}
		break;
	case EPOLL_CTL_DEL:
		if (epi) {
			ep_remove_safe(ep, epi);
			error = 0;
		} else {
			error = -ENOENT;
		}
		break;
	case EPOLL_CTL_MOD:
		if (epi) {
			if (!(epi->event.events & EPOLLEXCLUSIVE)) {
				epds.events |= EPOLLERR | EPOLLHUP;
				error = ep_modify(ep, epi, &epds);
			}
		} else {
			error = -ENOENT;
		}
		break;
	}
	mutex_unlock(&ep->mtx);
out_nested:
	if (full_check) {
		clear_tfile_check_list();
		loop_check_gen++;
		mutex_unlock(&epnested_mutex);
	}
	return error;
}

/* ---- wait ------------------------------------------------------------------------------------------ */

/* Copy out up to @maxevents ready events. Returns the count (0: the ready items had nothing
 * after all) or -EFAULT when the first event cannot be stored. */
static int ep_send_events(struct eventpoll *ep, struct epoll_event *events, int maxevents)
{
	struct epitem *epi, *tmp;
	struct poll_table pt;
	LIST_HEAD(txlist);
	int res = 0;

	poll_table_init(&pt, NULL, 0);
	mutex_lock(&ep->mtx);
	ep_start_scan(ep, &txlist);
	list_for_each_entry_safe(epi, tmp, &txlist, rdllink) {
		if (res >= maxevents)
			break;
		list_del_init(&epi->rdllink);
		/* The item's own poll tells the real state: a wake-up only hinted at it. */
		uint32_t revents = ep_item_poll(epi, &pt, 1);
		if (!revents)
			continue;
		/* In integers: the array may be NULL, and NULL + n is undefined in C. */
		uintptr_t ua = (uintptr_t)events + (uintptr_t)res * sizeof(struct epoll_event);
		struct epoll_event *uev = (struct epoll_event *)ua;
		if (!uaccess_write_ok(uev, sizeof(*uev))) {
			list_add(&epi->rdllink, &txlist);
			if (!res)
				res = -EFAULT;
			break;
		}
		uev->events = revents;
		uev->data = epi->event.data;
		res++;
		if (epi->event.events & EPOLLONESHOT) {
			epi->event.events &= EP_PRIVATE_BITS;
		} else if (!(epi->event.events & EPOLLET)) {
			/* Level-triggered: back at the tail, behind what is still waiting. */
			unsigned long irq = spin_lock_irqsave(&ep->lock);
			list_add_tail(&epi->rdllink, &ep->rdllist);
			spin_unlock_irqrestore(&ep->lock, irq);
		}
	}
	ep_done_scan(ep, &txlist);
	mutex_unlock(&ep->mtx);
	return res;
}

/* epoll_wait's sleeper: woken, it always leaves the queue, so each wake-up wakes one thread.
 * Taking the entry off is the last touch of the sleeper's stack (see list_del_init_careful). */
static int ep_autoremove_wake_function(struct wait_entry *we, unsigned mode, int flags, void *key)
{
	int ret = default_wake_function(we, mode, flags, key);
	list_del_init_careful(&we->entry);
	return ret;
}

/* ---- busy polling (Linux's ep_busy_loop) ---- */

static bool ep_busy_loop_end(void *arg)
{
	return ep_events_available(arg);
}

/* With nothing ready and a wait ahead: poll the NIC while the instance (or busy_poll=) asks for
 * it. True when events came meanwhile. */
static bool ep_busy_loop(struct eventpoll *ep)
{
	uint32_t usecs = READ_ONCE(ep->busy_poll_usecs);
	if (!usecs)
		usecs = READ_ONCE(busy_poll_default_usecs);
	if (!usecs)
		return false;
	return busy_poll_loop(usecs, READ_ONCE(ep->busy_poll_budget),
			      READ_ONCE(ep->prefer_busy_poll), ep_busy_loop_end, ep);
}

/* EPIOCSPARAMS and EPIOCGPARAMS, with Linux's checks. The one user is root, so a budget above
 * NAPI_POLL_WEIGHT (which Linux grants only with CAP_NET_ADMIN) is allowed. */
static long ep_eventpoll_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct eventpoll *ep = f->private_data;
	struct epoll_params p;

	switch (cmd) {
	case EPIOCSPARAMS:
		if (!uaccess_ok((void *)arg, sizeof(p)))
			return -EFAULT;
		memcpy(&p, (void *)arg, sizeof(p));
		if (p.__pad || p.busy_poll_usecs > INT32_MAX || p.prefer_busy_poll > 1)
			return -EINVAL;
		WRITE_ONCE(ep->busy_poll_usecs, p.busy_poll_usecs);
		WRITE_ONCE(ep->busy_poll_budget, p.busy_poll_budget);
		WRITE_ONCE(ep->prefer_busy_poll, p.prefer_busy_poll);
		return 0;
	case EPIOCGPARAMS:
		memset(&p, 0, sizeof(p));
		p.busy_poll_usecs = READ_ONCE(ep->busy_poll_usecs);
		p.busy_poll_budget = READ_ONCE(ep->busy_poll_budget);
		p.prefer_busy_poll = READ_ONCE(ep->prefer_busy_poll);
		if (!uaccess_write_ok((void *)arg, sizeof(p)))
			return -EFAULT;
		memcpy((void *)arg, &p, sizeof(p));
		return 0;
	default:
		return -EINVAL;		/* Linux's answer to any other request on an epoll file */
	}
}

int ep_wait(struct file *ef, struct epoll_event *events, int maxevents, int64_t timeout_ns)
{
	struct eventpoll *ep = ef->private_data;
	struct thread *me = current_thread();
	bool timed_out = timeout_ns == 0;
	uint64_t end = timeout_ns > 0 ? ktime_ns() + (uint64_t)timeout_ns : 0;
	struct wait_entry wait;
	int res;

	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	sched_unplug();		/* the batch from the last call is done: release what it held back */
	bool eavail = ep_events_available(ep);
	for (;;) {
		if (eavail) {
			res = ep_send_events(ep, events, maxevents);
			if (res) {
				trace_point(TRACE_EPOLL_RETURN, ep, (uint32_t)res);
				sched_plug();	/* a batch of events begins (see sched_plug) */
				return res;
			}
		}
		if (timed_out)
			return 0;
		/* Nothing ready: poll the NIC for a while before sleeping, if asked to. */
		if (ep_busy_loop(ep)) {
			eavail = true;
			continue;
		}
		/* Events first, then a signal: epoll_wait is never restarted (EINTR even under
		 * SA_RESTART, as Linux). */
		if (signal_pending())
			return -EINTR;

		wait_entry_init(&wait, ep_autoremove_wake_function, me);
		unsigned long irq = spin_lock_irqsave(&ep->lock);
		set_current_state(TASK_INTERRUPTIBLE);
		eavail = ep_events_available(ep) || signal_pending();
		if (!eavail)
			add_wait_queue_exclusive(&ep->wq, &wait);
		spin_unlock_irqrestore(&ep->lock, irq);

		if (!eavail) {
			const char *chan = me->wait_chan;
			me->wait_chan = "epoll_wait";
			if (timeout_ns < 0) {
				schedule();
			} else {
				uint64_t now = ktime_ns();
				if (now >= end || !schedule_timeout(end - now))
					timed_out = ktime_ns() >= end;
			}
			me->wait_chan = chan;
			trace_point(TRACE_WAITER_RUN, ep, 0);
		}
		set_current_state(TASK_RUNNING);
		eavail = true;
		if (!list_empty_careful(&wait.entry)) {
			irq = spin_lock_irqsave(&ep->lock);
			/* Timed out but woken meanwhile? Then there is something to collect. */
			if (timed_out)
				eavail = list_empty(&wait.entry);
			remove_wait_queue(&ep->wq, &wait);
			spin_unlock_irqrestore(&ep->lock, irq);
		}
	}
}

/* ---- the epoll file -------------------------------------------------------------------------------- */

static const struct file_operations eventpoll_fops = {
	.poll = ep_eventpoll_poll,
	.release = ep_eventpoll_release,
	.llseek = file_llseek_zero,	/* Linux's noop_llseek: there is no position */
	.ioctl = ep_eventpoll_ioctl,
	.name = "eventpoll",
	.mode = 0600,		/* an anonymous inode */
};

struct file *ep_create(unsigned flags, int *err)
{
	struct eventpoll *ep;
	struct file *f;

	BUG_ON(!epi_cache || !pwq_cache);	/* eventpoll_init runs at boot */
	*err = 0;
	ep = kzalloc(sizeof(*ep));
	if (!ep) {
		*err = -ENOMEM;
		return NULL;
	}
	mutex_init(&ep->mtx);
	spin_lock_init(&ep->lock);
	wait_queue_head_init(&ep->wq);
	wait_queue_head_init(&ep->poll_wait);
	list_init(&ep->rdllist);
	ep->ovflist = EP_OVF_INACTIVE;
	ep->rbr = RB_ROOT_CACHED;
	ep->refcount = 1;
	f = file_alloc(&eventpoll_fops, ep, O_RDWR | (flags & O_CLOEXEC));
	if (!f) {
		kfree(ep);
		*err = -ENOMEM;
		return NULL;
	}
	ep->file = f;
	unsigned long irqf = spin_lock_irqsave(&eventpoll_all_lock);
	list_add_tail(&ep->all_node, &eventpoll_all);
	spin_unlock_irqrestore(&eventpoll_all_lock, irqf);
	return f;
}
