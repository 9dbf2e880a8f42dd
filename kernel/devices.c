// SPDX-License-Identifier: MIT
/* The devices epunk has: /dev/null and /dev/zero (their names are kernel/path.c's). Like Linux's,
 * they have no poll method: epoll refuses them (EPERM) and poll(2) reports them always ready. */
#include <kernel/devices.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/uaccess.h>
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

const struct file_operations dev_null_fops = {
	.read = null_read,
	.write = null_write,
	.name = "null",
	.mode = S_IFCHR | 0666,
	.rdev = STAT_DEV(1, 3),
};

const struct file_operations dev_zero_fops = {
	.read = zero_read,
	.write = null_write,
	.name = "zero",
	.mode = S_IFCHR | 0666,
	.rdev = STAT_DEV(1, 5),
};
