// SPDX-License-Identifier: MIT
/*
 * echobench: a closed-loop TCP echo benchmark client (host side, Linux).
 *
 * usage: echobench [options] HOST PORT
 *   -c N   connections (default 1)            -s N   message size in bytes (default 64)
 *   -p N   messages in flight per connection  -d S   measured seconds (default 10)
 *   -w S   warm-up seconds, not measured      -t N   threads (default: 1 per 64 connections, <= 8)
 *   -q     no per-second progress lines      --json one JSON object on stdout instead of text
 *   --all-connected  the measured seconds begin only once every connection has had a message
 *          echoed (after -w; at most 120 s more): connection set-up stays out of the figures,
 *          and a connection that never had one fails the run
 *        echobench --self-test   checks its pattern code and exits (0: ok)
 *
 * Every connection keeps -p messages outstanding: each echoed message is checked byte for byte
 * against what was sent (a pattern unique to the connection and sequence number), its round trip
 * goes into a log-bucket histogram, and the next message is sent. Exit status: 0 when every byte
 * was verified and no connection failed, 1 otherwise.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Latency histogram: 16 linear sub-buckets per power of two of nanoseconds (~6% resolution). */
#define SUB_BITS	4
#define SUB		(1 << SUB_BITS)
#define NBUCKETS	(64 * SUB)

struct hist {
	uint64_t count[NBUCKETS];
	uint64_t n, max_ns;
};

static unsigned bucket_of(uint64_t ns)
{
	if (ns < SUB)
		return (unsigned)ns;
	unsigned msb = 63 - (unsigned)__builtin_clzll(ns);
	unsigned sub = (unsigned)(ns >> (msb - SUB_BITS)) & (SUB - 1);
	return (msb - SUB_BITS + 1) * SUB + sub;
}

static uint64_t bucket_upper_ns(unsigned b)
{
	if (b < SUB)
		return b;
	unsigned msb = b / SUB + SUB_BITS - 1, sub = b % SUB;
	return ((uint64_t)(SUB + sub + 1) << (msb - SUB_BITS)) - 1;
}

