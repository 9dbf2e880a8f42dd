// SPDX-License-Identifier: MIT
/* System calls as a kernel thread makes them (sys_*, and by number through the table), with the
 * results an application sees: bad descriptors, process and thread ids, the console as
 * descriptors 0-2 and their redirection, descriptor duplication and flags, readv/writev, names
 * and file status, eventfd/poll/ppoll/epoll through their system calls, the clocks, the sleeps
 * and their errors, and what a C library's sysconf reads (limits, CPUs, memory). Timing checks
 * are lower bounds only. */
#include <stdint.h>
#include <string.h>
#include <uapi/time.h>

#include <arch/syscall.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/initrd.h>
#include <kernel/compiler.h>
#include <kernel/ktest.h>
#include <kernel/page.h>
#include <kernel/path.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <uapi/dirent.h>
#include <uapi/eventfd.h>
#include <uapi/fcntl.h>
#include <uapi/resource.h>
#include <uapi/socket.h>
#include <uapi/stat.h>
#include <uapi/sysinfo.h>

#define MS	((int64_t)NSEC_PER_MSEC)

/* The clock's reading in nanoseconds, or -1 when the call fails. */
static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	if (sys_clock_gettime(clk, &ts))
		return -1;
	return (int64_t)ts.tv_sec * (int64_t)NSEC_PER_SEC + ts.tv_nsec;
}

static struct timespec ts_at(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / (int64_t)NSEC_PER_SEC), (long)(ns % (int64_t)NSEC_PER_SEC) };
	return ts;
}

/* ---- descriptors and ids ---- */

static void *record_ids(void *arg)
{
	long *ids = arg;
	ids[0] = sys_gettid();
	ids[1] = sys_getpid();
	return NULL;
}

KTEST(syscalls, bad_descriptors_and_ids)
{
	char c = 0;

	EXPECT_EQ(sys_close(-1), -EBADF);
	EXPECT_EQ(sys_write(123456, &c, 1), -EBADF);
	EXPECT_EQ(sys_read(-5, &c, 1), -EBADF);
	EXPECT_EQ(sys_getpid(), 1);
	EXPECT_EQ(sys_sched_yield(), 0);

	/* Each thread has its own id (a kernel thread's is its thread id); all share pid 1. */
	long ids[2][2] = { { -1, -1 }, { -1, -1 } };
	struct thread *a = thread_create("ids-a", record_ids, ids[0], 0);
	struct thread *b = thread_create("ids-b", record_ids, ids[1], 0);
	ASSERT_TRUE(a && b);
	int id_a = a->id, id_b = b->id;
	thread_join(a);
	thread_join(b);
	EXPECT_EQ(ids[0][0], id_a);
	EXPECT_EQ(ids[1][0], id_b);
	EXPECT_NE(ids[0][0], ids[1][0]);
	EXPECT_NE(ids[0][0], sys_gettid());
	EXPECT_EQ(sys_gettid(), current_thread()->id);
	EXPECT_EQ(ids[0][1], 1);
	EXPECT_EQ(ids[1][1], 1);
}

/* The numbered table: what the syscall instruction reaches. */
KTEST(syscalls, dispatch_by_number)
{
	EXPECT_EQ(syscall_dispatch(SYS_getpid, 0, 0, 0, 0, 0, 0), 1);
	EXPECT_EQ(syscall_dispatch(SYS_gettid, 0, 0, 0, 0, 0, 0), current_thread()->id);
	EXPECT_EQ(syscall_dispatch(SYS_close, -1L, 0, 0, 0, 0, 0), -EBADF);
	EXPECT_EQ(syscall_dispatch(400, 0, 0, 0, 0, 0, 0), -ENOSYS);	/* inside the table, no entry */
	EXPECT_EQ(syscall_dispatch(-1, 0, 0, 0, 0, 0, 0), -ENOSYS);
	EXPECT_EQ(syscall_dispatch(1L << 40, 0, 0, 0, 0, 0, 0), -ENOSYS);
}

