// SPDX-License-Identifier: MIT
/* lwIP's ARP table and listen backlog under hostile traffic, through a test interface of our own
 * (10.77.15.2/24, no device: what it sends is captured here, what it receives is fed to
 * ethernet_input as the driver glue does). Checks our changes to lwIP (net/lwip/patches):
 * "arp-lru" (an ARP storm from more addresses than the table holds never evicts a peer in use,
 * a table full of entries in use refuses new ones, ordinary ARP still resolves, answers and
 * ages), "arp-short" (a truncated ARP message is dropped), "syn-cookie" (a full backlog of
 * half-open connections does not lock out a real client; half-open ones stay bounded),
 * "pcb-hash" (segments reach their own connection, in TIME-WAIT too, through the hash tables),
 * "tw-reuse" (a new SYN beyond a connection in TIME-WAIT opens a new one), "window-update"
 * (a read sends a window update only when the peer runs short) and "delack-deadline" (each
 * delayed ACK at a deadline of its own). */
#include <kernel/ktest.h>
#include <net/net.h>
#include <string.h>

#include "hooks.h"
#include "lwip/etharp.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define SUBNET		0x0a4d0f00u	/* 10.77.15.0/24 */
#define OUR		(SUBNET | 2)
#define PEER		(SUBNET | 1)
#define NFAKE		252		/* .3 .. .254: more than the table holds */
#define FAKE(k)		(SUBNET | (3 + (k) % NFAKE))

_Static_assert(ARP_TABLE_SIZE + 40 < NFAKE, "the tests overflow the ARP table from one /24");
#define TEST_PORT	7777

static const uint8_t our_mac[6] = { 0x02, 0x00, 0x4d, 0x0f, 0x00, 0x02 };

/* What the test interface sent. */
static struct {
	unsigned arp_requests, arp_replies, ip;
	uint32_t last_tpa;		/* target of the last ARP request, host order */
	uint8_t last_ip_dst[6];		/* Ethernet destination of the last IPv4 frame */
	uint8_t last_tcp_flags;
	uint32_t last_tcp_seq;
	uint32_t last_tcp_ack;
	uint16_t last_tcp_wnd;
	unsigned tcp;			/* TCP segments sent */
} cap;

static struct netif tn;

static void mac_of(uint32_t ip, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x02, 0x00, 0x4d, 0x0f, (uint8_t)(ip >> 8), (uint8_t)ip };
	memcpy(mac, m, 6);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static err_t capture(struct netif *netif, struct pbuf *p)
{
	uint8_t f[14 + 40];
	(void)netif;
	u16_t n = pbuf_copy_partial(p, f, sizeof(f), 0);
	if (n >= 42 && f[12] == 0x08 && f[13] == 0x06) {
		if (f[21] == 1) {
			cap.arp_requests++;
			cap.last_tpa = be32(f + 38);
		} else if (f[21] == 2) {
			cap.arp_replies++;
		}
	} else if (n >= 34 && f[12] == 0x08 && f[13] == 0x00) {
		cap.ip++;
		memcpy(cap.last_ip_dst, f, 6);
		if (n >= 54 && f[23] == 6) {
			cap.last_tcp_flags = f[14 + 20 + 13];
			cap.last_tcp_seq = be32(f + 14 + 20 + 4);
			cap.last_tcp_ack = be32(f + 14 + 20 + 8);
			cap.last_tcp_wnd = (uint16_t)(f[14 + 20 + 14] << 8 | f[14 + 20 + 15]);
			cap.tcp++;
		}
	}
	return ERR_OK;
}

static err_t tn_init(struct netif *netif)
{
	netif->name[0] = 't';
	netif->name[1] = 'a';
	netif->output = etharp_output;
	netif->linkoutput = capture;
	netif->mtu = 1500;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, our_mac, 6);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	NETIF_SET_CHECKSUM_CTRL(netif, NETIF_CHECKSUM_DISABLE_ALL);	/* hand-made frames */
	return ERR_OK;
}

static bool tn_up(void)
{
	ip4_addr_t a, m, g;
	ip4_addr_set_u32(&a, lwip_htonl(OUR));
	ip4_addr_set_u32(&m, lwip_htonl(0xffffff00u));
	ip4_addr_set_zero(&g);
	memset(&tn, 0, sizeof(tn));
	if (!netif_add(&tn, &a, &m, &g, NULL, tn_init, ethernet_input))
		return false;
	netif_set_up(&tn);
	netif_set_link_up(&tn);
	memset(&cap, 0, sizeof(cap));
	return true;
}

/* An ARP message from @sip (MAC derived from it) to @tip, as the wire delivers it. */
static void feed_arp(int op, uint32_t sip, uint32_t tip)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, 42, PBUF_RAM);
	if (!p)
		return;
	uint8_t *f = p->payload, smac[6];
	mac_of(sip, smac);
	if (op == 1)
		memset(f, 0xff, 6);
	else
		memcpy(f, our_mac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	const uint8_t hdr[8] = { 0, 1, 0x08, 0, 6, 4, 0, (uint8_t)op };
	memcpy(f + 14, hdr, 8);
	memcpy(f + 22, smac, 6);
	put_be32(f + 28, sip);
	memcpy(f + 32, op == 1 ? (const uint8_t[6]){ 0 } : our_mac, 6);
	put_be32(f + 38, tip);
	tn.input(p, &tn);
}

/* A 20-byte IPv4 packet to @dst through ARP, as IP output does it. */
static err_t send_ip(uint32_t dst)
{
	struct pbuf *p = pbuf_alloc(PBUF_IP, 20, PBUF_RAM);
	if (!p)
		return ERR_MEM;
	memset(p->payload, 0, 20);
	ip4_addr_t d;
	ip4_addr_set_u32(&d, lwip_htonl(dst));
	err_t e = etharp_output(&tn, p, &d);
	pbuf_free(p);
	return e;
}

static bool in_table(uint32_t ip)
{
	ip4_addr_t a;
	struct eth_addr *eth;
	const ip4_addr_t *ipr;
	ip4_addr_set_u32(&a, lwip_htonl(ip));
	return etharp_find_addr(&tn, &a, &eth, &ipr) >= 0;
}

static int our_entries(void)
{
	int n = 0;
	for (size_t i = 0; i < ARP_TABLE_SIZE; i++) {
		ip4_addr_t *ip;
		struct netif *nif;
		struct eth_addr *eth;
		if (etharp_get_entry(i, &ip, &nif, &eth) && nif == &tn)
			n++;
	}
	return n;
}

/* net_lock() and the test interface up; false (unlocked, failed) if it cannot be added. */
static bool up(struct ktest_ctx *ktest_ctx)
{
	net_lock();
	bool ok = tn_up();
	EXPECT_TRUE(ok);
	if (!ok)
		net_unlock();
	return ok;
}

