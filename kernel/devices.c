// SPDX-License-Identifier: MIT
/* The only named files epunk has: /dev/null and /dev/zero, opened with open()/openat(). Like
 * Linux's, they have no poll method: epoll refuses them (EPERM) and poll(2) reports them always
 * ready. Every other path is ENOENT: there is no file system. */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/syscall.h>
#include <string.h>
#include <uapi/stat.h>


static ssize_t null_read(struct file *f, void *buf, size_t len)
{
	(void)f;
	(void)buf;
	(void)len;
	return 0;
}

static ssize_t null_write(struct file *f, const void *buf, size_t len)
{
	(void)f;
	(void)buf;
	return (ssize_t)len;
}

static ssize_t zero_read(struct file *f, void *buf, size_t len)
{
	(void)f;
	if (len && !uaccess_write_ok(buf, len))
		return -EFAULT;
	memset(buf, 0, len);
	return (ssize_t)len;
}

static const struct file_operations null_fops = {
	.read = null_read,
	.write = null_write,
	.name = "null",
	.mode = S_IFCHR | 0666,
	.rdev = STAT_DEV(1, 3),
};

static const struct file_operations zero_fops = {
	.read = zero_read,
	.write = null_write,
	.name = "zero",
	.mode = S_IFCHR | 0666,
	.rdev = STAT_DEV(1, 5),
};

/* Flags open() accepts and keeps (the rest of Linux's are meaningless without a file system). */
#define OPEN_KEEP	(O_ACCMODE | O_NONBLOCK | O_APPEND | O_CLOEXEC)

long sys_openat(int dirfd, const char *path, int flags, unsigned mode)
{
	const struct file_operations *ops;

	(void)mode;
	if (!uaccess_ok(path, 1))
		return -EFAULT;
	if (path[0] != '/' && dirfd != AT_FDCWD) {
		struct file *d = fd_get(dirfd);
		if (!d)
			return -EBADF;
		file_put(d);
		return -ENOTDIR;
	}
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	if (!strcmp(path, "/dev/null"))
		ops = &null_fops;
	else if (!strcmp(path, "/dev/zero"))
		ops = &zero_fops;
	else
		return (flags & O_CREAT) ? -EROFS : -ENOENT;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	struct file *f = file_alloc(ops, NULL, (unsigned)flags & OPEN_KEEP & ~O_CLOEXEC);
	if (!f)
		return -ENOMEM;
	int fd = fd_install_new(f, (unsigned)flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(const char *path, int flags, unsigned mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}
