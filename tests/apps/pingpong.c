// SPDX-License-Identifier: MIT
/* An ordinary Linux epoll program, used by make test to show that such a program builds unchanged
 * with `make APP_SRC=...` and behaves the same (output and exit status) as on Linux: a thread
 * writes to a non-blocking pipe, main waits edge-triggered and drains it until end of file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static int pfd[2];

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5; i++) {
		usleep(2000);
		char c = (char)('a' + i);
		write(pfd[1], &c, 1);
	}
	close(pfd[1]);
	return NULL;
}

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out[4];
	pthread_t t;
	char buf[16];
	int got = 0, ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || pipe2(pfd, O_NONBLOCK) < 0) {
		perror("setup");
		return 1;
	}
	ev.data.fd = pfd[0];
	epoll_ctl(ep, EPOLL_CTL_ADD, pfd[0], &ev);
	pthread_create(&t, NULL, writer, NULL);
	for (;;) {
		int n = epoll_wait(ep, out, 4, 1000);
		if (n <= 0) {
			printf("epoll_wait: %d\n", n);
			return 2;
		}
		ssize_t r;
		while ((r = read(pfd[0], buf, sizeof(buf))) > 0)
			got += (int)r;
		if (r == 0)
			break;
		if (errno != EAGAIN) {
			perror("read");
			return 3;
		}
	}
	pthread_join(t, NULL);
	if (epoll_ctl(ep, EPOLL_CTL_DEL, 12345, NULL) < 0)
		printf("DEL of a bad fd: %s\n", strerror(errno));
	printf("read %d bytes, then end of file\n", got);
	return got == 5 ? 0 : 4;
}
