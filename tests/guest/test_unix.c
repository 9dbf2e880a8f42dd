// SPDX-License-Identifier: MIT
/* AF_UNIX internals, through the system calls (sys_*, a count or a negative errno): the send
 * accounting against truesizes measured on Linux 6.18 x86-64 (SIOCOUTQ), the wake-up keys each
 * operation delivers (and the peer_wake relay of a full datagram receiver), the in-memory path
 * names, sockets that outlive their file while a peer or queued data points at them, timeouts,
 * automatic names, bulk transfers between threads with every byte checked, and that every
 * socket, file and descriptor is given back. Linux's own behaviour of the calls is checked by
 * the conformance suite's unix area. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/ktest.h>
#include <kernel/poll.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <net/socket.h>
#include <net/sys_socket.h>
#include <uapi/fcntl.h>
#include <uapi/sockios.h>
#include <uapi/socket.h>
#include <uapi/time.h>
#include <uapi/un.h>

#include "key_rec.h"

#define SA(a)		((struct sockaddr *)(a))
#define SUN_BASE	((socklen_t)offsetof(struct sockaddr_un, sun_path))
#define RD_KEY		(EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND)
#define WR_KEY		(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND)

static char big[425984];	/* off the thread stacks */

static long snd(int fd, const void *buf, size_t len, int flags)
{
	return sys_sendto(fd, buf, len, flags | MSG_NOSIGNAL, NULL, 0);
}

static long rcv(int fd, void *buf, size_t len, int flags)
{
	return sys_recvfrom(fd, buf, len, flags, NULL, NULL);
}

static int ioctl_int(int fd, unsigned cmd)
{
	int v = -12345;
	long err = sys_ioctl(fd, cmd, (unsigned long)&v);
	return err ? (int)err - 1000 : v;
}

static uint32_t pmask(int fd)
{
	struct pollfd p = { fd, (short)0x7fff, 0 };
	if (sys_poll(&p, 1, 0) < 0)
		return 0xdead;
	return (uint16_t)p.revents;
}

static void pair_close(int sv[2])
{
	sys_close(sv[0]);
	sys_close(sv[1]);
}

/* An abstract (@path false) or path name @s; its length in *len. */
static struct sockaddr_un name_of(const char *s, bool path, socklen_t *len)
{
	struct sockaddr_un a;
	size_t n = strlen(s);

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path + (path ? 0 : 1), s, n);
	*len = SUN_BASE + (socklen_t)n + 1;	/* a path's NUL, or an abstract name's leading 0 */
	return a;
}

/* Hang @r on @fd's wait queue, as epoll_ctl(ADD) does. */
struct q_attach {
	struct poll_table pt;
	struct key_rec *rec;
};

static void q_attach_proc(struct file *f, struct wait_queue_head *wq, struct poll_table *pt)
{
	struct q_attach *q = container_of(pt, struct q_attach, pt);
	(void)f;
	q->rec->wq = wq;
	add_wait_queue(wq, &q->rec->we);
}

static void watch_fd(int fd, struct key_rec *r)
{
	struct file *f = fd_get(fd);
	struct q_attach q = { .rec = r };
	memset(r, 0, sizeof(*r));
	wait_entry_init(&r->we, key_rec_wake, NULL);
	poll_table_init(&q.pt, q_attach_proc, ~0u);
	f->f_op->poll(f, &q.pt);
	file_put(f);
}

static void unwatch(struct key_rec *r)
{
	if (r->wq)
		remove_wait_queue(r->wq, &r->we);
	r->wq = NULL;
}

/* The baseline of the leak check: taken by the first case that runs. */
static bool baseline_taken;
static long unix0, socks0, files0;
static int fds0;

static void baseline(void)
{
	if (baseline_taken)
		return;
	unix0 = unix_socks_alive();
	socks0 = socks_alive();
	files0 = files_alive();
	fds0 = fd_count();
	baseline_taken = true;
}

/* ---- the send accounting ---- */

/*
 * SIOCOUTQ after one non-blocking send of each size on a fresh pair: the truesize Linux 6.18
 * x86-64 charged (measured there with the same calls). Stream sends are split into messages of
 * at most 36544 bytes, datagrams are one message each.
 */
