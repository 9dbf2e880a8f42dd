/* SPDX-License-Identifier: MIT */
/* The socket layer: TCP and UDP sockets over lwIP, and AF_UNIX sockets, as pollable files. The
 * functions here work on socket objects; net/sys_socket.c resolves descriptors and copies
 * arguments for the system calls. Every function takes net_lock() itself: call them without
 * it. */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uapi/in.h>
#include <uapi/socket.h>

struct file;
struct sock;

/**
 * sock_create - a socket file: @family AF_INET (@type SOCK_STREAM or SOCK_DGRAM) or AF_UNIX
 * (SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET), flag bits not allowed here, @protocol 0 or the
 * type's own. @nonblock sets O_NONBLOCK. Returns 0 and the file (one reference) in *@out, or
 * Linux's errno: EAFNOSUPPORT, EINVAL (type out of range), ESOCKTNOSUPPORT, EPROTONOSUPPORT,
 * ENOMEM.
 */
int sock_create(int family, int type, int protocol, bool nonblock, struct file **out);

/**
 * sock_socketpair - two new sockets of (@family, @type, @protocol) connected to each other, as
 * files (one reference each) in @out: sock_create's errors, or EOPNOTSUPP when the protocol
 * has no pairs (AF_INET).
 */
int sock_socketpair(int family, int type, int protocol, bool nonblock, struct file *out[2]);

/** sock_from_file - the socket behind @f, or NULL when @f is not a socket. */
struct sock *sock_from_file(struct file *f);

/* Addresses come in as the caller's bytes (@addr, @len), already copied into the kernel. */
int sock_bind(struct sock *sk, const struct sockaddr *addr, int len);
int sock_listen(struct sock *sk, int backlog);
/** sock_connect - connect (TCP) or set the default peer (UDP; AF_UNSPEC dissolves it). */
int sock_connect(struct sock *sk, const struct sockaddr *addr, int len);
/**
 * sock_accept - the next connection of listener @sk as a new file (one reference, O_NONBLOCK
 * from @flags), its peer's address in *@peer and that address's length in *@peerlen. Blocks
 * unless @sk is non-blocking.
 */
int sock_accept(struct sock *sk, unsigned flags, struct file **out, struct sockaddr_storage *peer,
		int *peerlen);
int sock_shutdown(struct sock *sk, int how);
/** sock_getname - the local (@peer false) or remote address in *@out: its length, or
 * -ENOTCONN without a peer. */
int sock_getname(struct sock *sk, struct sockaddr_storage *out, bool peer);

/**
 * sock_sendto / sock_recvfrom - the data path (read/write use them with no flags). MSG_DONTWAIT,
 * MSG_PEEK, MSG_WAITALL, MSG_TRUNC (UDP), MSG_MORE and MSG_NOSIGNAL are honoured; others are
 * ignored as Linux ignores unknown ones, except MSG_OOB (EOPNOTSUPP). @from (may be NULL) gets
 * the source of what was read (a UDP datagram's, say); *@fromlen is set to its length, 0 when
 * there is none (TCP).
 */
ssize_t sock_sendto(struct sock *sk, const void *buf, size_t len, int flags,
		    const struct sockaddr *to, int tolen);
ssize_t sock_recvfrom(struct sock *sk, void *buf, size_t len, int flags,
		      struct sockaddr_storage *from, int *fromlen);

/** sock_setsockopt / sock_getsockopt - @val is the caller's bytes (copied in / out by the caller). */
int sock_setsockopt(struct sock *sk, int level, int name, const void *val, unsigned len);
/** *@len: the caller's buffer size in, the bytes written out. */
int sock_getsockopt(struct sock *sk, int level, int name, void *val, unsigned *len);

/** socks_alive - socket objects not yet freed (listeners' unaccepted connections included). */
long socks_alive(void);
/** unix_socks_alive - the AF_UNIX ones among them (net/unix.c). */
long unix_socks_alive(void);

struct tcp_pcb_listen;
/**
 * sock_accept_queued - connections waiting for accept() on the socket listening on lwIP's
 * @lpcb, or -1 when @lpcb is not a socket's (a raw lwIP listener). For lwIP's hooks
 * (net/port/hooks.c): the caller holds net_lock().
 */
int sock_accept_queued(const struct tcp_pcb_listen *lpcb);

#endif
