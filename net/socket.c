// SPDX-License-Identifier: MIT
/*
 * The socket core: socket objects and their receive queues, waiting, the calls of
 * <net/socket.h> and the socket file. Each call goes to the socket's protocol (struct sk_proto
 * in sock.h: tcp.c, udp.c), which behaves as Linux 6.x's does.
 */
#include <kernel/busy_poll.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/list.h>
#include <kernel/poll.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/slab.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <kernel/wait.h>
#include <net/net.h>
#include <net/socket.h>
#include <string.h>
#include <uapi/stat.h>

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "sock.h"

/* Linux's keepalive defaults, which getsockopt reports for every new socket. */
#define SK_KEEPIDLE_DEFAULT_S	7200
#define SK_KEEPINTVL_DEFAULT_S	75
#define SK_KEEPCNT_DEFAULT	9

/* What socket() can make; (family, type) selects one. */
static const struct sk_proto *const sock_protos[] = {
	&sk_tcp_proto,
	&sk_udp_proto,
	&sk_unix_stream_proto,
	&sk_unix_dgram_proto,
	&sk_unix_seqpacket_proto,
};

static const struct file_operations sock_fops;
static struct kmem_cache *sock_cache, *rxbuf_cache;
static long nr_socks;

/* ---- errors ---- */

/*
 * lwIP says "reset" or "aborted" where Linux's tcp_reset and tcp_write_err name the state
 * instead: refused while connecting, EPIPE after the peer's FIN (CLOSE_WAIT), reset otherwise;
 * lwIP's own aborts (retransmission, SYN or keepalive limits) are timeouts.
 */
int sock_errno(err_t err, const struct sock *sk)
{
	switch (err) {
	case ERR_OK:		return 0;
	case ERR_MEM:		return ENOMEM;
	case ERR_BUF:		return ENOBUFS;
	case ERR_TIMEOUT:	return ETIMEDOUT;
	case ERR_RTE:		return ENETUNREACH;
	case ERR_INPROGRESS:	return EINPROGRESS;
	case ERR_VAL:		return EINVAL;
	case ERR_WOULDBLOCK:	return EAGAIN;
	case ERR_USE:		return EADDRINUSE;
	case ERR_ALREADY:	return EALREADY;
	case ERR_ISCONN:	return EISCONN;
	case ERR_CONN:		return ENOTCONN;
	case ERR_IF:		return ENETDOWN;
	case ERR_ABRT:		return sk ? ETIMEDOUT : ECONNABORTED;
	case ERR_RST:
		if (sk && sk->tcp_state == SK_TCP_SYN_SENT)
			return ECONNREFUSED;
		if (sk && sk->done && !(sk->shutdown & SK_SEND_SHUTDOWN))
			return EPIPE;
		return ECONNRESET;
	case ERR_CLSD:		return ENOTCONN;
	case ERR_ARG:		return EINVAL;
	}
	return EIO;
}

int sock_take_error(struct sock *sk)
{
	int e = sk->err;
	sk->err = 0;
	return e;
}

/* ---- allocation ---- */

static int sock_caches_init(void)
{
	if (sock_cache)
		return 0;
	rxbuf_cache = kmem_cache_create("sock_rxbuf", sizeof(struct sk_rxbuf), 0);
	sock_cache = kmem_cache_create("sock", sizeof(struct sock), 0);
	return sock_cache && rxbuf_cache ? 0 : -ENOMEM;
}

struct sock *sock_alloc(const struct sk_proto *prot)
{
	struct sock *sk = prot->obj_size ? kzalloc(prot->obj_size) : kmem_cache_zalloc(sock_cache);
	if (!sk)
		return NULL;
	sk->refcnt = 1;
	sk->prot = prot;
	wait_queue_head_init(&sk->wq);
	list_init(&sk->accept_q);
	list_init(&sk->accept_node);
	sk->sock_state = SS_UNCONNECTED;
	sk->tcp_state = SK_TCP_CLOSE;
	sk->sndbuf = prot->sndbuf;
	sk->rcvbuf = prot->rcvbuf;
	sk->keep_idle_s = SK_KEEPIDLE_DEFAULT_S;
	sk->keep_intvl_s = SK_KEEPINTVL_DEFAULT_S;
	sk->keep_cnt = SK_KEEPCNT_DEFAULT;
	__atomic_add_fetch(&nr_socks, 1, __ATOMIC_RELAXED);
	return sk;
}

