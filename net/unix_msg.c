// SPDX-License-Identifier: MIT
/*
 * The AF_UNIX data path, as Linux 6.x's net/unix/af_unix.c moves data: a sender copies each
 * message into a buffer (Linux's skb) that it queues on the receiver; the buffer's truesize is
 * charged to the sender until the receiver has consumed it, and the sender may allocate a new
 * one only while its charge is below SO_SNDBUF (sock_alloc_send_pskb). Locking and lifetime:
 * net/unix.c.
 *
 * The charge is Linux's own figure, computed the way Linux 6.x on x86-64 with 4 KiB pages
 * computes an skb's truesize (unix_truesize below), so that a queue fills after exactly as
 * many bytes as on Linux and SIOCOUTQ reports the same numbers: the tests compare them with a
 * Linux host's. Memory actually held is the data plus a small header per message; it is bounded
 * by the same accounting (SO_SNDBUF plus at most one message per sender).
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/page.h>
#include <kernel/slab.h>
#include <kernel/uaccess.h>
#include <net/net.h>
#include <string.h>

#include "af_unix.h"

/*
 * What makes an skb's truesize on Linux 6.x x86-64: its struct sk_buff (SKB_DATA_ALIGN'ed:
 * 256 bytes), a kmalloc'ed head holding the linear data (cache-line aligned) and the struct
 * skb_shared_info (320 bytes aligned), rounded up to its kmalloc size (a power of two from 512
 * up: the head never fits a smaller cache), and whole pages for data kept in page fragments.
 */
#define SKB_STRUCT_SIZE		256
#define SKB_SHINFO_SIZE		320
#define SKB_HEAD_ALIGN		64
#define SKB_MAX_HEAD0		(PAGE_SIZE - SKB_SHINFO_SIZE)		/* SKB_MAX_HEAD(0) */
#define SKB_MAX_ALLOC		(4 * PAGE_SIZE - SKB_SHINFO_SIZE)	/* SKB_MAX_ORDER(0, 2) */
#define SKB_MAX_FRAGS		17					/* MAX_SKB_FRAGS */
/* unix_stream_sendmsg: at most this much of a stream message goes to page fragments. */
#define UNIX_SKB_FRAGS_SZ	32768

