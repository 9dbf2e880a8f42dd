// SPDX-License-Identifier: MIT
/*
 * echo: an epoll echo server (TCP and UDP), written for Linux; it runs unchanged as an epunk
 * application and, built with gcc, as the Linux guest's server in the benchmark.
 *
 * usage: echo [port=7] [mode=et|lt] [max_conns=100000] [udp=on|off] [stats=SECONDS]
 *             [duration=SECONDS] [close_port=PORT] [busy_poll=USECS] [quiet]
 *
 * Non-blocking sockets, edge-triggered by default. The listener is drained on every wake-up;
 * each connection echoes what it reads, keeps what the socket would not take in a per-connection
 * output buffer and asks for EPOLLOUT only while that buffer is not empty. A connection whose
 * buffer passes OUT_HIGH, or whose buffer cannot grow (memory is short), stops being read until
 * the peer catches up (backpressure): data is never dropped and memory pressure closes nothing.
 * With close_port=PORT a second TCP listener serves the same echo, except that the server closes
 * a connection first, once it has echoed a read that ends in '\n' (tools/loadgen's
 * server-first close). Statistics
 * are printed every stats= seconds (0: never) and when the server stops (duration= elapsed).
 * With busy_poll=USECS, epoll_wait polls the NIC that long before it sleeps: set on the epoll
 * instance with EPIOCSPARAMS (Linux 6.9 and epunk; prefer_busy_poll on), or, where the kernel
 * lacks that ioctl, with SO_BUSY_POLL on every socket (Linux then also needs its
 * net.core.busy_poll sysctl for epoll_wait to poll).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS	256
#define IO_CHUNK	65536
#define OUT_HIGH	(256u << 10)	/* stop reading a connection with this much unsent */
#define TAG_LISTEN	((uint64_t)-1)
#define TAG_UDP		((uint64_t)-2)
#define TAG_LISTEN_CLOSE ((uint64_t)-3)

struct conn {
	int fd;
	bool closing;		/* peer finished sending: close once the output is flushed */
	bool want_out;		/* EPOLLOUT is in the interest set */
	bool throttled;		/* not reading: too much unsent */
	bool mem_wait;		/* not reading: the output buffer could not grow; retry on EPOLLOUT */
	bool close_on_line;	/* accepted on close_port: close after echoing a read ending in '\n' */
	char *out;		/* unsent bytes, out[out_off .. out_len) */
	size_t out_off, out_len, out_cap;
};

struct conn;
static void conn_close(struct conn *c);

struct stats {
	uint64_t accepted, closed, refused, active, peak;
	uint64_t reads, bytes_in, bytes_out, datagrams;
	uint64_t mem_throttled;	/* reads put off because an output buffer could not grow */
};

static struct {
	int port;
	int close_port;		/* 0: none */
	bool et;
	bool udp;
	bool quiet;
	long max_conns;
	long stats_every;	/* seconds, 0 = never */
	long duration;		/* seconds, 0 = forever */
	int busy_poll;		/* microseconds, 0 = off */
	bool busy_per_socket;	/* EPIOCSPARAMS missing: SO_BUSY_POLL on each socket */
} opt = { 7, 0, true, true, false, 100000, 0, 0, 0, false };

static int ep;
static struct conn **conns;	/* indexed by descriptor */
static long conns_size;
static struct stats st;
static char iobuf[IO_CHUNK];

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void print_stats(const char *when)
{
	printf("echo: %s: connections %llu accepted, %llu active (peak %llu), %llu closed, "
	       "%llu refused; %llu reads, %llu bytes in, %llu bytes out, %llu datagrams, "
	       "%llu memory throttles\n", when,
	       (unsigned long long)st.accepted, (unsigned long long)st.active,
	       (unsigned long long)st.peak, (unsigned long long)st.closed,
	       (unsigned long long)st.refused, (unsigned long long)st.reads,
	       (unsigned long long)st.bytes_in, (unsigned long long)st.bytes_out,
	       (unsigned long long)st.datagrams, (unsigned long long)st.mem_throttled);
}

