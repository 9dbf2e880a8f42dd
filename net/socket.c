// SPDX-License-Identifier: MIT
/*
 * TCP and UDP sockets over lwIP's raw API, as pollable files that behave as Linux 6.x's do.
 *
 * Model. A struct sock mirrors the two levels of Linux's state: sock_state is the struct
 * socket's (SS_UNCONNECTED, SS_CONNECTING, SS_CONNECTED: what connect() and accept() decide),
 * tcp_state the struct sock's, folded to what poll() and the calls distinguish (CLOSE, LISTEN,
 * SYN_SENT, SYNCED), with Linux's sk_shutdown bits, sk_err (a pending error, reported once),
 * SOCK_DONE (a FIN arrived) and SOCK_NOSPACE (a writer or poller found no room). Readiness is
 * computed from them by net/sock_poll.c, a transcription of tcp_poll/udp_poll. The lwIP pcb is
 * the connection; the sock holds it while it is ours and forgets it when lwIP frees it (err
 * callback) or when the connection no longer needs us (closed, or both FINs exchanged: lwIP
 * keeps TIME_WAIT itself, as Linux hands it to a timewait socket).
 *
 * Wake-ups carry Linux's keys, from Linux's call sites, so that epoll (level- and
 * edge-triggered, EPOLLEXCLUSIVE) sees the same sequence of events:
 *   data or a datagram arrives, a connection joins the accept queue
 *       sock_def_readable:  wake_up_key(wq, 1, IN|PRI|RDNORM|RDBAND)
 *   send space returns to a socket found full (SOCK_NOSPACE)
 *       sk_stream_write_space: wake_up_key(wq, 1, OUT|WRNORM|WRBAND)
 *   connected, FIN received, closed, reset, shutdown() called
 *       sock_def_wakeup:    wake_up_key(wq, 0, NULL)       (NULL: every event, every waiter)
 *   reset or timeout (after the state change)
 *       sock_def_error_report: wake_up_key(wq, 1, ERR)
 * nr_exclusive 1 wakes every non-exclusive entry (eventpoll's, and blocked readers and writers,
 * which wait non-exclusively as in Linux) and one exclusive one: a thread blocked in accept()
 * (exclusive, as inet_csk_wait_for_connect) or an EPOLLEXCLUSIVE epoll.
 *
 * Lifetime. The file owns the sock; its release detaches the pcb (arg and callbacks cleared, so
 * lwIP never calls back into freed memory) and closes it: gracefully (FIN; a RST if received
 * data was left unread, as Linux), or with a RST for SO_LINGER {1, 0}. The pcb may outlive the
 * file in lwIP's closing states. A connection that completes its handshake on a listener gets
 * a sock at once (lwIP's accept callback) and waits on the listener's queue with its pcb's
 * callbacks live, so data, FIN or RST that arrive before accept() are kept; accept() gives it
 * a file. Closing a listener resets the connections still queued, as Linux does.
 *
 * Locking: everything here runs under net_lock() (see net/net.h): lwIP's callbacks in the NET
 * softirq or inside a thread's section, the file operations and calls by taking it. That one
 * lock protects every sock field. Sleepers drop it around schedule().
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/trace.h>
#include <kernel/file.h>
#include <kernel/list.h>
#include <kernel/poll.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <kernel/wait.h>
#include <net/net.h>
#include <net/sock_poll.h>
#include <net/socket.h>
#include <string.h>
#include <uapi/time.h>

#include "lwip/ip4.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

/* Linux's socket_state. */
#define SS_UNCONNECTED		1
#define SS_CONNECTING		2
#define SS_CONNECTED		3

#define SK_READABLE_KEY		(EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND)
#define SK_WRITABLE_KEY		(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND)

/* Linux's defaults and limits, for what getsockopt reports and setsockopt clamps. */
#define UDP_RCVBUF_DEFAULT	212992		/* net.core.rmem_default */
#define UDP_SNDBUF_DEFAULT	212992		/* net.core.wmem_default */
#define SOCK_BUF_MAX		212992		/* net.core.[rw]mem_max */
#define SOCK_MIN_SNDBUF		4608
#define SOCK_MIN_RCVBUF		2304
#define UDP_MAX_PAYLOAD		65507		/* 65535 - IP header - UDP header */
#define SK_KEEPIDLE_DEFAULT_S	7200
#define SK_KEEPINTVL_DEFAULT_S	75
#define SK_KEEPCNT_DEFAULT	9

/* One received pbuf chain: a TCP segment's payload or a UDP datagram. */
struct sk_rxbuf {
	struct sk_rxbuf *next;
	struct pbuf *p;		/* unread bytes; what was read is cut off the front */
	ip4_addr_t addr;	/* UDP: the datagram's source address */
	uint16_t port;		/* UDP: its source port (host order) */
};

struct sock {
	struct file *file;		/* NULL for a connection not yet accept()ed */
	int type;			/* SOCK_STREAM or SOCK_DGRAM */
	struct tcp_pcb *tcp;		/* the TCP connection or listener while it is ours */
	struct udp_pcb *udp;		/* the UDP endpoint */
	struct wait_queue_head wq;	/* readers, writers, accepters, pollers, eventpoll */
	uint8_t sock_state;		/* SS_*: the struct socket's state in Linux */
	uint8_t tcp_state;		/* enum sk_tcp_state */
	uint8_t shutdown;		/* SK_RCV_SHUTDOWN | SK_SEND_SHUTDOWN */
	bool done;			/* SOCK_DONE: the peer's FIN arrived */
	bool nospace;			/* SOCK_NOSPACE: someone found the send buffer full */
	uint16_t wait_qlen;		/* a writer waits for lwIP's send queue to drop below this */
	int err;			/* sk_err: pending error (positive errno), 0 if none */

	struct sk_rxbuf *rx_head;	/* received data, oldest first */
	struct sk_rxbuf *rx_tail;
	size_t rx_bytes;		/* bytes in rx_head.. (TCP: not yet given to tcp_recved) */

	/* Listener: connections waiting for accept(). */
	struct list_head accept_q;	/* children, by accept_node */
	unsigned accept_len;
	/* Child: its place on the listener's queue (self-linked once accepted). */
	struct list_head accept_node;
	struct sock *parent;		/* the listener while queued, else NULL */

	/* Options. */
	bool reuseaddr;			/* SO_REUSEADDR */
	bool keepalive;			/* SO_KEEPALIVE */
	bool broadcast;			/* SO_BROADCAST */
	bool nodelay;			/* TCP_NODELAY */
	bool linger_on;			/* SO_LINGER l_onoff */
	int linger_s;			/* SO_LINGER l_linger */
	int sndbuf;			/* SO_SNDBUF as getsockopt reports it (Linux doubles) */
	int rcvbuf;			/* SO_RCVBUF likewise */
	uint64_t rcvtimeo_ns;		/* SO_RCVTIMEO; 0: wait forever */
	uint64_t sndtimeo_ns;		/* SO_SNDTIMEO */
	uint32_t keep_idle_s;		/* TCP_KEEPIDLE */
	uint32_t keep_intvl_s;		/* TCP_KEEPINTVL */
	uint32_t keep_cnt;		/* TCP_KEEPCNT */
	/* bind()'s address, kept to bind a fresh pcb when a failed connect is retried. */
	bool bound;
	bool udp_src_auto;		/* UDP: connect() chose the source address */
	ip4_addr_t bound_ip;
	uint16_t bound_port;
};

