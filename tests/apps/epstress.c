// SPDX-License-Identifier: MIT
/* epstress: an ordinary Linux program that races eventpoll's loop and path checks against
 * removals. A pipe P is watched by an epoll E2 and by many top-level epolls; one thread adds and
 * deletes E2 in another epoll E1 (every ADD walks P's watchers upwards), others delete P from
 * random top-level epolls and add another pipe Q in its place and back, so freed epitems come back
 * on Q's list while a check may be walking P's. Also races epoll creation (the first ones) and
 * poll(2) on an epoll fd against the ctl threads. Prints one line and exits 0 when every
 * operation returned what Linux returns. usage: epstress [SECONDS] (default 5). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define NTOP		200
#define NCHURN		2

static int p[2], q[2], e1, e2, tops[NTOP];
static volatile int stop;
static volatile int bad;
static long ops[NCHURN + 3];

static void complain(const char *what, int err)
{
	if (!__atomic_exchange_n(&bad, 1, __ATOMIC_RELAXED))
		printf("epstress: %s: %s\n", what, strerror(err));
}

/* ADD/DEL of E2 (which watches P) into E1: each ADD runs the loop and path checks. */
static void *nester(void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	long *n = arg;

	while (!stop) {
		if (epoll_ctl(e1, EPOLL_CTL_ADD, e2, &ev) < 0)
			complain("ADD E2 to E1", errno);
		if (epoll_ctl(e1, EPOLL_CTL_DEL, e2, NULL) < 0)
			complain("DEL E2 from E1", errno);
		(*n)++;
	}
	return NULL;
}

static unsigned next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* On random top-level epolls: DEL P, ADD Q, DEL Q, ADD P. Two threads may pick the same epoll:
 * then ENOENT/EEXIST are the right answers, anything else is wrong. */
static void *churner(void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned seed = (unsigned)(long)arg * 7919u + 1;
	long *n = &ops[(long)arg];

	while (!stop) {
		int ep = tops[next_rand(&seed) % NTOP];
		if (epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) < 0 && errno != ENOENT)
			complain("DEL P", errno);
		if (epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev) < 0 && errno != EEXIST)
			complain("ADD Q", errno);
		if (epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL) < 0 && errno != ENOENT)
			complain("DEL Q", errno);
		if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0 && errno != EEXIST)
			complain("ADD P", errno);
		(*n)++;
	}
	return NULL;
}

/* poll(2) on E1 and E2 with a short timeout: they never become readable (P is never written). */
static void *poller(void *arg)
{
	struct pollfd fds[2] = { { .fd = e1, .events = POLLIN }, { .fd = e2, .events = POLLIN } };
	long *n = arg;

	while (!stop) {
		int r = poll(fds, 2, 1);
		if (r != 0) {
			complain("poll on epoll fds", r < 0 ? errno : EIO);
			break;
		}
		(*n)++;
	}
	return NULL;
}

/* The first epoll_create1 calls of a program, from several threads at once. */
static void *creator(void *arg)
{
	int *fd = arg;
	*fd = epoll_create1(0);
	return NULL;
}

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_t t[NCHURN + 2], c[4];
	int seconds = argc > 1 ? atoi(argv[1]) : 5, cfd[4];

	for (int i = 0; i < 4; i++)
		pthread_create(&c[i], NULL, creator, &cfd[i]);
	for (int i = 0; i < 4; i++) {
		pthread_join(c[i], NULL);
		if (cfd[i] < 0) {
			printf("epstress: concurrent epoll_create1: %s\n", strerror(errno));
			return 1;
		}
		close(cfd[i]);
	}
	if (pipe(p) < 0 || pipe(q) < 0 || (e1 = epoll_create1(0)) < 0 || (e2 = epoll_create1(0)) < 0) {
		perror("epstress: setup");
		return 1;
	}
	if (epoll_ctl(e2, EPOLL_CTL_ADD, p[0], &ev) < 0) {
		perror("epstress: ADD P to E2");
		return 1;
	}
	for (int i = 0; i < NTOP; i++) {
		tops[i] = epoll_create1(0);
		if (tops[i] < 0 || epoll_ctl(tops[i], EPOLL_CTL_ADD, p[0], &ev) < 0) {
			perror("epstress: top-level epoll");
			return 1;
		}
	}
	pthread_create(&t[0], NULL, nester, &ops[NCHURN]);
	pthread_create(&t[1], NULL, poller, &ops[NCHURN + 1]);
	for (long i = 0; i < NCHURN; i++)
		pthread_create(&t[2 + i], NULL, churner, (void *)i);

	struct timespec end, now;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	do {
		usleep(10000);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (!bad && (now.tv_sec < end.tv_sec ||
			  (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec)));
	stop = 1;
	for (int i = 0; i < NCHURN + 2; i++)
		pthread_join(t[i], NULL);

	long churn = 0;
	for (int i = 0; i < NCHURN; i++)
		churn += ops[i];
	if (bad)
		return 1;
	if (!churn || !ops[NCHURN] || !ops[NCHURN + 1]) {
		printf("epstress: a thread made no progress (churn %ld, nest %ld, poll %ld)\n", churn,
		       ops[NCHURN], ops[NCHURN + 1]);
		return 1;
	}
	printf("epstress: no error\n");
	return 0;
}
