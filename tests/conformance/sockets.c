/* SPDX-License-Identifier: MIT */
/*
 * TCP and UDP sockets over loopback (127.0.0.1 only) as pollable files: the masks epoll_wait and
 * poll() report for listeners, connects, established pairs, half-close, resets and datagrams, and
 * the errno of the socket calls. Ports are picked by the system (bind to port 0), never printed.
 */
#define _GNU_SOURCE
#include "conformance.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/*
 * Every wait for a state the scenario expects (a connection completing, data or a FIN or a reset
 * arriving) is a bounded poll: Linux's loopback is synchronous, epunk's goes through a softirq.
 * What is printed is what was observed after the wait.
 */
#define WAIT_MS		2000

/* poll() asks for everything, so that revents shows the whole mask the socket reports. */
#define POLL_ALL	(POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND | POLLWRNORM | \
			 POLLWRBAND | POLLRDHUP)
/* The same for epoll items (ERR and HUP are always reported). */
#define EP_ALL		(EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | \
			 EPOLLWRBAND | EPOLLRDHUP)

#define BACKLOG_CONNS	64

/* Scratch for the bulk transfers (kept off the stacks, which are small in epunk). */
static char bulk[65536];

/* ---- addresses ---- */

/* 127.0.0.1:port (port in network order). */
static void lo_addr(struct sockaddr_in *a, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = port;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static int sock_name(int fd, struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);

	memset(a, 0, sizeof(*a));
	return getsockname(fd, (struct sockaddr *)a, &len);
}

/* The local port of fd in network order (0 when it has none or getsockname fails). */
static uint16_t local_port(int fd)
{
	struct sockaddr_in a;

	if (sock_name(fd, &a) < 0)
		return 0;
	return a.sin_port;
}

/* " addr=A.B.C.D": the address as text (never a port). */
static void vb_addr(struct vbuf *b, const struct sockaddr_in *a)
{
	char text[INET_ADDRSTRLEN];

	if (!inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text)))
		snprintf(text, sizeof(text), "?");
	vb_kv_str(b, "addr", text);
}

/* ---- setup wrappers ---- */

static int xsocket(int type)
{
	int fd = socket(AF_INET, type, 0);

	if (fd < 0)
		conf_setup_failed("socket", errno);
	return fd;
}

static void xsetint(int fd, int level, int name, int v)
{
	if (setsockopt(fd, level, name, &v, sizeof(v)) < 0)
		conf_setup_failed("setsockopt", errno);
}

static void xbind_lo(int fd, uint16_t port)
{
	struct sockaddr_in a;

	lo_addr(&a, port);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		conf_setup_failed("bind", errno);
}

/* A non-blocking listener on 127.0.0.1 with a port chosen by the system; *a gets its address. */
static int xlistener(int backlog, struct sockaddr_in *a)
{
	int fd = xsocket(SOCK_STREAM | SOCK_NONBLOCK);

	xbind_lo(fd, 0);
	if (listen(fd, backlog) < 0)
		conf_setup_failed("listen", errno);
	lo_addr(a, local_port(fd));
	return fd;
}

/* A UDP socket bound to 127.0.0.1 with a system-chosen port; *a gets its address. */
static int xudp_bound(struct sockaddr_in *a)
{
	int fd = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);

	xbind_lo(fd, 0);
	lo_addr(a, local_port(fd));
	return fd;
}

/* connect(), returning 0 or errno. */
static int connect_err(int fd, const struct sockaddr_in *a)
{
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0)
		return errno;
	return 0;
}

/* A port on 127.0.0.1 where nothing listens: held by a bound, non-listening socket (*holder). */
static void refusing_addr(struct sockaddr_in *a, int *holder)
{
	*holder = xsocket(SOCK_STREAM);
	xbind_lo(*holder, 0);
	lo_addr(a, local_port(*holder));
}

/*
 * wait_for - poll fd until every bit of want is reported, for at most WAIT_MS
 * Returns the revents last seen (0 on timeout with nothing reported).
 */
static short wait_for(int fd, short want)
{
	int64_t deadline = now_ns() + (int64_t)WAIT_MS * 1000000;
	struct pollfd p;

	for (;;) {
		int left = (int)((deadline - now_ns()) / 1000000);
		int ret;

		if (left < 0)
			left = 0;
		p.fd = fd;
		p.events = want;
		p.revents = 0;
		ret = poll(&p, 1, left);
		if (ret < 0 && errno != EINTR)
			return 0;
		if ((p.revents & want) == want || left == 0)
			return p.revents;
		if (ret > 0)	/* part of it (ERR or HUP alone, say): look again shortly */
			sleep_ms(2);
	}
}

/* A non-blocking client connecting to a, waited for until it is writable. */
static int xclient(const struct sockaddr_in *a)
{
	int fd = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
	int err = connect_err(fd, a);

	if (err && err != EINPROGRESS)
		conf_setup_failed("connect", err);
	if (!(wait_for(fd, POLLOUT) & POLLOUT))
		conf_setup_failed("connect_wait", ETIMEDOUT);
	return fd;
}

/* Accept one connection (non-blocking), waiting up to WAIT_MS for it to be pending. */
static int xaccept(int lfd)
{
	int fd;

	wait_for(lfd, POLLIN);
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	if (fd < 0)
		conf_setup_failed("accept", errno);
	return fd;
}

/* An established TCP pair over loopback, both ends non-blocking with TCP_NODELAY. */
static void xpair(int *client, int *server)
{
	struct sockaddr_in a;
	int lfd = xlistener(4, &a);

	*client = xclient(&a);
	*server = xaccept(lfd);
	xsetint(*client, IPPROTO_TCP, TCP_NODELAY, 1);
	xsetint(*server, IPPROTO_TCP, TCP_NODELAY, 1);
	xclose(lfd);
}

static void xsend_str(int fd, const char *s)
{
	size_t n = strlen(s);

	if (send(fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)n)
		conf_setup_failed("send", errno);
}

/* Close after SO_LINGER {1, 0}: the connection is reset. */
static void close_reset(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) < 0)
		conf_setup_failed("so_linger", errno);
	xclose(fd);
}

/* ---- checks ---- */

/* Two lines: "<name>" is epoll_wait(ep, timeout 0), "<name>_poll" is poll(fd, POLL_ALL, 0). */
static void check_state(const char *name, int ep, int fd)
{
	char pname[64];

	check_wait0(name, ep, 8);
	snprintf(pname, sizeof(pname), "%s_poll", name);
	check_poll0(pname, fd, POLL_ALL);
}

/* poll(fd, POLL_ALL, 0) only. */
static void check_pollall(const char *check, int fd)
{
	check_poll0(check, fd, POLL_ALL);
}

/* epoll_wait with a bounded timeout, printed as a check. */
static void check_wait_ms(const char *check, int ep, int ms)
{
	struct epoll_event ev[WAITER_EVENTS];
	int ret, err;

	memset(ev, 0, sizeof(ev));
	ret = epoll_wait(ep, ev, 8, ms);
	err = errno;
	check_events(check, ret, err, ev);
}

/* "ret=N data=TEXT": a non-blocking recv of at most n bytes. */
static void check_recv(const char *check, int fd, size_t n, int flags)
{
	char buf[128];
	struct vbuf b;
	ssize_t ret;
	int err;

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	ret = recv(fd, buf, n, flags | MSG_DONTWAIT);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	if (ret > 0) {
		buf[ret] = '\0';
		vb_kv_str(&b, "data", buf);
	}
	conf_check(check, b.s);
}

/* The same after waiting up to WAIT_MS for fd to be readable. */
static void check_recv_wait(const char *check, int fd, size_t n, int flags)
{
	wait_for(fd, POLLIN);
	check_recv(check, fd, n, flags);
}

