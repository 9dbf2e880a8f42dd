// SPDX-License-Identifier: MIT
/* File status and symbolic links. fstat, stat, lstat and newfstatat say what Linux's say of the
 * same kind of file, as nearly as epunk can: the type, permission bits and device number of a
 * descriptor's kind (its file_operations, or the open file's own for a file of the tree) or of
 * a name (kernel/tree.c), one link, owner root, 4096-byte blocks, no times (0). readlink and
 * readlinkat never find a link: epunk has none. */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/path.h>
#include <kernel/syscall.h>
#include <string.h>
#include <uapi/stat.h>

/* The flags newfstatat knows (the automount and remote-sync ones change nothing here). */
#define FSTATAT_FLAGS	(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)
#define STAT_BLKSIZE	4096

static void stat_fill(struct stat *st, unsigned mode, unsigned long rdev, uint64_t ino,
		      uint64_t size)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_nlink = 1;
	st->st_mode = mode;
	st->st_rdev = rdev;
	st->st_size = (long)size;
	st->st_blksize = STAT_BLKSIZE;
	st->st_blocks = (long)(ALIGN_UP(size, STAT_BLKSIZE) / 512);	/* whole pages, as tmpfs */
}

static long stat_out(const struct stat *k, struct stat *u)
{
	if (!uaccess_write_ok(u, sizeof(*u)))
		return -EFAULT;
	memcpy(u, k, sizeof(*k));
	return 0;
}

long sys_fstat(int fd, struct stat *st)
{
	struct stat k;
	unsigned mode;
	uint64_t size = 0;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	mode = f->f_op->mode;
	if (f->f_op->getattr)
		f->f_op->getattr(f, &mode, &size);
	stat_fill(&k, mode, f->f_op->rdev, f->f_ino, size);
	file_put(f);
	return stat_out(&k, st);
}

/* Flags are checked first, then the path, then the buffer, in Linux's order. With AT_EMPTY_PATH
 * the empty path names @dirfd itself, and so does NULL, as Linux takes it since 6.11. */
long sys_newfstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct path_node node;
	struct stat k;

	if (flags & ~FSTATAT_FLAGS)
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && (!path || (uaccess_ok(path, 1) && !*path))) {
		if (dirfd != AT_FDCWD)
			return sys_fstat(dirfd, st);
		path_cwd(&node);
	} else {
		int err = path_lookup(dirfd, path, &node);
		if (err)
			return err;
	}
	stat_fill(&k, node.mode, node.rdev, node.ino, node.size);
	return stat_out(&k, st);
}

long sys_stat(const char *path, struct stat *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, 0);
}

long sys_lstat(const char *path, struct stat *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

/* Nothing is a link: EINVAL for a name that exists (@buf is then never written), the lookup's
 * error for one that does not. The empty path names @dirfd itself, no link either: ENOENT, as
 * on Linux. */
long sys_readlinkat(int dirfd, const char *path, char *buf, int bufsiz)
{
	struct path_node node;

	(void)buf;
	if (bufsiz <= 0)
		return -EINVAL;
	if (uaccess_ok(path, 1) && !*path) {
		struct file *d = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);
		if (dirfd != AT_FDCWD && !d)
			return -EBADF;
		if (d)
			file_put(d);
		return -ENOENT;
	}
	int err = path_lookup(dirfd, path, &node);
	return err ? err : -EINVAL;
}

long sys_readlink(const char *path, char *buf, int bufsiz)
{
	return sys_readlinkat(AT_FDCWD, path, buf, bufsiz);
}
