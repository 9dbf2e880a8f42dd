// SPDX-License-Identifier: MIT
/* The app-facing C library (lib/) through the real system-call layer: errno per thread and the
 * -1 convention, descriptors, stdio redirected with dup2, malloc, strings, strerror, pthreads
 * (threads, mutex kinds and contention, condition variables with and without timeouts, once),
 * clocks and sleeps, signal sets, sysconf. Written with the app headers, as an app would be. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <assert.h>
#include <kernel/console.h>
#include <kernel/file.h>
#include <kernel/ktest.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/sched.h>

#define MS	1000000LL	/* nanoseconds */

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	if (clock_gettime(clk, &ts))
		return -1;
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec ts_at(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL) };
	return ts;
}

/* Everything written to the pipe's read end @fd so far, up to @size - 1 bytes, NUL-terminated. */
static size_t drain(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	return got;
}

/* ---- errno and the system-call convention ---- */

KTEST(libc, errno_set_on_failure)
{
	char c = 0;

	errno = 0;
	EXPECT_EQ(close(-1), -1);
	EXPECT_EQ(errno, EBADF);
	errno = 0;
	EXPECT_EQ(write(123456, &c, 1), -1);
	EXPECT_EQ(errno, EBADF);
	errno = 0;
	EXPECT_EQ(read(-5, &c, 1), -1);
	EXPECT_EQ(errno, EBADF);
	/* Success leaves errno alone, as POSIX says. */
	errno = 1234;
	EXPECT_EQ(getpid(), 1);
	EXPECT_EQ(sched_yield(), 0);
	EXPECT_EQ(errno, 1234);
	/* errno is this thread's. */
	EXPECT_TRUE(&errno == &current_thread()->errno_value);
	errno = 0;
}

KTEST(libc, syscall_direct)
{
	errno = 0;
	EXPECT_EQ(syscall(SYS_getpid), 1);
	EXPECT_EQ(syscall(SYS_gettid), current_thread()->id);
	EXPECT_EQ(gettid(), current_thread()->id);
	EXPECT_EQ(syscall(SYS_close, -1L), -1);
	EXPECT_EQ(errno, EBADF);
	errno = 0;
	EXPECT_EQ(syscall(400), -1);		/* inside the table, no entry */
	EXPECT_EQ(errno, ENOSYS);
	errno = 0;
	EXPECT_EQ(syscall(-1), -1);
	EXPECT_EQ(errno, ENOSYS);
	errno = 0;
	EXPECT_EQ(syscall(1L << 40), -1);
	EXPECT_EQ(errno, ENOSYS);
	errno = 0;
}

static volatile int errno_phase;
static volatile int errno_seen[2];
static volatile int tid_seen[2];

/* Each thread fails differently, then both yield back and forth before looking at errno. */
static void *errno_thread(void *arg)
{
	int me = (int)(uintptr_t)arg;
	struct timespec ts;

	if (me == 0)
		close(-1);				/* EBADF */
	else
		clock_gettime(12345, &ts);		/* EINVAL */
	__atomic_add_fetch(&errno_phase, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&errno_phase, __ATOMIC_SEQ_CST) < 2)
		sched_yield();
	for (int i = 0; i < 10; i++)
		sched_yield();
	errno_seen[me] = errno;
	tid_seen[me] = gettid();
	return NULL;
}

KTEST(libc, errno_per_thread)
{
	pthread_t a, b;

	errno_phase = 0;
	errno = 0;
	ASSERT_EQ(pthread_create(&a, NULL, errno_thread, (void *)0), 0);
	ASSERT_EQ(pthread_create(&b, NULL, errno_thread, (void *)1), 0);
	EXPECT_EQ(pthread_join(a, NULL), 0);
	EXPECT_EQ(pthread_join(b, NULL), 0);
	EXPECT_EQ(errno_seen[0], EBADF);
	EXPECT_EQ(errno_seen[1], EINVAL);
	EXPECT_EQ(errno, 0);			/* the main thread's is untouched */
	EXPECT_NE(tid_seen[0], tid_seen[1]);
	EXPECT_NE(tid_seen[0], gettid());
}

/* ---- descriptors ---- */

KTEST(libc, console_fds)
{
	char buf[8];

	errno = 0;
	if (fcntl(1, F_GETFD) < 0) {		/* not opened at boot: open them now */
		EXPECT_EQ(errno, EBADF);
		ASSERT_EQ(console_files_init(), 0);
	}
	EXPECT_EQ(console_files_init(), -EBUSY);	/* taken now: refused, nothing leaked */
	EXPECT_EQ(fcntl(0, F_GETFL) & O_ACCMODE, O_RDWR);
	EXPECT_EQ(read(0, buf, sizeof(buf)), 0);		/* output-only: end of file */
	EXPECT_EQ(write(1, "", 0), 0);
	static const char line[] = "    libc: a line written to fd 1\n";
	EXPECT_EQ(write(1, line, sizeof(line) - 1), (ssize_t)sizeof(line) - 1);
	EXPECT_EQ(printf("    libc: printf to the console: %d %s\n", 42, "ok"), 39);
	struct pollfd pfd[3] = { { 0, POLLIN | POLLOUT, 0 }, { 1, POLLOUT, 0 }, { 2, POLLIN, 0 } };
	EXPECT_EQ(poll(pfd, 3, 0), 2);
	EXPECT_EQ(pfd[0].revents, POLLOUT);
	EXPECT_EQ(pfd[1].revents, POLLOUT);
	EXPECT_EQ(pfd[2].revents, 0);
	errno = 0;
	EXPECT_EQ(write(1, (const void *)16, 4), -1);
	EXPECT_EQ(errno, EFAULT);
	errno = 0;
}

