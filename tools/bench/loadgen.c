// SPDX-License-Identifier: MIT
/*
 * loadgen: a host-side TCP load generator for the reliability workloads (tools/bench/soak.sh,
 * tests/scale.sh): many connections held at once, or connect/echo/close cycles by the hundred
 * thousand, every echoed byte checked. One thread, non-blocking sockets, one epoll set.
 *
 * usage: loadgen --mode hold|churn [options] HOST PORT
 *   -n N               hold: connections to open, echo on and hold (default 1000)
 *   -m M               churn: connect/echo/close cycles (default 10000)
 *   --close-port P     churn: the server's port that closes first after a line (echo close_port=)
 *   --mix C:S:R        churn: weights of client-first close, server-first close, RST (SO_LINGER 0)
 *                      closes (default 1:1:1; S needs --close-port)
 *   -k K               connections being set up / cycles under way at once (default 256)
 *   -s B               payload bytes per echo (default 64, 2..65536)
 *   --hold-stdin       hold: once all are held, print "loadgen: holding", wait for EOF on stdin,
 *                      then echo once more on each and close them all
 *   --hold S           hold: seconds to hold (default 0) when --hold-stdin is not given
 *   --retries R        connect attempts after a refusal or timeout (default 8)
 *   --connect-timeout S  seconds a connect may take before it is retried (default 10)
 *   --op-timeout S     seconds an echo or an awaited close may take (default 60)
 *   --deadline S       give up after this many seconds overall (default 3600)
 *   --sources A/N      connect from the N addresses A, A+1, ... in turn (the host holds them):
 *                      N times the ports for connections left in TIME_WAIT here (60 s each)
 *
 * Connection setup: ECONNREFUSED, ETIMEDOUT, ECONNRESET and connect timeouts (the server's
 * accept queue full drops SYNs) are counted and the connect retried with a growing pause, up to
 * --retries times. Once connected, anything short of the full echo (reset, early EOF, wrong
 * bytes, timeout) is a failure; its bytes count as lost. The last line on stdout is the summary,
 * key=value pairs. Exit status: 0 when every connection or cycle succeeded with every byte
 * verified, 1 when any failed, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
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
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS	512
#define TAG_STDIN	UINT32_MAX

enum state { ST_IDLE, ST_BACKOFF, ST_CONNECTING, ST_SENDING, ST_RECEIVING, ST_HELD, ST_WAIT_EOF,
	     ST_DONE };
enum close_kind { CLOSE_CLIENT, CLOSE_SERVER, CLOSE_RST };

struct lconn {
	int fd;			/* -1 when none */
	enum state state;
	enum close_kind kind;	/* how this cycle ends (churn); hold closes client-first */
	uint32_t seq;		/* cycle or connection number: seeds the payload */
	uint32_t round;		/* hold: 0 before holding, 1 after */
	uint32_t sent, rcvd;	/* bytes of this echo */
	int tries;		/* connect attempts so far */
	uint64_t deadline;	/* ms: connect / echo / backoff deadline */
};

static struct {
	bool hold_mode;
	long n, cycles, inflight, size, retries, hold_s;
	long connect_timeout, op_timeout, deadline;
	int port, close_port;
	unsigned mix[3];
	bool hold_stdin;
	struct sockaddr_in addr;
	uint32_t src0;		/* --sources: the first address (host order), */
	long nsrc;		/* and how many; 0: the kernel's choice */
} opt = { .n = 1000, .cycles = 10000, .inflight = 256, .size = 64, .retries = 8,
	  .connect_timeout = 10, .op_timeout = 60, .deadline = 3600, .mix = { 1, 1, 1 } };

static struct {
	uint64_t ok, failed, started, bytes_verified, bytes_lost, refused, timeouts, resets,
		 retries, corrupt, by_kind[3];
	long held, peak_open;
} st;

static long in_state[ST_DONE + 1];	/* connections in each state */
static int ep;
static struct lconn *conns;	/* hold: one per connection; churn: one per slot */
static long nconns, open_now;
static char *expect, *rbuf;

