/* SPDX-License-Identifier: MIT */
/* The kernel's system calls (the table that numbers them is arch's: arch/syscall.h). Each sys_*
 * resolves descriptors, checks and copies arguments, and calls the object-level core; it returns
 * a count or a negative errno. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/uaccess.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uapi/eventpoll.h>
#include <uapi/poll.h>
#include <uapi/signal.h>
#include <uapi/time.h>
#include <uapi/uio.h>
#include <uapi/unistd.h>


long sys_read(int fd, void *buf, size_t len);
long sys_write(int fd, const void *buf, size_t len);
long sys_readv(int fd, const struct iovec *iov, int iovcnt);
long sys_writev(int fd, const struct iovec *iov, int iovcnt);
long sys_pread64(int fd, void *buf, size_t len, long long pos);
long sys_pwrite64(int fd, const void *buf, size_t len, long long pos);
long sys_preadv(int fd, const struct iovec *iov, int iovcnt, long long pos);
long sys_pwritev(int fd, const struct iovec *iov, int iovcnt, long long pos);
long sys_lseek(int fd, long long off, unsigned whence);
long sys_getdents64(int fd, void *dirp, unsigned count);
long sys_close(int fd);
long sys_open(const char *path, int flags, unsigned mode);
long sys_openat(int dirfd, const char *path, int flags, unsigned mode);
struct stat;
long sys_stat(const char *path, struct stat *st);
long sys_fstat(int fd, struct stat *st);
long sys_lstat(const char *path, struct stat *st);
long sys_newfstatat(int dirfd, const char *path, struct stat *st, int flags);
long sys_readlink(const char *path, char *buf, int bufsiz);
long sys_readlinkat(int dirfd, const char *path, char *buf, int bufsiz);
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_fcntl(int fd, int cmd, unsigned long arg);
long sys_ioctl(int fd, unsigned cmd, unsigned long arg);
long sys_pipe(int fds[2]);
long sys_pipe2(int fds[2], int flags);
long sys_eventfd(unsigned int initval);
long sys_eventfd2(unsigned int initval, int flags);
long sys_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
long sys_ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *ts, const sigset_t *mask,
	       size_t sigsetsize);
long sys_epoll_create(int size);
long sys_epoll_create1(int flags);
long sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
long sys_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms);
long sys_epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms,
		     const sigset_t *mask, size_t sigsetsize);
long sys_epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		      const struct timespec *timeout, const sigset_t *mask, size_t sigsetsize);
/** clock_realtime_ns - CLOCK_REALTIME in nanoseconds since the epoch (kernel/sys_misc.c). */
uint64_t clock_realtime_ns(void);
/** clock_realtime_base_ns - CLOCK_REALTIME at ktime 0: clock_realtime_ns() is it plus ktime_ns(). */
uint64_t clock_realtime_base_ns(void);
long sys_clock_gettime(clockid_t clk, struct timespec *ts);
long sys_clock_getres(clockid_t clk, struct timespec *res);
long sys_nanosleep(const struct timespec *req, struct timespec *rem);
long sys_clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem);
long sys_gettimeofday(struct timeval *tv, struct timezone *tz);
long sys_time(time_t *tloc);
long sys_sched_yield(void);
long sys_sched_getaffinity(int pid, size_t len, unsigned long *mask);
long sys_sched_setaffinity(int pid, size_t len, const unsigned long *mask);
long sys_getuid(void);
long sys_uname(void *buf);
long sys_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
	       unsigned long arg5);
struct sysinfo;
long sys_sysinfo(struct sysinfo *buf);
struct rlimit;
long sys_prlimit64(int pid, int resource, const struct rlimit *new, struct rlimit *old);
#endif