KTEST(syscalls, console_descriptors)
{
	char buf[16];
	long r = sys_fcntl(1, F_GETFD, 0);

	if (r < 0) {			/* not opened at boot: open them now */
		EXPECT_EQ(r, -EBADF);
		ASSERT_EQ(console_files_init(), 0);
	}
	EXPECT_EQ(console_files_init(), -EBUSY);	/* taken now: refused, nothing leaked */
	EXPECT_EQ(sys_fcntl(0, F_GETFL, 0) & O_ACCMODE, O_RDWR);
	EXPECT_EQ(sys_read(0, buf, sizeof(buf)), 0);		/* output-only: end of file */
	EXPECT_EQ(sys_write(1, "", 0), 0);
	static const char line[] = "    syscalls: a line written to fd 1\n";
	EXPECT_EQ(sys_write(1, line, sizeof(line) - 1), (long)sizeof(line) - 1);
	struct pollfd pfd[3] = { { 0, POLLIN | POLLOUT, 0 }, { 1, POLLOUT, 0 }, { 2, POLLIN, 0 } };
	EXPECT_EQ(sys_poll(pfd, 3, 0), 2);
	EXPECT_EQ(pfd[0].revents, POLLOUT);
	EXPECT_EQ(pfd[1].revents, POLLOUT);
	EXPECT_EQ(pfd[2].revents, 0);
	EXPECT_EQ(sys_write(1, (const void *)16, 4), -EFAULT);
	/* TCGETS fills the kernel's struct termios, 36 bytes (glibc's isatty passes no more). */
	uint8_t termios[64];
	memset(termios, 0xaa, sizeof(termios));
	EXPECT_EQ(sys_ioctl(1, 0x5401, (unsigned long)termios), 0);
	EXPECT_EQ(termios[35], 0);
	EXPECT_EQ(termios[36], 0xaa);

	/* Writes to 1 and 2 follow dup2 onto a pipe, and come back to the console with it: the
	 * pipe then sees EOF, so no descriptor still holds its write end. */
	int p[2], nfd = fd_count();
	ASSERT_EQ(sys_pipe(p), 0);
	int saved_out = (int)sys_dup(1), saved_err = (int)sys_dup(2);
	ASSERT_GE(saved_out, 0);
	ASSERT_GE(saved_err, 0);
	EXPECT_EQ(sys_dup2(p[1], 1), 1);
	EXPECT_EQ(sys_dup2(p[1], 2), 2);
	EXPECT_EQ(sys_write(1, "out|", 4), 4);
	EXPECT_EQ(sys_write(2, "err", 3), 3);
	EXPECT_EQ(sys_write(999, "lost", 4), -EBADF);
	EXPECT_EQ(sys_dup2(saved_out, 1), 1);
	EXPECT_EQ(sys_dup2(saved_err, 2), 2);
	EXPECT_EQ(sys_close(saved_out), 0);
	EXPECT_EQ(sys_close(saved_err), 0);
	EXPECT_EQ(sys_close(p[1]), 0);
	EXPECT_EQ(sys_read(p[0], buf, sizeof(buf)), 7);
	EXPECT_EQ(memcmp(buf, "out|err", 7), 0);
	EXPECT_EQ(sys_read(p[0], buf, sizeof(buf)), 0);
	EXPECT_EQ(sys_close(p[0]), 0);
	EXPECT_EQ(sys_fcntl(1, F_GETFL, 0) & O_ACCMODE, O_RDWR);	/* the console again */
	EXPECT_EQ(fd_count(), nfd);
}