KTEST(libc, fd_wrappers)
{
	int p[2], q[2], nfd = fd_count();
	char buf[16];

	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(write(p[1], "abc", 3), 3);
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 3);
	EXPECT_EQ(memcmp(buf, "abc", 3), 0);

	ASSERT_EQ(pipe2(q, O_CLOEXEC | O_NONBLOCK), 0);
	EXPECT_EQ(fcntl(q[0], F_GETFD), FD_CLOEXEC);
	EXPECT_TRUE(fcntl(q[0], F_GETFL) & O_NONBLOCK);
	errno = 0;
	EXPECT_EQ(read(q[0], buf, 1), -1);
	EXPECT_EQ(errno, EAGAIN);

	EXPECT_EQ(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	errno = 0;
	EXPECT_EQ(read(p[0], buf, 1), -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(fcntl(p[0], F_GETFD), 0);
	EXPECT_EQ(fcntl(p[0], F_SETFD, FD_CLOEXEC), 0);
	EXPECT_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);

	int d = dup(p[1]);
	EXPECT_GE(d, 0);
	int e = fcntl(p[1], F_DUPFD, 50);
	EXPECT_GE(e, 50);
	int f = fcntl(p[1], F_DUPFD_CLOEXEC, 50);
	EXPECT_GT(f, e);
	EXPECT_EQ(fcntl(f, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(dup2(p[1], p[1]), p[1]);
	errno = 0;
	EXPECT_EQ(dup3(p[1], p[1], 0), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(dup3(p[1], 60, O_CLOEXEC), 60);
	EXPECT_EQ(fcntl(60, F_GETFD), FD_CLOEXEC);

	struct iovec out[2] = { { "hel", 3 }, { "lo!", 3 } };
	EXPECT_EQ(writev(d, out, 2), 6);
	char a[3], b[10];
	struct iovec in[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	EXPECT_EQ(readv(p[0], in, 2), 6);
	EXPECT_EQ(memcmp(a, "hel", 3), 0);
	EXPECT_EQ(memcmp(b, "lo!", 3), 0);
	errno = 0;
	EXPECT_EQ(writev(d, out, -1), -1);
	EXPECT_EQ(errno, EINVAL);

	int all[] = { p[0], p[1], q[0], q[1], d, e, f, 60 };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		EXPECT_EQ(close(all[i]), 0);
	errno = 0;
	EXPECT_EQ(close(p[0]), -1);
	EXPECT_EQ(errno, EBADF);
	EXPECT_EQ(fd_count(), nfd);
	errno = 0;
}

KTEST(libc, eventfd_poll_epoll_wrappers)
{
	struct epoll_event ev, out[4];
	eventfd_t v = 0;
	sigset_t mask;
	int nfd = fd_count();

	int efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	errno = 0;
	EXPECT_EQ(eventfd_read(efd, &v), -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(eventfd_write(efd, 5), 0);
	struct pollfd pfd = { efd, POLLIN, 0 };
	EXPECT_EQ(poll(&pfd, 1, 0), 1);
	EXPECT_EQ(pfd.revents, POLLIN);
	EXPECT_EQ(eventfd_read(efd, &v), 0);
	EXPECT_EQ(v, 5);

	struct timespec ms1 = { 0, 1000000 };
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	EXPECT_EQ(ppoll(&pfd, 1, &ms1, NULL), 0);
	EXPECT_EQ(ppoll(&pfd, 1, &ms1, &mask), 0);

	int ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(ep, 0);
	EXPECT_EQ(fcntl(ep, F_GETFD), FD_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.u64 = 42;
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), 0);
	errno = 0;
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), -1);
	EXPECT_EQ(errno, EEXIST);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 0);
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(epoll_wait(ep, out, 4, 20), 0);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC) - t0, 20 * MS);
	EXPECT_EQ(eventfd_write(efd, 1), 0);
	EXPECT_EQ(epoll_wait(ep, out, 4, -1), 1);
	EXPECT_EQ(out[0].events, EPOLLIN);
	EXPECT_EQ(out[0].data.u64, 42);
	EXPECT_EQ(epoll_pwait(ep, out, 4, 0, &mask), 1);
	EXPECT_EQ(epoll_pwait(ep, out, 4, 0, NULL), 1);
	struct timespec zero = { 0, 0 };
	EXPECT_EQ(epoll_pwait2(ep, out, 4, &zero, &mask), 1);
	errno = 0;
	EXPECT_EQ(epoll_wait(ep, out, 0, 0), -1);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(epoll_create(0), -1);
	EXPECT_EQ(errno, EINVAL);
	int ep2 = epoll_create(1);
	EXPECT_GE(ep2, 0);
	EXPECT_EQ(close(ep2), 0);
	EXPECT_EQ(close(ep), 0);
	EXPECT_EQ(close(efd), 0);
	EXPECT_EQ(fd_count(), nfd);
	errno = 0;
}

/* ---- stdio ---- */

