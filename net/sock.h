/* SPDX-License-Identifier: MIT */
/* Socket layer internals (do not use outside net/socket.c, sockopt.c and the protocols: tcp.c,
 * udp.c, unix*.c; other code uses <net/socket.h>): struct sock, the per-protocol operations the
 * core calls, and the helpers the protocols share. */
#ifndef NET_SOCK_H
#define NET_SOCK_H

#include <kernel/list.h>
#include <kernel/poll.h>
#include <kernel/trace.h>
#include <kernel/wait.h>
#include <net/sock_poll.h>
#include <net/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/err.h"
#include "lwip/ip4_addr.h"

struct pbuf;
struct tcp_pcb;
struct udp_pcb;
struct sk_proto;

/* Linux's socket_state. */
#define SS_UNCONNECTED		1
#define SS_CONNECTING		2
#define SS_CONNECTED		3

/* One received pbuf chain: a TCP segment's payload or a UDP datagram. */
struct sk_rxbuf {
	struct sk_rxbuf *next;	/* the next newer buffer, NULL at the tail */
	struct pbuf *p;		/* unread bytes; what was read is cut off the front */
	ip4_addr_t addr;	/* UDP: the datagram's source address */
	uint16_t port;		/* UDP: its source port (host order) */
};

/*
 * A socket. It mirrors the two levels of Linux's state: sock_state is the struct socket's
 * (SS_UNCONNECTED, SS_CONNECTING, SS_CONNECTED: what connect() and accept() decide),
 * tcp_state the struct sock's, folded to what poll() and the calls distinguish (CLOSE, LISTEN,
 * SYN_SENT, SYNCED), with Linux's sk_shutdown bits, sk_err (a pending error, reported once),
 * SOCK_DONE (a FIN arrived) and SOCK_NOSPACE (a writer or poller found no room). Readiness is
 * computed from them by net/sock_poll.c. The lwIP pcb is the connection; the sock holds it while
 * it is ours and forgets it when lwIP frees it or when the connection no longer needs us.
 *
 * Lifetime: the file owns the sock (one reference, dropped at its release); a protocol may take
 * more (sock_hold: AF_UNIX peers and queued data point at their sender), and the last
 * sock_put frees it. A protocol's own object begins with struct sock (sk_proto.obj_size).
 *
 * Locking: every field is protected by net_lock() (net/net.h). lwIP's callbacks run under it
 * (in the NET softirq or inside a thread's section); calls take it. Sleepers drop it only
 * around schedule(), in sock_wait_event(). refcnt is atomic.
 */
struct sock {
	long refcnt;			/* references: the file's, and the protocol's (sock_hold) */
	struct file *file;		/* NULL for a connection not yet accept()ed */
	const struct sk_proto *prot;	/* the protocol: its operations, family and type */
	struct tcp_pcb *tcp;		/* the TCP connection or listener while it is ours */
	struct udp_pcb *udp;		/* the UDP endpoint */
	struct wait_queue_head wq;	/* readers, writers, accepters, pollers, eventpoll */
	uint8_t sock_state;		/* SS_*: the struct socket's state in Linux */
	uint8_t tcp_state;		/* enum sk_tcp_state */
	uint8_t shutdown;		/* SK_RCV_SHUTDOWN | SK_SEND_SHUTDOWN */
	bool done;			/* SOCK_DONE: the peer's FIN arrived */
	bool nospace;			/* SOCK_NOSPACE: someone found the send buffer full */
	bool peercred;			/* SO_PEERCRED reports the peer's credentials (AF_UNIX) */
	uint16_t wait_qlen;		/* a writer waits for lwIP's send queue to drop below this */
	int err;			/* sk_err: pending error (positive errno), 0 if none */

	struct sk_rxbuf *rx_head;	/* received data, oldest first */
	struct sk_rxbuf *rx_tail;	/* the newest buffer, where sock_rx_add appends */
	size_t rx_bytes;		/* bytes in rx_head.. (TCP: not yet given to tcp_recved) */

