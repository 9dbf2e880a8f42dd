/* SPDX-License-Identifier: MIT */
/*
 * The API of Linux's tools/testing/selftests/kselftest_harness.h that Linux's epoll selftest uses
 * (TEST, TEST_HARNESS_MAIN, ASSERT_* and EXPECT_*, TH_LOG, SKIP, ARRAY_SIZE), written for epunk,
 * which runs one process and has no fork: every test runs in this process, on the main thread, and
 * the output is Linux's TAP (TAP version 13, the plan, "ok N global.NAME" / "not ok N ...", the
 * "# PASSED:" and "# Totals:" lines). Fixtures (FIXTURE, TEST_F) and TEST_SIGNAL are not here: a
 * file that uses them does not compile. Options, as in later Linux harnesses: -l lists the tests,
 * -t NAME runs only those named, -T NAME leaves one out; --timeout SECONDS is ours.
 *
 * What Linux's forked child per test gives, the harness does in the one process:
 * - A failed ASSERT_* jumps back to the runner (siglongjmp); EXPECT_* records the failure and the
 *   test goes on. abort() (assert()) in any thread of a test ends the test the same way; a failed
 *   ASSERT in another thread ends that thread, and the test fails.
 * - A test that runs longer than its timeout (--timeout SECONDS, default KST_TIMEOUT_DEFAULT) is
 *   left by a SIGALRM from setitimer(ITIMER_REAL), whose handler jumps back to the runner.
 * - When a test ends, however it ends, the threads it started that still run are stopped, as the
 *   child's exit stops them on Linux: pthread_create is the harness's (a macro over the C
 *   library's), which keeps a list of them; each gets KST_STOP_SIGNAL, whose handler calls
 *   pthread_exit, and is joined. Until then they may still write into the test's stack frames:
 *   the test runs KST_RUNNER_STACK below the runner, whose calls stay above them. Then the
 *   descriptors the test left open are closed (those below KST_FD_SCAN), and the signal actions
 *   and the main thread's mask are set back to what they were before the test.
 * What cannot be done in one process, and how the next test is kept out of its way:
 * - A thread that does not take KST_STOP_SIGNAL (it blocks it, or keeps its CPU with interrupts
 *   off) within KST_STOP_GRACE_MS is left running and named on the log; its test's descriptors
 *   stay open, so their numbers are not given to the next tests, and the next tests run lower on
 *   the main stack than the frames the left thread may still use.
 * - A test stopped by an ASSERT, a timeout or abort() leaves its stack frames and whatever C
 *   library call it was in: memory it allocated leaks, and a lock the C library held at that
 *   moment stays held (its tests call no such code in the interrupted places).
 * - The harness owns SIGALRM and ITIMER_REAL, SIGABRT's handler and KST_STOP_SIGNAL while a test
 *   runs; a test that changes them changes the harness. Threads a test leaves behind that finished
 *   but were never joined keep their stacks (the C library frees them at the join).
 */
#ifndef KSELFTEST_HARNESS_H
#define KSELFTEST_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/*
 * Seconds a test may run. Linux's harness gives 30. epunk runs on one CPU, under TCG in CI, where
 * a test that waits by spinning costs a time slice per wait: epoll59 hands a flag between two
 * spinning threads 100000 times, about 125 s at 1 ms slices under TCG (Linux on one CPU needs
 * more than 30 s for it too). 300 s leaves that room twice over; make test passes 60 s with a
 * list of tests without epoll59 (the longest then takes 12 s).
 */
#define KST_TIMEOUT_DEFAULT	300
#define KST_STOP_SIGNAL		SIGRTMAX	/* ends a test's threads when the test ends */
#define KST_STOP_GRACE_MS	5000		/* how long they get to go */
#define KST_FD_SCAN		1024		/* descriptors below this are closed after a test */
#define KST_RUNNER_STACK	(64 * 1024)	/* of main stack between the runner and a test */
#define KST_STACK_SLACK		(64 * 1024)	/* of main stack kept between a test that left
						 * threads running and the next */

#ifndef TH_LOG_STREAM
#define TH_LOG_STREAM stderr
#endif
#ifndef TH_LOG_ENABLED
#define TH_LOG_ENABLED 1
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * One test and the results of its run. The type and the parameter name _metadata are Linux's:
 * tests pass _metadata to helpers that use the ASSERT macros.
 */