KTEST(libc, printf_follows_dup2)
{
	int p[2];
	static char got[4096], big[3001];

	ASSERT_EQ(pipe(p), 0);
	int saved_out = dup(1), saved_err = dup(2);	/* -1 when the console is not open */
	ASSERT_EQ(dup2(p[1], 1), 1);
	ASSERT_EQ(dup2(p[1], 2), 2);

	EXPECT_EQ(printf("x=%d %s|", -7, "ab"), 8);
	EXPECT_EQ(fprintf(stdout, "[%5.2s]", "xyz"), 7);
	EXPECT_EQ(puts("line"), 0);
	EXPECT_EQ(putchar('!'), '!');
	EXPECT_EQ(fputc('?', stdout), '?');
	EXPECT_EQ(putc('.', stdout), '.');
	EXPECT_EQ(fputs("fs", stdout), 0);
	EXPECT_EQ(fwrite("abcdef", 2, 3, stdout), 3);
	EXPECT_EQ(fprintf(stderr, "<err %u>", 5u), 7);
	EXPECT_EQ(dprintf(p[1], "{%x}", 255), 4);
	EXPECT_EQ(fflush(stdout), 0);
	EXPECT_EQ(fileno(stderr), 2);
	errno = EBADF;
	perror("ctx");
	EXPECT_EQ(errno, EBADF);			/* perror keeps errno */
	errno = ENOENT;
	perror(NULL);
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	EXPECT_EQ(printf("<%s>", big), 3002);		/* past the stack buffer: the malloc path */

	if (saved_out >= 0) {
		EXPECT_EQ(dup2(saved_out, 1), 1);
		EXPECT_EQ(dup2(saved_err, 2), 2);
		close(saved_out);
		close(saved_err);
	} else {
		close(1);
		close(2);
	}
	close(p[1]);
	size_t n = drain(p[0], got, sizeof(got));
	close(p[0]);
	static const char want[] = "x=-7 ab|[   xy]line\n!?.fsabcdef<err 5>{ff}"
				   "ctx: Bad file descriptor\nNo such file or directory\n<";
	EXPECT_EQ(n, sizeof(want) - 1 + 3002 - 1);
	EXPECT_EQ(strncmp(got, want, sizeof(want) - 1), 0);
	EXPECT_EQ(strncmp(got + sizeof(want) - 1, big, sizeof(big) - 1), 0);
	EXPECT_EQ(got[n - 1], '>');
	if (strncmp(got, want, sizeof(want) - 1))
		printk("    got: \"%.*s\"\n", (int)(sizeof(want) - 1), got);

	/* A stream whose descriptor is closed: -1 and the write's errno. */
	errno = 0;
	EXPECT_EQ(dprintf(999, "lost %d", 1), -1);
	EXPECT_EQ(errno, EBADF);
	errno = 0;
}