static const struct file_operations sock_fops;
static struct kmem_cache *sock_cache, *rxbuf_cache;
static long nr_socks;

/* ---- errors ---- */

/*
 * lwIP's err_t as a Linux errno (positive): the one place they are translated. @sk, when given,
 * is the socket an error callback reports on: lwIP says "reset" or "aborted" where Linux's
 * tcp_reset and tcp_write_err name the state instead: refused while connecting, EPIPE after
 * the peer's FIN (CLOSE_WAIT), reset otherwise; lwIP's own aborts (retransmission, SYN or
 * keepalive limits) are timeouts.
 */
static int sock_errno(err_t err, const struct sock *sk)
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

/* sock_error(): take the pending error (Linux returns it once). */
static int sock_take_error(struct sock *sk)
{
	int e = sk->err;
	sk->err = 0;
	return e;
}

/* ---- wake-ups (Linux's sk_* callbacks) ---- */

static void sock_def_readable(struct sock *sk)
{
	trace_point(TRACE_SOCK_WAKE, sk, SK_READABLE_KEY);
	wake_up_key(&sk->wq, 1, poll_to_key(SK_READABLE_KEY));
}

static void sock_write_space(struct sock *sk)
{
	wake_up_key(&sk->wq, 1, poll_to_key(SK_WRITABLE_KEY));
}

static void sock_state_change(struct sock *sk)
{
	wake_up_key(&sk->wq, 0, NULL);
}

static void sock_error_report(struct sock *sk)
{
	wake_up_key(&sk->wq, 1, poll_to_key(EPOLLERR));
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

static struct sock *sock_alloc(int type)
{
	struct sock *sk = kmem_cache_zalloc(sock_cache);
	if (!sk)
		return NULL;
	sk->type = type;
	wait_queue_head_init(&sk->wq);
	list_init(&sk->accept_q);
	list_init(&sk->accept_node);
	sk->sock_state = SS_UNCONNECTED;
	sk->tcp_state = SK_TCP_CLOSE;
	if (type == SOCK_STREAM) {
		sk->sndbuf = TCP_SND_BUF;
		sk->rcvbuf = TCP_WND;
	} else {
		sk->sndbuf = UDP_SNDBUF_DEFAULT;
		sk->rcvbuf = UDP_RCVBUF_DEFAULT;
	}
	sk->keep_idle_s = SK_KEEPIDLE_DEFAULT_S;
	sk->keep_intvl_s = SK_KEEPINTVL_DEFAULT_S;
	sk->keep_cnt = SK_KEEPCNT_DEFAULT;
	__atomic_add_fetch(&nr_socks, 1, __ATOMIC_RELAXED);
	return sk;
}

static void sock_rx_purge(struct sock *sk)
{
	if (sk->rx_head)
		net_assert_locked();	/* pbuf_free is lwIP's */
	while (sk->rx_head) {
		struct sk_rxbuf *b = sk->rx_head;
		sk->rx_head = b->next;
		pbuf_free(b->p);
		kmem_cache_free(rxbuf_cache, b);
	}
	sk->rx_tail = NULL;
	sk->rx_bytes = 0;
}

static void sock_free(struct sock *sk)
{
	sock_rx_purge(sk);
	kmem_cache_free(sock_cache, sk);
	__atomic_sub_fetch(&nr_socks, 1, __ATOMIC_RELAXED);
}

long socks_alive(void)
{
	return __atomic_load_n(&nr_socks, __ATOMIC_RELAXED);
}

struct sock *sock_from_file(struct file *f)
{
	return f && f->f_op == &sock_fops ? f->private_data : NULL;
}

static bool sock_nonblock(const struct sock *sk, int flags)
{
	return (flags & MSG_DONTWAIT) || (sk->file && (READ_ONCE(sk->file->f_flags) & O_NONBLOCK));
}

/* ---- waiting ---- */

/*
 * Sleep on sk->wq until @ready(sk) (tested under the lock) or @timeout_ns (0: none) passes.
 * Called and returns with net_lock held; drops it only around schedule(). The thread is queued
 * and marked asleep before the test, so a wake-up from the softirq that runs at net_unlock()
 * (or from anywhere after the test) leaves it runnable. Returns 0, or -EAGAIN on timeout.
 */
static int sock_wait(struct sock *sk, bool (*ready)(struct sock *), uint64_t timeout_ns,
		     bool exclusive)
{
	DEFINE_WAIT(we);
	uint64_t end = timeout_ns ? ktime_ns() + timeout_ns : 0;
	int ret = 0;

	/* Exactly one section open, in a thread: net_unlock() below must really unlock. */
	BUG_ON(in_irq() || this_cpu.bh_count != 1);
	for (;;) {
		if (exclusive)
			prepare_to_wait_exclusive(&sk->wq, &we, TASK_INTERRUPTIBLE);
		else
			prepare_to_wait(&sk->wq, &we, TASK_INTERRUPTIBLE);
		if (ready(sk))
			break;
		if (end && ktime_ns() >= end) {
			ret = -EAGAIN;
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
	finish_wait(&sk->wq, &we);
	return ret;
}

/* ---- TCP: send space ---- */

/* Bytes queued (unsent and unacknowledged) and the room left, with SO_SNDBUF as a cap. */
static size_t tcp_queued(const struct sock *sk)
{
	return sk->tcp ? (size_t)(TCP_SND_BUF - tcp_sndbuf(sk->tcp)) : 0;
}

static size_t tcp_space(const struct sock *sk)
{
	if (!sk->tcp)
		return 0;
	size_t limit = MIN((size_t)sk->sndbuf, (size_t)TCP_SND_BUF);
	size_t queued = tcp_queued(sk);
	if (queued >= limit || tcp_sndqueuelen(sk->tcp) >= TCP_SND_QUEUELEN - 1)
		return 0;
	return MIN(limit - queued, (size_t)tcp_sndbuf(sk->tcp));
}

static bool tcp_writable(const struct sock *sk)
{
	if (!sk->tcp)
		return true;	/* no connection: nothing queued (new or closed socket) */
	return sock_stream_writable(tcp_space(sk), tcp_queued(sk));
}

/* ---- lwIP callbacks (under the lock, in the softirq or a thread's section) ---- */

static void tcp_detach(struct tcp_pcb *pcb)
{
	net_assert_locked();
	tcp_arg(pcb, NULL);
	if (pcb->state == LISTEN) {
		tcp_accept(pcb, NULL);
		return;
	}
	tcp_recv(pcb, NULL);	/* lwIP's default: drop data, close on FIN */
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
}

static void sock_rx_append(struct sock *sk, struct sk_rxbuf *b)
{
	b->next = NULL;
	if (sk->rx_tail)
		sk->rx_tail->next = b;
	else
		sk->rx_head = b;
	sk->rx_tail = b;
	sk->rx_bytes += b->p->tot_len;
}

static err_t sk_tcp_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct sock *sk = arg;

	if (!p) {
		/* The peer's FIN (Linux's tcp_fin). If we had sent ours, both directions are
		 * done and lwIP keeps the pcb through TIME_WAIT or CLOSING without us; the
		 * socket is closed then, as Linux's is when its timewait socket takes over. */
		sk->shutdown |= SK_RCV_SHUTDOWN;
		sk->done = true;
		if (pcb->state == TIME_WAIT || pcb->state == CLOSING) {
			tcp_detach(pcb);
			sk->tcp = NULL;
			sk->tcp_state = SK_TCP_CLOSE;
			sk->shutdown = SK_SHUTDOWN_MASK;
		}
		sock_state_change(sk);
		return ERR_OK;
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return ERR_OK;
	}
	struct sk_rxbuf *b = kmem_cache_alloc(rxbuf_cache);
	if (!b)
		return ERR_MEM;		/* lwIP keeps it as refused data and offers it again */
	b->p = p;
	sock_rx_append(sk, b);
	sock_def_readable(sk);
	return ERR_OK;
}

static err_t sk_tcp_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct sock *sk = arg;
	(void)pcb;
	(void)len;
	/* tcp_check_space: only a socket someone found full is announced writable again. */
	if (sk->nospace && tcp_writable(sk)) {
		sk->nospace = false;
		sock_write_space(sk);
	}
	return ERR_OK;
}

/* lwIP freed the pcb (reset, abort, or the last ACK of a close we began): it is gone. */
static void sk_tcp_err(void *arg, err_t err)
{
	struct sock *sk = arg;

	if (!sk)
		return;
	sk->tcp = NULL;
	if (err == ERR_CLSD) {
		/* LAST_ACK acknowledged after shutdown(SHUT_WR): an orderly end (tcp_done). */
		sk->tcp_state = SK_TCP_CLOSE;
		sk->shutdown = SK_SHUTDOWN_MASK;
		sock_state_change(sk);
		return;
	}
	/* tcp_reset / tcp_write_err: the error, then tcp_done, then the error report. Data
	 * already received stays readable before the error, as in Linux. */
	sk->err = sock_errno(err, sk);
	sk->tcp_state = SK_TCP_CLOSE;
	sk->shutdown = SK_SHUTDOWN_MASK;
	sk->nospace = false;
	sock_state_change(sk);
	sock_error_report(sk);
}

static err_t sk_tcp_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct sock *sk = arg;
	(void)pcb;
	(void)err;	/* always ERR_OK in lwIP 2.1: failures come through sk_tcp_err */
	sk->tcp_state = SK_TCP_SYNCED;
	sock_state_change(sk);
	return ERR_OK;
}