struct __test_metadata {
	const char *name;
	void (*fn)(struct __test_metadata *);
	int line;		/* where TEST() is: the order of the run */
	bool selected;		/* runs in this invocation (-t / -T) */
	int passed;		/* 0 once a check failed */
	int skip;		/* SKIP() was used */
	int trigger;		/* the check just made failed: its optional handler runs */
	int step;		/* ASSERTs passed + 1, as Linux counts them (up to 253) */
	bool aborted;		/* ended by a failed ASSERT or abort() */
	bool timed_out;		/* ended by the timeout */
	uintptr_t low;		/* lowest main-stack address the test is known to have used (its
				 * frames may go KST_STACK_SLACK further) */
	char reason[256];	/* SKIP's message */
};

/* ---- logging ---- */

#define TH_LOG(fmt, ...) do { \
	if (TH_LOG_ENABLED) \
		fprintf(TH_LOG_STREAM, "# %s:%d:%s:" fmt "\n", __FILE__, __LINE__, \
			_metadata->name, ##__VA_ARGS__); \
} while (0)

/* Report a pass that is a skip, with the reason, then run @statement (return, goto). */
#define SKIP(statement, fmt, ...) do { \
	snprintf(_metadata->reason, sizeof(_metadata->reason), fmt, ##__VA_ARGS__); \
	if (TH_LOG_ENABLED) \
		fprintf(TH_LOG_STREAM, "#      SKIP      %s\n", _metadata->reason); \
	_metadata->passed = 1; \
	_metadata->skip = 1; \
	_metadata->trigger = 0; \
	statement; \
} while (0)

/* ---- tests: each TEST() puts a pointer to its record in the section kst_tests ---- */

#define TEST(test_name) \
	static void test_name(struct __test_metadata *_metadata); \
	static struct __test_metadata kst_test_##test_name = { \
		.name = #test_name, .fn = test_name, .line = __LINE__, \
	}; \
	static struct __test_metadata *kst_entry_##test_name \
		__attribute__((used, section("kst_tests"))) = &kst_test_##test_name; \
	static void test_name(struct __test_metadata __attribute__((unused)) *_metadata)

#define TEST_HARNESS_MAIN \
	int main(int argc, char **argv) \
	{ \
		return kst_main(argc, argv); \
	}

/* ---- checks ---- */

#define KST_SIGNED(x)	(((__typeof__(x))-1) < (__typeof__(x))1)

/*
 * Compare once-evaluated @expected and @seen with @op; on failure log both as written (before
 * their macros expand) and their values, each with its own signedness, and run the optional
 * statement written after the macro, then, for an ASSERT, leave the test. The trailing for loop
 * is what makes "ASSERT_EQ(a, b) TH_LOG(...);" work.
 */
#define KST_CHECK(expected, expected_str, seen, seen_str, op, is_assert) do { \
	__typeof__(expected) kst_exp = (expected); \
	__typeof__(seen) kst_seen = (seen); \
	if (is_assert) \
		kst_count_step(_metadata); \
	if (!(kst_exp op kst_seen)) \
		kst_report(_metadata, __FILE__, __LINE__, expected_str, #op, seen_str, \
			   KST_SIGNED(kst_exp), (uintmax_t)kst_exp, \
			   KST_SIGNED(kst_seen), (uintmax_t)kst_seen); \
} while (0); \
for (; _metadata->trigger; _metadata->trigger = kst_bail(_metadata, is_assert))

#define KST_CHECK_STR(expected, seen, op, is_assert) do { \
	const char *kst_exp = (expected); \
	const char *kst_seen = (seen); \
	if (is_assert) \
		kst_count_step(_metadata); \
	if (!(strcmp(kst_exp, kst_seen) op 0)) { \
		fprintf(TH_LOG_STREAM, "# %s:%d:%s:Expected '%s' %s '%s'.\n", __FILE__, __LINE__, \
			_metadata->name, kst_exp, #op, kst_seen); \
		_metadata->passed = 0; \
		_metadata->trigger = 1; \
	} \
} while (0); \
for (; _metadata->trigger; _metadata->trigger = kst_bail(_metadata, is_assert))

