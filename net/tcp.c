// SPDX-License-Identifier: MIT
/* TCP sockets (sk_tcp_proto) over lwIP's raw TCP API, with Linux's states, errors and wake-ups. */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/list.h>
#include <kernel/uaccess.h>
#include <net/net.h>
#include <string.h>

#include "lwip/ip4_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "sock.h"

/* ---- send space ---- */

/* Bytes queued (unsent and unacknowledged) and the room left, with SO_SNDBUF as a cap. Both
 * read pcb->snd_buf itself: with window scaling it is 32 bits wide and may pass 64 KiB, where
 * lwIP's tcp_sndbuf() clamps it to 0xffff (the 16-bit length tcp_write() takes), and the room
 * taken by that clamp would be counted as queued data. */
static size_t sk_tcp_snd_buf(const struct sock *sk)
{
	return (size_t)sk->tcp->snd_buf;
}

static size_t sk_tcp_queued(const struct sock *sk)
{
	return sk->tcp ? (size_t)TCP_SND_BUF - sk_tcp_snd_buf(sk) : 0;
}

static size_t sk_tcp_space(const struct sock *sk)
{
	if (!sk->tcp)
		return 0;
	size_t limit = MIN((size_t)sk->sndbuf, (size_t)TCP_SND_BUF);
	size_t queued = sk_tcp_queued(sk);
	if (queued >= limit || tcp_sndqueuelen(sk->tcp) >= TCP_SND_QUEUELEN - 1)
		return 0;
	return MIN(limit - queued, sk_tcp_snd_buf(sk));
}

static bool sk_tcp_writable(const struct sock *sk)
{
	if (!sk->tcp)
		return true;	/* no connection: nothing queued (new or closed socket) */
	return sock_stream_writable(sk_tcp_space(sk), sk_tcp_queued(sk));
}

/*
 * ---- lwIP callbacks (under the lock, in the softirq or a thread's section) ----
 *
 * The file owns the sock; its release detaches the pcb (arg and callbacks cleared, so lwIP
 * never calls back into freed memory) and closes it: gracefully (FIN; a RST if received data
 * was left unread, as Linux), or with a RST for SO_LINGER {1, 0}. The pcb may outlive the file
 * in lwIP's closing states; the sock forgets it when lwIP frees it (err callback) or when both
 * FINs are exchanged (lwIP keeps TIME_WAIT itself, as Linux hands it to a timewait socket).
 * A connection that completes its handshake on a listener gets a sock at once (lwIP's accept
 * callback) and waits on the listener's queue with its pcb's callbacks live, so data, FIN or
 * RST that arrive before accept() are kept; accept() gives it a file. Closing a listener
 * resets the connections still queued, as Linux does.
 */

static void sk_tcp_detach(struct tcp_pcb *pcb)
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
			sk_tcp_detach(pcb);
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
	if (!sock_rx_add(sk, p))
		return ERR_MEM;		/* lwIP keeps it as refused data and offers it again */
	sock_def_readable(sk);
	return ERR_OK;
}

static err_t sk_tcp_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct sock *sk = arg;
	(void)pcb;
	(void)len;
	/* tcp_check_space: only a socket someone found full is announced writable again. */
	if (sk->nospace && sk_tcp_writable(sk)) {
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

static void sk_tcp_set_callbacks(struct sock *sk, struct tcp_pcb *pcb)
{
	tcp_arg(pcb, sk);
	tcp_recv(pcb, sk_tcp_recv);
	tcp_sent(pcb, sk_tcp_sent);
	tcp_err(pcb, sk_tcp_err);
}

/* The options that live in the pcb, applied to a new one. */
static void sk_tcp_apply_options(struct sock *sk, struct tcp_pcb *pcb)
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
	tcp_timer_arm(pcb);	/* the timers watch a connection with keepalive on */
	if (sk->nodelay)
		tcp_nagle_disable(pcb);
	else
		tcp_nagle_enable(pcb);
}

