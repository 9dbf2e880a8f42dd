// SPDX-License-Identifier: MIT
/* Socket system calls: resolve the descriptor (EBADF, then ENOTSOCK), copy addresses and option
 * values between the caller and the kernel the way Linux's net/socket.c does (lengths checked
 * there, truncation reported through *addrlen), and call the socket layer (net/socket.c). */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <limits.h>
#include <net/socket.h>
#include <net/sys_socket.h>
#include <string.h>

/* The socket behind @fd with a reference on its file (put it with file_put), or an errno. */
static struct sock *sockfd_get(int fd, struct file **fp, long *err)
{
	struct file *f = fd_get(fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	struct sock *sk = sock_from_file(f);
	if (!sk) {
		file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	*fp = f;
	return sk;
}

/* move_addr_to_kernel: at most a sockaddr_storage; zero length is allowed (and empty). */
static long addr_from_user(const struct sockaddr *uaddr, socklen_t ulen, struct sockaddr_storage *k)
{
	if ((int)ulen < 0 || ulen > sizeof(*k))
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	if (!ulen)
		return 0;
	if (!uaccess_ok(uaddr, ulen))
		return -EFAULT;
	memcpy(k, uaddr, ulen);
	return 0;
}

/* move_addr_to_user: copy what fits, then store the full length ("the value before
 * truncation", POSIX). */
static long addr_to_user(const void *kaddr, int klen, struct sockaddr *uaddr, socklen_t *ulen)
{
	if (!uaccess_write_ok(ulen, sizeof(*ulen)))
		return -EFAULT;
	int len = (int)*ulen;
	if (len > klen)
		len = klen;
	if (len < 0)
		return -EINVAL;
	if (len) {
		if (!uaccess_write_ok(uaddr, (size_t)len))
			return -EFAULT;
		memcpy(uaddr, kaddr, (size_t)len);
	}
	*ulen = (socklen_t)klen;
	return 0;
}

long sys_socket(int family, int type, int protocol)
{
	int flags = type & ~SOCK_TYPE_MASK;
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	struct file *f;
	int err = sock_create(family, type & SOCK_TYPE_MASK, protocol, flags & SOCK_NONBLOCK, &f);
	if (err)
		return err;
	return fd_install_or_put(f, (unsigned)flags & O_CLOEXEC);
}

/* __sys_socketpair: the flags, then the array (EFAULT before anything is created), then the
 * sockets. */
long sys_socketpair(int family, int type, int protocol, int sv[2])
{
	int flags = type & ~SOCK_TYPE_MASK;
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	if (!uaccess_write_ok(sv, 2 * sizeof(int)))
		return -EFAULT;
	struct file *f[2];
	int err = sock_socketpair(family, type & SOCK_TYPE_MASK, protocol, flags & SOCK_NONBLOCK, f);
	if (err)
		return err;
	int fd0 = fd_install_new(f[0], (unsigned)flags & O_CLOEXEC);
	if (fd0 < 0) {
		file_put(f[0]);
		file_put(f[1]);
		return fd0;
	}
	int fd1 = fd_install_new(f[1], (unsigned)flags & O_CLOEXEC);
	if (fd1 < 0) {
		fd_close(fd0);
		file_put(f[1]);
		return fd1;
	}
	sv[0] = fd0;
	sv[1] = fd1;
	return 0;
}

long sys_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_storage k;
	struct file *f;
	long err;
	struct sock *sk = sockfd_get(fd, &f, &err);
	if (!sk)
		return err;
	err = addr_from_user(addr, len, &k);
	if (!err)
		err = sock_bind(sk, (struct sockaddr *)&k, (int)len);
	file_put(f);
	return err;
}

long sys_listen(int fd, int backlog)
{
	struct file *f;
	long err;
	struct sock *sk = sockfd_get(fd, &f, &err);
	if (!sk)
		return err;
	err = sock_listen(sk, backlog);
	file_put(f);
	return err;
}

/* Linux 6.18's order: the descriptor (EBADF), the flags (EINVAL), then that it is a socket. */
long sys_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
{
	struct file *f = fd_get(fd), *nf;
	long err;
	if (!f)
		return -EBADF;
	struct sock *sk = sock_from_file(f);
	err = (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) ? -EINVAL : sk ? 0 : -ENOTSOCK;
	if (err) {
		file_put(f);
		return err;
	}
	struct sockaddr_storage peer;
	int peerlen = 0;
	err = sock_accept(sk, (unsigned)flags, &nf, &peer, &peerlen);
	file_put(f);
	if (err)
		return err;
	if (addr) {
		err = addr_to_user(&peer, peerlen, addr, addrlen);
		if (err) {
			file_put(nf);	/* as Linux: the connection is lost with the bad pointer */
			return err;
		}
	}
	return fd_install_or_put(nf, (unsigned)flags & O_CLOEXEC);
}

long sys_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return sys_accept4(fd, addr, addrlen, 0);
}