KTEST(af_unix, truesize_matches_linux)
{
	static const struct { int type; uint32_t len; int outq; } rows[] = {
		{ SOCK_STREAM, 1, 768 },	{ SOCK_STREAM, 100, 768 },
		{ SOCK_STREAM, 200, 1280 },	{ SOCK_STREAM, 1000, 2304 },
		{ SOCK_STREAM, 2000, 4352 },	{ SOCK_STREAM, 3500, 4352 },
		{ SOCK_STREAM, 3800, 4864 },	{ SOCK_STREAM, 4096, 4864 },
		{ SOCK_STREAM, 5000, 6400 },	{ SOCK_STREAM, 8000, 8960 },
		{ SOCK_STREAM, 16384, 17152 },	{ SOCK_STREAM, 20000, 20736 },
		{ SOCK_STREAM, 36000, 37120 },	{ SOCK_STREAM, 40000, 41472 },
		{ SOCK_STREAM, 65536, 67072 },	{ SOCK_STREAM, 100000, 103168 },
		{ SOCK_STREAM, 200000, 204288 },
		{ SOCK_DGRAM, 0, 768 },		{ SOCK_DGRAM, 1, 768 },
		{ SOCK_DGRAM, 500, 1280 },	{ SOCK_DGRAM, 3800, 8448 },
		{ SOCK_DGRAM, 8000, 16640 },	{ SOCK_DGRAM, 16000, 16640 },
		{ SOCK_DGRAM, 16384, 20736 },	{ SOCK_DGRAM, 40000, 41216 },
		{ SOCK_DGRAM, 106432, 135424 },	{ SOCK_DGRAM, 150000, 200960 },
		{ SOCK_DGRAM, 200000, 200960 },
		{ SOCK_SEQPACKET, 3800, 8448 },	{ SOCK_SEQPACKET, 65536, 69888 },
	};
	int sv[2];

	baseline();
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		ASSERT_EQ(sys_socketpair(AF_UNIX, rows[i].type | SOCK_NONBLOCK, 0, sv), 0);
		EXPECT_EQ(snd(sv[0], big, rows[i].len, 0), rows[i].len);
		if (ioctl_int(sv[0], SIOCOUTQ) != rows[i].outq)
			ktest_fail(ktest_ctx, __FILE__, __LINE__, "type %d, %u bytes: SIOCOUTQ %d, Linux %d",
				   rows[i].type, rows[i].len, ioctl_int(sv[0], SIOCOUTQ), rows[i].outq);
		EXPECT_EQ(ioctl_int(sv[1], SIOCINQ), (int)rows[i].len);
		pair_close(sv);
	}
}