static void sk_tcp_inherit_options(struct sock *child, const struct sock *parent)
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

/* A handshake completed on listener @arg (lwIP's accept callback): queue the connection for
 * accept(). It counts against the backlog (tcp_backlog_delayed) until accept() takes it, so
 * lwIP drops new SYNs while the queue is full, as Linux does (the peer retransmits its SYN). */
static err_t sk_tcp_new_conn(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct sock *lsk = arg;

	if (err != ERR_OK || !newpcb)
		return ERR_VAL;		/* lwIP could not allocate: nothing to take */
	if (!lsk || lsk->tcp_state != SK_TCP_LISTEN)
		return ERR_VAL;		/* lwIP aborts the connection */
	struct sock *sk = sock_alloc(&sk_tcp_proto);
	if (!sk)
		return ERR_MEM;		/* likewise */
	sk_tcp_inherit_options(sk, lsk);
	sk->tcp = newpcb;
	sk->tcp_state = SK_TCP_SYNCED;
	sk->sock_state = SS_CONNECTED;
	sk_tcp_set_callbacks(sk, newpcb);
	sk_tcp_apply_options(sk, newpcb);
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

	if (lpcb->accept != sk_tcp_new_conn || !lsk)
		return -1;
	return (int)lsk->accept_len;
}

/* ---- creation, addresses ---- */

static int sk_tcp_init(struct sock *sk)
{
	net_assert_locked();
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	if (!pcb)
		return -ENOMEM;
	sk->tcp = pcb;
	sk_tcp_set_callbacks(sk, pcb);
	sk_tcp_apply_options(sk, pcb);
	return 0;
}

static err_t sk_tcp_bind_pcb(struct sock *sk, const ip4_addr_t *ip, uint16_t *port)
{
	err_t e = tcp_bind(sk->tcp, ip, *port);
	*port = sk->tcp->local_port;
	return e;
}

static int sk_tcp_bind(struct sock *sk, const struct sockaddr *addr, int len)
{
	return sock_inet_bind(sk, addr, len, sk_tcp_bind_pcb);
}

static int sk_tcp_getname(struct sock *sk, struct sockaddr_storage *out, bool peer)
{
	struct tcp_pcb *pcb = sk->tcp;

	if (peer) {
		/* inet_getname: no peer in CLOSE or SYN_SENT. */
		if (!pcb || sk->tcp_state == SK_TCP_CLOSE || sk->tcp_state == SK_TCP_SYN_SENT ||
		    sk->tcp_state == SK_TCP_LISTEN)
			return -ENOTCONN;
		return sock_sin_set(out, ip_2_ip4(&pcb->remote_ip), pcb->remote_port);
	}
	if (pcb)
		return sock_sin_set(out, ip_2_ip4(&pcb->local_ip), pcb->local_port);
	return sock_sin_set(out, sk->bound ? &sk->bound_ip : NULL, sk->bound_port);
}

/* A fresh pcb after a failed attempt or a stopped listener, bound again where the socket was. */
static int sk_tcp_renew(struct sock *sk)
{
	int err = sk_tcp_init(sk);
	if (err || !sk->bound)
		return err;
	err_t e = tcp_bind(sk->tcp, &sk->bound_ip, sk->bound_port);
	return e == ERR_OK ? 0 : -sock_errno(e, NULL);
}

/* ---- listen / accept ---- */

/* Reset and free the connections a listener still queues (Linux: inet_csk_listen_stop). */
static void sk_tcp_listen_flush(struct sock *lsk)
{
	while (!list_empty(&lsk->accept_q)) {
		struct sock *c = list_first_entry(&lsk->accept_q, struct sock, accept_node);
		list_del_init(&c->accept_node);
		lsk->accept_len--;
		c->parent = NULL;
		if (c->tcp) {
			struct tcp_pcb *pcb = c->tcp;
			sk_tcp_detach(pcb);
			c->tcp = NULL;
			tcp_abort(pcb);
		}
		sock_free(c);
	}
}