static size_t pow2_roundup(size_t n)
{
	size_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

/* The truesize of an skb with @head bytes of linear data and @data_len in page fragments. */
static size_t unix_truesize(size_t head, size_t data_len)
{
	size_t kmalloced = ALIGN_UP(head, (size_t)SKB_HEAD_ALIGN) + SKB_SHINFO_SIZE;

	return SKB_STRUCT_SIZE + pow2_roundup(MAX(kmalloced, (size_t)512)) +
	       ALIGN_UP(data_len, (size_t)PAGE_SIZE);
}

/* unix_stream_sendmsg's split: the next message of a write with @left bytes to go. */
static size_t unix_stream_chunk(const struct sock *sk, size_t left, size_t *truesize)
{
	/* "Keep two messages in the pipe so it schedules better", and at most a page of head
	 * plus UNIX_SKB_FRAGS_SZ of fragments. */
	size_t size = MIN(left, (size_t)((sk->sndbuf >> 1) - 64));
	size = MIN(size, (size_t)(SKB_MAX_HEAD0 + UNIX_SKB_FRAGS_SZ));
	size_t data_len = size > SKB_MAX_HEAD0 ? size - SKB_MAX_HEAD0 : 0;
	data_len = MIN(size, ALIGN_UP(data_len, (size_t)PAGE_SIZE));
	*truesize = unix_truesize(size - data_len, data_len);
	return size;
}

/* unix_dgram_sendmsg's layout of a @len-byte datagram. */
static size_t unix_dgram_truesize(size_t len)
{
	size_t data_len = 0;

	if (len > SKB_MAX_ALLOC) {
		data_len = MIN(len - SKB_MAX_ALLOC, (size_t)SKB_MAX_FRAGS * PAGE_SIZE);
		data_len = ALIGN_UP(data_len, (size_t)PAGE_SIZE);
	}
	return unix_truesize(len - data_len, data_len);
}

/* ---- messages and the send accounting ---- */

void unix_write_space(struct unix_sock *u)
{
	if (unix_writable(u) && waitqueue_active(&u->sk.wq))
		wake_up_key(&u->sk.wq, 1, poll_to_key(SK_WRITABLE_KEY));
}

/* A message of @len bytes charged @truesize to @u (sock_alloc_send_pskb, skb_set_owner_w). */
static struct unix_skb *unix_skb_alloc(struct unix_sock *u, size_t len, size_t truesize)
{
	struct unix_skb *skb = kmalloc(sizeof(*skb) + len);

	if (!skb)
		return NULL;
	skb->len = (uint32_t)len;
	skb->consumed = 0;
	skb->truesize = (uint32_t)truesize;
	skb->sender = u;
	sock_hold(&u->sk);
	u->wmem += truesize;
	return skb;
}

void unix_skb_free(struct unix_skb *skb)
{
	struct unix_sock *s = skb->sender;

	s->wmem -= skb->truesize;
	unix_write_space(s);
	kfree(skb);
	sock_put(&s->sk);
}

void unix_purge(struct unix_sock *u)
{
	while (!list_empty(&u->rq)) {
		struct unix_skb *skb = list_first_entry(&u->rq, struct unix_skb, node);
		list_del_init(&skb->node);
		u->rq_len--;
		u->rq_bytes -= skb->len - skb->consumed;
		unix_skb_free(skb);
	}
}

/* Queue @skb on @other and tell its readers (sk_data_ready). */
static void unix_queue(struct unix_sock *other, struct unix_skb *skb)
{
	list_add_tail(&skb->node, &other->rq);
	other->rq_len++;
	other->rq_bytes += skb->len;
	sock_def_readable(&other->sk);
}

/* Take @skb off @u's queue, whatever of it is still unread. */
static void unix_unlink(struct unix_sock *u, struct unix_skb *skb)
{
	list_del_init(&skb->node);
	u->rq_len--;
	u->rq_bytes -= skb->len - skb->consumed;
}

static bool unix_wmem_ready(struct sock *sk, void *arg)
{
	(void)arg;
	return sk->err || (sk->shutdown & SK_SEND_SHUTDOWN) || unix_sk(sk)->wmem < (size_t)sk->sndbuf;
}

/* sock_alloc_send_pskb's wait for send space: 0 when a message may be made, or a pending
 * error, EPIPE after shutdown(SHUT_WR), EAGAIN when @nonblock or at the deadline @end. */
static int unix_wait_wmem(struct unix_sock *u, bool *nonblock, uint64_t end)
{
	struct sock *sk = &u->sk;

	for (;;) {
		if (sk->err)
			return -sock_take_error(sk);
		if (sk->shutdown & SK_SEND_SHUTDOWN)
			return -EPIPE;
		if (u->wmem < (size_t)sk->sndbuf)
			return 0;
		if (*nonblock)
			return -EAGAIN;
		int w = sock_wait_event(sk, &sk->wq, unix_wmem_ready, NULL, end, false);
		if (w && w != -EAGAIN)
			return w;		/* a signal */
		if (w)
			*nonblock = true;
	}
}

/* The source address a reader gets: the sender's name, when it has one. */
static void unix_copy_addr(const struct unix_skb *skb, struct sockaddr_storage *from,
			   int *fromlen)
{
	if (from && fromlen && skb->sender->name.len)
		*fromlen = unix_fill_name(skb->sender, from);
}

/* ---- SOCK_STREAM ---- */

/*
 * unix_stream_sendmsg: split into messages of unix_stream_chunk, each made when the send
 * accounting allows and queued on the peer at once. EPIPE once either side shut the direction
 * down or the peer is gone (returned only when nothing was sent), which raises SIGPIPE
 * (sk_proto.sigpipe) unless MSG_NOSIGNAL.
 */
ssize_t unix_stream_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
			    const struct sockaddr *to, int tolen)
{
	struct unix_sock *u = unix_sk(sk), *other;
	size_t sent = 0;
	ssize_t err = 0;

	(void)to;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	net_lock();
	if (tolen) {
		err = sk->tcp_state == SK_TCP_SYNCED ? -EISCONN : -EOPNOTSUPP;
		goto out;
	}
	other = u->peer;
	if (!other) {
		err = -ENOTCONN;
		goto out;
	}
	if (sk->shutdown & SK_SEND_SHUTDOWN)
		goto out_pipe;

	bool nonblock = sock_nonblock(sk, flags);
	uint64_t end = sock_deadline(sk->sndtimeo_ns);
	while (sent < len) {
		size_t truesize, size = unix_stream_chunk(sk, len - sent, &truesize);

		err = unix_wait_wmem(u, &nonblock, end);
		if (err)
			goto out;
		struct unix_skb *skb = unix_skb_alloc(u, size, truesize);
		if (!skb) {
			err = -ENOBUFS;
			goto out;
		}
		if (!uaccess_ok((const char *)buf + sent, size)) {
			unix_skb_free(skb);
			err = -EFAULT;
			goto out;
		}
		memcpy(skb->data, (const char *)buf + sent, size);
		if (other->dead || (other->sk.shutdown & SK_RCV_SHUTDOWN)) {
			unix_skb_free(skb);
			goto out_pipe;
		}
		unix_queue(other, skb);
		sent += size;
	}
	goto out;

out_pipe:
	err = -EPIPE;
out:
	net_unlock();
	return sent ? (ssize_t)sent : err;
}

