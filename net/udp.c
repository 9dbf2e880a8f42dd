// SPDX-License-Identifier: MIT
/* UDP sockets (sk_udp_proto) over lwIP's raw UDP API, with Linux's checks and errors. */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/uaccess.h>
#include <net/net.h>
#include <string.h>

#include "lwip/ip4.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"
#include "sock.h"

/* Linux's defaults and limits. */
#define UDP_RCVBUF_DEFAULT	212992		/* net.core.rmem_default */
#define UDP_SNDBUF_DEFAULT	212992		/* net.core.wmem_default */
#define UDP_MAX_PAYLOAD		65507		/* 65535 - IP header - UDP header */

/* lwIP's receive callback, under the lock. */
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
	struct sk_rxbuf *b = sock_rx_add(sk, p);
	if (!b) {
		pbuf_free(p);
		return;
	}
	ip4_addr_copy(b->addr, *ip_2_ip4(addr));
	b->port = port;
	sock_def_readable(sk);
}

/* ---- creation, addresses ---- */

static int sk_udp_init(struct sock *sk)
{
	net_assert_locked();
	struct udp_pcb *pcb = udp_new_ip_type(IPADDR_TYPE_V4);
	if (!pcb)
		return -ENOMEM;
	sk->udp = pcb;
	udp_recv(pcb, sk_udp_recv, sk);
	return 0;
}

static err_t sk_udp_bind_pcb(struct sock *sk, const ip4_addr_t *ip, uint16_t *port)
{
	err_t e = udp_bind(sk->udp, ip, *port);
	*port = sk->udp->local_port;
	return e;
}

static int sk_udp_bind(struct sock *sk, const struct sockaddr *addr, int len)
{
	return sock_inet_bind(sk, addr, len, sk_udp_bind_pcb);
}

static int sk_udp_getname(struct sock *sk, struct sockaddr_storage *out, bool peer)
{
	struct udp_pcb *pcb = sk->udp;

	if (peer) {
		if (!pcb || !(pcb->flags & UDP_FLAGS_CONNECTED))
			return -ENOTCONN;
		return sock_sin_set(out, ip_2_ip4(&pcb->remote_ip), pcb->remote_port);
	}
	return sock_sin_set(out, pcb ? ip_2_ip4(&pcb->local_ip) : NULL, pcb ? pcb->local_port : 0);
}

/* The default peer; AF_UNSPEC dissolves it. */
static int sk_udp_connect(struct sock *sk, const struct sockaddr *addr, int len)
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
	int err = sock_sin_get(addr, len, &sin);
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

/* ---- receiving, sending ---- */

static bool sk_udp_readable(struct sock *sk)
{
	return sk->rx_head || sk->err || (sk->shutdown & SK_RCV_SHUTDOWN);
}

static ssize_t sk_udp_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
			      struct sockaddr_storage *from, int *fromlen)
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
		int w = sock_wait(sk, sk_udp_readable, sk->rcvtimeo_ns, false);
		if (w) {
			ret = w;
			goto out;
		}
	}
	struct sk_rxbuf *b = sk->rx_head;
	size_t dlen = b->p->tot_len;
	size_t n = MIN(len, dlen);
	if (n && !uaccess_write_ok(buf, n)) {
		ret = -EFAULT;
		goto out;
	}
	pbuf_copy_partial(b->p, buf, (u16_t)n, 0);
	if (from && fromlen)
		*fromlen = sock_sin_set(from, &b->addr, b->port);
	if (!(flags & MSG_PEEK))
		sock_rx_pop(sk);
	/* The rest of a longer datagram is dropped; MSG_TRUNC asks for its real length. */
	ret = (flags & MSG_TRUNC) ? (ssize_t)dlen : (ssize_t)n;
out:
	net_unlock();
	return ret;
}

static ssize_t sk_udp_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
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

/* ---- shutdown, poll, release, options ---- */

static int sk_udp_shutdown(struct sock *sk, unsigned mask)
{
	/* Linux sets the bits even when unconnected (ENOTCONN): pollers see them ("hack to wake
	 * up other listeners, who can poll for EPOLLHUP, even on eg. unconnected UDP sockets"). */
	sk->shutdown |= mask;
	sock_state_change(sk);
	return sk->tcp_state == SK_TCP_CLOSE ? -ENOTCONN : 0;
}

static uint32_t sk_udp_poll(struct sock *sk, uint32_t events)
{
	struct sock_poll_state s = {
		.tcp_state = sk->tcp_state,
		.shutdown = sk->shutdown,
		.err = sk->err != 0,
		.readable = sk->rx_head != NULL,
		.writable = true,	/* lwIP sends a datagram at once: the buffer never fills */
	};

	(void)events;
	return sock_udp_poll_mask(&s);
}

static void sk_udp_release(struct sock *sk)
{
	if (sk->udp) {
		udp_remove(sk->udp);
		sk->udp = NULL;
	}
}

static void sk_udp_sync_options(struct sock *sk)
{
	if (!sk->udp)
		return;
	if (sk->reuseaddr)
		ip_set_option(sk->udp, SOF_REUSEADDR);
	else
		ip_reset_option(sk->udp, SOF_REUSEADDR);
}

const struct sk_proto sk_udp_proto = {
	.family = AF_INET,
	.type = SOCK_DGRAM,
	.protocol = IPPROTO_UDP,
	.sndbuf = UDP_SNDBUF_DEFAULT,
	.rcvbuf = UDP_RCVBUF_DEFAULT,
	.bind = sk_udp_bind,
	.connect = sk_udp_connect,
	.sendmsg = sk_udp_sendmsg,
	.recvmsg = sk_udp_recvmsg,
	.init = sk_udp_init,
	.shutdown = sk_udp_shutdown,
	.getname = sk_udp_getname,
	.poll = sk_udp_poll,
	.release = sk_udp_release,
	.sync_options = sk_udp_sync_options,
	.setsockopt = sock_opt_inet_set,
	.getsockopt = sock_opt_inet_get,
};