static void set_state(struct lconn *c, enum state s)
{
	in_state[c->state]--;
	in_state[s]++;
	c->state = s;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The payload of echo @seq/@round: letters, the last byte '\n' (the close port's trigger). */
static void payload(char *p, uint32_t seq, uint32_t round)
{
	uint32_t x = seq * 2654435761u + round * 40503u + 1;
	for (long i = 0; i < opt.size - 1; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (char)('a' + (x >> 16) % 26);
	}
	p[opt.size - 1] = '\n';
}

static int ctl(int op, struct lconn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u32 = (uint32_t)(c - conns) };
	return epoll_ctl(ep, op, c->fd, &ev);
}

static void conn_drop(struct lconn *c, bool rst)
{
	if (c->fd < 0)
		return;
	if (rst) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	close(c->fd);
	c->fd = -1;
	open_now--;
}

static void conn_start(struct lconn *c)
{
	uint16_t port = (uint16_t)(c->kind == CLOSE_SERVER ? opt.close_port : opt.port);
	struct sockaddr_in a = opt.addr;
	a.sin_port = htons(port);

	c->tries++;
	c->sent = c->rcvd = 0;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fprintf(stderr, "loadgen: socket: %s\n", strerror(errno));
		exit(1);
	}
	if (++open_now > st.peak_open)
		st.peak_open = open_now;
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (opt.nsrc) {
		static unsigned long next_src;
		struct sockaddr_in s = { .sin_family = AF_INET };
		s.sin_addr.s_addr = htonl(opt.src0 + (uint32_t)(next_src++ % (unsigned long)opt.nsrc));
		/* the port is picked at connect, for the whole 4-tuple */
		setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (bind(c->fd, (struct sockaddr *)&s, sizeof(s))) {
			fprintf(stderr, "loadgen: bind to %s: %s\n", inet_ntoa(s.sin_addr),
				strerror(errno));
			exit(1);
		}
	}
	set_state(c, ST_CONNECTING);
	c->deadline = now_ms() + (uint64_t)opt.connect_timeout * 1000;
	if (connect(c->fd, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS) {
		fprintf(stderr, "loadgen: connect: %s\n", strerror(errno));
		exit(1);
	}
	ctl(EPOLL_CTL_ADD, c, EPOLLOUT);
}

/* A connect that did not make it: count why, retry later or give up. */
static void connect_failed(struct lconn *c, int err)
{
	if (err == ECONNREFUSED)
		st.refused++;
	else if (err == ETIMEDOUT)
		st.timeouts++;
	else
		st.resets++;
	conn_drop(c, false);
	if (c->tries > opt.retries) {
		fprintf(stderr, "loadgen: #%u: connect failed %d times, last: %s\n", c->seq, c->tries,
			strerror(err));
		st.failed++;
		set_state(c, ST_DONE);
		return;
	}
	st.retries++;
	set_state(c, ST_BACKOFF);
	c->deadline = now_ms() + 50u * (1u << (c->tries < 6 ? c->tries : 6));
}

static void echo_failed(struct lconn *c, const char *why)
{
	if (st.failed < 10)
		fprintf(stderr, "loadgen: #%u: %s (%u of %ld bytes echoed)\n", c->seq, why, c->rcvd,
			opt.size);
	st.failed++;
	st.bytes_lost += (uint64_t)(opt.size - c->rcvd);
	conn_drop(c, false);
	set_state(c, ST_DONE);
}

static void begin_echo(struct lconn *c)
{
	set_state(c, ST_SENDING);
	c->sent = c->rcvd = 0;
	c->deadline = now_ms() + (uint64_t)opt.op_timeout * 1000;
	ctl(EPOLL_CTL_MOD, c, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
}

/* The echo of the current round is complete and verified. */
static void echo_done(struct lconn *c)
{
	st.bytes_verified += (uint64_t)opt.size;
	if (opt.hold_mode) {
		if (c->round == 0) {
			set_state(c, ST_HELD);
			st.held++;
			ctl(EPOLL_CTL_MOD, c, EPOLLRDHUP);	/* a peer close while held shows */
		} else {
			conn_drop(c, false);
			set_state(c, ST_DONE);
			st.ok++;
		}
		return;
	}
	switch (c->kind) {
	case CLOSE_SERVER:
		set_state(c, ST_WAIT_EOF);	/* the server closes; its FIN comes next */
		ctl(EPOLL_CTL_MOD, c, EPOLLIN | EPOLLRDHUP);
		return;
	case CLOSE_RST:
		conn_drop(c, true);
		break;
	case CLOSE_CLIENT:
		conn_drop(c, false);
		break;
	}
	set_state(c, ST_DONE);
	st.ok++;
	st.by_kind[c->kind]++;
}

static void conn_event(struct lconn *c, uint32_t ev)
{
	if (c->state == ST_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			connect_failed(c, err);
			return;
		}
		begin_echo(c);
		payload(expect, c->seq, c->round);
	}
	if (c->state == ST_HELD) {
		echo_failed(c, "closed by the server while held");
		return;
	}
	if (c->state == ST_SENDING && (ev & EPOLLOUT)) {
		payload(expect, c->seq, c->round);
		while (c->sent < (uint32_t)opt.size) {
			ssize_t w = send(c->fd, expect + c->sent, (size_t)opt.size - c->sent, MSG_NOSIGNAL);
			if (w < 0) {
				if (errno == EAGAIN)
					break;
				echo_failed(c, strerror(errno));
				return;
			}
			c->sent += (uint32_t)w;
		}
		if (c->sent == (uint32_t)opt.size) {
			set_state(c, ST_RECEIVING);
			ctl(EPOLL_CTL_MOD, c, EPOLLIN | EPOLLRDHUP);
		}
	}
	if ((c->state == ST_SENDING || c->state == ST_RECEIVING) &&
	    (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
		payload(expect, c->seq, c->round);
		for (;;) {
			ssize_t r = recv(c->fd, rbuf, (size_t)opt.size - c->rcvd, 0);
			if (r < 0) {
				if (errno == EAGAIN)
					return;
				echo_failed(c, strerror(errno));
				return;
			}
			if (r == 0) {
				echo_failed(c, "early end of stream");
				return;
			}
			if (memcmp(rbuf, expect + c->rcvd, (size_t)r)) {
				st.corrupt++;
				echo_failed(c, "echoed bytes differ from those sent");
				return;
			}
			c->rcvd += (uint32_t)r;
			if (c->rcvd == (uint32_t)opt.size) {
				if (c->sent < (uint32_t)opt.size) {
					echo_failed(c, "more echoed than sent");
					return;
				}
				echo_done(c);
				return;
			}
		}
	}
	if (c->state == ST_WAIT_EOF) {
		ssize_t r = recv(c->fd, rbuf, 1, 0);
		if (r < 0 && errno == EAGAIN)
			return;
		if (r != 0) {
			echo_failed(c, r > 0 ? "data after the echo" : strerror(errno));
			return;
		}
		conn_drop(c, false);
		set_state(c, ST_DONE);
		st.ok++;
		st.by_kind[CLOSE_SERVER]++;
	}
}

/* Deadlines: backoffs that ended, connects and echoes that took too long. */
static void check_deadlines(uint64_t now)
{
	for (long i = 0; i < nconns; i++) {
		struct lconn *c = &conns[i];
		if (c->deadline > now)
			continue;
		switch (c->state) {
		case ST_BACKOFF:
			conn_start(c);
			break;
		case ST_CONNECTING:
			connect_failed(c, ETIMEDOUT);
			break;
		case ST_SENDING:
		case ST_RECEIVING:
			echo_failed(c, "echo timed out");
			break;
		case ST_WAIT_EOF:
			echo_failed(c, "the server did not close (stuck socket)");
			break;
		default:
			break;
		}
	}
}

static long count_state(enum state s)
{
	return in_state[s];
}

static void raise_nofile(long need)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if ((long)rl.rlim_cur >= need)
		return;
	if ((long)rl.rlim_max < need)
		rl.rlim_max = (rlim_t)need;	/* root may raise the hard limit too */
	rl.rlim_cur = (rlim_t)need;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		fprintf(stderr, "loadgen: cannot raise RLIMIT_NOFILE to %ld: %s\n", need,
			strerror(errno));
		exit(1);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: loadgen --mode hold|churn [-n N] [-m CYCLES] [-k INFLIGHT] [-s BYTES]\n"
		"               [--close-port P] [--mix C:S:R] [--hold-stdin | --hold S]\n"
		"               [--retries R] [--connect-timeout S] [--op-timeout S] [--deadline S]\n"
		"               [--sources ADDR/N] HOST PORT\n");
	exit(2);
}

