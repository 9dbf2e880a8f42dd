/* SPDX-License-Identifier: MIT */
/* The bad-syscall table: one row per bad call (a bad descriptor, a detectable bad pointer, bad
 * flags, an out-of-range size) and the errno Linux gives it. The same rows run in the guest
 * (tests/guest/test_badsys.c, through syscall_dispatch) and on the host (tests/badsys/host.c,
 * through glibc's syscall()), so each expectation is checked against Linux itself.
 *
 * Arguments are plain values or tokens (BS_*) that the runner turns into a fixture: a closed
 * descriptor, a pipe end, an epoll, a socket, a scratch buffer, a bad timespec... Fixture memory
 * is refilled before every row, so a row that wrongly succeeds cannot spoil the next ones.
 *
 * "Detectable" bad pointers (the runner is a kernel thread, so its fixtures are kernel memory):
 * the unmapped first page (NULL), anything at or above Linux's user-space ceiling
 * (0x7ffffffff000: the upper canonical half and the non-canonical hole), and ranges that wrap
 * or cross that ceiling. Linux refuses the same ones with EFAULT. */
#ifndef BADSYS_TABLE_H
#define BADSYS_TABLE_H

#ifdef BADSYS_HOST
/* On Linux: glibc's headers, and glibc's syscall() (-1 and errno) turned into -errno. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long badsys_call(long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);
	return r == -1 ? -errno : r;
}
#else
/* In the guest: the kernel's ABI headers and its system-call table. */
#include <arch/syscall.h>
#include <kernel/errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <uapi/eventfd.h>
#include <uapi/eventpoll.h>
#include <uapi/fcntl.h>
#include <uapi/in.h>
#include <uapi/mman.h>
#include <uapi/poll.h>
#include <uapi/resource.h>
#include <uapi/signal.h>
#include <uapi/socket.h>
#include <uapi/time.h>
#include <uapi/uio.h>
#include <uapi/un.h>
#include <uapi/unistd.h>

#define badsys_call syscall_dispatch
#endif

#define BS_TOK_BASE	0x0bad5ec000000000L
enum badsys_token {
	BS_FD_CLOSED = 1,	/* a descriptor number that was open and is closed */
	BS_PIPE_R,		/* read end of a non-blocking pipe holding one byte */
	BS_PIPE_W,		/* its write end */
	BS_EPFD,		/* an epoll instance watching nothing */
	BS_EVFD,		/* a non-blocking eventfd with count 1 */
	BS_TCP,			/* a non-blocking TCP socket, neither bound nor connected */
	BS_UDP,			/* a non-blocking UDP socket, neither bound nor connected */
	BS_DIRFD,		/* "/" opened O_RDONLY | O_DIRECTORY, at its first entry */
	BS_UNIX,		/* a non-blocking AF_UNIX stream socket, neither bound nor connected */
	BS_UNIX_DG,		/* a non-blocking AF_UNIX datagram socket, likewise */
	BS_BUF,			/* 256 writable bytes */
	BS_EV,			/* struct epoll_event { EPOLLIN } */
	BS_EV_EXCL_1S,		/* EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT: not a valid pair */
	BS_IOV_BUF,		/* one iovec { BS_BUF, 1 } */
	BS_IOV_NULLBASE,	/* one iovec { NULL, 1 } */
	BS_IOV_HUGE,		/* two iovecs of SSIZE_MAX bytes each: the sum overflows */
	BS_IOV_NEGLEN,		/* one iovec { BS_BUF, SSIZE_MAX + 1 }: negative as ssize_t */
	BS_SIGSET,		/* an empty sigset_t (8 bytes) */
	BS_TS_NEG,		/* timespec { -1, 0 } */
	BS_TS_BIGNSEC,		/* timespec { 0, 1000000000 } */
	BS_TS_ZERO,		/* timespec { 0, 0 } */
	BS_RL_BAD,		/* rlimit { cur 10 > max 5 } */
	BS_RL_HUGE,		/* rlimit { 1 << 21, 1 << 21 }: above fs.nr_open */
	BS_SIN_OK,		/* sockaddr_in 127.0.0.1 port 0 */
	BS_SIN_FAM6,		/* 16 zero bytes with sa_family AF_INET6 */
	BS_SIN_PORT9,		/* sockaddr_in 127.0.0.1 port 9: rows using it fail before sending */
	BS_LEN_NEG,		/* socklen_t holding -1 */
	BS_LEN_4,		/* socklen_t holding 4 */
	BS_INT_ONE,		/* int 1 */
	BS_U64_MAX,		/* uint64_t UINT64_MAX: the eventfd value that is never allowed */
	BS_POLLFD,		/* struct pollfd { BS_PIPE_W, POLLOUT } */
	BS_PATH_NOENT,		/* "/nonexistent/epunk-badsys" */
	BS_PATH_REL,		/* "relative" */
	BS_PATH_EMPTY,		/* "" */
	BS_PATH_DEVNULL,	/* "/dev/null" */
	BS_PATH_DEVNULL_SLASH,	/* "/dev/null/": a trailing slash after a device */
	BS_PATH_LONG,		/* "/aaa...": PATH_MAX bytes with no NUL among them */
	BS_PATH_LONGNAME,	/* "/" and a component of NAME_MAX + 1 bytes */
	BS_PATH_ROOT,		/* "/" */
	BS_SUN_NOENT,		/* sockaddr_un "/nonexistent/epunk-badsys.sock" (110 bytes) */
	BS_SUN_NOBODY,		/* sockaddr_un of an abstract name nobody binds (110 bytes) */
	BS_SUN_INET,		/* sockaddr_un with sun_family AF_INET */
	BS_NTOKENS
};
#define T(tok)		(BS_TOK_BASE + (tok))
/* Linux's numbers, spelled here so that both the host's headers and the guest's build the rows. */
#define BS_FUTEX_WAIT	0
#define BS_FUTEX_WAKE	1
#define BS_CLONE_VM	0x100
#define BS_CLONE_SIGHAND 0x800
#define BS_CLONE_THREAD	0x10000
#define BS_TIOCGWINSZ	0x5413
#define BS_FIONBIO	0x5421
#define BS_FIONREAD	0x541B
#define BS_MREMAP_MAYMOVE 1
#define BS_O_TMPFILE	(020000000 | O_DIRECTORY)
#define BS_PR_SET_NAME	15
#define BS_PR_GET_NAME	16
#define BS_PR_SET_THP_DISABLE 41
#define BS_PR_GET_THP_DISABLE 42
#define BS_ADDR		0x10000L	/* page-aligned, never mapped here or in the host's test */
#define BS_NONCANON	((long)0x8000000000000000UL)	/* non-canonical */
#define BS_HIGH		((long)0xffff800000000000UL)	/* upper half: never user memory */
#define BS_NULL		0L

struct badsys_row {
	const char *name;	/* the syscall's name */
	const char *what;	/* what is wrong with this call */
	long nr;
	int err;		/* the errno Linux returns */
	long arg[6];
};

#define R(sys, e, w, ...)	{ #sys, w, SYS_##sys, e, { __VA_ARGS__ } }

