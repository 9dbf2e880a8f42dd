// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: Ethernet frames into the network stack built for the host: lwIP's core,
 * IPv4 and Ethernet, our netif glue (net/netif_vnet.c, frames enter through the RX handler
 * virtio_net.c calls), net/net.c (lock rule, timers), the socket layer (net/socket.c,
 * sockopt.c, tcp.c, udp.c, sys_socket.c, sock_poll.c) and the descriptor table, over a fake
 * device and a fake clock (fake_net_env.c). A TCP listener and a UDP socket on port 7 (10.77.91.2) make frames
 * reach real code paths; the harness plays up to four TCP peers and the "application": it
 * accepts, connects, reads, writes, shuts down and closes sockets as the input says.
 *
 * Input: a sequence of steps, an opcode byte and its arguments (a missing byte reads as 0):
 * raw frames of arbitrary bytes; TCP segments, UDP datagrams, IPv4 fragments, ICMP echoes and
 * ARP packets built with correct checksums (unless the input asks for a wrong one) and, for TCP,
 * sequence and acknowledgement numbers relative to the connection's state (the stack's numbers
 * are read from the frames it sends, so an input can complete a handshake and move data); clock
 * steps that run lwIP's timers; application calls; virtio-net headers for the next frame (the
 * fake device offers checksum offload both ways: headers are checked as the driver checks them,
 * and the TCP checksums the stack leaves to the device are finished by it before they are
 * verified here). The stack's ARP requests for a peer are answered. After the input everything is closed and a quarter of an hour passes on the fake
 * clock (orphaned connections still retransmitting then are aborted); then no connection, socket, file or received buffer may be left, else abort().
 */
#include <drivers/virtio_net.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/printk.h>
#include <kernel/syscall.h>
#include <net/net.h>
#include <net/netif_vnet.h>
#include <net/socket.h>
#include <net/sys_socket.h>
#include <string.h>
#include <uapi/in.h>

#include "harness_libc.h"

#include "fake_net_env.h"
#include "fuzz_input.h"
#include "host_env.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#define OUR_IP		0x0a4d5b02u	/* 10.77.91.2 */
#define PEER_IP(i)	(0x0a4d5b0au + (uint32_t)(i))	/* 10.77.91.10.. */
#define PORT		7
#define NCONN		4
#define NAPP		16		/* accepted sockets the harness keeps */
#define MAXFRAME	1514

static const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

struct conn {
	uint32_t peer_seq;	/* the next sequence number this peer sends */
	uint32_t our_nxt;	/* past the last byte (SYN, FIN) the stack sent on it */
	bool seen;		/* the stack has sent on it */
	uint16_t our_port;	/* the local port of the stack's last connect() to this peer */
};

static struct conn conns[NCONN];
static int listen_fd = -1, udp_fd = -1;
static int app_fds[NAPP];
static int app_last[NAPP];		/* the last byte read from it, -1 before the first */
static int arp_pending;			/* bit per peer: answer its ARP request */
static long files0, socks0;
static bool verbose;		/* FUZZ_VERBOSE set: print what the stack sends */
char *getenv(const char *name);	/* the C library's (not in the kernel's <stdlib.h>) */

#define FAIL(...) do { \
	printk("fuzz_frame: "); \
	printk(__VA_ARGS__); \
	printk("\n"); \
	abort(); \
} while (0)

/* ---- the input ---- */

static void get_bytes(uint8_t *dst, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = get8();
}

/* ---- building frames ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += rd16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void peer_mac(uint8_t mac[6], int peer)
{
	static const uint8_t base[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x10 };
	memcpy(mac, base, 6);
	mac[5] = (uint8_t)(0x10 + peer);
}

static size_t eth_header(uint8_t *f, int peer, uint16_t type, bool broadcast)
{
	if (broadcast)
		memset(f, 0xff, 6);
	else
		memcpy(f, our_mac, 6);
	peer_mac(f + 6, peer);
	put16(f + 12, type);
	return 14;
}

/* IPv4 header at @ip for @len bytes of payload; returns its length (20). */
static size_t ip_header(uint8_t *ip, int peer, uint8_t proto, size_t len, uint16_t id,
			uint16_t frag, uint8_t ttl)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + len));
	put16(ip + 4, id);
	put16(ip + 6, frag);
	ip[8] = ttl ? ttl : 64;
	ip[9] = proto;
	put32(ip + 12, PEER_IP(peer));
	put32(ip + 16, OUR_IP);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	return 20;
}