/* Copy @n of @skb's unread bytes (a datagram's: from its start) to user memory at @dst; false
 * (nothing copied) when @dst is not writable. */
static bool unix_skb_copy(const struct unix_skb *skb, void *dst, size_t n)
{
	if (n && !uaccess_write_ok(dst, n))
		return false;
	memcpy(dst, skb->data + skb->consumed, n);
	return true;
}

static bool unix_stream_readable(struct sock *sk, void *arg)
{
	(void)arg;
	return !list_empty(&unix_sk(sk)->rq) || sk->err || (sk->shutdown & SK_RCV_SHUTDOWN);
}

/*
 * unix_stream_read_generic: read until @len bytes or, having read the target (1 byte, or all of
 * @len with MSG_WAITALL), the queue is empty. A read stops inside a message it does not finish;
 * MSG_PEEK reads on through the queue without waiting for more. With nothing read: a pending
 * error (ECONNRESET: the peer closed with data of ours unread) before EOF, as POSIX orders.
 */
ssize_t unix_stream_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
			    struct sockaddr_storage *from, int *fromlen)
{
	struct unix_sock *u = unix_sk(sk);
	bool peek = flags & MSG_PEEK;
	size_t copied = 0, size = len;
	ssize_t err = 0;

	if (fromlen)
		*fromlen = 0;
	net_lock();
	if (sk->tcp_state != SK_TCP_SYNCED) {
		err = -EINVAL;
		goto out;
	}
	if (flags & MSG_OOB) {
		err = -EOPNOTSUPP;
		goto out;
	}
	/* sock_rcvlowat: SO_RCVLOWAT is 1 here. */
	size_t target = (flags & MSG_WAITALL) ? len : MIN(len, (size_t)1);
	if (!target)
		target = 1;
	bool nonblock = sock_nonblock(sk, flags);
	uint64_t end = sock_deadline(sk->rcvtimeo_ns);

	for (;;) {
		struct unix_skb *skb;

		if (list_empty(&u->rq)) {
			if (copied >= target)
				break;
			if (sk->err) {
				err = -sock_take_error(sk);
				break;
			}
			if (sk->shutdown & SK_RCV_SHUTDOWN)
				break;
			if (nonblock) {
				err = -EAGAIN;
				break;
			}
			int w = sock_wait_event(sk, &sk->wq, unix_stream_readable, NULL, end, false);
			if (w && w != -EAGAIN) {
				err = w;	/* a signal */
				break;
			}
			if (w)
				nonblock = true;	/* timed out: one more look, then EAGAIN */
			continue;
		}
		skb = list_first_entry(&u->rq, struct unix_skb, node);
		if (peek) {
			list_for_each_entry(skb, &u->rq, node) {
				size_t n = MIN(skb->len - skb->consumed, size);
				if (!unix_skb_copy(skb, (char *)buf + copied, n)) {
					if (!copied)
						err = -EFAULT;
					break;
				}
				copied += n;
				size -= n;
				unix_copy_addr(skb, from, fromlen);
				if (!size)
					break;
			}
			break;
		}
		size_t n = MIN(skb->len - skb->consumed, size);
		if (!unix_skb_copy(skb, (char *)buf + copied, n)) {
			if (!copied)
				err = -EFAULT;
			break;
		}
		unix_copy_addr(skb, from, fromlen);
		copied += n;
		size -= n;
		skb->consumed += (uint32_t)n;
		u->rq_bytes -= n;
		if (skb->consumed < skb->len)
			break;
		unix_unlink(u, skb);
		unix_skb_free(skb);
		if (!size)
			break;
	}
out:
	net_unlock();
	return copied ? (ssize_t)copied : err;
}