#define ASSERT_EQ(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, ==, 1)
#define ASSERT_NE(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, !=, 1)
#define ASSERT_LT(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, <, 1)
#define ASSERT_LE(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, <=, 1)
#define ASSERT_GT(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, >, 1)
#define ASSERT_GE(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, >=, 1)
#define ASSERT_NULL(seen)		KST_CHECK(NULL, "NULL", seen, #seen, ==, 1)
#define ASSERT_TRUE(seen)		KST_CHECK(0, "0", seen, #seen, !=, 1)
#define ASSERT_FALSE(seen)		KST_CHECK(0, "0", seen, #seen, ==, 1)
#define ASSERT_STREQ(expected, seen)	KST_CHECK_STR(expected, seen, ==, 1)
#define ASSERT_STRNE(expected, seen)	KST_CHECK_STR(expected, seen, !=, 1)
#define EXPECT_EQ(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, ==, 0)
#define EXPECT_NE(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, !=, 0)
#define EXPECT_LT(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, <, 0)
#define EXPECT_LE(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, <=, 0)
#define EXPECT_GT(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, >, 0)
#define EXPECT_GE(expected, seen)	KST_CHECK(expected, #expected, seen, #seen, >=, 0)
#define EXPECT_NULL(seen)		KST_CHECK(NULL, "NULL", seen, #seen, ==, 0)
#define EXPECT_TRUE(seen)		KST_CHECK(0, "0", seen, #seen, !=, 0)
#define EXPECT_FALSE(seen)		KST_CHECK(0, "0", seen, #seen, ==, 0)
#define EXPECT_STREQ(expected, seen)	KST_CHECK_STR(expected, seen, ==, 0)
#define EXPECT_STRNE(expected, seen)	KST_CHECK_STR(expected, seen, !=, 0)

/* ---- the runner's state ---- */

extern struct __test_metadata *__start_kst_tests[] __attribute__((weak));
extern struct __test_metadata *__stop_kst_tests[] __attribute__((weak));

static pthread_t kst_main_thread;
static struct __test_metadata *kst_current;	/* the test that runs, for the signal handlers */
static volatile sig_atomic_t kst_in_test;	/* kst_env is the way back to the runner */
static sigjmp_buf kst_env;
static unsigned int kst_timeout = KST_TIMEOUT_DEFAULT;
static bool kst_fd_kept[KST_FD_SCAN];		/* open before the tests, or held for a left thread */

/* Keep the stack pointer's neighbourhood in t->low: the test used the stack down to here. */
static __attribute__((noinline)) void kst_mark_low(struct __test_metadata *t)
{
	char here;
	uintptr_t sp = (uintptr_t)&here;

	if (!t->low || sp < t->low)
		t->low = sp;
	__asm__ volatile("" : : "r"(&here) : "memory");
}

static __attribute__((unused)) void kst_count_step(struct __test_metadata *t)
{
	if (t->passed && t->step < 253)
		t->step++;
}

static __attribute__((unused)) void kst_report(struct __test_metadata *t, const char *file,
					       int line, const char *exp_str, const char *op,
					       const char *seen_str, bool exp_signed, uintmax_t exp,
					       bool seen_signed, uintmax_t seen)
{
	char a[32], b[32];

	if (exp_signed)
		snprintf(a, sizeof(a), "%jd", (intmax_t)exp);
	else
		snprintf(a, sizeof(a), "%ju", exp);
	if (seen_signed)
		snprintf(b, sizeof(b), "%jd", (intmax_t)seen);
	else
		snprintf(b, sizeof(b), "%ju", seen);
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:Expected %s (%s) %s %s (%s)\n", file, line, t->name,
		exp_str, a, op, seen_str, b);
	t->passed = 0;
	t->trigger = 1;
}

/* After a failed check and its optional statement: an ASSERT leaves the test, an EXPECT not. */
static __attribute__((unused)) int kst_bail(struct __test_metadata *t, int is_assert)
{
	if (is_assert) {
		t->aborted = true;
		if (pthread_equal(pthread_self(), kst_main_thread) && kst_in_test) {
			kst_mark_low(t);
			siglongjmp(kst_env, 1);
		}
		/* Another thread's ASSERT: that thread ends, the test goes on, failed. */
		pthread_exit(NULL);
	}
	return 0;
}

static void kst_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void kst_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* ---- the threads of a test ---- */

/* A thread started by a test, from pthread_create until the harness forgets it at the test's end. */
struct kst_thread {
	void *(*start)(void *);
	void *arg;
	sigset_t mask;		/* its creator's mask: the thread starts with it */
	pthread_t thread;
	bool detached;		/* created detached: never joined by the harness */
	bool finished;		/* its start routine returned or it called pthread_exit */
	bool stop_sent;		/* the harness sent KST_STOP_SIGNAL */
	bool left;		/* did not stop at the end of its test: left running, not asked again */
	struct kst_thread *next;
};