static void tcp_set_callbacks(struct sock *sk, struct tcp_pcb *pcb)
{
	tcp_arg(pcb, sk);
	tcp_recv(pcb, sk_tcp_recv);
	tcp_sent(pcb, sk_tcp_sent);
	tcp_err(pcb, sk_tcp_err);
}

/* The options that live in the pcb, applied to a new one. */
static void tcp_apply_options(struct sock *sk, struct tcp_pcb *pcb)
{
	if (sk->reuseaddr)
		ip_set_option(pcb, SOF_REUSEADDR);
	else
		ip_reset_option(pcb, SOF_REUSEADDR);
	if (pcb->state == LISTEN)
		return;
	if (sk->keepalive)
		ip_set_option(pcb, SOF_KEEPALIVE);
	else
		ip_reset_option(pcb, SOF_KEEPALIVE);
	pcb->keep_idle = sk->keep_idle_s * 1000;
	pcb->keep_intvl = sk->keep_intvl_s * 1000;
	pcb->keep_cnt = sk->keep_cnt;
	if (sk->nodelay)
		tcp_nagle_disable(pcb);
	else
		tcp_nagle_enable(pcb);
}

static void sock_inherit_options(struct sock *child, const struct sock *parent)
{
	child->reuseaddr = parent->reuseaddr;
	child->keepalive = parent->keepalive;
	child->nodelay = parent->nodelay;
	child->linger_on = parent->linger_on;
	child->linger_s = parent->linger_s;
	child->sndbuf = parent->sndbuf;
	child->rcvbuf = parent->rcvbuf;
	child->rcvtimeo_ns = parent->rcvtimeo_ns;
	child->sndtimeo_ns = parent->sndtimeo_ns;
	child->keep_idle_s = parent->keep_idle_s;
	child->keep_intvl_s = parent->keep_intvl_s;
	child->keep_cnt = parent->keep_cnt;
}

/* A handshake completed on listener @arg: queue the connection for accept(). It counts against
 * the backlog (tcp_backlog_delayed) until accept() takes it, so lwIP drops new SYNs while the
 * queue is full, as Linux does (the peer retransmits its SYN). */
static err_t sk_tcp_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct sock *lsk = arg;

	if (err != ERR_OK || !newpcb)
		return ERR_VAL;		/* lwIP could not allocate: nothing to take */
	if (!lsk || lsk->tcp_state != SK_TCP_LISTEN)
		return ERR_VAL;		/* lwIP aborts the connection */
	struct sock *sk = sock_alloc(SOCK_STREAM);
	if (!sk)
		return ERR_MEM;		/* likewise */
	sock_inherit_options(sk, lsk);
	sk->tcp = newpcb;
	sk->tcp_state = SK_TCP_SYNCED;
	sk->sock_state = SS_CONNECTED;
	tcp_set_callbacks(sk, newpcb);
	tcp_apply_options(sk, newpcb);
	tcp_backlog_delayed(newpcb);
	sk->parent = lsk;
	list_add_tail(&sk->accept_node, &lsk->accept_q);
	lsk->accept_len++;
	sock_def_readable(lsk);
	return ERR_OK;
}

int sock_accept_queued(const struct tcp_pcb_listen *lpcb)
{
	const struct sock *lsk = lpcb->callback_arg;

	if (lpcb->accept != sk_tcp_accept || !lsk)
		return -1;
	return (int)lsk->accept_len;
}

static void sk_udp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
			u16_t port)
{
	struct sock *sk = arg;
	(void)pcb;

	/* Past SO_RCVBUF the datagram is dropped, as Linux drops it. */
	if (!sk || sk->rx_bytes + p->tot_len > (size_t)sk->rcvbuf) {
		pbuf_free(p);
		return;
	}
	struct sk_rxbuf *b = kmem_cache_alloc(rxbuf_cache);
	if (!b) {
		pbuf_free(p);
		return;
	}
	b->p = p;
	ip4_addr_copy(b->addr, *ip_2_ip4(addr));
	b->port = port;
	sock_rx_append(sk, b);
	sock_def_readable(sk);
}

/* ---- creation ---- */

static int sock_new_pcb(struct sock *sk)
{
	net_assert_locked();
	if (sk->type == SOCK_STREAM) {
		struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
		if (!pcb)
			return -ENOMEM;
		sk->tcp = pcb;
		tcp_set_callbacks(sk, pcb);
		tcp_apply_options(sk, pcb);
	} else {
		struct udp_pcb *pcb = udp_new_ip_type(IPADDR_TYPE_V4);
		if (!pcb)
			return -ENOMEM;
		sk->udp = pcb;
		udp_recv(pcb, sk_udp_recv, sk);
	}
	return 0;
}