static long num_arg(const char *name, const char *v, long lo, long hi)
{
	char *end;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || n < lo || n > hi) {
		fprintf(stderr, "loadgen: %s wants a number in %ld..%ld, not '%s'\n", name, lo, hi,
			v ? v : "");
		usage();
	}
	return n;
}

static void parse_args(int argc, char **argv)
{
	const char *mode = NULL, *pos[2];
	int npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--mode") && v)
			mode = argv[++i];
		else if (!strcmp(a, "-n"))
			opt.n = num_arg(a, v, 1, 1000000), i++;
		else if (!strcmp(a, "-m"))
			opt.cycles = num_arg(a, v, 1, 100000000), i++;
		else if (!strcmp(a, "-k"))
			opt.inflight = num_arg(a, v, 1, 100000), i++;
		else if (!strcmp(a, "-s"))
			opt.size = num_arg(a, v, 2, 65536), i++;
		else if (!strcmp(a, "--close-port"))
			opt.close_port = (int)num_arg(a, v, 1, 65535), i++;
		else if (!strcmp(a, "--retries"))
			opt.retries = num_arg(a, v, 0, 1000), i++;
		else if (!strcmp(a, "--hold"))
			opt.hold_s = num_arg(a, v, 0, 1000000), i++;
		else if (!strcmp(a, "--connect-timeout"))
			opt.connect_timeout = num_arg(a, v, 1, 3600), i++;
		else if (!strcmp(a, "--op-timeout"))
			opt.op_timeout = num_arg(a, v, 1, 3600), i++;
		else if (!strcmp(a, "--deadline"))
			opt.deadline = num_arg(a, v, 1, 1000000), i++;
		else if (!strcmp(a, "--hold-stdin"))
			opt.hold_stdin = true;
		else if (!strcmp(a, "--sources") && v) {
			char addr[32], *slash;
			struct in_addr in;
			snprintf(addr, sizeof(addr), "%s", argv[++i]);
			slash = strchr(addr, '/');
			if (slash)
				*slash = 0;
			if (!slash || inet_pton(AF_INET, addr, &in) != 1) {
				fprintf(stderr, "loadgen: --sources wants ADDR/N, not '%s'\n", argv[i]);
				usage();
			}
			opt.src0 = ntohl(in.s_addr);
			opt.nsrc = num_arg("--sources N", slash + 1, 1, 256);
		}
		else if (!strcmp(a, "--mix") && v) {
			if (sscanf(argv[++i], "%u:%u:%u", &opt.mix[0], &opt.mix[1], &opt.mix[2]) != 3 ||
			    opt.mix[0] + opt.mix[1] + opt.mix[2] == 0 ||
			    opt.mix[0] > 1000 || opt.mix[1] > 1000 || opt.mix[2] > 1000) {
				fprintf(stderr, "loadgen: --mix wants C:S:R weights (0..1000), not '%s'\n",
					argv[i]);
				usage();
			}
		} else if (a[0] == '-' || npos == 2) {
			fprintf(stderr, "loadgen: bad argument '%s'\n", a);
			usage();
		} else
			pos[npos++] = a;
	}
	if (!mode || npos != 2 || (strcmp(mode, "hold") && strcmp(mode, "churn")))
		usage();
	opt.hold_mode = !strcmp(mode, "hold");
	opt.addr.sin_family = AF_INET;
	if (inet_pton(AF_INET, pos[0], &opt.addr.sin_addr) != 1) {
		fprintf(stderr, "loadgen: '%s' is not an IPv4 address\n", pos[0]);
		usage();
	}
	opt.port = (int)num_arg("PORT", pos[1], 1, 65535);
	if (!opt.hold_mode && opt.mix[1] && !opt.close_port) {
		fprintf(stderr, "loadgen: server-first closes (--mix C:S:R with S > 0) need --close-port\n");
		usage();
	}
}

