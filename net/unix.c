// SPDX-License-Identifier: MIT
/*
 * AF_UNIX sockets (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET) as Linux 6.x's net/unix/af_unix.c
 * behaves: socketpair, names (abstract ones, and path names kept in memory), bind, connect,
 * listen and accept, shutdown, release, readiness (unix_poll, unix_dgram_poll) and the ioctls.
 * The data path (queues, send accounting, sending and receiving) is net/unix_msg.c.
 *
 * Names. epunk has no file system: a path name is an entry of the same in-memory table as the
 * abstract names, compared byte for byte (no directories, no "./" or ".." resolution), and it
 * exists from bind() until the bound socket's file is closed; then connect() to it gives ENOENT
 * (Linux leaves the socket file behind: ECONNREFUSED). Path names are one space for every
 * socket type (EADDRINUSE across types, EPROTOTYPE on a connect of another type), abstract
 * names one per type, as in Linux.
 *
 * Locking: net_lock() (the socket layer's lock, net/net.h) protects every unix socket's state,
 * the links between peers, the receive queues and the name table. Nothing here runs in
 * interrupt context. Wake-ups take only the wait queues' own spinlocks (irqsave: eventpoll's
 * callbacks may be reached from any context); peer_wake's links are changed under the peer_wait
 * lock they hang on, as Linux does. Sleepers wait in sock_wait_event, which drops net_lock only
 * around schedule().
 *
 * Lifetime: a socket holds a reference on its peer (unix_sock.peer) and every queued message on
 * its sender, so a socket outlives its file while a peer or queued data points at it. Its
 * release (the file's last close) cuts its own links, tells its peer and frees what it queues.
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/uaccess.h>
#include <net/net.h>
#include <string.h>
#include <uapi/sockios.h>

#include "af_unix.h"
#include "sys_arch.h"

/* Linux's defaults: net.core.wmem_default and rmem_default. */
#define UNIX_SNDBUF_DEFAULT	212992
#define UNIX_RCVBUF_DEFAULT	212992

#define UNIX_ADDR_MIN		((int)offsetof(struct sockaddr_un, sun_path))
#define UNIX_HASH_SIZE		256

static struct list_head unix_names[UNIX_HASH_SIZE];
static bool unix_names_ready;
static long nr_unix;

long unix_socks_alive(void)
{
	return __atomic_load_n(&nr_unix, __ATOMIC_RELAXED);
}

/* ---- names ---- */

static bool unix_name_is_path(const struct unix_name *n)
{
	return n->sun.sun_path[0] != 0;
}

/* FNV-1a over the name, and the type for an abstract one (abstract names are per type). */
static struct list_head *unix_bucket(const struct unix_name *n, int type)
{
	uint32_t h = 2166136261u;

	if (!unix_names_ready) {
		for (size_t i = 0; i < UNIX_HASH_SIZE; i++)
			list_init(&unix_names[i]);
		unix_names_ready = true;
	}
	for (int i = 0; i < n->len; i++)
		h = (h ^ (uint8_t)n->bytes[i]) * 16777619u;
	if (!unix_name_is_path(n))
		h ^= (uint32_t)type;
	return &unix_names[h % UNIX_HASH_SIZE];
}

int unix_name_from(struct unix_name *n, const struct sockaddr *addr, int len)
{
	/* unix_validate_addr: more than the family, at most a sockaddr_un, and AF_UNIX. */
	if (len <= UNIX_ADDR_MIN || len > (int)sizeof(struct sockaddr_un) ||
	    addr->sa_family != AF_UNIX)
		return -EINVAL;
	memset(n, 0, sizeof(*n));
	memcpy(n->bytes, addr, (size_t)len);
	n->len = len;
	/* unix_mkname_bsd: a path name ends at its first NUL; the length counts that NUL (there
	 * is room for it after a path that fills sun_path). */
	if (unix_name_is_path(n))
		n->len = UNIX_ADDR_MIN + (int)strlen(n->sun.sun_path) + 1;
	return 0;
}

/* The socket bound to @n: for a path name of any type, for an abstract one of @type. */
static struct unix_sock *unix_lookup(const struct unix_name *n, int type)
{
	struct unix_sock *u;

	list_for_each_entry(u, unix_bucket(n, type), name_node) {
		if (u->name.len != n->len || memcmp(u->name.bytes, n->bytes, (size_t)n->len))
			continue;
		if (unix_name_is_path(n) || unix_type(u) == type)
			return u;
	}
	return NULL;
}