/* Resolve PEER the ordinary way: our request, its reply, the queued packet goes out. */
static void resolve_peer(struct ktest_ctx *ktest_ctx)
{
	uint8_t pm[6];
	EXPECT_EQ(send_ip(PEER), ERR_OK);
	EXPECT_EQ(cap.arp_requests, 1u);
	EXPECT_EQ(cap.last_tpa, PEER);
	EXPECT_EQ(cap.ip, 0u);
	feed_arp(2, PEER, OUR);
	mac_of(PEER, pm);
	EXPECT_EQ(cap.ip, 1u);
	EXPECT_EQ(memcmp(cap.last_ip_dst, pm, 6), 0);
	EXPECT_TRUE(in_table(PEER));
}

/*
 * An ARP reply cut short inside its sender address, whose buffer still holds the bytes of the
 * peer's own reply past the cut (a truncated frame in a reused buffer): read past its length, it
 * would rebind the peer's address to the stranger's MAC (net/lwip/patches, "arp-short").
 */
KTEST(arp, truncated_message_does_not_rebind_a_peer)
{
	if (!up(ktest_ctx))
		return;
	resolve_peer(ktest_ctx);
	uint8_t pm[6], bogus[6] = { 0x70, 0xb3, 0x40, 0xfe, 0x98, 0xed };
	mac_of(PEER, pm);
	for (unsigned cut = 14; cut < 42; cut++) {
		struct pbuf *p = pbuf_alloc(PBUF_RAW, 42, PBUF_RAM);
		EXPECT_TRUE(p != NULL);
		if (!p)
			break;		/* not ASSERT: the lock and the interface go below */
		uint8_t *f = p->payload;
		memcpy(f, our_mac, 6);
		memcpy(f + 6, bogus, 6);
		f[12] = 0x08;
		f[13] = 0x06;
		const uint8_t hdr[8] = { 0, 1, 0x08, 0, 6, 4, 0, 2 };
		memcpy(f + 14, hdr, 8);
		memcpy(f + 22, bogus, 6);
		put_be32(f + 28, PEER);		/* the whole address, also past the cut */
		memcpy(f + 32, our_mac, 6);
		put_be32(f + 38, OUR);
		pbuf_realloc(p, (u16_t)cut);	/* the frame's length; the bytes stay */
		tn.input(p, &tn);
	}
	unsigned ip_before = cap.ip;
	EXPECT_EQ(send_ip(PEER), ERR_OK);
	EXPECT_EQ(cap.ip, ip_before + 1);
	EXPECT_EQ(memcmp(cap.last_ip_dst, pm, 6), 0);	/* still the peer's MAC */
	netif_remove(&tn);
	net_unlock();
}

KTEST(arp, storm_of_252_sources_keeps_the_peer_in_use)
{
	if (!up(ktest_ctx))
		return;
	resolve_peer(ktest_ctx);
	for (int t = 0; t < 5; t++)
		etharp_tmr();		/* the peer was learnt 5 s before the storm */
	memset(&cap, 0, sizeof(cap));
	uint8_t pm[6];
	mac_of(PEER, pm);
	unsigned requests = 0, sends = 0, to_peer = 0;
	for (unsigned k = 0; k < 3000; k++) {
		if (k % 500 == 499)
			etharp_tmr();	/* the storm lasts seconds */
		int op = k % 3 ? 1 : 2;
		feed_arp(op, FAKE(k), OUR);
		requests += op == 1;
		if (k % 5 == 0) {
			sends++;
			unsigned ip_before = cap.ip;
			send_ip(PEER);
			to_peer += cap.ip == ip_before + 1 && !memcmp(cap.last_ip_dst, pm, 6);
		}
	}
	/* Every packet to the peer went straight out: its entry was never evicted. */
	EXPECT_EQ(to_peer, sends);
	EXPECT_EQ(cap.arp_requests, 0u);
	EXPECT_TRUE(in_table(PEER));
	/* Every request was answered, and the strangers filled the table. */
	EXPECT_EQ(cap.arp_replies, requests);
	EXPECT_GT(our_entries(), ARP_TABLE_SIZE - 8);
	netif_remove(&tn);
	EXPECT_EQ(our_entries(), 0);
	net_unlock();
}

KTEST(arp, a_full_table_refuses_rather_than_evict_a_peer_in_use)
{
	if (!up(ktest_ctx))
		return;
	resolve_peer(ktest_ctx);
	/* 252 new destinations that never answer, the peer used after each: pending entries fill
	 * the table, then it refuses new ones (no request goes out) rather than evict the peer or
	 * a pending entry that had no time to be answered. Stock lwIP recycled stable entries
	 * before pending ones: the peer, every time. */
	uint8_t pm[6];
	mac_of(PEER, pm);
	unsigned direct = 0;
	memset(&cap, 0, sizeof(cap));
	for (unsigned k = 0; k < NFAKE; k++) {
		send_ip(FAKE(k));
		unsigned ip_before = cap.ip;
		send_ip(PEER);
		direct += cap.ip == ip_before + 1 && !memcmp(cap.last_ip_dst, pm, 6);
	}
	EXPECT_EQ(direct, (unsigned)NFAKE);
	EXPECT_GT(cap.arp_requests, (unsigned)ARP_TABLE_SIZE - 8);
	EXPECT_LT(cap.arp_requests, (unsigned)NFAKE);
	/* 2 s later the unanswered ones may go: a refused destination that answers gets resolved. */
	etharp_tmr();
	etharp_tmr();
	memset(&cap, 0, sizeof(cap));
	uint32_t q = FAKE(NFAKE - 1);
	uint8_t qm[6];
	mac_of(q, qm);
	send_ip(q);
	EXPECT_EQ(cap.arp_requests, 1u);
	EXPECT_EQ(cap.last_tpa, q);
	feed_arp(2, q, OUR);
	EXPECT_EQ(cap.ip, 1u);
	EXPECT_EQ(memcmp(cap.last_ip_dst, qm, 6), 0);
	EXPECT_TRUE(in_table(PEER));
	netif_remove(&tn);
	net_unlock();
}

KTEST(arp, entries_in_use_are_rerequested_and_all_age_out)
{
	if (!up(ktest_ctx))
		return;
	resolve_peer(ktest_ctx);
	feed_arp(1, FAKE(0), OUR);
	EXPECT_TRUE(in_table(FAKE(0)));
	/* A minute before ARP_MAXAGE a packet to the peer also asks for its address again. */
	for (int t = 0; t < ARP_MAXAGE - 15; t++)
		etharp_tmr();
	memset(&cap, 0, sizeof(cap));
	send_ip(PEER);
	EXPECT_EQ(cap.ip, 1u);
	EXPECT_EQ(cap.arp_requests, 1u);
	EXPECT_EQ(cap.last_tpa, PEER);
	feed_arp(2, PEER, OUR);		/* the answer renews the peer's entry */
	for (int t = 0; t < 15; t++)
		etharp_tmr();
	EXPECT_FALSE(in_table(FAKE(0)));	/* the stranger aged out, */
	EXPECT_TRUE(in_table(PEER));		/* the renewed peer did not yet */
	for (int t = 0; t < ARP_MAXAGE; t++)
		etharp_tmr();
	EXPECT_FALSE(in_table(PEER));
	EXPECT_EQ(our_entries(), 0);
	netif_remove(&tn);
	net_unlock();
}

