/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX sockets: socketpair of each type and the poll and epoll masks of every state a pair
 * goes through (data, each shutdown, the peer's close with and without unread data), full
 * queues (a stream's send accounting, a datagram receiver's queue limit) and who is woken when
 * they drain, blocking calls woken by the other side, named sockets in the abstract name space
 * (bind, listen, connect, accept and the lengths of their addresses), the message flags, the
 * ioctls and options, and the errno of bad calls. Names are never printed (they hold the pid);
 * byte counts are, where they are the same on every Linux 6.x x86-64. Every send passes
 * MSG_NOSIGNAL: a write to a closed peer must not depend on how SIGPIPE is handled.
 */
#define _GNU_SOURCE
#include "conformance.h"

#include <stddef.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#ifndef SIOCINQ
#define SIOCINQ		FIONREAD
#endif
#ifndef SIOCOUTQ
#define SIOCOUTQ	TIOCOUTQ
#endif

#define POLL_ALL	(POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND | POLLWRNORM | \
			 POLLWRBAND | POLLRDHUP)
#define EP_ALL		(EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | \
			 EPOLLWRBAND | EPOLLRDHUP)
#define SUN_BASE	((socklen_t)offsetof(struct sockaddr_un, sun_path))

/* Scratch for bulk transfers (kept off the stacks, which are small in epunk). */
static char bulk[1 << 19];
static char sink[1 << 19];

static const char *type_name(int type)
{
	switch (type) {
	case SOCK_STREAM:	return "stream";
	case SOCK_DGRAM:	return "dgram";
	case SOCK_SEQPACKET:	return "seqpacket";
	}
	return "?";
}

/* ---- setup ---- */

static int xsocket(int type)
{
	int fd = socket(AF_UNIX, type, 0);

	if (fd < 0)
		conf_setup_failed("socket", errno);
	return fd;
}

static void xsocketpair(int type, int sv[2])
{
	if (socketpair(AF_UNIX, type, 0, sv) < 0) {
		conf_setup_failed("socketpair", errno);
		sv[0] = sv[1] = -1;
	}
}

/* An abstract name unique to this run and @tag; its length in *len. */
static void abstract_addr(struct sockaddr_un *a, socklen_t *len, const char *tag)
{
	int n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "epunk-conformance-%08d-%s",
		     (int)getpid(), tag);
	*len = SUN_BASE + 1 + (socklen_t)n;
}

static void xbind(int fd, const struct sockaddr_un *a, socklen_t len)
{
	if (bind(fd, (const struct sockaddr *)a, len) < 0)
		conf_setup_failed("bind", errno);
}

/* A listener of @type (non-blocking) on the abstract name @tag. */
static int xlistener(int type, const char *tag, int backlog, struct sockaddr_un *a, socklen_t *len)
{
	int fd = xsocket(type | SOCK_NONBLOCK);

	abstract_addr(a, len, tag);
	xbind(fd, a, *len);
	if (listen(fd, backlog) < 0)
		conf_setup_failed("listen", errno);
	return fd;
}

static void xsend(int fd, const void *buf, size_t n)
{
	if (send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)n)
		conf_setup_failed("send", errno);
}

/* ---- checks ---- */

/* "<name>": epoll_wait of a set watching @fd for everything; "<name>_poll": poll(). */
static void check_state(const char *name, int fd)
{
	char pname[160];
	int ep = xepoll();

	xctl(ep, EPOLL_CTL_ADD, fd, EP_ALL, 1);
	check_wait0(name, ep, 8);
	xclose(ep);
	snprintf(pname, sizeof(pname), "%s_poll", name);
	check_poll0(pname, fd, POLL_ALL);
}

/* Both ends of a pair: "<name>_a", "<name>_b" (epoll and poll). */
static void check_pair(const char *name, int a, int b)
{
	char n[160];

	snprintf(n, sizeof(n), "%s_a", name);
	check_state(n, a);
	snprintf(n, sizeof(n), "%s_b", name);
	check_state(n, b);
}

/* "ret=N data=TEXT": a non-blocking recv of at most @n bytes. */
static void check_recv(const char *check, int fd, size_t n, int flags)
{
	char buf[256];
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

static void check_send(const char *check, int fd, const char *s)
{
	CHECK_RET(check, send(fd, s, strlen(s), MSG_NOSIGNAL | MSG_DONTWAIT));
}

/* "ret=0 value=NAME": the pending error, which getsockopt takes. */
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

/* "ret=0 value=N": an ioctl that stores an int. */
static void check_ioctl(const char *check, int fd, unsigned long req)
{
	struct vbuf b;
	int v = -1, ret, err;

	ret = ioctl(fd, req, &v);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	if (ret == 0)
		vb_kv_int(&b, "value", v);
	conf_check(check, b.s);
}

/* "ret=0 len=L family=F path0=Z": getsockname/getpeername with a full buffer; path0 says whether
 * the name is abstract (0) or a path ('/' is printed as "slash"). */
static void check_name(const char *check, int fd, bool peer)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	struct vbuf b;
	int ret, err;

	memset(&a, 0x55, sizeof(a));
	ret = peer ? getpeername(fd, (struct sockaddr *)&a, &len)
		   : getsockname(fd, (struct sockaddr *)&a, &len);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	if (ret == 0) {
		vb_kv_int(&b, "len", len);
		vb_kv_int(&b, "family", a.sun_family);
		if (len > SUN_BASE)
			vb_kv_str(&b, "path0", a.sun_path[0] ? "char" : "0");
	}
	conf_check(check, b.s);
}

/* "ret=N len=L": recvfrom with an address buffer. */
static void check_recvfrom(const char *check, int fd, size_t n, int flags)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	char buf[64];
	struct vbuf b;
	ssize_t ret;
	int err;

	if (n > sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	ret = recvfrom(fd, buf, n, flags | MSG_DONTWAIT, (struct sockaddr *)&a, &len);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	if (ret >= 0) {
		vb_kv_int(&b, "addrlen", len);
		if (ret > 0) {
			buf[ret] = '\0';
			vb_kv_str(&b, "data", buf);
		}
	}
	conf_check(check, b.s);
}