KTEST(syscalls, descriptors)
{
	int p[2], q[2], nfd = fd_count();
	char buf[16];

	ASSERT_EQ(sys_pipe(p), 0);
	EXPECT_EQ(sys_write(p[1], "abc", 3), 3);
	EXPECT_EQ(sys_read(p[0], buf, sizeof(buf)), 3);
	EXPECT_EQ(memcmp(buf, "abc", 3), 0);

	ASSERT_EQ(sys_pipe2(q, O_CLOEXEC | O_NONBLOCK), 0);
	EXPECT_EQ(sys_fcntl(q[0], F_GETFD, 0), FD_CLOEXEC);
	EXPECT_TRUE(sys_fcntl(q[0], F_GETFL, 0) & O_NONBLOCK);
	EXPECT_EQ(sys_read(q[0], buf, 1), -EAGAIN);

	EXPECT_EQ(sys_fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	EXPECT_EQ(sys_read(p[0], buf, 1), -EAGAIN);
	EXPECT_EQ(sys_fcntl(p[0], F_GETFD, 0), 0);
	EXPECT_EQ(sys_fcntl(p[0], F_SETFD, FD_CLOEXEC), 0);
	EXPECT_EQ(sys_fcntl(p[0], F_GETFD, 0), FD_CLOEXEC);

	int d = (int)sys_dup(p[1]);
	EXPECT_GE(d, 0);
	int e = (int)sys_fcntl(p[1], F_DUPFD, 50);
	EXPECT_GE(e, 50);
	int f = (int)sys_fcntl(p[1], F_DUPFD_CLOEXEC, 50);
	EXPECT_GT(f, e);
	EXPECT_EQ(sys_fcntl(f, F_GETFD, 0), FD_CLOEXEC);
	EXPECT_EQ(sys_dup2(p[1], p[1]), p[1]);
	EXPECT_EQ(sys_dup3(p[1], p[1], 0), -EINVAL);
	EXPECT_EQ(sys_dup3(p[1], 60, O_CLOEXEC), 60);
	EXPECT_EQ(sys_fcntl(60, F_GETFD, 0), FD_CLOEXEC);

	struct iovec out[2] = { { "hel", 3 }, { "lo!", 3 } };
	EXPECT_EQ(sys_writev(d, out, 2), 6);
	char a[3], b[10];
	struct iovec in[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	EXPECT_EQ(sys_readv(p[0], in, 2), 6);
	EXPECT_EQ(memcmp(a, "hel", 3), 0);
	EXPECT_EQ(memcmp(b, "lo!", 3), 0);
	EXPECT_EQ(sys_writev(d, out, -1), -EINVAL);

	int all[] = { p[0], p[1], q[0], q[1], d, e, f, 60 };
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		EXPECT_EQ(sys_close(all[i]), 0);
	EXPECT_EQ(sys_close(p[0]), -EBADF);
	EXPECT_EQ(fd_count(), nfd);
}

/* ---- names ---- */

/* Paths resolve as Linux resolves them, from / (the working directory); open() opens the
 * devices, the directories and the initrd's files, and refuses what would write to them. */
KTEST(syscalls, names)
{
	static const char *const null_names[] = {
		"/dev/null", "//dev//null", "/dev/./null", "/dev/../dev/null", "dev/null",
		"./dev/null", "/../dev/null",
	};
	int nfd = fd_count();
	char c = 'x', buf[8];

	for (size_t i = 0; i < ARRAY_SIZE(null_names); i++) {
		int fd = (int)sys_open(null_names[i], O_RDWR, 0);
		EXPECT_GE(fd, 0);
		EXPECT_EQ(sys_write(fd, "x", 1), 1);
		EXPECT_EQ(sys_read(fd, &c, 1), 0);
		EXPECT_EQ(sys_close(fd), 0);
	}
	int z = (int)sys_openat(0, "/dev/zero", O_RDONLY, 0);	/* an absolute path ignores dirfd */
	EXPECT_GE(z, 0);
	EXPECT_EQ(sys_read(z, &c, 1), 1);
	EXPECT_EQ(c, 0);
	EXPECT_EQ(sys_close(z), 0);
	int d = (int)sys_open("/", O_RDONLY, 0);
	EXPECT_GE(d, 0);
	EXPECT_EQ(sys_read(d, &c, 1), -EISDIR);
	EXPECT_EQ(sys_close(d), 0);
	d = (int)sys_open("/dev/", O_RDONLY | O_DIRECTORY, 0);
	EXPECT_GE(d, 0);
	EXPECT_EQ(sys_close(d), 0);
	EXPECT_EQ(sys_open("/dev/null/..", O_RDONLY, 0), -ENOTDIR);
	EXPECT_EQ(sys_open("/dev/nothing", O_RDONLY, 0), -ENOENT);
	EXPECT_EQ(sys_open("/dev/nothing", O_WRONLY | O_CREAT, 0644), -EROFS);
	EXPECT_EQ(sys_open("/nothing/..", O_RDONLY, 0), -ENOENT);
	EXPECT_EQ(sys_open("/dev", O_WRONLY, 0), -EISDIR);
	for (int i = 0; initrd_file(i); i++) {
		const struct initrd_file *f = initrd_file(i);
		if ((f->mode & INITRD_S_IFMT) != INITRD_S_IFREG || f->size < sizeof(buf))
			continue;
		int fd = (int)sys_open(f->path, O_RDONLY, 0);
		EXPECT_GE(fd, 0);
		EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), (long)sizeof(buf));
		EXPECT_EQ(memcmp(buf, f->data, sizeof(buf)), 0);
		EXPECT_EQ(sys_pread64(fd, buf, 4, 1), 4);
		EXPECT_EQ(memcmp(buf, f->data + 1, 4), 0);
		EXPECT_EQ(sys_lseek(fd, 0, SEEK_END), (long)f->size);
		EXPECT_EQ(sys_write(fd, "x", 1), -EBADF);
		EXPECT_EQ(sys_close(fd), 0);
		EXPECT_EQ(sys_open(f->path, O_WRONLY, 0), -EROFS);
		EXPECT_EQ(sys_open(f->path, O_RDONLY | O_TRUNC, 0), -EROFS);
		EXPECT_EQ(sys_open(f->path, O_RDONLY | O_CREAT | O_EXCL, 0), -EEXIST);
		break;
	}
	EXPECT_EQ(fd_count(), nfd);
}