static int parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = strchr(a, '=');
		char *end;
		long n = v ? strtol(v + 1, &end, 10) : 0;
		bool num_ok = v && v[1] && !*end;

		if (!strcmp(a, "quiet"))
			opt.quiet = true;
		else if (!strncmp(a, "port=", 5) && num_ok && n > 0 && n < 65536)
			opt.port = (int)n;
		else if (!strncmp(a, "close_port=", 11) && num_ok && n > 0 && n < 65536)
			opt.close_port = (int)n;
		else if (!strcmp(a, "mode=et") || !strcmp(a, "mode=lt"))
			opt.et = !strcmp(a, "mode=et");
		else if (!strcmp(a, "udp=on") || !strcmp(a, "udp=off"))
			opt.udp = !strcmp(a, "udp=on");
		else if (!strncmp(a, "max_conns=", 10) && num_ok && n > 0)
			opt.max_conns = n;
		else if (!strncmp(a, "stats=", 6) && num_ok && n >= 0)
			opt.stats_every = n;
		else if (!strncmp(a, "duration=", 9) && num_ok && n >= 0)
			opt.duration = n;
		else if (!strncmp(a, "busy_poll=", 10) && num_ok && n >= 0 && n <= INT32_MAX)
			opt.busy_poll = (int)n;
		else {
			fprintf(stderr, "echo: bad argument '%s'\n"
				"usage: echo [port=7] [mode=et|lt] [max_conns=N] [udp=on|off] "
				"[stats=SECONDS] [duration=SECONDS] [close_port=PORT] [busy_poll=USECS] "
				"[quiet]\n", a);
			return -1;
		}
	}
	return 0;
}

static int ctl(int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };
	return epoll_ctl(ep, op, fd, &ev);
}

static uint32_t conn_events(const struct conn *c)
{
	uint32_t e = EPOLLRDHUP | (opt.et ? EPOLLET : 0);
	if (!c->throttled)
		e |= EPOLLIN;
	if (c->want_out)
		e |= EPOLLOUT;
	return e;
}

static unsigned long errors_reported;

/* A connection that failed: say why (the first few times), then close it. */
static void conn_fail(struct conn *c, const char *what, int err)
{
	if (!opt.quiet && errors_reported++ < 10)
		printf("echo: closing a connection: %s: %s\n", what, err ? strerror(err) : "error");
	conn_close(c);
}

static void conn_close(struct conn *c)
{
	close(c->fd);	/* also leaves the epoll set */
	conns[c->fd] = NULL;
	free(c->out);
	free(c);
	st.closed++;
	st.active--;
}

/* Make room for @n more unsent bytes; false if memory ran out (nothing changes then). */
static bool out_reserve(struct conn *c, size_t n)
{
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + n <= c->out_cap)
		return true;
	if (c->out_off) {	/* slide the unsent part to the front first */
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
		if (c->out_len + n <= c->out_cap)
			return true;
	}
	/* Double, but never past what throttling allows: OUT_HIGH plus one read. */
	size_t cap = c->out_cap ? c->out_cap : 4096;
	while (cap < c->out_len + n)
		cap *= 2;
	if (cap > OUT_HIGH + IO_CHUNK && c->out_len + n <= OUT_HIGH + IO_CHUNK)
		cap = OUT_HIGH + IO_CHUNK;
	char *o = realloc(c->out, cap);
	if (!o)
		return false;
	c->out = o;
	c->out_cap = cap;
	return true;
}

/* Keep bytes the socket would not take; false if memory ran out. */
static bool out_append(struct conn *c, const char *p, size_t n)
{
	if (!out_reserve(c, n))
		return false;
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
	return true;
}