/* Read everything queued (non-blocking): the byte count. */
static long drain(int fd)
{
	long total = 0;
	ssize_t n;

	while ((n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0)
		total += n;
	return total;
}

/* ---- a call in a helper thread, bounded (a hang prints "timeout") ---- */

struct bg {
	int op;			/* BG_* */
	int fd;
	size_t len;
	int flags;
	long ret;
	int err;
	int done;
	pthread_t thread;
};

enum { BG_SEND, BG_RECV, BG_ACCEPT, BG_CONNECT };

static struct sockaddr_un bg_addr;
static socklen_t bg_addrlen;

static void *bg_main(void *arg)
{
	struct bg *c = arg;

	switch (c->op) {
	case BG_SEND:
		c->ret = send(c->fd, bulk, c->len, c->flags | MSG_NOSIGNAL);
		break;
	case BG_RECV:
		c->ret = recv(c->fd, sink, c->len, c->flags);
		break;
	case BG_ACCEPT:
		c->ret = accept(c->fd, NULL, NULL);
		break;
	case BG_CONNECT:
		c->ret = connect(c->fd, (struct sockaddr *)&bg_addr, bg_addrlen);
		break;
	}
	c->err = errno;
	__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static struct bg *bg_start(int op, int fd, size_t len, int flags)
{
	struct bg *c = calloc(1, sizeof(*c));
	int err;

	if (!c) {
		conf_setup_failed("calloc", ENOMEM);
		return NULL;
	}
	c->op = op;
	c->fd = fd;
	c->len = len;
	c->flags = flags;
	err = pthread_create(&c->thread, NULL, bg_main, c);
	if (err) {
		conf_setup_failed("pthread_create", err);
		free(c);
		return NULL;
	}
	sleep_ms(BLOCK_MS);	/* let it block */
	return c;
}

static bool bg_done(const struct bg *c)
{
	return c && __atomic_load_n(&c->done, __ATOMIC_SEQ_CST);
}

/* Wait for the call to return (up to JOIN_BOUND_MS) and print its result; an accepted
 * descriptor is printed as "fd" and closed. */
static void bg_finish(const char *check, struct bg *c)
{
	unsigned waited = 0;

	if (!c)
		return;
	while (!bg_done(c)) {
		if (waited >= JOIN_BOUND_MS) {
			check_str(check, "timeout");	/* abandoned: c stays with its thread */
			return;
		}
		sleep_ms(10);
		waited += 10;
	}
	pthread_join(c->thread, NULL);
	if (c->op == BG_ACCEPT)
		check_newfd(check, (int)c->ret, c->err);
	else
		check_ret(check, c->ret, c->err);
	free(c);
}

/* ---- creation ---- */

static void unix_create(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW };
	char name[64];
	int fd, sv[2];
	size_t i;

	conf_scenario("unix.create");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const char *t = types[i] == SOCK_RAW ? "raw" : type_name(types[i]);

		fd = socket(AF_UNIX, types[i] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		snprintf(name, sizeof(name), "%s_so_type", t);
		check_getint(name, fd, SOL_SOCKET, SO_TYPE);
		snprintf(name, sizeof(name), "%s_so_domain", t);
		check_getint(name, fd, SOL_SOCKET, SO_DOMAIN);
		snprintf(name, sizeof(name), "%s_so_protocol", t);
		check_getint(name, fd, SOL_SOCKET, SO_PROTOCOL);
		snprintf(name, sizeof(name), "%s_flags", t);
		check_hex(name, "fl_nonblock_fd_cloexec",
			  (unsigned)(fcntl(fd, F_GETFL) & O_NONBLOCK) | (unsigned)fcntl(fd, F_GETFD));
		snprintf(name, sizeof(name), "%s_fresh", t);
		check_state(name, fd);
		xclose(fd);
	}
	CHECK_NEWFD("protocol_pf_unix", socket(AF_UNIX, SOCK_STREAM, PF_UNIX));
	CHECK_NEWFD("protocol_2", socket(AF_UNIX, SOCK_STREAM, 2));
	CHECK_NEWFD("protocol_2_rdm", socket(AF_UNIX, SOCK_RDM, 2));
	CHECK_NEWFD("type_rdm", socket(AF_UNIX, SOCK_RDM, 0));
	CHECK_NEWFD("type_packet", socket(AF_UNIX, SOCK_PACKET, 0));
	CHECK_NEWFD("type_11", socket(AF_UNIX, hide_int(11), 0));
	CHECK_NEWFD("type_flag_0x10", socket(AF_UNIX, SOCK_STREAM | hide_int(0x10), 0));
	CHECK_NEWFD("family_46", socket(hide_int(46), SOCK_STREAM, 0));

	conf_scenario("unix.socketpair");
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "%s", type_name(types[i]));
		CHECK_RET(name, socketpair(AF_UNIX, types[i] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
		snprintf(name, sizeof(name), "%s_flags", type_name(types[i]));
		check_hex(name, "both_nonblock_cloexec",
			  (unsigned)(fcntl(sv[0], F_GETFL) & fcntl(sv[1], F_GETFL) & O_NONBLOCK) |
			  (unsigned)(fcntl(sv[0], F_GETFD) & fcntl(sv[1], F_GETFD)));
		snprintf(name, sizeof(name), "%s_fresh", type_name(types[i]));
		check_pair(name, sv[0], sv[1]);
		snprintf(name, sizeof(name), "%s_sockname", type_name(types[i]));
		check_name(name, sv[0], false);
		snprintf(name, sizeof(name), "%s_peername", type_name(types[i]));
		check_name(name, sv[0], true);
		xclose(sv[0]);
		xclose(sv[1]);
	}
	CHECK_RET("raw_pair", socketpair(AF_UNIX, SOCK_RAW, 0, sv));
	check_getint("raw_pair_so_type", sv[0], SOL_SOCKET, SO_TYPE);
	xclose(sv[0]);
	xclose(sv[1]);
	CHECK_RET("null_sv", socketpair(AF_UNIX, SOCK_STREAM, 0, hide_ptr(NULL)));
	CHECK_RET("bad_sv", socketpair(AF_UNIX, SOCK_STREAM, 0, hide_ptr((void *)16)));
	CHECK_RET("null_sv_bad_family", socketpair(hide_int(12345), SOCK_STREAM, 0, hide_ptr(NULL)));
	CHECK_RET("bad_family", socketpair(hide_int(12345), SOCK_STREAM, 0, sv));
	CHECK_RET("inet", socketpair(AF_INET, SOCK_STREAM, 0, sv));
	CHECK_RET("inet_dgram", socketpair(AF_INET, SOCK_DGRAM, 0, sv));
	CHECK_RET("type_rdm", socketpair(AF_UNIX, SOCK_RDM, 0, sv));
	CHECK_RET("protocol_3", socketpair(AF_UNIX, SOCK_STREAM, 3, sv));
	CHECK_RET("flag_0x10", socketpair(AF_UNIX, SOCK_STREAM | hide_int(0x10), 0, sv));
	CHECK_RET("type_11", socketpair(AF_UNIX, hide_int(11), 0, sv));
}

/* ---- a pair through its states ---- */

static void unix_pair_states(int type)
{
	char scen[64];
	static char names[3][64];
	int sv[2], a, b;
	int slot = type == SOCK_STREAM ? 0 : type == SOCK_DGRAM ? 1 : 2;

	snprintf(names[slot], sizeof(names[slot]), "unix.pair_%s", type_name(type));
	conf_scenario(names[slot]);
	(void)scen;

	/* Data one way, then read. */
	xsocketpair(type | SOCK_NONBLOCK, sv);
	a = sv[0];
	b = sv[1];
	check_send("send_hello", a, "hello");
	check_send("send_world", a, "world");
	check_pair("data", a, b);
	check_ioctl("data_inq", b, SIOCINQ);
	check_ioctl("data_outq", a, SIOCOUTQ);
	check_recv("recv_3", b, 3, 0);
	check_ioctl("after_recv_3_inq", b, SIOCINQ);
	check_recv("recv_rest", b, 20, 0);
	check_recv("recv_empty", b, 20, 0);
	check_pair("read", a, b);
	check_ioctl("read_outq", a, SIOCOUTQ);

	/* shutdown(SHUT_WR) on a: b reads EOF, a cannot write. */
	check_send("b_to_a_before", b, "x");
	CHECK_RET("shut_wr", shutdown(a, SHUT_WR));
	check_pair("a_shut_wr", a, b);
	check_recv("b_recv_after_wr", b, 8, 0);
	check_send("a_send_after_wr", a, "y");
	check_send("b_send_after_wr", b, "z");
	check_recv("a_recv_after_wr", a, 8, 0);
	check_recv("a_recv_after_wr_again", a, 8, 0);
	/* and then SHUT_RD on a as well: both directions. */
	CHECK_RET("shut_rd_too", shutdown(a, SHUT_RD));
	check_pair("a_shut_both", a, b);
	check_send("b_send_after_both", b, "z");
	xclose(a);
	xclose(b);

	/* shutdown(SHUT_RD) on a: b cannot write to it; a still reads what was queued. */
	xsocketpair(type | SOCK_NONBLOCK, sv);
	a = sv[0];
	b = sv[1];
	check_send("b_to_a_queued", b, "q");
	CHECK_RET("shut_rd", shutdown(a, SHUT_RD));
	check_pair("a_shut_rd", a, b);
	check_send("b_send_after_rd", b, "r");
	check_recv("a_recv_after_rd", a, 8, 0);
	check_recv("a_recv_after_rd_again", a, 8, 0);
	check_send("a_send_after_rd", a, "s");
	check_recv("b_recv_after_rd", b, 8, 0);
	xclose(a);
	xclose(b);

	/* shutdown(SHUT_RDWR) on a. */
	xsocketpair(type | SOCK_NONBLOCK, sv);
	a = sv[0];
	b = sv[1];
	CHECK_RET("shut_rdwr", shutdown(a, SHUT_RDWR));
	check_pair("a_shut_rdwr", a, b);
	CHECK_RET("shut_bad_how", shutdown(a, hide_int(3)));
	xclose(a);
	xclose(b);

	/* a closes with nothing unread. */
	xsocketpair(type | SOCK_NONBLOCK, sv);
	a = sv[0];
	b = sv[1];
	check_send("a_to_b_then_close", a, "bye");
	xclose(a);
	check_state("peer_closed_b", b);
	check_so_error("peer_closed_so_error", b);
	check_recv("peer_closed_recv", b, 8, 0);
	check_recv("peer_closed_recv_again", b, 8, 0);
	check_send("peer_closed_send", b, "x");
	check_send("peer_closed_send_again", b, "x");
	check_name("peer_closed_peername", b, true);
	check_state("peer_closed_b_end", b);
	xclose(b);

	/* a closes with data of b's unread, while b still has data of a's to read. */
	xsocketpair(type | SOCK_NONBLOCK, sv);
	a = sv[0];
	b = sv[1];
	check_send("a_to_b_unread", a, "left");
	check_send("b_to_a_unread", b, "lost");
	xclose(a);
	check_state("reset_b", b);
	check_ioctl("reset_outq", b, SIOCOUTQ);
	check_recv("reset_recv", b, 8, 0);
	check_recv("reset_recv_again", b, 8, 0);
	check_recv("reset_recv_third", b, 8, 0);
	check_state("reset_b_read", b);
	check_send("reset_send", b, "x");
	check_so_error("reset_so_error", b);
	xclose(b);

	/* The same, the error read by SO_ERROR before anything else. */
	xsocketpair(type | SOCK_NONBLOCK, sv);
	a = sv[0];
	b = sv[1];
	check_send("so_error_first_b_to_a", b, "lost");
	xclose(a);
	check_so_error("so_error_first", b);
	check_state("so_error_first_state", b);
	check_send("so_error_first_send", b, "x");
	xclose(b);
}

/* ---- full queues ---- */

/* A stream pair filled with non-blocking writes of @chunk bytes. */
static void stream_fill(const char *tag, size_t chunk)
{
	char name[80];
	int sv[2], a, b, ep, n = 0;
	long total = 0, got;
	ssize_t ret;
	struct epoll_event ev[4];

	xsocketpair(SOCK_STREAM | SOCK_NONBLOCK, sv);
	a = sv[0];
	b = sv[1];
	ep = xepoll();
	xctl(ep, EPOLL_CTL_ADD, a, EPOLLOUT | EPOLLET, 0xa);
	while ((ret = send(a, bulk, chunk, MSG_NOSIGNAL)) > 0) {
		total += ret;
		n++;
	}
	snprintf(name, sizeof(name), "%s_filled", tag);
	{
		struct vbuf vb;

		vb_init(&vb);
		vb_kv_int(&vb, "bytes", total);
		vb_kv_int(&vb, "sends", n);
		vb_kv_str(&vb, "then", errno_name(errno));
		conf_check(name, vb.s);
	}
	snprintf(name, sizeof(name), "%s_outq", tag);
	check_ioctl(name, a, SIOCOUTQ);
	snprintf(name, sizeof(name), "%s_inq", tag);
	check_ioctl(name, b, SIOCINQ);
	snprintf(name, sizeof(name), "%s_full", tag);
	check_pair(name, a, b);
	snprintf(name, sizeof(name), "%s_et_first", tag);
	check_wait0(name, ep, 4);
	snprintf(name, sizeof(name), "%s_et_full", tag);
	check_wait0(name, ep, 4);
	/* One byte read: the first message is not freed yet. */
	recv(b, sink, 1, MSG_DONTWAIT);
	snprintf(name, sizeof(name), "%s_one_read", tag);
	check_state(name, a);
	got = 1 + drain(b);
	snprintf(name, sizeof(name), "%s_drained", tag);
	check_int(name, "same", got == total);
	snprintf(name, sizeof(name), "%s_drained_a", tag);
	check_state(name, a);
	snprintf(name, sizeof(name), "%s_drained_outq", tag);
	check_ioctl(name, a, SIOCOUTQ);
	snprintf(name, sizeof(name), "%s_et_after_drain", tag);
	memset(ev, 0, sizeof(ev));
	check_events(name, epoll_wait(ep, ev, 4, 0), errno, ev);
	xclose(ep);
	xclose(a);
	xclose(b);
}

static void unix_stream_full(void)
{
	int sv[2], v;
	struct bg *w;
	long got = 0;
	ssize_t n;

	conf_scenario("unix.stream_full");
	stream_fill("w1", 1);
	stream_fill("w1000", 1000);
	stream_fill("w4096", 4096);
	stream_fill("w65536", 65536);
	stream_fill("w212992", 212992);

	/* A smaller SO_SNDBUF: smaller messages, an earlier end. */
	xsocketpair(SOCK_STREAM | SOCK_NONBLOCK, sv);
	v = 8192;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	check_getint("sndbuf_8192", sv[0], SOL_SOCKET, SO_SNDBUF);
	CHECK_RET("sndbuf_8192_send", send(sv[0], bulk, 100000, MSG_NOSIGNAL));
	check_ioctl("sndbuf_8192_outq", sv[0], SIOCOUTQ);
	CHECK_RET("sndbuf_8192_again", send(sv[0], bulk, 100000, MSG_NOSIGNAL));
	xclose(sv[0]);
	xclose(sv[1]);

	/* A blocking writer of more than fits, woken as the reader drains. */
	xsocketpair(SOCK_STREAM, sv);
	w = bg_start(BG_SEND, sv[0], 400000, 0);
	check_int("writer_blocked", "done", bg_done(w));
	while (got < 400000 && (n = recv(sv[1], sink, sizeof(sink), 0)) > 0)
		got += n;
	bg_finish("blocking_write", w);
	check_int("blocking_write_read", "bytes", got);
	xclose(sv[0]);
	xclose(sv[1]);

	/* A blocking writer whose reader goes away: EPIPE, or what it had sent. */
	xsocketpair(SOCK_STREAM, sv);
	w = bg_start(BG_SEND, sv[0], 400000, 0);
	xclose(sv[1]);
	bg_finish("blocking_write_reader_closed", w);
	xclose(sv[0]);
}

/* A datagram pair (connected both ways): only the send accounting limits it. */
static void unix_dgram_pair_full(void)
{
	int sv[2], n = 0;
	long total = 0;
	ssize_t ret;

	conf_scenario("unix.dgram_pair_full");
	xsocketpair(SOCK_DGRAM | SOCK_NONBLOCK, sv);
	while ((ret = send(sv[0], bulk, 1, MSG_NOSIGNAL)) > 0) {
		total += ret;
		n++;
	}
	check_int("filled_1", "datagrams", n);
	check_ioctl("filled_1_outq", sv[0], SIOCOUTQ);
	check_pair("full", sv[0], sv[1]);
	recv(sv[1], sink, 1, MSG_DONTWAIT);
	check_state("one_read", sv[0]);
	CHECK_RET("send_after_one", send(sv[0], bulk, 1, MSG_NOSIGNAL));
	CHECK_RET("send_full_again", send(sv[0], bulk, 1, MSG_NOSIGNAL));
	check_int("drained", "datagrams", (long)(drain(sv[1])));
	check_state("drained_a", sv[0]);
	xclose(sv[0]);
	xclose(sv[1]);

	xsocketpair(SOCK_DGRAM | SOCK_NONBLOCK, sv);
	n = 0;
	while ((ret = send(sv[0], bulk, 5000, MSG_NOSIGNAL)) > 0)
		n++;
	check_int("filled_5000", "datagrams", n);
	check_ioctl("filled_5000_outq", sv[0], SIOCOUTQ);
	CHECK_RET("emsgsize", send(sv[0], bulk, 212992 - 31, MSG_NOSIGNAL));
	drain(sv[1]);
	CHECK_RET("largest", send(sv[0], bulk, 212992 - 32, MSG_NOSIGNAL));
	check_ioctl("largest_outq", sv[0], SIOCOUTQ);
	check_ioctl("largest_inq", sv[1], SIOCINQ);
	xclose(sv[0]);
	xclose(sv[1]);
}

/* A datagram receiver not connected back: at most max_dgram_qlen (10) + 1 queued. */
static void unix_dgram_queue_full(void)
{
	struct sockaddr_un sa;
	socklen_t salen;
	int s, c, c2, ep, n = 0;
	struct bg *w;

	conf_scenario("unix.dgram_queue_full");
	s = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	abstract_addr(&sa, &salen, "dgq");
	xbind(s, &sa, salen);
	c = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	CHECK_RET("connect", connect(c, (struct sockaddr *)&sa, salen));
	check_name("client_peername", c, true);
	check_state("connected", c);
	ep = xepoll();
	xctl(ep, EPOLL_CTL_ADD, c, EPOLLOUT | EPOLLET, 0xc);
	check_wait0("et_connected", ep, 4);
	while (send(c, "d", 1, MSG_NOSIGNAL) == 1)
		n++;
	check_int("filled", "datagrams", n);
	check_str("filled_errno", errno_name(errno));
	check_state("full_client", c);
	check_state("full_server", s);
	check_wait0("et_full", ep, 4);
	/* Another sender that is not connected: the same limit, no peer_wake. */
	c2 = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	CHECK_RET("unconnected_sendto_full",
		  sendto(c2, "e", 1, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen));
	check_recvfrom("server_read_one", s, 8, 0);
	check_wait0("et_after_read", ep, 4);
	check_state("client_after_read", c);
	CHECK_RET("send_after_read", send(c, "f", 1, MSG_NOSIGNAL));
	CHECK_RET("send_full_again", send(c, "g", 1, MSG_NOSIGNAL));
	check_state("client_full_again", c);

	/* A blocking sender waits for room. */
	fcntl(c, F_SETFL, 0);
	w = bg_start(BG_SEND, c, 1, 0);
	check_int("blocking_sender_blocked", "done", bg_done(w));
	check_recvfrom("server_read_for_blocked", s, 8, 0);
	bg_finish("blocking_sender", w);
	fcntl(c, F_SETFL, O_NONBLOCK);
	xclose(c2);
	xclose(ep);

	/* The receiver goes away: the connected sender is refused once, then unconnected. */
	drain(s);
	xclose(s);
	check_state("server_closed_client", c);
	check_send("send_server_closed", c, "h");
	check_send("send_server_closed_again", c, "h");
	check_name("server_closed_peername", c, true);
	check_state("server_closed_client_after", c);
	xclose(c);
}

/* ---- blocking calls woken by the other side ---- */

static void unix_blocking(void)
{
	struct sockaddr_un la;
	socklen_t lalen;
	int sv[2], l, c;
	struct bg *w;

	conf_scenario("unix.blocking");
	xsocketpair(SOCK_STREAM, sv);
	w = bg_start(BG_RECV, sv[1], 100, 0);
	check_int("reader_blocked", "done", bg_done(w));
	xsend(sv[0], "wake", 4);
	bg_finish("reader", w);
	w = bg_start(BG_RECV, sv[1], 100, MSG_WAITALL);
	xsend(sv[0], "part", 4);
	sleep_ms(SETTLE_MS);
	check_int("waitall_after_part", "done", bg_done(w));
	xsend(sv[0], bulk, 96);
	bg_finish("waitall", w);
	w = bg_start(BG_RECV, sv[1], 100, 0);
	CHECK_RET("shutdown_wr", shutdown(sv[0], SHUT_WR));
	bg_finish("reader_shutdown", w);
	xclose(sv[0]);
	xclose(sv[1]);

	xsocketpair(SOCK_STREAM, sv);
	w = bg_start(BG_RECV, sv[1], 100, 0);
	xclose(sv[0]);
	bg_finish("reader_peer_closed", w);
	xclose(sv[1]);

	xsocketpair(SOCK_SEQPACKET, sv);
	w = bg_start(BG_RECV, sv[1], 100, 0);
	xsend(sv[0], "rec", 3);
	bg_finish("seqpacket_reader", w);
	w = bg_start(BG_RECV, sv[1], 100, 0);
	xclose(sv[0]);
	bg_finish("seqpacket_reader_peer_closed", w);
	xclose(sv[1]);

	xsocketpair(SOCK_DGRAM, sv);
	w = bg_start(BG_RECV, sv[1], 100, 0);
	xsend(sv[0], "dg", 2);
	bg_finish("dgram_reader", w);
	w = bg_start(BG_RECV, sv[1], 100, 0);
	CHECK_RET("dgram_shut_rd", shutdown(sv[1], SHUT_RD));
	bg_finish("dgram_reader_shut_rd", w);
	xclose(sv[0]);
	xclose(sv[1]);

	/* accept() woken by a connect; connect() woken by an accept when the queue is full. */
	l = xsocket(SOCK_STREAM);
	abstract_addr(&la, &lalen, "blk");
	xbind(l, &la, lalen);
	CHECK_RET("listen_0", listen(l, 0));
	w = bg_start(BG_ACCEPT, l, 0, 0);
	c = xsocket(SOCK_STREAM);
	CHECK_RET("connect", connect(c, (struct sockaddr *)&la, lalen));
	bg_finish("accept", w);
	xclose(c);
	c = xsocket(SOCK_STREAM);
	CHECK_RET("connect_fills", connect(c, (struct sockaddr *)&la, lalen));
	bg_addr = la;
	bg_addrlen = lalen;
	{
		int c2 = xsocket(SOCK_STREAM);

		w = bg_start(BG_CONNECT, c2, 0, 0);
		check_int("connect_blocked", "done", bg_done(w));
		{
			int s = accept(l, NULL, NULL);

			check_newfd("accept_for_blocked", s, errno);
		}
		bg_finish("blocked_connect", w);
		{
			int s = accept(l, NULL, NULL);

			check_newfd("accept_blocked_one", s, errno);
		}
		xclose(c2);
	}
	xclose(c);
	xclose(l);
}

/* ---- named sockets ---- */

static void unix_named(int type)
{
	static char scen[3][64];
	int slot = type == SOCK_STREAM ? 0 : 2;
	struct sockaddr_un la, pa;
	socklen_t lalen, palen;
	int l, c, s, other, ep;

	snprintf(scen[slot], sizeof(scen[slot]), "unix.named_%s", type_name(type));
	conf_scenario(scen[slot]);
	l = xsocket(type | SOCK_NONBLOCK);
	abstract_addr(&la, &lalen, type_name(type));
	check_name("unbound_sockname", l, false);
	CHECK_RET("listen_unbound", listen(l, 4));
	CHECK_RET("bind", bind(l, (struct sockaddr *)&la, lalen));
	check_name("bound_sockname", l, false);
	check_int("bound_len_matches", "same", 1);
	CHECK_RET("bind_again", bind(l, (struct sockaddr *)&la, lalen));
	check_state("bound", l);
	c = xsocket(type | SOCK_NONBLOCK);
	CHECK_RET("connect_not_listening", connect(c, (struct sockaddr *)&la, lalen));
	CHECK_RET("listen", listen(l, 4));
	check_getint("acceptconn", l, SOL_SOCKET, SO_ACCEPTCONN);
	check_state("listening", l);
	CHECK_RET("accept_none", accept(l, NULL, NULL));
	ep = xepoll();
	xctl(ep, EPOLL_CTL_ADD, l, EPOLLIN | EPOLLET, 0x1);
	CHECK_RET("connect", connect(c, (struct sockaddr *)&la, lalen));
	check_state("client_connected", c);
	check_name("client_sockname", c, false);
	check_name("client_peername", c, true);
	CHECK_RET("connect_again", connect(c, (struct sockaddr *)&la, lalen));
	check_state("one_pending", l);
	check_wait0("et_one_pending", ep, 4);
	check_send("send_before_accept", c, "early");
	palen = sizeof(pa);
	memset(&pa, 0x55, sizeof(pa));
	s = accept4(l, (struct sockaddr *)&pa, &palen, SOCK_NONBLOCK);
	check_str("accept4", s >= 0 ? "fd" : errno_name(errno));
	check_int("accept_peer_len", "len", palen);
	check_int("accept_peer_family", "family", pa.sun_family);
	check_state("accepted", s);
	check_name("accepted_sockname", s, false);
	check_name("accepted_peername", s, true);
	check_recv("accepted_recv", s, 16, 0);
	check_send("accepted_send", s, "reply");
	check_recv("client_recv", c, 16, 0);
	check_state("after_accept", l);
	check_wait0("et_after_accept", ep, 4);

	/* The name is taken for this type; a datagram socket may have it too. */
	other = xsocket(type);
	CHECK_RET("bind_taken", bind(other, (struct sockaddr *)&la, lalen));
	xclose(other);
	other = xsocket(SOCK_DGRAM);
	CHECK_RET("bind_taken_other_type", bind(other, (struct sockaddr *)&la, lalen));
	xclose(other);

	/* A truncated getsockname: the full length comes back. */
	palen = 4;
	CHECK_RET("sockname_short", getsockname(s, (struct sockaddr *)&pa, &palen));
	check_int("sockname_short_len", "len", palen);

	/* The listener closes with a connection pending: its client is reset. */
	other = xsocket(type | SOCK_NONBLOCK);
	CHECK_RET("connect_pending", connect(other, (struct sockaddr *)&la, lalen));
	check_send("pending_sends", other, "never read");
	xclose(l);
	check_state("pending_listener_closed", other);
	check_recv("pending_recv", other, 16, 0);
	check_recv("pending_recv_again", other, 16, 0);
	check_send("pending_send", other, "x");
	xclose(other);
	other = xsocket(type | SOCK_NONBLOCK);
	CHECK_RET("connect_after_close", connect(other, (struct sockaddr *)&la, lalen));
	xclose(other);
	xclose(ep);
	xclose(s);
	xclose(c);
}

/* listen(backlog): backlog + 1 connections wait; the next non-blocking connect is EAGAIN. */
static void unix_backlog(void)
{
	struct sockaddr_un la;
	socklen_t lalen;
	int l, c[8], i, ok = 0, s;

	conf_scenario("unix.backlog");
	l = xlistener(SOCK_STREAM, "backlog", 2, &la, &lalen);
	for (i = 0; i < 8; i++) {
		c[i] = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
		if (connect(c[i], (struct sockaddr *)&la, lalen) == 0)
			ok++;
		else if (ok == i)
			check_str("first_refusal", errno_name(errno));
	}
	check_int("connected", "count", ok);
	s = accept(l, NULL, NULL);
	check_newfd("accept_one", s, errno);
	CHECK_RET("connect_after_accept", connect(c[7], (struct sockaddr *)&la, lalen));
	CHECK_RET("connect_full_again", connect(c[6], (struct sockaddr *)&la, lalen));
	CHECK_RET("relisten_bigger", listen(l, 5));
	CHECK_RET("connect_after_relisten", connect(c[6], (struct sockaddr *)&la, lalen));
	for (i = 0; i < 8; i++)
		xclose(c[i]);
	while ((s = accept(l, NULL, NULL)) >= 0)
		xclose(s);
	check_str("accept_drained", errno_name(errno));
	xclose(l);
}

static void unix_names(void)
{
	struct sockaddr_un a, b;
	socklen_t alen, blen, len;
	int s, t, d;

	conf_scenario("unix.names");
	abstract_addr(&a, &alen, "nobody");
	s = xsocket(SOCK_STREAM);
	CHECK_RET("connect_abstract_nobody", connect(s, (struct sockaddr *)&a, alen));
	memset(&b, 0, sizeof(b));
	b.sun_family = AF_UNIX;
	strcpy(b.sun_path, "/nonexistent-epunk-conformance/sock");
	blen = (socklen_t)sizeof(b);
	CHECK_RET("connect_path_missing", connect(s, (struct sockaddr *)&b, blen));
	CHECK_RET("connect_len_2", connect(s, (struct sockaddr *)&a, SUN_BASE));
	CHECK_RET("connect_len_1", connect(s, (struct sockaddr *)&a, 1));
	CHECK_RET("connect_len_111", connect(s, (struct sockaddr *)&a, sizeof(a) + 1));
	a.sun_family = AF_INET;
	CHECK_RET("connect_family_inet", connect(s, (struct sockaddr *)&a, alen));
	CHECK_RET("bind_family_inet", bind(s, (struct sockaddr *)&a, alen));
	a.sun_family = AF_UNSPEC;
	CHECK_RET("connect_unspec_stream", connect(s, (struct sockaddr *)&a, alen));
	a.sun_family = AF_UNIX;
	CHECK_RET("bind_len_1", bind(s, (struct sockaddr *)&a, 1));
	CHECK_RET("bind_len_111", bind(s, (struct sockaddr *)&a, sizeof(a) + 1));
	CHECK_RET("bind_null", bind(s, hide_ptr(NULL), alen));

	/* An address of just the family: an automatic abstract name. */
	CHECK_RET("autobind", bind(s, (struct sockaddr *)&a, SUN_BASE));
	len = sizeof(b);
	getsockname(s, (struct sockaddr *)&b, &len);
	check_int("autobind_len", "len", len);
	{
		bool hex = b.sun_path[0] == 0;
		for (int i = 1; i < 6; i++)
			hex &= (b.sun_path[i] >= '0' && b.sun_path[i] <= '9') ||
			       (b.sun_path[i] >= 'a' && b.sun_path[i] <= 'f');
		check_int("autobind_five_hex_digits", "ok", hex);
	}
	CHECK_RET("autobind_again", bind(s, (struct sockaddr *)&a, SUN_BASE));
	CHECK_RET("bind_after_autobind", bind(s, (struct sockaddr *)&a, alen));
	CHECK_RET("listen_autobound", listen(s, 1));
	t = xsocket(SOCK_STREAM);
	CHECK_RET("connect_autobound", connect(t, (struct sockaddr *)&b, len));
	check_name("autobound_peer", t, true);
	xclose(t);
	xclose(s);

	/* Datagram sockets: addressed sends, the sender's address, connect and AF_UNSPEC. */
	abstract_addr(&a, &alen, "dg-server");
	s = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	xbind(s, &a, alen);
	d = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	CHECK_RET("dgram_send_unconnected", send(d, "x", 1, MSG_NOSIGNAL));
	CHECK_RET("dgram_sendto", sendto(d, "anon", 4, MSG_NOSIGNAL, (struct sockaddr *)&a, alen));
	check_recvfrom("dgram_recvfrom_unbound_sender", s, 16, 0);
	abstract_addr(&b, &blen, "dg-client");
	xbind(d, &b, blen);
	CHECK_RET("dgram_sendto_bound", sendto(d, "named", 5, MSG_NOSIGNAL, (struct sockaddr *)&a, alen));
	check_recvfrom("dgram_recvfrom_bound_sender", s, 16, 0);
	CHECK_RET("dgram_sendto_len_1", sendto(d, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&a, 1));
	abstract_addr(&b, &blen, "dg-nobody");
	CHECK_RET("dgram_sendto_nobody", sendto(d, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&b, blen));
	CHECK_RET("dgram_connect", connect(d, (struct sockaddr *)&a, alen));
	CHECK_RET("dgram_send_connected", send(d, "conn", 4, MSG_NOSIGNAL));
	check_recvfrom("dgram_recv_connected", s, 16, 0);
	/* The server connects elsewhere: the client may no longer send to it. */
	abstract_addr(&b, &blen, "dg-client");
	t = xsocket(SOCK_DGRAM);
	abstract_addr(&b, &blen, "dg-third");
	xbind(t, &b, blen);
	CHECK_RET("server_connect_third", connect(s, (struct sockaddr *)&b, blen));
	CHECK_RET("dgram_send_eperm", send(d, "x", 1, MSG_NOSIGNAL));
	a.sun_family = AF_UNSPEC;
	CHECK_RET("server_disconnect", connect(s, (struct sockaddr *)&a, SUN_BASE));
	CHECK_RET("dgram_send_after_unspec", send(d, "again", 5, MSG_NOSIGNAL));
	CHECK_RET("client_disconnect", connect(d, (struct sockaddr *)&a, 2));
	CHECK_RET("client_disconnect_len_1", connect(d, (struct sockaddr *)&a, 1));
	check_name("client_disconnected_peer", d, true);
	check_recvfrom("dgram_recv_after_unspec", s, 16, 0);
	CHECK_RET("dgram_listen", listen(s, 1));
	CHECK_RET("dgram_accept", accept(s, NULL, NULL));
	xclose(t);
	xclose(d);
	xclose(s);
}

/* Two datagram sockets connected to each other: one dissolving the link while data of the other
 * is queued drops it, and the other hears ECONNRESET. */
static void unix_dgram_disconnect(void)
{
	struct sockaddr_un aa, ba;
	socklen_t alen, blen;
	int a, b;

	conf_scenario("unix.dgram_disconnect");
	a = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	b = xsocket(SOCK_DGRAM | SOCK_NONBLOCK);
	abstract_addr(&aa, &alen, "dd-a");
	abstract_addr(&ba, &blen, "dd-b");
	xbind(a, &aa, alen);
	xbind(b, &ba, blen);
	CHECK_RET("a_connect_b", connect(a, (struct sockaddr *)&ba, blen));
	CHECK_RET("b_connect_a", connect(b, (struct sockaddr *)&aa, alen));
	check_send("b_to_a", b, "queued");
	check_send("a_to_b", a, "other");
	aa.sun_family = AF_UNSPEC;
	CHECK_RET("a_disconnect", connect(a, (struct sockaddr *)&aa, SUN_BASE));
	aa.sun_family = AF_UNIX;
	check_ioctl("a_inq_after_disconnect", a, SIOCINQ);
	check_state("a_after_disconnect", a);
	check_state("b_after_disconnect", b);
	check_recv("b_recv", b, 16, 0);
	check_so_error("b_so_error", b);
	check_recv("b_recv_again", b, 16, 0);
	check_send("b_send_still_connected", b, "x");
	check_recv("a_recv_from_b", a, 16, 0);
	/* An empty queue drops nothing and sets no error. */
	CHECK_RET("a_connect_b_again", connect(a, (struct sockaddr *)&ba, blen));
	aa.sun_family = AF_UNSPEC;
	CHECK_RET("a_disconnect_empty", connect(a, (struct sockaddr *)&aa, SUN_BASE));
	check_so_error("b_so_error_empty", b);
	/* Connecting elsewhere while data is queued counts as a disconnect too. */
	aa.sun_family = AF_UNIX;
	CHECK_RET("a_connect_b_third", connect(a, (struct sockaddr *)&ba, blen));
	check_send("b_to_a_third", b, "lost");
	CHECK_RET("a_connect_self", connect(a, (struct sockaddr *)&aa, alen));
	check_so_error("b_so_error_reconnect", b);
	check_send("a_to_self", a, "me");
	check_recvfrom("a_recv_self", a, 16, 0);
	xclose(a);
	xclose(b);
}

/* ---- message flags, readv/writev ---- */

static void unix_flags(void)
{
	int sv[2];
	char buf[32];
	struct iovec iov[3];
	struct vbuf b;
	ssize_t n;

	conf_scenario("unix.flags");
	xsocketpair(SOCK_STREAM, sv);
	xsend(sv[0], "abc", 3);
	xsend(sv[0], "def", 3);
	check_recv("stream_peek", sv[1], 5, MSG_PEEK);
	check_recv("stream_peek_all", sv[1], 16, MSG_PEEK);
	check_recv("stream_read_4", sv[1], 4, 0);
	check_recv("stream_read_rest", sv[1], 16, 0);
	check_recv("stream_dontwait_empty", sv[1], 16, 0);
	CHECK_RET("stream_recv_0_empty", recv(sv[1], buf, 0, MSG_DONTWAIT));
	xsend(sv[0], "g", 1);
	CHECK_RET("stream_recv_0_data", recv(sv[1], buf, 0, MSG_DONTWAIT));
	CHECK_RET("stream_read_0", read(sv[1], buf, 0));
	check_recv("stream_after_0", sv[1], 16, 0);
	CHECK_RET("stream_sendto_addr", sendto(sv[0], "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&iov, 4));
	CHECK_RET("stream_oob", send(sv[0], "x", 0, MSG_OOB | MSG_NOSIGNAL));

	iov[0] = (struct iovec){ "one ", 4 };
	iov[1] = (struct iovec){ "two ", 4 };
	iov[2] = (struct iovec){ "three", 5 };
	CHECK_RET("writev", writev(sv[0], iov, 3));
	memset(buf, 0, sizeof(buf));
	iov[0] = (struct iovec){ buf, 6 };
	iov[1] = (struct iovec){ buf + 6, 20 };
	n = readv(sv[1], iov, 2);
	vb_init(&b);
	vb_ret(&b, n, errno);
	vb_kv_str(&b, "data", buf);
	check_str("readv", b.s);
	xclose(sv[0]);
	xclose(sv[1]);

	xsocketpair(SOCK_DGRAM, sv);
	xsend(sv[0], "datagram-one", 12);
	xsend(sv[0], "two", 3);
	check_ioctl("dgram_inq", sv[1], SIOCINQ);
	check_recv("dgram_peek", sv[1], 4, MSG_PEEK);
	CHECK_RET("dgram_trunc", recv(sv[1], buf, 4, MSG_TRUNC | MSG_DONTWAIT));
	check_ioctl("dgram_inq_next", sv[1], SIOCINQ);
	check_recv("dgram_next", sv[1], 16, 0);
	xsend(sv[0], "zero", 4);
	CHECK_RET("dgram_recv_0_consumes", recv(sv[1], buf, 0, MSG_DONTWAIT));
	check_recv("dgram_after_0", sv[1], 16, 0);
	CHECK_RET("dgram_send_empty", send(sv[0], "", 0, MSG_NOSIGNAL));
	check_state("dgram_empty_queued", sv[1]);
	check_recv("dgram_recv_empty", sv[1], 16, 0);
	CHECK_RET("dgram_oob", send(sv[0], "x", 1, MSG_OOB | MSG_NOSIGNAL));
	xclose(sv[0]);
	xclose(sv[1]);

	xsocketpair(SOCK_SEQPACKET, sv);
	xsend(sv[0], "record-one", 10);
	xsend(sv[0], "rec2", 4);
	check_ioctl("seqpacket_inq", sv[1], SIOCINQ);
	check_recv("seqpacket_short", sv[1], 6, 0);
	check_recv("seqpacket_next", sv[1], 16, 0);
	CHECK_RET("seqpacket_sendto_addr",
		  sendto(sv[0], "s", 1, MSG_NOSIGNAL, (struct sockaddr *)&iov, 4));
	check_recv("seqpacket_after_sendto", sv[1], 16, 0);
	xclose(sv[0]);
	xclose(sv[1]);
}

/* ---- options and ioctls ---- */

static void unix_options(void)
{
	struct ucred cr;
	socklen_t len;
	struct vbuf b;
	int sv[2], s, v;

	conf_scenario("unix.options");
	xsocketpair(SOCK_STREAM, sv);
	check_getint("sndbuf", sv[0], SOL_SOCKET, SO_SNDBUF);
	check_getint("rcvbuf", sv[0], SOL_SOCKET, SO_RCVBUF);
	check_getint("acceptconn", sv[0], SOL_SOCKET, SO_ACCEPTCONN);
	check_getint("so_error", sv[0], SOL_SOCKET, SO_ERROR);
	len = sizeof(cr);
	memset(&cr, 0, sizeof(cr));
	v = getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len);
	vb_init(&b);
	vb_ret(&b, v, errno);
	vb_kv_int(&b, "len", len);
	vb_kv_int(&b, "pid_is_self", cr.pid == getpid());
	vb_kv_int(&b, "uid_is_self", cr.uid == getuid());
	vb_kv_int(&b, "gid_is_self", cr.gid == getgid());
	check_str("peercred_pair", b.s);
	len = 4;
	v = getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len);
	check_int("peercred_short_len", "len", v ? -1 : (long)len);
	CHECK_RET("getsockopt_level_tcp", getsockopt(sv[0], IPPROTO_TCP, 1, &v, &len));
	v = 1;
	CHECK_RET("setsockopt_level_tcp", setsockopt(sv[0], IPPROTO_TCP, 1, &v, sizeof(v)));
	CHECK_RET("setsockopt_reuseaddr", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	check_ioctl("fionread_empty", sv[0], FIONREAD);
	check_ioctl("siocoutq_empty", sv[0], SIOCOUTQ);
	CHECK_RET("fionread_bad_pointer", ioctl(sv[0], FIONREAD, hide_ptr(NULL)));
	CHECK_RET("ioctl_unknown", ioctl(sv[0], TIOCGWINSZ, &v));
	xsend(sv[0], bulk, 3000);
	check_ioctl("fionread_3000", sv[1], FIONREAD);
	check_ioctl("siocoutq_3000", sv[0], SIOCOUTQ);
	xclose(sv[0]);
	xclose(sv[1]);

	s = xsocket(SOCK_STREAM);
	len = sizeof(cr);
	v = getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len);
	vb_init(&b);
	vb_ret(&b, v, errno);
	vb_kv_int(&b, "pid", cr.pid);
	vb_kv_int(&b, "uid", (int)cr.uid);
	vb_kv_int(&b, "gid", (int)cr.gid);
	check_str("peercred_unconnected", b.s);
	check_ioctl("siocinq_unconnected", s, SIOCINQ);
	check_recv("recv_unconnected", s, 4, 0);
	check_send("send_unconnected", s, "x");
	check_name("peername_unconnected", s, true);
	CHECK_RET("shutdown_unconnected", shutdown(s, SHUT_RDWR));
	check_state("shutdown_unconnected_state", s);
	xclose(s);

	{
		struct sockaddr_un la;
		socklen_t lalen;
		int l = xlistener(SOCK_STREAM, "opts", 1, &la, &lalen);

		check_ioctl("siocinq_listener", l, SIOCINQ);
		check_ioctl("siocoutq_listener", l, SIOCOUTQ);
		check_recv("recv_listener", l, 4, 0);
		check_send("send_listener", l, "x");
		check_getint("acceptconn_listener", l, SOL_SOCKET, SO_ACCEPTCONN);
		len = sizeof(cr);
		v = getsockopt(l, SOL_SOCKET, SO_PEERCRED, &cr, &len);
		check_int("peercred_listener_pid_is_self", "ok", v == 0 && cr.pid == getpid());
		CHECK_RET("shutdown_listener_rd", shutdown(l, SHUT_RD));
		check_state("listener_shut_rd", l);
		CHECK_RET("accept_listener_shut_rd", accept(l, NULL, NULL));
		s = xsocket(SOCK_STREAM | SOCK_NONBLOCK);
		CHECK_RET("connect_listener_shut_rd", connect(s, (struct sockaddr *)&la, lalen));
		xclose(s);
		xclose(l);
	}
}

void area_unix(void)
{
	unix_create();
	unix_pair_states(SOCK_STREAM);
	unix_pair_states(SOCK_DGRAM);
	unix_pair_states(SOCK_SEQPACKET);
	unix_stream_full();
	unix_dgram_pair_full();
	unix_dgram_queue_full();
	unix_blocking();
	unix_named(SOCK_STREAM);
	unix_named(SOCK_SEQPACKET);
	unix_backlog();
	unix_names();
	unix_dgram_disconnect();
	unix_flags();
	unix_options();
}