static uint16_t l4_csum(int peer, uint8_t proto, const uint8_t *seg, size_t len)
{
	uint8_t ph[12];
	put32(ph, PEER_IP(peer));
	put32(ph + 4, OUR_IP);
	ph[8] = 0;
	ph[9] = proto;
	put16(ph + 10, (uint16_t)len);
	return csum_fold(csum_add(csum_add(0, ph, 12), seg, len));
}

/* ---- what the stack sends ---- */

static void on_tx(const uint8_t *f, size_t len)
{
	if (len < 14)
		FAIL("the stack sent a %zu-byte frame", len);
	uint16_t type = rd16(f + 12);
	if (type == 0x0806 && len >= 42 && rd16(f + 20) == 1) {
		uint32_t tip = rd32(f + 38);
		if (tip - PEER_IP(0) < NCONN)
			arp_pending |= 1 << (tip - PEER_IP(0));
		return;
	}
	if (len > MAXFRAME)
		FAIL("the stack sent a %zu-byte frame (MTU 1500)", len);
	if (type != 0x0800)
		return;
	/* What the stack sends must be well formed: lengths and every checksum. */
	const uint8_t *ip = f + 14;
	size_t ihl = len >= 34 ? (size_t)(ip[0] & 15) * 4 : 0, tot = len >= 34 ? rd16(ip + 2) : 0;
	if (len < 34 || ihl < 20 || tot < ihl || tot > len - 14)
		FAIL("the stack sent a malformed IPv4 packet");
	if (csum_fold(csum_add(0, ip, ihl)))
		FAIL("the stack sent an IPv4 header with a bad checksum");
	uint8_t proto = ip[9];
	bool first_frag = !(rd16(ip + 6) & 0x1fff), whole = first_frag && !(rd16(ip + 6) & 0x2000);
	if (whole && (proto == 6 || proto == 17) && tot - ihl >= (proto == 6 ? 20u : 8u)) {
		uint8_t ph[12];
		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = proto;
		put16(ph + 10, (uint16_t)(tot - ihl));
		bool udp_nocsum = proto == 17 && !rd16(ip + ihl + 6);
		if (!udp_nocsum && csum_fold(csum_add(csum_add(0, ph, 12), ip + ihl, tot - ihl)))
			FAIL("the stack sent a %s segment with a bad checksum", proto == 6 ? "TCP" : "UDP");
	}
	if (whole && proto == 1 && csum_fold(csum_add(0, ip + ihl, tot - ihl)))
		FAIL("the stack sent an ICMP message with a bad checksum");
	if (proto != 6 || !whole || tot < ihl + 20)
		return;
	const uint8_t *tcp = ip + ihl;
	uint16_t dport = rd16(tcp + 2);
	int c = dport - 40000;
	if (c < 0 || c >= NCONN)
		return;
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	uint32_t seq = rd32(tcp + 4), end = seq + (uint32_t)(tot - ihl - doff);
	uint8_t fl = tcp[13];
	if (verbose)
		printk("tx: tcp %u->%u flags %#x seq %u ack %u len %zu\n", rd16(tcp), dport, fl,
			seq, rd32(tcp + 8), tot - ihl - doff);
	end += (fl & 0x02) ? 1 : 0;	/* SYN */
	end += (fl & 0x01) ? 1 : 0;	/* FIN */
	if (!conns[c].seen || (int32_t)(end - conns[c].our_nxt) > 0 || (fl & 0x02))
		conns[c].our_nxt = end;
	conns[c].seen = true;
	if ((fl & 0x12) == 0x02)	/* a SYN of its own: an active open */
		conns[c].our_port = rd16(tcp);
}