KTEST(libc, snprintf_formats)
{
	char buf[64];

	EXPECT_EQ(snprintf(buf, sizeof(buf), "%d|%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42, 42),
		  28);
	EXPECT_STREQ(buf, "42|   42|42   |00042|+42| 42");
	snprintf(buf, sizeof(buf), "%x %X %#x %o %#o %u", 255u, 255u, 255u, 8u, 8u, 4000000000u);
	EXPECT_STREQ(buf, "ff FF 0xff 10 010 4000000000");
	snprintf(buf, sizeof(buf), "%lld %llu %ld %zu %zd %hhd %hd", LLONG_MIN, ULLONG_MAX,
		 -5L, (size_t)7, (ssize_t)-7, (signed char)-128, (short)-32768);
	EXPECT_STREQ(buf, "-9223372036854775808 18446744073709551615 -5 7 -7 -128 -32768");
	snprintf(buf, sizeof(buf), "%s|%.2s|%6s|%-6s|%c|%%|%*d|%.*s", "abc", "abc", "ab", "ab",
		 'Z', 4, 7, 1, "xyz");
	EXPECT_STREQ(buf, "abc|ab|    ab|ab    |Z|%|   7|x");
	snprintf(buf, sizeof(buf), "%p %p %s", (void *)0x1234, NULL, (char *)NULL);
	EXPECT_STREQ(buf, "0x1234 (nil) (null)");
	snprintf(buf, sizeof(buf), "%.3d|%jd|%td", 5, (intmax_t)-1, (ptrdiff_t)9);
	EXPECT_STREQ(buf, "005|-1|9");

	/* Truncation: the return is the full length; the buffer always ends in a NUL. */
	EXPECT_EQ(snprintf(buf, 5, "%s", "truncated"), 9);
	EXPECT_STREQ(buf, "trun");
	EXPECT_EQ(snprintf(NULL, 0, "%d", 12345), 5);
	buf[0] = 'q';
	EXPECT_EQ(snprintf(buf, 1, "abc"), 3);
	EXPECT_EQ(buf[0], '\0');
	EXPECT_EQ(sprintf(buf, "%s-%d", "n", 9), 3);
	EXPECT_STREQ(buf, "n-9");
}

/* ---- memory ---- */

KTEST(libc, malloc_family)
{
	void *z1 = malloc(0), *z2 = malloc(0);
	EXPECT_TRUE(z1 && z2 && z1 != z2);
	free(z1);
	free(z2);
	free(NULL);

	unsigned char *p = malloc(100);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ((uintptr_t)p % 16, 0);
	for (int i = 0; i < 100; i++)
		p[i] = (unsigned char)i;
	p = realloc(p, 5000);
	ASSERT_TRUE(p != NULL);
	for (int i = 0; i < 100; i++)
		if (p[i] != i)
			EXPECT_EQ(p[i], i);
	p = realloc(p, 10);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(p[9], 9);
	void *same = realloc(p, 0);
	EXPECT_TRUE(same != NULL);
	free(same);
	char *r = realloc(NULL, 32);
	EXPECT_TRUE(r != NULL);
	free(r);

	unsigned char *c = calloc(64, 100);
	ASSERT_TRUE(c != NULL);
	int nonzero = 0;
	for (int i = 0; i < 6400; i++)
		nonzero += c[i] != 0;
	EXPECT_EQ(nonzero, 0);
	free(c);

	errno = 0;
	EXPECT_TRUE(calloc(SIZE_MAX / 2 + 1, 2) == NULL);	/* the product overflows */
	EXPECT_EQ(errno, ENOMEM);
	errno = 0;
	EXPECT_TRUE(calloc(1ULL << 33, 1ULL << 33) == NULL);
	EXPECT_EQ(errno, ENOMEM);
	errno = 0;
	EXPECT_TRUE(malloc(SIZE_MAX) == NULL);
	EXPECT_EQ(errno, ENOMEM);
	errno = 0;
	EXPECT_TRUE(malloc(64ULL << 20) == NULL);		/* above kmalloc's 4 MiB */
	EXPECT_EQ(errno, ENOMEM);
	errno = 0;
	char *keep = malloc(16);
	ASSERT_TRUE(keep != NULL);
	EXPECT_TRUE(realloc(keep, SIZE_MAX) == NULL);		/* fails, keep is untouched */
	EXPECT_EQ(errno, ENOMEM);
	free(keep);
	errno = 0;
}

/* ---- strings and numbers ---- */

KTEST(libc, strtol_edges)
{
	char *end;
	const char *s;

	s = "  -42xyz";
	EXPECT_EQ(strtol(s, &end, 10), -42);
	EXPECT_TRUE(end == s + 5);
	s = "0x1F";
	EXPECT_EQ(strtol(s, &end, 0), 31);
	EXPECT_TRUE(end == s + 4);
	s = "0x";
	EXPECT_EQ(strtol(s, &end, 16), 0);
	EXPECT_TRUE(end == s + 1);		/* the "0"; "x" is not part of the number */
	EXPECT_EQ(strtol("0777", NULL, 0), 511);
	EXPECT_EQ(strtol("z", NULL, 36), 35);
	EXPECT_EQ(strtol("+17", NULL, 10), 17);
	EXPECT_EQ(strtol("9223372036854775807", NULL, 10), LONG_MAX);
	EXPECT_EQ(strtol("9223372036854775808", NULL, 10), LONG_MAX);	/* saturates */
	EXPECT_EQ(strtol("-9223372036854775808", NULL, 10), LONG_MIN);
	EXPECT_EQ(strtol("-9223372036854775809", NULL, 10), LONG_MIN);
	EXPECT_EQ(strtol("99999999999999999999999", NULL, 10), LONG_MAX);
	EXPECT_TRUE(strtoul("-1", NULL, 10) == ULONG_MAX);
	EXPECT_TRUE(strtoull("18446744073709551615", NULL, 10) == ULLONG_MAX);
	EXPECT_TRUE(strtoull("18446744073709551616", NULL, 10) == ULLONG_MAX);
	s = "";
	EXPECT_EQ(strtol(s, &end, 10), 0);
	EXPECT_TRUE(end == s);
	s = "abc";
	EXPECT_EQ(strtol(s, &end, 10), 0);
	EXPECT_TRUE(end == s);
	s = "12";
	EXPECT_EQ(strtol(s, &end, 1), 0);	/* bad base */
	EXPECT_TRUE(end == s);
	EXPECT_EQ(atoi("123abc"), 123);
	EXPECT_EQ(atol("-77"), -77);
	/* errno: ERANGE only when the value did not fit; EINVAL for a bad base. */
	errno = 0;
	EXPECT_EQ(strtol("-9223372036854775808", NULL, 10), LONG_MIN);
	EXPECT_EQ(errno, 0);
	EXPECT_EQ(strtol("9223372036854775808", NULL, 10), LONG_MAX);
	EXPECT_EQ(errno, ERANGE);
	errno = 0;
	EXPECT_TRUE(strtoull("18446744073709551616", NULL, 10) == ULLONG_MAX);
	EXPECT_EQ(errno, ERANGE);
	errno = 0;
	EXPECT_EQ(strtol("12", NULL, 99), 0);
	EXPECT_EQ(errno, EINVAL);
}

KTEST(libc, strerror_texts)
{
	EXPECT_STREQ(strerror(0), "Success");
	EXPECT_STREQ(strerror(EPERM), "Operation not permitted");
	EXPECT_STREQ(strerror(EBADF), "Bad file descriptor");
	EXPECT_STREQ(strerror(EAGAIN), "Resource temporarily unavailable");
	EXPECT_STREQ(strerror(EINVAL), "Invalid argument");
	EXPECT_STREQ(strerror(ENOSYS), "Function not implemented");
	EXPECT_STREQ(strerror(ETIMEDOUT), "Connection timed out");
	EXPECT_STREQ(strerror(EINPROGRESS), "Operation now in progress");
	EXPECT_STREQ(strerror(EOPNOTSUPP), "Operation not supported");
	EXPECT_STREQ(strerror(15), "Unknown error 15");		/* ENOTBLK: not in uapi/errno.h */
	EXPECT_STREQ(strerror(9999), "Unknown error 9999");
	EXPECT_STREQ(strerror(-1), "Unknown error -1");
	/* Every number uapi/errno.h names has a text. */
	static const int named[] = {
		EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF, ECHILD, EAGAIN,
		ENOMEM, EACCES, EFAULT, EBUSY, EEXIST, ENODEV, ENOTDIR, EISDIR, EINVAL, ENFILE,
		EMFILE, ENOTTY, EFBIG, ENOSPC, ESPIPE, EROFS, EPIPE, EDOM, ERANGE, EDEADLK,
		ENAMETOOLONG, ENOSYS, ELOOP, ENODATA, ETIME, EOVERFLOW, ENOTSOCK, EDESTADDRREQ,
		EMSGSIZE, EPROTOTYPE, ENOPROTOOPT, EPROTONOSUPPORT, EOPNOTSUPP, EAFNOSUPPORT,
		EADDRINUSE, EADDRNOTAVAIL, ENETDOWN, ENETUNREACH, ECONNABORTED, ECONNRESET, ENOBUFS,
		EISCONN, ENOTCONN, ETIMEDOUT, ECONNREFUSED, EHOSTUNREACH, EALREADY, EINPROGRESS,
	};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strncmp(strerror(named[i]), "Unknown", 7))
			EXPECT_EQ(named[i], 0);
}