/* Stop listening (shutdown(SHUT_RD) or close of a listener): back to a new, unbound socket. */
static void sk_tcp_listen_stop(struct sock *sk)
{
	sk_tcp_listen_flush(sk);
	if (sk->tcp) {
		sk_tcp_detach(sk->tcp);
		tcp_close(sk->tcp);	/* a listener is freed at once */
		sk->tcp = NULL;
	}
	sk->tcp_state = SK_TCP_CLOSE;	/* still bound: a later listen() takes the same port */
}

static int sk_tcp_listen(struct sock *sk, int backlog)
{
	/* Linux lets the accept queue hold backlog + 1 (our lwIP counts in a u16_t, see its
	 * syn-cookie change). */
	u16_t lw_backlog = (u16_t)(backlog + 1);

	if (sk->sock_state != SS_UNCONNECTED ||
	    (sk->tcp_state != SK_TCP_CLOSE && sk->tcp_state != SK_TCP_LISTEN))
		return -EINVAL;
	if (sk->tcp_state == SK_TCP_LISTEN) {
		tcp_backlog_set(sk->tcp, lw_backlog);
		return 0;
	}
	if (!sk->tcp) {
		int err = sk_tcp_renew(sk);
		if (err)
			return err;
	}
	net_assert_locked();
	if (!sk->bound) {
		/* inet_csk_listen_start's autobind: an ephemeral port. */
		err_t e = tcp_bind(sk->tcp, IP4_ADDR_ANY, 0);
		if (e != ERR_OK)
			return -EADDRINUSE;
		sk->bound = true;
		ip4_addr_set_any(&sk->bound_ip);
		sk->bound_port = sk->tcp->local_port;
	}
	err_t e;
	struct tcp_pcb *lpcb = tcp_listen_with_backlog_and_err(sk->tcp, lw_backlog, &e);
	if (!lpcb)
		return e == ERR_USE ? -EADDRINUSE : -sock_errno(e, NULL);
	sk->tcp = lpcb;		/* lwIP freed the old pcb */
	tcp_arg(lpcb, sk);
	tcp_accept(lpcb, sk_tcp_new_conn);
	sk->tcp_state = SK_TCP_LISTEN;
	return 0;
}

static bool sk_tcp_accept_ready(struct sock *sk)
{
	return sk->accept_len || sk->tcp_state != SK_TCP_LISTEN;
}

static int sk_tcp_accept(struct sock *sk, struct sock **child, struct sockaddr_storage *peer,
			 int *peerlen)
{
	if (sk->tcp_state != SK_TCP_LISTEN)
		return -EINVAL;
	if (!sk->accept_len) {
		if (sock_nonblock(sk, 0))
			return -EAGAIN;
		/* inet_csk_wait_for_connect: exclusive, one accepter per new connection. */
		int err = sock_wait(sk, sk_tcp_accept_ready, sk->rcvtimeo_ns, true);
		if (!err && sk->tcp_state != SK_TCP_LISTEN)
			err = -EINVAL;
		if (err)
			return err;
	}
	struct sock *c = list_first_entry(&sk->accept_q, struct sock, accept_node);
	list_del_init(&c->accept_node);
	sk->accept_len--;
	c->parent = NULL;
	if (c->tcp) {
		tcp_backlog_accepted(c->tcp);
		*peerlen = sock_sin_set(peer, ip_2_ip4(&c->tcp->remote_ip), c->tcp->remote_port);
	} else {
		/* reset before accept: Linux says ECONNABORTED */
		*peerlen = sock_sin_set(peer, NULL, 0);
	}
	*child = c;
	return 0;
}

/* ---- connect ---- */

static bool sk_tcp_connect_done(struct sock *sk)
{
	return sk->tcp_state != SK_TCP_SYN_SENT;
}