static void check_send(const char *check, int fd, const char *s)
{
	CHECK_RET(check, send(fd, s, strlen(s), MSG_NOSIGNAL | MSG_DONTWAIT));
}

/* "ret=0 value=NAME": getsockopt(SO_ERROR), the pending error by name ("0" for none). */
static void check_so_error(const char *check, int fd)
{
	socklen_t len = sizeof(int);
	struct vbuf b;
	int v = -1, ret, err;

	ret = getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	if (ret == 0)
		vb_kv_str(&b, "value", v ? errno_name(v) : "0");
	conf_check(check, b.s);
}

/* "ret=0 value=V len=L": an int option. */
static void check_getint(const char *check, int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	struct vbuf b;
	int v = -1, ret, err;

	ret = getsockopt(fd, level, name, &v, &len);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	if (ret == 0) {
		vb_kv_int(&b, "value", v);
		vb_kv_int(&b, "len", len);
	}
	conf_check(check, b.s);
}

/* "ret=fd" or the errno, for a connect; EINPROGRESS is a result like any other. */
static void check_connect(const char *check, int fd, const struct sockaddr_in *a)
{
	int ret = connect(fd, (const struct sockaddr *)a, sizeof(*a));

	check_ret(check, ret, errno);
}

/*
 * Accept until `want` connections were taken (waiting up to WAIT_MS for each next one to be
 * pending), then once more: "accepted=N then=ERRNO". The accepted sockets are closed.
 */
static void check_accept_all(const char *check, int lfd, int want)
{
	struct vbuf b;
	int n = 0, fd;

	while (n < want) {
		fd = accept(lfd, NULL, NULL);
		if (fd >= 0) {
			xclose(fd);
			n++;
			continue;
		}
		if (errno != EAGAIN || !(wait_for(lfd, POLLIN) & POLLIN))
			break;
	}
	vb_init(&b);
	vb_kv_int(&b, "accepted", n);
	fd = accept(lfd, NULL, NULL);
	if (fd >= 0) {
		vb_kv_str(&b, "then", "fd");
		xclose(fd);
	} else {
		vb_kv_str(&b, "then", errno_name(errno));
	}
	conf_check(check, b.s);
}

/* ---- blocking connect in a helper thread, so that a hang is a "timeout" line ---- */

struct bconnect {
	int fd;
	struct sockaddr_in addr;
	int ret, err;
	int done;
	pthread_t thread;
};

static void *bconnect_main(void *arg)
{
	struct bconnect *c = arg;

	c->ret = connect(c->fd, (struct sockaddr *)&c->addr, sizeof(c->addr));
	c->err = errno;
	__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Run a blocking connect of fd to a, bounded by JOIN_BOUND_MS; prints ret/errno or "timeout". */
static bool check_blocking_connect(const char *check, int fd, const struct sockaddr_in *a)
{
	struct bconnect *c = calloc(1, sizeof(*c));
	unsigned waited = 0;
	int err;

	if (!c) {
		conf_setup_failed("calloc", ENOMEM);
		return false;
	}
	c->fd = fd;
	c->addr = *a;
	err = pthread_create(&c->thread, NULL, bconnect_main, c);
	if (err) {
		conf_setup_failed("pthread_create", err);
		free(c);
		return false;
	}
	while (!__atomic_load_n(&c->done, __ATOMIC_SEQ_CST)) {
		if (waited >= JOIN_BOUND_MS) {
			check_str(check, "timeout");	/* abandoned: c stays with its thread */
			return false;
		}
		sleep_ms(10);
		waited += 10;
	}
	pthread_join(c->thread, NULL);
	check_ret(check, c->ret, c->err);
	free(c);
	return true;
}

/* ---- fresh sockets and listeners ---- */

/* What a socket reports before it is connected: a TCP socket in CLOSE is OUT and HUP. */
static void sockets_fresh(void)
{
	struct sockaddr_in a;
	int ep, t, u, l;

	conf_scenario("sockets.fresh");
	ep = xepoll();
	t = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, t, EP_ALL, 0x10);
	check_state("tcp_unbound", ep, t);
	xbind_lo(t, 0);
	check_state("tcp_bound", ep, t);
	xclose(t);

	u = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, u, EP_ALL, 0x11);
	check_state("udp_unbound", ep, u);
	xbind_lo(u, 0);
	check_state("udp_bound", ep, u);
	xclose(u);

	l = xlistener(4, &a);
	xctl(ep, EPOLL_CTL_ADD, l, EP_ALL, 0x12);
	check_state("listener", ep, l);
	CHECK_RET("accept_nothing_pending", accept(l, NULL, NULL));
	xclose(l);
	check_wait0("all_closed", ep, 8);
	xclose(ep);
}

/* A listener is IN|RDNORM while a connection is pending; accept takes them one at a time. */
static void sockets_listener(void)
{
	struct sockaddr_in a;
	int ep, et, l, c[3], i, fd;

	conf_scenario("sockets.listener");
	ep = xepoll();
	et = xepoll();
	l = xlistener(8, &a);
	xctl(ep, EPOLL_CTL_ADD, l, EP_ALL, 0x20);
	xctl(et, EPOLL_CTL_ADD, l, EPOLLIN | EPOLLET, 0x21);
	check_state("idle", ep, l);
	check_wait0("idle_et", et, 8);

	c[0] = xclient(&a);
	wait_for(l, POLLIN);
	check_state("one_pending", ep, l);
	check_wait0("one_pending_et", et, 8);
	check_wait0("one_pending_et_again", et, 8);
	fd = accept(l, NULL, NULL);
	check_newfd("accept_one", fd, errno);
	check_state("after_accept", ep, l);
	CHECK_RET("accept_again", accept(l, NULL, NULL));

	/* Two more: each a new edge for ET, reported once (pinned: both given time to arrive). */
	c[1] = xclient(&a);
	c[2] = xclient(&a);
	sleep_ms(SETTLE_MS);
	check_wait_ms("two_pending_et", et, WAIT_MS);
	check_wait0("two_pending_et_again", et, 8);
	check_accept_all("accept_two", l, 2);
	check_state("all_accepted", ep, l);
	for (i = 0; i < 3; i++)
		xclose(c[i]);
	xclose(l);
	xclose(et);
	xclose(ep);
}

/* 64 connections made before any accept, with listen(64): every one of them is accepted. */
static void sockets_backlog(void)
{
	struct sockaddr_in a;
	int l, c[BACKLOG_CONNS], i, inprogress = 0, connected = 0;
	struct vbuf b;

	conf_scenario("sockets.backlog");
	l = xlistener(BACKLOG_CONNS, &a);
	for (i = 0; i < BACKLOG_CONNS; i++) {
		int err;

		c[i] = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
		err = connect_err(c[i], &a);
		inprogress += err == EINPROGRESS;
		connected += err == 0;
	}
	vb_init(&b);
	vb_kv_int(&b, "einprogress", inprogress);
	vb_kv_int(&b, "immediate", connected);
	check_str("connects", b.s);
	connected = 0;
	for (i = 0; i < BACKLOG_CONNS; i++)
		connected += (wait_for(c[i], POLLOUT) & (POLLOUT | POLLERR | POLLHUP)) == POLLOUT;
	check_int("clients_writable", "count", connected);
	check_accept_all("accept_all", l, BACKLOG_CONNS);
	for (i = 0; i < BACKLOG_CONNS; i++)
		xclose(c[i]);
	xclose(l);
}

/* ---- connecting ---- */

