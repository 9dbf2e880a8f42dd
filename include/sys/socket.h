/* SPDX-License-Identifier: MIT */
/* <sys/socket.h>: BSD sockets over epunk's TCP/IP (IPv4, TCP and UDP). Sockets are descriptors:
 * read/write/close/fcntl/poll/epoll work on them. Failures return -1 and set errno, as on Linux.
 * Not provided: sendmsg/recvmsg, socketpair, AF_UNIX, AF_INET6, raw sockets. No SIGPIPE exists:
 * a write to a shut-down or reset connection just fails with EPIPE (MSG_NOSIGNAL is accepted). */
#ifndef EPUNK_SYS_SOCKET_H
#define EPUNK_SYS_SOCKET_H

#include <sys/types.h>
#include <uapi/socket.h>

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t addrlen);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
int connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
int shutdown(int fd, int how);
int getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen);
int getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen);
int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen);
int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dest,
	       socklen_t addrlen);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *src,
		 socklen_t *addrlen);

#endif