/* kst_threads_lock protects kst_threads and every record's flags. Taken with every signal blocked,
 * so no handler (a jump to the runner, a stop) leaves it held. */
static pthread_mutex_t kst_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kst_thread *kst_threads;

static void kst_lock(sigset_t *saved)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, saved);
	pthread_mutex_lock(&kst_threads_lock);
}

static void kst_unlock(const sigset_t *saved)
{
	pthread_mutex_unlock(&kst_threads_lock);
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}

static void kst_thread_finished(void *p)
{
	struct kst_thread *th = p;
	sigset_t saved;

	kst_lock(&saved);
	th->finished = true;
	kst_unlock(&saved);
}

static void *kst_thread_start(void *p)
{
	struct kst_thread *th = p;
	void *ret;

	pthread_sigmask(SIG_SETMASK, &th->mask, NULL);
	pthread_cleanup_push(kst_thread_finished, th);
	ret = th->start(th->arg);
	pthread_cleanup_pop(1);
	return ret;
}

/* pthread_create for the tests: the same, and the harness knows the thread. */
static __attribute__((unused)) int kst_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
						      void *(*start)(void *), void *arg)
{
	struct kst_thread *th = calloc(1, sizeof(*th));
	sigset_t saved;
	int state, err;

	if (!th)
		return EAGAIN;
	th->start = start;
	th->arg = arg;
	if (attr && !pthread_attr_getdetachstate(attr, &state))
		th->detached = state == PTHREAD_CREATE_DETACHED;
	/* The lock is held until th->thread is set: the thread may finish before create returns. */
	kst_lock(&saved);
	th->mask = saved;
	err = pthread_create(&th->thread, attr, kst_thread_start, th);
	if (err) {
		kst_unlock(&saved);
		free(th);
		return err;
	}
	th->next = kst_threads;
	kst_threads = th;
	*thread = th->thread;
	kst_unlock(&saved);
	return 0;
}
#define pthread_create(thread, attr, start, arg) kst_pthread_create(thread, attr, start, arg)

static void kst_stop_handler(int sig)
{
	(void)sig;
	if (!pthread_equal(pthread_self(), kst_main_thread))
		pthread_exit(NULL);
}

static uint64_t kst_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Stop the threads test @t started that still run, join them, forget every record of the test.
 * Returns how many were left running.
 */
static int kst_stop_threads(struct __test_metadata *t)
{
	uint64_t deadline = kst_now_ms() + KST_STOP_GRACE_MS;
	struct kst_thread **pp, *th;
	sigset_t saved;
	int running, left = 0;

	for (;;) {
		/* Stopping threads may still start new ones: every pass signals the new ones. */
		running = 0;
		kst_lock(&saved);
		for (th = kst_threads; th; th = th->next) {
			if (th->finished || th->left)
				continue;
			if (!th->stop_sent) {
				pthread_kill(th->thread, KST_STOP_SIGNAL);
				th->stop_sent = true;
			}
			running++;
		}
		kst_unlock(&saved);
		if (!running || kst_now_ms() >= deadline)
			break;
		usleep(1000);
	}
	kst_lock(&saved);
	pp = &kst_threads;
	while ((th = *pp)) {
		if (th->left) {
			pp = &th->next;
			continue;
		}
		if (!th->finished) {
			th->left = true;
			left++;
			pp = &th->next;
			continue;
		}
		/* Those the harness stopped, the test did not join; those it did not stop, it may have. */
		if (th->stop_sent && !th->detached)
			pthread_join(th->thread, NULL);
		*pp = th->next;
		free(th);
	}
	kst_unlock(&saved);
	if (left)
		fprintf(TH_LOG_STREAM, "# %s: %d thread(s) did not stop within %d ms: left running\n",
			t->name, left, KST_STOP_GRACE_MS);
	return left;
}

/* ---- signals the harness takes ---- */

static void kst_alarm_handler(int sig)
{
	if (!pthread_equal(pthread_self(), kst_main_thread)) {
		/* ITIMER_REAL's signal goes to the process: the main thread is the one to act. */
		pthread_kill(kst_main_thread, sig);
		return;
	}
	if (!kst_in_test)
		return;
	kst_current->timed_out = true;
	kst_mark_low(kst_current);
	siglongjmp(kst_env, 2);
}