/* A non-blocking connect to a listener: EINPROGRESS, then OUT and SO_ERROR 0. */
static void sockets_connect(void)
{
	struct sockaddr_in a;
	int ep, l, c, s;

	conf_scenario("sockets.connect");
	ep = xepoll();
	l = xlistener(4, &a);
	c = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, c, EP_ALL, 0x30);
	check_connect("connect", c, &a);
	wait_for(c, POLLOUT);
	check_state("connected", ep, c);
	check_so_error("so_error", c);
	/* The first connect after completion confirms it; only the next one is EISCONN. */
	check_connect("connect_again", c, &a);
	check_connect("connect_third", c, &a);
	s = xaccept(l);
	xctl(ep, EPOLL_CTL_ADD, s, EP_ALL, 0x31);
	check_ctl("del_client", ep, EPOLL_CTL_DEL, c, 0, 0);
	check_state("accepted", ep, s);
	check_so_error("accepted_so_error", s);
	check_connect("connect_accepted", s, &a);
	xclose(s);
	xclose(c);
	xclose(l);
	xclose(ep);
}

/* A non-blocking connect to a port where nothing listens: refused, the error read once. */
static void sockets_connect_refused(void)
{
	struct sockaddr_in a;
	int ep, holder, c;

	conf_scenario("sockets.connect_refused");
	ep = xepoll();
	refusing_addr(&a, &holder);
	c = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, c, EP_ALL, 0x40);
	check_connect("connect", c, &a);
	wait_for(c, POLLERR);
	check_state("refused", ep, c);
	check_so_error("so_error", c);
	check_so_error("so_error_again", c);
	check_state("after_so_error", ep, c);
	check_recv("recv", c, 8, 0);
	check_send("send", c, "x");
	/* The failed attempt is still pending in the socket: the next connect reports it. */
	check_connect("connect_again", c, &a);
	check_connect("connect_third", c, &a);
	wait_for(c, POLLERR);
	check_so_error("third_so_error", c);
	xclose(c);

	/* Without reading SO_ERROR first, the next connect returns the error itself. */
	c = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
	check_connect("unread_connect", c, &a);
	wait_for(c, POLLERR);
	check_connect("unread_connect_again", c, &a);
	check_so_error("unread_so_error", c);
	xclose(c);

	/* recv before SO_ERROR consumes the error instead. */
	c = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
	check_connect("recv_first_connect", c, &a);
	wait_for(c, POLLERR);
	check_recv("recv_first", c, 8, 0);
	check_recv("recv_first_again", c, 8, 0);
	check_so_error("recv_first_so_error", c);
	xclose(c);
	xclose(holder);
	xclose(ep);
}

/* A blocking connect to a refusing port fails at once with ECONNREFUSED. */
static void sockets_connect_blocking(void)
{
	struct sockaddr_in a;
	int ep, holder, c, l, s;

	conf_scenario("sockets.connect_blocking");
	ep = xepoll();
	refusing_addr(&a, &holder);
	c = xsocket(SOCK_STREAM);
	xctl(ep, EPOLL_CTL_ADD, c, EP_ALL, 0x50);
	if (check_blocking_connect("refused", c, &a)) {
		check_state("after_refused", ep, c);
		check_so_error("so_error", c);
		xclose(c);
	}
	xclose(holder);

	l = xlistener(4, &a);
	c = xsocket(SOCK_STREAM);
	if (check_blocking_connect("to_listener", c, &a)) {
		xctl(ep, EPOLL_CTL_ADD, c, EP_ALL, 0x51);
		check_state("connected", ep, c);
		s = xaccept(l);
		check_newfd("accept", s, errno);
		xclose(c);
	}
	xclose(l);
	xclose(ep);
}

/* ---- established connections ---- */

/* OUT when idle, IN when the peer wrote, back to OUT once everything was read. */
static void sockets_established(void)
{
	int ep, c, s;

	conf_scenario("sockets.established");
	ep = xepoll();
	xpair(&c, &s);
	xctl(ep, EPOLL_CTL_ADD, c, EP_ALL, 0x60);
	check_state("idle", ep, c);
	check_recv("recv_idle", c, 8, 0);
	check_send("peer_send", s, "hello");
	wait_for(c, POLLIN);
	check_state("data", ep, c);
	check_recv("recv_2", c, 2, 0);
	check_state("partly_read", ep, c);
	check_recv("recv_rest", c, 64, 0);
	check_state("all_read", ep, c);
	check_recv("recv_empty", c, 8, 0);
	/* Two sends before a read come back as one stream. */
	check_send("peer_send_ab", s, "ab");
	check_send("peer_send_cd", s, "cd");
	wait_for(c, POLLIN);
	sleep_ms(SETTLE_MS);
	check_recv("recv_stream", c, 64, 0);
	check_send("send_back", c, "pong");
	check_recv_wait("peer_recv", s, 64, 0);
	xclose(s);
	xclose(c);
	xclose(ep);
}

/* Level- and edge-triggered readiness for stream data. */
static void sockets_lt_et(void)
{
	int lt, et, c, s;

	conf_scenario("sockets.lt_et");
	lt = xepoll();
	et = xepoll();
	xpair(&c, &s);
	xctl(lt, EPOLL_CTL_ADD, c, EPOLLIN, 0x70);
	xctl(et, EPOLL_CTL_ADD, c, EPOLLIN | EPOLLET, 0x71);
	check_wait0("lt_idle", lt, 8);
	check_wait0("et_idle", et, 8);
	check_send("peer_send", s, "abcdef");
	check_wait_ms("et_data", et, WAIT_MS);
	check_wait0("et_again", et, 8);
	check_wait0("lt_data", lt, 8);
	check_wait0("lt_again", lt, 8);
	check_recv("recv_3", c, 3, 0);
	check_wait0("et_partly_read", et, 8);
	check_wait0("lt_partly_read", lt, 8);
	check_send("peer_send_more", s, "gh");
	check_wait_ms("et_more_data", et, WAIT_MS);
	check_wait0("et_more_again", et, 8);
	check_recv("recv_all", c, 64, 0);
	check_wait0("lt_all_read", lt, 8);
	check_wait0("et_all_read", et, 8);
	xclose(s);
	xclose(c);
	xclose(et);
	xclose(lt);
}

/* ---- half-close and shutdown ---- */

/* The peer's SHUT_WR is EOF here (IN|RDHUP); this side still writes; both SHUT_WR: HUP. */
static void sockets_half_close(void)
{
	int ep, c, s;

	conf_scenario("sockets.half_close");
	ep = xepoll();
	xpair(&c, &s);
	xctl(ep, EPOLL_CTL_ADD, c, EP_ALL, 0x80);
	xctl(ep, EPOLL_CTL_ADD, s, EP_ALL, 0x81);
	CHECK_RET("peer_shut_wr", shutdown(s, SHUT_WR));
	wait_for(c, POLLRDHUP);
	check_wait0("after_peer_shut_wr", ep, 8);
	check_pollall("client_poll", c);
	check_pollall("peer_poll", s);
	check_recv("recv_eof", c, 8, 0);
	check_recv("recv_eof_again", c, 8, 0);
	check_send("send_after_peer_shut_wr", c, "xyz");
	check_recv_wait("peer_recv", s, 64, 0);
	check_send("peer_send_after_shut_wr", s, "no");
	CHECK_RET("shut_wr", shutdown(c, SHUT_WR));
	wait_for(s, POLLRDHUP);
	check_wait0("both_shut_wr", ep, 8);
	check_pollall("client_poll_both", c);
	check_pollall("peer_poll_both", s);
	check_recv("peer_recv_eof", s, 8, 0);
	check_send("send_after_shut_wr", c, "late");
	sleep_ms(SETTLE_MS);	/* the last ACK arrives: this side is closed */
	CHECK_RET("shut_wr_again", shutdown(c, SHUT_WR));
	CHECK_RET("shut_rdwr", shutdown(c, SHUT_RDWR));
	check_so_error("so_error", c);
	xclose(s);
	xclose(c);
	xclose(ep);
}