/* ---- SYN flood ---- */

static int accepted;
static struct tcp_pcb *accepted_pcb;

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	accepted++;
	accepted_pcb = pcb;
	return ERR_OK;
}

/* A TCP segment from @sip:@sport to our TEST_PORT (checksums off on this interface), with an
 * MSS option if @mss is not 0 and a window scale option (shift @ws) if @ws is not negative,
 * carrying @dlen bytes of @data. */
static void feed_tcp_full(uint32_t sip, uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack,
			  uint16_t mss, int ws, const uint8_t *data, unsigned dlen)
{
	unsigned optlen = (mss ? 4 : 0) + (ws >= 0 ? 4 : 0), len = 14 + 20 + 20 + optlen + dlen;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	if (!p)
		return;
	uint8_t *f = p->payload, smac[6];
	memset(f, 0, len);
	mac_of(sip, smac);
	memcpy(f, our_mac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14, *t = ip + 20;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((40 + optlen + dlen) >> 8);
	ip[3] = (uint8_t)(40 + optlen + dlen);
	ip[8] = 64;
	ip[9] = 6;
	put_be32(ip + 12, sip);
	put_be32(ip + 16, OUR);
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = TEST_PORT >> 8;
	t[3] = TEST_PORT & 0xff;
	put_be32(t + 4, seq);
	put_be32(t + 8, ack);
	t[12] = (uint8_t)((5 + optlen / 4) << 4);
	t[13] = flags;
	t[14] = 0xff;
	t[15] = 0xff;
	uint8_t *o = t + 20;
	if (mss) {
		o[0] = 2;	/* MSS */
		o[1] = 4;
		o[2] = (uint8_t)(mss >> 8);
		o[3] = (uint8_t)mss;
		o += 4;
	}
	if (ws >= 0) {
		o[0] = 1;	/* NOP, then window scale */
		o[1] = 3;
		o[2] = 3;
		o[3] = (uint8_t)ws;
	}
	if (dlen)
		memcpy(t + 20 + optlen, data, dlen);
	tn.input(p, &tn);
}

static void feed_tcp_data(uint32_t sip, uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack,
			  uint16_t mss, const uint8_t *data, unsigned dlen)
{
	feed_tcp_full(sip, sport, flags, seq, ack, mss, -1, data, dlen);
}

static void feed_tcp_opts(uint32_t sip, uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack,
			  uint16_t mss, int ws)
{
	feed_tcp_full(sip, sport, flags, seq, ack, mss, ws, NULL, 0);
}

static void feed_tcp_mss(uint32_t sip, uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack,
			 uint16_t mss)
{
	feed_tcp_full(sip, sport, flags, seq, ack, mss, -1, NULL, 0);
}

static void feed_tcp(uint32_t sip, uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack)
{
	feed_tcp_mss(sip, sport, flags, seq, ack, 0);
}

static int half_open(void)
{
	int n = 0;
	for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
		n += p->state == SYN_RCVD && p->local_port == TEST_PORT;
	return n;
}

/* The test interface up with a listener on TEST_PORT (raw lwIP, callback on_accept) with
 * @backlog; NULL (interface removed, net unlocked) if it cannot be made. */
static struct tcp_pcb *flood_listener(struct ktest_ctx *ktest_ctx, u16_t backlog)
{
	if (!up(ktest_ctx))
		return NULL;
	resolve_peer(ktest_ctx);
	struct tcp_pcb *l = tcp_new(), *lp = NULL;
	ip4_addr_t a;
	ip4_addr_set_u32(&a, lwip_htonl(OUR));
	if (l && tcp_bind(l, &a, TEST_PORT) == ERR_OK)
		lp = tcp_listen_with_backlog(l, backlog);
	EXPECT_TRUE(lp != NULL);
	if (!lp) {
		if (l)
			tcp_abort(l);
		netif_remove(&tn);
		net_unlock();
		return NULL;
	}
	tcp_accept(lp, on_accept);
	return lp;
}

/* Close the listener; the half-open connections go with their listener's interface. */
static void flood_listener_done(struct ktest_ctx *ktest_ctx, struct tcp_pcb *lp)
{
	tcp_close(lp);
	netif_remove(&tn);
	for (struct tcp_pcb *p = tcp_active_pcbs, *next; p; p = next) {
		next = p->next;
		if (p->local_port == TEST_PORT)
			tcp_abort(p);
	}
	EXPECT_EQ(half_open(), 0);
	net_unlock();
}

KTEST(arp, syn_flood_answered_with_cookies)
{
	struct tcp_pcb *lp = flood_listener(ktest_ctx, 8);
	if (!lp)
		return;
	accepted = 0;
	accepted_pcb = NULL;
	/* 1000 SYNs from 252 addresses that never finish the handshake. */
	uint64_t sent0, ok0, sent1, ok1;
	net_syncookie_stats(&sent0, &ok0);
	for (unsigned k = 0; k < 1000; k++)
		feed_tcp(FAKE(k), (uint16_t)(20000 + k), 0x02, 1000 * k, 0);
	EXPECT_EQ(half_open(), 8);		/* bounded by the backlog */
	net_syncookie_stats(&sent1, &ok1);
	EXPECT_EQ(sent1 - sent0, 992);		/* the rest were answered with cookies */
	/* The backlog is full: a real client's SYN is answered with a cookie and leaves no state. */
	memset(&cap, 0, sizeof(cap));
	feed_tcp(PEER, 40000, 0x02, 5000, 0);
	feed_arp(2, PEER, OUR);	/* the SYN-ACKs to the flood may have cost the peer its entry */
	EXPECT_EQ(cap.last_tcp_flags, 0x12);
	EXPECT_EQ(cap.last_tcp_ack, 5001);
	uint32_t cookie = cap.last_tcp_seq;
	EXPECT_EQ(half_open(), 8);
	feed_tcp(FAKE(7), 30000, 0x02, 1, 0);	/* the flood goes on in between */
	/* An ACK whose cookie is off by one, or comes from another port, meets a RST. */
	memset(&cap, 0, sizeof(cap));
	feed_tcp(PEER, 40000, 0x10, 5001, cookie + 2);
	EXPECT_EQ(cap.last_tcp_flags & 0x04, 0x04);
	feed_tcp(PEER, 40001, 0x10, 5001, cookie + 1);
	EXPECT_EQ(cap.last_tcp_flags & 0x04, 0x04);
	EXPECT_EQ(accepted, 0);
	/* The real ACK makes the connection, with the MSS a SYN without the option implies. */
	feed_tcp(PEER, 40000, 0x10, 5001, cookie + 1);
	EXPECT_EQ(accepted, 1);
	if (accepted_pcb) {
		EXPECT_EQ(accepted_pcb->state, ESTABLISHED);
		EXPECT_EQ(accepted_pcb->mss, 536);
		EXPECT_EQ(accepted_pcb->snd_nxt, cookie + 1);
		EXPECT_EQ(accepted_pcb->rcv_nxt, 5001);
		tcp_abort(accepted_pcb);
		accepted_pcb = NULL;
	}
	/* A client offering MSS 1400 gets it back through the cookie; its first data comes with
	 * the ACK and is delivered. */
	memset(&cap, 0, sizeof(cap));
	feed_tcp_mss(PEER, 40002, 0x02, 7000, 0, 1400);
	EXPECT_EQ(cap.last_tcp_flags, 0x12);
	cookie = cap.last_tcp_seq;
	feed_tcp(PEER, 40002, 0x10, 7001, cookie + 1);
	EXPECT_EQ(accepted, 2);
	if (accepted_pcb)
		EXPECT_EQ(accepted_pcb->mss, 1400);
	if (accepted_pcb) {
		tcp_abort(accepted_pcb);
		accepted_pcb = NULL;
	}
	/* A client offering window scaling as Linux's does (MSS 1460, shift 7): a cookie cannot
	 * carry the option, so the SYN-ACK leaves it out and the connection runs unscaled, both
	 * ways (its window field taken as it is, ours at most 0xffff). */
	memset(&cap, 0, sizeof(cap));
	feed_tcp_opts(PEER, 40003, 0x02, 9000, 0, 1460, 7);
	EXPECT_EQ(cap.last_tcp_flags, 0x12);
	cookie = cap.last_tcp_seq;
	feed_tcp(PEER, 40003, 0x10, 9001, cookie + 1);
	EXPECT_EQ(accepted, 3);
	if (accepted_pcb) {
		EXPECT_EQ(accepted_pcb->mss, 1460);
		EXPECT_EQ(accepted_pcb->flags & TF_WND_SCALE, 0);
		EXPECT_EQ(accepted_pcb->snd_scale, 0);
		EXPECT_EQ(accepted_pcb->rcv_scale, 0);
		EXPECT_EQ(accepted_pcb->snd_wnd, 0xffff);
		EXPECT_EQ(accepted_pcb->rcv_wnd, 0xffff);
	}
	net_syncookie_stats(&sent1, &ok1);
	EXPECT_EQ(ok1 - ok0, 3);
	EXPECT_EQ(half_open(), 8);
	if (accepted_pcb)
		tcp_abort(accepted_pcb);
	flood_listener_done(ktest_ctx, lp);
}

/* A backlog past lwIP's old 255 (Linux's SOMAXCONN is 4096) bounds the accept queue; half-open
 * connections stop at NET_SYN_BACKLOG all the same, and further SYNs get cookies. */
KTEST(arp, half_open_capped_below_a_large_backlog)
{
	_Static_assert(NET_SYN_BACKLOG < 2000, "the listener's backlog must be the larger");
	struct tcp_pcb *lp = flood_listener(ktest_ctx, 2000);
	if (!lp)
		return;
	EXPECT_EQ(((struct tcp_pcb_listen *)lp)->backlog, 2000);
	uint64_t sent0, ok0, sent1, ok1;
	net_syncookie_stats(&sent0, &ok0);
	for (unsigned k = 0; k < NET_SYN_BACKLOG + 44; k++)
		feed_tcp(FAKE(k), (uint16_t)(20000 + k), 0x02, 1000 * k, 0);
	net_syncookie_stats(&sent1, &ok1);
	EXPECT_EQ(half_open(), NET_SYN_BACKLOG);
	EXPECT_EQ(sent1 - sent0, 44);
	flood_listener_done(ktest_ctx, lp);
}

/* ---- pcb-hash ---- */

#define HASH_CONNS	1500
#define HASH_PORT0	20000
#define HASH_SEQ(k)	(100000u * (k))	/* the peer's initial sequence number on connection k */

static struct tcp_pcb *hconn[HASH_CONNS];	/* connection k: from PEER:HASH_PORT0 + k */
static uint32_t hiss[HASH_CONNS];		/* our initial sequence number on it */
static uint16_t hgot[HASH_CONNS];		/* 1 + the last byte connection k received */
static unsigned hbad;				/* segments delivered to the wrong pcb */

static err_t hash_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	uintptr_t k = (uintptr_t)arg;
	(void)err;
	if (!p)
		return ERR_OK;
	if (k >= HASH_CONNS || hconn[k] != pcb || p->tot_len != 1)
		hbad++;
	else
		hgot[k] = (uint16_t)(1 + *(const uint8_t *)p->payload);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t hash_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	uintptr_t k = (uintptr_t)(pcb->remote_port - HASH_PORT0);
	if (pcb->local_port != TEST_PORT || k >= HASH_CONNS || hconn[k]) {
		hbad++;
		return ERR_OK;
	}
	hconn[k] = pcb;
	tcp_arg(pcb, (void *)k);
	tcp_recv(pcb, hash_recv);
	return ERR_OK;
}

