// SPDX-License-Identifier: MIT
/* epollbench: the cost of epoll_wait with one ready file among N watched eventfds, and of
 * EPOLL_CTL_ADD/DEL, in TSC cycles. The same source runs as an epunk application and as a Linux
 * program (the reference). usage: epollbench [N ...] (default 10 100 1000 10000 100000) */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#define WAIT_ROUNDS	20000
#define REPEATS		5	/* best of: the least disturbed run */

static inline uint64_t cycles(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static int fail(const char *what)
{
	printf("epollbench: %s failed: errno %d\n", what, errno);
	return 1;
}

/* One size: N eventfds watched level-triggered, fd[0] made ready; measure wait, then DEL/ADD. */
static int bench(int n, int *fds, bool report)
{
	struct epoll_event ev, out[64];
	uint64_t add_cyc = 0, del_cyc = 0, wait_best = UINT64_MAX;
	int ep = epoll_create1(0);

	if (ep < 0)
		return fail("epoll_create1");
	for (int i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_NONBLOCK);
		if (fds[i] < 0)
			return fail("eventfd");
	}
	uint64_t t0 = cycles();
	for (int i = 0; i < n; i++) {
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev))
			return fail("epoll_ctl ADD");
	}
	add_cyc = (cycles() - t0) / (uint64_t)n;

	uint64_t one = 1;
	if (write(fds[0], &one, sizeof(one)) != sizeof(one))
		return fail("write");
	for (int r = 0; r < REPEATS; r++) {
		t0 = cycles();
		for (int i = 0; i < WAIT_ROUNDS; i++) {
			if (epoll_wait(ep, out, 64, 0) != 1)
				return fail("epoll_wait");
		}
		uint64_t c = (cycles() - t0) / WAIT_ROUNDS;
		if (c < wait_best)
			wait_best = c;
	}

	/* DEL then ADD again of a sample of items, in a tree of N: best of REPEATS rounds. */
	int sample = n < 1000 ? n : 1000;
	uint64_t readd = UINT64_MAX;
	del_cyc = UINT64_MAX;
	for (int r = 0; r < REPEATS; r++) {
		uint64_t del_sum = 0, add_sum = 0;
		for (int i = 0; i < sample; i++) {
			int k = (int)(((uint64_t)i * 7919) % (uint64_t)n);
			t0 = cycles();
			if (epoll_ctl(ep, EPOLL_CTL_DEL, fds[k], NULL))
				return fail("epoll_ctl DEL");
			uint64_t t1 = cycles();
			ev.events = EPOLLIN;
			ev.data.u32 = (uint32_t)k;
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[k], &ev))
				return fail("epoll_ctl re-ADD");
			del_sum += t1 - t0;
			add_sum += cycles() - t1;
		}
		if (del_sum / (uint64_t)sample < del_cyc)
			del_cyc = del_sum / (uint64_t)sample;
		if (add_sum / (uint64_t)sample < readd)
			readd = add_sum / (uint64_t)sample;
	}
	if (report)
		printf("%8d %14llu %14llu %14llu %14llu\n", n, (unsigned long long)wait_best,
	       (unsigned long long)add_cyc, (unsigned long long)readd,
	       (unsigned long long)del_cyc);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	close(ep);
	return 0;
}

int main(int argc, char **argv)
{
	static const int defaults[] = { 10, 100, 1000, 10000, 100000 };
	int sizes[16], nsizes = 0, maxn = 0;

	for (int i = 1; i < argc && nsizes < 16; i++) {
		int n = atoi(argv[i]);
		if (n < 1) {
			printf("epollbench: bad size '%s'\n", argv[i]);
			return 2;
		}
		sizes[nsizes++] = n;
	}
	if (!nsizes)
		for (unsigned i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
			sizes[nsizes++] = defaults[i];
	for (int i = 0; i < nsizes; i++)
		if (sizes[i] > maxn)
			maxn = sizes[i];
	/* Raise the descriptor limit if we may; otherwise skip the sizes that do not fit. */
	struct rlimit rl = { (rlim_t)maxn + 64, (rlim_t)maxn + 64 };
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		if (getrlimit(RLIMIT_NOFILE, &rl))
			return fail("getrlimit(RLIMIT_NOFILE)");
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		printf("(descriptor limit %lu: larger sizes are skipped)\n", (unsigned long)rl.rlim_cur);
	}
	int *fds = malloc((size_t)maxn * sizeof(int));
	if (!fds)
		return fail("malloc");
	/* Warm-up: under an emulator the first run of each code path pays for its translation. */
	if (bench(sizes[0] < 100 ? sizes[0] : 100, fds, false))
		return 1;
	printf("%8s %14s %14s %14s %14s\n", "watched", "wait(1 ready)", "ADD (fill)", "ADD (in N)",
	       "DEL (in N)");
	for (int i = 0; i < nsizes; i++) {
		if ((rlim_t)sizes[i] + 16 > rl.rlim_cur) {
			printf("%8d %14s\n", sizes[i], "skipped");
			continue;
		}
		if (bench(sizes[i], fds, true))
			return 1;
	}
	free(fds);
	printf("(TSC cycles per call; wait: best of %d runs of %d calls; ADD/DEL in N: best of %d\n"
	       " rounds over up to 1000 items; ADD (fill): the average while filling to N)\n",
	       REPEATS, WAIT_ROUNDS, REPEATS);
	return 0;
}