static void hist_add(struct hist *h, uint64_t ns)
{
	h->count[bucket_of(ns)]++;
	h->n++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

static void hist_merge(struct hist *into, const struct hist *h)
{
	for (unsigned i = 0; i < NBUCKETS; i++)
		into->count[i] += h->count[i];
	into->n += h->n;
	if (h->max_ns > into->max_ns)
		into->max_ns = h->max_ns;
}

static double hist_pct_us(const struct hist *h, double pct)
{
	if (!h->n)
		return 0;
	uint64_t want = (uint64_t)((double)h->n * pct / 100.0);
	if (want >= h->n)
		want = h->n - 1;
	uint64_t seen = 0;
	for (unsigned i = 0; i < NBUCKETS; i++) {
		seen += h->count[i];
		if (seen > want) {
			uint64_t up = bucket_upper_ns(i);
			return (double)(up < h->max_ns ? up : h->max_ns) / 1000.0;
		}
	}
	return (double)h->max_ns / 1000.0;
}

struct conn {
	int fd;
	int id;
	uint64_t send_seq;	/* messages fully sent */
	size_t send_off;	/* bytes of the current message sent */
	uint64_t recv_seq;	/* messages fully received */
	size_t recv_off;
	uint64_t *sent_at;	/* ring of send timestamps, -p entries */
	bool want_out;
};

struct worker {
	pthread_t thread;
	int ep;
	struct conn *conns;
	int nconns;
	struct hist hist;		/* measured phase only */
	_Atomic uint64_t done;		/* messages echoed in the measured phase */
	_Atomic uint64_t bytes;
	_Atomic uint64_t errors;
	_Atomic uint64_t window_done;	/* for the progress line */
	struct hist window;		/* per-second histogram (for the progress p99) */
	pthread_mutex_t window_lock;
};

static struct {
	const char *host, *port;
	int conns, size, depth, threads, duration, warmup;
	bool quiet, json, all_connected;
} cfg = { NULL, NULL, 1, 64, 1, 0, 10, 1, false, false, false };

static _Atomic int phase;	/* 0 warm-up, 1 measuring, 2 stop */
static _Atomic int echoed_once;	/* connections that have had a message echoed */
static struct addrinfo *target;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The byte at offset @i of message @seq on connection @id is (id * 131 + seq * 31 + i * 7 +
 * (i >> 8)) mod 256: a base for the message plus a step that depends on @i alone and repeats
 * every PATTERN_PERIOD bytes. steps[] holds two periods, so that any run of up to one period
 * reads it contiguously. The bytes are made and checked eight at a time, so that the client
 * keeps up with a guest moving several hundred MB/s each way on one host core.
 */
#define PATTERN_PERIOD	65536
static uint8_t steps[2 * PATTERN_PERIOD];

static void steps_init(void)
{
	for (size_t i = 0; i < sizeof(steps); i++)
		steps[i] = (uint8_t)(i * 7 + (i >> 8));
}

static inline uint8_t pattern_base(int id, uint64_t seq)
{
	return (uint8_t)(id * 131 + seq * 31);
}

/* Each byte of @x plus the byte of @b in the same place, mod 256 (no carry between bytes). */
static inline uint64_t bytes_add(uint64_t x, uint64_t b)
{
	const uint64_t hi = 0x8080808080808080ull;
	return ((x & ~hi) + (b & ~hi)) ^ ((x ^ b) & hi);
}

/* pattern_run - with @check, the offset in @buf of the first of its @n bytes that differs from
 * message @seq of connection @id from offset @off on, or @n when none does; without, writes them
 * there and returns @n. */
static size_t pattern_run(uint8_t *buf, size_t n, int id, uint64_t seq, size_t off, bool check)
{
	uint8_t base = pattern_base(id, seq);
	uint64_t b8 = 0x0101010101010101ull * base;
	size_t done = 0;

	while (done < n) {
		size_t k = (off + done) % PATTERN_PERIOD;
		size_t m = n - done < PATTERN_PERIOD ? n - done : PATTERN_PERIOD;
		const uint8_t *st = steps + k;
		uint8_t *p = buf + done;
		uint64_t diff = 0;
		size_t j = 0;
		for (; j + 8 <= m; j += 8) {
			uint64_t x, y;
			memcpy(&x, st + j, 8);
			x = bytes_add(x, b8);
			if (check) {
				memcpy(&y, p + j, 8);
				diff |= x ^ y;
			} else {
				memcpy(p + j, &x, 8);
			}
		}
		for (; j < m; j++) {
			uint8_t x = (uint8_t)(st[j] + base);
			if (check)
				diff |= (uint64_t)(p[j] ^ x);
			else
				p[j] = x;
		}
		if (diff) {
			for (j = 0; (uint8_t)(st[j] + base) == p[j]; j++)
				;
			return done + j;
		}
		done += m;
	}
	return n;
}

static int conn_open(struct conn *c, int ep)
{
	int fd = socket(target->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, target->ai_addr, target->ai_addrlen) && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	c->fd = fd;
	c->want_out = true;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Send until the window of -p messages is full or the socket is. */
static int conn_send(struct worker *w, struct conn *c)
{
	static __thread uint8_t buf[65536];

	while (c->send_seq < c->recv_seq + (uint64_t)cfg.depth) {
		if (c->send_off == 0)
			c->sent_at[c->send_seq % (uint64_t)cfg.depth] = now_ns();
		size_t left = (size_t)cfg.size - c->send_off;
		size_t n = left < sizeof(buf) ? left : sizeof(buf);
		pattern_run(buf, n, c->id, c->send_seq, c->send_off, false);
		ssize_t s = send(c->fd, buf, n, MSG_NOSIGNAL);
		if (s < 0)
			return errno == EAGAIN ? 1 : -1;
		c->send_off += (size_t)s;
		if (c->send_off == (size_t)cfg.size) {
			c->send_off = 0;
			c->send_seq++;
		}
	}
	(void)w;
	return 0;
}

static int conn_recv(struct worker *w, struct conn *c)
{
	static __thread uint8_t buf[65536];

	for (;;) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);
		if (r == 0)
			return -1;	/* the server closed: a failure in a closed loop */
		if (r < 0)
			return errno == EAGAIN ? 0 : -1;
		for (size_t pos = 0; pos < (size_t)r;) {
			size_t m = (size_t)r - pos, left = (size_t)cfg.size - c->recv_off;
			if (m > left)
				m = left;
			if (pattern_run(buf + pos, m, c->id, c->recv_seq, c->recv_off, true) != m) {
				atomic_fetch_add(&w->errors, 1);
				return -1;
			}
			pos += m;
			c->recv_off += m;
			if (c->recv_off == (size_t)cfg.size) {
				uint64_t rtt = now_ns() - c->sent_at[c->recv_seq % (uint64_t)cfg.depth];
				c->recv_off = 0;
				if (c->recv_seq++ == 0)
					atomic_fetch_add(&echoed_once, 1);
				if (atomic_load(&phase) == 1) {
					hist_add(&w->hist, rtt);
					atomic_fetch_add(&w->done, 1);
					atomic_fetch_add(&w->bytes, (uint64_t)cfg.size);
					pthread_mutex_lock(&w->window_lock);
					hist_add(&w->window, rtt);
					pthread_mutex_unlock(&w->window_lock);
				}
			}
		}
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[256];

	while (atomic_load(&phase) < 2) {
		int n = epoll_wait(w->ep, evs, 256, 100);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c->fd < 0)
				continue;
			int bad = 0;
			errno = 0;
			if (evs[i].events & EPOLLERR) {	/* say why: the socket's pending error */
				int err = 0;
				socklen_t len = sizeof(err);
				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				errno = err;
				bad = -1;
			}
			if (!bad && (evs[i].events & (EPOLLIN | EPOLLHUP)))
				bad = conn_recv(w, c);
			if (!bad) {
				int full = conn_send(w, c);
				bad = full < 0 ? -1 : 0;
				bool want = full == 1;
				if (!bad && want != c->want_out) {
					struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0),
								  .data.ptr = c };
					epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev);
					c->want_out = want;
				}
			}
			if (bad) {
				if (atomic_load(&phase) < 2) {
					atomic_fetch_add(&w->errors, 1);
					fprintf(stderr, "echobench: connection %d failed (%s)\n", c->id,
						errno ? strerror(errno) : "closed by the server");
				}
				close(c->fd);
				c->fd = -1;
			}
		}
	}
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: echobench [-c conns] [-s size] [-p depth] [-d seconds] [-w seconds] "
		"[-t threads] [-q] [--json] [--all-connected] HOST PORT\n"
		"       echobench --self-test\n");
	exit(2);
}