static void unix_name_hash(struct unix_sock *u, const struct unix_name *n)
{
	u->name = *n;
	list_add(&u->name_node, unix_bucket(n, unix_type(u)));
}

struct unix_sock *unix_find_other(const struct unix_name *n, int type, int *err)
{
	struct unix_sock *other = unix_lookup(n, type);

	if (!other) {
		/* unix_find_bsd: kern_path fails; unix_find_abstract: nobody bound */
		*err = unix_name_is_path(n) ? -ENOENT : -ECONNREFUSED;
		return NULL;
	}
	if (unix_type(other) != type) {
		*err = -EPROTOTYPE;
		return NULL;
	}
	sock_hold(&other->sk);
	return other;
}

int unix_fill_name(const struct unix_sock *u, struct sockaddr_storage *out)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)out;

	if (!u->name.len) {
		sun->sun_family = AF_UNIX;
		sun->sun_path[0] = 0;
		return UNIX_ADDR_MIN;
	}
	memcpy(out, u->name.bytes, (size_t)u->name.len);
	return u->name.len;
}

/* unix_autobind: an abstract name of five hex digits, from a random start. */
static int unix_autobind(struct unix_sock *u)
{
	struct unix_name n;
	uint32_t last, num;

	if (u->name.len)
		return 0;
	last = net_rand() & 0xfffff;
	num = last;
	for (;;) {
		char hex[8];

		num = (num + 1) & 0xfffff;
		memset(&n, 0, sizeof(n));
		n.sun.sun_family = AF_UNIX;
		ksnprintf(hex, sizeof(hex), "%05x", num);
		memcpy(n.sun.sun_path + 1, hex, 5);
		n.len = UNIX_ADDR_MIN + 6;
		if (!unix_lookup(&n, unix_type(u)))
			break;
		if (num == last)
			return -ENOSPC;		/* every name is taken */
	}
	unix_name_hash(u, &n);
	return 0;
}

static int unix_bind(struct sock *sk, const struct sockaddr *addr, int len)
{
	struct unix_sock *u = unix_sk(sk);
	struct unix_name n;
	int err;

	if (len == UNIX_ADDR_MIN && addr->sa_family == AF_UNIX) {
		net_lock();
		err = unix_autobind(u);
		net_unlock();
		return err;
	}
	err = unix_name_from(&n, addr, len);
	if (err)
		return err;
	net_lock();
	if (unix_name_is_path(&n)) {
		/* unix_bind_bsd: the file is made first (EEXIST), then the socket found bound. */
		if (unix_lookup(&n, unix_type(u)))
			err = -EADDRINUSE;
		else if (u->name.len)
			err = -EINVAL;
	} else {
		if (u->name.len)
			err = -EINVAL;
		else if (unix_lookup(&n, unix_type(u)))
			err = -EADDRINUSE;
	}
	if (!err)
		unix_name_hash(u, &n);
	net_unlock();
	return err;
}

/* ---- creation ---- */

static int unix_peer_wake_relay(struct wait_entry *we, unsigned mode, int flags, void *key);

static int unix_init(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);

	list_init(&u->rq);
	list_init(&u->name_node);
	wait_queue_head_init(&u->peer_wait);
	wait_entry_init(&u->peer_wake, unix_peer_wake_relay, NULL);
	u->max_backlog = UNIX_MAX_DGRAM_QLEN;
	__atomic_add_fetch(&nr_unix, 1, __ATOMIC_RELAXED);
	return 0;
}

/* The last reference: nothing can point at @sk any more. */
static void unix_destruct(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);

	if (!u->rq.next)
		return;		/* sock_create failed before unix_init */
	BUG_ON(!list_empty(&u->rq) || u->peer || u->wmem || u->peer_wake_target);
	__atomic_sub_fetch(&nr_unix, 1, __ATOMIC_RELAXED);
}

/* ---- datagram flow control across sockets (Linux's peer_wake) ---- */

/*
 * A datagram socket connected to a receiver that is not connected back (a /dev/log server, say)
 * may only queue while the receiver's queue is not full. A sender or poller that finds it full
 * hangs its peer_wake entry on the receiver's peer_wait; the receiver's next read (or its close)
 * wakes peer_wait, and this relay unhooks the entry and passes the wake-up, with its key, to the
 * sender's own queue, where its writers and eventpoll wait.
 */
