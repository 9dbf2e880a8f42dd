/* SPDX-License-Identifier: MIT */
/* The socket system calls (net/sys_socket.c): descriptors resolved, arguments checked and copied,
 * the socket layer called; a count or a negative errno. */
#ifndef NET_SYS_SOCKET_H
#define NET_SYS_SOCKET_H

#include <stddef.h>
#include <sys/types.h>
#include <uapi/socket.h>

struct sockaddr;
long sys_socket(int family, int type, int protocol);
long sys_socketpair(int family, int type, int protocol, int sv[2]);
long sys_bind(int fd, const struct sockaddr *addr, socklen_t len);
long sys_listen(int fd, int backlog);
long sys_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
long sys_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
long sys_connect(int fd, const struct sockaddr *addr, socklen_t len);
long sys_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
		socklen_t alen);
long sys_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
		  socklen_t *alen);
long sys_shutdown(int fd, int how);
long sys_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
long sys_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
long sys_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
long sys_getsockopt(int fd, int level, int name, void *val, socklen_t *len);


#endif
