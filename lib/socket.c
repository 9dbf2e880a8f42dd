// SPDX-License-Identifier: MIT
/* The socket calls of <sys/socket.h>: each one system call, through syscall() like
 * lib/syscall.c's wrappers (-1 and errno on failure). recv and send are recvfrom and sendto
 * without an address, as on Linux. */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define A(x)	((long)(x))

int socket(int domain, int type, int protocol)
{
	return (int)syscall(SYS_socket, A(domain), A(type), A(protocol));
}

int bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	return (int)syscall(SYS_bind, A(fd), A(addr), A(addrlen));
}

int listen(int fd, int backlog)
{
	return (int)syscall(SYS_listen, A(fd), A(backlog));
}

int accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return (int)syscall(SYS_accept, A(fd), A(addr), A(addrlen));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
{
	return (int)syscall(SYS_accept4, A(fd), A(addr), A(addrlen), A(flags));
}

int connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	return (int)syscall(SYS_connect, A(fd), A(addr), A(addrlen));
}

int shutdown(int fd, int how)
{
	return (int)syscall(SYS_shutdown, A(fd), A(how));
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return (int)syscall(SYS_getsockname, A(fd), A(addr), A(addrlen));
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return (int)syscall(SYS_getpeername, A(fd), A(addr), A(addrlen));
}

int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)
{
	return (int)syscall(SYS_setsockopt, A(fd), A(level), A(optname), A(optval), A(optlen));
}

int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
{
	return (int)syscall(SYS_getsockopt, A(fd), A(level), A(optname), A(optval), A(optlen));
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dest,
	       socklen_t addrlen)
{
	return syscall(SYS_sendto, A(fd), A(buf), A(len), A(flags), A(dest), A(addrlen));
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *src, socklen_t *addrlen)
{
	return syscall(SYS_recvfrom, A(fd), A(buf), A(len), A(flags), A(src), A(addrlen));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}