static int unix_peer_wake_relay(struct wait_entry *we, unsigned mode, int flags, void *key)
{
	struct unix_sock *u = container_of(we, struct unix_sock, peer_wake);

	(void)mode;
	(void)flags;
	list_del_init(&we->entry);	/* under the peer_wait lock wake_up_key holds */
	WRITE_ONCE(u->peer_wake_target, NULL);
	wake_up_key(&u->sk.wq, 1, key);
	return 0;
}

static int unix_peer_wake_connect(struct unix_sock *u, struct unix_sock *other)
{
	int rc = 0;
	unsigned long flags = spin_lock_irqsave(&other->peer_wait.lock);

	if (!u->peer_wake_target) {
		u->peer_wake_target = other;
		list_add(&u->peer_wake.entry, &other->peer_wait.head);
		rc = 1;
	}
	spin_unlock_irqrestore(&other->peer_wait.lock, flags);
	return rc;
}

static void unix_peer_wake_disconnect(struct unix_sock *u, struct unix_sock *other)
{
	unsigned long flags = spin_lock_irqsave(&other->peer_wait.lock);

	if (u->peer_wake_target == other) {
		list_del_init(&u->peer_wake.entry);
		u->peer_wake_target = NULL;
	}
	spin_unlock_irqrestore(&other->peer_wait.lock, flags);
}

void unix_peer_wake_disconnect_wakeup(struct unix_sock *u, struct unix_sock *other)
{
	unix_peer_wake_disconnect(u, other);
	wake_up_key(&u->sk.wq, 1, poll_to_key(SK_WRITABLE_KEY));
}

int unix_peer_wake_me(struct unix_sock *u, struct unix_sock *other)
{
	int connected = unix_peer_wake_connect(u, other);

	/* A dead receiver must look writable, so that the next send finds ECONNREFUSED. */
	if (unix_recvq_full(other) && !other->dead)
		return 1;
	if (connected)
		unix_peer_wake_disconnect(u, other);
	return 0;
}

void unix_dgram_disconnected(struct unix_sock *u, struct unix_sock *other)
{
	if (list_empty(&u->rq))
		return;
	unix_purge(u);
	wake_up_key(&u->peer_wait, 0, NULL);
	/* One end of a two-way datagram pair went away: the other hears of it. */
	if (!other->dead && other->peer == u) {
		other->sk.err = ECONNRESET;
		sock_error_report(&other->sk);
	}
}

/* ---- connecting ---- */

static int unix_socketpair(struct sock *a, struct sock *b)
{
	struct unix_sock *ua = unix_sk(a), *ub = unix_sk(b);

	sock_hold(b);
	sock_hold(a);
	ua->peer = ub;
	ub->peer = ua;
	a->peercred = true;
	b->peercred = true;
	a->tcp_state = SK_TCP_SYNCED;
	b->tcp_state = SK_TCP_SYNCED;
	a->sock_state = SS_CONNECTED;
	b->sock_state = SS_CONNECTED;
	return 0;
}

/* unix_wait_for_peer's condition: room in the listener's queue, or a reason to look again. */
static bool unix_backlog_room(struct sock *sk, void *arg)
{
	struct unix_sock *other = arg;

	(void)sk;
	return other->dead || (other->sk.shutdown & SK_RCV_SHUTDOWN) || !unix_recvq_full(other);
}

/*
 * unix_stream_connect (SOCK_STREAM and SOCK_SEQPACKET): the server end (an "embryo") is made
 * here, linked to us and queued on the listener; we are connected at once, and what we send
 * waits in the embryo's queue until accept() gives it a file. A full accept queue makes us
 * wait on the listener's peer_wait (EAGAIN when non-blocking).
 */