	/* Listener: connections waiting for accept(). */
	struct list_head accept_q;	/* children, by accept_node */
	unsigned accept_len;		/* how many accept_q holds */
	/* Child: its place on the listener's queue (self-linked once accepted). */
	struct list_head accept_node;	/* on the parent's accept_q while queued */
	struct sock *parent;		/* the listener while queued, else NULL */

	/* Options. */
	bool reuseaddr;			/* SO_REUSEADDR */
	bool keepalive;			/* SO_KEEPALIVE */
	bool broadcast;			/* SO_BROADCAST */
	bool nodelay;			/* TCP_NODELAY */
	bool linger_on;			/* SO_LINGER l_onoff */
	int linger_s;			/* SO_LINGER l_linger */
	int sndbuf;			/* SO_SNDBUF as getsockopt reports it (Linux doubles) */
	int rcvbuf;			/* SO_RCVBUF likewise */
	uint64_t rcvtimeo_ns;		/* SO_RCVTIMEO; 0: wait forever */
	uint64_t sndtimeo_ns;		/* SO_SNDTIMEO */
	uint32_t keep_idle_s;		/* TCP_KEEPIDLE */
	uint32_t keep_intvl_s;		/* TCP_KEEPINTVL */
	uint32_t keep_cnt;		/* TCP_KEEPCNT */
	uint32_t busy_poll_usecs;	/* SO_BUSY_POLL: a blocking wait polls the NIC this long first */
	uint16_t busy_poll_budget;	/* SO_BUSY_POLL_BUDGET (0: the default) */
	bool prefer_busy_poll;		/* SO_PREFER_BUSY_POLL */
	/* bind()'s address, kept to bind a fresh pcb when a failed connect is retried. */
	bool bound;			/* bind(), listen() or connect() gave the socket an address */
	bool udp_src_auto;		/* UDP: connect() chose the source address */
	ip4_addr_t bound_ip;		/* the address bound to (any: all local ones) */
	uint16_t bound_port;		/* the port bound to (host order) */
};

/*
 * A protocol: what socket(family, type, protocol) selects, and the operations the core
 * (socket.c) calls for it. listen, accept and socketpair may be NULL (the call fails with
 * EOPNOTSUPP), ioctl (ENOTTY), write_space and destruct too; every other operation is
 * required. Errors are negative errnos.
 */
struct sk_proto {
	int family;			/* AF_*: with type, what selects this protocol */
	int type;			/* SOCK_* */
	int protocol;			/* IPPROTO_*: what protocol 0 means, the only other accepted */
	int sndbuf;			/* SO_SNDBUF of a new socket */
	int rcvbuf;			/* SO_RCVBUF of a new socket */
	size_t obj_size;		/* the protocol's socket object, which begins with struct
					   sock; 0: a plain struct sock */
	bool sigpipe;			/* Linux raises SIGPIPE when sendmsg gives -EPIPE (without
					   MSG_NOSIGNAL): TCP and AF_UNIX stream, not datagrams */

	/* Called without net_lock: they check their arguments, then take it. */
	int (*bind)(struct sock *sk, const struct sockaddr *addr, int len);
	int (*connect)(struct sock *sk, const struct sockaddr *addr, int len);	/* and AF_UNSPEC */
	ssize_t (*sendmsg)(struct sock *sk, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, int tolen);	/* @to may be NULL */
	ssize_t (*recvmsg)(struct sock *sk, void *buf, size_t len, int flags,
			   struct sockaddr_storage *from, int *fromlen);	/* as sock_recvfrom */

