// SPDX-License-Identifier: MIT
/* Descriptor system calls: read/write/readv/writev, the positioned pread64/pwrite64/preadv/
 * pwritev, lseek, getdents64, close, dup*, fcntl. */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/syscall.h>
#include <limits.h>
#include <string.h>
#include <uapi/dirent.h>

/* The status flags fcntl(F_SETFL) may change, as on Linux. */
#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME | O_ASYNC)

/* As Linux's OPEN_FMODE: O_RDONLY reads, O_WRONLY writes, O_RDWR both, and the fourth value
 * (3) neither. */
static bool can_read(const struct file *f)
{
	unsigned acc = f->f_flags & O_ACCMODE;
	return acc == O_RDONLY || acc == O_RDWR;
}

static bool can_write(const struct file *f)
{
	unsigned acc = f->f_flags & O_ACCMODE;
	return acc == O_WRONLY || acc == O_RDWR;
}

/* Whether @f has a position pread and pwrite can use (Linux's FMODE_PREAD/FMODE_PWRITE). */
static bool positioned(const struct file *f)
{
	return f->f_op->pread || f->f_op->pwrite;
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
 * see consecutive calls; an error after some bytes moved reports the bytes. With @pos, the
 * transfer starts at that byte (preadv, pwritev), the file's position untouched. */
static long rw_iov(int fd, const struct iovec *iov, int iovcnt, bool write, const long long *pos)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	const struct file_operations *op = f->f_op;
	bool has = write ? (pos ? !!op->pwrite : !!op->write) : (pos ? !!op->pread : !!op->read);
	long ret = pos && !positioned(f) ? -ESPIPE : !(write ? can_write(f) : can_read(f)) ? -EBADF :
		   has ? 0 : -EINVAL;
	if (!ret)
		ret = check_iov(iov, iovcnt);
	long done = 0;
	for (int i = 0; !ret && i < iovcnt; i++) {
		if (!iov[i].iov_len)
			continue;
		long n;
		if (pos)
			n = write ? op->pwrite(f, iov[i].iov_base, iov[i].iov_len, *pos + done)
				  : op->pread(f, iov[i].iov_base, iov[i].iov_len, *pos + done);
		else
			n = write ? op->write(f, iov[i].iov_base, iov[i].iov_len)
				  : op->read(f, iov[i].iov_base, iov[i].iov_len);
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
	return rw_iov(fd, iov, iovcnt, false, NULL);
}

long sys_writev(int fd, const struct iovec *iov, int iovcnt)
{
	return rw_iov(fd, iov, iovcnt, true, NULL);
}

/* Linux's order: a negative offset first, then the descriptor, then a file without a position
 * (ESPIPE), then the access mode. */
long sys_preadv(int fd, const struct iovec *iov, int iovcnt, long long pos)
{
	return pos < 0 ? -EINVAL : rw_iov(fd, iov, iovcnt, false, &pos);
}

long sys_pwritev(int fd, const struct iovec *iov, int iovcnt, long long pos)
{
	return pos < 0 ? -EINVAL : rw_iov(fd, iov, iovcnt, true, &pos);
}

long sys_pread64(int fd, void *buf, size_t len, long long pos)
{
	if (pos < 0)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long ret = !positioned(f) ? -ESPIPE : !can_read(f) ? -EBADF : !f->f_op->pread ? -EINVAL :
		   f->f_op->pread(f, buf, len > SSIZE_MAX ? SSIZE_MAX : len, pos);
	file_put(f);
	return ret;
}

long sys_pwrite64(int fd, const void *buf, size_t len, long long pos)
{
	if (pos < 0)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long ret = !positioned(f) ? -ESPIPE : !can_write(f) ? -EBADF : !f->f_op->pwrite ? -EINVAL :
		   f->f_op->pwrite(f, buf, len > SSIZE_MAX ? SSIZE_MAX : len, pos);
	file_put(f);
	return ret;
}

long sys_lseek(int fd, long long off, unsigned whence)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long ret = whence > SEEK_MAX ? -EINVAL : !f->f_op->llseek ? -ESPIPE :
		   f->f_op->llseek(f, off, (int)whence);
	file_put(f);
	return ret;
}

/* getdents64's records, written into the caller's buffer as the directory emits them. */
struct dirent_buf {
	struct dir_context ctx;
	char *buf;		/* user memory */
	size_t room;		/* bytes left */
	size_t used;
	int err;		/* -EINVAL (the first record does not fit), -EFAULT */
};

static bool dirent_emit(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
			unsigned type)
{
	struct dirent_buf *b = container_of(ctx, struct dirent_buf, ctx);
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8);

	if (reclen > b->room) {
		if (!b->used)
			b->err = -EINVAL;
		return false;
	}
	struct linux_dirent64 *d = (struct linux_dirent64 *)(b->buf + b->used);
	if (!uaccess_write_ok(d, reclen)) {
		b->err = -EFAULT;
		return false;
	}
	d->d_ino = ino;
	d->d_off = ctx->pos + 1;
	d->d_reclen = (unsigned short)reclen;
	d->d_type = (unsigned char)type;
	memcpy(d->d_name, name, len);
	memset(d->d_name + len, 0, reclen - offsetof(struct linux_dirent64, d_name) - len);
	b->used += reclen;
	b->room -= reclen;
	return true;
}

long sys_getdents64(int fd, void *dirp, unsigned count)
{
	struct dirent_buf b = { .ctx.emit = dirent_emit, .buf = dirp, .room = count };
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long ret = -ENOTDIR;
	if (f->f_op->iterate) {
		ret = f->f_op->iterate(f, &b.ctx);
		if (!ret)
			ret = b.used ? (long)b.used : b.err;
	}
	file_put(f);
	return ret;
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