void sock_free(struct sock *sk)
{
	if (sk->prot->destruct)
		sk->prot->destruct(sk);
	sock_rx_purge(sk);
	if (sk->prot->obj_size)
		kfree(sk);
	else
		kmem_cache_free(sock_cache, sk);
	__atomic_sub_fetch(&nr_socks, 1, __ATOMIC_RELAXED);
}

void sock_hold(struct sock *sk)
{
	__atomic_add_fetch(&sk->refcnt, 1, __ATOMIC_RELAXED);
}

void sock_put(struct sock *sk)
{
	if (__atomic_sub_fetch(&sk->refcnt, 1, __ATOMIC_ACQ_REL) == 0)
		sock_free(sk);
}

long socks_alive(void)
{
	return __atomic_load_n(&nr_socks, __ATOMIC_RELAXED);
}

struct sock *sock_from_file(struct file *f)
{
	return f && f->f_op == &sock_fops ? f->private_data : NULL;
}

bool sock_nonblock(const struct sock *sk, int flags)
{
	return (flags & MSG_DONTWAIT) || (sk->file && (READ_ONCE(sk->file->f_flags) & O_NONBLOCK));
}

/* ---- waiting ---- */

uint64_t sock_deadline(uint64_t timeout_ns)
{
	return timeout_ns ? ktime_ns() + timeout_ns : 0;
}

/*
 * The thread is queued and marked asleep before the test, so a wake-up from the softirq that
 * runs at net_unlock() (or from anywhere after the test) leaves it runnable.
 */
struct sock_busy_wait {
	struct sock *sk;
	bool (*ready)(struct sock *sk, void *arg);
	void *arg;
};

static bool sock_busy_ready(void *arg)
{
	struct sock_busy_wait *w = arg;
	net_lock();
	bool r = w->ready(w->sk, w->arg);
	net_unlock();
	return r;
}

int sock_wait_event(struct sock *sk, struct wait_queue_head *wq,
		    bool (*ready)(struct sock *sk, void *arg), void *arg, uint64_t end,
		    bool exclusive)
{
	DEFINE_WAIT(we);
	int ret = 0;

	/* Exactly one section open, in a thread: net_unlock() below must really unlock. */
	BUG_ON(in_irq() || this_cpu.bh_count != 1);
	/* SO_BUSY_POLL: poll the NIC for a while before sleeping (Linux's sk_busy_loop). */
	uint32_t busy = READ_ONCE(sk->busy_poll_usecs);
	if (busy && !ready(sk, arg) && !signal_pending()) {
		struct sock_busy_wait w = { sk, ready, arg };
		net_unlock();
		busy_poll_loop(busy, sk->busy_poll_budget, sk->prefer_busy_poll, sock_busy_ready, &w);
		net_lock();
	}
	for (;;) {
		if (exclusive)
			prepare_to_wait_exclusive(wq, &we, TASK_INTERRUPTIBLE);
		else
			prepare_to_wait(wq, &we, TASK_INTERRUPTIBLE);
		if (ready(sk, arg))
			break;
		if (end && ktime_ns() >= end) {
			ret = -EAGAIN;
			break;
		}
		if (signal_pending()) {
			/* Linux's sock_intr_errno: restartable unless the call has a time limit. */
			ret = end ? -EINTR : -ERESTARTSYS;
			break;
		}
		net_unlock();
		if (end) {
			uint64_t now = ktime_ns();
			schedule_timeout(end > now ? end - now : 1);
		} else {
			schedule();
		}
		net_lock();
	}
	finish_wait(wq, &we);
	return ret;
}

struct sock_wait_plain {
	bool (*ready)(struct sock *sk);
};

static bool sock_wait_plain_ready(struct sock *sk, void *arg)
{
	return ((struct sock_wait_plain *)arg)->ready(sk);
}

int sock_wait(struct sock *sk, bool (*ready)(struct sock *), uint64_t timeout_ns, bool exclusive)
{
	struct sock_wait_plain w = { ready };

	return sock_wait_event(sk, &sk->wq, sock_wait_plain_ready, &w, sock_deadline(timeout_ns),
			       exclusive);
}

/* ---- the receive queue ---- */