static const struct badsys_row badsys_rows[] = {
	R(read, EBADF, "fd -1", -1, T(BS_BUF), 1),
	R(read, EBADF, "fd INT_MAX", INT_MAX, T(BS_BUF), 1),
	R(read, EBADF, "closed fd", T(BS_FD_CLOSED), T(BS_BUF), 1),
	R(read, EBADF, "write end of a pipe", T(BS_PIPE_W), T(BS_BUF), 1),
	R(read, EINVAL, "epoll has no read", T(BS_EPFD), T(BS_BUF), 1),
	R(read, EINVAL, "eventfd, count < 8", T(BS_EVFD), T(BS_BUF), 4),
	R(read, EFAULT, "NULL buffer", T(BS_PIPE_R), BS_NULL, 1),
	R(read, EFAULT, "non-canonical buffer", T(BS_PIPE_R), BS_NONCANON, 1),
	R(read, EFAULT, "upper-half buffer", T(BS_PIPE_R), BS_HIGH, 1),
	R(read, ENOTCONN, "unconnected TCP socket", T(BS_TCP), T(BS_BUF), 1),
	R(read, EAGAIN, "non-blocking UDP socket, nothing queued", T(BS_UDP), T(BS_BUF), 1),
	R(read, EINVAL, "unconnected AF_UNIX stream socket", T(BS_UNIX), T(BS_BUF), 1),
	R(read, EAGAIN, "non-blocking AF_UNIX datagram socket", T(BS_UNIX_DG), T(BS_BUF), 1),

	R(write, EBADF, "fd -1", -1, T(BS_BUF), 1),
	R(write, EBADF, "closed fd", T(BS_FD_CLOSED), T(BS_BUF), 1),
	R(write, EBADF, "read end of a pipe", T(BS_PIPE_R), T(BS_BUF), 1),
	R(write, EINVAL, "epoll has no write", T(BS_EPFD), T(BS_BUF), 1),
	R(write, EFAULT, "NULL buffer", T(BS_PIPE_W), BS_NULL, 1),
	R(write, EFAULT, "non-canonical buffer", T(BS_PIPE_W), BS_NONCANON, 1),
	R(write, EINVAL, "eventfd, count 4", T(BS_EVFD), T(BS_BUF), 4),
	R(write, EINVAL, "eventfd, value UINT64_MAX", T(BS_EVFD), T(BS_U64_MAX), 8),
	R(write, EFAULT, "eventfd, NULL buffer", T(BS_EVFD), BS_NULL, 8),
	R(write, EPIPE, "unconnected TCP socket", T(BS_TCP), T(BS_BUF), 1),
	R(write, ENOTCONN, "unconnected AF_UNIX stream socket", T(BS_UNIX), T(BS_BUF), 1),
	R(write, ENOTCONN, "unconnected AF_UNIX datagram socket", T(BS_UNIX_DG), T(BS_BUF), 1),

	R(readv, EBADF, "fd -1", -1, T(BS_IOV_BUF), 1),
	R(readv, EBADF, "write end of a pipe", T(BS_PIPE_W), T(BS_IOV_BUF), 1),
	R(readv, EINVAL, "epoll has no read", T(BS_EPFD), T(BS_IOV_BUF), 1),
	R(readv, EFAULT, "NULL iovec array", T(BS_PIPE_R), BS_NULL, 1),
	R(readv, EFAULT, "non-canonical iovec array", T(BS_PIPE_R), BS_NONCANON, 1),
	R(readv, EINVAL, "iovcnt -1", T(BS_PIPE_R), T(BS_IOV_BUF), -1),
	R(readv, EINVAL, "iovcnt IOV_MAX + 1", T(BS_PIPE_R), T(BS_IOV_BUF), 1025),
	R(readv, EFAULT, "iov_base NULL", T(BS_PIPE_R), T(BS_IOV_NULLBASE), 1),
	R(writev, EBADF, "read end of a pipe", T(BS_PIPE_R), T(BS_IOV_BUF), 1),
	R(writev, EINVAL, "a length above SSIZE_MAX", T(BS_PIPE_W), T(BS_IOV_NEGLEN), 1),
	R(writev, EFAULT, "two SSIZE_MAX lengths run past user space", T(BS_PIPE_W), T(BS_IOV_HUGE), 2),
	R(readv, EINVAL, "a length above SSIZE_MAX", T(BS_PIPE_R), T(BS_IOV_NEGLEN), 1),
	R(writev, EFAULT, "iov_base NULL", T(BS_PIPE_W), T(BS_IOV_NULLBASE), 1),
	R(writev, EFAULT, "non-canonical iovec array", T(BS_PIPE_W), BS_NONCANON, 1),
	R(writev, EINVAL, "iovcnt -1", T(BS_PIPE_W), T(BS_IOV_BUF), -1),

	R(pread64, EBADF, "fd -1", -1, T(BS_BUF), 1, 0),
	R(pread64, EINVAL, "offset -1", T(BS_DIRFD), T(BS_BUF), 1, -1),
	R(pread64, EINVAL, "offset -1 beats fd -1", -1, T(BS_BUF), 1, -1),
	R(pread64, ESPIPE, "a pipe", T(BS_PIPE_R), T(BS_BUF), 1, 0),
	R(pread64, ESPIPE, "a pipe's write end: no position beats the access mode", T(BS_PIPE_W),
	  T(BS_BUF), 1, 0),
	R(pread64, ESPIPE, "an eventfd", T(BS_EVFD), T(BS_BUF), 8, 0),
	R(pread64, ESPIPE, "a socket", T(BS_UDP), T(BS_BUF), 1, 0),
	R(pread64, EISDIR, "a directory", T(BS_DIRFD), T(BS_BUF), 1, 0),
	R(pwrite64, EBADF, "fd -1", -1, T(BS_BUF), 1, 0),
	R(pwrite64, EINVAL, "offset -1 beats fd -1", -1, T(BS_BUF), 1, -1),
	R(pwrite64, ESPIPE, "a pipe", T(BS_PIPE_W), T(BS_BUF), 1, 0),
	R(pwrite64, EBADF, "a directory opened for reading", T(BS_DIRFD), T(BS_BUF), 1, 0),
	R(preadv, EINVAL, "offset -1 beats fd -1", -1, T(BS_IOV_BUF), 1, -1),
	R(preadv, EBADF, "fd -1", -1, T(BS_IOV_BUF), 1, 0),
	R(preadv, ESPIPE, "a pipe", T(BS_PIPE_R), T(BS_IOV_BUF), 1, 0),
	R(preadv, ESPIPE, "a pipe: no position beats a bad iovcnt", T(BS_PIPE_R), T(BS_IOV_BUF), -1, 0),
	R(preadv, EINVAL, "iovcnt -1", T(BS_DIRFD), T(BS_IOV_BUF), -1, 0),
	R(preadv, EFAULT, "NULL iovec array", T(BS_DIRFD), BS_NULL, 1, 0),
	R(pwritev, EINVAL, "offset -1", T(BS_PIPE_W), T(BS_IOV_BUF), 1, -1),
	R(pwritev, ESPIPE, "a pipe", T(BS_PIPE_W), T(BS_IOV_BUF), 1, 0),
	R(pwritev, EBADF, "a directory opened for reading", T(BS_DIRFD), T(BS_IOV_BUF), 1, 0),

	R(lseek, EBADF, "fd -1", -1, 0, SEEK_SET),
	R(lseek, EBADF, "fd -1 beats whence 99", -1, 0, 99),
	R(lseek, ESPIPE, "a pipe", T(BS_PIPE_R), 0, SEEK_SET),
	R(lseek, ESPIPE, "a socket", T(BS_TCP), 0, SEEK_CUR),
	R(lseek, EINVAL, "whence 5 beats a pipe", T(BS_PIPE_R), 0, 5),
	R(lseek, EINVAL, "whence -1", T(BS_EVFD), 0, -1),
	R(lseek, EINVAL, "a directory, offset -1", T(BS_DIRFD), -1, SEEK_SET),

	R(getdents64, EBADF, "fd -1", -1, T(BS_BUF), 256),
	R(getdents64, EBADF, "closed fd", T(BS_FD_CLOSED), T(BS_BUF), 256),
	R(getdents64, ENOTDIR, "a pipe", T(BS_PIPE_R), T(BS_BUF), 256),
	R(getdents64, ENOTDIR, "an epoll", T(BS_EPFD), T(BS_BUF), 256),
	R(getdents64, EINVAL, "count 0", T(BS_DIRFD), T(BS_BUF), 0),
	R(getdents64, EINVAL, "count 1: no room for one entry", T(BS_DIRFD), T(BS_BUF), 1),
	R(getdents64, EFAULT, "NULL buffer", T(BS_DIRFD), BS_NULL, 256),
	R(getdents64, EFAULT, "non-canonical buffer", T(BS_DIRFD), BS_NONCANON, 256),

	R(getcwd, ERANGE, "size 0", T(BS_BUF), 0),
	R(getcwd, ERANGE, "size 1", T(BS_BUF), 1),
	R(getcwd, EFAULT, "NULL buffer", BS_NULL, 256),
	R(getcwd, EFAULT, "non-canonical buffer", BS_NONCANON, 256),
	R(chdir, EFAULT, "NULL path", BS_NULL),
	R(chdir, ENOENT, "no such directory", T(BS_PATH_NOENT)),
	R(chdir, ENOENT, "empty path", T(BS_PATH_EMPTY)),
	R(chdir, ENOTDIR, "a device", T(BS_PATH_DEVNULL)),
	R(chdir, ENOTDIR, "a trailing slash after a device", T(BS_PATH_DEVNULL_SLASH)),
	R(chdir, ENAMETOOLONG, "a path of PATH_MAX bytes", T(BS_PATH_LONG)),
	R(fchdir, EBADF, "fd -1", -1),
	R(fchdir, EBADF, "closed fd", T(BS_FD_CLOSED)),
	R(fchdir, ENOTDIR, "a pipe", T(BS_PIPE_R)),

	R(prctl, EINVAL, "option 9999", 9999, 0, 0, 0, 0),
	R(prctl, EINVAL, "option -1", -1, 0, 0, 0, 0),
	R(prctl, EFAULT, "PR_SET_NAME, NULL name", BS_PR_SET_NAME, BS_NULL, 0, 0, 0),
	R(prctl, EFAULT, "PR_SET_NAME, non-canonical name", BS_PR_SET_NAME, BS_NONCANON, 0, 0, 0),
	R(prctl, EFAULT, "PR_GET_NAME, NULL buffer", BS_PR_GET_NAME, BS_NULL, 0, 0, 0),
	R(prctl, EINVAL, "PR_SET_THP_DISABLE with arg3", BS_PR_SET_THP_DISABLE, 1, 1, 0, 0),
	R(prctl, EINVAL, "PR_GET_THP_DISABLE with arg2", BS_PR_GET_THP_DISABLE, 1, 0, 0, 0),

	R(close, EBADF, "fd -1", -1),
	R(close, EBADF, "fd INT_MAX", INT_MAX),
	R(close, EBADF, "closed fd", T(BS_FD_CLOSED)),

	R(open, EFAULT, "NULL path", BS_NULL, O_RDONLY),
	R(open, EFAULT, "non-canonical path", BS_NONCANON, O_RDONLY),
	R(open, ENOENT, "no such file", T(BS_PATH_NOENT), O_RDONLY),
	R(openat, EBADF, "dirfd -1, relative path", -1, T(BS_PATH_REL), O_RDONLY),
	R(openat, ENOTDIR, "dirfd a pipe, relative path", T(BS_PIPE_R), T(BS_PATH_REL), O_RDONLY),
	R(openat, EFAULT, "NULL path", AT_FDCWD, BS_NULL, O_RDONLY),
	R(open, ENOTDIR, "a trailing slash after a device", T(BS_PATH_DEVNULL_SLASH), O_RDONLY),
	R(open, ENOTDIR, "O_DIRECTORY on a device", T(BS_PATH_DEVNULL), O_RDONLY | O_DIRECTORY),
	R(open, ENAMETOOLONG, "a path of PATH_MAX bytes", T(BS_PATH_LONG), O_RDONLY),
	R(open, ENAMETOOLONG, "a component of NAME_MAX + 1 bytes", T(BS_PATH_LONGNAME), O_RDONLY),
	R(open, ENOENT, "empty path", T(BS_PATH_EMPTY), O_RDONLY),
	R(open, EISDIR, "a directory for writing", T(BS_PATH_ROOT), O_WRONLY),
	R(open, EISDIR, "a directory, read and write", T(BS_PATH_ROOT), O_RDWR),
	R(open, EISDIR, "a directory with O_CREAT", T(BS_PATH_ROOT), O_CREAT | O_RDONLY),
	R(open, EEXIST, "O_CREAT | O_EXCL of a name that exists", T(BS_PATH_DEVNULL),
	  O_CREAT | O_EXCL | O_WRONLY),
	R(open, EEXIST, "O_CREAT | O_EXCL of a directory", T(BS_PATH_ROOT), O_CREAT | O_EXCL | O_RDONLY),
	R(open, EINVAL, "O_CREAT | O_DIRECTORY", T(BS_PATH_NOENT), O_CREAT | O_DIRECTORY),
	R(open, EINVAL, "O_CREAT | O_DIRECTORY beats a NULL path", BS_NULL, O_CREAT | O_DIRECTORY),
	R(open, EINVAL, "O_TMPFILE read-only", T(BS_PATH_ROOT), BS_O_TMPFILE | O_RDONLY),
	R(open, EINVAL, "O_TMPFILE with O_CREAT", T(BS_PATH_ROOT), BS_O_TMPFILE | O_CREAT | O_RDWR),
	R(open, ENOTDIR, "O_TMPFILE on a device", T(BS_PATH_DEVNULL), BS_O_TMPFILE | O_RDWR),
	R(open, ENOENT, "O_CREAT under a name that does not exist", T(BS_PATH_NOENT), O_CREAT | O_WRONLY),
	R(open, EISDIR, "O_CREAT and a trailing slash, even after a device", T(BS_PATH_DEVNULL_SLASH),
	  O_CREAT | O_WRONLY),

	R(fstat, EBADF, "fd -1", -1, T(BS_BUF)),
	R(fstat, EBADF, "closed fd", T(BS_FD_CLOSED), T(BS_BUF)),
	R(fstat, EFAULT, "NULL buffer", T(BS_PIPE_R), BS_NULL),
	R(fstat, EFAULT, "non-canonical buffer", T(BS_PIPE_R), BS_NONCANON),
	R(fstat, EBADF, "a bad fd beats a NULL buffer", -1, BS_NULL),
	R(stat, EFAULT, "NULL path", BS_NULL, T(BS_BUF)),
	R(stat, EFAULT, "non-canonical path", BS_NONCANON, T(BS_BUF)),
	R(stat, ENOENT, "no such file", T(BS_PATH_NOENT), T(BS_BUF)),
	R(stat, ENOENT, "empty path", T(BS_PATH_EMPTY), T(BS_BUF)),
	R(stat, ENOTDIR, "a trailing slash after a device", T(BS_PATH_DEVNULL_SLASH), T(BS_BUF)),
	R(stat, ENAMETOOLONG, "a path of PATH_MAX bytes", T(BS_PATH_LONG), T(BS_BUF)),
	R(stat, EFAULT, "NULL buffer", T(BS_PATH_DEVNULL), BS_NULL),
	R(lstat, EFAULT, "NULL path", BS_NULL, T(BS_BUF)),
	R(lstat, ENOENT, "no such file", T(BS_PATH_NOENT), T(BS_BUF)),
	R(lstat, EFAULT, "non-canonical buffer", T(BS_PATH_DEVNULL), BS_NONCANON),
	R(newfstatat, EINVAL, "unknown flag 0x8000", AT_FDCWD, T(BS_PATH_DEVNULL), T(BS_BUF), 0x8000),
	R(newfstatat, EINVAL, "flag 0x200", AT_FDCWD, T(BS_PATH_NOENT), T(BS_BUF), 0x200),
	R(newfstatat, EINVAL, "an unknown flag beats a NULL path", AT_FDCWD, BS_NULL, T(BS_BUF), 0x8000),
	R(newfstatat, EFAULT, "NULL path", AT_FDCWD, BS_NULL, T(BS_BUF), 0),
	R(newfstatat, EFAULT, "non-canonical path", AT_FDCWD, BS_NONCANON, T(BS_BUF), 0),
	R(newfstatat, ENOENT, "no such file", AT_FDCWD, T(BS_PATH_NOENT), T(BS_BUF), 0),
	R(newfstatat, ENOENT, "no such file beats a NULL buffer", AT_FDCWD, T(BS_PATH_NOENT), BS_NULL, 0),
	R(newfstatat, ENOENT, "empty path without AT_EMPTY_PATH", T(BS_PIPE_R), T(BS_PATH_EMPTY),
	  T(BS_BUF), 0),
	R(newfstatat, ENOENT, "empty path without AT_EMPTY_PATH beats dirfd -1", -1, T(BS_PATH_EMPTY),
	  T(BS_BUF), 0),
	R(newfstatat, EBADF, "dirfd -1, relative path", -1, T(BS_PATH_REL), T(BS_BUF), 0),
	R(newfstatat, ENOTDIR, "dirfd a pipe, relative path", T(BS_PIPE_R), T(BS_PATH_REL), T(BS_BUF), 0),
	R(newfstatat, ENOTDIR, "a trailing slash after a device", AT_FDCWD, T(BS_PATH_DEVNULL_SLASH),
	  T(BS_BUF), 0),
	R(newfstatat, ENAMETOOLONG, "a path of PATH_MAX bytes", AT_FDCWD, T(BS_PATH_LONG), T(BS_BUF), 0),
	R(newfstatat, ENAMETOOLONG, "a component of NAME_MAX + 1 bytes", AT_FDCWD, T(BS_PATH_LONGNAME),
	  T(BS_BUF), 0),
	R(newfstatat, EFAULT, "NULL buffer", AT_FDCWD, T(BS_PATH_DEVNULL), BS_NULL, 0),
	R(newfstatat, EBADF, "AT_EMPTY_PATH, fd -1", -1, T(BS_PATH_EMPTY), T(BS_BUF), AT_EMPTY_PATH),
	R(newfstatat, EBADF, "AT_EMPTY_PATH, closed fd", T(BS_FD_CLOSED), T(BS_PATH_EMPTY), T(BS_BUF),
	  AT_EMPTY_PATH),
	R(newfstatat, EFAULT, "AT_EMPTY_PATH, NULL buffer", T(BS_PIPE_R), T(BS_PATH_EMPTY), BS_NULL,
	  AT_EMPTY_PATH),
	R(readlink, EINVAL, "bufsiz 0", T(BS_PATH_DEVNULL), T(BS_BUF), 0),
	R(readlink, EINVAL, "bufsiz -1", T(BS_PATH_DEVNULL), T(BS_BUF), -1),
	R(readlink, EINVAL, "bufsiz 0 beats no such file", T(BS_PATH_NOENT), T(BS_BUF), 0),
	R(readlink, EINVAL, "not a symbolic link", T(BS_PATH_DEVNULL), T(BS_BUF), 64),
	R(readlink, EINVAL, "not a link, NULL buffer (never written)", T(BS_PATH_DEVNULL), BS_NULL, 64),
	R(readlink, ENOENT, "no such file", T(BS_PATH_NOENT), T(BS_BUF), 64),
	R(readlink, ENOENT, "empty path", T(BS_PATH_EMPTY), T(BS_BUF), 64),
	R(readlink, EFAULT, "NULL path", BS_NULL, T(BS_BUF), 64),
	R(readlink, EFAULT, "non-canonical path", BS_NONCANON, T(BS_BUF), 64),
	R(readlink, ENAMETOOLONG, "a path of PATH_MAX bytes", T(BS_PATH_LONG), T(BS_BUF), 64),
	R(readlink, ENOTDIR, "a trailing slash after a device", T(BS_PATH_DEVNULL_SLASH), T(BS_BUF), 64),
	R(readlinkat, EBADF, "dirfd -1, relative path", -1, T(BS_PATH_REL), T(BS_BUF), 64),
	R(readlinkat, ENOTDIR, "dirfd a pipe, relative path", T(BS_PIPE_R), T(BS_PATH_REL), T(BS_BUF), 64),
	R(readlinkat, EBADF, "dirfd -1, empty path", -1, T(BS_PATH_EMPTY), T(BS_BUF), 64),
	R(readlinkat, ENOENT, "dirfd a pipe, empty path", T(BS_PIPE_R), T(BS_PATH_EMPTY), T(BS_BUF), 64),
	R(readlinkat, ENOENT, "AT_FDCWD, empty path", AT_FDCWD, T(BS_PATH_EMPTY), T(BS_BUF), 64),
	R(readlinkat, EINVAL, "an absolute path ignores a bad dirfd", -1, T(BS_PATH_DEVNULL), T(BS_BUF), 64),
	R(readlinkat, EINVAL, "bufsiz 0 beats a bad dirfd", -1, T(BS_PATH_REL), T(BS_BUF), 0),

	R(poll, EFAULT, "NULL array", BS_NULL, 1, 0),
	R(poll, EFAULT, "non-canonical array", BS_NONCANON, 1, 0),
	R(poll, EINVAL, "nfds above RLIMIT_NOFILE", T(BS_POLLFD), 1L << 30, 0),
	R(ppoll, EFAULT, "NULL array", BS_NULL, 1, T(BS_TS_ZERO), BS_NULL, 8),
	R(ppoll, EINVAL, "timeout tv_sec < 0", T(BS_POLLFD), 1, T(BS_TS_NEG), BS_NULL, 8),
	R(ppoll, EINVAL, "timeout tv_nsec 1e9", T(BS_POLLFD), 1, T(BS_TS_BIGNSEC), BS_NULL, 8),
	R(ppoll, EFAULT, "non-canonical timeout", T(BS_POLLFD), 1, BS_NONCANON, BS_NULL, 8),
	R(ppoll, EINVAL, "sigsetsize 7", T(BS_POLLFD), 1, T(BS_TS_ZERO), T(BS_SIGSET), 7),
	R(ppoll, EFAULT, "non-canonical sigmask", T(BS_POLLFD), 1, T(BS_TS_ZERO), BS_NONCANON, 8),

	R(pipe, EFAULT, "NULL array", BS_NULL),
	R(pipe, EFAULT, "non-canonical array", BS_NONCANON),
	R(pipe2, EFAULT, "NULL array", BS_NULL, 0),
	R(pipe2, EINVAL, "flag O_WRONLY", T(BS_BUF), O_WRONLY),
	R(pipe2, EINVAL, "flag O_APPEND", T(BS_BUF), O_APPEND),

	R(dup, EBADF, "fd -1", -1),
	R(dup, EBADF, "fd INT_MAX", INT_MAX),
	R(dup, EBADF, "closed fd", T(BS_FD_CLOSED)),
	R(dup2, EBADF, "oldfd -1", -1, T(BS_FD_CLOSED)),
	R(dup2, EBADF, "oldfd closed, newfd the same", T(BS_FD_CLOSED), T(BS_FD_CLOSED)),
	R(dup2, EBADF, "newfd -1", T(BS_PIPE_R), -1),
	R(dup2, EBADF, "newfd INT_MAX", T(BS_PIPE_R), INT_MAX),
	R(dup3, EINVAL, "oldfd == newfd", T(BS_PIPE_R), T(BS_PIPE_R), 0),
	R(dup3, EINVAL, "flag O_NONBLOCK", T(BS_PIPE_R), T(BS_FD_CLOSED), O_NONBLOCK),
	R(dup3, EBADF, "oldfd closed", T(BS_FD_CLOSED), T(BS_PIPE_W), 0),
	R(dup3, EBADF, "newfd -1", T(BS_PIPE_R), -1, 0),
	R(dup3, EBADF, "newfd INT_MAX", T(BS_PIPE_R), INT_MAX, 0),

	R(fcntl, EBADF, "fd -1", -1, F_GETFL, 0),
	R(fcntl, EBADF, "closed fd", T(BS_FD_CLOSED), F_GETFD, 0),
	R(fcntl, EINVAL, "unknown command", T(BS_PIPE_R), 9999, 0),
	R(fcntl, EINVAL, "F_DUPFD above RLIMIT_NOFILE", T(BS_PIPE_R), F_DUPFD, 1L << 30),
	R(fcntl, EINVAL, "F_DUPFD -1", T(BS_PIPE_R), F_DUPFD, -1),
	R(fcntl, EINVAL, "F_DUPFD_CLOEXEC -1", T(BS_PIPE_R), F_DUPFD_CLOEXEC, -1),

	R(eventfd2, EINVAL, "flag 2", 0, 2),
	R(eventfd2, EINVAL, "flag O_APPEND", 0, O_APPEND),

	R(epoll_create, EINVAL, "size 0", 0),
	R(epoll_create, EINVAL, "size -1", -1),
	R(epoll_create1, EINVAL, "flag 1", 1),
	R(epoll_create1, EINVAL, "flag O_NONBLOCK", O_NONBLOCK),

	R(epoll_ctl, EBADF, "epfd -1", -1, EPOLL_CTL_ADD, T(BS_PIPE_R), T(BS_EV)),
	R(epoll_ctl, EBADF, "epfd closed", T(BS_FD_CLOSED), EPOLL_CTL_ADD, T(BS_PIPE_R), T(BS_EV)),
	R(epoll_ctl, EBADF, "fd -1", T(BS_EPFD), EPOLL_CTL_ADD, -1, T(BS_EV)),
	R(epoll_ctl, EBADF, "fd closed", T(BS_EPFD), EPOLL_CTL_ADD, T(BS_FD_CLOSED), T(BS_EV)),
	R(epoll_ctl, EINVAL, "epfd not an epoll", T(BS_PIPE_R), EPOLL_CTL_ADD, T(BS_PIPE_W), T(BS_EV)),
	R(epoll_ctl, EINVAL, "epoll watching itself", T(BS_EPFD), EPOLL_CTL_ADD, T(BS_EPFD), T(BS_EV)),
	R(epoll_ctl, EINVAL, "unknown op", T(BS_EPFD), 99, T(BS_PIPE_R), T(BS_EV)),
	R(epoll_ctl, EINVAL, "EPOLLEXCLUSIVE with EPOLLONESHOT", T(BS_EPFD), EPOLL_CTL_ADD,
	  T(BS_PIPE_R), T(BS_EV_EXCL_1S)),
	R(epoll_ctl, EFAULT, "NULL event", T(BS_EPFD), EPOLL_CTL_ADD, T(BS_PIPE_R), BS_NULL),
	R(epoll_ctl, EFAULT, "non-canonical event", T(BS_EPFD), EPOLL_CTL_ADD, T(BS_PIPE_R), BS_NONCANON),
	R(epoll_ctl, EFAULT, "NULL event beats a bad epfd", -1, EPOLL_CTL_ADD, T(BS_PIPE_R), BS_NULL),
	R(epoll_ctl, ENOENT, "MOD of an fd not watched", T(BS_EPFD), EPOLL_CTL_MOD, T(BS_PIPE_R), T(BS_EV)),
	R(epoll_ctl, ENOENT, "DEL of an fd not watched", T(BS_EPFD), EPOLL_CTL_DEL, T(BS_PIPE_R), BS_NULL),

	R(epoll_wait, EBADF, "epfd -1", -1, T(BS_BUF), 1, 0),
	R(epoll_wait, EINVAL, "epfd not an epoll", T(BS_PIPE_R), T(BS_BUF), 1, 0),
	R(epoll_wait, EINVAL, "maxevents 0", T(BS_EPFD), T(BS_BUF), 0, 0),
	R(epoll_wait, EINVAL, "maxevents -1", T(BS_EPFD), T(BS_BUF), -1, 0),
	R(epoll_wait, EINVAL, "maxevents INT_MAX/12 + 1", T(BS_EPFD), T(BS_BUF),
	  INT_MAX / 12 + 1, 0),
	R(epoll_wait, EFAULT, "non-canonical events", T(BS_EPFD), BS_NONCANON, 1, 0),
	R(epoll_wait, EFAULT, "upper-half events", T(BS_EPFD), BS_HIGH, 1, 0),
	R(epoll_wait, EBADF, "a bad epfd beats maxevents 0", -1, T(BS_BUF), 0, 0),
	R(epoll_wait, EBADF, "a bad epfd beats bad events", -1, BS_NONCANON, 1, 0),
	R(epoll_wait, EINVAL, "maxevents 0 beats bad events", T(BS_EPFD), BS_NONCANON, 0, 0),
	R(epoll_wait, EFAULT, "bad events beat a non-epoll fd", T(BS_PIPE_R), BS_NONCANON, 1, 0),
	R(epoll_pwait, EINVAL, "sigsetsize 7", T(BS_EPFD), T(BS_BUF), 1, 0, T(BS_SIGSET), 7),
	R(epoll_pwait, EINVAL, "sigsetsize 7 beats a bad epfd", -1, T(BS_BUF), 1, 0, T(BS_SIGSET), 7),
	R(epoll_pwait, EFAULT, "non-canonical sigmask", T(BS_EPFD), T(BS_BUF), 1, 0, BS_NONCANON, 8),
	R(epoll_pwait, EINVAL, "maxevents 0", T(BS_EPFD), T(BS_BUF), 0, 0, BS_NULL, 8),
	R(epoll_pwait2, EINVAL, "timeout tv_sec < 0", T(BS_EPFD), T(BS_BUF), 1, T(BS_TS_NEG), BS_NULL, 8),
	R(epoll_pwait2, EINVAL, "timeout tv_nsec 1e9", T(BS_EPFD), T(BS_BUF), 1, T(BS_TS_BIGNSEC),
	  BS_NULL, 8),
	R(epoll_pwait2, EFAULT, "non-canonical timeout", T(BS_EPFD), T(BS_BUF), 1, BS_NONCANON, BS_NULL, 8),
	R(epoll_pwait2, EINVAL, "sigsetsize 9", T(BS_EPFD), T(BS_BUF), 1, T(BS_TS_ZERO), T(BS_SIGSET), 9),
	R(epoll_pwait2, EBADF, "epfd -1", -1, T(BS_BUF), 1, T(BS_TS_ZERO), BS_NULL, 8),

	R(clock_gettime, EINVAL, "unknown clock", 999, T(BS_BUF)),
	R(clock_gettime, EFAULT, "NULL timespec", CLOCK_MONOTONIC, BS_NULL),
	R(clock_gettime, EFAULT, "non-canonical timespec", CLOCK_MONOTONIC, BS_NONCANON),
	R(clock_getres, EINVAL, "unknown clock", 999, T(BS_BUF)),
	R(clock_getres, EFAULT, "non-canonical timespec", CLOCK_MONOTONIC, BS_NONCANON),
	R(nanosleep, EFAULT, "NULL request", BS_NULL, BS_NULL),
	R(nanosleep, EINVAL, "tv_sec < 0", T(BS_TS_NEG), BS_NULL),
	R(nanosleep, EINVAL, "tv_nsec 1e9", T(BS_TS_BIGNSEC), BS_NULL),
	R(clock_nanosleep, EINVAL, "unknown clock", 999, 0, T(BS_TS_ZERO), BS_NULL),
	R(clock_nanosleep, EOPNOTSUPP, "thread CPU clock", CLOCK_THREAD_CPUTIME_ID, 0, T(BS_TS_ZERO), BS_NULL),
	R(clock_nanosleep, EFAULT, "NULL request", CLOCK_MONOTONIC, 0, BS_NULL, BS_NULL),
	R(clock_nanosleep, EINVAL, "tv_sec < 0", CLOCK_MONOTONIC, 0, T(BS_TS_NEG), BS_NULL),
	R(gettimeofday, EFAULT, "non-canonical timeval", BS_NONCANON, BS_NULL),
	R(gettimeofday, EFAULT, "upper-half timeval", BS_HIGH, BS_NULL),
	R(gettimeofday, EFAULT, "non-canonical timezone", BS_NULL, BS_NONCANON),
	R(gettimeofday, EFAULT, "a bad timezone after a good timeval", T(BS_BUF), BS_HIGH),
	R(time, EFAULT, "non-canonical pointer", BS_NONCANON),
	R(time, EFAULT, "upper-half pointer", BS_HIGH),

	R(prlimit64, EINVAL, "unknown resource", 0, 999, BS_NULL, T(BS_BUF)),
	R(prlimit64, EINVAL, "resource -1", 0, -1, BS_NULL, T(BS_BUF)),
	R(prlimit64, ESRCH, "no such pid", INT_MAX, RLIMIT_NOFILE, BS_NULL, T(BS_BUF)),
	R(prlimit64, EFAULT, "non-canonical old", 0, RLIMIT_NOFILE, BS_NULL, BS_NONCANON),
	R(prlimit64, EFAULT, "non-canonical new", 0, RLIMIT_NOFILE, BS_NONCANON, BS_NULL),
	R(prlimit64, EINVAL, "cur > max", 0, RLIMIT_NOFILE, T(BS_RL_BAD), BS_NULL),
	R(prlimit64, EPERM, "NOFILE above fs.nr_open", 0, RLIMIT_NOFILE, T(BS_RL_HUGE), BS_NULL),

	R(socket, EAFNOSUPPORT, "family -1", -1, SOCK_STREAM, 0),
	R(socket, EAFNOSUPPORT, "family 12345", 12345, SOCK_STREAM, 0),
	R(socket, EINVAL, "type 11", AF_INET, 11, 0),
	R(socket, EINVAL, "type flag 0x10", AF_INET, SOCK_STREAM | 0x10, 0),
	R(socket, EPROTONOSUPPORT, "stream with IPPROTO_UDP", AF_INET, SOCK_STREAM, IPPROTO_UDP),
	R(socket, EPROTONOSUPPORT, "datagram with IPPROTO_TCP", AF_INET, SOCK_DGRAM, IPPROTO_TCP),
	R(socket, ESOCKTNOSUPPORT, "AF_UNIX SOCK_RDM", AF_UNIX, SOCK_RDM, 0),
	R(socket, EPROTONOSUPPORT, "AF_UNIX protocol 2", AF_UNIX, SOCK_STREAM, 2),
	R(socket, EPROTONOSUPPORT, "AF_UNIX protocol 2 beats SOCK_RDM", AF_UNIX, SOCK_RDM, 2),
	R(socket, EINVAL, "AF_UNIX type 11", AF_UNIX, 11, 0),

	R(socketpair, EINVAL, "type flag 0x10", AF_UNIX, SOCK_STREAM | 0x10, 0, T(BS_BUF)),
	R(socketpair, EFAULT, "NULL array", AF_UNIX, SOCK_STREAM, 0, BS_NULL),
	R(socketpair, EFAULT, "non-canonical array", AF_UNIX, SOCK_STREAM, 0, BS_NONCANON),
	R(socketpair, EFAULT, "a NULL array beats family 12345", 12345, SOCK_STREAM, 0, BS_NULL),
	R(socketpair, EAFNOSUPPORT, "family 12345", 12345, SOCK_STREAM, 0, T(BS_BUF)),
	R(socketpair, EINVAL, "type 11", AF_INET, 11, 0, T(BS_BUF)),
	R(socketpair, EOPNOTSUPP, "AF_INET stream", AF_INET, SOCK_STREAM, 0, T(BS_BUF)),
	R(socketpair, EOPNOTSUPP, "AF_INET datagram", AF_INET, SOCK_DGRAM, 0, T(BS_BUF)),
	R(socketpair, ESOCKTNOSUPPORT, "AF_UNIX SOCK_RDM", AF_UNIX, SOCK_RDM, 0, T(BS_BUF)),
	R(socketpair, EPROTONOSUPPORT, "AF_UNIX protocol 3", AF_UNIX, SOCK_STREAM, 3, T(BS_BUF)),

	R(bind, EBADF, "fd -1", -1, T(BS_SIN_OK), 16),
	R(bind, ENOTSOCK, "a pipe", T(BS_PIPE_R), T(BS_SIN_OK), 16),
	R(bind, EFAULT, "NULL address", T(BS_TCP), BS_NULL, 16),
	R(bind, EFAULT, "non-canonical address", T(BS_TCP), BS_NONCANON, 16),
	R(bind, EINVAL, "addrlen -1", T(BS_TCP), T(BS_SIN_OK), -1),
	R(bind, EINVAL, "addrlen 129", T(BS_TCP), T(BS_SIN_OK), 129),
	R(bind, EINVAL, "addrlen 4", T(BS_TCP), T(BS_SIN_OK), 4),
	R(bind, EAFNOSUPPORT, "AF_INET6 address", T(BS_TCP), T(BS_SIN_FAM6), 16),
	R(bind, EINVAL, "AF_UNIX, addrlen 1", T(BS_UNIX), T(BS_SUN_NOBODY), 1),
	R(bind, EINVAL, "AF_UNIX, addrlen 111", T(BS_UNIX), T(BS_SUN_NOBODY), 111),
	R(bind, EINVAL, "AF_UNIX, family AF_INET", T(BS_UNIX), T(BS_SUN_INET), 110),
	R(bind, EFAULT, "AF_UNIX, NULL address", T(BS_UNIX), BS_NULL, 110),

	R(listen, EBADF, "fd -1", -1, 1),
	R(listen, ENOTSOCK, "a pipe", T(BS_PIPE_R), 1),
	R(listen, EOPNOTSUPP, "a UDP socket", T(BS_UDP), 1),
	R(listen, EINVAL, "an unbound AF_UNIX stream socket", T(BS_UNIX), 1),
	R(listen, EOPNOTSUPP, "an AF_UNIX datagram socket", T(BS_UNIX_DG), 1),

	R(accept, EBADF, "fd -1", -1, BS_NULL, BS_NULL),
	R(accept, ENOTSOCK, "a pipe", T(BS_PIPE_R), BS_NULL, BS_NULL),
	R(accept, EINVAL, "not listening", T(BS_TCP), BS_NULL, BS_NULL),
	R(accept, EOPNOTSUPP, "a UDP socket", T(BS_UDP), BS_NULL, BS_NULL),
	R(accept, EINVAL, "AF_UNIX stream, not listening", T(BS_UNIX), BS_NULL, BS_NULL),
	R(accept, EOPNOTSUPP, "an AF_UNIX datagram socket", T(BS_UNIX_DG), BS_NULL, BS_NULL),
	R(accept4, EINVAL, "flag 1", T(BS_TCP), BS_NULL, BS_NULL, 1),
	R(accept4, EBADF, "a bad fd beats flag 1", -1, BS_NULL, BS_NULL, 1),
	R(accept4, EINVAL, "flag 1 beats a pipe", T(BS_PIPE_R), BS_NULL, BS_NULL, 1),

	R(connect, EBADF, "fd -1", -1, T(BS_SIN_OK), 16),
	R(connect, ENOTSOCK, "a pipe", T(BS_PIPE_R), T(BS_SIN_OK), 16),
	R(connect, EFAULT, "NULL address", T(BS_TCP), BS_NULL, 16),
	R(connect, EINVAL, "addrlen 4", T(BS_TCP), T(BS_SIN_OK), 4),
	R(connect, EINVAL, "addrlen -1", T(BS_TCP), T(BS_SIN_OK), -1),
	R(connect, EINVAL, "addrlen 200", T(BS_TCP), T(BS_SIN_OK), 200),
	R(connect, EAFNOSUPPORT, "AF_INET6 address", T(BS_TCP), T(BS_SIN_FAM6), 16),
	R(connect, ENOENT, "AF_UNIX, no such path", T(BS_UNIX), T(BS_SUN_NOENT), 110),
	R(connect, ECONNREFUSED, "AF_UNIX, nobody has the name", T(BS_UNIX), T(BS_SUN_NOBODY), 110),
	R(connect, EINVAL, "AF_UNIX, family AF_INET", T(BS_UNIX), T(BS_SUN_INET), 110),
	R(connect, EINVAL, "AF_UNIX stream, addrlen 2", T(BS_UNIX), T(BS_SUN_NOBODY), 2),
	R(connect, EINVAL, "AF_UNIX datagram, addrlen 1", T(BS_UNIX_DG), T(BS_SUN_NOBODY), 1),

	R(sendto, EBADF, "fd -1", -1, T(BS_BUF), 1, 0, BS_NULL, 0),
	R(sendto, ENOTSOCK, "a pipe", T(BS_PIPE_W), T(BS_BUF), 1, 0, BS_NULL, 0),
	R(sendto, EDESTADDRREQ, "unconnected UDP, no address", T(BS_UDP), T(BS_BUF), 1, 0, BS_NULL, 0),
	R(sendto, EINVAL, "addrlen 4", T(BS_UDP), T(BS_BUF), 1, 0, T(BS_SIN_OK), 4),
	R(sendto, EINVAL, "addrlen -1", T(BS_UDP), T(BS_BUF), 1, 0, T(BS_SIN_OK), -1),
	R(sendto, EFAULT, "non-canonical address", T(BS_UDP), T(BS_BUF), 1, 0, BS_NONCANON, 16),
	R(sendto, EAFNOSUPPORT, "AF_INET6 address", T(BS_UDP), T(BS_BUF), 1, 0, T(BS_SIN_FAM6), 16),
	R(sendto, EPIPE, "unconnected TCP", T(BS_TCP), T(BS_BUF), 1, MSG_NOSIGNAL, BS_NULL, 0),
	R(sendto, EFAULT, "NULL buffer", T(BS_UDP), BS_NULL, 1, 0, T(BS_SIN_PORT9), 16),
	R(sendto, EFAULT, "non-canonical buffer", T(BS_UDP), BS_NONCANON, 1, 0, T(BS_SIN_PORT9), 16),
	R(sendto, EINVAL, "destination port 0", T(BS_UDP), T(BS_BUF), 1, 0, T(BS_SIN_OK), 16),
	R(sendto, EMSGSIZE, "UDP datagram of 70000 bytes", T(BS_UDP), T(BS_BUF), 70000, 0,
	  T(BS_SIN_PORT9), 16),
	R(sendto, ENOTCONN, "unconnected AF_UNIX stream", T(BS_UNIX), T(BS_BUF), 1, 0, BS_NULL, 0),
	R(sendto, EOPNOTSUPP, "AF_UNIX stream with an address", T(BS_UNIX), T(BS_BUF), 1, 0,
	  T(BS_SUN_NOBODY), 110),
	R(sendto, ENOTCONN, "unconnected AF_UNIX datagram, no address", T(BS_UNIX_DG), T(BS_BUF), 1,
	  0, BS_NULL, 0),
	R(sendto, ECONNREFUSED, "AF_UNIX datagram, nobody has the name", T(BS_UNIX_DG), T(BS_BUF), 1,
	  0, T(BS_SUN_NOBODY), 110),
	R(sendto, ENOENT, "AF_UNIX datagram, no such path", T(BS_UNIX_DG), T(BS_BUF), 1, 0,
	  T(BS_SUN_NOENT), 110),
	R(sendto, EINVAL, "AF_UNIX datagram, addrlen 2", T(BS_UNIX_DG), T(BS_BUF), 1, 0,
	  T(BS_SUN_NOBODY), 2),
	R(sendto, EMSGSIZE, "AF_UNIX datagram above SO_SNDBUF - 32", T(BS_UNIX_DG), T(BS_BUF),
	  212961, 0, BS_NULL, 0),

	R(recvfrom, EBADF, "fd -1", -1, T(BS_BUF), 1, 0, BS_NULL, BS_NULL),
	R(recvfrom, ENOTSOCK, "a pipe", T(BS_PIPE_R), T(BS_BUF), 1, 0, BS_NULL, BS_NULL),
	R(recvfrom, ENOTCONN, "unconnected TCP", T(BS_TCP), T(BS_BUF), 1, 0, BS_NULL, BS_NULL),
	R(recvfrom, EAGAIN, "non-blocking UDP, nothing queued", T(BS_UDP), T(BS_BUF), 1, 0,
	  BS_NULL, BS_NULL),
	R(recvfrom, EINVAL, "unconnected AF_UNIX stream", T(BS_UNIX), T(BS_BUF), 1, 0, BS_NULL,
	  BS_NULL),
	R(recvfrom, EAGAIN, "non-blocking AF_UNIX datagram", T(BS_UNIX_DG), T(BS_BUF), 1, 0,
	  BS_NULL, BS_NULL),

	R(shutdown, EBADF, "fd -1", -1, SHUT_RD),
	R(shutdown, ENOTSOCK, "a pipe", T(BS_PIPE_R), SHUT_RD),
	R(shutdown, EINVAL, "how 99", T(BS_TCP), 99),
	R(shutdown, EINVAL, "how -1", T(BS_TCP), -1),
	R(shutdown, ENOTCONN, "unconnected TCP", T(BS_TCP), SHUT_RD),
	R(shutdown, EINVAL, "AF_UNIX, how 3", T(BS_UNIX), 3),

	R(getsockname, EBADF, "fd -1", -1, T(BS_BUF), T(BS_LEN_4)),
	R(getsockname, ENOTSOCK, "a pipe", T(BS_PIPE_R), T(BS_BUF), T(BS_LEN_4)),
	R(getsockname, EFAULT, "NULL length", T(BS_TCP), T(BS_BUF), BS_NULL),
	R(getsockname, EINVAL, "length -1", T(BS_TCP), T(BS_BUF), T(BS_LEN_NEG)),
	R(getsockname, EFAULT, "non-canonical address", T(BS_TCP), BS_NONCANON, T(BS_LEN_4)),
	R(getpeername, EBADF, "fd -1", -1, T(BS_BUF), T(BS_LEN_4)),
	R(getpeername, ENOTCONN, "unconnected TCP", T(BS_TCP), T(BS_BUF), T(BS_LEN_4)),
	R(getpeername, ENOTCONN, "unconnected AF_UNIX", T(BS_UNIX), T(BS_BUF), T(BS_LEN_4)),
	R(getsockname, EFAULT, "AF_UNIX, NULL length", T(BS_UNIX), T(BS_BUF), BS_NULL),

	R(setsockopt, EBADF, "fd -1", -1, SOL_SOCKET, SO_REUSEADDR, T(BS_INT_ONE), 4),
	R(setsockopt, ENOTSOCK, "a pipe", T(BS_PIPE_R), SOL_SOCKET, SO_REUSEADDR, T(BS_INT_ONE), 4),
	R(setsockopt, EINVAL, "optlen 2 for an int", T(BS_TCP), SOL_SOCKET, SO_REUSEADDR, T(BS_INT_ONE), 2),
	R(setsockopt, EINVAL, "optlen -1", T(BS_TCP), SOL_SOCKET, SO_REUSEADDR, T(BS_INT_ONE), -1),
	R(setsockopt, EFAULT, "NULL value", T(BS_TCP), SOL_SOCKET, SO_REUSEADDR, BS_NULL, 4),
	R(setsockopt, ENOPROTOOPT, "unknown SOL_SOCKET option", T(BS_TCP), SOL_SOCKET, 9999,
	  T(BS_INT_ONE), 4),
	R(setsockopt, ENOPROTOOPT, "unknown IPPROTO_TCP option", T(BS_TCP), IPPROTO_TCP, 9999,
	  T(BS_INT_ONE), 4),
	R(setsockopt, EINVAL, "TCP_NODELAY optlen 2", T(BS_TCP), IPPROTO_TCP, TCP_NODELAY, T(BS_INT_ONE), 2),
	R(getsockopt, EBADF, "fd -1", -1, SOL_SOCKET, SO_ERROR, T(BS_BUF), T(BS_LEN_4)),
	R(getsockopt, ENOTSOCK, "a pipe", T(BS_PIPE_R), SOL_SOCKET, SO_ERROR, T(BS_BUF), T(BS_LEN_4)),
	R(getsockopt, EFAULT, "NULL length", T(BS_TCP), SOL_SOCKET, SO_ERROR, T(BS_BUF), BS_NULL),
	R(getsockopt, EINVAL, "length -1", T(BS_TCP), SOL_SOCKET, SO_ERROR, T(BS_BUF), T(BS_LEN_NEG)),
	R(getsockopt, EFAULT, "NULL value", T(BS_TCP), SOL_SOCKET, SO_ERROR, BS_NULL, T(BS_LEN_4)),
	R(getsockopt, EFAULT, "non-canonical value", T(BS_TCP), SOL_SOCKET, SO_ERROR, BS_NONCANON,
	  T(BS_LEN_4)),
	R(getsockopt, ENOPROTOOPT, "unknown SOL_SOCKET option", T(BS_TCP), SOL_SOCKET, 9999, T(BS_BUF),
	  T(BS_LEN_4)),
	R(getsockopt, EOPNOTSUPP, "AF_UNIX, level IPPROTO_TCP", T(BS_UNIX), IPPROTO_TCP, TCP_NODELAY,
	  T(BS_BUF), T(BS_LEN_4)),
	R(setsockopt, EOPNOTSUPP, "AF_UNIX, level IPPROTO_TCP", T(BS_UNIX), IPPROTO_TCP, TCP_NODELAY,
	  T(BS_INT_ONE), 4),

	R(ioctl, EBADF, "fd -1", -1, BS_TIOCGWINSZ, T(BS_BUF)),
	R(ioctl, ENOTTY, "TIOCGWINSZ on a pipe", T(BS_PIPE_R), BS_TIOCGWINSZ, T(BS_BUF)),
	R(ioctl, EFAULT, "FIONBIO, NULL argument", T(BS_PIPE_R), BS_FIONBIO, BS_NULL),
	R(ioctl, EFAULT, "FIONREAD on AF_UNIX, NULL argument", T(BS_UNIX), BS_FIONREAD, BS_NULL),
	R(ioctl, ENOTTY, "TIOCGWINSZ on AF_UNIX", T(BS_UNIX), BS_TIOCGWINSZ, T(BS_BUF)),

	R(mmap, EINVAL, "length 0", 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	R(mmap, EINVAL, "neither private nor shared", 0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0),
	R(mmap, EINVAL, "offset not page-aligned", 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
	  -1, 1),
	R(mmap, EINVAL, "MAP_FIXED address not page-aligned", BS_ADDR + 1, 4096, PROT_READ,
	  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
	R(mmap, EBADF, "a closed file", 0, 4096, PROT_READ, MAP_PRIVATE, T(BS_FD_CLOSED), 0),
	R(mmap, ENODEV, "a pipe", 0, 4096, PROT_READ, MAP_PRIVATE, T(BS_PIPE_R), 0),
	R(munmap, EINVAL, "address not page-aligned", BS_ADDR + 1, 4096),
	R(munmap, EINVAL, "length 0", BS_ADDR, 0),
	R(mprotect, EINVAL, "address not page-aligned", BS_ADDR + 1, 4096, PROT_READ),
	R(mprotect, ENOMEM, "nothing mapped", BS_ADDR, 4096, PROT_READ),
	R(mremap, EINVAL, "address not page-aligned", BS_ADDR + 1, 4096, 8192, 0, 0),
	R(mremap, EINVAL, "new length 0", BS_ADDR, 4096, 0, 0, 0),
	R(mremap, EINVAL, "unknown flag", BS_ADDR, 4096, 8192, 0x80, 0),
	R(mremap, EFAULT, "nothing mapped", BS_ADDR, 4096, 8192, BS_MREMAP_MAYMOVE, 0),
	R(madvise, EINVAL, "address not page-aligned", BS_ADDR + 1, 4096, MADV_NORMAL),
	R(madvise, EINVAL, "advice 999", BS_ADDR, 4096, 999),
	R(madvise, ENOMEM, "nothing mapped", BS_ADDR, 4096, MADV_DONTNEED),

	R(rt_sigaction, EINVAL, "sigsetsize 4", SIGUSR1, BS_NULL, BS_NULL, 4),
	R(rt_sigaction, EINVAL, "signal 0", 0, BS_NULL, BS_NULL, 8),
	R(rt_sigaction, EINVAL, "signal 65", 65, BS_NULL, BS_NULL, 8),
	R(rt_sigaction, EINVAL, "a handler for SIGKILL", SIGKILL, T(BS_BUF), BS_NULL, 8),
	R(rt_sigaction, EFAULT, "non-canonical action", SIGUSR1, BS_NONCANON, BS_NULL, 8),
	R(rt_sigprocmask, EINVAL, "sigsetsize 4", SIG_BLOCK, T(BS_SIGSET), BS_NULL, 4),
	R(rt_sigprocmask, EINVAL, "how 99", 99, T(BS_SIGSET), BS_NULL, 8),
	R(rt_sigprocmask, EFAULT, "non-canonical set", SIG_BLOCK, BS_NONCANON, BS_NULL, 8),
	R(sigaltstack, EFAULT, "non-canonical stack", BS_NONCANON, BS_NULL),
	R(sigaltstack, EFAULT, "non-canonical old stack", BS_NULL, BS_NONCANON),
	R(rt_sigpending, EINVAL, "sigsetsize 16", T(BS_BUF), 16),
	R(rt_sigpending, EFAULT, "non-canonical set", BS_NONCANON, 8),
	R(rt_sigsuspend, EINVAL, "sigsetsize 4", T(BS_SIGSET), 4),
	R(rt_sigsuspend, EFAULT, "non-canonical mask", BS_NONCANON, 8),
	R(rt_sigtimedwait, EINVAL, "sigsetsize 4", T(BS_SIGSET), BS_NULL, T(BS_TS_ZERO), 4),
	R(rt_sigtimedwait, EFAULT, "non-canonical set", BS_NONCANON, BS_NULL, T(BS_TS_ZERO), 8),
	R(rt_sigtimedwait, EINVAL, "tv_nsec 1e9", T(BS_SIGSET), BS_NULL, T(BS_TS_BIGNSEC), 8),
	R(rt_sigtimedwait, EINVAL, "tv_sec -1", T(BS_SIGSET), BS_NULL, T(BS_TS_NEG), 8),
	R(kill, EINVAL, "signal 65", 0, 65),
	R(kill, ESRCH, "no such process beats signal 65", INT_MAX, 65),
	R(kill, EINVAL, "signal -1", 0, -1),
	R(kill, ESRCH, "no such process", INT_MAX, 0),
	R(tkill, EINVAL, "tid 0", 0, 0),
	R(tkill, EINVAL, "tid -1", -1, 0),
	R(tkill, ESRCH, "no such thread", INT_MAX, 0),
	R(tgkill, EINVAL, "tgid 0", 0, 999999, 0),
	R(tgkill, EINVAL, "tid 0", 999999, 0, 0),
	R(tgkill, ESRCH, "no such process beats signal 65", INT_MAX, INT_MAX, 65),
	R(tgkill, ESRCH, "no such process", INT_MAX, INT_MAX, 0),
	R(setitimer, EINVAL, "which 5", 5, BS_NULL, BS_NULL),
	R(setitimer, EFAULT, "non-canonical value", 0, BS_NONCANON, BS_NULL),
	R(getitimer, EINVAL, "which 5", 5, T(BS_BUF)),
	R(getitimer, EFAULT, "NULL value", 0, BS_NULL),

	R(clone, EINVAL, "CLONE_THREAD without CLONE_SIGHAND", BS_CLONE_VM | BS_CLONE_THREAD, 0,
	  BS_NULL, BS_NULL, 0),
	R(clone, EINVAL, "CLONE_SIGHAND without CLONE_VM", BS_CLONE_SIGHAND, 0, BS_NULL, BS_NULL, 0),
	R(futex, ENOSYS, "operation 99", T(BS_BUF), 99, 0, BS_NULL, BS_NULL, 0),
	R(futex, EAGAIN, "wait for a value the word does not hold", T(BS_BUF), BS_FUTEX_WAIT, 1,
	  BS_NULL, BS_NULL, 0),
	R(futex, EFAULT, "wait on a non-canonical word", BS_NONCANON, BS_FUTEX_WAIT, 0, BS_NULL,
	  BS_NULL, 0),
	R(futex, EINVAL, "negative timeout", T(BS_BUF), BS_FUTEX_WAIT, 0, T(BS_TS_NEG), BS_NULL, 0),
	R(set_robust_list, EINVAL, "length 23", T(BS_BUF), 23),
	R(set_robust_list, EINVAL, "length 0", T(BS_BUF), 0),
	R(set_robust_list, EINVAL, "length 25", BS_NULL, 25),
	R(get_robust_list, ESRCH, "pid -1", -1, T(BS_BUF), T(BS_BUF)),
	R(get_robust_list, ESRCH, "no such pid", INT_MAX, T(BS_BUF), T(BS_BUF)),
	R(get_robust_list, ESRCH, "no such pid beats bad pointers", INT_MAX, BS_NULL, BS_NULL),
	R(get_robust_list, EFAULT, "NULL head pointer", 0, BS_NULL, T(BS_BUF)),
	R(get_robust_list, EFAULT, "NULL length pointer", 0, T(BS_BUF), BS_NULL),
	R(get_robust_list, EFAULT, "non-canonical head pointer", 0, BS_NONCANON, T(BS_BUF)),
	R(arch_prctl, EINVAL, "code 0x9999", 0x9999, 0),
	R(uname, EFAULT, "NULL buffer", BS_NULL),
	R(uname, EFAULT, "non-canonical buffer", BS_NONCANON),
	R(sysinfo, EFAULT, "NULL buffer", BS_NULL),
	R(sysinfo, EFAULT, "non-canonical buffer", BS_NONCANON),
	R(sysinfo, EFAULT, "upper-half buffer", BS_HIGH),
	R(getrandom, EINVAL, "flags 0x99", T(BS_BUF), 8, 0x99),
	R(getrandom, EFAULT, "NULL buffer", BS_NULL, 8, 0),
	R(sched_getaffinity, EINVAL, "length 4", 0, 4, T(BS_BUF)),
	R(sched_getaffinity, EFAULT, "NULL mask", 0, 8, BS_NULL),
	R(sched_getaffinity, ESRCH, "pid -1", -1, 8, T(BS_BUF)),
	R(sched_setaffinity, EINVAL, "an empty mask", 0, 8, T(BS_BUF)),
	R(sched_setaffinity, EFAULT, "NULL mask", 0, 8, BS_NULL),

	{ "unknown", "number 9999", 9999, ENOSYS, { 0 } },
	{ "unknown", "number -1", -1, ENOSYS, { 0 } },
	{ "unknown", "number 100000", 100000, ENOSYS, { 0 } },
};

#undef R

/* Calls that take no input a caller can get wrong (or never return): no row, by design. */
static const long badsys_no_bad_input[] = {
	SYS_sched_yield, SYS_getpid, SYS_gettid, SYS_exit, SYS_exit_group,
	SYS_eventfd,	/* any unsigned initial value is valid */
	SYS_getuid, SYS_geteuid, SYS_getgid, SYS_getegid, SYS_getppid,
	SYS_brk,	/* any address: a refused one returns the current break */
	SYS_set_tid_address,	/* any address: it is only written at the thread's exit */
	SYS_pause,		/* no arguments; it returns when a signal is delivered */
	SYS_alarm,		/* any number of seconds is valid */
	SYS_umask,		/* any mask is valid (bits outside 0777 are dropped) */
	SYS_rt_sigreturn,	/* its input is the signal frame on the stack, which only a handler
				 * can give it: a bad one is fatal (tests/apps/signals.c) */
};

#define BADSYS_NROWS	(sizeof(badsys_rows) / sizeof(badsys_rows[0]))

/* ---- the runner, the same source on both sides: raw system calls only ---- */

struct badsys_fx {
	int fd[BS_BUF];			/* descriptors, by token */
	/* Aligned for any struct a call writes there, whatever the number of tokens before it. */
	char buf[256] __attribute__((aligned(16)));
	struct epoll_event ev, ev_excl;
	struct iovec iov_buf, iov_null, iov_huge[2], iov_neglen;
	uint64_t sigset, u64max;
	struct timespec ts_neg, ts_bignsec, ts_zero;
	struct rlimit rl_bad, rl_huge;
	struct sockaddr_in sin_ok;
	struct sockaddr_in sin_fam6, sin_port9;
	struct sockaddr_un sun_noent, sun_nobody, sun_inet;
	socklen_t len_neg, len_4;
	int int_one;
	struct pollfd pfd;
	char path_long[PATH_MAX + 1];
	char path_longname[NAME_MAX + 3];
};

#define CALL(nr, a, b, c)	badsys_call(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* Open the descriptors; 0, or a negative errno. The closed descriptor is opened and closed
 * last, so nothing reuses its number. */
static long badsys_open(struct badsys_fx *fx)
{
	int p[2];

	long r = CALL(SYS_pipe2, p, O_NONBLOCK, 0);
	if (r < 0 || (r = CALL(SYS_write, p[1], "x", 1)) != 1)
		return r < 0 ? r : -EIO;
	fx->fd[BS_PIPE_R] = p[0];
	fx->fd[BS_PIPE_W] = p[1];
	fx->fd[BS_EPFD] = (int)CALL(SYS_epoll_create1, 0, 0, 0);
	fx->fd[BS_EVFD] = (int)CALL(SYS_eventfd2, 1, EFD_NONBLOCK, 0);
	fx->fd[BS_TCP] = (int)CALL(SYS_socket, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	fx->fd[BS_UDP] = (int)CALL(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	fx->fd[BS_DIRFD] = (int)CALL(SYS_open, "/", O_RDONLY | O_DIRECTORY, 0);
	fx->fd[BS_UNIX] = (int)CALL(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	fx->fd[BS_UNIX_DG] = (int)CALL(SYS_socket, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	fx->fd[BS_FD_CLOSED] = (int)CALL(SYS_dup, 0, 0, 0);
	for (int t = BS_FD_CLOSED; t < BS_BUF; t++)
		if (fx->fd[t] < 0)
			return fx->fd[t];
	return CALL(SYS_close, fx->fd[BS_FD_CLOSED], 0, 0);
}

static void badsys_close(struct badsys_fx *fx)
{
	for (int t = BS_PIPE_R; t < BS_BUF; t++)
		CALL(SYS_close, fx->fd[t], 0, 0);
}

/* Refill the fixture memory before each row. */
static void badsys_fill(struct badsys_fx *fx)
{
	memset(fx->buf, 0, sizeof(fx->buf));
	fx->ev = (struct epoll_event){ .events = EPOLLIN };
	fx->ev_excl = (struct epoll_event){ .events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT };
	fx->iov_buf = (struct iovec){ fx->buf, 1 };
	fx->iov_null = (struct iovec){ NULL, 1 };
	fx->iov_huge[0] = (struct iovec){ fx->buf, SSIZE_MAX };
	fx->iov_huge[1] = (struct iovec){ fx->buf, SSIZE_MAX };
	fx->iov_neglen = (struct iovec){ fx->buf, (size_t)SSIZE_MAX + 1 };
	fx->sigset = 0;
	fx->u64max = UINT64_MAX;
	fx->ts_neg = (struct timespec){ -1, 0 };
	fx->ts_bignsec = (struct timespec){ 0, 1000000000L };
	fx->ts_zero = (struct timespec){ 0, 0 };
	fx->rl_bad = (struct rlimit){ 10, 5 };
	fx->rl_huge = (struct rlimit){ 1 << 21, 1 << 21 };
	memset(&fx->sin_ok, 0, sizeof(fx->sin_ok));
	fx->sin_ok.sin_family = AF_INET;
	fx->sin_ok.sin_addr.s_addr = __builtin_bswap32(0x7f000001);	/* 127.0.0.1 */
	memset(&fx->sin_fam6, 0, sizeof(fx->sin_fam6));
	fx->sin_fam6.sin_family = 10;	/* AF_INET6 */
	fx->sin_port9 = fx->sin_ok;
	fx->sin_port9.sin_port = __builtin_bswap16(9);
	memset(&fx->sun_noent, 0, sizeof(fx->sun_noent));
	fx->sun_noent.sun_family = AF_UNIX;
	memcpy(fx->sun_noent.sun_path, "/nonexistent/epunk-badsys.sock", 31);
	memset(&fx->sun_nobody, 0, sizeof(fx->sun_nobody));
	fx->sun_nobody.sun_family = AF_UNIX;
	memcpy(fx->sun_nobody.sun_path + 1, "epunk-badsys-nobody", 19);
	fx->sun_inet = fx->sun_nobody;
	fx->sun_inet.sun_family = AF_INET;
	fx->len_neg = (socklen_t)-1;
	fx->len_4 = 4;
	fx->int_one = 1;
	fx->pfd = (struct pollfd){ .fd = fx->fd[BS_PIPE_W], .events = POLLOUT };
	fx->path_long[0] = '/';
	memset(fx->path_long + 1, 'a', PATH_MAX - 1);
	fx->path_long[PATH_MAX] = '\0';
	fx->path_longname[0] = '/';
	memset(fx->path_longname + 1, 'a', NAME_MAX + 1);
	fx->path_longname[NAME_MAX + 2] = '\0';
}

static long badsys_arg(struct badsys_fx *fx, long a)
{
	if (a <= BS_TOK_BASE || a >= BS_TOK_BASE + BS_NTOKENS)
		return a;
	switch ((int)(a - BS_TOK_BASE)) {
	case BS_BUF:		return (long)fx->buf;
	case BS_EV:		return (long)&fx->ev;
	case BS_EV_EXCL_1S:	return (long)&fx->ev_excl;
	case BS_IOV_BUF:	return (long)&fx->iov_buf;
	case BS_IOV_NULLBASE:	return (long)&fx->iov_null;
	case BS_IOV_HUGE:	return (long)fx->iov_huge;
	case BS_IOV_NEGLEN:	return (long)&fx->iov_neglen;
	case BS_SIGSET:		return (long)&fx->sigset;
	case BS_TS_NEG:		return (long)&fx->ts_neg;
	case BS_TS_BIGNSEC:	return (long)&fx->ts_bignsec;
	case BS_TS_ZERO:	return (long)&fx->ts_zero;
	case BS_RL_BAD:		return (long)&fx->rl_bad;
	case BS_RL_HUGE:	return (long)&fx->rl_huge;
	case BS_SIN_OK:		return (long)&fx->sin_ok;
	case BS_SIN_FAM6:	return (long)&fx->sin_fam6;
	case BS_SIN_PORT9:	return (long)&fx->sin_port9;
	case BS_LEN_NEG:	return (long)&fx->len_neg;
	case BS_LEN_4:		return (long)&fx->len_4;
	case BS_INT_ONE:	return (long)&fx->int_one;
	case BS_U64_MAX:	return (long)&fx->u64max;
	case BS_POLLFD:		return (long)&fx->pfd;
	case BS_PATH_NOENT:	return (long)"/nonexistent/epunk-badsys";
	case BS_PATH_REL:	return (long)"relative";
	case BS_PATH_EMPTY:	return (long)"";
	case BS_PATH_DEVNULL:	return (long)"/dev/null";
	case BS_PATH_DEVNULL_SLASH: return (long)"/dev/null/";
	case BS_PATH_LONG:	return (long)fx->path_long;
	case BS_PATH_LONGNAME:	return (long)fx->path_longname;
	case BS_PATH_ROOT:	return (long)"/";
	case BS_SUN_NOENT:	return (long)&fx->sun_noent;
	case BS_SUN_NOBODY:	return (long)&fx->sun_nobody;
	case BS_SUN_INET:	return (long)&fx->sun_inet;
	default:		return fx->fd[a - BS_TOK_BASE];
	}
}

/* Run row @r: 0 when the call failed with the expected errno, else 1 with the call's result in
 * *ret (a negative errno for a failure). */
static int badsys_row_run(struct badsys_fx *fx, const struct badsys_row *r, long *ret)
{
	long a[6];

	badsys_fill(fx);
	for (int i = 0; i < 6; i++)
		a[i] = badsys_arg(fx, r->arg[i]);
	*ret = badsys_call(r->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	return *ret != -r->err;
}

#endif