/* Send from the buffer; returns -1 when the connection failed. */
static int flush_out(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		c->out_off += (size_t)w;
		st.bytes_out += (uint64_t)w;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

static void update_interest(struct conn *c)
{
	bool pending = c->out_len > c->out_off;
	bool throttle = c->out_len - c->out_off > OUT_HIGH;
	if (pending != c->want_out || throttle != c->throttled) {
		c->want_out = pending;
		c->throttled = throttle;
		ctl(EPOLL_CTL_MOD, c->fd, conn_events(c), (uint64_t)c->fd);
	}
}

/* Echo what can be read: once in LT mode, until EAGAIN in ET mode. */
static void conn_read(struct conn *c)
{
	while (!c->throttled && !c->mem_wait && !c->closing) {
		/* With output pending, whatever is read has to be kept: make room first, and if
		 * memory is short, stop reading until the peer has taken some (EPOLLOUT). */
		if (c->out_len > c->out_off && !out_reserve(c, IO_CHUNK)) {
			st.mem_throttled++;
			c->mem_wait = true;
			break;
		}
		ssize_t r = read(c->fd, iobuf, sizeof(iobuf));
		if (r < 0) {
			if (errno == EAGAIN)
				break;
			conn_fail(c, "read", errno);
			return;
		}
		if (r == 0) {
			c->closing = true;
			break;
		}
		st.reads++;
		st.bytes_in += (uint64_t)r;
		size_t off = 0;
		if (c->out_len == c->out_off) {	/* nothing queued: write straight through */
			ssize_t w = send(c->fd, iobuf, (size_t)r, MSG_NOSIGNAL);
			if (w < 0 && errno != EAGAIN) {
				conn_fail(c, "send", errno);
				return;
			}
			if (w > 0) {
				off = (size_t)w;
				st.bytes_out += (uint64_t)w;
			}
		}
		if (off < (size_t)r && !out_append(c, iobuf + off, (size_t)r - off)) {
			conn_fail(c, "output buffer", ENOMEM);
			return;
		}
		if (c->close_on_line && iobuf[r - 1] == '\n')
			c->closing = true;	/* the server closes first, once this is flushed */
		if (c->out_len - c->out_off > OUT_HIGH)
			c->throttled = true;
		if (!opt.et)
			break;
	}
	if (c->closing && c->out_len == c->out_off) {
		conn_close(c);
		return;
	}
	update_interest(c);
}

static void conn_event(struct conn *c, uint32_t ev)
{
	if (ev & EPOLLERR) {
		int err = 0;
		socklen_t len = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		conn_fail(c, "EPOLLERR", err);
		return;
	}
	if (ev & EPOLLOUT) {
		if (flush_out(c)) {
			conn_fail(c, "send", errno);
			return;
		}
		if (c->closing && c->out_len == c->out_off) {
			conn_close(c);
			return;
		}
		bool was_throttled = c->throttled || c->mem_wait;
		c->mem_wait = false;
		update_interest(c);
		if (was_throttled && !c->throttled) {
			conn_read(c);	/* ET gives no new edge for data already waiting */
			return;
		}
	}
	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))
		conn_read(c);
}

static void accept_all(int lfd, bool close_on_line)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != ECONNABORTED && !opt.quiet)
				printf("echo: accept4: %s\n", strerror(errno));
			if (errno == ECONNABORTED)
				continue;
			return;
		}
		if ((long)st.active >= opt.max_conns || fd >= conns_size) {
			close(fd);
			st.refused++;
			continue;
		}
		struct conn *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			st.refused++;
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (opt.busy_per_socket)
			setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &opt.busy_poll, sizeof(opt.busy_poll));
		c->fd = fd;
		c->close_on_line = close_on_line;
		conns[fd] = c;
		st.accepted++;
		if (++st.active > st.peak)
			st.peak = st.active;
		if (ctl(EPOLL_CTL_ADD, fd, conn_events(c), (uint64_t)fd)) {
			conn_close(c);
			continue;
		}
		conn_read(c);	/* data may have arrived before the ADD */
		if (!opt.et)
			return;	/* LT: the listener stays ready while more wait */
	}
}

static void udp_echo(int ufd)
{
	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t r = recvfrom(ufd, iobuf, sizeof(iobuf), 0, (struct sockaddr *)&from, &flen);
		if (r < 0)
			return;
		st.datagrams++;
		st.bytes_in += (uint64_t)r;
		if (sendto(ufd, iobuf, (size_t)r, 0, (struct sockaddr *)&from, flen) == r)
			st.bytes_out += (uint64_t)r;
		if (!opt.et)
			return;
	}
}