KTEST(libc, string_extra)
{
	char buf[32] = "abc";

	EXPECT_STREQ(strcat(buf, "def"), "abcdef");
	EXPECT_STREQ(strncat(buf, "ghijk", 2), "abcdefgh");
	EXPECT_STREQ(strncat(buf, "", 5), "abcdefgh");
	EXPECT_EQ(strspn("aabbcxa", "ab"), 4);
	EXPECT_EQ(strspn("", "ab"), 0);
	EXPECT_EQ(strcspn("hello, world", ", "), 5);
	EXPECT_EQ(strcspn("hello", ""), 5);
	EXPECT_STREQ(strpbrk("key=value;x", "=;"), "=value;x");
	EXPECT_TRUE(strpbrk("abc", "xyz") == NULL);
	const char *m = "a/b/c";
	EXPECT_TRUE(memrchr(m, '/', 5) == m + 3);
	EXPECT_TRUE(memrchr(m, 'z', 5) == NULL);
	EXPECT_TRUE(memrchr(m, 'a', 0) == NULL);
	char *d = strdup("copy me");
	ASSERT_TRUE(d != NULL);
	EXPECT_STREQ(d, "copy me");
	free(d);
	d = strndup("copy me", 4);
	ASSERT_TRUE(d != NULL);
	EXPECT_STREQ(d, "copy");
	free(d);
	d = strndup("ab", 10);
	ASSERT_TRUE(d != NULL);
	EXPECT_STREQ(d, "ab");
	free(d);
}

KTEST(libc, sigset_ops)
{
	sigset_t s;

	EXPECT_EQ(sigemptyset(&s), 0);
	EXPECT_EQ(sigismember(&s, SIGINT), 0);
	EXPECT_EQ(sigaddset(&s, SIGINT), 0);
	EXPECT_EQ(sigaddset(&s, 64), 0);
	EXPECT_EQ(sigismember(&s, SIGINT), 1);
	EXPECT_EQ(sigismember(&s, 64), 1);
	EXPECT_EQ(sigismember(&s, SIGTERM), 0);
	EXPECT_EQ(s.sig[0], (1UL << (SIGINT - 1)) | (1UL << 63));
	EXPECT_EQ(sigdelset(&s, SIGINT), 0);
	EXPECT_EQ(sigismember(&s, SIGINT), 0);
	EXPECT_EQ(sigfillset(&s), 0);
	EXPECT_EQ(sigismember(&s, 1), 1);
	EXPECT_EQ(sigismember(&s, SIGPIPE), 1);
	errno = 0;
	EXPECT_EQ(sigaddset(&s, 0), -1);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(sigdelset(&s, 65), -1);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(sigismember(NULL, 1), -1);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(sigemptyset(NULL), -1);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
}

KTEST(libc, sysconf_values)
{
	EXPECT_EQ(sysconf(_SC_PAGESIZE), 4096);
	EXPECT_EQ(sysconf(_SC_PAGE_SIZE), 4096);
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), 1);
	EXPECT_EQ(sysconf(_SC_OPEN_MAX), fd_get_limit());
	EXPECT_EQ(sysconf(_SC_IOV_MAX), IOV_MAX);
	EXPECT_EQ(sysconf(_SC_CLK_TCK), 100);
	errno = 0;
	EXPECT_EQ(sysconf(9999), -1);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
}

/* ---- clocks and sleeping ---- */

KTEST(libc, clock_gettime_sane)
{
	struct timespec ts;

	int64_t m0 = now_ns(CLOCK_MONOTONIC), m1 = now_ns(CLOCK_MONOTONIC);
	EXPECT_GT(m0, 0);
	EXPECT_GE(m1, m0);
	int64_t b = now_ns(CLOCK_BOOTTIME);
	EXPECT_GE(b, m1);
	ASSERT_EQ(clock_gettime(CLOCK_REALTIME, &ts), 0);
	printk("    realtime: %lld s since 1970\n", (long long)ts.tv_sec);
	EXPECT_GT(ts.tv_sec, 1577836800);		/* after 2020-01-01 */
	EXPECT_LT(ts.tv_sec, 4102444800);		/* before 2100-01-01 */
	EXPECT_GE(ts.tv_nsec, 0);
	EXPECT_LT(ts.tv_nsec, 1000000000);
	/* REALTIME runs at MONOTONIC's rate: their difference does not move. */
	int64_t d0 = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC);
	struct timespec ten = { 0, 10 * MS };
	nanosleep(&ten, NULL);
	int64_t d1 = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC);
	EXPECT_LT(d1 - d0 < 0 ? d0 - d1 : d1 - d0, 1 * MS);
	time_t t = 0, r = time(&t);
	EXPECT_EQ(r, t);
	EXPECT_LE(r - ts.tv_sec, 1);
	EXPECT_GE(r, ts.tv_sec);

	errno = 0;
	EXPECT_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts), -1);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(clock_gettime(-1, &ts), -1);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, NULL), -1);
	EXPECT_EQ(errno, EFAULT);
	errno = 0;
}