/* tcp_disconnect, for a connection that failed: back to a new socket (the pcb is gone). */
static void sk_tcp_disconnect(struct sock *sk)
{
	if (sk->tcp) {
		struct tcp_pcb *pcb = sk->tcp;
		sk_tcp_detach(pcb);
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

static int sk_tcp_connect(struct sock *sk, const struct sockaddr *addr, int len)
{
	struct sockaddr_in sin;
	int err;

	if (len < (int)sizeof(sa_family_t))
		return -EINVAL;
	memset(&sin, 0, sizeof(sin));
	memcpy(&sin, addr, MIN((size_t)len, sizeof(sin)));

	net_lock();
	if (sin.sin_family == AF_UNSPEC) {
		/* sk_prot->disconnect: drop whatever the socket does (a reset if connected). */
		if (sk->tcp_state == SK_TCP_LISTEN)
			sk_tcp_listen_stop(sk);
		else
			sk_tcp_disconnect(sk);
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
			err = sk_tcp_renew(sk);
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
		int w = sock_wait(sk, sk_tcp_connect_done, sk->sndtimeo_ns, false);
		if (w == -EAGAIN)
			goto out;	/* timed out: still EINPROGRESS / EALREADY */
		if (w) {
			err = w;	/* a signal: the connection goes on without us */
			goto out;
		}
	}
	if (sk->tcp_state == SK_TCP_CLOSE) {
		/* Refused, reset or timed out: report it and start over (sock_error path). */
		err = sk->err ? -sock_take_error(sk) : -ECONNABORTED;
		sk_tcp_disconnect(sk);
		goto out;
	}
	sk->sock_state = SS_CONNECTED;
	err = 0;
out:
	net_unlock();
	return err;
}

/* ---- receiving ---- */

static bool sk_tcp_readable(struct sock *sk)
{
	return sk->rx_bytes || sk->err || (sk->shutdown & SK_RCV_SHUTDOWN) ||
	       sk->tcp_state == SK_TCP_CLOSE || sk->tcp_state == SK_TCP_LISTEN;
}

/* Give consumed bytes back to the window (tcp_recved takes at most 0xffff at a time). */
static void sk_tcp_window_open(struct sock *sk, size_t n)
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

static ssize_t sk_tcp_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
			      struct sockaddr_storage *from, int *fromlen)
{
	bool peek = flags & MSG_PEEK;
	bool waitall = (flags & MSG_WAITALL) && !peek;
	size_t copied = 0;
	ssize_t err = 0;

	(void)from;
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
			if (len && !uaccess_write_ok(buf, len)) {
				err = -EFAULT;
				break;
			}
			size_t n = sock_rx_copy(sk, (char *)buf + copied, len - copied, peek);
			copied += n;
			if (!peek)
				sk_tcp_window_open(sk, n);
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
		int w = sock_wait(sk, sk_tcp_readable, sk->rcvtimeo_ns, false);
		if (w) {
			if (!copied)
				err = w;	/* EAGAIN after SO_RCVTIMEO, or a signal's code */
			break;
		}
	} while (copied < len);
out:
	net_unlock();
	return copied ? (ssize_t)copied : err;
}

/* ---- sending ---- */

static bool sk_tcp_send_ready(struct sock *sk)
{
	if (sk->tcp_state != SK_TCP_SYNCED || sk->err || (sk->shutdown & SK_SEND_SHUTDOWN) || !sk->tcp)
		return true;
	if (sk->wait_qlen)
		return tcp_sndqueuelen(sk->tcp) < sk->wait_qlen;
	return sk_tcp_writable(sk);
}