/* shutdown(SHUT_RD): this side reads EOF at once; nothing is sent, the peer sees no change. */
static void sockets_shut_rd(void)
{
	int ep, c, s;

	conf_scenario("sockets.shut_rd");
	ep = xepoll();
	xpair(&c, &s);
	xctl(ep, EPOLL_CTL_ADD, c, EP_ALL, 0x90);
	xctl(ep, EPOLL_CTL_ADD, s, EP_ALL, 0x91);
	CHECK_RET("shut_rd", shutdown(c, SHUT_RD));
	sleep_ms(SETTLE_MS);
	check_wait0("after_shut_rd", ep, 8);
	check_pollall("client_poll", c);
	check_pollall("peer_poll", s);
	check_recv("recv", c, 8, 0);
	check_send("send", c, "up");
	check_recv_wait("peer_recv", s, 64, 0);
	/* Data the peer sends after SHUT_RD (pinned: given time to arrive). */
	check_send("peer_send", s, "late");
	sleep_ms(SETTLE_MS);
	check_pollall("client_poll_peer_sent", c);
	check_recv("recv_after_peer_sent", c, 64, 0);
	check_pollall("peer_poll_after_send", s);
	CHECK_RET("shut_wr", shutdown(c, SHUT_WR));
	wait_for(s, POLLRDHUP);
	check_wait0("after_shut_wr", ep, 8);
	xclose(s);
	xclose(c);
	xclose(ep);
}

/* ---- resets ---- */

/* The peer closes with SO_LINGER {1, 0}: the reset shows as ERR|HUP, read says ECONNRESET once. */
static void sockets_reset(void)
{
	int ep, c, s;

	conf_scenario("sockets.reset");
	ep = xepoll();
	xpair(&c, &s);
	xctl(ep, EPOLL_CTL_ADD, c, EP_ALL, 0xa0);
	close_reset(s);
	wait_for(c, POLLERR);
	check_state("after_reset", ep, c);
	check_recv("recv", c, 8, 0);
	check_state("after_recv", ep, c);
	check_recv("recv_again", c, 8, 0);
	check_send("send", c, "x");
	check_so_error("so_error", c);
	CHECK_RET("shutdown", shutdown(c, SHUT_RDWR));
	xclose(c);
	xclose(ep);
}

/* After a reset, send reports it first; SO_ERROR first clears it for everyone. */
static void sockets_reset_order(void)
{
	int c, s;

	conf_scenario("sockets.reset_order");
	xpair(&c, &s);
	close_reset(s);
	wait_for(c, POLLERR);
	check_send("send_first", c, "x");
	check_send("send_again", c, "x");
	check_recv("recv_after_send", c, 8, 0);
	check_pollall("poll_after_send", c);
	xclose(c);

	xpair(&c, &s);
	close_reset(s);
	wait_for(c, POLLERR);
	check_so_error("so_error_first", c);
	check_so_error("so_error_again", c);
	check_pollall("poll_after_so_error", c);
	check_recv("recv_after_so_error", c, 8, 0);
	check_send("send_after_so_error", c, "x");
	xclose(c);

	/* Data that arrived before the reset is still read first, then the reset. */
	xpair(&c, &s);
	xsend_str(s, "kept");
	wait_for(c, POLLIN);
	close_reset(s);
	wait_for(c, POLLERR);
	check_pollall("data_then_reset_poll", c);
	check_recv("data_then_reset_recv", c, 8, 0);
	check_recv("data_then_reset_recv_again", c, 8, 0);
	check_recv("data_then_reset_recv_third", c, 8, 0);
	xclose(c);
}

/* Closing with unread data in the receive queue resets the connection (Linux sends RST). */
static void sockets_close_unread(void)
{
	int ep, c, s;

	conf_scenario("sockets.close_unread");
	ep = xepoll();
	xpair(&c, &s);
	xctl(ep, EPOLL_CTL_ADD, c, EP_ALL, 0xb0);
	xsend_str(c, "unread");
	wait_for(s, POLLIN);
	xclose(s);
	wait_for(c, POLLERR);
	check_state("peer_closed", ep, c);
	check_recv("recv", c, 8, 0);
	check_recv("recv_again", c, 8, 0);
	check_send("send", c, "x");
	xclose(c);

	/* For comparison: closed with everything read, the peer sees a FIN only. */
	xpair(&c, &s);
	xctl(ep, EPOLL_CTL_ADD, c, EP_ALL, 0xb1);
	xsend_str(c, "read");
	check_recv_wait("peer_reads", s, 64, 0);
	xclose(s);
	wait_for(c, POLLRDHUP);
	check_state("peer_closed_clean", ep, c);
	check_recv("clean_recv", c, 8, 0);
	/* The first send is accepted (the peer answers it with a reset) ... */
	check_send("clean_send", c, "x");
	wait_for(c, POLLERR);
	check_state("clean_after_send", ep, c);
	/* ... which is recorded as EPIPE, not ECONNRESET (the reset came in CLOSE_WAIT). */
	check_so_error("clean_so_error", c);
	check_send("clean_send_again", c, "x");
	check_recv("clean_recv_after", c, 8, 0);
	xclose(c);
	xclose(ep);
}

/* ---- events before accept ---- */

/* The client sent data and closed before the accept: the accepted socket has both. */
static void sockets_before_accept_data(void)
{
	struct sockaddr_in a;
	int ep, l, c, s;

	conf_scenario("sockets.before_accept_data");
	ep = xepoll();
	l = xlistener(4, &a);
	c = xclient(&a);
	xsend_str(c, "early");
	xclose(c);
	wait_for(l, POLLIN);
	sleep_ms(SETTLE_MS);	/* the data and the FIN reach the unaccepted socket */
	s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	check_ret("accept", s < 0 ? -1 : 0, errno);
	if (s >= 0) {
		xctl(ep, EPOLL_CTL_ADD, s, EP_ALL, 0xc0);
		wait_for(s, POLLIN | POLLRDHUP);
		check_state("accepted", ep, s);
		check_recv("recv", s, 64, 0);
		check_state("after_recv", ep, s);
		check_recv("recv_eof", s, 64, 0);
		check_send("send", s, "x");
		xclose(s);
	}
	CHECK_RET("accept_again", accept(l, NULL, NULL));
	xclose(l);
	xclose(ep);
}

/* The client reset the connection before the accept: Linux still hands it out, reset. */
static void sockets_before_accept_reset(void)
{
	struct sockaddr_in a;
	int ep, l, c, s;

	conf_scenario("sockets.before_accept_reset");
	ep = xepoll();
	l = xlistener(4, &a);
	xctl(ep, EPOLL_CTL_ADD, l, EP_ALL, 0xd0);
	c = xclient(&a);
	wait_for(l, POLLIN);
	close_reset(c);
	sleep_ms(SETTLE_MS);	/* the reset reaches the unaccepted socket */
	check_state("listener", ep, l);
	s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	check_ret("accept", s < 0 ? -1 : 0, errno);
	if (s >= 0) {
		xctl(ep, EPOLL_CTL_ADD, s, EP_ALL, 0xd1);
		wait_for(s, POLLERR);
		check_state("accepted", ep, s);
		check_so_error("so_error", s);
		check_recv("recv", s, 8, 0);
		check_send("send", s, "x");
		xclose(s);
	}
	check_state("listener_after", ep, l);

	/* Data and then a reset before the accept. */
	c = xclient(&a);
	xsend_str(c, "gone");
	wait_for(l, POLLIN);
	sleep_ms(SETTLE_MS);
	close_reset(c);
	sleep_ms(SETTLE_MS);
	s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	check_ret("data_accept", s < 0 ? -1 : 0, errno);
	if (s >= 0) {
		wait_for(s, POLLERR);
		check_pollall("data_accepted_poll", s);
		check_recv("data_recv", s, 8, 0);
		check_recv("data_recv_again", s, 8, 0);
		xclose(s);
	}
	xclose(l);
	xclose(ep);
}

/* ---- send buffer: fill until EAGAIN with the peer not reading, drain, OUT comes back ---- */