KTEST(libc, nanosleep_duration_and_errors)
{
	struct timespec ts = { 0, 20 * MS }, rem = { 7, 7 };

	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(nanosleep(&ts, &rem), 0);
	int64_t slept = now_ns(CLOCK_MONOTONIC) - t0;
	EXPECT_GE(slept, 20 * MS);
	EXPECT_LT(slept, 2000 * MS);
	EXPECT_EQ(rem.tv_sec, 7);			/* untouched: never interrupted */
	ts = (struct timespec){ 0, 0 };
	EXPECT_EQ(nanosleep(&ts, NULL), 0);

	struct timespec bad[] = { { 0, 1000000000 }, { -1, 0 }, { 0, -1 } };
	for (int i = 0; i < 3; i++) {
		errno = 0;
		EXPECT_EQ(nanosleep(&bad[i], NULL), -1);
		EXPECT_EQ(errno, EINVAL);
	}
	errno = 0;
	EXPECT_EQ(nanosleep(NULL, NULL), -1);
	EXPECT_EQ(errno, EFAULT);

	/* clock_nanosleep returns the error number and leaves errno alone. */
	errno = 0;
	int64_t target = now_ns(CLOCK_MONOTONIC) + 20 * MS;
	struct timespec abs = ts_at(target);
	EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC), target);
	abs = ts_at(now_ns(CLOCK_REALTIME) + 15 * MS);
	t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL), 0);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC) - t0, 14 * MS);
	abs = ts_at(1000);				/* long past */
	t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL), 0);
	EXPECT_LT(now_ns(CLOCK_MONOTONIC) - t0, 5 * MS);
	ts = (struct timespec){ 0, 10 * MS };
	t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(clock_nanosleep(CLOCK_BOOTTIME, 0, &ts, NULL), 0);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC) - t0, 10 * MS);
	EXPECT_EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL), EOPNOTSUPP); /* Linux 6.18 */
	EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad[0], NULL), EINVAL);
	EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, NULL, NULL), EFAULT);
	EXPECT_EQ(errno, 0);

	t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(usleep(15000), 0);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC) - t0, 15 * MS);
	EXPECT_EQ(sleep(0), 0u);
}

/* ---- threads ---- */

static pthread_t seen_self;

static void *child(void *arg)
{
	seen_self = pthread_self();
	if ((uintptr_t)arg == 99)
		pthread_exit((void *)(uintptr_t)1234);
	return (void *)((uintptr_t)arg + 1);
}

/* Uses 40 KiB of stack: more than the default 28 KiB, so it needs its larger stack. */
static void *deep_child(void *arg)
{
	volatile char big[40 * 1024];
	memset((char *)big, 0x5a, sizeof(big));
	(void)arg;
	return (void *)(uintptr_t)big[sizeof(big) - 1];
}

KTEST(libc, pthread_create_join)
{
	pthread_t t;
	void *ret = NULL;
	int base = thread_count();

	ASSERT_EQ(pthread_create(&t, NULL, child, (void *)41), 0);
	EXPECT_EQ(pthread_join(t, &ret), 0);
	EXPECT_EQ((uintptr_t)ret, 42);
	EXPECT_TRUE(pthread_equal(seen_self, t));
	EXPECT_FALSE(pthread_equal(pthread_self(), t));
	EXPECT_TRUE(pthread_self() == current_thread());

	ASSERT_EQ(pthread_create(&t, NULL, child, (void *)99), 0);
	EXPECT_EQ(pthread_join(t, &ret), 0);
	EXPECT_EQ((uintptr_t)ret, 1234);		/* through pthread_exit */
	ASSERT_EQ(pthread_create(&t, NULL, child, (void *)1), 0);
	EXPECT_EQ(pthread_join(t, NULL), 0);
	EXPECT_EQ(pthread_join(pthread_self(), NULL), EDEADLK);

	pthread_attr_t attr;
	size_t size = 0;
	EXPECT_EQ(pthread_attr_init(&attr), 0);
	EXPECT_EQ(pthread_attr_getstacksize(&attr, &size), 0);
	EXPECT_EQ(size, 28 * 1024);
	EXPECT_EQ(pthread_attr_setstacksize(&attr, 1000), EINVAL);
	EXPECT_EQ(pthread_attr_setstacksize(&attr, 64 << 20), EINVAL);
	EXPECT_EQ(pthread_attr_setstacksize(&attr, 48 * 1024), 0);
	EXPECT_EQ(pthread_attr_getstacksize(&attr, &size), 0);
	EXPECT_GE(size, 48 * 1024);
	EXPECT_EQ(pthread_attr_setdetachstate(&attr, 7), EINVAL);
	ASSERT_EQ(pthread_create(&t, &attr, deep_child, NULL), 0);
	EXPECT_EQ(pthread_join(t, &ret), 0);
	EXPECT_EQ((uintptr_t)ret, 0x5a);
	EXPECT_EQ(pthread_attr_destroy(&attr), 0);
	EXPECT_EQ(thread_count(), base);
}

static pthread_mutex_t det_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t det_cond = PTHREAD_COND_INITIALIZER;
static int det_release, det_done;

static void *detached_child(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&det_lock);
	while (!det_release)
		pthread_cond_wait(&det_cond, &det_lock);
	det_done++;
	pthread_cond_broadcast(&det_cond);
	pthread_mutex_unlock(&det_lock);
	return NULL;
}

KTEST(libc, pthread_detach)
{
	pthread_t a, b;
	pthread_attr_t attr;
	int base = thread_count(), state = -1;

	det_release = det_done = 0;
	pthread_attr_init(&attr);
	EXPECT_EQ(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED), 0);
	EXPECT_EQ(pthread_attr_getdetachstate(&attr, &state), 0);
	EXPECT_EQ(state, PTHREAD_CREATE_DETACHED);
	ASSERT_EQ(pthread_create(&a, &attr, detached_child, NULL), 0);
	ASSERT_EQ(pthread_create(&b, NULL, detached_child, NULL), 0);
	EXPECT_EQ(pthread_detach(b), 0);
	/* Both are alive (waiting for det_release): they cannot be joined or detached again. */
	EXPECT_EQ(pthread_join(a, NULL), EINVAL);
	EXPECT_EQ(pthread_detach(a), EINVAL);
	EXPECT_EQ(pthread_detach(b), EINVAL);
	pthread_mutex_lock(&det_lock);
	det_release = 1;
	pthread_cond_broadcast(&det_cond);
	while (det_done < 2)
		pthread_cond_wait(&det_cond, &det_lock);
	pthread_mutex_unlock(&det_lock);
	/* They free themselves once switched out for the last time. */
	for (int i = 0; i < 100 && thread_count() != base; i++)
		usleep(1000);
	EXPECT_EQ(thread_count(), base);
}

