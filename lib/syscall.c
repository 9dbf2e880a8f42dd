// SPDX-License-Identifier: MIT
/* syscall() and the POSIX wrappers over it. Every call goes through the kernel's table
 * (syscall_dispatch), as a Linux program's would go through the syscall instruction; a result
 * in -4095..-1 is an error: errno = -result, and the wrapper returns -1. Arguments are widened
 * to long here so syscall() reads exactly what was meant. */
#include <errno.h>
#include <fcntl.h>
#include <arch/syscall.h>
#include <kernel/syscall.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define A(x)	((long)(x))

static inline long syscall_ret(long r)
{
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* glibc's contract: six arguments are read whatever the call takes (reading unused ones is
 * harmless on x86-64), and the table ignores the extra ones. */
long syscall(long nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
	long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
	va_end(ap);
	return syscall_ret(syscall_dispatch(nr, a1, a2, a3, a4, a5, a6));
}

ssize_t read(int fd, void *buf, size_t count)
{
	return syscall(SYS_read, A(fd), A(buf), A(count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
	return syscall(SYS_write, A(fd), A(buf), A(count));
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	return syscall(SYS_readv, A(fd), A(iov), A(iovcnt));
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	return syscall(SYS_writev, A(fd), A(iov), A(iovcnt));
}

int close(int fd)
{
	return (int)syscall(SYS_close, A(fd));
}

int dup(int oldfd)
{
	return (int)syscall(SYS_dup, A(oldfd));
}

int dup2(int oldfd, int newfd)
{
	return (int)syscall(SYS_dup2, A(oldfd), A(newfd));
}

int dup3(int oldfd, int newfd, int flags)
{
	return (int)syscall(SYS_dup3, A(oldfd), A(newfd), A(flags));
}

/* The third argument is read with the type the command takes: an int for the commands that
 * take one, nothing for the F_GET* ones, a pointer-sized word for anything else. */
int fcntl(int fd, int cmd, ...)
{
	long arg = 0;
	va_list ap;

	va_start(ap, cmd);
	switch (cmd) {
	case F_GETFD:
	case F_GETFL:
		break;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_SETFD:
	case F_SETFL:
		arg = va_arg(ap, int);
		break;
	default:
		arg = va_arg(ap, long);
		break;
	}
	va_end(ap);
	return (int)syscall(SYS_fcntl, A(fd), A(cmd), arg);
}

int pipe(int fds[2])
{
	return (int)syscall(SYS_pipe, A(fds));
}

int pipe2(int fds[2], int flags)
{
	return (int)syscall(SYS_pipe2, A(fds), A(flags));
}

int eventfd(unsigned int initval, int flags)
{
	return (int)syscall(SYS_eventfd2, A(initval), A(flags));
}

int eventfd_read(int fd, eventfd_t *value)
{
	return read(fd, value, sizeof(*value)) == sizeof(*value) ? 0 : -1;
}

int eventfd_write(int fd, eventfd_t value)
{
	return write(fd, &value, sizeof(value)) == sizeof(value) ? 0 : -1;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	return (int)syscall(SYS_poll, A(fds), A(nfds), A(timeout));
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask)
{
	return (int)syscall(SYS_ppoll, A(fds), A(nfds), A(timeout), A(sigmask), A(KERNEL_SIGSET_SIZE));
}

int epoll_create(int size)
{
	return (int)syscall(SYS_epoll_create, A(size));
}

int epoll_create1(int flags)
{
	return (int)syscall(SYS_epoll_create1, A(flags));
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	return (int)syscall(SYS_epoll_ctl, A(epfd), A(op), A(fd), A(event));
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	return (int)syscall(SYS_epoll_wait, A(epfd), A(events), A(maxevents), A(timeout));
}

/* The mask's size is the kernel's sigset_t (8 bytes), as glibc passes it. */
int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
		const sigset_t *sigmask)
{
	return (int)syscall(SYS_epoll_pwait, A(epfd), A(events), A(maxevents), A(timeout),
			    A(sigmask), A(KERNEL_SIGSET_SIZE));
}

int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		 const struct timespec *timeout, const sigset_t *sigmask)
{
	return (int)syscall(SYS_epoll_pwait2, A(epfd), A(events), A(maxevents), A(timeout),
			    A(sigmask), A(KERNEL_SIGSET_SIZE));
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	return (int)syscall(SYS_clock_gettime, A(clk), A(ts));
}

int nanosleep(const struct timespec *request, struct timespec *rem)
{
	return (int)syscall(SYS_nanosleep, A(request), A(rem));
}

/* POSIX: the error number is returned and errno is left alone, so this one bypasses syscall(). */
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *request, struct timespec *rem)
{
	long r = syscall_dispatch(SYS_clock_nanosleep, A(clk), A(flags), A(request), A(rem), 0, 0);
	return r < 0 ? (int)-r : 0;
}

int sched_yield(void)
{
	return (int)syscall(SYS_sched_yield);
}

pid_t getpid(void)
{
	return (pid_t)syscall(SYS_getpid);
}

pid_t gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

void _exit(int status)
{
	syscall(SYS_exit_group, A(status));
	for (;;)	/* exit_group does not return; the loop tells the compiler so */
		;
}

int open(const char *path, int flags, ...)
{
	return (int)syscall(SYS_open, (long)path, (long)flags, 0L);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	return (int)syscall(SYS_openat, (long)dirfd, (long)path, (long)flags, 0L);
}