static int unix_stream_connect(struct sock *sk, const struct sockaddr *addr, int len)
{
	struct unix_sock *u = unix_sk(sk), *other, *newu;
	struct unix_name n;
	int err = unix_name_from(&n, addr, len);

	if (err)
		return err;
	struct sock *newsk = sock_alloc(sk->prot);
	if (!newsk)
		return -ENOMEM;
	unix_init(newsk);

	net_lock();
	bool nonblock = sock_nonblock(sk, 0);
	uint64_t end = sock_deadline(sk->sndtimeo_ns);
	for (;;) {
		other = unix_find_other(&n, unix_type(u), &err);
		if (!other)
			goto out;
		if (other->sk.tcp_state != SK_TCP_LISTEN || (other->sk.shutdown & SK_RCV_SHUTDOWN)) {
			err = -ECONNREFUSED;
			goto out_put;
		}
		if (!unix_recvq_full(other))
			break;
		if (nonblock) {
			err = -EAGAIN;
			goto out_put;
		}
		err = sock_wait_event(sk, &other->peer_wait, unix_backlog_room, other, end, true);
		if (err && err != -EAGAIN)
			goto out_put;		/* a signal */
		if (err)
			nonblock = true;	/* timed out: one more look, then EAGAIN */
		sock_put(&other->sk);
	}
	/* Self-connect and simultaneous connect end here: we are not a fresh socket. */
	if (sk->tcp_state != SK_TCP_CLOSE) {
		err = sk->tcp_state == SK_TCP_SYNCED ? -EISCONN : -EINVAL;
		goto out_put;
	}

	newu = unix_sk(newsk);
	sock_hold(sk);
	newu->peer = u;
	newsk->tcp_state = SK_TCP_SYNCED;
	newsk->peercred = true;
	newu->name = other->name;	/* the listener's name, not bound by the embryo */
	sk->peercred = true;
	sk->sock_state = SS_CONNECTED;
	sk->tcp_state = SK_TCP_SYNCED;
	sock_hold(newsk);
	u->peer = newu;

	newsk->parent = &other->sk;
	list_add_tail(&newsk->accept_node, &other->sk.accept_q);
	other->sk.accept_len++;
	sock_def_readable(&other->sk);
	sock_put(&other->sk);
	net_unlock();
	return 0;	/* newsk's first reference is its file's, once accept() gives it one */

out_put:
	sock_put(&other->sk);
out:
	net_unlock();
	sock_put(newsk);
	return err;
}

/* unix_dgram_connect: set, change or (AF_UNSPEC) dissolve the default peer. */
static int unix_dgram_connect(struct sock *sk, const struct sockaddr *addr, int len)
{
	struct unix_sock *u = unix_sk(sk), *other = NULL, *old;
	struct unix_name n;
	int err;

	if (len < (int)sizeof(sa_family_t))
		return -EINVAL;
	if (addr->sa_family != AF_UNSPEC) {
		err = unix_name_from(&n, addr, len);
		if (err)
			return err;
		net_lock();
		other = unix_find_other(&n, unix_type(u), &err);
		if (!other) {
			net_unlock();
			return err;
		}
		if (!unix_may_send(u, other)) {
			sock_put(&other->sk);
			net_unlock();
			return -EPERM;
		}
		sk->tcp_state = SK_TCP_SYNCED;
		other->sk.tcp_state = SK_TCP_SYNCED;
	} else {
		net_lock();
	}
	old = u->peer;
	u->peer = other;	/* the lookup's reference becomes the link's */
	if (old) {
		if (!other)
			sk->tcp_state = SK_TCP_CLOSE;
		unix_peer_wake_disconnect_wakeup(u, old);
		if (other != old) {
			unix_dgram_disconnected(u, old);
			if (!old->peer)
				old->sk.tcp_state = SK_TCP_CLOSE;
		}
		sock_put(&old->sk);
	}
	net_unlock();
	return 0;
}

static int unix_listen(struct sock *sk, int backlog)
{
	struct unix_sock *u = unix_sk(sk);

	if (!u->name.len)
		return -EINVAL;		/* no listening on an unbound socket (no autobind) */
	if (sk->tcp_state != SK_TCP_CLOSE && sk->tcp_state != SK_TCP_LISTEN)
		return -EINVAL;
	if ((unsigned)backlog > u->max_backlog)
		wake_up_key(&u->peer_wait, 0, NULL);	/* room for blocked connects */
	u->max_backlog = (unsigned)backlog;
	sk->tcp_state = SK_TCP_LISTEN;
	sk->peercred = true;	/* connect() copies the listener's credentials */
	return 0;
}

static bool unix_accept_ready(struct sock *sk, void *arg)
{
	(void)arg;
	return sk->accept_len || sk->err || (sk->shutdown & SK_RCV_SHUTDOWN);
}