/* Connections 0..n-1 through @lp (whose accept callback becomes hash_accept), one handshake at a
 * time; how many were made. */
static unsigned hash_open(struct tcp_pcb *lp, unsigned n)
{
	unsigned made = 0;
	tcp_accept(lp, hash_accept);
	memset(hconn, 0, sizeof(hconn));
	memset(hgot, 0, sizeof(hgot));
	hbad = 0;
	for (unsigned k = 0; k < n; k++) {
		memset(&cap, 0, sizeof(cap));
		feed_tcp(PEER, (uint16_t)(HASH_PORT0 + k), 0x02, HASH_SEQ(k), 0);
		if (cap.last_tcp_flags != 0x12)
			continue;
		hiss[k] = cap.last_tcp_seq;
		feed_tcp(PEER, (uint16_t)(HASH_PORT0 + k), 0x10, HASH_SEQ(k) + 1, hiss[k] + 1);
		made += hconn[k] != NULL;
	}
	return made;
}

/* Connection k's pcb, no longer held (its callbacks off), or NULL. */
static struct tcp_pcb *hash_take(unsigned k)
{
	struct tcp_pcb *pcb = hconn[k];
	hconn[k] = NULL;
	if (pcb) {
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
	}
	return pcb;
}

/* Abort every connection still held and every TIME-WAIT pcb of TEST_PORT. */
static void hash_close_all(void)
{
	for (unsigned k = 0; k < HASH_CONNS; k++) {
		struct tcp_pcb *pcb = hash_take(k);
		if (pcb)
			tcp_abort(pcb);
	}
	for (struct tcp_pcb *p = tcp_tw_pcbs, *next; p; p = next) {
		next = p->next;
		if (p->local_port == TEST_PORT)
			tcp_abort(p);
	}
}