/* Complete transmissions and answer ARP requests, until the stack is quiet. */
static void settle(void)
{
	for (int round = 0; round < 8; round++) {
		fake_vnet_tx_complete();
		if (!arp_pending)
			return;
		for (int p = 0; p < NCONN; p++) {
			if (!(arp_pending & (1 << p)))
				continue;
			arp_pending &= ~(1 << p);
			uint8_t f[42];
			size_t o = eth_header(f, p, 0x0806, false);
			put16(f + o, 1);
			put16(f + o + 2, 0x0800);
			f[o + 4] = 6;
			f[o + 5] = 4;
			put16(f + o + 6, 2);	/* reply */
			peer_mac(f + o + 8, p);
			put32(f + o + 14, PEER_IP(p));
			memcpy(f + o + 18, our_mac, 6);
			put32(f + o + 24, OUR_IP);
			fake_vnet_rx(f, sizeof(f));
		}
	}
}

/* ---- steps ---- */

/* The virtio-net header the device writes before the next frame a step delivers (step_vhdr). */
static uint8_t next_hdr[VNET_HDR_LEN];
static bool have_hdr;
static size_t next_piece;	/* its buffers' size (mergeable buffers), 0: one buffer */

static void deliver(const void *f, size_t len)
{
	fake_vnet_rx_hdr(have_hdr ? next_hdr : NULL, f, len, next_piece);
	have_hdr = false;
	next_piece = 0;
}

/* A virtio-net header for the next frame: arbitrary bytes, DATA_VALID, a partial checksum
 * where TCP's or UDP's lives (the frame's own checksum is then not looked at), or one with the
 * input's start and offset (in or out of the frame). Little-endian fields. */
static void step_vhdr(void)
{
	uint8_t how = get8();
	memset(next_hdr, 0, sizeof(next_hdr));
	if (how & 8)
		next_piece = get16();	/* the frame over several buffers */
	switch (how % 4) {
	case 0:
		get_bytes(next_hdr, sizeof(next_hdr));
		break;
	case 1:
		next_hdr[0] = 2;		/* DATA_VALID */
		break;
	case 2:
		next_hdr[0] = 1;		/* NEEDS_CSUM at the L4 checksum */
		next_hdr[6] = 34;
		next_hdr[8] = how & 4 ? 6 : 16;
		if (how & 0x10) {		/* a large TCP segment (GSO_TCPV4) */
			next_hdr[1] = 1;
			next_hdr[4] = get8();	/* gso_size */
		}
		break;
	default:
		next_hdr[0] = 1;
		get_bytes(next_hdr + 6, 4);	/* csum_start, csum_offset */
		break;
	}
	have_hdr = true;
}

static void step_raw(void)
{
	uint8_t f[MAXFRAME + 100];
	size_t len = get16() % sizeof(f);
	get_bytes(f, len);
	deliver(f, len);
}

static void step_tcp(void)
{
	uint8_t f[MAXFRAME];
	uint8_t how = get8(), flags = get8();
	int c = how & 3;
	struct conn *cn = &conns[c];
	uint16_t dport = how & 4 ? get16() : (how & 0x40) && cn->our_port ? cn->our_port : PORT;
	int8_t dseq = (int8_t)(how & 8 ? get8() : 0), dack = (int8_t)(how & 16 ? get8() : 0);
	uint16_t win = get16();
	size_t optlen = (size_t)(get8() % 11) * 4;
	size_t plen = get16() % (MAXFRAME - 14 - 20 - 20 - 40);

	if (flags & 0x02)		/* a SYN starts the peer's sequence afresh */
		cn->peer_seq = get32();
	size_t o = eth_header(f, c, 0x0800, false);
	uint8_t *ip = f + o, *tcp = ip + 20;
	size_t tlen = 20 + optlen + plen;
	memset(tcp, 0, 20);
	put16(tcp, (uint16_t)(40000 + c));
	put16(tcp + 2, dport);
	put32(tcp + 4, cn->peer_seq + (uint32_t)dseq);
	put32(tcp + 8, cn->our_nxt + (uint32_t)dack);
	tcp[12] = (uint8_t)((5 + optlen / 4) << 4);
	tcp[13] = flags;
	put16(tcp + 14, win);
	put16(tcp + 18, how & 0x20 ? get16() : 0);	/* urgent pointer */
	get_bytes(tcp + 20, optlen);
	for (size_t i = 0; i < plen; i++)
		tcp[20 + optlen + i] = (uint8_t)(cn->peer_seq + (uint32_t)dseq + i);	/* f(seq) */
	put16(tcp + 16, l4_csum(c, 6, tcp, tlen) ^ (how & 0x80 ? 0x5a : 0));
	ip_header(ip, c, 6, tlen, get16(), 0x4000, 0);
	deliver(f, o + 20 + tlen);
	if (!dseq && (dport == PORT || dport == cn->our_port))
		cn->peer_seq += (uint32_t)plen + ((flags & 0x02) ? 1 : 0) + ((flags & 0x01) ? 1 : 0);
}