#define CONTENDERS	4
#define ROUNDS		5000

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *contender(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&count_lock);
		long v = counter;
		if (i % 50 == 0)
			sched_yield();		/* let the others find it held */
		counter = v + 1;
		pthread_mutex_unlock(&count_lock);
	}
	return NULL;
}

KTEST(libc, mutex_contention)
{
	pthread_t t[CONTENDERS];

	counter = 0;
	for (int i = 0; i < CONTENDERS; i++)
		ASSERT_EQ(pthread_create(&t[i], NULL, contender, NULL), 0);
	for (int i = 0; i < CONTENDERS; i++)
		EXPECT_EQ(pthread_join(t[i], NULL), 0);
	EXPECT_EQ(counter, CONTENDERS * ROUNDS);
	EXPECT_GT(((struct mutex *)count_lock.impl)->contended, 0);
	EXPECT_EQ(pthread_mutex_destroy(&count_lock), 0);
}

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int other_result;

static void *try_other(void *arg)
{
	(void)arg;
	int r = pthread_mutex_trylock(&held_lock);
	other_result = r * 100 + pthread_mutex_unlock(&held_lock);	/* EBUSY, then EPERM */
	return NULL;
}

KTEST(libc, mutex_kinds)
{
	pthread_t t;
	pthread_mutexattr_t ma;
	pthread_mutex_t rec, chk;
	int kind = -1;

	EXPECT_EQ(pthread_mutex_lock(&held_lock), 0);
	EXPECT_EQ(pthread_mutex_lock(&held_lock), EDEADLK);	/* reported, not a hang */
	EXPECT_EQ(pthread_mutex_trylock(&held_lock), EBUSY);
	ASSERT_EQ(pthread_create(&t, NULL, try_other, NULL), 0);
	pthread_join(t, NULL);
	EXPECT_EQ(other_result, EBUSY * 100 + EPERM);
	EXPECT_EQ(pthread_mutex_destroy(&held_lock), EBUSY);
	EXPECT_EQ(pthread_mutex_unlock(&held_lock), 0);
	EXPECT_EQ(pthread_mutex_unlock(&held_lock), EPERM);
	EXPECT_EQ(pthread_mutex_trylock(&held_lock), 0);
	EXPECT_EQ(pthread_mutex_unlock(&held_lock), 0);

	pthread_mutexattr_init(&ma);
	EXPECT_EQ(pthread_mutexattr_settype(&ma, 77), EINVAL);
	EXPECT_EQ(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE), 0);
	EXPECT_EQ(pthread_mutexattr_gettype(&ma, &kind), 0);
	EXPECT_EQ(kind, PTHREAD_MUTEX_RECURSIVE);
	EXPECT_EQ(pthread_mutex_init(&rec, &ma), 0);
	EXPECT_EQ(pthread_mutex_lock(&rec), 0);
	EXPECT_EQ(pthread_mutex_lock(&rec), 0);
	EXPECT_EQ(pthread_mutex_trylock(&rec), 0);
	EXPECT_EQ(rec.depth, 3);
	EXPECT_EQ(pthread_mutex_unlock(&rec), 0);
	EXPECT_EQ(pthread_mutex_unlock(&rec), 0);
	EXPECT_EQ(pthread_mutex_destroy(&rec), EBUSY);
	EXPECT_EQ(pthread_mutex_unlock(&rec), 0);
	EXPECT_EQ(pthread_mutex_unlock(&rec), EPERM);
	EXPECT_EQ(pthread_mutex_destroy(&rec), 0);

	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	EXPECT_EQ(pthread_mutex_init(&chk, &ma), 0);
	EXPECT_EQ(pthread_mutex_lock(&chk), 0);
	EXPECT_EQ(pthread_mutex_lock(&chk), EDEADLK);
	EXPECT_EQ(pthread_mutex_unlock(&chk), 0);
	EXPECT_EQ(pthread_mutex_unlock(&chk), EPERM);
	EXPECT_EQ(pthread_mutex_destroy(&chk), 0);
	pthread_mutexattr_destroy(&ma);

	static pthread_mutex_t srec = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
	EXPECT_EQ(pthread_mutex_lock(&srec), 0);
	EXPECT_EQ(pthread_mutex_lock(&srec), 0);
	EXPECT_EQ(pthread_mutex_unlock(&srec), 0);
	EXPECT_EQ(pthread_mutex_unlock(&srec), 0);
}

#define WAITERS	3

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static int q_tokens, q_waiting, q_woken;

static void *token_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&q_lock);
	q_waiting++;
	while (!q_tokens)
		pthread_cond_wait(&q_cond, &q_lock);
	q_tokens--;
	q_woken++;
	pthread_mutex_unlock(&q_lock);
	return NULL;
}

KTEST(libc, cond_signal_broadcast)
{
	pthread_t t[WAITERS];

	q_tokens = q_waiting = q_woken = 0;
	for (int i = 0; i < WAITERS; i++)
		ASSERT_EQ(pthread_create(&t[i], NULL, token_waiter, NULL), 0);
	/* Once all have counted themselves under the lock, all are queued on the cond. */
	for (;;) {
		pthread_mutex_lock(&q_lock);
		if (q_waiting == WAITERS)
			break;
		pthread_mutex_unlock(&q_lock);
		usleep(1000);
	}
	EXPECT_EQ(pthread_cond_destroy(&q_cond), EBUSY);
	q_tokens = 1;
	EXPECT_EQ(pthread_cond_signal(&q_cond), 0);
	pthread_mutex_unlock(&q_lock);
	usleep(20000);
	pthread_mutex_lock(&q_lock);
	EXPECT_EQ(q_woken, 1);			/* a signal wakes one */
	q_tokens += WAITERS - 1;
	EXPECT_EQ(pthread_cond_broadcast(&q_cond), 0);
	pthread_mutex_unlock(&q_lock);
	for (int i = 0; i < WAITERS; i++)
		EXPECT_EQ(pthread_join(t[i], NULL), 0);
	EXPECT_EQ(q_woken, WAITERS);
	EXPECT_EQ(q_tokens, 0);
	EXPECT_EQ(pthread_cond_signal(&q_cond), 0);	/* nobody waits: a no-op */
	EXPECT_EQ(pthread_cond_destroy(&q_cond), 0);
}