static int int_arg(const char *v, int min, int max, const char *what)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < min || n > max) {
		fprintf(stderr, "echobench: %s must be a whole number from %d to %d, not '%s'\n",
			what, min, max, v);
		exit(2);
	}
	return (int)n;
}

/* --self-test: pattern_run against the byte-by-byte definition, across the period's end, and
 * a wrong byte found at its offset wherever it is. Exit status 0 when all agree. */
static int self_test(void)
{
	static uint8_t buf[3 * PATTERN_PERIOD];
	static const size_t offs[] = { 0, 1, 7, 255, 256, 65535, 65536, 65530, 131071, 1048575 };
	static const size_t lens[] = { 1, 7, 8, 9, 64, 1000, 65536, 65537, 3 * PATTERN_PERIOD };
	int bad = 0;

	for (size_t a = 0; a < sizeof(offs) / sizeof(offs[0]); a++) {
		for (size_t b = 0; b < sizeof(lens) / sizeof(lens[0]); b++) {
			int id = (int)(a * 37 + b);
			uint64_t seq = a * 1000003 + b;
			size_t off = offs[a], n = lens[b];
			pattern_run(buf, n, id, seq, off, false);
			for (size_t i = 0; i < n; i++) {
				size_t x = off + i;
				uint8_t want = (uint8_t)(id * 131 + seq * 31 + x * 7 + (x >> 8));
				if (buf[i] != want) {
					fprintf(stderr, "self-test: id %d seq %llu offset %zu: made %u, want %u\n",
						id, (unsigned long long)seq, x, buf[i], want);
					bad = 1;
					break;
				}
			}
			if (pattern_run(buf, n, id, seq, off, true) != n) {
				fprintf(stderr, "self-test: id %d offset %zu length %zu: refused its own bytes\n",
					id, off, n);
				bad = 1;
			}
			for (size_t w = 0; w < n; w += n / 5 + 1) {
				buf[w] ^= 0x10;
				size_t at = pattern_run(buf, n, id, seq, off, true);
				buf[w] ^= 0x10;
				if (at != w) {
					fprintf(stderr, "self-test: offset %zu length %zu: a wrong byte at %zu "
						"found at %zu\n", off, n, w, at);
					bad = 1;
				}
			}
		}
	}
	printf("echobench self-test: %s\n", bad ? "FAILED" : "ok");
	return bad;
}