static void sockets_send_buffer(void)
{
	int ep, et, wt, c, s, rounds = 0;
	long long sent = 0, received = 0;
	bool eagain = false, out_back = false;
	struct waiter *w;
	struct vbuf b;
	int64_t deadline;
	ssize_t n;

	conf_scenario("sockets.send_buffer");
	ep = xepoll();
	et = xepoll();
	xpair(&c, &s);
	xctl(ep, EPOLL_CTL_ADD, c, EPOLLIN | EPOLLOUT | EPOLLRDHUP, 0xe0);
	xctl(et, EPOLL_CTL_ADD, c, EPOLLOUT | EPOLLET, 0xe1);
	check_wait0("et_initial", et, 8);
	/*
	 * Fill: write until EAGAIN; between attempts give queued segments time to move into the
	 * peer's receive buffer, so that the final EAGAIN means both buffers are full.
	 */
	while (rounds < 4096) {
		n = send(c, bulk, sizeof(bulk), MSG_NOSIGNAL | MSG_DONTWAIT);
		rounds++;
		if (n > 0) {
			sent += n;
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			if (wait_for(c, POLLOUT) & POLLOUT) {
				/* poll() only says "writable" with a third of the buffer free */
				continue;
			}
			eagain = true;
		}
		break;
	}
	check_str("eagain_reached", eagain ? "yes" : "no");
	check_state("full", ep, c);
	check_wait0("et_full", et, 8);
	/* A thread blocks in epoll_wait for OUT on a third set, added while the buffer is full. */
	wt = xepoll();
	xctl(wt, EPOLL_CTL_ADD, c, EPOLLOUT | EPOLLET, 0xe2);
	w = waiter_start(HOW_WAIT, wt, 1, WAITER_TIMEOUT_MS);
	sleep_ms(BLOCK_MS);

	/* Drain: read until the writer is writable again, then read everything it sent. */
	deadline = now_ns() + (int64_t)WAIT_MS * 1000000 * 5;
	while (received < sent && now_ns() < deadline) {
		n = recv(s, bulk, sizeof(bulk), MSG_DONTWAIT);
		if (n > 0) {
			received += n;
			if (!out_back) {
				struct pollfd p = { .fd = c, .events = POLLOUT };

				out_back = poll(&p, 1, 0) == 1 && (p.revents & POLLOUT);
			}
			continue;
		}
		if (n == 0 || errno != EAGAIN)
			break;
		wait_for(s, POLLIN);
	}
	if (!out_back)
		out_back = wait_for(c, POLLOUT) & POLLOUT;
	check_str("out_came_back", out_back ? "yes" : "no");
	check_str("all_received", received == sent ? "yes" : "no");
	vb_init(&b);
	if (waiter_finish(w))
		vb_events(&b, w->ret, w->err, w->ev);
	else
		vb_str(&b, "timeout");
	check_str("blocked_writer", b.s);
	waiter_put(w);
	sleep_ms(SETTLE_MS);
	check_state("drained", ep, c);
	check_wait0("et_drained", et, 8);
	check_wait0("et_drained_again", et, 8);
	check_pollall("peer_drained_poll", s);
	xclose(s);
	xclose(c);
	xclose(wt);
	xclose(et);
	xclose(ep);
}

/* ---- UDP ---- */

/* A datagram socket is writable bound or not, readable while a datagram is queued. */
static void sockets_udp_ready(void)
{
	struct sockaddr_in a;
	int ep, r, w;

	conf_scenario("sockets.udp_ready");
	ep = xepoll();
	r = xudp_bound(&a);
	w = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, r, EP_ALL, 0x100);
	check_state("bound_idle", ep, r);
	CHECK_RET("sendto", sendto(w, "dgram", 5, 0, (struct sockaddr *)&a, sizeof(a)));
	wait_for(r, POLLIN);
	check_state("datagram_queued", ep, r);
	check_recv("recv", r, 64, 0);
	check_state("after_recv", ep, r);
	check_recv("recv_empty", r, 64, 0);
	xclose(w);
	xclose(r);
	xclose(ep);
}

/* Datagram boundaries: two sends are two receives, a short buffer truncates one datagram. */
static void sockets_udp_datagrams(void)
{
	struct sockaddr_in a;
	int ep, et, r, w;

	conf_scenario("sockets.udp_datagrams");
	ep = xepoll();
	et = xepoll();
	r = xudp_bound(&a);
	w = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, r, EPOLLIN, 0x110);
	xctl(et, EPOLL_CTL_ADD, r, EPOLLIN | EPOLLET, 0x111);
	CHECK_RET("send_one", sendto(w, "one", 3, 0, (struct sockaddr *)&a, sizeof(a)));
	check_wait_ms("et_first", et, WAIT_MS);
	CHECK_RET("send_three", sendto(w, "three", 5, 0, (struct sockaddr *)&a, sizeof(a)));
	check_wait_ms("et_second", et, WAIT_MS);
	check_wait0("et_again", et, 8);
	check_recv_wait("recv_1", r, 64, 0);
	check_wait0("lt_one_left", ep, 8);
	check_recv_wait("recv_2", r, 64, 0);
	check_recv("recv_3", r, 64, 0);
	check_wait0("lt_none_left", ep, 8);

	CHECK_RET("send_long", sendto(w, "truncated", 9, 0, (struct sockaddr *)&a, sizeof(a)));
	CHECK_RET("send_next", sendto(w, "next", 4, 0, (struct sockaddr *)&a, sizeof(a)));
	check_recv_wait("recv_short_buffer", r, 5, 0);
	check_recv_wait("recv_after_truncation", r, 64, 0);
	check_recv("recv_none", r, 64, 0);
	xclose(w);
	xclose(r);
	xclose(et);
	xclose(ep);
}

/* recvfrom names the sender (127.0.0.1 and its port); a connected socket sends with send(). */
static void sockets_udp_source(void)
{
	struct sockaddr_in a, from, wa;
	socklen_t len;
	struct vbuf b;
	char buf[16];
	int r, w, ret, err;

	conf_scenario("sockets.udp_source");
	r = xudp_bound(&a);
	w = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	CHECK_RET("sendto", sendto(w, "src", 3, 0, (struct sockaddr *)&a, sizeof(a)));
	wait_for(r, POLLIN);
	memset(&from, 0xff, sizeof(from));
	len = sizeof(from);
	ret = recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &len);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	vb_kv_int(&b, "len", len);
	vb_kv_int(&b, "family_inet", from.sin_family == AF_INET);
	vb_addr(&b, &from);
	vb_kv_str(&b, "port", from.sin_port && from.sin_port == local_port(w) ? "sender" : "other");
	check_str("recvfrom", b.s);
	/* The unbound sender got an ephemeral port on the wildcard address. */
	sock_name(w, &wa);
	vb_init(&b);
	vb_addr(&b, &wa);
	vb_kv_str(&b, "port", wa.sin_port ? "nonzero" : "zero");
	check_str("sender_name", b.s);

	/* Connected: send() without an address, and the peer name is the receiver. */
	xclose(w);
	w = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	check_connect("connect", w, &a);
	CHECK_RET("send_connected", send(w, "conn", 4, 0));
	len = sizeof(from);
	memset(&from, 0, sizeof(from));
	ret = getpeername(w, (struct sockaddr *)&from, &len);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	vb_addr(&b, &from);
	vb_kv_str(&b, "port", from.sin_port == a.sin_port ? "receiver" : "other");
	check_str("getpeername", b.s);
	sock_name(w, &wa);
	vb_init(&b);
	vb_addr(&b, &wa);
	vb_kv_str(&b, "port", wa.sin_port ? "nonzero" : "zero");
	check_str("connected_name", b.s);
	check_recv_wait("recv_connected", r, 64, 0);
	xclose(w);
	xclose(r);
}