struct sk_rxbuf *sock_rx_add(struct sock *sk, struct pbuf *p)
{
	struct sk_rxbuf *b = kmem_cache_alloc(rxbuf_cache);
	if (!b)
		return NULL;
	b->p = p;
	b->next = NULL;
	if (sk->rx_tail)
		sk->rx_tail->next = b;
	else
		sk->rx_head = b;
	sk->rx_tail = b;
	sk->rx_bytes += p->tot_len;
	return b;
}

void sock_rx_pop(struct sock *sk)
{
	struct sk_rxbuf *b = sk->rx_head;

	sk->rx_head = b->next;
	if (!sk->rx_head)
		sk->rx_tail = NULL;
	sk->rx_bytes -= b->p->tot_len;
	pbuf_free(b->p);
	kmem_cache_free(rxbuf_cache, b);
}

size_t sock_rx_copy(struct sock *sk, void *buf, size_t len, bool peek)
{
	size_t done = 0;
	struct sk_rxbuf *b = sk->rx_head;

	net_assert_locked();

	while (b && done < len) {
		size_t n = MIN(len - done, (size_t)b->p->tot_len);
		pbuf_copy_partial(b->p, (char *)buf + done, (u16_t)n, 0);
		done += n;
		if (peek) {
			b = b->next;
			continue;
		}
		if (n == b->p->tot_len) {
			sock_rx_pop(sk);
			b = sk->rx_head;
		} else {
			b->p = pbuf_free_header(b->p, (u16_t)n);
			sk->rx_bytes -= n;
		}
	}
	return done;
}

void sock_rx_purge(struct sock *sk)
{
	if (sk->rx_head)
		net_assert_locked();	/* pbuf_free is lwIP's */
	while (sk->rx_head)
		sock_rx_pop(sk);
}

/* ---- AF_INET addresses ---- */

/* Linux's checks (inet_bind, tcp_v4_connect) begin with the length. */
int sock_sin_get(const struct sockaddr *addr, int len, struct sockaddr_in *sin)
{
	if (len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	memcpy(sin, addr, sizeof(*sin));
	return 0;
}

int sock_sin_set(struct sockaddr_storage *out, const ip4_addr_t *ip, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = lwip_htons(port);
	sin->sin_addr.s_addr = ip ? ip4_addr_get_u32(ip) : 0;
	return sizeof(*sin);
}

/* May @ip be bound to? Any, the loopback net (Linux routes all of 127/8 locally), or a
 * netif's own address. */
static bool addr_is_local(const ip4_addr_t *ip)
{
	if (ip4_addr_isany_val(*ip) || ip4_addr_isloopback(ip))
		return true;
	struct netif *n;
	NETIF_FOREACH(n) {
		if (ip4_addr_cmp(netif_ip4_addr(n), ip))
			return true;
	}
	return false;
}

int sock_inet_bind(struct sock *sk, const struct sockaddr *addr, int len,
		   err_t (*bind_pcb)(struct sock *sk, const ip4_addr_t *ip, uint16_t *port))
{
	struct sockaddr_in sin;
	int err = sock_sin_get(addr, len, &sin);
	if (err)
		return err;
	/* "Compatibility games": AF_UNSPEC is taken for AF_INET only with INADDR_ANY. */
	if (sin.sin_family != AF_INET &&
	    (sin.sin_family != AF_UNSPEC || sin.sin_addr.s_addr != INADDR_ANY))
		return -EAFNOSUPPORT;
	ip4_addr_t ip;
	ip4_addr_set_u32(&ip, sin.sin_addr.s_addr);
	uint16_t port = lwip_ntohs(sin.sin_port);

	net_lock();
	if (!addr_is_local(&ip)) {
		err = -EADDRNOTAVAIL;
		goto out;
	}
	if (sk->bound || sk->tcp_state != SK_TCP_CLOSE) {
		err = -EINVAL;		/* double bind, or an active socket */
		goto out;
	}
	if (!sk->tcp && !sk->udp) {
		err = sk->prot->init(sk);
		if (err)
			goto out;
	}
	net_assert_locked();
	err_t e = bind_pcb(sk, &ip, &port);
	if (e != ERR_OK) {
		err = e == ERR_BUF ? -EADDRINUSE : -sock_errno(e, NULL);
		goto out;
	}
	sk->bound = true;
	sk->bound_ip = ip;
	sk->bound_port = port;
out:
	net_unlock();
	return err;
}

/* ---- creation ---- */

/* The protocol socket() asks for, or Linux's errno in Linux's order: the family, the type's
 * range, the family's protocol range, then the family's table of types. */
static int sock_find_proto(int family, int type, int protocol, const struct sk_proto **out)
{
	bool family_known = false;
	size_t i;

	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (type < 0 || type >= SOCK_MAX)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(sock_protos); i++)
		family_known |= sock_protos[i]->family == family;
	if (!family_known)
		return -EAFNOSUPPORT;
	if (family == AF_INET && (protocol < 0 || protocol >= 256))	/* inet_create: IPPROTO_MAX */
		return -EINVAL;
	if (family == AF_UNIX) {
		/* unix_create: the protocol first (0 or PF_UNIX), then the type; BSD's SOCK_RAW
		 * is taken as SOCK_DGRAM. */
		if (protocol && protocol != PF_UNIX)
			return -EPROTONOSUPPORT;
		protocol = 0;
		if (type == SOCK_RAW)
			type = SOCK_DGRAM;
	}
	for (i = 0; i < ARRAY_SIZE(sock_protos); i++) {
		const struct sk_proto *p = sock_protos[i];
		if (p->family != family || p->type != type)
			continue;
		if (protocol != 0 && protocol != p->protocol)
			return -EPROTONOSUPPORT;
		*out = p;
		return 0;
	}
	if (family == AF_INET && type == SOCK_RAW)
		return -EPROTONOSUPPORT;	/* Linux: EPERM without CAP_NET_RAW; none here */
	return -ESOCKTNOSUPPORT;
}