/* ---- SOCK_DGRAM and SOCK_SEQPACKET ---- */

/* unix_wait_for_peer's condition: room in @arg's queue, or a reason to look again. */
static bool unix_peer_room(struct sock *sk, void *arg)
{
	struct unix_sock *other = arg;

	(void)sk;
	return other->dead || (other->sk.shutdown & SK_RCV_SHUTDOWN) || !unix_recvq_full(other);
}

/*
 * unix_dgram_sendmsg, with net_lock held: one message of @len bytes to the socket named @n, or
 * (@n NULL) to the peer. A receiver not connected back to us takes at most max_backlog queued
 * messages: we wait on its peer_wait for room (EAGAIN when non-blocking, with our peer_wake
 * hooked so that epoll hears when there is room). Its EPIPE raises no SIGPIPE, in Linux either.
 */
static ssize_t unix_dgram_send_locked(struct unix_sock *u, const void *buf, size_t len, int flags,
				      const struct unix_name *n)
{
	struct sock *sk = &u->sk;
	struct unix_sock *other;
	int err;

	if (len > (size_t)sk->sndbuf - 32)
		return -EMSGSIZE;
	bool nonblock = sock_nonblock(sk, flags);
	uint64_t end = sock_deadline(sk->sndtimeo_ns);
	err = unix_wait_wmem(u, &nonblock, end);
	if (err)
		return err;
	size_t truesize = unix_dgram_truesize(len);
	struct unix_skb *skb = unix_skb_alloc(u, len, truesize);
	if (!skb)
		return -ENOBUFS;
	if (len && !uaccess_ok(buf, len)) {
		err = -EFAULT;
		goto out_free;
	}
	memcpy(skb->data, buf, len);

	if (n) {
lookup:
		other = unix_find_other(n, unix_type(u), &err);
		if (!other)
			goto out_free;
	} else {
		other = u->peer;
		if (!other) {
			err = -ENOTCONN;
			goto out_free;
		}
		sock_hold(&other->sk);
	}

	for (;;) {
		if (!unix_may_send(u, other)) {
			err = -EPERM;
			goto out_put;
		}
		if (other->dead) {
			if (unix_type(u) == SOCK_SEQPACKET) {
				err = -EPIPE;
				goto out_put;
			}
			if (u->peer == other) {
				/* Our peer is gone: we are disconnected, and say so once. */
				u->peer = NULL;
				unix_peer_wake_disconnect_wakeup(u, other);
				sk->tcp_state = SK_TCP_CLOSE;
				unix_dgram_disconnected(u, other);
				sock_put(&other->sk);	/* the link's reference */
				err = -ECONNREFUSED;
				goto out_put;
			}
			if (!n) {
				err = -ECONNRESET;
				goto out_put;
			}
			sock_put(&other->sk);
			goto lookup;
		}
		if (other->sk.shutdown & SK_RCV_SHUTDOWN) {
			err = -EPIPE;
			goto out_put;
		}
		if (other == u || other->peer == u || !unix_recvq_full(other))
			break;
		if (!nonblock) {
			int w = sock_wait_event(sk, &other->peer_wait, unix_peer_room, other, end, true);
			if (w && w != -EAGAIN) {
				err = w;	/* a signal */
				goto out_put;
			}
			if (w)
				nonblock = true;	/* timed out: one more look, then EAGAIN */
			continue;
		}
		if (u->peer != other || unix_peer_wake_me(u, other)) {
			err = -EAGAIN;
			goto out_put;
		}
	}
	unix_queue(other, skb);
	sock_put(&other->sk);
	return (ssize_t)len;

out_put:
	sock_put(&other->sk);
out_free:
	unix_skb_free(skb);
	return err;
}

ssize_t unix_dgram_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, int tolen)
{
	struct unix_name n;
	ssize_t ret;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (tolen) {
		int err = unix_name_from(&n, to, tolen);
		if (err)
			return err;
	}
	net_lock();
	ret = unix_dgram_send_locked(unix_sk(sk), buf, len, flags, tolen ? &n : NULL);
	net_unlock();
	return ret;
}