int sock_create(int family, int type, int protocol, bool nonblock, struct file **out)
{
	/* Linux's order: family, type range, then the protocol table of the type. */
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (type < 0 || type >= SOCK_MAX)
		return -EINVAL;
	if (family != AF_INET)
		return -EAFNOSUPPORT;
	if (protocol < 0 || protocol >= 256)	/* inet_create: IPPROTO_MAX */
		return -EINVAL;
	if (type == SOCK_STREAM) {
		if (protocol != 0 && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
	} else if (type == SOCK_DGRAM) {
		if (protocol != 0 && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
	} else if (type == SOCK_RAW) {
		return -EPROTONOSUPPORT;	/* Linux: EPERM without CAP_NET_RAW; none here */
	} else {
		return -ESOCKTNOSUPPORT;
	}
	int err = sock_caches_init();
	if (err)
		return err;

	struct sock *sk = sock_alloc(type);
	if (!sk)
		return -ENOMEM;
	struct file *f = file_alloc(&sock_fops, sk, O_RDWR | (nonblock ? O_NONBLOCK : 0));
	if (!f) {
		sock_free(sk);
		return -ENOMEM;
	}
	sk->file = f;
	net_lock();
	err = sock_new_pcb(sk);
	net_unlock();
	if (err) {
		file_put(f);	/* its release frees sk */
		return err;
	}
	*out = f;
	return 0;
}

/* ---- addresses ---- */

/* A sockaddr_in from the caller's bytes; Linux's checks (inet_bind, tcp_v4_connect). */
static int sockaddr_in_get(const struct sockaddr *addr, int len, struct sockaddr_in *sin)
{
	if (len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	memcpy(sin, addr, sizeof(*sin));
	return 0;
}

static void sockaddr_in_set(struct sockaddr_in *sin, const ip4_addr_t *ip, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = lwip_htons(port);
	sin->sin_addr.s_addr = ip ? ip4_addr_get_u32(ip) : 0;
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

int sock_bind(struct sock *sk, const struct sockaddr *addr, int len)
{
	struct sockaddr_in sin;
	int err = sockaddr_in_get(addr, len, &sin);
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
		err = sock_new_pcb(sk);
		if (err)
			goto out;
	}
	net_assert_locked();
	err_t e = sk->type == SOCK_STREAM ? tcp_bind(sk->tcp, &ip, port)
					  : udp_bind(sk->udp, &ip, port);
	if (e != ERR_OK) {
		err = e == ERR_BUF ? -EADDRINUSE : -sock_errno(e, NULL);
		goto out;
	}
	sk->bound = true;
	sk->bound_ip = ip;
	sk->bound_port = sk->type == SOCK_STREAM ? sk->tcp->local_port : sk->udp->local_port;
out:
	net_unlock();
	return err;
}

int sock_getname(struct sock *sk, struct sockaddr_in *out, bool peer)
{
	int err = 0;

	net_lock();
	if (sk->type == SOCK_STREAM) {
		struct tcp_pcb *pcb = sk->tcp;
		if (peer) {
			/* inet_getname: no peer in CLOSE or SYN_SENT. */
			if (!pcb || sk->tcp_state == SK_TCP_CLOSE || sk->tcp_state == SK_TCP_SYN_SENT ||
			    sk->tcp_state == SK_TCP_LISTEN)
				err = -ENOTCONN;
			else
				sockaddr_in_set(out, ip_2_ip4(&pcb->remote_ip), pcb->remote_port);
		} else if (pcb) {
			sockaddr_in_set(out, ip_2_ip4(&pcb->local_ip), pcb->local_port);
		} else {
			sockaddr_in_set(out, sk->bound ? &sk->bound_ip : NULL, sk->bound_port);
		}
	} else {
		struct udp_pcb *pcb = sk->udp;
		if (peer) {
			if (!pcb || !(pcb->flags & UDP_FLAGS_CONNECTED))
				err = -ENOTCONN;
			else
				sockaddr_in_set(out, ip_2_ip4(&pcb->remote_ip), pcb->remote_port);
		} else {
			sockaddr_in_set(out, pcb ? ip_2_ip4(&pcb->local_ip) : NULL,
					pcb ? pcb->local_port : 0);
		}
	}
	net_unlock();
	return err;
}

/* A fresh pcb after a failed attempt or a stopped listener, bound again where the socket was. */
static int tcp_renew(struct sock *sk)
{
	int err = sock_new_pcb(sk);
	if (err || !sk->bound)
		return err;
	err_t e = tcp_bind(sk->tcp, &sk->bound_ip, sk->bound_port);
	return e == ERR_OK ? 0 : -sock_errno(e, NULL);
}

/* ---- listen / accept ---- */

/* Reset and free the connections a listener still queues (Linux: inet_csk_listen_stop). */
static void listener_flush(struct sock *lsk)
{
	while (!list_empty(&lsk->accept_q)) {
		struct sock *c = list_first_entry(&lsk->accept_q, struct sock, accept_node);
		list_del_init(&c->accept_node);
		lsk->accept_len--;
		c->parent = NULL;
		if (c->tcp) {
			struct tcp_pcb *pcb = c->tcp;
			tcp_detach(pcb);
			c->tcp = NULL;
			tcp_abort(pcb);
		}
		sock_free(c);
	}
}

/* Stop listening (shutdown(SHUT_RD) or close of a listener): back to a new, unbound socket. */
static void listener_stop(struct sock *sk)
{
	listener_flush(sk);
	if (sk->tcp) {
		tcp_detach(sk->tcp);
		tcp_close(sk->tcp);	/* a listener is freed at once */
		sk->tcp = NULL;
	}
	sk->tcp_state = SK_TCP_CLOSE;	/* still bound: a later listen() takes the same port */
}

int sock_listen(struct sock *sk, int backlog)
{
	int err = 0;

	/* __sys_listen: cut to somaxconn, as an unsigned comparison (negative: the maximum). */
	if ((unsigned)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	if (sk->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	/* Linux lets the accept queue hold backlog + 1 (our lwIP counts in a u16_t, see the
	 * syn-cookie change in tools/fetch-lwip.sh). */
	u16_t lw_backlog = (u16_t)(backlog + 1);

	net_lock();
	if (sk->sock_state != SS_UNCONNECTED ||
	    (sk->tcp_state != SK_TCP_CLOSE && sk->tcp_state != SK_TCP_LISTEN)) {
		err = -EINVAL;
		goto out;
	}
	if (sk->tcp_state == SK_TCP_LISTEN) {
		tcp_backlog_set(sk->tcp, lw_backlog);
		goto out;
	}
	if (!sk->tcp) {
		err = tcp_renew(sk);
		if (err)
			goto out;
	}
	net_assert_locked();
	if (!sk->bound) {
		/* inet_csk_listen_start's autobind: an ephemeral port. */
		err_t e = tcp_bind(sk->tcp, IP4_ADDR_ANY, 0);
		if (e != ERR_OK) {
			err = -EADDRINUSE;
			goto out;
		}
		sk->bound = true;
		ip4_addr_set_any(&sk->bound_ip);
		sk->bound_port = sk->tcp->local_port;
	}
	err_t e;
	struct tcp_pcb *lpcb = tcp_listen_with_backlog_and_err(sk->tcp, lw_backlog, &e);
	if (!lpcb) {
		err = e == ERR_USE ? -EADDRINUSE : -sock_errno(e, NULL);
		goto out;
	}
	sk->tcp = lpcb;		/* lwIP freed the old pcb */
	tcp_arg(lpcb, sk);
	tcp_accept(lpcb, sk_tcp_accept);
	sk->tcp_state = SK_TCP_LISTEN;
out:
	net_unlock();
	return err;
}

static bool accept_ready(struct sock *sk)
{
	return sk->accept_len || sk->tcp_state != SK_TCP_LISTEN;
}

int sock_accept(struct sock *sk, unsigned flags, struct file **out, struct sockaddr_in *peer)
{
	int err = 0;

	if (sk->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	/* The new file first, so that nothing can fail once a connection is taken. */
	struct file *f = file_alloc(&sock_fops, NULL, O_RDWR | (flags & O_NONBLOCK));
	if (!f)
		return -ENOMEM;

	net_lock();
	if (sk->tcp_state != SK_TCP_LISTEN) {
		err = -EINVAL;
		goto out_put;
	}
	if (!sk->accept_len) {
		if (sock_nonblock(sk, 0)) {
			err = -EAGAIN;
			goto out_put;
		}
		/* inet_csk_wait_for_connect: exclusive, one accepter per new connection. */
		err = sock_wait(sk, accept_ready, sk->rcvtimeo_ns, true);
		if (!err && sk->tcp_state != SK_TCP_LISTEN)
			err = -EINVAL;
		if (err)
			goto out_put;
	}
	struct sock *c = list_first_entry(&sk->accept_q, struct sock, accept_node);
	list_del_init(&c->accept_node);
	sk->accept_len--;
	c->parent = NULL;
	if (c->tcp) {
		tcp_backlog_accepted(c->tcp);
		if (peer)
			sockaddr_in_set(peer, ip_2_ip4(&c->tcp->remote_ip), c->tcp->remote_port);
	} else if (peer) {
		sockaddr_in_set(peer, NULL, 0);	/* reset before accept: Linux says ECONNABORTED */
	}
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

/* ---- connect ---- */

static bool connect_done(struct sock *sk)
{
	return sk->tcp_state != SK_TCP_SYN_SENT;
}

/* tcp_disconnect, for a connection that failed: back to a new socket (the pcb is gone). */
static void tcp_disconnect(struct sock *sk)
{
	if (sk->tcp) {
		struct tcp_pcb *pcb = sk->tcp;
		tcp_detach(pcb);
		sk->tcp = NULL;
		tcp_abort(pcb);
	}
	sk->tcp_state = SK_TCP_CLOSE;
	sk->sock_state = SS_UNCONNECTED;
	sk->shutdown = 0;
	sk->done = false;
	sk->err = 0;
	sock_rx_purge(sk);
}

static int udp_connect_addr(struct sock *sk, const struct sockaddr *addr, int len)
{
	struct sockaddr_in sin;

	if (len < (int)sizeof(sa_family_t))
		return -EINVAL;
	if (((const struct sockaddr_in *)addr)->sin_family == AF_UNSPEC) {
		net_lock();
		udp_disconnect(sk->udp);
		if (sk->udp_src_auto)	/* __udp_disconnect: a source connect chose is dropped */
			ip4_addr_set_any(ip_2_ip4(&sk->udp->local_ip));
		sk->udp_src_auto = false;
		sk->tcp_state = SK_TCP_CLOSE;
		sk->sock_state = SS_UNCONNECTED;
		net_unlock();
		return 0;
	}
	int err = sockaddr_in_get(addr, len, &sin);
	if (err)
		return err;
	if (sin.sin_family != AF_INET)
		return -EAFNOSUPPORT;
	ip4_addr_t ip;
	ip4_addr_set_u32(&ip, sin.sin_addr.s_addr);
	net_lock();
	net_assert_locked();
	err_t e = udp_connect(sk->udp, &ip, lwip_ntohs(sin.sin_port));
	if (e == ERR_OK) {
		sk->tcp_state = SK_TCP_SYNCED;
		sk->sock_state = SS_CONNECTED;
		/* ip4_datagram_connect: an unbound source becomes the route's (getsockname shows
		 * it, and only datagrams to it are received), as in Linux. */
		struct netif *n = ip4_addr_isany_val(*ip_2_ip4(&sk->udp->local_ip)) ? ip4_route(&ip) : NULL;
		if (n) {
			ip4_addr_copy(*ip_2_ip4(&sk->udp->local_ip), *netif_ip4_addr(n));
			sk->udp_src_auto = true;
		}
	}
	net_unlock();
	return -sock_errno(e, NULL);
}

int sock_connect(struct sock *sk, const struct sockaddr *addr, int len)
{
	struct sockaddr_in sin;
	int err;

	if (sk->type == SOCK_DGRAM)
		return udp_connect_addr(sk, addr, len);
	if (len < (int)sizeof(sa_family_t))
		return -EINVAL;
	memset(&sin, 0, sizeof(sin));
	memcpy(&sin, addr, MIN((size_t)len, sizeof(sin)));

	net_lock();
	if (sin.sin_family == AF_UNSPEC) {
		/* sk_prot->disconnect: drop whatever the socket does (a reset if connected). */
		if (sk->tcp_state == SK_TCP_LISTEN)
			listener_stop(sk);
		else
			tcp_disconnect(sk);
		sock_state_change(sk);
		err = 0;
		goto out;
	}
	/* inet_stream_connect's state machine. */
	switch (sk->sock_state) {
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		err = -EALREADY;
		break;
	case SS_UNCONNECTED:
		err = -EISCONN;
		if (sk->tcp_state != SK_TCP_CLOSE)
			goto out;
		/* tcp_v4_connect's checks. */
		if (len < (int)sizeof(struct sockaddr_in)) {
			err = -EINVAL;
			goto out;
		}
		if (sin.sin_family != AF_INET) {
			err = -EAFNOSUPPORT;
			goto out;
		}
		if (!sk->tcp) {
			err = tcp_renew(sk);
			if (err)
				goto out;
		}
		ip4_addr_t ip;
		ip4_addr_set_u32(&ip, sin.sin_addr.s_addr);
		net_assert_locked();
		err_t e = tcp_connect(sk->tcp, &ip, lwip_ntohs(sin.sin_port), sk_tcp_connected);
		if (e != ERR_OK) {
			err = -sock_errno(e, NULL);
			goto out;
		}
		sk->bound = true;	/* connect binds, as Linux's autobind */
		ip4_addr_copy(sk->bound_ip, *ip_2_ip4(&sk->tcp->local_ip));
		sk->bound_port = sk->tcp->local_port;
		sk->tcp_state = SK_TCP_SYN_SENT;
		sk->sock_state = SS_CONNECTING;
		err = -EINPROGRESS;
		break;
	default:
		err = -EINVAL;
		goto out;
	}

	if (sk->tcp_state == SK_TCP_SYN_SENT) {
		if (sock_nonblock(sk, 0))
			goto out;
		if (sock_wait(sk, connect_done, sk->sndtimeo_ns, false))
			goto out;	/* timed out: still EINPROGRESS / EALREADY */
	}
	if (sk->tcp_state == SK_TCP_CLOSE) {
		/* Refused, reset or timed out: report it and start over (sock_error path). */
		err = sk->err ? -sock_take_error(sk) : -ECONNABORTED;
		tcp_disconnect(sk);
		goto out;
	}
	sk->sock_state = SS_CONNECTED;
	err = 0;
out:
	net_unlock();
	return err;
}

/* ---- receiving ---- */

static bool tcp_readable(struct sock *sk)
{
	return sk->rx_bytes || sk->err || (sk->shutdown & SK_RCV_SHUTDOWN) ||
	       sk->tcp_state == SK_TCP_CLOSE || sk->tcp_state == SK_TCP_LISTEN;
}

/* Copy up to @len queued bytes to @buf (consuming them unless @peek). Returns the count. */
static size_t sock_rx_copy(struct sock *sk, void *buf, size_t len, bool peek)
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
			sk->rx_head = b->next;
			if (!sk->rx_head)
				sk->rx_tail = NULL;
			pbuf_free(b->p);
			kmem_cache_free(rxbuf_cache, b);
			b = sk->rx_head;
		} else {
			b->p = pbuf_free_header(b->p, (u16_t)n);
		}
	}
	if (!peek)
		sk->rx_bytes -= done;
	return done;
}

/* Give consumed bytes back to the window (tcp_recved takes at most 0xffff at a time). */
static void tcp_window_open(struct sock *sk, size_t n)
{
	if (!sk->tcp || sk->tcp_state == SK_TCP_LISTEN)
		return;
	net_assert_locked();
	while (n) {
		u16_t step = (u16_t)MIN(n, (size_t)0xffff);
		tcp_recved(sk->tcp, step);
		n -= step;
	}
}

static ssize_t tcp_recvmsg(struct sock *sk, void *buf, size_t len, int flags, int *fromlen)
{
	bool peek = flags & MSG_PEEK;
	bool waitall = (flags & MSG_WAITALL) && !peek;
	size_t copied = 0;
	ssize_t err = 0;

	if (fromlen)
		*fromlen = 0;	/* TCP leaves the source address empty */
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	net_lock();
	if (sk->tcp_state == SK_TCP_LISTEN) {
		err = -ENOTCONN;
		goto out;
	}
	/* tcp_recvmsg_locked's loop, target = 1 byte (or all of @len with MSG_WAITALL). It runs
	 * once even for len 0: with no data that is EAGAIN or a wait, as in Linux. */
	do {
		if (sk->rx_bytes) {
			if (len && !uaccess_ok(buf, len)) {
				err = -EFAULT;
				break;
			}
			size_t n = sock_rx_copy(sk, (char *)buf + copied, len - copied, peek);
			copied += n;
			if (!peek)
				tcp_window_open(sk, n);
			if (!waitall || copied == len)
				break;
			continue;
		}
		if (copied) {
			if (sk->err || sk->tcp_state == SK_TCP_CLOSE || (sk->shutdown & SK_RCV_SHUTDOWN))
				break;
		} else {
			if (sk->done)
				break;
			if (sk->err) {
				err = -sock_take_error(sk);
				break;
			}
			if (sk->shutdown & SK_RCV_SHUTDOWN)
				break;
			if (sk->tcp_state == SK_TCP_CLOSE) {
				err = -ENOTCONN;
				break;
			}
		}
		if (sock_nonblock(sk, flags)) {
			if (!copied)
				err = -EAGAIN;
			break;
		}
		if (sock_wait(sk, tcp_readable, sk->rcvtimeo_ns, false)) {
			if (!copied)
				err = -EAGAIN;
			break;
		}
	} while (copied < len);
out:
	net_unlock();
	return copied ? (ssize_t)copied : err;
}

static bool udp_readable(struct sock *sk)
{
	return sk->rx_head || sk->err || (sk->shutdown & SK_RCV_SHUTDOWN);
}

static ssize_t udp_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
			   struct sockaddr_in *from, int *fromlen)
{
	ssize_t ret;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	net_lock();
	for (;;) {
		if (sk->rx_head)
			break;
		if (sk->err) {
			ret = -sock_take_error(sk);
			goto out;
		}
		if (sk->shutdown & SK_RCV_SHUTDOWN) {
			ret = 0;
			goto out;
		}
		if (sock_nonblock(sk, flags)) {
			ret = -EAGAIN;
			goto out;
		}
		if (sock_wait(sk, udp_readable, sk->rcvtimeo_ns, false)) {
			ret = -EAGAIN;
			goto out;
		}
	}
	struct sk_rxbuf *b = sk->rx_head;
	size_t dlen = b->p->tot_len;
	size_t n = MIN(len, dlen);
	if (n && !uaccess_ok(buf, n)) {
		ret = -EFAULT;
		goto out;
	}
	pbuf_copy_partial(b->p, buf, (u16_t)n, 0);
	if (from)
		sockaddr_in_set(from, &b->addr, b->port);
	if (fromlen)
		*fromlen = sizeof(struct sockaddr_in);
	if (!(flags & MSG_PEEK)) {
		sk->rx_head = b->next;
		if (!sk->rx_head)
			sk->rx_tail = NULL;
		sk->rx_bytes -= dlen;
		pbuf_free(b->p);
		kmem_cache_free(rxbuf_cache, b);
	}
	/* The rest of a longer datagram is dropped; MSG_TRUNC asks for its real length. */
	ret = (flags & MSG_TRUNC) ? (ssize_t)dlen : (ssize_t)n;
out:
	net_unlock();
	return ret;
}

ssize_t sock_recvfrom(struct sock *sk, void *buf, size_t len, int flags,
		      struct sockaddr_in *from, int *fromlen)
{
	trace_point(TRACE_APP_READ, sk, (uint32_t)len);
	if (sk->type == SOCK_STREAM)
		return tcp_recvmsg(sk, buf, len, flags, fromlen);
	return udp_recvmsg(sk, buf, len, flags, from, fromlen);
}

/* ---- sending ---- */

static bool tcp_send_ready(struct sock *sk)
{
	if (sk->tcp_state != SK_TCP_SYNCED || sk->err || (sk->shutdown & SK_SEND_SHUTDOWN) || !sk->tcp)
		return true;
	if (sk->wait_qlen)
		return tcp_sndqueuelen(sk->tcp) < sk->wait_qlen;
	return tcp_writable(sk);
}

static ssize_t tcp_sendmsg(struct sock *sk, const void *buf, size_t len, int flags)
{
	size_t copied = 0;
	ssize_t err = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	net_lock();
	/* sk_stream_wait_connect: a connecting socket waits; any other unconnected one fails. */
	if (sk->tcp_state != SK_TCP_SYNCED) {
		for (;;) {
			if (sk->err) {
				err = -sock_take_error(sk);
				goto out;
			}
			if (sk->tcp_state != SK_TCP_SYN_SENT)
				break;
			if (sock_nonblock(sk, flags)) {
				err = -EAGAIN;
				goto out;
			}
			if (sock_wait(sk, connect_done, sk->sndtimeo_ns, false)) {
				err = -EAGAIN;
				goto out;
			}
		}
		if (sk->tcp_state != SK_TCP_SYNCED) {
			err = -EPIPE;
			goto out;
		}
	}
	if (sk->err || (sk->shutdown & SK_SEND_SHUTDOWN)) {
		err = -EPIPE;	/* and SIGPIPE in Linux unless MSG_NOSIGNAL: no signals here */
		goto out;
	}
	sk->wait_qlen = 0;
	if (len && !uaccess_ok(buf, len)) {
		err = -EFAULT;
		goto out;
	}
	while (copied < len) {
		size_t space = tcp_space(sk);
		if (space) {
			size_t n = MIN(MIN(len - copied, space), (size_t)0xffff);
			u8_t wflags = TCP_WRITE_FLAG_COPY;
			if (n < len - copied || (flags & MSG_MORE))
				wflags |= TCP_WRITE_FLAG_MORE;
			net_assert_locked();
			err_t e = tcp_write(sk->tcp, (const char *)buf + copied, (u16_t)n, wflags);
			if (e == ERR_OK) {
				copied += n;
				continue;
			}
			if (e == ERR_MEM && n > TCP_MSS) {
				space = TCP_MSS;	/* fewer queue entries: try one segment */
				n = MIN(len - copied, space);
				e = tcp_write(sk->tcp, (const char *)buf + copied, (u16_t)n, wflags);
				if (e == ERR_OK) {
					copied += n;
					continue;
				}
			}
			if (e != ERR_MEM || !tcp_sndqueuelen(sk->tcp)) {
				err = -sock_errno(e, NULL);
				break;
			}
			/* Out of queue entries: wait for an ACK to free some. */
			sk->wait_qlen = tcp_sndqueuelen(sk->tcp);
		}
		/* wait_for_space: push what is queued, then sleep until there is room. */
		sk->nospace = true;
		tcp_output(sk->tcp);
		if (sock_nonblock(sk, flags)) {
			if (!copied)
				err = -EAGAIN;
			break;
		}
		int w = sock_wait(sk, tcp_send_ready, sk->sndtimeo_ns, false);
		sk->wait_qlen = 0;
		if (w) {
			if (!copied)
				err = -EAGAIN;
			break;
		}
		if (sk->err || (sk->shutdown & SK_SEND_SHUTDOWN) || !sk->tcp) {
			err = -EPIPE;
			break;
		}
	}
	if (copied && sk->tcp)
		tcp_output(sk->tcp);
out:
	/* sk_stream_error: EPIPE gives way to a pending error, which is reported instead. */
	if (!copied && err == -EPIPE && sk->err)
		err = -sock_take_error(sk);
	net_unlock();
	return copied ? (ssize_t)copied : err;
}

static ssize_t udp_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, int tolen)
{
	struct sockaddr_in sin;
	ip4_addr_t ip;
	uint16_t port = 0;
	ssize_t ret;

	(void)flags;
	if (to) {
		/* udp_sendmsg's checks. */
		if (tolen < (int)sizeof(struct sockaddr_in))
			return -EINVAL;
		memcpy(&sin, to, sizeof(sin));
		if (sin.sin_family != AF_INET && sin.sin_family != AF_UNSPEC)
			return -EAFNOSUPPORT;
		if (!sin.sin_port)
			return -EINVAL;
		ip4_addr_set_u32(&ip, sin.sin_addr.s_addr);
		port = lwip_ntohs(sin.sin_port);
	}
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;

	net_lock();
	if (sk->shutdown & SK_SEND_SHUTDOWN) {
		ret = -EPIPE;
		goto out;
	}
	if (!to && !(sk->udp->flags & UDP_FLAGS_CONNECTED)) {
		ret = -EDESTADDRREQ;
		goto out;
	}
	if (len && !uaccess_ok(buf, len)) {
		ret = -EFAULT;
		goto out;
	}
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	if (!p) {
		ret = -ENOBUFS;
		goto out;
	}
	if (len)
		pbuf_take(p, buf, (u16_t)len);
	net_assert_locked();
	if (sk->broadcast)
		ip_set_option(sk->udp, SOF_BROADCAST);
	else
		ip_reset_option(sk->udp, SOF_BROADCAST);
	err_t e = to ? udp_sendto(sk->udp, p, &ip, port) : udp_send(sk->udp, p);
	pbuf_free(p);
	ret = e == ERR_OK ? (ssize_t)len : -sock_errno(e, NULL);
out:
	net_unlock();
	return ret;
}

ssize_t sock_sendto(struct sock *sk, const void *buf, size_t len, int flags,
		    const struct sockaddr *to, int tolen)
{
	if (sk->type == SOCK_STREAM)
		return tcp_sendmsg(sk, buf, len, flags);	/* TCP ignores the address */
	return udp_sendmsg(sk, buf, len, flags, to, tolen);
}

/* ---- shutdown ---- */

int sock_shutdown(struct sock *sk, int how)
{
	int err = 0;

	/* inet_shutdown: SHUT_RD..SHUT_RDWR become the RCV/SEND bit mask. */
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	unsigned mask = (unsigned)how + 1;

	net_lock();
	if (sk->sock_state == SS_CONNECTING && sk->tcp_state == SK_TCP_SYNCED)
		sk->sock_state = SS_CONNECTED;
	switch (sk->tcp_state) {
	case SK_TCP_CLOSE:
		err = -ENOTCONN;
		/* Linux still sets the bits: pollers see them ("hack to wake up other
		 * listeners, who can poll for EPOLLHUP, even on eg. unconnected UDP sockets"). */
		sk->shutdown |= mask;
		break;
	case SK_TCP_LISTEN:
		if (mask & SK_RCV_SHUTDOWN)
			listener_stop(sk);	/* tcp_disconnect of a listener */
		break;
	case SK_TCP_SYN_SENT:
		tcp_disconnect(sk);
		break;
	default:
		sk->shutdown |= mask;
		if ((mask & SK_SEND_SHUTDOWN) && sk->tcp) {
			/* tcp_shutdown: FIN after what is queued. The receive side stays open
			 * in lwIP: Linux keeps accepting data after SHUT_RD. */
			net_assert_locked();
			tcp_shutdown(sk->tcp, 0, 1);
			tcp_output(sk->tcp);
		}
		break;
	}
	sock_state_change(sk);
	net_unlock();
	return err;
}

/* ---- options ---- */

static int opt_int(const void *val, unsigned len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

static int opt_timeval(const void *val, unsigned len, uint64_t *ns)
{
	struct timeval tv;
	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0) {
		*ns = 0;	/* Linux: a negative time means no timeout */
		return 0;
	}
	*ns = (uint64_t)tv.tv_sec * NSEC_PER_SEC + (uint64_t)tv.tv_usec * NSEC_PER_USEC;
	return 0;
}

static int sol_socket_set(struct sock *sk, int name, const void *val, unsigned len)
{
	int v = 0, err;

	if (name == SO_RCVTIMEO)
		return opt_timeval(val, len, &sk->rcvtimeo_ns);
	if (name == SO_SNDTIMEO)
		return opt_timeval(val, len, &sk->sndtimeo_ns);
	if (name == SO_LINGER) {
		struct linger l;
		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		sk->linger_on = l.l_onoff != 0;
		sk->linger_s = l.l_linger;
		return 0;
	}
	err = opt_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case SO_REUSEADDR:
		sk->reuseaddr = v != 0;
		if (sk->tcp)
			tcp_apply_options(sk, sk->tcp);
		if (sk->udp) {
			if (v)
				ip_set_option(sk->udp, SOF_REUSEADDR);
			else
				ip_reset_option(sk->udp, SOF_REUSEADDR);
		}
		return 0;
	case SO_KEEPALIVE:
		sk->keepalive = v != 0;
		if (sk->tcp && sk->tcp_state != SK_TCP_LISTEN)
			tcp_apply_options(sk, sk->tcp);
		return 0;
	case SO_BROADCAST:
		sk->broadcast = v != 0;
		return 0;
	case SO_SNDBUF:
	case SO_SNDBUFFORCE:
		/* sk_setsockopt: min(val, wmem_max), doubled for bookkeeping, at least the min. */
		v = (int)MIN((unsigned)v, (unsigned)SOCK_BUF_MAX);
		sk->sndbuf = MAX(v * 2, SOCK_MIN_SNDBUF);
		return 0;
	case SO_RCVBUF:
	case SO_RCVBUFFORCE:
		v = (int)MIN((unsigned)v, (unsigned)SOCK_BUF_MAX);
		sk->rcvbuf = MAX(v * 2, SOCK_MIN_RCVBUF);
		return 0;
	case SO_DEBUG:
	case SO_DONTROUTE:
	case SO_OOBINLINE:
	case SO_PRIORITY:
	case SO_RCVLOWAT:
		return 0;	/* accepted, no effect here */
	default:
		return -ENOPROTOOPT;
	}
}

static int tcp_opt_set(struct sock *sk, int name, const void *val, unsigned len)
{
	int v, err = opt_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case TCP_NODELAY:
		sk->nodelay = v != 0;
		break;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -EINVAL;
		if (name == TCP_KEEPIDLE)
			sk->keep_idle_s = (uint32_t)v;
		else
			sk->keep_intvl_s = (uint32_t)v;
		break;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		sk->keep_cnt = (uint32_t)v;
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (sk->tcp && sk->tcp_state != SK_TCP_LISTEN)
		tcp_apply_options(sk, sk->tcp);
	return 0;
}

int sock_setsockopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	int err;

	net_lock();
	if (level == SOL_SOCKET)
		err = sol_socket_set(sk, name, val, len);
	else if (level == IPPROTO_TCP && sk->type == SOCK_STREAM)
		err = tcp_opt_set(sk, name, val, len);
	else
		err = -ENOPROTOOPT;
	net_unlock();
	return err;
}