static void step_udp(void)
{
	uint8_t f[MAXFRAME];
	uint8_t how = get8();
	int peer = how & 3;
	uint16_t dport = how & 4 ? get16() : PORT;
	size_t plen = get16() % (MAXFRAME - 14 - 20 - 8);
	size_t o = eth_header(f, peer, 0x0800, how & 8);
	uint8_t *ip = f + o, *udp = ip + 20;

	put16(udp, (uint16_t)(50000 + peer));
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(8 + plen + (how & 0x40 ? get8() : 0)));	/* maybe a lie */
	put16(udp + 6, 0);
	get_bytes(udp + 8, plen);
	if (!(how & 0x10))
		put16(udp + 6, l4_csum(peer, 17, udp, 8 + plen) ^ (how & 0x80 ? 0x11 : 0));
	ip_header(ip, peer, 17, 8 + plen, get16(), 0, 0);
	deliver(f, o + 20 + 8 + plen);
}

/* An IPv4 packet with the input's fragment fields, protocol and payload (reassembly). */
static void step_ip(void)
{
	uint8_t f[MAXFRAME];
	uint8_t how = get8();
	int peer = how & 3;
	static const uint8_t protos[4] = { 17, 6, 1, 99 };
	uint16_t frag = get16(), id = (uint16_t)(how & 0x10 ? get16() : 1);
	size_t plen = get16() % (MAXFRAME - 14 - 20);
	size_t o = eth_header(f, peer, 0x0800, false);

	get_bytes(f + o + 20, plen);
	ip_header(f + o, peer, protos[(how >> 2) & 3], plen, id, frag, (uint8_t)(how & 0x20 ? 1 : 64));
	if (how & 0x40)		/* a header length or total length the packet does not have */
		f[o] = (uint8_t)(0x40 | (get8() & 15));
	if (how & 0x80)
		put16(f + o + 2, get16());
	deliver(f, o + 20 + plen);
}

static void step_icmp(void)
{
	uint8_t f[MAXFRAME];
	uint8_t how = get8();
	int peer = how & 3;
	size_t plen = get16() % (MAXFRAME - 14 - 20 - 8);
	size_t o = eth_header(f, peer, 0x0800, how & 4);
	uint8_t *icmp = f + o + 20;

	icmp[0] = how & 8 ? get8() : 8;	/* echo request, or the input's type */
	icmp[1] = get8();
	put16(icmp + 2, 0);
	put32(icmp + 4, get32());
	get_bytes(icmp + 8, plen);
	put16(icmp + 2, csum_fold(csum_add(0, icmp, 8 + plen)));
	ip_header(f + o, peer, 1, 8 + plen, get16(), 0, 0);
	deliver(f, o + 20 + 8 + plen);
}

static void step_arp(void)
{
	uint8_t f[60];
	uint8_t how = get8();
	int peer = how & 3;
	size_t o = eth_header(f, peer, 0x0806, how & 4);

	memset(f + o, 0, sizeof(f) - o);
	put16(f + o, 1);
	put16(f + o + 2, 0x0800);
	f[o + 4] = 6;
	f[o + 5] = 4;
	put16(f + o + 6, how & 8 ? 2 : 1);
	peer_mac(f + o + 8, peer);
	put32(f + o + 14, how & 0x10 ? get32() : PEER_IP(peer));
	put32(f + o + 24, how & 0x20 ? get32() : OUR_IP);
	deliver(f, how & 0x40 ? 14 + (size_t)(get8() % 46) : sizeof(f));
}

static void step_tick(void)
{
	unsigned steps = get8() % 64 + 1;
	for (unsigned i = 0; i < steps; i++) {
		fake_clock_advance(50 * 1000000ULL);
		settle();
	}
}

/* Every TCP payload byte the peers send is the low byte of its sequence number, whatever the
 * segmentation, overlaps and reordering: what a socket reads must count up by one. */