/* churn: the kind of cycle @seq, spread evenly by the weights. */
static enum close_kind kind_of(uint64_t seq)
{
	unsigned total = opt.mix[0] + opt.mix[1] + opt.mix[2];
	unsigned r = (unsigned)(seq % total);
	return r < opt.mix[0] ? CLOSE_CLIENT : r < opt.mix[0] + opt.mix[1] ? CLOSE_SERVER : CLOSE_RST;
}

/* Wait for EOF on stdin (the hold's release). */
static void wait_stdin(void)
{
	char b[256];
	while (read(0, b, sizeof(b)) > 0)
		;
}

int main(int argc, char **argv)
{
	struct epoll_event events[MAX_EVENTS];

	parse_args(argc, argv);
	nconns = opt.hold_mode ? opt.n : (opt.inflight < opt.cycles ? opt.inflight : opt.cycles);
	raise_nofile(nconns + 64);
	conns = calloc((size_t)nconns, sizeof(*conns));
	expect = malloc((size_t)opt.size);
	rbuf = malloc((size_t)opt.size);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!conns || !expect || !rbuf || ep < 0) {
		fprintf(stderr, "loadgen: out of memory\n");
		return 1;
	}
	for (long i = 0; i < nconns; i++) {
		conns[i].fd = -1;
		conns[i].state = opt.hold_mode ? ST_IDLE : ST_DONE;
		in_state[conns[i].state]++;
	}

	uint64_t start = now_ms(), end = start + (uint64_t)opt.deadline * 1000, last_check = 0;
	uint64_t held_at = 0;
	long next = 0;		/* hold: next connection to start */
	bool releasing = false, expired = false;
	for (;;) {
		uint64_t now = now_ms();
		long busy = 0;
		if (opt.hold_mode) {
			if (!releasing) {
				busy = count_state(ST_CONNECTING) + count_state(ST_SENDING) +
				       count_state(ST_RECEIVING) + count_state(ST_BACKOFF);
				while (next < nconns && busy < opt.inflight) {
					conns[next].seq = (uint32_t)next;
					conn_start(&conns[next++]);
					busy++;
				}
				if (next == nconns && busy == 0) {
					held_at = now;
					printf("loadgen: holding %ld connections (%ld failed) after %.2f s\n",
					       st.held, (long)st.failed, (double)(now - start) / 1000);
					fflush(stdout);
					if (opt.hold_stdin)
						wait_stdin();
					else if (opt.hold_s)
						sleep((unsigned)opt.hold_s);
					releasing = true;
					for (long i = 0; i < nconns; i++)
						if (conns[i].state == ST_HELD) {
							conns[i].round = 1;
							begin_echo(&conns[i]);
						}
				}
			} else if (count_state(ST_SENDING) + count_state(ST_RECEIVING) == 0)
				break;
		} else {
			for (long i = 0; i < nconns; i++) {
				struct lconn *c = &conns[i];
				if (c->state != ST_DONE || st.started >= (uint64_t)opt.cycles)
					continue;
				c->seq = (uint32_t)st.started;
				c->kind = kind_of(st.started++);
				c->tries = 0;
				conn_start(c);
			}
			if (st.started >= (uint64_t)opt.cycles && count_state(ST_DONE) == nconns)
				break;
		}
		if (now >= end) {
			expired = true;
			break;
		}
		int n = epoll_wait(ep, events, MAX_EVENTS, 50);
		if (n < 0 && errno != EINTR) {
			perror("loadgen: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++)
			conn_event(&conns[events[i].data.u32], events[i].events);
		now = now_ms();
		if (now - last_check >= 50) {
			check_deadlines(now);
			last_check = now;
		}
	}
	if (expired) {
		long left = 0;
		for (long i = 0; i < nconns; i++)
			if (conns[i].state != ST_DONE && conns[i].state != ST_IDLE) {
				conn_drop(&conns[i], false);
				left++;
			}
		fprintf(stderr, "loadgen: deadline of %ld s passed with %ld unfinished\n", opt.deadline,
			left);
		st.failed += (uint64_t)left;
	}
	double secs = (double)(now_ms() - start) / 1000;
	/* hold: connections set up per second; churn: cycles per second */
	double rate = opt.hold_mode ? (double)st.held * 1000 / (double)(held_at > start ? held_at - start : 1)
				    : (double)st.ok / (secs > 0 ? secs : 1);
	if (opt.hold_mode)
		printf("loadgen: mode=hold conns=%ld held=%ld ok=%llu failed=%llu", opt.n, st.held,
		       (unsigned long long)st.ok, (unsigned long long)st.failed);
	else
		printf("loadgen: mode=churn cycles=%llu ok=%llu failed=%llu client_close=%llu "
		       "server_close=%llu rst_close=%llu",
		       (unsigned long long)st.started, (unsigned long long)st.ok,
		       (unsigned long long)st.failed, (unsigned long long)st.by_kind[CLOSE_CLIENT],
		       (unsigned long long)st.by_kind[CLOSE_SERVER],
		       (unsigned long long)st.by_kind[CLOSE_RST]);
	printf(" bytes_verified=%llu bytes_lost=%llu corrupt=%llu refused=%llu timeouts=%llu "
	       "resets=%llu retries=%llu peak_open=%ld seconds=%.2f per_s=%.1f\n",
	       (unsigned long long)st.bytes_verified, (unsigned long long)st.bytes_lost,
	       (unsigned long long)st.corrupt, (unsigned long long)st.refused,
	       (unsigned long long)st.timeouts, (unsigned long long)st.resets,
	       (unsigned long long)st.retries, st.peak_open, secs, rate);
	return st.failed || st.bytes_lost || expired ? 1 : 0;
}
