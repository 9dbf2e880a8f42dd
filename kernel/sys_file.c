// SPDX-License-Identifier: MIT
/* Descriptor system calls: read/write/readv/writev, close, dup*, fcntl. */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/syscall.h>
#include <limits.h>

/* The status flags fcntl(F_SETFL) may change, as on Linux. */
#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME | O_ASYNC)

static bool can_read(const struct file *f)
{
	return (f->f_flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(const struct file *f)
{
	return (f->f_flags & O_ACCMODE) != O_RDONLY;
}

/* As on Linux, the buffer is checked where it is copied: the file operation returns -EFAULT
 * (see uaccess_ok) only when it actually has bytes to move. */
long sys_read(int fd, void *buf, size_t len)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long ret;
	if (!can_read(f))
		ret = -EBADF;
	else if (!f->f_op->read)
		ret = -EINVAL;	/* Linux: no FMODE_CAN_READ (an epoll, say) */
	else
		ret = f->f_op->read(f, buf, len > SSIZE_MAX ? SSIZE_MAX : len);
	file_put(f);
	return ret;
}

long sys_write(int fd, const void *buf, size_t len)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long ret;
	if (!can_write(f))
		ret = -EBADF;
	else if (!f->f_op->write)
		ret = -EINVAL;
	else
		ret = f->f_op->write(f, buf, len > SSIZE_MAX ? SSIZE_MAX : len);
	file_put(f);
	return ret;
}

/* Linux's import_iovec: the count (EINVAL), the array (EFAULT), any length negative as an
 * ssize_t (EINVAL), then each segment must lie in user space (EFAULT; a NULL base passes and
 * faults at the copy, in the file operation). Segments below USER_TOP cannot overflow the sum. */
static long check_iov(const struct iovec *iov, int iovcnt)
{
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	if (iovcnt && !uaccess_ok(iov, (size_t)iovcnt * sizeof(*iov)))
		return -EFAULT;
	for (int i = 0; i < iovcnt; i++)
		if (iov[i].iov_len > SSIZE_MAX)
			return -EINVAL;
	for (int i = 0; i < iovcnt; i++)
		if (!uaccess_range_ok(iov[i].iov_base, iov[i].iov_len))
			return -EFAULT;
	return 0;
}

/* One segment after another, stopping at the first short transfer, as a pipe or socket would
 * see consecutive calls; an error after some bytes moved reports the bytes. */
static long rw_iov(int fd, const struct iovec *iov, int iovcnt, bool write)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long ret = write ? (!can_write(f) ? -EBADF : f->f_op->write ? 0 : -EINVAL)
			 : (!can_read(f) ? -EBADF : f->f_op->read ? 0 : -EINVAL);
	if (!ret)
		ret = check_iov(iov, iovcnt);
	long done = 0;
	for (int i = 0; !ret && i < iovcnt; i++) {
		if (!iov[i].iov_len)
			continue;
		long n = write ? f->f_op->write(f, iov[i].iov_base, iov[i].iov_len)
			       : f->f_op->read(f, iov[i].iov_base, iov[i].iov_len);
		if (n < 0) {
			ret = done ? 0 : n;
			break;
		}
		done += n;
		if ((size_t)n < iov[i].iov_len)
			break;
	}
	file_put(f);
	return ret ? ret : done;
}

long sys_readv(int fd, const struct iovec *iov, int iovcnt)
{
	return rw_iov(fd, iov, iovcnt, false);
}

long sys_writev(int fd, const struct iovec *iov, int iovcnt)
{
	return rw_iov(fd, iov, iovcnt, true);
}

long sys_close(int fd)
{
	return fd_close(fd);
}

long sys_dup(int fd)
{
	return fd_dup(fd, 0, 0);
}

long sys_dup3(int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_dup3(oldfd, newfd, (unsigned)flags);
}

long sys_dup2(int oldfd, int newfd)
{
	if (oldfd == newfd) {
		struct file *f = fd_get(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return fd_dup3(oldfd, newfd, 0);
}

#define FIONBIO		0x5421
#define FIOCLEX		0x5451
#define FIONCLEX	0x5450

long sys_ioctl(int fd, unsigned cmd, unsigned long arg)
{
	struct file *f = fd_get(fd);
	long ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		ret = fd_set_cloexec(fd, cmd == FIOCLEX);
		break;
	case FIONBIO: {
		int on;
		if (!uaccess_ok((void *)arg, sizeof(on))) {
			ret = -EFAULT;
			break;
		}
		on = *(int *)arg;
		unsigned flags = on ? f->f_flags | O_NONBLOCK : f->f_flags & ~(unsigned)O_NONBLOCK;
		ret = f->f_op->set_flags ? f->f_op->set_flags(f, flags) : 0;
		if (!ret)
			WRITE_ONCE(f->f_flags, flags);
		break;
	}
	default:
		ret = f->f_op->ioctl ? f->f_op->ioctl(f, cmd, arg) : -ENOTTY;
		break;
	}
	file_put(f);
	return ret;
}

long sys_fcntl(int fd, int cmd, unsigned long arg)
{
	struct file *f = fd_get(fd);
	long ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		ret = arg >= (unsigned long)fd_get_limit() ? -EINVAL
			: fd_dup(fd, (int)arg, cmd == F_DUPFD_CLOEXEC ? O_CLOEXEC : 0);
		break;
	case F_GETFD:
		ret = fd_get_cloexec(fd) == 1 ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		ret = fd_set_cloexec(fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		ret = f->f_flags;
		break;
	case F_SETFL: {
		unsigned flags = (f->f_flags & ~SETFL_MASK) | ((unsigned)arg & SETFL_MASK);
		ret = f->f_op->set_flags ? f->f_op->set_flags(f, flags) : 0;
		if (!ret)
			WRITE_ONCE(f->f_flags, flags);
		break;
	}
	default:
		ret = -EINVAL;
		break;
	}
	file_put(f);
	return ret;
}