/* unix_seqpacket_sendmsg: a pending error first, then the connection; an address is ignored. */
ssize_t unix_seqpacket_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
			       const struct sockaddr *to, int tolen)
{
	ssize_t ret;

	(void)to;
	(void)tolen;
	net_lock();
	if (sk->err)
		ret = -sock_take_error(sk);
	else if (sk->tcp_state != SK_TCP_SYNCED)
		ret = -ENOTCONN;
	else if (flags & MSG_OOB)
		ret = -EOPNOTSUPP;
	else
		ret = unix_dgram_send_locked(unix_sk(sk), buf, len, flags, NULL);
	net_unlock();
	return ret;
}

static bool unix_dgram_readable(struct sock *sk, void *arg)
{
	struct unix_sock *u = unix_sk(sk);

	(void)arg;
	return !list_empty(&u->rq) || sk->err || (sk->shutdown & SK_RCV_SHUTDOWN) ||
	       (unix_type(u) == SOCK_SEQPACKET && sk->tcp_state != SK_TCP_SYNCED);
}

/*
 * __unix_dgram_recvmsg, with net_lock held: one whole message (what does not fit @len is
 * dropped; MSG_TRUNC returns its real length). A pending error comes before queued messages,
 * as in skb_recv_datagram. A blocking read after shutdown(SHUT_RD) returns 0; a non-blocking
 * one EAGAIN, except on a seqpacket socket (EOF).
 */
static ssize_t unix_dgram_recv_locked(struct unix_sock *u, void *buf, size_t len, int flags,
				      struct sockaddr_storage *from, int *fromlen)
{
	struct sock *sk = &u->sk;
	bool seqpacket = unix_type(u) == SOCK_SEQPACKET;
	bool nonblock = sock_nonblock(sk, flags);
	uint64_t end = sock_deadline(sk->rcvtimeo_ns);
	struct unix_skb *skb;
	ssize_t err;

	for (;;) {
		if (sk->err)
			return -sock_take_error(sk);
		if (!list_empty(&u->rq))
			break;
		err = -EAGAIN;
		if (nonblock)
			goto out_none;
		/* __skb_wait_for_more_packets */
		if (sk->shutdown & SK_RCV_SHUTDOWN)
			return 0;
		if (seqpacket && sk->tcp_state != SK_TCP_SYNCED)
			return -ENOTCONN;
		int w = sock_wait_event(sk, &sk->wq, unix_dgram_readable, NULL, end, true);
		if (w && w != -EAGAIN)
			err = w;	/* a signal */
		if (w)
			goto out_none;
	}
	skb = list_first_entry(&u->rq, struct unix_skb, node);
	if (!(flags & MSG_PEEK))
		unix_unlink(u, skb);
	/* Room in our queue for a sender waiting on it (unix_wait_for_peer, peer_wake). */
	if (waitqueue_active(&u->peer_wait))
		wake_up_key(&u->peer_wait, 1, poll_to_key(SK_WRITABLE_KEY));
	unix_copy_addr(skb, from, fromlen);
	size_t n = MIN(len, (size_t)skb->len);
	if (!unix_skb_copy(skb, buf, n))
		err = -EFAULT;	/* the message is lost, as in Linux */
	else
		err = (flags & MSG_TRUNC) ? (ssize_t)skb->len : (ssize_t)n;
	if (!(flags & MSG_PEEK))
		unix_skb_free(skb);
	return err;

out_none:
	if (seqpacket && (sk->shutdown & SK_RCV_SHUTDOWN))
		return 0;	/* "Signal EOF on disconnected non-blocking SEQPACKET socket." */
	return err;
}

ssize_t unix_dgram_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
			   struct sockaddr_storage *from, int *fromlen)
{
	ssize_t ret;

	if (fromlen)
		*fromlen = 0;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	net_lock();
	ret = unix_dgram_recv_locked(unix_sk(sk), buf, len, flags, from, fromlen);
	net_unlock();
	return ret;
}

/* unix_seqpacket_recvmsg: only connected. */
ssize_t unix_seqpacket_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
			       struct sockaddr_storage *from, int *fromlen)
{
	ssize_t ret;

	if (fromlen)
		*fromlen = 0;
	net_lock();
	if (sk->tcp_state != SK_TCP_SYNCED)
		ret = -ENOTCONN;
	else if (flags & MSG_OOB)
		ret = -EOPNOTSUPP;
	else
		ret = unix_dgram_recv_locked(unix_sk(sk), buf, len, flags, from, fromlen);
	net_unlock();
	return ret;
}