	/* Called with net_lock held (an operation that waits drops it only in sock_wait). */
	int (*init)(struct sock *sk);		/* a new socket's protocol state (its pcb) */
	int (*listen)(struct sock *sk, int backlog);	/* @backlog already cut to SOMAXCONN */
	/* Take the next connection (waiting as the listener's flags say): the child in *@child,
	 * its peer's address in *@peer and that address's length in *@peerlen. The core gives the
	 * child its file. */
	int (*accept)(struct sock *sk, struct sock **child, struct sockaddr_storage *peer,
		      int *peerlen);
	/* shutdown() with @mask SK_RCV_SHUTDOWN and/or SK_SEND_SHUTDOWN; wakes every socket whose
	 * state it changed (sock_state_change). */
	int (*shutdown)(struct sock *sk, unsigned mask);
	/* socketpair(): connect two new sockets of this protocol to each other. */
	int (*socketpair)(struct sock *a, struct sock *b);
	/* ioctl() requests of the protocol (FIONREAD...): -ENOTTY for one it does not know. */
	long (*ioctl)(struct sock *sk, unsigned cmd, unsigned long arg);
	/* SO_SNDBUF changed: wake writers if there is room now (Linux's sk_write_space). */
	void (*write_space)(struct sock *sk);
	/* The last reference is going: the protocol's last words before the memory is freed. */
	void (*destruct)(struct sock *sk);
	int (*getname)(struct sock *sk, struct sockaddr_storage *out, bool peer);	/* as sock_getname */
	/* The readiness mask; @events: what the caller asks about (poll_requested_events). */
	uint32_t (*poll)(struct sock *sk, uint32_t events);
	void (*release)(struct sock *sk);	/* the file's last close: let go of the pcb */
	void (*sync_options)(struct sock *sk);	/* SO_REUSEADDR or SO_KEEPALIVE changed: to the pcb */
	/* A level other than SOL_SOCKET (sockopt.c has the family's fallback for other levels). */
	int (*setsockopt)(struct sock *sk, int level, int name, const void *val, unsigned len);
	int (*getsockopt)(struct sock *sk, int level, int name, void *val, unsigned *len);
};

/* The protocols (tcp.c, udp.c, unix.c). */
extern const struct sk_proto sk_tcp_proto;
extern const struct sk_proto sk_udp_proto;
extern const struct sk_proto sk_unix_stream_proto;
extern const struct sk_proto sk_unix_dgram_proto;
extern const struct sk_proto sk_unix_seqpacket_proto;

/*
 * Wake-ups carry Linux's keys, from Linux's call sites, so that epoll (level- and
 * edge-triggered, EPOLLEXCLUSIVE) sees the same sequence of events. nr_exclusive 1 wakes every
 * non-exclusive entry (eventpoll's, and blocked readers and writers, which wait non-exclusively
 * as in Linux) and one exclusive one: a thread blocked in accept() (exclusive, as
 * inet_csk_wait_for_connect) or an EPOLLEXCLUSIVE epoll. Call them under net_lock, after the
 * change a sleeper may test.
 */
#define SK_READABLE_KEY		(EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND)
#define SK_WRITABLE_KEY		(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND)

/* Data or a datagram arrived, or a connection joined the accept queue (sock_def_readable). */
static inline void sock_def_readable(struct sock *sk)
{
	trace_point(TRACE_SOCK_WAKE, sk, SK_READABLE_KEY);
	wake_up_key(&sk->wq, 1, poll_to_key(SK_READABLE_KEY));
}

/* Send space returned to a socket found full (sk_stream_write_space). */
static inline void sock_write_space(struct sock *sk)
{
	wake_up_key(&sk->wq, 1, poll_to_key(SK_WRITABLE_KEY));
}

/* Connected, FIN received, closed, reset, shutdown() (sock_def_wakeup): every event, every
 * waiter. */
static inline void sock_state_change(struct sock *sk)
{
	wake_up_key(&sk->wq, 0, NULL);
}

/* Reset or timeout, after the state change (sock_def_error_report). */
static inline void sock_error_report(struct sock *sk)
{
	wake_up_key(&sk->wq, 1, poll_to_key(EPOLLERR));
}

/* ---- socket.c ---- */

/* lwIP's err_t as a positive errno; @sk (may be NULL) is the socket an error callback reports
 * on, which names the state as Linux does. The one place err_t is translated. */
int sock_errno(err_t err, const struct sock *sk);
/* Take the pending error (Linux reports it once). */
int sock_take_error(struct sock *sk);
/* A new socket of @prot (prot->obj_size bytes, zeroed but for struct sock), not yet with a
 * file or a pcb, with one reference; NULL without memory. */