/* getdents64 of @path: whether a record named @name of type @type came, and its inode number
 * in *@ino. */
static bool lists(const char *path, const char *name, unsigned type, uint64_t *ino)
{
	static char buf[2048];
	bool found = false;
	int fd = (int)sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	long n;

	while (fd >= 0 && (n = sys_getdents64(fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			const struct linux_dirent64 *e = (const void *)(buf + off);
			if (!strcmp(e->d_name, name) && e->d_type == type) {
				found = true;
				*ino = e->d_ino;
			}
			off += e->d_reclen;
		}
	}
	sys_close(fd);
	return found;
}

/* The tree's directories list the built-in names and the initrd's, each once, with the inode
 * numbers stat gives; the working directory moves and relative paths follow it. */
KTEST(syscalls, tree)
{
	static const struct { const char *dir, *name; unsigned type; } entries[] = {
		{ "/", "dev", DT_DIR }, { "/", "proc", DT_DIR }, { "/", "sys", DT_DIR },
		{ "/", "bin", DT_DIR }, { "/", "..", DT_DIR }, { "/dev", "null", DT_CHR },
		{ "/dev", "urandom", DT_CHR }, { "/dev", "random", DT_CHR },
		{ "/proc/self", "stat", DT_REG }, { "/sys/kernel/mm/transparent_hugepage", "enabled", DT_REG },
	};
	struct stat st;
	char path[64], cwd[64];
	uint64_t ino = 0;
	int nfd = fd_count();

	for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
		EXPECT_TRUE(lists(entries[i].dir, entries[i].name, entries[i].type, &ino));
		ksnprintf(path, sizeof(path), "%s/%s", entries[i].dir, entries[i].name);
		EXPECT_EQ(sys_stat(path, &st), 0);
		EXPECT_EQ(st.st_ino, ino);
	}
	EXPECT_EQ(sys_chdir("/dev"), 0);
	EXPECT_EQ(sys_getcwd(cwd, sizeof(cwd)), 5);
	EXPECT_STREQ(cwd, "/dev");
	EXPECT_EQ(sys_stat("null", &st), 0);
	EXPECT_EQ(st.st_rdev, STAT_DEV(1, 3));
	EXPECT_EQ(sys_chdir("null"), -ENOTDIR);
	EXPECT_EQ(sys_chdir(".."), 0);
	EXPECT_EQ(sys_getcwd(cwd, sizeof(cwd)), 2);
	EXPECT_STREQ(cwd, "/");
	EXPECT_EQ(fd_count(), nfd);
}