int sock_create(int family, int type, int protocol, bool nonblock, struct file **out)
{
	const struct sk_proto *prot;
	int err = sock_find_proto(family, type, protocol, &prot);
	if (err)
		return err;
	err = sock_caches_init();
	if (err)
		return err;

	struct sock *sk = sock_alloc(prot);
	if (!sk)
		return -ENOMEM;
	struct file *f = file_alloc(&sock_fops, sk, O_RDWR | (nonblock ? O_NONBLOCK : 0));
	if (!f) {
		sock_free(sk);
		return -ENOMEM;
	}
	sk->file = f;
	net_lock();
	err = prot->init(sk);
	net_unlock();
	if (err) {
		file_put(f);	/* its release frees sk */
		return err;
	}
	*out = f;
	return 0;
}

int sock_socketpair(int family, int type, int protocol, bool nonblock, struct file *out[2])
{
	struct file *a, *b;
	int err = sock_create(family, type, protocol, nonblock, &a);
	if (err)
		return err;
	err = sock_create(family, type, protocol, nonblock, &b);
	if (err)
		goto out_put_a;
	struct sock *ska = a->private_data, *skb = b->private_data;
	if (!ska->prot->socketpair) {
		err = -EOPNOTSUPP;	/* sock_no_socketpair: AF_INET */
		goto out_put_b;
	}
	net_lock();
	err = ska->prot->socketpair(ska, skb);
	net_unlock();
	if (err)
		goto out_put_b;
	out[0] = a;
	out[1] = b;
	return 0;

out_put_b:
	file_put(b);
out_put_a:
	file_put(a);
	return err;
}

/* ---- the calls ---- */

int sock_bind(struct sock *sk, const struct sockaddr *addr, int len)
{
	return sk->prot->bind(sk, addr, len);
}