static void kst_abort_handler(int sig)
{
	if (!kst_in_test)
		return;		/* abort() outside a test: the default action follows */
	kst_current->aborted = true;
	if (!pthread_equal(pthread_self(), kst_main_thread)) {
		/* A whole process ends on Linux: here the test, through its main thread. */
		pthread_kill(kst_main_thread, sig);
		pthread_exit(NULL);
	}
	kst_mark_low(kst_current);
	siglongjmp(kst_env, 3);
}

static void kst_handle(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigfillset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void kst_set_alarm(unsigned int seconds)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = seconds;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* ---- running ---- */

/*
 * Call the test KST_RUNNER_STACK below the runner. When the test returns, its threads may still
 * write into its frames until they are stopped (a context on the test's stack, a flag it shares):
 * the runner's own calls meanwhile stay within the cushion, above those frames.
 */
static __attribute__((noinline)) void kst_call(struct __test_metadata *t)
{
	char cushion[KST_RUNNER_STACK];

	__asm__ volatile("" : : "r"(cushion) : "memory");	/* kept, though never used */
	if (!t->low || (uintptr_t)cushion < t->low)
		t->low = (uintptr_t)cushion;	/* the test's frames start below */
	t->fn(t);
	__asm__ volatile("" : : "r"(cushion) : "memory");
}

/* Run @t. Returns true when it left threads running. */
static bool kst_run_one(struct __test_metadata *t)
{
	struct sigaction actions[_NSIG];
	sigset_t mask;
	int sig, fd, left;

	t->passed = 1;
	t->skip = 0;
	t->trigger = 0;
	t->step = 1;
	t->aborted = false;
	t->timed_out = false;
	t->low = 0;
	t->reason[0] = 0;
	memset(actions, 0, sizeof(actions));
	for (sig = 1; sig < _NSIG; sig++)
		sigaction(sig, NULL, &actions[sig]);
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	kst_handle(SIGALRM, kst_alarm_handler);
	kst_handle(SIGABRT, kst_abort_handler);
	kst_handle(KST_STOP_SIGNAL, kst_stop_handler);

	kst_msg(" RUN           global.%s ...\n", t->name);
	fflush(stderr);
	kst_current = t;
	if (sigsetjmp(kst_env, 1) == 0) {
		kst_in_test = 1;
		kst_set_alarm(kst_timeout);
		kst_call(t);
	}
	kst_in_test = 0;
	kst_set_alarm(0);
	pthread_sigmask(SIG_SETMASK, &mask, NULL);

	left = kst_stop_threads(t);
	for (fd = 0; fd < KST_FD_SCAN; fd++) {
		if (kst_fd_kept[fd])
			continue;
		if (left)	/* the left threads' descriptors keep their numbers */
			kst_fd_kept[fd] = fcntl(fd, F_GETFD) >= 0;
		else
			close(fd);
	}
	for (sig = 1; sig < _NSIG; sig++)
		sigaction(sig, &actions[sig], NULL);
	kst_current = NULL;

	if (t->timed_out)
		fprintf(TH_LOG_STREAM, "# %s: Test terminated by timeout\n", t->name);
	else if (t->aborted)
		fprintf(TH_LOG_STREAM, "# %s: Test terminated by assertion\n", t->name);
	else if (!t->passed)
		fprintf(TH_LOG_STREAM, "# %s: Test failed at step #%d\n", t->name, t->step);
	if (t->timed_out || t->aborted)
		t->passed = 0;
	fflush(stderr);
	kst_msg("         %4s  global.%s\n", t->passed ? "OK" : "FAIL", t->name);
	return left > 0;
}

struct kst_run {
	struct __test_metadata **tests;
	size_t count;
	unsigned int number;	/* TAP number of the last result */
	unsigned int passed, failed, skipped;
};

static void kst_result(struct kst_run *run, struct __test_metadata *t)
{
	run->number++;
	if (t->skip) {
		run->skipped++;
		printf("ok %u # SKIP %s\n", run->number, t->reason[0] ? t->reason : "unknown");
	} else if (t->passed) {
		run->passed++;
		printf("ok %u global.%s\n", run->number, t->name);
	} else {
		run->failed++;
		printf("not ok %u global.%s\n", run->number, t->name);
	}
	fflush(stdout);
}

/*
 * Run the selected tests from index @i on. After a test that left threads running, the rest run
 * from a frame below the stack the test used, which those threads may still write.
 */
static void kst_run_from(struct kst_run *run, size_t i)
{
	for (; i < run->count; i++) {
		struct __test_metadata *t = run->tests[i];
		char here;

		if (!t->selected)
			continue;
		if (kst_run_one(t)) {
			kst_result(run, t);
			uintptr_t top = (uintptr_t)&here;
			size_t gap = KST_STACK_SLACK + (t->low && t->low < top ? top - t->low : 0);
			char *pad = alloca(gap);

			__asm__ volatile("" : : "r"(pad) : "memory");
			kst_run_from(run, i + 1);
			__asm__ volatile("" : : "r"(pad) : "memory");
			return;
		}
		kst_result(run, t);
	}
}

static int kst_by_line(const void *a, const void *b)
{
	const struct __test_metadata *x = *(struct __test_metadata *const *)a;
	const struct __test_metadata *y = *(struct __test_metadata *const *)b;

	return (x->line > y->line) - (x->line < y->line);
}

static void kst_usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-l] [-t TEST]... [-T TEST]... [--timeout SECONDS]\n"
		"  -l         list the tests selected, run none\n"
		"  -t TEST    run TEST (repeatable; default: every test)\n"
		"  -T TEST    do not run TEST (repeatable)\n"
		"  --timeout  seconds each test may run (default %d)\n", prog, KST_TIMEOUT_DEFAULT);
}