/* unix_accept: skb_recv_datagram on the listener's queue of embryos. */
static int unix_accept(struct sock *sk, struct sock **child, struct sockaddr_storage *peer,
		       int *peerlen)
{
	struct unix_sock *u = unix_sk(sk);
	bool nonblock = sock_nonblock(sk, 0);
	uint64_t end = sock_deadline(sk->rcvtimeo_ns);

	if (sk->tcp_state != SK_TCP_LISTEN)
		return -EINVAL;
	for (;;) {
		if (sk->err)
			return -sock_take_error(sk);
		if (sk->accept_len)
			break;
		if (nonblock)
			return -EAGAIN;
		if (sk->shutdown & SK_RCV_SHUTDOWN)
			return -EINVAL;		/* "This means receive shutdown." */
		int w = sock_wait_event(sk, &sk->wq, unix_accept_ready, NULL, end, true);
		if (w && w != -EAGAIN)
			return w;		/* a signal */
		if (w)
			nonblock = true;
	}
	struct sock *c = list_first_entry(&sk->accept_q, struct sock, accept_node);
	list_del_init(&c->accept_node);
	sk->accept_len--;
	c->parent = NULL;
	wake_up_key(&u->peer_wait, 1, NULL);	/* room for one blocked connect */
	c->sock_state = SS_CONNECTED;
	*peerlen = unix_fill_name(unix_sk(c)->peer, peer);
	*child = c;
	return 0;
}

static int unix_getname(struct sock *sk, struct sockaddr_storage *out, bool peer)
{
	struct unix_sock *u = unix_sk(sk);

	if (peer) {
		if (!u->peer)
			return -ENOTCONN;
		u = u->peer;
	}
	return unix_fill_name(u, out);
}

/* unix_shutdown: our bits, then the mirror bits on a connected stream or seqpacket peer. */
static int unix_shutdown(struct sock *sk, unsigned mask)
{
	struct unix_sock *u = unix_sk(sk), *other = u->peer;

	sk->shutdown |= (uint8_t)mask;
	sock_state_change(sk);
	if (other && unix_connection_based(u)) {
		unsigned peer_mask = 0;

		if (mask & SK_RCV_SHUTDOWN)
			peer_mask |= SK_SEND_SHUTDOWN;
		if (mask & SK_SEND_SHUTDOWN)
			peer_mask |= SK_RCV_SHUTDOWN;
		other->sk.shutdown |= (uint8_t)peer_mask;
		sock_state_change(&other->sk);
	}
	return 0;		/* even unconnected: Linux sets the bits and is content */
}

/* ---- release ---- */

/*
 * unix_release_sock: the file is gone (or, for an embryo, its listener is). The name is
 * unbound, the peer learns that we are gone (a stream or seqpacket peer sees both directions
 * shut, and ECONNRESET if we leave unread data behind or were never accepted), and what we
 * queue is freed: a listener's pending connections are released as embryos.
 */
static void unix_release_sock(struct unix_sock *u, bool embryo)
{
	struct sock *sk = &u->sk;
	struct unix_sock *pair;
	int state = sk->tcp_state;

	list_del_init(&u->name_node);
	u->dead = true;
	sk->shutdown = SK_SHUTDOWN_MASK;
	sk->tcp_state = SK_TCP_CLOSE;
	pair = u->peer;
	u->peer = NULL;
	wake_up_key(&u->peer_wait, 0, NULL);

	if (pair) {
		if (unix_connection_based(u)) {
			pair->sk.shutdown = SK_SHUTDOWN_MASK;
			if (!list_empty(&u->rq) || embryo)
				pair->sk.err = ECONNRESET;
			sock_state_change(&pair->sk);
		}
		unix_peer_wake_disconnect(u, pair);
		sock_put(&pair->sk);
	}
	if (u->peer_wake_target)
		unix_peer_wake_disconnect(u, u->peer_wake_target);

	unix_purge(u);
	if (state == SK_TCP_LISTEN) {
		while (!list_empty(&sk->accept_q)) {
			struct sock *c = list_first_entry(&sk->accept_q, struct sock, accept_node);
			list_del_init(&c->accept_node);
			sk->accept_len--;
			c->parent = NULL;
			unix_release_sock(unix_sk(c), true);
			sock_put(c);	/* the reference its file would have owned */
		}
	}
}

static void unix_release(struct sock *sk)
{
	unix_release_sock(unix_sk(sk), false);
}

/* ---- readiness ---- */

