// SPDX-License-Identifier: MIT
/*
 * harness_check: tests of the harness itself (tests/selftests/kselftest_harness.h), run with
 * "--timeout 3" on Linux and on epunk by tests/selftests.sh: failures on purpose, and the tests
 * after them checking that the harness ended each one as a process's end would. Its results must
 * be harness_check.tap's, and the same on both.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"

static volatile int after_expect, after_assert, handler_ran;
static volatile int threads_stopped, left_fd = -1, kept_fd = -1;
static volatile int *volatile left_target;

TEST(passes)
{
	ASSERT_EQ(1, 1);
	ASSERT_GE(2, 1);
	EXPECT_TRUE(3);
	EXPECT_NE(-1, 1);
}

/* Fails; the rest of it runs. */
TEST(expect_fails)
{
	EXPECT_EQ(1, 2);
	after_expect = 1;
}

TEST(expect_went_on)
{
	ASSERT_EQ(after_expect, 1);
}

/* Fails; the statement after the ASSERT runs, nothing after it. */
TEST(assert_fails)
{
	ASSERT_EQ(-1, 0) handler_ran = 1;
	after_assert = 1;
}

TEST(assert_stopped)
{
	ASSERT_EQ(handler_ran, 1);
	ASSERT_EQ(after_assert, 0);
}

/* Fail by the timeout: busy, then blocked in a call. */
TEST(timeout_busy)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}

TEST(timeout_blocked)
{
	struct epoll_event e;
	int ep = epoll_create1(0);

	ASSERT_GE(ep, 0);
	epoll_wait(ep, &e, 1, -1);
}

static void count_stop(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&threads_stopped, 1, __ATOMIC_SEQ_CST);
}

static void *blocked_thread(void *arg)
{
	struct epoll_event e;

	pthread_cleanup_push(count_stop, NULL);
	epoll_wait(*(int *)arg, &e, 1, -1);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *busy_thread(void *arg)
{
	(void)arg;
	pthread_cleanup_push(count_stop, NULL);
	for (;;)
		__asm__ volatile("" ::: "memory");
	pthread_cleanup_pop(0);
	return NULL;
}

static void *sleeping_thread(void *arg)
{
	(void)arg;
	pthread_cleanup_push(count_stop, NULL);
	sleep(100);
	pthread_cleanup_pop(0);
	return NULL;
}

/* Passes, leaving three threads running and a descriptor open. */
TEST(leaves_threads)
{
	pthread_t t;
	int ep = epoll_create1(0);

	ASSERT_GE(ep, 0);
	left_fd = ep;
	ASSERT_EQ(pthread_create(&t, NULL, blocked_thread, &ep), 0);
	ASSERT_EQ(pthread_create(&t, NULL, busy_thread, NULL), 0);
	ASSERT_EQ(pthread_create(&t, NULL, sleeping_thread, NULL), 0);
	usleep(100 * 1000);
}

TEST(threads_were_stopped)
{
	ASSERT_EQ(threads_stopped, 3);
	ASSERT_EQ(fcntl(left_fd, F_GETFD), -1);
}

static void *aborting_thread(void *arg)
{
	(void)arg;
	abort();
}

/* Fails: abort() in a thread ends the test. */
TEST(abort_in_thread)
{
	pthread_t t;

	ASSERT_EQ(pthread_create(&t, NULL, aborting_thread, NULL), 0);
	sleep(100);
}

static void on_usr1(int sig)
{
	(void)sig;
}

TEST(changes_signals)
{
	sigset_t set;

	ASSERT_NE(signal(SIGUSR1, on_usr1), SIG_ERR);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	ASSERT_EQ(sigprocmask(SIG_BLOCK, &set, NULL), 0);
}

TEST(signals_were_restored)
{
	struct sigaction sa;
	sigset_t set;

	ASSERT_EQ(sigaction(SIGUSR1, NULL, &sa), 0);
	ASSERT_TRUE(sa.sa_handler == SIG_DFL);
	ASSERT_EQ(sigprocmask(SIG_BLOCK, NULL, &set), 0);
	ASSERT_EQ(sigismember(&set, SIGUSR2), 0);
}

TEST(skips)
{
	SKIP(return, "skipped on purpose");
	ASSERT_TRUE(0);
}

/* Writes into the frame of the test that started it for 9 s, taking no signal. */
static void *unstoppable_thread(void *arg)
{
	struct timespec start, now, ms = { 0, 1000 * 1000 };
	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		for (int i = 0; i < 64; i++)
			left_target[i] = 0x5a5a5a5a;
		nanosleep(&ms, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < 9);
	return NULL;
}

/* Passes, leaving a thread the harness cannot stop, and a descriptor. */
TEST(leaves_unstoppable_thread)
{
	volatile int mine[64];
	pthread_t t;

	kept_fd = eventfd(0, 0);
	ASSERT_GE(kept_fd, 0);
	left_target = mine;
	ASSERT_EQ(pthread_create(&t, NULL, unstoppable_thread, NULL), 0);
	usleep(10 * 1000);
	EXPECT_EQ(mine[0], 0x5a5a5a5a);
}

/* The left thread still writes where its test's frame was: not into this test's. */
TEST(runs_apart)
{
	volatile int mine[256];
	int i, clean = 1, fd;

	for (i = 0; i < 256; i++)
		mine[i] = 0;
	usleep(2 * 1000 * 1000);
	for (i = 0; i < 256; i++)
		clean &= mine[i] == 0;
	ASSERT_TRUE(clean);
	/* Its test's descriptor stayed open: the number is not given again. */
	ASSERT_EQ(fcntl(kept_fd, F_GETFD), 0);
	fd = eventfd(0, 0);
	ASSERT_NE(fd, kept_fd);
	close(fd);
}

TEST_HARNESS_MAIN