int sock_listen(struct sock *sk, int backlog)
{
	int err;

	/* __sys_listen: cut to somaxconn, as an unsigned comparison (negative: the maximum). */
	if ((unsigned)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	if (!sk->prot->listen)
		return -EOPNOTSUPP;
	net_lock();
	err = sk->prot->listen(sk, backlog);
	net_unlock();
	return err;
}

int sock_accept(struct sock *sk, unsigned flags, struct file **out, struct sockaddr_storage *peer,
		int *peerlen)
{
	struct sock *c;
	int err;

	if (!sk->prot->accept)
		return -EOPNOTSUPP;
	/* The new file first, so that nothing can fail once a connection is taken. */
	struct file *f = file_alloc(&sock_fops, NULL, O_RDWR | (flags & O_NONBLOCK));
	if (!f)
		return -ENOMEM;

	net_lock();
	err = sk->prot->accept(sk, &c, peer, peerlen);
	if (err)
		goto out_put;
	c->file = f;
	f->private_data = c;
	net_unlock();
	*out = f;
	return 0;

out_put:
	net_unlock();
	file_put(f);		/* no sock behind it: its release frees only the file */
	return err;
}

int sock_connect(struct sock *sk, const struct sockaddr *addr, int len)
{
	return sk->prot->connect(sk, addr, len);
}

int sock_getname(struct sock *sk, struct sockaddr_storage *out, bool peer)
{
	int err;

	net_lock();
	err = sk->prot->getname(sk, out, peer);
	net_unlock();
	return err;
}

int sock_shutdown(struct sock *sk, int how)
{
	int err;

	/* inet_shutdown: SHUT_RD..SHUT_RDWR become the RCV/SEND bit mask. */
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	unsigned mask = (unsigned)how + 1;

	net_lock();
	err = sk->prot->shutdown(sk, mask);
	net_unlock();
	return err;
}

ssize_t sock_recvfrom(struct sock *sk, void *buf, size_t len, int flags,
		      struct sockaddr_storage *from, int *fromlen)
{
	trace_point(TRACE_APP_READ, sk, (uint32_t)len);
	return sk->prot->recvmsg(sk, buf, len, flags, from, fromlen);
}

ssize_t sock_sendto(struct sock *sk, const void *buf, size_t len, int flags,
		    const struct sockaddr *to, int tolen)
{
	ssize_t ret = sk->prot->sendmsg(sk, buf, len, flags, to, tolen);
	if (ret == -EPIPE && sk->prot->sigpipe && !(flags & MSG_NOSIGNAL))
		signal_raise_sigpipe();		/* TCP and AF_UNIX streams, as in Linux */
	return ret;
}

int sock_setsockopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	int err;

	net_lock();
	if (level == SOL_SOCKET)
		err = sock_opt_socket_set(sk, name, val, len);
	else
		err = sk->prot->setsockopt(sk, level, name, val, len);
	net_unlock();
	return err;
}

int sock_getsockopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	int err;

	net_lock();
	if (level == SOL_SOCKET)
		err = sock_opt_socket_get(sk, name, val, len);
	else
		err = sk->prot->getsockopt(sk, level, name, val, len);
	net_unlock();
	return err;
}

/* ---- the file ---- */

static ssize_t sock_read(struct file *f, void *buf, size_t len)
{
	struct sock *sk = f->private_data;
	if (!len)
		return 0;	/* sock_read_iter: "Match SYS5 behaviour" (recv(.., 0, ..) differs) */
	return sock_recvfrom(sk, buf, len, 0, NULL, NULL);
}

static ssize_t sock_write(struct file *f, const void *buf, size_t len)
{
	struct sock *sk = f->private_data;
	return sock_sendto(sk, buf, len, 0, NULL, 0);
}

static uint32_t sock_poll(struct file *f, struct poll_table *pt)
{
	struct sock *sk = f->private_data;
	uint32_t mask;

	poll_wait(f, &sk->wq, pt);
	net_lock();
	mask = sk->prot->poll(sk, pt ? pt->key : ~0u);
	net_unlock();
	return mask;
}

static long sock_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct sock *sk = f->private_data;
	long ret;

	if (!sk->prot->ioctl)
		return -ENOTTY;
	net_lock();
	ret = sk->prot->ioctl(sk, cmd, arg);
	net_unlock();
	return ret;
}

static int sock_set_flags(struct file *f, unsigned flags)
{
	(void)f;
	(void)flags;	/* O_NONBLOCK is read from f_flags at each call */
	return 0;
}

/* The file owns the sock: its release lets the protocol drop the pcb (or its peer), then drops
 * the file's reference. */
static void sock_release(struct file *f)
{
	struct sock *sk = f->private_data;

	if (!sk)
		return;		/* accept()'s spare file, never given a connection */
	net_lock();
	net_assert_locked();
	sk->prot->release(sk);
	sock_rx_purge(sk);
	sk->file = NULL;	/* the sock may outlive its file (sock_hold) */
	net_unlock();
	sock_put(sk);
}

static const struct file_operations sock_fops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.release = sock_release,
	.set_flags = sock_set_flags,
	.ioctl = sock_ioctl,
	.name = "socket",
	.mode = S_IFSOCK | 0777,
};