struct sock *sock_alloc(const struct sk_proto *prot);
/* Free @sk now (prot->destruct first) and what it still queues (under net_lock if it queues
 * any), whatever its references: for a socket only its creator knows. */
void sock_free(struct sock *sk);
/* Take a reference; drop one (the last frees the sock, as sock_free). */
void sock_hold(struct sock *sk);
void sock_put(struct sock *sk);
/* Does a call with @flags on @sk return instead of waiting (MSG_DONTWAIT or O_NONBLOCK)? */
bool sock_nonblock(const struct sock *sk, int flags);
/* The absolute deadline (ktime_ns) of a wait of @timeout_ns from now; 0 (none) for 0. */
uint64_t sock_deadline(uint64_t timeout_ns);
/*
 * sock_wait_event - the one place a socket call sleeps. Sleep on @wq (@sk's own queue, or
 * another socket's) until @ready(@sk, @arg) or the deadline @end (0: none): 0, -EAGAIN at
 * the deadline, or when a signal ends the sleep -ERESTARTSYS (no deadline) or -EINTR (Linux's
 * sock_intr_errno), which the caller returns unless it already moved data. With net_lock held (exactly one section, in a thread), which is dropped only
 * around schedule(); @ready is tested under it. @exclusive queues the sleeper at the tail as
 * an exclusive waiter (one per wake-up).
 */
int sock_wait_event(struct sock *sk, struct wait_queue_head *wq,
		    bool (*ready)(struct sock *sk, void *arg), void *arg, uint64_t end,
		    bool exclusive);
/* sock_wait_event on @sk's own queue for @timeout_ns (0: none) from now. */
int sock_wait(struct sock *sk, bool (*ready)(struct sock *), uint64_t timeout_ns, bool exclusive);

/* The receive queue, under net_lock. sock_rx_add appends @p (taken) and returns its buffer, or
 * NULL without memory (@p not taken). sock_rx_copy copies up to @len bytes, consuming them
 * unless @peek, and returns the count; sock_rx_pop drops the oldest buffer; sock_rx_purge all. */
struct sk_rxbuf *sock_rx_add(struct sock *sk, struct pbuf *p);
size_t sock_rx_copy(struct sock *sk, void *buf, size_t len, bool peek);
void sock_rx_pop(struct sock *sk);
void sock_rx_purge(struct sock *sk);

/* AF_INET addresses. sock_sin_get: a sockaddr_in from the caller's bytes (EINVAL if short);
 * sock_sin_set: one made of @ip (NULL: any) and @port, in @out; returns its length. */
int sock_sin_get(const struct sockaddr *addr, int len, struct sockaddr_in *sin);
int sock_sin_set(struct sockaddr_storage *out, const ip4_addr_t *ip, uint16_t port);
/*
 * sock_inet_bind - bind() for the AF_INET protocols: inet_bind's checks, a pcb made by
 * prot->init if the socket has none, then @bind_pcb (under net_lock) binds it to @ip and
 * *@port, and sets *@port to the port it took.
 */
int sock_inet_bind(struct sock *sk, const struct sockaddr *addr, int len,
		   err_t (*bind_pcb)(struct sock *sk, const ip4_addr_t *ip, uint16_t *port));

/* ---- sockopt.c (under net_lock) ---- */

/* SOL_SOCKET. */
int sock_opt_socket_set(struct sock *sk, int name, const void *val, unsigned len);
int sock_opt_socket_get(struct sock *sk, int name, void *val, unsigned *len);
/* The AF_INET levels no protocol handled: ENOPROTOOPT (getsockopt: EOPNOTSUPP for a level
 * no layer knows, as Linux). */
int sock_opt_inet_set(struct sock *sk, int level, int name, const void *val, unsigned len);
int sock_opt_inet_get(struct sock *sk, int level, int name, void *val, unsigned *len);
/* An int option value (EINVAL if @len is short). */
int sock_opt_int(const void *val, unsigned len, int *out);
/* Copy a value out: at most *@len bytes, *@len set to what was written (Linux). Returns 0. */
int sock_opt_put(void *dst, unsigned *len, const void *src, unsigned size);

#endif