/* One byte @b on connection k at the peer's sequence number @seq; what did we answer? */
static uint8_t hash_send(unsigned k, uint32_t seq, uint8_t b)
{
	memset(&cap, 0, sizeof(cap));
	feed_tcp_data(PEER, (uint16_t)(HASH_PORT0 + k), 0x18, seq, hiss[k] + 1, 0, &b, 1);
	return cap.last_tcp_flags;
}

/* Byte k + @add to every connection k still held, at the peer's sequence number + @off, in an
 * order unlike the connections' (@stride prime to HASH_CONNS); how many connections did not
 * receive their byte exactly (or received one while not held). */
static unsigned hash_round(unsigned stride, uint32_t off, uint8_t add)
{
	unsigned wrong = 0;
	memset(hgot, 0, sizeof(hgot));
	for (unsigned i = 0; i < HASH_CONNS; i++) {
		unsigned k = i * stride % HASH_CONNS;
		if (hconn[k])
			hash_send(k, HASH_SEQ(k) + off, (uint8_t)(k + add));
	}
	for (unsigned k = 0; k < HASH_CONNS; k++)
		wrong += hgot[k] != (hconn[k] ? 1 + (uint8_t)(k + add) : 0);
	return wrong;
}

/*
 * 1,500 connections from one peer, told apart by port only, find their pcbs in the 4-tuple
 * table (net/lwip/patches, "pcb-hash"): data in a shuffled order reaches each one's own pcb,
 * after a third of them moved to TIME-WAIT (where data is answered by an ACK, not a reset by
 * the listener) the rest still do, and aborted ones are gone. A listener on another port of
 * the same bucket, registered later, stands first in the port chain and is passed over.
 */
KTEST(arp, pcb_hash_demultiplexes_connections_by_4_tuple)
{
	struct tcp_pcb *lp = flood_listener(ktest_ctx, 8);	/* one handshake at a time */
	if (!lp)
		return;
	struct tcp_pcb *other = tcp_new(), *olp = NULL;
	ip4_addr_t a;
	ip4_addr_set_u32(&a, lwip_htonl(OUR));
	if (other && tcp_bind(other, &a, TEST_PORT + (1u << TCP_LISTEN_HASH_BITS)) == ERR_OK)
		olp = tcp_listen_with_backlog(other, 8);
	EXPECT_TRUE(olp != NULL);
	if (olp)
		tcp_accept(olp, on_accept);
	else if (other)
		tcp_abort(other);
	accepted = 0;
	EXPECT_EQ(hash_open(lp, HASH_CONNS), HASH_CONNS);
	EXPECT_EQ(accepted, 0);		/* none went to the other port's listener */
	EXPECT_EQ(hash_round(7, 1, 0), 0u);
	EXPECT_EQ(hbad, 0u);
	/* A third go to TIME-WAIT: our FIN, the peer's FIN acknowledging it. */
	unsigned tw = 0, tw_acked = 0;
	for (unsigned k = 0; k < HASH_CONNS; k += 3) {
		struct tcp_pcb *pcb = hash_take(k);
		memset(&cap, 0, sizeof(cap));
		if (pcb && tcp_close(pcb) == ERR_OK && (cap.last_tcp_flags & 0x01)) {
			feed_tcp(PEER, (uint16_t)(HASH_PORT0 + k), 0x11, HASH_SEQ(k) + 2,
				 cap.last_tcp_seq + 1);
			tw++;
		}
	}
	EXPECT_EQ(tw, (HASH_CONNS + 2) / 3);
	unsigned in_tw = 0;
	for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next)
		in_tw += p->local_port == TEST_PORT;
	EXPECT_EQ(in_tw, tw);
	/* Data to a connection in TIME-WAIT is acknowledged there (rcv_nxt past the peer's FIN). */
	for (unsigned k = 0; k < HASH_CONNS; k += 3)
		tw_acked += hash_send(k, HASH_SEQ(k) + 3, 0) == 0x10 && cap.last_tcp_ack == HASH_SEQ(k) + 3;
	EXPECT_EQ(tw_acked, tw);
	/* The others still reach their own pcbs. */
	EXPECT_EQ(hash_round(11, 2, 1), 0u);
	EXPECT_EQ(hbad, 0u);
	/* Aborted connections are gone: their data meets the listener, which resets it. */
	unsigned reset = 0, aborted = 0;
	for (unsigned k = 0; k < HASH_CONNS; k++) {
		struct tcp_pcb *pcb = hash_take(k);
		if (pcb)
			tcp_abort(pcb);
		if (pcb && k % 3 == 1) {
			aborted++;
			reset += (hash_send(k, HASH_SEQ(k) + 3, 0) & 0x04) != 0;
		}
	}
	EXPECT_EQ(aborted, HASH_CONNS / 3);
	EXPECT_EQ(reset, aborted);
	hash_close_all();
	if (olp)
		tcp_close(olp);
	flood_listener_done(ktest_ctx, lp);
}

/* Connection @k's TIME-WAIT pcb, or NULL. */
static struct tcp_pcb *tw_of(unsigned k)
{
	for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next)
		if (p->local_port == TEST_PORT && p->remote_port == HASH_PORT0 + k)
			return p;
	return NULL;
}

/*
 * A SYN for a 4-tuple still in TIME-WAIT whose sequence number lies beyond the old connection
 * opens a new one (net/lwip/patches, "tw-reuse"; RFC 1122 4.2.2.13, as Linux): answered by a
 * SYN-ACK whose sequence number is the old snd_nxt + 65537, it becomes an accepted connection
 * that receives its data, and the TIME-WAIT pcb leaves at the next slow timer. A SYN at or
 * before the old rcv_nxt, or one with no listener left on the port, is answered from TIME-WAIT
 * as before (an ACK, a reset inside the old window), and TIME-WAIT stays.
 */
