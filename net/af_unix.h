/* SPDX-License-Identifier: MIT */
/* AF_UNIX internals (do not use outside net/unix.c and net/unix_msg.c; other code uses
 * <net/socket.h>): the unix socket object, its queued messages, the send accounting and the
 * helpers the two files share. Everything here is under net_lock() (see net/unix.c). */
#ifndef NET_AF_UNIX_H
#define NET_AF_UNIX_H

#include <kernel/compiler.h>
#include <kernel/list.h>
#include <kernel/wait.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uapi/un.h>

#include "sock.h"

/* Linux's net.unix.max_dgram_qlen: a datagram receiver's queue limit for senders it is not
 * connected back to, in messages. */
#define UNIX_MAX_DGRAM_QLEN	10

/* A bound name: the bytes of a struct sockaddr_un that name the socket. A path name is kept
 * with its terminating NUL (2 + strlen + 1 bytes, up to 111 when the path fills sun_path), an
 * abstract name as given. */
struct unix_name {
	int len;				/* 0: unbound */
	union {
		struct sockaddr_un sun;
		char bytes[sizeof(struct sockaddr_un) + 1];	/* room for that NUL */
	};
};

/* One queued message (Linux's skb): a stream chunk, a datagram or a seqpacket record. */
struct unix_skb {
	struct list_head node;		/* on the receiver's queue */
	struct unix_sock *sender;	/* charged truesize; held (sock_hold) until the skb is freed */
	uint32_t len;			/* bytes of data */
	uint32_t consumed;		/* stream: bytes already read from the front */
	uint32_t truesize;		/* what the sender's send accounting is charged */
	char data[];
};

/*
 * A unix socket (Linux's struct unix_sock). sk.tcp_state is Linux's sk_state for AF_UNIX:
 * SK_TCP_CLOSE, SK_TCP_LISTEN, or SK_TCP_SYNCED for TCP_ESTABLISHED (connected). A listener's
 * pending connections ("embryos", the server ends made by connect()) wait on sk.accept_q, as
 * TCP's children do.
 */
struct unix_sock {
	struct sock sk;			/* first: the socket layer's part */
	struct unix_sock *peer;		/* unix_peer: held (sock_hold) while linked */
	struct list_head rq;		/* the receive queue: unix_skb, oldest first */
	unsigned rq_len;		/* messages on rq */
	size_t rq_bytes;		/* unread bytes on rq */
	size_t wmem;			/* truesize of this socket's messages not yet freed (Linux's
					   sk_wmem_alloc less its bias of 1) */
	unsigned max_backlog;		/* sk_max_ack_backlog: listen()'s backlog, else
					   UNIX_MAX_DGRAM_QLEN */
	bool dead;			/* SOCK_DEAD: its file is gone */
	struct unix_name name;		/* bound (or, for an embryo, its listener's) name */
	struct list_head name_node;	/* on a name-table bucket while the name is bound */
	struct wait_queue_head peer_wait;	/* senders waiting for room in our queue */
	struct wait_entry peer_wake;	/* hung on a full peer's peer_wait: relays its wake-up */
	struct unix_sock *peer_wake_target;	/* whose peer_wait peer_wake hangs on, or NULL */
};

static inline struct unix_sock *unix_sk(struct sock *sk)
{
	return container_of(sk, struct unix_sock, sk);
}

static inline int unix_type(const struct unix_sock *u)
{
	return u->sk.prot->type;
}

/* SOCK_STREAM or SOCK_SEQPACKET: connections, listen and accept. */
static inline bool unix_connection_based(const struct unix_sock *u)
{
	return unix_type(u) != SOCK_DGRAM;
}

/* Messages waiting on @u: data, or a listener's pending connections (Linux queues both on
 * sk_receive_queue). */
static inline unsigned unix_qlen(const struct unix_sock *u)
{
	return u->rq_len + u->sk.accept_len;
}

/* unix_recvq_full: more messages queued than the backlog allows. */
static inline bool unix_recvq_full(const struct unix_sock *u)
{
	return unix_qlen(u) > u->max_backlog;
}

/* unix_may_send: @other takes datagrams from anyone, or is connected to @u. */
static inline bool unix_may_send(const struct unix_sock *u, const struct unix_sock *other)
{
	return !other->peer || other->peer == u;
}

/* unix_writable: not a listener, and at most a quarter of SO_SNDBUF in flight (Linux counts its
 * wmem bias of 1 here). */
static inline bool unix_writable(const struct unix_sock *u)
{
	return u->sk.tcp_state != SK_TCP_LISTEN && ((u->wmem + 1) << 2) <= (size_t)u->sk.sndbuf;
}

/* ---- unix.c ---- */

/* The address of @u into @out (AF_UNIX and no name when unbound): its length. */
int unix_fill_name(const struct unix_sock *u, struct sockaddr_storage *out);
/* A name from the caller's @addr of @len bytes, checked as unix_validate_addr does: 0 or
 * -EINVAL. */
int unix_name_from(struct unix_name *n, const struct sockaddr *addr, int len);
/* The socket bound to @n that a @type socket may reach, with a reference: NULL and *@err
 * ENOENT (no such path), EPROTOTYPE (a path of another type) or ECONNREFUSED (no such
 * abstract name). */
struct unix_sock *unix_find_other(const struct unix_name *n, int type, int *err);
/* Datagram flow control across sockets (Linux's peer_wake): hang @u's relay on @other's
 * peer_wait while @other's queue is full; 1 if @u must wait. */
int unix_peer_wake_me(struct unix_sock *u, struct unix_sock *other);
/* Unhook @u's relay from @other's peer_wait, and wake @u's writers (unix_dgram_peer_wake_
 * disconnect_wakeup). */
void unix_peer_wake_disconnect_wakeup(struct unix_sock *u, struct unix_sock *other);
/* @u stopped talking to @other: what @u still queues is dropped, and @other, if it was
 * connected back to @u, gets ECONNRESET (unix_dgram_disconnected). */
void unix_dgram_disconnected(struct unix_sock *u, struct unix_sock *other);

/* ---- unix_msg.c ---- */

/* Free @skb: its truesize goes back to its sender, who may write again (sock_wfree). */
void unix_skb_free(struct unix_skb *skb);
/* Free everything @u queues. */
void unix_purge(struct unix_sock *u);
/* unix_write_space: wake @u's writers when it is writable. */
void unix_write_space(struct unix_sock *u);

ssize_t unix_stream_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
			    const struct sockaddr *to, int tolen);
ssize_t unix_stream_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
			    struct sockaddr_storage *from, int *fromlen);
ssize_t unix_dgram_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, int tolen);
ssize_t unix_dgram_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
			   struct sockaddr_storage *from, int *fromlen);
ssize_t unix_seqpacket_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
			       const struct sockaddr *to, int tolen);
ssize_t unix_seqpacket_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
			       struct sockaddr_storage *from, int *fromlen);

#endif