/* TCP ignores a destination address (@to), as Linux's does on a connected socket. */
static ssize_t sk_tcp_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
			      const struct sockaddr *to, int tolen)
{
	size_t copied = 0;
	ssize_t err = 0;

	(void)to;
	(void)tolen;
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
			int w = sock_wait(sk, sk_tcp_connect_done, sk->sndtimeo_ns, false);
			if (w) {
				err = w;
				goto out;
			}
		}
		if (sk->tcp_state != SK_TCP_SYNCED) {
			err = -EPIPE;
			goto out;
		}
	}
	if (sk->err || (sk->shutdown & SK_SEND_SHUTDOWN)) {
		err = -EPIPE;	/* sock_sendto raises SIGPIPE unless MSG_NOSIGNAL */
		goto out;
	}
	sk->wait_qlen = 0;
	if (len && !uaccess_ok(buf, len)) {
		err = -EFAULT;
		goto out;
	}
	while (copied < len) {
		size_t space = sk_tcp_space(sk);
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
		int w = sock_wait(sk, sk_tcp_send_ready, sk->sndtimeo_ns, false);
		sk->wait_qlen = 0;
		if (w) {
			if (!copied)
				err = w;
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

/* ---- shutdown, poll, release ---- */

static int sk_tcp_shutdown(struct sock *sk, unsigned mask)
{
	int err = 0;

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
			sk_tcp_listen_stop(sk);	/* tcp_disconnect of a listener */
		break;
	case SK_TCP_SYN_SENT:
		sk_tcp_disconnect(sk);
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
	return err;
}

static uint32_t sk_tcp_poll(struct sock *sk, uint32_t events)
{
	struct sock_poll_state s = {
		.tcp_state = sk->tcp_state,
		.shutdown = sk->shutdown,
		.err = sk->err != 0,
	};

	(void)events;
	s.readable = sk->tcp_state == SK_TCP_LISTEN ? sk->accept_len != 0 : sk->rx_bytes != 0;
	s.writable = sk_tcp_writable(sk);
	if (!s.writable && sk->tcp_state == SK_TCP_SYNCED && !(sk->shutdown & SK_SEND_SHUTDOWN))
		sk->nospace = true;	/* as tcp_poll: ask for a write-space wake-up */
	return sock_tcp_poll_mask(&s);
}

static void sk_tcp_release(struct sock *sk)
{
	if (sk->tcp_state == SK_TCP_LISTEN) {
		sk_tcp_listen_stop(sk);
	} else if (sk->tcp) {
		struct tcp_pcb *pcb = sk->tcp;
		sk_tcp_detach(pcb);
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
}

/* ---- options ---- */

static void sk_tcp_sync_options(struct sock *sk)
{
	if (sk->tcp)
		sk_tcp_apply_options(sk, sk->tcp);
}

static int sk_tcp_setsockopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	if (level != IPPROTO_TCP)
		return sock_opt_inet_set(sk, level, name, val, len);
	int v, err = sock_opt_int(val, len, &v);
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
		sk_tcp_apply_options(sk, sk->tcp);
	return 0;
}

static int sk_tcp_getsockopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	int v;

	if (level != IPPROTO_TCP)
		return sock_opt_inet_get(sk, level, name, val, len);
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
	return sock_opt_put(val, len, &v, sizeof(v));
}

const struct sk_proto sk_tcp_proto = {
	.family = AF_INET,
	.type = SOCK_STREAM,
	.protocol = IPPROTO_TCP,
	.sigpipe = true,
	.sndbuf = TCP_SND_BUF,
	.rcvbuf = TCP_WND,
	.bind = sk_tcp_bind,
	.connect = sk_tcp_connect,
	.sendmsg = sk_tcp_sendmsg,
	.recvmsg = sk_tcp_recvmsg,
	.init = sk_tcp_init,
	.listen = sk_tcp_listen,
	.accept = sk_tcp_accept,
	.shutdown = sk_tcp_shutdown,
	.getname = sk_tcp_getname,
	.poll = sk_tcp_poll,
	.release = sk_tcp_release,
	.sync_options = sk_tcp_sync_options,
	.setsockopt = sk_tcp_setsockopt,
	.getsockopt = sk_tcp_getsockopt,
};