static void check_stream(int s, const uint8_t *buf, long n, bool peek)
{
	int last = app_last[s];
	for (long i = 0; i < n; i++) {
		if (last >= 0 && buf[i] != (uint8_t)(last + 1))
			FAIL("TCP stream on slot %d: byte %ld is %#x after %#x (lost, doubled or "
			     "reordered data)", s, i, buf[i], last);
		last = buf[i];
	}
	if (!peek)
		app_last[s] = last;
}

static int app_slot(uint8_t b)
{
	return b % NAPP;
}

static void step_app(void)
{
	uint8_t how = get8(), which = get8();
	int s = app_slot(which);
	uint8_t buf[4096];

	switch (how % 8) {
	case 0:		/* accept what is waiting */
		for (;;) {
			long fd = sys_accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK);
			if (fd < 0) {
				if (fd != -EAGAIN && fd != -ECONNABORTED && fd != -EMFILE)
					FAIL("accept4: %ld", fd);
				break;
			}
			int k;
			for (k = 0; k < NAPP && app_fds[k] >= 0; k++)
				;
			if (k == NAPP) {
				sys_close((int)fd);
				break;
			}
			app_fds[k] = (int)fd;
			app_last[k] = -1;
		}
		break;
	case 1:		/* read */
	case 2:
		if (app_fds[s] >= 0) {
			size_t len = (size_t)get16() % sizeof(buf) + 1;
			long n = sys_recvfrom(app_fds[s], buf, len, how & 8 ? MSG_PEEK : 0, NULL, NULL);
			if (n > (long)len)
				FAIL("recv returned %ld for %zu bytes", n, len);
			check_stream(s, buf, n, how & 8);
		}
		break;
	case 3:		/* write */
		if (app_fds[s] >= 0) {
			size_t len = (size_t)get16() % sizeof(buf) + 1;
			memset(buf, 'x', len);
			long n = sys_sendto(app_fds[s], buf, len, 0, NULL, 0);
			if (n > (long)len)
				FAIL("send returned %ld for %zu bytes", n, len);
		}
		break;
	case 4:
		if (app_fds[s] >= 0)
			sys_shutdown(app_fds[s], how >> 4 & 3);
		break;
	case 5:
		if (app_fds[s] >= 0) {
			if (sys_close(app_fds[s]))
				FAIL("close of an accepted socket failed");
			app_fds[s] = -1;
		}
		break;
	case 6: {	/* connect to a peer: the stack opens a connection */
		int k;
		for (k = 0; k < NAPP && app_fds[k] >= 0; k++)
			;
		long fd = k < NAPP ? sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0) : -EMFILE;
		if (fd < 0)
			break;
		struct sockaddr_in to = { .sin_family = AF_INET,
			.sin_port = (in_port_t)__builtin_bswap16((uint16_t)(40000 + (which & 3))),
			.sin_addr.s_addr = __builtin_bswap32(PEER_IP(which & 3)) };
		long r = sys_connect((int)fd, (struct sockaddr *)&to, sizeof(to));
		if (r && r != -EINPROGRESS)
			FAIL("non-blocking connect: %ld", r);
		app_fds[k] = (int)fd;
		app_last[k] = -1;
		break;
	}
	default: {	/* UDP: receive one datagram and echo it back */
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		long n = sys_recvfrom(udp_fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n >= 0 && !(how & 8))
			sys_sendto(udp_fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
		break;
	}
	}
}

/* ---- setup and teardown ---- */