/* Copy an option value out: at most *len bytes, *len set to what was written (Linux). */
static int opt_put(void *dst, unsigned *len, const void *src, unsigned size)
{
	unsigned n = MIN(*len, size);
	memcpy(dst, src, n);
	*len = n;
	return 0;
}

static int sol_socket_get(struct sock *sk, int name, void *val, unsigned *len)
{
	int v;

	switch (name) {
	case SO_TYPE:		v = sk->type; break;
	case SO_PROTOCOL:	v = sk->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP; break;
	case SO_DOMAIN:		v = AF_INET; break;
	case SO_ACCEPTCONN:	v = sk->tcp_state == SK_TCP_LISTEN; break;
	case SO_ERROR:		v = sock_take_error(sk); break;
	case SO_REUSEADDR:	v = sk->reuseaddr; break;
	case SO_KEEPALIVE:	v = sk->keepalive; break;
	case SO_BROADCAST:	v = sk->broadcast; break;
	case SO_SNDBUF:		v = sk->sndbuf; break;
	case SO_RCVBUF:		v = sk->rcvbuf; break;
	case SO_DEBUG:
	case SO_DONTROUTE:
	case SO_OOBINLINE:
	case SO_PRIORITY:	v = 0; break;
	case SO_RCVLOWAT:	v = 1; break;
	case SO_LINGER: {
		struct linger l = { sk->linger_on, sk->linger_s };
		return opt_put(val, len, &l, sizeof(l));
	}
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		uint64_t ns = name == SO_RCVTIMEO ? sk->rcvtimeo_ns : sk->sndtimeo_ns;
		struct timeval tv = { (time_t)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC / 1000) };
		return opt_put(val, len, &tv, sizeof(tv));
	}
	default:
		return -ENOPROTOOPT;
	}
	return opt_put(val, len, &v, sizeof(v));
}