static int open_socket(int type, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (type == SOCK_STREAM && listen(fd, 4096))) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct epoll_event events[MAX_EVENTS];
	int lfd, ufd = -1, cfd = -1;

	if (parse_args(argc, argv))
		return 2;
	conns_size = opt.max_conns + 1024;
	conns = calloc((size_t)conns_size, sizeof(*conns));
	ep = epoll_create1(EPOLL_CLOEXEC);
	lfd = open_socket(SOCK_STREAM, opt.port);
	if (!conns || ep < 0 || lfd < 0) {
		fprintf(stderr, "echo: cannot listen on TCP port %d: %s\n", opt.port, strerror(errno));
		return 1;
	}
	if (opt.busy_poll) {
		/* struct epoll_params and EPIOCSPARAMS, spelled here for C libraries that predate them */
		struct { uint32_t usecs; uint16_t budget; uint8_t prefer, pad; } bp = {
			(uint32_t)opt.busy_poll, 0, 1, 0 };
		if (ioctl(ep, 0x40088a01, &bp)) {
			printf("echo: EPIOCSPARAMS: %s; SO_BUSY_POLL on each socket instead\n",
			       strerror(errno));
			opt.busy_per_socket = true;
			setsockopt(lfd, SOL_SOCKET, SO_BUSY_POLL, &opt.busy_poll, sizeof(opt.busy_poll));
		}
	}
	ctl(EPOLL_CTL_ADD, lfd, EPOLLIN | (opt.et ? EPOLLET : 0), TAG_LISTEN);
	if (opt.udp) {
		ufd = open_socket(SOCK_DGRAM, opt.port);
		if (ufd < 0) {
			fprintf(stderr, "echo: cannot bind UDP port %d: %s\n", opt.port, strerror(errno));
			return 1;
		}
		ctl(EPOLL_CTL_ADD, ufd, EPOLLIN | (opt.et ? EPOLLET : 0), TAG_UDP);
	}
	if (opt.close_port) {
		cfd = open_socket(SOCK_STREAM, opt.close_port);
		if (cfd < 0) {
			fprintf(stderr, "echo: cannot listen on TCP port %d: %s\n", opt.close_port,
				strerror(errno));
			return 1;
		}
		ctl(EPOLL_CTL_ADD, cfd, EPOLLIN | (opt.et ? EPOLLET : 0), TAG_LISTEN_CLOSE);
		printf("echo: server-first close on TCP port %d\n", opt.close_port);
	}
	printf("echo: listening on TCP%s port %d (%s-triggered, max %ld connections%s)\n",
	       opt.udp ? " and UDP" : "", opt.port, opt.et ? "edge" : "level", opt.max_conns,
	       opt.busy_poll ? ", busy polling" : "");
	fflush(stdout);

	uint64_t start = now_ms(), next_stats = start + (uint64_t)opt.stats_every * 1000;
	uint64_t end = opt.duration ? start + (uint64_t)opt.duration * 1000 : 0;
	for (;;) {
		uint64_t now = now_ms(), wake = end;
		if (opt.stats_every && (!wake || next_stats < wake))
			wake = next_stats;
		int timeout = wake ? (wake > now ? (int)(wake - now) : 0) : -1;
		int n = epoll_wait(ep, events, MAX_EVENTS, timeout);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "echo: epoll_wait: %s\n", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = events[i].data.u64;
			if (tag == TAG_LISTEN)
				accept_all(lfd, false);
			else if (tag == TAG_LISTEN_CLOSE)
				accept_all(cfd, true);
			else if (tag == TAG_UDP)
				udp_echo(ufd);
			else if (conns[tag])
				conn_event(conns[tag], events[i].events);
		}
		now = now_ms();
		if (opt.stats_every && now >= next_stats) {
			print_stats("stats");
			next_stats = now + (uint64_t)opt.stats_every * 1000;
		}
		if (end && now >= end)
			break;
	}
	print_stats("shutdown");
	return 0;
}