/* Writable while at most a quarter of SO_SNDBUF is in flight; sends allowed while below it. */
KTEST(af_unix, writable_quarter_sendable_below)
{
	int sv[2], n = 0, first_unwritable = 0;

	ASSERT_EQ(sys_socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	while (snd(sv[0], "x", 1, 0) == 1) {
		n++;
		if (!first_unwritable && !(pmask(sv[0]) & EPOLLOUT))
			first_unwritable = n;
	}
	EXPECT_EQ(n, 278);		/* 277 * 768 < 212992 <= 278 * 768 */
	EXPECT_EQ(first_unwritable, 70);	/* (70 * 768 + 1) * 4 > 212992 */
	EXPECT_EQ(snd(sv[0], "x", 1, 0), -EAGAIN);
	/* A smaller SO_SNDBUF applies at once (Linux doubles the value given). */
	int v = 4096;
	EXPECT_EQ(sys_setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
	/* Messages of (8192 >> 1) - 64 bytes, each charged 4864: two fit (Linux: the same). */
	EXPECT_EQ(snd(sv[1], big, 100000, 0), 2 * 4032);
	EXPECT_EQ(ioctl_int(sv[1], SIOCOUTQ), 2 * 4864);
	pair_close(sv);
}

/* ---- wake-ups ---- */

KTEST(af_unix, wakeup_keys)
{
	struct key_rec ka, kb;
	int sv[2];
	char c[8];

	ASSERT_EQ(sys_socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	watch_fd(sv[0], &ka);
	watch_fd(sv[1], &kb);

	/* Data: the reader's queue, as readable. The sender is not woken. */
	EXPECT_EQ(snd(sv[0], "ab", 2, 0), 2);
	EXPECT_EQ(kb.n, 1);
	EXPECT_EQ(kb.keys[0], RD_KEY);
	EXPECT_EQ(ka.n, 0);
	/* A partial read frees nothing; consuming the message gives the sender its space back. */
	EXPECT_EQ(rcv(sv[1], c, 1, 0), 1);
	EXPECT_EQ(ka.n, 0);
	EXPECT_EQ(rcv(sv[1], c, 1, 0), 1);
	EXPECT_EQ(ka.n, 1);
	EXPECT_EQ(ka.keys[0], WR_KEY);
	EXPECT_EQ(kb.n, 1);

	/* shutdown: our own socket first, then the peer, each with every event (NULL). */
	EXPECT_EQ(sys_shutdown(sv[0], SHUT_WR), 0);
	EXPECT_EQ(ka.n, 2);
	EXPECT_EQ(ka.keys[1], 0);
	EXPECT_EQ(kb.n, 2);
	EXPECT_EQ(kb.keys[1], 0);

	/* close: the peer hears it as a state change. */
	unwatch(&ka);
	sys_close(sv[0]);
	EXPECT_EQ(kb.n, 3);
	EXPECT_EQ(kb.keys[2], 0);
	unwatch(&kb);
	sys_close(sv[1]);

	/* A listener: a connect wakes it as readable. */
	socklen_t len;
	struct sockaddr_un a = name_of("ktest-keys", false, &len);
	int l = (int)sys_socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), s;
	ASSERT_GE(l, 0);
	EXPECT_EQ(sys_bind(l, SA(&a), len), 0);
	EXPECT_EQ(sys_listen(l, 1), 0);
	watch_fd(l, &ka);
	s = (int)sys_socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(sys_connect(s, SA(&a), len), 0);
	EXPECT_EQ(ka.n, 1);
	EXPECT_EQ(ka.keys[0], RD_KEY);
	unwatch(&ka);
	sys_close(s);
	sys_close(l);
}

/* A datagram client whose receiver's queue is full hooks its peer_wake on the receiver: the
 * receiver's read is relayed to the client's queue with the read's key. */
KTEST(af_unix, peer_wake_relay)
{
	socklen_t len;
	struct sockaddr_un a = name_of("ktest-relay", false, &len);
	struct key_rec kc;
	int s = (int)sys_socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int c = (int)sys_socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	char buf[4];

	ASSERT_GE(s, 0);
	ASSERT_GE(c, 0);
	EXPECT_EQ(sys_bind(s, SA(&a), len), 0);
	EXPECT_EQ(sys_connect(c, SA(&a), len), 0);
	for (int i = 0; i < 11; i++)
		EXPECT_EQ(snd(c, "d", 1, 0), 1);
	EXPECT_EQ(snd(c, "d", 1, 0), -EAGAIN);	/* hooks peer_wake */
	watch_fd(c, &kc);
	EXPECT_EQ(kc.n, 0);
	EXPECT_EQ(pmask(c) & EPOLLOUT, 0);

	/* The read: first the relay (peer_wait's key), then the freed message's write space. */
	EXPECT_EQ(rcv(s, buf, sizeof(buf), MSG_DONTWAIT), 1);
	EXPECT_EQ(kc.n, 2);
	EXPECT_EQ(kc.keys[0], WR_KEY);
	EXPECT_EQ(kc.keys[1], WR_KEY);
	/* Unhooked: the next read gives only the write space. */
	EXPECT_EQ(rcv(s, buf, sizeof(buf), MSG_DONTWAIT), 1);
	EXPECT_EQ(kc.n, 3);

	/* Full again, hooked by poll this time; the receiver's close relays every event. */
	EXPECT_EQ(snd(c, "d", 1, 0), 1);
	EXPECT_EQ(snd(c, "d", 1, 0), 1);
	EXPECT_EQ(pmask(c) & EPOLLOUT, 0);
	int n0 = kc.n;
	sys_close(s);
	EXPECT_GE(kc.n, n0 + 1);
	EXPECT_EQ(kc.keys[n0], 0);
	EXPECT_EQ(pmask(c) & EPOLLOUT, EPOLLOUT);	/* so that the next send finds ECONNREFUSED */
	EXPECT_EQ(snd(c, "d", 1, 0), -ECONNREFUSED);
	unwatch(&kc);
	sys_close(c);
}

/* ---- path names (epunk's: kept in memory) ---- */

KTEST(af_unix, path_names)
{
	socklen_t len, olen;
	struct sockaddr_un a = name_of("/run/ktest.sock", true, &len), o;
	int s = (int)sys_socket(AF_UNIX, SOCK_STREAM, 0), d, c;

	ASSERT_GE(s, 0);
	EXPECT_EQ(sys_connect(s, SA(&a), len), -ENOENT);
	EXPECT_EQ(sys_bind(s, SA(&a), len), 0);
	olen = sizeof(o);
	EXPECT_EQ(sys_getsockname(s, SA(&o), &olen), 0);
	EXPECT_EQ(olen, SUN_BASE + 16);		/* the path and its NUL */
	EXPECT_EQ(memcmp(o.sun_path, "/run/ktest.sock", 16), 0);
	/* A length without the NUL, or with garbage after it, names the same path. */
	d = (int)sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT_EQ(sys_bind(d, SA(&a), len - 1), -EADDRINUSE);	/* one space for every type */
	memset(a.sun_path + 16, 'z', sizeof(a.sun_path) - 16);
	EXPECT_EQ(sys_bind(d, SA(&a), sizeof(a)), -EADDRINUSE);
	EXPECT_EQ(sys_connect(d, SA(&a), sizeof(a)), -EPROTOTYPE);
	EXPECT_EQ(sys_bind(s, SA(&a), sizeof(a)), -EADDRINUSE);	/* the path is checked first */
	EXPECT_EQ(sys_listen(s, 1), 0);
	c = (int)sys_socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(sys_connect(c, SA(&a), sizeof(a)), 0);
	olen = sizeof(o);
	EXPECT_EQ(sys_getpeername(c, SA(&o), &olen), 0);
	EXPECT_EQ(olen, SUN_BASE + 16);
	sys_close(c);
	/* Names are compared byte for byte: no directories are resolved. */
	struct sockaddr_un b = name_of("/run/./ktest.sock", true, &len);
	c = (int)sys_socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(sys_connect(c, SA(&b), len), -ENOENT);
	/* The name lives as long as its socket's file (Linux would leave the file: ECONNREFUSED). */
	sys_close(s);
	a = name_of("/run/ktest.sock", true, &len);
	EXPECT_EQ(sys_connect(c, SA(&a), len), -ENOENT);
	EXPECT_EQ(sys_bind(d, SA(&a), len), 0);
	sys_close(c);
	sys_close(d);

	/* A path that fills sun_path: its NUL still counts (Linux's 111 bytes). */
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	memset(a.sun_path, 'p', sizeof(a.sun_path));
	s = (int)sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT_EQ(sys_bind(s, SA(&a), sizeof(a)), 0);
	olen = sizeof(struct sockaddr_storage);
	struct sockaddr_storage st;
	EXPECT_EQ(sys_getsockname(s, SA(&st), &olen), 0);
	EXPECT_EQ(olen, 111);
	sys_close(s);
}

KTEST(af_unix, autobind_names_differ)
{
	enum { N = 64 };
	static int fds[N];
	static struct sockaddr_un names[N];
	struct sockaddr_un fam = { .sun_family = AF_UNIX };
	int dup = 0;

	for (int i = 0; i < N; i++) {
		socklen_t len = sizeof(names[i]);
		fds[i] = (int)sys_socket(AF_UNIX, SOCK_DGRAM, 0);
		EXPECT_EQ(sys_bind(fds[i], SA(&fam), SUN_BASE), 0);
		EXPECT_EQ(sys_getsockname(fds[i], SA(&names[i]), &len), 0);
		EXPECT_EQ(len, SUN_BASE + 6);
		for (int j = 0; j < i; j++)
			dup += !memcmp(names[i].sun_path, names[j].sun_path, 6);
	}
	EXPECT_EQ(dup, 0);
	/* Each is reachable by its name. */
	EXPECT_EQ(sys_sendto(fds[1], "n", 1, 0, SA(&names[0]), SUN_BASE + 6), 1);
	struct sockaddr_un from;
	socklen_t flen = sizeof(from);
	char ch;
	EXPECT_EQ(sys_recvfrom(fds[0], &ch, 1, MSG_DONTWAIT, SA(&from), &flen), 1);
	EXPECT_EQ(flen, SUN_BASE + 6);
	EXPECT_EQ(memcmp(from.sun_path, names[1].sun_path, 6), 0);
	for (int i = 0; i < N; i++)
		sys_close(fds[i]);
}

/* ---- lifetime ---- */

/* A socket whose file is closed lives on while its peer or data it sent points at it. */
KTEST(af_unix, outlives_its_file)
{
	long u0 = unix_socks_alive(), s0 = socks_alive();
	int sv[2];

	ASSERT_EQ(sys_socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	EXPECT_EQ(unix_socks_alive(), u0 + 2);
	EXPECT_EQ(snd(sv[0], "abc", 3, 0), 3);
	sys_close(sv[0]);
	EXPECT_EQ(unix_socks_alive(), u0 + 2);	/* sv[1]'s peer and its queued data */
	char buf[8];
	EXPECT_EQ(rcv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 3);
	EXPECT_EQ(rcv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 0);
	EXPECT_EQ(unix_socks_alive(), u0 + 2);	/* still its peer */
	sys_close(sv[1]);
	EXPECT_EQ(unix_socks_alive(), u0);
	EXPECT_EQ(socks_alive(), s0);

	/* A datagram sender closes with messages queued at a named receiver. */
	socklen_t len;
	struct sockaddr_un a = name_of("ktest-outlive", false, &len);
	int s = (int)sys_socket(AF_UNIX, SOCK_DGRAM, 0), c = (int)sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT_EQ(sys_bind(s, SA(&a), len), 0);
	EXPECT_EQ(sys_sendto(c, "m1", 2, 0, SA(&a), len), 2);
	EXPECT_EQ(sys_sendto(c, "m2", 2, 0, SA(&a), len), 2);
	sys_close(c);
	EXPECT_EQ(unix_socks_alive(), u0 + 2);
	EXPECT_EQ(rcv(s, buf, sizeof(buf), MSG_DONTWAIT), 2);
	EXPECT_EQ(unix_socks_alive(), u0 + 2);
	EXPECT_EQ(rcv(s, buf, sizeof(buf), MSG_DONTWAIT), 2);
	EXPECT_EQ(unix_socks_alive(), u0 + 1);	/* its last message is gone */
	sys_close(s);
	EXPECT_EQ(unix_socks_alive(), u0);
}

/* Closing a listener releases the connections it still queues, and what they hold. */
KTEST(af_unix, listener_close_releases_pending)
{
	long u0 = unix_socks_alive();
	socklen_t len;
	struct sockaddr_un a = name_of("ktest-pending", false, &len);
	int l = (int)sys_socket(AF_UNIX, SOCK_SEQPACKET, 0), c[3];

	ASSERT_GE(l, 0);
	EXPECT_EQ(sys_bind(l, SA(&a), len), 0);
	EXPECT_EQ(sys_listen(l, 8), 0);
	for (int i = 0; i < 3; i++) {
		c[i] = (int)sys_socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
		EXPECT_EQ(sys_connect(c[i], SA(&a), len), 0);
		EXPECT_EQ(snd(c[i], big, 1000, 0), 1000);
	}
	EXPECT_EQ(unix_socks_alive(), u0 + 7);		/* the listener, 3 clients, 3 pending */
	EXPECT_EQ(ioctl_int(c[0], SIOCOUTQ), 2304);
	sys_close(l);
	/* The listener is gone; each pending end lives on as its client's peer. */
	EXPECT_EQ(unix_socks_alive(), u0 + 6);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(ioctl_int(c[i], SIOCOUTQ), 0);
		EXPECT_EQ(pmask(c[i]) & (EPOLLERR | EPOLLHUP), EPOLLERR | EPOLLHUP);
		EXPECT_EQ(snd(c[i], "x", 1, 0), -ECONNRESET);	/* seqpacket: the error first */
		EXPECT_EQ(snd(c[i], "x", 1, 0), -EPIPE);
		sys_close(c[i]);
	}
	EXPECT_EQ(unix_socks_alive(), u0);
}

/* ---- timeouts ---- */

KTEST(af_unix, timeouts)
{
	struct timeval tv = { 0, 30000 };
	int sv[2];
	char c;
	uint64_t t;

	ASSERT_EQ(sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(sys_setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	EXPECT_EQ(sys_setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	t = ktime_ns();
	EXPECT_EQ(rcv(sv[0], &c, 1, 0), -EAGAIN);
	EXPECT_GE(ktime_ns() - t, 30 * NSEC_PER_MSEC);
	/* A blocking send that fills the queue: what fitted, after the timeout. */
	t = ktime_ns();
	long n = snd(sv[0], big, 400000, 0);
	EXPECT_GE(ktime_ns() - t, 30 * NSEC_PER_MSEC);
	EXPECT_EQ(n, 219264);
	t = ktime_ns();
	EXPECT_EQ(snd(sv[0], "x", 1, 0), -EAGAIN);
	EXPECT_GE(ktime_ns() - t, 30 * NSEC_PER_MSEC);
	pair_close(sv);

	/* accept, and a connect to a full listener. */
	socklen_t len;
	struct sockaddr_un a = name_of("ktest-timeo", false, &len);
	int l = (int)sys_socket(AF_UNIX, SOCK_STREAM, 0), c1, c2;
	EXPECT_EQ(sys_setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	EXPECT_EQ(sys_bind(l, SA(&a), len), 0);
	EXPECT_EQ(sys_listen(l, 0), 0);
	t = ktime_ns();
	EXPECT_EQ(sys_accept(l, NULL, NULL), -EAGAIN);
	EXPECT_GE(ktime_ns() - t, 30 * NSEC_PER_MSEC);
	c1 = (int)sys_socket(AF_UNIX, SOCK_STREAM, 0);
	c2 = (int)sys_socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(sys_setsockopt(c2, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	EXPECT_EQ(sys_connect(c1, SA(&a), len), 0);
	t = ktime_ns();
	EXPECT_EQ(sys_connect(c2, SA(&a), len), -EAGAIN);
	EXPECT_GE(ktime_ns() - t, 30 * NSEC_PER_MSEC);
	sys_close(c1);
	sys_close(c2);
	sys_close(l);
}

/* ---- threads ---- */

struct pump {
	int fd;
	int type;
	size_t total;		/* bytes to move */
	uint32_t seed;
	long err;		/* the first failure, or 0 */
};

static uint8_t pattern(size_t i, uint32_t seed)
{
	return (uint8_t)(i * 31 + (i >> 9) + seed);
}

/* Sends @total bytes of the pattern in blocking writes of varying size. */
static void *pump_writer(void *arg)
{
	struct pump *p = arg;
	static char wbuf[70000];
	size_t off = 0, step = 1;

	while (off < p->total) {
		size_t n = MIN(p->total - off, step);
		if (p->type != SOCK_STREAM)
			n = MIN(n, (size_t)65000);
		for (size_t i = 0; i < n; i++)
			wbuf[i] = (char)pattern(off + i, p->seed);
		long w = snd(p->fd, wbuf, n, 0);
		if (w <= 0) {
			p->err = w ? w : -EIO;
			break;
		}
		if (p->type != SOCK_STREAM && (size_t)w != n) {
			p->err = -EMSGSIZE;
			break;
		}
		off += (size_t)w;
		step = step * 3 % 69999 + 1;	/* 1 .. 69999 bytes */
	}
	return NULL;
}

/* Reads @total bytes and checks every one. */
static long pump_read(struct pump *p)
{
	static char rbuf[70000];
	size_t off = 0;

	while (off < p->total) {
		long n = rcv(p->fd, rbuf, sizeof(rbuf), 0);
		if (n <= 0)
			return n ? n : -EIO;
		for (long i = 0; i < n; i++)
			if ((uint8_t)rbuf[i] != pattern(off + (size_t)i, p->seed))
				return -EIO - 1000;	/* a wrong byte */
		off += (size_t)n;
	}
	return 0;
}

KTEST(af_unix, threads_move_every_byte)
{
	static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET, SOCK_DGRAM };

	for (size_t t = 0; t < ARRAY_SIZE(types); t++) {
		int sv[2];
		ASSERT_EQ(sys_socketpair(AF_UNIX, types[t], 0, sv), 0);
		struct pump w = { sv[0], types[t], 3u << 20, (uint32_t)t + 7, 0 };
		struct pump r = w;
		r.fd = sv[1];
		struct thread *th = thread_create("unix-writer", pump_writer, &w, 2);
		ASSERT_TRUE(th != NULL);
		EXPECT_EQ(pump_read(&r), 0);
		thread_join(th);
		EXPECT_EQ(w.err, 0);
		EXPECT_EQ(ioctl_int(sv[0], SIOCOUTQ), 0);
		pair_close(sv);
	}
}

/* ---- leaks ---- */

KTEST(af_unix, everything_freed)
{
	baseline();
	EXPECT_EQ(unix_socks_alive(), unix0);
	EXPECT_EQ(socks_alive(), socks0);
	EXPECT_EQ(files_alive(), files0);
	EXPECT_EQ(fd_count(), fds0);
}