/* /proc/self/stat has proc(5)'s 52 fields; the random devices give bytes, different ones. */
KTEST(syscalls, proc_and_random)
{
	static char buf[1024];
	uint64_t a = 0, b = 0;

	int fd = (int)sys_open("/proc/self/stat", O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	long n = sys_read(fd, buf, sizeof(buf) - 1);
	EXPECT_GT(n, 0);
	buf[n > 0 ? n : 0] = '\0';
	int spaces = 0;
	for (const char *p = strrchr(buf, ')'); p && *p; p++)
		spaces += *p == ' ';
	EXPECT_EQ(spaces, 50);		/* after the name: fields 3 to 52, a space before each */
	EXPECT_EQ(buf[n - 1], '\n');
	EXPECT_EQ(sys_close(fd), 0);
	fd = (int)sys_open("/dev/urandom", O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_read(fd, &a, sizeof(a)), 8);
	EXPECT_EQ(sys_read(fd, &b, sizeof(b)), 8);
	EXPECT_NE(a, b);
	EXPECT_EQ(sys_close(fd), 0);
}

/* fstat of the descriptor @fd (checked against newfstatat's AT_EMPTY_PATH form), or -1. */
static long fstat_both(int fd, struct stat *st)
{
	struct stat e;
	long r = sys_fstat(fd, st);
	if (r)
		return r;
	if (sys_newfstatat(fd, "", &e, AT_EMPTY_PATH) || memcmp(&e, st, sizeof(e)))
		return -1;
	return 0;
}

/* What fstat and newfstatat say of each kind of file: Linux's type, permissions and device
 * numbers (tests/apps/fstat.c compares the kinds with Linux itself). */
KTEST(syscalls, file_status)
{
	struct stat st, st2;
	int p[2], nfd = fd_count();

	ASSERT_EQ(fstat_both(1, &st), 0);			/* the console */
	EXPECT_EQ(st.st_mode, S_IFCHR | 0620);
	EXPECT_EQ(st.st_rdev, STAT_DEV(4, 64));
	EXPECT_EQ(st.st_nlink, 1);
	EXPECT_EQ(st.st_blksize, 4096);
	ASSERT_EQ(fstat_both(2, &st2), 0);
	EXPECT_EQ(st2.st_ino, st.st_ino);			/* one file behind 0, 1 and 2 */

	ASSERT_EQ(sys_pipe(p), 0);
	ASSERT_EQ(fstat_both(p[0], &st), 0);
	ASSERT_EQ(fstat_both(p[1], &st2), 0);
	EXPECT_EQ(st.st_mode, S_IFIFO | 0600);
	EXPECT_EQ(st.st_ino, st2.st_ino);			/* both ends: one inode */
	EXPECT_GE(st.st_ino, FILE_INO_FIRST);
	EXPECT_EQ(sys_close(p[0]), 0);
	EXPECT_EQ(sys_close(p[1]), 0);

	int ev = (int)sys_eventfd2(0, 0), ep = (int)sys_epoll_create1(0);
	int sk = (int)syscall_dispatch(SYS_socket, AF_INET, SOCK_DGRAM, 0, 0, 0, 0);
	ASSERT_GE(ev, 0);
	ASSERT_GE(ep, 0);
	ASSERT_GE(sk, 0);
	EXPECT_EQ(fstat_both(ev, &st), 0);
	EXPECT_EQ(st.st_mode, 0600);				/* anonymous inodes: no type */
	EXPECT_EQ(fstat_both(ep, &st2), 0);
	EXPECT_EQ(st2.st_mode, 0600);
	EXPECT_NE(st.st_ino, st2.st_ino);
	EXPECT_EQ(fstat_both(sk, &st), 0);
	EXPECT_EQ(st.st_mode, S_IFSOCK | 0777);
	EXPECT_EQ(st.st_size, 0);
	EXPECT_EQ(sys_close(ev), 0);
	EXPECT_EQ(sys_close(ep), 0);
	EXPECT_EQ(sys_close(sk), 0);

	/* A named device: the same by name and by descriptor, at every open. */
	int n = (int)sys_open("/dev/null", O_RDONLY, 0);
	ASSERT_GE(n, 0);
	EXPECT_EQ(fstat_both(n, &st), 0);
	EXPECT_EQ(sys_close(n), 0);
	EXPECT_EQ(sys_newfstatat(AT_FDCWD, "/dev/null", &st2, 0), 0);
	EXPECT_EQ(memcmp(&st, &st2, sizeof(st)), 0);
	EXPECT_EQ(st.st_mode, S_IFCHR | 0666);
	EXPECT_EQ(st.st_rdev, STAT_DEV(1, 3));
	EXPECT_EQ(sys_newfstatat(AT_FDCWD, "dev/zero", &st, AT_SYMLINK_NOFOLLOW), 0);
	EXPECT_EQ(st.st_rdev, STAT_DEV(1, 5));

	/* Directories: /, the working directory (the empty path), and /dev. */
	EXPECT_EQ(sys_newfstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH), 0);
	EXPECT_EQ(st.st_mode, S_IFDIR | 0755);
	EXPECT_EQ(sys_newfstatat(AT_FDCWD, "/dev/..", &st2, 0), 0);
	EXPECT_EQ(st2.st_ino, st.st_ino);
	EXPECT_EQ(sys_newfstatat(AT_FDCWD, "/dev/", &st, 0), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));

	/* An initrd file: its size and mode, in its implied or listed directory. */
	for (int i = 0; initrd_file(i); i++) {
		const struct initrd_file *f = initrd_file(i);
		if ((f->mode & INITRD_S_IFMT) != INITRD_S_IFREG)
			continue;
		EXPECT_EQ(sys_newfstatat(AT_FDCWD, f->path, &st, 0), 0);
		EXPECT_EQ(st.st_mode, f->mode);
		EXPECT_EQ((size_t)st.st_size, f->size);
		EXPECT_EQ(st.st_blocks, (long)(ALIGN_UP(f->size, 4096) / 512));
		char dir[INITRD_PATH_MAX + 1];
		size_t len = (size_t)(strrchr(f->path, '/') - f->path);
		memcpy(dir, f->path, len);
		dir[len] = '\0';
		EXPECT_EQ(sys_newfstatat(AT_FDCWD, len ? dir : "/", &st, 0), 0);
		EXPECT_TRUE(S_ISDIR(st.st_mode));
		char buf[8];
		EXPECT_EQ(sys_readlink(f->path, buf, sizeof(buf)), -EINVAL);	/* no link */
		break;
	}
	char buf[8];
	EXPECT_EQ(sys_readlink("/", buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ(sys_readlinkat(AT_FDCWD, "dev/zero", buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ(sys_readlink("/dev/nothing", buf, sizeof(buf)), -ENOENT);
	EXPECT_EQ(fd_count(), nfd);
}

KTEST(syscalls, eventfd_poll_epoll)
{
	struct epoll_event ev, out[4];
	uint64_t v = 0, add;
	sigset_t mask = { { 1UL << (SIGINT - 1) } };
	int nfd = fd_count();

	int efd = (int)sys_eventfd2(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	EXPECT_EQ(sys_read(efd, &v, sizeof(v)), -EAGAIN);
	add = 5;
	EXPECT_EQ(sys_write(efd, &add, sizeof(add)), 8);
	struct pollfd pfd = { efd, POLLIN, 0 };
	EXPECT_EQ(sys_poll(&pfd, 1, 0), 1);
	EXPECT_EQ(pfd.revents, POLLIN);
	EXPECT_EQ(sys_read(efd, &v, sizeof(v)), 8);
	EXPECT_EQ(v, 5);

	struct timespec ms1 = { 0, 1000000 };
	EXPECT_EQ(sys_ppoll(&pfd, 1, &ms1, NULL, KERNEL_SIGSET_SIZE), 0);
	EXPECT_EQ(sys_ppoll(&pfd, 1, &ms1, &mask, KERNEL_SIGSET_SIZE), 0);

	int ep = (int)sys_epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(ep, 0);
	EXPECT_EQ(sys_fcntl(ep, F_GETFD, 0), FD_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.u64 = 42;
	EXPECT_EQ(sys_epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), 0);
	EXPECT_EQ(sys_epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), -EEXIST);
	EXPECT_EQ(sys_epoll_wait(ep, out, 4, 0), 0);
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(sys_epoll_wait(ep, out, 4, 20), 0);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC) - t0, 20 * MS);
	add = 1;
	EXPECT_EQ(sys_write(efd, &add, sizeof(add)), 8);
	EXPECT_EQ(sys_epoll_wait(ep, out, 4, -1), 1);
	EXPECT_EQ(out[0].events, EPOLLIN);
	EXPECT_EQ(out[0].data.u64, 42);
	EXPECT_EQ(sys_epoll_pwait(ep, out, 4, 0, &mask, KERNEL_SIGSET_SIZE), 1);
	EXPECT_EQ(sys_epoll_pwait(ep, out, 4, 0, NULL, KERNEL_SIGSET_SIZE), 1);
	struct timespec zero = { 0, 0 };
	EXPECT_EQ(sys_epoll_pwait2(ep, out, 4, &zero, &mask, KERNEL_SIGSET_SIZE), 1);
	EXPECT_EQ(sys_epoll_wait(ep, out, 0, 0), -EINVAL);
	EXPECT_EQ(sys_epoll_create(0), -EINVAL);
	int ep2 = (int)sys_epoll_create(1);
	EXPECT_GE(ep2, 0);
	EXPECT_EQ(sys_close(ep2), 0);
	EXPECT_EQ(sys_close(ep), 0);
	EXPECT_EQ(sys_close(efd), 0);
	EXPECT_EQ(fd_count(), nfd);
}

/* ---- clocks and sleeping ---- */

/* REALTIME - MONOTONIC, bracketed: the true offset lies in [*lo, *hi] however long the reads
 * take. */
static void realtime_offset(int64_t *lo, int64_t *hi)
{
	int64_t m0 = now_ns(CLOCK_MONOTONIC);
	int64_t r = now_ns(CLOCK_REALTIME);
	int64_t m1 = now_ns(CLOCK_MONOTONIC);
	*lo = r - m1;
	*hi = r - m0;
}

KTEST(syscalls, clocks)
{
	struct timespec ts;

	int64_t m0 = now_ns(CLOCK_MONOTONIC), m1 = now_ns(CLOCK_MONOTONIC);
	EXPECT_GT(m0, 0);
	EXPECT_GE(m1, m0);
	int64_t b = now_ns(CLOCK_BOOTTIME);
	EXPECT_GE(b, m1);
	ASSERT_EQ(sys_clock_gettime(CLOCK_REALTIME, &ts), 0);
	printk("    realtime: %lld s since 1970\n", (long long)ts.tv_sec);
	EXPECT_GT(ts.tv_sec, 1577836800);		/* after 2020-01-01 */
	EXPECT_LT(ts.tv_sec, 4102444800);		/* before 2100-01-01 */
	EXPECT_GE(ts.tv_nsec, 0);
	EXPECT_LT(ts.tv_nsec, 1000000000);
	/* REALTIME runs at MONOTONIC's rate: their offset, measured before and after a sleep,
	 * stays the same (within 1 ms; a slow read only widens the brackets). */
	int64_t lo0, hi0, lo1, hi1;
	realtime_offset(&lo0, &hi0);
	struct timespec ten = { 0, 10 * MS };
	EXPECT_EQ(sys_nanosleep(&ten, NULL), 0);
	realtime_offset(&lo1, &hi1);
	EXPECT_LE(lo1, hi0 + 1 * MS);
	EXPECT_LE(lo0, hi1 + 1 * MS);

	EXPECT_EQ(sys_clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts), 0);	/* this thread's time */
	EXPECT_GT(ts.tv_sec * 1000000000LL + ts.tv_nsec, 0);
	EXPECT_EQ(sys_clock_getres(CLOCK_MONOTONIC, &ts), 0);
	EXPECT_EQ(ts.tv_sec, 0);
	EXPECT_EQ(ts.tv_nsec, 1);
	EXPECT_EQ(sys_clock_gettime(16, &ts), -EINVAL);		/* no such clock */
	EXPECT_EQ(sys_clock_getres(16, &ts), -EINVAL);
	EXPECT_EQ(sys_clock_gettime(-1, &ts), -EINVAL);
	EXPECT_EQ(sys_clock_gettime(CLOCK_MONOTONIC, NULL), -EFAULT);

	/* gettimeofday and time read the same wall clock; the time zone reads as zeros. */
	struct timeval tv = { 0, -1 };
	struct timezone tz = { 7, 7 };
	time_t t = 0;
	int64_t r0 = now_ns(CLOCK_REALTIME);
	EXPECT_EQ(sys_gettimeofday(&tv, &tz), 0);
	long sec = sys_time(&t);
	int64_t r1 = now_ns(CLOCK_REALTIME);
	int64_t tv_ns = (int64_t)tv.tv_sec * (int64_t)NSEC_PER_SEC + tv.tv_usec * 1000;
	EXPECT_GE(tv_ns, r0 - 1000);			/* truncated to the microsecond */
	EXPECT_LE(tv_ns, r1);
	EXPECT_GE(tv.tv_usec, 0);
	EXPECT_LT(tv.tv_usec, 1000000);
	EXPECT_EQ(tz.tz_minuteswest, 0);
	EXPECT_EQ(tz.tz_dsttime, 0);
	EXPECT_EQ(sec, t);
	EXPECT_GE(sec, r0 / (int64_t)NSEC_PER_SEC);
	EXPECT_LE(sec, r1 / (int64_t)NSEC_PER_SEC);
	EXPECT_EQ(sys_gettimeofday(NULL, NULL), 0);
	EXPECT_GE(sys_time(NULL), sec);
}