/* MSG_PEEK leaves the datagram queued (and readable). */
static void sockets_udp_peek(void)
{
	struct sockaddr_in a;
	int ep, r, w;

	conf_scenario("sockets.udp_peek");
	ep = xepoll();
	r = xudp_bound(&a);
	w = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, r, EPOLLIN, 0x120);
	CHECK_RET("sendto", sendto(w, "peek", 4, 0, (struct sockaddr *)&a, sizeof(a)));
	check_recv_wait("peek", r, 64, MSG_PEEK);
	check_wait0("after_peek", ep, 8);
	check_recv("peek_short", r, 2, MSG_PEEK);
	check_recv("recv", r, 64, 0);
	check_wait0("after_recv", ep, 8);
	check_recv("peek_empty", r, 64, MSG_PEEK);
	xclose(w);
	xclose(r);
	xclose(ep);
}

/* An empty datagram is a datagram: readable, recv returns 0, then nothing. */
static void sockets_udp_empty(void)
{
	struct sockaddr_in a;
	int ep, r, w;

	conf_scenario("sockets.udp_empty");
	ep = xepoll();
	r = xudp_bound(&a);
	w = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, r, EP_ALL, 0x130);
	CHECK_RET("sendto_empty", sendto(w, "", 0, 0, (struct sockaddr *)&a, sizeof(a)));
	wait_for(r, POLLIN);
	check_state("queued", ep, r);
	check_recv("recv", r, 64, 0);
	check_state("after_recv", ep, r);
	check_recv("recv_again", r, 64, 0);
	xclose(w);
	xclose(r);
	xclose(ep);
}

/* TCP stream: send of zero bytes and the peer's view of it. */
static void sockets_tcp_empty_send(void)
{
	int ep, c, s;

	conf_scenario("sockets.tcp_empty_send");
	ep = xepoll();
	xpair(&c, &s);
	xctl(ep, EPOLL_CTL_ADD, s, EPOLLIN, 0x140);
	CHECK_RET("send_0", send(c, "", 0, MSG_NOSIGNAL));
	sleep_ms(SETTLE_MS);
	check_wait0("peer", ep, 8);
	check_recv("peer_recv", s, 8, 0);
	check_recv("recv_0_bytes", c, 0, 0);
	xclose(s);
	xclose(c);
	xclose(ep);
}

/* ---- errno of the socket calls ---- */