KTEST(arp, syn_beyond_time_wait_opens_a_new_connection)
{
	struct tcp_pcb *lp = flood_listener(ktest_ctx, 8);
	if (!lp)
		return;
	uint32_t old_nxt[3] = { 0 };
	EXPECT_EQ(hash_open(lp, 3), 3u);
	for (unsigned k = 0; k < 3; k++) {	/* our FIN, the peer's FIN acknowledging it */
		struct tcp_pcb *pcb = hash_take(k);
		memset(&cap, 0, sizeof(cap));
		if (pcb && tcp_close(pcb) == ERR_OK && (cap.last_tcp_flags & 0x01)) {
			old_nxt[k] = cap.last_tcp_seq + 1;
			feed_tcp(PEER, (uint16_t)(HASH_PORT0 + k), 0x11, HASH_SEQ(k) + 1,
				 old_nxt[k]);
		}
		EXPECT_TRUE(tw_of(k) != NULL);
	}

	/* Connection 0: a SYN far beyond it. */
	uint32_t syn = HASH_SEQ(0) + 7777777;
	struct tcp_pcb *old = tw_of(0);
	uint64_t reopened = net_tcp_tw_reopened;
	memset(&cap, 0, sizeof(cap));
	feed_tcp(PEER, HASH_PORT0, 0x02, syn, 0);
	EXPECT_EQ(cap.last_tcp_flags, 0x12);
	EXPECT_EQ(cap.last_tcp_seq, old_nxt[0] + 65537);
	EXPECT_EQ(cap.last_tcp_ack, syn + 1);
	hiss[0] = cap.last_tcp_seq;
	EXPECT_EQ(net_tcp_tw_reopened, reopened + 1);
	feed_tcp(PEER, HASH_PORT0, 0x10, syn + 1, hiss[0] + 1);
	EXPECT_TRUE(hconn[0] != NULL && hconn[0] != old);
	EXPECT_EQ(hconn[0] ? hconn[0]->state : CLOSED, ESTABLISHED);
	memset(hgot, 0, sizeof(hgot));
	hash_send(0, syn + 1, 42);
	EXPECT_EQ(hgot[0], 43);
	EXPECT_EQ(hbad, 0u);
	EXPECT_TRUE(tw_of(0) == old);		/* retired, freed by the slow timer */
	tcp_slowtmr();
	EXPECT_TRUE(tw_of(0) == NULL);

	/* Connection 1: an old duplicate of its first SYN is acknowledged; a SYN at its rcv_nxt
	 * (just past the peer's FIN) is not beyond it either, and falls in its window: a reset. */
	memset(&cap, 0, sizeof(cap));
	feed_tcp(PEER, HASH_PORT0 + 1, 0x02, HASH_SEQ(1), 0);
	EXPECT_EQ(cap.last_tcp_flags, 0x10);
	EXPECT_EQ(cap.last_tcp_ack, HASH_SEQ(1) + 2);
	memset(&cap, 0, sizeof(cap));
	feed_tcp(PEER, HASH_PORT0 + 1, 0x02, HASH_SEQ(1) + 2, 0);
	EXPECT_EQ(cap.last_tcp_flags, 0x14);
	EXPECT_TRUE(tw_of(1) != NULL);
	EXPECT_TRUE(hconn[1] == NULL);

	/* Connection 2: beyond it, but the port has no listener any more. */
	tcp_close(lp);
	memset(&cap, 0, sizeof(cap));
	feed_tcp(PEER, HASH_PORT0 + 2, 0x02, HASH_SEQ(2) + 7777777, 0);
	EXPECT_EQ(cap.last_tcp_flags, 0x10);
	EXPECT_EQ(cap.last_tcp_ack, HASH_SEQ(2) + 2);
	EXPECT_TRUE(tw_of(2) != NULL);
	EXPECT_TRUE(hconn[2] == NULL);
	EXPECT_EQ(net_tcp_tw_reopened, reopened + 1);

	hash_close_all();
	netif_remove(&tn);
	EXPECT_EQ(half_open(), 0);
	net_unlock();
}

#define TMR_CONNS	40

static unsigned timer_listed(void)
{
	unsigned n = 0;
	for (unsigned k = 0; k < TMR_CONNS; k++)
		n += hconn[k] && hconn[k]->tmr_pprev != NULL;
	return n;
}

/*
 * The TCP timers visit only connections that may have timer work (net/lwip/patches,
 * "pcb-timers"): idle connections leave their list once the delayed ACKs are out, data from the
 * peer brings one back (its delayed ACK is still sent by the fast timer), and one that sends
 * after leaving is retransmitted by the slow timer until acknowledged; keepalive keeps one on.
 */
KTEST(arp, pcb_timers_visit_only_connections_with_work)
{
	struct tcp_pcb *lp = flood_listener(ktest_ctx, 8);
	if (!lp)
		return;
	EXPECT_EQ(hash_open(lp, TMR_CONNS), TMR_CONNS);
	EXPECT_EQ(timer_listed(), TMR_CONNS);		/* new connections are on the list */
	tcp_fasttmr();
	tcp_slowtmr();
	EXPECT_EQ(timer_listed(), 0u);			/* idle: all off */
	/* Data from the peer: received, its ACK delayed, sent at its deadline. */
	uint8_t b = 1;
	feed_tcp_data(PEER, HASH_PORT0 + 3, 0x18, HASH_SEQ(3) + 1, hiss[3] + 1, 0, &b, 1);
	EXPECT_EQ(hgot[3], 2);
	EXPECT_TRUE(hconn[3] && hconn[3]->tmr_pprev != NULL);
	memset(&cap, 0, sizeof(cap));
	tcp_delack_send_due(sys_now() + TCP_DELACK_MAX_MS);
	EXPECT_EQ(cap.last_tcp_flags, 0x10);
	EXPECT_EQ(cap.last_tcp_ack, HASH_SEQ(3) + 2);
	tcp_slowtmr();
	EXPECT_EQ(timer_listed(), 0u);
	/* We send on an idle connection and the peer never acknowledges: retransmitted. */
	if (hconn[5]) {
		EXPECT_EQ(tcp_write(hconn[5], "x", 1, TCP_WRITE_FLAG_COPY), ERR_OK);
		memset(&cap, 0, sizeof(cap));
		EXPECT_EQ(tcp_output(hconn[5]), ERR_OK);
		EXPECT_EQ(cap.last_tcp_seq, hiss[5] + 1);
		EXPECT_EQ(timer_listed(), 1u);
		unsigned ticks = 0;
		memset(&cap, 0, sizeof(cap));
		while (cap.ip == 0 && ticks < 40) {
			tcp_slowtmr();
			ticks++;
		}
		EXPECT_TRUE(cap.ip > 0);			/* within 20 s of timer ticks */
		EXPECT_EQ(cap.last_tcp_seq, hiss[5] + 1);
		feed_tcp(PEER, HASH_PORT0 + 5, 0x10, HASH_SEQ(5) + 1, hiss[5] + 2);
		tcp_fasttmr();
		tcp_slowtmr();
		EXPECT_EQ(timer_listed(), 0u);		/* acknowledged: off again */
	}
	/* Keepalive on: on the list, and it stays there. */
	if (hconn[7]) {
		ip_set_option(hconn[7], SOF_KEEPALIVE);
		tcp_timer_arm(hconn[7]);
		tcp_slowtmr();
		EXPECT_EQ(timer_listed(), 1u);
		ip_reset_option(hconn[7], SOF_KEEPALIVE);
		tcp_slowtmr();
		EXPECT_EQ(timer_listed(), 0u);
	}
	hash_close_all();
	flood_listener_done(ktest_ctx, lp);
}

