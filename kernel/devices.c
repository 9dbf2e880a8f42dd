// SPDX-License-Identifier: MIT
/* The devices epunk has: /dev/null, /dev/zero, /dev/random and /dev/urandom (their names are
 * kernel/tree.c's). As Linux's: every seek answers 0 and pread/pwrite ignore the offset; only
 * /dev/random has a poll method (always readable and writable: the kernel's generator is ready
 * from boot), so epoll refuses the others (EPERM) and poll(2) reports them always ready. Both
 * random devices read the kernel's generator (kernel/random.c); what is written to them is
 * accepted and, the generator being keyed once at boot, not mixed in. */
#include <kernel/devices.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/poll.h>
#include <kernel/random.h>
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

static ssize_t random_read(struct file *f, void *buf, size_t len)
{
	(void)f;
	if (len && !uaccess_write_ok(buf, len))
		return -EFAULT;
	random_bytes(buf, len);
	return (ssize_t)len;
}

/* Linux reads the bytes to mix them in: a buffer it cannot read is EFAULT. */
static ssize_t random_write(struct file *f, const void *buf, size_t len)
{
	(void)f;
	if (len && !uaccess_ok(buf, len))
		return -EFAULT;
	return (ssize_t)len;
}

static uint32_t random_poll(struct file *f, struct poll_table *pt)
{
	(void)f;
	(void)pt;
	return EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM;
}

#define MEMORY_DEVICE(_name, _read, _write, _minor) \
	.read = _read, .write = _write, .llseek = file_llseek_zero, \
	.pread = file_pread_unpositioned, .pwrite = file_pwrite_unpositioned, \
	.name = _name, .mode = S_IFCHR | 0666, .rdev = STAT_DEV(1, _minor)

const struct file_operations dev_null_fops = { MEMORY_DEVICE("null", null_read, null_write, 3) };
const struct file_operations dev_zero_fops = { MEMORY_DEVICE("zero", zero_read, null_write, 5) };
const struct file_operations dev_random_fops = {
	MEMORY_DEVICE("random", random_read, random_write, 8),
	.poll = random_poll,
};
const struct file_operations dev_urandom_fops = {
	MEMORY_DEVICE("urandom", random_read, random_write, 9)
};