static int open_sockets(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = (in_port_t)__builtin_bswap16(PORT) };

	listen_fd = (int)sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	udp_fd = (int)sys_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (listen_fd < 0 || udp_fd < 0 ||
	    sys_bind(listen_fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    sys_listen(listen_fd, 8) ||
	    sys_bind(udp_fd, (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[128];

	(void)argc;
	(void)argv;
	if (host_env_init(256UL << 20))
		abort();
	if (cmdline_parse("ip=10.77.91.2/24 gw=10.77.91.1", err, sizeof(err)) ||
	    net_init() || netif_vnet_init(err, sizeof(err)) != 1) {
		printk("fuzz_frame: cannot bring the stack up: %s\n", err);
		abort();
	}
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	fake_vnet_set_tx_hook(on_tx);
	if (open_sockets())
		abort();
	for (int i = 0; i < NAPP; i++)
		app_fds[i] = -1;
	files0 = files_alive();
	socks0 = socks_alive();
	return 0;
}

static void accept_and_close_all(void)
{
	for (;;) {
		long fd = sys_accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK);
		if (fd == -ECONNABORTED)
			continue;
		if (fd < 0)
			break;
		sys_close((int)fd);
	}
}

static bool stack_idle(struct net_mem_counters *mc)
{
	net_lock();
	net_mem_counters(mc);
	net_unlock();
	return !mc->tcp_active && !mc->tcp_time_wait && !fake_vnet_rx_outstanding();
}

/* Let up to @seconds pass, half a second (lwIP's TCP tick) at a time, stopping early once
 * nothing is left. */
static void run_clock(unsigned seconds)
{
	struct net_mem_counters mc;
	for (unsigned i = 0; i < seconds * 2; i++) {
		if (!(i & 1) && stack_idle(&mc))
			return;
		fake_clock_advance(500 * 1000000ULL);
		settle();
	}
}

static void abort_orphans(void)
{
	net_lock();
	for (struct tcp_pcb *p = tcp_active_pcbs; p;) {
		if (!p->callback_arg && p->state != SYN_RCVD) {
			tcp_abort(p);
			p = tcp_active_pcbs;	/* the list changed under us */
		} else {
			p = p->next;
		}
	}
	net_unlock();
	settle();
}

/* For the report when connections outlive their sockets. */
static void dump_pcbs(void)
{
	for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
		printk("  pcb %s %u->%u snd_wnd %u unsent %p unacked %p rtime %d nrtx %u "
			"persist %u/%u keep_cnt %u flags %#x callback_arg %p\n",
			tcp_debug_state_str(p->state), p->local_port, p->remote_port, p->snd_wnd,
			(void *)p->unsent, (void *)p->unacked, p->rtime, p->nrtx, p->persist_cnt,
			p->persist_probe, p->keep_cnt_sent, p->flags, p->callback_arg);
}

static void teardown(void)
{
	uint8_t buf[2048];

	accept_and_close_all();
	for (int i = 0; i < NAPP; i++) {
		if (app_fds[i] >= 0) {
			sys_close(app_fds[i]);
			app_fds[i] = -1;
		}
	}
	while (sys_recvfrom(udp_fd, buf, sizeof(buf), 0, NULL, NULL) >= 0)
		;
	settle();
	/* Connections that complete meanwhile (a handshake's last ACK was queued) are accepted and
	 * closed too; then a quarter of an hour: TIME_WAIT and reassembly expire, most retransmitting
	 * connections give up. Not all: lwIP backs the RTO off up to 0x7fff ticks (4.5 hours) and
	 * tries 12 times, so an orphan whose FIN nobody acknowledges may last for hours. Those,
	 * detached from any socket, are aborted; a connection a socket still owns is a leak. */
	run_clock(30);
	accept_and_close_all();
	run_clock(900);
	abort_orphans();

	struct net_mem_counters mc;
	stack_idle(&mc);
	if (mc.tcp_active || mc.tcp_time_wait) {
		dump_pcbs();
		FAIL("%u TCP connections (%u in TIME_WAIT) outlived their sockets",
		     mc.tcp_active, mc.tcp_time_wait);
	}
	if (fake_vnet_rx_outstanding())
		FAIL("%ld received buffers never given back to the driver", fake_vnet_rx_outstanding());
	if (files_alive() != files0 || socks_alive() != socks0)
		FAIL("files %ld (was %ld), sockets %ld (was %ld) after closing everything",
		     files_alive(), files0, socks_alive(), socks0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_start(data, size);
	memset(conns, 0, sizeof(conns));
	have_hdr = false;
	next_piece = 0;
	while (in_left) {
		switch (get8() % 10) {
		case 0: step_raw(); break;
		case 1: case 2: step_tcp(); break;
		case 3: step_udp(); break;
		case 4: step_ip(); break;
		case 5: step_icmp(); break;
		case 6: step_arp(); break;
		case 7: step_tick(); break;
		case 8: step_app(); break;
		default: step_vhdr(); break;
		}
		settle();
	}
	teardown();
	return 0;
}
