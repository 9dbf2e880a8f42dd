// SPDX-License-Identifier: MIT
/* Socket readiness masks against Linux: every row's expected mask was measured with poll() and
 * epoll_wait() on Linux 6.18's loopback (a TCP or UDP socket brought into the state the row
 * names); the function under test is the pure transcription of tcp_poll/udp_poll. */
#include <kernel/ktest.h>
#include <net/sock_poll.h>
#include <uapi/eventpoll.h>

#define CLOSE	SK_TCP_CLOSE
#define LISTEN	SK_TCP_LISTEN
#define SYNSENT	SK_TCP_SYN_SENT
#define SYNCED	SK_TCP_SYNCED
#define RD	SK_RCV_SHUTDOWN
#define WR	SK_SEND_SHUTDOWN
#define RDWR	SK_SHUTDOWN_MASK

struct row {
	const char *what;
	struct sock_poll_state s;
	uint32_t linux_mask;
};

/* { tcp_state, shutdown, err, readable, writable } */
static const struct row tcp_rows[] = {
	{ "new socket",				{ CLOSE, 0, 0, 0, 1 },		0x0114 },
	{ "new socket, shutdown(WR)",		{ CLOSE, WR, 0, 0, 1 },		0x0114 },
	{ "new socket, shutdown(RD)",		{ CLOSE, RD, 0, 0, 1 },		0x2155 },
	{ "connecting",				{ SYNSENT, 0, 0, 0, 1 },	0x0000 },
	{ "connect refused, error pending",	{ CLOSE, RDWR, 1, 0, 1 },	0x215d },
	{ "connect refused, SO_ERROR read",	{ CLOSE, RDWR, 0, 0, 1 },	0x2155 },
	{ "listening, queue empty",		{ LISTEN, 0, 0, 0, 1 },		0x0000 },
	{ "listening, one to accept",		{ LISTEN, 0, 0, 1, 1 },		0x0041 },
	{ "listening, error ignored",		{ LISTEN, 0, 1, 0, 1 },		0x0000 },
	{ "established",			{ SYNCED, 0, 0, 0, 1 },		0x0104 },
	{ "established, data",			{ SYNCED, 0, 0, 1, 1 },		0x0145 },
	{ "established, send buffer full",	{ SYNCED, 0, 0, 0, 0 },		0x0000 },
	{ "established, data, buffer full",	{ SYNCED, 0, 0, 1, 0 },		0x0041 },
	{ "peer FIN, data",			{ SYNCED, RD, 0, 1, 1 },	0x2145 },
	{ "peer FIN, data read",		{ SYNCED, RD, 0, 0, 1 },	0x2145 },
	{ "own shutdown(WR)",			{ SYNCED, WR, 0, 0, 1 },	0x0104 },
	{ "own shutdown(WR), buffer full",	{ SYNCED, WR, 0, 0, 0 },	0x0104 },
	{ "own shutdown(RD)",			{ SYNCED, RD, 0, 0, 1 },	0x2145 },
	{ "both directions shut",		{ SYNCED, RDWR, 0, 0, 1 },	0x2155 },
	{ "closed after FIN both ways",		{ CLOSE, RDWR, 0, 0, 1 },	0x2155 },
	{ "reset by peer",			{ CLOSE, RDWR, 1, 0, 1 },	0x215d },
	{ "reset by peer, data unread",		{ CLOSE, RDWR, 1, 1, 1 },	0x215d },
	{ "reset, error read",			{ CLOSE, RDWR, 0, 0, 1 },	0x2155 },
};

static const struct row udp_rows[] = {
	{ "new socket",				{ CLOSE, 0, 0, 0, 1 },		0x0304 },
	{ "datagram queued",			{ CLOSE, 0, 0, 1, 1 },		0x0345 },
	{ "connected",				{ SYNCED, 0, 0, 0, 1 },		0x0304 },
	{ "shutdown(RDWR)",			{ CLOSE, RDWR, 0, 0, 1 },	0x2355 },
	{ "shutdown(RD)",			{ CLOSE, RD, 0, 0, 1 },		0x2345 },
	{ "shutdown(WR)",			{ CLOSE, WR, 0, 0, 1 },		0x0304 },
};

KTEST(sock_poll, tcp_masks_match_linux)
{
	for (size_t i = 0; i < ARRAY_SIZE(tcp_rows); i++) {
		uint32_t m = sock_tcp_poll_mask(&tcp_rows[i].s);
		if (m != tcp_rows[i].linux_mask)
			ktest_fail(ktest_ctx, __FILE__, __LINE__, "tcp, %s: 0x%04x, Linux 0x%04x",
				   tcp_rows[i].what, m, tcp_rows[i].linux_mask);
	}
}

KTEST(sock_poll, udp_masks_match_linux)
{
	for (size_t i = 0; i < ARRAY_SIZE(udp_rows); i++) {
		uint32_t m = sock_udp_poll_mask(&udp_rows[i].s);
		if (m != udp_rows[i].linux_mask)
			ktest_fail(ktest_ctx, __FILE__, __LINE__, "udp, %s: 0x%04x, Linux 0x%04x",
				   udp_rows[i].what, m, udp_rows[i].linux_mask);
	}
}

/* The names: an error always shows as ERR (not for a listener); HUP needs both directions. */
KTEST(sock_poll, bits_by_name)
{
	struct sock_poll_state s = { SYNCED, RD, 0, 0, 1 };
	EXPECT_EQ(sock_tcp_poll_mask(&s) & (EPOLLRDHUP | EPOLLHUP), EPOLLRDHUP);
	s.shutdown = RDWR;
	EXPECT_EQ(sock_tcp_poll_mask(&s) & (EPOLLRDHUP | EPOLLHUP), EPOLLRDHUP | EPOLLHUP);
	s.err = 1;
	EXPECT_TRUE(sock_tcp_poll_mask(&s) & EPOLLERR);
}

/* Linux's sk_stream_wspace >= sk_stream_min_wspace: free space >= half the queued bytes. */
KTEST(sock_poll, stream_writable_rule)
{
	EXPECT_TRUE(sock_stream_writable(64240, 0));
	EXPECT_TRUE(sock_stream_writable(100, 200));
	EXPECT_FALSE(sock_stream_writable(99, 200));
	EXPECT_FALSE(sock_stream_writable(0, 0));
	EXPECT_FALSE(sock_stream_writable(0, 64240));
	EXPECT_TRUE(sock_stream_writable(21414, 42826));	/* a third of 64240 free */
	EXPECT_FALSE(sock_stream_writable(21412, 42828));
}