long sys_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_storage k;
	struct file *f;
	long err;
	struct sock *sk = sockfd_get(fd, &f, &err);
	if (!sk)
		return err;
	err = addr_from_user(addr, len, &k);
	if (!err)
		err = sock_connect(sk, (struct sockaddr *)&k, (int)len);
	file_put(f);
	return err;
}

long sys_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
		socklen_t alen)
{
	struct sockaddr_storage k;
	struct file *f;
	long err;
	struct sock *sk = sockfd_get(fd, &f, &err);
	if (!sk)
		return err;
	if (len > INT_MAX)
		len = INT_MAX;
	if (addr) {
		err = addr_from_user(addr, alen, &k);
		if (!err)
			err = sock_sendto(sk, buf, len, flags, (struct sockaddr *)&k, (int)alen);
	} else {
		err = sock_sendto(sk, buf, len, flags, NULL, 0);
	}
	file_put(f);
	return err;
}

long sys_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
		  socklen_t *alen)
{
	struct sockaddr_storage from;
	int fromlen = 0;
	struct file *f;
	long err;
	struct sock *sk = sockfd_get(fd, &f, &err);
	if (!sk)
		return err;
	if (len > INT_MAX)
		len = INT_MAX;
	err = sock_recvfrom(sk, buf, len, flags, &from, &fromlen);
	if (err >= 0 && addr) {
		long e = addr_to_user(&from, fromlen, addr, alen);
		if (e)
			err = e;
	}
	file_put(f);
	return err;
}

long sys_shutdown(int fd, int how)
{
	struct file *f;
	long err;
	struct sock *sk = sockfd_get(fd, &f, &err);
	if (!sk)
		return err;
	err = sock_shutdown(sk, how);
	file_put(f);
	return err;
}

static long getname(int fd, struct sockaddr *addr, socklen_t *len, bool peer)
{
	struct sockaddr_storage k;
	struct file *f;
	long err;
	struct sock *sk = sockfd_get(fd, &f, &err);
	if (!sk)
		return err;
	err = sock_getname(sk, &k, peer);
	if (err >= 0)
		err = addr_to_user(&k, (int)err, addr, len);
	file_put(f);
	return err;
}

long sys_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return getname(fd, addr, len, false);
}

long sys_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return getname(fd, addr, len, true);
}

/* Option values are small (an int, a struct linger or a struct timeval). */
#define OPT_MAX		64

long sys_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	unsigned char k[OPT_MAX];
	struct file *f;
	long err;
	struct sock *sk = sockfd_get(fd, &f, &err);
	if (!sk)
		return err;
	if ((int)len < 0) {
		err = -EINVAL;
		goto out;
	}
	size_t n = MIN((size_t)len, sizeof(k));
	memset(k, 0, sizeof(k));
	if (n) {
		if (!uaccess_ok(val, n)) {
			err = -EFAULT;
			goto out;
		}
		memcpy(k, val, n);
	}
	err = sock_setsockopt(sk, level, name, k, len);
out:
	file_put(f);
	return err;
}

long sys_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	unsigned char k[OPT_MAX];
	struct file *f;
	long err;
	struct sock *sk = sockfd_get(fd, &f, &err);
	if (!sk)
		return err;
	if (!uaccess_write_ok(len, sizeof(*len))) {
		err = -EFAULT;
		goto out;
	}
	int ulen = (int)*len;
	if (ulen < 0) {
		err = -EINVAL;
		goto out;
	}
	unsigned klen = MIN((unsigned)ulen, (unsigned)sizeof(k));
	err = sock_getsockopt(sk, level, name, k, &klen);
	if (err)
		goto out;
	if (klen && !uaccess_write_ok(val, klen)) {
		err = -EFAULT;
		goto out;
	}
	memcpy(val, k, klen);
	*len = klen;
out:
	file_put(f);
	return err;
}
