// SPDX-License-Identifier: MIT
/* What fstat and stat say of each kind of file, printed so that host Linux and epunk must print
 * the same: a pipe's ends, TCP and UDP sockets, an eventfd, an epoll, /dev/null and /dev/zero by
 * descriptor and by name, this program's own file (found as a shell finds it, through PATH),
 * and the errors of names that are not there or not directories. Only what does not depend on
 * the machine is printed (the kind, permissions, device numbers, size, links, block size, which
 * descriptors share an inode), never inode numbers or times. Every descriptor is also asked
 * through newfstatat's AT_EMPTY_PATH form, which must agree with fstat.
 * usage: fstat        the comparable part (status 0)
 *        fstat std    descriptors 0, 1 and 2: what the terminal they are looks like (machine
 *                     dependent: the programs stage checks epunk's console alone) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int mismatches;	/* descriptors for which fstat and newfstatat disagree */

static const char *kind(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFIFO: return "fifo";
	case S_IFCHR: return "character device";
	case S_IFDIR: return "directory";
	case S_IFBLK: return "block device";
	case S_IFREG: return "regular file";
	case S_IFLNK: return "symbolic link";
	case S_IFSOCK: return "socket";
	case 0: return "no type (anonymous inode)";
	default: return "?";
	}
}

static void show(const char *what, const struct stat *st, int perms)
{
	printf("%s: %s", what, kind(st->st_mode));
	if (perms)
		printf(" %04o", (unsigned)(st->st_mode & 07777));
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		printf(", device %u:%u", major(st->st_rdev), minor(st->st_rdev));
	else
		printf(", st_rdev %lu", (unsigned long)st->st_rdev);
	printf(", size %lld, %lu link(s), st_blksize %ld\n", (long long)st->st_size,
	       (unsigned long)st->st_nlink, (long)st->st_blksize);
}

/* fstat(@fd), and newfstatat(@fd, "", AT_EMPTY_PATH) compared with it; -errno on failure. */
static int fstat_fd(int fd, struct stat *st)
{
	struct stat e;

	if (syscall(SYS_fstat, fd, st))
		return -errno;
	if (syscall(SYS_newfstatat, fd, "", &e, AT_EMPTY_PATH) || e.st_mode != st->st_mode ||
	    e.st_ino != st->st_ino || e.st_dev != st->st_dev || e.st_rdev != st->st_rdev ||
	    e.st_size != st->st_size || e.st_nlink != st->st_nlink) {
		printf("  fd %d: newfstatat(AT_EMPTY_PATH) disagrees with fstat\n", fd);
		mismatches++;
	}
	return 0;
}

static void show_fd(const char *what, int fd)
{
	struct stat st;
	int err = fd < 0 ? -errno : fstat_fd(fd, &st);

	if (err)
		printf("%s: %s\n", what, strerror(-err));
	else
		show(what, &st, 1);
}

static const char *err_name(int e)
{
	switch (e) {
	case 0: return "0";
	case ENOENT: return "ENOENT";
	case ENOTDIR: return "ENOTDIR";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	default: return "?";
	}
}

static int stat_err(const char *path)
{
	struct stat st;

	return stat(path, &st) ? errno : 0;
}

static int readlink_err(const char *path)
{
	char buf[64];

	return readlink(path, buf, sizeof(buf)) < 0 ? errno : 0;
}

/* This program's file, as a shell finds argv[0]: a path with a slash as it is, a bare name in
 * PATH's directories. */
static int find_self(const char *argv0, struct stat *st)
{
	if (strchr(argv0, '/'))
		return stat(argv0, st) ? -errno : 0;
	const char *path = getenv("PATH");
	char buf[512];
	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, argv0);
		if (!stat(buf, st))
			return 0;
		path += n + (path[n] == ':');
	}
	return -ENOENT;
}

static void show_std(void)
{
	struct stat st[3];

	for (int fd = 0; fd < 3; fd++) {
		char what[16];
		snprintf(what, sizeof(what), "fd %d", fd);
		show_fd(what, fd);
		fstat_fd(fd, &st[fd]);
	}
	int one = st[0].st_ino == st[1].st_ino && st[1].st_ino == st[2].st_ino;
	printf("fds 0, 1 and 2: %s; isatty(1): %s\n", one ? "one inode" : "not one inode",
	       isatty(1) ? "yes" : "no");
}

int main(int argc, char **argv)
{
	struct stat a, b;
	int p[2];

	if (argc > 1 && !strcmp(argv[1], "std")) {
		show_std();
		return mismatches ? 1 : 0;
	}
	if (pipe(p))
		return 2;
	show_fd("pipe, read end", p[0]);
	show_fd("pipe, write end", p[1]);
	fstat_fd(p[0], &a);
	fstat_fd(p[1], &b);
	printf("pipe: both ends %s\n", a.st_ino == b.st_ino ? "one inode" : "two inodes");
	show_fd("TCP socket", socket(AF_INET, SOCK_STREAM, 0));
	show_fd("UDP socket", socket(AF_INET, SOCK_DGRAM, 0));
	show_fd("eventfd", eventfd(0, 0));
	show_fd("epoll", epoll_create1(0));

	int null = open("/dev/null", O_RDWR);
	show_fd("/dev/null, descriptor", null);
	if (!stat("/dev/null", &a) && !fstat_fd(null, &b))
		printf("/dev/null, by name: %s as its descriptor's\n",
		       a.st_ino == b.st_ino && a.st_mode == b.st_mode && a.st_rdev == b.st_rdev ?
		       "the same inode" : "not the same inode");
	if (!stat("//dev/./null", &b))
		printf("//dev/./null: %s as /dev/null\n",
		       a.st_ino == b.st_ino ? "the same inode" : "not the same inode");
	if (!lstat("/dev/zero", &a))
		show("/dev/zero, by name (lstat)", &a, 1);

	int err = find_self(argv[0], &a);
	if (err)
		printf("this program's file: %s\n", strerror(-err));
	else
		printf("this program's file: %s, size %lld, st_blksize %ld\n", kind(a.st_mode),
		       (long long)a.st_size, (long)a.st_blksize);

	printf("stat: /nonexistent %s, /dev/null/ %s, /dev/null/x %s, /dev/null/.. %s, '' %s\n",
	       err_name(stat_err("/nonexistent")), err_name(stat_err("/dev/null/")),
	       err_name(stat_err("/dev/null/x")), err_name(stat_err("/dev/null/..")),
	       err_name(stat_err("")));
	printf("readlink: /dev/null %s, /dev/null/ %s, /nonexistent %s\n",
	       err_name(readlink_err("/dev/null")), err_name(readlink_err("/dev/null/")),
	       err_name(readlink_err("/nonexistent")));
	printf("fstat: %s\n", mismatches ? "newfstatat(AT_EMPTY_PATH) disagreed" :
	       "newfstatat(AT_EMPTY_PATH) agrees for every descriptor");
	return mismatches ? 1 : 0;
}
