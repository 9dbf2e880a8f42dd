/* SPDX-License-Identifier: MIT */
/* Socket readiness the way Linux computes it, as pure functions of a socket's state: tcp_poll
 * and inet_csk_listen_poll (net/ipv4/tcp.c, inet_connection_sock.c), datagram_poll and
 * udp_poll (net/core/datagram.c, net/ipv4/udp.c). Kept free of lwIP so that the host unit tests
 * check them against masks measured on Linux 6.18 (tests/unit/test_sock_poll.c). */
#ifndef NET_SOCK_POLL_H
#define NET_SOCK_POLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The TCP states poll() distinguishes (Linux's sk_state, folded). */
enum sk_tcp_state {
	SK_TCP_CLOSE = 0,	/* never connected, disconnected, reset, or fully closed */
	SK_TCP_LISTEN,
	SK_TCP_SYN_SENT,	/* connecting */
	SK_TCP_SYNCED,		/* established, close-wait, fin-wait-1/2, closing, last-ack */
};

/* sk_shutdown bits, Linux's values. */
#define SK_RCV_SHUTDOWN		1
#define SK_SEND_SHUTDOWN	2
#define SK_SHUTDOWN_MASK	3

struct sock_poll_state {
	uint8_t tcp_state;	/* enum sk_tcp_state (UDP: SK_TCP_CLOSE or SK_TCP_SYNCED if connected) */
	uint8_t shutdown;	/* SK_*_SHUTDOWN */
	bool err;		/* an error is pending (what SO_ERROR would return and clear) */
	bool readable;		/* bytes or datagrams queued; for a listener, a connection to accept */
	bool writable;		/* room to send, by sock_stream_writable (UDP: always) */
};

/** sock_tcp_poll_mask - tcp_poll's mask (a listener's: inet_csk_listen_poll's). */
uint32_t sock_tcp_poll_mask(const struct sock_poll_state *s);
/** sock_udp_poll_mask - udp_poll's mask (datagram_poll plus the reader queue). */
uint32_t sock_udp_poll_mask(const struct sock_poll_state *s);

/**
 * sock_stream_writable - Linux's __sk_stream_is_writeable: the free send space is at least
 * half of what is queued (sk_stream_wspace >= sk_stream_min_wspace), and not zero.
 */
static inline bool sock_stream_writable(size_t space, size_t queued)
{
	return space > 0 && space >= queued / 2;
}

#endif