/* Select by name: with -t only those, -T takes away; -l lists them and exits. 0, or 2 for a
 * bad argument. */
static int kst_select(struct kst_run *run, int argc, char **argv)
{
	bool include = false, list = false;
	size_t i;
	int a;

	for (a = 1; a < argc; a++)
		if (!strcmp(argv[a], "-t"))
			include = true;
	for (i = 0; i < run->count; i++)
		run->tests[i]->selected = !include;
	for (a = 1; a < argc; a++) {
		const char *opt = argv[a], *val = a + 1 < argc ? argv[a + 1] : NULL;
		bool found = false;

		if (!strcmp(opt, "-l")) {
			list = true;
			continue;
		}
		if (!strcmp(opt, "--timeout") && val) {
			char *end;
			unsigned long s = strtoul(val, &end, 10);

			if (*end || !s || s > UINT_MAX) {
				fprintf(stderr, "%s: --timeout wants a number of seconds, not '%s'\n",
					argv[0], val);
				return 2;
			}
			kst_timeout = (unsigned int)s;
			a++;
			continue;
		}
		if ((strcmp(opt, "-t") && strcmp(opt, "-T")) || !val) {
			kst_usage(argv[0]);
			return 2;
		}
		if (!strncmp(val, "global.", 7))
			val += 7;
		for (i = 0; i < run->count; i++) {
			if (!strcmp(run->tests[i]->name, val)) {
				run->tests[i]->selected = opt[1] == 't';
				found = true;
			}
		}
		if (!found) {
			fprintf(stderr, "%s: no test '%s'\n", argv[0], val);
			return 2;
		}
		a++;
	}
	if (list) {
		for (i = 0; i < run->count; i++)
			if (run->tests[i]->selected)
				printf("global.%s\n", run->tests[i]->name);
		exit(0);
	}
	return 0;
}

static __attribute__((unused)) int kst_main(int argc, char **argv)
{
	struct kst_run run = { 0 };
	size_t i, selected = 0;
	int fd, rc;

	run.count = __start_kst_tests ? (size_t)(__stop_kst_tests - __start_kst_tests) : 0;
	run.tests = malloc((run.count + 1) * sizeof(*run.tests));
	if (!run.tests)
		return 1;
	memcpy(run.tests, __start_kst_tests, run.count * sizeof(*run.tests));
	qsort(run.tests, run.count, sizeof(*run.tests), kst_by_line);
	rc = kst_select(&run, argc, argv);
	if (rc)
		return rc;
	for (i = 0; i < run.count; i++)
		selected += run.tests[i]->selected;

	kst_main_thread = pthread_self();
	for (fd = 0; fd < KST_FD_SCAN; fd++)
		kst_fd_kept[fd] = fcntl(fd, F_GETFD) >= 0;
	if (!getenv("KSFT_TAP_LEVEL"))
		printf("TAP version 13\n");
	printf("1..%zu\n", selected);
	kst_msg("Starting %zu tests from 1 test cases.\n", selected);
	kst_run_from(&run, 0);
	kst_msg("%s: %u / %zu tests passed.\n", run.failed ? "FAILED" : "PASSED",
		run.passed + run.skipped, selected);
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n", run.passed, run.failed,
	       run.skipped);
	fflush(stdout);
	return run.failed ? 1 : 0;
}

#endif /* KSELFTEST_HARNESS_H */
