/* SPDX-License-Identifier: MIT */
/* <unistd.h>: descriptors, sleeping, ids, sysconf and syscall(). Failures return -1 and set
 * errno. There is one process: getpid() is 1, gettid() is the kernel thread's id. */
#ifndef EPUNK_UNISTD_H
#define EPUNK_UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO	0
#define STDOUT_FILENO	1
#define STDERR_FILENO	2

/* sysconf names: glibc's values. Others fail with EINVAL. */
#define _SC_CLK_TCK		2
#define _SC_OPEN_MAX		4
#define _SC_PAGESIZE		30
#define _SC_PAGE_SIZE		_SC_PAGESIZE
#define _SC_IOV_MAX		60
#define _SC_NPROCESSORS_CONF	83
#define _SC_NPROCESSORS_ONLN	84

ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
int close(int fd);
int dup(int oldfd);
int dup2(int oldfd, int newfd);
int dup3(int oldfd, int newfd, int flags);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);

/* Sleeps are never interrupted (epunk delivers no signals): sleep() returns 0, usleep() 0. */
unsigned int sleep(unsigned int seconds);
int usleep(useconds_t usec);

pid_t getpid(void);
pid_t gettid(void);
long sysconf(int name);

/** syscall - system call @number through the kernel's table (numbers in <sys/syscall.h>).
 * Like glibc's: -1 with errno set when the call fails, else its result. */
long syscall(long number, ...);

/** _exit - leave the machine with @status at once (no atexit handlers); see exit(). */
__attribute__((noreturn)) void _exit(int status);

#endif