static int tcp_opt_get(struct sock *sk, int name, void *val, unsigned *len)
{
	int v;

	switch (name) {
	case TCP_NODELAY:	v = sk->nodelay; break;
	case TCP_KEEPIDLE:	v = (int)sk->keep_idle_s; break;
	case TCP_KEEPINTVL:	v = (int)sk->keep_intvl_s; break;
	case TCP_KEEPCNT:	v = (int)sk->keep_cnt; break;
	case TCP_MAXSEG:
		v = sk->tcp && sk->tcp_state == SK_TCP_SYNCED ? tcp_mss(sk->tcp) : 536;
		break;
	default:
		return -ENOPROTOOPT;
	}
	return opt_put(val, len, &v, sizeof(v));
}

int sock_getsockopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	int err;

	net_lock();
	if (level == SOL_SOCKET)
		err = sol_socket_get(sk, name, val, len);
	else if (level == IPPROTO_TCP && sk->type == SOCK_STREAM)
		err = tcp_opt_get(sk, name, val, len);
	else if (level == IPPROTO_TCP || level == IPPROTO_IP || level == IPPROTO_UDP)
		err = -ENOPROTOOPT;
	else
		err = -EOPNOTSUPP;	/* Linux's answer for a level no layer knows */
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

	poll_wait(f, &sk->wq, pt);
	net_lock();
	struct sock_poll_state s = {
		.tcp_state = sk->tcp_state,
		.shutdown = sk->shutdown,
		.err = sk->err != 0,
	};
	uint32_t mask;
	if (sk->type == SOCK_STREAM) {
		s.readable = sk->tcp_state == SK_TCP_LISTEN ? sk->accept_len != 0 : sk->rx_bytes != 0;
		s.writable = tcp_writable(sk);
		if (!s.writable && sk->tcp_state == SK_TCP_SYNCED && !(sk->shutdown & SK_SEND_SHUTDOWN))
			sk->nospace = true;	/* as tcp_poll: ask for a write-space wake-up */
		mask = sock_tcp_poll_mask(&s);
	} else {
		s.readable = sk->rx_head != NULL;
		s.writable = true;	/* lwIP sends a datagram at once: the buffer never fills */
		mask = sock_udp_poll_mask(&s);
	}
	net_unlock();
	return mask;
}