/* One byte from the peer on connection k at its offset @off; the segments it made us send. */
static unsigned da_feed(unsigned k, uint32_t off)
{
	uint8_t b = (uint8_t)off;
	unsigned before = cap.tcp;
	feed_tcp_data(PEER, (uint16_t)(HASH_PORT0 + k), 0x18, HASH_SEQ(k) + 1 + off, hiss[k] + 1, 0,
		      &b, 1);
	return cap.tcp - before;
}

/* How long until connection k's delayed ACK is due, in ms; -1 if it is not queued. */
static int32_t da_wait(unsigned k)
{
	if (!hconn[k] || !hconn[k]->delack_pprev)
		return -1;
	return (int32_t)(hconn[k]->delack_due - sys_now());
}

/*
 * "delack-deadline": each delayed ACK goes out at its own deadline, not all together from the
 * fast timer: TCP_DELACK_MIN_MS after it became owed, doubled after an ACK that had to go
 * alone, TCP_DELACK_MAX_MS on a connection whose replies carried it ("pingpong"), and back to
 * the shortest after an ACK that went alone from there. An ACK carried by a reply is not sent
 * again, the second segment is still acknowledged at once, and a connection aborted with its
 * ACK queued leaves the queue.
 */
KTEST(arp, delayed_acks_go_out_at_deadlines_of_their_own)
{
	struct tcp_pcb *lp = flood_listener(ktest_ctx, 8);
	if (!lp)
		return;
	EXPECT_EQ(hash_open(lp, 4), 4u);
	memset(&cap, 0, sizeof(cap));
	/* Connection 0: owed, queued for the short wait; the fast timer leaves it alone. */
	EXPECT_EQ(da_feed(0, 0), 0u);
	EXPECT_TRUE(hconn[0] && (hconn[0]->flags & TF_ACK_DELAY));
	int32_t w = da_wait(0);
	EXPECT_TRUE(w > 0 && w <= TCP_DELACK_MIN_MS);
	tcp_fasttmr();
	EXPECT_EQ(cap.tcp, 0u);
	tcp_delack_send_due(sys_now());			/* not due yet */
	EXPECT_EQ(cap.tcp, 0u);
	/* Connection 1: a reply carries the owed ACK, so the next one waits longer. */
	EXPECT_EQ(da_feed(1, 0), 0u);
	if (hconn[1]) {
		EXPECT_EQ(tcp_write(hconn[1], "y", 1, TCP_WRITE_FLAG_COPY), ERR_OK);
		EXPECT_EQ(tcp_output(hconn[1]), ERR_OK);
		EXPECT_EQ(cap.tcp, 1u);
		EXPECT_EQ(cap.last_tcp_ack, HASH_SEQ(1) + 2);
		EXPECT_EQ(hconn[1]->delack_wait, TCP_DELACK_WAITS - 1);
		EXPECT_FALSE(hconn[1]->flags & TF_ACK_DELAY);
	}
	EXPECT_EQ(da_feed(1, 1), 0u);
	w = da_wait(1);
	EXPECT_TRUE(w > (int32_t)TCP_DELACK_WAIT_MS(TCP_DELACK_WAITS - 2) && w <= TCP_DELACK_MAX_MS);
	/* The short wait passes: connection 0's ACK alone, and its next wait doubles. */
	memset(&cap, 0, sizeof(cap));
	tcp_delack_send_due(sys_now() + TCP_DELACK_MIN_MS);
	EXPECT_EQ(cap.tcp, 1u);
	EXPECT_EQ(cap.last_tcp_flags, 0x10);
	EXPECT_EQ(cap.last_tcp_ack, HASH_SEQ(0) + 2);
	EXPECT_EQ(da_wait(0), -1);
	EXPECT_EQ(hconn[0] ? hconn[0]->delack_wait : 9, 1);
	/* The long one: connection 1's, which no reply took, so it is back to the short wait. */
	tcp_delack_send_due(sys_now() + TCP_DELACK_MAX_MS);
	EXPECT_EQ(cap.tcp, 2u);
	EXPECT_EQ(cap.last_tcp_ack, HASH_SEQ(1) + 3);
	EXPECT_EQ(hconn[1] ? hconn[1]->delack_wait : 9, 0);
	EXPECT_EQ(da_feed(1, 2), 0u);
	w = da_wait(1);
	EXPECT_TRUE(w > 0 && w <= TCP_DELACK_MIN_MS);
	EXPECT_EQ(da_feed(0, 1), 0u);			/* the doubled wait */
	w = da_wait(0);
	EXPECT_TRUE(w > TCP_DELACK_MIN_MS && w <= 2 * TCP_DELACK_MIN_MS);
	/* Connection 2: its ACK taken by a reply is not sent again; a second segment is
	 * acknowledged at once. */
	memset(&cap, 0, sizeof(cap));
	EXPECT_EQ(da_feed(2, 0), 0u);
	if (hconn[2]) {
		EXPECT_EQ(tcp_write(hconn[2], "z", 1, TCP_WRITE_FLAG_COPY), ERR_OK);
		EXPECT_EQ(tcp_output(hconn[2]), ERR_OK);
	}
	EXPECT_EQ(cap.tcp, 1u);
	EXPECT_EQ(da_feed(2, 1), 0u);
	EXPECT_EQ(da_feed(2, 2), 1u);
	EXPECT_EQ(cap.last_tcp_ack, HASH_SEQ(2) + 4);
	/* Connection 3: aborted with its ACK queued (a reset, then nothing more). */
	EXPECT_EQ(da_feed(3, 0), 0u);
	EXPECT_TRUE(da_wait(3) > 0);
	struct tcp_pcb *p3 = hash_take(3);
	if (p3)
		tcp_abort(p3);
	EXPECT_EQ(cap.last_tcp_flags & 0x04, 0x04);
	unsigned sent = cap.tcp;
	tcp_delack_send_due(sys_now() + TCP_DELACK_MAX_MS);
	EXPECT_EQ(cap.tcp, sent + 2);			/* connections 1 and 0, no other */
	EXPECT_EQ(da_wait(0), -1);
	EXPECT_EQ(da_wait(1), -1);
	EXPECT_EQ(da_wait(2), -1);
	hash_close_all();
	flood_listener_done(ktest_ctx, lp);
}

/* Run lwIP's timeouts, as the port does when one is due, until @done or 2 x TCP_DELACK_MAX_MS. */
static void da_run_timeouts_until(bool (*done)(void))
{
	u32_t t0 = sys_now();
	while (!done() && sys_now() - t0 < 2 * TCP_DELACK_MAX_MS)
		sys_check_timeouts();
}

static bool da_timer_off(void)
{
	u32_t due;
	return !tcp_delack_timer_pending(&due);
}