/* unix_poll (SOCK_STREAM). */
static uint32_t unix_stream_poll(struct sock *sk, uint32_t events)
{
	struct unix_sock *u = unix_sk(sk);
	uint32_t mask = 0;

	(void)events;
	if (sk->err)
		mask |= EPOLLERR;
	if (sk->shutdown == SK_SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (sk->shutdown & SK_RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (unix_qlen(u))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (sk->tcp_state == SK_TCP_CLOSE)
		mask |= EPOLLHUP;	/* never connected (or released) */
	/* Writable also once the peer has shut down: a write fails at once rather than hangs. */
	if (unix_writable(u))
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	return mask;
}

/* unix_dgram_poll (SOCK_DGRAM and SOCK_SEQPACKET): writability also asks whether a peer that is
 * not connected back has room. */
static uint32_t unix_dgram_poll(struct sock *sk, uint32_t events)
{
	struct unix_sock *u = unix_sk(sk), *other;
	uint32_t mask = 0;

	if (sk->err)
		mask |= EPOLLERR;
	if (sk->shutdown & SK_RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (sk->shutdown == SK_SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (unix_qlen(u))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (unix_type(u) == SOCK_SEQPACKET && sk->tcp_state == SK_TCP_CLOSE)
		mask |= EPOLLHUP;
	/* No write status asked for: skip the peer test (and its peer_wake hook). */
	if (!(events & (EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND)))
		return mask;
	bool writable = unix_writable(u);
	other = u->peer;
	if (writable && other && other->peer != u && unix_recvq_full(other) &&
	    unix_peer_wake_me(u, other))
		writable = false;
	if (writable)
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	return mask;
}

/* ---- ioctl, options ---- */

static long unix_ioctl(struct sock *sk, unsigned cmd, unsigned long arg)
{
	struct unix_sock *u = unix_sk(sk);
	long amount;

	switch (cmd) {
	case SIOCOUTQ:
		amount = (long)u->wmem;
		break;
	case SIOCINQ:
		/* unix_inq_len: unread bytes (a datagram socket: the next datagram's size) */
		if (sk->tcp_state == SK_TCP_LISTEN)
			return -EINVAL;
		if (unix_type(u) != SOCK_DGRAM)
			amount = (long)u->rq_bytes;
		else if (!list_empty(&u->rq))
			amount = list_first_entry(&u->rq, struct unix_skb, node)->len;
		else
			amount = 0;
		break;
	default:
		return -ENOTTY;
	}
	if (!uaccess_write_ok((void *)arg, sizeof(int)))
		return -EFAULT;
	*(int *)arg = (int)amount;
	return 0;
}

static void unix_sync_options(struct sock *sk)
{
	(void)sk;	/* SO_REUSEADDR and SO_KEEPALIVE mean nothing here */
}

static void unix_sndbuf_changed(struct sock *sk)
{
	unix_write_space(unix_sk(sk));
}

/* Only SOL_SOCKET (the core's) exists for AF_UNIX. */
static int unix_setsockopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	(void)sk;
	(void)level;
	(void)name;
	(void)val;
	(void)len;
	return -EOPNOTSUPP;
}

static int unix_getsockopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	(void)sk;
	(void)level;
	(void)name;
	(void)val;
	(void)len;
	return -EOPNOTSUPP;
}

#define UNIX_PROTO_COMMON \
	.family = AF_UNIX, \
	.protocol = 0, \
	.sndbuf = UNIX_SNDBUF_DEFAULT, \
	.rcvbuf = UNIX_RCVBUF_DEFAULT, \
	.obj_size = sizeof(struct unix_sock), \
	.bind = unix_bind, \
	.init = unix_init, \
	.shutdown = unix_shutdown, \
	.socketpair = unix_socketpair, \
	.ioctl = unix_ioctl, \
	.write_space = unix_sndbuf_changed, \
	.destruct = unix_destruct, \
	.getname = unix_getname, \
	.release = unix_release, \
	.sync_options = unix_sync_options, \
	.setsockopt = unix_setsockopt, \
	.getsockopt = unix_getsockopt

const struct sk_proto sk_unix_stream_proto = {
	UNIX_PROTO_COMMON,
	.type = SOCK_STREAM,
	.sigpipe = true,
	.connect = unix_stream_connect,
	.sendmsg = unix_stream_sendmsg,
	.recvmsg = unix_stream_recvmsg,
	.listen = unix_listen,
	.accept = unix_accept,
	.poll = unix_stream_poll,
};

const struct sk_proto sk_unix_dgram_proto = {
	UNIX_PROTO_COMMON,
	.type = SOCK_DGRAM,
	.connect = unix_dgram_connect,
	.sendmsg = unix_dgram_sendmsg,
	.recvmsg = unix_dgram_recvmsg,
	.poll = unix_dgram_poll,
};

const struct sk_proto sk_unix_seqpacket_proto = {
	UNIX_PROTO_COMMON,
	.type = SOCK_SEQPACKET,
	.connect = unix_stream_connect,
	.sendmsg = unix_seqpacket_sendmsg,
	.recvmsg = unix_seqpacket_recvmsg,
	.listen = unix_listen,
	.accept = unix_accept,
	.poll = unix_dgram_poll,
};
