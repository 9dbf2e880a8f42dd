// SPDX-License-Identifier: MIT
/* Socket options: SOL_SOCKET for every protocol, and the AF_INET levels no protocol handles,
 * with Linux's values, clamps and errors. */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/time.h>
#include <string.h>
#include <uapi/time.h>

#include "sock.h"

/* Linux's limits, for what setsockopt clamps. */
#define SOCK_BUF_MAX		212992		/* net.core.[rw]mem_max */
#define SOCK_MIN_SNDBUF		4608
#define SOCK_MIN_RCVBUF		2304

int sock_opt_int(const void *val, unsigned len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

static int sock_opt_timeval(const void *val, unsigned len, uint64_t *ns)
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

int sock_opt_put(void *dst, unsigned *len, const void *src, unsigned size)
{
	unsigned n = MIN(*len, size);
	memcpy(dst, src, n);
	*len = n;
	return 0;
}

int sock_opt_socket_set(struct sock *sk, int name, const void *val, unsigned len)
{
	int v = 0, err;

	if (name == SO_RCVTIMEO)
		return sock_opt_timeval(val, len, &sk->rcvtimeo_ns);
	if (name == SO_SNDTIMEO)
		return sock_opt_timeval(val, len, &sk->sndtimeo_ns);
	if (name == SO_LINGER) {
		struct linger l;
		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		sk->linger_on = l.l_onoff != 0;
		sk->linger_s = l.l_linger;
		return 0;
	}
	err = sock_opt_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case SO_REUSEADDR:
		sk->reuseaddr = v != 0;
		sk->prot->sync_options(sk);
		return 0;
	case SO_KEEPALIVE:
		sk->keepalive = v != 0;
		sk->prot->sync_options(sk);
		return 0;
	case SO_BROADCAST:
		sk->broadcast = v != 0;
		return 0;
	case SO_SNDBUF:
	case SO_SNDBUFFORCE:
		/* sk_setsockopt: min(val, wmem_max), doubled for bookkeeping, at least the min. */
		v = (int)MIN((unsigned)v, (unsigned)SOCK_BUF_MAX);
		sk->sndbuf = MAX(v * 2, SOCK_MIN_SNDBUF);
		if (sk->prot->write_space)
			sk->prot->write_space(sk);	/* writers may have room now */
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
	/* Busy polling (kernel/busy_poll.h). Linux asks CAP_NET_ADMIN to raise them; the one
	 * user here is root. */
	case SO_BUSY_POLL:
		if (v < 0)
			return -EINVAL;
		WRITE_ONCE(sk->busy_poll_usecs, (uint32_t)v);
		return 0;
	case SO_PREFER_BUSY_POLL:
		WRITE_ONCE(sk->prefer_busy_poll, v != 0);
		return 0;
	case SO_BUSY_POLL_BUDGET:	/* set only: Linux has no getter for it */
		if (v < 0 || (unsigned)v > UINT16_MAX)
			return -EINVAL;
		WRITE_ONCE(sk->busy_poll_budget, (uint16_t)v);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

int sock_opt_socket_get(struct sock *sk, int name, void *val, unsigned *len)
{
	int v;

	switch (name) {
	case SO_TYPE:		v = sk->prot->type; break;
	case SO_PROTOCOL:	v = sk->prot->protocol; break;
	case SO_DOMAIN:		v = sk->prot->family; break;
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
	case SO_BUSY_POLL:	v = (int)sk->busy_poll_usecs; break;
	case SO_PREFER_BUSY_POLL: v = sk->prefer_busy_poll; break;
	case SO_LINGER: {
		struct linger l = { sk->linger_on, sk->linger_s };
		return sock_opt_put(val, len, &l, sizeof(l));
	}
	case SO_PEERCRED: {
		/* One process, run as root: a peer is always pid PROC_PID, uid 0, gid 0. Without
		 * credentials Linux reports pid 0 and the invalid ids. */
		struct ucred c = { 0, (uint32_t)-1, (uint32_t)-1 };
		if (sk->peercred)
			c = (struct ucred){ PROC_PID, 0, 0 };
		return sock_opt_put(val, len, &c, sizeof(c));
	}
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		uint64_t ns = name == SO_RCVTIMEO ? sk->rcvtimeo_ns : sk->sndtimeo_ns;
		struct timeval tv = { (time_t)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC / 1000) };
		return sock_opt_put(val, len, &tv, sizeof(tv));
	}
	default:
		return -ENOPROTOOPT;
	}
	return sock_opt_put(val, len, &v, sizeof(v));
}

int sock_opt_inet_set(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	(void)sk;
	(void)level;
	(void)name;
	(void)val;
	(void)len;
	return -ENOPROTOOPT;
}

int sock_opt_inet_get(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	(void)sk;
	(void)name;
	(void)val;
	(void)len;
	if (level == IPPROTO_TCP || level == IPPROTO_IP || level == IPPROTO_UDP)
		return -ENOPROTOOPT;
	return -EOPNOTSUPP;	/* Linux's answer for a level no layer knows */
}