static bool da_sent(void)
{
	return cap.tcp > 0;
}

/*
 * "delack-deadline", driven by lwIP's timeouts: one timeout pending for the queues, at the
 * earliest deadline. A connection whose ACK waits the shortest time, queued while only a longer
 * wait's ACK is pending, brings the timeout forward to its own deadline, and its ACK goes out
 * then, the longer one still waiting.
 */
KTEST(arp, a_shorter_ack_wait_brings_the_timeout_forward)
{
	struct tcp_pcb *lp = flood_listener(ktest_ctx, 8);
	if (!lp)
		return;
	ASSERT_EQ(hash_open(lp, 2), 2u);
	u32_t due;
	/* What earlier cases left queued goes now; the timeout, left with nothing to do, stops. */
	tcp_delack_send_due(sys_now() + TCP_DELACK_MAX_MS);
	da_run_timeouts_until(da_timer_off);
	EXPECT_TRUE(!tcp_delack_timer_pending(&due));
	/* Connection 1 on the longest wait (a reply carried its last ACK); the entry that ACK left
	 * goes at its deadline, sending nothing, and the timeout stops again. */
	EXPECT_EQ(da_feed(1, 0), 0u);
	EXPECT_EQ(tcp_write(hconn[1], "y", 1, TCP_WRITE_FLAG_COPY), ERR_OK);
	EXPECT_EQ(tcp_output(hconn[1]), ERR_OK);
	EXPECT_EQ(hconn[1]->delack_wait, TCP_DELACK_WAITS - 1);
	da_run_timeouts_until(da_timer_off);
	EXPECT_TRUE(!tcp_delack_timer_pending(&due));
	EXPECT_EQ(da_feed(1, 1), 0u);
	EXPECT_TRUE(tcp_delack_timer_pending(&due));
	EXPECT_EQ(due, hconn[1]->delack_due);
	/* Connection 0 owes one on the shortest: the timeout comes forward to its deadline. */
	memset(&cap, 0, sizeof(cap));
	EXPECT_EQ(da_feed(0, 0), 0u);
	EXPECT_TRUE(da_wait(0) > 0 && da_wait(0) <= TCP_DELACK_MIN_MS);
	EXPECT_TRUE(tcp_delack_timer_pending(&due));
	EXPECT_EQ(due, hconn[0]->delack_due);
	/* It fires then: connection 0's ACK alone, connection 1's still queued for later. */
	da_run_timeouts_until(da_sent);
	EXPECT_EQ(cap.tcp, 1u);
	EXPECT_EQ(cap.last_tcp_ack, HASH_SEQ(0) + 2);
	EXPECT_TRUE(da_wait(1) > 0);
	EXPECT_TRUE(tcp_delack_timer_pending(&due));
	EXPECT_EQ(due, hconn[1]->delack_due);
	/* Then connection 1's, and the timeout stops. */
	da_run_timeouts_until(da_timer_off);
	EXPECT_EQ(cap.tcp, 2u);
	EXPECT_EQ(cap.last_tcp_ack, HASH_SEQ(1) + 3);
	EXPECT_TRUE(!tcp_delack_timer_pending(&due));
	hash_close_all();
	flood_listener_done(ktest_ctx, lp);
}

/* What the window-update case's connection received and has not given back (tcp_recved). */
static unsigned wu_held;

static err_t wu_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)pcb;
	(void)err;
	if (p) {
		wu_held += p->tot_len;
		pbuf_free(p);
	}
	return ERR_OK;
}

/* @n bytes from the peer on connection 0, in segments of 1,000, from its sequence offset @off. */
static void wu_send(uint32_t off, unsigned n)
{
	static uint8_t data[1000];
	for (unsigned done = 0; done < n; done += sizeof(data)) {
		unsigned len = n - done < sizeof(data) ? n - done : sizeof(data);
		feed_tcp_data(PEER, HASH_PORT0, 0x18, HASH_SEQ(0) + 1 + off + done, hiss[0] + 1, 0,
			      data, len);
	}
}

/* @n bytes from the peer at its offset @off, all taken by lwIP; then the application gives
 * @read of them back (tcp_recved) with the capture cleared: cap counts what that read sent. */
static void wu_receive_then_read(struct ktest_ctx *ktest_ctx, struct tcp_pcb *pcb, uint32_t off,
				 unsigned n, unsigned read)
{
	wu_held = 0;
	wu_send(off, n);
	EXPECT_EQ(wu_held, n);
	memset(&cap, 0, sizeof(cap));
	tcp_recved(pcb, (u16_t)read);
}

/*
 * "window-update": the application's read (tcp_recved) sends a segment of its own only when the
 * peer runs short of window: what it may still send under the last window announced is at most
 * half the largest, and the new window at least twice that. The peer offers no window scaling,
 * so the window is 65,535 bytes. Stock lwIP sent an update for any read of 4 MSS or more, the
 * first case below.
 */
KTEST(arp, window_update_only_when_the_peer_runs_short)
{
	struct tcp_pcb *lp = flood_listener(ktest_ctx, 8);
	if (!lp)
		return;
	ASSERT_EQ(hash_open(lp, 1), 1u);
	struct tcp_pcb *pcb = hash_take(0);
	tcp_recv(pcb, wu_recv);

	/* 16,000 bytes in: 49,535 of the window left, more than half. A read of all of them
	 * sends nothing; the window it opened goes out with our next segment. */
	wu_receive_then_read(ktest_ctx, pcb, 0, 16000, 16000);
	EXPECT_EQ(cap.tcp, 0u);
	EXPECT_EQ(tcp_write(pcb, "x", 1, TCP_WRITE_FLAG_COPY), ERR_OK);
	tcp_output(pcb);
	EXPECT_EQ(cap.tcp, 1u);
	EXPECT_EQ(cap.last_tcp_wnd, 0xffff);

	/* 40,000 more: 25,535 left, under half. The read that gives them back sends the update,
	 * a pure ACK announcing the whole window. */
	wu_receive_then_read(ktest_ctx, pcb, 16000, 40000, 40000);
	EXPECT_EQ(cap.tcp, 1u);
	EXPECT_EQ(cap.last_tcp_flags, 0x10);
	EXPECT_EQ(cap.last_tcp_ack, HASH_SEQ(0) + 1 + 56000);
	EXPECT_EQ(cap.last_tcp_wnd, 0xffff);

	/* The peer fills the window: the first read of 4 MSS or more reopens it at once. */
	wu_receive_then_read(ktest_ctx, pcb, 56000, 65535, 8000);
	EXPECT_EQ(cap.tcp, 1u);
	EXPECT_EQ(cap.last_tcp_wnd, 8000);

	tcp_recv(pcb, NULL);
	tcp_abort(pcb);
	flood_listener_done(ktest_ctx, lp);
}