static void sockets_errors_socket(void)
{
	int fd;

	conf_scenario("sockets.errors_socket");
	CHECK_NEWFD("tcp", socket(AF_INET, SOCK_STREAM, 0));
	CHECK_NEWFD("tcp_explicit", socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
	CHECK_NEWFD("udp", socket(AF_INET, SOCK_DGRAM, 0));
	CHECK_NEWFD("udp_explicit", socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	CHECK_NEWFD("bad_family", socket(hide_int(12345), SOCK_STREAM, 0));
	CHECK_NEWFD("bad_type", socket(AF_INET, hide_int(99), 0));
	CHECK_NEWFD("bad_type_flags", socket(AF_INET, SOCK_STREAM | hide_int(0x100000), 0));
	CHECK_NEWFD("stream_udp", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	CHECK_NEWFD("dgram_tcp", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
	CHECK_NEWFD("bad_protocol", socket(AF_INET, SOCK_STREAM, hide_int(12345)));

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK_RET("nonblock_getfl", fcntl(fd, F_GETFL));
	CHECK_RET("cloexec_getfd", fcntl(fd, F_GETFD));
	xclose(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK_RET("plain_getfl", fcntl(fd, F_GETFL));
	CHECK_RET("plain_getfd", fcntl(fd, F_GETFD));
	CHECK_RET("setfl_nonblock", fcntl(fd, F_SETFL, O_NONBLOCK));
	CHECK_RET("getfl_after", fcntl(fd, F_GETFL));
	check_recv("recv_now_nonblocking", fd, 8, 0);
	xclose(fd);
}

static void sockets_errors_bind(void)
{
	struct sockaddr_in a, b;
	int l, t, u, u2;

	conf_scenario("sockets.errors_bind");
	l = xlistener(4, &a);
	t = xsocket(SOCK_STREAM);
	CHECK_RET("port_in_use", bind(t, (struct sockaddr *)&a, sizeof(a)));
	CHECK_RET("addrlen_short", bind(t, (struct sockaddr *)&a, hide_int(8)));
	lo_addr(&b, 0);
	b.sin_family = (sa_family_t)hide_int(12345);
	CHECK_RET("wrong_family", bind(t, (struct sockaddr *)&b, sizeof(b)));
	lo_addr(&b, 0);
	CHECK_RET("bind", bind(t, (struct sockaddr *)&b, sizeof(b)));
	CHECK_RET("bind_twice", bind(t, (struct sockaddr *)&b, sizeof(b)));
	xclose(t);

	/* SO_REUSEADDR on the second socket does not share a listening port. */
	t = xsocket(SOCK_STREAM);
	xsetint(t, SOL_SOCKET, SO_REUSEADDR, 1);
	CHECK_RET("reuseaddr_listening_port", bind(t, (struct sockaddr *)&a, sizeof(a)));
	xclose(t);

	/* UDP: the same port twice. */
	u = xudp_bound(&b);
	u2 = xsocket(SOCK_DGRAM);
	CHECK_RET("udp_port_in_use", bind(u2, (struct sockaddr *)&b, sizeof(b)));
	/* A TCP socket may take the port a UDP socket has: separate spaces. */
	t = xsocket(SOCK_STREAM);
	CHECK_RET("tcp_on_udp_port", bind(t, (struct sockaddr *)&b, sizeof(b)));
	xclose(t);
	xclose(u2);
	xclose(u);
	xclose(l);
}

static void sockets_errors_tcp(void)
{
	struct sockaddr_in a;
	int l, c, s, t, fd;
	char buf[8];

	conf_scenario("sockets.errors_tcp");
	t = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
	CHECK_RET("read_unconnected", read(t, buf, sizeof(buf)));
	CHECK_RET("recv_unconnected", recv(t, buf, sizeof(buf), 0));
	CHECK_RET("send_unconnected", send(t, "x", 1, MSG_NOSIGNAL));
	CHECK_RET("accept_not_listening", accept(t, NULL, NULL));
	CHECK_RET("shutdown_unconnected", shutdown(t, SHUT_WR));
	CHECK_RET("shutdown_bad_how", shutdown(t, hide_int(3)));
	lo_addr(&a, htons(9));
	CHECK_RET("connect_addrlen_short", connect(t, (struct sockaddr *)&a, hide_int(4)));
	a.sin_family = (sa_family_t)hide_int(12345);
	CHECK_RET("connect_wrong_family", connect(t, (struct sockaddr *)&a, sizeof(a)));
	xclose(t);

	xpair(&c, &s);
	l = xlistener(4, &a);
	/* The first connect after a non-blocking connect completed returns 0 (to any address). */
	CHECK_RET("connect_completed", connect(c, (struct sockaddr *)&a, sizeof(a)));
	CHECK_RET("connect_connected", connect(c, (struct sockaddr *)&a, sizeof(a)));
	CHECK_RET("listen_connected", listen(c, 4));
	CHECK_RET("accept_connected", accept(c, NULL, NULL));
	CHECK_RET("accept4_bad_flags", accept4(l, NULL, NULL, hide_int(O_RDWR)));
	CHECK_RET("listen_again", listen(l, 8));
	CHECK_RET("connect_listener", connect(l, (struct sockaddr *)&a, sizeof(a)));
	CHECK_RET("send_listener", send(l, "x", 1, MSG_NOSIGNAL));
	CHECK_RET("recv_listener", recv(l, buf, sizeof(buf), 0));
	CHECK_RET("shutdown_listener", shutdown(l, SHUT_RDWR));
	CHECK_RET("shut_wr", shutdown(c, SHUT_WR));
	CHECK_RET("send_after_shut_wr", send(c, "x", 1, MSG_NOSIGNAL));
	CHECK_RET("write_after_shut_wr", write(c, "x", 1));
	xclose(s);
	xclose(c);
	xclose(l);

	/* Accepted sockets: O_NONBLOCK comes from accept4's flags, not from the listener. */
	l = xlistener(4, &a);
	c = xclient(&a);
	wait_for(l, POLLIN);
	fd = accept(l, NULL, NULL);
	CHECK_RET("accepted_getfl", fcntl(fd, F_GETFL));
	xclose(fd);
	xclose(c);
	c = xclient(&a);
	wait_for(l, POLLIN);
	fd = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK_RET("accept4_getfl", fcntl(fd, F_GETFL));
	CHECK_RET("accept4_getfd", fcntl(fd, F_GETFD));
	xclose(fd);
	xclose(c);
	xclose(l);
}

static void sockets_errors_udp(void)
{
	struct sockaddr_in a;
	int u;
	char buf[8];
	static char huge[65508];

	conf_scenario("sockets.errors_udp");
	u = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	CHECK_RET("listen", listen(u, 4));
	CHECK_RET("accept", accept(u, NULL, NULL));
	CHECK_RET("send_no_destination", send(u, "x", 1, MSG_NOSIGNAL));
	CHECK_RET("recv_unbound", recv(u, buf, sizeof(buf), 0));
	CHECK_RET("getpeername_unconnected", getpeername(u, (struct sockaddr *)&a,
							 &(socklen_t){ sizeof(a) }));
	lo_addr(&a, htons(9));
	CHECK_RET("sendto_addrlen_short", sendto(u, "x", 1, 0, (struct sockaddr *)&a, hide_int(4)));
	CHECK_RET("sendto_too_big", sendto(u, huge, sizeof(huge), 0, (struct sockaddr *)&a,
					   sizeof(a)));
	/* Last: on Linux this shuts the socket down although it fails. */
	CHECK_RET("shutdown_unconnected", shutdown(u, SHUT_RDWR));
	xclose(u);
}

/* Socket calls on a descriptor that is not a socket (an eventfd) and on a closed one. */
static void sockets_errors_not_socket(void)
{
	struct sockaddr_in a;
	socklen_t len;
	int fds[2], i, fd, v = 1;
	char buf[8];
	static const char *const names[2] = { "eventfd", "closed" };
	char check[64];

	conf_scenario("sockets.errors_not_socket");
	fds[0] = xeventfd(0, EFD_NONBLOCK);
	fds[1] = closed_fd();
	lo_addr(&a, htons(9));
	for (i = 0; i < 2; i++) {
		fd = fds[i];
#define NS_CHECK(what, expr)							\
	do {									\
		snprintf(check, sizeof(check), "%s_%s", names[i], what);	\
		CHECK_RET(check, expr);						\
	} while (0)
		NS_CHECK("bind", bind(fd, (struct sockaddr *)&a, sizeof(a)));
		NS_CHECK("connect", connect(fd, (struct sockaddr *)&a, sizeof(a)));
		NS_CHECK("listen", listen(fd, 4));
		NS_CHECK("accept", accept(fd, NULL, NULL));
		NS_CHECK("accept4", accept4(fd, NULL, NULL, SOCK_NONBLOCK));
		len = sizeof(a);
		NS_CHECK("getsockname", getsockname(fd, (struct sockaddr *)&a, &len));
		len = sizeof(a);
		NS_CHECK("getpeername", getpeername(fd, (struct sockaddr *)&a, &len));
		len = sizeof(v);
		NS_CHECK("getsockopt", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
		NS_CHECK("setsockopt", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
		NS_CHECK("shutdown", shutdown(fd, SHUT_RDWR));
		NS_CHECK("send", send(fd, "x", 1, MSG_NOSIGNAL));
		NS_CHECK("recv", recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
		NS_CHECK("sendto", sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
		NS_CHECK("recvfrom", recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL));
#undef NS_CHECK
	}
	xclose(fds[0]);
}

/* Options: values read back, and the errors of unknown levels and names. */
static void sockets_sockopt(void)
{
	struct sockaddr_in a;
	struct linger lg;
	socklen_t len;
	struct vbuf b;
	int t, u, l, c, s, v, ret, err;

	conf_scenario("sockets.sockopt");
	t = xsocket(SOCK_STREAM);
	u = xsocket(SOCK_DGRAM);
	l = xlistener(4, &a);
	check_getint("type_tcp", t, SOL_SOCKET, SO_TYPE);
	check_getint("type_udp", u, SOL_SOCKET, SO_TYPE);
	check_getint("error_fresh", t, SOL_SOCKET, SO_ERROR);
	check_getint("acceptconn_fresh", t, SOL_SOCKET, SO_ACCEPTCONN);
	check_getint("acceptconn_listener", l, SOL_SOCKET, SO_ACCEPTCONN);
	check_getint("reuseaddr_default", t, SOL_SOCKET, SO_REUSEADDR);
	xsetint(t, SOL_SOCKET, SO_REUSEADDR, 1);
	check_getint("reuseaddr_set", t, SOL_SOCKET, SO_REUSEADDR);
	check_getint("keepalive_default", t, SOL_SOCKET, SO_KEEPALIVE);
	xsetint(t, SOL_SOCKET, SO_KEEPALIVE, 5);
	check_getint("keepalive_set_5", t, SOL_SOCKET, SO_KEEPALIVE);
	check_getint("nodelay_default", t, IPPROTO_TCP, TCP_NODELAY);
	xsetint(t, IPPROTO_TCP, TCP_NODELAY, 1);
	check_getint("nodelay_set", t, IPPROTO_TCP, TCP_NODELAY);

	lg.l_onoff = 1;
	lg.l_linger = 0;
	CHECK_RET("linger_set", setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	memset(&lg, 0x55, sizeof(lg));
	len = sizeof(lg);
	ret = getsockopt(t, SOL_SOCKET, SO_LINGER, &lg, &len);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	vb_kv_int(&b, "onoff", lg.l_onoff);
	vb_kv_int(&b, "linger", lg.l_linger);
	vb_kv_int(&b, "len", len);
	check_str("linger_get", b.s);

	v = 1;
	CHECK_RET("set_bad_level", setsockopt(t, hide_int(12345), SO_REUSEADDR, &v, sizeof(v)));
	CHECK_RET("set_bad_name", setsockopt(t, SOL_SOCKET, hide_int(12345), &v, sizeof(v)));
	CHECK_RET("set_bad_tcp_name", setsockopt(t, IPPROTO_TCP, hide_int(12345), &v, sizeof(v)));
	CHECK_RET("set_nodelay_udp", setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)));
	CHECK_RET("set_optlen_short", setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &v, hide_int(2)));
	len = sizeof(v);
	CHECK_RET("get_bad_level", getsockopt(t, hide_int(12345), SO_TYPE, &v, &len));
	len = sizeof(v);
	CHECK_RET("get_bad_name", getsockopt(t, SOL_SOCKET, hide_int(12345), &v, &len));
	len = (socklen_t)hide_int(-1);
	CHECK_RET("get_optlen_negative", getsockopt(t, SOL_SOCKET, SO_TYPE, &v, &len));

	/* Options on an accepted socket. */
	c = xclient(&a);
	s = xaccept(l);
	check_getint("accepted_type", s, SOL_SOCKET, SO_TYPE);
	check_getint("accepted_acceptconn", s, SOL_SOCKET, SO_ACCEPTCONN);
	check_getint("accepted_error", s, SOL_SOCKET, SO_ERROR);
	xclose(s);
	xclose(c);
	xclose(l);
	xclose(u);
	xclose(t);
}

/* getsockname and getpeername through a connection's life; addresses only, ports classified. */
static void sockets_names(void)
{
	struct sockaddr_in a, n, acc;
	socklen_t len;
	struct vbuf b;
	int t, l, c, s, ret, err;

	conf_scenario("sockets.names");
	t = xsocket(SOCK_STREAM);
	ret = sock_name(t, &n);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	vb_addr(&b, &n);
	vb_kv_int(&b, "port", ntohs(n.sin_port));
	check_str("unbound", b.s);
	len = sizeof(n);
	CHECK_RET("getpeername_unconnected", getpeername(t, (struct sockaddr *)&n, &len));
	xbind_lo(t, 0);
	ret = sock_name(t, &n);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	vb_kv_int(&b, "family_inet", n.sin_family == AF_INET);
	vb_addr(&b, &n);
	vb_kv_str(&b, "port", n.sin_port ? "nonzero" : "zero");
	check_str("bound_port_0", b.s);
	/* A short buffer gets the truncated address and the full length. */
	len = 4;
	memset(&n, 0, sizeof(n));
	ret = getsockname(t, (struct sockaddr *)&n, &len);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	vb_kv_int(&b, "len", len);
	vb_kv_str(&b, "addr_written", n.sin_addr.s_addr ? "yes" : "no");
	check_str("short_buffer", b.s);
	xclose(t);

	l = xlistener(4, &a);
	c = xclient(&a);
	wait_for(l, POLLIN);
	len = sizeof(acc);
	memset(&acc, 0, sizeof(acc));
	s = accept(l, (struct sockaddr *)&acc, &len);
	err = errno;
	vb_init(&b);
	vb_ret(&b, s < 0 ? -1 : 0, err);
	vb_kv_int(&b, "len", len);
	vb_addr(&b, &acc);
	vb_kv_str(&b, "port", acc.sin_port == local_port(c) ? "client" : "other");
	check_str("accept_address", b.s);

	ret = sock_name(c, &n);
	vb_init(&b);
	vb_ret(&b, ret, errno);
	vb_addr(&b, &n);
	vb_kv_str(&b, "port", n.sin_port ? "nonzero" : "zero");
	check_str("client_name", b.s);
	len = sizeof(n);
	ret = getpeername(c, (struct sockaddr *)&n, &len);
	vb_init(&b);
	vb_ret(&b, ret, errno);
	vb_addr(&b, &n);
	vb_kv_str(&b, "port", n.sin_port == a.sin_port ? "listener" : "other");
	check_str("client_peer", b.s);
	ret = sock_name(s, &n);
	vb_init(&b);
	vb_ret(&b, ret, errno);
	vb_addr(&b, &n);
	vb_kv_str(&b, "port", n.sin_port == a.sin_port ? "listener" : "other");
	check_str("accepted_name", b.s);
	len = sizeof(n);
	ret = getpeername(s, (struct sockaddr *)&n, &len);
	vb_init(&b);
	vb_ret(&b, ret, errno);
	vb_addr(&b, &n);
	vb_kv_str(&b, "port", n.sin_port == local_port(c) ? "client" : "other");
	check_str("accepted_peer", b.s);
	if (s >= 0)
		xclose(s);
	xclose(c);
	xclose(l);
}

/* ---- ONESHOT and EXCLUSIVE with sockets ---- */

static void sockets_oneshot(void)
{
	struct sockaddr_in a;
	int ep, l, c1, c2, c, s, fd;

	conf_scenario("sockets.oneshot");
	ep = xepoll();
	l = xlistener(4, &a);
	xctl(ep, EPOLL_CTL_ADD, l, EPOLLIN | EPOLLONESHOT, 0x200);
	c1 = xclient(&a);
	check_wait_ms("first_connection", ep, WAIT_MS);
	check_wait0("disarmed", ep, 8);
	fd = accept(l, NULL, NULL);
	check_newfd("accept_first", fd, errno);
	c2 = xclient(&a);
	wait_for(l, POLLIN);
	check_wait0("second_while_disarmed", ep, 8);
	check_ctl("rearm", ep, EPOLL_CTL_MOD, l, EPOLLIN | EPOLLONESHOT, 0x201);
	check_wait0("after_rearm", ep, 8);
	check_wait0("disarmed_again", ep, 8);
	fd = accept(l, NULL, NULL);
	check_newfd("accept_second", fd, errno);
	xclose(c2);
	xclose(c1);
	xclose(l);

	/* On a connection: one IN report, then not even the peer's close is reported. */
	xpair(&c, &s);
	xctl(ep, EPOLL_CTL_ADD, c, EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, 0x210);
	check_send("peer_send", s, "1");
	check_wait_ms("data", ep, WAIT_MS);
	check_send("peer_send_more", s, "2");
	xclose(s);
	wait_for(c, POLLRDHUP);
	check_wait0("disarmed_after_close", ep, 8);
	check_ctl("rearm_connection", ep, EPOLL_CTL_MOD, c, EPOLLIN | EPOLLRDHUP | EPOLLONESHOT,
		  0x211);
	check_wait0("rearmed", ep, 8);
	check_recv("recv", c, 64, 0);
	xclose(c);
	xclose(ep);
}

/* Two epoll sets watch one listener with EPOLLEXCLUSIVE, a thread blocked on each: one wakes. */
static void sockets_exclusive(void)
{
	struct sockaddr_in a;
	struct wgroup g;
	struct vbuf b;
	int ep[2], l, c, i, ret;
	struct epoll_event ev[WAITER_EVENTS];

	conf_scenario("sockets.exclusive");
	l = xlistener(4, &a);
	for (i = 0; i < 2; i++) {
		ep[i] = xepoll();
		xctl(ep[i], EPOLL_CTL_ADD, l, EPOLLIN | EPOLLEXCLUSIVE, 0x300 + i);
	}
	wgroup_init(&g);
	for (i = 0; i < 2; i++)
		wgroup_kick_in(&g, ep[i]);
	for (i = 0; i < 2; i++)
		wgroup_wait(&g, HOW_WAIT, ep[i], 1);
	wgroup_go(&g);
	c = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
	connect_err(c, &a);
	wgroup_release(&g);
	vb_init(&b);
	vb_woken(&b, "connection_woke", &g, 1);
	for (i = 0; i < 2 && g.all_joined; i++) {
		char key[8];

		snprintf(key, sizeof(key), "e%d", i);
		vb_kv_int(&b, key, waiter_woke_in(g.w[i], 1));
	}
	check_str("woken", b.s);
	wgroup_put(&g);
	/* The connection is still pending: both sets report it now. */
	vb_init(&b);
	for (i = 0; i < 2; i++) {
		char key[8];

		ret = epoll_wait(ep[i], ev, WAITER_EVENTS, 0);
		snprintf(key, sizeof(key), "e%d", i);
		vb_kv_int(&b, key, ret);
	}
	check_str("after", b.s);
	check_accept_all("accept", l, 1);
	xclose(c);
	for (i = 0; i < 2; i++)
		xclose(ep[i]);
	xclose(l);
}

void area_sockets(void)
{
	sockets_fresh();
	sockets_listener();
	sockets_backlog();
	sockets_connect();
	sockets_connect_refused();
	sockets_connect_blocking();
	sockets_established();
	sockets_lt_et();
	sockets_half_close();
	sockets_shut_rd();
	sockets_reset();
	sockets_reset_order();
	sockets_close_unread();
	sockets_before_accept_data();
	sockets_before_accept_reset();
	sockets_send_buffer();
	sockets_udp_ready();
	sockets_udp_datagrams();
	sockets_udp_source();
	sockets_udp_peek();
	sockets_udp_empty();
	sockets_tcp_empty_send();
	sockets_errors_socket();
	sockets_errors_bind();
	sockets_errors_tcp();
	sockets_errors_udp();
	sockets_errors_not_socket();
	sockets_sockopt();
	sockets_names();
	sockets_oneshot();
	sockets_exclusive();
}