KTEST(syscalls, sleeps)
{
	struct timespec ts = { 0, 20 * MS }, rem = { 7, 7 };

	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(sys_nanosleep(&ts, &rem), 0);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC) - t0, 20 * MS);
	EXPECT_EQ(rem.tv_sec, 7);			/* untouched: never interrupted */
	EXPECT_EQ(rem.tv_nsec, 7);
	ts = (struct timespec){ 0, 0 };
	EXPECT_EQ(sys_nanosleep(&ts, NULL), 0);

	struct timespec bad[] = { { 0, 1000000000 }, { -1, 0 }, { 0, -1 } };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(sys_nanosleep(&bad[i], NULL), -EINVAL);
	EXPECT_EQ(sys_nanosleep(NULL, NULL), -EFAULT);

	int64_t target = now_ns(CLOCK_MONOTONIC) + 20 * MS;
	struct timespec abs = ts_at(target);
	EXPECT_EQ(sys_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC), target);
	abs = ts_at(now_ns(CLOCK_REALTIME) + 15 * MS);
	t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(sys_clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL), 0);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC) - t0, 14 * MS);
	/* A deadline long past returns at once; read as relative, it would outlast the run. */
	abs = ts_at(1000 * (int64_t)NSEC_PER_SEC);
	EXPECT_EQ(sys_clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL), 0);
	ts = (struct timespec){ 0, 10 * MS };
	t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(sys_clock_nanosleep(CLOCK_BOOTTIME, 0, &ts, NULL), 0);
	EXPECT_GE(now_ns(CLOCK_MONOTONIC) - t0, 10 * MS);
	EXPECT_EQ(sys_clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL), -EOPNOTSUPP); /* Linux 6.18 */
	EXPECT_EQ(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, &bad[0], NULL), -EINVAL);
	EXPECT_EQ(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, NULL, NULL), -EFAULT);
}