static pthread_mutex_t tw_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tw_cond = PTHREAD_COND_INITIALIZER;
static int tw_flag;

static void *late_signaller(void *arg)
{
	(void)arg;
	usleep(10000);
	pthread_mutex_lock(&tw_lock);
	tw_flag = 1;
	pthread_cond_signal(&tw_cond);
	pthread_mutex_unlock(&tw_lock);
	return NULL;
}

KTEST(libc, cond_timedwait)
{
	pthread_t t;
	struct timespec abs;

	/* Nobody signals: ETIMEDOUT after the deadline, the mutex held again. */
	EXPECT_EQ(pthread_mutex_lock(&tw_lock), 0);
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	abs = ts_at(now_ns(CLOCK_REALTIME) + 50 * MS);
	EXPECT_EQ(pthread_cond_timedwait(&tw_cond, &tw_lock, &abs), ETIMEDOUT);
	int64_t waited = now_ns(CLOCK_MONOTONIC) - t0;
	EXPECT_GE(waited, 49 * MS);
	EXPECT_LT(waited, 2000 * MS);
	EXPECT_EQ(pthread_mutex_trylock(&tw_lock), EBUSY);	/* held by us */

	abs = ts_at(now_ns(CLOCK_REALTIME) - 1000 * MS);	/* already past */
	EXPECT_EQ(pthread_cond_timedwait(&tw_cond, &tw_lock, &abs), ETIMEDOUT);
	abs.tv_nsec = 1000000000;
	EXPECT_EQ(pthread_cond_timedwait(&tw_cond, &tw_lock, &abs), EINVAL);
	abs.tv_nsec = -1;
	EXPECT_EQ(pthread_cond_timedwait(&tw_cond, &tw_lock, &abs), EINVAL);

	/* Signalled well before the deadline: 0, early. */
	tw_flag = 0;
	ASSERT_EQ(pthread_create(&t, NULL, late_signaller, NULL), 0);
	abs = ts_at(now_ns(CLOCK_REALTIME) + 5000 * MS);
	t0 = now_ns(CLOCK_MONOTONIC);
	int rc = 0;
	while (!tw_flag && !rc)
		rc = pthread_cond_timedwait(&tw_cond, &tw_lock, &abs);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(tw_flag, 1);
	EXPECT_LT(now_ns(CLOCK_MONOTONIC) - t0, 2000 * MS);
	EXPECT_EQ(pthread_mutex_unlock(&tw_lock), 0);
	pthread_join(t, NULL);

	/* Not holding the mutex. */
	EXPECT_EQ(pthread_cond_wait(&tw_cond, &tw_lock), EPERM);
	abs = ts_at(now_ns(CLOCK_REALTIME) + 10 * MS);
	EXPECT_EQ(pthread_cond_timedwait(&tw_cond, &tw_lock, &abs), EPERM);

	/* A cond on CLOCK_MONOTONIC takes monotonic deadlines. */
	pthread_condattr_t ca;
	pthread_cond_t mono;
	clockid_t clk = -1;
	pthread_condattr_init(&ca);
	EXPECT_EQ(pthread_condattr_setclock(&ca, CLOCK_PROCESS_CPUTIME_ID), EINVAL);
	EXPECT_EQ(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	EXPECT_EQ(pthread_condattr_getclock(&ca, &clk), 0);
	EXPECT_EQ(clk, CLOCK_MONOTONIC);
	EXPECT_EQ(pthread_cond_init(&mono, &ca), 0);
	pthread_mutex_lock(&tw_lock);
	t0 = now_ns(CLOCK_MONOTONIC);
	abs = ts_at(t0 + 30 * MS);
	EXPECT_EQ(pthread_cond_timedwait(&mono, &tw_lock, &abs), ETIMEDOUT);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC), t0 + 30 * MS);
	pthread_mutex_unlock(&tw_lock);
	EXPECT_EQ(pthread_cond_destroy(&mono), 0);
	pthread_condattr_destroy(&ca);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int once_runs;

static void once_init(void)
{
	usleep(10000);		/* the others arrive meanwhile and must wait */
	once_runs++;
}

static void *once_user(void *arg)
{
	(void)arg;
	pthread_once(&once, once_init);
	return (void *)(uintptr_t)once_runs;	/* must see the effect of once_init */
}

KTEST(libc, pthread_once)
{
	pthread_t t[4];
	void *ret;

	once_runs = 0;
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(pthread_create(&t[i], NULL, once_user, NULL), 0);
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(pthread_join(t[i], &ret), 0);
		EXPECT_EQ((uintptr_t)ret, 1);
	}
	EXPECT_EQ(pthread_once(&once, once_init), 0);
	EXPECT_EQ(once_runs, 1);
}

/* ---- leaving: these end the machine, so they run only when named (ktest=libc.exit_status) ---- */

static void say_goodbye(void)
{
	printf("libc: atexit handler ran\n");
}

KTEST_EXPLICIT(libc, exit_status)
{
	atexit(say_goodbye);
	exit(42);		/* QEMU must exit with 42 after the handler's line */
}

KTEST_EXPLICIT(libc, abort_status)
{
	abort();		/* "abort() called", QEMU exits with 126 */
}

KTEST_EXPLICIT(libc, assert_fails)
{
	int two = 2;
	assert(two + two == 5);	/* the assertion message, then as abort() */
}
