// SPDX-License-Identifier: MIT
/*
 * netcheck: the guest's side of tests/net-e2e.sh's "guest as a client" checks, written as an
 * ordinary Linux epoll program. Against a helper on the host (tools/peers/netcheck_peer.py):
 *   1. a non-blocking connect to the host: EINPROGRESS, then EPOLLOUT and SO_ERROR 0;
 *   2. the host echoes a line and half-closes: EPOLLIN|EPOLLRDHUP, the line, then end of file;
 *   3. a second connection the host resets (SO_LINGER 0): EPOLLERR|EPOLLHUP;
 *   4. a listener with a backlog of 64, to which the host opens 64 connections at once:
 *      EPOLLIN on the listener and 64 accepts.
 * Each step prints one "netcheck: ..." line; the exit status is the number of failed steps.
 * usage: netcheck host=ADDR port=PORT [listen=PORT]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *mask_str(uint32_t m)
{
	static char buf[96];
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ EPOLLIN, "IN" }, { EPOLLOUT, "OUT" }, { EPOLLERR, "ERR" }, { EPOLLHUP, "HUP" },
		{ EPOLLRDHUP, "RDHUP" },
	};
	buf[0] = '\0';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (m & names[i].bit) {
			if (buf[0])
				strcat(buf, "|");
			strcat(buf, names[i].name);
		}
	}
	return buf[0] ? buf : "none";
}

/* Wait up to @ms for events on @fd (registered with @want); returns the mask, 0 on timeout. */
static uint32_t wait_events(int fd, uint32_t want, int ms)
{
	struct epoll_event ev = { .events = want, .data.fd = fd }, out;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	uint32_t got = 0;

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		return 0;
	if (epoll_wait(ep, &out, 1, ms) == 1)
		got = out.events;
	close(ep);
	return got;
}

static int connect_nb(const struct sockaddr_in *to, int *err)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	*err = connect(fd, (const struct sockaddr *)to, sizeof(*to)) ? errno : 0;
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_in host = { .sin_family = AF_INET };
	int lport = 9000, failed = 0, err;
	char buf[64];

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "host=", 5) && inet_pton(AF_INET, argv[i] + 5, &host.sin_addr) == 1)
			continue;
		if (!strncmp(argv[i], "port=", 5) && atoi(argv[i] + 5) > 0) {
			host.sin_port = htons((uint16_t)atoi(argv[i] + 5));
			continue;
		}
		if (!strncmp(argv[i], "listen=", 7) && atoi(argv[i] + 7) > 0) {
			lport = atoi(argv[i] + 7);
			continue;
		}
		printf("netcheck: bad argument '%s' (usage: host=ADDR port=PORT [listen=PORT])\n", argv[i]);
		return 100;
	}
	if (!host.sin_port || !host.sin_addr.s_addr) {
		printf("netcheck: host= and port= are required\n");
		return 100;
	}

	/* 1 + 2: connect, send a line, the host echoes it and half-closes. */
	int fd = connect_nb(&host, &err);
	uint32_t m = fd >= 0 ? wait_events(fd, EPOLLOUT, 5000) : 0;
	int soerr = -1;
	socklen_t len = sizeof(soerr);
	if (fd >= 0)
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	bool ok = fd >= 0 && err == EINPROGRESS && (m & EPOLLOUT) && soerr == 0;
	printf("netcheck: connect: %s (connect: %s, events %s, SO_ERROR %d)\n", ok ? "ok" : "FAILED",
	       err ? strerror(err) : "0", mask_str(m), soerr);
	failed += !ok;
	if (ok) {
		send(fd, "ping\n", 5, MSG_NOSIGNAL);
		m = wait_events(fd, EPOLLIN | EPOLLRDHUP | EPOLLET, 5000);
		/* The echo and the FIN may arrive apart: collect until end of file. */
		size_t got = 0;
		ssize_t r = 0;
		for (int tries = 0; tries < 50; tries++) {
			r = read(fd, buf + got, sizeof(buf) - 1 - got);
			if (r > 0) {
				got += (size_t)r;
				continue;
			}
			if (r == 0 || errno != EAGAIN)
				break;
			m |= wait_events(fd, EPOLLIN | EPOLLRDHUP, 200);
		}
		buf[got] = '\0';
		ok = (m & EPOLLRDHUP) && (m & EPOLLIN) && r == 0 && !strcmp(buf, "ping\n");
		printf("netcheck: half-close: %s (events %s, read \"%.*s\" then %s)\n",
		       ok ? "ok" : "FAILED", mask_str(m), (int)(got && buf[got - 1] == '\n' ? got - 1 : got),
		       buf, r == 0 ? "end of file" : "no end of file");
		failed += !ok;
	}
	if (fd >= 0)
		close(fd);

	/* 3: the host resets the second connection. */
	fd = connect_nb(&host, &err);
	m = fd >= 0 ? wait_events(fd, EPOLLOUT, 5000) : 0;
	uint32_t m2 = 0;
	for (int tries = 0; fd >= 0 && tries < 25 && !(m2 & EPOLLERR); tries++)
		m2 = wait_events(fd, EPOLLIN | EPOLLRDHUP, 200);
	soerr = -1;
	if (fd >= 0)
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	ok = (m2 & EPOLLERR) && (m2 & EPOLLHUP) && soerr == ECONNRESET;
	printf("netcheck: reset: %s (events %s, SO_ERROR %s)\n", ok ? "ok" : "FAILED", mask_str(m2),
	       soerr > 0 ? strerror(soerr) : "0");
	failed += !ok;
	if (fd >= 0)
		close(fd);

	/* 4: a listener with 64 connections waiting before the first accept. */
	struct sockaddr_in la = { .sin_family = AF_INET, .sin_port = htons((uint16_t)lport) };
	int one = 1, lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&la, sizeof(la)) || listen(lfd, 64)) {
		printf("netcheck: backlog: FAILED (listen: %s)\n", strerror(errno));
		return failed + 1;
	}
	printf("netcheck: listening on port %d with a backlog of 64\n", lport);
	fflush(stdout);
	/* Let the host's 64 connections all arrive before accepting any. */
	m = wait_events(lfd, EPOLLIN, 30000);
	usleep(1000 * 1000);
	int accepted = 0;
	for (int idle = 0; accepted < 64 && idle < 50;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0) {
			accepted++;
			close(c);
		} else {
			idle++;
			usleep(100 * 1000);
		}
	}
	ok = (m & EPOLLIN) && accepted == 64;
	printf("netcheck: backlog: %s (listener events %s, accepted %d)\n", ok ? "ok" : "FAILED",
	       mask_str(m), accepted);
	failed += !ok;
	close(lfd);
	printf("netcheck: %d failed\n", failed);
	return failed;
}