/* ---- limits ---- */

/* What a C library's sysconf asks the kernel: the descriptor limit (_SC_OPEN_MAX, through
 * getrlimit) and the CPUs it may run on (_SC_NPROCESSORS_ONLN, through sched_getaffinity). */
KTEST(syscalls, limits)
{
	struct rlimit rl = { 0, 0 };
	EXPECT_EQ(sys_prlimit64(0, RLIMIT_NOFILE, NULL, &rl), 0);
	EXPECT_EQ(rl.rlim_cur, fd_get_limit());
	EXPECT_GE(rl.rlim_max, rl.rlim_cur);

	unsigned long cpus[2] = { 0, ~0UL };
	EXPECT_EQ(sys_sched_getaffinity(0, sizeof(cpus[0]), cpus), sizeof(cpus[0]));
	EXPECT_EQ(cpus[0], 1);			/* one CPU */
	EXPECT_EQ(cpus[1], ~0UL);		/* nothing written past what it reported */

	/* The memory (_SC_PHYS_PAGES, _SC_AVPHYS_PAGES, through sysinfo): the page allocator's. */
	struct sysinfo si;
	memset(&si, 0xff, sizeof(si));
	struct page_stats ps;
	page_stats(&ps);
	EXPECT_EQ(sys_sysinfo(&si), 0);
	EXPECT_EQ(si.mem_unit, 1);
	EXPECT_EQ(si.totalram, ps.total * PAGE_SIZE);
	EXPECT_GT(si.freeram, 0);
	EXPECT_LE(si.freeram, si.totalram);
	EXPECT_GE(si.uptime, 1);			/* rounded up: never 0 once booted */
	EXPECT_LE((uint64_t)si.uptime, ktime_ns() / NSEC_PER_SEC + 1);
	EXPECT_EQ(si.procs, thread_count() - 1);
	EXPECT_EQ(si.loads[0] | si.loads[1] | si.loads[2], 0);
	EXPECT_EQ(si.totalswap | si.freeswap | si.sharedram | si.bufferram, 0);
	EXPECT_EQ(si.totalhigh | si.freehigh | si.pad, 0);
}