static int sock_set_flags(struct file *f, unsigned flags)
{
	(void)f;
	(void)flags;	/* O_NONBLOCK is read from f_flags at each call */
	return 0;
}

static void sock_release(struct file *f)
{
	struct sock *sk = f->private_data;

	if (!sk)
		return;		/* accept()'s spare file, never given a connection */
	net_lock();
	net_assert_locked();
	if (sk->type == SOCK_STREAM) {
		if (sk->tcp_state == SK_TCP_LISTEN) {
			listener_stop(sk);
		} else if (sk->tcp) {
			struct tcp_pcb *pcb = sk->tcp;
			tcp_detach(pcb);
			sk->tcp = NULL;
			if (sk->linger_on && !sk->linger_s) {
				tcp_abort(pcb);		/* SO_LINGER {1, 0}: RST, no FIN */
			} else if (tcp_close(pcb) != ERR_OK) {
				tcp_abort(pcb);
			}
			/* Unread data (never passed to tcp_recved) makes tcp_close send a RST
			 * instead of a FIN, as Linux does; SO_LINGER with a time does not block
			 * here: the close is always in the background. */
		}
	} else if (sk->udp) {
		udp_remove(sk->udp);
		sk->udp = NULL;
	}
	sock_rx_purge(sk);
	net_unlock();
	sock_free(sk);
}

static const struct file_operations sock_fops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.release = sock_release,
	.set_flags = sock_set_flags,
	.name = "socket",
};