int main(int argc, char **argv)
{
	steps_init();
	if (argc == 2 && !strcmp(argv[1], "--self-test"))
		return self_test();
	int pos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		if (!strcmp(a, "-c") && has_val)
			cfg.conns = int_arg(argv[++i], 1, 1000000, "-c (connections)");
		else if (!strcmp(a, "-s") && has_val)
			cfg.size = int_arg(argv[++i], 1, 1 << 24, "-s (message size)");
		else if (!strcmp(a, "-p") && has_val)
			cfg.depth = int_arg(argv[++i], 1, 1024, "-p (pipelining depth)");
		else if (!strcmp(a, "-d") && has_val)
			cfg.duration = int_arg(argv[++i], 1, 86400, "-d (seconds)");
		else if (!strcmp(a, "-w") && has_val)
			cfg.warmup = int_arg(argv[++i], 0, 3600, "-w (seconds)");
		else if (!strcmp(a, "-t") && has_val)
			cfg.threads = int_arg(argv[++i], 1, 256, "-t (threads)");
		else if (!strcmp(a, "-q"))
			cfg.quiet = true;
		else if (!strcmp(a, "--json"))
			cfg.json = cfg.quiet = true;
		else if (!strcmp(a, "--all-connected"))
			cfg.all_connected = true;
		else if (a[0] == '-')
			usage();
		else if (pos == 0)
			cfg.host = a, pos++;
		else if (pos == 1)
			cfg.port = a, pos++;
		else
			usage();
	}
	if (pos != 2)
		usage();
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	int gai = getaddrinfo(cfg.host, cfg.port, &hints, &target);
	if (gai) {
		fprintf(stderr, "echobench: %s:%s: %s\n", cfg.host, cfg.port, gai_strerror(gai));
		return 2;
	}
	if (!cfg.threads)
		cfg.threads = (cfg.conns + 63) / 64 > 8 ? 8 : (cfg.conns + 63) / 64;
	if (cfg.threads > cfg.conns)
		cfg.threads = cfg.conns;

	struct worker *ws = calloc((size_t)cfg.threads, sizeof(*ws));
	for (int t = 0; t < cfg.threads; t++) {
		struct worker *w = &ws[t];
		w->nconns = cfg.conns / cfg.threads + (t < cfg.conns % cfg.threads);
		w->conns = calloc((size_t)w->nconns, sizeof(struct conn));
		w->ep = epoll_create1(EPOLL_CLOEXEC);
		pthread_mutex_init(&w->window_lock, NULL);
		for (int i = 0; i < w->nconns; i++) {
			struct conn *c = &w->conns[i];
			c->id = t + i * cfg.threads;
			c->sent_at = calloc((size_t)cfg.depth, sizeof(uint64_t));
			if (conn_open(c, w->ep)) {
				fprintf(stderr, "echobench: connect %s:%s: %s\n", cfg.host, cfg.port,
					strerror(errno));
				return 1;
			}
		}
	}
	for (int t = 0; t < cfg.threads; t++)
		pthread_create(&ws[t].thread, NULL, worker_main, &ws[t]);

	struct timespec sec = { 1, 0 };
	for (int s = 0; s < cfg.warmup; s++)
		nanosleep(&sec, NULL);
	if (cfg.all_connected) {
		struct timespec tick = { 0, 10000000 };
		for (int i = 0; i < 12000 && atomic_load(&echoed_once) < cfg.conns; i++)
			nanosleep(&tick, NULL);
	}
	atomic_store(&phase, 1);
	uint64_t t0 = now_ns(), last_done = 0;
	for (int s = 1; s <= cfg.duration; s++) {
		nanosleep(&sec, NULL);
		if (cfg.quiet)
			continue;
		uint64_t done = 0, errs = 0;
		struct hist win = { 0 };
		for (int t = 0; t < cfg.threads; t++) {
			done += atomic_load(&ws[t].done);
			errs += atomic_load(&ws[t].errors);
			pthread_mutex_lock(&ws[t].window_lock);
			hist_merge(&win, &ws[t].window);
			memset(&ws[t].window, 0, sizeof(ws[t].window));
			pthread_mutex_unlock(&ws[t].window_lock);
		}
		printf("[%3ds] %9llu req/s  %8.2f MB/s  p50 %8.1f us  p99 %8.1f us  errors %llu\n", s,
		       (unsigned long long)(done - last_done),
		       (double)(done - last_done) * cfg.size / 1e6, hist_pct_us(&win, 50),
		       hist_pct_us(&win, 99), (unsigned long long)errs);
		fflush(stdout);
		last_done = done;
	}
	atomic_store(&phase, 2);
	double secs = (double)(now_ns() - t0) / 1e9;
	struct hist all = { 0 };
	uint64_t done = 0, bytes = 0, errors = 0;
	for (int t = 0; t < cfg.threads; t++) {
		pthread_join(ws[t].thread, NULL);
		hist_merge(&all, &ws[t].hist);
		done += atomic_load(&ws[t].done);
		bytes += atomic_load(&ws[t].bytes);
		errors += atomic_load(&ws[t].errors);
	}
	/* When anything went wrong, say what the connections saw: the cause of a failed run. */
	unsigned never = 0, silent = 0, failed = 0;
	for (int t = 0; t < cfg.threads; t++) {
		for (int i = 0; i < ws[t].nconns; i++) {
			const struct conn *c = &ws[t].conns[i];
			if (c->fd < 0)
				failed++;
			else if (c->send_seq == 0 && c->send_off == 0)
				never++;	/* nothing could be sent: the handshake never completed */
			else if (c->recv_seq == 0 && c->recv_off == 0)
				silent++;
		}
	}
	if (errors || !done || never || silent)
		fprintf(stderr, "echobench: of %d connections, %u never connected, %u got no reply, "
			"%u failed; %llu messages echoed in %.1f s\n", cfg.conns, never, silent,
			failed, (unsigned long long)done, secs);
	double rps = (double)done / secs, mbps = (double)bytes / secs / 1e6;
	if (cfg.json) {
		printf("{\"connections\": %d, \"size\": %d, \"depth\": %d, \"seconds\": %.3f, "
		       "\"requests\": %llu, \"requests_per_s\": %.1f, \"mb_per_s\": %.3f, "
		       "\"bytes_verified\": %llu, \"errors\": %llu, \"latency_us\": {\"p50\": %.1f, "
		       "\"p90\": %.1f, \"p99\": %.1f, \"p99.9\": %.1f, \"max\": %.1f}}\n",
		       cfg.conns, cfg.size, cfg.depth, secs, (unsigned long long)done, rps, mbps,
		       (unsigned long long)(bytes * 2), (unsigned long long)errors,
		       hist_pct_us(&all, 50), hist_pct_us(&all, 90), hist_pct_us(&all, 99),
		       hist_pct_us(&all, 99.9), (double)all.max_ns / 1000.0);
	} else {
		printf("echobench: %d connections x %d B, depth %d, %.1f s: %.0f req/s, %.2f MB/s\n",
		       cfg.conns, cfg.size, cfg.depth, secs, rps, mbps);
		printf("latency us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n",
		       hist_pct_us(&all, 50), hist_pct_us(&all, 90), hist_pct_us(&all, 99),
		       hist_pct_us(&all, 99.9), (double)all.max_ns / 1000.0);
		printf("verified %llu bytes sent and echoed, errors %llu\n",
		       (unsigned long long)(bytes * 2), (unsigned long long)errors);
	}
	freeaddrinfo(target);
	/* --all-connected: a run whose connections did not all have a message echoed is not the
	 * configuration asked for */
	return errors || !done || (cfg.all_connected && (never || silent)) ? 1 : 0;
}
